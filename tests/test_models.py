"""Each network model's diagram says what sets it apart (issue: differences must be visible)."""

from __future__ import annotations

import subprocess

import pytest

from aksdiag.api.stages import Options, d2_source, load_cluster, plan_cluster

from .conftest import ROOT, cli

EX = ROOT / "examples"


def source(name: str, **opts) -> str:
    """Every view of the example, as one D2 file with layers."""
    loaded = load_cluster(EX / f"{name}.yaml")
    options = Options(view="all", **opts)
    return d2_source(plan_cluster(loaded, options), options, source_name=name)


RT, PODS = 'rt: "route table', 'podcidr: "pod CIDR'  # the shapes, not words in the notes

# (example, must appear, must not appear), in the D2 of every view
CASES = [
    (
        "kubenet-byo-vnet",
        [
            'podcidr: "pod CIDR 10.244.0.0/16',
            "route table · kept by AKS",
            "class: pods_overlay",
            "10.244.1.0/24 → 192.168.1.5",
            "source 192.168.1.5 (node IP)",
            "the route table's route for that node's /24",
            "kubenet  ◀ this cluster",
        ],
        ["pod subnet ", "class: pods_vnet"],
    ),
    (
        "azure-cni-node-subnet",
        ["pods 10.20.1.5 – 10.20.1.34", "class: pods_vnet", "direct: pod IPs are VNet IPs", "(node IP)"],
        [RT, PODS, "class: pods_overlay"],
    ),
    (
        "azure-cni-overlay",
        [
            "pod CIDR 192.168.0.0/16",
            "not routable in the VNet",
            "class: pods_overlay",
            "Azure routes the pod CIDR, no route table",
            "(node IP)",
        ],
        [RT],
    ),
    (
        "azure-cni-pod-subnet",
        ["pod subnet pods · 10.30.16.0/20", "pods from 10.30.16.0/20", "source: pod IP", "class: pods_vnet"],
        [RT, PODS, "(node IP)"],
    ),
    ("azure-cni-pod-subnet-static", ["pods 10.31.16.16/28 + 2 more /28", "source: pod IP"], [PODS]),
    (
        "byo-cni-cilium",
        [
            "pod network: cilium (you install and run it)",
            "AKS installs no CNI",
            "class: pods_cni",
            "as your CNI carries it",
            "source: as your CNI sets it",
        ],
        [RT, "(node IP)"],
    ),
    ("overlay-cilium-dataplane", ["Cilium eBPF dataplane, no kube-proxy"], [RT]),
    (
        "kubenet-dual-stack",
        ["pods fd11:1234::/80", "pods 10.244.1.0/24", "NAT stays within the family", "fd00:60:0:1::4"],
        [],
    ),
    (
        "udr-firewall-egress",
        ["0.0.0.0/0 → 10.70.1.4", "firewall / NVA · 10.70.1.4", "source: firewall public IP"],
        ["LB public IP"],
    ),
    # AKS gives a private cluster a public FQDN too unless it is disabled; nodes still use the private path.
    (
        "private-cluster",
        ["private endpoint", "private DNS zone · managed by AKS", "Private Link", "public FQDN too"],
        ["kubelet → public FQDN"],
    ),
    ("apiserver-vnet-integration", ["internal load balancer", "VNet integration"], []),
    ("overlay-nat-gateway", ["NAT gateway · yours, on the node subnet", "source: NAT GW public IP"], ["LB public IP"]),
    ("kubenet-managed-nat-gateway", ["NAT gateway · managed by AKS", "calico network policy"], []),
    (
        "kubenet-byo-route-table",
        [
            "route table · yours; AKS adds its routes",
            "192.168.0.0/16 → VirtualNetworkGateway",
            "aks-nodepool1-51515151-vmss000000____102440024",
        ],
        [],
    ),
    (
        "multi-pool-windows",
        [
            "pool win22 · Windows",
            "icons/windows.svg",
            "subnet windows · 10.70.2.0/24",
            "subnet linux · 10.70.1.0/24",
            "nodes 10.70.1.4 – 10.70.1.6",
        ],
        ["NOT SUPPORTED"],
    ),
    ("outbound-none", ["no outbound path"], ["LB public IP"]),
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
        assert 'legend: ""' in text and "pod to pod across nodes" in text and "node to API server" in text


def test_byo_cni_names_each_declared_cni(tmp_path):
    base = (EX / "byo-cni-cilium.yaml").read_text()
    for cni in ("calico", "flannel", "weave", "canal"):
        f = tmp_path / f"{cni}.yaml"
        f.write_text(base.replace("byoCni: cilium", f"byoCni: {cni}"))
        options = Options(view="addresses")
        text = d2_source(plan_cluster(load_cluster(f), options), options, source_name=f.name)
        assert f"pod network: {cni} (you install and run it)" in text


def _run(*args: str) -> subprocess.CompletedProcess:
    # In this process (conftest.cli): these cases test what the command does, not the process around it.
    return cli(*args)


DISALLOWED = [
    (
        "networkPlugin: azure\n  networkPluginMode: overlay",
        "networkPlugin: kubenet",
        ("nodePools:\n  - name: np1\n  - name: win1\n    osType: Windows\n"),
        "kubenet-windows",
        "nodePools[1].osType",
    ),
    (
        "networkPlugin: azure\n  networkPluginMode: overlay",
        "networkPlugin: kubenet\n  networkPolicy: azure",
        None,
        "kubenet-azure-policy",
        "networkProfile.networkPolicy",
    ),
    (
        "networkPlugin: azure\n  networkPluginMode: overlay",
        ("networkPlugin: kubenet\n  ipFamilies: [IPv4, IPv6]\n  outboundType: managedNATGateway"),
        None,
        "dualstack-kubenet-natgw",
        "networkProfile.outboundType",
    ),
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
