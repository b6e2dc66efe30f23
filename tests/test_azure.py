"""Real clusters: `az aks show` JSON in both shapes, node lists, route tables, live `az`."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aksdiag.api.stages import (
    Options,
    d2_source,
    load_cluster,
    plan_cluster,
    render_bytes,
)
from aksdiag.load.azure import managed_cluster_to_spec_data

from .conftest import CORPUS, cli, pool_renamed

DOCS = sorted((CORPUS / "aks-show").glob("*.json")) + sorted((CORPUS / "aks-show-cli-flattened").glob("*.json"))
NODES = CORPUS / "nodes" / "mobiledgex-aks-kubenet-3nodes-2021.json"
ROUTES = CORPUS / "route-tables" / "ecloud-aks-kubenet-agentpool-routetable-cli-2018.json"
EXE = Path(sys.executable).parent / "aksdiag"


def test_corpus_is_there():
    assert len(DOCS) >= 27, f"expected the corpus in {CORPUS}"


def _ci(d, key):
    return next((v for k, v in d.items() if k.lower() == key.lower()), None) if isinstance(d, dict) else None


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_corpus_document_renders_its_network(doc):
    raw = json.loads(doc.read_text())
    props = _ci(raw, "properties") or raw
    net = _ci(props, "networkProfile")
    loaded = load_cluster(doc)
    assert loaded.from_azure
    plan = plan_cluster(loaded, Options())
    svg = render_bytes(plan, "svg", Options(layout="dagre"), source_name=doc.name).decode()
    text = d2_source(plan, Options(view="all"), source_name=doc.name)  # every view
    plugin = (_ci(net, "networkPlugin") or "kubenet").lower()
    mode = (_ci(net, "networkPluginMode") or "").lower()
    title = {"kubenet": "kubenet", "none": "bring your own CNI"}.get(plugin) or (
        "Azure CNI Overlay" if mode == "overlay" else "Azure CNI"
    )
    assert title in text
    for cidr in _ci(net, "podCidrs") or ([_ci(net, "podCidr")] if _ci(net, "podCidr") else []):
        if plugin != "azure" or mode == "overlay":
            assert cidr in text, cidr
    for cidr in _ci(net, "serviceCidrs") or [_ci(net, "serviceCidr")]:
        assert cidr in text, cidr
    assert (_ci(net, "dnsServiceIP") or _ci(net, "dnsServiceIp")) in text
    assert f"outbound {_ci(net, 'outboundType') or 'loadBalancer'}".lower() in text.lower()
    for pool in _ci(props, "agentPoolProfiles"):
        assert f"pool {_ci(pool, 'name')}" in text
    assert "</svg>" in svg


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_import_round_trip_gives_the_same_diagram(doc, tmp_path):
    out = tmp_path / "cluster.yaml"
    proc = cli("import", str(doc), "-o", str(out))  # in-process: no process boundary is under test
    assert proc.returncode == 0, proc.stderr
    assert yaml.safe_load(out.read_text())["name"]
    every = Options(view="all")
    from_json = d2_source(plan_cluster(load_cluster(doc), every), every, source_name="x")
    # The YAML is a description now: what AKS would refuse is drawn only on request, as marked as from Azure.
    drawn = Options(draw_unsupported=True, view="all")
    from_yaml = d2_source(plan_cluster(load_cluster(out), drawn), drawn, source_name="x")
    assert from_yaml == from_json


def test_absent_vnet_is_said_to_be_assumed():
    text = d2_source(plan_cluster(load_cluster(DOCS[0]), Options()), Options(view="all"), source_name="x")
    assert "AKS-managed VNet" in text and "assumed (AKS defaults, not in the input): " in text and "vnet" in text


def test_byo_vnet_prefixes_are_assumed_and_say_so():
    doc = CORPUS / "aks-show" / "cli-rec-azurecni-podsubnet-staticblock-byovnet.json"
    plan = plan_cluster(load_cluster(doc), Options())
    assert {s.name for s in plan.subnets} == {"nodeSubnet", "podSubnet"}
    assert "vnet.subnets[].addressPrefix" in plan.assumed
    assert [p.pod_allocation for p in plan.pools] == ["StaticBlock"]
    text = d2_source(plan, Options(view="all"), source_name="x")
    assert "VNet and subnet prefixes are placeholders" in text


def test_casing_nulls_and_unknown_fields_do_not_matter():
    doc = json.loads((CORPUS / "aks-show" / "cli-rec-azurecni-overlay.json").read_text())
    messy = copy.deepcopy(doc)
    net = messy["properties"]["networkProfile"]
    net["networkPlugin"] = "AZURE"
    net["networkPluginMode"] = "Overlay"
    net["outboundType"] = "LOADBALANCER"
    net["somethingNew"] = {"x": None}
    messy["properties"]["agentPoolProfiles"][0]["osType"] = "linux"
    messy["properties"]["agentPoolProfiles"][0]["MODE"] = "system"
    messy["properties"]["brandNewProfile"] = None
    assert managed_cluster_to_spec_data(messy) == managed_cluster_to_spec_data(doc)


def _render_d2(*args: str, env=None) -> subprocess.CompletedProcess:
    # In this process (conftest.cli): what is drawn from the documents is under test, not the process.
    return cli("render", "--view", "all", *args, "-o", "-", "-f", "d2", env=env)


def test_node_list_gives_real_names_ips_and_pod_cidrs_out_of_order(tmp_path):
    doc = pool_renamed(CORPUS / "aks-show" / "cli-rec-kubenet-node-public-ip-prefix.json", tmp_path)
    proc = _render_d2(str(doc), "--nodes", str(NODES))
    assert proc.returncode == 0, proc.stderr
    # kubectl says vmss000000 has 10.244.1.0/24: the diagram follows the node, not the order.
    # vmss000000 (the full name is its pod block's tooltip) has the pod CIDR kubectl reported
    assert re.search(
        r'pods: "pods 10\.244\.1\.0/24 \(kubectl\)" \{[^}]*tooltip: "node aks-agentpool-30520393-vmss000000"',
        proc.stdout,
    )
    assert re.search(r'10\.240\.0\.6" \{[^}]*\{[^}]*tooltip: "node aks-agentpool-30520393-vmss000002"', proc.stdout)
    assert "node subnet aks-subnet · 10.240.0.0/16" in proc.stdout


def test_route_table_drift_is_marked_on_a_modified_copy(tmp_path):
    doc = pool_renamed(CORPUS / "aks-show" / "cli-rec-kubenet-node-public-ip-prefix.json", tmp_path)
    clean = {
        "name": "aks-agentpool-30520393-routetable",
        "routes": [
            {
                "name": f"aks-agentpool-30520393-vmss00000{i}____{b.replace('.', '').replace('/', '')}",
                "addressPrefix": b,
                "nextHopType": "VirtualAppliance",
                "nextHopIpAddress": ip,
            }
            for i, (b, ip) in enumerate(
                [("10.244.1.0/24", "10.240.0.4"), ("10.244.2.0/24", "10.240.0.5"), ("10.244.0.0/24", "10.240.0.6")]
            )
        ],
    }
    rt = tmp_path / "rt.json"
    rt.write_text(json.dumps(clean))
    ok = _render_d2(str(doc), "--nodes", str(NODES), "--route-table", str(rt))
    assert ok.returncode == 0 and "DRIFT" not in ok.stdout
    drifted = copy.deepcopy(clean)
    drifted["routes"][0]["addressPrefix"] = "10.244.9.0/24"  # prefix differs from the node's pod CIDR
    del drifted["routes"][1]  # a node without its route
    drifted["routes"].append(
        {
            "name": "aks-old-node",
            "addressPrefix": "10.244.7.0/24",
            "nextHopType": "VirtualAppliance",
            "nextHopIpAddress": "10.240.0.99",
        }
    )
    rt.write_text(json.dumps(drifted))
    proc = _render_d2(str(doc), "--nodes", str(NODES), "--route-table", str(rt))
    assert proc.returncode == 0, proc.stderr
    assert "DRIFT: prefix differs from the node's pod CIDR (10.244.1.0/24)" in proc.stdout
    assert "DRIFT: node has no route" in proc.stdout and "vmss000001" in proc.stdout
    assert "DRIFT: route to no node" in proc.stdout


def test_corpus_route_table_and_node_list_render(tmp_path):
    doc = pool_renamed(CORPUS / "aks-show-cli-flattened" / "ecloud-az-aks-list-item-kubenet-2018.json", tmp_path)
    proc = _render_d2(str(doc), "--route-table", str(ROUTES), "--nodes", str(NODES))
    assert proc.returncode == 0, proc.stderr
    assert "aks-agentpool-33686480-routetable" in proc.stdout
    assert "10.244.1.0/24 → 10.240.0.5" in proc.stdout


def _fake_az(tmp_path: Path, script: str) -> dict:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    az = bin_dir / "az"
    az.write_text("#!/bin/sh\n" + script)
    az.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_live_cluster_through_a_fake_az_on_path(tmp_path):
    doc = CORPUS / "aks-show" / "cli-rec-azurecni-overlay.json"
    env = _fake_az(tmp_path, f'[ "$1 $2" = "aks show" ] && cat "{doc}" && exit 0\necho "unexpected $*" >&2; exit 9\n')
    proc = subprocess.run(
        [str(EXE), "render", "--az", "-g", "rg", "-n", "prod", "--view", "all", "-o", "-", "-f", "d2"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Azure CNI Overlay" in proc.stdout and "100.64.0.0/10" in proc.stdout


@pytest.mark.parametrize(
    "stderr,expected",
    [
        ("ERROR: Please run 'az login' to setup account.", "az is not logged in: run `az login`"),
        (
            (
                "ERROR: (ResourceNotFound) The Resource 'Microsoft.ContainerService/managedClusters/prod' under resource "
                "group 'rg' was not found."
            ),
            "cluster 'prod' in resource group 'rg' was not found",
        ),
    ],
)
def test_live_errors_are_clear(tmp_path, stderr, expected):
    env = _fake_az(tmp_path, f'echo "{stderr}" >&2\nexit 1\n')
    proc = subprocess.run(
        [str(EXE), "render", "--az", "-g", "rg", "-n", "prod"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 2 and expected in proc.stderr and "Traceback" not in proc.stderr


def test_live_without_az_installed(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}
    proc = subprocess.run(
        [str(EXE), "render", "--az", "-g", "rg", "-n", "prod"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 2 and "`az` was not found on PATH" in proc.stderr
