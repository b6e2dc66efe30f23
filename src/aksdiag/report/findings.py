"""`aksdiag check` output: findings as text, JSON or SARIF 2.1.0.

Each finding is already positioned (file, line, column, field path) by the caller; words come
from the rule catalogue, so the three formats say the same thing.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..derive.catalog import RULES
from ..derive.plan import Finding, Severity
from ..errors import Problem
from . import envelope

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.note: "note"}


@dataclass(frozen=True)
class Located:
    """A finding in one input file, with where its first field was written: from the field's value
    to the end of that line (`end_column` is the column after the last character, as in SARIF)."""

    file: str
    finding: Finding
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None

    @property
    def field(self) -> str | None:
        return self.finding.fields[0] if self.finding.fields else None


@dataclass(frozen=True)
class FileResult:
    file: str
    findings: tuple[Located, ...]
    summary: str | None = None  # "azure-cni-overlay, 3 nodes"; None when the input could not be read
    problems: tuple[Problem, ...] = ()  # bad input, already positioned


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
            lines.append(
                f"{res.file}: {counts[Severity.error]} errors, {counts[Severity.warning]} warnings, "
                f"{counts[Severity.note]} notes ({res.summary})"
            )
    return "\n".join(lines) + "\n" if lines else ""


def as_json(results: list[FileResult]) -> str:
    return envelope.dumps(
        "check",
        {
            "results": [
                {
                    "file": envelope.file_name(res.file),
                    "summary": res.summary,
                    "badInput": [envelope.problem(p) for p in res.problems],
                    "findings": [envelope.finding(x.finding, res.file, x.line, x.column) for x in res.findings],
                }
                for res in results
            ]
        },
    )


# GitHub code scanning reads SARIF's common subset plus a few properties of its own; what it asks
# for is in "SARIF support for code scanning" (https://docs.github.com/en/code-security/code-scanning/
# integrating-with-code-scanning/sarif-support-for-code-scanning), and tests/github_sarif.py checks
# every point cited here. Its "problem.severity" words for our severities:
PROBLEM_SEVERITY = {Severity.error: "error", Severity.warning: "warning", Severity.note: "recommendation"}
# "precision": how often a result is right. An error rule restates what AKS's own validation refuses,
# computed from the declared design; warnings and notes also weigh what the design leaves to defaults.
PRECISION = {Severity.error: "very-high", Severity.warning: "high", Severity.note: "high"}
SRCROOT = "%SRCROOT%"
SEVERITY_MEANS = {
    Severity.error: "AKS (or Azure) refuses a design that breaks this rule.",
    Severity.warning: "AKS accepts such a design, but it will hurt in operation or at an upgrade.",
    Severity.note: "Worth knowing when reviewing the design.",
}
_TOPICS = (  # the tag code scanning filters a rule by: the first rule-id word that says what it is about
    ("api-server", ("apiserver", "dns-zone")),
    ("egress", ("udr", "outbound", "natgw", "NATGateway", "userDefinedRouting", "basic-lb")),
    ("capacity", ("too-small", "surge", "limit", "too-few", "too-large", "waste")),
    ("addresses", ("subnet", "range", "cidr", "dns", "ip-families", "reserved", "connected", "route")),
)


def rule_tags(rule_id: str) -> list[str]:
    topic = next((name for name, words in _TOPICS if any(w in rule_id for w in words)), "network-model")
    return ["aks", "networking", topic]


def artifact_location(file: str, root: Path | None) -> dict[str, str]:
    """Where code scanning finds the file: relative to the repository root (`%SRCROOT%`),
    percent-encoded; a file outside it by its absolute `file:` URI."""
    if file == "<stdin>" or root is None:
        return {"uri": quote(file.replace("\\", "/"))}
    path = Path(os.path.abspath(file))
    try:
        relative = path.relative_to(root)
    except ValueError:
        return {"uri": path.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}


def fingerprint(x: Located, uri: str) -> str:
    """The same finding in the same file keeps its alert when lines move: rule, file, subject and values,
    never the line number."""
    f = x.finding
    key = "\0".join([f.rule, uri, f.subject or "", *f.fields, *(f"{k}={v}" for k, v in f.values)])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _rule(rule_id: str) -> dict[str, Any]:
    rule = RULES[rule_id]
    short = rule.why.split(". ")[0].rstrip(".") + "."
    return {
        "id": rule_id,
        "name": "".join(part[:1].upper() + part[1:] for part in rule_id.split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": f"{rule.why} {SEVERITY_MEANS[rule.severity]}"},
        "helpUri": rule.url,
        "help": {
            "text": f"{rule.why} {SEVERITY_MEANS[rule.severity]}"
            + (f' The page says: "{rule.quote}"' if rule.quote else "")
            + f"\n\nSource: {rule.url}",
            "markdown": f"{rule.why} {SEVERITY_MEANS[rule.severity]}\n\n"
            + (f"> {rule.quote}\n\n" if rule.quote else "")
            + f"Source: [Microsoft Learn: {rule.url.rsplit('/', 1)[-1]}]({rule.url})",
        },
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {
            "tags": rule_tags(rule_id),
            "precision": PRECISION[rule.severity],
            "problem.severity": PROBLEM_SEVERITY[rule.severity],
        },
    }


def _region(x: Located) -> dict[str, int]:
    # Code scanning needs a region on every result; a finding of the whole file points at its start.
    start_line, start_column = x.line or 1, x.column or 1
    end_line, end_column = x.end_line or start_line, x.end_column or start_column + 1
    if (end_line, end_column) <= (start_line, start_column):
        end_line, end_column = start_line, start_column + 1
    return {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}


def sarif(results: list[FileResult], root: Path | None = None) -> dict[str, Any]:
    """`root`: the repository's root folder (absolute), which URIs are relative to."""
    used = sorted({x.finding.rule for res in results for x in res.findings})
    index = {rule: i for i, rule in enumerate(used)}
    out = []
    for res in results:
        artifact = artifact_location(res.file, root)
        for x in res.findings:
            location: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact, "region": _region(x)}}
            if x.finding.fields:
                location["logicalLocations"] = [
                    {"fullyQualifiedName": field, "kind": "member"} for field in x.finding.fields
                ]
            out.append(
                {
                    "ruleId": x.finding.rule,
                    "ruleIndex": index[x.finding.rule],
                    "level": SARIF_LEVEL[x.finding.severity],
                    "message": {"text": x.finding.message},
                    "locations": [location],
                    "partialFingerprints": {"aksdiagFinding/v1": fingerprint(x, artifact["uri"])},
                }
            )
    notices = [{"level": "error", "message": {"text": str(p)}} for res in results for p in res.problems]
    run: dict[str, Any] = {
        "invocations": [{"executionSuccessful": not notices, "toolExecutionNotifications": notices}],
        "tool": {
            "driver": {
                "name": "aksdiag",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://learn.microsoft.com/azure/aks/concepts-network",
                "rules": [_rule(rule) for rule in used],
            }
        },
        "results": out,
    }
    if root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root.as_uri() + "/"}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def as_sarif(results: list[FileResult], root: Path | None = None) -> str:
    return json.dumps(sarif(results, root), indent=2) + "\n"


FORMATS = {"text": text, "json": as_json, "sarif": as_sarif}
