"""Real-world documents laid over a description's data before its one validation.

Each function takes plain data (as read, or as converted from `az aks show`) and returns new
data; nothing here validates or derives, so the description is validated exactly once, with
every overlay already in place.
"""

from __future__ import annotations

import copy
import ipaddress
from pathlib import Path
from typing import Any

from ..derive.observed import Observed
from .enrich import merged_vnet, vnet_from_json
from .source import parse_document

ASSUMED_FROM_NODES = "vnet (from the node IPs)"


def with_real_vnet(data: dict[str, Any], vnet_file: Path) -> dict[str, Any]:
    """The description with the VNet of `az network vnet show` in place of an assumed or partial one."""
    vdoc = parse_document(vnet_file, "VNet")
    out = copy.deepcopy(data)
    out["vnet"] = merged_vnet(out.get("vnet"), vnet_from_json(vdoc.data, vdoc.name))
    out["assumedFields"] = [f for f in out.get("assumedFields") or [] if not str(f).startswith("vnet")]
    return out


def _ipv4_nodes(observed: Observed | None) -> list[ipaddress.IPv4Address]:
    nodes = observed.nodes if observed is not None else None
    return [ip for n in nodes or () for ip in n.ips if ip.version == 4]


def fit_vnet_to_nodes(data: dict[str, Any], observed: Observed | None) -> dict[str, Any]:
    """When the VNet's prefixes were assumed, take the node subnet from where the real nodes are."""
    vnet = data.get("vnet")
    assumed = data.get("assumedFields") or []
    ips = _ipv4_nodes(observed)
    if not ips or not (vnet is None or "vnet.subnets[].addressPrefix" in assumed):
        return data
    try:
        if vnet and any(ip in ipaddress.ip_network(vnet["subnets"][0]["addressPrefix"], strict=False) for ip in ips):
            return data
    except (KeyError, IndexError, TypeError, ValueError):
        return data  # malformed: the one validation reports it with its line
    subnet = ipaddress.ip_network(f"{ips[0]}/16", strict=False)
    out = copy.deepcopy(data)
    vnet = out.get("vnet") or {"name": "aks-vnet", "subnets": [{"name": "aks-subnet"}]}
    vnet["addressPrefixes"] = [str(subnet)]
    vnet["subnets"][0]["addressPrefix"] = str(subnet)
    for extra in vnet["subnets"][1:]:
        if extra.get("addressPrefix"):
            vnet["addressPrefixes"].append(extra["addressPrefix"])
    out["vnet"] = vnet
    out["assumedFields"] = sorted(set(assumed) | {ASSUMED_FROM_NODES})
    return out
