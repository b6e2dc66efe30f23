"""How many nodes and pods fit: at most, and with room for an upgrade's surge nodes.

Every figure is computed twice: the maximum (what the seeds call "maximums [that] don't take
into account upgrade or scale operations") and the largest node count n for which n plus its
surge still fits. Surge is per pool (`upgradeSettings.maxSurge`, AKS default one node); pools
upgrade one at a time, so a subnet keeps room for the largest surge of the pools on it, and a
percentage is applied to all the subnet's nodes (exact for one pool, an upper bound otherwise).

Limits that the whole cluster shares (the pod CIDR's /24 blocks, the kubenet route table,
the tier's 1,000 or 5,000 nodes, the VNet's 65,536 IP configurations) are counted once: a
subnet's row subtracts what the cluster's other nodes use. An autoscaled pool counts at its
maxCount, as AKS sizes subnets by it. Surge never exceeds the pool it upgrades.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import IPNetwork
from .network_models import (
    DYNAMIC_BATCH,
    ROUTE_LIMIT,
    STATIC_BLOCK,
    VNET_IP_LIMIT,
    dynamic_batches_per_node,
    static_blocks_per_node,
    usable_addresses,
)
from .plan import (
    Capacity,
    CapacityRow,
    ClusterCapacity,
    Limit,
    ModelKey,
    PodAddresses,
    PodCount,
    Surge,
)
from .profiles import PROFILES, CapacityRule
from .resolve import DEFAULT_MAX_PODS, Resolved

COMPARED = (ModelKey.kubenet, ModelKey.azure_cni_node_subnet, ModelKey.azure_cni_overlay)


def largest_surge(surges: Iterable[Surge]) -> Callable[[int], int]:
    """Surge nodes for n nodes: the largest any of these pools would add."""
    found = list(surges) or [Surge()]
    return lambda n: max(s.nodes(n) for s in found)


def fit_with_surge(cap: int, surge: Callable[[int], int]) -> int:
    """The largest n with n + surge(n) <= cap (surge grows with n, so search)."""
    lo, hi = 0, max(cap, 0)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid + surge(mid) <= cap:
            lo = mid
        else:
            hi = mid - 1
    return lo


def static_blocks_in(prefix: IPNetwork) -> int:
    """/28 blocks a node can own: all but the first and last, which hold Azure's reserved addresses."""
    if prefix.prefixlen > STATIC_BLOCK:
        return 0
    return max((1 << (STATIC_BLOCK - prefix.prefixlen)) - 2, 0)


def dynamic_batches_in(prefix: IPNetwork) -> int:
    return usable_addresses(prefix) // DYNAMIC_BATCH


def pod_cidr_blocks(r: Resolved) -> int | None:
    """Node blocks in the pod CIDR (the smallest family's count), shared by every subnet."""
    if not r.pod_cidrs:
        return None
    return min(1 << max((24 if c.version == 4 else 80) - c.prefixlen, 0) for c in r.pod_cidrs)


def route_budget(r: Resolved) -> int:
    """Routes a table has left for AKS's node routes after the user's own."""
    user = 0
    for name in dict.fromkeys(r.pool_subnet.values()):
        table = r.subnet(name).routeTable
        if table is not None:
            user = max(user, len(table.routes))
    if r.outbound_type == "userDefinedRouting" and r.spec.networkProfile.egressNextHopIP is not None and user == 0:
        user = 1  # the 0.0.0.0/0 route aksdiag adds for egressNextHopIP
    return ROUTE_LIMIT - user


def routes_per_node(r: Resolved) -> int:
    return 2 if "IPv6" in r.ip_families else 1


def fixed_use(r: Resolved, subnet: str) -> int:
    """Addresses of a node subnet taken by something other than nodes: the API server's private endpoint."""
    api = r.spec.apiServerAccessProfile
    first = r.pool_subnet[r.spec.nodePools[0].name]
    return 1 if api.enablePrivateCluster and not api.enableVnetIntegration and subnet == first else 0


@dataclass(frozen=True)
class _Cap:
    nodes: int  # nodes this limit allows for the subnet (others already subtracted)
    limit: Limit


def _row(
    model: ModelKey,
    max_pods: int,
    caps: list[_Cap],
    surge: Callable[[int], int],
    surge_shown: Surge,
    current: bool,
    pod_budget: int | None = None,
) -> CapacityRow:
    best = min(caps, key=lambda c: c.nodes)
    nodes = max(best.nodes, 0)
    with_surge = min(fit_with_surge(c.nodes, surge) for c in caps)
    if pod_budget is not None:
        # Dynamic Pod Subnet: the pods that run are what full nodes hold; the IP budget is a second figure.
        budget_s = max(pod_budget - DYNAMIC_BATCH * surge(with_surge), 0)
        return CapacityRow(
            model.value,
            max_pods,
            surge_shown,
            nodes,
            with_surge,
            best.limit,
            PodCount.full_nodes,
            nodes * max_pods,
            with_surge * max_pods,
            current,
            pod_budget,
            budget_s,
        )
    rule = PROFILES[model].capacity_rule
    if rule in (CapacityRule.routes, CapacityRule.subnet_per_pod):
        kind, pods, pods_s = PodCount.reserved, nodes * max_pods, with_surge * max_pods
    elif rule is CapacityRule.overlay_nodes:
        kind, pods, pods_s = PodCount.per_node, None, None
    elif rule is CapacityRule.cni:
        kind, pods, pods_s = PodCount.unmanaged, None, None
    else:
        kind, pods, pods_s = PodCount.reserved, nodes * max_pods, with_surge * max_pods
    return CapacityRow(model.value, max_pods, surge_shown, nodes, with_surge, best.limit, kind, pods, pods_s, current)


def _shown_surge(r: Resolved, pools: list[str]) -> Surge:
    surges = [r.pool_surge[p] for p in pools] or [Surge()]
    pct = [s for s in surges if s.percent is not None]
    if pct:
        top = max(pct, key=lambda s: s.percent or 0)
        return Surge(count=None, percent=top.percent, assumed=top.assumed)
    top = max(surges, key=lambda s: s.count or 0)
    return Surge(count=top.count, assumed=top.assumed)


def vnet_ip_configs(r: Resolved, pools: Iterable[str]) -> int:
    """IP configurations these pools' nodes hold in the VNet, planned (autoscaler at maxCount):
    node-subnet CNI one per node and per maxPods; dynamic Pod Subnet one per node and its full batches."""
    total = 0
    for p in r.spec.nodePools:
        if p.name not in pools:
            continue
        n = r.pool_planned[p.name]
        if r.model == ModelKey.azure_cni_node_subnet:
            total += n * (1 + r.pool_max_pods[p.name])
        elif _dynamic(p):
            total += n * (1 + dynamic_batches_per_node(r.pool_max_pods[p.name]) * DYNAMIC_BATCH)
    return total


def _dynamic(p) -> bool:
    return bool(p.podSubnetName) and (p.podIPAllocationMode is None or p.podIPAllocationMode.value != "StaticBlock")


def _shared_caps(r: Resolved, model: ModelKey, others: int) -> list[_Cap]:
    caps = [_Cap(r.node_limit - others, Limit.cluster)]
    if PROFILES[model].pod_cidr_per_node:
        blocks = pod_cidr_blocks(r)
        caps.append(_Cap((blocks if blocks is not None else 256) - others, Limit.pod_cidr))
    if PROFILES[model].capacity_rule is CapacityRule.routes:
        per = routes_per_node(r)
        caps.append(_Cap(route_budget(r) // per - others, Limit.routes))
    return caps


def node_subnet_capacity(r: Resolved, subnet: str) -> Capacity:
    """What a node subnet holds under this cluster's model and the usual alternatives."""
    prefix = r.subnet(subnet).addressPrefix
    usable = usable_addresses(prefix)
    pools = [p.name for p in r.pools_on(subnet)]
    here = sum(p.count for p in r.pools_on(subnet))
    others = sum(r.pool_planned.values()) - sum(r.pool_planned[p] for p in pools)
    other_ips = vnet_ip_configs(r, [p.name for p in r.spec.nodePools if p.name not in pools])
    surge = largest_surge(r.pool_surge[p] for p in pools)
    shown = _shown_surge(r, pools)
    room = usable - fixed_use(r, subnet)
    # Pools of one subnet may differ in maxPods: the costliest node counts, not the first pool's.
    current_pods = max((r.pool_max_pods[p] for p in pools), default=DEFAULT_MAX_PODS[r.model])

    def caps(model: ModelKey, max_pods: int) -> list[_Cap]:
        cost = PROFILES[model].node_subnet_ips(max_pods)
        out = [_Cap(room // cost, Limit.subnet), *_shared_caps(r, model, others)]
        if PROFILES[model].pod_addresses is PodAddresses.node_subnet:
            out.append(_Cap((VNET_IP_LIMIT - other_ips) // cost, Limit.vnet))
        return out

    rows = []
    for model in COMPARED:
        pods = DEFAULT_MAX_PODS[model]
        is_current = model == r.model and pods == current_pods
        rows.append(_row(model, pods, caps(model, pods), surge, shown, is_current))
    if not any(row.current for row in rows):
        model_caps = caps(r.model, current_pods)
        budget = None
        if PROFILES[r.model].pod_subnets:
            extra, budget = _pod_subnet_caps(r, pools)
            model_caps += extra
        rows.append(_row(r.model, current_pods, model_caps, surge, shown, True, budget))
    return Capacity(subnet, prefix, usable, "nodes", here, tuple(rows))


def _pod_subnet_caps(r: Resolved, pools: list[str]) -> tuple[list[_Cap], int | None]:
    """The nodes the pod subnets of these pools hold (others on the same pod subnet subtracted).

    Each pool's nodes take pod IPs from its own pod subnet only, so pod subnets add up: three pools
    with a pod subnet each hold what the three hold together, not what the smallest holds."""
    total, budget, found = 0, 0, False
    for name in dict.fromkeys(p.podSubnetName for p in r.spec.nodePools if p.name in pools and p.podSubnetName):
        row = pod_subnet_capacity(r, name).rows[0]
        users = [p for p in r.spec.nodePools if p.podSubnetName == name]
        elsewhere = sum(r.pool_planned[p.name] for p in users if p.name not in pools)
        total += max(row.nodes - elsewhere, 0)
        found = True
        if row.pod_ips is not None:
            budget += row.pod_ips
    return ([_Cap(total, Limit.pod_subnet)] if found else []), (budget or None)


def pod_subnet_capacity(r: Resolved, subnet: str) -> Capacity:
    """What an Azure CNI Pod Subnet holds: /28 blocks (static) or batches of 16 (dynamic)."""
    prefix = r.subnet(subnet).addressPrefix
    users = [p for p in r.spec.nodePools if p.podSubnetName == subnet]
    max_pods = max(r.pool_max_pods[p.name] for p in users)
    static = any(p.podIPAllocationMode is not None and p.podIPAllocationMode.value == "StaticBlock" for p in users)
    surge = largest_surge(r.pool_surge[p.name] for p in users)
    shown = _shown_surge(r, [p.name for p in users])
    others = sum(r.pool_planned.values()) - sum(r.pool_planned[p.name] for p in users)
    cluster = _Cap(r.node_limit - others, Limit.cluster)
    if static:
        blocks = static_blocks_per_node(max_pods)
        row = _row(
            ModelKey.azure_cni_pod_subnet,
            max_pods,
            [_Cap(static_blocks_in(prefix) // blocks, Limit.pod_subnet), cluster],
            surge,
            shown,
            True,
        )
    else:
        batches = dynamic_batches_in(prefix)
        per_node = dynamic_batches_per_node(max_pods)
        full = batches // per_node
        # The VNet's 65,536 IP configurations: each node holds its NIC's and its full batches' addresses.
        other_ips = vnet_ip_configs(r, [p.name for p in r.spec.nodePools if p.podSubnetName != subnet])
        vnet = _Cap((VNET_IP_LIMIT - other_ips) // (1 + per_node * DYNAMIC_BATCH), Limit.vnet)
        row = _row(
            ModelKey.azure_cni_pod_subnet,
            max_pods,
            [_Cap(full, Limit.pod_subnet), cluster, vnet],
            surge,
            shown,
            True,
            pod_budget=min(batches, vnet.nodes * per_node) * DYNAMIC_BATCH,
        )
    return Capacity(subnet, prefix, usable_addresses(prefix), "pods", sum(p.count for p in users), (row,))


def capacity(r: Resolved) -> tuple[Capacity, ...]:
    out = [node_subnet_capacity(r, name) for name in dict.fromkeys(r.pool_subnet.values())]
    if PROFILES[r.model].pod_subnets:
        names = {s.name for s in r.vnet.subnets}
        out += [
            pod_subnet_capacity(r, name)
            for name in dict.fromkeys(p.podSubnetName for p in r.spec.nodePools if p.podSubnetName in names)
        ]
    return tuple(out)


def cluster_capacity(r: Resolved, per_subnet: tuple[Capacity, ...]) -> ClusterCapacity:
    """The whole cluster under its own model: subnets add up, shared limits count once."""
    nodes_now = sum(p.count for p in r.spec.nodePools)
    surge = largest_surge(r.pool_surge.values())
    surge_now = max((r.pool_surge[p.name].nodes(p.count) for p in r.spec.nodePools), default=0)
    subnet_total = sum(_subnet_only(r, c) for c in per_subnet if c.role == "nodes")
    caps = [_Cap(subnet_total, Limit.subnet), *_shared_caps(r, r.model, 0)]
    if PROFILES[r.model].pod_subnets:
        pod_total = sum(c.rows[0].nodes for c in per_subnet if c.role == "pods")
        caps.append(_Cap(pod_total, Limit.pod_subnet))
    ips = vnet_ip_configs(r, [p.name for p in r.spec.nodePools])
    if ips and r.model == ModelKey.azure_cni_node_subnet:
        per = max(1 + r.pool_max_pods[p.name] for p in r.spec.nodePools)
        caps.append(_Cap(VNET_IP_LIMIT // per, Limit.vnet))
    elif ips and r.model == ModelKey.azure_cni_pod_subnet:
        per = max(
            1 + dynamic_batches_per_node(r.pool_max_pods[p.name]) * DYNAMIC_BATCH
            for p in r.spec.nodePools
            if _dynamic(p)
        )
        static_nodes = sum(r.pool_planned[p.name] for p in r.spec.nodePools if not _dynamic(p))
        caps.append(_Cap(static_nodes + (VNET_IP_LIMIT - static_nodes) // per, Limit.vnet))
    best = min(caps, key=lambda c: c.nodes)
    with_surge = min(fit_with_surge(c.nodes, surge) for c in caps)
    blocks = pod_cidr_blocks(r) if PROFILES[r.model].pod_cidr_per_node else None
    budget = route_budget(r) if PROFILES[r.model].capacity_rule is CapacityRule.routes else None
    return ClusterCapacity(nodes_now, surge_now, max(best.nodes, 0), with_surge, best.limit, blocks, budget)


def _subnet_only(r: Resolved, cap: Capacity) -> int:
    pools = r.pools_on(cap.subnet)
    max_pods = max((r.pool_max_pods[p.name] for p in pools), default=DEFAULT_MAX_PODS[r.model])
    cost = PROFILES[r.model].node_subnet_ips(max_pods)
    return (cap.usable - fixed_use(r, cap.subnet)) // cost
