"""The address plan on one slide: subnets, nodes with their pod blocks, every route, the
service range. No edges, so its containers may be grids."""

from __future__ import annotations

import math

from ..derive.plan import AddressPlan, RoutePlan
from ..derive.profiles import PodSource, profile_of
from .fit import FONT, Detail, note_width, short, wrap
from .parts import Paths, full_names, header, icon_room, nets, subnets, vnet_label, vnet_tooltip
from .types import Mark, Scene, Shape, ShapeKind, View


def _spans(routes: list[RoutePlan], detail: Detail) -> str:
    """First – last prefix of the routes, per IP family: a dual-stack table interleaves a node's
    IPv4 and IPv6 routes, and one span of the whole list would name IPv6 prefixes only."""
    families: dict[int, list[RoutePlan]] = {}
    for route in routes:
        families.setdefault(route.prefix.version, []).append(route)
    spans = [
        f"{run[0].prefix} – {run[-1].prefix}" if len(run) > 1 else str(run[0].prefix)
        for _, run in sorted(families.items())
    ]
    return wrap(" · ".join(spans), detail.line)


def _routes(plan: AddressPlan, limit: int, detail: Detail, beside: bool = False) -> Shape | None:
    rt = plan.route_table
    if rt is None:
        return None
    aks = [r for r in rt.routes if r.origin == "aks"]
    user = [r for r in rt.routes if r.origin == "user"]
    user, user_hidden = user[:limit], user[limit:]
    drawn = aks if len(aks) <= limit else aks[: max(limit - 1, 1)]
    rows = []
    for k, route in enumerate(drawn + user):
        # The next hop as `az network route-table show` prints it: its type, then its IP if it has one.
        hop = f"{route.next_hop_type} {route.next_hop_ip}" if route.next_hop_ip else route.next_hop_type
        who = "" if route.origin == "aks" else " · yours"
        label = f"{route.prefix} → {hop}{who}"
        marks: tuple[Mark, ...] = ()
        if route.drift:
            label += "\n" + wrap(f"DRIFT: {route.drift}", detail.line)
            marks = (Mark.drift,)
        rows.append(Shape(f"r{k}", label, ShapeKind.route, None, (), marks, tooltip=route.name))
    if len(drawn) < len(aks):
        hidden = aks[len(drawn) :]
        rows.append(Shape("rmore", f"… {len(hidden)} more node routes\n" + _spans(hidden, detail), ShapeKind.more))
    if user_hidden:
        rows.append(Shape("umore", f"… {len(user_hidden)} more of your routes", ShapeKind.more))
    if not rt.given:
        # userDefinedRouting: the route table is always yours; AKS creates none for it.
        owner = "; AKS adds its routes" if rt.aks_routes else ""
    elif rt.byo:
        owner = "yours; AKS adds its routes" if rt.aks_routes else "yours; AKS adds no routes"
    else:
        owner = "created and kept by AKS"
    head = f"your route table (not given){owner}" if not rt.given else f"route table · {owner}"
    on = ", ".join(short(s, detail.name) for s in rt.subnets[:2]) + (
        f" + {len(rt.subnets) - 2}" if len(rt.subnets) > 2 else ""
    )
    label = wrap(f"{head}\non subnet {on} · {len(rt.routes)} of {rt.route_limit} routes", detail.line)
    # Under the nodes the table is as wide as their subnet: more than three routes take two columns.
    # Beside them it is a column of its own.
    return grid(
        Shape("rt", label, ShapeKind.routetable, "route-table", tuple(rows), tooltip=rt.name),
        2 if len(rows) > 3 and not detail.portrait and not beside else 1,
    )


def _pod_space(plan: AddressPlan, detail: Detail) -> Shape | None:
    pods = plan.pods
    source = profile_of(plan).model.pod_source
    if source == PodSource.overlay:
        per = " + ".join(f"/{p}" for p in pods.block_prefixlen)
        return Shape(
            "podcidr",
            wrap(f"pod CIDR {nets(pods.cidrs)}", detail.line // 2, ", ")
            + f"\n{per} per node\nnot routable in the VNet",
            ShapeKind.pods_overlay,
        )
    if source == PodSource.cni:
        cidr = f"\npod CIDR {nets(pods.cidrs)}" if pods.cidrs else ""
        return Shape(
            "podcidr",
            wrap(
                f"pod network: {pods.cni} (you install and run it){cidr}\n"
                "AKS installs no CNI: pod IPs, routing and policy are the CNI's",
                detail.line // 2,
            ),
            ShapeKind.pods_cni,
        )
    return None


SERVICE_LINE = 28  # the least a line of it takes: "service CIDR" and an IPv4 prefix, as before


def _services(plan: AddressPlan, detail: Detail) -> Shape:
    # kubernetes.default is single-stack (the first family), even on dual-stack clusters.
    first = plan.kubernetes_service_ip or plan.service_cidrs[0].network_address + 1
    who = "by Cilium eBPF (no kube-proxy)" if plan.service_proxy == "cilium" else "by kube-proxy"
    if detail.terse:  # one box: the two addresses as lines of its label
        cidr = wrap(f"service CIDR {nets(plan.service_cidrs)}", detail.line // 2, ", ")
        return Shape(
            "svc",
            f"{cidr}\nkube-dns {plan.dns_service_ip} · kubernetes {first}\nvirtual, {who}",
            ShapeKind.services,
            "service",
        )
    inside = (
        Shape("dns", f"kube-dns {plan.dns_service_ip}", ShapeKind.svcip),
        Shape("kapi", f"kubernetes {first}", ShapeKind.svcip),
    )
    # Its label is wider than the two addresses it holds: wrapped clear of its icon (dual-stack's
    # two CIDRs on one line began under it).
    width = min(detail.line // 2, max(SERVICE_LINE, icon_room(inside, FONT[ShapeKind.services])))
    cidr = wrap(f"service CIDR {nets(plan.service_cidrs)}", width, ", ")
    return Shape(
        "svc", f"{cidr}\nvirtual, answered on each node\n{who}", ShapeKind.services, "service", inside, columns=1
    )


def build(plan: AddressPlan, *, detail: Detail, exact: bool = False, layout: str) -> Scene:
    prof = profile_of(plan)
    paths = Paths()
    # Nodes first..last per pool, the rest of the cluster in the summaries' first..last ranges;
    # in rows (row-major: node 0, node 1 side by side), as many side by side as the fit holds.
    lines: list[str] = []
    children = subnets(plan, paths, detail, nodes=detail.nodes, full=True, exact=exact, lines=lines)
    children = [
        Shape(
            s.id, s.label, s.kind, s.icon, tuple(_pool_grid(c, detail.per_row) for c in s.children), s.marks, s.tooltip
        )
        for s in children
    ]
    children = [grid(s, _columns(s, detail)) if s.children else s for s in children]
    # With the side boxes gone (focus), the route table may take their place beside the nodes.
    beside = len(children) == 1 and detail.focus and not detail.stack and not detail.portrait
    rt = _routes(plan, detail.rows * (2 if plan.dual_stack else 1), detail, beside)
    if rt is not None:
        children.append(rt)
    # The route table goes under the nodes it routes to: beside them, with the side boxes, the
    # drawing was wider than a slide holds at 14 px.
    columns = 1 if detail.portrait or (rt is not None and len(children) == 2 and not beside) else 2
    # The VNet's label keeps clear of its icon within the grid's width, not a single child's.
    cells = grid(Shape("vnet", "", ShapeKind.vnet, None, tuple(children)), columns)
    label = vnet_label(plan, detail, lines, (cells,))
    vnet = grid(
        Shape(
            "vnet",
            label,
            ShapeKind.vnet,
            "vnet",
            tuple(children),
            tooltip=vnet_tooltip(plan, label),
        ),
        columns,
    )
    nsg = Shape(
        "nsg",
        wrap(f"NSG {short(plan.nsg_name, detail.name)}\non the node NICs", detail.line),
        ShapeKind.nsg,
        "nsg",
        tooltip=full_names(plan.nsg_name, limit=detail.name),
    )
    if detail.terse:  # the NSG a line of the services' box: one box fewer down the side
        svc = _services(plan, detail)
        side_shapes = tuple(
            s
            for s in (
                _pod_space(plan, detail),
                Shape(
                    svc.id, f"{svc.label}\n{nsg.label.replace(chr(10), ' ')}", svc.kind, svc.icon, tooltip=nsg.tooltip
                ),
            )
            if s is not None
        )
    else:
        side_shapes = tuple(s for s in (_pod_space(plan, detail), _services(plan, detail), nsg) if s is not None)
    # A VNet of one or two subnets and no route table is one wide row: the side boxes go under it;
    # a docs column has them under the VNet always, two side by side at most.
    below = detail.portrait or detail.stack or (rt is None and len(plan.subnets) <= 2 and len(plan.pools) <= 2)
    side = grid(
        Shape("side", "", ShapeKind.frame, None, side_shapes),
        (2 if detail.portrait else len(side_shapes)) if below else 1,
    )
    body = grid(Shape("body", "", ShapeKind.frame, None, (vnet, side)), 1 if below else 2)
    title, subtitle = header(plan, prof, "addresses", detail)
    notes = [f"node IPs from .4 of the subnet; DNS service IP {plan.dns_service_ip}"]
    if detail.focus:
        # One topic: the VNet's addresses drawn, the ranges outside it said in a line under them.
        body = vnet
        outside = [
            f"pod CIDR {nets(plan.pods.cidrs)}" if _pod_space(plan, detail) is not None and plan.pods.cidrs else "",
            f"services {nets(plan.service_cidrs)}",
            f"kubernetes {plan.kubernetes_service_ip or plan.service_cidrs[0].network_address + 1}",
            f"NSG {short(plan.nsg_name, detail.name)} on the node NICs",
        ]
        notes.insert(0, " · ".join(p for p in outside if p))
    if plan.docker_bridge is not None:
        notes[0] += f"; docker bridge {plan.docker_bridge} on each node"
    if plan.dual_stack:
        notes.append("dual-stack: every node and pod has an IPv4 and an IPv6 address; NAT stays within the family")
    return Scene(
        View.addresses,
        plan.model.value,
        title,
        subtitle,
        (body,),
        (),
        tuple(wrap(n, note_width(detail), "; ") for n in notes),
        layout,
    )


def grid(shape: Shape, columns: int) -> Shape:
    """The shape's children in rows of `columns`, read row by row (rows are given too: with
    columns alone d2 fills a grid column by column)."""
    n = len(shape.children)
    columns = max(1, min(columns, n))
    return Shape(
        shape.id,
        shape.label,
        shape.kind,
        shape.icon,
        shape.children,
        shape.marks,
        shape.tooltip,
        columns=columns,
        rows=math.ceil(n / columns) if n else None,
    )


def _columns(subnet: Shape, detail: Detail) -> int:
    """Nodes (a flat subnet) in rows of the fit's width; pools in two columns when there are several."""
    if any(c.kind == ShapeKind.node for c in subnet.children):
        return detail.per_row
    return 1 if detail.portrait or len(subnet.children) <= 2 else 2


def _pool_grid(pool: Shape, per_row: int) -> Shape:
    if pool.kind != ShapeKind.pool:
        return pool
    return grid(pool, per_row)
