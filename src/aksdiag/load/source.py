"""Reading a document into plain data while remembering where each value was written.

YAML is composed with PyYAML's safe loader into nodes (no object construction), then
walked by hand so that every value keeps its line and column, and so that an alias
bomb is cut off after a fixed number of nodes instead of expanding in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Problem

MAX_BYTES = 5 * 1024 * 1024  # a real cluster document is a few KB; 5 MB is far beyond any
MAX_NODES = 200_000  # YAML nodes after alias expansion

Loc = tuple[str | int, ...]


@dataclass
class Document:
    """Plain data plus the position of every value, keyed by its path."""

    name: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        """The line and column of `loc`, or of its nearest enclosing value that has one."""
        table = self.key_positions if key else self.positions
        path = tuple(loc)
        while True:
            if path in table:
                return table[path]
            if key and path in self.positions:
                return self.positions[path]
            if not path:
                return (None, None)
            path = path[:-1]

    def problem(self, message: str, loc: Loc = (), *, key: bool = False, field: str | None = None) -> Problem:
        line, col = self.locate(loc, key=key)
        return Problem(message, file=self.name, line=line, column=col, field=field or dotted(loc) or None)


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def read_text(path: Path, what: str = "input") -> str:
    name = str(path)
    if not path.exists():
        raise InputError(Problem(f"{what} file does not exist", file=name))
    if path.is_dir():
        raise InputError(Problem(f"{what} is a folder, not a file", file=name))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(Problem(f"{what} is {size:,} bytes; the limit is {MAX_BYTES:,}", file=name))
        raw = path.read_bytes()
    except PermissionError:
        raise InputError(Problem(f"{what} file is not readable (permission denied)", file=name)) from None
    except OSError as exc:
        raise InputError(Problem(f"{what} file could not be read: {exc.strerror}", file=name)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(f"{what} is not UTF-8 text (byte {exc.start})", file=name)) from None
    if not text.strip():
        raise InputError(Problem(f"{what} file is empty", file=name))
    return text


def parse_yaml(text: str, name: str) -> Document:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError(Problem(f"invalid YAML: {exc.problem or exc.context}", file=name, line=line,
                                 column=col)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"invalid YAML: {exc}", file=name)) from None
    if root is None:
        raise InputError(Problem("file holds no document", file=name))
    doc = Document(name, None)
    counter = [0]
    constructor = yaml.SafeLoader("")
    doc.data = _walk(root, (), doc, counter, constructor)
    return doc


_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp",
                                                 "binary")}


def _walk(node: yaml.Node, loc: Loc, doc: Document, counter: list[int], constructor: yaml.SafeLoader) -> Any:
    counter[0] += 1
    if node.tag not in _PLAIN_TAGS:
        raise InputError(Problem(f"YAML tag {node.tag!r} is not allowed; a cluster description holds plain "
                                 "values only", file=doc.name, line=node.start_mark.line + 1,
                                 column=node.start_mark.column + 1, field=dotted(loc) or None))
    if counter[0] > MAX_NODES:
        raise InputError(Problem(f"document expands to more than {MAX_NODES:,} values (an alias bomb?)",
                                 file=doc.name))
    doc.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(doc.problem("mapping keys must be plain strings", loc))
            key = str(constructor.construct_object(key_node))
            if key == "<<":
                raise InputError(doc.problem("YAML merge keys (<<) are not supported", loc))
            if key in out:
                line = key_node.start_mark.line + 1
                raise InputError(Problem(f"key {key!r} appears twice", file=doc.name, line=line,
                                         column=key_node.start_mark.column + 1, field=dotted((*loc, key))))
            doc.key_positions[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _walk(value_node, (*loc, key), doc, counter, constructor)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(v, (*loc, i), doc, counter, constructor) for i, v in enumerate(node.value)]
    if node.tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
        return node.value  # keep dates and binaries as the text the user wrote
    return constructor.construct_object(node)


def parse_json(text: str, name: str) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(f"invalid JSON: {exc.msg}", file=name, line=exc.lineno, column=exc.colno)) from None
    except RecursionError:
        raise InputError(Problem("invalid JSON: nested too deeply", file=name)) from None
    doc = Document(name, data)
    # Positions for JSON come from reading it again as YAML (JSON is nearly a subset);
    # where that fails we still have the data, just no line numbers.
    try:
        again = parse_yaml(text, name)
        doc.positions, doc.key_positions = again.positions, again.key_positions
    except InputError:
        pass
    return doc


def parse_document(path: Path, what: str = "input") -> Document:
    text = read_text(path, what)
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" or stripped.startswith(("{", "[")):
        return parse_json(text, str(path))
    return parse_yaml(text, str(path))
