"""Every example compiles with the real d2 binary, to every format, with nothing fetched."""

from __future__ import annotations

import re
import warnings
from io import BytesIO

import pytest

from aksdiag.api.stages import Options, load_cluster, plan_cluster, render_bytes
from aksdiag.compile.d2 import PNG_SCALE, compile_d2, svgs_to_pdf
from aksdiag.compile.raster import PDF_PAGE_LIMIT_PT, RASTER_LIMIT, svg_size
from aksdiag.errors import RenderWarning

from .conftest import EXAMPLES, example_id
from .ocr import drawn_addresses

pytestmark = pytest.mark.slow

BYO = next(e for e in EXAMPLES if e.stem == "kubenet-byo-vnet")


def _plan(example):
    return plan_cluster(load_cluster(example), Options())


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_example_compiles_to_svg_with_icons_embedded(example, overviews):
    svg = overviews.svg(example).decode()
    assert svg.startswith("<?xml") and "</svg>" in svg
    # Icons are embedded as data, never referenced by path or URL.
    hrefs = re.findall(r'href="([^"]+)"', svg)
    assert hrefs and all(h.startswith(("data:", "#")) for h in hrefs)


def test_png(overviews):
    assert overviews.png(BYO)[:8] == b"\x89PNG\r\n\x1a\n"


def _pdf_pages(pdf: bytes):
    from pypdf import PdfReader

    assert pdf[:5] == b"%PDF-"
    return PdfReader(BytesIO(pdf)).pages


def test_pdf_is_vector_with_every_drawn_address_as_text(overviews, pdf_engine):
    svg = overviews.svg(BYO)
    pdf = render_bytes(_plan(BYO), "pdf", Options(), source_name=BYO.name)
    (page,) = _pdf_pages(pdf)
    text = page.extract_text()
    missing = sorted(a for a in drawn_addresses(svg) if a not in text)
    assert not missing, f"not selectable in the PDF: {missing}"
    # Sized as the SVG of its own D2 text (96 px per inch), and drawn, not pasted as one big picture.
    # Its text says (1) where the SVG says ① (cairosvg has no fallback font), so d2 lays it out anew.
    from aksdiag.api.stages import d2_source, icon_files
    from aksdiag.compile.d2 import compile_d2
    from aksdiag.compile.raster import source_marks_as_digits
    from aksdiag.d2.icons import IconSet

    text_d2 = source_marks_as_digits(d2_source(_plan(BYO), Options(), source_name=BYO.name, tooltips=False))
    w, h = svg_size(compile_d2(text_d2, "svg", icon_files(IconSet(None)), timeout=120))
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((w * 0.75, h * 0.75), abs=1)
    assert "/Font" in page["/Resources"]
    assert len(pdf) < 500_000  # d2's raster PDF of the same drawing is over 2 MB


def test_pdf_numbers_the_path_in_glyphs_its_fonts_have(overviews, pdf_engine):
    # d2's fonts have no ①: a browser falls back to another font, cairosvg would draw empty boxes.
    assert "①" in overviews.svg(BYO).decode() and "④" in overviews.svg(BYO).decode()
    pdf = render_bytes(_plan(BYO), "pdf", Options(), source_name=BYO.name)
    (page,) = _pdf_pages(pdf)
    text = page.extract_text()
    assert "(1)" in text and "(4)" in text and not re.search("[\u2460-\u2473]", text)


def test_svgs_to_pdf_gives_a_page_per_svg_sized_to_it(overviews, pdf_engine):
    examples = [BYO, next(e for e in EXAMPLES if e.stem == "azure-cni-overlay")]
    svgs = [overviews.svg(e) for e in examples]
    pages = _pdf_pages(svgs_to_pdf(svgs))
    assert len(pages) == 2
    # Each page keeps the font subsets of its own drawing: D2 subsets fonts per drawing, and
    # one drawing's subset lacks glyphs the other needs (drawn as boxes, still extracted as text).
    fonts = [{ref.idnum for ref in page["/Resources"].raw_get("/Font").get_object().values()} for page in pages]
    assert fonts[0] and fonts[1] and not fonts[0] & fonts[1]
    for svg, page in zip(svgs, pages):
        w, h = svg_size(svg)
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((w * 0.75, h * 0.75), abs=1)
        text = page.extract_text()
        missing = sorted(a for a in drawn_addresses(svg) if a not in text)
        assert not missing, f"not selectable on its page: {missing}"


def _ink(png: bytes) -> float:
    """Share of pixels that are not near-white: a blank page scores ~0."""
    from PIL import Image

    im = Image.open(BytesIO(png)).convert("L")
    hist = im.histogram()
    return sum(hist[:200]) / (im.width * im.height)


def test_cairosvg_png_is_not_blank_and_close_to_d2s(overviews):
    d2_png = overviews.png(BYO)
    cairo_png = render_bytes(_plan(BYO), "png", Options(png_engine="cairosvg"), source_name=BYO.name)
    assert cairo_png[:8] == b"\x89PNG\r\n\x1a\n"
    # Without our SVG fixes cairosvg paints the mask over everything and the ink is ~0.
    assert _ink(cairo_png) > 0.01
    assert abs(_ink(cairo_png) - _ink(d2_png)) < 0.005


# A drawing too tall for any raster: 400 nodes in one column (85,000 px at d2's 2x).
BIG_NODES = 400


def _big_source() -> str:
    rows = [f'  n{i}: "aks-nodepool1-12345678-vmss{i:06d} · 10.224.{i // 250}.{4 + i % 250}"' for i in range(BIG_NODES)]
    return "direction: down\npool: {\n  grid-columns: 1\n" + "\n".join(rows) + "\n}\n"


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.fixture(scope="module")
def big_svg() -> bytes:
    svg = compile_d2(_big_source(), "svg", {})
    assert max(svg_size(svg)) * PNG_SCALE > RASTER_LIMIT + 1  # really over d2's limit at its usual scale
    return svg


@pytest.mark.parametrize("engine", ["d2", "cairosvg"])
def test_png_over_the_raster_limit_is_scaled_with_a_warning(engine, big_svg):
    with pytest.warns(RenderWarning, match=r"over the 32,768 px per side .* scaled it to") as caught:
        png = compile_d2(_big_source(), "png", {}, png_engine=engine)
    width, height = _png_size(png)
    assert max(width, height) <= RASTER_LIMIT
    # Scaled, not cut: the whole drawing is there, with its aspect ratio.
    w, h = svg_size(big_svg)
    assert height / width == pytest.approx(h / w, rel=0.02)
    assert len(caught) == 1 and "for full detail use SVG or PDF" in str(caught[0].message)


def test_png_under_the_limit_has_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RenderWarning)
        png = compile_d2('a: "10.0.0.1"', "png", {})
    assert _png_size(png)[0] > 0


def test_pdf_of_a_huge_drawing_keeps_every_address_as_text(big_svg, pdf_engine):
    (page,) = _pdf_pages(compile_d2(_big_source(), "pdf", {}))
    assert max(float(page.mediabox.width), float(page.mediabox.height)) <= PDF_PAGE_LIMIT_PT + 1
    text = page.extract_text()
    assert all(f"10.224.{i // 250}.{4 + i % 250}" in text for i in range(BIG_NODES))


def test_cli_prints_the_scaling_warning_and_writes_the_png(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from aksdiag.api import stages as pipeline
    from aksdiag.cli.app import app

    # The scene is not under test here: hand the real compiler a drawing that is too large.
    monkeypatch.setattr(pipeline, "d2_source", lambda *a, **k: _big_source())
    out = tmp_path / "big.png"
    result = CliRunner().invoke(app, ["render", str(BYO), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "aksdiag: warning: the PNG would be" in result.stderr
    assert max(_png_size(out.read_bytes())) <= RASTER_LIMIT


def test_d2_version_is_checked(tmp_path, monkeypatch):
    from aksdiag.compile.d2 import compile_d2
    from aksdiag.errors import CompileError

    fake = tmp_path / "d2"
    fake.write_text("#!/bin/sh\necho v0.6.1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("AKSDIAG_D2", str(fake))
    with pytest.raises(CompileError, match="needs d2 >=0.9,<0.10"):
        compile_d2("a", "svg", {})
