"""Pages -> .pptx with python-pptx: real slides, native tables, alt text and speaker notes.

With a company template the deck uses its layouts and theme: its "Title Slide" layout
for the title, "Title Only" for tables and lists, "Blank" for pictures (looked up by
name, else by the usual position); the template's own slides are dropped.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from zipfile import BadZipFile

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.exc import PackageNotFoundError
from pptx.util import Emu, Pt

from ..errors import InputError, Problem
from .deck import Page, column_widths, table_font

WIDE = (Emu(12192000), Emu(6858000))  # 13.333 x 7.5 in: 16:9
TABLE_PT = 14
HEADER_FILL = RGBColor(0x0B, 0x3A, 0x6B)


def _open(template: Path | None):
    if template is None:
        prs = Presentation()
        # python-pptx's default deck is 4:3; widen it, and its master's and layouts' placeholders with it.
        factor = WIDE[0] / prs.slide_width
        prs.slide_width, prs.slide_height = WIDE
        for holder in (prs.slide_master, *prs.slide_layouts):
            for ph in holder.placeholders:
                if ph._element.xfrm is None:
                    continue
                # All four at once: setting one on an inherited position zeroes the others.
                left, top, width, height = ph.left, ph.top, ph.width, ph.height
                ph.left, ph.top = Emu(int(left * factor)), top
                ph.width, ph.height = Emu(int(width * factor)), height
        return prs
    try:
        prs = Presentation(str(template))
    except (PackageNotFoundError, BadZipFile, KeyError, ValueError, OSError) as exc:  # not a deck, or unreadable
        raise InputError(Problem(f"cannot open {template} as a PowerPoint template: {exc}",
                                 field="--template")) from None
    # Drop the template's example slides; keep its masters, layouts and theme.
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)
    return prs


def _layout(prs, names: tuple[str, ...], fallback: int):
    for layout in prs.slide_layouts:
        if layout.name.lower() in names:
            return layout
    layouts = list(prs.slide_layouts)
    return layouts[min(fallback, len(layouts) - 1)]


def _notes(slide, notes: tuple[str, ...]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)


def _title_slide(prs, page: Page) -> None:
    slide = prs.slides.add_slide(_layout(prs, ("title slide",), 0))
    slide.shapes.title.text = page.title
    body = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
    if body is not None:
        body.text = "\n".join(page.lines)
        for p in body.text_frame.paragraphs:
            for r in p.runs:
                r.font.size = Pt(20)
    else:
        box = slide.shapes.add_textbox(Emu(prs.slide_width // 10), Emu(prs.slide_height // 2),
                                       Emu(prs.slide_width * 8 // 10), Emu(prs.slide_height // 3))
        box.text_frame.text = "\n".join(page.lines)
    _notes(slide, page.notes)


def _picture_slide(prs, page: Page) -> None:
    """The picture fills the slide (aspect kept, centred); its own title is part of the picture."""
    pic = page.picture
    assert pic is not None
    slide = prs.slides.add_slide(_layout(prs, ("blank",), 6))
    for ph in list(slide.placeholders):
        ph._element.getparent().remove(ph._element)
    sw, sh = prs.slide_width, prs.slide_height
    scale = min(sw / pic.width, sh / pic.height)
    w, h = int(pic.width * scale), int(pic.height * scale)
    shape = slide.shapes.add_picture(BytesIO(pic.png), Emu((sw - w) // 2), Emu((sh - h) // 2), Emu(w), Emu(h))
    shape.name = f"{pic.view} diagram"
    shape._element.nvPicPr.cNvPr.set("descr", pic.alt_text)
    shape._element.nvPicPr.cNvPr.set("title", pic.title)
    _notes(slide, page.notes)


def _titled(prs, page: Page):
    slide = prs.slides.add_slide(_layout(prs, ("title only",), 5))
    if slide.shapes.title is not None:
        slide.shapes.title.text = page.title
        for p in slide.shapes.title.text_frame.paragraphs:
            for r in p.runs:
                r.font.size = Pt(28)
    for ph in list(slide.placeholders):
        if ph.placeholder_format.idx != 0:
            ph._element.getparent().remove(ph._element)
    return slide


def _body_box(prs, slide):
    title = slide.shapes.title
    top = (title.top + title.height) if title is not None else Emu(prs.slide_height // 8)
    left = Emu(prs.slide_width // 24)
    return left, Emu(top + Emu(91440)), Emu(prs.slide_width - 2 * left), Emu(prs.slide_height - top - 2 * 91440)


def _table_slide(prs, page: Page) -> None:
    slide = _titled(prs, page)
    left, top, width, height = _body_box(prs, slide)
    n_rows, n_cols = len(page.rows) + 1, len(page.header)
    row_h = Emu(min(int(height) // n_rows, Pt(TABLE_PT * 2.2)))
    table = slide.shapes.add_table(n_rows, n_cols, left, top, width, Emu(row_h * n_rows)).table
    size = table_font(page, float(width), tuple(float(Pt(p)) for p in (TABLE_PT, 13, 12))) / Pt(1)
    for c, w in enumerate(column_widths(page, float(width), float(Pt(size)))):
        table.columns[c].width = Emu(int(w))
    for c, text in enumerate(page.header):
        cell = table.cell(0, c)
        cell.text = text
        cell.fill.solid()
        cell.fill.fore_color.rgb = HEADER_FILL
        for p in cell.text_frame.paragraphs:
            for r in p.runs:
                r.font.size, r.font.bold = Pt(size), True
                r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    for i, row in enumerate(page.rows, start=1):
        for c, text in enumerate(row):
            cell = table.cell(i, c)
            cell.text = text
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(size)
    _notes(slide, page.notes)


def _list_slide(prs, page: Page) -> None:
    slide = _titled(prs, page)
    left, top, width, height = _body_box(prs, slide)
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, line in enumerate(page.lines):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.text = line
        p.space_after = Pt(8)
        for r in p.runs:
            r.font.size = Pt(18)
    _notes(slide, page.notes)


WRITERS = {"title": _title_slide, "picture": _picture_slide, "table": _table_slide, "list": _list_slide}


def write_pptx(pages: list[Page], template: Path | None = None) -> bytes:
    prs = _open(template)
    for page in pages:
        WRITERS[page.kind](prs, page)
    out = BytesIO()
    prs.save(out)
    return out.getvalue()
