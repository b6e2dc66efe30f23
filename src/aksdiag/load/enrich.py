"""Real-world documents laid over a description: node lists, route tables, VNets."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from ..derive.observed import Observed, ObservedNode, ObservedRoute, ObservedRouteTable
from ..errors import InputError, Problem
from .azure import _ci
from .source import parse_document


def nodes_from_json(data: Any, name: str) -> tuple[ObservedNode, ...]:
    """`kubectl get nodes -o json` (a List of Node) or a single Node."""
    items = data.get("items") if isinstance(data, dict) and data.get("kind") in ("List", "NodeList") else None
    if items is None and isinstance(data, dict) and data.get("kind") == "Node":
        items = [data]
    if not isinstance(items, list):
        raise InputError(Problem("not a node list: expected `kubectl get nodes -o json` output (kind List of Node)",
                                 file=name))
    out = []
    for i, item in enumerate(items):
        meta, spec, status = item.get("metadata") or {}, item.get("spec") or {}, item.get("status") or {}
        labels = meta.get("labels") or {}
        try:
            ips = tuple(sorted((ipaddress.ip_address(a["address"]) for a in status.get("addresses") or []
                                if a.get("type") == "InternalIP"), key=lambda ip: ip.version))
            cidrs = spec.get("podCIDRs") or ([spec["podCIDR"]] if spec.get("podCIDR") else [])
            pod_cidrs = tuple(ipaddress.ip_network(c) for c in cidrs)
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(Problem(f"node {meta.get('name')!r} has a malformed address: {exc}", file=name,
                                     field=f"items[{i}]")) from None
        out.append(ObservedNode(
            name=str(meta.get("name") or f"node{i}"),
            pool=labels.get("kubernetes.azure.com/agentpool") or labels.get("agentpool"),
            ips=ips,
            pod_cidrs=pod_cidrs,
        ))
    return tuple(out)


def route_table_from_json(data: Any, name: str) -> ObservedRouteTable:
    """`az network route-table show`, ARM shape (routes under `properties`) or the CLI's flattened one."""
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    props = _ci(data, "properties") or data
    routes_in = _ci(props, "routes")
    if not isinstance(data, dict) or not isinstance(routes_in, list):
        raise InputError(Problem("not a route table: expected `az network route-table show` output with routes",
                                 file=name))
    routes = []
    for i, raw in enumerate(routes_in):
        r = _ci(raw, "properties") or raw
        try:
            hop = _ci(r, "nextHopIpAddress", "nextHopIPAddress")
            routes.append(ObservedRoute(
                name=str(_ci(raw, "name") or f"route{i}"),
                prefix=ipaddress.ip_network(_ci(r, "addressPrefix")),
                next_hop_type=str(_ci(r, "nextHopType") or "None"),
                next_hop_ip=ipaddress.ip_address(hop) if hop else None,
            ))
        except (ValueError, TypeError) as exc:
            raise InputError(Problem(f"route has a malformed address: {exc}", file=name,
                                     field=f"routes[{i}]")) from None
    return ObservedRouteTable(str(_ci(data, "name") or "route table"), tuple(routes))


def load_observed(nodes: Path | None, route_table: Path | None) -> Observed:
    observed_nodes = observed_rt = None
    if nodes is not None:
        doc = parse_document(nodes, "node list")
        observed_nodes = nodes_from_json(doc.data, doc.name)
    if route_table is not None:
        doc = parse_document(route_table, "route table")
        observed_rt = route_table_from_json(doc.data, doc.name)
    return Observed(nodes=observed_nodes, route_table=observed_rt)


def vnet_from_json(data: Any, name: str) -> dict[str, Any]:
    """`az network vnet show` -> the `vnet` block of a description."""
    props = _ci(data, "properties") or data
    prefixes = _ci(_ci(props, "addressSpace"), "addressPrefixes")
    if not isinstance(data, dict) or not isinstance(prefixes, list):
        raise InputError(Problem("not a VNet: expected `az network vnet show` output with addressSpace", file=name))
    subnets = []
    for raw in _ci(props, "subnets") or []:
        s = _ci(raw, "properties") or raw
        prefix = _ci(s, "addressPrefix") or (_ci(s, "addressPrefixes") or [None])[0]
        if prefix:
            subnets.append({"name": str(_ci(raw, "name")), "addressPrefix": prefix})
    return {"name": str(_ci(data, "name") or "vnet"), "addressPrefixes": prefixes, "subnets": subnets}


def merged_vnet(current: dict[str, Any] | None, real: dict[str, Any]) -> dict[str, Any]:
    """The real VNet, keeping what the description says of subnets it also names (route tables, NSGs)."""
    known = {s["name"]: s for s in (current or {}).get("subnets", [])}
    subnets = []
    for s in real["subnets"]:
        mine = known.get(s["name"], {})
        subnets.append({**mine, "name": s["name"], "addressPrefix": s["addressPrefix"]})
    names = {s["name"] for s in subnets}
    subnets += [s for n, s in known.items() if n not in names]
    return {**real, "subnets": subnets}
