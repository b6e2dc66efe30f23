"""Reading a document into plain data while remembering where each value was written.

YAML is composed with PyYAML's safe loader into nodes (no object construction), then
walked by hand so that every value keeps its line and column, and so that an alias
bomb is cut off after a fixed number of nodes instead of expanding in memory.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Problem

MAX_BYTES = 5 * 1024 * 1024  # a real cluster document is a few KB; 5 MB is far beyond any
MAX_NODES = 200_000  # YAML nodes after alias expansion
MAX_DEPTH = 64  # a description nests 5 levels; a node list about 8
MAX_DIGITS = 30  # no count, port or size in a cluster needs more; Python refuses over 4300

Loc = tuple[str | int, ...]


@dataclass
class Document:
    """Plain data plus the position of every value, keyed by its path."""

    name: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    # Values laid over from another file (a `--vnet` document's VNet): a problem under one of
    # these paths is reported in that file, at its line.
    parts: dict[Loc, Document] = field(default_factory=dict)

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

    def sub(self, loc: Loc) -> Document:
        """The value at `loc` as a document of its own, keeping every position."""
        n = len(loc)
        value = self.data
        for part in loc:
            value = value[part]

        def cut(table: dict[Loc, tuple[int, int]]) -> dict[Loc, tuple[int, int]]:
            return {k[n:]: v for k, v in table.items() if k[:n] == tuple(loc)}

        return Document(self.name, value, cut(self.positions), cut(self.key_positions))

    def moved(self, data: Any, where: dict[Loc, Loc]) -> Document:
        """A document of `data` built from this one, its fields positioned where `where` says
        they were written here (a field not in `where` takes its nearest enclosing one's)."""
        doc = Document(self.name, data)
        for new, old in where.items():
            line_col = self.locate(old)
            if line_col[0] is not None:
                doc.positions[new] = line_col  # type: ignore[assignment]
                doc.key_positions[new] = self.locate(old, key=True)  # type: ignore[assignment]
        return doc

    def problem(self, message: str, loc: Loc = (), *, key: bool = False, field: str | None = None) -> Problem:
        for prefix, other in self.parts.items():
            if tuple(loc[: len(prefix)]) == prefix:
                return other.problem(message, loc, key=key, field=field)
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


STDIN = "-"  # the input path that means standard input


def read_bytes(path: Path, what: str = "input") -> bytes:
    """The file's bytes, at most MAX_BYTES + 1 of them: `st_size` is not trusted, so a growing
    file cannot make us read without end. Only a regular file (or stdin, when the path is `-`):
    a device such as `/dev/zero`, or a FIFO that nobody writes to, would be read without end or
    wait for ever. The FIFO is opened without blocking, so that asking costs nothing."""
    name = "<stdin>" if str(path) == STDIN else str(path)
    try:
        if str(path) == STDIN:
            if sys.stdin is None:  # started with stdin closed (`<&-`)
                raise InputError(Problem(f"{what} is stdin, and stdin is closed", file=name))
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
            with open(fd, "rb") as fh:
                mode = os.fstat(fd).st_mode
                if stat.S_ISDIR(mode):
                    raise InputError(Problem(f"{what} is a folder, not a file", file=name))
                if not stat.S_ISREG(mode):
                    raise InputError(
                        Problem(
                            f"{what} is not a regular file (a device, FIFO or socket); give a "
                            "file, or `-` to read stdin",
                            file=name,
                        )
                    )
                raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(Problem(f"{what} file does not exist", file=name)) from None
    except PermissionError:
        raise InputError(Problem(f"{what} file is not readable (permission denied)", file=name)) from None
    except (OSError, ValueError) as exc:  # ValueError: stdin closed (`<&-`)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is closed"
        raise InputError(Problem(f"{what} file could not be read: {reason}", file=name)) from None
    if len(raw) > MAX_BYTES:
        raise InputError(Problem(f"{what} is more than {MAX_BYTES:,} bytes; the limit is {MAX_BYTES:,}", file=name))
    return raw


def read_text(path: Path, what: str = "input") -> str:
    """The file's text, read by `read_bytes` (regular files only, at most MAX_BYTES)."""
    name = "<stdin>" if str(path) == STDIN else str(path)
    raw = read_bytes(path, what)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(f"{what} is not UTF-8 text (byte {exc.start})", file=name)) from None
    if not text.strip():
        raise InputError(Problem(f"{what} file is empty", file=name))
    return text


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# libyaml, where PyYAML was built with it: the same tokens, nodes and marks, about 15 times
# faster (YAML was most of a batch's Python time). Its error wording differs, so a document it
# refuses is read again by the pure-Python parser, whose messages the goldens pin.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> yaml.Node | None:
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _check_yaml_depth(text: str, name: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before composing: PyYAML's composer recurses."""
    try:
        _scan_depth(text, name, _FAST_LOADER or yaml.SafeLoader)
    except yaml.YAMLError:
        # libyaml stops at 1,000 levels with a scanner error, before yielding the tokens that
        # would have shown the depth; the pure-Python scanner (a loop, not recursion) finds it.
        if _FAST_LOADER is None:
            return  # composing reports it, with its position
        try:
            _scan_depth(text, name, yaml.SafeLoader)
        except yaml.YAMLError:
            return


def _scan_depth(text: str, name: str, loader: type) -> None:
    depth = 0
    for token in yaml.scan(text, Loader=loader):
        if isinstance(token, _OPEN_TOKENS):
            depth += 1
            if depth > MAX_DEPTH:
                mark = token.start_mark
                raise InputError(
                    Problem(
                        f"nested more than {MAX_DEPTH} levels deep",
                        file=name,
                        line=mark.line + 1,
                        column=mark.column + 1,
                    )
                )
        elif isinstance(token, _CLOSE_TOKENS):
            depth -= 1


_OPEN_TOKENS = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSE_TOKENS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_CONSTANT = re.compile(r"-?\b(?:NaN|Infinity)\b")
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _check_json_depth(text: str, name: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH; brackets inside strings do not count."""
    blanked = _JSON_STRING.sub(lambda m: " " * len(m[0]), text)
    depth = 0
    for m in _JSON_BRACKET.finditer(blanked):
        depth += 1 if m[0] in "[{" else -1
        if depth > MAX_DEPTH:
            line, col = _line_col(text, m.start())
            raise InputError(Problem(f"nested more than {MAX_DEPTH} levels deep", file=name, line=line, column=col))


def parse_yaml(text: str, name: str) -> Document:
    _check_yaml_depth(text, name)
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError(
            Problem(f"invalid YAML: {exc.problem or exc.context}", file=name, line=line, column=col)
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"invalid YAML: {exc}", file=name)) from None
    except RecursionError:  # the depth check above should have refused it first
        raise InputError(Problem(f"nested more than {MAX_DEPTH} levels deep", file=name)) from None
    if root is None:
        raise InputError(Problem("file holds no document", file=name))
    doc = Document(name, None)
    counter = [0]
    constructor = yaml.SafeLoader("")
    doc.data = _walk(root, (), doc, counter, constructor)
    return doc


_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "binary")
}


def _walk(node: yaml.Node, loc: Loc, doc: Document, counter: list[int], constructor: yaml.SafeLoader) -> Any:
    counter[0] += 1
    if node.tag not in _PLAIN_TAGS:
        raise InputError(
            Problem(
                f"YAML tag {node.tag!r} is not allowed; a cluster description holds plain values only",
                file=doc.name,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                field=dotted(loc) or None,
            )
        )
    if counter[0] > MAX_NODES:
        raise InputError(Problem(f"document expands to more than {MAX_NODES:,} values (an alias bomb?)", file=doc.name))
    doc.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError(
                    Problem(
                        "YAML merge keys (<<) are not supported; write the fields out",
                        file=doc.name,
                        line=kline,
                        column=kcol,
                        field=dotted(loc) or None,
                    )
                )
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                raise InputError(
                    Problem(
                        "mapping keys must be plain strings",
                        file=doc.name,
                        line=kline,
                        column=kcol,
                        field=dotted(loc) or None,
                    )
                )
            key = str(_scalar(key_node, loc, doc, constructor))
            if key in out:
                line = key_node.start_mark.line + 1
                raise InputError(
                    Problem(
                        f"key {key!r} appears twice",
                        file=doc.name,
                        line=line,
                        column=key_node.start_mark.column + 1,
                        field=dotted((*loc, key)),
                    )
                )
            doc.key_positions[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _walk(value_node, (*loc, key), doc, counter, constructor)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(v, (*loc, i), doc, counter, constructor) for i, v in enumerate(node.value)]
    return _scalar(node, loc, doc, constructor)


def _scalar(node: yaml.Node, loc: Loc, doc: Document, constructor: yaml.SafeLoader) -> Any:
    if node.tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
        return node.value  # keep dates and binaries as the text the user wrote
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and len(node.value) > MAX_DIGITS:
        raise InputError(
            Problem(
                f"number with {len(node.value):,} characters; numbers here have at most {MAX_DIGITS} digits",
                file=doc.name,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                field=dotted(loc) or None,
            )
        )
    try:
        return constructor.construct_object(node)
    except (yaml.YAMLError, ValueError) as exc:
        raise InputError(
            Problem(
                f"cannot read this value: {exc}",
                file=doc.name,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                field=dotted(loc) or None,
            )
        ) from None


class _JsonRefusal(Exception):
    """A JSON value json.loads accepts but a description must not hold; positioned afterwards."""


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JsonRefusal(f"key {key!r} appears twice")
        out[key] = value
    return out


def _json_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise _JsonRefusal(f"number with {len(text):,} characters; numbers here have at most {MAX_DIGITS} digits")
    return int(text)


def _json_constant(text: str) -> Any:
    raise _JsonRefusal(f"{text} is not a JSON value")


# ARM templates may hold // and /* */ comments (Azure reads them); blanked to spaces, so that
# every line and column stays where it was.
_JSON_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/', re.DOTALL)


def _without_comments(text: str) -> str:
    return _JSON_COMMENT.sub(lambda m: m[0] if m[0].startswith('"') else re.sub(r"[^\n]", " ", m[0]), text)


def _is_arm_template(data: Any) -> bool:
    return isinstance(data, dict) and "resources" in data and "deploymentTemplate" in str(data.get("$schema", ""))


def _json_error(exc: json.JSONDecodeError) -> tuple[str, int, int]:
    """The decoder's message and position, with a trailing comma named as Python 3.13 names it
    (3.11 and 3.12 say "Expecting property name" or "Expecting value" at the bracket after it),
    so that one file gets one message whichever Python reads it."""
    doc, pos = exc.doc, exc.pos
    before = len(doc[:pos].rstrip()) - 1
    if pos < len(doc) and doc[pos] in "}]" and before >= 0 and doc[before] == ",":
        what = "object" if doc[pos] == "}" else "array"
        line = doc.count("\n", 0, before) + 1
        return f"Illegal trailing comma before end of {what}", line, before - doc.rfind("\n", 0, before)
    return exc.msg, exc.lineno, exc.colno


def parse_json(text: str, name: str) -> Document:
    _check_json_depth(text, name)
    try:
        data = json.loads(text, object_pairs_hook=_json_pairs, parse_int=_json_int, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        blanked = _without_comments(text)
        if blanked != text:
            try:
                again = parse_json(blanked, name)
            except InputError:
                again = None
            if again is not None and _is_arm_template(again.data):
                return again
        msg, at_line, at_column = _json_error(exc)
        raise InputError(Problem(f"invalid JSON: {msg}", file=name, line=at_line, column=at_column)) from None
    except RecursionError:
        raise InputError(Problem("invalid JSON: nested too deeply", file=name)) from None
    except _JsonRefusal as exc:
        # Read it as YAML (JSON is nearly a subset) for the same refusal with its position.
        parse_yaml(text, name)
        found = _JSON_CONSTANT.search(_JSON_STRING.sub(lambda m: " " * len(m[0]), text))
        line, col = _line_col(text, found.start()) if found else (None, None)
        raise InputError(Problem(str(exc), file=name, line=line, column=col)) from None
    doc = Document(name, data)
    # Positions for JSON come from reading it again as YAML; where that fails we still
    # have the data, just no line numbers.
    try:
        again = parse_yaml(text, name)
        doc.positions, doc.key_positions = again.positions, again.key_positions
    except InputError:
        pass
    return doc


def parse_document(path: Path, what: str = "input") -> Document:
    text = read_text(path, what)
    stripped = text.lstrip()
    name = "<stdin>" if str(path) == STDIN else str(path)
    if path.suffix.lower() == ".json" or stripped.startswith(("{", "[")):
        return parse_json(text, name)
    return parse_yaml(text, name)
