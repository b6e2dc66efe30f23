"""`aksdiag slides`: a design-review deck (.pptx, or .pdf with the same pages).

`pictures` and `scenario_pictures` are the places that ask the render core for pictures;
everything else works on `Page`s (deck.py) and writes them (pptx_writer.py, pdf_writer.py).
Pictures are D2's SVG; for a PPTX, also d2's PNG of the same source as the fallback image
(the options' PNG engine: d2's own needs no cairo, as a .pptx needs only `aksdiag[slides]`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .. import api
from ..api.stages import Loaded, Options
from ..derive.as_model import TargetModel
from ..derive.plan import AddressPlan
from ..options import View
from .deck import Page, Picture, comparison_pages, picture_page, plan_pages, title_page

# One picture slide per view; capacity is a native table instead (numbers a reviewer edits).
VIEWS = tuple((v.value, v.heading) for v in View if v is not View.capacity)
# Nodes per board of today/proposed: two still show the pod path and the way out, and leave
# a board narrow enough for its addresses to read on the slide.
ROOM_NODES = 2


def alt_text(plan: AddressPlan, view: str = "overview") -> str:
    """What the picture shows, for someone who cannot see it: the plan's alt text, named by view."""
    from ..report.alttext import alt_text as plan_alt_text

    return f"{dict(VIEWS).get(view, view)} view. " + plan_alt_text(plan)


def _picture(view: str, title: str, svg: bytes, alt: str, png: bytes | None = None) -> Picture:
    from ..compile.raster import svg_size

    return Picture(view, title, svg, alt, *svg_size(svg), png=png)


def pictures(loaded: Loaded, plan: AddressPlan, options: Options, *, png: bool = False) -> list[Picture]:
    """(view, SVG, alt text) for every view, without tooltips (nothing opens them on a slide);
    `png`: with d2's PNG of each too."""
    from ..api.stages import icon_files, render_views
    from ..compile.d2 import compile_d2
    from ..d2.icons import IconSet

    icons = IconSet(options.icons)
    files = icon_files(icons)
    sources = render_views(
        plan, tuple(View(v) for v, _ in VIEWS), options, source_name=loaded.doc.name, icons=icons, tooltips=False
    )
    out = []
    for (_, source), (view, name) in zip(sources, VIEWS):
        svg = compile_d2(source, "svg", files, timeout=options.timeout)
        fallback = (
            compile_d2(source, "png", files, timeout=options.timeout, png_engine=options.png_engine) if png else None
        )
        out.append(_picture(view, f"{plan.cluster} · {name}", svg, alt_text(plan, view), fallback))
    return out


def scenario_pictures(rv, options: Options, *, png: bool = False) -> list[Picture]:
    """Today's design and the proposed one as the two boards of one skeleton (the compare scene's
    scenarios: the same ids in the same places, the second board only what changes), placed in
    one frame so that flipping between the two slides shows only the change."""
    from ..api.compare import compare_d2
    from ..api.stages import icon_files
    from ..compile.d2 import compile_boards
    from ..d2.icons import IconSet
    from ..report.compare import MODEL_NAMES

    source = compare_d2(rv, options, scenarios=True, nodes=ROOM_NODES)
    files = icon_files(IconSet(options.icons))
    boards = compile_boards(source, "svg", files, timeout=options.timeout)
    fallbacks = (
        compile_boards(source, "png", files, timeout=options.timeout, png_engine=options.png_engine)
        if png
        else [None] * len(boards)
    )
    drawn = [_picture("scenario", "", svg, "", fallback) for svg, fallback in zip(boards, fallbacks)]
    frame = (max(p.width for p in drawn), max(p.height for p in drawn))
    out = []
    changes = " ".join(f"{r['fact']}: {r['change']} ({r['before'] or '-'} → {r['after'] or '-'})." for r in _rows(rv))
    for plan, pic, when in zip((rv.plan_a, rv.plan_b), drawn, ("Today", "Proposed")):
        name = f"{plan.cluster} · {MODEL_NAMES[plan.model.value]}"
        alt = f"{when}: {name}. " + alt_text(plan) + (f" What changes: {changes}" if when == "Proposed" else "")
        out.append(replace(pic, title=f"{when}: {name}", alt_text=alt, frame=frame))
    return out


def _rows(rv) -> list[dict[str, str]]:
    from ..report.compare import table_rows

    return table_rows(rv.comparison, all_rows=False)


def deck_pages(
    input: Path,
    options: Options,
    *,
    compare_with: Path | None = None,
    as_model: TargetModel | None = None,
    png: bool = False,
) -> list[Page]:
    """The deck's pages; `png`: pictures with their PNG fallback too (a PPTX wants them)."""
    prepared = api.load(input)
    loaded, plan = prepared.loaded, api.plan(prepared, options)
    pages = [title_page(plan, loaded.spec.kubernetesVersion)]
    pages += [picture_page(plan, pic) for pic in pictures(loaded, plan, options, png=png)]
    pages += plan_pages(plan)
    if compare_with is not None or as_model is not None:
        from ..api.compare import review

        rv = review(input, compare_with, as_model, options)
        pages += comparison_pages(rv.comparison, rv.choices, rv.migration, scenario_pictures(rv, options, png=png))
    return pages


def build_deck(
    input: Path,
    options: Options,
    *,
    fmt: str = "pptx",
    template: Path | None = None,
    compare_with: Path | None = None,
    as_model: TargetModel | None = None,
) -> bytes:
    pages = deck_pages(input, options, compare_with=compare_with, as_model=as_model, png=fmt == "pptx")
    if fmt == "pdf":
        from .pdf_writer import write_pdf

        return write_pdf(pages, timeout=options.timeout)
    from .pptx_writer import write_pptx

    return write_pptx(pages, template)
