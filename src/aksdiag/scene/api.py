"""How nodes reach the API server: public FQDN, private endpoint, or VNet integration."""

from __future__ import annotations

from dataclasses import replace

from ..derive.plan import AddressPlan
from ..derive.profiles import profile_of
from .fit import Detail, note_width, short, wrap
from .network import dns_zone, hub_shape, zone_name
from .parts import full_names, header, nets, node_shape, vnet_label, vnet_tooltip
from .types import Edge, EdgeKind, Scene, Shape, ShapeKind, View


def _api_label(plan: AddressPlan, detail: Detail) -> tuple[str, str]:
    """The API server's label; a private DNS zone given as a resource ID is named by its name
    (the ID is the shape's tooltip and in `aksdiag plan`)."""
    api = plan.api_server
    if api.private:
        zone = api.private_dns_zone or "system"
        # A zone is drawn beside the API server with its links (scene.network.dns_zone); its name
        # is the last part of the resource ID.
        zone_text = (
            "private DNS zone managed by AKS"
            if zone == "system"
            else (
                "no private DNS zone (you resolve it)"
                if zone == "none"
                else f"private DNS zone {short(zone_name(zone), detail.name)}"
            )
        )
        fqdn = "\npublic FQDN too" if api.public_fqdn else ""
        how = "VNet integration" if api.vnet_integration else "private endpoint"
        shown = "" if zone != "none" else f"\n{zone_text}"
        return f"API server · private ({how}){shown}{fqdn}", zone_text
    if api.vnet_integration:
        return "API server · VNet integration\npublic FQDN too", "public DNS"
    ranges = (
        wrap(f"\nauthorized IP ranges {nets(api.authorized_ranges)}", detail.line, ", ")
        if api.authorized_ranges
        else ""
    )
    return f"API server · public FQDN\nAKS control plane, outside your VNet{ranges}", "public DNS"


# One signature for every view: the registry passes `exact` by keyword; this view has no use for it.
def build(plan: AddressPlan, *, detail: Detail, exact: bool = False, layout: str) -> Scene:  # noqa: ARG001
    prof = profile_of(plan)
    api = plan.api_server
    pool = plan.pools[0]
    nodes = tuple(node_shape(plan, pool, n, k, pods=False) for k, n in enumerate(pool.nodes[: min(2, detail.nodes)]))
    node_subnet = next(s for s in plan.subnets if s.name == pool.node_subnet)
    pool_shape = Shape("pool", f"pool {pool.name}", ShapeKind.pool, None, nodes)
    sub_children = [pool_shape]
    children = []
    edges = []
    if api.private and not api.vnet_integration:
        sub_children.append(Shape("pe", "private endpoint\nof the API server", ShapeKind.endpoint, "private-endpoint"))
        edges += [
            Edge("vnet.sn.pool", "vnet.sn.pe", "① kubelet", EdgeKind.control),
            Edge("vnet.sn.pe", "api", "② Private Link", EdgeKind.control),
        ]
        note = "① kubelet resolves the API server's name to the private endpoint's IP   ② Private Link carries it"
    elif api.vnet_integration and api.subnet:
        api_subnet = next(s for s in plan.subnets if s.name == api.subnet)
        children.append(
            Shape(
                "asn",
                f"API server subnet {short(api_subnet.name, detail.name)} · {api_subnet.prefix}\ndelegated to AKS",
                ShapeKind.subnet,
                None,
                (Shape("ilb", "internal load balancer\nof the API server", ShapeKind.endpoint, "lb"),),
                tooltip=full_names(api_subnet.name, limit=detail.name),
            )
        )
        edges += [
            Edge("vnet.sn.pool", "vnet.asn.ilb", "① kubelet", EdgeKind.control),
            Edge("vnet.asn.ilb", "api", "②", EdgeKind.control),
        ]
        note = "① kubelet reaches the API server through an internal load balancer in the delegated subnet   ② no hop leaves the VNet"
    else:
        edges.append(Edge("vnet.sn.pool", "api", "① kubelet → public FQDN", EdgeKind.control))
        note = "① kubelet reaches the API server on its public FQDN, through the cluster's outbound path"
    sub = Shape(
        "sn",
        wrap(f"node subnet {short(node_subnet.name, detail.name)} · {node_subnet.prefix}", detail.line),
        ShapeKind.subnet,
        None,
        tuple(sub_children),
        tooltip=full_names(node_subnet.name, limit=detail.name),
    )
    vlabel = vnet_label(plan, detail, inside=(sub, *children))
    vnet = Shape("vnet", vlabel, ShapeKind.vnet, "vnet", (sub, *children), tooltip=vnet_tooltip(plan, vlabel))
    label, _ = _api_label(plan, detail)
    title, subtitle = header(plan, prof, "API server", detail)
    zone, links, linked = dns_zone(plan, detail)
    extra: list[Shape] = []
    if zone is not None and detail.focus:
        # One topic: the way to the API server drawn; the zone that names it said in the notes.
        named = (
            "managed by AKS"
            if (api.private_dns_zone or "system") == "system"
            else short(zone_name(api.private_dns_zone or ""), detail.name)
        )
        note += f"\nthe private DNS zone ({named}) resolves the API server's name; linked to {', '.join(linked) or 'no VNet'}"
    elif zone is not None:
        # The zone is named by its name; a resource ID given for it is the tooltip (and in the plan).
        given = api.private_dns_zone if api.private_dns_zone not in (None, "system", "none") else None
        extra.append(replace(zone, tooltip=given))
        edges += links
        hub = hub_shape(plan, None, words=detail)
        if hub is not None and any(e.dst == "hub" for e in links):
            extra.append(Shape(hub.id, hub.label, hub.kind, hub.icon))  # the hub's name and range, nothing inside
        note += (
            f"\nthe private DNS zone resolves the API server's name; it is linked to {', '.join(linked) or 'no VNet'}"
        )
    if detail.terse:  # the numbers on the edges, the words in the notes
        edges = [Edge(e.src, e.dst, e.label[:1] if e.label[:1] in "①②③④⑤" else "", e.kind) for e in edges]
    return Scene(
        View.api,
        plan.model.value,
        title,
        subtitle,
        (vnet, Shape("api", label, ShapeKind.api, "api-server"), *extra),
        tuple(edges),
        tuple(wrap(n, note_width(detail), "   ") for n in note.split("\n")),
        layout,
        "down" if detail.portrait or detail.stack else "right",
    )
