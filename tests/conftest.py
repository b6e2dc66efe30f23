from __future__ import annotations

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
