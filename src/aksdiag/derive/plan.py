"""The address plan: every address, block, route and path the diagram shows, computed.

These types are the contract between `derive` (which computes them from a
`ClusterSpec`) and `scene` (which decides how to draw them). They hold facts, not
wording: the scene chooses the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Interface

from ..model import IPAddress, IPNetwork


class ModelKey(StrEnum):
    """The network model; each has one derive function and one template partial."""

    kubenet = "kubenet"
    azure_cni_node_subnet = "azure-cni-node-subnet"
    azure_cni_overlay = "azure-cni-overlay"
    azure_cni_pod_subnet = "azure-cni-pod-subnet"
    byo_cni = "byo-cni"


class CrossNode(StrEnum):
    """How a pod's packet reaches a pod on another node."""

    udr = "udr"  # route table, one route per node, IP forwarding on the NIC
    vnet = "vnet"  # pod IPs are VNet IPs: plain VNet routing
    overlay = "overlay"  # Azure routes the pod CIDR for the cluster, no UDRs
    cni = "cni"  # whatever the user's CNI does


class SourceIP(StrEnum):
    pod = "pod"
    node = "node"


class Severity(StrEnum):
    error = "error"  # AKS refuses this; rendering stops unless drawUnsupported
    warning = "warning"  # allowed, but likely to hurt
    note = "note"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    rule: str  # short stable id, e.g. `kubenet-windows`
    message: str
    fields: tuple[str, ...] = ()
    subject: str | None = None  # what to mark on the diagram (pool name, subnet name, ...)


@dataclass(frozen=True)
class NodePlan:
    name: str  # VMSS instance name as AKS names it
    pool: str
    index: int  # position in the cluster's node order (decides pod /24 order)
    ips: tuple[IPAddress, ...]  # primary IP per family, IPv4 first
    pod_blocks: tuple[IPNetwork, ...] = ()  # /24 per family (kubenet, Overlay) or /28s (static block)
    reserved_pod_ips: tuple[IPAddress, IPAddress] | None = None  # node-subnet CNI: first and last reserved
    pod_cidr_from_node_list: bool = False  # the block came from `kubectl get nodes`, not computed


@dataclass(frozen=True)
class PoolPlan:
    name: str
    os: str
    mode: str
    vm_size: str
    count: int
    max_pods: int
    node_subnet: str
    pod_subnet: str | None
    pod_allocation: str | None  # DynamicIndividual / StaticBlock for pod subnet
    nodes: tuple[NodePlan, ...]


@dataclass(frozen=True)
class SubnetPlan:
    name: str
    prefix: IPNetwork
    prefix_v6: IPNetwork | None
    usable: int  # addresses left after Azure's 5
    roles: tuple[str, ...]  # "nodes", "pods", "apiserver", "other"
    used: int  # addresses this cluster takes from it as planned
    route_table: str | None = None
    nsg: str | None = None


@dataclass(frozen=True)
class RoutePlan:
    name: str
    prefix: IPNetwork
    next_hop_type: str
    next_hop_ip: IPAddress | None
    origin: str  # "aks" (added by AKS for a node) or "user"
    node: str | None = None
    drift: str | None = None  # set when a real route table disagrees with the nodes


@dataclass(frozen=True)
class RouteTablePlan:
    name: str
    byo: bool
    subnets: tuple[str, ...]
    routes: tuple[RoutePlan, ...]
    route_limit: int = 400


@dataclass(frozen=True)
class EgressPlan:
    outbound_type: str
    pod_snat: SourceIP  # what a pod's packet carries as source when it leaves the node subnet
    device: str  # "loadBalancer", "natGateway", "firewall", "none"
    public_ip_count: int
    next_hop_ip: IPAddress | None = None  # UDR: firewall / NVA
    managed: bool = True  # managed NAT gateway / LB vs. user-assigned


@dataclass(frozen=True)
class PodAddressing:
    kind: str  # "cidr" (kubenet, Overlay), "node-subnet", "pod-subnet", "unmanaged"
    cidrs: tuple[IPNetwork, ...]
    block_prefixlen: tuple[int, ...]  # per family, for "cidr"
    cross_node: CrossNode
    source_in_vnet: SourceIP
    source_outside_vnet: SourceIP
    reachable_from_vnet: bool  # can a VM in the VNet open a connection to a pod IP?
    cni: str  # what programs pod networking: "kubenet", "azure-cni", "cilium", user's choice


@dataclass(frozen=True)
class CapacityRow:
    model: str  # "kubenet", "azure-cni-node-subnet", "azure-cni-overlay"
    max_pods_per_node: int
    nodes: int
    pods: int
    current: bool
    limited_by: str  # "subnet", "routes", "pod CIDR", "model limit"


@dataclass(frozen=True)
class Capacity:
    subnet: str
    prefix: IPNetwork
    usable: int
    rows: tuple[CapacityRow, ...]


@dataclass(frozen=True)
class APIServerPlan:
    private: bool
    vnet_integration: bool
    private_dns_zone: str | None
    public_fqdn: bool
    subnet: str | None
    authorized_ranges: tuple[IPNetwork, ...] = ()


@dataclass(frozen=True)
class AddressPlan:
    cluster: str
    location: str | None
    resource_group: str | None
    model: ModelKey
    network_plugin: str
    network_plugin_mode: str | None
    network_policy: str
    dataplane: str
    ip_families: tuple[str, ...]
    vnet_name: str
    vnet_prefixes: tuple[IPNetwork, ...]
    vnet_managed: bool
    subnets: tuple[SubnetPlan, ...]
    pools: tuple[PoolPlan, ...]
    pods: PodAddressing
    service_cidrs: tuple[IPNetwork, ...]
    dns_service_ip: IPAddress
    docker_bridge: IPv4Interface | None  # the bridge's address with its prefix
    route_table: RouteTablePlan | None
    nsg_name: str
    load_balancer_sku: str
    egress: EgressPlan
    api_server: APIServerPlan
    capacity: tuple[Capacity, ...]
    assumed: tuple[str, ...] = ()  # field paths whose value is an AKS default, not the input's
    findings: tuple[Finding, ...] = field(default=())

    @property
    def dual_stack(self) -> bool:
        return len(self.ip_families) > 1

    @property
    def nodes(self) -> tuple[NodePlan, ...]:
        return tuple(n for p in self.pools for n in p.nodes)
