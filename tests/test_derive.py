"""The address plan against the numbers of the seed documents (../shared/DOMAIN.md)."""

from __future__ import annotations

import ipaddress

import pytest

from aksdiag.derive import derive
from aksdiag.derive.network_models import (
    route_name,
    usable_addresses,
    vmss_instance_name,
)
from aksdiag.errors import RuleError
from aksdiag.model import ClusterSpec

ip = ipaddress.ip_address
net = ipaddress.ip_network


def spec(**over) -> ClusterSpec:
    base = {
        "name": "myAKSCluster",
        "aksId": "12355964",
        "networkProfile": {
            "networkPlugin": "kubenet",
            "podCidr": "10.244.0.0/16",
            "serviceCidr": "10.0.0.0/16",
            "dnsServiceIP": "10.0.0.10",
        },
        "vnet": {
            "name": "myAKSVnet",
            "addressPrefixes": ["192.168.0.0/16"],
            "subnets": [{"name": "myAKSSubnet", "addressPrefix": "192.168.1.0/24"}],
        },
        "nodePools": [{"name": "nodepool1", "count": 3}],
    }
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            base[k] = {**base[k], **v}
        else:
            base[k] = v
    return ClusterSpec.model_validate(base)


def test_kubenet_byo_vnet_routes_match_the_seed():
    plan = derive(spec())
    routes = [(r.name, str(r.prefix), str(r.next_hop_ip), r.next_hop_type) for r in plan.route_table.routes]
    assert routes == [
        ("aks-nodepool1-12355964-vmss000000____102440024", "10.244.0.0/24", "192.168.1.4", "VirtualAppliance"),
        ("aks-nodepool1-12355964-vmss000001____102441024", "10.244.1.0/24", "192.168.1.5", "VirtualAppliance"),
        ("aks-nodepool1-12355964-vmss000002____102442024", "10.244.2.0/24", "192.168.1.6", "VirtualAppliance"),
    ]


def test_kubenet_nodes_start_at_dot_4_and_get_a_24_each_in_order():
    nodes = derive(spec()).nodes
    assert [str(n.ips[0]) for n in nodes] == ["192.168.1.4", "192.168.1.5", "192.168.1.6"]
    assert [str(n.pod_blocks[0]) for n in nodes] == ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]


def test_slash_24_capacity_kubenet_against_azure_cni():
    rows = {r.model: r for r in derive(spec()).capacity[0].rows}
    assert (rows["kubenet"].nodes, rows["kubenet"].pods) == (251, 27_610)
    assert (rows["azure-cni-node-subnet"].nodes, rows["azure-cni-node-subnet"].pods) == (8, 240)
    assert rows["kubenet"].current and not rows["azure-cni-node-subnet"].current
    # With AKS's default surge of one node: 7 Azure CNI nodes (the seeds' maximums leave no room).
    assert (rows["azure-cni-node-subnet"].nodes_with_surge, rows["azure-cni-node-subnet"].pods_with_surge) == (7, 210)


def test_azure_subnet_loses_five_addresses():
    assert usable_addresses(net("10.0.0.0/24")) == 251
    assert usable_addresses(net("10.0.0.0/27")) == 27


def test_slash_27_kubenet_holds_27_nodes_and_20_with_a_third_more_to_upgrade():
    s = spec(
        vnet={
            "name": "v",
            "addressPrefixes": ["192.168.0.0/16"],
            "subnets": [{"name": "s", "addressPrefix": "192.168.1.0/27"}],
        },
        nodePools=[{"name": "nodepool1", "count": 3, "upgradeSettings": {"maxSurge": "33%"}}],
    )
    row = next(r for r in derive(s).capacity[0].rows if r.model == "kubenet")
    assert (row.nodes, row.pods) == (27, 2_970)
    # Seed 004's "20-25 nodes ... 2,200-2,750 pods": 20 / 2,200 leaves room for a 33% surge.
    assert (row.nodes_with_surge, row.pods_with_surge) == (20, 2_200)
    assert str(row.surge) == "33%"


def test_default_plugin_is_overlay_from_1_30_and_kubenet_before():
    assert (
        derive(ClusterSpec.model_validate({"name": "c", "nodePools": [{"name": "np1"}]})).model.value
        == "azure-cni-overlay"
    )
    old = ClusterSpec.model_validate({"name": "c", "kubernetesVersion": "1.29.4", "nodePools": [{"name": "np1"}]})
    assert derive(old).model.value == "kubenet"
    new = ClusterSpec.model_validate({"name": "c", "kubernetesVersion": "1.31", "nodePools": [{"name": "np1"}]})
    assert derive(new).network_plugin_mode == "overlay"


def test_defaults_are_aks_defaults_and_are_reported_as_assumed():
    plan = derive(ClusterSpec.model_validate({"name": "c", "nodePools": [{"name": "np1"}]}))
    assert plan.model.value == "azure-cni-overlay"
    assert plan.pools[0].vm_size is None  # AKS picks the size (since May 2025): nothing to draw as given
    assert plan.vnet_prefixes == (net("10.224.0.0/12"),)
    assert plan.subnets[0].prefix == net("10.224.0.0/16")
    assert str(plan.nodes[0].ips[0]) == "10.224.0.4"
    assert plan.pods.cidrs == (net("10.244.0.0/16"),)
    assert plan.service_cidrs == (net("10.0.0.0/16"),) and plan.dns_service_ip == ip("10.0.0.10")
    for field in (
        "vnet",
        "networkProfile.podCidr",
        "networkProfile.serviceCidr",
        "networkProfile.dnsServiceIP",
        "networkProfile.networkPlugin",
        "aksId",
    ):
        assert field in plan.assumed


def test_dns_default_is_the_dot_10_of_a_custom_service_cidr():
    plan = derive(spec(networkProfile={"serviceCidr": "172.16.0.0/16", "dnsServiceIP": None}))
    assert plan.dns_service_ip == ip("172.16.0.10")


def test_vmss_names_count_in_base_36():
    assert vmss_instance_name("np", "12345678", 0) == "aks-np-12345678-vmss000000"
    assert vmss_instance_name("np", "12345678", 10) == "aks-np-12345678-vmss00000a"
    assert vmss_instance_name("np", "12345678", 36) == "aks-np-12345678-vmss000010"


def test_route_name_encodes_the_prefix_like_the_cloud_provider():
    assert (
        route_name("aks-nodepool1-12355964-vmss000000", net("10.244.0.0/24"))
        == "aks-nodepool1-12355964-vmss000000____102440024"
    )


def test_azure_cni_node_subnet_reserves_max_pods_per_node():
    s = spec(networkProfile={"networkPlugin": "azure", "podCidr": None})
    plan = derive(s)
    nodes = plan.nodes
    assert [str(n.ips[0]) for n in nodes] == ["192.168.1.4", "192.168.1.35", "192.168.1.66"]
    assert nodes[0].reserved_pod_ips == (ip("192.168.1.5"), ip("192.168.1.34"))
    assert plan.route_table is None
    assert plan.pods.source_in_vnet.value == "pod" and plan.pods.source_outside_vnet.value == "node"


def test_overlay_has_pod_blocks_but_no_route_table():
    plan = derive(spec(networkProfile={"networkPlugin": "azure", "networkPluginMode": "overlay"}))
    assert plan.route_table is None
    assert [str(n.pod_blocks[0]) for n in plan.nodes] == ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]
    assert not plan.pods.reachable_from_vnet


def test_dual_stack_kubenet_has_two_routes_per_node():
    s = spec(
        networkProfile={"ipFamilies": ["IPv4", "IPv6"], "podCidrs": ["10.244.0.0/16", "fd11:1234::/64"]},
        vnet={
            "name": "v",
            "addressPrefixes": ["192.168.0.0/16", "fd00:10::/48"],
            "subnets": [{"name": "s", "addressPrefix": "192.168.1.0/24", "addressPrefixIPv6": "fd00:10:0:1::/64"}],
        },
    )
    plan = derive(s)
    assert len(plan.route_table.routes) == 6
    assert {r.prefix.version for r in plan.route_table.routes} == {4, 6}
    v6 = [r for r in plan.route_table.routes if r.prefix.version == 6]
    assert all(r.next_hop_ip.version == 6 for r in v6)
    cap = next(r for r in plan.capacity[0].rows if r.model == "kubenet")
    assert (cap.nodes, cap.limited_by) == (200, "routes")
    assert cap.nodes_with_surge == 199  # two routes per node, surge nodes included


def test_windows_pool_on_kubenet_is_refused_naming_the_rule():
    s = spec(nodePools=[{"name": "np1"}, {"name": "win1", "osType": "Windows"}])
    with pytest.raises(RuleError) as exc:
        derive(s)
    text = str(exc.value)
    assert "kubenet-windows" in text and "nodePools[1].osType" in text


def test_subnet_too_small_is_refused():
    s = spec(
        vnet={
            "name": "v",
            "addressPrefixes": ["192.168.0.0/16"],
            "subnets": [{"name": "s", "addressPrefix": "192.168.1.0/29"}],
        },
        nodePools=[{"name": "np1", "count": 10}],
    )
    with pytest.raises(RuleError, match="subnet-too-small"):
        derive(s)
