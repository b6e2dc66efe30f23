"""`aksdiag slides`: a design-review deck (.pptx, or .pdf with the same pages).

`pictures` is the one place that asks the render core for the views; everything else
works on `Page`s (deck.py) and writes them (pptx_writer.py, pdf_writer.py).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from .. import api
from ..derive.as_model import TargetModel
from ..derive.plan import AddressPlan
from ..pipeline import Loaded, Options
from .deck import Page, Picture, comparison_pages, picture_page, plan_pages, title_page

# One picture slide per view; capacity is a native table instead (numbers a reviewer edits).
VIEWS = (("overview", "Overview"), ("addresses", "Addresses and routes"), ("egress", "Egress and source IP"),
         ("api", "API server access"))


def alt_text(plan: AddressPlan, view: str = "overview") -> str:
    """What the picture shows, for someone who cannot see it: the plan's alt text, named by view."""
    from ..alttext import alt_text as plan_alt_text

    return f"{dict(VIEWS).get(view, view)} view. " + plan_alt_text(plan)


def _size(png: bytes) -> tuple[int, int]:
    from PIL import Image  # pillow comes with python-pptx

    with Image.open(BytesIO(png)) as im:
        return im.size


def pictures(loaded: Loaded, plan: AddressPlan, options: Options) -> list[Picture]:
    """(view, PNG, alt text) for every view: the one place that asks the render core for pictures."""
    from ..compile import compile_d2
    from ..icons import IconSet
    from ..pipeline import icon_files, render_views
    from ..scene import View

    icons = IconSet(options.icons)
    files = icon_files(icons)
    sources = render_views(plan, tuple(View(v) for v, _ in VIEWS), options, source_name=loaded.doc.name,
                           icons=icons, tooltips=False)
    out = []
    for (view, source), (_, name) in zip(sources, VIEWS):
        png = compile_d2(source, "png", files, timeout=options.timeout, png_engine=options.png_engine)
        w, h = _size(png)
        out.append(Picture(view, f"{plan.cluster} · {name}", png, alt_text(plan, view), w, h))
    return out


def compare_picture(rv, options: Options) -> Picture:
    from ..compare_report import title
    from ..review import compare_bytes

    png = compare_bytes(rv, "png", options)
    w, h = _size(png)
    alt = (f"Side-by-side comparison: {title(rv.comparison)}. "
           + " ".join(f"{r['fact']}: {r['change']} ({r['before'] or '-'} → {r['after'] or '-'})."
                      for r in _rows(rv)))
    return Picture("compare", title(rv.comparison), png, alt, w, h)


def scenario_pictures(rv, options: Options) -> list[Picture]:
    """Each design's overview on a slide of its own, today's then the proposed one: the same
    drawing rules and size, so that flipping between the two slides shows what changes."""
    from ..compare_report import MODEL_NAMES
    from ..compile import compile_d2
    from ..icons import IconSet
    from ..pipeline import icon_files, render_views
    from ..scene import View

    icons = IconSet(options.icons)
    files = icon_files(icons)
    out = []
    for plan, when in ((rv.plan_a, "Today"), (rv.plan_b, "Proposed")):
        [(_, source)] = render_views(plan, (View("overview"),), options, source_name=rv.before.doc.name,
                                     icons=icons, tooltips=False)
        png = compile_d2(source, "png", files, timeout=options.timeout, png_engine=options.png_engine)
        w, h = _size(png)
        name = f"{plan.cluster} · {MODEL_NAMES[plan.model.value]}"
        out.append(Picture("scenario", f"{when}: {name}", png, f"{when}: {name}. " + alt_text(plan), w, h))
    return out


def _rows(rv) -> list[dict[str, str]]:
    from ..compare_report import table_rows

    return table_rows(rv.comparison, all_rows=False)


def deck_pages(input: Path, options: Options, *, compare_with: Path | None = None,
               as_model: TargetModel | None = None) -> list[Page]:
    prepared = api.load(input)
    loaded, plan = prepared.loaded, api.plan(prepared, options)
    pages = [title_page(plan, loaded.spec.kubernetesVersion)]
    pages += [picture_page(plan, pic) for pic in pictures(loaded, plan, options)]
    pages += plan_pages(plan)
    if compare_with is not None or as_model is not None:
        from ..review import review

        rv = review(input, compare_with, as_model, options)
        pages += comparison_pages(rv.comparison, rv.choices, rv.migration, compare_picture(rv, options),
                                  scenario_pictures(rv, options))
    return pages


def build_deck(input: Path, options: Options, *, fmt: str = "pptx", template: Path | None = None,
               compare_with: Path | None = None, as_model: TargetModel | None = None) -> bytes:
    pages = deck_pages(input, options, compare_with=compare_with, as_model=as_model)
    if fmt == "pdf":
        from .pdf_writer import write_pdf

        return write_pdf(pages)
    from .pptx_writer import write_pptx

    return write_pptx(pages, template)
