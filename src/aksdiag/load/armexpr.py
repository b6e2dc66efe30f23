"""The ARM template expression language, the subset cluster templates use, evaluated.

`[concat(parameters('prefix'), '-aks')]` is parsed into a small tree and evaluated against
a template's parameters, variables and resources. What cannot be known before deployment
(`resourceGroup().location`, `uniqueString(...)`, a function outside the subset) evaluates
to `Unknown`, which carries why and where it was written; it spreads through every function
that receives it, so nothing is guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value only deployment can tell; `why` is shown to the user with `where`."""

    why: str
    where: str = ""

    def __bool__(self) -> bool:  # an unknown condition is not taken as true
        return False


class ExprError(Exception):
    """An expression that is not well-formed ARM syntax."""


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Member:
    target: Any
    key: Any  # a name (str) for `.x`, an expression for `[x]`
    dotted: bool


@dataclass(frozen=True)
class Literal:
    value: Any


_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<punct>[(),.\[\]]))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExprError(f"cannot read the expression at {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m[kind]))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExprError(f"expected {value!r}" if value else "the expression ends too early")
        self.i += 1
        return tok

    def expression(self) -> Any:
        kind, value = self.take()
        node: Any
        if kind == "str":
            node = Literal(value[1:-1].replace("''", "'"))
        elif kind == "num":
            node = Literal(float(value) if "." in value else int(value))
        elif kind == "name":
            args: list[Any] = []
            self.take("(")
            if self.peek() != ("punct", ")"):
                args.append(self.expression())
                while self.peek() == ("punct", ","):
                    self.take(",")
                    args.append(self.expression())
            self.take(")")
            node = Call(value.lower(), tuple(args))
        else:
            raise ExprError(f"unexpected {value!r}")
        while self.peek() in (("punct", "."), ("punct", "[")):
            if self.take()[1] == ".":
                node = Member(node, self.take()[1], True)
            else:
                index = self.expression()
                self.take("]")
                node = Member(node, index, False)
        return node


MAX_NESTING = 64  # a real template nests calls a dozen deep; the parser recurses per level
MAX_SIZE = 1_000_000  # characters of a string or items of an array an expression may make


def _nesting(text: str) -> int:
    depth = deepest = 0
    for m in re.finditer(r"'(?:[^']|'')*'|[(\[]|[)\]]", text):
        if m[0] in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif m[0] in ")]":
            depth -= 1
    return deepest


def parse(text: str) -> Any:
    """`[...]` without its brackets -> a tree of Call, Member and Literal."""
    if _nesting(text) > MAX_NESTING:
        raise ExprError(f"the expression nests more than {MAX_NESTING} levels")
    parser = _Parser(text)
    node = parser.expression()
    if parser.peek() is not None:
        raise ExprError(f"unexpected {parser.peek()[1]!r} after the expression")  # type: ignore[index]
    return node


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("[") and value.endswith("]") and not value.startswith("[[")


def literal_text(value: str) -> str:
    """`[[x]` is the literal text `[x]`."""
    return value[1:] if value.startswith("[[") else value


def _unknown_in(values: Any) -> Unknown | None:
    for v in values:
        if isinstance(v, Unknown):
            return v
    return None


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "True" if v else "False"  # as ARM's string() writes them
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    return "" if v is None else str(v)


def _format(fmt: str, *args: Any) -> str:
    return re.sub(r"\{(\d+)(?::[^}]*)?\}", lambda m: _text(args[int(m[1])]) if int(m[1]) < len(args) else m[0], fmt)


def _union(*values: Any) -> Any:
    if all(isinstance(v, dict) for v in values):
        out: dict[str, Any] = {}
        for v in values:
            for k, x in v.items():
                out[k] = _union(out[k], x) if isinstance(out.get(k), dict) and isinstance(x, dict) else x
        return out
    out_list: list[Any] = []
    for v in values:
        for x in v:
            if x not in out_list:
                out_list.append(x)
    return out_list


def _empty(v: Any) -> bool:
    return v is None or (hasattr(v, "__len__") and len(v) == 0)


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, dict):
        return any(str(k).lower() == str(item).lower() for k in container)
    if isinstance(container, str):
        return str(item).lower() in container.lower()
    return item in container


def _split(text: str, sep: Any) -> list[str]:
    seps = sep if isinstance(sep, list) else [sep]
    return re.split("|".join(map(re.escape, seps)), text)


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or abs(v) > 2**53:
        raise ValueError(f"{v!r} is not a number ARM computes with")
    return v


def _count(v: Any) -> int:
    if not 0 <= _int(v) <= 10_000:
        raise ValueError(f"{v!r} items are more than a template makes")
    return v


# Pure functions of known values. Anything else (uniqueString, guid, utcNow, newGuid, the
# lambda functions, list* of deployed resources) is not in the subset and is unknown.
PURE: dict[str, Callable[..., Any]] = {
    "concat": lambda *a: (
        [x for v in a for x in (v if isinstance(v, list) else [v])]
        if a and isinstance(a[0], list)
        else "".join(_text(v) for v in a)
    ),
    "format": lambda f, *a: _format(f, *a),
    "equals": lambda a, b: a == b,
    "not": lambda a: not a,
    "empty": _empty,
    "contains": _contains,
    "length": lambda v: len(v),
    "tolower": lambda s: s.lower(),
    "toupper": lambda s: s.upper(),
    "string": _text,
    "int": lambda v: int(v),
    "bool": lambda v: v if isinstance(v, bool) else str(v).lower() == "true",
    "json": lambda s: json.loads(s),
    "null": lambda: None,
    "true": lambda: True,
    "false": lambda: False,
    "createarray": lambda *a: list(a),
    "array": lambda v: v if isinstance(v, list) else [v],
    "createobject": lambda *a: {a[i]: a[i + 1] for i in range(0, len(a) - 1, 2)},
    "union": _union,
    "first": lambda v: v[0] if v else None,
    "last": lambda v: v[-1] if v else None,
    "take": lambda v, n: v[:n],
    "skip": lambda v, n: v[n:],
    "replace": lambda s, a, b: s.replace(a, b),
    "split": _split,
    "join": lambda v, sep: sep.join(_text(x) for x in v),
    "trim": lambda s: s.strip(),
    "substring": lambda s, start, n=None: s[start:] if n is None else s[start : start + n],
    "indexof": lambda s, x: s.lower().find(x.lower()),
    "lastindexof": lambda s, x: s.lower().rfind(x.lower()),
    "startswith": lambda s, x: s.lower().startswith(x.lower()),
    "endswith": lambda s, x: s.lower().endswith(x.lower()),
    "greater": lambda a, b: a > b,
    "greaterorequals": lambda a, b: a >= b,
    "less": lambda a, b: a < b,
    "lessorequals": lambda a, b: a <= b,
    "add": lambda a, b: _int(a) + _int(b),
    "sub": lambda a, b: _int(a) - _int(b),
    "mul": lambda a, b: _int(a) * _int(b),
    "div": lambda a, b: _int(a) // _int(b),
    "mod": lambda a, b: _int(a) % _int(b),
    "min": lambda *a: min(a[0] if len(a) == 1 and isinstance(a[0], list) else a),
    "max": lambda *a: max(a[0] if len(a) == 1 and isinstance(a[0], list) else a),
    "range": lambda start, count: list(range(_int(start), _int(start) + _count(count))),
    "intersection": lambda *a: (
        {k: v for k, v in a[0].items() if all(o.get(k) == v for o in a[1:])}
        if isinstance(a[0], dict)
        else [x for x in a[0] if all(x in o for o in a[1:])]
    ),
    "items": lambda o: [{"key": k, "value": v} for k, v in o.items()],
    "base64": lambda s: __import__("base64").b64encode(s.encode()).decode(),
    "uri": lambda base, rel: base.rsplit("/", 1)[0] + "/" + rel,
}
# Functions whose arguments are not all evaluated (short-circuit), handled by the evaluator.
LAZY = {"if", "and", "or", "coalesce"}


# Functions that build structure keep an unknown element as an unknown element: an object
# with one unknown property is still an object whose other properties are known.
_STRUCTURAL = {"createobject", "createarray", "array"}


def apply(name: str, args: list[Any]) -> Any:
    """A pure function on evaluated arguments; Unknown in, Unknown out."""
    if name in _STRUCTURAL:
        keys = args[0::2] if name == "createobject" else []
        unknown = _unknown_in(keys)
    else:
        unknown = _unknown_in(args)
    if unknown is not None:
        return unknown
    try:
        result = PURE[name](*args)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError) as exc:
        raise ExprError(f"{name}() cannot take these arguments: {exc}") from None
    # Values that double on every step (concat(v, v) in a chain of variables) stop here.
    if isinstance(result, (str, list, dict)) and len(result) > MAX_SIZE:
        raise ExprError(f"{name}() makes a value of {len(result):,} items; more than any template needs")
    return result


def member(target: Any, key: Any) -> Any:
    if isinstance(target, Unknown):
        return target
    if isinstance(key, Unknown):
        return key
    if isinstance(target, dict):
        for k, v in target.items():
            if str(k).lower() == str(key).lower():
                return v
        raise ExprError(f"the object has no property {key!r}")
    if isinstance(target, list) and isinstance(key, int):
        if 0 <= key < len(target):
            return target[key]
        raise ExprError(f"index {key} is outside the array of {len(target)}")
    raise ExprError(f"cannot take {key!r} of {type(target).__name__}")
