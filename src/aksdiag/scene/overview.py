"""The overview: one slide that says how this model works. Nodes with their pods inside,
the pod-to-pod path numbered, the way out with its source IPs, the API server.

kubenet's path reads forward: node 0 → the route table → node 1, the table drawn between the
two nodes inside the subnet it is attached to (beside the subnet, elk parked it behind node 0
and the path ran back around it)."""

from __future__ import annotations

from ..derive.plan import AddressPlan, CrossNode, Severity
from ..derive.profiles import profile_of
from .egress import chain, step
from .fit import Detail, note_width, wrap
from .network import surround
from .parts import Paths, first_two_nodes, header, subnets, vnet_label, vnet_tooltip
from .types import Edge, EdgeKind, Scene, Shape, ShapeKind, View

NODES = 3  # per pool: node 0, node 1 (the path's two ends), a summary, the last node
ROUTES = 3


def _route_table(plan: AddressPlan, paths: Paths, detail: Detail) -> Shape | None:
    rt = plan.route_table
    if rt is None or profile_of(plan).model.pod_path != CrossNode.udr:
        return None
    drawn = [r for r in rt.routes if r.origin == "aks" and r.node in paths.node][: min(ROUTES, detail.rows)]
    lines = [f"{r.prefix} → {r.next_hop_ip}" for r in drawn]
    rest = len(rt.routes) - len(drawn)
    if rest:
        lines.append(f"… {rest} more routes")
    owner = (
        "yours, AKS adds routes"
        if rt.byo
        else ("yours (not given), AKS adds routes" if not rt.given else "kept by AKS")
    )
    # Its header is the widest line of a small cluster's VNet: it wraps at the fit's line.
    head = wrap(f"route table · {owner} · {len(rt.routes)} of {rt.route_limit}", detail.line)
    label = f"{head}\n" + "\n".join(lines)
    return Shape("rt", label, ShapeKind.routetable, tooltip=rt.name)


def _into_subnet(children: list[Shape], rt: Shape, paths: Paths) -> tuple[list[Shape], str] | None:
    """The route table inside the subnet of the path's nodes, so that elk ranks it between them."""
    pods = list(paths.pods.values())
    if not pods:
        return None
    subnet_path = pods[0].split(".")[1]
    out = []
    for c in children:
        if c.id == subnet_path and all(p.startswith(f"vnet.{c.id}.") for p in pods[:2]):
            c = Shape(c.id, c.label, c.kind, c.icon, (*c.children, rt), c.marks, c.tooltip)
        out.append(c)
    return out, f"vnet.{subnet_path}.rt"


def _pod_path(plan: AddressPlan, paths: Paths, rt_path: str | None, terse: bool) -> tuple[list[Edge], str, int]:
    """Edges of a pod's packet to another node's pods, the line that explains them, the next step."""
    pair = first_two_nodes(plan, paths)
    cross = profile_of(plan).model.pod_path
    if pair is None:
        return [], "", 1
    a, b = pair
    src, dst = paths.pods[a.name], paths.pods[b.name]
    if cross == CrossNode.udr and rt_path:
        note = (
            f"{step(1)} a pod sends to a pod on another node   {step(2)} the route table's route for that "
            f"node's /24 forwards it to the node IP {b.ips[0]}"
        )
        return [Edge(src, rt_path, step(1), EdgeKind.pod_path), Edge(rt_path, dst, step(2), EdgeKind.pod_path)], note, 3
    how = {
        CrossNode.overlay: "direct: Azure routes the pod CIDR, no route table, no encapsulation",
        CrossNode.vnet: "direct: pod IPs are VNet IPs",
        CrossNode.cni: "as your CNI carries it",
        CrossNode.udr: "through the node's route",
    }[cross]
    return (
        [Edge(src, dst, step(1) if terse else f"{step(1)} {how.split(':')[0]}", EdgeKind.pod_path)],
        f"{step(1)} pod to pod across nodes: {how}",
        2,
    )


def _api(plan: AddressPlan, paths: Paths) -> tuple[Shape, Edge]:
    api = plan.api_server
    if api.private and not api.vnet_integration:
        label, via = "API server · private", "kubelet → private endpoint"
    elif api.vnet_integration:
        label, via = "API server · VNet integration", "kubelet → internal LB"
    else:
        label, via = "API server · public FQDN", "kubelet"
    return Shape("api", label, ShapeKind.api, "api-server"), Edge(
        paths.pool[plan.pools[0].name], "api", via, EdgeKind.control
    )


def build(plan: AddressPlan, *, detail: Detail, exact: bool = False, layout: str) -> Scene:
    prof = profile_of(plan)
    paths = Paths()
    lines: list[str] = []
    children = subnets(
        plan, paths, detail, nodes=max(2, min(NODES, detail.nodes)), full=False, compact=True, exact=exact, lines=lines
    )
    rt = _route_table(plan, paths, detail)
    rt_path = None
    if rt is not None:
        inside = _into_subnet(children, rt, paths)
        if inside is not None:
            children, rt_path = inside
        else:
            children.append(rt)
            rt_path = "vnet.rt"
    label = vnet_label(plan, detail, lines, children)
    vnet = Shape("vnet", label, ShapeKind.vnet, "vnet", tuple(children), tooltip=vnet_tooltip(plan, label))
    edges, path_note, n = _pod_path(plan, paths, rt_path, detail.terse)

    pool = plan.pools[0]
    drawn = [nd for nd in pool.nodes if nd.name in paths.node]
    # The way out starts at the path's second node, at the far end of the path from node 0.
    # On a page (portrait) it starts at the second node, in the left column: elk puts the hub under
    # the node the way out leaves, and a hub under the right column widened a landing zone's page
    # by half the hub's width.
    out_node = drawn[1] if len(drawn) > 1 and (rt_path or detail.portrait) else drawn[-1]
    shapes, out_edges, egress_note = chain(
        plan, paths.node[out_node.name], out_node, n, terse=detail.terse, words=detail
    )
    # Drawn from the hub, the peering leaves the spoke on the side the API server's edge does not;
    # on a page (portrait) the hub is under the spoke, and an edge back up would be routed around
    # the whole drawing, its label beside it.
    shapes, around = surround(plan, shapes, from_hub=not detail.portrait, words=detail)
    out_edges += around
    api_edge: Edge | None
    api, api_edge = _api(plan, paths)
    others: list[Shape] = [*shapes, api]
    if detail.focus and edges:
        # One topic: the pod path; the way out and the API server are the next views' topics.
        others, out_edges, api_edge = [], [], None
        egress_note = "the way out: the egress view · the API server: the api view"
    elif not detail.api:
        # A box beside the way out widens the picture by itself (elk puts it beside the hub on a page).
        others, api_edge = [s for s in others if s is not api], None
        egress_note = f"{egress_note} · the API server: the api view"

    errors = [f for f in plan.findings if f.severity == Severity.error]
    notes = [path_note] if path_note else []
    if errors:
        more = f"; … {len(errors) - 2} more (aksdiag check)" if len(errors) > 2 else ""
        notes.append("AKS would refuse this: " + "; ".join(f.message for f in errors[:2]) + more)
    else:
        notes.append(egress_note)
    title, subtitle = header(plan, prof, None, detail)
    return Scene(
        View.overview,
        plan.model.value,
        title,
        subtitle,
        (vnet, *others),
        tuple(edges + out_edges + ([api_edge] if api_edge else [])),
        tuple(wrap(n_, note_width(detail), "   ") for n_ in notes[:2]),
        layout,
        "down" if detail.portrait else "right",
    )
