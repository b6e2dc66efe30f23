"""Pages -> PDF: the deck's pages as 960x540 pt vector pages, their text kept as text.

Each page is drawn as an SVG in pt (titles, tables and lists as SVG text; a picture page
holds D2's own SVG, nested and fitted) and turned into a PDF page by the project's
SVG -> PDF conversion (compile/pdf.py), which also draws D2's embedded fonts faithfully. Speaker notes are
not pages, so they are not in the PDF (the PPTX carries them).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from .deck import BODY_TOP, CELL_X, CELL_Y, LINE, LIST_PT, MARGIN, SLIDE_H, SLIDE_W, Page, title_font, wrap
from .xmltext import xml_page

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
INK, BLUE, RULE = "#222222", "#0B3A6B", "#0078D4"


def _text(
    x: float, y: float, text: str, size: float, *, bold: bool = False, fill: str = INK, anchor: str = "start"
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size:g}"{weight} fill="{fill}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _title(page: Page) -> list[str]:
    size = title_font(page.title)
    lines = wrap(page.title, SLIDE_W - 2 * MARGIN, size, bold=True)
    bottom = BODY_TOP - 14
    out = [
        _text(MARGIN, bottom - 8 - (len(lines) - 1 - k) * size * LINE - size * 0.25, line, size, bold=True, fill=BLUE)
        for k, line in enumerate(lines)
    ]
    return out + [f'<rect x="{MARGIN}" y="{bottom:.1f}" width="{SLIDE_W - 2 * MARGIN}" height="2" fill="{RULE}"/>']


def _title_page(page: Page) -> list[str]:
    lines = wrap(page.title, SLIDE_W - 2 * MARGIN, 36, bold=True)
    out = [
        _text(SLIDE_W / 2, 200 + k * 44, line, 36, bold=True, fill=BLUE, anchor="middle")
        for k, line in enumerate(lines)
    ]
    for i, line in enumerate(page.lines):
        out.append(_text(SLIDE_W / 2, 200 + len(lines) * 44 + 30 + i * 28, line, 20, anchor="middle"))
    return out


_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>\s*")


def _picture_page(page: Page) -> list[str]:
    """D2's SVG nested in the page at the deck's placement: vectors and text as D2 drew them."""
    pic = page.picture
    assert pic is not None
    x, y, w, h = pic.placement(SLIDE_W, SLIDE_H)
    inner = _XML_DECL.sub(b"", pic.svg, count=1).decode("utf-8")
    at = f'<svg x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" '
    return [f"<title>{escape(pic.alt_text)}</title>", inner.replace("<svg ", at, 1)]


def _table_page(page: Page) -> list[str]:
    table = page.table
    assert table is not None
    out = _title(page)
    size = table.font
    y = BODY_TOP
    width = sum(table.widths)
    for r, (height, cells) in enumerate(zip(table.heights, table.lines)):
        header = r == 0
        fill = BLUE if header else ("#FFFFFF" if r % 2 else "#F2F5F9")
        out.append(
            f'<rect x="{MARGIN}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}" '
            'stroke="#9B9B9B" stroke-width="0.5"/>'
        )
        x = MARGIN
        for c, lines in enumerate(cells):
            for k, line in enumerate(lines):
                base = y + CELL_Y + size * (LINE - 0.2) + k * size * LINE
                out.append(_text(x + CELL_X, base, line, size, bold=header, fill="#FFFFFF" if header else INK))
            x += table.widths[c]
        y += height
    return out


def _list_page(page: Page) -> list[str]:
    out = _title(page)
    y = BODY_TOP
    for item in page.lines:
        for line in wrap(item, SLIDE_W - 2 * MARGIN - 2 * CELL_X, LIST_PT):
            y += LIST_PT * LINE
            out.append(_text(MARGIN + CELL_X, y - LIST_PT * 0.25, line, LIST_PT))
        y += LIST_PT * 0.5
    return out


DRAW = {"title": _title_page, "picture": _picture_page, "table": _table_page, "list": _list_page}


PX_PER_PT = 4 / 3  # SVG px (96 per inch) per pt (72 per inch): PDF renderers size a page by its px


def page_svg(page: Page) -> bytes:
    """One page as an SVG of 1280x720 px, a 960x540 pt page; drawn in pt inside."""
    body = "\n".join(DRAW[page.kind](page))
    w, h = SLIDE_W * PX_PER_PT, SLIDE_H * PX_PER_PT
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{w:g}" height="{h:g}" viewBox="0 0 {w:g} {h:g}">'
        f'<rect width="{w:g}" height="{h:g}" fill="#FFFFFF"/>\n'
        f'<g transform="scale({PX_PER_PT:.6f})">\n{body}\n</g></svg>'
    ).encode()


def write_pdf(pages: list[Page], *, timeout: float = 120.0) -> bytes:
    """By the renderer the diagrams' PDFs use (cairosvg, or typst where there is no cairo); the
    pages name the system's fonts (DejaVu Sans...) besides the diagrams' own."""
    from ..compile.pdf import svgs_to_pdf

    return svgs_to_pdf([page_svg(xml_page(p)) for p in pages], timeout=timeout, system_fonts=True)
