"""AKS defaults for every field left out, and a record of which ones were assumed."""

from __future__ import annotations

import ipaddress
import zlib
from dataclasses import dataclass, field

from ..model import (
    ClusterSpec,
    IPAddress,
    IPNetwork,
    NetworkPlugin,
    NetworkProfile,
    NodePool,
    Subnet,
    VirtualNetwork,
)
from .plan import ModelKey, PodAddresses, Surge
from .profiles import PROFILES, select_model

MANAGED_VNET = ipaddress.ip_network("10.224.0.0/12")
MANAGED_SUBNET = ipaddress.ip_network("10.224.0.0/16")
DEFAULT_POD_CIDR = ipaddress.ip_network("10.244.0.0/16")
DEFAULT_SERVICE_CIDR = ipaddress.ip_network("10.0.0.0/16")
# AKS's defaults for the IPv6 half of a dual-stack cluster.
DEFAULT_POD_CIDR_V6 = ipaddress.ip_network("fd12:3456:789a::/64")
DEFAULT_SERVICE_CIDR_V6 = ipaddress.ip_network("fd12:3456:789a:1::/108")
MANAGED_SUBNET_V6 = ipaddress.IPv6Network("fd00:0:0:1::/64")

# The surge an upgrade adds when the pool does not say. Learn disagrees with itself: the rolling
# upgrade page says "AKS configures upgrades to surge with one extra node by default", while the
# large-cluster page says "AKS configures upgrades with a default value of 10% for max surge", and
# the AKS release of 2023-10-01 made 10% the default for new clusters on 1.28 and later. aksdiag
# plans with one node (DOMAIN.md's numbers rest on it) and lists the field as assumed.
DEFAULT_SURGE = Surge(count=1, assumed=True)
SURGE_SOURCES = (
    "https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling",
    "https://github.com/Azure/AKS/releases/tag/2023-10-01",
)
FREE_TIER_NODES = 1000  # free-standard-pricing-tiers: Free "Supports up to 1,000 nodes."
STANDARD_TIER_NODES = 5000  # Standard and Premium: "Supports up to 5,000 nodes."
# The version AKS creates when none is given, for rules that depend on it (1.33+: no Windows Server 2019).
CURRENT_VERSION = (1, 33)

DEFAULT_MAX_PODS = {key: profile.default_max_pods for key, profile in PROFILES.items()}


def default_plugin(spec: ClusterSpec) -> NetworkPlugin:
    """AKS's default plugin: Azure CNI Overlay from Kubernetes 1.30, kubenet before.

    Sources: azure-cni-overlay ("If you don't specify --network-plugin, AKS defaults to Azure CNI
    Overlay"); Azure/azure-rest-api-specs#30845 ("< 1.30 will remain kubenet").
    """
    version = spec.kubernetesVersion
    if version:
        parts = version.lstrip("v").split(".")
        try:
            if (int(parts[0]), int(parts[1])) < (1, 30):
                return NetworkPlugin.kubenet
        except (ValueError, IndexError):
            pass
    return NetworkPlugin.azure


def kubernetes_version(spec: ClusterSpec) -> tuple[int, int] | None:
    """(major, minor) of the description's kubernetesVersion, or None when absent or unreadable."""
    parts = (spec.kubernetesVersion or "").lstrip("v").split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (ValueError, IndexError):
        return None


def model_key(spec: ClusterSpec) -> ModelKey:
    net = spec.networkProfile
    plugin = net.networkPlugin or default_plugin(spec)
    mode = net.networkPluginMode.value if net.networkPluginMode is not None else None
    if net.networkPlugin is None and plugin == NetworkPlugin.azure:
        mode = "overlay"  # AKS's default Azure CNI is Overlay
    return select_model(plugin.value, mode, any(p.podSubnetName for p in spec.nodePools))


@dataclass
class Resolved:
    """The spec with every default filled in; `assumed` names the fields that were."""

    spec: ClusterSpec
    model: ModelKey
    aks_id: str
    vnet: VirtualNetwork
    vnet_managed: bool
    ip_families: tuple[str, ...]
    pod_cidrs: tuple[IPNetwork, ...]
    service_cidrs: tuple[IPNetwork, ...]
    dns_service_ip: IPAddress
    network_policy: str
    dataplane: str
    outbound_type: str
    lb_sku: str
    pool_max_pods: dict[str, int]
    pool_mode: dict[str, str]
    pool_subnet: dict[str, str]
    pool_surge: dict[str, Surge] = field(default_factory=dict)
    # Nodes planned per pool: maxCount when the autoscaler is on (AKS sizes subnets by it), else count.
    pool_planned: dict[str, int] = field(default_factory=dict)
    tier: str = "Free"
    node_limit: int = FREE_TIER_NODES
    identity: str | None = None  # SystemAssigned / UserAssigned, None when the input does not say
    version: tuple[int, int] | None = None
    public_fqdn: bool = True
    assumed: list[str] = field(default_factory=list)

    def subnet(self, name: str) -> Subnet:
        return next(s for s in self.vnet.subnets if s.name == name)

    def pools_on(self, subnet: str) -> list[NodePool]:
        return [p for p in self.spec.nodePools if self.pool_subnet[p.name] == subnet]


def made_up_aks_id(cluster_name: str) -> str:
    """A stable stand-in for the number AKS derives for resource names (not AKS's algorithm)."""
    return f"{zlib.crc32(cluster_name.encode()) % 100_000_000:08d}"


def _vnet(spec: ClusterSpec, aks_id: str, dual: bool, assumed: list[str]) -> VirtualNetwork:
    """The description's VNet, or the one AKS makes for a cluster without one."""
    if spec.vnet is not None:
        return spec.vnet
    assumed.append("vnet")
    return VirtualNetwork(
        name=f"aks-vnet-{aks_id}",
        addressPrefixes=[MANAGED_VNET],
        subnets=[
            Subnet(
                name="aks-subnet",
                addressPrefix=MANAGED_SUBNET,
                addressPrefixIPv6=MANAGED_SUBNET_V6 if dual else None,
            )
        ],
    )


def _pod_cidrs(net: NetworkProfile, model: ModelKey, dual: bool, assumed: list[str]) -> tuple[IPNetwork, ...]:
    """The pod CIDR(s) of a model that cuts them per node (AKS's defaults where not given), or the
    ones a BYO CNI cluster names; none for the models whose pods take VNet addresses."""
    if PROFILES[model].pod_cidr_per_node:
        pod_cidrs: tuple[IPNetwork, ...]
        if net.podCidrs:
            pod_cidrs = tuple(net.podCidrs)
        elif net.podCidr is not None:
            pod_cidrs = (net.podCidr,)
        else:
            assumed.append("networkProfile.podCidr")
            pod_cidrs = (DEFAULT_POD_CIDR,)
        if dual and not any(c.version == 6 for c in pod_cidrs):
            assumed.append("networkProfile.podCidrs[1]")
            pod_cidrs = (*pod_cidrs, DEFAULT_POD_CIDR_V6)
        return pod_cidrs
    if PROFILES[model].pod_addresses is PodAddresses.unmanaged and (net.podCidrs or net.podCidr):
        return tuple(net.podCidrs or [net.podCidr])  # type: ignore[list-item]
    return ()


def _service_cidrs(net: NetworkProfile, dual: bool, assumed: list[str]) -> tuple[IPNetwork, ...]:
    service_cidrs: tuple[IPNetwork, ...]
    if net.serviceCidrs:
        service_cidrs = tuple(net.serviceCidrs)
    elif net.serviceCidr is not None:
        service_cidrs = (net.serviceCidr,)
    else:
        assumed.append("networkProfile.serviceCidr")
        service_cidrs = (DEFAULT_SERVICE_CIDR,)
    if dual and not any(c.version == 6 for c in service_cidrs):
        assumed.append("networkProfile.serviceCidrs[1]")
        service_cidrs = (*service_cidrs, DEFAULT_SERVICE_CIDR_V6)
    return service_cidrs


def _public_fqdn(spec: ClusterSpec, assumed: list[str]) -> bool:
    api = spec.apiServerAccessProfile
    if api.enablePrivateCluster and api.enablePrivateClusterPublicFQDN is None:
        assumed.append("apiServerAccessProfile.enablePrivateClusterPublicFQDN")
    # AKS creates a public FQDN for a private cluster too, unless it is disabled (private-clusters).
    return api.enablePrivateClusterPublicFQDN is not False if api.enablePrivateCluster else True


@dataclass
class _Pools:
    """Each pool's values with AKS's defaults, by pool name."""

    max_pods: dict[str, int] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)
    subnets: dict[str, str] = field(default_factory=dict)
    surges: dict[str, Surge] = field(default_factory=dict)
    planned: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, spec: ClusterSpec, model: ModelKey, vnet: VirtualNetwork, assumed: list[str]) -> _Pools:
        out = cls()
        for i, pool in enumerate(spec.nodePools):
            out.surges[pool.name] = _surge(pool, i, assumed)
            if pool.maxPods is None:
                assumed.append(f"nodePools[{i}].maxPods")
            out.max_pods[pool.name] = pool.maxPods or DEFAULT_MAX_PODS[model]
            out.modes[pool.name] = pool.mode.value if pool.mode else ("System" if i == 0 else "User")
            out.subnets[pool.name] = pool.vnetSubnetName or vnet.subnets[0].name
            out.planned[pool.name] = max(pool.count, pool.maxCount or 0) if pool.enableAutoScaling else pool.count
        return out


def _surge(pool: NodePool, i: int, assumed: list[str]) -> Surge:
    surge = pool.upgradeSettings.maxSurge if pool.upgradeSettings else None
    if surge is None:
        assumed.append(f"nodePools[{i}].upgradeSettings.maxSurge")
        return DEFAULT_SURGE
    if surge.endswith("%"):
        return Surge(count=None, percent=int(surge[:-1]))
    return Surge(count=int(surge))


def resolve(spec: ClusterSpec) -> Resolved:
    """The description with AKS's defaults filled in; each default taken is listed in `assumed`
    (in the order of the fields, which the plan's notes keep)."""
    net = spec.networkProfile
    assumed: list[str] = list(spec.assumedFields)
    model = model_key(spec)
    if net.networkPlugin is None:
        assumed.append("networkProfile.networkPlugin")
        if PROFILES[model].plugin_mode is not None:
            assumed.append("networkProfile.networkPluginMode")

    aks_id = spec.aksId or made_up_aks_id(spec.name)
    if spec.aksId is None:
        assumed.append("aksId")

    families = tuple(f.value for f in net.ipFamilies) if net.ipFamilies else ("IPv4",)
    dual = "IPv6" in families
    vnet = _vnet(spec, aks_id, dual, assumed)
    pod_cidrs = _pod_cidrs(net, model, dual, assumed)
    service_cidrs = _service_cidrs(net, dual, assumed)
    if net.dnsServiceIP is not None:
        dns = net.dnsServiceIP
    else:
        assumed.append("networkProfile.dnsServiceIP")
        dns = service_cidrs[0].network_address + 10

    dataplane = net.networkDataplane.value if net.networkDataplane else "azure"
    # Azure CNI powered by Cilium enforces policy with Cilium, always.
    policy = net.networkPolicy.value if net.networkPolicy is not None else "cilium" if dataplane == "cilium" else "none"
    outbound = net.outboundType.value if net.outboundType else "loadBalancer"
    if net.outboundType is None:
        assumed.append("networkProfile.outboundType")
    lb_sku = net.loadBalancerSku or "standard"
    public_fqdn = _public_fqdn(spec, assumed)
    pools = _Pools.of(spec, model, vnet, assumed)
    max_pods, modes, subnets, surges, planned = pools.max_pods, pools.modes, pools.subnets, pools.surges, pools.planned

    tier = spec.sku.tier.value if spec.sku is not None and spec.sku.tier is not None else None
    if tier is None:
        assumed.append("sku.tier")  # az aks create's default is Free

    return Resolved(
        spec=spec,
        model=model,
        aks_id=aks_id,
        vnet=vnet,
        vnet_managed=spec.vnet is None,
        ip_families=families,
        pod_cidrs=pod_cidrs,
        service_cidrs=service_cidrs,
        dns_service_ip=dns,
        network_policy=policy,
        dataplane=dataplane,
        outbound_type=outbound,
        lb_sku=lb_sku,
        pool_max_pods=max_pods,
        pool_mode=modes,
        pool_subnet=subnets,
        pool_surge=surges,
        pool_planned=planned,
        tier=tier or "Free",
        node_limit=FREE_TIER_NODES if (tier or "Free") == "Free" else STANDARD_TIER_NODES,
        identity=spec.identity.type.value if spec.identity is not None and spec.identity.type is not None else None,
        version=kubernetes_version(spec),
        public_fqdn=public_fqdn,
        assumed=assumed,
    )
