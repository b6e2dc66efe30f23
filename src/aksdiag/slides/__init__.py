"""`aksdiag slides`: a design-review deck (.pptx, or .pdf with the same pages).

`_view_svgs` and `scenario_pictures` are the places that ask the render core for pictures;
everything else works on `Page`s (deck.py) and writes them (pptx_writer.py, pdf_writer.py).
Pictures are D2's SVG; a PPTX also gets a PNG of each as the fallback image.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from .. import api
from ..api.stages import Loaded, Options
from ..derive.as_model import TargetModel
from ..derive.plan import AddressPlan
from ..options import View
from .deck import SLIDE_W, Page, Picture, comparison_pages, picture_page, plan_pages, title_page

# One picture slide per view; capacity is a native table instead (numbers a reviewer edits).
VIEWS = tuple((v.value, v.title) for v in View if v is not View.capacity)
# The fallback PNG's width per pt of the slide it is placed on: 96 dpi, twice over, sharp on a
# projector and when zoomed (at 1280x720 px a slide is 4/3 px per pt).
PNG_PX_PER_PT = 8 / 3
# Nodes per board of today/proposed: two still show the pod path and the way out, and leave
# a board narrow enough for its addresses to read on the slide.
ROOM_NODES = 2


def alt_text(plan: AddressPlan, view: str = "overview") -> str:
    """What the picture shows, for someone who cannot see it: the plan's alt text, named by view."""
    from ..report.alttext import alt_text as plan_alt_text

    return f"{dict(VIEWS).get(view, view)} view. " + plan_alt_text(plan)


def _picture(view: str, title: str, svg: bytes, alt: str, frame: tuple[float, float] | None = None) -> Picture:
    from ..compile.raster import svg_size

    return Picture(view, title, svg, alt, *svg_size(svg), frame=frame)


def _view_svgs(plan: AddressPlan, views: tuple[str, ...], options: Options, source_name: str) -> list[bytes]:
    """An SVG per view, without tooltips (nothing opens them on a slide)."""
    from ..api.stages import icon_files, render_views
    from ..compile.d2 import compile_d2
    from ..d2.icons import IconSet

    icons = IconSet(options.icons)
    files = icon_files(icons)
    sources = render_views(plan, tuple(View(v) for v in views), options, source_name=source_name,
                           icons=icons, tooltips=False)
    return [compile_d2(source, "svg", files, timeout=options.timeout) for _, source in sources]


def pictures(loaded: Loaded, plan: AddressPlan, options: Options) -> list[Picture]:
    """(view, SVG, alt text) for every view."""
    svgs = _view_svgs(plan, tuple(v for v, _ in VIEWS), options, loaded.doc.name)
    return [_picture(view, f"{plan.cluster} · {name}", svg, alt_text(plan, view))
            for svg, (view, name) in zip(svgs, VIEWS)]


def scenario_pictures(rv, options: Options) -> list[Picture]:
    """Today's design and the proposed one as the two boards of one skeleton (the compare scene's
    scenarios: the same ids in the same places, the second board only what changes), placed in
    one frame so that flipping between the two slides shows only the change."""
    from ..api.compare import compare_d2
    from ..api.stages import icon_files
    from ..compile.d2 import compile_boards
    from ..d2.icons import IconSet
    from ..report.compare import MODEL_NAMES

    source = compare_d2(rv, options, scenarios=True, nodes=ROOM_NODES)
    boards = compile_boards(source, icon_files(IconSet(options.icons)), timeout=options.timeout)
    drawn = [_picture("scenario", "", svg, "") for svg in boards]
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


def with_png(pic: Picture, timeout: float) -> Picture:
    """`pic` with a PNG of its SVG, sized for the slide it fills (the PPTX's fallback image)."""
    from ..compile.raster import svg_to_png

    w_pt = pic.placement(SLIDE_W, SLIDE_W * 9 / 16)[2]
    scale = max(w_pt * PNG_PX_PER_PT / pic.width, 0.5)
    with tempfile.TemporaryDirectory(prefix="aksdiag-deck-") as tmp:
        return replace(pic, png=svg_to_png(pic.svg, Path(tmp), timeout=timeout, scale=scale))


def deck_pages(input: Path, options: Options, *, compare_with: Path | None = None,
               as_model: TargetModel | None = None) -> list[Page]:
    prepared = api.load(input)
    loaded, plan = prepared.loaded, api.plan(prepared, options)
    pages = [title_page(plan, loaded.spec.kubernetesVersion)]
    pages += [picture_page(plan, pic) for pic in pictures(loaded, plan, options)]
    pages += plan_pages(plan)
    if compare_with is not None or as_model is not None:
        from ..api.compare import review

        rv = review(input, compare_with, as_model, options)
        pages += comparison_pages(rv.comparison, rv.choices, rv.migration, scenario_pictures(rv, options))
    return pages


def build_deck(input: Path, options: Options, *, fmt: str = "pptx", template: Path | None = None,
               compare_with: Path | None = None, as_model: TargetModel | None = None) -> bytes:
    pages = deck_pages(input, options, compare_with=compare_with, as_model=as_model)
    if fmt == "pdf":
        from .pdf_writer import write_pdf

        return write_pdf(pages, timeout=options.timeout)
    from .pptx_writer import write_pptx

    pages = [replace(p, picture=with_png(p.picture, options.timeout)) if p.picture is not None else p
             for p in pages]
    return write_pptx(pages, template)
