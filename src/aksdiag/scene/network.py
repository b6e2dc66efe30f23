"""The network around the cluster, drawn beside its VNet: the peered hub with the firewall inside
it, the peering, on-premises behind its gateway, the private DNS zone and its links.

Only shapes and edges are made here; the views place them next to what they already draw.
"""

from __future__ import annotations

from ..derive.network import FirewallPlan, NetworkPlan
from ..derive.plan import AddressPlan
from .parts import nets
from .types import Edge, EdgeKind, Shape, ShapeKind

GATEWAY = {"expressRoute": "ExpressRoute gateway", "vpn": "VPN gateway"}
VIA = {"expressRoute": "ExpressRoute", "vpn": "VPN", "onPremises": "gateway"}


def firewall_ip(plan: AddressPlan) -> str:
    """The firewall's private IP as every view writes it: the route's next hop wins."""
    hop = plan.egress.next_hop_ip
    return str(hop) if hop is not None else "IP not given"


def firewall_label(plan: AddressPlan, fw: FirewallPlan | None) -> str:
    what = "firewall / NVA" if fw is None else ("Azure Firewall" if fw.kind == "azureFirewall" else "NVA")
    name = f" {fw.name}" if fw is not None else ""
    public = public_ip(fw)
    return f"{what}{name} · {firewall_ip(plan)}\nSNAT to {public}"


def public_ip(fw: FirewallPlan | None) -> str:
    if fw is not None and fw.public_ips:
        return "public IP " + nets(fw.public_ips)
    if fw is not None and fw.public_ip_name:
        return f"public IP {fw.public_ip_name}"
    return "its public IP"


def firewall_in_hub(plan: AddressPlan) -> bool:
    net = plan.network
    if net is None or net.hub is None:
        return False
    return net.firewall is None or net.firewall.vnet == net.hub.name


def hub_shape(plan: AddressPlan, device: Shape | None, detail: bool = False) -> Shape | None:
    """The hub VNet; the egress device (id `out`) inside it when the firewall lives there."""
    net = plan.network
    if net is None or net.hub is None:
        return None
    hub = net.hub
    children: list[Shape] = []
    if device is not None:
        children.append(device)
    for k, gw in enumerate(hub.gateways):
        subnet = next((p for n, p in hub.subnets if n == "GatewaySubnet"), None)
        where = f"\nGatewaySubnet {subnet}" if subnet is not None and detail else ""
        children.append(Shape(f"gw{k}", f"{GATEWAY.get(gw.kind, 'gateway')} {gw.name}{where}", ShapeKind.gateway))
    label = f"hub VNet {hub.name} · {nets(hub.prefixes)}"
    return Shape("hub", label, ShapeKind.hub, "vnet", tuple(children))


def peering_edge(plan: AddressPlan, from_hub: bool = False) -> Edge | None:
    net = plan.network
    if net is None or net.hub is None:
        return None
    hub = net.hub
    state = f"\n{hub.peering_state}" if hub.peering_state else ""
    name = f" {hub.peering}" if hub.peering else ""
    ends = ("hub", "vnet") if from_hub else ("vnet", "hub")
    return Edge(*ends, f"peering{name}{state}", EdgeKind.peering)


def on_premises(plan: AddressPlan) -> tuple[list[Shape], list[Edge]]:
    """On-premises networks, each with its ranges, joined to the hub's gateway that reaches them."""
    net = plan.network
    if net is None:
        return [], []
    shapes, edges = [], []
    for k, remote in enumerate(net.on_premises[:2]):
        sid = f"onprem{k}"
        via = f"\nvia {remote.gateway}" if remote.gateway else ""
        shapes.append(Shape(sid, f"on-premises {remote.name}\n{nets(remote.prefixes)}{via}", ShapeKind.onprem))
        target = _gateway_path(net, remote.gateway, remote.kind)
        if target is not None:
            edges.append(Edge(target, sid, "", EdgeKind.peering))
    return shapes, edges


def _gateway_path(net: NetworkPlan, name: str | None, kind: str) -> str | None:
    if net.hub is None:
        return None
    for k, gw in enumerate(net.hub.gateways):
        if gw.name == name or (name is None and (gw.kind == kind or len(net.hub.gateways) == 1)):
            return f"hub.gw{k}"
    return "hub"


def zone_name(zone: str) -> str:
    """A private DNS zone by name: the last part of its resource ID, or the text as given."""
    if "/privatednszones/" in zone.lower() and zone.rstrip("/").rsplit("/", 1)[-1]:
        return zone.rstrip("/").rsplit("/", 1)[-1]
    return zone


def dns_zone(plan: AddressPlan) -> tuple[Shape | None, list[Edge], tuple[str, ...]]:
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
        label = f"private DNS zone\n{named}"
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
    plan: AddressPlan, shapes: list[Shape], detail: bool = False, from_hub: bool = False
) -> tuple[list[Shape], list[Edge]]:
    """The egress chain's shapes with the hub around the firewall, and on-premises beside the hub;
    the edges that join them (peering, gateway links). Without a hub the shapes stay as they are."""
    inside = (
        next((s for s in shapes if s.id == "out"), None)
        if plan.egress.device == "firewall" and firewall_in_hub(plan)
        else None
    )
    hub = hub_shape(plan, inside, detail)
    if hub is None:
        return shapes, []
    onprem, onprem_edges = on_premises(plan)
    peering = peering_edge(plan, from_hub)
    rest = [s for s in shapes if s is not inside]
    return [hub, *rest, *onprem], ([peering] if peering else []) + onprem_edges
