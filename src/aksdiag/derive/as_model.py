"""The same cluster under another network model: `aksdiag compare A --as overlay`.

A transformation of the description, not of the plan: the plugin fields change, what the
target model needs and the source does not say (a pod CIDR, a pod subnet) is chosen, what
the target model cannot use is dropped, and every such field is listed as assumed so the
diagram and the table say which values aksdiag picked. Everything else stays as written.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..errors import InputError, Problem
from ..model import ClusterSpec, IPNetwork
from .network_models import DYNAMIC_BATCH, dynamic_batches_per_node, usable_addresses
from .plan import ModelKey, PodAddresses
from .profiles import PROFILES
from .resolve import (
    DEFAULT_MAX_PODS,
    DEFAULT_POD_CIDR,
    MANAGED_SUBNET,
    MANAGED_VNET,
    model_key,
)


class TargetModel(StrEnum):
    """The names `--as` accepts (`options.TARGET_MODELS`), with the ModelKey each means."""

    kubenet = "kubenet"
    overlay = "overlay"
    azure_cni = "azure-cni"
    pod_subnet = "pod-subnet"
    none = "none"

    @property
    def key(self) -> ModelKey:
        return {
            TargetModel.kubenet: ModelKey.kubenet,
            TargetModel.overlay: ModelKey.azure_cni_overlay,
            TargetModel.azure_cni: ModelKey.azure_cni_node_subnet,
            TargetModel.pod_subnet: ModelKey.azure_cni_pod_subnet,
            TargetModel.none: ModelKey.byo_cni,
        }[self]


@dataclass(frozen=True)
class Choice:
    """A field aksdiag set (value) or dropped (value None) to move the cluster to the target model."""

    field: str
    value: str | None
    why: str  # a stable reason id: "model", "needed", "unsupported", "default"


def as_model(spec: ClusterSpec, target: TargetModel) -> tuple[ClusterSpec, tuple[Choice, ...]]:
    """`spec` under `target`, and the choices that took. Rule breaks are left for derive to find
    (plan it with `allow_errors`: what AKS would refuse under the new model is a finding to compare)."""
    data: dict[str, Any] = spec.model_dump(mode="json", exclude_none=True)
    net = _NetworkEdit(data.setdefault("networkProfile", {}))
    choices = net.choices
    profile = PROFILES[target.key]
    net.set("networkPlugin", profile.network_plugin, "model")
    if profile.plugin_mode:
        net.set("networkPluginMode", profile.plugin_mode, "model")
    else:
        net.drop("networkPluginMode", "model")
    _pod_cidr(net, target.key)
    _policy_and_dataplane(net, target.key)

    pools: list[dict[str, Any]] = data["nodePools"]
    if not profile.pod_subnets:
        _drop_pod_subnets(pools, choices)
    else:
        _add_pod_subnet(data, pools, choices, DEFAULT_MAX_PODS[target.key])
    _max_pods(pools, choices, model_key(spec), target.key)

    data["assumedFields"] = sorted(
        set(data.get("assumedFields", []))
        | {c.field for c in choices if c.value is not None and c.why in ("needed", "kept")}
    )
    return ClusterSpec.model_validate(data), tuple(choices)


class _NetworkEdit:
    """The network profile being changed, and the choices each change took."""

    def __init__(self, net: dict[str, Any]) -> None:
        self.net = net
        self.choices: list[Choice] = []

    def get(self, field: str) -> Any:
        return self.net.get(field)

    def set(self, field: str, value: Any, why: str) -> None:
        if self.net.get(field) != value:
            self.net[field] = value
            self.choices.append(Choice(f"networkProfile.{field}", str(value), why))

    def drop(self, field: str, why: str) -> None:
        if field in self.net:
            del self.net[field]
            self.choices.append(Choice(f"networkProfile.{field}", None, why))


def _pod_cidr(net: _NetworkEdit, target: ModelKey) -> None:
    """A pod CIDR where the target cuts one per node; none where pods take VNet addresses."""
    profile = PROFILES[target]
    if profile.pod_cidr_per_node:
        if "podCidr" not in net.net and "podCidrs" not in net.net:
            net.set("podCidr", str(DEFAULT_POD_CIDR), "needed")
    elif profile.pod_addresses is not PodAddresses.unmanaged:
        net.drop("podCidr", "unsupported")
        net.drop("podCidrs", "unsupported")
    if target != ModelKey.byo_cni:
        net.drop("byoCni", "unsupported")


def _policy_and_dataplane(net: _NetworkEdit, target: ModelKey) -> None:
    """Drop a dataplane or network policy the target model cannot run."""
    if target in (ModelKey.kubenet, ModelKey.byo_cni):
        if net.get("networkDataplane") == "cilium":
            net.drop("networkDataplane", "unsupported")
        if target == ModelKey.byo_cni or net.get("networkPolicy") in ("azure", "cilium"):
            net.drop("networkPolicy", "unsupported")
    if net.get("networkPolicy") == "cilium" and net.get("networkDataplane") != "cilium":
        net.drop("networkPolicy", "unsupported")


def _drop_pod_subnets(pools: list[dict[str, Any]], choices: list[Choice]) -> None:
    for i, pool in enumerate(pools):
        for field in ("podSubnetName", "podIPAllocationMode"):
            if field in pool:
                del pool[field]
                choices.append(Choice(f"nodePools[{i}].{field}", None, "unsupported"))


def _max_pods(pools: list[dict[str, Any]], choices: list[Choice], source: ModelKey, target: ModelKey) -> None:
    if source == ModelKey.kubenet and target == ModelKey.azure_cni_overlay:
        # The in-place move keeps each pool's maxPods; Overlay's own default would be 250.
        for i, pool in enumerate(pools):
            if "maxPods" not in pool:
                pool["maxPods"] = DEFAULT_MAX_PODS[ModelKey.kubenet]
                choices.append(Choice(f"nodePools[{i}].maxPods", str(pool["maxPods"]), "kept"))
    elif source != target:
        # maxPods left out meant the old model's default; under the new one it means the new default.
        for i, pool in enumerate(pools):
            if "maxPods" not in pool:
                choices.append(Choice(f"nodePools[{i}].maxPods", None, "default"))


def pod_subnet_need(pools: list[dict[str, Any]], default_max_pods: int) -> int:
    """Addresses a dynamic pod subnet needs when every node of every pool is full, and the largest
    pool's upgrade surge too: each node holds its own pool's maxPods, in batches of 16."""

    def per_node(pool: dict[str, Any]) -> int:
        return dynamic_batches_per_node(pool.get("maxPods") or default_max_pods) * DYNAMIC_BATCH

    def surge(pool: dict[str, Any]) -> int:
        text = str((pool.get("upgradeSettings") or {}).get("maxSurge") or "1")
        count = pool.get("count", 3)
        nodes = -(-count * int(text[:-1]) // 100) if text.endswith("%") else int(text)
        return min(nodes, max(count, 1))  # AKS caps the surge at the pool's size

    full = sum(pool.get("count", 3) * per_node(pool) for pool in pools)
    return full + max((surge(pool) * per_node(pool) for pool in pools), default=0)


def _add_pod_subnet(
    data: dict[str, Any], pools: list[dict[str, Any]], choices: list[Choice], default_max_pods: int
) -> None:
    """Pod Subnet needs a second subnet: the first free block of the VNet that holds the whole
    cluster full of pods, with its upgrade surge, each pool at its own maxPods."""
    if any("podSubnetName" in p for p in pools):
        return
    if "vnet" not in data:
        data["vnet"] = {
            "name": "aks-vnet",
            "addressPrefixes": [str(MANAGED_VNET)],
            "subnets": [{"name": "aks-subnet", "addressPrefix": str(MANAGED_SUBNET)}],
        }
        choices.append(Choice("vnet", f"aks-vnet {MANAGED_VNET}", "needed"))
    vnet = data["vnet"]
    taken = [ipaddress.ip_network(s["addressPrefix"]) for s in vnet["subnets"]]
    need = pod_subnet_need(pools, default_max_pods)
    # The smallest prefix with enough usable addresses (Azure keeps 5 of every subnet), then larger ones.
    smallest = (
        next(n for n in range(29, 7, -1) if usable_addresses(ipaddress.ip_network(f"10.0.0.0/{n}")) >= need)
        if need <= usable_addresses(ipaddress.ip_network("10.0.0.0/8"))
        else 8
    )
    found: IPNetwork | None = None
    for prefixlen in range(smallest, 7, -1):
        for space in (ipaddress.ip_network(p) for p in vnet["addressPrefixes"]):
            if space.version != 4 or prefixlen < space.prefixlen:
                continue
            found = next(
                (
                    c
                    for c in space.subnets(new_prefix=prefixlen)
                    if not any(c.overlaps(t) for t in taken if t.version == 4)
                ),
                None,
            )
            if found is not None:
                break
        if found is not None:
            break
    if found is None:
        raise InputError(
            Problem(
                f"the VNet has no free range for a pod subnet of {need:,} addresses (the cluster "
                "full, with its surge); add one to vnet.subnets and name it in podSubnetName",
                field="vnet.addressPrefixes",
            )
        )
    vnet["subnets"].append({"name": "pods", "addressPrefix": str(found)})
    choices.append(Choice("vnet.subnets[pods].addressPrefix", str(found), "needed"))
    for i, pool in enumerate(pools):
        pool["podSubnetName"] = "pods"
        choices.append(Choice(f"nodePools[{i}].podSubnetName", "pods", "needed"))
