"""The network around the cluster, drawn beside its VNet: the peered hub with the firewall inside
it, the peering, on-premises behind its gateway, the private DNS zone and its links.

Only shapes and edges are made here; the views place them next to what they already draw.
"""

from __future__ import annotations

from ..derive.network import FirewallPlan, NetworkPlan
from ..derive.plan import AddressPlan
from .fit import FONT, Detail, short, wrap
from .parts import full_names, icon_room, nets
from .types import Edge, EdgeKind, Shape, ShapeKind

# Names in the hub, its gateways, the firewall and on-premises are the landing zone's, often as long
# as the cluster's own: each view passes its `Detail`, so they are shortened and wrapped like the
# VNet's, whole in the tooltip.
RICH = Detail()

GATEWAY = {"expressRoute": "ExpressRoute gateway", "vpn": "VPN gateway"}
VIA = {"expressRoute": "ExpressRoute", "vpn": "VPN", "onPremises": "gateway"}


def firewall_ip(plan: AddressPlan) -> str:
    """The firewall's private IP as every view writes it: the route's next hop wins."""
    hop = plan.egress.next_hop_ip
    return str(hop) if hop is not None else "IP not given"


def firewall_label(plan: AddressPlan, fw: FirewallPlan | None, words: Detail = RICH) -> str:
    what = "firewall / NVA" if fw is None else ("Azure Firewall" if fw.kind == "azureFirewall" else "NVA")
    name = f" {short(fw.name, words.name)}" if fw is not None else ""
    public = public_ip(fw)
    return wrap(f"{what}{name} · {firewall_ip(plan)}\nSNAT to {public}", words.line)


def firewall_names(fw: FirewallPlan | None, words: Detail = RICH) -> str | None:
    return full_names(fw.name, limit=words.name) if fw is not None else None


def public_ip(fw: FirewallPlan | None) -> str:
    if fw is not None and fw.public_ips:
        return "public IP " + nets(fw.public_ips)
    if fw is not None and fw.public_ip_name:
        return f"public IP {fw.public_ip_name}"
    return "its public IP"


HUB_LINE = 20  # the least a line of the hub's label takes, however narrow its contents


def firewall_in_hub(plan: AddressPlan) -> bool:
    net = plan.network
    if net is None or net.hub is None:
        return False
    return net.firewall is None or net.firewall.vnet == net.hub.name


def hub_shape(plan: AddressPlan, device: Shape | None, detail: bool = False, words: Detail = RICH) -> Shape | None:
    """The hub VNet; the egress device (id `out`) inside it when the firewall lives there."""
    net = plan.network
    if net is None or net.hub is None:
        return None
    hub = net.hub
    children: list[Shape] = []
    if device is not None:
        children.append(device)
    subnet = next((p for n, p in hub.subnets if n == "GatewaySubnet"), None)
    where = f"\nGatewaySubnet {subnet}" if subnet is not None and detail else ""
    named = [f"{GATEWAY.get(gw.kind, 'gateway')} {short(gw.name, words.name)}" for gw in hub.gateways]
    if _merged(net, words):  # one box, a line per gateway: a narrow page has no room for a row of them
        label = "\n".join(wrap(line, words.line) for line in named) + where
        tooltip = full_names(*(gw.name for gw in hub.gateways), limit=words.name)
        children.append(Shape("gw0", label, ShapeKind.gateway, tooltip=tooltip))
    else:
        for k, gw in enumerate(hub.gateways):
            label = wrap(named[k] + where, words.line)
            children.append(Shape(f"gw{k}", label, ShapeKind.gateway, tooltip=full_names(gw.name, limit=words.name)))
    # Its line wraps where the hub's contents are narrower: centred, a line as wide as the box began
    # under the hub's icon (a generated spoke's "hub VNet" lost its "h").
    room = max(HUB_LINE, icon_room(children, FONT[ShapeKind.hub]))
    label = wrap(f"hub VNet {short(hub.name, words.name)} · {nets(hub.prefixes)}", min(words.line, room))
    tooltip = full_names(hub.name, limit=words.name)
    if words.terse and hub.peering:  # the peering line is not named then (`peering_edge`): its name is here
        tooltip = "\n".join(t for t in (tooltip, f"peering {hub.peering}") if t)
    return Shape("hub", label, ShapeKind.hub, "vnet", tuple(children), tooltip=tooltip)


def peering_edge(plan: AddressPlan, from_hub: bool = False, words: Detail = RICH) -> Edge | None:
    net = plan.network
    if net is None or net.hub is None:
        return None
    hub = net.hub
    state = f"\n{hub.peering_state}" if hub.peering_state else ""
    # Terse, the line says what it is and its state: its label stands in the gap between the two
    # VNets, which elk makes as wide as the label; the name is in the hub's tooltip.
    name = f" {short(hub.peering, words.name)}" if hub.peering and not words.terse else ""
    ends = ("hub", "vnet") if from_hub else ("vnet", "hub")
    return Edge(*ends, wrap(f"peering{name}{state}", words.line), EdgeKind.peering)


def on_premises(plan: AddressPlan, words: Detail = RICH) -> tuple[list[Shape], list[Edge]]:
    """On-premises networks, each with its ranges, joined to the hub's gateway that reaches them."""
    net = plan.network
    if net is None:
        return [], []
    shapes, edges = [], []
    merged = _merged(net, words)
    if merged and len(net.on_premises) > 1:
        # The gateways share one box: so do the networks behind them, each with how it is reached.
        lines = [
            wrap(f"{short(r.name, words.name)} · {nets(r.prefixes)} · {VIA.get(r.kind, 'gateway')}", words.line)
            for r in net.on_premises
        ]
        tooltip = full_names(*(r.name for r in net.on_premises), limit=words.name)
        shapes.append(Shape("onprem0", "on-premises\n" + "\n".join(lines), ShapeKind.onprem, tooltip=tooltip))
        return shapes, [Edge("hub.gw0", "onprem0", "", EdgeKind.peering)]
    # In the order of the gateways that reach them, so that the links run side by side.
    ordered = sorted(net.on_premises[:2], key=lambda r: _gateway_index(net, r.gateway, r.kind))
    for k, remote in enumerate(ordered):
        sid = f"onprem{k}"
        via = f"\nvia {short(remote.gateway, words.name)}" if remote.gateway else ""
        label = wrap(f"on-premises {short(remote.name, words.name)}\n{nets(remote.prefixes)}{via}", words.line)
        tooltip = full_names(remote.name, remote.gateway, limit=words.name)
        shapes.append(Shape(sid, label, ShapeKind.onprem, tooltip=tooltip))
        target = _gateway_path(net, remote.gateway, remote.kind, merged)
        if target is not None:
            edges.append(Edge(target, sid, "", EdgeKind.peering))
    rest = net.on_premises[2:]
    if rest:  # named and counted, their ranges in the plan: a third box would widen every view
        names = ", ".join(short(r.name, words.name) for r in rest)
        label = wrap(f"… {len(rest)} more on-premises network{'s' if len(rest) > 1 else ''}: {names}", words.line)
        shapes.append(Shape("onpremmore", label, ShapeKind.more, tooltip="\n".join(r.name for r in rest)))
    return shapes, edges


def _merged(net: NetworkPlan, words: Detail) -> bool:
    return net.hub is not None and len(net.hub.gateways) > max(words.gateways, 1)


def _gateway_index(net: NetworkPlan, name: str | None, kind: str) -> int:
    """The hub's gateway that reaches an on-premises network (by name, else by kind), or -1."""
    gateways = net.hub.gateways if net.hub is not None else ()
    for k, gw in enumerate(gateways):
        if gw.name == name or (name is None and (gw.kind == kind or len(gateways) == 1)):
            return k
    return -1


def _gateway_path(net: NetworkPlan, name: str | None, kind: str, merged: bool = False) -> str | None:
    """Where that network's link starts: its gateway's box (the one box when they share it), else the hub."""
    if net.hub is None:
        return None
    k = _gateway_index(net, name, kind)
    return "hub" if k < 0 else f"hub.gw{0 if merged else k}"


def zone_name(zone: str) -> str:
    """A private DNS zone by name: the last part of its resource ID, or the text as given."""
    if "/privatednszones/" in zone.lower() and zone.rstrip("/").rsplit("/", 1)[-1]:
        return zone.rstrip("/").rsplit("/", 1)[-1]
    return zone


def dns_zone(plan: AddressPlan, words: Detail = RICH) -> tuple[Shape | None, list[Edge], tuple[str, ...]]:
    """The API server's private DNS zone, its links to the VNets drawn, and every VNet it is linked to."""
    api = plan.api_server
    if not api.private or api.private_dns_zone == "none":
        return None, [], ()
    net = plan.network
    zone_id = api.private_dns_zone or "system"
    zones = {z.name.lower(): z for z in (net.dns_zones if net else ())}
    named = zone_name(zone_id)
    zone = zones.get(named.lower())
    if zone_id == "system":
        label = "private DNS zone · managed by AKS\nin the node resource group"
        links: tuple[str, ...] = (plan.vnet_name,)
    else:
        label = f"private DNS zone\n{short(named, words.name)}"
        links = zone.links if zone is not None else ()
    hub = net.hub.name if net and net.hub else None
    edges = []
    for vnet in links:
        target = "vnet" if vnet == plan.vnet_name else ("hub" if vnet == hub else None)
        if target is not None:
            edges.append(Edge("dnszone", target, "link", EdgeKind.assoc))
    if not links:
        label += "\nno VNet link given: the nodes cannot resolve it"
    return Shape("dnszone", label, ShapeKind.dnszone, "dns"), edges, links


def surround(
    plan: AddressPlan, shapes: list[Shape], detail: bool = False, from_hub: bool = False, words: Detail = RICH
) -> tuple[list[Shape], list[Edge]]:
    """The egress chain's shapes with the hub around the firewall, and on-premises beside the hub;
    the edges that join them (peering, gateway links). Without a hub the shapes stay as they are."""
    inside = (
        next((s for s in shapes if s.id == "out"), None)
        if plan.egress.device == "firewall" and firewall_in_hub(plan)
        else None
    )
    hub = hub_shape(plan, inside, detail, words)
    if hub is None:
        return shapes, []
    onprem, onprem_edges = on_premises(plan, words)
    peering = peering_edge(plan, from_hub, words)
    rest = [s for s in shapes if s is not inside]
    return [hub, *rest, *onprem], ([peering] if peering else []) + onprem_edges
