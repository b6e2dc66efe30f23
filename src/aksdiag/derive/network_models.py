"""One planning function per AKS network model.

Each takes the resolved spec and returns the parts of the address plan in which models
differ: where pod IPs come from, how pods reach each other, which routes exist, and
what source IP a pod's packet carries. Adding a model means adding one function here
and registering it in `PLANNERS`.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import IPAddress, IPNetwork, NodePool, Subnet
from .plan import (
    CrossNode,
    ModelKey,
    NodePlan,
    PodAddresses,
    PodAddressing,
    PoolPlan,
    SourceIP,
)
from .resolve import Resolved

AZURE_RESERVED = 5  # network, gateway, 2x Azure DNS, broadcast
FIRST_HOST_OFFSET = 4  # .1-.3 are Azure's, so the first NIC gets .4
ROUTE_LIMIT = 400
# concepts-network-ip-address-planning: "Max size /8. 65,536 configured IP address limit." per VNet.
VNET_IP_LIMIT = 65_536
CLUSTER_NODE_LIMIT = 5000  # per cluster, every model (Overlay since March 2024); 1,000 per pool in the model
STATIC_BLOCK = 28  # Pod Subnet static block allocation: /28 blocks of 16 addresses
DYNAMIC_BATCH = 16  # Pod Subnet dynamic allocation: IPs come in batches of 16, the first at node start
APISERVER_RESERVED = 9  # API server VNet integration: AKS reserves at least 9 IPs of the delegated subnet
# Per-node IPv6 pod block: /80, as `kubectl get nodes` shows on AKS (configure-dual-stack:
# `10.244.0.0/24,fd12:3456:789a::/80`). Kubernetes' own default /64 would fit one node in AKS's /64.
IPV6_NODE_BLOCK = 80


def static_blocks_per_node(max_pods: int) -> int:
    """/28 blocks a node takes with static block allocation: one IP per node is reserved, so
    ceil((maxPods + 1) / 16); maxPods 32 takes 3 (configure-azure-cni-static-block-allocation, Example 3)."""
    return math.ceil((max_pods + 1) / 16)


def dynamic_batches_per_node(max_pods: int) -> int:
    """Batches of 16 a full node holds with dynamic allocation (a new batch when fewer than 8 are free)."""
    return math.ceil(max_pods / DYNAMIC_BATCH)


def usable_addresses(prefix: IPNetwork) -> int:
    return max(prefix.num_addresses - AZURE_RESERVED, 0)


def vmss_instance_name(pool: str, aks_id: str, index: int) -> str:
    """AKS's VMSS computer name: the instance index in base 36, six digits."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    n, out = index, ""
    while True:
        n, d = divmod(n, 36)
        out = digits[d] + out
        if n == 0:
            break
    return f"aks-{pool}-{aks_id}-vmss{out:0>6}"


def route_name(node: str, prefix: IPNetwork) -> str:
    """The cloud provider's route name: node, four underscores, the prefix without `.:/`."""
    encoded = str(prefix).replace(":", "").replace(".", "").replace("/", "")
    return f"{node}____{encoded}"


def node_block_prefixlen(cidr: IPNetwork) -> int:
    return 24 if cidr.version == 4 else IPV6_NODE_BLOCK


def nth_block(cidr: IPNetwork, prefixlen: int, n: int) -> IPNetwork | None:
    """The n-th subnet of `cidr` at `prefixlen`, or None when the CIDR has run out."""
    if prefixlen < cidr.prefixlen:
        return None
    size = 1 << (cidr.max_prefixlen - prefixlen)
    if n >= (1 << (prefixlen - cidr.prefixlen)):
        return None
    return ipaddress.ip_network((int(cidr.network_address) + n * size, prefixlen))


@dataclass(frozen=True)
class ModelPlan:
    pods: PodAddressing
    pools: tuple[PoolPlan, ...]
    pod_routes: bool  # AKS keeps one route per node pod block in the node subnet's route table
    subnet_use: dict[str, int]  # addresses taken per subnet name
    subnet_use_max: dict[str, int] = field(default_factory=dict)  # dynamic pod subnet when every node is full


def _subnet_v6(r: Resolved, subnet: Subnet) -> IPNetwork | None:
    return subnet.addressPrefixIPv6 if "IPv6" in r.ip_families else None


def _one_ip(_pool: NodePool) -> int:
    """A node takes one subnet address, whatever its pool (its pods' addresses come from elsewhere)."""
    return 1


def _allocate_nodes(
    r: Resolved,
    ips_per_node: Callable[[NodePool], int],
    pod_blocks: Callable[[int], tuple[IPNetwork, ...]] | None = None,
) -> tuple[list[tuple[NodePool, list[NodePlan]]], dict[str, int]]:
    """Give every node its name and primary IP(s), subnet by subnet, in pool order.

    `ips_per_node` is how many subnet addresses one node takes (1, or 1 + maxPods for
    node-subnet CNI, whose pod IPs follow the node's). Node order across the cluster
    decides which pod /24 a node gets.
    """
    next_offset: dict[str, int] = {}
    used: dict[str, int] = {}
    out: list[tuple[NodePool, list[NodePlan]]] = []
    index = 0
    for pool in r.spec.nodePools:
        subnet = r.subnet(r.pool_subnet[pool.name])
        v6 = _subnet_v6(r, subnet)
        nodes: list[NodePlan] = []
        step = ips_per_node(pool)
        for i in range(pool.count):
            offset = next_offset.get(subnet.name, FIRST_HOST_OFFSET)
            next_offset[subnet.name] = offset + step
            used[subnet.name] = used.get(subnet.name, 0) + step
            ip4 = subnet.addressPrefix.network_address + offset
            ips: tuple[IPAddress, ...] = (ip4,)
            if v6 is not None:
                ips = (ip4, v6.network_address + offset)
            reserved = None
            if step > 1:
                reserved = (ip4 + 1, ip4 + step - 1)
            nodes.append(
                NodePlan(
                    name=vmss_instance_name(pool.name, r.aks_id, i),
                    pool=pool.name,
                    index=index,
                    ips=ips,
                    pod_blocks=pod_blocks(index) if pod_blocks else (),
                    reserved_pod_ips=reserved,
                )
            )
            index += 1
        out.append((pool, nodes))
    return out, used


def _pool_plans(r: Resolved, allocated: list[tuple[NodePool, list[NodePlan]]]) -> tuple[PoolPlan, ...]:
    return tuple(
        PoolPlan(
            name=pool.name,
            os=pool.osType.value,
            mode=r.pool_mode[pool.name],
            vm_size=pool.vmSize,
            count=pool.count,
            max_pods=r.pool_max_pods[pool.name],
            node_subnet=r.pool_subnet[pool.name],
            pod_subnet=pool.podSubnetName,
            pod_allocation=(
                pool.podIPAllocationMode.value
                if pool.podIPAllocationMode
                else ("DynamicIndividual" if pool.podSubnetName else None)
            ),
            nodes=tuple(nodes),
            surge=r.pool_surge[pool.name],
            os_sku=pool.osSKU.value if pool.osSKU else None,
            static_blocks_per_node=(
                static_blocks_per_node(r.pool_max_pods[pool.name])
                if pool.podIPAllocationMode is not None and pool.podIPAllocationMode.value == "StaticBlock"
                else None
            ),
        )
        for pool, nodes in allocated
    )


def _cidr_blocks(r: Resolved) -> Callable[[int], tuple[IPNetwork, ...]]:
    def blocks(index: int) -> tuple[IPNetwork, ...]:
        got = (nth_block(c, node_block_prefixlen(c), index) for c in r.pod_cidrs)
        return tuple(b for b in got if b is not None)

    return blocks


def plan_kubenet(r: Resolved) -> ModelPlan:
    allocated, used = _allocate_nodes(r, _one_ip, _cidr_blocks(r))
    return ModelPlan(
        pods=PodAddressing(
            kind=PodAddresses.pod_cidr,
            cidrs=r.pod_cidrs,
            block_prefixlen=tuple(node_block_prefixlen(c) for c in r.pod_cidrs),
            cross_node=CrossNode.udr,
            source_in_vnet=SourceIP.node,
            source_outside_vnet=SourceIP.node,
            reachable_from_vnet=False,
            cni="kubenet",
        ),
        pools=_pool_plans(r, allocated),
        pod_routes=True,
        subnet_use=used,
    )


def plan_overlay(r: Resolved) -> ModelPlan:
    allocated, used = _allocate_nodes(r, _one_ip, _cidr_blocks(r))
    return ModelPlan(
        pods=PodAddressing(
            kind=PodAddresses.pod_cidr,
            cidrs=r.pod_cidrs,
            block_prefixlen=tuple(node_block_prefixlen(c) for c in r.pod_cidrs),
            cross_node=CrossNode.overlay,
            source_in_vnet=SourceIP.node,
            source_outside_vnet=SourceIP.node,
            reachable_from_vnet=False,
            cni="cilium" if r.dataplane == "cilium" else "azure-cni",
        ),
        pools=_pool_plans(r, allocated),
        pod_routes=False,
        subnet_use=used,
    )


def plan_node_subnet(r: Resolved) -> ModelPlan:
    # Each node takes its own IP plus maxPods IPs up front, next to it in the subnet.
    allocated, used = _allocate_nodes(r, lambda p: 1 + r.pool_max_pods[p.name])
    return ModelPlan(
        pods=PodAddressing(
            kind=PodAddresses.node_subnet,
            cidrs=(),
            block_prefixlen=(),
            cross_node=CrossNode.vnet,
            source_in_vnet=SourceIP.pod,
            source_outside_vnet=SourceIP.node,
            reachable_from_vnet=True,
            cni="cilium" if r.dataplane == "cilium" else "azure-cni",
        ),
        pools=_pool_plans(r, allocated),
        pod_routes=False,
        subnet_use=used,
    )


def plan_pod_subnet(r: Resolved) -> ModelPlan:
    allocated, used = _allocate_nodes(r, _one_ip)
    # Static block: each node owns ceil((maxPods+1)/16) /28 blocks of its pool's pod subnet,
    # handed out in node order from the first /28 clear of Azure's reserved addresses.
    # Dynamic: a node takes one batch of 16 at start and more as pods arrive (up to maxPods).
    next_block: dict[str, int] = {}
    grown: dict[str, int] = {}
    started: dict[str, int] = {}
    with_blocks: list[tuple[NodePool, list[NodePlan]]] = []
    for pool, nodes in allocated:
        if pool.podSubnetName is None:
            with_blocks.append((pool, nodes))
            continue
        pod_subnet = r.subnet(pool.podSubnetName).addressPrefix
        max_pods = r.pool_max_pods[pool.name]
        if pool.podIPAllocationMode is not None and pool.podIPAllocationMode.value == "StaticBlock":
            per_node = static_blocks_per_node(max_pods)
            new_nodes = []
            for node in nodes:
                start = next_block.get(pool.podSubnetName, 1)
                got = [nth_block(pod_subnet, STATIC_BLOCK, start + k) for k in range(per_node)]
                next_block[pool.podSubnetName] = start + per_node
                new_nodes.append(NodePlan(**{**node.__dict__, "pod_blocks": tuple(b for b in got if b)}))
            used[pool.podSubnetName] = used.get(pool.podSubnetName, 0) + per_node * 16 * len(nodes)
            with_blocks.append((pool, new_nodes))
        else:
            used[pool.podSubnetName] = used.get(pool.podSubnetName, 0) + DYNAMIC_BATCH * len(nodes)
            started[pool.podSubnetName] = started.get(pool.podSubnetName, 0) + DYNAMIC_BATCH * len(nodes)
            grown[pool.podSubnetName] = grown.get(pool.podSubnetName, 0) + dynamic_batches_per_node(
                max_pods
            ) * DYNAMIC_BATCH * len(nodes)
            with_blocks.append((pool, nodes))
    return ModelPlan(
        pods=PodAddressing(
            kind=PodAddresses.pod_subnet,
            cidrs=tuple(
                r.subnet(n).addressPrefix
                for n in dict.fromkeys(p.podSubnetName for p in r.spec.nodePools if p.podSubnetName)
            ),
            block_prefixlen=(),
            cross_node=CrossNode.vnet,
            source_in_vnet=SourceIP.pod,
            source_outside_vnet=SourceIP.pod,
            reachable_from_vnet=True,
            cni="cilium" if r.dataplane == "cilium" else "azure-cni",
        ),
        pools=_pool_plans(r, with_blocks),
        pod_routes=False,
        subnet_use=used,
        # Full nodes: what static pools hold, plus every dynamic node's batches at maxPods.
        subnet_use_max={name: used[name] - started[name] + grown[name] for name in grown},
    )


def plan_byo_cni(r: Resolved) -> ModelPlan:
    allocated, used = _allocate_nodes(r, _one_ip)
    cni = r.spec.networkProfile.byoCni
    return ModelPlan(
        pods=PodAddressing(
            kind=PodAddresses.unmanaged,
            cidrs=r.pod_cidrs,
            block_prefixlen=(),
            cross_node=CrossNode.cni,
            source_in_vnet=SourceIP.node,
            source_outside_vnet=SourceIP.node,
            reachable_from_vnet=False,
            cni=cni.value if cni else "undeclared",
        ),
        pools=_pool_plans(r, allocated),
        pod_routes=False,
        subnet_use=used,
    )


PLANNERS: dict[ModelKey, Callable[[Resolved], ModelPlan]] = {
    ModelKey.kubenet: plan_kubenet,
    ModelKey.azure_cni_overlay: plan_overlay,
    ModelKey.azure_cni_node_subnet: plan_node_subnet,
    ModelKey.azure_cni_pod_subnet: plan_pod_subnet,
    ModelKey.byo_cni: plan_byo_cni,
}
