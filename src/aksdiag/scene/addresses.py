"""The address plan on one slide: subnets, nodes with their pod blocks, every route, the
service range. No edges, so its containers may be grids."""

from __future__ import annotations

from ..derive.plan import AddressPlan
from ..derive.profiles import PodSource, profile_of
from .parts import Paths, header, nets, subnets, vnet_label
from .types import Mark, Scene, Shape, ShapeKind, View

POOLS = 3  # two pools and a summary of the rest, in a grid when they share a subnet


def _routes(plan: AddressPlan, limit: int) -> Shape | None:
    rt = plan.route_table
    if rt is None:
        return None
    aks = [r for r in rt.routes if r.origin == "aks"]
    user = [r for r in rt.routes if r.origin == "user"]
    drawn = aks if len(aks) <= limit else aks[: limit - 1]
    rows = []
    for k, route in enumerate(drawn + user):
        # The next hop as `az network route-table show` prints it: its type, then its IP if it has one.
        hop = f"{route.next_hop_type} {route.next_hop_ip}" if route.next_hop_ip else route.next_hop_type
        who = "" if route.origin == "aks" else " · yours"
        label = f"{route.prefix} → {hop}{who}"
        marks: tuple[Mark, ...] = ()
        if route.drift:
            label += f"\nDRIFT: {route.drift}"
            marks = (Mark.drift,)
        rows.append(Shape(f"r{k}", label, ShapeKind.route, None, (), marks, tooltip=route.name))
    if len(drawn) < len(aks):
        hidden = aks[len(drawn):]
        rows.append(Shape("rmore", f"… {len(hidden)} more node routes\n{hidden[0].prefix} – {hidden[-1].prefix}",
                          ShapeKind.more))
    if not rt.given:
        # userDefinedRouting: the route table is always yours; AKS creates none for it.
        owner = "; AKS adds its routes" if rt.aks_routes else ""
    elif rt.byo:
        owner = "yours; AKS adds its routes" if rt.aks_routes else "yours; AKS adds no routes"
    else:
        owner = "created and kept by AKS"
    head = f"your route table (not given){owner}" if not rt.given else f"route table · {owner}"
    label = f"{head}\non subnet {', '.join(rt.subnets)} · {len(rt.routes)} of {rt.route_limit} routes"
    # Under the nodes the table is as wide as their subnet: more than three routes take two columns.
    return Shape("rt", label, ShapeKind.routetable, "route-table", tuple(rows), tooltip=rt.name,
                 columns=2 if len(rows) > 3 else 1)


def _pod_space(plan: AddressPlan) -> Shape | None:
    pods = plan.pods
    source = profile_of(plan).model.pod_source
    if source == PodSource.overlay:
        per = " + ".join(f"/{p}" for p in pods.block_prefixlen)
        return Shape("podcidr", f"pod CIDR {nets(pods.cidrs)}\n{per} per node\nnot routable in the VNet",
                     ShapeKind.pods_overlay)
    if source == PodSource.cni:
        cidr = f"\npod CIDR {nets(pods.cidrs)}" if pods.cidrs else ""
        return Shape("podcidr", f"pod network: {pods.cni} (you install and run it){cidr}\n"
                                "AKS installs no CNI: pod IPs, routing and policy are the CNI's", ShapeKind.pods_cni)
    return None


def _services(plan: AddressPlan) -> Shape:
    # kubernetes.default is single-stack (the first family), even on dual-stack clusters.
    first = plan.kubernetes_service_ip or plan.service_cidrs[0].network_address + 1
    who = "by Cilium eBPF (no kube-proxy)" if plan.service_proxy == "cilium" else "by kube-proxy"
    return Shape("svc", f"service CIDR {nets(plan.service_cidrs)}\nvirtual, answered on each node\n{who}",
                 ShapeKind.services,
                 "service", (Shape("dns", f"kube-dns {plan.dns_service_ip}", ShapeKind.svcip),
                             Shape("kapi", f"kubernetes {first}", ShapeKind.svcip)), columns=1)


def build(plan: AddressPlan, *, max_nodes: int, layout: str) -> Scene:
    prof = profile_of(plan)
    paths = Paths()
    # Several pools share the slide: fewer nodes each (first, a summary, last); the rest of the
    # cluster is in the summaries' first..last ranges.
    nodes = max_nodes if len(plan.pools) <= 2 else min(max_nodes, 3)
    children = subnets(plan, paths, nodes=nodes, pools=POOLS, detail=True)
    per_row = 2 if len(plan.pools) > 2 else 3
    children = [Shape(s.id, s.label, s.kind, s.icon, tuple(_grid(c, per_row) for c in s.children), s.marks,
                      s.tooltip, columns=_columns(s)) for s in children]
    rt = _routes(plan, max(2 * max_nodes, 4))
    if rt is not None:
        children.append(rt)
    # The route table goes under the nodes it routes to: beside them, with the side boxes, the
    # drawing was wider than a slide holds at 14 px.
    vnet = Shape("vnet", vnet_label(plan), ShapeKind.vnet, "vnet", tuple(children),
                 columns=1 if rt is not None and len(children) == 2 else 2)
    nsg = Shape("nsg", f"NSG {plan.nsg_name}\non the node NICs", ShapeKind.nsg, "nsg")
    side_shapes = tuple(s for s in (_pod_space(plan), _services(plan), nsg) if s is not None)
    # A VNet of one or two subnets and no route table is one wide row: the side boxes go under it.
    below = rt is None and len(plan.subnets) <= 2 and len(plan.pools) <= 2
    side = Shape("side", "", ShapeKind.frame, None, side_shapes, columns=len(side_shapes) if below else 1)
    body = Shape("body", "", ShapeKind.frame, None, (vnet, side), columns=1 if below else 2)
    title, subtitle = header(plan, prof, "addresses")
    notes = [f"node IPs from .4 of the subnet; DNS service IP {plan.dns_service_ip}"]
    if plan.docker_bridge is not None:
        notes[0] += f"; docker bridge {plan.docker_bridge} on each node"
    if plan.dual_stack:
        notes.append("dual-stack: every node and pod has an IPv4 and an IPv6 address; NAT stays within the family")
    return Scene(View.addresses, plan.model.value, title, subtitle, (body,), (), tuple(notes), layout)


def _columns(subnet: Shape) -> int:
    """Nodes (a flat subnet) in rows of three; pools in two columns when there are several."""
    if any(c.kind == ShapeKind.node for c in subnet.children):
        return min(len(subnet.children), 3)
    return 2 if len(subnet.children) > 2 else 1


def _grid(pool: Shape, per_row: int) -> Shape:
    if pool.kind != ShapeKind.pool:
        return pool
    return Shape(pool.id, pool.label, pool.kind, pool.icon, pool.children, pool.marks, pool.tooltip,
                 columns=min(len(pool.children), per_row))
