"""Capacity with upgrade surge, and the facts the audit found wrong (DOMAIN-AUDIT.md §2, §6).

The numbers are the seeds' and the audit's table; each test names where it comes from.
"""

from __future__ import annotations

import ipaddress

import pytest

from aksdiag.derive import derive
from aksdiag.model import ClusterSpec

from .test_rules import BASE, DUAL, merge, pod_subnet

KUBENET = {"networkProfile": {"networkPlugin": "kubenet", "networkPluginMode": None}}
NODE_SUBNET = {"networkProfile": {"networkPlugin": "azure", "networkPluginMode": None}}


def plan_of(over: dict, **kw):
    return derive(ClusterSpec.model_validate(merge(BASE, over)), **kw)


def row(plan, model: str, subnet: int = 0):
    return next(r for r in plan.capacity[subnet].rows if r.model == model)


def on_subnet(prefix: str, surge: str | None = None, count: int = 3, **over) -> dict:
    pool = {"name": "np1", "count": count}
    if surge is not None:
        pool["upgradeSettings"] = {"maxSurge": surge}
    return merge({"vnet": {"subnets": [{"name": "nodes", "addressPrefix": prefix}]}, "nodePools": [pool]}, over)


# (subnet, model, surge, nodes max, nodes with surge, pods max, pods with surge): audit §6's table.
TABLE = [
    ("10.10.1.0/27", "kubenet", "33%", 27, 20, 2_970, 2_200),  # seed 004: 20-25 nodes, 2,200-2,750 pods
    ("10.10.1.0/27", "kubenet", None, 27, 26, 2_970, 2_860),
    ("10.10.1.0/24", "kubenet", None, 251, 250, 27_610, 27_500),  # seeds 003/004: 251 / 27,610
    ("10.10.1.0/24", "kubenet", "33%", 251, 188, 27_610, 20_680),
    ("10.10.1.0/24", "azure-cni-node-subnet", None, 8, 7, 240, 210),  # seeds: 8 / 240; 7 with one surge node
    ("10.10.1.0/24", "azure-cni-node-subnet", "33%", 8, 6, 240, 180),
    ("10.10.1.0/24", "azure-cni-overlay", None, 251, 250, None, None),  # "don't multiply": no pod total
    ("10.10.1.0/24", "azure-cni-overlay", "33%", 251, 188, None, None),
]


@pytest.mark.parametrize(
    "prefix,model,surge,nodes,nodes_s,pods,pods_s", TABLE, ids=[f"{t[0]}-{t[1]}-{t[2]}" for t in TABLE]
)
def test_capacity_table_of_the_audit(prefix, model, surge, nodes, nodes_s, pods, pods_s):
    r = row(plan_of(on_subnet(prefix, surge)), model)
    assert (r.nodes, r.nodes_with_surge, r.pods, r.pods_with_surge) == (nodes, nodes_s, pods, pods_s)


def test_surge_given_as_a_count():
    r = row(plan_of(on_subnet("10.10.1.0/27", "5")), "kubenet")
    assert (r.nodes, r.nodes_with_surge, str(r.surge)) == (27, 22, "5")


def test_kubenet_routes_with_surge_single_and_dual_stack():
    big = {
        "vnet": {"subnets": [{"name": "nodes", "addressPrefix": "10.10.0.0/20"}]},
        "networkProfile": {"podCidr": "10.244.0.0/15"},
    }
    single = row(plan_of(merge(KUBENET, big)), "kubenet")
    assert (single.nodes, single.nodes_with_surge, single.limited_by.value) == (400, 399, "routes")
    third = row(
        plan_of(merge(merge(KUBENET, big), {"nodePools": [{"name": "np1", "upgradeSettings": {"maxSurge": "33%"}}]})),
        "kubenet",
    )
    assert (third.nodes, third.nodes_with_surge) == (400, 300)


def test_overlay_pod_cidr_blocks_with_surge_and_shared_by_every_subnet():
    two = {
        "vnet": {
            "subnets": [{"name": "a", "addressPrefix": "10.10.0.0/20"}, {"name": "b", "addressPrefix": "10.10.16.0/20"}]
        },
        "nodePools": [{"name": "np1", "vnetSubnetName": "a"}, {"name": "np2", "vnetSubnetName": "b"}],
    }
    plan = plan_of(two)
    cc = plan.cluster_capacity
    # A /16 pod CIDR has 256 /24 blocks for the whole cluster, not 256 per subnet (audit M9).
    assert (cc.nodes, cc.nodes_with_surge, cc.limited_by.value, cc.pod_cidr_blocks) == (256, 255, "pod CIDR", 256)
    a = row(plan, "azure-cni-overlay", 0)
    assert (a.nodes, a.limited_by.value) == (256 - 3, "pod CIDR")  # the other subnet's 3 nodes hold 3 blocks


def test_static_block_maxpods_32_takes_3_blocks_per_node():
    plan = plan_of(pod_subnet("10.10.16.0/22", [{"name": "np1", "podIPAllocationMode": "StaticBlock", "maxPods": 32}]))
    assert [len(n.pod_blocks) for n in plan.nodes] == [3, 3, 3]
    assert plan.pools[0].static_blocks_per_node == 3
    assert all(b.prefixlen == 28 for n in plan.nodes for b in n.pod_blocks)
    pods = next(s for s in plan.subnets if s.name == "pods")
    assert pods.used == 144  # 3 nodes x 3 blocks x 16 (audit W2; was 96)
    cap = next(c for c in plan.capacity if c.role == "pods").rows[0]
    # 64 /28s in a /22, less the two that hold Azure's reserved addresses: 62 // 3 = 20 nodes.
    assert (cap.nodes, cap.nodes_with_surge, cap.pods) == (20, 19, 640)


def test_static_block_maxpods_31_takes_2_blocks():
    plan = plan_of(pod_subnet("10.10.16.0/22", [{"name": "np1", "podIPAllocationMode": "StaticBlock", "maxPods": 31}]))
    assert [len(n.pod_blocks) for n in plan.nodes] == [2, 2, 2]
    cap = next(c for c in plan.capacity if c.role == "pods").rows[0]
    assert (cap.nodes, cap.nodes_with_surge) == (31, 30)


def test_dynamic_pod_subnet_capacity_is_full_nodes_with_the_ip_budget_second():
    # Audit W3/N12: a /20 pod subnet (4,091 usable) is 255 batches of 16 = 4,080 pod IPs; at 50 pods a full
    # node holds 4 batches, so 63 full nodes running 3,150 pods; 4,080 is the IP budget, not pods.
    plan = plan_of(merge(pod_subnet("10.10.16.0/20", [{"name": "np1", "maxPods": 50}]), {}))
    cap = next(c for c in plan.capacity if c.role == "pods").rows[0]
    assert (cap.nodes, cap.nodes_with_surge, cap.pods, cap.pod_count.value) == (63, 62, 3_150, "full-nodes")
    assert (cap.pod_ips, cap.pod_ips_with_surge) == (4_080, 4_064)
    node_row = next(r for r in plan.capacity[0].rows if r.current)
    assert (node_row.nodes, node_row.limited_by.value) == (63, "pod subnet")


def test_byo_cni_has_no_pod_total():
    r = next(
        x
        for x in plan_of(
            {"networkProfile": {"networkPlugin": "none", "networkPluginMode": None, "podCidr": "172.20.0.0/16"}}
        )
        .capacity[0]
        .rows
        if x.current
    )
    assert (r.model, r.pods, r.pod_count.value) == ("byo-cni", None, "unmanaged")


def test_private_endpoint_takes_an_ip_in_the_first_pools_subnet():
    plan = plan_of({"apiServerAccessProfile": {"enablePrivateCluster": True}})
    assert plan.subnets[0].used == 4  # 3 nodes + the private endpoint (audit M2)
    assert plan.api_server.public_fqdn  # AKS creates a public FQDN too by default (audit W7)
    assert "apiServerAccessProfile.enablePrivateClusterPublicFQDN" in plan.assumed
    off = plan_of({"apiServerAccessProfile": {"enablePrivateCluster": True, "enablePrivateClusterPublicFQDN": False}})
    assert not off.api_server.public_fqdn


def test_api_server_subnet_has_at_least_9_planned():
    plan = plan_of(
        {
            "apiServerAccessProfile": {"enableVnetIntegration": True, "subnetName": "api"},
            "vnet": {
                "subnets": [
                    {"name": "nodes", "addressPrefix": "10.10.1.0/24"},
                    {"name": "api", "addressPrefix": "10.10.2.0/28"},
                ]
            },
        }
    )
    api = next(s for s in plan.subnets if s.name == "api")
    assert (api.usable, api.used) == (11, 9)  # audit W8; was "0 planned"


def test_dual_stack_kubernetes_service_is_single_stack():
    plan = plan_of(DUAL)
    assert len(plan.service_cidrs) == 2
    assert plan.kubernetes_service_ip == ipaddress.ip_address("10.0.0.1")  # audit W9 (KEP-2438)


def test_cilium_dataplane_answers_services_without_kube_proxy():
    assert plan_of({"networkProfile": {"networkDataplane": "cilium"}}).service_proxy == "cilium"  # audit W5
    assert plan_of({}).service_proxy == "kube-proxy"


def test_overlay_udr_route_table_gets_no_aks_routes():
    route = {
        "name": "default",
        "addressPrefix": "0.0.0.0/0",
        "nextHopType": "VirtualAppliance",
        "nextHopIpAddress": "10.10.0.4",
    }
    over = {
        "networkProfile": {"outboundType": "userDefinedRouting"},
        "vnet": {
            "subnets": [
                {"name": "nodes", "addressPrefix": "10.10.1.0/24", "routeTable": {"name": "rt", "routes": [route]}}
            ]
        },
    }
    rt = plan_of(over).route_table
    assert rt is not None and not rt.aks_routes and [r.origin for r in rt.routes] == ["user"]  # audit W6
    rt_kubenet = plan_of(merge(over, KUBENET)).route_table
    assert rt_kubenet.aks_routes and [r.origin for r in rt_kubenet.routes].count("aks") == 3


def test_audit_d4_dynamic_pod_subnet_runs_400_pods_not_496():
    # Audit §4 D4: /23 pod subnet (507 usable, 31 batches), maxPods 40 (3 batches a full node), 5 nodes:
    # 10 full nodes run 400 pods, 9 with a surge node; 496 is the IP budget.
    plan = plan_of(pod_subnet("10.10.16.0/23", [{"name": "np1", "count": 5, "maxPods": 40}]))
    cap = next(c for c in plan.capacity if c.role == "pods").rows[0]
    assert (cap.nodes, cap.nodes_with_surge, cap.pods, cap.pods_with_surge, cap.pod_ips) == (10, 9, 400, 360, 496)


def test_surge_larger_than_the_pool_is_capped_at_the_pool():
    # Audit probe surge-uncapped-cni: 3 nodes, maxSurge 10, node-subnet CNI /24 (251 usable, 31 a node):
    # n + min(10, n) nodes of 31 fit for n = 4; "0 with surge" was the uncapped figure.
    plan = plan_of(merge(NODE_SUBNET, on_subnet("10.10.1.0/24", "10")), allow_errors=True)
    r = row(plan, "azure-cni-node-subnet")
    assert (r.nodes, r.nodes_with_surge) == (8, 4)
    assert "subnet-no-surge-room" not in {f.rule for f in plan.findings}  # 3 + 3 nodes = 186 <= 251
    # Overlay, pod CIDR /21 (8 blocks): 3 nodes + 3 surge fit; "needs 13" was the uncapped warning.
    over = plan_of(on_subnet("10.10.1.0/24", "10", networkProfile={"podCidr": "10.244.0.0/21"}))
    assert "pod-cidr-no-surge-room" not in {f.rule for f in over.findings}


def test_node_subnet_cni_is_capped_by_the_vnets_65536_ip_configurations():
    # Audit §3 #1: node-subnet CNI in a /15 planned 4,227 nodes; 65,536 // 31 = 2,114 fit in one VNet.
    plan = plan_of(
        merge(
            NODE_SUBNET,
            {
                "sku": {"tier": "Standard"},
                "vnet": {
                    "addressPrefixes": ["10.8.0.0/14"],
                    "subnets": [{"name": "nodes", "addressPrefix": "10.8.0.0/15"}],
                },
            },
        )
    )
    r = row(plan, "azure-cni-node-subnet")
    assert (r.nodes, r.limited_by.value) == (2_114, "VNet IP limit")
    assert (plan.cluster_capacity.nodes, plan.cluster_capacity.limited_by.value) == (2_114, "VNet IP limit")


def test_dynamic_pod_subnet_is_capped_by_the_vnet_limit_too():
    # Audit probe dynamic-65k: a /14 pod subnet planned 262,128 pod IPs; at 30 pods a node takes
    # 1 + 2 x 16 = 33 IP configurations, so 65,536 // 33 = 1,985 nodes and 59,550 pods.
    plan = plan_of(
        {
            **pod_subnet("10.12.0.0/14", [{"name": "np1", "maxPods": 30}], vnet="10.8.0.0/13"),
            "sku": {"tier": "Standard"},
        }
    )
    cap = next(c for c in plan.capacity if c.role == "pods").rows[0]
    assert (cap.nodes, cap.pods, cap.limited_by.value) == (1_985, 59_550, "VNet IP limit")
    assert cap.pod_ips <= 65_536


def test_one_pod_subnet_per_pool_counts_each_subnet():
    # Audit N12/§1: three pools, each with its own /27 pod subnet (27 usable = 1 batch... 1 full node at 16
    # pods), must add up on the shared node subnet instead of taking the smallest.
    vnet = {
        "name": "v",
        "addressPrefixes": ["10.10.0.0/16"],
        "subnets": [{"name": "nodes", "addressPrefix": "10.10.1.0/24"}]
        + [{"name": f"pods{i}", "addressPrefix": f"10.10.{16 + i}.0/25"} for i in range(3)],
    }
    plan = plan_of(
        {
            **NODE_SUBNET,
            "vnet": vnet,
            "nodePools": [
                {"name": f"np{i}", "count": 2, "maxPods": 16, "vnetSubnetName": "nodes", "podSubnetName": f"pods{i}"}
                for i in range(3)
            ],
        }
    )
    per_pod_subnet = [c.rows[0].nodes for c in plan.capacity if c.role == "pods"]
    assert per_pod_subnet == [7, 7, 7]  # /25: 123 usable, 7 batches, one a node
    node_row = next(r for r in plan.capacity[0].rows if r.current)
    assert (node_row.nodes, node_row.limited_by.value) == (21, "pod subnet")
    assert plan.cluster_capacity.nodes == 21


def test_free_tier_caps_the_cluster_at_1000_and_is_listed_as_assumed():
    over = {
        "vnet": {"subnets": [{"name": "nodes", "addressPrefix": "10.10.0.0/16"}]},
        "networkProfile": {"podCidr": "10.128.0.0/10"},
    }
    plan = plan_of(over)
    assert (plan.cluster_capacity.nodes, plan.cluster_capacity.limited_by.value) == (1_000, "cluster limit")
    assert "sku.tier" in plan.assumed
    standard = plan_of({**over, "sku": {"tier": "Standard"}})
    assert standard.cluster_capacity.nodes == 5_000 and "sku.tier" not in standard.assumed


def test_autoscaled_pool_is_planned_at_max_count():
    # Node-subnet CNI /24: 3 nodes now, the autoscaler may add up to 8; AKS sizes the subnet by maxCount.
    pool = {"name": "np1", "count": 3, "enableAutoScaling": True, "minCount": 3, "maxCount": 8}
    plan = plan_of(merge(NODE_SUBNET, {"nodePools": [pool]}))
    assert "autoscale-no-room" in {f.rule for f in plan.findings}  # 8 x 31 + 31 = 279 > 251


def test_default_surge_is_listed_as_assumed_and_a_given_one_is_not():
    plan = plan_of({})
    assert "nodePools[0].upgradeSettings.maxSurge" in plan.assumed
    assert str(row(plan, "azure-cni-overlay").surge) == "1, assumed"
    given = plan_of(on_subnet("10.10.1.0/24", "10%"))
    assert "nodePools[0].upgradeSettings.maxSurge" not in given.assumed
    assert str(row(given, "azure-cni-overlay").surge) == "10%"
