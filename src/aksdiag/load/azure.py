"""`az aks show` JSON -> cluster description data (a dict for `ClusterSpec`).

Two shapes reach us: the ARM resource (`properties.networkProfile`, `vnetSubnetID`,
`dnsServiceIP`) and the `az` CLI's flattened one (no `properties`, SDK names such as
`vnetSubnetId`, `dnsServiceIp`, every unset field `null`). Keys are matched without
regard to case, enum values are brought to the API's spelling, unknown fields are
ignored, and what the document cannot tell (a BYO VNet's address space, which it
names only by resource ID) is filled with a default and listed in `assumedFields`.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from ..errors import InputError
from ..model import OSSKU
from .source import Document, Loc

_SUBNET_ID = re.compile(r"/virtualnetworks/([^/]+)/subnets/([^/]+)", re.IGNORECASE)
_RG = re.compile(r"/resourcegroups/([^/]+)/", re.IGNORECASE)

# Canonical spellings of the enum values the model knows; other values pass through
# so that validation names them.
_CANON = {
    "networkPlugin": ["kubenet", "azure", "none"],
    "networkPluginMode": ["overlay"],
    "networkPolicy": ["none", "azure", "calico", "cilium"],
    "networkDataplane": ["azure", "cilium"],
    "outboundType": ["loadBalancer", "managedNATGateway", "userAssignedNATGateway", "userDefinedRouting", "none"],
    "osType": ["Linux", "Windows"],
    "mode": ["System", "User"],
    "podIPAllocationMode": ["DynamicIndividual", "StaticBlock"],
    "ipFamilies": ["IPv4", "IPv6"],
}
# Candidate address spaces for a VNet whose prefixes the document does not carry.
_ASSUMED_SPACES = ["10.224.0.0/12", "172.16.0.0/12", "10.96.0.0/12", "192.168.0.0/16"]


def _ci(d: Any, *names: str) -> Any:
    """d[name] for the first of `names` present, matching keys without regard to case."""
    if not isinstance(d, dict):
        return None
    lowered = {str(k).lower(): v for k, v in d.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value is not None:
            return value
    return None


def _canon(field: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_canon(field, v) for v in value]
    if not isinstance(value, str):
        return value
    for known in _CANON.get(field, []):
        if known.lower() == value.lower():
            return known
    return value


def is_managed_cluster(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if str(_ci(data, "type") or "").lower().endswith("managedclusters"):
        return True
    props = _ci(data, "properties")
    return _ci(data, "agentPoolProfiles") is not None or _ci(props, "agentPoolProfiles") is not None


# Resource types a user may hand us by mistake, and the option that takes each.
_OTHER_TYPES = {
    "microsoft.network/virtualnetworks": ("a VNet", "pass it with --vnet"),
    "microsoft.network/routetables": ("a route table", "pass it with --route-table"),
    "microsoft.containerservice/managedclusters/agentpools": ("a node pool", "give the whole cluster"),
}


def cluster_document(doc: Document, cluster: str | None = None) -> Document:
    """The managed cluster in `doc`: the document itself, or one of an `az aks list` array.
    A document of another resource type is refused with what it is."""
    data = doc.data
    if isinstance(data, list) and data and all(is_managed_cluster(d) for d in data):
        names = [str(_ci(d, "name")) for d in data]
        if cluster is not None:
            if cluster not in names:
                raise InputError(doc.problem(f"no cluster named {cluster!r} in this list; it has {', '.join(names)}"))
            return doc.sub((names.index(cluster),))
        if len(data) == 1:
            return doc.sub((0,))
        raise InputError(
            doc.problem(
                f"this is a list of {len(data)} clusters (az aks list): pick one with "
                f"--cluster NAME ({', '.join(names)})"
            )
        )
    if cluster is not None and not is_managed_cluster(data):
        raise InputError(doc.problem("--cluster picks a cluster from `az aks list` output; this is not such a list"))
    if cluster is not None and str(_ci(data, "name")) != cluster:
        raise InputError(doc.problem(f"this document is cluster {_ci(data, 'name')!r}, not {cluster!r}"))
    kind = _ci(data, "type")
    if isinstance(kind, str) and "/" in kind and not is_managed_cluster(data):
        what, hint = _OTHER_TYPES.get(kind.lower(), (f"a {kind} resource", "give `az aks show` output"))
        raise InputError(doc.problem(f"this is {what} ({kind}), not a managed cluster: {hint}", ("type",)))
    if isinstance(data, dict) and str(data.get("kind")) in ("Node", "NodeList", "List"):
        raise InputError(
            doc.problem("this is a Kubernetes node list, not a managed cluster: pass it with --nodes", ("kind",))
        )
    return doc


def converted_document(doc: Document) -> Document:
    """An `az aks show` document as description data, each field positioned where Azure wrote it."""
    where: dict[Loc, Loc] = {}
    data = managed_cluster_to_spec_data(doc.data, where)
    return doc.moved(data, where)


def _subnet_ref(resource_id: Any) -> tuple[str, str] | None:
    if not isinstance(resource_id, str):
        return None
    m = _SUBNET_ID.search(resource_id)
    return (m[1], m[2]) if m else None


def _ci_at(d: Any, loc: Loc, *names: str) -> tuple[Any, Loc]:
    """Like `_ci`, also giving the path of the value in the document (for its line and column)."""
    if not isinstance(d, dict):
        return None, loc
    lowered = {str(k).lower(): k for k in d}
    for name in names:
        key = lowered.get(name.lower())
        if key is not None and d[key] is not None:
            return d[key], (*loc, key)
    return None, loc


def managed_cluster_to_spec_data(data: dict[str, Any], where: dict[Loc, Loc] | None = None) -> dict[str, Any]:
    """The description data of a managed cluster; `where` is filled with the document path
    each description field came from, so that a bad value is reported where it was written."""
    where = {} if where is None else where
    props, props_at = _ci_at(data, (), "properties")
    if not isinstance(props, dict):
        props, props_at = data, ()  # the CLI's shape has no `properties`
    net_in, net_at = _ci_at(props, props_at, "networkProfile")
    net = _network_profile(net_in if isinstance(net_in, dict) else {}, net_at, where)
    refs = _SubnetRefs()
    raw_pools, pools_at = _ci_at(props, props_at, "agentPoolProfiles")
    pools = [
        _pool(raw, (*pools_at, i), ("nodePools", i), refs, where)
        for i, raw in enumerate(raw_pools if isinstance(raw_pools, list) else [])
    ]
    api_in, api_at = _ci_at(props, props_at, "apiServerAccessProfile")
    api = _api_server(api_in, api_at, refs, where)

    spec = _cluster_fields(data, props, props_at, where)
    spec["networkProfile"] = net
    spec.update(_sku_identity_bootstrap(data, props, where))
    where[("networkProfile",)] = net_at
    assumed: list[str] = []
    if refs.subnets:
        spec["vnet"] = _assumed_vnet(
            refs.vnet_name or "vnet", refs.subnets, net, "IPv6" in (net.get("ipFamilies") or [])
        )
        assumed += ["vnet.addressPrefixes", "vnet.subnets[].addressPrefix"]
    spec["nodePools"] = pools
    where[("nodePools",)] = pools_at
    if api:
        spec["apiServerAccessProfile"] = api
        where[("apiServerAccessProfile",)] = api_at
    spec["assumedFields"] = assumed
    return spec


class _SubnetRefs:
    """The subnets the cluster names by ID, in the order first named, and the first VNet named."""

    def __init__(self) -> None:
        self.vnet_name: str | None = None
        self.subnets: list[str] = []

    def add(self, ref: tuple[str, str]) -> None:
        self.vnet_name = self.vnet_name or ref[0]
        if ref[1] not in self.subnets:
            self.subnets.append(ref[1])


def _network_profile(net_in: dict[str, Any], net_at: Loc, where: dict[Loc, Loc]) -> dict[str, Any]:
    net: dict[str, Any] = {}
    for field in (
        "networkPlugin",
        "networkPluginMode",
        "networkPolicy",
        "networkDataplane",
        "outboundType",
        "podCidr",
        "serviceCidr",
        "dockerBridgeCidr",
        "loadBalancerSku",
    ):
        value, at = _ci_at(net_in, net_at, field)
        if value is not None:
            net[field] = _canon(field, value)
            where[("networkProfile", field)] = at
    for field in ("podCidrs", "serviceCidrs", "ipFamilies"):
        value, at = _ci_at(net_in, net_at, field)
        if isinstance(value, list) and value:
            net[field] = _canon(field, value)
            where[("networkProfile", field)] = at
    dns, at = _ci_at(net_in, net_at, "dnsServiceIP", "dnsServiceIp")
    if dns is not None:
        net["dnsServiceIP"] = dns
        where[("networkProfile", "dnsServiceIP")] = at
    _outbound_ip_counts(net_in, net_at, net, where)
    if net.get("networkPolicy") == "none":
        del net["networkPolicy"]  # AKS writes `none` where nothing was chosen; same meaning
    return net


def _outbound_ip_counts(net_in: dict[str, Any], net_at: Loc, net: dict[str, Any], where: dict[Loc, Loc]) -> None:
    """The load balancer's and the managed NAT gateway's outbound IP counts, into `net`."""
    lb, lb_at = _ci_at(net_in, net_at, "loadBalancerProfile")
    count, at = _ci_at(*_ci_at(lb, lb_at, "managedOutboundIPs", "managedOutboundIps"), "count")
    if count is not None:
        net["loadBalancerOutboundIPCount"] = count
        where[("networkProfile", "loadBalancerOutboundIPCount")] = at
    nat, nat_at = _ci_at(net_in, net_at, "natGatewayProfile")
    nat_count, at = _ci_at(*_ci_at(nat, nat_at, "managedOutboundIPProfile", "managedOutboundIpProfile"), "count")
    if nat_count is not None:
        net["natGatewayProfile"] = {"managedOutboundIPCount": nat_count}
        where[("networkProfile", "natGatewayProfile", "managedOutboundIPCount")] = at


def _pool(raw: Any, raw_at: Loc, ploc: Loc, refs: _SubnetRefs, where: dict[Loc, Loc]) -> dict[str, Any]:
    """One of `agentPoolProfiles` as a node pool of the description."""
    where[ploc] = raw_at
    pool_name, at = _ci_at(raw, raw_at, "name")
    pool: dict[str, Any] = {"name": pool_name if pool_name is not None else "nodepool"}
    where[(*ploc, "name")] = at
    _pool_size(raw, raw_at, ploc, pool, where)
    _pool_machines(raw, raw_at, ploc, pool, where)
    for src, dest in (("vnetSubnetID", "vnetSubnetName"), ("podSubnetID", "podSubnetName")):
        value, at = _ci_at(raw, raw_at, src, src.replace("ID", "Id"))
        ref = _subnet_ref(value)
        if ref:
            refs.add(ref)
            pool[dest] = ref[1]
            where[(*ploc, dest)] = at
    return pool


def _pool_size(raw: Any, raw_at: Loc, ploc: Loc, pool: dict[str, Any], where: dict[Loc, Loc]) -> None:
    """A pool's node count and the autoscaler's bounds, into `pool`."""
    # An autoscaled pool may carry only minCount; a pool with neither is drawn with one node.
    count, at = _ci_at(raw, raw_at, "count", "minCount")
    pool["count"] = count if count is not None else 1
    where[(*ploc, "count")] = at
    # The autoscaler's bounds: AKS sizes subnets by maxCount, so capacity plans with it.
    auto, at = _ci_at(raw, raw_at, "enableAutoScaling")
    if auto is not None:
        pool["enableAutoScaling"] = auto
        where[(*ploc, "enableAutoScaling")] = at
    for field in ("minCount", "maxCount"):
        value, at = _ci_at(raw, raw_at, field)
        if value is not None and auto:
            pool[field] = value
            where[(*ploc, field)] = at


def _pool_machines(raw: Any, raw_at: Loc, ploc: Loc, pool: dict[str, Any], where: dict[Loc, Loc]) -> None:
    """A pool's VM size, OS, mode, pods per node, surge and pod IP allocation, into `pool`."""
    for field in ("vmSize", "osType", "mode", "maxPods"):
        value, at = _ci_at(raw, raw_at, field)
        if value is not None:
            pool[field] = _canon(field, value)
            where[(*ploc, field)] = at
    sku, at = _ci_at(raw, raw_at, "osSKU", "osSku")
    known = {v.lower(): v for v in OSSKU.__members__.values()}
    if isinstance(sku, str) and sku.lower() in known:
        pool["osSKU"] = known[sku.lower()]
        where[(*ploc, "osSKU")] = at
    surge = _ci(_ci(raw, "upgradeSettings"), "maxSurge")
    if surge is not None and re.fullmatch(r"[0-9]{1,4}%?", str(surge).strip()):
        pool["upgradeSettings"] = {"maxSurge": str(surge).strip()}
    alloc, at = _ci_at(raw, raw_at, "podIPAllocationMode", "podIpAllocationMode")
    if alloc is not None:
        pool["podIPAllocationMode"] = _canon("podIPAllocationMode", alloc)
        where[(*ploc, "podIPAllocationMode")] = at


def _api_server(api_in: Any, api_at: Loc, refs: _SubnetRefs, where: dict[Loc, Loc]) -> dict[str, Any]:
    api: dict[str, Any] = {}
    private, at = _ci_at(api_in, api_at, "enablePrivateCluster")
    if private:
        api["enablePrivateCluster"] = private
        where[("apiServerAccessProfile", "enablePrivateCluster")] = at
        _private_cluster(api_in, api_at, api, where)
    integration, at = _ci_at(api_in, api_at, "enableVnetIntegration")
    if integration:
        api["enableVnetIntegration"] = integration
        where[("apiServerAccessProfile", "enableVnetIntegration")] = at
        value, at = _ci_at(api_in, api_at, "subnetId", "subnetID")
        ref = _subnet_ref(value)
        if ref:
            api["subnetName"] = ref[1]
            where[("apiServerAccessProfile", "subnetName")] = at
            if ref[1] not in refs.subnets:  # the API server's subnet does not name the VNet for the pools
                refs.subnets.append(ref[1])
    ranges, at = _ci_at(api_in, api_at, "authorizedIPRanges", "authorizedIpRanges")
    if isinstance(ranges, list) and ranges:
        api["authorizedIPRanges"] = ranges
        where[("apiServerAccessProfile", "authorizedIPRanges")] = at
    return api


def _private_cluster(api_in: Any, api_at: Loc, api: dict[str, Any], where: dict[Loc, Loc]) -> None:
    """A private cluster's DNS zone and public FQDN, into `api`."""
    zone, at = _ci_at(api_in, api_at, "privateDNSZone", "privateDnsZone")
    if zone is not None:
        api["privateDNSZone"] = zone
        where[("apiServerAccessProfile", "privateDNSZone")] = at
    public, at = _ci_at(api_in, api_at, "enablePrivateClusterPublicFQDN", "enablePrivateClusterPublicFqdn")
    if public is not None:
        api["enablePrivateClusterPublicFQDN"] = public
        where[("apiServerAccessProfile", "enablePrivateClusterPublicFQDN")] = at


def _cluster_fields(data: Any, props: Any, props_at: Loc, where: dict[Loc, Loc]) -> dict[str, Any]:
    """The cluster's name, location, resource groups and Kubernetes version."""
    cluster_name, at = _ci_at(data, (), "name")
    spec: dict[str, Any] = {"name": cluster_name if cluster_name is not None else "cluster"}
    where[("name",)] = at
    location, at = _ci_at(data, (), "location")
    if location:
        spec["location"] = location
        where[("location",)] = at
    rg, at = _ci_at(data, (), "resourceGroup")
    if rg is None:
        rid, at = _ci_at(data, (), "id")
        m = _RG.search(rid) if isinstance(rid, str) else None
        rg = m[1] if m else None
    if rg:
        spec["resourceGroup"] = rg
        where[("resourceGroup",)] = at
    for field in ("nodeResourceGroup", "kubernetesVersion"):
        value, at = _ci_at(props, props_at, field)
        if value:
            spec[field] = value
            where[(field,)] = at
    return spec


def _sku_identity_bootstrap(data: Any, props: Any, where: dict[Loc, Loc]) -> dict[str, Any]:
    """The pricing tier, the identity's kind and where node images come from."""
    spec: dict[str, Any] = {}
    sku, sku_at = _ci_at(data, (), "sku")
    tier, at = _ci_at(sku, sku_at, "tier")
    if isinstance(tier, str):
        known_tiers = {"free": "Free", "standard": "Standard", "premium": "Premium", "paid": "Standard"}
        spec["sku"] = {"tier": known_tiers.get(tier.lower(), tier)}  # `Paid` is the old name of Standard
        where[("sku", "tier")] = at
    identity, id_at = _ci_at(data, (), "identity")
    kind, at = _ci_at(identity, id_at, "type")
    if isinstance(kind, str) and kind.lower() in ("systemassigned", "userassigned"):
        spec["identity"] = {"type": "SystemAssigned" if kind.lower() == "systemassigned" else "UserAssigned"}
        where[("identity", "type")] = at
    source = _ci(_ci(props, "bootstrapProfile"), "artifactSource")
    if isinstance(source, str) and source.lower() in ("direct", "cache"):
        spec["bootstrapProfile"] = {"artifactSource": source.capitalize()}
    return spec


def _networks(values: list[Any]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The valid ranges among `values`; a malformed one is reported by validation, not here."""
    out = []
    for v in values:
        try:
            out.append(ipaddress.ip_network(v, strict=False))  # the bridge carries a host address
        except (ValueError, TypeError):
            continue
    return out


def _assumed_vnet(vnet: str, subnets: list[str], net: dict[str, Any], dual: bool) -> dict[str, Any]:
    """A VNet for subnets known only by name: one block per subnet, in a space that none of
    the cluster's own ranges overlap, so that no finding is about a range we made up."""
    taken = _networks([net.get(k) for k in ("podCidr", "serviceCidr", "dockerBridgeCidr") if net.get(k)])
    for key in ("podCidrs", "serviceCidrs"):
        value = net.get(key)
        taken += _networks(value if isinstance(value, list) else [])
    taken_v4 = [t for t in taken if isinstance(t, ipaddress.IPv4Network)]
    free = [
        space for space in map(ipaddress.IPv4Network, _ASSUMED_SPACES) if not any(t.overlaps(space) for t in taken_v4)
    ]
    if not free:  # the cluster's ranges cover every candidate: take the largest free piece left
        free = _free_pieces(taken_v4)
    space = free[0]
    # At most one /16 per subnet, smaller when the space is small or the subnets many;
    # never below /28, the smallest subnet Azure allows.
    bits = max(0, (len(subnets) - 1).bit_length())
    prefix = min(28, max(16, space.prefixlen + bits))
    blocks = space.subnets(new_prefix=prefix)
    prefixes = [str(space)]
    if dual:
        prefixes.append("fd00:aa::/48")
    subnet_blocks: list[dict[str, Any]] = []
    for i, (name, block) in enumerate(zip(subnets, blocks)):
        sub: dict[str, Any] = {"name": name, "addressPrefix": str(block)}
        if dual:
            sub["addressPrefixIPv6"] = f"fd00:aa:0:{i + 1:x}::/64"
        subnet_blocks.append(sub)
    return {"name": vnet, "addressPrefixes": prefixes, "subnets": subnet_blocks}


def _free_pieces(taken: list[ipaddress.IPv4Network]) -> list[ipaddress.IPv4Network]:
    """Private /16s (then /24s) that none of `taken` overlaps, largest first."""
    for private in map(ipaddress.IPv4Network, ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")):
        for new_prefix in (16, 20, 24):
            for piece in private.subnets(new_prefix=new_prefix):
                if not any(t.overlaps(piece) for t in taken):
                    return [piece]
    return [ipaddress.IPv4Network("198.18.0.0/15")]  # benchmarking space: nothing real lives there
