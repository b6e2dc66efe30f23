"""One JSON convention across `check`, `plan`, `compare` and `diff`: a top-level `version`, camelCase
keys and files named the same way, checked against the JSON Schema aksdiag ships."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest

from aksdiag.report import envelope

from .conftest import ROOT, cli

EXE = Path(sys.executable).parent / "aksdiag"
BYO = ROOT / "examples" / "kubenet-byo-vnet.yaml"
OVERLAY = ROOT / "examples" / "azure-cni-overlay.yaml"
BAD = ROOT / "tests" / "bad-inputs"
CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def run(*args: str, cwd: Path = ROOT) -> dict:
    proc = cli(*map(str, args), cwd=cwd)  # in this process: the documents are under test, not the process
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def keys(value, path="$"):
    if isinstance(value, dict):
        for k, v in value.items():
            yield path, k
            yield from keys(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from keys(v, f"{path}[{i}]")


def conforms(doc: dict, command: str) -> None:
    jsonschema.validate(doc, envelope.schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert doc["version"] == envelope.VERSION and doc["command"] == command
    bad = [(p, k) for p, k in keys(doc) if not CAMEL.match(k)]
    assert not bad, bad


def test_the_schema_is_a_valid_json_schema_and_printed_by_the_cli():
    jsonschema.Draft202012Validator.check_schema(envelope.schema())
    printed = cli("schema", "--reports")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == envelope.schema()


def test_the_schema_refuses_another_convention():
    validator = jsonschema.Draft202012Validator(envelope.schema())
    assert not validator.is_valid({"version": "0.1.0", "results": []})  # what check wrote before
    assert not validator.is_valid(
        {
            "version": 1,
            "command": "plan",
            "aksdiag": "x",
            "cluster": "c",
            "model": "m",
            "ranges": [],
            "capacity": [],
            "findings": [],
            "cluster_capacity": {},
            "file": None,
        }
    )


def test_check_plan_and_compare_share_the_convention(tmp_path):
    checked = run("check", "-f", "json", "examples/kubenet-byo-vnet.yaml", BAD / "windows-pool-on-kubenet.yaml")
    conforms(checked, "check")
    assert checked["results"][0]["file"] == "examples/kubenet-byo-vnet.yaml"
    finding = next(f for f in checked["results"][1]["findings"] if f["rule"] == "kubenet-windows")
    assert finding["file"] == checked["results"][1]["file"] and finding["line"] >= 1

    planned = run("plan", "-f", "json", "examples/kubenet-byo-vnet.yaml")
    conforms(planned, "plan")
    assert planned["file"] == "examples/kubenet-byo-vnet.yaml"
    assert "maxPodsPerNode" in planned["capacity"][0] and "clusterCapacity" in planned

    compared = run("compare", "-f", "json", "examples/kubenet-byo-vnet.yaml", "examples/azure-cni-overlay.yaml")
    conforms(compared, "compare")
    assert compared["before"]["file"] == "examples/kubenet-byo-vnet.yaml"
    assert compared["after"]["file"] == "examples/azure-cni-overlay.yaml"
    as_model = run("compare", "-f", "json", "examples/kubenet-byo-vnet.yaml", "--as", "overlay")
    conforms(as_model, "compare")
    assert as_model["after"]["file"] is None and as_model["migration"]["items"]


@pytest.mark.slow
def test_diff_shares_the_convention(tmp_path):
    base, head = tmp_path / "base", tmp_path / "head"
    for side, src in ((base, BYO), (head, OVERLAY)):
        (side / "clusters").mkdir(parents=True)
        (side / "clusters" / "prod.yaml").write_text(src.read_text())
    diffed = run("diff", "base", "head", "-f", "json", cwd=tmp_path)
    conforms(diffed, "diff")
    assert diffed["files"][0]["file"] == "clusters/prod.yaml"
