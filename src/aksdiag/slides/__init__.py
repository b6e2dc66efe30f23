"""`aksdiag slides`: a design-review deck (.pptx, or .pdf with the same pages).

`pictures` is the one place that asks the render core for the views; everything else
works on `Page`s (deck.py) and writes them (pptx_writer.py, pdf_writer.py).
"""

from __future__ import annotations

import struct
from pathlib import Path

from .. import api
from ..api.stages import Loaded, Options
from ..derive.as_model import TargetModel
from ..derive.plan import AddressPlan
from ..options import View
from .deck import Page, Picture, comparison_pages, picture_page, plan_pages, title_page

# One picture slide per view; capacity is a native table instead (numbers a reviewer edits).
VIEWS = tuple((v.value, v.title) for v in View if v is not View.capacity)


def alt_text(plan: AddressPlan, view: str = "overview") -> str:
    """What the picture shows, for someone who cannot see it: the plan's alt text, named by view."""
    from ..report.alttext import alt_text as plan_alt_text

    return f"{dict(VIEWS).get(view, view)} view. " + plan_alt_text(plan)


def _size(png: bytes) -> tuple[int, int]:
    # A PNG starts with its IHDR chunk: width and height at bytes 16-24 (a PDF deck needs no Pillow).
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _view_pngs(plan: AddressPlan, views: tuple[str, ...], options: Options, source_name: str) -> list[bytes]:
    """A PNG per view: the one place that asks the render core for the deck's pictures."""
    from ..api.stages import icon_files, render_views
    from ..compile.d2 import compile_d2
    from ..d2.icons import IconSet

    icons = IconSet(options.icons)
    files = icon_files(icons)
    sources = render_views(plan, tuple(View(v) for v in views), options, source_name=source_name,
                           icons=icons, tooltips=False)
    return [compile_d2(source, "png", files, timeout=options.timeout, png_engine=options.png_engine)
            for _, source in sources]


def pictures(loaded: Loaded, plan: AddressPlan, options: Options) -> list[Picture]:
    """(view, PNG, alt text) for every view."""
    pngs = _view_pngs(plan, tuple(v for v, _ in VIEWS), options, loaded.doc.name)
    return [Picture(view, f"{plan.cluster} · {name}", png, alt_text(plan, view), *_size(png))
            for png, (view, name) in zip(pngs, VIEWS)]


def compare_picture(rv, options: Options) -> Picture:
    from ..api.compare import compare_bytes
    from ..report.compare import title

    png = compare_bytes(rv, "png", options)
    w, h = _size(png)
    alt = (f"Side-by-side comparison: {title(rv.comparison)}. "
           + " ".join(f"{r['fact']}: {r['change']} ({r['before'] or '-'} → {r['after'] or '-'})."
                      for r in _rows(rv)))
    return Picture("compare", title(rv.comparison), png, alt, w, h)


def scenario_pictures(rv, options: Options, today: Picture) -> list[Picture]:
    """Each design's overview on a slide of its own, today's (the deck's overview picture) then
    the proposed one: the same drawing rules and size, so that flipping between the two slides
    shows what changes."""
    from ..report.compare import MODEL_NAMES

    [proposed] = _view_pngs(rv.plan_b, ("overview",), options, rv.before.doc.name)
    out = []
    for plan, png, when in ((rv.plan_a, today.png, "Today"), (rv.plan_b, proposed, "Proposed")):
        name = f"{plan.cluster} · {MODEL_NAMES[plan.model.value]}"
        out.append(Picture("scenario", f"{when}: {name}", png, f"{when}: {name}. " + alt_text(plan), *_size(png)))
    return out


def _rows(rv) -> list[dict[str, str]]:
    from ..report.compare import table_rows

    return table_rows(rv.comparison, all_rows=False)


def deck_pages(input: Path, options: Options, *, compare_with: Path | None = None,
               as_model: TargetModel | None = None) -> list[Page]:
    prepared = api.load(input)
    loaded, plan = prepared.loaded, api.plan(prepared, options)
    pages = [title_page(plan, loaded.spec.kubernetesVersion)]
    views = pictures(loaded, plan, options)
    pages += [picture_page(plan, pic) for pic in views]
    pages += plan_pages(plan)
    if compare_with is not None or as_model is not None:
        from ..api.compare import review

        rv = review(input, compare_with, as_model, options)
        pages += comparison_pages(rv.comparison, rv.choices, rv.migration, compare_picture(rv, options),
                                  scenario_pictures(rv, options, next(p for p in views if p.view == "overview")))
    return pages


def build_deck(input: Path, options: Options, *, fmt: str = "pptx", template: Path | None = None,
               compare_with: Path | None = None, as_model: TargetModel | None = None) -> bytes:
    pages = deck_pages(input, options, compare_with=compare_with, as_model=as_model)
    if fmt == "pdf":
        from .pdf_writer import write_pdf

        return write_pdf(pages)
    from .pptx_writer import write_pptx

    return write_pptx(pages, template)
