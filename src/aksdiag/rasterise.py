"""PNG through cairosvg, made to work on D2's SVG.

Two things stop cairosvg from drawing D2 0.9's SVG as D2 means it:
- D2 hides edges behind labels with a `<mask>`; cairosvg draws the mask's own
  white rectangle over the whole picture, so the page comes out blank.
- D2 embeds its fonts (subsets of Source Sans Pro) as WOFF in CSS `@font-face`, which
  cairosvg ignores, so text falls back to a wider font and overflows its boxes.
We drop the masks (labels then sit on their edges, as in most renderers), write the
embedded fonts to files that fontconfig reads (FreeType reads WOFF), and name the real
family in the CSS. cairosvg runs in a child process whose fontconfig sees only those
fonts and the system's, because fontconfig is set up once per process and D2's font
subsets differ from diagram to diagram.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

from .errors import CompileError, Problem

_FACE = re.compile(
    rb'font-family:\s*(d2-\d+-font-(\w+));\s*src:\s*url\("data:application/font-woff;base64,([A-Za-z0-9+/=]+)"\)'
)
_STYLES = {
    b"regular": b'"Source Sans Pro"; font-weight: normal; font-style: normal',
    b"bold": b'"Source Sans Pro"; font-weight: bold; font-style: normal',
    b"italic": b'"Source Sans Pro"; font-weight: normal; font-style: italic',
    b"semibold": b'"Source Sans Pro"; font-weight: 600; font-style: normal',
    b"mono": b'"Source Code Pro"; font-weight: normal; font-style: normal',
}


def prepare_svg(svg: bytes, font_dir: Path) -> bytes:
    """D2 SVG -> SVG that cairosvg draws faithfully; the embedded fonts land in `font_dir`."""
    font_dir.mkdir(parents=True, exist_ok=True)
    for i, (family, style, data) in enumerate(_FACE.findall(svg)):
        (font_dir / f"{i}-{style.decode()}.woff").write_bytes(base64.b64decode(data))
        replacement = _STYLES.get(style, _STYLES[b"regular"])
        svg = svg.replace(b'font-family: "' + family + b'";', b"font-family: " + replacement + b";")
        svg = svg.replace(b'font-family: "' + family + b'"', b"font-family: " + replacement)
    svg = re.sub(rb"<mask\b.*?</mask>", b"", svg, flags=re.S)
    svg = re.sub(rb'\smask="[^"]*"', b"", svg)
    return svg


def _fonts_conf(font_dir: Path) -> str:
    return (
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{font_dir}</dir>"
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<cachedir>{font_dir / 'cache'}</cachedir></fontconfig>"
    )


def svg_to_png(svg: bytes, work: Path, *, timeout: float, scale: float = 2.0) -> bytes:
    font_dir = work / "fonts"
    svg_in, png_out = work / "cairo-in.svg", work / "cairo-out.png"
    svg_in.write_bytes(prepare_svg(svg, font_dir))
    conf = work / "fonts.conf"
    conf.write_text(_fonts_conf(font_dir))
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    code = (
        "import sys, cairosvg; "
        "cairosvg.svg2png(url=sys.argv[1], write_to=sys.argv[2], scale=float(sys.argv[3]), unsafe=False)"
    )
    try:
        proc = subprocess.run([sys.executable, "-c", code, str(svg_in), str(png_out), str(scale)],
                              capture_output=True, text=True, timeout=timeout, env=env, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise CompileError(Problem(f"cairosvg did not finish within {timeout:.0f} s")) from None
    if proc.returncode != 0 or not png_out.is_file():
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise CompileError(Problem(f"cairosvg failed: {last}"))
    return png_out.read_bytes()
