"""Pieces every view draws the same way: the header, a node with its pods inside, a pool,
the VNet's subnets, and the summaries that keep a big cluster slide-sized."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..derive.plan import AddressPlan, NodePlan, PodAddresses, PoolPlan, Severity, SubnetPlan
from ..derive.profiles import PlanProfile, PodSource, profile_of
from .types import Mark, Shape, ShapeKind

POD_KIND = {PodSource.vnet: ShapeKind.pods_vnet, PodSource.overlay: ShapeKind.pods_overlay,
            PodSource.cni: ShapeKind.pods_cni}


def nets(items) -> str:
    return ", ".join(str(i) for i in items)


def shown(items: tuple, limit: int) -> tuple[tuple, tuple]:
    """The first items and the last, so that ranges read first..last; the rest are hidden.
    A summary never stands for one item: that item takes the summary's place."""
    if len(items) <= limit + 1:
        return items, ()
    limit = max(limit, 2)
    return items[: limit - 1] + (items[-1],), items[limit - 1 : -1]


@dataclass
class Paths:
    """Where the scene put things, for the edges: node name -> dotted path, and so on."""

    node: dict[str, str] = field(default_factory=dict)
    pods: dict[str, str] = field(default_factory=dict)
    pool: dict[str, str] = field(default_factory=dict)
    subnet: dict[str, str] = field(default_factory=dict)


def header(plan: AddressPlan, prof: PlanProfile, what: str | None = None) -> tuple[str, str]:
    title = f"{plan.cluster} · {prof.model.title}" + (" · dual-stack" if plan.dual_stack else "")
    if what:
        title += f" · {what}"
    parts = [f"VNet {nets(plan.vnet_prefixes)}"]
    if what == "addresses":  # where the cluster lives, on the page that lists what it holds
        parts = [p for p in (plan.resource_group and f"resource group {plan.resource_group}", plan.location) if p] + parts
    if prof.model.pod_source == PodSource.overlay or (plan.pods.kind == PodAddresses.unmanaged and plan.pods.cidrs):
        parts.append(f"pod CIDR {nets(plan.pods.cidrs)}")
    elif plan.pods.kind == PodAddresses.pod_subnet:
        parts.append(f"pod subnet {nets(plan.pods.cidrs)}")
    parts.append(f"services {nets(plan.service_cidrs)}")
    parts.append(f"outbound {plan.egress.outbound_type}")
    if plan.dataplane == "cilium":
        parts.append("Cilium eBPF dataplane, no kube-proxy")
    elif plan.network_policy != "none":
        parts.append(f"{plan.network_policy} network policy")
    return title, " · ".join(parts)


def unsupported_subjects(plan: AddressPlan) -> set[str]:
    return {f.subject for f in plan.findings if f.severity == Severity.error and f.subject}


def pods_label(plan: AddressPlan, pool: PoolPlan, node: NodePlan) -> str:
    if node.reserved_pod_ips is not None:
        first, last = node.reserved_pod_ips
        return f"pods {first} – {last}"
    if plan.pods.kind == PodAddresses.pod_cidr:
        source = " (kubectl)" if node.pod_cidr_from_node_list else ""
        return "\n".join(f"pods {b}" for b in node.pod_blocks) + source if node.pod_blocks else "no pod CIDR"
    if plan.pods.kind == PodAddresses.pod_subnet:
        if node.pod_blocks:
            more = f" + {len(node.pod_blocks) - 1} more /28" if len(node.pod_blocks) > 1 else ""
            return f"pods {node.pod_blocks[0]}{more}"
        subnet = next((s for s in plan.subnets if s.name == pool.pod_subnet), None)
        return f"pods from {subnet.prefix}" if subnet else "pods in the node subnet"
    cidr = f"\n{nets(plan.pods.cidrs)}" if plan.pods.cidrs else ""
    return f"pods: {plan.pods.cni} IPAM{cidr}"


def node_shape(plan: AddressPlan, pool: PoolPlan, node: NodePlan, position: int, pods: bool = True,
               big: bool = False) -> Shape:
    kind = POD_KIND[profile_of(plan).model.pod_source]
    # The node's full name is a tooltip. A browser marks it with an (i) at the shape's top-right
    # corner: on the node that sits on the subnet's last label line and the node's address, so
    # it goes on the pod block inside the node when there is one.
    tip = f"node {node.name}"
    children = (Shape("pods", pods_label(plan, pool, node), kind, tooltip=tip),) if pods else ()
    ips = "\n".join(str(ip) for ip in node.ips) if len(node.ips) > 1 else f"{node.ips[0]}"
    sep = "\n" if len(node.ips) > 1 else " · "
    icon = "windows" if pool.os == "Windows" else "vm"
    return Shape(f"n{position}", f"node {position}{sep}{ips}", ShapeKind.node, icon, children,
                 tooltip=None if pods else tip)


def more_nodes(pool: PoolPlan, hidden: tuple[NodePlan, ...]) -> Shape:
    first, last = hidden[0], hidden[-1]
    return Shape("more", f"… {len(hidden)} more nodes\n{first.ips[0]} – {last.ips[0]}", ShapeKind.more)


def pool_label(plan: AddressPlan, pool: PoolPlan, unsupported: set[str]) -> str:
    label = f"pool {pool.name} · {pool.os} · {pool.count} × {pool.vm_size or 'VM size chosen by AKS'}"
    if pool.name in unsupported:
        label += "\nAKS would refuse this pool (see the notes)"
    return label


def pool_shape(plan: AddressPlan, pool: PoolPlan, pid: str, path: str, paths: Paths, limit: int,
               unsupported: set[str], pods: bool = True) -> Shape:
    nodes, hidden = shown(pool.nodes, limit)
    children = []
    for node in nodes:
        position = pool.nodes.index(node)
        shape = node_shape(plan, pool, node, position, pods)
        paths.node[node.name] = f"{path}.{pid}.{shape.id}"
        paths.pods[node.name] = f"{path}.{pid}.{shape.id}.pods"
        children.append(shape)
        if hidden and node is nodes[-2]:
            children.append(more_nodes(pool, hidden))
    paths.pool[pool.name] = f"{path}.{pid}"
    marks = (Mark.unsupported,) if pool.name in unsupported else ()
    return Shape(pid, pool_label(plan, pool, unsupported), ShapeKind.pool, None, tuple(children), marks)


def compact_pool(plan: AddressPlan, pool: PoolPlan, pid: str, path: str, paths: Paths,
                 unsupported: set[str]) -> Shape:
    """A pool as one box with its address ranges: what the overview draws of pools no path starts in."""
    first, last = pool.nodes[0], pool.nodes[-1]
    nodes = f"nodes {first.ips[0]}" + (f" – {last.ips[0]}" if len(pool.nodes) > 1 else "")
    pods = ""
    if first.pod_blocks and plan.pods.kind == PodAddresses.pod_cidr:
        pods = f"\npods {first.pod_blocks[0]}" + (f" – {last.pod_blocks[0]}" if len(pool.nodes) > 1 else "")
    paths.pool[pool.name] = f"{path}.{pid}"
    marks = (Mark.unsupported,) if pool.name in unsupported else ()
    return Shape(pid, f"{pool_label(plan, pool, unsupported)}\n{nodes}{pods}", ShapeKind.pool, None, (), marks)


def shown_pools(plan: AddressPlan, limit: int) -> tuple[tuple[PoolPlan, ...], tuple[PoolPlan, ...]]:
    return shown(plan.pools, limit)


def more_pools(hidden: tuple[PoolPlan, ...]) -> Shape:
    first, last = hidden[0].nodes, hidden[-1].nodes
    nodes = sum(p.count for p in hidden)
    span = f"\n{first[0].ips[0]} – {last[-1].ips[0]}" if first and last else ""
    return Shape("morepools", f"… {len(hidden)} more pools · {nodes:,} nodes{span}", ShapeKind.more)


def subnet_label(plan: AddressPlan, subnet: SubnetPlan, detail: bool) -> str:
    role = {"nodes": "node subnet", "pods": "pod subnet", "apiserver": "API server subnet"}
    kind = " + ".join(role[r] for r in subnet.roles if r in role) or "subnet"
    prefixes = str(subnet.prefix) + (f" · {subnet.prefix_v6}" if subnet.prefix_v6 and plan.dual_stack else "")
    label = f"{kind} {subnet.name} · {prefixes}"
    if detail:
        label += f"\n{subnet.usable:,} usable · {subnet.used:,} planned"
        if subnet.used_max is not None:
            label += f" (up to {subnet.used_max:,} when full)"
        if subnet.nsg:
            label += f" · NSG {subnet.nsg}"
    return label


def vnet_label(plan: AddressPlan) -> str:
    managed = "AKS-managed VNet" if plan.vnet_managed else "VNet"
    return f"{managed} {plan.vnet_name} · {nets(plan.vnet_prefixes)}"


def subnets(plan: AddressPlan, paths: Paths, *, nodes: int, pools: int, detail: bool,
            extra: dict[str, list[Shape]] | None = None, compact: bool = False, flat: bool = True) -> list[Shape]:
    """The VNet's subnets with their pools; pools beyond `pools` are summarised in one shape.
    `compact` draws every pool but the first as one box with its ranges; `flat` puts a subnet's
    only pool's nodes straight into the subnet, with the pool named on the subnet's label."""
    unsupported = unsupported_subjects(plan)
    drawn, hidden = shown_pools(plan, pools)
    out: list[Shape] = []
    for si, subnet in enumerate(plan.subnets):
        sid = f"sn{si}"
        path = f"vnet.{sid}"
        paths.subnet[subnet.name] = path
        children = [compact_pool(plan, pool, f"pool{plan.pools.index(pool)}", path, paths, unsupported)
                    if compact and pool is not plan.pools[0] else
                    pool_shape(plan, pool, f"pool{plan.pools.index(pool)}", path, paths, nodes, unsupported)
                    for pool in drawn if pool.node_subnet == subnet.name]
        children += (extra or {}).get(subnet.name, [])
        holds_hidden = any(p.node_subnet == subnet.name for p in hidden)
        if not children and holds_hidden:
            continue  # only summarised pools live here; the summary names their range
        marks = (Mark.unsupported,) if subnet.name in unsupported else ()
        label = subnet_label(plan, subnet, detail)
        if flat and len(children) == 1 and children[0].kind == ShapeKind.pool and children[0].children:
            # One pool in the subnet: its nodes sit in the subnet, its name on the subnet's label.
            pool = children[0]
            label += "\n" + pool.label
            marks = marks or pool.marks
            children = list(pool.children)
            for table in (paths.node, paths.pods, paths.pool):
                for k, v in table.items():
                    table[k] = v.replace(f"{path}.{pool.id}", path, 1)
        out.append(Shape(sid, label, ShapeKind.subnet, None, tuple(children), marks))
    if hidden:
        out.append(more_pools(hidden))
    return out


def first_two_nodes(plan: AddressPlan, paths: Paths) -> tuple[NodePlan, NodePlan] | None:
    drawn = [n for n in plan.nodes if n.name in paths.node]
    return (drawn[0], drawn[1]) if len(drawn) > 1 else None
