"""Real-world documents laid over a description's data before its one validation.

Each function takes a document (as read, or as converted from `az aks show`) and returns a new
one, positions kept; nothing here validates or derives, so the description is validated exactly once, with
every overlay already in place.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..model.observed import Observed
from .enrich import merged_vnet, vnet_from_json
from .source import Document, Loc, parse_document

ASSUMED_FROM_NODES = "vnet (from the node IPs)"


def with_real_vnet(doc: Document, vnet_file: Path) -> Document:
    """The description with the VNet of `az network vnet show` in place of an assumed or partial
    one; a problem in the VNet is reported in the VNet file, where Azure wrote the value."""
    vdoc = parse_document(vnet_file, "VNet")
    where: dict[Loc, Loc] = {}
    out = copy.deepcopy(doc.data)
    out["vnet"] = merged_vnet(out.get("vnet"), vnet_from_json(vdoc.data, vdoc, where))
    out["assumedFields"] = [f for f in out.get("assumedFields") or [] if not str(f).startswith("vnet")]
    return replace(doc, data=out, parts={**doc.parts, ("vnet",): vdoc.moved(out, where)})


def _ipv4_nodes(observed: Observed | None) -> list[ipaddress.IPv4Address]:
    nodes = observed.nodes if observed is not None else None
    return [ip for n in nodes or () for ip in n.ips if ip.version == 4]


def fit_vnet_to_nodes(doc: Document, observed: Observed | None) -> Document:
    """When the VNet's prefixes were assumed, take the node subnet from where the real nodes are."""
    data = doc.data
    vnet = data.get("vnet")
    assumed = data.get("assumedFields") or []
    ips = _ipv4_nodes(observed)
    if not ips or not (vnet is None or "vnet.subnets[].addressPrefix" in assumed):
        return doc
    try:
        if vnet and any(ip in ipaddress.ip_network(vnet["subnets"][0]["addressPrefix"], strict=False) for ip in ips):
            return doc
    except (KeyError, IndexError, TypeError, ValueError):
        return doc  # malformed: the one validation reports it with its line
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
    return replace(doc, data=out)


def with_connected(doc: Document, connected: tuple[Mapping[str, Any], ...]) -> Document:
    """The description with networks given on the command line (`--connected`) added to its own."""
    if not connected:
        return doc
    out = copy.deepcopy(doc.data)
    out["connectedNetworks"] = [*(out.get("connectedNetworks") or []), *map(dict, connected)]
    return replace(doc, data=out)
