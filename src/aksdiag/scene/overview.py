"""The overview: one slide that says how this model works. Nodes with their pods inside,
the pod-to-pod path numbered, the way out with its source IPs, the API server."""

from __future__ import annotations

from ..derive.plan import AddressPlan, CrossNode, Severity
from ..derive.profiles import profile_of
from .egress import chain, step
from .network import surround
from .parts import Paths, first_two_nodes, header, subnets, vnet_label
from .types import Edge, EdgeKind, Scene, Shape, ShapeKind, View

NODES = 3  # per pool: node 0, a summary, the last node
POOLS = 2  # the pool the paths start in, the last pool, and a summary of the rest
ROUTES = 3


def _route_table(plan: AddressPlan, paths: Paths) -> Shape | None:
    rt = plan.route_table
    if rt is None or profile_of(plan).model.pod_path != CrossNode.udr:
        return None
    drawn = [r for r in rt.routes if r.origin == "aks" and r.node in paths.node][:ROUTES]
    lines = [f"{r.prefix} → {r.next_hop_ip}" for r in drawn]
    rest = len(rt.routes) - len(drawn)
    if rest:
        lines.append(f"… {rest} more routes")
    owner = "yours, AKS adds routes" if rt.byo else ("yours (not given), AKS adds routes" if not rt.given
                                                     else "kept by AKS")
    label = f"route table · {owner} · {len(rt.routes)} of {rt.route_limit}\n" + "\n".join(lines)
    return Shape("rt", label, ShapeKind.routetable, tooltip=rt.name)


def _pod_path(plan: AddressPlan, paths: Paths, has_rt: bool) -> tuple[list[Edge], str, int]:
    """Edges of a pod's packet to another node's pods, the line that explains them, the next step."""
    pair = first_two_nodes(plan, paths)
    cross = profile_of(plan).model.pod_path
    if pair is None:
        return [], "", 1
    a, b = pair
    src, dst = paths.pods[a.name], paths.pods[b.name]
    if cross == CrossNode.udr and has_rt:
        note = (f"{step(1)} a pod sends to a pod on another node   {step(2)} the route table's route for that "
                f"node's /24 forwards it to the node IP {b.ips[0]}")
        return [Edge(src, "vnet.rt", step(1), EdgeKind.pod_path), Edge("vnet.rt", dst, step(2), EdgeKind.pod_path)], \
            note, 3
    how = {
        CrossNode.overlay: "direct: Azure routes the pod CIDR, no route table, no encapsulation",
        CrossNode.vnet: "direct: pod IPs are VNet IPs",
        CrossNode.cni: "as your CNI carries it",
        CrossNode.udr: "through the node's route",
    }[cross]
    return [Edge(src, dst, f"{step(1)} {how.split(':')[0]}", EdgeKind.pod_path)], \
        f"{step(1)} pod to pod across nodes: {how}", 2


def _api(plan: AddressPlan, paths: Paths) -> tuple[Shape, Edge]:
    api = plan.api_server
    if api.private and not api.vnet_integration:
        label, via = "API server · private", "kubelet → private endpoint"
    elif api.vnet_integration:
        label, via = "API server · VNet integration", "kubelet → internal LB"
    else:
        label, via = "API server · public FQDN", "kubelet"
    return Shape("api", label, ShapeKind.api, "api-server"), Edge(paths.pool[plan.pools[0].name], "api", via,
                                                                  EdgeKind.control)


def build(plan: AddressPlan, *, max_nodes: int, layout: str) -> Scene:
    prof = profile_of(plan)
    paths = Paths()
    children = subnets(plan, paths, nodes=min(NODES, max_nodes), pools=POOLS, detail=False, compact=True)
    rt = _route_table(plan, paths)
    if rt is not None:
        children.append(rt)
    vnet = Shape("vnet", vnet_label(plan), ShapeKind.vnet, "vnet", tuple(children))
    edges, path_note, n = _pod_path(plan, paths, rt is not None)

    pool = plan.pools[0]
    out_node = [nd for nd in pool.nodes if nd.name in paths.node][-1]
    shapes, out_edges, egress_note = chain(plan, paths.node[out_node.name], out_node, n)
    # Drawn from the hub, the peering leaves the spoke on the side the API server's edge does not.
    shapes, around = surround(plan, shapes, from_hub=True)
    out_edges += around
    api, api_edge = _api(plan, paths)

    errors = [f for f in plan.findings if f.severity == Severity.error]
    notes = [path_note] if path_note else []
    if errors:
        notes.append("AKS would refuse this: " + "; ".join(f.message for f in errors))
    else:
        notes.append(egress_note)
    title, subtitle = header(plan, prof)
    return Scene(View.overview, plan.model.value, title, subtitle, (vnet, *shapes, api),
                 tuple(edges + out_edges + [api_edge]), tuple(notes[:2]), layout)
