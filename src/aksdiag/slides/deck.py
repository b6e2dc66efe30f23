"""What a design-review deck says, page by page, independent of PPTX or PDF.

Both writers take the same `Page` list and draw it on the same 960x540 pt slide
(13.333x7.5 in, 16:9), so the PDF has the pages of the PPTX at the sizes of the PPTX.
Tables are laid out here, once: the font, the column widths and every row's height are
measured from the text, and rows go on as many slides as they need; long runs of routes
are summarised to one row.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from ..derive.as_model import Choice
from ..derive.compare import Change, Comparison, Row, Topic
from ..derive.migration import Migration
from ..derive.plan import AddressPlan, Severity
from ..report.compare import MODEL_NAMES, TOPIC_NAMES, choice_line, migration_lines, table_rows, value_words
from ..report.compare import title as compare_title
from ..report.plan_table import _pods as pods_text
from ..report.plan_table import plan_rows as plan_tables
from ..scene.fit import hyphen_pieces
from .metrics import text_width

SLIDE_W, SLIDE_H = 960.0, 540.0  # pt
MARGIN = 36.0  # left, right and bottom
TITLE_PT = 28.0
BODY_TOP = 92.0  # under the title band
TABLE_PT = (14.0, 13.0, 12.0)  # 12 pt is the least a room reads
LIST_PT = 18.0
LINE = 1.2  # line height as a share of the font size, as PowerPoint sets text
CELL_X, CELL_Y = 6.0, 3.0  # cell margins (pt), set explicitly in both writers
SLACK = 2.0  # pt a column keeps beyond its longest word: renderers round glyph positions
SUMMARY_MIN = 5  # routes that change the same way: at least this many become one row

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
    """One rendered view: D2's SVG (the vector the deck places), a PNG of it where a writer needs
    a fallback, and `frame`: the box in SVG units shared by the boards of one skeleton, so that
    each is placed at the same scale and origin and flipping between them shows only the change."""

    view: str
    title: str
    svg: bytes
    alt_text: str
    width: float
    height: float
    png: bytes | None = None
    frame: tuple[float, float] | None = None

    def placement(self, box_w: float, box_h: float) -> tuple[float, float, float, float]:
        """(x, y, w, h) of the picture fitted into a box: the frame centred, the picture at its top left."""
        fw, fh = self.frame or (self.width, self.height)
        scale = min(box_w / fw, box_h / fh)
        return (box_w - fw * scale) / 2, (box_h - fh * scale) / 2, self.width * scale, self.height * scale


@dataclass(frozen=True)
class Table:
    """A table's geometry in pt, as both writers draw it: font, column widths, row heights
    (header first) and each cell's lines."""

    font: float
    widths: tuple[float, ...]
    heights: tuple[float, ...]
    lines: tuple[tuple[tuple[str, ...], ...], ...]  # [row][column] -> wrapped lines, header first


@dataclass(frozen=True)
class Page:
    kind: str  # "title" | "picture" | "table" | "list"
    title: str
    lines: tuple[str, ...] = ()  # title page's subtitle lines, list page's items
    picture: Picture | None = None
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = field(default=())
    table: Table | None = None


def wrap(text: str, width: float, font: float, *, bold: bool = False) -> list[str]:
    """`text` in lines that fit `width` pt at `font` pt, measured glyph by glyph; a word wider than
    the line alone is broken (columns are made wide enough for their longest word)."""
    lines: list[str] = []
    for part in text.split("\n"):
        line = ""
        for word in part.split():
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, font, bold=bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for piece in hyphen_pieces(word):  # a name breaks after its hyphens, as PowerPoint breaks it
                if line and text_width(line + piece, font, bold=bold) > width:
                    lines.append(line)
                    line = ""
                for ch in piece:  # only a piece wider than the whole line gets here
                    if line and text_width(line + ch, font, bold=bold) > width:
                        lines.append(line)
                        line = ""
                    line += ch
        lines.append(line)
    return lines


def _needs(header: tuple[str, ...], rows: list[tuple[str, ...]], font: float) -> tuple[list[float], list[float]]:
    """Per column: the width of its longest unbreakable word, and of its longest cell, in pt."""
    need, want = [], []
    for c, head in enumerate(header):
        cells = [r[c] for r in rows]
        words = [text_width(w, font, bold=True) for w in head.split()] + [
            text_width(piece, font) for t in cells for w in (t.split() or [""]) for piece in hyphen_pieces(w)
        ]
        need.append(max(words) + 2 * CELL_X + SLACK)
        want.append(
            max([text_width(head, font, bold=True)] + [text_width(t, font) for t in cells]) + 2 * CELL_X + SLACK
        )
    return need, want


def column_widths(header: tuple[str, ...], rows: list[tuple[str, ...]], total: float, font: float) -> list[float]:
    """Column widths that fit each column's longest word at `font` (so numbers and prefixes never
    break), the rest shared by how much text each column holds, so long sentences wrap."""
    need, want = _needs(header, rows, font)
    if sum(need) >= total:
        return [total * n / sum(need) for n in need]
    spare = total - sum(need)
    extra = [max(w - n, 0.0) for w, n in zip(want, need)]
    if sum(extra) == 0:
        return [n + spare / len(need) for n in need]
    return [n + spare * x / sum(extra) for n, x in zip(need, extra)]


def table_font(header: tuple[str, ...], rows: list[tuple[str, ...]], total: float) -> float:
    """The largest of `TABLE_PT` at which every column's longest word fits across `total`."""
    for size in TABLE_PT:
        if sum(_needs(header, rows, size)[0]) <= total:
            return size
    return TABLE_PT[-1]


def _row_lines(cells: tuple[str, ...], widths: list[float], font: float, *, bold: bool) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(wrap(t, w - 2 * CELL_X, font, bold=bold)) for t, w in zip(cells, widths))


def _row_height(lines: tuple[tuple[str, ...], ...], font: float) -> float:
    return max(len(c) for c in lines) * font * LINE + 2 * CELL_Y


def _chunks(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]], notes: tuple[str, ...]) -> list[Page]:
    """Table pages: rows measured at one font and one set of column widths for the whole table,
    then as many rows on each slide as fit under its title."""
    if not rows:
        return []
    total = SLIDE_W - 2 * MARGIN
    font = table_font(header, rows, total)
    widths = column_widths(header, rows, total, font)
    head = _row_lines(header, widths, font, bold=True)
    room = SLIDE_H - MARGIN - BODY_TOP - _row_height(head, font)
    parts: list[list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]] = [[]]
    used = 0.0
    for row in rows:
        lines = _row_lines(row, widths, font, bold=False)
        h = _row_height(lines, font)
        if parts[-1] and used + h > room:
            parts.append([])
            used = 0.0
        parts[-1].append((row, lines))
        used += h
    pages = []
    for i, part in enumerate(parts):
        suffix = f" ({i + 1}/{len(parts)})" if len(parts) > 1 else ""
        cells = (head, *(ls for _, ls in part))
        table = Table(font, tuple(widths), tuple(_row_height(ls, font) for ls in cells), cells)
        pages.append(
            Page("table", title + suffix, header=header, rows=tuple(r for r, _ in part), notes=notes, table=table)
        )
    return pages


def _list_pages(title: str, items: list[str], notes: tuple[str, ...]) -> list[Page]:
    """List pages holding as many items as fit, each item's wrapped height measured."""
    room = SLIDE_H - MARGIN - BODY_TOP
    parts: list[list[str]] = [[]]
    used = 0.0
    for item in items:
        h = len(wrap(item, SLIDE_W - 2 * MARGIN - 2 * CELL_X, LIST_PT)) * LIST_PT * LINE + LIST_PT * 0.5
        if parts[-1] and used + h > room:
            parts.append([])
            used = 0.0
        parts[-1].append(item)
        used += h
    return [
        Page("list", title + (f" ({i + 1}/{len(parts)})" if len(parts) > 1 else ""), tuple(part), notes=notes)
        for i, part in enumerate(parts)
    ]


def title_font(title: str) -> float:
    """The largest title size at which the title takes one line across the slide; two lines at the smallest."""
    for size in (TITLE_PT, 24.0):
        if len(wrap(title, SLIDE_W - 2 * MARGIN, size, bold=True)) == 1:
            return size
    return 20.0


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


def _n(v: int | None) -> str:
    """A count with thousands separators; IPv6-sized counts as a power of two, which fits a cell."""
    if v is None:
        return ""
    if v >= 2**40:
        exact = v & (v - 1) == 0
        return f"2^{v.bit_length() - 1}" if exact else f"about 2^{v.bit_length() - 1}"
    return f"{v:,}"


def plan_rows(plan: AddressPlan) -> list[tuple[str, ...]]:
    """The ranges of `aksdiag plan` (issue 10's table), so the deck and the CLI agree to the address."""
    rows: list[tuple[str, ...]] = [
        (f"{r.range} {r.name}", r.prefix, _n(r.size), _n(r.usable), _n(r.planned), r.lives)
        for r in plan_tables(plan).ranges
    ]
    if plan.route_table is not None:
        rt = plan.route_table
        rows.append(
            (
                f"route table {rt.name}",
                "",
                "",
                _n(rt.route_limit),
                _n(len(rt.routes)),
                ("yours" if rt.byo else "made by AKS") + "; usable = routes it holds",
            )
        )
    return rows


def capacity_rows(plan: AddressPlan) -> list[tuple[str, ...]]:
    return [
        (
            m.subnet,
            MODEL_NAMES.get(m.model, m.model) + (" (this cluster)" if m.current else ""),
            str(m.max_pods_per_node),
            _n(m.nodes_max),
            pods_text(m, False),
            _n(m.nodes_with_surge),
            pods_text(m, True),
            m.surge,
            m.limited_by,
        )
        for m in plan_tables(plan).models
    ]


def finding_rows(plan: AddressPlan) -> list[tuple[str, ...]]:
    found = sorted(plan_tables(plan).findings, key=lambda f: -Severity(f["severity"]).rank)
    return [(f["rule"], f["severity"], f["field"] or "", f["message"]) for f in found]


def finding_sources(plan: AddressPlan) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"{f['rule']}: {f['url']}" for f in plan_tables(plan).findings))


def plan_pages(plan: AddressPlan) -> list[Page]:
    notes = _assumptions(plan)
    pages = _chunks(
        "Address plan", ("range", "prefix", "size", "usable", "planned", "what lives there"), plan_rows(plan), notes
    )
    pages += _chunks(
        "Capacity: nodes and pods that fit, and with upgrade surge",
        ("subnet", "model", "max pods", "nodes", "pods", "nodes with surge", "pods with surge", "surge", "limited by"),
        capacity_rows(plan),
        notes,
    )
    findings = finding_rows(plan)
    if findings:
        pages += _chunks(
            "Findings",
            ("rule", "severity", "field", "what to do"),
            findings,
            (*notes, "Rule sources: " + " ; ".join(finding_sources(plan))),
        )
    else:
        pages.append(
            Page("list", "Findings", ("No findings: the design follows every rule aksdiag checks.",), notes=notes)
        )
    return pages


_HOP = re.compile(r"^(?P<type>\S+)(?: (?P<ip>\S+))? \((?P<origin>[^)]+)\)$")
_OWNER = {"aks": "made by AKS", "byo": "yours"}


def _hop(value: str | None) -> tuple[str, str, str]:
    match = _HOP.match(value or "")
    return (match["type"], match["ip"] or "", match["origin"]) if match else (value or "", "", "")


def _route_summary(group: list[Row]) -> tuple[str, ...]:
    """One row for a run of routes that change the same way: how many, the first and the last."""
    group = sorted(group, key=lambda r: ipaddress.ip_network(r.subject, strict=False))
    first, last = group[0], group[-1]
    side = first.before if first.change == Change.removed else first.after
    kind, ip0, origin = _hop(side)
    ip1 = _hop(last.before if last.change == Change.removed else last.after)[1]
    owner = _OWNER.get(origin, origin)
    hops = f"{kind} {ip0} … {ip1}" if ip0 else kind
    value = f"{hops} ({owner})" if owner else hops
    before, after = (value, "") if first.change == Change.removed else ("", value)
    if first.change == Change.changed:
        before = f"{_hop(first.before)[0]} … ({len(group)} routes)"
    return (f"{len(group)} pod routes {first.subject} … {last.subject}", first.change.value, before, after)


# Per-node facts: a run of nodes that change the same way is one row, as routes are.
_PER_NODE = (Topic.node_pod_block, Topic.node_ip)


def _node_summary(group: list[Row]) -> tuple[str, ...]:
    first, last = group[0], group[-1]

    def span(a: str | None, b: str | None) -> str:
        if a is None or b is None:
            return ""
        return f"{value_words(first.topic, a)} … {value_words(first.topic, b)}"

    return (
        f"{TOPIC_NAMES[first.topic]}: {len(group)} nodes, {first.subject} … {last.subject}",
        first.change.value,
        span(first.before, last.before),
        span(first.after, last.after),
    )


def change_rows(comparison: Comparison) -> list[tuple[str, ...]]:
    """The comparison's differences, a run of `SUMMARY_MIN` or more routes changed the same way
    (per IP family and owner), or of nodes whose addresses change the same way, as one row where
    the run began: a 60-node kubenet cluster moving to Overlay loses its routes on one line, not
    on ten slides."""
    rows = comparison.differences
    words = table_rows(comparison, all_rows=False)

    def group_key(r: Row) -> tuple[str, ...] | None:
        if r.topic == Topic.route:
            return (
                r.topic.value,
                r.change.value,
                str(ipaddress.ip_network(r.subject, strict=False).version),
                _hop(r.before if r.change == Change.removed else r.after)[2],
            )
        if r.topic in _PER_NODE:
            return (r.topic.value, r.change.value)
        return None

    groups: dict[tuple[str, ...], list[Row]] = {}
    for r in rows:
        key = group_key(r)
        if key is not None:
            groups.setdefault(key, []).append(r)
    out: list[tuple[str, ...]] = []
    done: set[tuple[str, ...]] = set()
    for r, w in zip(rows, words):
        key = group_key(r)
        if key is not None and len(groups[key]) >= SUMMARY_MIN:
            if key not in done:
                done.add(key)
                group = groups[key]
                out.append(_route_summary(group) if r.topic == Topic.route else _node_summary(group))
            continue
        out.append((w["fact"], w["change"], w["before"], w["after"]))
    return out


def comparison_pages(
    comparison: Comparison,
    choices: tuple[Choice, ...],
    migration: Migration | None,
    scenarios: list[Picture] | tuple[Picture, ...] = (),
) -> list[Page]:
    """Today's and the proposed design on consecutive slides (one skeleton: flip between them; no
    side-by-side slide, which would show both at half the size), then the changes and the checklist."""
    notes = tuple(choice_line(c) for c in choices) or ("Both designs as described.",)
    pages: list[Page] = []
    for pic in scenarios:
        pages.append(Page("picture", pic.title, picture=pic, notes=(f"Alt text: {pic.alt_text}", *notes)))
    a, b = comparison.before, comparison.after
    pages += _chunks(
        "What changes",
        (
            "fact",
            "change",
            f"{a.cluster} · {MODEL_NAMES[a.model.value]}",
            f"{b.cluster} · {MODEL_NAMES[b.model.value]}",
        ),
        change_rows(comparison),
        (compare_title(comparison), *notes),
    )
    if migration is not None:
        items = [f"[{mark}] {text}" for mark, text in migration_lines(migration)]
        pages += _list_pages(
            "kubenet → Azure CNI Overlay: checklist for this cluster", items, (f"Source: {migration.source}", *notes)
        )
    return pages
