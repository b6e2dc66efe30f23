"""The one JSON convention of `check`, `plan`, `compare` and `diff` (`output.schema.json` beside this).

- Top level: `version` (this convention's version, an integer that changes only when a
  consumer would have to change), `command`, `aksdiag` (the tool's version), then the command's body.
- Keys are camelCase, as the ARM fields a description is written in (`podCidr`, `badInput`).
- A file is named by `file`: the path as given on the command line, with `/` separators (for
  `diff`: relative to the repository root); a position beside it is `line` and `column`,
  1-based, or null when unknown.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePath
from typing import Any

from .. import __version__

VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("output.schema.json")
_WORD = re.compile(r"_([a-z0-9])")


def camel(key: str) -> str:
    return _WORD.sub(lambda m: m[1].upper(), key)


def camel_keys(value: Any) -> Any:
    """Every mapping key in `value` in camelCase, recursively (values are left alone)."""
    if isinstance(value, dict):
        return {camel(str(k)): camel_keys(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [camel_keys(v) for v in value]
    return value


def file_name(path: str | PurePath) -> str:
    text = str(path)
    return "<stdin>" if text == "-" else text.replace("\\", "/")


def document(command: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"version": VERSION, "command": command, "aksdiag": __version__, **camel_keys(body)}


def dumps(command: str, body: dict[str, Any]) -> str:
    return json.dumps(document(command, body), indent=2) + "\n"


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def finding(f: Any, file: str | None, line: int | None = None, column: int | None = None) -> dict[str, Any]:
    """A finding as every command writes it: the rule's words and source, and where it points."""
    from ..derive.catalog import RULES

    rule = RULES[f.rule]
    return {
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "why": rule.why,
        "url": rule.url,
        "source": rule.quote or None,
        "fields": list(f.fields),
        "subject": f.subject,
        "values": {camel(k): str(v) for k, v in f.values},
        "file": file_name(file) if file is not None else None,
        "line": line,
        "column": column,
    }


def problem(p: Any) -> dict[str, Any]:
    return {
        "message": p.message,
        "file": file_name(p.file) if p.file else None,
        "line": p.line,
        "column": p.column,
        "field": p.field,
    }
