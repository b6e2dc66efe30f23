"""The address plan: every address, block, route and path the diagram shows, computed.

These types are the contract between `derive` (which computes them from a
`ClusterSpec`) and `scene` (which decides how to draw them). They hold facts, not
wording: the scene chooses the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Interface
from typing import TYPE_CHECKING

from ..model import IPAddress, IPNetwork

if TYPE_CHECKING:
    from .network import NetworkPlan


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
    error = "error"  # AKS refuses this; a description is refused unless drawn on request
    warning = "warning"  # allowed, but likely to hurt
    note = "note"

    @property
    def rank(self) -> int:
        return {"note": 0, "warning": 1, "error": 2}[self.value]


@dataclass(frozen=True)
class Surge:
    """Extra nodes an upgrade adds to a pool: a count, or a percentage of the pool (rounded up)."""

    count: int | None = 1  # one node when the input says nothing: see `resolve.DEFAULT_SURGE` for why
    percent: int | None = None
    assumed: bool = False  # the input did not say; AKS's default is disputed (see resolve.DEFAULT_SURGE)

    def nodes(self, pool_size: int) -> int:
        """Surge nodes for a pool of `pool_size`: never more than the pool (upgrade-aks-node-pools-rolling:
        "If the max surge value is higher than the required number of nodes to be upgraded, the number
        of nodes to be upgraded is used")."""
        if self.percent is not None:
            return -(-pool_size * self.percent // 100)
        return min(self.count or 0, max(pool_size, 0))

    def __str__(self) -> str:
        text = f"{self.percent}%" if self.percent is not None else str(self.count)
        return text + (", assumed" if self.assumed else "")


@dataclass(frozen=True)
class Finding:
    """A rule the design breaks: the rule's id, the values found and the fields involved.

    The words live in `derive.catalog`: `message` fills the rule's template with `values`.
    """

    rule: str  # stable id, a key of `catalog.RULES`, e.g. `kubenet-windows`
    values: tuple[tuple[str, object], ...] = ()
    fields: tuple[str, ...] = ()  # dotted field paths, the first one is where to point
    subject: str | None = None  # what to mark on the diagram (pool name, subnet name, ...)

    @property
    def severity(self) -> Severity:
        from .catalog import RULES

        return RULES[self.rule].severity

    @property
    def message(self) -> str:
        from .catalog import RULES

        return RULES[self.rule].message.format(**dict(self.values))

    def value(self, name: str) -> object:
        return dict(self.values)[name]


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
    surge: Surge = field(default_factory=Surge)
    os_sku: str | None = None
    static_blocks_per_node: int | None = None  # StaticBlock: ceil((maxPods + 1) / 16) /28s


@dataclass(frozen=True)
class SubnetPlan:
    name: str
    prefix: IPNetwork
    prefix_v6: IPNetwork | None
    usable: int  # addresses left after Azure's 5
    roles: tuple[str, ...]  # "nodes", "pods", "apiserver", "other"
    used: int  # addresses this cluster takes from it as planned (at start, for a dynamic pod subnet)
    route_table: str | None = None
    nsg: str | None = None
    used_max: int | None = None  # dynamic pod subnet: when every node holds maxPods pods
    used_by: tuple[tuple[str, int], ...] = ()  # what takes the planned addresses: ("nodes", 3), ...


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
    given: bool = True  # False: userDefinedRouting with no route table in the description (yours, not given)
    route_limit: int = 400
    aks_routes: bool = True  # AKS adds pod routes to it (kubenet); Overlay and others add none


@dataclass(frozen=True)
class EgressPlan:
    outbound_type: str
    pod_snat: SourceIP  # what a pod's packet carries as source when it leaves the node subnet
    device: str  # "loadBalancer", "natGateway", "firewall", "none"
    public_ip_count: int
    next_hop_ip: IPAddress | None = None  # UDR: firewall / NVA
    managed: bool = True  # managed NAT gateway / LB vs. user-assigned
    # User-assigned NAT gateway: the subnet whose NAT gateway translates a pod's packet (the pod
    # subnet with Pod Subnet, where the packet leaves with the pod IP; the node subnet otherwise),
    # and that NAT gateway's name when the description gives it.
    nat_subnet: str | None = None
    nat_gateway: str | None = None


class PodAddresses(StrEnum):
    """Where exactly pod IPs are taken from: a finer cut of PodSource that plans, tables and
    compare name (the values are the words the plan tables have always printed)."""

    pod_cidr = "cidr"  # a private pod CIDR, one block per node (kubenet, Overlay)
    node_subnet = "node-subnet"  # maxPods IPs per node from the node subnet
    pod_subnet = "pod-subnet"  # a pod subnet of the VNet, per pool
    unmanaged = "unmanaged"  # the user's CNI


@dataclass(frozen=True)
class PodAddressing:
    kind: PodAddresses
    cidrs: tuple[IPNetwork, ...]
    block_prefixlen: tuple[int, ...]  # per family, for "cidr"
    cross_node: CrossNode
    source_in_vnet: SourceIP
    source_outside_vnet: SourceIP
    reachable_from_vnet: bool  # can a VM in the VNet open a connection to a pod IP?
    cni: str  # what programs pod networking: "kubenet", "azure-cni", "cilium", user's choice


class Limit(StrEnum):
    """What stops a cluster from adding one more node."""

    subnet = "subnet"  # the node subnet's usable addresses
    pod_subnet = "pod subnet"  # the pod subnet's addresses (batches of 16 or /28 blocks)
    pod_cidr = "pod CIDR"  # /24 (IPv6 /80) blocks of the pod CIDR, shared by the whole cluster
    routes = "routes"  # kubenet: 400 routes per route table, one per node (two dual-stack)
    cluster = "cluster limit"  # 5,000 nodes per cluster (Free tier 1,000)
    vnet = "VNet IP limit"  # 65,536 IP configurations per VNet (node-subnet CNI, dynamic Pod Subnet)


class PodCount(StrEnum):
    """How to read a row's pod figures; AKS says not to multiply independent limits."""

    reserved = "reserved"  # pods = IPs set aside per node x nodes (node-subnet CNI, static block, kubenet /24s)
    ip_budget = "ip-budget"  # pods = pod IPs the subnet can hand out (no longer a row's pod figure)
    full_nodes = "full-nodes"  # dynamic pod subnet: pods = full nodes x maxPods; pod_ips is the IP budget
    per_node = "per-node"  # no pod total: nodes and maxPods are independent limits (Overlay)
    unmanaged = "unmanaged"  # the user's CNI decides (BYO CNI)


@dataclass(frozen=True)
class CapacityRow:
    """How many nodes (and pods) fit under one model: at most, and with the upgrade surge kept free.

    `nodes` is the maximum; `nodes_with_surge` the largest n for which n plus its surge still fits
    (the figure to plan with). Pod figures follow `pod_count`; they are None where the model has
    no pod total (`per_node`, `unmanaged`): say "up to max_pods_per_node per node" instead.
    """

    model: str  # a ModelKey value
    max_pods_per_node: int
    surge: Surge
    nodes: int
    nodes_with_surge: int
    limited_by: Limit
    pod_count: PodCount
    pods: int | None
    pods_with_surge: int | None
    current: bool  # the model and maxPods of this cluster
    pod_ips: int | None = None  # dynamic pod subnet: the pod IPs its batches hold (a second figure, not pods)
    pod_ips_with_surge: int | None = None


@dataclass(frozen=True)
class Capacity:
    """What one subnet holds: a node subnet (every model compared) or a pod subnet (this model)."""

    subnet: str
    prefix: IPNetwork
    usable: int
    role: str  # "nodes" or "pods"
    nodes_now: int  # nodes of this cluster placed in it
    rows: tuple[CapacityRow, ...]


@dataclass(frozen=True)
class ClusterCapacity:
    """Cluster-wide figures for this cluster's model; a shared pod CIDR and route table count once."""

    nodes_now: int
    surge_now: int  # surge nodes the largest pool's upgrade adds today
    nodes: int  # most nodes the whole cluster can have
    nodes_with_surge: int
    limited_by: Limit
    pod_cidr_blocks: int | None  # /24 blocks (kubenet, Overlay), counted once for every subnet
    route_budget: int | None  # kubenet: routes a table holds minus your own routes


@dataclass(frozen=True)
class APIServerPlan:
    private: bool
    vnet_integration: bool
    private_dns_zone: str | None
    public_fqdn: bool
    subnet: str | None
    authorized_ranges: tuple[IPNetwork, ...] = ()
    reserved_ips: int = 0  # VNet integration: AKS reserves at least 9 IPs in the API server subnet


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
    cluster_capacity: ClusterCapacity | None = None
    service_proxy: str = "kube-proxy"  # who answers service VIPs: "kube-proxy" or "cilium" (eBPF, no kube-proxy)
    kubernetes_service_ip: IPAddress | None = None  # kubernetes.default: single-stack, primary family only
    connected: tuple[tuple[str, str, IPNetwork], ...] = ()  # (name, kind, prefix) the cluster must not overlap
    assumed: tuple[str, ...] = ()  # field paths whose value is an AKS default, not the input's
    findings: tuple[Finding, ...] = field(default=())
    network: NetworkPlan | None = None  # the hub, firewall, on-premises and DNS zones around the VNet

    @property
    def dual_stack(self) -> bool:
        return len(self.ip_families) > 1

    @property
    def nodes(self) -> tuple[NodePlan, ...]:
        return tuple(n for p in self.pools for n in p.nodes)
