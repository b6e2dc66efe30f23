"""What a live cluster reports: real nodes (`kubectl get nodes`) and a real route table, as read.

Plain data, made by load and laid over the plan by derive (derive/observed.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import IPAddress, IPNetwork


@dataclass(frozen=True)
class ObservedNode:
    name: str
    pool: str | None
    ips: tuple[IPAddress, ...]
    pod_cidrs: tuple[IPNetwork, ...]


@dataclass(frozen=True)
class ObservedRoute:
    name: str
    prefix: IPNetwork
    next_hop_type: str
    next_hop_ip: IPAddress | None


@dataclass(frozen=True)
class ObservedRouteTable:
    name: str
    routes: tuple[ObservedRoute, ...]


@dataclass(frozen=True)
class Observed:
    nodes: tuple[ObservedNode, ...] | None = None
    route_table: ObservedRouteTable | None = None


def pool_of(node: ObservedNode) -> str | None:
    if node.pool:
        return node.pool
    parts = node.name.split("-")
    # aks-<pool>-<id>-vmss000000 (VMSS) or aks-<pool>-<id>-0 (availability set, pre-2019)
    return parts[1] if len(parts) >= 4 and parts[0] == "aks" else None
