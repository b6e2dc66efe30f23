"""`terraform show -json` (of a plan file or of a state) -> cluster description data.

The azurerm resources that shape a cluster's network are read: the cluster with its default
pool and network profile, extra node pools, the VNet and its subnets, route tables and
routes, NAT gateway associations, firewalls and peerings, in the root module and in child
modules. A value a plan leaves "known after apply" is never guessed: where the resource
that will produce it is in the plan (a subnet ID), the plan's `configuration` references
are followed to it; otherwise the field is listed as unknown, drawn with AKS's default and
named in a warning. A plan's `before` and `after` give two descriptions, for `compare`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..model import OSSKU
from .design import is_terraform
from .reader import At
from .source import Document, Loc

_INDEX = re.compile(r"\[[^\]]*\]")
_SUBNET_ID = re.compile(r"/virtualnetworks/([^/]+)/subnets/([^/]+)$", re.IGNORECASE)
_VNET_ID = re.compile(r"/virtualnetworks/([^/]+)$", re.IGNORECASE)
_CLUSTER_ID = re.compile(r"/managedclusters/([^/]+)$", re.IGNORECASE)

CLUSTER = "azurerm_kubernetes_cluster"
SIDES = ("after", "before")


def is_plan(data: Any) -> bool:
    return is_terraform(data) and ("resource_changes" in data or "planned_values" in data)


@dataclass
class Resource:
    """One resource instance of one side of the document, with where its values were written."""

    address: str
    type: str
    module: str  # "" for the root module, else "module.a.module.b" (instance keys kept)
    values: At
    unknown: Any = None  # after_unknown: True, or a mapping/list of the same shape
    mode: str = "managed"

    @property
    def config_key(self) -> tuple[str, str]:
        """(module path without instance keys, "type.name") as `configuration` names it."""
        local = self.address[len(self.module) + 1 :] if self.module else self.address
        return _INDEX.sub("", self.module), _INDEX.sub("", local)

    def value(self, *path: str | int) -> At:
        at = self.values
        for part in path:
            if isinstance(part, int):
                items = list(at.items()) if isinstance(at.value, list) else []
                at = items[part] if part < len(items) else At(at.doc, None, at.loc)
            else:
                at = at.get(part)
        return at

    def is_unknown(self, *path: str | int) -> bool:
        u = self.unknown
        for part in path:
            if u is True:
                return True
            if isinstance(part, int) and isinstance(u, list):
                u = u[part] if part < len(u) else None
            elif isinstance(part, str) and isinstance(u, dict):
                u = u.get(part)
            else:
                return False
        return u is True or (isinstance(u, list) and any(x is True for x in u))


@dataclass
class Side:
    """The resources of one side (a plan's before or after, or a state) and the configuration."""

    doc: Document
    name: str
    resources: list[Resource]
    config: dict[tuple[str, str], At]  # (module path, "type.name") -> configuration resource
    module_calls: dict[str, At]  # module path -> module_calls entry of its parent
    outputs: dict[str, At]  # "module.path" -> outputs of that module's configuration
    variables: At
    unknown: list[tuple[str, At]] = field(default_factory=list)  # (description field, where written)
    notes: list[str] = field(default_factory=list)  # how a value was found, where it was not plain

    def of_type(self, kind: str) -> list[Resource]:
        return [r for r in self.resources if r.type == kind]

    def by_address(self, address: str) -> list[Resource]:
        """Instances of `address`; an address without instance key also finds each keyed instance."""
        exact = [r for r in self.resources if r.address == address]
        if exact:
            return exact
        return [r for r in self.resources if _INDEX.sub("", r.address) == address]


def _walk_module(
    doc: Document,
    module: At,
    out: list[Resource],
    unknown_of: dict[str, Any] | None = None,
    mode_filter: str | None = None,
) -> None:
    for r in module.get("resources").items():
        address = r.get("address").value
        kind = r.get("type").value
        if not isinstance(address, str) or not isinstance(kind, str) or not kind.startswith("azurerm_"):
            continue
        mode = r.get("mode").value or "managed"
        if mode_filter and mode != mode_filter:
            continue
        m = re.match(r"^((?:module\.[^.\[]+(?:\[[^\]]*\])?\.)*)", address)
        prefix = m[1].rstrip(".") if m else ""
        out.append(Resource(address, kind, prefix, r.get("values"), (unknown_of or {}).get(address), mode))
    for child in module.get("child_modules").items():
        _walk_module(doc, child, out, unknown_of, mode_filter)


def _config_tree(doc: Document) -> tuple[dict[tuple[str, str], At], dict[str, At], dict[str, At]]:
    config: dict[tuple[str, str], At] = {}
    calls: dict[str, At] = {}
    outputs: dict[str, At] = {}

    def walk(module: At, path: str) -> None:
        outputs[path] = module.get("outputs")
        for r in module.get("resources").items():
            address = r.get("address").value
            if isinstance(address, str):
                config[(path, address)] = r
        for name in module.get("module_calls").value or {}:
            call_at = module.get("module_calls").get(name)
            child = f"{path}.module.{name}" if path else f"module.{name}"
            calls[child] = call_at
            walk(call_at.get("module"), child)

    walk(At(doc, doc.data, ()).get("configuration").get("root_module"), "")
    return config, calls, outputs


def sides(doc: Document) -> dict[str, Side]:
    """The document's sides: `after` (planned values, or the state), and `before` for a plan
    that changes resources that exist already."""
    root = At(doc, doc.data, ())
    config, calls, outputs = _config_tree(doc)
    variables = root.get("variables")
    out: dict[str, Side] = {}
    if not is_plan(doc.data):
        resources: list[Resource] = []
        _walk_module(doc, root.get("values").get("root_module"), resources)
        out["after"] = Side(doc, "state", resources, config, calls, outputs, variables)
        return out
    # Data sources read while planning (an existing VNet or subnet) are in prior_state.
    data_sources: list[Resource] = []
    _walk_module(doc, root.get("prior_state").get("values").get("root_module"), data_sources, mode_filter="data")
    changes = list(root.get("resource_changes").items())
    for side in SIDES:
        resources = []
        for rc in changes:
            address, kind = rc.get("address").value, rc.get("type").value
            if rc.get("mode").value == "data" or not isinstance(kind, str) or not kind.startswith("azurerm_"):
                continue
            values = rc.get("change").get(side)
            if not isinstance(values.value, dict):
                continue  # created (no before) or destroyed (no after)
            module = rc.get("module_address").value or ""
            unknown = rc.get("change").get("after_unknown").value if side == "after" else None
            resources.append(Resource(address, kind, module, values, unknown))
        if side == "after" and not resources:
            _walk_module(doc, root.get("planned_values").get("root_module"), resources)
        if side == "before" and not any(r.type == CLUSTER for r in resources):
            continue
        out[side] = Side(doc, side, resources + data_sources, config, calls, outputs, variables)
    return out


def _key(address: str) -> str | None:
    """The instance key of an address (`[2]`, `["a"]`), or None."""
    m = re.search(r"(\[[^\]]*\])$", address)
    return m[1] if m else None


def _same_instance(found: list[Resource], key: str | None) -> Resource:
    """Of a reference's instances (`count`, `for_each`), the one with the referrer's key."""
    if key is not None and len(found) > 1:
        for r in found:
            if _key(r.address) == key:
                return r
    return found[0]


def clusters(side: Side) -> list[Resource]:
    return side.of_type(CLUSTER)


def _cluster_name(r: Resource) -> str:
    name = r.value("name").value
    return name if isinstance(name, str) else r.address


def pick_cluster(side: Side, cluster: str | None) -> Resource:
    found = clusters(side)
    root = At(side.doc, side.doc.data, ())
    names = [_cluster_name(r) for r in found]
    if not found:
        raise root.fail("this Terraform document has no azurerm_kubernetes_cluster: nothing to draw")
    if cluster is not None:
        for r in found:
            if cluster in (_cluster_name(r), r.address):
                return r
        raise root.fail(f"no cluster named {cluster!r} in this plan; it has {', '.join(names)}")
    if len(found) > 1:
        raise found[1].values.fail(
            f"this plan has {len(found)} clusters: pick one with --cluster NAME ({', '.join(names)})"
        )
    return found[0]


# --- following references ----------------------------------------------------------------


class Unfollowable(Exception):
    """A reference that leads outside what the document says (a local, an unset variable)."""

    def __init__(self, reference: str, at: At, why: str):
        super().__init__(reference)
        self.reference, self.at, self.why = reference, at, why


def _expression(side: Side, r: Resource, *path: str | int) -> At:
    """The configuration expression of an attribute of `r` (blocks are lists of one)."""
    conf = side.config.get(r.config_key)
    if conf is None:
        return At(side.doc, None, ())
    at = conf.get("expressions")
    for part in path:
        at = at.first() if isinstance(part, int) else at.get(part)
    return at


MAX_HOPS = 32  # module inputs and outputs a value passes through; a loop of them stops here


def follow(side: Side, module: str, expr: At, key: str | None = None, hops: int = 0) -> Resource | At:
    """Where an expression's value comes from: a resource of the document, or a known value.
    Raises `Unfollowable` when the chain leaves the document."""
    if hops > MAX_HOPS:
        raise Unfollowable("?", expr, f"it passes through more than {MAX_HOPS} module inputs and outputs")
    if expr.missing:
        raise Unfollowable("?", expr, "the plan's configuration does not say where it comes from")
    constant = expr.get("constant_value")
    if not constant.missing:
        return constant
    refs = expr.get("references").value
    if not isinstance(refs, list) or not refs:
        raise Unfollowable("?", expr, "it is computed by an expression the plan does not record")
    # A conditional (`var.byo ? azurerm_subnet.x[0].id : null`) references its condition too:
    # the first reference that leads to a resource or to text is the value's source.
    first: Unfollowable | None = None
    seen: set[str] = set()
    for ref_at in expr.get("references").items():
        ref = str(ref_at.value)
        if ref in seen:
            continue
        seen.add(ref)
        try:
            found = _follow_one(side, module, ref_at, ref, key, hops)
        except Unfollowable as exc:
            first = first or exc
            continue
        if isinstance(found, Resource) or isinstance(found.value, str) or len(refs) == 1:
            return found
    raise first or Unfollowable(str(refs[0]), expr, "none of its references leads to a resource or a value")


def _follow_one(side: Side, module: str, expr: At, ref: str, key: str | None, hops: int) -> Resource | At:
    parts = ref.split(".")
    if parts[0] == "var":
        return _follow_variable(side, module, expr, ref, key, hops)
    if parts[0] == "module" and len(parts) >= 3:
        return _follow_module_output(side, module, expr, ref, key, hops)
    if parts[0] == "data" and len(parts) >= 3:
        found = _in_module(side, module, ".".join(parts[:3]), key)
        if found is None:
            raise Unfollowable(ref, expr, "the data source was not read into the plan")
        return found
    if parts[0] in ("local", "each", "count", "path", "terraform", "self"):
        raise Unfollowable(ref, expr, "the plan does not record local values")
    if len(parts) >= 2 and parts[0].startswith("azurerm_"):
        found = _in_module(side, module, f"{parts[0]}.{parts[1]}", key)
        if found is None:
            raise Unfollowable(ref, expr, "the resource is not in the plan")
        return found
    raise Unfollowable(ref, expr, "aksdiag does not follow this kind of reference")


def _follow_variable(side: Side, module: str, expr: At, ref: str, key: str | None, hops: int) -> Resource | At:
    """`var.x`: the root module's value in the plan, or the argument the module was called with."""
    name = _INDEX.sub("", ref.split(".")[1])
    if not module:
        value = side.variables.get(name).get("value")
        if value.missing:
            raise Unfollowable(ref, expr, "the variable has no value in the plan")
        return value
    call = side.module_calls.get(_INDEX.sub("", module))
    if call is None:
        raise Unfollowable(ref, expr, "the module call is not in the plan's configuration")
    parent = module.rsplit(".module.", 1)[0] if ".module." in module else ""
    arg = call.get("expressions").get(name)
    if arg.missing:
        raise Unfollowable(ref, expr, "the module is called without it (its default is not in the plan)")
    return follow(side, parent, arg, key, hops + 1)


def _follow_module_output(side: Side, module: str, expr: At, ref: str, key: str | None, hops: int) -> Resource | At:
    """`module.x.output`: the output's expression, followed inside that module's instance."""
    parts = ref.split(".")
    child_name = _INDEX.sub("", parts[1])
    child = f"{module}.module.{child_name}" if module else f"module.{child_name}"
    out = side.outputs.get(_INDEX.sub("", child))
    output = out.get(parts[2]) if out is not None else At(side.doc, None, ())
    if output.missing:
        raise Unfollowable(ref, expr, "the module has no such output in the plan")
    # An instance key on the call (`module.x[0]`) names that instance; without one, the first.
    keyed = re.search(r"\[[^\]]*\]", parts[1])
    instances = sorted({r.module for r in side.resources if _INDEX.sub("", r.module) == _INDEX.sub("", child)})
    if keyed:
        child = f"{module}.module.{parts[1]}" if module else f"module.{parts[1]}"
    elif instances:
        child = instances[0]
    return follow(side, child, output.get("expression"), key, hops + 1)


def _in_module(side: Side, module: str, address: str, key: str | None) -> Resource | None:
    """A resource or data source by its address in `module` (the referrer's instance of it);
    None when the plan lacks it."""
    full = f"{module}.{address}" if module else address
    found = side.by_address(full)
    return _same_instance(found, key) if found else None


# --- reading the network ---------------------------------------------------------------


@dataclass
class _Net:
    side: Side
    data: dict[str, Any]
    where: dict[Loc, Loc]

    def put(self, loc: Loc, value: Any, at: At) -> None:
        d: Any = self.data
        for part in loc[:-1]:
            d = d[part] if isinstance(part, int) else d.setdefault(part, {})
        d[loc[-1]] = value
        self.where[loc] = at.loc


def _name(side: Side, r: Resource) -> str:
    """A resource's name; one known only after apply (built from a random suffix) is shown as
    its Terraform address and listed as unknown."""
    name = r.value("name").value
    if isinstance(name, str) and name:
        return name
    side.unknown.append((f"name of {r.address}", r.values))
    return r.address.rsplit(".", 1)[-1] if "." in r.address else r.address


def _id_of(side: Side, r: Resource, attribute: str, *path: str | int) -> Resource | None:
    """The resource an ID attribute of `r` names: by the known ID, else by following references."""
    at = r.value(*path, attribute) if path else r.value(attribute)
    if isinstance(at.value, str):
        return _by_id(side, at.value)
    if not r.is_unknown(*path, attribute):
        return None
    expr = _expression(side, r, *path, attribute)
    try:
        target = follow(side, r.module, expr, _key(r.address))
    except Unfollowable:
        return None
    if isinstance(target, Resource):
        return target
    return _by_id(side, target.value) if isinstance(target.value, str) else None


def _by_id(side: Side, rid: str) -> Resource | None:
    m = _SUBNET_ID.search(rid)
    if m:
        for s in side.of_type("azurerm_subnet"):
            if s.value("name").value == m[2] and _vnet_name(side, s) == m[1]:
                return s
        return None
    for kind, pattern in (("azurerm_virtual_network", _VNET_ID), (CLUSTER, _CLUSTER_ID)):
        m = pattern.search(rid)
        if m:
            for r in side.of_type(kind):
                if r.value("name").value == m[1]:
                    return r
    for r in side.resources:
        if r.value("id").value == rid:
            return r
    return None


def _vnet_name(side: Side, subnet: Resource) -> str | None:
    name = subnet.value("virtual_network_name").value
    if isinstance(name, str):
        return name
    vnet = _vnet_of(side, subnet)
    return vnet.value("name").value if vnet is not None else None


def _vnet_of(side: Side, subnet: Resource) -> Resource | None:
    name = subnet.value("virtual_network_name").value
    if isinstance(name, str):
        vnets = [v for v in side.of_type("azurerm_virtual_network") if v.value("name").value == name]
        if len(vnets) <= 1:
            return vnets[0] if vnets else None
        # Several VNets of one name (a `count` of clusters, each in its resource group): the
        # one the configuration names, else the one in the subnet's resource group and module.
        try:
            target = follow(
                side, subnet.module, _expression(side, subnet, "virtual_network_name"), _key(subnet.address)
            )
            if isinstance(target, Resource) and target in vnets:
                return target
        except Unfollowable:
            pass
        group = subnet.value("resource_group_name").value
        return min(
            vnets,
            key=lambda v: (
                v.value("resource_group_name").value != group,
                v.module != subnet.module,
                _key(v.address) != _key(subnet.address),
            ),
        )
    try:
        target = follow(side, subnet.module, _expression(side, subnet, "virtual_network_name"), _key(subnet.address))
    except Unfollowable:
        return None
    return target if isinstance(target, Resource) and target.type == "azurerm_virtual_network" else None


def _subnet_of_pool(side: Side, pool: Resource, attribute: str, *path: str | int) -> Resource | None:
    """The subnet a pool's `vnet_subnet_id` names; None when the pool has none (AKS-managed VNet)."""
    at = pool.value(*path, attribute)
    if isinstance(at.value, str):
        return _subnet_by_id(side, at, attribute)
    if not pool.is_unknown(*path, attribute):
        return None
    expr, module = _pool_expression(side, pool, attribute, *path)
    try:
        target = follow(side, module, expr, _key(pool.address))
    except Unfollowable as exc:
        where = exc.at if not exc.at.missing else pool.values
        named = f" {exc.reference}" if exc.reference != "?" else ""
        raise where.fail(
            f"{attribute} of {pool.address} is known after apply and its reference{named} cannot be followed: {exc.why}"
        ) from None
    if isinstance(target, Resource):
        if target.type != "azurerm_subnet":
            raise expr.fail(f"{attribute} of {pool.address} comes from {target.address}, not a subnet")
        return target
    if isinstance(target.value, str):
        found = _by_id(side, target.value)
        if found is None:
            raise target.fail(f"{attribute}: subnet {target.value!r} is defined outside this plan")
        return found
    raise expr.fail(f"{attribute} of {pool.address} cannot be followed to a subnet")


def _subnet_by_id(side: Side, at: At, attribute: str) -> Resource:
    """The subnet a known ID names, which must be in the plan."""
    found = _by_id(side, at.value)
    if found is None:
        m = _SUBNET_ID.search(at.value)
        what = f"subnet {m[2]!r} of VNet {m[1]!r}" if m else f"subnet {at.value!r}"
        raise at.fail(
            f"{attribute}: the {what} is defined outside this plan; aksdiag draws only what the "
            "plan holds (plan the VNet in the same configuration, or read it as a data source)"
        )
    return found


def _pool_expression(side: Side, pool: Resource, attribute: str, *path: str | int) -> tuple[At, str]:
    """The expression a pool's attribute known after apply was written with, and the module it is in."""
    expr = _expression(side, pool, *path, attribute)
    module = pool.module
    if expr.missing and module and _INDEX.sub("", module) in side.module_calls:
        # A dynamic block (Azure/terraform-azurerm-aks writes its default pool so) leaves no
        # expression in the plan; the module's input of the same name is where it comes from.
        call_arg = side.module_calls[_INDEX.sub("", module)].get("expressions").get(attribute)
        if not call_arg.missing:
            side.notes.append(
                f"{call_arg.where()}: {attribute} of {pool.address} is written in a dynamic block; "
                f"followed the module input {attribute}"
            )
            expr = call_arg
            module = module.rsplit(".module.", 1)[0] if ".module." in module else ""
    return expr, module


def _prefix(r: Resource, side: Side, what: str) -> tuple[str | None, At]:
    prefixes = r.value("address_prefixes")
    if isinstance(prefixes.value, list) and prefixes.value:
        return prefixes.value[0], At(prefixes.doc, prefixes.value[0], (*prefixes.loc, 0))
    single = r.value("address_prefix")
    if isinstance(single.value, str):
        return single.value, single
    side.unknown.append((what, r.values))
    return None, r.values


def _route_tables(side: Side) -> dict[str, tuple[Resource, list[dict[str, Any]], list[At]]]:
    """Route tables by address, with their routes (inline and `azurerm_route`) as the model writes them."""
    out: dict[str, tuple[Resource, list[dict[str, Any]], list[At]]] = {}
    for rt in side.of_type("azurerm_route_table"):
        routes: list[dict[str, Any]] = []
        ats: list[At] = []
        for i, inline in enumerate(rt.value("route").items()):
            _add_route(side, rt, inline, routes, ats, ("route", i))
        out[rt.address] = (rt, routes, ats)
    for route in side.of_type("azurerm_route"):
        table_name = route.value("route_table_name").value
        target: Resource | None = None
        if isinstance(table_name, str):
            target = next((t for t in side.of_type("azurerm_route_table") if t.value("name").value == table_name), None)
        else:
            try:
                found = follow(side, route.module, _expression(side, route, "route_table_name"), _key(route.address))
                target = found if isinstance(found, Resource) else None
            except Unfollowable:
                target = None
        if target is not None and target.address in out:
            _add_route(side, route, route.values, out[target.address][1], out[target.address][2], ())
    return out


def _firewall_address(side: Side, owner: Resource, path: tuple[str | int, ...]) -> tuple[str, Resource] | None:
    """A route's next hop that is an `azurerm_firewall`'s private IP (known after apply): Azure gives
    a firewall the first free address of its AzureFirewallSubnet, the subnet's fourth (x.x.x.4)."""
    import ipaddress

    try:
        target = follow(
            side, owner.module, _expression(side, owner, *path, "next_hop_in_ip_address"), _key(owner.address)
        )
    except Unfollowable:
        return None
    if not isinstance(target, Resource) or target.type != "azurerm_firewall":
        return None
    subnet = _id_of(side, target, "subnet_id", "ip_configuration", 0)
    prefix = None
    if subnet is not None:
        prefixes = subnet.value("address_prefixes").value
        prefix = prefixes[0] if isinstance(prefixes, list) and prefixes else subnet.value("address_prefix").value
    if not isinstance(prefix, str):
        return None
    try:
        return str(ipaddress.ip_network(prefix, strict=False)[4]), target
    except (ValueError, IndexError):
        return None


def _add_route(
    side: Side, owner: Resource, route: At, routes: list[dict[str, Any]], ats: list[At], path: tuple[str | int, ...]
) -> None:
    name, prefix = route.get("name").value, route.get("address_prefix").value
    hop_type, hop = route.get("next_hop_type").value, route.get("next_hop_in_ip_address").value
    if not isinstance(prefix, str) or not isinstance(hop_type, str):
        side.unknown.append((f"route {name or '?'} of {owner.address}", route))
        return
    entry: dict[str, Any] = {"name": name or f"route{len(routes)}", "addressPrefix": prefix, "nextHopType": hop_type}
    if hop_type == "VirtualAppliance":
        if not isinstance(hop, str):
            firewall = _firewall_address(side, owner, path)
            if firewall is None:
                side.unknown.append((f"next hop of route {name!r} (an address known after apply)", route))
                return
            hop = firewall[0]
            side.notes.append(
                f"{route.where()}: route {name!r} goes to {firewall[1].address}, whose private IP is "
                f"known after apply; drawn as {hop}, the address Azure gives a firewall in its subnet"
            )
        entry["nextHopIpAddress"] = hop
    routes.append(entry)
    ats.append(route)


def _association(side: Side, kind: str, subnet: Resource, other: str) -> Resource | None:
    """The resource a subnet is associated with through `kind` (route table, NAT gateway)."""
    for assoc in side.of_type(kind):
        if _id_of(side, assoc, "subnet_id") is subnet:
            return _id_of(side, assoc, other)
    return None


_NETWORK_FIELDS = {
    "network_plugin": "networkPlugin",
    "network_plugin_mode": "networkPluginMode",
    "network_policy": "networkPolicy",
    "network_data_plane": "networkDataplane",
    "pod_cidr": "podCidr",
    "service_cidr": "serviceCidr",
    "dns_service_ip": "dnsServiceIP",
    "docker_bridge_cidr": "dockerBridgeCidr",
    "outbound_type": "outboundType",
    "load_balancer_sku": "loadBalancerSku",
}
_LIST_FIELDS = {"pod_cidrs": "podCidrs", "service_cidrs": "serviceCidrs", "ip_versions": "ipFamilies"}
# Fields whose unknown value changes the picture; the rest AKS fills with defaults we also use.
_CANON = {
    "networkPlugin": ["kubenet", "azure", "none"],
    "networkPluginMode": ["overlay"],
    "networkPolicy": ["none", "azure", "calico", "cilium"],
    "networkDataplane": ["azure", "cilium"],
    "outboundType": ["loadBalancer", "managedNATGateway", "userAssignedNATGateway", "userDefinedRouting", "none"],
    "osType": ["Linux", "Windows"],
    "mode": ["System", "User"],
    "ipFamilies": ["IPv4", "IPv6"],
}


def _canon(field_name: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_canon(field_name, v) for v in value]
    for known in _CANON.get(field_name, []):
        if isinstance(value, str) and known.lower() == value.lower():
            return known
    return value


def _pool(
    side: Side, net: _Net, r: Resource, at: tuple[str | int, ...], index: int, mode: str | None
) -> tuple[Resource | None, Resource | None]:
    """One node pool into `net.data["nodePools"][index]`; returns its node and pod subnets."""
    loc: Loc = ("nodePools", index)
    block = r.value(*at) if at else r.values
    net.where[loc] = block.loc

    def get(name: str) -> At:
        return block.get(name)

    def unknown(name: str) -> bool:
        return r.is_unknown(*at, name)

    name = get("name")
    net.put((*loc, "name"), name.value if isinstance(name.value, str) else f"pool{index}", name)
    count = get("node_count") if get("node_count").value is not None else get("min_count")
    net.put((*loc, "count"), count.value if isinstance(count.value, int) else 1, count)
    if count.missing and (unknown("node_count") or unknown("min_count")):
        side.unknown.append((f"nodePools[{index}].count", block))
    _pool_machines(net, block, index, mode)
    node_subnet = _subnet_of_pool(side, r, "vnet_subnet_id", *at)
    pod_subnet = _subnet_of_pool(side, r, "pod_subnet_id", *at)
    for subnet, key in ((node_subnet, "vnetSubnetName"), (pod_subnet, "podSubnetName")):
        if subnet is not None:
            net.put(
                (*loc, key),
                _name(side, subnet),
                block.get("vnet_subnet_id" if key == "vnetSubnetName" else "pod_subnet_id"),
            )
    return node_subnet, pod_subnet


def _pool_machines(net: _Net, block: At, index: int, mode: str | None) -> None:
    """A pool's VM size, OS, mode (`mode` when the caller knows it), pods per node and surge. A
    max_pods known after apply is left out: AKS computes it from the network plugin, as aksdiag's
    default does."""
    loc: Loc = ("nodePools", index)
    for tf, key in (("vm_size", "vmSize"), ("os_type", "osType")):
        at = block.get(tf)
        if isinstance(at.value, str):
            net.put((*loc, key), _canon(key, at.value), at)
    if mode is not None:
        net.data["nodePools"][index]["mode"] = mode
    elif isinstance(block.get("mode").value, str):
        net.put((*loc, "mode"), _canon("mode", block.get("mode").value), block.get("mode"))
    pods = block.get("max_pods")
    if isinstance(pods.value, int):
        net.put((*loc, "maxPods"), pods.value, pods)
    sku = block.get("os_sku")
    known = {v.lower(): v for v in OSSKU.__members__.values()}
    if isinstance(sku.value, str) and sku.value.lower() in known:
        net.put((*loc, "osSKU"), known[sku.value.lower()], sku)
    surge = block.get("upgrade_settings").first().get("max_surge")
    if isinstance(surge.value, (str, int)) and re.fullmatch(r"[0-9]{1,4}%?", str(surge.value).strip()):
        net.put((*loc, "upgradeSettings", "maxSurge"), str(surge.value).strip(), surge)


def describe(side: Side, cluster: Resource) -> Document:
    """The description data of `cluster` as this side has it, each field positioned where the
    document wrote it; `side.unknown` lists what the plan leaves to apply time."""
    net = _Net(side, {}, {})
    name = cluster.value("name")
    net.put(("name",), name.value if isinstance(name.value, str) else cluster.address, name)
    for tf, key in (
        ("location", "location"),
        ("resource_group_name", "resourceGroup"),
        ("node_resource_group", "nodeResourceGroup"),
        ("kubernetes_version", "kubernetesVersion"),
    ):
        at = cluster.value(tf)
        if isinstance(at.value, str) and at.value:
            net.put((key,), at.value, at)
    _network_profile(side, net, cluster)
    subnets_used = _pools(side, net, cluster)
    _api_server(net, cluster)
    if subnets_used:
        _vnet(side, net, subnets_used)
        _nat_gateway(side, net, cluster, subnets_used[0][0])
    # Network profile fields left unknown are filled by derive with AKS's defaults, which lists
    # them as assumed itself; the rest (a name, a route's next hop) are listed here.
    net.data["assumedFields"] = sorted(
        {f"{what} (known after apply)" for what, _ in side.unknown if not what.startswith("networkProfile")}
    )
    return side.doc.moved(net.data, net.where)


def _network_profile(side: Side, net: _Net, cluster: Resource) -> None:
    profile = cluster.value("network_profile").first()
    net.data["networkProfile"] = {}
    net.where[("networkProfile",)] = profile.loc if not profile.missing else cluster.values.loc
    if profile.missing and cluster.is_unknown("network_profile"):
        side.unknown.append(("networkProfile", cluster.values))
    unknown_later: list[tuple[str, At]] = []
    for tf, key in _NETWORK_FIELDS.items():
        at = profile.get(tf)
        if isinstance(at.value, str) and at.value:
            net.put(("networkProfile", key), _canon(key, at.value), at)
        elif cluster.is_unknown("network_profile", 0, tf) and key in ("podCidr", "serviceCidr", "dnsServiceIP"):
            unknown_later.append((f"networkProfile.{key}", profile))
    # azurerm 3.x wrote Cilium's dataplane as ebpf_data_plane.
    ebpf = profile.get("ebpf_data_plane")
    if isinstance(ebpf.value, str) and "networkDataplane" not in net.data["networkProfile"]:
        net.put(("networkProfile", "networkDataplane"), _canon("networkDataplane", ebpf.value), ebpf)
    for tf, key in _LIST_FIELDS.items():
        at = profile.get(tf)
        if isinstance(at.value, list) and at.value:
            net.put(("networkProfile", key), _canon(key, at.value), at)
    _outbound_ip_counts(net, profile)
    # Azure CNI without overlay gives pods VNet addresses: its pod CIDR is no fact of the design.
    flat = (
        net.data["networkProfile"].get("networkPlugin") == "azure"
        and "networkPluginMode" not in net.data["networkProfile"]
    )
    side.unknown += [(what, at) for what, at in unknown_later if not (flat and what.endswith("podCidr"))]
    if net.data["networkProfile"].get("networkPolicy") == "none":
        del net.data["networkProfile"]["networkPolicy"]


def _outbound_ip_counts(net: _Net, profile: At) -> None:
    lb_count = profile.get("load_balancer_profile").first().get("managed_outbound_ip_count")
    if isinstance(lb_count.value, int):
        net.put(("networkProfile", "loadBalancerOutboundIPCount"), lb_count.value, lb_count)
    nat_count = profile.get("nat_gateway_profile").first().get("managed_outbound_ip_count")
    if isinstance(nat_count.value, int) and net.data["networkProfile"].get("outboundType") == "managedNATGateway":
        net.put(("networkProfile", "natGatewayProfile", "managedOutboundIPCount"), nat_count.value, nat_count)


def _pools(side: Side, net: _Net, cluster: Resource) -> list[tuple[Resource, At]]:
    """The default pool and the cluster's other pools; returns the subnets they use, each with
    the pool that names it."""
    net.data["nodePools"] = [{}]
    subnets_used: list[tuple[Resource, At]] = []
    node, pod = _pool(side, net, cluster, ("default_node_pool", 0), 0, "System")
    subnets_used += [(s, cluster.value("default_node_pool", 0)) for s in (node, pod) if s is not None]
    for extra in side.of_type("azurerm_kubernetes_cluster_node_pool"):
        owner = _id_of(side, extra, "kubernetes_cluster_id")
        if owner is not cluster:
            continue
        net.data["nodePools"].append({})
        node, pod = _pool(side, net, extra, (), len(net.data["nodePools"]) - 1, None)
        subnets_used += [(s, extra.values) for s in (node, pod) if s is not None]
    net.where[("nodePools",)] = cluster.value("default_node_pool").loc
    return subnets_used


def _nat_gateway(side: Side, net: _Net, cluster: Resource, node_subnet: Resource) -> None:
    """userAssignedNATGateway needs a NAT gateway on the node subnet before the cluster is made;
    the description has no field for the gateway, so a plan without the association is said."""
    if net.data["networkProfile"].get("outboundType") != "userAssignedNATGateway":
        return
    if _association(side, "azurerm_subnet_nat_gateway_association", node_subnet, "nat_gateway_id") is None:
        at = cluster.value("network_profile", 0, "outbound_type")
        side.notes.append(
            f"{at.where()}: outbound_type is userAssignedNATGateway but this plan associates no NAT "
            f"gateway with the node subnet {node_subnet.address}; AKS refuses a subnet without one"
        )


def _api_server(net: _Net, cluster: Resource) -> None:
    private = cluster.value("private_cluster_enabled")
    if private.value is True:
        net.put(("apiServerAccessProfile", "enablePrivateCluster"), True, private)
        zone = cluster.value("private_dns_zone_id")
        if isinstance(zone.value, str):
            net.put(("apiServerAccessProfile", "privateDNSZone"), zone.value, zone)
        fqdn = cluster.value("private_cluster_public_fqdn_enabled")
        if isinstance(fqdn.value, bool):
            net.put(("apiServerAccessProfile", "enablePrivateClusterPublicFQDN"), fqdn.value, fqdn)
    access = cluster.value("api_server_access_profile").first()
    ranges = access.get("authorized_ip_ranges")
    if not isinstance(ranges.value, list):
        ranges = cluster.value("api_server_authorized_ip_ranges")
    if isinstance(ranges.value, list) and ranges.value:
        net.put(("apiServerAccessProfile", "authorizedIPRanges"), list(ranges.value), ranges)


def _vnet(side: Side, net: _Net, used: list[tuple[Resource, At]]) -> None:
    """The VNet of the node subnets, with its subnets, their route tables and its peerings."""
    first, first_at = used[0]
    vnet = _vnet_of(side, first)
    if vnet is None:
        raise first_at.fail(f"the VNet of subnet {first.address} cannot be found in this plan")
    space = vnet.value("address_space")
    if not isinstance(space.value, list) or not space.value:
        raise vnet.values.fail(
            f"the address space of {vnet.address} is known only after apply; aksdiag cannot draw a VNet without it"
        )
    net.put(("vnet", "name"), _name(side, vnet), vnet.value("name"))
    net.put(("vnet", "addressPrefixes"), list(space.value), space)
    tables = _route_tables(side)
    members = [s for s in side.of_type("azurerm_subnet") if _vnet_of(side, s) is vnet]
    # Subnets the cluster uses first, so the node subnet is the first one drawn.
    members.sort(key=lambda s: 0 if any(s is u for u, _ in used) else 1)
    subnets: list[dict[str, Any]] = []
    for s in members:
        prefix, prefix_at = _prefix(s, side, f"address prefix of {s.address}")
        if prefix is None:
            continue
        loc: Loc = ("vnet", "subnets", len(subnets))
        entry: dict[str, Any] = {"name": _name(side, s), "addressPrefix": prefix}
        net.where[loc], net.where[(*loc, "name")], net.where[(*loc, "addressPrefix")] = (
            s.values.loc,
            s.value("name").loc,
            prefix_at.loc,
        )
        table = _association(side, "azurerm_subnet_route_table_association", s, "route_table_id")
        if table is None and isinstance(s.value("route_table_id").value, str):
            table = _by_id(side, s.value("route_table_id").value)
        if table is not None and table.address in tables:
            rt, routes, _ = tables[table.address]
            entry["routeTable"] = {"name": rt.value("name").value or rt.address, "routes": routes}
            net.where[(*loc, "routeTable")] = rt.values.loc
        subnets.append(entry)
    # Inline subnet blocks of the VNet resource itself.
    for block in vnet.value("subnet").items():
        prefix = block.get("address_prefix").value or (block.get("address_prefixes").value or [None])[0]
        names = {e["name"] for e in subnets}
        if isinstance(prefix, str) and block.get("name").value not in names:
            net.where[("vnet", "subnets", len(subnets))] = block.loc
            subnets.append({"name": block.get("name").value, "addressPrefix": prefix})
    net.data["vnet"]["subnets"] = subnets
    _peerings(side, net, vnet)


def _peerings(side: Side, net: _Net, vnet: Resource) -> None:
    connected: list[dict[str, Any]] = []
    vnet_name = vnet.value("name").value
    for peering in side.of_type("azurerm_virtual_network_peering"):
        local = peering.value("virtual_network_name").value
        if local != vnet_name:
            continue
        remote = _id_of(side, peering, "remote_virtual_network_id")
        if remote is None or remote is vnet:
            continue
        space = remote.value("address_space").value
        if isinstance(space, list) and space:
            net.where[("connectedNetworks", len(connected))] = remote.value("address_space").loc
            connected.append(
                {
                    "name": remote.value("name").value or remote.address,
                    "kind": "peeredVNet",
                    "addressPrefixes": list(space),
                }
            )
    if connected:
        net.data["connectedNetworks"] = connected


def terraform_document(doc: Document, cluster: str | None = None, side: str = "after") -> tuple[Document, list[str]]:
    """The description of the plan's (or state's) cluster, and warnings about what is unknown."""
    found = sides(doc)
    if side not in found:
        raise InputError(
            doc.problem(
                "this plan changes no azurerm_kubernetes_cluster that exists already: "
                "there is no `before` to compare with"
            )
        )
    chosen = found[side]
    out = describe(chosen, pick_cluster(chosen, cluster))
    return out, unknown_warnings(chosen)


def unknown_warnings(side: Side) -> list[str]:
    if not side.unknown:
        return list(side.notes)
    names = ", ".join(dict.fromkeys(what for what, _ in side.unknown))
    first = side.unknown[0][1]
    return [f"{first.where()}: known only after apply, drawn with AKS's defaults or left out: {names}", *side.notes]
