"""Legibility as a property of composition: how much a view may draw where it is shown.

A fit (`options.Fit`: slide, docs, room) is a frame and a smallest address label size in it.
Type is never shrunk: the templates draw addresses at `ADDRESS_FONT`, so a fit is a largest
canvas, and a view meets it by drawing less. Each view is built at a `Detail` (how many nodes,
pools, subnets, routes, how long a name may be before it is shortened), from the richest to the
poorest: `scene.compose` starts from the fit's richest and, while the estimated laid-out size
misses the target, takes the one-knob-poorer detail that gains the most. The estimate is made from
the scene, before d2 runs, with text metrics measured on d2 0.9's output (Source Sans Pro); the
render stage compiles, measures and, when d2's canvas came out larger than the estimate, composes
once more against a target raised by the estimate's error. The knobs' floors bound every name,
count and line, so the poorest detail fits whatever the input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from ..options import FITS, Fit
from .types import Edge, Scene, Shape, ShapeKind

# The smallest font an address label gets in `templates/_classes.d2.j2` (route, pod, cell, ...).
ADDRESS_FONT = 22.0

# Text metrics of d2 0.9 (measured on its SVG): Source Sans Pro averages under half an em per
# character, Source Code Pro 0.6; a line is one em; a shape pads its label by 22 on each side.
SANS, MONO, BOLD = 0.5, 0.6, 0.53
LEAF_PAD = 44.0
ICON = 66.0  # an icon above a leaf's label
BOX_PAD = 24.0  # elk: around a container's children (`compile.d2.ELK_SPACING`)
STACK_GAP = 24.0  # elk: between shapes that no edge orders
LAYER_GAP = 110.0  # elk: between ranks, before the edge label's width
CANVAS_PAD = 60.0
HEAD_FOOT = 110.0  # the gaps d2 leaves around a `near` header and footer, and the canvas's padding

FONT: dict[StrEnum, int] = {  # label font per kind, as `_classes.d2.j2` sets it
    ShapeKind.vnet: 26,
    ShapeKind.hub: 26,
    ShapeKind.subnet: 24,
    ShapeKind.services: 22,
    ShapeKind.node: 24,
    ShapeKind.internet: 24,
    ShapeKind.table: 24,
}
MONO_KINDS = {ShapeKind.routetable, ShapeKind.route}
GRID_GAP: dict[StrEnum, int] = {
    ShapeKind.vnet: 24,
    ShapeKind.subnet: 24,
    ShapeKind.pool: 20,
    ShapeKind.routetable: 12,
    ShapeKind.services: 12,
    ShapeKind.table: 10,
}  # d2's default is 40
GRID_SIDE = 74.0  # d2: left and right of a grid's cells, with a label (60 without)


@dataclass(frozen=True)
class Detail:
    """How much one view draws; every count is a most, never a least."""

    nodes: int = 6  # nodes per pool, first and last among them
    per_row: int = 3  # nodes side by side
    pools: int = 3  # pools drawn before the rest are summarised in one shape
    subnets: int = 4  # subnets drawn before the rest are summarised
    rows: int = 8  # rows of a list: routes in the route table, findings (0: counted in the notes)
    gateways: int = 2  # a hub's gateways drawn as boxes of their own; more share one box, a line each
    tables: int = 4  # capacity tables (one per subnet)
    name: int = 64  # characters a name may take in a label; longer ones are shortened, whole in the tooltip
    line: int = 120  # characters per line of labels, the header and notes
    portrait: bool = False  # the way out drawn downwards, the side boxes under the VNet
    stack: bool = False  # stacked rather than side by side: the addresses view's side boxes, the other views' way out
    terse: bool = False  # edges labelled by their step number only, the notes say the rest
    subtitle: bool = True  # the header's line of facts (VNet, pod and service ranges, outbound)
    inline: bool = False  # summaries ("… 8 more nodes") as a line of their container's label, not a box
    focus: bool = False  # the overview draws the pod path alone; the way out and the API server have their views
    api: bool = True  # the overview draws the API server (false: it is left to the api view)


# Where each fit starts: the richest detail it may draw. A docs column is portrait from the start.
RICHEST: dict[Fit, Detail] = {
    Fit.slide: Detail(),
    Fit.docs: Detail(per_row=2, line=80, name=48, portrait=True, stack=True),
    Fit.room: Detail(nodes=4, pools=2, subnets=3, rows=4, tables=2, line=96, name=48),
}

# One step poorer on one knob each, and each knob's floor. The floors bound every name, count
# and line whatever the input, so the poorest detail fits (the property test holds it to that).
KNOBS: tuple[tuple[str, int, int], ...] = (  # field, step, floor; in the order ties are broken
    ("rows", 2, 0),
    ("gateways", 1, 1),
    ("tables", 1, 1),
    ("subnets", 1, 1),
    ("nodes", 1, 2),
    ("pools", 1, 1),
    ("per_row", 1, 1),
    ("line", 12, 40),
    ("name", 8, 16),
    ("nodes", 1, 1),
)
# What a step gives up, against what it gains: a pool (its name, size and ranges) says more than
# one more node of a pool already drawn; a layout or wording switch gives up nothing but looks.
COST = {
    "rows": 1.0,
    "gateways": 0.7,  # every gateway is still named, in one box
    "tables": 2.0,
    "subnets": 2.0,
    "nodes": 1.0,
    "pools": 3.0,
    "per_row": 0.5,
    "line": 0.5,
    "name": 1.5,
    "stack": 0.3,
    "terse": 0.7,
    "inline": 0.7,
    "subtitle": 1.5,
    "focus": 3.0,
    "api": 2.0,  # the api view draws it, and the overview's note says so
}


# Layout and wording first (no fewer facts), then what the overview leaves to other views.
SWITCHES = (("stack", True), ("terse", True), ("inline", True), ("subtitle", False), ("api", False), ("focus", True))


def poorer(detail: Detail) -> list[list[Detail]]:
    """For each knob, the details one, two and three steps poorer on it alone (a line's, every step
    to its floor): a step that gains nothing by itself (one of two equally long names) may gain
    with the next."""
    out = []
    for knob, step, floor in KNOBS:
        runs: list[Detail] = []
        d = detail
        # A line's width gains nothing until it is shorter than the longest line that binds (a
        # route table's 50-character header): its notches go down to the floor.
        deep = knob == "line"
        while getattr(d, knob) > floor and (len(runs) < 3 or deep):
            d = replace(d, **{knob: max(floor, getattr(d, knob) - step)})
            runs.append(d)
        if runs:
            out.append(runs)
    out += [[replace(detail, **{knob: value})] for knob, value in SWITCHES if getattr(detail, knob) != value]
    if detail.stack and not detail.portrait:  # a layout, not a fact: it may turn back when other knobs moved
        out.append([replace(detail, stack=False)])
    return out


def start(fit: Fit, max_nodes: int | None = None) -> Detail:
    """The fit's richest detail; `--max-nodes` is the most it draws per pool."""
    detail = RICHEST[Fit(fit)]
    if max_nodes:
        detail = replace(
            detail,
            nodes=min(detail.nodes, max_nodes) if detail.nodes >= max_nodes else max_nodes,
            per_row=min(detail.per_row, max_nodes),
        )
    return detail


# -- words that fit -------------------------------------------------------------------------------


def short_id(value: str) -> str:
    """An Azure resource ID's last segment (its name); anything else as it is."""
    if value.startswith("/subscriptions/") or value.count("/") >= 4:
        return value.rstrip("/").rsplit("/", 1)[-1]
    return value


def short(name: str, limit: int) -> str:
    """A name of at most `limit` characters: its start and end, which tell Azure names apart
    (prefix and environment at the start, the instance number at the end)."""
    name = short_id(name)
    if len(name) <= limit:
        return name
    head = max(limit - 1, 2) * 2 // 3
    tail = max(limit - 1 - head, 1)
    return f"{name[:head]}…{name[-tail:]}"


def hyphen_pieces(word: str) -> list[str]:
    """A word cut after each hyphen: where a reader splits an Azure name, and where a picture's
    label and a slide's table break it. Numbers and prefixes have none."""
    return re.findall(r"[^-]*-|[^-]+", word) or [word]


def after_hyphens(name: str, width: int) -> str:
    """A name in lines of at most `width` characters, broken only after its hyphens; a piece
    longer than `width` keeps its line."""
    lines = [""]
    for piece in hyphen_pieces(name):
        if lines[-1] and len(lines[-1]) + len(piece) > width:
            lines.append("")
        lines[-1] += piece
    return "\n".join(lines)


# The notes' shortest line in a landscape picture: they sit under the drawing beside the legend,
# where the drawing leaves them the width, and a note wrapped at a label's 40 characters made a
# room slide's footer seven lines tall.
NOTE_LINE = 64


def note_width(detail: Detail) -> int:
    """Characters per line of the notes: a label's line on a page (portrait), at least NOTE_LINE
    elsewhere."""
    return detail.line if detail.portrait else max(detail.line, NOTE_LINE)


def wrap(text: str, width: int, sep: str = " · ") -> str:
    """Lines of at most `width` characters, broken between the parts `sep` joins (a header's
    facts) and then between words; a word longer than a line is cut, never left to widen it."""
    out = []
    for para in text.split("\n"):
        line: str | None = None  # not "": a name's leading space makes an empty first word
        for glue, word in _pieces(para, width, sep):
            if line is None:
                line = word
            elif line and len(line) + len(glue) + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line}{glue}{word}"
        out.append(line or "")
    return "\n".join(out)


def _pieces(para: str, width: int, sep: str) -> Iterable[tuple[str, str]]:
    """Each piece with the glue that joins it to the one before: a name's own spaces, even
    leading ones, are data and stay; only the spaces words are broken at become glue."""
    for k, part in enumerate(para.split(sep)):
        if len(part) <= width:
            yield (sep if k else ""), part
            continue
        for j, w in enumerate(part.split(" ")):
            yield (" " if j else sep if k else ""), (w if len(w) <= width else short(w, width))


# -- the estimate ---------------------------------------------------------------------------------


def text_size(text: str, font: float, em: float = SANS) -> tuple[float, float]:
    lines = text.split("\n") if text else []
    return (
        max((len(ln) for ln in lines), default=0) * font * em,
        len(lines) * font * 1.0 + (0.3 * font if lines else 0),
    )


def _label(shape: Shape) -> tuple[float, float]:
    font = FONT.get(shape.kind, 22)
    em = MONO if shape.kind in MONO_KINDS else (BOLD if shape.kind == ShapeKind.node else SANS)
    return text_size(shape.label, font, em)


def shape_size(shape: Shape, edges: tuple[Edge, ...] = (), path: str = "", down: bool = False) -> tuple[float, float]:
    """Estimated width and height of a shape as d2 with elk lays it out (`down`: the board's
    direction, which elk applies inside every container)."""
    path = path or shape.id
    lw, lh = _label(shape)
    if not shape.children:
        w, h = lw + LEAF_PAD, lh + LEAF_PAD
        if shape.icon:
            w, h = max(w, 64 + LEAF_PAD), h + ICON
            if shape.kind == ShapeKind.nsg:  # its icon sits left of the label
                w, h = w + 150, h - ICON + 44
        if shape.kind == ShapeKind.internet:
            w, h = w * 1.4, h * 1.6
        return max(w, 56.0), h
    sizes = [shape_size(c, edges, f"{path}.{c.id}", down) for c in shape.children]
    top = lh + (30 if shape.label else 0)
    if shape.kind == ShapeKind.node:  # icon top-left, label top-right: the pods go under both
        top = 2 * lh + 12
    elif shape.icon:
        top = lh + 60
    if shape.columns:
        gap = GRID_GAP.get(shape.kind, 40)
        side = 24.0 if shape.kind == ShapeKind.table else GRID_SIDE if shape.label else 40.0
        cols = min(shape.columns, len(sizes))
        rows = math.ceil(len(sizes) / cols)
        widths = [max(sizes[r * cols + c][0] for r in range(rows) if r * cols + c < len(sizes)) for c in range(cols)]
        heights = [max(s[1] for s in sizes[r * cols : (r + 1) * cols]) for r in range(rows)]
        w = sum(widths) + gap * (cols - 1) + 2 * side
        h = sum(heights) + gap * (rows + 1) + top
        return max(w, lw + 2 * gap), h
    w, h = _ranks([(c.id, s) for c, s in zip(shape.children, sizes, strict=True)], edges, path, down)
    label_w = lw + 37 if shape.kind == ShapeKind.node else lw + LEAF_PAD + (60 if shape.icon else 0)
    return max(w + 2 * BOX_PAD, label_w), h + top + BOX_PAD


def _ranks(
    items: list[tuple[str, tuple[float, float]]], edges: tuple[Edge, ...], path: str, down: bool = False
) -> tuple[float, float]:
    """elk's layers: shapes no edge orders stack; an edge between two children puts its head a
    rank after its tail, the edge's label between them."""
    ids = [i for i, _ in items]
    prefix = f"{path}." if path else ""

    def child(end: str) -> str | None:
        if not end.startswith(prefix):
            return None
        head = end[len(prefix) :].split(".", 1)[0]
        return head if head in ids else None

    rank = {i: 0 for i in ids}
    gap_label: dict[int, float] = {}
    ends = [(child(e.src), child(e.dst), e.label) for e in edges]
    among = [(a, b, label) for a, b, label in ends if a and b and a != b]
    links = _acyclic(among)
    # An edge turned back is routed around the drawing, its label beside it.
    back = max(
        (text_size(label, 22)[0 if down else 1] + 60 for link in among if link not in links for label in [link[2]]),
        default=0.0,
    )
    for _ in range(len(ids)):
        for a, b, _label_text in links:
            rank[b] = max(rank[b], rank[a] + 1)
    for a, b, label_text in links:
        lw, lh = text_size(label_text, 22)
        k = min(rank[a], rank[b])
        gap_label[k] = max(gap_label.get(k, 0.0), lh if down else lw)
    layers: dict[int, list[tuple[float, float]]] = {}
    for i, size in items:
        layers.setdefault(min(rank[i], len(ids)), []).append(size)
    along = across = 0.0
    for k in sorted(layers):
        sizes = layers[k]
        if down:
            along += max(s[1] for s in sizes)
            across = max(across, sum(s[0] for s in sizes) + STACK_GAP * (len(sizes) - 1))
        else:
            along += max(s[0] for s in sizes)
            across = max(across, sum(s[1] for s in sizes) + STACK_GAP * (len(sizes) - 1))
    along += sum(LAYER_GAP + gap_label.get(k, 0.0) for k in sorted(layers)[:-1])
    across += back
    return (across, along) if down else (along, across)


def _acyclic(links: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The edges in their order, less each one that would close a cycle (a peering drawn from the
    hub back to the spoke the way out entered it from): elk lays a cycle out by turning one of its
    edges back, not by ranking its shapes without end."""
    kept: list[tuple[str, str, str]] = []
    after: dict[str, set[str]] = {}

    def reaches(a: str, b: str) -> bool:
        seen, todo = set(), [a]
        while todo:
            here = todo.pop()
            if here == b:
                return True
            if here not in seen:
                seen.add(here)
                todo.extend(after.get(here, ()))
        return False

    for a, b, label in links:
        if not reaches(b, a):
            kept.append((a, b, label))
            after.setdefault(a, set()).add(b)
    return kept


def scene_size(scene: Scene) -> tuple[float, float]:
    """Estimated canvas of a whole board: header, drawing, notes and legend."""
    down = scene.direction == "down"
    items = [(s.id, shape_size(s, scene.edges, down=down)) for s in scene.shapes]
    bw, bh = _ranks(items, scene.edges, "", down=down)
    tw, th = text_size(scene.title, 40, BOLD)
    sw, sh = text_size(scene.subtitle, 26)
    nw, nh = text_size("\n".join(scene.notes), 22)
    legend = scene.legend
    gw = max((len(t) for _, t in legend), default=0) * 22 * SANS + 200 if legend else 0.0
    gh = len(legend) * 40.0
    foot_w = nw + (80 + gw if legend else 0)
    w = max(bw, tw, sw, foot_w) + CANVAS_PAD
    h = th + sh + bh + max(nh, gh) + HEAD_FOOT
    return w, h


def shown(fit: Fit, scene: Scene, font: float = ADDRESS_FONT) -> float:
    """What the scene's smallest address label is estimated to become where the fit shows it."""
    return FITS[Fit(fit)].shown(scene_size(scene), font)


__all__ = [
    "ADDRESS_FONT",
    "COST",
    "KNOBS",
    "RICHEST",
    "Detail",
    "poorer",
    "scene_size",
    "short",
    "short_id",
    "shown",
    "start",
    "wrap",
]
