"""The hooks as pre-commit itself runs them (`pre-commit try-repo`), in a throwaway repository:
the render hook fails once when it writes a diagram, as formatters do, and passes once the
diagram is added; schema files and dot-files are left alone.

pre-commit builds the hooks' environment from this checkout with pip, as it would for a user,
so this is the slowest test of the suite (a minute, once per session).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)


@pytest.fixture(scope="module")
def hook_home(tmp_path_factory) -> Path:
    # pre-commit's own cache of hook environments: one per test module, not the user's.
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, hook: str | None, home: Path, *files: str) -> subprocess.CompletedProcess:
    """One hook, or all of them (`hook=None`); each call builds the hooks' environment anew (try-repo
    clones the repository each time), so the test makes two."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "AKSDIAG_CACHE_DIR": str(repo.parent / "cache")}
    env.pop("PYTHONPATH", None)  # the hook runs the aksdiag pip installed into its own environment
    args = [*PRE_COMMIT, "try-repo", str(ROOT), *([hook] if hook else []), "--verbose"]
    args += ["--files", *files] if files else ["--all-files"]
    return subprocess.run(args, cwd=repo, capture_output=True, text=True, timeout=900)


def test_render_hook_fails_when_it_writes_then_passes_after_git_add(tmp_path, hook_home):
    repo = tmp_path / "repo"
    (repo / "clusters").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.invalid")
    git(repo, "config", "user.name", "Dev")
    shutil.copy(ROOT / "examples" / "kubenet-basic.yaml", repo / "clusters" / "prod.yaml")
    (repo / "clusters" / "aks.schema.json").write_text('{"type": "object"}\n')  # an editor's schema
    (repo / "clusters" / ".draft.yaml").write_text("not: [a cluster\n")  # a hidden scratch file
    git(repo, "add", "-A")

    first = try_repo(repo, "aksdiag-render", hook_home)
    assert first.returncode == 1, first.stdout + first.stderr
    assert (repo / "clusters" / "prod.svg").is_file()
    assert "Failed" in first.stdout and "clusters/prod.svg" in first.stdout
    assert not (repo / "clusters" / "aks.schema.svg").exists() and not (repo / "clusters" / ".draft.svg").exists()

    git(repo, "add", "clusters/prod.svg")
    # Every hook now: the render hook writes nothing, the check hook takes the cluster and not the
    # schema file (which it would refuse as bad input), and the diagram is current.
    second = try_repo(repo, None, hook_home)
    assert second.returncode == 0, second.stdout + second.stderr
    passed = {line.split("...")[0].strip() for line in second.stdout.splitlines() if line.rstrip().endswith("Passed")}
    assert len(passed) == 3, second.stdout
