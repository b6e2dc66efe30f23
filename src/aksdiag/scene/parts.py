"""Pieces every view draws the same way: the header, a node with its pods inside, a pool,
the VNet's subnets, and the summaries that keep a big cluster slide-sized."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ..derive.plan import AddressPlan, NodePlan, PodAddresses, PoolPlan, Severity, SubnetPlan
from ..derive.profiles import PlanProfile, PodSource, profile_of
from .fit import BOX_PAD, FONT, SANS, Detail, after_hyphens, note_width, shape_size, short, wrap
from .types import Mark, Shape, ShapeKind

POD_KIND = {
    PodSource.vnet: ShapeKind.pods_vnet,
    PodSource.overlay: ShapeKind.pods_overlay,
    PodSource.cni: ShapeKind.pods_cni,
}


def nets(items) -> str:
    return ", ".join(str(i) for i in items)


def shown(items: tuple, limit: int, exact: bool = False) -> tuple[tuple, tuple]:
    """The first items and the last, so that ranges read first..last; the rest are hidden.
    A summary never stands for one item (that item takes the summary's place) unless `exact`:
    the user asked for at most `limit` (`--max-nodes`)."""
    if len(items) <= limit or (len(items) == limit + 1 and not exact):
        return items, ()
    if limit <= 1:
        return items[:1], items[1:]
    return items[: limit - 1] + (items[-1],), items[limit - 1 : -1]


@dataclass
class Paths:
    """Where the scene put things, for the edges: node name -> dotted path, and so on."""

    node: dict[str, str] = field(default_factory=dict)
    pods: dict[str, str] = field(default_factory=dict)
    pool: dict[str, str] = field(default_factory=dict)
    subnet: dict[str, str] = field(default_factory=dict)


def header(plan: AddressPlan, prof: PlanProfile, what: str | None, detail: Detail) -> tuple[str, str]:
    """Title and subtitle, wrapped to the fit's line: the title's type is larger, its lines shorter."""
    title = f"{short(plan.cluster, max(detail.name, 32))} · {prof.model.title}" + (
        " · dual-stack" if plan.dual_stack else ""
    )
    if what:
        title += f" · {what}"
    parts = [f"VNet {nets(plan.vnet_prefixes)}"]
    if what == "addresses":  # where the cluster lives, on the page that lists what it holds
        group = plan.resource_group and f"resource group {short(plan.resource_group, detail.name)}"
        parts = [p for p in (group, plan.location) if p] + parts
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
    subtitle = wrap(" · ".join(parts), note_width(detail) * 22 // 26) if detail.subtitle else ""
    # Above a landscape drawing the header has its width, as the notes below it do: wrapped at a
    # label's 40 characters a long title took three lines of 40 px type.
    return wrap(title, note_width(detail) * 22 // 40), subtitle


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


def node_shape(
    plan: AddressPlan, pool: PoolPlan, node: NodePlan, position: int, pods: bool = True, stacked: bool = False
) -> Shape:
    kind = POD_KIND[profile_of(plan).model.pod_source]
    # The node's full name is a tooltip. A browser marks it with an (i) at the shape's top-right
    # corner: on the node that sits on the subnet's last label line and the node's address, so
    # it goes on the pod block inside the node when there is one.
    tip = f"node {node.name}"
    children = (Shape("pods", pods_label(plan, pool, node), kind, tooltip=tip),) if pods else ()
    ips = "\n".join(str(ip) for ip in node.ips) if len(node.ips) > 1 else f"{node.ips[0]}"
    # Stacked (a page's portrait picture), the address has a line of its own at the box's right: a
    # pod path from the node above comes down the box's middle, through a one-line label's address.
    sep = "\n" if len(node.ips) > 1 or stacked else " · "
    icon = "windows" if pool.os == "Windows" else "vm"
    return Shape(
        f"n{position}", f"node {position}{sep}{ips}", ShapeKind.node, icon, children, tooltip=None if pods else tip
    )


def more_nodes(hidden: tuple[NodePlan, ...]) -> Shape:
    first, last = hidden[0], hidden[-1]
    return Shape("more", f"… {len(hidden)} more nodes\n{first.ips[0]} – {last.ips[0]}", ShapeKind.more)


def pool_label(pool: PoolPlan, unsupported: set[str]) -> str:
    label = f"pool {pool.name} · {pool.os} · {pool.count:,} × {pool.vm_size or 'VM size chosen by AKS'}"
    if pool.name in unsupported:
        label += "\nAKS would refuse this pool (see the notes)"
    return label


def pod_subnet_line(plan: AddressPlan, pools: tuple[PoolPlan, ...], detail: Detail) -> str:
    """Where summarised pools take their pods from, when that is a pod subnet of their own."""
    names = list(dict.fromkeys(p.pod_subnet for p in pools if p.pod_subnet))
    if not names:
        return ""
    subnets_ = {s.name: s for s in plan.subnets}
    if len(names) == 1 and names[0] in subnets_:
        return f"\npods from pod subnet {short(names[0], detail.name)} · {subnets_[names[0]].prefix}"
    return f"\npods from {len(names)} pod subnets"


def pool_shape(
    plan: AddressPlan,
    pool: PoolPlan,
    pid: str,
    path: str,
    paths: Paths,
    limit: int,
    unsupported: set[str],
    pods: bool = True,
    exact: bool = False,
    inline: bool = False,
    stacked: bool = False,
) -> Shape:
    # Inline, a summary of one node is a line of the pool's label, less than the node's box.
    nodes, hidden = shown(pool.nodes, limit, exact or inline)
    children = []
    for k, node in enumerate(nodes):
        position = pool.nodes.index(node)
        shape = node_shape(plan, pool, node, position, pods, stacked)
        paths.node[node.name] = f"{path}.{pid}.{shape.id}"
        paths.pods[node.name] = f"{path}.{pid}.{shape.id}.pods"
        children.append(shape)
        if hidden and k == max(len(nodes) - 2, 0) and not inline:
            children.append(more_nodes(hidden))
    paths.pool[pool.name] = f"{path}.{pid}"
    marks = (Mark.unsupported,) if pool.name in unsupported else ()
    label = pool_label(pool, unsupported)
    if hidden and inline:
        label += "\n" + more_nodes(hidden).label.replace("\n", " · ")
    return Shape(pid, label, ShapeKind.pool, None, tuple(children), marks)


def compact_pool(
    plan: AddressPlan, pool: PoolPlan, pid: str, path: str, paths: Paths, unsupported: set[str], detail: Detail
) -> Shape:
    """A pool as one box with its address ranges: what the overview draws of pools no path starts in."""
    first, last = pool.nodes[0], pool.nodes[-1]
    nodes = f"nodes {first.ips[0]}" + (f" – {last.ips[0]}" if len(pool.nodes) > 1 else "")
    pods = ""
    if plan.pods.kind == PodAddresses.pod_cidr:
        # Drawn anyway (--draw-unsupported), a pod CIDR too small for the pool leaves its last nodes
        # without a /24: the range is of the nodes that have one, and the rest are counted.
        held = [nd for nd in pool.nodes if nd.pod_blocks]
        if held:
            a, b = held[0].pod_blocks[0], held[-1].pod_blocks[0]
            pods = f"\npods {a}" + (f" – {b}" if b != a else "")
        if len(held) < len(pool.nodes):
            pods += f"{' · ' if held else chr(10)}{len(pool.nodes) - len(held):,} with no pod CIDR"
    elif plan.pods.kind == PodAddresses.pod_subnet:
        pods = pod_subnet_line(plan, (pool,), detail)
    paths.pool[pool.name] = f"{path}.{pid}"
    marks = (Mark.unsupported,) if pool.name in unsupported else ()
    return Shape(pid, f"{pool_label(pool, unsupported)}\n{nodes}{pods}", ShapeKind.pool, None, (), marks)


def more_pools(plan: AddressPlan, hidden: tuple[PoolPlan, ...], detail: Detail) -> Shape:
    first, last = hidden[0].nodes, hidden[-1].nodes
    nodes = sum(p.count for p in hidden)
    span = f"\n{first[0].ips[0]} – {last[-1].ips[0]}" if first and last else ""
    return Shape(
        "morepools",
        f"… {len(hidden)} more pool{'s' if len(hidden) != 1 else ''} · {nodes:,} nodes{span}"
        f"{pod_subnet_line(plan, hidden, detail)}",
        ShapeKind.more,
    )


def more_subnets_label(left: list[SubnetPlan] | tuple[SubnetPlan, ...]) -> str:
    if len(left) == 1:
        return f"… 1 more subnet\n{left[0].prefix}"
    return f"… {len(left)} more subnets\n{left[0].prefix} … {left[-1].prefix}"


def subnet_label(plan: AddressPlan, subnet: SubnetPlan, full: bool, detail: Detail) -> str:
    role = {"nodes": "node subnet", "pods": "pod subnet", "apiserver": "API server subnet"}
    kind = " + ".join(role[r] for r in subnet.roles if r in role) or "subnet"
    prefixes = str(subnet.prefix) + (f" · {subnet.prefix_v6}" if subnet.prefix_v6 and plan.dual_stack else "")
    label = f"{kind} {short(subnet.name, detail.name)} · {prefixes}"
    if full:
        label += f"\n{subnet.usable:,} usable · {subnet.used:,} planned"
        if subnet.used_max is not None:
            label += f" (up to {subnet.used_max:,} when full)"
        if subnet.nsg:
            label += f" · NSG {short(subnet.nsg, detail.name)}"
    return wrap(label, detail.line)


# Where the VNet's own line is short, its summaries may still take this many characters a line.
SUMMARY_LINE = 32
NAME_LINE = 16  # a VNet name broken after its hyphens keeps lines of this many characters at least
# Kept clear at each side of a container's label: its icon (64 px) at the top-left corner, d2's
# 10 px inset and a 16 px gap.
ICON_SIDE = 90.0
# The estimate of a child's width runs over what d2 draws (a node subnet estimated 524 px in a VNet
# drawn 475 px wide): the room is taken on 95% of it. Labels under an icon, every view and fit of
# the gallery and the held-out designs: 3 of 585 pictures at 1.0, none at 0.95 down to 0.75.
# Lower still reads no better and moves the fit search: a generated cluster of the stress batch
# missed the room's 12 pt at 0.9 (11.1 pt), two at 0.85, that met it at 0.95.
CHILD_SHARE = 0.95


def icon_room(inside: Sequence[Shape], font: int) -> int:
    """Characters a line of a container's label can take without reaching the icon at its top-left
    corner: d2 centres the label without widening the box for it, and the box is at least as wide
    as its widest child."""
    widest = CHILD_SHARE * max((shape_size(c)[0] for c in inside), default=0.0)
    return int((widest + 2 * BOX_PAD - 2 * ICON_SIDE) / (font * SANS))


def vnet_label(plan: AddressPlan, detail: Detail, summaries: Sequence[str] = (), inside: Sequence[Shape] = ()) -> str:
    """The VNet's name and prefixes, then the summaries of what it holds beyond the drawing.

    The VNet's icon sits at its top-left corner, and d2 centres a container's label without
    widening the box for it: a summary wider than the box less the icon ran under the icon (the
    large pod-subnet example's "… 1 more pool" lost its ellipsis there). The box is at least as
    wide as its widest child (`inside`), so the summaries wrap at that, less the icon at each side;
    never narrower than the VNet's own line."""
    managed = "AKS-managed VNet" if plan.vnet_managed else "VNet"
    room = icon_room(inside, FONT[ShapeKind.vnet])
    # The VNet's own line too: in a narrow VNet (one node in the egress and API views) it began
    # under the icon. A name longer than the room breaks after its hyphens, in lines of NAME_LINE
    # at least; where a piece is still longer, the whole name is shortened to the room instead
    # (once: a piece of a name already shortened would have taken a second ellipsis).
    name_line = max(room, NAME_LINE)
    name = after_hyphens(short(plan.vnet_name, detail.name), name_line)
    if max(len(line) for line in name.split("\n")) > name_line:
        name = short(plan.vnet_name, min(name_line, detail.name))
    named = f"{managed} {name}"
    longest = max(len(word) for line in named.split("\n") for word in line.split(" "))
    title = wrap(f"{named} · {nets(plan.vnet_prefixes)}", min(detail.line, max(room, longest)))
    width = min(detail.line, max(SUMMARY_LINE, room, *(len(line) for line in title.split("\n"))))
    return title + "".join("\n" + wrap(line, width) for line in summaries)


def vnet_tooltip(plan: AddressPlan, label: str) -> str | None:
    """The VNet's whole name where its label does not show it whole: shortened to the detail's
    length, or further where a piece of it is wider than the room beside the icon."""
    name = plan.vnet_name
    return None if not name or name in label.replace("\n", "") else name


def full_names(*names: str | None, limit: int) -> str | None:
    """The tooltip of a shape whose label shortened a name: the whole names, or None."""
    long = [n for n in names if n and short(n, limit) != n]
    return "\n".join(long) or None


def subnets(
    plan: AddressPlan,
    paths: Paths,
    detail: Detail,
    *,
    nodes: int,
    full: bool,
    extra: dict[str, list[Shape]] | None = None,
    compact: bool = False,
    flat: bool = True,
    exact: bool = False,
    lines: list[str] | None = None,
) -> list[Shape]:
    """The VNet's subnets with their pools. Pools beyond `detail.pools` are summarised in one
    shape, subnets beyond `detail.subnets` in another: first those that hold drawn pools, then
    their pod subnets, then the rest. `compact` draws every pool but the first as one box with its
    ranges; `flat` puts a subnet's only pool's nodes straight into the subnet, with the pool named
    on the subnet's label. With `detail.inline` the summaries are lines added to `lines` (the
    VNet's label) instead of shapes."""
    unsupported = unsupported_subjects(plan)
    # A summary line (inline) is cheaper than the one pool it stands for; a summary box is not.
    drawn, hidden = shown(plan.pools, detail.pools, exact=detail.inline)
    holding = {p.node_subnet for p in drawn} | {p.pod_subnet for p in drawn if p.pod_subnet}
    holding |= set(extra or {})
    order = sorted(range(len(plan.subnets)), key=lambda i: (plan.subnets[i].name not in holding, i))
    hidden_pool_subnets = {p.node_subnet for p in hidden} | {p.pod_subnet for p in hidden if p.pod_subnet}
    out: list[Shape] = []
    left: list[SubnetPlan] = []
    for si in order:
        subnet = plan.subnets[si]
        sid = f"sn{si}"
        path = f"vnet.{sid}"
        children = [
            compact_pool(plan, pool, f"pool{plan.pools.index(pool)}", path, paths, unsupported, detail)
            if compact and pool is not plan.pools[0]
            else pool_shape(
                plan,
                pool,
                f"pool{plan.pools.index(pool)}",
                path,
                paths,
                nodes,
                unsupported,
                exact=exact,
                inline=detail.inline,
                stacked=detail.portrait,
            )
            for pool in drawn
            if pool.node_subnet == subnet.name
        ]
        children += (extra or {}).get(subnet.name, [])
        if not children and subnet.name in hidden_pool_subnets and subnet.name not in holding:
            continue  # only summarised pools live here; the summary names their range
        if len(out) >= detail.subnets and not children and subnet.name not in holding:
            left.append(subnet)
            continue
        paths.subnet[subnet.name] = path
        marks: tuple[StrEnum, ...] = (Mark.unsupported,) if subnet.name in unsupported else ()
        label = subnet_label(plan, subnet, full, detail)
        if flat and len(children) == 1 and children[0].kind == ShapeKind.pool and children[0].children:
            # One pool in the subnet: its nodes sit in the subnet, its name on the subnet's label.
            pool = children[0]
            label += "\n" + pool.label
            marks = marks or pool.marks
            children = list(pool.children)
            for table in (paths.node, paths.pods, paths.pool):
                for k, v in table.items():
                    table[k] = v.replace(f"{path}.{pool.id}", path, 1)
        out.append(
            Shape(
                sid,
                label,
                ShapeKind.subnet,
                None,
                tuple(children),
                marks,
                tooltip=full_names(subnet.name, subnet.nsg, limit=detail.name),
            )
        )
    summaries = []
    if hidden:
        summaries.append(more_pools(plan, hidden, detail))
    if left:
        summaries.append(Shape("moresubnets", more_subnets_label(left), ShapeKind.more))
    if detail.inline and lines is not None:
        lines += [s.label.replace("\n", " · ") for s in summaries]
    else:
        out += summaries
    return out


def first_two_nodes(plan: AddressPlan, paths: Paths) -> tuple[NodePlan, NodePlan] | None:
    drawn = [n for n in plan.nodes if n.name in paths.node]
    return (drawn[0], drawn[1]) if len(drawn) > 1 else None
