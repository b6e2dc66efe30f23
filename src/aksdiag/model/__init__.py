"""The cluster description: what a user writes (or `aksdiag import` writes) in YAML.

Field names are those of the ARM API's `managedClusters` resource (`networkProfile`,
`podCidr`, `dnsServiceIP`, `outboundType`, ...) so that a value can be looked up in the
Azure docs under the same name. A field left out is `None` here; the AKS default for it
is chosen in `derive`, which also records that it was assumed, so the diagram can say so.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _written_as_text(value: Any) -> Any:
    # ipaddress reads an integer as an address (167772170 is 10.0.0.10): a description
    # that holds a number where an address belongs has a mistake, not an address.
    if isinstance(value, (bool, int, float)):
        raise ValueError("an address is written as text, like 10.0.0.10 or 10.244.0.0/16, not as a number")
    return value


# Field types: strict where lax parsing would silently change a value (`true` as 1,
# `5.0` as 5, an integer as an IP address).
Count = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]
NetworkField = Annotated[IPNetwork, BeforeValidator(_written_as_text)]
AddressField = Annotated[IPAddress, BeforeValidator(_written_as_text)]
Network6Field = Annotated[ipaddress.IPv6Network, BeforeValidator(_written_as_text)]
InterfaceField = Annotated[ipaddress.IPv4Interface, BeforeValidator(_written_as_text)]


# Ranges no VNet can hold (virtual-networks-faq: multicast, broadcast, loopback, Azure's DNS
# address; IPv6: the unspecified address, loopback, link-local and multicast).
_NOT_FOR_VNETS = tuple(
    ipaddress.ip_network(r)
    for r in (
        "224.0.0.0/4",
        "ff00::/8",
        "255.255.255.255/32",
        "127.0.0.0/8",
        "168.63.129.16/32",
        "fe80::/10",
        "::1/128",
        "::/128",
    )
)
VNET_LARGEST = 8  # concepts-network-ip-address-planning: "Max size /8."
SUBNET_SMALLEST = 29  # virtual-networks-faq: "The smallest supported IPv4 subnet is /29"
SUBNET_V6 = 64  # virtual-networks-faq: "IPv6 subnets must be exactly /64 in size."


def _one_per_family(ranges: list[IPNetwork] | None) -> list[IPNetwork] | None:
    """A list of ranges holds one range per address family, IPv4 first (azure-cni-overlay: "The count
    and order of ranges in this list must match the value provided to --ip-families")."""
    if ranges is None:
        return None
    if len(ranges) > 2:
        raise ValueError(f"holds {len(ranges)} ranges; one per address family (IPv4, then IPv6) at most")
    if len(ranges) == 2 and ranges[0].version == ranges[1].version:
        raise ValueError(
            f"{ranges[0]} and {ranges[1]} are both IPv{ranges[0].version}; give one IPv4 range, then one IPv6 range"
        )
    return ranges


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class NetworkPlugin(StrEnum):
    kubenet = "kubenet"
    azure = "azure"
    none = "none"


class NetworkPluginMode(StrEnum):
    overlay = "overlay"


class NetworkPolicy(StrEnum):
    none = "none"
    azure = "azure"
    calico = "calico"
    cilium = "cilium"


class NetworkDataplane(StrEnum):
    azure = "azure"
    cilium = "cilium"


class OutboundType(StrEnum):
    loadBalancer = "loadBalancer"
    managedNATGateway = "managedNATGateway"
    userAssignedNATGateway = "userAssignedNATGateway"
    userDefinedRouting = "userDefinedRouting"
    none = "none"


class IPFamily(StrEnum):
    IPv4 = "IPv4"
    IPv6 = "IPv6"


class OSType(StrEnum):
    Linux = "Linux"
    Windows = "Windows"


class OSSKU(StrEnum):
    """`osSKU` of an agent pool (ARM values); Windows2019 matters to the network models."""

    Ubuntu = "Ubuntu"
    Ubuntu2204 = "Ubuntu2204"
    Ubuntu2404 = "Ubuntu2404"
    AzureLinux = "AzureLinux"
    AzureLinux3 = "AzureLinux3"
    CBLMariner = "CBLMariner"
    Mariner = "Mariner"
    Windows2019 = "Windows2019"
    Windows2022 = "Windows2022"
    Windows2025 = "Windows2025"
    WindowsAnnual = "WindowsAnnual"


class ConnectedKind(StrEnum):
    peeredVNet = "peeredVNet"
    onPremises = "onPremises"
    expressRoute = "expressRoute"
    vpn = "vpn"
    other = "other"


class GatewayKind(StrEnum):
    expressRoute = "expressRoute"
    vpn = "vpn"


class FirewallKind(StrEnum):
    azureFirewall = "azureFirewall"
    nva = "nva"


class ArtifactSource(StrEnum):
    Direct = "Direct"
    Cache = "Cache"


class Tier(StrEnum):
    """`sku.tier` of a managed cluster: it decides the node limit (Free 1,000; Standard, Premium 5,000)."""

    Free = "Free"
    Standard = "Standard"
    Premium = "Premium"


class IdentityType(StrEnum):
    SystemAssigned = "SystemAssigned"
    UserAssigned = "UserAssigned"


class PoolMode(StrEnum):
    System = "System"
    User = "User"


class PodIPAllocationMode(StrEnum):
    DynamicIndividual = "DynamicIndividual"
    StaticBlock = "StaticBlock"


class ByoCni(StrEnum):
    """The CNI a user installs themselves when `networkPlugin` is `none` (not an ARM field)."""

    cilium = "cilium"
    calico = "calico"
    flannel = "flannel"
    weave = "weave"
    canal = "canal"
    other = "other"


class NextHopType(StrEnum):
    VirtualAppliance = "VirtualAppliance"
    Internet = "Internet"
    VnetLocal = "VnetLocal"
    VirtualNetworkGateway = "VirtualNetworkGateway"
    None_ = "None"


class Route(_Strict):
    """A route in a route table, named and shaped as in `az network route-table route`."""

    name: str = Field(min_length=1, description="Route name.")
    addressPrefix: NetworkField = Field(description="Destination prefix, e.g. `0.0.0.0/0`.")
    nextHopType: NextHopType = Field(description="`VirtualAppliance`, `Internet`, ...")
    nextHopIpAddress: AddressField | None = Field(
        default=None, description="Required when nextHopType is VirtualAppliance."
    )

    @model_validator(mode="after")
    def _next_hop_ip(self) -> Route:
        if self.nextHopType == NextHopType.VirtualAppliance and self.nextHopIpAddress is None:
            raise ValueError("nextHopIpAddress is required when nextHopType is VirtualAppliance")
        return self


class RouteTable(_Strict):
    """A route table you bring (kubenet BYO or userDefinedRouting); AKS adds its pod routes to it."""

    name: str = Field(min_length=1)
    routes: list[Route] = Field(default_factory=list, description="Your own routes.")


class NATGatewayRef(_Strict):
    """A NAT gateway you associated with a subnet (`az network vnet subnet update --nat-gateway`)."""

    name: str = Field(min_length=1)
    publicIPAddresses: list[AddressField] = Field(default_factory=list, description="Its public IPs, if known.")


class Subnet(_Strict):
    name: str = Field(min_length=1, description="Subnet name, e.g. `aks-nodes`.")

    @field_validator("addressPrefix")
    @classmethod
    def _v4_subnet(cls, v: IPNetwork) -> IPNetwork:
        if v.version != 4:
            raise ValueError(f"{v} is IPv6; addressPrefix is the subnet's IPv4 range (IPv6 goes in addressPrefixIPv6)")
        if v.prefixlen > SUBNET_SMALLEST:
            raise ValueError(f"{v} is smaller than /{SUBNET_SMALLEST}, the smallest subnet Azure supports")
        return v

    @field_validator("addressPrefixIPv6")
    @classmethod
    def _v6_subnet(cls, v: ipaddress.IPv6Network | None) -> ipaddress.IPv6Network | None:
        if v is not None and v.prefixlen != SUBNET_V6:
            raise ValueError(f"an Azure IPv6 subnet is exactly /{SUBNET_V6}")
        return v

    addressPrefix: NetworkField = Field(description="IPv4 prefix, e.g. `192.168.1.0/24`.")
    addressPrefixIPv6: Network6Field | None = Field(
        default=None, description="The subnet's IPv6 prefix, for dual-stack clusters."
    )
    routeTable: RouteTable | None = Field(
        default=None, description="A route table you associated with the subnet before creating the cluster."
    )
    networkSecurityGroup: str | None = Field(default=None, description="Name of an NSG you associated with the subnet.")
    natGateway: NATGatewayRef | None = Field(
        default=None, description="A NAT gateway associated with the subnet (userAssignedNATGateway)."
    )


class VirtualNetwork(_Strict):
    """A VNet you bring. Leave `vnet` out for an AKS-managed VNet."""

    name: str = Field(min_length=1)
    addressPrefixes: list[NetworkField] = Field(min_length=1)
    subnets: list[Subnet] = Field(min_length=1, max_length=3000)  # Azure: 3,000 subnets per VNet

    @field_validator("addressPrefixes")
    @classmethod
    def _address_space(cls, prefixes: list[IPNetwork]) -> list[IPNetwork]:
        for i, p in enumerate(prefixes):
            if p.version == 4 and p.prefixlen < VNET_LARGEST:
                raise ValueError(f"{p} is larger than /{VNET_LARGEST}, the largest VNet address space")
            bad = next((b for b in _NOT_FOR_VNETS if b.version == p.version and b.overlaps(p)), None)
            if bad is not None:
                raise ValueError(
                    f"{p} overlaps {bad}, which no VNet can hold (multicast, loopback, link-local or "
                    "Azure's own addresses)"
                )
            for q in prefixes[:i]:
                if q.version == p.version and q.overlaps(p):
                    raise ValueError(f"{p} overlaps {q}; a VNet's address ranges cannot overlap")
        return prefixes

    @field_validator("subnets")
    @classmethod
    def _unique_names(cls, subnets: list[Subnet]) -> list[Subnet]:
        names = [s.name for s in subnets]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"subnet names must be unique; repeated: {', '.join(dupes)}")
        return subnets


MAX_POOLS = 100  # AKS's limit; with 1,000 nodes a pool it also bounds what derive plans
_POOL_NAME = re.compile(r"^[a-z][a-z0-9]{0,11}$")


_SURGE = re.compile(r"^([0-9]{1,4})(%?)$")


class UpgradeSettings(_Strict):
    maxSurge: str | None = Field(
        default=None,
        description="Extra nodes during an upgrade: a count (`1`, AKS's default) or a percentage of the pool "
        "(`33%`, recommended).",
    )

    @field_validator("maxSurge", mode="before")
    @classmethod
    def _surge(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError("must be a node count like 1 or a percentage like 33%")
        if isinstance(v, int):
            v = str(v)
        if v is None:
            return v
        m = _SURGE.match(str(v).strip())
        if not m or (m[2] and not 1 <= int(m[1]) <= 100):
            raise ValueError("must be a node count like 1 or a percentage from 1% to 100% like 33%")
        return str(v).strip()


class NodePool(_Strict):
    """An agent pool (`az aks nodepool add`); nodes are VMSS instances."""

    name: str = Field(description="Lowercase letters and digits, starting with a letter; 12 at most (6 for Windows).")
    count: Count = Field(default=3, ge=0, le=1000, description="Number of nodes.")
    vmSize: str | None = Field(
        default=None, min_length=1, description="Left out: AKS picks a default size for the region (since May 2025)."
    )
    osType: OSType = OSType.Linux
    osSKU: OSSKU | None = Field(default=None, description="Ubuntu, AzureLinux, Windows2019, Windows2022, ...")
    upgradeSettings: UpgradeSettings | None = Field(
        default=None, description="`maxSurge`: nodes added during an upgrade; capacity keeps room for them."
    )
    mode: PoolMode | None = Field(
        default=None, description="Defaults to System for the first pool, User for the others."
    )
    enableAutoScaling: Flag | None = Field(
        default=None,
        description="Cluster autoscaler on this pool; capacity is planned at maxCount, as AKS sizes subnets by it.",
    )
    minCount: Count | None = Field(default=None, ge=0, le=1000, description="Autoscaler: fewest nodes.")
    maxCount: Count | None = Field(default=None, ge=0, le=1000, description="Autoscaler: most nodes.")
    maxPods: Count | None = Field(
        default=None, ge=10, le=250, description="Defaults: kubenet 110, Azure CNI 30, Overlay 250."
    )
    vnetSubnetName: str | None = Field(
        default=None, description="Name of the subnet in `vnet` for this pool's nodes; defaults to the first subnet."
    )
    podSubnetName: str | None = Field(
        default=None, description="Azure CNI Pod Subnet: name of the subnet in `vnet` for this pool's pods."
    )
    podIPAllocationMode: PodIPAllocationMode | None = Field(
        default=None, description="Pod Subnet only: DynamicIndividual (default) or StaticBlock."
    )

    @model_validator(mode="after")
    def _autoscaler(self) -> NodePool:
        if self.minCount is not None and self.maxCount is not None and self.minCount > self.maxCount:
            raise ValueError(f"minCount {self.minCount} is more than maxCount {self.maxCount}")
        if self.enableAutoScaling and self.maxCount is None:
            raise ValueError("enableAutoScaling needs maxCount (and minCount)")
        return self

    @field_validator("name")
    @classmethod
    def _pool_name(cls, name: str) -> str:
        if not _POOL_NAME.match(name):
            raise ValueError("must be 1-12 lowercase letters or digits, starting with a letter (AKS agent pool naming)")
        return name


class NATGateway(_Strict):
    managedOutboundIPCount: Count = Field(default=1, ge=1, le=16)
    idleTimeoutInMinutes: Count | None = Field(default=None, ge=4, le=120)


class NetworkProfile(_Strict):
    networkPlugin: NetworkPlugin | None = Field(
        default=None,
        description="kubenet, azure or none. Left out: azure with overlay (Kubernetes 1.30 and later; kubenet before).",
    )
    networkPluginMode: NetworkPluginMode | None = Field(default=None, description="`overlay` with networkPlugin azure.")
    networkPolicy: NetworkPolicy | None = None
    networkDataplane: NetworkDataplane | None = None
    byoCni: ByoCni | None = Field(
        default=None, description="Which CNI you install when networkPlugin is none (aksdiag only)."
    )
    podCidr: NetworkField | None = Field(default=None, description="kubenet and Overlay; default 10.244.0.0/16.")
    podCidrs: list[NetworkField] | None = Field(default=None, description="Dual-stack: one per family.")
    serviceCidr: NetworkField | None = Field(default=None, description="Default 10.0.0.0/16.")
    serviceCidrs: list[NetworkField] | None = None
    dnsServiceIP: AddressField | None = Field(
        default=None, description="Inside serviceCidr, never its first address; default .10."
    )
    dockerBridgeCidr: InterfaceField | None = Field(
        default=None, description="Legacy clusters only: the bridge's address and prefix, e.g. 172.17.0.1/16."
    )
    ipFamilies: list[IPFamily] | None = Field(default=None, description="[IPv4] or [IPv4, IPv6].")
    outboundType: OutboundType | None = None
    loadBalancerSku: str | None = Field(default=None, description="standard (default) or basic.")
    loadBalancerOutboundIPCount: Count | None = Field(default=None, ge=1, le=100)
    natGatewayProfile: NATGateway | None = None
    egressNextHopIP: AddressField | None = Field(
        default=None, description="userDefinedRouting: the firewall or NVA that the 0.0.0.0/0 route points at."
    )

    @field_validator("podCidrs", "serviceCidrs")
    @classmethod
    def _families(cls, v: list[IPNetwork] | None) -> list[IPNetwork] | None:
        return _one_per_family(v)

    @field_validator("podCidr", "serviceCidr")
    @classmethod
    def _v4_first(cls, v: IPNetwork | None) -> IPNetwork | None:
        if v is not None and v.version != 4:
            raise ValueError(
                f"{v} is IPv6; this field holds the IPv4 range (a dual-stack cluster lists both in the "
                "plural field, IPv4 first)"
            )
        return v

    @model_validator(mode="after")
    def _families_agree(self) -> NetworkProfile:
        families = [f.value for f in self.ipFamilies] if self.ipFamilies else None
        for single, plural in (("podCidr", "podCidrs"), ("serviceCidr", "serviceCidrs")):
            one, many = getattr(self, single), getattr(self, plural)
            if one is not None and many and one != many[0]:
                raise ValueError(f"{single} {one} and {plural}[0] {many[0]} differ; give the same range or only one")
            if many and families is not None and [f"IPv{c.version}" for c in many] != families[: len(many)]:
                raise ValueError(
                    f"{plural} ({', '.join(map(str, many))}) must match ipFamilies "
                    f"({', '.join(families)}) in count and order"
                )
            if many and families is not None and len(many) > len(families):
                raise ValueError(f"{plural} has {len(many)} ranges but ipFamilies names {len(families)}")
            if many and len(many) == 2 and families is None:
                raise ValueError(f"{plural} has an IPv6 range; a dual-stack cluster sets ipFamilies [IPv4, IPv6]")
        return self

    @field_validator("loadBalancerSku")
    @classmethod
    def _sku(cls, v: str | None) -> str | None:
        if v is not None and v.lower() not in ("standard", "basic"):
            raise ValueError("must be standard or basic")
        return v.lower() if v else v


class APIServerAccess(_Strict):
    enablePrivateCluster: Flag = False
    privateDNSZone: str | None = Field(default=None, description="`system`, `none` or a private DNS zone resource ID.")
    enablePrivateClusterPublicFQDN: Flag | None = Field(
        default=None, description="Private clusters: AKS creates a public FQDN too unless this is false."
    )
    enableVnetIntegration: Flag = Field(default=False, description="API server VNet integration.")
    subnetName: str | None = Field(
        default=None, description="VNet integration: the delegated API server subnet in `vnet`."
    )
    authorizedIPRanges: list[NetworkField] | None = None


class ConnectedNetwork(_Strict):
    """A network the cluster's VNet reaches: pod, service, VNet and bridge ranges must not overlap it."""

    name: str = Field(min_length=1, description="e.g. `hub-vnet` or `datacenter`.")
    kind: ConnectedKind = Field(
        default=ConnectedKind.other, description="peeredVNet, onPremises, expressRoute, vpn or other."
    )
    addressPrefixes: list[NetworkField] = Field(min_length=1)
    gateway: str | None = Field(default=None, description="On-premises: the hub gateway that reaches it.")


class Gateway(_Strict):
    """A virtual network gateway in the hub's GatewaySubnet."""

    name: str = Field(min_length=1)
    kind: GatewayKind = Field(description="expressRoute or vpn (`gatewayType` ExpressRoute / Vpn).")


class Peering(_Strict):
    """The spoke's peering to the hub, as `az network vnet peering show` names its fields."""

    name: str | None = None
    peeringState: str | None = Field(default=None, description="Connected, Initiated or Disconnected.")
    allowForwardedTraffic: Flag | None = None
    useRemoteGateways: Flag | None = Field(default=None, description="The spoke uses the hub's gateways.")


class HubNetwork(_Strict):
    """The hub VNet the cluster's VNet is peered to (an Azure landing zone's connectivity hub)."""

    name: str = Field(min_length=1)
    addressPrefixes: list[NetworkField] = Field(min_length=1)
    subnets: list[Subnet] = Field(
        default_factory=list, max_length=3000, description="AzureFirewallSubnet, GatewaySubnet, ..."
    )
    gateways: list[Gateway] = Field(default_factory=list, description="ExpressRoute or VPN gateways.")
    peering: Peering | None = None


class Firewall(_Strict):
    """The firewall or network virtual appliance the 0.0.0.0/0 route sends to."""

    name: str = Field(min_length=1)
    kind: FirewallKind = Field(default=FirewallKind.azureFirewall, description="azureFirewall or nva.")
    privateIPAddress: AddressField | None = Field(
        default=None, description="The IP the route table's 0.0.0.0/0 points at."
    )
    publicIPAddresses: list[AddressField] = Field(
        default_factory=list, description="The source of packets leaving to the Internet."
    )
    publicIPName: str | None = Field(default=None, description="The public IP resource, when its address is not known.")
    vnetName: str | None = Field(
        default=None, description="The VNet that holds it: the hub's (default) or the cluster's own."
    )


class PrivateDNSZone(_Strict):
    """A private DNS zone (the private API server's) and the VNets it is linked to."""

    name: str = Field(min_length=1, description="e.g. privatelink.westeurope.azmk8s.io")
    links: list[str] = Field(default_factory=list, description="Names of the VNets linked to the zone.")


class ClusterSku(_Strict):
    name: str | None = Field(default=None, description="`Base` (or `Automatic`).")
    tier: Tier | None = Field(
        default=None,
        description="Free (az aks create's default: up to 1,000 nodes), Standard or Premium (up to 5,000).",
    )


class ManagedIdentity(_Strict):
    type: IdentityType | None = Field(
        default=None, description="SystemAssigned or UserAssigned: the cluster's control-plane identity."
    )


class BootstrapProfile(_Strict):
    artifactSource: ArtifactSource | None = Field(
        default=None, description="`Cache` for a network isolated cluster (needed by outboundType none)."
    )


class ClusterSpec(_Strict):
    """An AKS cluster's network design."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        frozen=True,
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    name: str = Field(min_length=1, description="The managed cluster's name.")
    location: str | None = Field(default=None, description="Azure region, e.g. westeurope.")
    resourceGroup: str | None = None
    nodeResourceGroup: str | None = Field(default=None, description="Default MC_<rg>_<name>_<location>.")
    kubernetesVersion: str | None = None
    aksId: str | None = Field(
        default=None,
        pattern=r"^[0-9]{8}$",
        description="The 8-digit number AKS puts in resource names (aks-nodepool1-<aksId>-vmss). Made up if left out.",
    )
    networkProfile: NetworkProfile = Field(default_factory=NetworkProfile)
    vnet: VirtualNetwork | None = Field(default=None, description="Your own VNet; leave out for an AKS-managed VNet.")
    # AKS limits: 100 node pools and 5,000 nodes per cluster. Checked here, before any
    # address is planned, so that a hostile file cannot make derive plan millions of nodes.
    nodePools: Annotated[list[NodePool], Field(min_length=1, max_length=MAX_POOLS)]
    apiServerAccessProfile: APIServerAccess = Field(default_factory=APIServerAccess)
    assumedFields: list[str] = Field(
        default_factory=list,
        description="Fields an importer filled with defaults because the source did not say; drawn as assumed.",
    )
    connectedNetworks: list[ConnectedNetwork] = Field(
        default_factory=list,
        description="Peered VNets, on-premises, ExpressRoute or VPN ranges the cluster's ranges must not overlap.",
    )
    bootstrapProfile: BootstrapProfile | None = None
    sku: ClusterSku | None = Field(default=None, description="`tier` decides the node limit.")
    identity: ManagedIdentity | None = Field(default=None, description="The cluster identity's `type`.")
    hub: HubNetwork | None = Field(default=None, description="The hub VNet the cluster's VNet is peered to.")
    firewall: Firewall | None = Field(default=None, description="The firewall or NVA egress goes through.")
    privateDNSZones: list[PrivateDNSZone] = Field(
        default_factory=list, description="Private DNS zones and the VNets linked to them."
    )

    @field_validator("nodePools")
    @classmethod
    def _unique_pools(cls, pools: list[NodePool]) -> list[NodePool]:
        names = [p.name for p in pools]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"node pool names must be unique; repeated: {', '.join(dupes)}")
        return pools


def json_schema() -> dict[str, Any]:
    schema = ClusterSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "aksdiag cluster description"
    return schema
