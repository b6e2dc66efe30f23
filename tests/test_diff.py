"""`aksdiag diff`: two revisions (or folders) of a repository of cluster files, compared by what
they derive, as a pull-request comment and as JSON in the common convention."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from aksdiag.api.diff import diff, exit_code
from aksdiag.derive.diff import FileChange
from aksdiag.derive.plan import Severity
from aksdiag.load.revision import snapshot
from aksdiag.report import envelope
from aksdiag.report.diff import LIMIT, MARKER, markdown
from aksdiag.report.diff import as_json as diff_json

from .conftest import ROOT

BYO = ROOT / "examples" / "kubenet-byo-vnet.yaml"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def new_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "reviewer@example.invalid")
    git(repo, "config", "user.name", "Reviewer")
    return repo


def commit(repo: Path, files: dict[str, str | None], message: str) -> None:
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def pod_cidr_and_egress_changed(tmp_path: Path) -> Path:
    """The issue's repository: a second commit moves the pod CIDR and sends egress through UDR."""
    repo = new_repo(tmp_path)
    text = BYO.read_text()
    commit(repo, {"clusters/prod.yaml": text}, "prod cluster")
    changed = text.replace("podCidr: 10.244.0.0/16", "podCidr: 10.200.0.0/16").replace(
        "outboundType: loadBalancer", "outboundType: userDefinedRouting"
    )
    assert changed != text
    commit(repo, {"clusters/prod.yaml": changed}, "new pod range, egress through the firewall")
    return repo


def validate(doc: dict) -> None:
    jsonschema.validate(doc, envelope.schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.slow
def test_two_commits_name_both_changes_and_the_findings_that_appear(tmp_path):
    repo = pod_cidr_and_egress_changed(tmp_path)
    made = diff("HEAD~1", "HEAD", cwd=repo)
    (f,) = made.report.files
    assert f.path == "clusters/prod.yaml" and f.change == FileChange.changed
    comment = markdown(made.report)
    assert comment.startswith(MARKER)
    assert "pod CIDR IPv4: `10.244.0.0/16` → `10.200.0.0/16`" in comment
    assert "outbound type: `loadBalancer` → `userDefinedRouting`" in comment
    assert "`udr-needs-default-route`" in comment.split("Findings that appear:")[1]
    assert "<details>" in comment and comment.count("| clusters/prod.yaml") == 0  # paths are code in the table
    # Pictures for both sides, named after the file they show.
    assert set(made.pictures) == {"clusters/prod.before.svg", "clusters/prod.after.svg"}
    assert all(b"<svg" in data[:400] for data in made.pictures.values())
    assert made.pictures["clusters/prod.before.svg"] != made.pictures["clusters/prod.after.svg"]
    assert exit_code(made.report, Severity.error) == 1 and exit_code(made.report, None) == 0
    doc = json.loads(diff_json(made.report))
    validate(doc)
    appeared = {x["rule"]: x for x in doc["files"][0]["appeared"]}
    # The finding points into the head revision's file, at the field that breaks the rule.
    udr = appeared["udr-needs-default-route"]
    assert udr["file"] == "clusters/prod.yaml" and udr["line"] == 14
    assert doc["base"]["revision"] == git(repo, "rev-parse", "HEAD~1").strip()


def test_an_edit_that_derives_the_same_network_is_no_change(tmp_path):
    repo = new_repo(tmp_path)
    commit(repo, {"clusters/prod.yaml": BYO.read_text()}, "one")
    commit(repo, {"clusters/prod.yaml": "# reviewed\n" + BYO.read_text()}, "a comment")
    made = diff("HEAD~1", "HEAD", cwd=repo, picture_format=None)
    (f,) = made.report.files
    assert f.change == FileChange.edited and not f.rows
    assert "no network change" in markdown(made.report) and exit_code(made.report, Severity.note) == 0


def test_folders_added_removed_and_bad_input(tmp_path):
    base, head = tmp_path / "base", tmp_path / "head"
    (base / "clusters").mkdir(parents=True)
    (head / "clusters").mkdir(parents=True)
    shutil.copy(BYO, base / "clusters" / "old.yaml")
    shutil.copy(ROOT / "examples" / "azure-cni-overlay.yaml", head / "clusters" / "new.yaml")
    (head / "clusters" / "broken.yaml").write_text("name: broken\nnodePools: []\n")
    made = diff(str(base), str(head), cwd=tmp_path, picture_format=None)
    changes = {f.path: f.change for f in made.report.files}
    assert changes == {
        "clusters/old.yaml": FileChange.removed,
        "clusters/new.yaml": FileChange.added,
        "clusters/broken.yaml": FileChange.failed,
    }
    assert exit_code(made.report, Severity.error) == 2  # bad input, as `check` says it
    comment = markdown(made.report)
    assert "new cluster" in comment and "cluster removed" in comment and "broken.yaml:" in comment
    assert (
        "- New cluster aks-overlay: Azure CNI Overlay, " in comment
        and "- Removed cluster myAKSCluster: kubenet" in comment
    )
    assert f"network review of `{base}` → `{head}`" in comment
    doc = json.loads(diff_json(made.report))
    validate(doc)
    broken = next(x for x in doc["files"] if x["file"] == "clusters/broken.yaml")
    assert broken["badInput"] and broken["badInput"][0]["file"] == "clusters/broken.yaml"


def test_a_revision_holds_cluster_files_only(tmp_path):
    repo = new_repo(tmp_path)
    text = BYO.read_text()
    commit(
        repo,
        {
            "clusters/prod.yaml": text,
            "clusters/aks.schema.json": "{}",
            "clusters/.hidden.yaml": text,
            ".github/workflows/ci.yml": "on: push\n",
            "docs/mkdocs.yml": "site_name: x\n",
            "clusters/with space.yaml": text,
            "other/dev.yaml": text,
        },
        "tree",
    )
    (repo / "clusters" / "link.yaml").symlink_to("prod.yaml")
    commit(repo, {}, "a symlink")
    snap = snapshot("HEAD", cwd=repo)
    assert sorted(snap.files) == ["clusters/prod.yaml", "clusters/with space.yaml", "other/dev.yaml"]
    assert snap.files["clusters/prod.yaml"] == text.encode()
    # --path narrows it, from the folder the command runs in.
    assert sorted(snapshot("HEAD", cwd=repo / "clusters", scopes=(".",)).files) == [
        "clusters/prod.yaml",
        "clusters/with space.yaml",
    ]
    assert sorted(snapshot("HEAD", cwd=repo, scopes=("other",)).files) == ["other/dev.yaml"]


def test_an_unknown_revision_is_bad_input(tmp_path):
    from aksdiag.errors import InputError

    repo = new_repo(tmp_path)
    commit(repo, {"clusters/prod.yaml": BYO.read_text()}, "one")
    with pytest.raises(InputError, match="'no-such-branch' is neither a folder nor a commit"):
        diff("no-such-branch", "HEAD", cwd=repo)


def test_a_long_comment_stays_within_githubs_limit(tmp_path):
    base, head = tmp_path / "base", tmp_path / "head"
    text = BYO.read_text()
    big = text.replace("count: 3", "count: 250").replace("192.168.1.0/24", "192.168.0.0/20")
    for i in range(12):
        (base / "c").mkdir(parents=True, exist_ok=True)
        (head / "c").mkdir(parents=True, exist_ok=True)
        (base / "c" / f"k{i}.yaml").write_text(big)
        (head / "c" / f"k{i}.yaml").write_text(big.replace("10.244.0.0/16", "10.200.0.0/16"))
    comment = markdown(diff(str(base), str(head), cwd=tmp_path, picture_format=None).report)
    assert len(comment) <= LIMIT + 2000 < 65_536
    assert "left out to keep this comment within GitHub's limit" in comment
    assert comment.count("| `c/k") == 12  # every file keeps its row in the summary


@pytest.mark.slow
def test_the_command_on_two_commits(tmp_path):
    import sys

    repo = pod_cidr_and_egress_changed(tmp_path)
    exe = Path(sys.executable).parent / "aksdiag"
    proc = subprocess.run(
        [str(exe), "diff", "HEAD~1", "HEAD", "--pictures", "pics"], cwd=repo, capture_output=True, text=True
    )
    assert proc.returncode == 1, proc.stderr  # an error finding appears, as `check` would exit
    assert "pod CIDR IPv4: `10.244.0.0/16` → `10.200.0.0/16`" in proc.stdout
    assert "outbound type: `loadBalancer` → `userDefinedRouting`" in proc.stdout
    assert "`udr-needs-default-route`" in proc.stdout and "2 pictures under pics" in proc.stderr
    assert (repo / "pics" / "clusters" / "prod.after.svg").is_file()
    ignored = subprocess.run(
        [str(exe), "diff", "HEAD~1", "HEAD", "--fail-on", "never"], cwd=repo, capture_output=True, text=True
    )
    assert ignored.returncode == 0
    bad = subprocess.run([str(exe), "diff", "no-such-rev", "HEAD"], cwd=repo, capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "no-such-rev" in bad.stderr


def test_names_from_a_description_are_text_in_the_comment(tmp_path):
    base, head = tmp_path / "base", tmp_path / "head"
    (base / "c").mkdir(parents=True)
    (head / "c").mkdir(parents=True)
    text = BYO.read_text().replace("name: myAKSCluster", 'name: "[pwn](https://evil.invalid) <img src=x> |x"')
    (head / "c" / "new.yaml").write_text(text)
    comment = markdown(diff(str(base), str(head), cwd=tmp_path, picture_format=None).report)
    # Escaped, the brackets make no link and the pipe no table cell.
    assert "\\[pwn\\](https://evil.invalid) \\<img src=x\\> \\|x" in comment
    assert not re.search(r"(?<!\\)<img", comment)
