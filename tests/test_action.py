"""The GitHub Action's script (scripts/aksdiag_review.py), run as the Action runs it, on a throwaway
repository: a pull request whose commit moves a cluster's pod CIDR and sends its egress through a
firewall. The comment names both changes and the findings that appear, the pictures are written,
and the SARIF file passes the OASIS schema and GitHub's documented requirements."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from . import github_sarif
from .conftest import ROOT
from .test_sarif_github import oasis_valid

pytestmark = pytest.mark.slow
SCRIPT = ROOT / "scripts" / "aksdiag_review.py"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def pull_request(tmp_path):
    """main: a cluster and its diagram; the branch `egress-via-firewall`: one commit on top."""
    repo = tmp_path / "repo"
    (repo / "clusters").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.invalid")
    git(repo, "config", "user.name", "Dev")
    prod = repo / "clusters" / "prod.yaml"
    prod.write_text((ROOT / "examples" / "kubenet-byo-vnet.yaml").read_text())
    render = subprocess.run(
        [sys.executable, "-m", "aksdiag", "render", "clusters/prod.yaml"], cwd=repo, capture_output=True, text=True
    )
    assert render.returncode == 0, render.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "prod cluster and its diagram")
    git(repo, "switch", "-q", "-c", "egress-via-firewall")
    prod.write_text(
        prod.read_text()
        .replace("podCidr: 10.244.0.0/16", "podCidr: 10.200.0.0/16")
        .replace("outboundType: loadBalancer", "outboundType: userDefinedRouting")
    )
    git(repo, "commit", "-q", "-am", "new pod range; egress through the firewall")
    return repo


def test_the_action_script_reviews_a_pull_request(pull_request, tmp_path):
    repo = pull_request
    outputs, summary = tmp_path / "github_output", tmp_path / "step_summary"
    env = {
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "AKSDIAG_BASE": "main",
        "AKSDIAG_HEAD": "HEAD",
        "AKSDIAG_CACHE_DIR": str(tmp_path / "cache"),
        "GITHUB_SERVER_URL": "https://github.example.invalid",
        "GITHUB_REPOSITORY": "team/clusters",
        "GITHUB_RUN_ID": "42",
    }

    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path / "review")],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=600,
    )
    # A finding at error level appears and the diagram is stale: the verdict is 1, after everything is written.
    assert proc.returncode == 1, proc.stderr
    written = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert written["exit-code"] == "1" and written["check-exit"] == "1" and written["render-exit"] == "1"
    assert written["diff-exit"] == "1"

    comment = Path(written["comment-file"]).read_text()
    assert comment.startswith("<!-- aksdiag-diff -->")
    assert "pod CIDR IPv4: `10.244.0.0/16` → `10.200.0.0/16`" in comment
    assert "outbound type: `loadBalancer` → `userDefinedRouting`" in comment
    appeared = comment.split("Findings that appear:")[1]
    assert "`udr-needs-default-route`" in appeared and "learn.microsoft.com" in appeared
    assert "Diagrams: out of date" in comment and "clusters/prod.svg: stale" in comment
    assert summary.read_text() == comment
    assert "[this run](https://github.example.invalid/team/clusters/actions/runs/42)" in comment

    pictures = Path(written["pictures-dir"])
    assert sorted(p.relative_to(pictures).as_posix() for p in pictures.rglob("*.svg")) == [
        "clusters/prod.after.svg",
        "clusters/prod.before.svg",
    ]

    sarif = json.loads(Path(written["sarif-file"]).read_text())
    oasis_valid(sarif)
    assert github_sarif.problems(sarif, {"clusters/prod.yaml"}) == []
    assert "udr-needs-default-route" in {r["ruleId"] for r in sarif["runs"][0]["results"]}

    # The working tree is left as it was: nothing checked out, nothing written into the repository.
    assert git(repo, "status", "--porcelain") == ""

    # --exit-zero: the Action's way on to the upload steps; the verdict stays in $GITHUB_OUTPUT.
    zero = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path / "again"), "--exit-zero"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=600,
    )
    assert zero.returncode == 0 and outputs.read_text().splitlines()[-1] == "exit-code=1"


def test_the_action_runs_the_script_with_its_inputs():
    """action.yml and the script agree: every input reaches the script, every output is one it writes."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    review = next(s for s in steps if s.get("id") == "review")
    assert "scripts/aksdiag_review.py" in review["run"] and "--exit-zero" in review["run"]
    script = SCRIPT.read_text()
    for name in review["env"]:
        assert name in script, name
    for name, output in action["outputs"].items():
        assert output["value"] == f"${{{{ steps.review.outputs.{name} }}}}"
        assert f'"{name}"' in script, name
    assert steps[-1]["run"].strip() == 'exit "${{ steps.review.outputs.exit-code }}"'
