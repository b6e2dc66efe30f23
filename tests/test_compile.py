"""Every example compiles with the real d2 binary, to every format, with nothing fetched."""

from __future__ import annotations

import re

import pytest

from aksdiag.pipeline import Options, load_cluster, plan_cluster, render_bytes

from .conftest import EXAMPLES, example_id

pytestmark = pytest.mark.slow


def _plan(example):
    return plan_cluster(load_cluster(example), Options())


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_example_compiles_to_svg_with_icons_embedded(example):
    svg = render_bytes(_plan(example), "svg", Options(), source_name=example.name).decode()
    assert svg.startswith("<?xml") and "</svg>" in svg
    # Icons are embedded as data, never referenced by path or URL.
    hrefs = re.findall(r'href="([^"]+)"', svg)
    assert hrefs and all(h.startswith(("data:", "#")) for h in hrefs)


def test_png_and_pdf(tmp_path):
    example = next(e for e in EXAMPLES if e.stem == "kubenet-byo-vnet")
    plan = _plan(example)
    png = render_bytes(plan, "png", Options(), source_name=example.name)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = render_bytes(plan, "pdf", Options(), source_name=example.name)
    assert pdf[:5] == b"%PDF-"


def _ink(png: bytes) -> float:
    """Share of pixels that are not near-white: a blank page scores ~0."""
    from io import BytesIO

    from PIL import Image

    im = Image.open(BytesIO(png)).convert("L")
    hist = im.histogram()
    return sum(hist[:200]) / (im.width * im.height)


def test_cairosvg_png_is_not_blank_and_close_to_d2s(tmp_path):
    example = next(e for e in EXAMPLES if e.stem == "kubenet-byo-vnet")
    plan = _plan(example)
    d2_png = render_bytes(plan, "png", Options(png_engine="d2"), source_name=example.name)
    cairo_png = render_bytes(plan, "png", Options(png_engine="cairosvg"), source_name=example.name)
    assert cairo_png[:8] == b"\x89PNG\r\n\x1a\n"
    # Without our SVG fixes cairosvg paints the mask over everything and the ink is ~0.
    assert _ink(cairo_png) > 0.01
    assert abs(_ink(cairo_png) - _ink(d2_png)) < 0.005


def test_d2_version_is_checked(tmp_path, monkeypatch):
    from aksdiag.compile import compile_d2
    from aksdiag.errors import CompileError

    fake = tmp_path / "d2"
    fake.write_text("#!/bin/sh\necho v0.6.1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("AKSDIAG_D2", str(fake))
    with pytest.raises(CompileError, match="needs d2 >=0.9,<0.10"):
        compile_d2("a", "svg", {})
