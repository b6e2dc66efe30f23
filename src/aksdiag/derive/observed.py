"""What a live cluster reports, laid over the plan: real nodes, real routes, and drift.

`kubectl get nodes` gives each node's name, IPs and `spec.podCIDR`, which need not
follow node order; a real route table may lack a node's route, point at a node that is
gone, or carry a prefix that is not the node's pod CIDR. Drift is recorded on the
route, for the diagram to mark.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import Problem
from ..load.source import Document, Loc
from ..model import ClusterSpec
from ..model.observed import Observed, ObservedNode, ObservedRouteTable, pool_of
from .plan import NodePlan, PoolPlan, RoutePlan, RouteTablePlan
from .profiles import PROFILES
from .resolve import DEFAULT_POD_CIDR, model_key


def compare_routes(
    observed: ObservedRouteTable, planned: RouteTablePlan, pools: tuple[PoolPlan, ...], nodes_observed: bool
) -> RouteTablePlan:
    """Mark each route that disagrees with the nodes; without a node list, the nodes are the plan's."""
    nodes = [n for p in pools for n in p.nodes]
    by_ip = {ip: n for n in nodes for ip in n.ips}
    by_block = {b: n for n in nodes for b in n.pod_blocks}
    routes: list[RoutePlan] = []
    routed: set[tuple[str, int]] = set()
    for rt in observed.routes:
        hop_node = by_ip.get(rt.next_hop_ip) if rt.next_hop_ip is not None else None
        block_node = by_block.get(rt.prefix)
        looks_aks = rt.name.startswith("aks-") or hop_node is not None or block_node is not None
        if not looks_aks:
            routes.append(RoutePlan(rt.name, rt.prefix, rt.next_hop_type, rt.next_hop_ip, "user"))
            continue
        drift = None
        node = hop_node or block_node
        if hop_node is None and block_node is None:
            drift = (
                "route to no node" if nodes_observed else "no planned node has this IP (--nodes gives the real ones)"
            )
        elif hop_node is None and block_node is not None:
            drift = f"next hop is not {block_node.name}'s IP"
        elif hop_node is not None and rt.prefix not in hop_node.pod_blocks:
            have = ", ".join(map(str, hop_node.pod_blocks)) or "none"
            drift = f"prefix differs from the node's pod CIDR ({have})"
        if node is not None and drift is None:
            routed.add((node.name, rt.prefix.version))
        routes.append(
            RoutePlan(rt.name, rt.prefix, rt.next_hop_type, rt.next_hop_ip, "aks", node.name if node else None, drift)
        )
    for n in nodes if nodes_observed else ():
        for b in n.pod_blocks:
            if (n.name, b.version) not in routed:
                hop = next((ip for ip in n.ips if ip.version == b.version), None)
                routes.append(
                    RoutePlan(f"(missing) {n.name}", b, "VirtualAppliance", hop, "aks", n.name, "node has no route")
                )
    return replace(planned, name=observed.name, routes=tuple(routes))


def apply_observed(pools: tuple[PoolPlan, ...], observed: Observed) -> tuple[PoolPlan, ...]:
    """Replace each pool's planned nodes with the nodes the cluster reports for it."""
    if not observed.nodes:
        return pools
    known = {p.name for p in pools}
    by_pool: dict[str, list[ObservedNode]] = {}
    for n in observed.nodes:
        pool = pool_of(n)
        by_pool.setdefault(pool if pool in known else pools[0].name, []).append(n)
    out, index = [], 0
    for p in pools:
        real = sorted(by_pool.get(p.name, []), key=lambda n: n.name)
        nodes = []
        for n in real:
            nodes.append(
                NodePlan(
                    name=n.name,
                    pool=p.name,
                    index=index,
                    ips=n.ips,
                    pod_blocks=n.pod_cidrs,
                    pod_cidr_from_node_list=bool(n.pod_cidrs),
                )
            )
            index += 1
        out.append(replace(p, nodes=tuple(nodes), count=len(nodes)))
    return tuple(out)


def foreign_nodes(nodes: tuple[ObservedNode, ...], doc: Document, spec: ClusterSpec) -> list[Problem]:
    """Nodes of a pool the cluster does not have, or with a pod CIDR outside the cluster's:
    merged silently they would be drawn as the cluster's own, so they are refused."""
    pools = [p.name for p in spec.nodePools]
    net = spec.networkProfile
    # Only kubenet and Overlay give nodes blocks of a cluster pod CIDR (the AKS default if unset).
    cidrs: list = []
    if PROFILES[model_key(spec)].pod_cidr_per_node:
        cidrs = list(net.podCidrs or [net.podCidr or DEFAULT_POD_CIDR])
    single = isinstance(doc.data, dict) and doc.data.get("kind") == "Node"
    problems = []
    for i, node in enumerate(nodes):
        at: Loc = () if single else ("items", i)
        pool = pool_of(node)
        if pool not in pools and not (pool is None and len(pools) == 1):
            said = f"belongs to pool {pool!r}" if pool else "names no pool (no agentpool label)"
            problems.append(
                doc.problem(
                    f"node {node.name!r} {said}, which this cluster does not have (pools: "
                    f"{', '.join(pools)}): is the node list from another cluster?",
                    (*at, "metadata"),
                )
            )
        for block in node.pod_cidrs:
            same_family = [c for c in cidrs if c.version == block.version]
            if same_family and not any(block.subnet_of(c) for c in same_family):
                problems.append(
                    doc.problem(
                        f"node {node.name!r} has pod CIDR {block}, outside the cluster's pod CIDR "
                        f"{', '.join(map(str, same_family))}: is the node list from another cluster?",
                        (*at, "spec"),
                    )
                )
    return problems
