"""Pages -> PDF: the same pages as the deck, as 1920x1080 vector pages with selectable text.

Each page is drawn as an SVG (titles, tables and lists as SVG text; the diagram as the
rendered picture) and turned into a vector PDF page (compile/pdf.py: cairosvg, or typst where there is no cairo).
Speaker notes are not pages, so they are not in the PDF (the PPTX carries them).
"""

from __future__ import annotations

import base64
import textwrap
from xml.sax.saxutils import escape

from .deck import Page, column_widths, table_font

W, H = 1920, 1080
MARGIN = 80
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
CHAR_W = 0.56  # average glyph width as a share of the font size, for wrapping


def _text(x: float, y: float, text: str, size: int, *, bold: bool = False, fill: str = "#222222",
          anchor: str = "start") -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.0f}" y="{y:.0f}" font-family="{FONT}" font-size="{size}"{weight} fill="{fill}" '
            f'text-anchor="{anchor}">{escape(text)}</text>')


def _wrap(text: str, width_px: float, size: int) -> list[str]:
    chars = max(int(width_px / (size * CHAR_W)), 4)
    return textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False) or [""]


def _title(page: Page) -> list[str]:
    return [_text(MARGIN, 100, page.title, 44, bold=True, fill="#0B3A6B"),
            f'<rect x="{MARGIN}" y="122" width="{W - 2 * MARGIN}" height="4" fill="#0078D4"/>']


def _title_page(page: Page) -> list[str]:
    out = [_text(W / 2, 440, page.title, 64, bold=True, fill="#0B3A6B", anchor="middle")]
    for i, line in enumerate(page.lines):
        out.append(_text(W / 2, 540 + i * 52, line, 34, anchor="middle"))
    return out


def _picture_page(page: Page) -> list[str]:
    pic = page.picture
    assert pic is not None
    scale = min(W / pic.width, H / pic.height)
    w, h = pic.width * scale, pic.height * scale
    data = base64.b64encode(pic.png).decode()
    image = (f'<image x="{(W - w) / 2:.1f}" y="{(H - h) / 2:.1f}" width="{w:.1f}" height="{h:.1f}" '
             f'href="data:image/png;base64,{data}"><title>{escape(pic.alt_text)}</title></image>')
    return [image]


def _table_page(page: Page) -> list[str]:
    out = _title(page)
    width = W - 2 * MARGIN
    size = round(table_font(page, width, (26, 24, 22, 20)))
    n = len(page.header)
    cols = column_widths(page, width, size)
    xs = [MARGIN + sum(cols[:c]) for c in range(n)]
    y = 160
    line_h = size * 1.3

    def row(cells: tuple[str, ...], *, header: bool) -> None:
        nonlocal y
        wrapped = [_wrap(cells[c], cols[c] - 16, size) for c in range(n)]
        height = max(len(w) for w in wrapped) * line_h + 14
        fill = "#0B3A6B" if header else "#FFFFFF"
        out.append(f'<rect x="{MARGIN}" y="{y:.0f}" width="{width}" height="{height:.0f}" fill="{fill}" '
                   'stroke="#9B9B9B" stroke-width="1"/>')
        for c in range(n):
            for k, line in enumerate(wrapped[c]):
                out.append(_text(xs[c] + 8, y + 8 + size + k * line_h, line, size - 2 if header else size,
                                 bold=header,
                                 fill="#FFFFFF" if header else "#222222"))
        y += height

    row(page.header, header=True)
    for cells in page.rows:
        row(cells, header=False)
    return out


def _list_page(page: Page) -> list[str]:
    out = _title(page)
    size = 26
    y = 200
    for item in page.lines:
        for k, line in enumerate(_wrap(item, W - 2 * MARGIN - 40, size)):
            out.append(_text(MARGIN + (0 if k == 0 else 40), y, line, size))
            y += size * 1.35
        y += 18
    return out


DRAW = {"title": _title_page, "picture": _picture_page, "table": _table_page, "list": _list_page}


def page_svg(page: Page) -> bytes:
    body = "\n".join(DRAW[page.kind](page))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}">'
            f'<rect width="{W}" height="{H}" fill="#FFFFFF"/>\n{body}\n</svg>').encode()


def svg_pages_to_pdf(svgs: list[bytes]) -> bytes:
    """One vector PDF page per SVG, by the renderer the diagrams' PDFs use; the pages name the
    system's fonts (DejaVu Sans, Arial...), so the renderer may look for them."""
    from ..compile.pdf import svgs_to_pdf

    return svgs_to_pdf(svgs, system_fonts=True)


def write_pdf(pages: list[Page]) -> bytes:
    return svg_pages_to_pdf([page_svg(p) for p in pages])
