"""PDF without the system's cairo: typst draws it; with no renderer at all, one line names the extra."""

from __future__ import annotations

import base64
import os
import re
import struct
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aksdiag.cli.app import app
from aksdiag.compile import fonts, pdf

from .conftest import ROOT
from .ocr import drawn_addresses

pytestmark = pytest.mark.slow

EX = ROOT / "examples"


@pytest.fixture
def no_cairo(monkeypatch):
    """As on Windows, macOS without Homebrew or a slim container: cairosvg installs, cairo does not."""
    monkeypatch.delenv(pdf.ENGINE_ENV, raising=False)
    monkeypatch.setattr(pdf, "cairo_available", lambda: False)


def _pages(data: bytes):
    from pypdf import PdfReader

    assert data[:5] == b"%PDF-"
    return PdfReader(BytesIO(data)).pages


def test_render_without_cairo_is_a_vector_pdf_with_the_addresses_as_text(no_cairo, tmp_path):
    svg, out = tmp_path / "x.svg", tmp_path / "x.pdf"
    runner = CliRunner()
    assert runner.invoke(app, ["render", str(EX / "kubenet-basic.yaml"), "-o", str(svg)]).exit_code == 0
    result = runner.invoke(app, ["render", str(EX / "kubenet-basic.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (page,) = _pages(out.read_bytes())
    text = page.extract_text()
    expected = drawn_addresses(svg.read_bytes())
    assert len(expected) >= 8 and not sorted(a for a in expected if a not in text)
    fonts_used = {f.get_object()["/BaseFont"] for f in page["/Resources"]["/Font"].values()}
    assert any("SourceSansPro" in name for name in fonts_used), fonts_used  # d2's own font, embedded
    assert not page.images  # drawn, not pasted as a picture


def test_slides_pdf_without_cairo(no_cairo, tmp_path):
    out = tmp_path / "deck.pdf"
    result = CliRunner().invoke(app, ["slides", str(EX / "kubenet-byo-vnet.yaml"), "-o", str(out), "--as", "overlay"])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in _pages(out.read_bytes()))
    assert "Address plan" in text and "192.168.1.0/24" in text


def test_with_no_renderer_one_line_names_the_extra(no_cairo, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "typst_available", lambda: False)
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(app, ["render", str(EX / "kubenet-basic.yaml"), "-o", str(out)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "pip install 'aksdiag[pdf]'" in lines[0], result.output
    assert "Traceback" not in result.output and not out.exists()


def test_a_renderer_asked_for_by_name_must_exist(monkeypatch):
    monkeypatch.setenv(pdf.ENGINE_ENV, "inkscape")
    with pytest.raises(Exception, match="AKSDIAG_PDF_ENGINE=inkscape is not a PDF renderer"):
        pdf.pdf_engine()


def _name_table(font: bytes) -> dict[int, str]:
    count = struct.unpack(">H", font[4:6])[0]
    for i in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", font[12 + 16 * i : 28 + 16 * i])
        if tag == b"name":
            table = font[offset : offset + length]
            _, n, strings = struct.unpack(">HHH", table[:6])
            names = {}
            for j in range(n):
                platform, _, _, name_id, size, at = struct.unpack(">HHHHHH", table[6 + 12 * j : 18 + 12 * j])
                if platform == 3:
                    names[name_id] = table[strings + at : strings + at + size].decode("utf-16-be")
            return names
    raise AssertionError("no name table")


def test_each_face_of_d2s_svg_becomes_a_truetype_font_of_its_own_family(overviews):
    svg = overviews.svg(EX / "kubenet-basic.yaml")
    body, faces = fonts.own_faces(svg, "aksdiag0p")
    assert len(faces) >= 3 and b"@font-face" not in body and b"font-woff" not in body
    for family, font in faces.items():
        assert font[:4] in (b"\0\1\0\0", b"OTTO", b"true")  # an sfnt, no longer WOFF
        names = _name_table(font)
        assert names[1] == family and names[4] == family
        assert names[6].startswith(("SourceSansPro-", "SourceCodePro-"))  # the PDF's font name stays
        assert f'"{family}"'.encode() in body  # the CSS names the new family
    assert not re.search(rb'"d2-\d+-font-', body)


def test_woff_is_refused_when_it_is_not_woff():
    with pytest.raises(ValueError, match="WOFF"):
        fonts.woff_to_sfnt(base64.b64decode("AAEAAAAK"))


def test_a_pptx_deck_without_the_slides_extra_names_it(monkeypatch, tmp_path):
    from aksdiag.runtime import extras

    real = extras.importlib.util.find_spec
    monkeypatch.setattr(extras.importlib.util, "find_spec", lambda name, *a: None if name == "pptx" else real(name, *a))
    out = tmp_path / "d.pptx"
    result = CliRunner().invoke(app, ["slides", str(EX / "kubenet-byo-vnet.yaml"), "-o", str(out)])
    assert result.exit_code == 2 and "pip install 'aksdiag[slides]'" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()


def _cairo_or_skip():
    if not pdf.cairo_available():
        pytest.skip("cairosvg cannot run here: no system cairo library")


def test_an_early_renderer_draws_the_pdf_then_ends(monkeypatch):
    _cairo_or_skip()
    monkeypatch.setenv(pdf.ENGINE_ENV, "cairosvg")
    from aksdiag import api

    svg = api.render(EX / "kubenet-basic.yaml", formats=("svg",)).outputs["svg"]
    pdf.start_early()
    assert pdf._early is not None
    child, folder = pdf._early
    (page,) = _pages(pdf.svg_to_pdf(svg))
    assert "10.244.0.0/24" in page.extract_text()
    assert pdf._early is None  # taken by the one PDF it was started for
    assert child.proc is None and not Path(folder.name).exists()


def test_an_early_renderer_no_pdf_asked_for_is_stopped_at_exit():
    _cairo_or_skip()
    script = (
        "import os\n"
        "from aksdiag.compile import pdf\n"
        "os.environ[pdf.ENGINE_ENV] = 'cairosvg'\n"
        "pdf.start_early()\n"
        "child, folder = pdf._early\n"
        "print(child.proc.pid, folder.name)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    pid, folder = proc.stdout.split()
    assert not Path(folder).exists()
    if os.name == "posix":  # signal 0 asks whether a process exists only on POSIX
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)  # reaped by the command that started it, not left to run on


def test_a_command_that_writes_a_pdf_starts_its_renderer_before_the_pipeline(monkeypatch):
    from aksdiag.cli import app as cli

    started = []
    monkeypatch.setattr(pdf, "start_early", lambda timeout=120.0: started.append(timeout))
    cli._start_pdf_early("x.svg", None, 5.0)
    cli._start_pdf_early(None, "svg,png", 5.0)
    assert started == []
    cli._start_pdf_early("out/x.PDF", None, 5.0)
    cli._start_pdf_early(None, "svg,pdf", 7.0)
    assert started == [5.0, 7.0]


@pytest.mark.parametrize("prelude", [True, False])
def test_a_cairosvg_child_loads_cairo_without_a_library_search(prelude):
    # cairocffi asks ctypes.util.find_library for three names on import; on Linux each ask starts
    # ldconfig, gcc and ld. Where the library loads by its file name, the child skips the asks.
    _cairo_or_skip()
    from aksdiag.compile.raster import cairo_file, child_prelude

    if sys.platform != "linux" or cairo_file() is None:
        pytest.skip("the library search starts processes on Linux only")
    script = (child_prelude() if prelude else "") + (
        "import sys\n"
        "sys.addaudithook(lambda event, args: event == 'subprocess.Popen' and print('started', args[0]))\n"
        "import cairocffi\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert ("started" in proc.stdout) is not prelude, proc.stdout


def test_every_page_of_a_pdf_keeps_its_own_size(pdf_engine):
    from aksdiag import api
    from aksdiag.options import Options

    made = api.render(EX / "kubenet-basic.yaml", formats=("pdf", "d2"), options=Options(view="all"))
    pages = _pages(made.outputs["pdf"])
    assert len(pages) == 5
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}
    assert len(sizes) == 5, sizes  # one surface, a size per page
    for page in pages:
        assert page.extract_text().strip() and not page.images
