"""Real-world documents laid over a description: node lists, route tables, VNets."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model.observed import Observed, ObservedNode, ObservedRoute, ObservedRouteTable
from .azure import _ci, _ci_at
from .source import Document, Loc, parse_document


def _doc(data: Any, source: str | Document) -> Document:
    return source if isinstance(source, Document) else Document(source, data)


def _text(doc: Document, value: Any, loc: Loc, what: str) -> str:
    if not isinstance(value, str):
        raise InputError(doc.problem(f"found {_shown(value)}: {what} must be text", loc))
    return value


def _shown(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _properties(value: Any, loc: Loc) -> tuple[Any, Loc]:
    """An ARM resource's `properties`, or the value itself where the az CLI flattened them."""
    props, at = _ci_at(value, loc, "properties")
    return (props, at) if isinstance(props, dict) else (value, loc)


def _mapping(doc: Document, value: Any, loc: Loc, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(doc.problem(f"found {_shown(value)}: {what} must be a mapping", loc))
    return value


def _list(doc: Document, value: Any, loc: Loc, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(doc.problem(f"found {_shown(value)}: {what} must be a list", loc))
    return value


def _address(doc: Document, value: Any, loc: Loc, network: bool = False) -> Any:
    what = "an address range in CIDR form (like 10.244.0.0/24)" if network else "an IP address (like 10.240.0.4)"
    try:
        if isinstance(value, str):
            return ipaddress.ip_network(value) if network else ipaddress.ip_address(value)
    except ValueError:
        pass
    raise InputError(doc.problem(f"found {_shown(value)}: must be {what}", loc))


def nodes_from_json(data: Any, source: str | Document) -> tuple[ObservedNode, ...]:
    """`kubectl get nodes -o json` (a List of Node) or a single Node."""
    doc = _doc(data, source)
    kind = data.get("kind") if isinstance(data, dict) else None
    items_at: Loc | None
    if kind in ("List", "NodeList"):
        items, items_at = data.get("items"), ("items",)
    elif kind == "Node":
        items, items_at = [data], None
    else:
        items, items_at = None, ()
    if not isinstance(items, list):
        raise InputError(
            doc.problem(
                "not a node list: expected `kubectl get nodes -o json` output (kind List of Node)", items_at or ()
            )
        )
    return tuple(_node(doc, item, (*items_at, i) if items_at is not None else ()) for i, item in enumerate(items))


def _node(doc: Document, item: Any, at: Loc) -> ObservedNode:
    """One Node; each part is checked in document order, so the first bad one is reported."""
    item = _mapping(doc, item, at, "a node")
    if item.get("kind", "Node") != "Node":
        raise InputError(
            doc.problem(f"found kind {_shown(item.get('kind'))}: items of a node list are Nodes", (*at, "kind"))
        )
    meta = _mapping(doc, item.get("metadata"), (*at, "metadata"), "metadata")
    spec = _mapping(doc, item.get("spec"), (*at, "spec"), "spec")
    status = _mapping(doc, item.get("status"), (*at, "status"), "status")
    labels = _mapping(doc, meta.get("labels"), (*at, "metadata", "labels"), "labels")
    name = _text(doc, meta.get("name"), (*at, "metadata", "name"), "a node's name")
    pool = None
    for label in ("kubernetes.azure.com/agentpool", "agentpool"):
        if labels.get(label) is not None:
            pool = _text(doc, labels[label], (*at, "metadata", "labels", label), "a label")
            break
    ips = []
    addresses = _list(doc, status.get("addresses"), (*at, "status", "addresses"), "addresses")
    for j, a in enumerate(addresses):
        a = _mapping(doc, a, (*at, "status", "addresses", j), "an address")
        if a.get("type") == "InternalIP":
            ips.append(_address(doc, a.get("address"), (*at, "status", "addresses", j, "address")))
    cidrs = _pod_cidrs(doc, spec, at)
    return ObservedNode(
        name=name,
        pool=pool,
        ips=tuple(sorted(ips, key=lambda ip: ip.version)),
        pod_cidrs=tuple(_address(doc, c, loc, network=True) for c, loc in cidrs),
    )


def _pod_cidrs(doc: Document, spec: dict[str, Any], at: Loc) -> list[tuple[Any, Loc]]:
    """A node's pod CIDR(s), each with its place: `podCIDRs` (dual-stack) or the older `podCIDR`."""
    if spec.get("podCIDRs") is not None:
        return [
            (c, (*at, "spec", "podCIDRs", j))
            for j, c in enumerate(_list(doc, spec["podCIDRs"], (*at, "spec", "podCIDRs"), "podCIDRs"))
        ]
    if spec.get("podCIDR") is not None:
        return [(spec["podCIDR"], (*at, "spec", "podCIDR"))]
    return []


def route_table_from_json(data: Any, source: str | Document) -> ObservedRouteTable:
    """`az network route-table show`, ARM shape (routes under `properties`) or the CLI's flattened one."""
    doc = _doc(data, source)
    root: Loc = ()
    if isinstance(data, list) and len(data) == 1:
        data, root = data[0], (0,)
    props, props_at = _properties(data, root)
    routes_in, routes_at = _ci_at(props, props_at, "routes")
    if not isinstance(data, dict) or not isinstance(routes_in, list):
        raise InputError(
            doc.problem("not a route table: expected `az network route-table show` output with routes", root)
        )
    routes = []
    for i, raw in enumerate(routes_in):
        at: Loc = (*routes_at, i)
        raw = _mapping(doc, raw, at, "a route")
        r, r_at = _properties(raw, at)
        name, name_at = _ci_at(raw, at, "name")
        prefix, prefix_at = _ci_at(r, r_at, "addressPrefix")
        hop_type, hop_type_at = _ci_at(r, r_at, "nextHopType")
        hop, hop_at = _ci_at(r, r_at, "nextHopIpAddress", "nextHopIPAddress")
        routes.append(
            ObservedRoute(
                name=_text(doc, name, name_at, "a route's name") if name is not None else f"route{i}",
                prefix=_address(doc, prefix, prefix_at, network=True),
                next_hop_type=_text(doc, hop_type, hop_type_at, "nextHopType") if hop_type is not None else "None",
                next_hop_ip=_address(doc, hop, hop_at) if hop else None,
            )
        )
    name, name_at = _ci_at(data, root, "name")
    return ObservedRouteTable(
        _text(doc, name, name_at, "the route table's name") if name is not None else "route table", tuple(routes)
    )


def load_observed(nodes: Path | None, route_table: Path | None) -> tuple[Observed, Document | None]:
    """The observed documents, and the node list as read (to position what `foreign_nodes` finds)."""
    observed_nodes = observed_rt = nodes_doc = None
    if nodes is not None:
        nodes_doc = parse_document(nodes, "node list")
        observed_nodes = nodes_from_json(nodes_doc.data, nodes_doc)
    if route_table is not None:
        doc = parse_document(route_table, "route table")
        observed_rt = route_table_from_json(doc.data, doc)
    return Observed(nodes=observed_nodes, route_table=observed_rt), nodes_doc


def vnet_from_json(data: Any, source: str | Document, where: dict[Loc, Loc] | None = None) -> dict[str, Any]:
    """`az network vnet show` -> the `vnet` block of a description; `where` gets the document
    path each value came from, for positioned messages."""
    doc = _doc(data, source)
    where = {} if where is None else where
    kind = _ci(data, "type")
    if isinstance(kind, str) and kind.lower() != "microsoft.network/virtualnetworks" and "/" in kind:
        raise InputError(
            doc.problem(f"this is a {kind} resource, not a VNet: expected `az network vnet show` output", ("type",))
        )
    props, props_at = _properties(data, ())
    space, space_at = _ci_at(props, props_at, "addressSpace")
    prefixes, prefixes_at = _ci_at(space, space_at, "addressPrefixes")
    if not isinstance(data, dict) or not isinstance(prefixes, list):
        raise InputError(doc.problem("not a VNet: expected `az network vnet show` output with addressSpace"))
    where[("vnet", "addressPrefixes")] = prefixes_at
    subnets: list[dict[str, Any]] = []
    raw_subnets, subnets_at = _ci_at(props, props_at, "subnets")
    for i, raw in enumerate(_list(doc, raw_subnets, subnets_at, "subnets")):
        at: Loc = (*subnets_at, i)
        raw = _mapping(doc, raw, at, "a subnet")
        s, s_at = _properties(raw, at)
        prefix, prefix_at = _ci_at(s, s_at, "addressPrefix")
        if prefix is None:
            many, many_at = _ci_at(s, s_at, "addressPrefixes")
            if isinstance(many, list) and many:
                prefix, prefix_at = many[0], (*many_at, 0)
        if prefix is not None:
            name, name_at = _ci_at(raw, at, "name")
            loc: Loc = ("vnet", "subnets", len(subnets))
            where[loc], where[(*loc, "name")], where[(*loc, "addressPrefix")] = at, name_at, prefix_at
            subnet = {"name": _text(doc, name, name_at, "a subnet's name"), "addressPrefix": prefix}
            natgw, natgw_at = _ci_at(s, s_at, "natGateway")
            natgw_id, _ = _ci_at(natgw, natgw_at, "id")
            if isinstance(natgw_id, str) and "/natgateways/" in natgw_id.lower():
                # The subnet names its NAT gateway by id; the name is the id's last part.
                subnet["natGateway"] = {"name": natgw_id.rstrip("/").rsplit("/", 1)[-1]}
                where[(*loc, "natGateway")] = natgw_at
            subnets.append(subnet)
    name, name_at = _ci_at(data, (), "name")
    where[("vnet", "name")] = name_at
    return {"name": name if name is not None else "vnet", "addressPrefixes": prefixes, "subnets": subnets}


def merged_vnet(current: dict[str, Any] | None, real: dict[str, Any]) -> dict[str, Any]:
    """The real VNet, keeping what the description says of subnets it also names (route tables, NSGs)."""
    known = {s["name"]: s for s in (current or {}).get("subnets", [])}
    subnets = []
    for s in real["subnets"]:
        mine = known.get(s["name"], {})
        found = {k: v for k, v in s.items() if k not in mine}  # what the description says of a subnet wins
        subnets.append({**mine, **found, "name": s["name"], "addressPrefix": s["addressPrefix"]})
    names = {s["name"] for s in subnets}
    subnets += [s for n, s in known.items() if n not in names]
    return {**real, "subnets": subnets}
