"""derive: ClusterSpec -> AddressPlan. Pure: no IO, no drawing, no D2."""

from __future__ import annotations

import ipaddress

from ..errors import Problem, RuleError
from ..model import ClusterSpec
from ..model.observed import Observed
from .capacity import (
    capacity,
    cluster_capacity,
    fixed_use,
    pod_cidr_blocks,
    route_budget,
    routes_per_node,
    static_blocks_in,
)
from .catalog import RULES
from .network import egress_hop, network_plan
from .network import findings as network_findings
from .network_models import (
    APISERVER_RESERVED,
    CLUSTER_NODE_LIMIT,
    DYNAMIC_BATCH,
    PLANNERS,
    ROUTE_LIMIT,
    VNET_IP_LIMIT,
    dynamic_batches_per_node,
    route_name,
    static_blocks_per_node,
    usable_addresses,
)
from .observed import apply_observed, compare_routes
from .plan import (
    AddressPlan,
    APIServerPlan,
    EgressPlan,
    Finding,
    PodAddresses,
    PoolPlan,
    RoutePlan,
    RouteTablePlan,
    Severity,
    SourceIP,
    SubnetPlan,
)
from .profiles import PROFILES
from .resolve import Resolved, resolve
from .rules import addresses, combinations, finding, references

__all__ = ["RULES", "AddressPlan", "Observed", "derive", "errors_of"]


def errors_of(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.error]


def derive(spec: ClusterSpec, observed: Observed | None = None, *, allow_errors: bool = False) -> AddressPlan:
    """Compute the address plan, or raise `RuleError` naming every rule AKS would refuse.

    With `allow_errors` (a real cluster's document, or a render asked to draw it) the plan is
    returned with those findings instead; broken references are fatal either way.
    """
    r = resolve(spec)
    fatal = list(references(r))
    if fatal:
        raise RuleError([problem(f) for f in fatal])
    findings = list(addresses(r)) + list(combinations(r)) + list(network_findings(r))

    model_plan = PLANNERS[r.model](r)
    pools = model_plan.pools
    if observed is not None:
        pools = apply_observed(pools, observed)

    use = dict(model_plan.subnet_use)
    used_by: dict[str, list[tuple[str, int]]] = {}
    for name, n in model_plan.subnet_use.items():
        role = (
            "pods"
            if any(p.podSubnetName == name for p in spec.nodePools) and name not in r.pool_subnet.values()
            else "nodes"
        )
        used_by.setdefault(name, []).append((role, n))
    for name in dict.fromkeys(r.pool_subnet.values()):
        if fixed_use(r, name):
            use[name] = use.get(name, 0) + 1
            used_by.setdefault(name, []).append(("API server private endpoint", 1))
    api = spec.apiServerAccessProfile
    if api.enableVnetIntegration and api.subnetName is not None:
        use[api.subnetName] = use.get(api.subnetName, 0) + APISERVER_RESERVED
        used_by.setdefault(api.subnetName, []).append(("API server (at least)", APISERVER_RESERVED))

    caps = capacity(r)
    cluster_cap = cluster_capacity(r, caps)
    route_table = _route_table(r, model_plan.pod_routes, pools)
    if observed is not None and observed.route_table is not None and route_table is not None:
        route_table = compare_routes(observed.route_table, route_table, pools, nodes_observed=bool(observed.nodes))
    findings += _fit(r, use, route_table)
    if route_table is not None:
        findings += [
            finding("route-drift", "routeTable", route=x.name, drift=x.drift) for x in route_table.routes if x.drift
        ]

    if errors_of(findings) and not allow_errors:
        raise RuleError([problem(f) for f in errors_of(findings)])

    net = spec.networkProfile
    # A dynamic pod subnet grows: its full figure replaces the start figure, other users stay.
    use_max = {n: use[n] - model_plan.subnet_use[n] + full for n, full in model_plan.subnet_use_max.items()}
    subnets = tuple(_subnet_plan(r, s.name, use, use_max, used_by, route_table) for s in r.vnet.subnets)
    return AddressPlan(
        cluster=spec.name,
        location=spec.location,
        resource_group=spec.resourceGroup,
        model=r.model,
        network_plugin=net.networkPlugin.value if net.networkPlugin else PROFILES[r.model].network_plugin,
        network_plugin_mode=(net.networkPluginMode.value if net.networkPluginMode else PROFILES[r.model].plugin_mode),
        network_policy=r.network_policy,
        dataplane=r.dataplane,
        ip_families=r.ip_families,
        vnet_name=r.vnet.name,
        vnet_prefixes=tuple(r.vnet.addressPrefixes),
        vnet_managed=r.vnet_managed,
        subnets=subnets,
        pools=pools,
        pods=model_plan.pods,
        service_cidrs=r.service_cidrs,
        dns_service_ip=r.dns_service_ip,
        docker_bridge=net.dockerBridgeCidr,
        route_table=route_table,
        nsg_name=f"aks-agentpool-{r.aks_id}-nsg",
        load_balancer_sku=r.lb_sku,
        egress=_egress(r, model_plan.pods.source_outside_vnet),
        api_server=_api_server(r),
        capacity=caps,
        cluster_capacity=cluster_cap,
        # Cilium's eBPF answers services; AKS runs no kube-proxy then (azure-cni-powered-by-cilium FAQ).
        service_proxy="cilium" if r.dataplane == "cilium" else "kube-proxy",
        # The kubernetes Service is single-stack, from the primary service range (KEP-2438).
        kubernetes_service_ip=r.service_cidrs[0].network_address + 1,
        connected=tuple((c.name, c.kind.value, p) for c in spec.connectedNetworks for p in c.addressPrefixes),
        assumed=tuple(r.assumed),
        findings=tuple(findings),
        network=network_plan(r, route_table),
    )


def problem(f: Finding) -> Problem:
    fields = f.fields or (None,)
    extra = f" (also: {', '.join(fields[1:])})" if len(fields) > 1 else ""
    return Problem(f"{f.message}{extra} [rule {f.rule}]", field=fields[0])


def _subnet_plan(
    r: Resolved,
    name: str,
    use: dict[str, int],
    use_max: dict[str, int],
    used_by: dict[str, list[tuple[str, int]]],
    rt: RouteTablePlan | None,
) -> SubnetPlan:
    s = r.subnet(name)
    roles = []
    if name in r.pool_subnet.values():
        roles.append("nodes")
    if any(p.podSubnetName == name for p in r.spec.nodePools):
        roles.append("pods")
    if r.spec.apiServerAccessProfile.subnetName == name:
        roles.append("apiserver")
    return SubnetPlan(
        name=name,
        prefix=s.addressPrefix,
        prefix_v6=s.addressPrefixIPv6,
        usable=usable_addresses(s.addressPrefix),
        roles=tuple(roles) or ("other",),
        used=use.get(name, 0),
        route_table=(
            rt.name if rt is not None and name in rt.subnets else (s.routeTable.name if s.routeTable else None)
        ),
        nsg=s.networkSecurityGroup,
        used_max=use_max.get(name),
        used_by=tuple(used_by.get(name, ())),
    )


def _route_table(r: Resolved, pod_routes: bool, pools: tuple[PoolPlan, ...]) -> RouteTablePlan | None:
    node_subnets = tuple(dict.fromkeys(r.pool_subnet.values()))
    byo = next((r.subnet(n).routeTable for n in node_subnets if r.subnet(n).routeTable), None)
    user_routes = tuple(
        RoutePlan(rt.name, rt.addressPrefix, rt.nextHopType.value, rt.nextHopIpAddress, "user")
        for rt in (byo.routes if byo else [])
    )
    hop = r.spec.networkProfile.egressNextHopIP
    if (
        r.outbound_type == "userDefinedRouting"
        and hop is not None
        and not any(str(u.prefix) == "0.0.0.0/0" for u in user_routes)
    ):
        user_routes += (
            RoutePlan("default-egress", ipaddress.ip_network("0.0.0.0/0"), "VirtualAppliance", hop, "user"),
        )
    if not pod_routes and not user_routes and byo is None:
        return None
    # AKS's pod routes in node order, then the user's own.
    aks = (
        tuple(
            RoutePlan(
                route_name(n.name, b),
                b,
                "VirtualAppliance",
                next(ip for ip in n.ips if ip.version == b.version),
                "aks",
                n.name,
            )
            for p in pools
            for n in p.nodes
            for b in n.pod_blocks
        )
        if pod_routes
        else ()
    )
    # With userDefinedRouting the route table is always yours (AKS creates none); not given, it has no name.
    mine = r.outbound_type == "userDefinedRouting"
    return RouteTablePlan(
        name=byo.name if byo else ("your route table" if mine else f"aks-agentpool-{r.aks_id}-routetable"),
        byo=byo is not None,
        given=byo is not None or not mine,
        subnets=node_subnets,
        routes=aks + user_routes,
        route_limit=ROUTE_LIMIT,
        aks_routes=pod_routes,
    )


def _egress(r: Resolved, pod_source: SourceIP) -> EgressPlan:
    net = r.spec.networkProfile
    out = r.outbound_type
    if out == "loadBalancer":
        return EgressPlan(out, pod_source, "loadBalancer", net.loadBalancerOutboundIPCount or 1)
    if out == "managedNATGateway":
        count = net.natGatewayProfile.managedOutboundIPCount if net.natGatewayProfile else 1
        return EgressPlan(out, pod_source, "natGateway", count, managed=True)
    if out == "userAssignedNATGateway":
        # The NAT gateway that translates a pod's packet is the one on the subnet its source IP is
        # from: with Pod Subnet that is the pod subnet (Learn: "fixing the source IP for pod in a
        # node pool using an Azure NAT Gateway", concepts-network-azure-cni-pod-subnet).
        pool = r.spec.nodePools[0]
        where = pool.podSubnetName if PROFILES[r.model].pod_subnets and pool.podSubnetName else r.pool_subnet[pool.name]
        natgw = next((s.natGateway for s in r.vnet.subnets if s.name == where), None)
        count = len(natgw.publicIPAddresses) if natgw and natgw.publicIPAddresses else 1
        return EgressPlan(
            out,
            pod_source,
            "natGateway",
            count,
            managed=False,
            nat_subnet=where,
            nat_gateway=natgw.name if natgw else None,
        )
    if out == "userDefinedRouting":
        return EgressPlan(out, pod_source, "firewall", 0, next_hop_ip=egress_hop(r), managed=False)
    return EgressPlan(out, pod_source, "none", 0, managed=False)


def _api_server(r: Resolved) -> APIServerPlan:
    api = r.spec.apiServerAccessProfile
    zone = api.privateDNSZone
    if api.enablePrivateCluster and zone is None:
        zone = "system"
    return APIServerPlan(
        private=api.enablePrivateCluster,
        vnet_integration=api.enableVnetIntegration,
        private_dns_zone=zone if api.enablePrivateCluster else None,
        public_fqdn=r.public_fqdn,
        subnet=api.subnetName,
        authorized_ranges=tuple(api.authorizedIPRanges or ()),
        reserved_ips=APISERVER_RESERVED if api.enableVnetIntegration else 0,
    )


def _fit(r: Resolved, use: dict[str, int], rt: RouteTablePlan | None) -> list[Finding]:
    """Errors for what does not fit today, warnings for what does not fit an upgrade's surge."""
    out = _subnets_fit(r, use)
    nodes = sum(p.count for p in r.spec.nodePools)
    surge_now = max((r.pool_surge[p.name].nodes(p.count) for p in r.spec.nodePools), default=0)
    out += _pod_cidr_fit(r, nodes, surge_now)
    out += _route_table_fit(r, rt, nodes, surge_now)
    out += _node_limits(r, nodes)
    out += _vnet_ip_limit(r)
    out += _autoscale_room(r, use)
    return out


def _subnets_fit(r: Resolved, use: dict[str, int]) -> list[Finding]:
    """Each subnet holds what it is given today, and the largest upgrade surge on top."""
    out = []
    pod_users: dict[str, list] = {}
    for p in r.spec.nodePools:
        if p.podSubnetName:
            pod_users.setdefault(p.podSubnetName, []).append(p)
    for i, s in enumerate(r.vnet.subnets):
        need, usable = use.get(s.name, 0), usable_addresses(s.addressPrefix)
        field = f"vnet.subnets[{i}].addressPrefix"
        if need > usable:
            out.append(
                finding(
                    "subnet-too-small", field, s.name, need=need, subnet=s.name, prefix=s.addressPrefix, usable=usable
                )
            )
            continue
        extra, surge_nodes = _largest_surge(r, s.name, pod_users.get(s.name, []))
        if surge_nodes and need + extra > usable:
            out.append(
                finding(
                    "subnet-no-surge-room",
                    field,
                    s.name,
                    subnet=s.name,
                    usable=usable,
                    surge=surge_nodes,
                    need=need + extra,
                )
            )
        out += _static_blocks_fit(r, s.name, field, pod_users.get(s.name, []))
    return out


def _largest_surge(r: Resolved, subnet: str, pod_users: list) -> tuple[int, int]:
    """The addresses and nodes of the largest surge a subnet must hold: pools upgrade one at a
    time, so the largest surge, of nodes on it or of pods whose pool uses it, must fit."""
    extra, surge_nodes = 0, 0
    on = r.pools_on(subnet) if subnet in r.pool_subnet.values() else []
    for p in on:
        n = r.pool_surge[p.name].nodes(p.count)
        cost = PROFILES[r.model].node_subnet_ips(r.pool_max_pods[p.name])
        if n * cost > extra:
            extra, surge_nodes = n * cost, n
    for p in pod_users:
        if p.podIPAllocationMode is not None and p.podIPAllocationMode.value == "StaticBlock":
            continue  # counted in whole /28 blocks by static-blocks-no-surge-room, not twice
        n = r.pool_surge[p.name].nodes(p.count)
        if n * DYNAMIC_BATCH > extra:
            extra, surge_nodes = n * DYNAMIC_BATCH, n
    return extra, surge_nodes


def _pod_cidr_fit(r: Resolved, nodes: int, surge_now: int) -> list[Finding]:
    """A pod CIDR cut per node has a block for every node, and for the surge."""
    if not PROFILES[r.model].pod_cidr_per_node:
        return []
    blocks = pod_cidr_blocks(r) or 0
    field = "networkProfile.podCidrs" if r.spec.networkProfile.podCidrs else "networkProfile.podCidr"
    prefix = ", ".join(map(str, r.pod_cidrs))
    if nodes > blocks:
        return [finding("pod-cidr-too-small", field, prefix=prefix, blocks=blocks, nodes=nodes)]
    if nodes + surge_now > blocks:
        return [finding("pod-cidr-no-surge-room", field, prefix=prefix, blocks=blocks, need=nodes + surge_now)]
    return []


def _route_table_fit(r: Resolved, rt: RouteTablePlan | None, nodes: int, surge_now: int) -> list[Finding]:
    """A route table that AKS writes a route per node into stays within Azure's limit."""
    if rt is None or not rt.aks_routes:
        return []
    per = routes_per_node(r)
    user = ROUTE_LIMIT - route_budget(r)
    if len(rt.routes) > ROUTE_LIMIT:
        return [finding("route-limit", "nodePools", routes=len(rt.routes), limit=ROUTE_LIMIT)]
    if (nodes + surge_now) * per + user > ROUTE_LIMIT:
        return [
            finding(
                "route-limit-surge",
                "nodePools",
                routes=(nodes + surge_now) * per + user,
                surge=surge_now,
                limit=ROUTE_LIMIT,
            )
        ]
    return []


def _node_limits(r: Resolved, nodes: int) -> list[Finding]:
    if nodes > CLUSTER_NODE_LIMIT:
        return [finding("cluster-node-limit", "nodePools", nodes=nodes, limit=CLUSTER_NODE_LIMIT)]
    if nodes > r.node_limit:
        return [finding("free-tier-node-limit", ("nodePools", "sku.tier"), nodes=nodes, tier=r.tier)]
    return []


def _vnet_ip_limit(r: Resolved) -> list[Finding]:
    """Azure's 65,536 configured IP addresses per VNet, for the models that give pods VNet IPs one by one."""
    if PROFILES[r.model].pod_addresses is PodAddresses.node_subnet:
        now = sum(p.count * (1 + r.pool_max_pods[p.name]) for p in r.spec.nodePools)
        grown = sum(r.pool_planned[p.name] * (1 + r.pool_max_pods[p.name]) for p in r.spec.nodePools)
        what, when = "a node and its maxPods pod IPs per node", "at maxCount"
    elif PROFILES[r.model].pod_subnets:
        dynamic = [
            p
            for p in r.spec.nodePools
            if p.podSubnetName and (p.podIPAllocationMode is None or p.podIPAllocationMode.value != "StaticBlock")
        ]
        if not dynamic:
            return []
        nodes = sum(p.count for p in r.spec.nodePools)
        now = nodes + sum(p.count * DYNAMIC_BATCH for p in dynamic)
        grown = sum(r.pool_planned.values()) + sum(
            r.pool_planned[p.name] * dynamic_batches_per_node(r.pool_max_pods[p.name]) * DYNAMIC_BATCH for p in dynamic
        )
        what, when = "nodes and their first batch of 16 pod IPs", "with every node full (and at maxCount)"
    else:
        return []
    if now > VNET_IP_LIMIT:
        return [finding("vnet-ip-limit", "nodePools", need=now, vnet=r.vnet.name, what=what)]
    if grown > VNET_IP_LIMIT:
        return [finding("vnet-ip-limit-growth", "nodePools", when=when.capitalize(), need=grown, vnet=r.vnet.name)]
    return []


def _autoscale_room(r: Resolved, use: dict[str, int]) -> list[Finding]:
    """A subnet that holds today's nodes but not the autoscaler's maxCount (with that pool's surge)."""
    out = []
    for i, s in enumerate(r.vnet.subnets):
        pools = r.pools_on(s.name) if s.name in r.pool_subnet.values() else []
        growing = [p for p in pools if r.pool_planned[p.name] > p.count]
        if not growing:
            continue
        cost = {p.name: PROFILES[r.model].node_subnet_ips(r.pool_max_pods[p.name]) for p in pools}
        grown = sum((r.pool_planned[p.name] - p.count) * cost[p.name] for p in growing)
        surge = max(r.pool_surge[p.name].nodes(r.pool_planned[p.name]) * cost[p.name] for p in pools)
        need, usable = use.get(s.name, 0) + grown + surge, usable_addresses(s.addressPrefix)
        if use.get(s.name, 0) <= usable < need:
            out.append(
                finding(
                    "autoscale-no-room",
                    f"vnet.subnets[{i}].addressPrefix",
                    s.name,
                    subnet=s.name,
                    usable=usable,
                    need=need,
                )
            )
    return out


def _static_blocks_fit(r: Resolved, subnet: str, field: str, users: list) -> list[Finding]:
    """Static block pod subnets are counted in whole /28s, not addresses."""
    static = [p for p in users if p.podIPAllocationMode is not None and p.podIPAllocationMode.value == "StaticBlock"]
    if not static:
        return []
    have = static_blocks_in(r.subnet(subnet).addressPrefix)
    per = {p.name: static_blocks_per_node(r.pool_max_pods[p.name]) for p in static}
    need = sum(per[p.name] * p.count for p in static)
    if need > have:
        return [finding("static-blocks-too-few", field, subnet, subnet=subnet, blocks=have, need=need)]
    surge, extra = 0, 0
    for p in static:
        n = r.pool_surge[p.name].nodes(p.count)
        if n * per[p.name] > extra:
            surge, extra = n, n * per[p.name]
    if surge and need + extra > have:
        return [
            finding(
                "static-blocks-no-surge-room", field, subnet, subnet=subnet, blocks=have, surge=surge, need=need + extra
            )
        ]
    return []
