from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SHARED = ROOT.parent / "shared"


class D2Golden(SingleFileSnapshotExtension):
    """One readable `.d2` file per golden, reviewed as a diff like code."""

    _write_mode = WriteMode.TEXT
    file_extension = "d2"


@pytest.fixture
def golden(snapshot):
    return snapshot.use_extension(D2Golden)


def example_id(path: Path) -> str:
    return path.stem


def pool_renamed(doc: Path, tmp_path: Path, pool: str = "agentpool") -> Path:
    """The cluster document with its pool named as the corpus node list's nodes say: a node
    list of another pool is refused, never merged (issue 8)."""
    data = json.loads(doc.read_text())
    (data.get("properties") or data)["agentPoolProfiles"][0]["name"] = pool
    out = tmp_path / doc.name
    out.write_text(json.dumps(data))
    return out
