"""`aksdiag check` output: findings as text, JSON or SARIF 2.1.0.

Each finding is already positioned (file, line, column, field path) by the caller; words come
from the rule catalogue, so the three formats say the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..derive.catalog import RULES
from ..derive.plan import Finding, Severity

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.note: "note"}


@dataclass(frozen=True)
class Located:
    """A finding in one input file, with where its first field was written."""

    file: str
    finding: Finding
    line: int | None = None
    column: int | None = None

    @property
    def field(self) -> str | None:
        return self.finding.fields[0] if self.finding.fields else None


@dataclass(frozen=True)
class FileResult:
    file: str
    findings: tuple[Located, ...]
    summary: str | None = None  # "azure-cni-overlay, 3 nodes"; None when the input could not be read
    problems: tuple[str, ...] = ()  # bad input: the messages, already positioned


def _where(x: Located) -> str:
    where = x.file
    if x.line is not None:
        where += f":{x.line}" + (f":{x.column}" if x.column is not None else "")
    return where


def text(results: list[FileResult]) -> str:
    lines = []
    for res in results:  # bad input is on stderr already, as for every command
        for x in res.findings:
            f = x.finding
            field = f"{x.field}: " if x.field else ""
            lines.append(f"{_where(x)}: {f.severity.value}: {field}{f.message} [rule {f.rule}]")
        if res.summary is not None:
            counts = {s: sum(1 for x in res.findings if x.finding.severity == s) for s in Severity}
            lines.append(f"{res.file}: {counts[Severity.error]} errors, {counts[Severity.warning]} warnings, "
                         f"{counts[Severity.note]} notes ({res.summary})")
    return "\n".join(lines) + "\n" if lines else ""


def as_json(results: list[FileResult]) -> str:
    out = []
    for res in results:
        out.append({
            "file": res.file,
            "summary": res.summary,
            "badInput": list(res.problems),
            "findings": [{
                "rule": x.finding.rule,
                "severity": x.finding.severity.value,
                "message": x.finding.message,
                "why": RULES[x.finding.rule].why,
                "url": RULES[x.finding.rule].url,
                "source": RULES[x.finding.rule].quote or None,
                "fields": list(x.finding.fields),
                "subject": x.finding.subject,
                "values": {k: str(v) for k, v in x.finding.values},
                "line": x.line,
                "column": x.column,
            } for x in res.findings],
        })
    return json.dumps({"version": __version__, "results": out}, indent=2) + "\n"


def sarif(results: list[FileResult]) -> dict[str, Any]:
    used = sorted({x.finding.rule for res in results for x in res.findings})
    index = {rule: i for i, rule in enumerate(used)}
    rules = [{
        "id": rule,
        "name": "".join(part.capitalize() for part in rule.split("-")),
        "shortDescription": {"text": RULES[rule].why},
        "helpUri": RULES[rule].url,
        "help": {"text": f"{RULES[rule].why}" + (f' The page says: "{RULES[rule].quote}"' if RULES[rule].quote
                                                  else "") + f" See {RULES[rule].url}"},
        "defaultConfiguration": {"level": SARIF_LEVEL[RULES[rule].severity]},
    } for rule in used]
    out = []
    for res in results:
        for x in res.findings:
            region: dict[str, int] = {}
            if x.line is not None:
                region["startLine"] = x.line
                if x.column is not None:
                    region["startColumn"] = x.column
            physical: dict[str, Any] = {"artifactLocation": {"uri": res.file}}
            if region:
                physical["region"] = region
            location: dict[str, Any] = {"physicalLocation": physical}
            if x.finding.fields:
                location["logicalLocations"] = [
                    {"fullyQualifiedName": field, "kind": "member"} for field in x.finding.fields]
            out.append({
                "ruleId": x.finding.rule,
                "ruleIndex": index[x.finding.rule],
                "level": SARIF_LEVEL[x.finding.severity],
                "message": {"text": x.finding.message},
                "locations": [location],
            })
    notices = [{"level": "error", "message": {"text": p}} for res in results for p in res.problems]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "invocations": [{"executionSuccessful": not notices, "toolExecutionNotifications": notices}],
            "tool": {"driver": {
                "name": "aksdiag",
                "version": __version__,
                "informationUri": "https://learn.microsoft.com/azure/aks/concepts-network",
                "rules": rules,
            }},
            "results": out,
        }],
    }


def as_sarif(results: list[FileResult]) -> str:
    return json.dumps(sarif(results), indent=2) + "\n"


FORMATS = {"text": text, "json": as_json, "sarif": as_sarif}
