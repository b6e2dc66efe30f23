"""Each network model's diagram says what sets it apart (issue: differences must be visible)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aksdiag.pipeline import Options, d2_source, load_cluster, plan_cluster

from .conftest import ROOT

EX = ROOT / "examples"


def source(name: str, **opts) -> str:
    loaded = load_cluster(EX / f"{name}.yaml")
    return d2_source(plan_cluster(loaded, Options(**opts)), Options(**opts), source_name=name)


RT, PODS = 'rt: "route table', 'pods: "pod CIDR'  # the shapes, not words in the notes

# (example, must appear, must not appear)
CASES = [
    ("kubenet-byo-vnet", ["pod CIDR 10.244.0.0/16 · /24 per node", "route table aks-agentpool-12355964-routetable",
                          "pod egress: SNAT to the node IP", "through the route table (one route per node)",
                          "kubenet: 251 nodes / 27,610 pods", "Azure CNI node subnet: 8 nodes / 240 pods"],
     ["pod subnet "]),
    ("azure-cni-node-subnet", ["pod IPs 10.20.1.5 – 10.20.1.34", "30 reserved up front",
                               "pod IP inside the VNet; SNAT to the node IP outside it", "10.20.1.35"],
     [RT, PODS]),
    ("azure-cni-overlay", ["pod CIDR 192.168.0.0/16 · /24 per node", "nothing outside the cluster reaches a pod",
                           "Azure routes the pod CIDR; no route table", "SNAT to the node IP"],
     [RT]),
    ("azure-cni-pod-subnet", ["pod subnet pods · 10.30.16.0/20", "batches of 16", "source is the pod IP"],
     [RT, PODS]),
    ("azure-cni-pod-subnet-static", ["/28 static block", "10.31.16.16/28", "source is the pod IP"], [PODS]),
    ("byo-cni-cilium", ["pod network: cilium (you install and run it)", "AKS installs no CNI",
                        "whatever your CNI does (masquerade or not)"], [RT, "outside it: the node IP"]),
    ("overlay-cilium-dataplane", ["Cilium eBPF dataplane, network policy, no kube-proxy"], [RT]),
    ("kubenet-dual-stack", ["fd11:1234::/80", "10.244.1.0/24", "NAT stays within the family", "fd00:60:0:1::4"], []),
    ("udr-firewall-egress", ["0.0.0.0/0 → 10.0.1.4", "firewall / NVA 10.0.1.4", "SNAT at the firewall"], ["public IP · outbound"]),
    ("private-cluster", ["private endpoint", "private DNS zone managed by AKS", "Private Link"], ["public FQDN\\n"]),
    ("apiserver-vnet-integration", ["API server internal load balancer", "VNet integration"], []),
    ("overlay-nat-gateway", ["NAT gateway · yours, on the node subnet", "SNAT to NAT gateway IP"], ["public IP · outbound"]),
    ("kubenet-managed-nat-gateway", ["NAT gateway · managed by AKS", "calico network policy"], []),
    ("kubenet-byo-route-table", ["route table rt-aks-nodes\\nyours; AKS adds its routes", "to-onprem",
                                 "192.168.0.0/16 →  · VirtualNetworkGateway · yours",
                                 "aks-nodepool1-51515151-vmss000000____102440024"], []),
    ("multi-pool-windows", ["node pool win22 · User · Windows", "icons/windows.svg", "subnet windows · 10.70.2.0/24",
                            "subnet linux · 10.70.1.0/24"], ["NOT SUPPORTED"]),
    ("outbound-none", ["no outbound path is set up"], ["public IP · outbound"]),
]


@pytest.mark.parametrize("name,present,absent", CASES, ids=[c[0] for c in CASES])
def test_model_differences_are_drawn(name, present, absent):
    text = source(name)
    for fragment in present:
        assert fragment in text, fragment
    for fragment in absent:
        assert fragment not in text, fragment


def test_every_example_has_a_legend_and_its_model_partial():
    for example in EX.glob("*.yaml"):
        text = source(example.stem)
        assert "d2-legend" in text and "source NAT (address rewritten)" in text
        assert "virtual (not routed in the VNet)" in text


def test_byo_cni_names_each_declared_cni(tmp_path):
    base = (EX / "byo-cni-cilium.yaml").read_text()
    for cni in ("calico", "flannel", "weave", "canal"):
        f = tmp_path / f"{cni}.yaml"
        f.write_text(base.replace("byoCni: cilium", f"byoCni: {cni}"))
        text = d2_source(plan_cluster(load_cluster(f), Options()), Options(), source_name=f.name)
        assert f"pod network: {cni} (you install and run it)" in text


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "aksdiag"), *args], capture_output=True, text=True)


DISALLOWED = [
    ("networkPlugin: azure\n  networkPluginMode: overlay", "networkPlugin: kubenet", "nodePools:\n  - name: np1\n"
     "  - name: win1\n    osType: Windows\n", "kubenet-windows", "nodePools[1].osType"),
    ("networkPlugin: azure\n  networkPluginMode: overlay", "networkPlugin: kubenet\n  networkPolicy: azure", None,
     "kubenet-azure-policy", "networkProfile.networkPolicy"),
    ("networkPlugin: azure\n  networkPluginMode: overlay", "networkPlugin: kubenet\n  ipFamilies: [IPv4, IPv6]\n"
     "  outboundType: managedNATGateway", None, "dualstack-kubenet-natgw", "networkProfile.outboundType"),
]


@pytest.mark.parametrize("old,new,pools,rule,field", DISALLOWED, ids=[d[3] for d in DISALLOWED])
def test_disallowed_combinations_are_refused_then_drawn_marked_on_request(tmp_path, old, new, pools, rule, field):
    text = "name: c\nnetworkProfile:\n  networkPlugin: azure\n  networkPluginMode: overlay\n"
    text = text.replace(old, new) + (pools or "nodePools:\n  - name: np1\n")
    f = tmp_path / "c.yaml"
    f.write_text(text)
    refused = _run("render", str(f), "-o", str(tmp_path / "c.svg"))
    assert refused.returncode == 2
    assert f"[rule {rule}]" in refused.stderr and field in refused.stderr
    assert f"{f}:" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "c.svg").exists()
    drawn = _run("render", str(f), "-o", "-", "-f", "d2", "--draw-unsupported")
    assert drawn.returncode == 0, drawn.stderr
    assert "AKS would refuse this: " in drawn.stdout
