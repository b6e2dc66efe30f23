"""scene for a comparison: two plans drawn on one skeleton, what differs marked.

Both sides use the same ids for the same thing (node 0 is `n0` on both, its pods
`n0.p`, the route table `rt`), so a side-by-side picture puts them in the same place and
D2 scenarios built from `delta` move only what differs between the two boards. Marks
(`added`, `removed`, `changed`) come from the comparison's rows; the templates colour them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from ..derive.compare import Change, Comparison, Topic
from ..derive.plan import AddressPlan, CrossNode, NodePlan, PodAddresses
from ..derive.profiles import MODEL_NAMES
from .types import Edge, EdgeKind, Shape

COMPARE_NODES = 3  # the compare is about the model, not the scale: three nodes show every path


class Kind(StrEnum):
    """What a compare shape is; each names a class of the shared look or of `_compare.d2.j2`."""

    vnet = "vnet"
    subnet_row = "subnet_row"  # the node subnet, its nodes in one row
    node = "node"
    pods_vnet = "pods_vnet"  # pod addresses from a VNet subnet
    pods_overlay = "pods_overlay"  # from a pod CIDR outside the VNet
    pods_cni = "pods_cni"
    pod_subnet = "subnet"
    routetable = "routetable_compare"  # one shape, one route per line
    podcidr = "podcidr_compare"
    lb = "lb"
    natgw = "natgw"
    firewall = "firewall"
    more = "more"
    internet = "internet"


class ChangeMark(StrEnum):
    added = "added"
    removed = "removed"
    changed = "changed"


# The scene's own Shape and Edge, with the compare's kinds and change marks (the templates in
# `_compare.d2.j2` define classes for them).
POD_KIND = {
    PodAddresses.pod_cidr: Kind.pods_overlay,
    PodAddresses.node_subnet: Kind.pods_vnet,
    PodAddresses.pod_subnet: Kind.pods_vnet,
    PodAddresses.unmanaged: Kind.pods_cni,
}


@dataclass(frozen=True)
class Side:
    id: str  # "a" or "b"
    title: str
    shapes: tuple[Shape, ...]
    edges: tuple[Edge, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Delta:
    """What the second board changes on the first: ids removed, shapes added, labels/marks changed."""

    removed: tuple[str, ...]  # dotted paths
    removed_edges: tuple[Edge, ...]
    added: tuple[tuple[str, Shape], ...]  # (parent dotted path or "", shape)
    added_edges: tuple[Edge, ...]
    relabelled: tuple[tuple[str, str], ...]  # (dotted path, label)
    remarked: tuple[tuple[str, StrEnum, tuple[StrEnum, ...]], ...]  # (dotted path, kind, marks): a Kind and ChangeMarks
    edge_labels: tuple[tuple[Edge, str], ...]
    title: str
    notes: str


@dataclass(frozen=True)
class CompareScene:
    title: str
    subtitle: str
    a: Side
    b: Side
    delta: Delta
    layout: str = "elk"


def _drawn(plan: AddressPlan, nodes: int) -> tuple[NodePlan, ...]:
    return plan.nodes[:nodes]


def _pods_label(plan: AddressPlan, node: NodePlan) -> str:
    kind = plan.pods.kind
    if kind == PodAddresses.node_subnet and node.reserved_pod_ips:
        first, last = node.reserved_pod_ips
        return f"pods {first}–{last}\nVNet IPs"
    if kind == PodAddresses.pod_subnet:
        if node.pod_blocks:
            return "pods " + ", ".join(map(str, node.pod_blocks[:2])) + (" …" if len(node.pod_blocks) > 2 else "")
        return f"pods from pod subnet {plan.pools[0].pod_subnet if plan.pools else ''}".rstrip()
    if kind == PodAddresses.unmanaged:
        return f"pods · {plan.pods.cni} CNI"
    if not node.pod_blocks:
        return "no pod CIDR"  # drawn anyway: a pod CIDR too small for the cluster
    return "pods " + "\n".join(map(str, node.pod_blocks))  # dual-stack: a family per line, a narrower node


def _route_lines(plan: AddressPlan) -> str:
    rt = plan.route_table
    assert rt is not None
    owner = "yours" if rt.byo else "made by AKS"
    lines = [f"route table · {owner} · {len(rt.routes)} of {rt.route_limit} routes"]
    for r in rt.routes[:6]:
        hop = f" → {r.next_hop_ip}" if r.next_hop_ip else f" → {r.next_hop_type}"
        lines.append(f"{r.prefix}{hop}")
    if len(rt.routes) > 6:
        lines.append(f"… {len(rt.routes) - 6} more")
    return "\n".join(lines)


def _egress(plan: AddressPlan) -> tuple[Shape, str, str]:
    e = plan.egress
    src = "node IP" if e.pod_snat.value == "node" else "pod IP"
    if e.device == "loadBalancer":
        return Shape("out", "load balancer\nSNAT → public IP", Kind.lb, "lb"), f"② source: {src}", "③ public IP"
    if e.device == "natGateway":
        return Shape("out", "NAT gateway\nSNAT → public IP", Kind.natgw, "nat"), f"② source: {src}", "③ public IP"
    if e.device == "firewall":
        hop = f" {e.next_hop_ip}" if e.next_hop_ip else ""
        return (
            Shape("out", f"firewall{hop}\nSNAT → its public IP", Kind.firewall, "firewall"),
            f"② source: {src}",
            "③ firewall's public IP",
        )
    return Shape("out", "no outbound path\n(outboundType none)", Kind.more), "②", "③ none"


def _notes(plan: AddressPlan) -> tuple[str, ...]:
    """Short lines: the notes stand in a column beside the path out."""
    cross = {
        CrossNode.udr: ("① pod to pod across nodes:", "through the route table,", "one route per node"),
        CrossNode.overlay: ("① pod to pod across nodes:", "Azure routes the pod CIDR,", "no route table"),
        CrossNode.vnet: ("① pod to pod across nodes:", "plain VNet routing", "(pod IPs are VNet IPs)"),
        CrossNode.cni: ("① pod to pod across nodes:", "your CNI decides"),
    }[plan.pods.cross_node]
    cap = next((r for c in plan.capacity if c.role == "nodes" for r in c.rows if r.current), None)
    fit: tuple[str, ...] = ()
    if cap is not None:
        pods = (
            f"{cap.pods_with_surge:,} pods" if cap.pods_with_surge is not None else f"{cap.max_pods_per_node} pods each"
        )
        kept = f"surge {cap.surge.count if cap.surge.percent is None else f'{cap.surge.percent}%'} kept free"
        fit = (
            f"{cap.nodes_with_surge:,} nodes / {pods} fit",
            f"({kept}, assumed)" if cap.surge.assumed else f"({kept})",
        )
    return (*cross, f"② egress leaves with the {plan.egress.pod_snat.value} IP", *fit)


def side(plan: AddressPlan, sid: str, marks: dict[str, tuple[ChangeMark, ...]], nodes: int = COMPARE_NODES) -> Side:
    """One side of the skeleton; `marks` maps dotted ids (without the side prefix) to change marks.
    Fewer than `COMPARE_NODES` nodes (two still show every path) make a narrower picture."""

    def m(path: str) -> tuple[ChangeMark, ...]:
        return marks.get(path, ())

    drawn = []
    for i, node in enumerate(_drawn(plan, nodes)):
        pods = Shape("p", _pods_label(plan, node), POD_KIND[plan.pods.kind], None, (), m(f"vnet.subnet.n{i}.p"))
        drawn.append(Shape(f"n{i}", f"node {i} · {node.ips[0]}", Kind.node, "vm", (pods,), m(f"vnet.subnet.n{i}")))
    hidden = len(plan.nodes) - len(drawn)
    if hidden > 0:
        drawn.append(Shape("more", f"+ {hidden} more node{'s' if hidden > 1 else ''}", Kind.more))
    subnet_plan = next((s for s in plan.subnets if "nodes" in s.roles), plan.subnets[0])
    subnet = Shape(
        "subnet",
        f"node subnet {subnet_plan.name} {subnet_plan.prefix}",
        Kind.subnet_row,
        None,
        tuple(drawn),
        m("vnet.subnet"),
        columns=nodes if nodes != COMPARE_NODES else None,
    )
    children = [subnet]
    if plan.route_table is not None:
        children.insert(0, Shape("rt", _route_lines(plan), Kind.routetable, None, (), m("vnet.rt")))
    pod_subnets = [s for s in plan.subnets if "pods" in s.roles]
    if pod_subnets:
        ps = pod_subnets[0]
        children.append(
            Shape(
                "podsubnet",
                f"pod subnet {ps.name} {ps.prefix}\n{ps.used:,} of {ps.usable:,} used",
                Kind.pod_subnet,
                None,
                (),
                m("vnet.podsubnet"),
            )
        )
    prefixes = ", ".join(map(str, plan.vnet_prefixes))
    vnet = Shape("vnet", f"VNet {plan.vnet_name} {prefixes}", Kind.vnet, "vnet", tuple(children), m("vnet"))
    shapes = [vnet]
    if plan.pods.kind in (PodAddresses.pod_cidr, PodAddresses.unmanaged) and plan.pods.cidrs:
        shapes.append(
            Shape(
                "podcidr",
                "pod CIDR " + ", ".join(map(str, plan.pods.cidrs)) + "\nnot a VNet range",
                Kind.podcidr,
                None,
                (),
                m("podcidr"),
            )
        )
    out, hop2, hop3 = _egress(plan)
    shapes += [replace(out, marks=m("out")), Shape("internet", "Internet", Kind.internet)]

    edges = []
    if len(drawn) >= 2 and drawn[1].id == "n1":
        if plan.pods.cross_node == CrossNode.udr and plan.route_table is not None:
            edges += [
                Edge("vnet.subnet.n0.p", "vnet.rt", "①", EdgeKind.pod_path),
                Edge("vnet.rt", "vnet.subnet.n1.p", "①", EdgeKind.pod_path),
            ]
        else:
            edges.append(Edge("vnet.subnet.n0.p", "vnet.subnet.n1.p", "①", EdgeKind.pod_path))
    edges += [Edge("vnet.subnet", "out", hop2, EdgeKind.snat), Edge("out", "internet", hop3, EdgeKind.snat)]
    title = f"{plan.cluster} · {MODEL_NAMES[plan.model.value]}"
    return Side(sid, title, tuple(shapes), tuple(edges), _notes(plan))


_SUBJECT_MARKS = {
    Topic.route_table: "vnet.rt",
    Topic.route: "vnet.rt",
    Topic.pod_cidr: "podcidr",
    Topic.pod_subnet: "vnet.podsubnet",
    Topic.source_leaving: "out",
    Topic.egress_device: "out",
    Topic.egress_public: "out",
    Topic.vnet_used: "vnet.subnet",
}


def _marks(comparison: Comparison) -> tuple[dict[str, tuple[ChangeMark, ...]], dict[str, tuple[ChangeMark, ...]]]:
    """Marks per side: a removed fact marks the first side, an added one the second, a change both."""
    a: dict[str, set[ChangeMark]] = {}
    b: dict[str, set[ChangeMark]] = {}
    index = {f"{n.pool}[{n.index}]": i for i, n in enumerate(comparison.before.nodes[:COMPARE_NODES])}
    table = comparison.row(Topic.route_table)
    table_on_both = table is not None and table.change in (Change.kept, Change.changed)
    for row in comparison.rows:
        if row.change == Change.kept:
            continue
        if row.topic == Topic.route and table_on_both:
            # Routes come and go inside a table that stays: the table is changed on both sides.
            row = replace(row, change=Change.changed)
        path = _SUBJECT_MARKS.get(row.topic)
        if row.topic in (Topic.node_pod_block, Topic.node_ip) and row.subject in index:
            i = index[row.subject]
            path = f"vnet.subnet.n{i}.p" if row.topic == Topic.node_pod_block else f"vnet.subnet.n{i}"
        if path is None:
            continue
        if row.change == Change.removed:
            a.setdefault(path, set()).add(ChangeMark.removed)
        elif row.change == Change.added:
            b.setdefault(path, set()).add(ChangeMark.added)
        else:
            a.setdefault(path, set()).add(ChangeMark.changed)
            b.setdefault(path, set()).add(ChangeMark.changed)

    def pick(d: dict[str, set[ChangeMark]]) -> dict[str, tuple[ChangeMark, ...]]:
        # One mark per shape, the strongest: a route table that loses some routes is changed, not removed.
        out = {}
        for path, got in d.items():
            out[path] = (ChangeMark.changed,) if len(got) > 1 else tuple(got)
        return out

    return pick(a), pick(b)


def _flatten(shapes: tuple[Shape, ...], parent: str = "") -> dict[str, tuple[str, Shape]]:
    out: dict[str, tuple[str, Shape]] = {}
    for s in shapes:
        path = f"{parent}.{s.id}" if parent else s.id
        out[path] = (parent, s)
        out.update(_flatten(s.children, path))
    return out


def _delta(a: Side, b: Side) -> Delta:
    fa, fb = _flatten(a.shapes), _flatten(b.shapes)
    removed = tuple(p for p in fa if p not in fb and (fa[p][0] == "" or fa[p][0] in fb))
    added = tuple((fb[p][0], fb[p][1]) for p in fb if p not in fa and (fb[p][0] == "" or fb[p][0] in fa))
    relabelled = tuple((p, fb[p][1].label) for p in fb if p in fa and fa[p][1].label != fb[p][1].label)
    remarked = tuple(
        (p, fb[p][1].kind, fb[p][1].marks)
        for p in fb
        if p in fa and (fa[p][1].marks != fb[p][1].marks or fa[p][1].kind != fb[p][1].kind)
    )
    ea = {(e.src, e.dst): e for e in a.edges}
    eb = {(e.src, e.dst): e for e in b.edges}
    gone = {p for p in fa if p not in fb}
    removed_edges = tuple(e for k, e in ea.items() if k not in eb and e.src not in gone and e.dst not in gone)
    added_edges = tuple(e for k, e in eb.items() if k not in ea)
    edge_labels = tuple((ea[k], e.label) for k, e in eb.items() if k in ea and ea[k].label != e.label)
    return Delta(
        removed, removed_edges, added, added_edges, relabelled, remarked, edge_labels, b.title, "\n".join(b.notes)
    )


def build_compare_scene(
    comparison: Comparison, *, layout: str = "elk", choices: tuple[str, ...] = (), nodes: int = COMPARE_NODES
) -> CompareScene:
    marks_a, marks_b = _marks(comparison)
    a = side(comparison.before, "a", marks_a, nodes)
    b = side(comparison.after, "b", marks_b, nodes)
    subtitle = "red: removed · green: added · amber: changed"
    if choices:
        subtitle += "   assumed for the comparison: " + "; ".join(choices)
    return CompareScene(
        title=f"{a.title}  →  {b.title}", subtitle=subtitle, a=a, b=b, delta=_delta(a, b), layout=layout
    )
