"""Capacity and findings: what each subnet holds under each model, and what the rules said."""

from __future__ import annotations

from ..derive.plan import AddressPlan, PodCount, Severity
from ..derive.profiles import PROFILES, CapacityRule, profile_of
from .fit import Detail, short, wrap
from .parts import header
from .types import Scene, Shape, ShapeKind, View

RULES = {
    CapacityRule.routes: "kubenet: one route per node, and a route table holds 400 routes",
    CapacityRule.subnet_per_pod: "Azure CNI node subnet: every pod takes a node-subnet IP, reserved when its node starts",
    CapacityRule.pod_subnet: "Pod Subnet: pods take pod-subnet IPs, nodes take node-subnet IPs",
    CapacityRule.overlay_nodes: "Overlay: a node takes one subnet IP; its pods take a /24 of the pod CIDR",
    CapacityRule.cni: "bring your own CNI: nodes take subnet IPs; pod limits are your CNI's",
}
COLUMNS = ("model", "nodes", "with surge", "pods", "pods with surge", "pods per node", "limited by")
NARROW = (0, 1, 3, 5, 6)  # a docs column or a terse detail: without the surge columns (`aksdiag plan` has them)
FINDINGS = 6


def rows(plan: AddressPlan, name: int = 1000) -> list[tuple[str, list[tuple[str, ...]]]]:
    """The one place that reads `plan.capacity`: per subnet, a caption and table rows."""
    titles = {key.value: p.title for key, p in PROFILES.items()}
    out = []
    for cap in plan.capacity:
        table: list[tuple[str, ...]] = [
            (
                titles.get(r.model, r.model) + ("  ◀ this cluster" if r.current else ""),
                f"{r.nodes:,}",
                f"{r.nodes_with_surge:,} (surge {_surge(r.surge)})",
                _pods(r, r.pods, r.pod_ips),
                _pods(r, r.pods_with_surge, r.pod_ips_with_surge),
                str(r.max_pods_per_node),
                r.limited_by.value,
            )
            for r in cap.rows
        ]
        what = "pod subnet" if cap.role == "pods" else "subnet"
        out.append((f"{what} {short(cap.subnet, name)} · {cap.prefix} · {cap.usable:,} usable", table))
    return out


def _surge(surge) -> str:
    """The surge in a cell; an assumed one is starred and explained once under the findings."""
    text = f"{surge.percent}%" if surge.percent is not None else str(surge.count)
    return text + ("*" if surge.assumed else "")


def _pods(row, pods: int | None, pod_ips: int | None = None) -> str:
    """Pod figures as issue 10's capacity reads them: no total where nodes and pods are independent;
    a dynamic pod subnet's IP budget beside the pods its full nodes run, never instead of them."""
    if row.pod_count is PodCount.per_node:
        return f"up to {row.max_pods_per_node}/node"
    if row.pod_count is PodCount.unmanaged:
        return "CNI's IPAM"
    text = f"{pods:,}" if pods is not None else ""
    if row.pod_count is PodCount.full_nodes and pod_ips is not None:
        return f"{text} ({pod_ips:,} pod IPs)"
    return text + (" pod IPs" if row.pod_count is PodCount.ip_budget else "")


def _table(tid: str, caption: str, table: list[tuple[str, ...]], columns: tuple[int, ...]) -> Shape:
    cells = [Shape(f"h{i}", COLUMNS[i], ShapeKind.head) for i in columns]
    for r, row in enumerate(table):
        cells += [Shape(f"c{r}_{i}", row[i], ShapeKind.cell) for i in columns]
    return Shape(tid, caption, ShapeKind.table, None, tuple(cells), columns=len(columns), rows=len(table) + 1)


def findings(plan: AddressPlan) -> list[str]:
    words = {Severity.error: "AKS would refuse this: ", Severity.warning: "warning: ", Severity.note: ""}
    out = [words[f.severity] + f.message for f in plan.findings]
    assumed = list(plan.assumed)
    if "vnet.subnets[].addressPrefix" in assumed:
        assumed = [a for a in assumed if not a.startswith("vnet.")]
        out.append(
            "VNet and subnet prefixes are placeholders: az aks show names the subnets but not their ranges "
            "(render with --vnet vnet.json)"
        )
    surge = [a for a in assumed if a.endswith(".upgradeSettings.maxSurge")]
    if surge:
        # One line for every pool's surge: Learn says one node, AKS has made 10% the default since 2023-10-01.
        assumed = [a for a in assumed if a not in surge] + ["maxSurge* = 1 node (new 1.28+ clusters: 10%)"]
    if assumed:
        out.append("assumed (AKS defaults, not in the input): " + ", ".join(assumed))
    return out


# One signature for every view: the registry passes `exact` by keyword; this view has no use for it.
def build(plan: AddressPlan, *, detail: Detail, exact: bool = False, layout: str) -> Scene:  # noqa: ARG001
    prof = profile_of(plan)
    columns = NARROW if detail.portrait or detail.terse else tuple(range(len(COLUMNS)))
    tables = rows(plan, detail.name)
    shapes = [_table(f"cap{i}", caption, table, columns) for i, (caption, table) in enumerate(tables[: detail.tables])]
    lines = []
    if len(tables) > detail.tables:
        more = len(tables) - detail.tables
        rest = f"… {more} more subnet{'s' if more != 1 else ''}: aksdiag plan lists their capacity"
        if detail.inline:
            lines.append(rest)
        else:
            shapes.append(Shape("morecap", rest, ShapeKind.more))
    found = findings(plan)
    if found and detail.rows == 0:  # the findings are `aksdiag check`'s: counted here, listed there
        lines.append(f"{len(found)} findings: aksdiag check lists them")
    elif found:
        room = max(1, min(FINDINGS - len(shapes), detail.rows))
        listed = found[:room] + ([f"… {len(found) - room} more (aksdiag check)"] if len(found) > room else [])
        shapes.append(
            Shape(
                "findings",
                "findings",
                ShapeKind.table,
                None,
                tuple(Shape(f"f{i}", _wrap(t, detail.line), ShapeKind.cell) for i, t in enumerate(listed)),
                columns=1,
            )
        )
    title, subtitle = header(plan, prof, "capacity", detail)
    notes = (wrap(RULES[prof.model.capacity_rule], detail.line), *(wrap(ln, detail.line) for ln in lines))
    # Stacked, the tables fit a slide; four or more (several subnets) take two columns.
    body = Shape(
        "body", "", ShapeKind.frame, None, tuple(shapes), columns=2 if len(shapes) >= 4 and not detail.portrait else 1
    )
    return Scene(View.capacity, plan.model.value, title, subtitle, (body,), (), notes, layout, "down")


def _wrap(text: str, width: int = 110) -> str:
    words, lines, line = text.split(" "), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    return "\n".join(lines + [line])
