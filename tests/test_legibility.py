"""Every example's overview, and each of its other views, reads where it is shown: on a 1920x1080
slide (`--fit slide`, the default) address labels at least 14 px once the drawing is fitted to the
slide (about the floor on a projector) and no two edges crossing; in an 800 px docs column
(`--fit docs`, what the MkDocs plugin renders) at least 11 px; on a deck's 960x540 pt slide
(`--fit room`, what `slides` renders) at least 12 pt."""

from __future__ import annotations

import base64

import pytest

from .conftest import EXAMPLES, example_id
from .legibility import line, measure_svg
from .ocr import under_icons

MIN_SLIDE_PX = 14.0
MIN_DOCS_PX = 11.0
MIN_ROOM_PT = 12.0


def _measure(example, overviews) -> dict:
    return measure_svg(overviews.svg(example).decode())


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_overview_address_labels_are_legible_on_a_slide(example, overviews):
    m = _measure(example, overviews)
    assert m["addr_labels"] > 0, "no address labels found: the measurement would pass vacuously"
    assert m["slide_px"] >= MIN_SLIDE_PX, line(example.stem, m)


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_overview_edges_do_not_cross(example, overviews):
    m = _measure(example, overviews)
    assert m["crossings"] == 0, line(example.stem, m)


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_overview_labels_clear_the_icons(example, overviews):
    assert under_icons(overviews.svg(example).decode()) == []


@pytest.mark.slow
@pytest.mark.parametrize("view", ["addresses", "egress", "capacity", "api"])
@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_every_view_reads_on_a_slide(example, view):
    # The slides put each view on a page of its own: each must hold up at slide size too.
    from aksdiag import api
    from aksdiag.options import Options

    svg = api.render(example, formats=("svg",), options=Options(view=view)).outputs["svg"]
    m = measure_svg(svg.decode())
    assert m["addr_labels"] > 0, "no address labels found: the measurement would pass vacuously"
    assert m["slide_px"] >= MIN_SLIDE_PX and m["crossings"] == 0, line(f"{example.stem} {view}", m)
    assert under_icons(svg.decode()) == [], f"{example.stem} {view}: a label runs under an icon"


def _render(example, view: str, fit: str) -> dict:
    from aksdiag import api
    from aksdiag.options import Options

    svg = api.render(example, formats=("svg",), options=Options(view=view, fit=fit)).outputs["svg"]
    m = measure_svg(svg.decode())
    assert m["addr_labels"] > 0, "no address labels found: the measurement would pass vacuously"
    assert under_icons(svg.decode()) == [], f"{example.stem} {view} {fit}: a label runs under an icon"
    return m


@pytest.mark.slow
@pytest.mark.parametrize("view", ["overview", "addresses", "egress", "capacity", "api"])
@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_every_view_reads_in_a_docs_column(example, view):
    m = _render(example, view, "docs")
    assert m["page_px"] >= MIN_DOCS_PX, line(f"{example.stem} {view}", m)


@pytest.mark.slow
@pytest.mark.parametrize("view", ["overview", "addresses", "egress", "capacity", "api"])
@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_every_view_reads_on_a_deck_slide(example, view):
    m = _render(example, view, "room")
    assert m["room_pt"] >= MIN_ROOM_PT, line(f"{example.stem} {view}", m)


# The measuring tool itself, on SVG written the way d2 0.9 writes it: edges are groups whose
# class is the base64 of the edge's id, with a `connection` path.
def _edge(edge_id: str, d: str) -> str:
    cls = base64.b64encode(edge_id.encode()).decode()
    return f'<g class="{cls}"><path d="{d}" class="connection stroke-B1"/></g>'


def _svg(width: int, height: int, font_px: int, *edges: str) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}">'
        f'<text style="font-size:{font_px}px">node 10.224.0.4</text>'
        f'<text style="font-size:8px">a note with no address</text>' + "".join(edges) + "</svg>"
    )


def test_tool_scales_the_smallest_address_label_to_the_slide():
    m = measure_svg(_svg(3840, 1000, 20))
    assert m["addr_labels"] == 1 and m["min_addr_font"] == 20 and m["slide_px"] == pytest.approx(10.0)
    assert m["page_px"] == pytest.approx(20 * 800 / 3840) and m["room_pt"] == pytest.approx(5.0)
    assert measure_svg(_svg(1920, 1080, 20))["slide_px"] == pytest.approx(20.0)
    assert measure_svg(_svg(1000, 2160, 20))["slide_px"] == pytest.approx(10.0)  # height-bound


def test_tool_counts_crossing_edges_and_not_parallel_or_legend_ones():
    x1 = _edge("(a -> b)[0]", "M 0 0 L 100 100")
    x2 = _edge("(c -> d)[0]", "M 0 100 L 100 0")
    parallel = _edge("(e -> f)[0]", "M 0 200 L 100 200")
    legend = _edge("(l_a -> l_b)[0]", "M 50 -10 L 50 300")
    assert measure_svg(_svg(1920, 1080, 20, x1, x2))["crossings"] == 1
    assert measure_svg(_svg(1920, 1080, 20, x1, parallel, legend))["crossings"] == 0
