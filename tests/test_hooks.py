"""The pre-commit hooks run what they say, on the files they say, with the exit codes of the CLI."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

HOOKS = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def run_hook(hook_id: str, files: list[Path], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """As pre-commit does: the entry, its args, then the file names."""
    hook = HOOKS[hook_id]
    argv = shlex.split(hook["entry"]) + hook.get("args", [])
    argv[0] = str(Path(sys.executable).parent / argv[0])
    return subprocess.run([*argv, *map(str, files)], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.mark.parametrize(
    "path,taken",
    [
        ("clusters/prod.yaml", True),
        ("infra/clusters/dev.json", True),
        ("clusters/mkdocs.yml", False),
        (".github/workflows/ci.yml", False),
        ("k8s/deployment.yaml", False),
        ("clusters/aks.schema.json", False),
        ("clusters/.draft.yaml", False),
        ("clusters/.old/prod.yaml", False),
        ("clusters/sub/dev.yml", True),
    ],
)
def test_hooks_take_cluster_files_only(path, taken):
    for hook in HOOKS.values():
        chosen = bool(re.search(hook["files"], path)) and not re.search(hook.get("exclude", "^$"), path)
        assert chosen == taken, (hook["id"], path)


@pytest.mark.slow
def test_render_then_check_hooks(tmp_path, monkeypatch):
    import os

    env = {**os.environ, "AKSDIAG_CACHE_DIR": str(tmp_path / "cache")}
    clusters = tmp_path / "clusters"
    clusters.mkdir()
    prod = clusters / "prod.yaml"
    shutil.copy(ROOT / "examples" / "kubenet-basic.yaml", prod)
    assert run_hook("aksdiag-check", [prod], tmp_path, env).returncode == 0
    stale = run_hook("aksdiag-render-check", [prod], tmp_path, env)
    assert stale.returncode == 1 and "prod.svg: missing" in stale.stderr and not (clusters / "prod.svg").exists()
    # The render hook fails when it writes, as formatters do, and passes once nothing changes.
    wrote = run_hook("aksdiag-render", [prod], tmp_path, env)
    assert wrote.returncode == 1 and (clusters / "prod.svg").is_file() and "prod.svg" in wrote.stderr
    assert run_hook("aksdiag-render", [prod], tmp_path, env).returncode == 0
    assert run_hook("aksdiag-render-check", [prod], tmp_path, env).returncode == 0
    prod.write_text(prod.read_text().replace("name: ", "name: x", 1))
    assert run_hook("aksdiag-render-check", [prod], tmp_path, env).returncode == 1
    (clusters / "bad.yaml").write_text("name: bad\nnodePools: []\n")
    assert run_hook("aksdiag-render-check", [clusters / "bad.yaml"], tmp_path, env).returncode == 2
