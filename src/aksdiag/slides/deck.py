"""What a design-review deck says, page by page, independent of PPTX or PDF.

Both writers take the same `Page` list, so the PDF has the same pages as the PPTX.
Tables are built from the plan (numbers, not pictures) and split so every page holds
at most `MAX_ROWS` rows at a size a room can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..derive.as_model import Choice
from ..derive.compare import Comparison
from ..derive.migration import Migration
from ..derive.plan import AddressPlan, Severity
from ..report.compare import MODEL_NAMES, choice_line, migration_lines, table_rows
from ..report.compare import title as compare_title
from ..report.plan_table import _pods as pods_text
from ..report.plan_table import plan_rows as plan_tables

MAX_ROWS = 11  # rows per table page (plus the header) at 16 pt on a 16:9 slide

SOURCES = {
    "kubenet": "https://learn.microsoft.com/azure/aks/configure-kubenet",
    "azure-cni-node-subnet": "https://learn.microsoft.com/azure/aks/configure-azure-cni",
    "azure-cni-overlay": "https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay",
    "azure-cni-pod-subnet": "https://learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation",
    "byo-cni": "https://learn.microsoft.com/azure/aks/use-byo-cni",
}
PLAN_SOURCES = (
    "https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning",
    "https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq (5 addresses reserved per subnet)",
    "https://learn.microsoft.com/azure/aks/upgrade-cluster (surge nodes during upgrades)",
)


@dataclass(frozen=True)
class Picture:
    """One rendered view: what `slides` asks the render core for."""

    view: str
    title: str
    png: bytes
    alt_text: str
    width: int
    height: int


@dataclass(frozen=True)
class Page:
    kind: str  # "title" | "picture" | "table" | "list"
    title: str
    lines: tuple[str, ...] = ()  # title page's subtitle lines, list page's items
    picture: Picture | None = None
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = field(default=())


def table_font(page: Page, total: float, sizes: tuple[float, ...]) -> float:
    """The largest of `sizes` at which every column's longest word fits across `total`."""
    for size in sizes:
        if _needs(page, size)[0] <= total:
            return size
    return sizes[-1]


def _needs(page: Page, font: float) -> tuple[float, list[float], list[float]]:
    glyph, pad = 0.66 * font, 1.6 * font  # average glyph width (DejaVu Sans is wide), cell margins
    need, want = [], []
    for c, head in enumerate(page.header):
        cells = [r[c] for r in page.rows]
        words = [len(w) * 1.25 for w in head.split()] + [len(w) for t in cells for w in (t.split() or [""])]
        need.append(max(words) * glyph + pad)
        want.append(max([len(head)] + [len(t) for t in cells]) * glyph + pad)
    return sum(need), need, want


def column_widths(page: Page, total: float, font: float) -> list[float]:
    """Column widths (in the unit of `total` and `font`) that fit each column's longest unbreakable
    word at `font` size (bold header words a little wider), the rest shared by how much text each
    column holds, so numbers and prefixes never break and long sentences wrap."""
    _, need, want = _needs(page, font)
    if sum(need) >= total:
        return [total * n / sum(need) for n in need]
    spare = total - sum(need)
    extra = [max(w - n, 0.0) for w, n in zip(want, need)]
    if sum(extra) == 0:
        return [n + spare / len(need) for n in need]
    return [n + spare * x / sum(extra) for n, x in zip(need, extra)]


def title_page(plan: AddressPlan, kubernetes_version: str | None) -> Page:
    lines = [f"network model: {MODEL_NAMES[plan.model.value]}"]
    if plan.location:
        lines.append(f"region: {plan.location}")
    if plan.resource_group:
        lines.append(f"resource group: {plan.resource_group}")
    lines.append(f"Kubernetes {kubernetes_version}" if kubernetes_version else "Kubernetes version: not given")
    nodes = len(plan.nodes)
    pools = f"{len(plan.pools)} pool" + ("s" if len(plan.pools) != 1 else "")
    lines.append(f"{nodes} nodes in {pools} · VNet {', '.join(map(str, plan.vnet_prefixes))}")
    return Page("title", f"{plan.cluster}: network design review", tuple(lines), notes=_assumptions(plan))


def _assumptions(plan: AddressPlan) -> tuple[str, ...]:
    notes = []
    if plan.assumed:
        notes.append("Assumed (AKS defaults, not in the description): " + ", ".join(plan.assumed) + ".")
    else:
        notes.append("Every value comes from the description; nothing was assumed.")
    notes.append("Sources: " + SOURCES[plan.model.value] + " ; " + " ; ".join(PLAN_SOURCES))
    return tuple(notes)


def picture_page(plan: AddressPlan, pic: Picture) -> Page:
    return Page("picture", pic.title, picture=pic, notes=(f"Alt text: {pic.alt_text}", *_assumptions(plan)))


def _chunks(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]], notes: tuple[str, ...]) -> list[Page]:
    if not rows:
        return []
    pages = []
    total = (len(rows) + MAX_ROWS - 1) // MAX_ROWS
    for i in range(total):
        part = rows[i * MAX_ROWS:(i + 1) * MAX_ROWS]
        suffix = f" ({i + 1}/{total})" if total > 1 else ""
        pages.append(Page("table", title + suffix, header=header, rows=tuple(part), notes=notes))
    return pages


def _n(v: int | None) -> str:
    return "" if v is None else f"{v:,}"


def plan_rows(plan: AddressPlan) -> list[tuple[str, ...]]:
    """The ranges of `aksdiag plan` (issue 10's table), so the deck and the CLI agree to the address."""
    rows = [(f"{r.range} {r.name}", r.prefix, _n(r.size), _n(r.usable), _n(r.planned), r.lives)
            for r in plan_tables(plan).ranges]
    if plan.route_table is not None:
        rt = plan.route_table
        rows.append((f"route table {rt.name}", "", "", _n(rt.route_limit), _n(len(rt.routes)),
                     ("yours" if rt.byo else "made by AKS") + "; usable = routes it holds"))
    return rows


def capacity_rows(plan: AddressPlan) -> list[tuple[str, ...]]:
    return [(m.subnet, MODEL_NAMES.get(m.model, m.model) + (" (this cluster)" if m.current else ""),
             str(m.max_pods_per_node), _n(m.nodes_max), pods_text(m, False), _n(m.nodes_with_surge),
             pods_text(m, True), m.surge, m.limited_by) for m in plan_tables(plan).models]


def finding_rows(plan: AddressPlan) -> list[tuple[str, ...]]:
    found = sorted(plan_tables(plan).findings, key=lambda f: -Severity(f["severity"]).rank)
    return [(f["rule"], f["severity"], f["field"] or "", f["message"]) for f in found]


def finding_sources(plan: AddressPlan) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"{f['rule']}: {f['url']}" for f in plan_tables(plan).findings))


def plan_pages(plan: AddressPlan) -> list[Page]:
    notes = _assumptions(plan)
    pages = _chunks("Address plan", ("range", "prefix", "size", "usable", "planned", "what lives there"),
                    plan_rows(plan), notes)
    pages += _chunks("Capacity: nodes and pods that fit, and with upgrade surge",
                     ("subnet", "model", "max pods", "nodes", "pods", "nodes with surge", "pods with surge", "surge",
                      "limited by"), capacity_rows(plan), notes)
    findings = finding_rows(plan)
    if findings:
        pages += _chunks("Findings", ("rule", "severity", "field", "what to do"), findings,
                         (*notes, "Rule sources: " + " ; ".join(finding_sources(plan))))
    else:
        pages.append(Page("list", "Findings", ("No findings: the design follows every rule aksdiag checks.",),
                          notes=notes))
    return pages


def comparison_pages(comparison: Comparison, choices: tuple[Choice, ...], migration: Migration | None,
                     picture: Picture | None, scenarios: list[Picture] | tuple[Picture, ...] = ()) -> list[Page]:
    notes = tuple(choice_line(c) for c in choices) or ("Both designs as described.",)
    pages: list[Page] = []
    for pic in scenarios:  # the same skeleton on consecutive slides: flip between them
        pages.append(Page("picture", pic.title, picture=pic, notes=(f"Alt text: {pic.alt_text}", *notes)))
    if picture is not None:
        pages.append(Page("picture", picture.title, picture=picture, notes=(f"Alt text: {picture.alt_text}", *notes)))
    rows = [(r["fact"], r["change"], r["before"], r["after"]) for r in table_rows(comparison, all_rows=False)]
    a, b = comparison.before, comparison.after
    pages += _chunks("What changes", ("fact", "change", f"{a.cluster} · {MODEL_NAMES[a.model.value]}",
                                      f"{b.cluster} · {MODEL_NAMES[b.model.value]}"), rows,
                     (compare_title(comparison), *notes))
    if migration is not None:
        items = [f"[{mark}] {text}" for mark, text in migration_lines(migration)]
        per = 7
        for i in range(0, len(items), per):
            part = f" ({i // per + 1}/{(len(items) + per - 1) // per})" if len(items) > per else ""
            pages.append(Page("list", "kubenet → Azure CNI Overlay: checklist for this cluster" + part,
                              tuple(items[i:i + per]), notes=(f"Source: {migration.source}", *notes)))
    return pages
