"""The move to Azure CNI Overlay, from kubenet or from node-subnet Azure CNI, computed for one cluster.

Microsoft's procedure (`update-azure-cni`, renamed from `upgrade-azure-cni` in December 2025):
the cluster must be on Kubernetes 1.27 or later, have no network policy enabled, not use
dynamic IP allocation (Pod Subnet) and no Windows pools with Docker; one `az aks update
--network-plugin azure --network-plugin-mode overlay`; irreversible; every node pool is
reimaged at once. From kubenet the pod CIDR is kept, AKS deletes its routes from a route
table you brought (or deletes the one it made), and removing the route table needs a
user-assigned managed identity. From node-subnet Azure CNI `--pod-cidr` is required and
must overlap neither the VNet nor the service CIDR. Custom ip-masq-agent configurations and
Windows builds need checking first. To that this adds the network checks aksdiag can compute
from the two plans. Items carry values, not sentences: the report words them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .plan import AddressPlan, ModelKey

SOURCE_URL = "https://learn.microsoft.com/azure/aks/update-azure-cni"
OVERLAY_CONCEPTS_URL = "https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay"
MIN_VERSION = (1, 27)  # update-azure-cni: "Is on Kubernetes version 1.27 or later." (1.22 until November 2025)


class Status(StrEnum):
    blocker = "blocker"  # the move cannot go ahead as the cluster is
    action = "action"  # something to do, or to plan for, as part of the move
    check = "check"  # aksdiag cannot see it; look before the move
    ok = "ok"  # computed, nothing to do
    info = "info"


@dataclass(frozen=True)
class Item:
    id: str
    status: Status
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Migration:
    before: AddressPlan
    after: AddressPlan
    items: tuple[Item, ...]
    source: str = SOURCE_URL


def _version(text: str | None) -> tuple[int, int] | None:
    try:
        major, minor = (text or "").split(".")[:2]
        return int(major), int(minor)
    except ValueError:
        return None


SOURCES = (ModelKey.kubenet, ModelKey.azure_cni_node_subnet, ModelKey.azure_cni_pod_subnet)


def to_overlay(
    before: AddressPlan, after: AddressPlan, kubernetes_version: str | None, identity: str | None = None
) -> Migration | None:
    """The checklist, or None when the move is not one `update-azure-cni` describes."""
    if before.model not in SOURCES or after.model != ModelKey.azure_cni_overlay:
        return None
    minimum = ".".join(map(str, MIN_VERSION))
    items: list[Item] = [Item("irreversible", Status.info)]
    if before.model == ModelKey.azure_cni_pod_subnet:
        # "Doesn't use the dynamic IP allocation feature": there is no update path from Pod Subnet.
        items.append(Item("dynamic-ip-allocation", Status.blocker))
        return Migration(before, after, tuple(items))
    kubenet = before.model == ModelKey.kubenet
    items.append(
        Item(
            "command",
            Status.action,
            {
                "name": before.cluster,
                "resource_group": before.resource_group or "<resource group>",
                "from": before.model.value,
                "pod_cidr": ", ".join(str(c) for c in after.pods.cidrs),
            },
        )
    )
    version = _version(kubernetes_version)
    if version is None:
        items.append(Item("kubernetes-version", Status.check, {"minimum": minimum}))
    else:
        items.append(
            Item(
                "kubernetes-version",
                Status.ok if version >= MIN_VERSION else Status.blocker,
                {"version": kubernetes_version or "", "minimum": minimum},
            )
        )
    # "Doesn't have network policies enabled": a prerequisite, not a question of support on Overlay.
    items.append(
        Item(
            "network-policy",
            Status.blocker if before.network_policy != "none" else Status.ok,
            {"policy": before.network_policy},
        )
    )
    if kubenet:
        # "To remove the route table, you need a user-assigned managed identity on the cluster."
        status = {"UserAssigned": Status.ok, "SystemAssigned": Status.blocker}.get(identity or "", Status.check)
        items.append(Item("managed-identity", status, {"identity": identity or ""}))
    nodes = sum(p.count for p in before.pools)
    items.append(
        Item(
            "reimage-all-pools",
            Status.action,
            {
                "pools": ", ".join(p.name for p in before.pools),
                "pool_count": str(len(before.pools)),
                "nodes": str(nodes),
            },
        )
    )
    if not kubenet:
        items += _new_pod_cidr(before, after)
        return _common_tail(before, after, items)
    cidrs = ", ".join(str(c) for c in before.pods.cidrs)
    kept = before.pods.cidrs == after.pods.cidrs
    items.append(
        Item(
            "pod-cidr-kept",
            Status.ok if kept else Status.action,
            {"before": cidrs, "after": ", ".join(str(c) for c in after.pods.cidrs)},
        )
    )
    clashes = [
        (name, kind, str(p))
        for name, kind, p in before.connected
        for c in before.pods.cidrs
        if p.version == c.version and p.overlaps(c)
    ]
    if clashes:
        items.append(
            Item(
                "pod-cidr-external",
                Status.blocker,
                {"pod_cidr": cidrs, "clashes": ", ".join(f"{n} ({k}) {p}" for n, k, p in clashes)},
            )
        )
    elif before.connected:
        items.append(
            Item(
                "pod-cidr-external",
                Status.ok,
                {"pod_cidr": cidrs, "connected": ", ".join(f"{n} {p}" for n, _k, p in before.connected)},
            )
        )
    else:
        items.append(
            Item(
                "pod-cidr-external",
                Status.check,
                {"pod_cidr": cidrs, "vnet": ", ".join(map(str, before.vnet_prefixes))},
            )
        )
    rt = before.route_table
    if rt is not None:
        aks_routes = [r for r in rt.routes if r.origin == "aks"]
        user_routes = [r for r in rt.routes if r.origin == "user"]
        items.append(
            Item(
                "route-table",
                Status.action,
                {
                    "name": rt.name,
                    "byo": "yes" if rt.byo else "no",
                    "aks_routes": str(len(aks_routes)),
                    "user_routes": str(len(user_routes)),
                    "subnets": ", ".join(rt.subnets),
                },
            )
        )
        naming_pods = [
            r
            for r in user_routes
            if any(r.prefix.version == c.version and r.prefix.overlaps(c) for c in before.pods.cidrs)
        ]
        items.append(
            Item(
                "user-routes-pod-cidr",
                Status.action if naming_pods else Status.ok,
                {
                    "routes": ", ".join(f"{r.name} {r.prefix}" for r in naming_pods),
                    "user_routes": str(len(user_routes)),
                },
            )
        )
    return _common_tail(before, after, items)


def _new_pod_cidr(before: AddressPlan, after: AddressPlan) -> list[Item]:
    """Node-subnet CNI gets a pod CIDR: it "can't overlap with any virtual network address of the node
    pools" nor "the existing service CIDR on the cluster"."""
    cidr = ", ".join(str(c) for c in after.pods.cidrs)
    taken = [(f"VNet {before.vnet_name}", p) for p in before.vnet_prefixes]
    taken += [("service CIDR", p) for p in before.service_cidrs]
    taken += [(f"{name} ({kind})", p) for name, kind, p in before.connected]
    clashes = [f"{what} {p}" for what, p in taken for c in after.pods.cidrs if p.version == c.version and p.overlaps(c)]
    return [
        Item(
            "pod-cidr-new",
            Status.blocker if clashes else Status.action,
            {"pod_cidr": cidr, "clashes": ", ".join(clashes)},
        )
    ]


def _common_tail(before: AddressPlan, after: AddressPlan, items: list[Item]) -> Migration:
    cidrs = ", ".join(str(c) for c in (before.pods.cidrs or after.pods.cidrs))
    items.append(Item("ip-masq-agent", Status.check))
    windows = [p.name for p in before.pools if p.os == "Windows"]
    items.append(Item("windows-build", Status.check if windows else Status.ok, {"pools": ", ".join(windows)}))
    if before.dual_stack:
        items.append(Item("dual-stack", Status.check, {"families": ", ".join(before.ip_families)}))
    for cap_before in before.capacity:
        cap_after = next((c for c in after.capacity if c.subnet == cap_before.subnet), None)
        row_b = next((r for r in cap_before.rows if r.current), None)
        row_a = next((r for r in cap_after.rows if r.current), None) if cap_after else None
        if row_b is None or row_a is None or cap_before.role != "nodes":
            continue
        on_subnet = cap_before.nodes_now
        # Every pool is reimaged at once, so the subnet needs all its pools' surge nodes together.
        surge_all = sum(p.surge.nodes(p.count) for p in before.pools if p.node_subnet == cap_before.subnet)
        status = (
            Status.ok
            if on_subnet + surge_all <= row_a.nodes
            else (Status.action if row_a.nodes >= on_subnet else Status.blocker)
        )
        items.append(
            Item(
                "capacity",
                status,
                {
                    "from": before.model.value,
                    "subnet": cap_before.subnet,
                    "nodes_now": str(on_subnet),
                    "nodes_before": str(row_b.nodes),
                    "surge_before": str(row_b.nodes_with_surge),
                    "limit_before": row_b.limited_by.value,
                    "nodes_after": str(row_a.nodes),
                    "surge_after": str(row_a.nodes_with_surge),
                    "limit_after": row_a.limited_by.value,
                    "surge": str(row_a.surge),
                    "max_pods": str(row_a.max_pods_per_node),
                    "surge_all": str(surge_all),
                },
            )
        )
    items.append(
        Item(
            "nsg-firewall-rules",
            Status.check,
            {
                "pod_cidr": cidrs,
                "nsg": before.nsg_name,
                "firewall": str(before.egress.next_hop_ip) if before.egress.next_hop_ip else "",
            },
        )
    )
    items.append(
        Item(
            "egress-source",
            Status.ok if before.egress.pod_snat == after.egress.pod_snat else Status.check,
            {"before": before.egress.pod_snat.value, "after": after.egress.pod_snat.value},
        )
    )
    return Migration(before, after, tuple(items))
