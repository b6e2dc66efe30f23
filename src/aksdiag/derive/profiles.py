"""What sets each network model apart, in one place beside its planner.

The scene reads a model's profile instead of branching on model names: where pod
addresses come from, how a pod's packet reaches another node's pods, what source IP it
carries inside and outside the VNet, the model's name and its capacity rule. Adding a
model means one planner in `network_models`, one profile here, one example.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .plan import AddressPlan, CrossNode, ModelKey, SourceIP


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
    pod_path: CrossNode
    capacity_rule: CapacityRule


PROFILES: dict[ModelKey, ModelProfile] = {
    ModelKey.kubenet: ModelProfile(ModelKey.kubenet, "kubenet", PodSource.overlay, CrossNode.udr,
                                   CapacityRule.routes),
    ModelKey.azure_cni_node_subnet: ModelProfile(ModelKey.azure_cni_node_subnet, "Azure CNI (node subnet)",
                                                 PodSource.vnet, CrossNode.vnet, CapacityRule.subnet_per_pod),
    ModelKey.azure_cni_overlay: ModelProfile(ModelKey.azure_cni_overlay, "Azure CNI Overlay", PodSource.overlay,
                                             CrossNode.overlay, CapacityRule.overlay_nodes),
    ModelKey.azure_cni_pod_subnet: ModelProfile(ModelKey.azure_cni_pod_subnet, "Azure CNI Pod Subnet",
                                                PodSource.vnet, CrossNode.vnet, CapacityRule.pod_subnet),
    ModelKey.byo_cni: ModelProfile(ModelKey.byo_cni, "bring your own CNI", PodSource.cni, CrossNode.cni,
                                   CapacityRule.cni),
}

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
