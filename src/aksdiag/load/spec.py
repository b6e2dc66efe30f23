"""Validating a cluster description, reporting every mistake with its line and column."""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem
from ..model import ClusterSpec
from .source import Document, Loc, dotted


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that the mapping at `loc` is validated against."""
    model: Any = ClusterSpec
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _found(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]  # as YAML and JSON write them
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: dict[str, Any]) -> tuple[str, bool]:
    """A message for one pydantic error, and whether it is about a key (not a value)."""
    kind, loc = err["type"], tuple(err["loc"])
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        lowered = {a.lower(): a for a in allowed}
        near = difflib.get_close_matches(str(loc[-1]).lower(), list(lowered), n=1, cutoff=0.6)
        hint = f"; did you mean {lowered[near[0]]!r}?" if near else ";"
        return f"unknown field {loc[-1]!r}{hint} allowed here: {', '.join(allowed)}", True
    if kind == "missing":
        return "required field is missing", True
    msg = err["msg"]
    msg = re.sub(r"^Value error, ", "", msg)
    if kind.startswith(("ip_v4", "ip_v6", "ip_any")) or "IPv4 or IPv6" in msg:
        msg = (
            "is not a valid IP network in CIDR form (like 10.244.0.0/16, with no host bits set)"
            if "network" in kind or "network" in msg
            else "is not a valid IP address (like 10.0.0.10)"
        )
    if kind == "int_type":
        msg = "must be a whole number, like 3 (not true/false, a decimal or text)"
    elif kind == "bool_type":
        msg = "must be true or false"
    elif kind == "too_long" and err.get("ctx"):
        ctx = err["ctx"]
        msg = f"has {ctx.get('actual_length')} items; at most {ctx.get('max_length')} are allowed"
    msg = msg[0].lower() + msg[1:]
    if isinstance(err.get("input"), (dict, list)):
        return msg, False  # the value is a whole block; the message says what is wrong with it
    return f"found {_found(err.get('input'))}: {msg}", False


def validate_spec(doc: Document, loc_prefix: Loc = ()) -> ClusterSpec:
    if not isinstance(doc.data, dict):
        raise InputError(
            Problem(
                f"a cluster description is a mapping of fields, found {type(doc.data).__name__}",
                file=doc.name,
                line=1,
                column=1,
            )
        )
    if not set(doc.data) & set(ClusterSpec.model_fields):
        raise InputError(
            Problem(
                "not a cluster: expected `az aks show` output (a managed cluster with "
                "agentPoolProfiles) or an aksdiag description (with name and nodePools); found "
                f"fields {', '.join(sorted(map(str, doc.data))[:6]) or 'none'}",
                file=doc.name,
                line=1,
                column=1,
            )
        )
    try:
        return ClusterSpec.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        seen = set()
        for err in exc.errors(include_url=False):
            # Drop pydantic's internal validator names (union members, lax-or-strict, ...).
            loc = tuple(p for p in err["loc"] if isinstance(p, int) or not re.search(r"[\[\](),-]", p))
            # Unions of IPv4/IPv6 report once per member; keep the first per location.
            if loc in seen:
                continue
            seen.add(loc)
            message, about_key = _message({**err, "loc": loc})
            problems.append(doc.problem(message, loc_prefix + loc, key=about_key, field=dotted(loc)))
        raise InputError(problems) from None


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_field(field: str) -> Loc:
    """`nodePools[0].maxPods` -> ('nodePools', 0, 'maxPods')."""
    return tuple(int(m[2]) if m[2] is not None else m[1] for m in _PART.finditer(field))
