"""What sets each network model apart, in one place beside its planner.

The scene reads a model's profile instead of branching on model names: where pod
addresses come from, how a pod's packet reaches another node's pods, what source IP it
carries inside and outside the VNet, the model's name and its capacity rule. Adding a
model means one planner in `network_models`, one profile here, one example.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .plan import AddressPlan, CrossNode, ModelKey, PodAddresses, SourceIP


class PodSource(StrEnum):
    """Where a pod's address comes from; the diagrams colour pod space by it."""

    vnet = "vnet"  # a VNet subnet: the node subnet or a pod subnet
    overlay = "overlay"  # a private pod CIDR outside the VNet, one block per node
    cni = "cni"  # the user's CNI decides


class CapacityRule(StrEnum):
    """What bounds the cluster's size first, before the subnet runs out."""

    routes = "routes"  # one route per node, 400 routes per route table
    subnet_per_pod = "subnet-per-pod"  # every pod takes a node-subnet IP
    pod_subnet = "pod-subnet"  # pods take pod-subnet IPs, nodes node-subnet IPs
    overlay_nodes = "overlay-nodes"  # one node IP each; the pod CIDR gives a block per node
    cni = "cni"  # the CNI's own limits


@dataclass(frozen=True)
class ModelProfile:
    key: ModelKey
    title: str  # the model's name as Azure's docs write it
    pod_source: PodSource
    pod_addresses: PodAddresses
    pod_path: CrossNode
    capacity_rule: CapacityRule
    default_max_pods: int  # AKS's maxPods when a pool does not set it
    # How a description selects the model: `networkPlugin`, `networkPluginMode`, and whether its
    # pools name pod subnets (Azure CNI with and without a pod subnet share plugin and mode).
    network_plugin: str
    plugin_mode: str | None = None
    pod_subnets: bool = False

    @property
    def pod_cidr_per_node(self) -> bool:
        """Each node gets a block of a cluster pod CIDR that lies outside the VNet."""
        return self.pod_addresses is PodAddresses.pod_cidr

    def node_subnet_ips(self, max_pods: int) -> int:
        """Node-subnet IPs one node takes: its own, plus every pod's where pods live there."""
        return 1 + max_pods if self.pod_addresses is PodAddresses.node_subnet else 1


PROFILES: dict[ModelKey, ModelProfile] = {
    ModelKey.kubenet: ModelProfile(
        ModelKey.kubenet,
        "kubenet",
        PodSource.overlay,
        PodAddresses.pod_cidr,
        CrossNode.udr,
        CapacityRule.routes,
        default_max_pods=110,
        network_plugin="kubenet",
    ),
    ModelKey.azure_cni_node_subnet: ModelProfile(
        ModelKey.azure_cni_node_subnet,
        "Azure CNI (node subnet)",
        PodSource.vnet,
        PodAddresses.node_subnet,
        CrossNode.vnet,
        CapacityRule.subnet_per_pod,
        default_max_pods=30,
        network_plugin="azure",
    ),
    ModelKey.azure_cni_overlay: ModelProfile(
        ModelKey.azure_cni_overlay,
        "Azure CNI Overlay",
        PodSource.overlay,
        PodAddresses.pod_cidr,
        CrossNode.overlay,
        CapacityRule.overlay_nodes,
        default_max_pods=250,
        network_plugin="azure",
        plugin_mode="overlay",
    ),
    ModelKey.azure_cni_pod_subnet: ModelProfile(
        ModelKey.azure_cni_pod_subnet,
        "Azure CNI Pod Subnet",
        PodSource.vnet,
        PodAddresses.pod_subnet,
        CrossNode.vnet,
        CapacityRule.pod_subnet,
        default_max_pods=250,
        network_plugin="azure",
        pod_subnets=True,
    ),
    ModelKey.byo_cni: ModelProfile(
        ModelKey.byo_cni,
        "bring your own CNI",
        PodSource.cni,
        PodAddresses.unmanaged,
        CrossNode.cni,
        CapacityRule.cni,
        default_max_pods=250,
        network_plugin="none",
    ),
}


def select_model(network_plugin: str, plugin_mode: str | None, pod_subnets: bool) -> ModelKey:
    """The model a description's plugin, mode and pod subnets name. A mode the plugin has no model
    for (kubenet with `overlay`) leaves the plugin's own model, for the rules to refuse; pod subnets
    decide only between models that share plugin and mode."""
    same_plugin = [p for p in PROFILES.values() if p.network_plugin == network_plugin]
    if not same_plugin:
        raise ValueError(f"no network model has plugin {network_plugin!r}")
    same = (
        [p for p in same_plugin if p.plugin_mode == plugin_mode]
        or [p for p in same_plugin if p.plugin_mode is None]
        or same_plugin
    )
    return next((p.key for p in same if p.pod_subnets == pod_subnets), same[0].key)


# Each model's one name, by ModelKey value: diagrams, tables, alt text, slides and compare say the same.
MODEL_NAMES: dict[str, str] = {key.value: profile.title for key, profile in PROFILES.items()}


@dataclass(frozen=True)
class PlanProfile:
    """A model's profile with the plan's own facts that vary within a model (Cilium, dual-stack)."""

    model: ModelProfile
    source_in_vnet: SourceIP | None  # None: the user's CNI decides
    source_outside_vnet: SourceIP | None


def profile_of(plan: AddressPlan) -> PlanProfile:
    model = PROFILES[plan.model]
    decided = model.pod_source != PodSource.cni
    return PlanProfile(
        model=model,
        source_in_vnet=plan.pods.source_in_vnet if decided else None,
        source_outside_vnet=plan.pods.source_outside_vnet if decided else None,
    )
