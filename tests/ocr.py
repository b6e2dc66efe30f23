"""Reading a picture as a person at a slide would: scale it to the slide's width, then OCR it.

The engine is RapidOCR (PP-OCRv6 models in ONNX, run by onnxruntime), because its wheel carries
its models and it needs no system program: `pip install -e '.[test]'` is the whole install, on
Python 3.11 to 3.13, and nothing is downloaded when it runs (`test_ocr_is_offline...` keeps that true).

What OCR reads from a picture is kept on disk by the picture's pixels, the engine's version and its
settings ($AKSDIAG_OCR_CACHE, default ~/.cache/aksdiag-tests/ocr; `0` turns it off): reading is
most of the legibility tests' time, and the same pixels read by the same engine give the same text.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import os
import re
import time
from collections.abc import Iterator
from functools import lru_cache
from importlib.metadata import version
from io import BytesIO
from pathlib import Path

SLIDE_WIDTH = 1920
TIMINGS: list[float] = []  # seconds per picture read, for the session's summary line
SCORES: dict[str, tuple[int, int]] = {}  # picture -> (addresses read, addresses drawn), for the same

# IPv4 with an optional prefix, and IPv6 with at least two colons (as in legibility.py).
ADDRESS = re.compile(
    r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?|[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}(?:/\d{1,3})?)(?![\w.:])",
    re.IGNORECASE,
)
_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.DOTALL)


def drawn_texts(svg: bytes | str) -> list[str]:
    """The texts an SVG draws (labels, titles, notes), not tooltips or CSS."""
    s = svg.decode() if isinstance(svg, bytes) else svg
    return [html.unescape(re.sub(r"<[^>]+>", " ", m)) for m in _TEXT.findall(s)]


def drawn_addresses(svg: bytes | str) -> set[str]:
    """Every IP or CIDR the drawing shows in a label."""
    return {a for text in drawn_texts(svg) for a in ADDRESS.findall(text)}


# The detector sees the picture at the size it is shown: no upscaling of small pictures (its
# default makes the short side 736 px) and no downscaling of tall ones. Text on a diagram is
# upright, so the direction classifier only costs time. One thread: measured on 2 shared cores,
# onnxruntime's default thread pool spent 1.7x the CPU for twice the wall time; the other core
# renders the next picture (conftest).
SETTINGS = {
    "Global.use_cls": False,
    "Global.log_level": "warning",
    "Global.max_side_len": 8192,
    "Det.limit_type": "max",
    "Det.limit_side_len": 8192,
    # One line per recognition run: batches pad every line to the widest in them (measured on an
    # 800 px docs picture of 45 lines: 1.38 s against 1.57 s for batches of six, 2.04 s of 16).
    "Rec.rec_batch_num": 1,
    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    # onnxruntime's own memory arena (rapidocr turns it off): the same text from the 40 address
    # sheets of the gallery, in 4% less CPU (24.5 s against 25.5 s, two runs each).
    "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
}


@lru_cache(maxsize=1)
def _engine():
    from rapidocr import RapidOCR

    return RapidOCR(params=dict(SETTINGS))


def _cache_dir() -> Path | None:
    configured = os.environ.get("AKSDIAG_OCR_CACHE", "")
    if configured == "0":
        return None
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aksdiag-tests" / "ocr"


def _key(image) -> str:
    engine = (
        f"rapidocr {version('rapidocr')} onnxruntime {version('onnxruntime')} {json.dumps(SETTINGS, sort_keys=True)}"
    )
    digest = hashlib.sha256(engine.encode())
    digest.update(f"{image.mode} {image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def at_width(png: bytes, width: int = SLIDE_WIDTH):
    """The picture as an RGB Pillow image scaled to `width` pixels wide (a slide, a docs column)."""
    from PIL import Image

    im = Image.open(BytesIO(png)).convert("RGB")
    if im.width != width:
        im = im.resize((width, max(1, round(im.height * width / im.width))), Image.Resampling.LANCZOS)
    return im


def read_text(image) -> str:
    """All the text OCR finds in a Pillow image, one detected line per line."""
    folder = _cache_dir()
    kept = folder / f"{_key(image)}.txt" if folder is not None else None
    if kept is not None and kept.is_file():
        return kept.read_text(encoding="utf-8")
    import numpy as np

    engine = _engine()
    start = time.perf_counter()
    result = engine(np.asarray(image))
    TIMINGS.append(time.perf_counter() - start)
    text = "\n".join(result.txts or ())
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(kept)
    return text


# -- reading where the addresses are ---------------------------------------------------------------

_SVG_TAG = re.compile(r"<svg\b[^>]*>")
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"')
_TEXT_EL = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.DOTALL)
_TSPAN = re.compile(r"<tspan\b([^>]*)>(.*?)</tspan>", re.DOTALL)


def _attr(attrs: str, name: str, default: float = 0.0) -> float:
    m = re.search(rf'(?<![\w-]){name}="([-\d.]+)"', attrs)
    return float(m.group(1)) if m else default


def text_lines(svg: str, em: float) -> Iterator[tuple[str, float, float, float, float]]:
    """Each line of text the SVG draws: (words, left, baseline, width, font size), its width taken
    at `em` a character. d2 writes every label as absolute `<text x y>` in its inner
    `<svg viewBox>`, one `<tspan dy>` per line, centred."""
    for attrs, body in _TEXT_EL.findall(svg):
        size = re.search(r"font-size:([\d.]+)px", attrs)
        font = float(size.group(1)) if size else 16.0
        anchor = re.search(r"text-anchor:(\w+)", attrs)
        x, y = _attr(attrs, "x"), _attr(attrs, "y")
        for tattrs, line in _TSPAN.findall(body) or [("", body)]:
            x = _attr(tattrs, "x", x)
            y += _attr(tattrs, "dy")
            words = html.unescape(re.sub(r"<[^>]+>", "", line))
            w = len(words) * font * em
            left = {"middle": x - w / 2, "end": x - w}.get(anchor.group(1) if anchor else "start", x)
            yield words, left, y, w, font


_IMAGE = re.compile(r"<image\b([^>]*)>")


def under_icons(svg: str) -> list[str]:
    """The lines of text that run under an icon. d2 centres a container's label without widening
    the box for it, so a line as wide as the box began under the icon at its top-left corner (the
    hub's "hub VNet", the VNet's "… 1 more pool"). A line's width is taken at 0.45 em a character,
    under the sans labels' average: a line flagged does reach the icon. A leaf's icon is under
    its label when d2 centres it in a box its lines fill (the services box's fourth line)."""
    icons = []
    for attrs in _IMAGE.findall(svg):
        x, y, w, h = (_attr(attrs, k) for k in ("x", "y", "width", "height"))
        icons.append((x, y, x + w, y + h))
    under = []
    for words, left, y, w, font in text_lines(svg, 0.45):
        if any(left < i[2] and i[0] < left + w and y - 0.8 * font < i[3] and i[1] < y for i in icons):
            under.append(words)
    return under


def address_boxes(svg: bytes | str) -> list[tuple[float, float, float, float]]:
    """Where the SVG draws each line of text that carries an address: (left, top, right, bottom)
    as a share of the canvas's width and height; the box is a generous one (0.6 em a character,
    Source Code Pro's width, where the sans labels average under 0.5)."""
    s = svg.decode() if isinstance(svg, bytes) else svg
    outer, inner = (_VIEWBOX.search(tag) for tag in _SVG_TAG.findall(s)[:2])
    assert outer and inner, "not a d2 SVG: no outer and inner viewBox"
    width, height = float(outer.group(3)), float(outer.group(4))
    left0, top0 = float(inner.group(1)), float(inner.group(2))
    return [
        (
            (start - left0) / width,
            (y - 0.9 * font - top0) / height,
            (start + w - left0) / width,
            (y + 0.3 * font - top0) / height,
        )
        for words, start, y, w, font in text_lines(s, 0.6)
        if ADDRESS.search(words)
    ]


def _merged(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Boxes that overlap, as their union: a label cut in two by another's crop reads as noise."""
    out = list(boxes)
    changed = True
    while changed:
        changed = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    out[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del out[j]
                    changed = True
                    break
            if changed:
                break
    return out


GAP = 32  # white between pieces of the sheet: more than the detector joins into one line


def address_sheet(svg: bytes | str, image):
    """The lines of `image` (the picture at the size it is shown) where `svg` draws addresses,
    cut out with a margin around each (half an em to the sides, less above and below, where the
    next line is) and laid out on one white sheet.

    The pixels are the picture's own, at its size: what a person reads at each address, with
    whatever an edge or a neighbouring shape draws over it. What is left out is the text that
    carries no address (names, notes, the legend), which was three quarters of OCR's time."""
    from PIL import Image

    pieces = []
    for left, top, right, bottom in address_boxes(svg):
        em = (bottom - top) * image.height / 1.2
        across, along = max(4.0, 0.5 * em), max(2.0, 0.15 * em)
        pieces.append(
            (
                max(0, math.floor(left * image.width - across)),
                max(0, math.floor(top * image.height - along)),
                min(image.width, math.ceil(right * image.width + across)),
                min(image.height, math.ceil(bottom * image.height + along)),
            )
        )
    crops = [image.crop(box) for box in sorted(_merged(pieces), key=lambda b: (b[1], b[0]))]
    width = max([image.width // 2, *(c.width for c in crops)]) + 2 * GAP
    x = y = GAP
    row = 0
    places = []
    for crop in crops:  # shelves, in reading order
        if x > GAP and x + crop.width + GAP > width:
            x, y, row = GAP, y + row + GAP, 0
        places.append((crop, (x, y)))
        x += crop.width + GAP
        row = max(row, crop.height)
    sheet = Image.new("RGB", (width, y + row + GAP), "white")
    for crop, at in places:
        sheet.paste(crop, at)
    return sheet


def read_addresses(svg: bytes | str, image) -> str:
    """OCR of the lines of `image` where `svg` draws addresses (`address_sheet`)."""
    return read_text(address_sheet(svg, image))


def recovered(expected: set[str], text: str) -> set[str]:
    """The expected addresses that appear in OCR output, as whole addresses.

    OCR often drops the spaces between words, so an address is searched for in the text
    without spaces too; a digit (or a dot and digit) on either side means a different
    address, and a bare IP followed by `/` is the start of a CIDR, not the IP.
    """
    found = set()
    squeezed = re.sub(r"\s+", "", text)
    for address in expected:
        tail = r"(?![\d/])" if "/" not in address else r"(?!\d)"
        # RapidOCR reads IPv6's `::` (two narrow glyphs side by side) as one `:` at slide size,
        # where a person sees both; every other character must still be read as drawn.
        body = re.escape(address).replace("::", "::?")
        pattern = re.compile(r"(?<![\d.])" + body + tail, re.IGNORECASE)
        if pattern.search(text) or pattern.search(squeezed):
            found.add(address)
    return found
