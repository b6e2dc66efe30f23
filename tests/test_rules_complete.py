"""Every rule of the catalogue has a design that breaks it and one that does not, so deleting a
rule (or its check) fails a test. `test_rules.CASES` holds the audit's first cases; the rest are
here, one pair per rule, and `test_every_rule_has_a_pair` keeps the two lists complete."""

from __future__ import annotations

import ipaddress
import re

import pytest

from aksdiag.derive import derive
from aksdiag.derive.catalog import RULES
from aksdiag.errors import RuleError
from aksdiag.model import ClusterSpec
from aksdiag.model.observed import Observed, ObservedRoute, ObservedRouteTable

from .test_rules import API, BASE, CASES, DUAL, KUBENET, NODE_SUBNET, merge, pod_subnet, udr, windows

STANDARD = {"sku": {"tier": "Standard"}}
PRIVATE = {"apiServerAccessProfile": {"enablePrivateCluster": True}}
BYO_CNI = {"networkProfile": {"networkPlugin": "none", "networkPluginMode": None, "podCidr": "10.244.0.0/16"}}
ISOLATED = {"networkProfile": {"outboundType": "none"}, "bootstrapProfile": {"artifactSource": "Cache"}, **PRIVATE}
MANAGED_VNET = {"vnet": None}


def fired(over: dict) -> set[str]:
    """Rule ids a design breaks, including the fatal ones that stop derive."""
    try:
        plan = derive(ClusterSpec.model_validate(merge(BASE, over)), allow_errors=True)
    except RuleError as exc:
        return {m for p in exc.problems for m in re.findall(r"\[rule ([a-zA-Z0-9-]+)\]", p.message)}
    return {f.rule for f in plan.findings}


def big_overlay(nodes: int, **extra) -> dict:
    """An Overlay cluster with room for `nodes` nodes in pools of at most 999 (so no pool passes 1,000 with surge)."""
    pools = [{"name": f"np{i}", "count": min(999, nodes - 999 * i)} for i in range(-(-nodes // 999))]
    return merge(
        {
            "vnet": {
                "addressPrefixes": ["10.10.0.0/16"],
                "subnets": [{"name": "nodes", "addressPrefix": "10.10.0.0/16"}],
            },
            "networkProfile": {"podCidr": "10.128.0.0/10"},
            "nodePools": pools,
        },
        extra,
    )


def node_subnet_cluster(pools: list[dict]) -> dict:
    return merge(
        NODE_SUBNET,
        {
            **STANDARD,
            "vnet": {
                "name": "v",
                "addressPrefixes": ["10.8.0.0/13"],
                "subnets": [{"name": "nodes", "addressPrefix": "10.8.0.0/14"}],
            },
            "nodePools": pools,
        },
    )


def subnets(*prefixes: str) -> dict:
    return {
        "vnet": {"subnets": [{"name": f"s{i}", "addressPrefix": p} for i, p in enumerate(prefixes)]},
        "nodePools": [{"name": "np1", "vnetSubnetName": "s0"}],
    }


def static(prefix: str, count: int, version: str | None = None) -> dict:
    out = pod_subnet(prefix, [{"name": "np1", "count": count, "podIPAllocationMode": "StaticBlock", "maxPods": 15}])
    return {**out, "kubernetesVersion": version} if version else out


RANGES = [f"20.{i // 256}.{i % 256}.0/24" for i in range(201)]
LONG = "v" * 64


def udr_hop(route_ip: str, hop: str | None = None, firewall: str | None = None) -> dict:
    out = merge(
        udr("VirtualAppliance"),
        {
            "vnet": {
                "subnets": [
                    {
                        "name": "nodes",
                        "addressPrefix": "10.10.1.0/24",
                        "routeTable": {
                            "name": "rt",
                            "routes": [
                                {
                                    "name": "default",
                                    "addressPrefix": "0.0.0.0/0",
                                    "nextHopType": "VirtualAppliance",
                                    "nextHopIpAddress": route_ip,
                                }
                            ],
                        },
                    }
                ]
            }
        },
    )
    if hop:
        out = merge(out, {"networkProfile": {"egressNextHopIP": hop}})
    if firewall:
        out = {**out, "firewall": {"name": "fw", "privateIPAddress": firewall}}
    return out


def natgw(node: bool, pod: bool | None = None, profile: bool = False) -> dict:
    """userAssignedNATGateway with NAT gateways on the node subnet and (Pod Subnet) the pod subnet."""
    ref = {"name": "ng"}
    subnets = [{"name": "nodes", "addressPrefix": "10.10.1.0/24", **({"natGateway": ref} if node else {})}]
    pools = [{"name": "np1", "vnetSubnetName": "nodes"}]
    net: dict = {"outboundType": "userAssignedNATGateway"}
    if pod is not None:
        subnets.append({"name": "pods", "addressPrefix": "10.10.16.0/24", **({"natGateway": ref} if pod else {})})
        pools = [{"name": "np1", "vnetSubnetName": "nodes", "podSubnetName": "pods"}]
        net.update(networkPlugin="azure", networkPluginMode=None)
    if profile:
        net["natGatewayProfile"] = {"managedOutboundIPCount": 2}
    return {
        "networkProfile": net,
        "nodePools": pools,
        "vnet": {"name": "v", "addressPrefixes": ["10.10.0.0/16"], "subnets": subnets},
    }


HUB = {"hub": {"name": "hub", "addressPrefixes": ["10.0.0.0/16"]}}

# (rule, a design that breaks it, a design that does not)
MORE = [
    ("allocation-mode-needs-pod-subnet", {"nodePools": [{"name": "np1", "podIPAllocationMode": "StaticBlock"}]}, {}),
    ("apiserver-subnet", {"apiServerAccessProfile": {"enableVnetIntegration": True}}, API),
    (
        "authorized-ranges-private",
        {"apiServerAccessProfile": {"enablePrivateCluster": True, "authorizedIPRanges": ["20.1.2.0/24"]}},
        PRIVATE,
    ),
    (
        "authorized-ranges-too-many",
        {"apiServerAccessProfile": {"authorizedIPRanges": RANGES}},
        {"apiServerAccessProfile": {"authorizedIPRanges": RANGES[:200]}},
    ),
    (
        "autoscale-no-room",
        merge(NODE_SUBNET, {"nodePools": [{"name": "np1", "enableAutoScaling": True, "minCount": 3, "maxCount": 8}]}),
        merge(NODE_SUBNET, {"nodePools": [{"name": "np1", "enableAutoScaling": True, "minCount": 3, "maxCount": 7}]}),
    ),
    (
        "basic-lb-outbound",
        merge(udr("VirtualAppliance"), {"networkProfile": {"loadBalancerSku": "basic"}}),
        udr("VirtualAppliance"),
    ),
    (
        "byo-cni-needs-none",
        {"networkProfile": {"byoCni": "cilium"}},
        merge(BYO_CNI, {"networkProfile": {"byoCni": "cilium"}}),
    ),
    ("byo-cni-policy", merge(BYO_CNI, {"networkProfile": {"networkPolicy": "calico"}}), BYO_CNI),
    (
        "cilium-dataplane-needs-azure",
        merge(KUBENET, {"networkProfile": {"networkDataplane": "cilium"}}),
        {"networkProfile": {"networkDataplane": "cilium"}},
    ),
    (
        "cilium-dataplane-policy",
        {"networkProfile": {"networkDataplane": "cilium", "networkPolicy": "calico"}},
        {"networkProfile": {"networkDataplane": "cilium", "networkPolicy": "cilium"}},
    ),
    (
        "cilium-policy-needs-dataplane",
        {"networkProfile": {"networkPolicy": "cilium"}},
        {"networkProfile": {"networkPolicy": "cilium", "networkDataplane": "cilium"}},
    ),
    (
        "dns-outside-service-cidr",
        {"networkProfile": {"dnsServiceIP": "10.1.0.10"}},
        {"networkProfile": {"dnsServiceIP": "10.0.0.10"}},
    ),
    (
        "dns-zone-public",
        {"apiServerAccessProfile": {"privateDNSZone": "system"}},
        merge(PRIVATE, {"apiServerAccessProfile": {"privateDNSZone": "system"}}),
    ),
    ("dualstack-kubenet-legacy", merge(DUAL, KUBENET), DUAL),
    (
        "dualstack-kubenet-natgw",
        merge(merge(DUAL, KUBENET), {"networkProfile": {"outboundType": "userAssignedNATGateway"}}),
        merge(DUAL, KUBENET),
    ),
    (
        "dualstack-kubenet-policy",
        merge(merge(DUAL, KUBENET), {"networkProfile": {"networkPolicy": "calico"}}),
        merge(DUAL, KUBENET),
    ),
    (
        "dualstack-natgw",
        {**MANAGED_VNET, "networkProfile": {"ipFamilies": ["IPv4", "IPv6"], "outboundType": "managedNATGateway"}},
        {**MANAGED_VNET, "networkProfile": {"ipFamilies": ["IPv4", "IPv6"]}},
    ),
    ("dualstack-natgw-v2", merge(DUAL, {"networkProfile": {"outboundType": "userAssignedNATGateway"}}), DUAL),
    ("free-tier-node-limit", big_overlay(1001), big_overlay(1001, **STANDARD)),
    ("free-tier-node-limit", big_overlay(1001, sku={"tier": "Free"}), big_overlay(1000)),
    ("isolated-kubenet", merge(ISOLATED, KUBENET), ISOLATED),
    (
        "kubenet-azure-policy",
        merge(KUBENET, {"networkProfile": {"networkPolicy": "azure"}}),
        merge(KUBENET, {"networkProfile": {"networkPolicy": "calico"}}),
    ),
    (
        "kubenet-identity",
        merge(KUBENET, {"identity": {"type": "SystemAssigned"}}),
        merge(KUBENET, {"identity": {"type": "UserAssigned"}}),
    ),
    ("kubenet-retirement", KUBENET, {}),
    ("kubenet-windows", merge(KUBENET, windows()), windows()),
    (
        "managed-natgw-byo-vnet",
        {"networkProfile": {"outboundType": "managedNATGateway"}},
        {"networkProfile": {"outboundType": "userAssignedNATGateway"}},
    ),
    ("no-network-policy", {}, {"networkProfile": {"networkPolicy": "calico"}}),
    ("no-system-pool", {"nodePools": [{"name": "np1", "mode": "User"}]}, {"nodePools": [{"name": "np1"}]}),
    ("npm-retirement", {"networkProfile": {"networkPolicy": "azure"}}, {"networkProfile": {"networkPolicy": "calico"}}),
    (
        "npm-scale",
        big_overlay(251, networkProfile={"networkPolicy": "azure"}),
        big_overlay(250, networkProfile={"networkPolicy": "azure"}),
    ),
    (
        "npm-windows",
        merge(windows(), {"networkProfile": {"networkPolicy": "azure"}}),
        {"networkProfile": {"networkPolicy": "azure"}},
    ),
    (
        "overlay-dcsv2",
        {"nodePools": [{"name": "np1", "vmSize": "Standard_DC2s_v2"}]},
        {"nodePools": [{"name": "np1", "vmSize": "Standard_DC2as_v5"}]},
    ),
    ("overlay-name-length", {"vnet": {"name": LONG}}, {"vnet": {"name": LONG[:63]}}),
    (
        "overlay-name-length",
        {"vnet": {"subnets": [{"name": LONG, "addressPrefix": "10.10.1.0/24"}]}},
        {"vnet": {"subnets": [{"name": LONG[:63], "addressPrefix": "10.10.1.0/24"}]}},
    ),
    ("overlay-needs-azure", {"networkProfile": {"networkPlugin": "kubenet"}}, {}),
    ("overlay-pod-limit", big_overlay(801, **STANDARD), big_overlay(800, **STANDARD)),
    (
        "pod-cidr-not-private",
        {"networkProfile": {"podCidr": "20.0.0.0/16"}},
        {"networkProfile": {"podCidr": "10.244.0.0/16"}},
    ),
    (
        "pod-cidr-too-small",
        {"networkProfile": {"podCidr": "10.244.0.0/23"}},
        {"networkProfile": {"podCidr": "10.244.0.0/22"}},
    ),
    ("pod-cidr-without-overlay", merge(NODE_SUBNET, {"networkProfile": {"podCidr": "10.244.0.0/16"}}), NODE_SUBNET),
    (
        "pod-subnet-every-pool",
        merge(
            pod_subnet("10.10.16.0/24", [{"name": "np1"}]),
            {
                "nodePools": [
                    {"name": "np1", "vnetSubnetName": "nodes", "podSubnetName": "pods"},
                    {"name": "np2", "vnetSubnetName": "nodes"},
                ]
            },
        ),
        pod_subnet("10.10.16.0/24", [{"name": "np1"}, {"name": "np2"}]),
    ),
    ("pod-subnet-model", {"nodePools": [{"name": "np1", "podSubnetName": "nodes"}]}, {}),
    (
        "pod-subnet-needs-vnet",
        merge(NODE_SUBNET, {**MANAGED_VNET, "nodePools": [{"name": "np1", "podSubnetName": "p"}]}),
        merge(NODE_SUBNET, MANAGED_VNET),
    ),
    (
        "pool-surge-over-1000",
        big_overlay(1000, **STANDARD, nodePools=[{"name": "np1", "count": 1000}]),
        big_overlay(999, **STANDARD),
    ),
    (
        "pool-surge-over-1000",
        big_overlay(900, **STANDARD, nodePools=[{"name": "np1", "count": 900, "upgradeSettings": {"maxSurge": "12%"}}]),
        big_overlay(900, **STANDARD, nodePools=[{"name": "np1", "count": 900, "upgradeSettings": {"maxSurge": "11%"}}]),
    ),
    (
        "private-dns-none-no-fqdn",
        merge(PRIVATE, {"apiServerAccessProfile": {"privateDNSZone": "none", "enablePrivateClusterPublicFQDN": False}}),
        merge(PRIVATE, {"apiServerAccessProfile": {"privateDNSZone": "none", "enablePrivateClusterPublicFQDN": True}}),
    ),
    ("public-api-open", {}, {"apiServerAccessProfile": {"authorizedIPRanges": ["20.1.2.0/24"]}}),
    ("public-api-open", {}, PRIVATE),
    ("range-in-vnet", {"networkProfile": {"serviceCidr": "10.10.128.0/20", "dnsServiceIP": "10.10.128.10"}}, {}),
    ("range-overlap", {"networkProfile": {"podCidr": "10.0.0.0/16"}}, {}),
    ("reserved-range", {"networkProfile": {"podCidr": "169.254.0.0/16"}}, {}),
    (
        "route-limit",
        merge(
            KUBENET,
            {
                "vnet": {"subnets": [{"name": "nodes", "addressPrefix": "10.10.0.0/20"}]},
                "networkProfile": {"podCidr": "10.244.0.0/15"},
                "nodePools": [{"name": "np1", "count": 401}],
            },
        ),
        merge(
            KUBENET,
            {
                "vnet": {"subnets": [{"name": "nodes", "addressPrefix": "10.10.0.0/20"}]},
                "networkProfile": {"podCidr": "10.244.0.0/15"},
                "nodePools": [{"name": "np1", "count": 400}],
            },
        ),
    ),
    (
        "service-cidr-public",
        {"networkProfile": {"serviceCidr": "20.0.0.0/16", "dnsServiceIP": "20.0.0.10"}},
        {"networkProfile": {"serviceCidr": "172.16.0.0/16", "dnsServiceIP": "172.16.0.10"}},
    ),
    (
        "service-cidr-public",
        {"networkProfile": {"serviceCidr": "172.10.0.0/16", "dnsServiceIP": "172.10.0.10"}},
        {"networkProfile": {"serviceCidr": "100.64.0.0/16", "dnsServiceIP": "100.64.0.10"}},
    ),
    (
        "service-cidr-multicast",
        {"networkProfile": {"serviceCidr": "224.1.0.0/16", "dnsServiceIP": "224.1.0.10"}},
        {"networkProfile": {"serviceCidr": "20.0.0.0/16", "dnsServiceIP": "20.0.0.10"}},
    ),
    ("static-block-version", static("10.10.16.0/24", 1, "1.27.9"), static("10.10.16.0/24", 1, "1.28.0")),
    ("static-blocks-no-surge-room", static("10.10.16.0/26", 2), static("10.10.16.0/26", 1)),
    ("static-blocks-too-few", static("10.10.16.0/26", 3), static("10.10.16.0/26", 2)),
    ("subnet-needs-vnet", {**MANAGED_VNET, "nodePools": [{"name": "np1", "vnetSubnetName": "nodes"}]}, MANAGED_VNET),
    ("subnet-outside-vnet", subnets("10.20.1.0/24"), subnets("10.10.1.0/24")),
    ("subnet-overlap", subnets("10.10.1.0/24", "10.10.1.128/25"), subnets("10.10.1.0/24", "10.10.2.0/25")),
    (
        "system-pool-nodes",
        {"nodePools": [{"name": "np1", "count": 1, "maxPods": 30}]},
        {"nodePools": [{"name": "np1", "count": 2}]},
    ),
    (
        "udr-needs-default-route",
        merge(
            udr("VirtualAppliance"),
            {"vnet": {"subnets": [{"name": "nodes", "addressPrefix": "10.10.1.0/24", "routeTable": {"name": "rt"}}]}},
        ),
        udr("VirtualAppliance"),
    ),
    ("udr-public-inbound", udr("VirtualAppliance"), {}),
    (
        "unknown-subnet",
        {"nodePools": [{"name": "np1", "vnetSubnetName": "nope"}]},
        {"nodePools": [{"name": "np1", "vnetSubnetName": "nodes"}]},
    ),
    (
        "userAssignedNATGateway-needs-byo-vnet",
        {**MANAGED_VNET, "networkProfile": {"outboundType": "userAssignedNATGateway"}},
        {"networkProfile": {"outboundType": "userAssignedNATGateway"}},
    ),
    (
        "userDefinedRouting-needs-byo-vnet",
        {**MANAGED_VNET, "networkProfile": {"outboundType": "userDefinedRouting", "egressNextHopIP": "10.9.0.4"}},
        udr("VirtualAppliance"),
    ),
    # 2,115 nodes x 31 = 65,565 IP configurations, over 65,536; 2,114 x 31 = 65,534 fit.
    (
        "vnet-ip-limit",
        node_subnet_cluster([{"name": f"np{i}", "count": 705} for i in range(3)]),
        node_subnet_cluster([{"name": f"np{i}", "count": 705 - (i == 0)} for i in range(3)]),
    ),
    (
        "vnet-ip-limit-growth",
        node_subnet_cluster(
            [
                {"name": f"np{i}", "count": 10, "enableAutoScaling": True, "minCount": 3, "maxCount": 705}
                for i in range(3)
            ]
        ),
        node_subnet_cluster(
            [
                {"name": f"np{i}", "count": 10, "enableAutoScaling": True, "minCount": 3, "maxCount": 705 - (i == 0)}
                for i in range(3)
            ]
        ),
    ),
    # Issue 23's hub rules.
    ("egress-next-hop-mismatch", udr_hop("10.10.0.4", hop="10.10.0.5"), udr_hop("10.10.0.4", hop="10.10.0.4")),
    (
        "next-hop-in-cluster-range",
        merge(udr_hop("10.0.0.4"), {"vnet": {"addressPrefixes": ["10.10.0.0/16", "10.0.0.0/24"]}}),
        udr_hop("10.10.0.4"),
    ),
    (
        "range-captures-remote",
        {**HUB, "networkProfile": {"serviceCidr": "10.0.0.0/16", "dnsServiceIP": "10.0.0.10"}},
        {**HUB, "networkProfile": {"serviceCidr": "172.16.0.0/16", "dnsServiceIP": "172.16.0.10"}},
    ),
    ("natgw-profile-user-assigned", natgw(True, profile=True), natgw(True)),
    ("natgw-not-on-node-subnet", natgw(False, pod=True), natgw(True, pod=True)),
    ("natgw-not-on-pod-subnet", natgw(True, pod=False), natgw(True, pod=True)),
    ("windows-pool-name", {"nodePools": [{"name": "np1"}, {"name": "winpool", "osType": "Windows"}]}, windows()),
    (
        "windows-system-pool",
        {"nodePools": [{"name": "np1"}, {"name": "win1", "osType": "Windows", "mode": "System"}]},
        windows(),
    ),
    (
        "windows2019-version",
        windows(osSKU="Windows2019"),
        merge(windows(osSKU="Windows2019"), {"kubernetesVersion": "1.32.7"}),
    ),
    (
        "windows2019-version",
        merge(windows(osSKU="Windows2019"), {"kubernetesVersion": "1.33.0"}),
        merge(windows(osSKU="Windows2022"), {"kubernetesVersion": "1.33.0"}),
    ),
]


@pytest.mark.parametrize("rule,breaks,keeps", MORE, ids=[f"{c[0]}-{i}" for i, c in enumerate(MORE)])
def test_rule_fires_on_the_design_that_breaks_it_only(rule, breaks, keeps):
    assert rule in RULES
    assert rule in fired(breaks)
    assert rule not in fired(keeps)


def _kubenet_with_routes(prefix: str) -> tuple[ClusterSpec, Observed]:
    spec = ClusterSpec.model_validate(merge(BASE, merge(KUBENET, {"nodePools": [{"name": "np1", "count": 1}]})))
    node = derive(spec, allow_errors=True).nodes[0]
    table = ObservedRouteTable(
        "rt", (ObservedRoute(f"{node.name}____x", ipaddress.ip_network(prefix), "VirtualAppliance", node.ips[0]),)
    )
    return spec, Observed(route_table=table)


def test_route_drift_fires_on_a_route_table_that_disagrees_with_the_nodes_only():
    # The one rule that needs a real route table beside the description.
    spec, observed = _kubenet_with_routes("10.244.9.0/24")
    assert "route-drift" in {f.rule for f in derive(spec, observed, allow_errors=True).findings}
    spec, observed = _kubenet_with_routes("10.244.0.0/24")
    assert "route-drift" not in {f.rule for f in derive(spec, observed, allow_errors=True).findings}


def test_every_rule_has_a_pair():
    covered = {c[0] for c in CASES} | {c[0] for c in MORE} | {"route-drift"}
    assert sorted(set(RULES) - covered) == []
    assert sorted(covered - set(RULES)) == []


def test_every_new_rule_quotes_the_sentence_it_rests_on():
    # The second audit's rules and the ones it corrected carry their Learn sentence.
    quoted = {
        "service-cidr-public",
        "service-cidr-multicast",
        "authorized-ranges-private",
        "authorized-ranges-too-many",
        "private-dns-none-no-fqdn",
        "isolated-kubenet",
        "static-block-version",
        "windows2019-version",
        "pool-surge-over-1000",
        "npm-windows",
        "npm-scale",
        "overlay-dcsv2",
        "overlay-name-length",
        "overlay-pod-limit",
        "free-tier-node-limit",
        "kubenet-identity",
        "system-pool-min-pods",
        "system-pool-nodes",
        "vnet-ip-limit",
        "dualstack-natgw",
        "dualstack-natgw-v2",
        "windows2019-model",
    }
    for rule in quoted:
        assert RULES[rule].quote, rule


def test_severity_follows_error_means_aks_refuses_it():
    refused = {
        "service-cidr-multicast",
        "authorized-ranges-private",
        "authorized-ranges-too-many",
        "private-dns-none-no-fqdn",
        "isolated-kubenet",
        "static-block-version",
        "windows2019-version",
        "pool-surge-over-1000",
        "npm-windows",
        "free-tier-node-limit",
        "vnet-ip-limit",
        "system-pool-min-pods",
    }
    hurts = {
        "service-cidr-public",
        "npm-scale",
        "overlay-dcsv2",
        "overlay-name-length",
        "system-pool-nodes",
        "dualstack-natgw-v2",
        "autoscale-no-room",
        "vnet-ip-limit-growth",
    }
    notes = {"overlay-pod-limit", "public-api-open", "no-network-policy", "npm-retirement", "kubenet-identity"}
    assert {r: RULES[r].severity.value for r in refused} == dict.fromkeys(refused, "error")
    assert {r: RULES[r].severity.value for r in hurts} == dict.fromkeys(hurts, "warning")
    assert {r: RULES[r].severity.value for r in notes} == dict.fromkeys(notes, "note")


def test_a_static_pod_subnet_without_surge_room_is_reported_once_in_blocks():
    # Audit probe sg2: the same shortfall came as subnet-no-surge-room (addresses) and
    # static-blocks-no-surge-room (/28 blocks); blocks are what static allocation hands out.
    found = fired(static("10.10.16.0/26", 2))
    assert "static-blocks-no-surge-room" in found and "subnet-no-surge-room" not in found
