"""`aksdiag diff` output: a pull-request comment in Markdown, or JSON in the common convention.

The comment is for a reviewer who reads it in a minute: one summary table (a row per cluster
file that changes), then per file what changes in words, the findings that appear (always
shown: they are why a change is refused) and those that clear, with every fact folded in a
`<details>` block. GitHub cuts a comment at 65,536 characters; past `LIMIT` the folded tables
of the last files are left out and the comment says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..derive.catalog import RULES
from ..derive.compare import Change, Row, Topic
from ..derive.diff import REPEATED, FileChange, FileDiff
from ..derive.plan import Finding
from ..derive.profiles import MODEL_NAMES
from . import envelope
from .compare import PER_SUBNET, TOPIC_NAMES, fact_name, value_words

MARKER = "<!-- aksdiag-diff -->"  # the workflow finds its own comment by this, to edit it in place
LIMIT = 60_000


@dataclass(frozen=True)
class DiffReport:
    base_label: str
    head_label: str
    files: tuple[FileDiff, ...]
    base_revision: str | None = None
    head_revision: str | None = None
    pictures: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> side -> picture file
    positions: dict[tuple[str, str, str], tuple[int | None, int | None]] = field(default_factory=dict)
    # (path, side, field) -> (line, column) of a finding's first field in that side's file

    def counts(self) -> dict[str, int]:
        out = {c.value: 0 for c in FileChange}
        for f in self.files:
            out[f.change.value] += 1
        return out


_MARKUP = re.compile(r"([\\`*_\[\]<>|])")


def _md(text: str) -> str:
    """Text from a description (a cluster's name, a value) as text: Markdown and HTML in it are escaped,
    so a name cannot add a link, an image or a table cell to the comment."""
    return _MARKUP.sub(r"\\\1", text.replace("\n", " "))


def _code(text: str) -> str:
    """Text for a code span: GitHub shows entities there as typed, so only what would end the span
    (a backtick) or the table cell (a pipe) is changed."""
    return text.replace("`", "'").replace("|", "\\|").replace("\n", " ")


def _model(f: FileDiff) -> str:
    a = f.before.plan if f.before is not None else None
    b = f.after.plan if f.after is not None else None
    names = [MODEL_NAMES[p.model.value] for p in (a, b) if p is not None]
    if len(names) == 2 and names[0] != names[1]:
        return f"{names[0]} → {names[1]}"
    return names[-1] if names else ""


def what_changes(f: FileDiff) -> str:
    """`pod CIDR, outbound type, node's pod addresses (3)`: the summary cell."""
    if f.change == FileChange.added:
        return "new cluster"
    if f.change == FileChange.removed:
        return "cluster removed"
    if f.change == FileChange.failed:
        return "cannot be read"
    if f.change == FileChange.edited:
        return "no network change"
    parts = []
    for topic in f.topics():
        n = sum(1 for r in f.rows if r.topic == topic)
        parts.append(TOPIC_NAMES[topic] + (f" ({n})" if topic in REPEATED else ""))
    return ", ".join(parts)


def _finding_counts(f: FileDiff) -> str:
    up, down = f.appeared(), f.cleared()
    if not up and not down:
        return "–"
    out = []
    for sev in ("error", "warning", "note"):
        n = sum(1 for x in up if x.severity.value == sev)
        if n:
            out.append(f"+{n} {sev}{'s' if n > 1 else ''}")
    if down:
        out.append(f"−{len(down)} cleared")
    return ", ".join(out)


def _finding_line(f: Finding) -> str:
    rule = RULES[f.rule]
    return f"**{f.severity.value}** `{f.rule}`: {_md(f.message)} ([Learn]({rule.url}))"


def _counted(r: Row) -> bool:
    """Rows a reviewer needs counted, not listed: one per node or route, and the per-subnet figures
    of a subnet that comes or goes (their values are in the folded table)."""
    return r.topic in REPEATED or (r.topic in PER_SUBNET and r.change != Change.changed)


def _headline(f: FileDiff) -> list[str]:
    """The facts a reviewer reads first: each fact as before → after, repeated ones counted."""
    lines = []
    for r in f.rows:
        if _counted(r) or r.topic == Topic.finding:
            continue
        before, after = value_words(r.topic, r.before) or "(none)", value_words(r.topic, r.after) or "(none)"
        lines.append(f"- {_md(fact_name(r))}: `{_code(before)}` → `{_code(after)}`")
    for topic in f.topics():
        rows = [r for r in f.rows if r.topic == topic and _counted(r)]
        if rows:
            kinds = {c: sum(1 for r in rows if r.change == c) for c in (Change.added, Change.removed, Change.changed)}
            said = ", ".join(f"{n} {c.value}" for c, n in kinds.items() if n)
            lines.append(f"- {TOPIC_NAMES[topic]}: {said}")
    return lines


def _whole(f: FileDiff) -> list[str]:
    """A cluster that comes or goes, in one line: what it is and how it reaches out."""
    side = f.after if f.change == FileChange.added else f.before
    if side is None or side.plan is None:
        return []
    plan = side.plan
    pods = ", ".join(map(str, plan.pods.cidrs)) or value_words(Topic.pod_ip_source, plan.pods.kind)
    verb = "New" if f.change == FileChange.added else "Removed"
    return [
        (
            f"- {verb} cluster {_md(plan.cluster)}: {MODEL_NAMES[plan.model.value]}, {len(plan.nodes)} nodes, "
            f"pods from {_md(pods)}, outbound {plan.egress.outbound_type}"
        )
    ]


def _details(f: FileDiff) -> list[str]:
    rows = f.rows
    if not rows:
        return []
    out = [
        f"<details><summary>All {len(rows)} facts that change</summary>",
        "",
        "| fact | change | before | after |",
        "|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {_md(fact_name(r))} | {r.change.value} | {_md(value_words(r.topic, r.before))} | "
            f"{_md(value_words(r.topic, r.after))} |"
        )
    return [*out, "", "</details>"]


def _cluster_name(f: FileDiff) -> str:
    for side in (f.after, f.before):
        if side is not None and side.plan is not None:
            return side.plan.cluster
    return ""


def markdown(report: DiffReport) -> str:
    changed = [f for f in report.files if f.change != FileChange.edited]
    head = [MARKER, f"### aksdiag: network review of `{_code(report.base_label)}` → `{_code(report.head_label)}`", ""]
    if not report.files:
        return "\n".join([*head, "No cluster file changes.", ""])
    counts = report.counts()
    said = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    head += [
        f"{len(report.files)} cluster file{'s differ' if len(report.files) != 1 else ' differs'}: {said}.",
        "",
        "| cluster file | cluster | change | what changes | findings |",
        "|---|---|---|---|---|",
    ]
    for f in report.files:
        head.append(
            f"| `{_code(f.path)}` | {_md(_cluster_name(f))} | {f.change.value} ({_md(_model(f))}) | "
            f"{_md(what_changes(f))} | {_finding_counts(f)} |"
        )
    body: list[str] = []
    left_out = 0
    for f in changed:
        section = ["", f"#### `{_code(f.path)}`", ""]
        if f.change == FileChange.failed and f.after is not None:
            section += [f"- `{_code(str(p))}`" for p in f.after.problems]
        section += _whole(f) if f.change in (FileChange.added, FileChange.removed) else _headline(f)
        if f.appeared():
            section += ["", "Findings that appear:", ""] + [f"- {_finding_line(x)}" for x in f.appeared()]
        if f.cleared():
            section += ["", "Findings that clear:", ""] + [f"- {_finding_line(x)}" for x in f.cleared()]
        pictures = report.pictures.get(f.path, {})
        if pictures:
            section += ["", "Pictures: " + ", ".join(f"{side} `{_code(p)}`" for side, p in pictures.items())]
        details = _details(f) if f.change == FileChange.changed else []
        size = sum(len(x) + 1 for x in [*head, *body, *section, *details])
        if size > LIMIT:
            left_out += 1
            details = []
            if sum(len(x) + 1 for x in [*head, *body, *section]) > LIMIT:
                continue
        body += section + ([""] + details if details else [])
    note = (
        f"_{left_out} section{'s were' if left_out > 1 else ' was'} left out to keep this comment within "
        "GitHub's limit; `aksdiag diff -f json` has everything._"
    )
    tail = ["", note] if left_out else []
    return "\n".join([*head, *body, *tail, ""])


def _side_ref(f: FileDiff, side: str) -> dict[str, Any] | None:
    s = f.before if side == "before" else f.after
    if s is None or s.plan is None:
        return None
    return {"file": f.path, "cluster": s.plan.cluster, "model": s.plan.model.value}


def as_json(report: DiffReport) -> str:
    def located(f: FileDiff, x: Finding, side: str) -> dict[str, Any]:
        line, column = report.positions.get((f.path, side, x.fields[0] if x.fields else ""), (None, None))
        return envelope.finding(x, f.path, line, column)

    files = []
    for f in report.files:
        entry: dict[str, Any] = {
            "file": f.path,
            "change": f.change.value,
            "before": _side_ref(f, "before"),
            "after": _side_ref(f, "after"),
            "aspects": [a.value for a in f.aspects()],
            "rows": [
                {
                    "topic": r.topic.value,
                    "subject": r.subject,
                    "change": r.change.value,
                    "before": r.before,
                    "after": r.after,
                }
                for r in f.rows
            ],
            "appeared": [located(f, x, "after") for x in f.appeared()],
            "cleared": [located(f, x, "before") for x in f.cleared()],
            "badInput": [envelope.problem(p) for p in (f.after.problems if f.after is not None else ())],
        }
        if f.path in report.pictures:
            entry["pictures"] = report.pictures[f.path]
        files.append(entry)
    return envelope.dumps(
        "diff",
        {
            "base": {"label": report.base_label, "revision": report.base_revision},
            "head": {"label": report.head_label, "revision": report.head_revision},
            "counts": report.counts(),
            "files": files,
        },
    )
