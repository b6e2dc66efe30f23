"""PNG through cairosvg, made to work on D2's SVG (and what the PDF renderers share, pdf.py).

Two things stop cairosvg from drawing D2 0.9's SVG as D2 means it:
- D2 hides edges behind labels with a `<mask>`; cairosvg draws the mask's own
  white rectangle over the whole picture, so the page comes out blank.
- D2 embeds its fonts (subsets of Source Sans Pro and Source Code Pro) as WOFF in CSS
  `@font-face`, which cairosvg ignores, so text falls back to a wider font and overflows
  its boxes (and a PDF would carry the wrong font).
We drop the masks (labels then sit on their edges, as in most renderers), write the
embedded fonts to files that fontconfig reads (FreeType reads WOFF), and name the real
family in the CSS. cairosvg runs in a child process whose fontconfig sees only those
fonts and the system's, because fontconfig is set up once per process and D2's font
subsets differ from diagram to diagram (a PDF names each page's fonts apart instead: pdf.py).
"""

from __future__ import annotations

import base64
import ctypes
import functools
import os
import re
import subprocess
import sys
from pathlib import Path

from ..errors import CompileError, Problem

_FACE = re.compile(
    rb'font-family:\s*(d2-\d+-font-([\w-]+));\s*src:\s*url\("data:application/font-woff;base64,([A-Za-z0-9+/=]+)"\)'
)
_STYLES = {
    b"regular": b'"Source Sans Pro"; font-weight: normal; font-style: normal',
    b"bold": b'"Source Sans Pro"; font-weight: bold; font-style: normal',
    b"italic": b'"Source Sans Pro"; font-weight: normal; font-style: italic',
    b"semibold": b'"Source Sans Pro"; font-weight: 600; font-style: normal',
    b"mono": b'"Source Code Pro"; font-weight: normal; font-style: normal',
    b"mono-bold": b'"Source Code Pro"; font-weight: bold; font-style: normal',
    b"mono-italic": b'"Source Code Pro"; font-weight: normal; font-style: italic',
}
_VIEWBOX = re.compile(rb'<svg\b[^>]*?\bviewBox="\s*[-0-9.eE]+[\s,]+[-0-9.eE]+[\s,]+([0-9.eE]+)[\s,]+([0-9.eE]+)\s*"')

# Both d2's rasteriser and cairo's image surfaces stop at 32,767-32,768 px per side.
RASTER_LIMIT = 32_767
# A PDF page larger than 200 inches (14,400 pt) is refused or clipped by common viewers
# (Acrobat among them); a vector page can be made smaller without losing anything.
PDF_PAGE_LIMIT_PT = 14_400
PT_PER_PX = 0.75  # cairosvg draws at 96 px per inch; PDF counts 72 pt per inch


def svg_size(svg: bytes) -> tuple[float, float]:
    """Width and height of the drawing in SVG user units (px at 1x), from the outer viewBox."""
    match = _VIEWBOX.search(svg)
    if not match:
        raise CompileError(Problem("d2's SVG has no viewBox; cannot size the picture"))
    return float(match[1]), float(match[2])


def prepare_svg(svg: bytes, font_dir: Path) -> bytes:
    """D2 SVG -> SVG that cairosvg draws faithfully; the embedded fonts land in `font_dir`."""
    font_dir.mkdir(parents=True, exist_ok=True)
    for i, (family, style, data) in enumerate(_FACE.findall(svg)):
        (font_dir / f"{i}-{style.decode()}.woff").write_bytes(base64.b64decode(data))
        replacement = _STYLES.get(style, _STYLES[b"regular"])
        svg = svg.replace(b'font-family: "' + family + b'";', b"font-family: " + replacement + b";")
        svg = svg.replace(b'font-family: "' + family + b'"', b"font-family: " + replacement)
    return cairo_safe(svg)


def cairo_safe(svg: bytes) -> bytes:
    """Without D2's masks, which cairosvg draws as a white page, and with circled digits written out."""
    svg = re.sub(rb"<mask\b.*?</mask>", b"", svg, flags=re.DOTALL)
    svg = re.sub(rb'\smask="[^"]*"', b"", svg)
    return marks_as_digits(svg)


def marks_as_digits(svg: bytes) -> bytes:
    return _TEXT.sub(lambda m: _MARKS.sub(_mark_as_digits, m[0].decode("utf-8")).encode("utf-8"), svg)


# D2's fonts have no circled digits (the numbered path: ① ② ...). A browser draws them from a
# fallback font; cairosvg draws each text in one font and would leave empty boxes, so in its
# pictures (vector PDF, `--png-engine cairosvg`, slides) they are written (1) (2) ... instead.
_TEXT = re.compile(rb"<text\b.*?</text>", re.DOTALL)
_MARKS = re.compile("[\u2460-\u2473]")


def _mark_as_digits(m: re.Match[str]) -> str:
    return f"({ord(m[0]) - 0x2460 + 1})"


def source_marks_as_digits(d2_text: str) -> str:
    """The D2 source with (1) (2) ... for ① ②, for a picture cairosvg draws. Done before d2 runs,
    so that d2 puts the brackets in the font subsets it embeds: replaced in its SVG afterwards, they
    were missing glyphs on every page whose texts had no bracket of their own."""
    return _MARKS.sub(_mark_as_digits, d2_text)


def fonts_conf(font_dir: Path) -> str:
    return (
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{font_dir}</dir>"
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<cachedir>{font_dir / 'cache'}</cachedir></fontconfig>"
    )


# The names cairocffi opens the system's cairo by, after asking the library search for others.
CAIRO_FILES = ("libcairo.so.2", "libcairo.2.dylib", "libcairo-2.dll")


@functools.cache
def cairo_file() -> str | None:
    """The file name the system's cairo loads by as it is (no library search), or None."""
    for name in CAIRO_FILES:
        try:
            ctypes.CDLL(name)
            return name
        except OSError:
            continue
    return None


def child_prelude() -> str:
    """The first lines of a cairosvg child. On import, cairocffi asks `ctypes.util.find_library`
    for three names before it tries the file names above; on Linux each ask runs ldconfig, gcc
    and ld (150-200 ms of a child's 400). Where a file name loads as it is, the child does not ask."""
    return "import ctypes.util\nctypes.util.find_library = lambda name: None\n" if cairo_file() else ""


# The child converts one prepared SVG: argv = function, input, output, then keyword=value floats.
_CHILD = (
    "import sys, cairosvg\n"
    "kw = {k: float(v) for k, v in (a.split('=') for a in sys.argv[4:])}\n"
    "getattr(cairosvg, sys.argv[1])(url=sys.argv[2], write_to=sys.argv[3], unsafe=False, **kw)\n"
)


def _cairosvg(function: str, svg: bytes, work: Path, suffix: str, *, timeout: float, **options: float) -> bytes:
    """Run cairosvg's `function` on D2's `svg` in a child that sees only this SVG's fonts."""
    work.mkdir(parents=True, exist_ok=True)
    font_dir = work / "fonts"
    svg_in, out = work / "cairo-in.svg", work / f"cairo-out.{suffix}"
    svg_in.write_bytes(prepare_svg(svg, font_dir))
    conf = work / "fonts.conf"
    conf.write_text(fonts_conf(font_dir))
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    args = [f"{k}={v!r}" for k, v in options.items()]
    try:
        proc = subprocess.run(
            [sys.executable, "-c", child_prelude() + _CHILD, function, str(svg_in), str(out), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise CompileError(Problem(f"cairosvg did not finish within {timeout:.0f} s")) from None
    if proc.returncode != 0 or not out.is_file():
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise CompileError(Problem(f"cairosvg failed: {last}"))
    return out.read_bytes()


def svg_to_png(svg: bytes, work: Path, *, timeout: float, scale: float = 2.0) -> bytes:
    return _cairosvg("svg2png", svg, work, "png", timeout=timeout, scale=scale)


def pdf_page_scale(svg: bytes) -> float:
    """1, or less for a drawing too large for a PDF page (vector: nothing is lost)."""
    w, h = svg_size(svg)
    return min(1.0, PDF_PAGE_LIMIT_PT / (max(w, h) * PT_PER_PX))
