"""Every rule of the audit's section 5 (and the corrected ones of section 4): one design that
breaks it, one that does not. Rules are looked up by id in the catalogue, never by wording."""

from __future__ import annotations

import copy

import pytest

from aksdiag.derive import derive
from aksdiag.derive.catalog import RULES
from aksdiag.errors import RuleError
from aksdiag.model import ClusterSpec

BASE = {
    "name": "c",
    "aksId": "12345678",
    "networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay"},
    "vnet": {
        "name": "v",
        "addressPrefixes": ["10.10.0.0/16"],
        "subnets": [{"name": "nodes", "addressPrefix": "10.10.1.0/24"}],
    },
    "nodePools": [{"name": "np1", "count": 3}],
}


def merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def rules(over: dict) -> set[str]:
    plan = derive(ClusterSpec.model_validate(merge(BASE, over)), allow_errors=True)
    return {f.rule for f in plan.findings}


DUAL_VNET = {
    "name": "v",
    "addressPrefixes": ["10.10.0.0/16", "fd00:10::/48"],
    "subnets": [{"name": "nodes", "addressPrefix": "10.10.1.0/24", "addressPrefixIPv6": "fd00:10:0:1::/64"}],
}
DUAL = {"networkProfile": {"ipFamilies": ["IPv4", "IPv6"]}, "vnet": DUAL_VNET}
NODE_SUBNET = {"networkProfile": {"networkPlugin": "azure", "networkPluginMode": None}}
KUBENET = {"networkProfile": {"networkPlugin": "kubenet", "networkPluginMode": None}}
API_VNET = {
    "name": "v",
    "addressPrefixes": ["10.10.0.0/16"],
    "subnets": [{"name": "nodes", "addressPrefix": "10.10.1.0/24"}, {"name": "api", "addressPrefix": "10.10.2.0/28"}],
}
API = {"apiServerAccessProfile": {"enableVnetIntegration": True, "subnetName": "api"}, "vnet": API_VNET}


def udr(hop_type: str) -> dict:
    route = {"name": "default", "addressPrefix": "0.0.0.0/0", "nextHopType": hop_type}
    if hop_type == "VirtualAppliance":
        route["nextHopIpAddress"] = "10.10.0.4"
    return {
        "networkProfile": {"outboundType": "userDefinedRouting"},
        "vnet": {
            "name": "v",
            "addressPrefixes": ["10.10.0.0/16"],
            "subnets": [
                {"name": "nodes", "addressPrefix": "10.10.1.0/24", "routeTable": {"name": "rt", "routes": [route]}}
            ],
        },
    }


def pod_subnet(prefix: str, pools: list[dict], vnet: str = "10.10.0.0/16") -> dict:
    return {
        "networkProfile": {"networkPlugin": "azure", "networkPluginMode": None},
        "vnet": {
            "name": "v",
            "addressPrefixes": [vnet],
            "subnets": [{"name": "nodes", "addressPrefix": "10.10.1.0/24"}, {"name": "pods", "addressPrefix": prefix}],
        },
        "nodePools": [{"vnetSubnetName": "nodes", "podSubnetName": "pods", **p} for p in pools],
    }


def kubenet_subnets(table_a: str, table_b: str) -> dict:
    return {
        **KUBENET,
        "vnet": {
            "name": "v",
            "addressPrefixes": ["10.10.0.0/16"],
            "subnets": [
                {"name": "a", "addressPrefix": "10.10.1.0/24", "routeTable": {"name": table_a}},
                {"name": "b", "addressPrefix": "10.10.2.0/24", "routeTable": {"name": table_b}},
            ],
        },
        "nodePools": [{"name": "np1", "vnetSubnetName": "a"}, {"name": "np2", "vnetSubnetName": "b"}],
    }


def windows(**pool) -> dict:
    return {"nodePools": [{"name": "np1"}, {"name": "win1", "osType": "Windows", **pool}]}


# (rule, a design that breaks it, a design that does not)
CASES = [
    (
        "service-cidr-too-large",
        {"networkProfile": {"serviceCidr": "100.64.0.0/10", "dnsServiceIP": "100.64.0.10"}},
        {"networkProfile": {"serviceCidr": "100.64.0.0/12", "dnsServiceIP": "100.64.0.10"}},
    ),
    (
        "service-cidr-too-large",
        merge(DUAL, {"networkProfile": {"serviceCidrs": ["10.0.0.0/16", "fd00:1::/64"]}}),
        merge(DUAL, {"networkProfile": {"serviceCidrs": ["10.0.0.0/16", "fd00:1::/108"]}}),
    ),
    (
        "apiserver-subnet-too-small",
        merge(API, {"vnet": {"subnets": [API_VNET["subnets"][0], {"name": "api", "addressPrefix": "10.10.2.0/29"}]}}),
        API,
    ),
    ("apiserver-subnet-shared", merge(API, {"nodePools": [{"name": "np1", "vnetSubnetName": "api"}]}), API),
    (
        "subnet-no-surge-room",
        merge(NODE_SUBNET, {"nodePools": [{"name": "np1", "count": 8}]}),
        merge(NODE_SUBNET, {"nodePools": [{"name": "np1", "count": 7}]}),
    ),
    (
        "subnet-no-surge-room",
        pod_subnet("10.10.16.0/27", [{"name": "np1", "count": 1}]),
        pod_subnet("10.10.16.0/26", [{"name": "np1", "count": 1}]),
    ),
    (
        "route-limit-surge",
        merge(
            KUBENET,
            {
                "vnet": {"subnets": [{"name": "nodes", "addressPrefix": "10.10.0.0/20"}]},
                "networkProfile": {"podCidr": "10.244.0.0/15"},
                "nodePools": [{"name": "np1", "count": 400}],
            },
        ),
        merge(
            KUBENET,
            {
                "vnet": {"subnets": [{"name": "nodes", "addressPrefix": "10.10.0.0/20"}]},
                "networkProfile": {"podCidr": "10.244.0.0/15"},
                "nodePools": [{"name": "np1", "count": 399}],
            },
        ),
    ),
    (
        "pod-cidr-no-surge-room",
        {"networkProfile": {"podCidr": "10.244.0.0/22"}, "nodePools": [{"name": "np1", "count": 4}]},
        {"networkProfile": {"podCidr": "10.244.0.0/22"}, "nodePools": [{"name": "np1", "count": 3}]},
    ),
    (
        "cluster-node-limit",
        {
            "vnet": {
                "addressPrefixes": ["10.10.0.0/16"],
                "subnets": [{"name": "nodes", "addressPrefix": "10.10.0.0/16"}],
            },
            "networkProfile": {"podCidr": "10.128.0.0/9"},
            "nodePools": [{"name": f"np{i}", "count": 1000} for i in range(6)],
        },
        {
            "vnet": {
                "addressPrefixes": ["10.10.0.0/16"],
                "subnets": [{"name": "nodes", "addressPrefix": "10.10.0.0/16"}],
            },
            "networkProfile": {"podCidr": "10.128.0.0/9"},
            "nodePools": [{"name": f"np{i}", "count": 1000} for i in range(5)],
        },
    ),
    ("windows-cilium", merge(windows(), {"networkProfile": {"networkDataplane": "cilium"}}), windows()),
    (
        "windows2019-model",
        merge(
            pod_subnet(
                "10.10.16.0/24", [{"name": "np1"}, {"name": "win1", "osType": "Windows", "osSKU": "Windows2019"}]
            ),
            {},
        ),
        pod_subnet("10.10.16.0/24", [{"name": "np1"}, {"name": "win1", "osType": "Windows", "osSKU": "Windows2022"}]),
    ),
    ("dualstack-model", merge(DUAL, NODE_SUBNET), DUAL),
    ("dualstack-overlay-policy", merge(DUAL, {"networkProfile": {"networkPolicy": "calico"}}), DUAL),
    ("ip-families", {"networkProfile": {"ipFamilies": ["IPv6"]}}, {"networkProfile": {"ipFamilies": ["IPv4"]}}),
    ("ip-families", merge(DUAL, {"networkProfile": {"ipFamilies": ["IPv6", "IPv4"]}}), DUAL),
    ("udr-default-route-internet", udr("Internet"), udr("VirtualAppliance")),
    (
        "system-pool-min-pods",
        {"nodePools": [{"name": "np1", "count": 2, "maxPods": 10}]},
        {"nodePools": [{"name": "np1", "count": 3, "maxPods": 10}]},
    ),
    ("system-pool-empty", {"nodePools": [{"name": "np1", "count": 0}]}, {"nodePools": [{"name": "np1", "count": 1}]}),
    (
        "byo-cni-no-pod-cidr",
        {"networkProfile": {"networkPlugin": "none", "networkPluginMode": None}},
        {"networkProfile": {"networkPlugin": "none", "networkPluginMode": None, "podCidr": "10.244.0.0/16"}},
    ),
    (
        "pod-subnet-mixed-modes",
        pod_subnet(
            "10.10.16.0/22",
            [{"name": "np1", "podIPAllocationMode": "StaticBlock", "maxPods": 31}, {"name": "np2", "maxPods": 31}],
        ),
        pod_subnet(
            "10.10.16.0/22",
            [
                {"name": "np1", "podIPAllocationMode": "StaticBlock", "maxPods": 31},
                {"name": "np2", "podIPAllocationMode": "StaticBlock", "maxPods": 31},
            ],
        ),
    ),
    (
        "static-pod-subnet-too-large",
        {
            **pod_subnet(
                "10.32.0.0/11",
                [{"name": "np1", "podIPAllocationMode": "StaticBlock", "maxPods": 31}],
                vnet="10.0.0.0/8",
            ),
            "networkProfile": {
                "networkPlugin": "azure",
                "networkPluginMode": None,
                "serviceCidr": "172.16.0.0/16",
                "dnsServiceIP": "172.16.0.10",
            },
        },
        {
            **pod_subnet(
                "10.32.0.0/12",
                [{"name": "np1", "podIPAllocationMode": "StaticBlock", "maxPods": 31}],
                vnet="10.0.0.0/8",
            ),
            "networkProfile": {
                "networkPlugin": "azure",
                "networkPluginMode": None,
                "serviceCidr": "172.16.0.0/16",
                "dnsServiceIP": "172.16.0.10",
            },
        },
    ),
    (
        "static-block-waste",
        pod_subnet("10.10.16.0/22", [{"name": "np1", "podIPAllocationMode": "StaticBlock", "maxPods": 32}]),
        pod_subnet("10.10.16.0/22", [{"name": "np1", "podIPAllocationMode": "StaticBlock", "maxPods": 31}]),
    ),
    (
        "outbound-none-not-isolated",
        {"networkProfile": {"outboundType": "none"}},
        {"networkProfile": {"outboundType": "none"}, "bootstrapProfile": {"artifactSource": "Cache"}},
    ),
    (
        "outbound-none-public-api",
        {"networkProfile": {"outboundType": "none"}},
        {"networkProfile": {"outboundType": "none"}, "apiServerAccessProfile": {"enablePrivateCluster": True}},
    ),
    ("kubenet-route-tables", kubenet_subnets("rt-a", "rt-b"), kubenet_subnets("rt-a", "rt-a")),
    ("windows-max-pods", windows(maxPods=250), windows(maxPods=110)),
    (
        "connected-overlap",
        {"connectedNetworks": [{"name": "onprem", "kind": "onPremises", "addressPrefixes": ["10.0.0.0/8"]}]},
        {"connectedNetworks": [{"name": "onprem", "kind": "onPremises", "addressPrefixes": ["192.168.0.0/16"]}]},
    ),
    # Section 4: corrected rules.
    (
        "range-overlaps-subnet",
        {"networkProfile": {"serviceCidr": "10.10.0.0/20", "dnsServiceIP": "10.10.0.10"}},
        {"networkProfile": {"serviceCidr": "10.10.128.0/20", "dnsServiceIP": "10.10.128.10"}},
    ),
    (
        "dns-network-address",
        {"networkProfile": {"dnsServiceIP": "10.0.0.0"}},
        {"networkProfile": {"dnsServiceIP": "10.0.0.10"}},
    ),
    (
        "dns-kubernetes-default",
        {"networkProfile": {"dnsServiceIP": "10.0.0.1"}},
        {"networkProfile": {"dnsServiceIP": "10.0.0.2"}},
    ),
    (
        "dns-broadcast-address",
        {"networkProfile": {"dnsServiceIP": "10.0.255.255"}},
        {"networkProfile": {"dnsServiceIP": "10.0.255.254"}},
    ),
    (
        "basic-lb-retired",
        {"networkProfile": {"loadBalancerSku": "basic"}},
        {"networkProfile": {"loadBalancerSku": "standard"}},
    ),
    (
        "subnet-too-small",
        pod_subnet(
            "10.10.16.0/24", [{"name": "np1", "count": 1, "podIPAllocationMode": "StaticBlock", "maxPods": 240}]
        ),
        pod_subnet(
            "10.10.16.0/24", [{"name": "np1", "count": 1, "podIPAllocationMode": "StaticBlock", "maxPods": 207}]
        ),
    ),
]


@pytest.mark.parametrize("rule,breaks,keeps", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_the_design_that_breaks_it_only(rule, breaks, keeps):
    assert rule in RULES
    assert rule in rules(breaks)
    assert rule not in rules(keeps)


def test_every_rule_has_a_severity_an_explanation_and_a_learn_source():
    for rule in RULES.values():
        assert rule.why and rule.message and rule.severity.value in ("error", "warning", "note")
        assert rule.url.startswith(("https://learn.microsoft.com/", "https://github.com/")), rule.id


def test_errors_refuse_a_description_and_warnings_do_not():
    with pytest.raises(RuleError, match=r"\[rule system-pool-empty\]"):
        derive(ClusterSpec.model_validate(merge(BASE, {"nodePools": [{"name": "np1", "count": 0}]})))
    plan = derive(ClusterSpec.model_validate(merge(BASE, windows(maxPods=250))))
    assert [f.rule for f in plan.findings if f.severity.value != "note"] == ["windows-max-pods"]


def test_service_cidr_in_the_vnet_but_outside_every_subnet_is_a_warning_not_an_error():
    # AKS's own old Azure CNI default: service 10.0.0.0/16 inside VNet 10.0.0.0/8 (Azure/AKS#2727).
    plan = derive(
        ClusterSpec.model_validate(
            merge(
                BASE,
                {
                    "vnet": {
                        "addressPrefixes": ["10.0.0.0/8"],
                        "subnets": [{"name": "nodes", "addressPrefix": "10.240.0.0/16"}],
                    }
                },
            )
        )
    )
    assert {f.rule: f.severity.value for f in plan.findings if f.severity.value != "note"} == {
        "range-in-vnet": "warning"
    }


def test_overlay_takes_1500_nodes_now_that_its_limit_is_5000():
    plan = derive(
        ClusterSpec.model_validate(
            merge(
                BASE,
                {
                    "sku": {"tier": "Standard"},
                    "vnet": {"subnets": [{"name": "nodes", "addressPrefix": "10.10.0.0/16"}]},
                    "networkProfile": {"podCidr": "10.128.0.0/12"},
                    "nodePools": [{"name": "np1", "count": 999}, {"name": "np2", "count": 501}],
                },
            )
        )
    )
    assert not [f for f in plan.findings if f.severity.value == "error"]


def test_dynamic_pod_subnet_needs_16_per_node_to_start_not_max_pods():
    # /26 (59 usable), 3 nodes at maxPods 50: 48 to start (AKS accepts it), 192 when every node is full.
    plan = derive(
        ClusterSpec.model_validate(merge(BASE, pod_subnet("10.10.16.0/26", [{"name": "np1", "maxPods": 50}]))),
        allow_errors=True,
    )
    assert "subnet-too-small" not in {f.rule for f in plan.findings}
    pods = next(s for s in plan.subnets if s.name == "pods")
    assert (pods.used, pods.used_max) == (48, 192)


def test_static_block_pod_subnet_counts_whole_blocks():
    # maxPods 239 takes 15 /28s (240 addresses, fewer than a /24's 251 usable), but a /24 has only 14 /28s a
    # node can own once the first and last (Azure's reserved addresses) are left out.
    def static(max_pods: int, count: int = 1) -> set[str]:
        return rules(
            pod_subnet(
                "10.10.16.0/24",
                [{"name": "np1", "count": count, "podIPAllocationMode": "StaticBlock", "maxPods": max_pods}],
            )
        )

    assert "static-blocks-too-few" in static(239)
    assert "static-blocks-too-few" not in static(223)
    assert "static-blocks-no-surge-room" in static(95, count=2)  # 12 blocks now, 18 with one surge node
    assert not {"static-blocks-too-few", "static-blocks-no-surge-room"} & static(95, count=1)
