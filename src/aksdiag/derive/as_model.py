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
    net: dict[str, Any] = data.setdefault("networkProfile", {})
    choices: list[Choice] = []
    source = model_key(spec)

    def set_net(field: str, value: Any, why: str) -> None:
        if net.get(field) != value:
            net[field] = value
            choices.append(Choice(f"networkProfile.{field}", str(value), why))

    def drop_net(field: str, why: str) -> None:
        if field in net:
            del net[field]
            choices.append(Choice(f"networkProfile.{field}", None, why))

    profile = PROFILES[target.key]
    plugin, mode = profile.network_plugin, profile.plugin_mode
    set_net("networkPlugin", plugin, "model")
    if mode:
        set_net("networkPluginMode", mode, "model")
    else:
        drop_net("networkPluginMode", "model")

    if profile.pod_cidr_per_node:
        if "podCidr" not in net and "podCidrs" not in net:
            set_net("podCidr", str(DEFAULT_POD_CIDR), "needed")
    elif profile.pod_addresses is not PodAddresses.unmanaged:
        drop_net("podCidr", "unsupported")
        drop_net("podCidrs", "unsupported")
    if target.key != ModelKey.byo_cni:
        drop_net("byoCni", "unsupported")

    if target.key in (ModelKey.kubenet, ModelKey.byo_cni):
        if net.get("networkDataplane") == "cilium":
            drop_net("networkDataplane", "unsupported")
        if target.key == ModelKey.byo_cni or net.get("networkPolicy") in ("azure", "cilium"):
            drop_net("networkPolicy", "unsupported")
    if net.get("networkPolicy") == "cilium" and net.get("networkDataplane") != "cilium":
        drop_net("networkPolicy", "unsupported")

    pools: list[dict[str, Any]] = data["nodePools"]
    if not profile.pod_subnets:
        for i, pool in enumerate(pools):
            for field in ("podSubnetName", "podIPAllocationMode"):
                if field in pool:
                    del pool[field]
                    choices.append(Choice(f"nodePools[{i}].{field}", None, "unsupported"))
    else:
        _add_pod_subnet(data, pools, choices)

    if source == ModelKey.kubenet and target.key == ModelKey.azure_cni_overlay:
        # The in-place move keeps each pool's maxPods; Overlay's own default would be 250.
        for i, pool in enumerate(pools):
            if "maxPods" not in pool:
                pool["maxPods"] = DEFAULT_MAX_PODS[ModelKey.kubenet]
                choices.append(Choice(f"nodePools[{i}].maxPods", str(pool["maxPods"]), "kept"))
    elif source != target.key:
        # maxPods left out meant the old model's default; under the new one it means the new default.
        for i, pool in enumerate(pools):
            if "maxPods" not in pool:
                choices.append(Choice(f"nodePools[{i}].maxPods", None, "default"))

    data["assumedFields"] = sorted(set(data.get("assumedFields", [])) |
                                   {c.field for c in choices if c.value is not None and c.why in ("needed", "kept")})
    return ClusterSpec.model_validate(data), tuple(choices)


def _add_pod_subnet(data: dict[str, Any], pools: list[dict[str, Any]], choices: list[Choice]) -> None:
    """Pod Subnet needs a second subnet: the first free block of the VNet, four times the node subnet."""
    if any("podSubnetName" in p for p in pools):
        return
    if "vnet" not in data:
        data["vnet"] = {"name": "aks-vnet", "addressPrefixes": [str(MANAGED_VNET)],
                        "subnets": [{"name": "aks-subnet", "addressPrefix": str(MANAGED_SUBNET)}]}
        choices.append(Choice("vnet", f"aks-vnet {MANAGED_VNET}", "needed"))
    vnet = data["vnet"]
    taken = [ipaddress.ip_network(s["addressPrefix"]) for s in vnet["subnets"]]
    node_len = taken[0].prefixlen
    found: IPNetwork | None = None
    for prefixlen in range(max(node_len - 2, 8), node_len + 1):
        for space in (ipaddress.ip_network(p) for p in vnet["addressPrefixes"]):
            if space.version != 4 or prefixlen < space.prefixlen:
                continue
            found = next((c for c in space.subnets(new_prefix=prefixlen)
                          if not any(c.overlaps(t) for t in taken if t.version == 4)), None)
            if found is not None:
                break
        if found is not None:
            break
    if found is None:
        raise InputError(Problem("the VNet has no free range for a pod subnet; add one to vnet.subnets and "
                                 "name it in podSubnetName", field="vnet.addressPrefixes"))
    vnet["subnets"].append({"name": "pods", "addressPrefix": str(found)})
    choices.append(Choice("vnet.subnets[pods].addressPrefix", str(found), "needed"))
    for i, pool in enumerate(pools):
        pool["podSubnetName"] = "pods"
        choices.append(Choice(f"nodePools[{i}].podSubnetName", "pods", "needed"))
