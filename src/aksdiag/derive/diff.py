"""What a change to a repository of cluster files does to the networks they describe.

Each cluster file of the two sides is matched by its path; a file on both sides is compared
by the facts its plans derive (`compare`), so an edit that changes nothing the network derives
(a comment, the order of keys) is no change. Facts are grouped into the questions a reviewer
asks of a network change: which addresses, how much fits, the way out, the routes, the API
server, and which rules break.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .compare import Change, Comparison, Row, Topic, compare
from .plan import AddressPlan, Finding, Severity


class Aspect(StrEnum):
    """A reviewer's question; each compared topic answers one."""

    model = "model"
    addresses = "addresses"
    routing = "routing"
    egress = "egress"
    capacity = "capacity"
    api = "api-server"
    findings = "findings"


ASPECT = {
    Topic.model: Aspect.model,
    Topic.pod_ip_source: Aspect.model,
    Topic.cross_node: Aspect.routing,
    Topic.pod_cidr: Aspect.addresses,
    Topic.pod_subnet: Aspect.addresses,
    Topic.node_pod_block: Aspect.addresses,
    Topic.service_cidr: Aspect.addresses,
    Topic.dns_ip: Aspect.addresses,
    Topic.node_ip: Aspect.addresses,
    Topic.vnet_used: Aspect.capacity,
    Topic.route_table: Aspect.routing,
    Topic.route: Aspect.routing,
    Topic.source_in_vnet: Aspect.egress,
    Topic.source_leaving: Aspect.egress,
    Topic.egress_device: Aspect.egress,
    Topic.egress_public: Aspect.egress,
    Topic.nodes_fit: Aspect.capacity,
    Topic.pods_fit: Aspect.capacity,
    Topic.nodes_fit_surge: Aspect.capacity,
    Topic.pods_fit_surge: Aspect.capacity,
    Topic.api_server: Aspect.api,
    Topic.finding: Aspect.findings,
}

# Topics whose every row is one instance of a repeated thing (a node, a route): a reviewer needs
# their count in the summary, not each row.
REPEATED = (Topic.node_ip, Topic.node_pod_block, Topic.route, Topic.vnet_used)


class FileChange(StrEnum):
    added = "added"
    removed = "removed"
    changed = "changed"  # the derived network differs
    edited = "edited"  # the file differs, the derived network does not
    failed = "failed"  # the head side cannot be read: bad input


@dataclass(frozen=True)
class Side:
    """One side of one file: its plan, or the problems that kept it from having one."""

    plan: AddressPlan | None = None
    problems: tuple[Any, ...] = ()  # aksdiag.errors.Problem, positioned in the side's file


@dataclass(frozen=True)
class FileDiff:
    path: str
    change: FileChange
    before: Side | None
    after: Side | None
    comparison: Comparison | None = None

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.comparison.differences if self.comparison is not None else ()

    def topics(self) -> tuple[Topic, ...]:
        """The topics that change, in table order, each once: `pod CIDR, outbound type, ...`."""
        return tuple(dict.fromkeys(r.topic for r in self.rows if r.topic != Topic.finding))

    def aspects(self) -> tuple[Aspect, ...]:
        return tuple(dict.fromkeys(ASPECT[r.topic] for r in self.rows))

    def appeared(self) -> tuple[Finding, ...]:
        """Findings of the head side that the base side does not have (all of them for a new file)."""
        if self.after is None or self.after.plan is None:
            return ()
        if self.change == FileChange.added:
            return tuple(self.after.plan.findings)
        keys = {r.subject for r in self.rows if r.topic == Topic.finding and r.change == Change.added}
        return tuple(f for f in self.after.plan.findings if _finding_key(f) in keys)

    def cleared(self) -> tuple[Finding, ...]:
        if self.before is None or self.before.plan is None:
            return ()
        if self.change == FileChange.removed:
            return tuple(self.before.plan.findings)
        keys = {r.subject for r in self.rows if r.topic == Topic.finding and r.change == Change.removed}
        return tuple(f for f in self.before.plan.findings if _finding_key(f) in keys)


def _finding_key(f: Finding) -> str:
    # The subject `facts()` gives a finding row.
    return f.rule + (f":{f.subject}" if f.subject else "")


def diff_file(path: str, before: Side | None, after: Side | None) -> FileDiff:
    if after is None:
        return FileDiff(path, FileChange.removed, before, None)
    if after.plan is None:
        return FileDiff(path, FileChange.failed, before, after)
    if before is None or before.plan is None:
        # A file the base could not read counts as new: every finding it has appears here.
        return FileDiff(path, FileChange.added, before, after)
    comparison = compare(before.plan, after.plan)
    return FileDiff(
        path, FileChange.changed if comparison.differences else FileChange.edited, before, after, comparison
    )


def worst(findings: tuple[Finding, ...]) -> Severity | None:
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)
