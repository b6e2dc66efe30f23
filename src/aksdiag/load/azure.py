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

from ..model import OSSKU

_SUBNET_ID = re.compile(r"/virtualnetworks/([^/]+)/subnets/([^/]+)", re.I)
_RG = re.compile(r"/resourcegroups/([^/]+)/", re.I)

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


def _subnet_ref(resource_id: Any) -> tuple[str, str] | None:
    if not isinstance(resource_id, str):
        return None
    m = _SUBNET_ID.search(resource_id)
    return (m[1], m[2]) if m else None


def managed_cluster_to_spec_data(data: dict[str, Any], name: str) -> dict[str, Any]:
    props = _ci(data, "properties") or data  # the CLI's shape has no `properties`
    net_in = _ci(props, "networkProfile") or {}
    assumed: list[str] = []

    net: dict[str, Any] = {}
    for field in ("networkPlugin", "networkPluginMode", "networkPolicy", "networkDataplane", "outboundType",
                  "podCidr", "serviceCidr", "dockerBridgeCidr", "loadBalancerSku"):
        value = _ci(net_in, field)
        if value is not None:
            net[field] = _canon(field, value)
    for field in ("podCidrs", "serviceCidrs", "ipFamilies"):
        value = _ci(net_in, field)
        if isinstance(value, list) and value:
            net[field] = _canon(field, value)
    dns = _ci(net_in, "dnsServiceIP", "dnsServiceIp")
    if dns is not None:
        net["dnsServiceIP"] = dns
    lb = _ci(net_in, "loadBalancerProfile")
    count = _ci(_ci(lb, "managedOutboundIPs", "managedOutboundIps"), "count")
    if isinstance(count, int) and count > 0:
        net["loadBalancerOutboundIPCount"] = count
    nat = _ci(net_in, "natGatewayProfile")
    nat_count = _ci(_ci(nat, "managedOutboundIPProfile", "managedOutboundIpProfile"), "count")
    if isinstance(nat_count, int) and nat_count > 0:
        net["natGatewayProfile"] = {"managedOutboundIPCount": nat_count}
    if net.get("networkPolicy") == "none":
        del net["networkPolicy"]  # AKS writes `none` where nothing was chosen; same meaning

    pools, subnets_seen, vnet_name = [], [], None
    for raw in _ci(props, "agentPoolProfiles") or []:
        pool: dict[str, Any] = {"name": str(_ci(raw, "name") or "nodepool")}
        count = _ci(raw, "count")
        if count is None:
            count = _ci(raw, "minCount")
        pool["count"] = count if isinstance(count, int) else 1
        for field in ("vmSize", "osType", "mode", "maxPods"):
            value = _ci(raw, field)
            if value is not None:
                pool[field] = _canon(field, value)
        sku = _ci(raw, "osSKU", "osSku")
        known = {v.lower(): v for v in OSSKU.__members__.values()}
        if isinstance(sku, str) and sku.lower() in known:
            pool["osSKU"] = known[sku.lower()]
        surge = _ci(_ci(raw, "upgradeSettings"), "maxSurge")
        if surge is not None and re.fullmatch(r"[0-9]{1,4}%?", str(surge).strip()):
            pool["upgradeSettings"] = {"maxSurge": str(surge).strip()}
        alloc = _ci(raw, "podIPAllocationMode", "podIpAllocationMode")
        if alloc is not None:
            pool["podIPAllocationMode"] = _canon("podIPAllocationMode", alloc)
        for src, dest in (("vnetSubnetID", "vnetSubnetName"), ("podSubnetID", "podSubnetName")):
            ref = _subnet_ref(_ci(raw, src, src.replace("ID", "Id")))
            if ref:
                vnet_name = vnet_name or ref[0]
                pool[dest] = ref[1]
                if ref[1] not in subnets_seen:
                    subnets_seen.append(ref[1])
        pools.append(pool)

    api_in = _ci(props, "apiServerAccessProfile") or {}
    api: dict[str, Any] = {}
    if _ci(api_in, "enablePrivateCluster"):
        api["enablePrivateCluster"] = True
        zone = _ci(api_in, "privateDNSZone", "privateDnsZone")
        if zone is not None:
            api["privateDNSZone"] = zone
        public = _ci(api_in, "enablePrivateClusterPublicFQDN", "enablePrivateClusterPublicFqdn")
        if public is not None:
            api["enablePrivateClusterPublicFQDN"] = bool(public)
    if _ci(api_in, "enableVnetIntegration"):
        api["enableVnetIntegration"] = True
        ref = _subnet_ref(_ci(api_in, "subnetId", "subnetID"))
        if ref:
            api["subnetName"] = ref[1]
            if ref[1] not in subnets_seen:
                subnets_seen.append(ref[1])
    ranges = _ci(api_in, "authorizedIPRanges", "authorizedIpRanges")
    if isinstance(ranges, list) and ranges:
        api["authorizedIPRanges"] = ranges

    spec: dict[str, Any] = {"name": str(_ci(data, "name") or "cluster")}
    location = _ci(data, "location")
    if location:
        spec["location"] = location
    rg = _ci(data, "resourceGroup")
    if rg is None:
        m = _RG.search(str(_ci(data, "id") or ""))
        rg = m[1] if m else None
    if rg:
        spec["resourceGroup"] = rg
    for field in ("nodeResourceGroup", "kubernetesVersion"):
        value = _ci(props, field)
        if value:
            spec[field] = str(value)
    spec["networkProfile"] = net
    source = _ci(_ci(props, "bootstrapProfile"), "artifactSource")
    if isinstance(source, str) and source.lower() in ("direct", "cache"):
        spec["bootstrapProfile"] = {"artifactSource": source.capitalize()}
    if subnets_seen:
        spec["vnet"] = _assumed_vnet(vnet_name or "vnet", subnets_seen, net, "IPv6" in (net.get("ipFamilies") or []))
        assumed += ["vnet.addressPrefixes", "vnet.subnets[].addressPrefix"]
    spec["nodePools"] = pools
    if api:
        spec["apiServerAccessProfile"] = api
    spec["assumedFields"] = assumed
    return spec


def _assumed_vnet(vnet: str, subnets: list[str], net: dict[str, Any], dual: bool) -> dict[str, Any]:
    """A VNet for subnets known only by name: /16s of a space that none of the cluster's own ranges overlap."""
    taken = []
    for key in ("podCidr", "serviceCidr", "dockerBridgeCidr"):  # strict=False: the bridge carries a host address
        if net.get(key):
            taken.append(ipaddress.ip_network(net[key], strict=False))
    for key in ("podCidrs", "serviceCidrs"):
        taken += [ipaddress.ip_network(c, strict=False) for c in net.get(key) or []]
    space = next(ipaddress.ip_network(s) for s in _ASSUMED_SPACES
                 if not any(t.version == 4 and t.overlaps(ipaddress.ip_network(s)) for t in taken))
    blocks = list(space.subnets(new_prefix=max(space.prefixlen, 16)))
    out = {"name": vnet, "addressPrefixes": [str(space)], "subnets": []}
    if dual:
        out["addressPrefixes"].append("fd00:aa::/48")
    for i, name in enumerate(subnets):
        sub: dict[str, Any] = {"name": name, "addressPrefix": str(blocks[i % len(blocks)])}
        if dual:
            sub["addressPrefixIPv6"] = f"fd00:aa:0:{i + 1:x}::/64"
        out["subnets"].append(sub)
    return out
