"""ARM templates (as `az bicep build` or `az deployment group export` write them) -> description data.

The template is evaluated the way deployment would, as far as the template itself can tell:
parameters from their defaults and from a parameters file, variables, conditions, copy
loops, nested deployments (Bicep modules) and their outputs, `reference()` to what the
template deploys. The managed cluster (with its `agentPools`) is then read like `az aks
show` output, and the VNets, subnets, route tables and NAT gateways it uses are laid in.
What only deployment can tell is unknown, reported with where it was written.
"""

from __future__ import annotations

import copy as _copy
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, Problem
from . import armexpr as ex
from .armexpr import Unknown
from .reader import At
from .source import Document, Loc

CLUSTER = "microsoft.containerservice/managedclusters"
POOL = "microsoft.containerservice/managedclusters/agentpools"
VNET = "microsoft.network/virtualnetworks"
SUBNET = "microsoft.network/virtualnetworks/subnets"
ROUTE_TABLE = "microsoft.network/routetables"
ROUTE = "microsoft.network/routetables/routes"
NAT = "microsoft.network/natgateways"
DEPLOYMENT = "microsoft.resources/deployments"
MAX_COPIES = 800  # ARM's own limit for a copy loop
MAX_STEPS = 200_000  # expression evaluations per template: a hostile template stops here


@dataclass
class Resource:
    type: str  # lower case, full (`microsoft.network/virtualnetworks/subnets`)
    name: str  # full (`vnet/subnet`)
    body: Any  # the evaluated resource (properties and all)
    at: At  # where the resource is written
    positions: dict[Loc, Loc]  # evaluated path -> template path it came from
    scope: Scope | None = None

    @property
    def short(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    def rid(self) -> str:
        return resource_id(self.type, self.name.split("/"))


def resource_id(kind: str, names: list[str]) -> str:
    parts = kind.split("/")
    path = "/".join(f"{t}/{n}" for t, n in zip(parts[1:], names))
    return f"/subscriptions/{{subscription}}/resourceGroups/{{resourceGroup}}/providers/{parts[0]}/{path}"


def _id_key(rid: str) -> str:
    """A resource ID without subscription and resource group: how the template's IDs are matched."""
    m = re.search(r"/providers/(.*)$", rid, re.IGNORECASE)
    return (m[1] if m else rid).lower()


@dataclass
class Scope:
    """One template being evaluated: the main one, or a nested deployment's."""

    doc: Document
    template: At
    params: dict[str, Any]
    param_at: dict[str, At]
    deployment: str
    parent: Scope | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    resources: list[Resource] = field(default_factory=list)
    deployments: dict[str, Scope] = field(default_factory=dict)  # deployment ID key -> its scope
    unknowns: list[tuple[str, At]] = field(default_factory=list)
    _busy: set[str] = field(default_factory=set)
    steps: list[int] = field(default_factory=lambda: [0])
    outer: bool = False  # a nested template in the outer scope reads its parent's parameters and variables
    symbols: dict[str, str] = field(default_factory=dict)  # languageVersion 2.0: symbolic name -> ID key

    # --- evaluation -----------------------------------------------------------------

    def value(
        self, at: At, out: Loc = (), positions: dict[Loc, Loc] | None = None, copy_index: dict[str, int] | None = None
    ) -> Any:
        """The evaluated value of `at`; `positions` gets each evaluated path's source path."""
        self.steps[0] += 1
        if self.steps[0] > MAX_STEPS:
            raise at.fail(f"the template needs more than {MAX_STEPS:,} evaluations; aksdiag stops here")
        if positions is not None:
            positions[out] = at.loc
        v = at.value
        if isinstance(v, str):
            if ex.is_expression(v):
                return self.expression(at, copy_index)
            return ex.literal_text(v)
        if isinstance(v, dict):
            result: dict[str, Any] = {}
            for k in v:
                if k == "copy" and isinstance(v[k], list):
                    continue
                result[k] = self.value(at.get(k), (*out, k), positions, copy_index)
            for loop in at.get("copy").items() if isinstance(v.get("copy"), list) else ():
                name = loop.get("name").value
                result[name] = self.property_copy(loop, (*out, name), positions, copy_index)
            return result
        if isinstance(v, list):
            return [self.value(item, (*out, i), positions, copy_index) for i, item in enumerate(at.items())]
        return v

    def property_copy(
        self, loop: At, out: Loc, positions: dict[Loc, Loc] | None, copy_index: dict[str, int] | None
    ) -> Any:
        count = self.value(loop.get("count"), copy_index=copy_index)
        if isinstance(count, Unknown):
            return count
        if not isinstance(count, int) or not 0 <= count <= MAX_COPIES:
            raise loop.get("count").fail(f"a copy count must be a number from 0 to {MAX_COPIES}")
        name = loop.get("name").value
        return [
            self.value(loop.get("input"), (*out, i), positions, {**(copy_index or {}), name: i, "": i})
            for i in range(count)
        ]

    def expression(self, at: At, copy_index: dict[str, int] | None = None) -> Any:
        try:
            tree = ex.parse(at.value[1:-1])
        except ex.ExprError as exc:
            raise at.fail(f"invalid template expression: {exc}") from None
        try:
            return self.evaluate(tree, at, copy_index or {})
        except ex.ExprError as exc:
            raise at.fail(f"cannot evaluate {at.value[:80]}: {exc}") from None

    def evaluate(self, node: Any, at: At, copy_index: dict[str, int]) -> Any:
        self.steps[0] += 1
        if self.steps[0] > MAX_STEPS:
            raise at.fail(f"the template needs more than {MAX_STEPS:,} evaluations; aksdiag stops here")
        if isinstance(node, ex.Literal):
            return node.value
        if isinstance(node, ex.Member):
            target = self.evaluate(node.target, at, copy_index)
            key = node.key if node.dotted else self.evaluate(node.key, at, copy_index)
            return ex.member(target, key)
        name, args = node.name, node.args
        if name in ex.LAZY:
            return self.lazy(name, args, at, copy_index)
        return self.call(name, [self.evaluate(a, at, copy_index) for a in args], at, copy_index)

    def call(self, name: str, values: list[Any], at: At, copy_index: dict[str, int]) -> Any:
        """A function of evaluated arguments: the template's own scope, the deployment, or a pure one."""
        if name == "parameters":
            return self.parameter(values[0], at)
        if name == "variables":
            return self.variable(values[0], at)
        if name == "copyindex":
            return self.copy_index(values, copy_index)
        if name in ("resourceid", "subscriptionresourceid", "tenantresourceid", "extensionresourceid"):
            return self.resource_id(name, values)
        if name == "reference":
            return self.reference(values, at)
        if name in ("resourcegroup", "subscription", "deployment"):
            return self.deployment_value(name, at)
        if name in ex.PURE:
            return ex.apply(name, values)
        return Unknown(f"{name}() is known only at deployment", at.where())

    def deployment_value(self, name: str, at: At) -> Any:
        """resourceGroup(), subscription() and deployment(): placeholders, known only when deployed."""
        if name == "resourcegroup":
            return {
                "name": "{resourceGroup}",
                "id": "/subscriptions/{subscription}/resourceGroups/{resourceGroup}",
                "location": Unknown("the resource group's location", at.where()),
            }
        if name == "subscription":
            return {
                "subscriptionId": "{subscription}",
                "id": "/subscriptions/{subscription}",
                "tenantId": Unknown("the tenant", at.where()),
            }
        return {"name": self.deployment, "properties": {}}

    def lazy(self, name: str, args: tuple[Any, ...], at: At, copy_index: dict[str, int]) -> Any:
        """The functions that evaluate only the arguments they need."""
        if name == "if":
            if len(args) != 3:
                raise ex.ExprError("if() takes a condition and two values")
            cond = self.evaluate(args[0], at, copy_index)
            if isinstance(cond, Unknown):
                return cond
            return self.evaluate(args[1] if cond else args[2], at, copy_index)
        if name == "coalesce":
            return next((v for v in (self.evaluate(a, at, copy_index) for a in args) if v is not None), None)
        return self.and_or(name, args, at, copy_index)

    def and_or(self, name: str, args: tuple[Any, ...], at: At, copy_index: dict[str, int]) -> Any:
        """and() and or(), stopping at the first argument that decides (or is unknown)."""
        result: Any = name == "and"
        for a in args:
            v = self.evaluate(a, at, copy_index)
            if isinstance(v, Unknown):
                return v
            if name == "and" and not v:
                return False
            if name == "or" and v:
                return True
        return result

    def parameter(self, name: Any, at: At) -> Any:
        if self.outer and self.parent is not None:
            return self.parent.parameter(name, at)
        if isinstance(name, Unknown):
            return name
        for k, v in self.params.items():
            if k.lower() == str(name).lower():
                return v
        raise ex.ExprError(f"the template has no parameter {name!r}")

    def variable(self, name: Any, at: At) -> Any:
        if self.outer and self.parent is not None:
            return self.parent.variable(name, at)
        if isinstance(name, Unknown):
            return name
        key = next((k for k in (self.template.get("variables").value or {}) if k.lower() == str(name).lower()), None)
        if key is None:
            raise ex.ExprError(f"the template has no variable {name!r}")
        if key in self.variables:
            return self.variables[key]
        if key in self._busy:
            raise ex.ExprError(f"variable {key!r} refers to itself")
        self._busy.add(key)
        var_at = self.template.get("variables").get(key)
        if key == "copy" and isinstance(var_at.value, list):
            value: Any = {loop.get("name").value: self.property_copy(loop, (), None, None) for loop in var_at.items()}
        else:
            value = self.value(var_at)
        self.variables[key] = value
        self._busy.discard(key)
        return value

    def copy_index(self, values: list[Any], copy_index: dict[str, int]) -> Any:
        offset = next((v for v in values if isinstance(v, int)), 0)
        loop = next((v for v in values if isinstance(v, str)), "")
        if loop not in copy_index:
            raise ex.ExprError("copyIndex() outside a copy loop")
        return copy_index[loop] + offset

    def resource_id(self, name: str, values: list[Any]) -> Any:
        unknown = ex._unknown_in(values)
        if unknown is not None:
            return unknown
        strings = [str(v) for v in values]
        # The type is the first argument with a slash; before it, subscription and group.
        kind_at = next((i for i, s in enumerate(strings) if "/" in s and not s.startswith("/")), None)
        if kind_at is None:
            raise ex.ExprError(f"{name}() needs a resource type")
        return resource_id(strings[kind_at].lower(), strings[kind_at + 1 :])

    def reference(self, values: list[Any], at: At) -> Any:
        target = values[0] if values else None
        if isinstance(target, Unknown):
            return target
        if not isinstance(target, str):
            raise ex.ExprError("reference() takes a resource ID or name")
        key = _id_key(target) if "/" in target else self.symbols.get(target)
        full = len(values) > 2 and str(values[2]).lower() == "full"
        for dep_key, scope in self.deployments.items():
            if key == dep_key or target == dep_key.rsplit("/", 1)[-1]:
                outputs = {name: {"value": scope.output(name)} for name in (scope.template.get("outputs").value or {})}
                return {"outputs": outputs, "properties": {"outputs": outputs}} if full else {"outputs": outputs}
        for r in self.resources:
            if (key and _id_key(r.rid()) == key) or (not key and r.name == target):
                body = r.body if isinstance(r.body, dict) else {}
                return body if full else body.get("properties", {})
        return Unknown(
            f"reference({target.rsplit('/', 1)[-1]}) names a resource this template does not deploy", at.where()
        )

    def output(self, name: str) -> Any:
        return self.value(self.template.get("outputs").get(name).get("value"))

    # --- resources --------------------------------------------------------------------

    def collect(self) -> None:
        """Every resource the template deploys (conditions and copy loops applied), depth first
        into nested deployments, each evaluated with its positions."""
        raw = self.template.get("resources")

        # Nested deployments first, clusters last: modules and networks feed the cluster (through
        # outputs and reference()), wherever they are written in the template.
        def order(r: At) -> int:
            kind = str((r.value or {}).get("type", "")).lower() if isinstance(r.value, dict) else ""
            return 0 if kind == DEPLOYMENT else 2 if kind.startswith(CLUSTER) else 1

        items = sorted(raw.items(), key=order)
        for r in items:
            self._resource(r, None)

    def _resource(self, r: At, parent: Resource | None) -> None:
        if not isinstance(r.value, dict):
            return
        loop = r.get("copy")
        count = 1
        if isinstance(loop.value, dict):
            n = self.value(loop.get("count"))
            if isinstance(n, Unknown):
                self.unknowns.append((f"copy count ({n.why})", loop))
                return
            if not isinstance(n, int) or not 0 <= n <= MAX_COPIES:
                raise loop.get("count").fail(f"a copy count must be a number from 0 to {MAX_COPIES}")
            count = n
        for i in range(count):
            index = {loop.get("name").value or "": i, "": i} if isinstance(loop.value, dict) else {}
            condition = r.get("condition")
            if not condition.missing:
                taken = self.value(condition, copy_index=index)
                if isinstance(taken, Unknown):
                    self.unknowns.append((f"whether {r.get('type').value} is deployed ({taken.why})", condition))
                    continue
                if not taken:
                    continue
            self._instance(r, parent, index)

    def _instance(self, r: At, parent: Resource | None, index: dict[str, int]) -> None:
        if r.get("existing").value is True:
            return  # declared to be read, not deployed: it lies outside the template
        kind = self.value(r.get("type"), copy_index=index)
        name = self.value(r.get("name"), copy_index=index)
        if not isinstance(kind, str):
            return
        kind = kind.lower()
        # languageVersion 2.0 keys resources by symbolic name; reference('aks') names one so.
        if parent is None and r.loc and isinstance(r.loc[-1], str) and isinstance(name, str):
            self.symbols[r.loc[-1]] = _id_key(resource_id(kind, name.split("/")))
        if parent is not None and not kind.startswith(parent.type + "/") and "/" not in kind:
            kind = f"{parent.type}/{kind}"
        if isinstance(name, Unknown):
            name = f"{{{kind.rsplit('/', 1)[-1]}}}"
        name = str(name)
        if parent is not None and name.count("/") < kind.count("/") - 1:
            name = f"{parent.name}/{name}"
        if kind == DEPLOYMENT:
            self._deployment(r, name, index)
            return
        if kind not in (CLUSTER, POOL, VNET, SUBNET, ROUTE_TABLE, ROUTE, NAT):
            return
        positions: dict[Loc, Loc] = {}
        body = self.value(r, (), positions, index)
        resource = Resource(kind, name, body, r, positions, self)
        self.resources.append(resource)
        for child in r.get("resources").items():
            self._resource(child, resource)

    def _deployment(self, r: At, name: str, index: dict[str, int]) -> None:
        props = r.get("properties")
        template = props.get("template")
        if not isinstance(template.value, dict):
            self.unknowns.append((f"nested deployment {name} (a linked template is not read)", r))
            return
        inner = str(props.get("expressionEvaluationOptions").get("scope").value or "outer").lower() == "inner"
        params: dict[str, Any] = {}
        param_at: dict[str, At] = {}
        if inner:
            for key in props.get("parameters").value or {}:
                given = props.get("parameters").get(key)
                params[key] = self.value(given.get("value"), copy_index=index)
                param_at[key] = given
            child = Scope(self.doc, template, {}, {}, name, self, steps=self.steps)
            child.params = _parameters(child, params, param_at)
        else:  # an outer-scope nested template sees this template's parameters and variables
            child = Scope(self.doc, template, self.params, self.param_at, name, self, steps=self.steps, outer=True)
        self.deployments[_id_key(resource_id(DEPLOYMENT, [name]))] = child
        child.deployments = self.deployments  # sibling modules reference each other's outputs
        child.resources = self.resources
        child.unknowns = self.unknowns
        child.collect()


def _parameters(scope: Scope, given: dict[str, Any], given_at: dict[str, At]) -> dict[str, Any]:
    """The template's parameters: given values first, else defaults (evaluated in order)."""
    declared = scope.template.get("parameters")
    values: dict[str, Any] = {}
    scope.params = values
    for name in declared.value or {}:
        decl = declared.get(name)
        match = next((k for k in given if k.lower() == name.lower()), None)
        if match is not None:
            values[name] = given[match]
            scope.param_at[name] = given_at.get(match, decl)
            allowed = decl.get("allowedValues").value
            value = given[match]
            if (
                isinstance(allowed, list)
                and not isinstance(value, (Unknown, list))
                and not any(value == a or (isinstance(value, str) and str(a).lower() == value.lower()) for a in allowed)
            ):
                at = given_at.get(match, decl)
                raise at.fail(f"parameter {name!r} is {value!r}; the template allows {', '.join(map(repr, allowed))}")
        elif "defaultValue" in (decl.value or {}):
            values[name] = scope.value(decl.get("defaultValue"))
            scope.param_at[name] = decl.get("defaultValue")
        else:
            values[name] = Unknown(f"parameter {name!r} has no default and no value was given", decl.where())
            scope.param_at[name] = decl
    return values


def read_parameters(doc: Document) -> tuple[dict[str, Any], dict[str, At]]:
    """A deployment parameters file (`azuredeploy.parameters.json`, or a compiled `.bicepparam`)."""
    root = At(doc, doc.data, ())
    if not isinstance(doc.data, dict) or not isinstance(root.get("parameters").value, dict):
        raise root.fail("not a parameters file: expected a mapping with `parameters` (deploymentParameters.json)")
    values: dict[str, Any] = {}
    ats: dict[str, At] = {}
    for name, entry in root.get("parameters").value.items():
        at = root.get("parameters").get(name)
        if isinstance(entry, dict) and "value" in entry:
            values[name], ats[name] = entry["value"], at.get("value")
        elif isinstance(entry, dict) and "reference" in entry:
            values[name], ats[name] = Unknown(f"parameter {name!r} comes from a Key Vault", at.where()), at
    return values, ats


def evaluate_template(doc: Document, parameters: Document | None = None) -> Scope:
    given, given_at = read_parameters(parameters) if parameters is not None else ({}, {})
    root = At(doc, doc.data, ())
    scope = Scope(doc, root, {}, {}, "deployment")
    declared = {k.lower() for k in (root.get("parameters").value or {})}
    for name, at in given_at.items():
        if name.lower() not in declared:
            raise at.fail(
                f"the template has no parameter {name!r}; it has "
                f"{', '.join(root.get('parameters').value or {}) or 'none'}"
            )
    scope.params = _parameters(scope, given, given_at)
    scope.collect()
    return scope


# --- the cluster as a description -------------------------------------------------------

_WATCHED = ("name", "properties.networkProfile", "properties.agentPoolProfiles", "properties.apiServerAccessProfile")


def _known(value: Any, path: Loc, found: list[tuple[Loc, Unknown]]) -> Any:
    """`value` with every Unknown taken out (listed in `found`), so the reader sees no guesses."""
    if isinstance(value, Unknown):
        found.append((path, value))
        return None
    if value == "":
        return None  # ARM templates write '' for a choice left to Azure
    if isinstance(value, dict):
        return {k: _known(v, (*path, k), found) for k, v in value.items()}
    if isinstance(value, list):
        return [_known(v, (*path, i), found) for i, v in enumerate(value)]
    return value


def _dotted(path: Loc) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")


def _as_document(doc: Document, r: Resource, data: Any, extra: dict[Loc, Loc] | None = None) -> Document:
    """Evaluated data as a document whose every value is positioned at its template source."""
    out = Document(doc.name, data)
    for table, mapping in ((out.positions, r.positions), (out.positions, extra or {})):
        for path, source in mapping.items():
            line, col = doc.locate(source)
            if line is not None:
                table[path] = (line, col)  # type: ignore[assignment]
    out.key_positions = dict(out.positions)
    return out


def _nearest(r: Resource, path: Loc) -> Loc:
    while path and path not in r.positions:
        path = path[:-1]
    return r.positions.get(path, r.at.loc)


def pick_cluster(scope: Scope, cluster: str | None) -> Resource:
    found = [r for r in scope.resources if r.type == CLUSTER]
    root = At(scope.doc, scope.doc.data, ())
    names = [r.short for r in found]
    if not found:
        raise root.fail(
            "this template deploys no Microsoft.ContainerService/managedClusters (with these "
            "parameters): nothing to draw"
        )
    if cluster is not None:
        for r in found:
            if r.short == cluster:
                return r
        raise root.fail(f"no cluster named {cluster!r} in this template; it has {', '.join(names)}")
    if len(found) > 1:
        raise found[1].at.fail(
            f"this template deploys {len(found)} clusters: pick one with --cluster NAME ({', '.join(names)})"
        )
    return found[0]


def arm_document(
    doc: Document, parameters: Document | None = None, cluster: str | None = None
) -> tuple[Document, list[str]]:
    """The description of the template's cluster, and warnings about what only deployment knows."""
    from .azure import managed_cluster_to_spec_data

    scope = evaluate_template(doc, parameters)
    chosen = pick_cluster(scope, cluster)
    body = _copy.deepcopy(chosen.body) if isinstance(chosen.body, dict) else {}
    extra: dict[Loc, Loc] = {}
    if not isinstance(body.get("properties"), dict):
        why = body.get("properties")
        raise chosen.at.fail(
            "the cluster's properties are not known from the template"
            + (f": {why.why} ({why.where})" if isinstance(why, Unknown) else "")
        )
    props = body["properties"]
    pools = props.setdefault("agentPoolProfiles", [])
    if not isinstance(pools, list):
        pools = props["agentPoolProfiles"] = []
    _add_pool_resources(scope, chosen, pools, extra)
    unknown: list[tuple[Loc, Unknown]] = []
    body = _known(body, (), unknown)
    _refuse_unknown_subnets(doc, chosen, extra, unknown)
    source = _as_document(doc, chosen, body, extra)
    where: dict[Loc, Loc] = {}
    spec = managed_cluster_to_spec_data(body, where)
    out = source.moved(spec, where)
    warnings = [
        f"{u.where or doc.name}: {_dotted(p)} is unknown: {u.why}"
        for p, u in unknown
        if any(_dotted(p).startswith(w) for w in _WATCHED)
    ]
    if "vnet" in spec:
        warnings += _real_vnet(scope, chosen, source, out, pools)
    warnings += [
        f"{at.where()}: {what}"
        for what, at in scope.unknowns
        if "deployed" in what and any(k in what.lower() for k in ("network", "containerservice"))
    ]
    return out, list(dict.fromkeys(warnings))


def _add_pool_resources(scope: Scope, chosen: Resource, pools: list[Any], extra: dict[Loc, Loc]) -> None:
    """The cluster's agentPools resources, added to `pools` (their positions into `extra`)."""
    for r in scope.resources:
        if r.type == POOL and r.name.rsplit("/", 1)[0] == chosen.name and isinstance(r.body, dict):
            # `az deployment group export` writes each pool twice: in agentPoolProfiles and as a resource.
            if any(isinstance(p, dict) and p.get("name") == r.short for p in pools):
                continue
            i = len(pools)
            pools.append({**(r.body.get("properties") or {}), "name": r.short})
            for path, written in r.positions.items():
                if path[:1] == ("properties",):
                    extra[("properties", "agentPoolProfiles", i, *path[1:])] = written
            extra[("properties", "agentPoolProfiles", i, "name")] = r.positions.get(("name",), r.at.loc)


def _refuse_unknown_subnets(
    doc: Document, chosen: Resource, extra: dict[Loc, Loc], unknown: list[tuple[Loc, Unknown]]
) -> None:
    """A pool's subnet known only at deployment cannot be drawn: refused where it is written."""
    for path, u in unknown:
        if str(path[-1]).lower() in ("vnetsubnetid", "podsubnetid"):
            line, col = doc.locate(chosen.positions.get(path) or extra.get(path) or _nearest(chosen, path))
            raise InputError(
                Problem(
                    f"the {path[-1]} of node pool {path[2] if len(path) > 2 else 0} cannot be "
                    f"followed: {u.why} ({u.where})",
                    file=doc.name,
                    line=line,
                    column=col,
                    field=_dotted(path),
                )
            )


def _subnets_of(scope: Scope, vnet: Resource) -> list[tuple[dict[str, Any], Resource, Loc]]:
    """A VNet's subnets, written inline or as child resources: (subnet body, owner, path in owner)."""
    out: list[tuple[dict[str, Any], Resource, Loc]] = []
    inline = ((vnet.body or {}).get("properties") or {}).get("subnets")
    for i, s in enumerate(inline if isinstance(inline, list) else []):
        if isinstance(s, dict):
            out.append((s, vnet, ("properties", "subnets", i)))
    inline_names = {s.get("name") for s, _, _ in out}
    for r in scope.resources:
        if r.type == SUBNET and r.name.rsplit("/", 1)[0] == vnet.name and isinstance(r.body, dict):
            if r.short in inline_names:
                continue  # written inline and as a resource, as an exported template does
            out.append(({**r.body, "name": r.short}, r, ()))
    return out


def _real_vnet(scope: Scope, cluster: Resource, source: Document, out: Document, pools: list[Any]) -> list[str]:
    """Replace the VNet `az aks show` conversion assumed with the one the template deploys;
    returns what the design lacks that the description has no field for (a NAT gateway)."""
    spec = out.data
    name = spec["vnet"]["name"]
    vnet = next((r for r in scope.resources if r.type == VNET and r.short.lower() == str(name).lower()), None)
    if vnet is None:
        at: Loc = next(
            (
                ("properties", "agentPoolProfiles", i, k)
                for i, p in enumerate(pools)
                if isinstance(p, dict)
                for k in p
                if k.lower() == "vnetsubnetid"
            ),
            ("properties",),
        )
        raise InputError(
            source.problem(
                f"the cluster's subnet is in VNet {name!r}, which this template does not deploy; aksdiag draws only "
                "what the template holds (deploy the VNet in the same template or one of its modules)",
                at,
                field="vnetSubnetID",
            )
        )
    body = vnet.body if isinstance(vnet.body, dict) else {}
    prefixes = ((body.get("properties") or {}).get("addressSpace") or {}).get("addressPrefixes")
    if not isinstance(prefixes, list) or not prefixes or any(isinstance(p, Unknown) for p in prefixes):
        raise vnet.at.fail(f"the address space of VNet {name!r} is not known from the template")
    wanted = [s["name"] for s in spec["vnet"]["subnets"]]
    tables = {_id_key(r.rid()): r for r in scope.resources if r.type == ROUTE_TABLE}
    subnets: list[dict[str, Any]] = []
    positions: dict[Loc, Loc] = {
        ("vnet",): vnet.at.loc,
        ("vnet", "name"): vnet.positions.get(("name",), vnet.at.loc),
        ("vnet", "addressPrefixes"): vnet.positions.get(("properties", "addressSpace", "addressPrefixes"), vnet.at.loc),
    }
    found = _subnets_of(scope, vnet)
    found.sort(key=lambda t: wanted.index(t[0].get("name")) if t[0].get("name") in wanted else len(wanted))
    for s, owner, path in found:
        entry = _subnet_entry(scope, s, owner, path, tables, ("vnet", "subnets", len(subnets)), positions)
        if entry is not None:
            subnets.append(entry)
    missing = [n for n in wanted if n not in {e["name"] for e in subnets}]
    if missing:
        raise vnet.at.fail(
            f"the cluster uses subnet {missing[0]!r}, which VNet {name!r} in this template does not have"
        )
    notes: list[str] = []
    node = next((sp for sp, _, _ in found if sp.get("name") == wanted[0]), None) if wanted else None
    nat = ((node or {}).get("properties") or {}).get("natGateway")
    if (spec.get("networkProfile") or {}).get("outboundType") == "userAssignedNATGateway" and not nat:
        notes.append(
            f"{cluster.at.where()}: outboundType is userAssignedNATGateway but the template associates no "
            f"NAT gateway with the node subnet {wanted[0]!r}; AKS refuses a subnet without one"
        )
    spec["vnet"] = {"name": vnet.short, "addressPrefixes": list(prefixes), "subnets": subnets}
    spec["assumedFields"] = [f for f in spec.get("assumedFields", []) if not str(f).startswith("vnet")]
    for path, tloc in positions.items():
        line, col = scope.doc.locate(tloc)
        if line is not None:
            out.positions[path] = out.key_positions[path] = (line, col)  # type: ignore[assignment]
    return notes


def _subnet_entry(
    scope: Scope,
    s: dict[str, Any],
    owner: Resource,
    path: Loc,
    tables: dict[str, Resource],
    loc: Loc,
    positions: dict[Loc, Loc],
) -> dict[str, Any] | None:
    """One subnet of the template's VNet as the description writes it (its positions into
    `positions` at `loc`), or None when its address prefix is known only at deployment."""
    sp = s.get("properties") or {}
    prefix = sp.get("addressPrefix")
    if prefix is None and isinstance(sp.get("addressPrefixes"), list) and sp["addressPrefixes"]:
        prefix = sp["addressPrefixes"][0]
    if not isinstance(prefix, str):
        scope.unknowns.append((f"address prefix of subnet {s.get('name')}", owner.at))
        return None
    entry: dict[str, Any] = {"name": s.get("name"), "addressPrefix": prefix}
    positions[loc] = owner.positions.get(path, owner.at.loc)
    positions[(*loc, "addressPrefix")] = owner.positions.get((*path, "properties", "addressPrefix"), positions[loc])
    table_id = (sp.get("routeTable") or {}).get("id") if isinstance(sp.get("routeTable"), dict) else None
    table = tables.get(_id_key(table_id)) if isinstance(table_id, str) else None
    if table is not None:
        entry["routeTable"] = {"name": table.short, "routes": _routes(scope, table)}
    return entry


def _routes(scope: Scope, table: Resource) -> list[dict[str, Any]]:
    inline = ((table.body or {}).get("properties") or {}).get("routes")
    raw = [r for r in (inline if isinstance(inline, list) else []) if isinstance(r, dict)]
    raw += [
        {**r.body, "name": r.short}
        for r in scope.resources
        if r.type == ROUTE and r.name.rsplit("/", 1)[0] == table.name and isinstance(r.body, dict)
    ]
    routes: list[dict[str, Any]] = []
    for r in raw:
        p = r.get("properties") or {}
        prefix, hop_type, hop = p.get("addressPrefix"), p.get("nextHopType"), p.get("nextHopIpAddress")
        if not isinstance(prefix, str) or not isinstance(hop_type, str):
            scope.unknowns.append((f"route {r.get('name')} of route table {table.short}", table.at))
            continue
        entry = {"name": r.get("name") or f"route{len(routes)}", "addressPrefix": prefix, "nextHopType": hop_type}
        if hop_type == "VirtualAppliance":
            if not isinstance(hop, str):
                scope.unknowns.append((f"next hop of route {r.get('name')} (deployed) network", table.at))
                continue
            entry["nextHopIpAddress"] = hop
        routes.append(entry)
    return routes
