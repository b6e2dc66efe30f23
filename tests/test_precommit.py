"""The hooks as pre-commit itself runs them (`pre-commit run`, configured with this checkout), in a
throwaway repository: the render hook fails once when it writes a diagram, as formatters do, and passes once the
diagram is added; schema files and dot-files are left alone.

pre-commit builds the hooks' environment from this checkout with pip, as it would for a user,
once for the test's two runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

pytestmark = pytest.mark.slow
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)


@pytest.fixture(scope="module")
def hook_home(tmp_path_factory) -> Path:
    # pre-commit's own cache of hook environments: one per test module, not the user's.
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> tuple[Path, str]:
    """This checkout as a repository pre-commit can install hooks from: its files as they are now
    (committed or not, as `pre-commit try-repo` takes them), committed once in a copy. The test's
    two runs then name the same repository and revision, so pre-commit builds the hooks'
    environment once, where `try-repo` made a new clone, and a new environment, for each run."""
    shadow = tmp_path_factory.mktemp("hooks-repo")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (shadow / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, shadow / name)
    git(shadow, "init", "-q", "-b", "main")
    git(shadow, "add", "-A")
    git(shadow, "-c", "user.email=dev@example.invalid", "-c", "user.name=Dev", "commit", "-q", "-m", "hooks")
    return shadow, git(shadow, "rev-parse", "HEAD").stdout.strip()


def run_hooks(repo: Path, hook: str | None, home: Path, hooks: tuple[Path, str]) -> subprocess.CompletedProcess:
    """`pre-commit run` of one hook, or all of them (`hook=None`), from a configuration that
    names this checkout's hooks, as a user's repository would."""
    source, rev = hooks
    ids = [h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())]
    config = {"repos": [{"repo": str(source), "rev": rev, "hooks": [{"id": i} for i in ids]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(repo, "add", ".pre-commit-config.yaml")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "AKSDIAG_CACHE_DIR": str(repo.parent / "cache")}
    env.pop("PYTHONPATH", None)  # the hook runs the aksdiag pip installed into its own environment
    args = [*PRE_COMMIT, "run", *([hook] if hook else []), "--verbose", "--all-files"]
    return subprocess.run(args, cwd=repo, capture_output=True, text=True, timeout=900)


@pytest.mark.long
def test_render_hook_fails_when_it_writes_then_passes_after_git_add(tmp_path, hook_home, hooks_repo):
    repo = tmp_path / "repo"
    (repo / "clusters").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.invalid")
    git(repo, "config", "user.name", "Dev")
    shutil.copy(ROOT / "examples" / "kubenet-basic.yaml", repo / "clusters" / "prod.yaml")
    (repo / "clusters" / "aks.schema.json").write_text('{"type": "object"}\n')  # an editor's schema
    (repo / "clusters" / ".draft.yaml").write_text("not: [a cluster\n")  # a hidden scratch file
    git(repo, "add", "-A")

    first = run_hooks(repo, "aksdiag-render", hook_home, hooks_repo)
    assert first.returncode == 1, first.stdout + first.stderr
    assert (repo / "clusters" / "prod.svg").is_file()
    assert "Failed" in first.stdout and "clusters/prod.svg" in first.stdout
    assert not (repo / "clusters" / "aks.schema.svg").exists() and not (repo / "clusters" / ".draft.svg").exists()

    git(repo, "add", "clusters/prod.svg")
    # Every hook now: the render hook writes nothing, the check hook takes the cluster and not the
    # schema file (which it would refuse as bad input), and the diagram is current.
    second = run_hooks(repo, None, hook_home, hooks_repo)
    assert second.returncode == 0, second.stdout + second.stderr
    passed = {line.split("...")[0].strip() for line in second.stdout.splitlines() if line.rstrip().endswith("Passed")}
    assert len(passed) == 3, second.stdout
