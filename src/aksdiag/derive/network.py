"""The cluster in its network: the hub VNet and its firewall, on-premises ranges, private DNS zones,
and the checks that span them (the egress next hop, ranges the cluster would capture).

Facts only, like `plan`: the scene picks the words. Pure: no IO.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..model import IPAddress, IPNetwork
from .plan import Finding, RouteTablePlan
from .profiles import PROFILES
from .resolve import Resolved

ON_PREMISES = ("onPremises", "expressRoute", "vpn")


@dataclass(frozen=True)
class FirewallPlan:
    name: str
    kind: str  # "azureFirewall" or "nva"
    private_ip: IPAddress | None
    public_ips: tuple[IPAddress, ...]
    public_ip_name: str | None  # the public IP resource, when its address is not known
    vnet: str  # the VNet that holds it: the hub's or the cluster's own


@dataclass(frozen=True)
class GatewayPlan:
    name: str
    kind: str  # "expressRoute" or "vpn"


@dataclass(frozen=True)
class HubPlan:
    name: str
    prefixes: tuple[IPNetwork, ...]
    subnets: tuple[tuple[str, IPNetwork], ...]
    gateways: tuple[GatewayPlan, ...]
    peering: str | None  # the spoke's peering to the hub, by name
    peering_state: str | None  # Connected, Initiated, Disconnected
    use_remote_gateways: bool | None


@dataclass(frozen=True)
class RemotePlan:
    """A network reached through the hub or a peering: on-premises behind a gateway, or another VNet."""

    name: str
    kind: str  # a ConnectedKind value
    prefixes: tuple[IPNetwork, ...]
    gateway: str | None


@dataclass(frozen=True)
class DnsZonePlan:
    name: str
    links: tuple[str, ...]  # VNet names the zone is linked to


@dataclass(frozen=True)
class DefaultRoute:
    """The 0.0.0.0/0 route of the node subnet's route table, as Azure holds it."""

    name: str
    next_hop_type: str
    next_hop_ip: IPAddress | None
    given: bool  # in the route table you gave; False: drawn from egressNextHopIP, the table not given


@dataclass(frozen=True)
class NetworkPlan:
    hub: HubPlan | None
    firewall: FirewallPlan | None
    remotes: tuple[RemotePlan, ...]  # on-premises first, then other peered networks
    dns_zones: tuple[DnsZonePlan, ...]
    default_route: DefaultRoute | None

    @property
    def on_premises(self) -> tuple[RemotePlan, ...]:
        return tuple(r for r in self.remotes if r.kind in ON_PREMISES)


def network_plan(r: Resolved, route_table: RouteTablePlan | None) -> NetworkPlan | None:
    """What surrounds the cluster's VNet; None when the description says nothing of it."""
    spec = r.spec
    hub = None
    if spec.hub is not None:
        h = spec.hub
        p = h.peering
        hub = HubPlan(
            h.name,
            tuple(h.addressPrefixes),
            tuple((s.name, s.addressPrefix) for s in h.subnets),
            tuple(GatewayPlan(g.name, g.kind.value) for g in h.gateways),
            p.name if p else None,
            p.peeringState if p else None,
            p.useRemoteGateways if p else None,
        )
    fw = None
    if spec.firewall is not None:
        f = spec.firewall
        fw = FirewallPlan(
            f.name,
            f.kind.value,
            f.privateIPAddress,
            tuple(f.publicIPAddresses),
            f.publicIPName,
            f.vnetName or (hub.name if hub else r.vnet.name),
        )
    remotes = sorted(spec.connectedNetworks, key=lambda c: c.kind.value not in ON_PREMISES)
    remote_plans = tuple(RemotePlan(c.name, c.kind.value, tuple(c.addressPrefixes), c.gateway) for c in remotes)
    zones = tuple(DnsZonePlan(z.name, tuple(z.links)) for z in spec.privateDNSZones)
    default = default_route(route_table)
    if hub is None and fw is None and not remote_plans and not zones:
        return None
    return NetworkPlan(hub, fw, remote_plans, zones, default)


def default_route(route_table: RouteTablePlan | None) -> DefaultRoute | None:
    if route_table is None:
        return None
    route = next((x for x in route_table.routes if str(x.prefix) == "0.0.0.0/0"), None)
    if route is None:
        return None
    return DefaultRoute(route.name, route.next_hop_type, route.next_hop_ip, route_table.byo)


def _node_default_route(r: Resolved) -> tuple[str, str, IPAddress | None] | None:
    """The 0.0.0.0/0 route of a node subnet's route table: (field path, name, next hop)."""
    for i, s in enumerate(r.vnet.subnets):
        if s.name not in r.pool_subnet.values() or s.routeTable is None:
            continue
        for k, route in enumerate(s.routeTable.routes):
            if str(route.addressPrefix) == "0.0.0.0/0":
                return f"vnet.subnets[{i}].routeTable.routes[{k}].nextHopIpAddress", route.name, route.nextHopIpAddress
    return None


def egress_hop(r: Resolved) -> IPAddress | None:
    """The firewall's IP every view draws: Azure follows the route table, so its 0.0.0.0/0 wins,
    then egressNextHopIP, then the firewall's private IP."""
    route = _node_default_route(r)
    if route is not None and route[2] is not None:
        return route[2]
    if r.spec.networkProfile.egressNextHopIP is not None:
        return r.spec.networkProfile.egressNextHopIP
    fw = r.spec.firewall
    return fw.privateIPAddress if fw is not None else None


def _captured(r: Resolved) -> list[tuple[str, IPNetwork]]:
    from .rules import _cluster_ranges

    return _cluster_ranges(r)


def findings(r: Resolved) -> Iterator[Finding]:
    if r.outbound_type == "userDefinedRouting":
        yield from _next_hop(r)
    yield from _hub_overlap(r)
    yield from _captured_remotes(r)
    yield from _nat_gateways(r)


def _next_hop(r: Resolved) -> Iterator[Finding]:
    """User-defined routing: the route table, egressNextHopIP and the firewall agree on the next
    hop, and that hop is not inside a pod or service range."""
    from .rules import finding

    net, fw = r.spec.networkProfile, r.spec.firewall
    route = _node_default_route(r)
    said = {
        "route": (route[2] if route else None, route[0] if route else "vnet.subnets[].routeTable"),
        "egressNextHopIP": (net.egressNextHopIP, "networkProfile.egressNextHopIP"),
        "firewall": (fw.privateIPAddress if fw else None, "firewall.privateIPAddress"),
    }
    given = {k: v for k, v in said.items() if v[0] is not None}
    if len({str(v[0]) for v in given.values()}) > 1:

        def shown(key: str) -> str:
            return str(said[key][0]) if said[key][0] is not None else "not given"

        yield finding(
            "egress-next-hop-mismatch",
            tuple(v[1] for v in given.values()),
            route=shown("route"),
            hop=shown("egressNextHopIP"),
            firewall=shown("firewall"),
            used=str(egress_hop(r)),
        )
    hop = egress_hop(r)
    if hop is not None:
        for field, prefix in _captured(r):
            if hop.version == prefix.version and hop in prefix:
                yield finding(
                    "next-hop-in-cluster-range",
                    (field, *[v[1] for v in given.values()][:1]),
                    ip=hop,
                    prefix=prefix,
                    field=field,
                )


def _hub_overlap(r: Resolved) -> Iterator[Finding]:
    """Azure does not peer VNets whose address spaces overlap."""
    from .rules import finding

    hub = r.spec.hub
    if hub is None:
        return
    for v in r.vnet.addressPrefixes:
        for other in hub.addressPrefixes:
            if v.version == other.version and v.overlaps(other):
                yield finding(
                    "connected-overlap",
                    ("vnet.addressPrefixes", "hub.addressPrefixes"),
                    prefix=v,
                    field="vnet.addressPrefixes",
                    network=hub.name,
                    other=other,
                    kind="peeredVNet",
                )


def _remotes(r: Resolved) -> list[tuple[str, str, str, IPNetwork]]:
    """Ranges of the hub and of what lies behind it: (field, network's name, what it is, range)."""
    spec = r.spec
    remotes: list[tuple[str, str, str, IPNetwork]] = []
    if spec.hub is not None:
        remotes += [("hub.addressPrefixes", spec.hub.name, "hub VNet", p) for p in spec.hub.addressPrefixes]
    for k, c in enumerate(spec.connectedNetworks):
        what = (
            "on-premises"
            if c.kind.value in ON_PREMISES
            else "peered VNet"
            if c.kind.value == "peeredVNet"
            else "connected network"
        )
        remotes += [(f"connectedNetworks[{k}].addressPrefixes", c.name, what, p) for p in c.addressPrefixes]
    return remotes


def _captured_remotes(r: Resolved) -> Iterator[Finding]:
    """A pod or service range that hides a remote range."""
    from .rules import finding

    remotes = _remotes(r)
    for field, prefix in _captured(r):
        for rfield, name, what, other in remotes:
            if prefix.version == other.version and prefix.overlaps(other):
                yield finding(
                    "range-captures-remote",
                    (field, rfield),
                    prefix=prefix,
                    field=field,
                    network=name,
                    what=what,
                    other=other,
                )


def _nat_gateways(r: Resolved) -> Iterator[Finding]:
    from .rules import finding

    net, out = r.spec.networkProfile, r.outbound_type
    if out == "userAssignedNATGateway" and net.natGatewayProfile is not None:
        yield finding(
            "natgw-profile-user-assigned", ("networkProfile.natGatewayProfile", "networkProfile.outboundType")
        )
    if out != "userAssignedNATGateway" or r.vnet_managed:
        return
    subnets = {s.name: (i, s) for i, s in enumerate(r.vnet.subnets)}
    if not any(s.natGateway for s in r.vnet.subnets):
        return  # the description does not say where NAT gateways are: nothing to check
    for name in dict.fromkeys(r.pool_subnet.values()):
        i, s = subnets[name]
        if s.natGateway is None:
            yield finding("natgw-not-on-node-subnet", f"vnet.subnets[{i}].natGateway", name, subnet=name)
    if PROFILES[r.model].pod_subnets:
        seen: set[str] = set()
        for p in r.spec.nodePools:
            if p.podSubnetName and p.podSubnetName in subnets and p.podSubnetName not in seen:
                seen.add(p.podSubnetName)
                i, s = subnets[p.podSubnetName]
                if s.natGateway is None:
                    yield finding(
                        "natgw-not-on-pod-subnet", f"vnet.subnets[{i}].natGateway", s.name, subnet=s.name, pool=p.name
                    )
