"""What AKS refuses, and what it allows but a reviewer should see.

Each check yields a `Finding`: a rule id of `catalog.RULES`, the values it found and the
fields involved. Severity and wording live in the catalogue. `references` are fatal: a name
that points at nothing leaves nothing sensible to plan or draw.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from ..model import IPNetwork, NetworkDataplane, NodePool, OSType
from .plan import Finding, ModelKey
from .profiles import PROFILES, PodSource
from .resolve import CURRENT_VERSION, Resolved

RESERVED_RANGES = tuple(
    ipaddress.ip_network(r) for r in ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
)
# Pod CIDRs inside these are in Microsoft's support scope (RFC 1918, RFC 6598, IPv6 ULA).
PRIVATE_RANGES = tuple(
    ipaddress.ip_network(r) for r in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)
MULTICAST = tuple(ipaddress.ip_network(r) for r in ("224.0.0.0/4", "ff00::/8"))
SERVICE_CIDR_LARGEST = {4: 12, 6: 108}
STATIC_POD_SUBNET_LARGEST = 12
APISERVER_SUBNET_SMALLEST = 28
SYSTEM_POOL_MIN_PODS = 30  # per pool, every pool (concepts-network-ip-address-planning)
SYSTEM_POOL_MIN_NODES = 2  # create-node-pools: "System pools must contain at least two nodes"
WINDOWS_MAX_PODS = 110
AUTHORIZED_RANGES = 200  # api-server-authorized-ip-ranges; 2,000 with API Server VNet Integration
AUTHORIZED_RANGES_VNET_INTEGRATION = 2000
NPM_NODES = 250  # use-network-policies: Azure NPM beyond 250 nodes and 20,000 pods isn't supported
OVERLAY_PODS = 200_000  # best-practices-performance-scale-large
OVERLAY_NAME = 63  # concepts-network-azure-cni-overlay: names used as node labels
POOL_INSTANCES = 1000  # a scale set's instances; size plus surge above it and AKS rejects the upgrade
STATIC_BLOCK_VERSION = (1, 28)
WINDOWS2019_LAST = (1, 32)  # Kubernetes 1.33 and later refuse Windows Server 2019
# DCsv2-series sizes (Standard_DC1s_v2 ... Standard_DC8_v2), which Azure CNI Overlay does not support.
DCSV2 = re.compile(r"^standard_dc\d+s?_v2$", re.IGNORECASE)


def finding(rule: str, fields: tuple[str, ...] | str, subject: str | None = None, **values: object) -> Finding:
    if isinstance(fields, str):
        fields = (fields,)
    return Finding(rule, tuple(values.items()), fields, subject)


def references(r: Resolved) -> Iterator[Finding]:
    """Names that must point at something; without them the plan cannot be computed."""
    spec = r.spec
    names = {s.name for s in r.vnet.subnets}
    for i, pool in enumerate(spec.nodePools):
        for attr in ("vnetSubnetName", "podSubnetName"):
            ref = getattr(pool, attr)
            if ref is None:
                continue
            if r.vnet_managed and attr == "podSubnetName":
                yield finding("pod-subnet-needs-vnet", f"nodePools[{i}].{attr}", pool.name)
            elif r.vnet_managed:
                yield finding("subnet-needs-vnet", f"nodePools[{i}].{attr}", subnet=ref)
            elif ref not in names:
                yield finding("unknown-subnet", f"nodePools[{i}].{attr}", subnet=ref, known=", ".join(sorted(names)))
    api = spec.apiServerAccessProfile
    if api.subnetName is not None and api.subnetName not in names:
        yield finding(
            "unknown-subnet", "apiServerAccessProfile.subnetName", subnet=api.subnetName, known=", ".join(sorted(names))
        )


def _overlaps(a: IPNetwork, b: IPNetwork) -> bool:
    return a.version == b.version and a.overlaps(b)


def _inside(a: IPNetwork, b: IPNetwork) -> bool:
    return a.version == b.version and a.subnet_of(b)  # type: ignore[arg-type]


def _cluster_ranges(r: Resolved) -> list[tuple[str, IPNetwork]]:
    """Pod, service and docker bridge ranges, with the field each comes from."""
    net = r.spec.networkProfile
    ranges: list[tuple[str, IPNetwork]] = []
    pod_field = "networkProfile.podCidrs" if net.podCidrs else "networkProfile.podCidr"
    ranges += [(pod_field, p) for p in r.pod_cidrs]
    svc_field = "networkProfile.serviceCidrs" if net.serviceCidrs else "networkProfile.serviceCidr"
    ranges += [(svc_field, p) for p in r.service_cidrs]
    if net.dockerBridgeCidr is not None:
        ranges.append(("networkProfile.dockerBridgeCidr", net.dockerBridgeCidr.network))
    return ranges


def addresses(r: Resolved) -> Iterator[Finding]:
    yield from _subnets_in_vnet(r)
    yield from _cluster_range_clashes(r)
    yield from _ranges_over_subnets(r)
    yield from _connected_overlaps(r)
    yield from _service_and_pod_ranges(r)
    yield from _dns_service_ip(r)
    yield from _ip_families(r)


def _vnet_text(r: Resolved) -> str:
    return ", ".join(map(str, r.vnet.addressPrefixes))


def _subnets_in_vnet(r: Resolved) -> Iterator[Finding]:
    """Each subnet inside the VNet's space, and no two subnets overlapping."""
    vnet_prefixes = list(r.vnet.addressPrefixes)
    for i, s in enumerate(r.vnet.subnets):
        if not any(_inside(s.addressPrefix, v) for v in vnet_prefixes):
            yield finding(
                "subnet-outside-vnet", f"vnet.subnets[{i}].addressPrefix", prefix=s.addressPrefix, vnet=_vnet_text(r)
            )
        for j, t in enumerate(r.vnet.subnets[:i]):
            if _overlaps(s.addressPrefix, t.addressPrefix):
                yield finding(
                    "subnet-overlap",
                    (f"vnet.subnets[{i}].addressPrefix", f"vnet.subnets[{j}].addressPrefix"),
                    prefix=s.addressPrefix,
                    other=t.name,
                    other_prefix=t.addressPrefix,
                )


def _cluster_range_clashes(r: Resolved) -> Iterator[Finding]:
    """The VNet and the cluster's ranges against reserved ranges, and the cluster's ranges against each other."""
    ranges = _cluster_ranges(r)
    for name, prefix in [("vnet.addressPrefixes", p) for p in r.vnet.addressPrefixes] + ranges:
        for bad in RESERVED_RANGES:
            if _overlaps(prefix, bad):
                yield finding("reserved-range", name, prefix=prefix, reserved=bad)
    for i, (name_a, a) in enumerate(ranges):
        for name_b, b in ranges[:i]:
            if name_a != name_b and _overlaps(a, b):
                yield finding("range-overlap", (name_a, name_b), prefix=a, other=b, other_field=name_b)


def _ranges_over_subnets(r: Resolved) -> Iterator[Finding]:
    # AKS refuses overlap with a subnet; overlap with the VNet's free space is allowed (X1).
    subnets = [
        (i, s.name, p)
        for i, s in enumerate(r.vnet.subnets)
        for p in (s.addressPrefix, s.addressPrefixIPv6)
        if p is not None
    ]
    for name, prefix in _cluster_ranges(r):
        hit = [(i, sn, sp) for i, sn, sp in subnets if _overlaps(prefix, sp)]
        for i, sn, sp in hit:
            yield finding(
                "range-overlaps-subnet",
                (name, f"vnet.subnets[{i}].addressPrefix"),
                prefix=prefix,
                subnet=sn,
                subnet_prefix=sp,
            )
        if not hit and any(_overlaps(prefix, v) for v in r.vnet.addressPrefixes):
            yield finding("range-in-vnet", name, prefix=prefix, vnet=_vnet_text(r))


def _connected_overlaps(r: Resolved) -> Iterator[Finding]:
    # Pod and service ranges over these are `range-captures-remote` (derive.network).
    for k, c in enumerate(r.spec.connectedNetworks):
        for other in c.addressPrefixes:
            for name, prefix in [("vnet.addressPrefixes", p) for p in r.vnet.addressPrefixes]:
                if _overlaps(prefix, other):
                    yield finding(
                        "connected-overlap",
                        (name, f"connectedNetworks[{k}].addressPrefixes"),
                        prefix=prefix,
                        field=name,
                        network=c.name,
                        other=other,
                        kind=c.kind.value,
                    )


def _service_and_pod_ranges(r: Resolved) -> Iterator[Finding]:
    """Service ranges small enough and private; pod ranges private."""
    svc_field = "networkProfile.serviceCidrs" if r.spec.networkProfile.serviceCidrs else "networkProfile.serviceCidr"
    for c in r.service_cidrs:
        limit = SERVICE_CIDR_LARGEST[c.version]
        if c.prefixlen < limit:
            yield finding("service-cidr-too-large", svc_field, prefix=c, limit=limit)
    for c in r.service_cidrs:
        kind = (
            "multicast"
            if any(_overlaps(c, m) for m in MULTICAST)
            else "public"
            if not (c.is_private or any(_inside(c, p) for p in PRIVATE_RANGES))
            else None
        )
        if kind is not None:
            yield finding(f"service-cidr-{kind}", svc_field, prefix=c)
    for c in r.pod_cidrs:
        if not any(_inside(c, p) for p in PRIVATE_RANGES):
            yield finding("pod-cidr-not-private", "networkProfile.podCidr", prefix=c)


def _dns_service_ip(r: Resolved) -> Iterator[Finding]:
    dns = r.dns_service_ip
    svc = [c for c in r.service_cidrs if c.version == dns.version]
    service_text = ", ".join(map(str, r.service_cidrs))
    if not svc or dns not in svc[0]:
        yield finding("dns-outside-service-cidr", "networkProfile.dnsServiceIP", dns=dns, service=service_text)
    elif dns == svc[0].network_address:
        yield finding("dns-network-address", "networkProfile.dnsServiceIP", dns=dns, service=svc[0])
    elif dns == svc[0].network_address + 1:
        yield finding("dns-kubernetes-default", "networkProfile.dnsServiceIP", dns=dns, service=svc[0])
    elif dns == svc[0].broadcast_address:
        yield finding("dns-broadcast-address", "networkProfile.dnsServiceIP", dns=dns, service=svc[0])


def _ip_families(r: Resolved) -> Iterator[Finding]:
    families = list(r.ip_families)
    if families not in (["IPv4"], ["IPv4", "IPv6"]):
        yield finding("ip-families", "networkProfile.ipFamilies", families="[" + ", ".join(families) + "]")


def combinations(r: Resolved) -> Iterator[Finding]:
    yield from _models(r)
    yield from _pools(r)
    yield from _egress(r)
    yield from _api_server(r)


def _models(r: Resolved) -> Iterator[Finding]:
    """What each network model allows: plugins, dual-stack, pod addresses, policies, dataplanes, Windows."""
    yield from _plugin_mode(r)
    if r.model == ModelKey.kubenet:
        yield from _kubenet(r)
    yield from _dual_stack(r)
    yield from _pod_addresses(r)
    yield from _byo_cni(r)
    yield from _cilium(r)
    yield from _network_policy(r)
    yield from _windows(r)
    if r.model == ModelKey.azure_cni_overlay:
        yield from _overlay_limits(r)
    if r.model == ModelKey.kubenet:
        yield from _kubenet_route_tables(r)


PLUGIN_FIELD = "networkProfile.networkPlugin"


def _windows_pools(r: Resolved) -> list[tuple[int, NodePool]]:
    return [(i, p) for i, p in enumerate(r.spec.nodePools) if p.osType == OSType.Windows]


def _dual(r: Resolved) -> bool:
    return "IPv6" in r.ip_families


def _plugin_mode(r: Resolved) -> Iterator[Finding]:
    net = r.spec.networkProfile
    if net.networkPluginMode is not None and net.networkPlugin is not None and net.networkPlugin != "azure":
        yield finding("overlay-needs-azure", ("networkProfile.networkPluginMode", PLUGIN_FIELD))


def _kubenet(r: Resolved) -> Iterator[Finding]:
    dual = _dual(r)
    for i, p in _windows_pools(r):
        yield finding("kubenet-windows", (f"nodePools[{i}].osType", PLUGIN_FIELD), p.name)
    if r.network_policy == "azure":
        yield finding("kubenet-azure-policy", ("networkProfile.networkPolicy", PLUGIN_FIELD))
    if dual and r.network_policy in ("azure", "calico"):
        yield finding(
            "dualstack-kubenet-policy",
            ("networkProfile.networkPolicy", "networkProfile.ipFamilies"),
            policy=r.network_policy,
        )
    if dual and r.outbound_type in ("managedNATGateway", "userAssignedNATGateway"):
        yield finding("dualstack-kubenet-natgw", ("networkProfile.outboundType", "networkProfile.ipFamilies"))
    if dual:
        yield finding("dualstack-kubenet-legacy", ("networkProfile.ipFamilies", PLUGIN_FIELD))
    yield finding("kubenet-retirement", PLUGIN_FIELD)


def _dual_stack(r: Resolved) -> Iterator[Finding]:
    """Dual-stack with the models other than kubenet (kubenet's own are in `_kubenet`)."""
    m = r.model
    if not _dual(r):
        return
    if m in (ModelKey.azure_cni_node_subnet, ModelKey.azure_cni_pod_subnet):
        yield finding("dualstack-model", ("networkProfile.ipFamilies", PLUGIN_FIELD), model=m.value)
    if m == ModelKey.azure_cni_overlay and r.network_policy in ("azure", "calico"):
        yield finding(
            "dualstack-overlay-policy",
            ("networkProfile.networkPolicy", "networkProfile.ipFamilies"),
            policy=r.network_policy,
        )
    if m != ModelKey.kubenet and r.outbound_type == "managedNATGateway":
        yield finding(
            "dualstack-natgw", ("networkProfile.outboundType", "networkProfile.ipFamilies"), outbound=r.outbound_type
        )
    if m != ModelKey.kubenet and r.outbound_type == "userAssignedNATGateway":
        yield finding("dualstack-natgw-v2", ("networkProfile.outboundType", "networkProfile.ipFamilies"))


def _pod_addresses(r: Resolved) -> Iterator[Finding]:
    """Where pod IPs come from (a pod CIDR or a pod subnet) matches the model."""
    spec, net, m = r.spec, r.spec.networkProfile, r.model
    if PROFILES[m].pod_source is PodSource.vnet and (net.podCidr or net.podCidrs):
        yield finding("pod-cidr-without-overlay", "networkProfile.podCidr")
    if PROFILES[m].pod_cidr_per_node:
        for i, p in enumerate(spec.nodePools):
            if p.podSubnetName:
                yield finding(
                    "pod-subnet-model", (f"nodePools[{i}].podSubnetName", PLUGIN_FIELD), p.name, model=m.value
                )
    if m == ModelKey.azure_cni_pod_subnet:
        for i, p in enumerate(spec.nodePools):
            if not p.podSubnetName:
                yield finding("pod-subnet-every-pool", f"nodePools[{i}].podSubnetName", p.name)
        yield from _static_blocks(r)
    for i, p in enumerate(spec.nodePools):
        if p.podIPAllocationMode is not None and not p.podSubnetName:
            yield finding("allocation-mode-needs-pod-subnet", f"nodePools[{i}].podIPAllocationMode", p.name)


def _byo_cni(r: Resolved) -> Iterator[Finding]:
    if r.spec.networkProfile.byoCni is not None and r.model != ModelKey.byo_cni:
        yield finding("byo-cni-needs-none", ("networkProfile.byoCni", PLUGIN_FIELD))
    if r.model == ModelKey.byo_cni:
        if r.network_policy != "none":
            yield finding("byo-cni-policy", "networkProfile.networkPolicy")
        if not r.pod_cidrs:
            yield finding("byo-cni-no-pod-cidr", "networkProfile.podCidr")


def _cilium(r: Resolved) -> Iterator[Finding]:
    if r.spec.networkProfile.networkDataplane == NetworkDataplane.cilium:
        if r.model not in (ModelKey.azure_cni_overlay, ModelKey.azure_cni_pod_subnet, ModelKey.azure_cni_node_subnet):
            yield finding("cilium-dataplane-needs-azure", ("networkProfile.networkDataplane", PLUGIN_FIELD))
        if r.network_policy in ("azure", "calico"):
            yield finding(
                "cilium-dataplane-policy",
                ("networkProfile.networkPolicy", "networkProfile.networkDataplane"),
                policy=r.network_policy,
            )
        for i, p in _windows_pools(r):
            yield finding("windows-cilium", (f"nodePools[{i}].osType", "networkProfile.networkDataplane"), p.name)
    if r.network_policy == "cilium" and r.dataplane != "cilium":
        yield finding(
            "cilium-policy-needs-dataplane", ("networkProfile.networkPolicy", "networkProfile.networkDataplane")
        )


def _network_policy(r: Resolved) -> Iterator[Finding]:
    """Azure Network Policy Manager's limits and retirement, and no policy at all."""
    windows = _windows_pools(r)
    planned = sum(r.pool_planned.values())
    if r.network_policy == "azure" and r.model != ModelKey.kubenet:
        for i, p in windows:
            yield finding("npm-windows", ("networkProfile.networkPolicy", f"nodePools[{i}].osType"), p.name)
        if len(windows) < len(r.spec.nodePools):
            yield finding("npm-retirement", "networkProfile.networkPolicy")
        if planned > NPM_NODES:
            pods = sum(n * r.pool_max_pods[name] for name, n in r.pool_planned.items())
            yield finding("npm-scale", ("networkProfile.networkPolicy", "nodePools"), nodes=planned, pods=pods)
    if r.network_policy == "none" and r.model != ModelKey.byo_cni:
        yield finding("no-network-policy", "networkProfile.networkPolicy")


def _windows(r: Resolved) -> Iterator[Finding]:
    """Windows Server 2019's model and version limits, and Windows' pods per node."""
    m = r.model
    version = r.version or CURRENT_VERSION
    for i, p in _windows_pools(r):
        if p.osSKU is not None and p.osSKU.value == "Windows2019":
            if m == ModelKey.azure_cni_pod_subnet:
                yield finding("windows2019-model", (f"nodePools[{i}].osSKU", PLUGIN_FIELD), p.name, model=m.value)
            if version > WINDOWS2019_LAST:
                yield finding(
                    "windows2019-version",
                    (f"nodePools[{i}].osSKU", "kubernetesVersion"),
                    p.name,
                    version=r.spec.kubernetesVersion or "the current default",
                )
        if r.pool_max_pods[p.name] > WINDOWS_MAX_PODS:
            yield finding("windows-max-pods", f"nodePools[{i}].maxPods", p.name, max_pods=r.pool_max_pods[p.name])


def _kubenet_route_tables(r: Resolved) -> Iterator[Finding]:
    """Kubenet's routes live in one route table: every node subnet shares it."""
    routed = [r.subnet(n).routeTable for n in r.pool_subnet.values()]
    tables = {table.name for table in routed if table is not None}
    bare = any(r.subnet(n).routeTable is None for n in r.pool_subnet.values())
    if len(tables) > 1 or (tables and bare):
        yield finding(
            "kubenet-route-tables", "vnet.subnets", tables=", ".join(sorted(tables) + (["none"] if bare else []))
        )


def _overlay_limits(r: Resolved) -> Iterator[Finding]:
    for i, p in enumerate(r.spec.nodePools):
        if p.vmSize and DCSV2.match(p.vmSize):
            yield finding("overlay-dcsv2", f"nodePools[{i}].vmSize", p.name, vm_size=p.vmSize)
    if not r.vnet_managed:
        # The VNet's resource group is not in the description; the VNet's and subnets' names are.
        names = [("VNet", r.vnet.name, "vnet.name")]
        names += [
            ("subnet", s.name, f"vnet.subnets[{k}].name")
            for k, s in enumerate(r.vnet.subnets)
            if s.name in r.pool_subnet.values()
        ]
        for what, name, where in names:
            if len(name) > OVERLAY_NAME:
                yield finding("overlay-name-length", where, name, what=what, name=name, length=len(name))
    nodes = sum(r.pool_planned.values())
    pods = sum(n * r.pool_max_pods[name] for name, n in r.pool_planned.items())
    if pods > OVERLAY_PODS:
        yield finding("overlay-pod-limit", "nodePools", nodes=nodes, pods=pods)


def _static_blocks(r: Resolved) -> Iterator[Finding]:
    from .network_models import static_blocks_per_node

    modes: dict[str, set[str]] = {}
    for i, p in enumerate(r.spec.nodePools):
        if not p.podSubnetName:
            continue
        mode = p.podIPAllocationMode.value if p.podIPAllocationMode else "DynamicIndividual"
        modes.setdefault(p.podSubnetName, set()).add(mode)
        if mode != "StaticBlock" or p.podSubnetName not in {s.name for s in r.vnet.subnets}:
            continue
        prefix = r.subnet(p.podSubnetName).addressPrefix
        if prefix.prefixlen < STATIC_POD_SUBNET_LARGEST:
            yield finding("static-pod-subnet-too-large", f"nodePools[{i}].podSubnetName", p.name, prefix=prefix)
        if r.version is not None and r.version < STATIC_BLOCK_VERSION:
            yield finding(
                "static-block-version",
                (f"nodePools[{i}].podIPAllocationMode", "kubernetesVersion"),
                p.name,
                version=r.spec.kubernetesVersion,
            )
        max_pods = r.pool_max_pods[p.name]
        blocks = static_blocks_per_node(max_pods)
        waste = blocks * 16 - 1 - max_pods
        if waste:
            yield finding(
                "static-block-waste",
                f"nodePools[{i}].maxPods",
                p.name,
                max_pods=max_pods,
                blocks=blocks,
                waste=waste,
                best=blocks * 16 - 1,
            )
    for name, used in modes.items():
        if len(used) > 1:
            i = next(k for k, s in enumerate(r.vnet.subnets) if s.name == name)
            yield finding("pod-subnet-mixed-modes", f"vnet.subnets[{i}]", name, subnet=name)


def _pools(r: Resolved) -> Iterator[Finding]:
    for i, p in enumerate(r.spec.nodePools):
        system = r.pool_mode[p.name] == "System"
        if p.osType == OSType.Windows:
            if len(p.name) > 6:
                yield finding("windows-pool-name", f"nodePools[{i}].name", p.name)
            if system:
                yield finding("windows-system-pool", f"nodePools[{i}].mode", p.name)
        if system and p.count == 0:
            yield finding("system-pool-empty", f"nodePools[{i}].count", p.name, pool=p.name)
        elif system and p.count < SYSTEM_POOL_MIN_NODES:
            yield finding("system-pool-nodes", f"nodePools[{i}].count", p.name, pool=p.name, count=p.count)
        max_pods = r.pool_max_pods[p.name]
        surge = r.pool_surge[p.name].nodes(p.count)
        if p.count + surge > POOL_INSTANCES:
            yield finding(
                "pool-surge-over-1000",
                (f"nodePools[{i}].count", f"nodePools[{i}].upgradeSettings.maxSurge"),
                p.name,
                pool=p.name,
                count=p.count,
                surge=surge,
                total=p.count + surge,
            )
        if 0 < p.count and max_pods * p.count < SYSTEM_POOL_MIN_PODS:
            yield finding(
                "system-pool-min-pods",
                (f"nodePools[{i}].maxPods", f"nodePools[{i}].count"),
                p.name,
                pool=p.name,
                pods=max_pods * p.count,
                max_pods=max_pods,
                count=p.count,
            )
    if not any(mode == "System" for mode in r.pool_mode.values()):
        yield finding("no-system-pool", "nodePools")


def _egress(r: Resolved) -> Iterator[Finding]:
    out = r.outbound_type
    if out == "managedNATGateway" and not r.vnet_managed:
        yield finding("managed-natgw-byo-vnet", ("networkProfile.outboundType", "vnet"))
    if out in ("userAssignedNATGateway", "userDefinedRouting") and r.vnet_managed:
        yield finding(f"{out}-needs-byo-vnet", ("networkProfile.outboundType", "vnet"))
    if out == "userDefinedRouting" and not r.vnet_managed:
        yield from _user_defined_routing(r)
    yield from _isolated_and_identity(r)
    if out == "none":
        yield from _outbound_none(r)
    if r.lb_sku == "basic":
        if out != "loadBalancer":
            yield finding(
                "basic-lb-outbound", ("networkProfile.loadBalancerSku", "networkProfile.outboundType"), outbound=out
            )
        yield finding("basic-lb-retired", "networkProfile.loadBalancerSku")


def _user_defined_routing(r: Resolved) -> Iterator[Finding]:
    """A BYO VNet's user-defined routing: a default route that does not go straight to the Internet."""
    net = r.spec.networkProfile
    defaults = [
        (i, k, rt)
        for i, s in enumerate(r.vnet.subnets)
        if s.routeTable
        for k, rt in enumerate(s.routeTable.routes)
        if str(rt.addressPrefix) == "0.0.0.0/0"
    ]
    if not defaults and net.egressNextHopIP is None:
        yield finding("udr-needs-default-route", ("networkProfile.outboundType", "networkProfile.egressNextHopIP"))
    for i, k, rt in defaults:
        if rt.nextHopType.value == "Internet":
            yield finding(
                "udr-default-route-internet", f"vnet.subnets[{i}].routeTable.routes[{k}].nextHopType", route=rt.name
            )
    if r.lb_sku == "standard":
        yield finding("udr-public-inbound", "networkProfile.outboundType")


def _isolated(r: Resolved) -> bool:
    """Images come from the cluster's own cache (a network-isolated cluster)."""
    boot = r.spec.bootstrapProfile
    return boot is not None and boot.artifactSource is not None and boot.artifactSource.value == "Cache"


def _isolated_and_identity(r: Resolved) -> Iterator[Finding]:
    if _isolated(r) and r.outbound_type == "none" and r.model == ModelKey.kubenet:
        yield finding("isolated-kubenet", ("networkProfile.networkPlugin", "bootstrapProfile.artifactSource"))
    if r.model == ModelKey.kubenet and not r.vnet_managed and r.identity == "SystemAssigned":
        yield finding("kubenet-identity", ("identity.type", "networkProfile.networkPlugin"), identity=r.identity)


def _outbound_none(r: Resolved) -> Iterator[Finding]:
    """No way out: the cluster must be network-isolated, and reach its API server privately."""
    if not _isolated(r):
        yield finding("outbound-none-not-isolated", ("networkProfile.outboundType", "bootstrapProfile.artifactSource"))
    api = r.spec.apiServerAccessProfile
    if not api.enablePrivateCluster and not api.enableVnetIntegration:
        yield finding(
            "outbound-none-public-api", ("networkProfile.outboundType", "apiServerAccessProfile.enablePrivateCluster")
        )


def _api_server(r: Resolved) -> Iterator[Finding]:
    yield from _api_subnet(r)
    yield from _api_access(r)


def _api_subnet(r: Resolved) -> Iterator[Finding]:
    """API Server VNet Integration's subnet: given, large enough, the API server's alone."""
    api = r.spec.apiServerAccessProfile
    if api.enableVnetIntegration and api.subnetName is None and not r.vnet_managed:
        yield finding("apiserver-subnet", "apiServerAccessProfile.subnetName")
    if api.subnetName is not None and api.subnetName in {s.name for s in r.vnet.subnets}:
        prefix = r.subnet(api.subnetName).addressPrefix
        if prefix.version == 4 and prefix.prefixlen > APISERVER_SUBNET_SMALLEST:
            yield finding(
                "apiserver-subnet-too-small", "apiServerAccessProfile.subnetName", api.subnetName, prefix=prefix
            )
        for i, p in enumerate(r.spec.nodePools):
            if r.pool_subnet[p.name] == api.subnetName:
                yield finding(
                    "apiserver-subnet-shared",
                    (f"nodePools[{i}].vnetSubnetName", "apiServerAccessProfile.subnetName"),
                    api.subnetName,
                    subnet=api.subnetName,
                    pool=p.name,
                    what="nodes",
                )
            if p.podSubnetName == api.subnetName:
                yield finding(
                    "apiserver-subnet-shared",
                    (f"nodePools[{i}].podSubnetName", "apiServerAccessProfile.subnetName"),
                    api.subnetName,
                    subnet=api.subnetName,
                    pool=p.name,
                    what="pods",
                )


def _api_access(r: Resolved) -> Iterator[Finding]:
    """Who reaches the API server: authorized ranges, a private cluster and its DNS zone."""
    api = r.spec.apiServerAccessProfile
    ranges = api.authorizedIPRanges or []
    if ranges and api.enablePrivateCluster:
        yield finding(
            "authorized-ranges-private",
            ("apiServerAccessProfile.authorizedIPRanges", "apiServerAccessProfile.enablePrivateCluster"),
        )
    limit = AUTHORIZED_RANGES_VNET_INTEGRATION if api.enableVnetIntegration else AUTHORIZED_RANGES
    if len(ranges) > limit:
        yield finding(
            "authorized-ranges-too-many", "apiServerAccessProfile.authorizedIPRanges", count=len(ranges), limit=limit
        )
    if not api.enablePrivateCluster and not ranges:
        yield finding("public-api-open", "apiServerAccessProfile.authorizedIPRanges")
    if (
        api.enablePrivateCluster
        and (api.privateDNSZone or "").lower() == "none"
        and api.enablePrivateClusterPublicFQDN is False
    ):
        yield finding(
            "private-dns-none-no-fqdn",
            ("apiServerAccessProfile.privateDNSZone", "apiServerAccessProfile.enablePrivateClusterPublicFQDN"),
        )
    if api.privateDNSZone is not None and not api.enablePrivateCluster:
        yield finding("dns-zone-public", "apiServerAccessProfile.privateDNSZone")
