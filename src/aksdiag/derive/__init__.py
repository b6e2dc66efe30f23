"""derive: ClusterSpec -> AddressPlan. Pure: no IO, no drawing, no D2."""

from __future__ import annotations

import ipaddress

from ..errors import Problem, RuleError
from ..model import ClusterSpec
from .network_models import (
    OVERLAY_NODE_LIMIT,
    PLANNERS,
    ROUTE_LIMIT,
    route_name,
    usable_addresses,
)
from .observed import Observed, apply_observed
from .plan import (
    AddressPlan,
    APIServerPlan,
    Capacity,
    CapacityRow,
    EgressPlan,
    Finding,
    ModelKey,
    PoolPlan,
    RoutePlan,
    RouteTablePlan,
    Severity,
    SourceIP,
    SubnetPlan,
)
from .resolve import DEFAULT_MAX_PODS, Resolved, resolve
from .rules import addresses, combinations, references

__all__ = ["derive", "AddressPlan", "Observed"]


def derive(spec: ClusterSpec, observed: Observed | None = None) -> AddressPlan:
    """Compute the address plan, or raise `RuleError` naming every rule the spec breaks.

    With `spec.drawUnsupported`, broken rules become findings the diagram marks instead.
    """
    r = resolve(spec)
    fatal = list(references(r))
    if fatal:
        raise RuleError([_problem(f) for f in fatal])
    findings = list(addresses(r)) + list(combinations(r))

    model_plan = PLANNERS[r.model](r)
    pools = model_plan.pools
    if observed is not None:
        pools = apply_observed(pools, observed)

    capacity = tuple(_capacity(r, name) for name in dict.fromkeys(r.pool_subnet.values()))
    findings += _fit(r, model_plan.subnet_use, capacity)

    route_table = _route_table(r, model_plan.pod_routes, pools)
    if observed is not None and observed.route_table is not None and route_table is not None:
        route_table = observed.route_table.compare(route_table, pools, nodes_observed=bool(observed.nodes))
    if route_table is not None and len(route_table.routes) > ROUTE_LIMIT:
        findings.append(Finding(Severity.error, "route-limit", f"{len(route_table.routes)} routes; a route table "
                                f"holds {ROUTE_LIMIT} at most", ("nodePools",)))

    errors = [f for f in findings if f.severity == Severity.error]
    if errors and not spec.drawUnsupported:
        raise RuleError([_problem(f) for f in errors])

    net = spec.networkProfile
    subnets = tuple(_subnet_plan(r, s.name, model_plan.subnet_use, route_table) for s in r.vnet.subnets)
    return AddressPlan(
        cluster=spec.name,
        location=spec.location,
        resource_group=spec.resourceGroup,
        model=r.model,
        network_plugin=(net.networkPlugin.value if net.networkPlugin else "kubenet"),
        network_plugin_mode=(net.networkPluginMode.value if net.networkPluginMode else None),
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
        capacity=capacity,
        assumed=tuple(r.assumed),
        findings=tuple(findings),
    )


def _problem(f: Finding) -> Problem:
    fields = f.fields or (None,)
    extra = f" (also: {', '.join(fields[1:])})" if len(fields) > 1 else ""  # type: ignore[arg-type]
    return Problem(f"{f.message}{extra} [rule {f.rule}]", field=fields[0])


def _subnet_plan(r: Resolved, name: str, use: dict[str, int], rt: RouteTablePlan | None) -> SubnetPlan:
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
        route_table=(rt.name if rt is not None and name in rt.subnets else
                     (s.routeTable.name if s.routeTable else None)),
        nsg=s.networkSecurityGroup,
    )


def _route_table(r: Resolved, pod_routes: bool, pools: tuple[PoolPlan, ...]) -> RouteTablePlan | None:
    node_subnets = tuple(dict.fromkeys(r.pool_subnet.values()))
    byo = next((r.subnet(n).routeTable for n in node_subnets if r.subnet(n).routeTable), None)
    user_routes = tuple(
        RoutePlan(rt.name, rt.addressPrefix, rt.nextHopType.value, rt.nextHopIpAddress, "user")
        for rt in (byo.routes if byo else [])
    )
    hop = r.spec.networkProfile.egressNextHopIP
    if r.outbound_type == "userDefinedRouting" and hop is not None and not any(
        str(u.prefix) == "0.0.0.0/0" for u in user_routes
    ):
        user_routes += (RoutePlan("default-egress", ipaddress.ip_network("0.0.0.0/0"), "VirtualAppliance", hop,
                                  "user"),)
    if not pod_routes and not user_routes and byo is None:
        return None
    # AKS's pod routes in node order, then the user's own.
    aks = tuple(
        RoutePlan(route_name(n.name, b), b, "VirtualAppliance",
                  next(ip for ip in n.ips if ip.version == b.version), "aks", n.name)
        for p in pools for n in p.nodes for b in n.pod_blocks
    ) if pod_routes else ()
    return RouteTablePlan(
        name=byo.name if byo else f"aks-agentpool-{r.aks_id}-routetable",
        byo=byo is not None,
        subnets=node_subnets,
        routes=aks + user_routes,
        route_limit=ROUTE_LIMIT,
    )


def _egress(r: Resolved, pod_source: SourceIP) -> EgressPlan:
    net = r.spec.networkProfile
    out = r.outbound_type
    if out == "loadBalancer":
        return EgressPlan(out, pod_source, "loadBalancer", net.loadBalancerOutboundIPCount or 1)
    if out in ("managedNATGateway", "userAssignedNATGateway"):
        count = net.natGatewayProfile.managedOutboundIPCount if net.natGatewayProfile else 1
        return EgressPlan(out, pod_source, "natGateway", count, managed=out == "managedNATGateway")
    if out == "userDefinedRouting":
        hop = net.egressNextHopIP
        if hop is None:
            hop = next((rt.nextHopIpAddress for s in r.vnet.subnets if s.routeTable for rt in s.routeTable.routes
                        if str(rt.addressPrefix) == "0.0.0.0/0"), None)
        return EgressPlan(out, pod_source, "firewall", 0, next_hop_ip=hop, managed=False)
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
        public_fqdn=bool(api.enablePrivateClusterPublicFQDN) if api.enablePrivateCluster else True,
        subnet=api.subnetName,
        authorized_ranges=tuple(api.authorizedIPRanges or ()),
    )


def _capacity_row(model: ModelKey, usable: int, max_pods: int, r: Resolved, current: bool) -> CapacityRow:
    dual = "IPv6" in r.ip_families
    limits: list[tuple[int, str]] = []
    if model == ModelKey.azure_cni_node_subnet:
        limits.append((usable // (max_pods + 1), "subnet"))
    else:
        limits.append((usable, "subnet"))
    if model in (ModelKey.kubenet, ModelKey.azure_cni_overlay):
        v4 = next((c for c in r.pod_cidrs if c.version == 4), None)
        prefixlen = v4.prefixlen if v4 is not None else 16
        limits.append((1 << max(24 - prefixlen, 0), "pod CIDR"))
    if model == ModelKey.kubenet:
        limits.append((ROUTE_LIMIT // (2 if dual else 1), "routes"))
    if model == ModelKey.azure_cni_overlay:
        limits.append((OVERLAY_NODE_LIMIT, "model limit"))
    nodes, why = min(limits, key=lambda x: x[0])
    return CapacityRow(model.value, max_pods, nodes, nodes * max_pods, current, why)


def _capacity(r: Resolved, subnet: str) -> Capacity:
    """How many nodes and pods the node subnet holds, under this model and its neighbours."""
    prefix = r.subnet(subnet).addressPrefix
    usable = usable_addresses(prefix)
    pools = r.pools_on(subnet)
    rows = []
    compared = (ModelKey.kubenet, ModelKey.azure_cni_node_subnet, ModelKey.azure_cni_overlay)
    for model in compared:
        rows.append(_capacity_row(model, usable, DEFAULT_MAX_PODS[model], r, current=False))
    current_pods = r.pool_max_pods[pools[0].name] if pools else DEFAULT_MAX_PODS[r.model]
    if r.model in compared and current_pods == DEFAULT_MAX_PODS[r.model]:
        rows = [row if row.model != r.model.value else CapacityRow(**{**row.__dict__, "current": True})
                for row in rows]
    else:
        rows.append(_capacity_row(r.model, usable, current_pods, r, current=True))
    return Capacity(subnet, prefix, usable, tuple(rows))


def _fit(r: Resolved, use: dict[str, int], capacity: tuple[Capacity, ...]) -> list[Finding]:
    out = []
    for i, s in enumerate(r.vnet.subnets):
        need, usable = use.get(s.name, 0), usable_addresses(s.addressPrefix)
        if need > usable:
            out.append(Finding(Severity.error, "subnet-too-small", f"the cluster needs {need:,} addresses in "
                               f"{s.name!r} but {s.addressPrefix} has {usable:,} usable",
                               (f"vnet.subnets[{i}].addressPrefix",), subject=s.name))
    nodes = sum(p.count for p in r.spec.nodePools)
    for c in r.pod_cidrs:
        blocks = 1 << max((24 if c.version == 4 else 80) - c.prefixlen, 0)
        if nodes > blocks:
            out.append(Finding(Severity.error, "pod-cidr-too-small", f"{c} has room for {blocks} node blocks but "
                               f"the cluster has {nodes} nodes", ("networkProfile.podCidr",)))
    if r.model == ModelKey.azure_cni_overlay and nodes > OVERLAY_NODE_LIMIT:
        out.append(Finding(Severity.error, "overlay-node-limit", f"{nodes} nodes; Overlay supports "
                           f"{OVERLAY_NODE_LIMIT}", ("nodePools",)))
    return out
