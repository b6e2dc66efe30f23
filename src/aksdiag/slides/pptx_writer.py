"""Pages -> .pptx with python-pptx: real slides, native tables, alt text and speaker notes.

Pictures are vector as PowerPoint 2016+ stores them: the PNG is the picture's main image
(what older readers and LibreOffice show) and the SVG rides in the blip's `asvg:svgBlip`
extension, its own part and relationship (python-pptx has no API for it).

With a company template the deck uses its layouts and theme: its "Title Slide" layout
for the title, "Title Only" for tables and lists, "Blank" for pictures (looked up by
name, else by the usual position); the template's own slides are dropped. Geometry is laid
out on the deck's 960x540 pt slide and stretched to the template's size.
"""

from __future__ import annotations

import re
import tempfile
from io import BytesIO
from pathlib import Path
from zipfile import BadZipFile

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.util import Emu, Pt

from ..errors import InputError, Problem
from .deck import BODY_TOP, CELL_X, CELL_Y, LIST_PT, MARGIN, SLIDE_H, SLIDE_W, Page, Picture, title_font
from .xmltext import xml_page

WIDE = (Emu(12192000), Emu(6858000))  # 13.333 x 7.5 in: 16:9, 960x540 pt
HEADER_FILL = RGBColor(0x0B, 0x3A, 0x6B)
BAND_FILL = RGBColor(0xF2, 0xF5, 0xF9)
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
SVG_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"  # the a:ext uri PowerPoint gives the SVG blip


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
    from .template import check_template

    check_template(template)  # sizes, macros and XML, before python-pptx reads a byte of it
    try:
        prs = Presentation(str(template))
    except (PackageNotFoundError, BadZipFile, KeyError, ValueError, OSError) as exc:  # not a deck, or unreadable
        raise InputError(
            Problem(f"cannot open {template} as a PowerPoint template: {exc}", field="--template")
        ) from None
    # Drop the template's example slides; keep its masters, layouts and theme.
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)
    return prs


class _Geometry:
    """Deck pt -> this presentation's EMU. A template of another size gets the deck scaled as a
    whole, type included (min of the two ratios): a slide is projected at the size of the screen,
    so what reads on 13.33 in reads at the same share of a 10 in slide."""

    def __init__(self, prs) -> None:
        self.k = min(prs.slide_width / SLIDE_W, prs.slide_height / SLIDE_H)  # EMU per deck pt

    def x(self, pt: float) -> Emu:
        return Emu(round(pt * self.k))

    y = x

    def pt(self, size: float) -> Pt:
        return Pt(size * self.k / 12700)

    def scaled(self, factor: float) -> _Geometry:
        out = object.__new__(_Geometry)
        out.k = self.k * factor
        return out


def _body(prs, slide, height: float) -> tuple[Emu, _Geometry]:
    """Where a slide's body starts, under its title, and the geometry to draw a body `height` pt
    tall at: the deck's, or smaller where a template's title leaves less room than the deck's band."""
    g = _Geometry(prs)
    top = g.y(BODY_TOP)
    title = slide.shapes.title
    if title is not None and title.top is not None and title.height is not None:
        top = max(top, Emu(title.top + title.height + g.y(8)))
    room, need = prs.slide_height - g.y(MARGIN) - top, g.y(height)
    return top, (g.scaled(room / need) if need > room else g)


def _layout(prs, names: tuple[str, ...], fallback: int):
    for layout in prs.slide_layouts:
        if layout.name.lower() in names:
            return layout
    layouts = list(prs.slide_layouts)
    return layouts[min(fallback, len(layouts) - 1)]


def _notes(slide, notes: tuple[str, ...]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)


def _title_slide(prs, page: Page, template: bool) -> None:
    slide = prs.slides.add_slide(_layout(prs, ("title slide",), 0))
    slide.shapes.title.text = page.title
    if not template:  # as the PDF draws it
        for r in slide.shapes.title.text_frame.paragraphs[0].runs:
            r.font.bold, r.font.size = True, Pt(36)
            r.font.color.rgb = HEADER_FILL
    body = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
    if body is not None:
        body.text = "\n".join(page.lines)
        for p in body.text_frame.paragraphs:
            for r in p.runs:
                r.font.size = Pt(20)
    else:
        box = slide.shapes.add_textbox(
            Emu(prs.slide_width // 10),
            Emu(prs.slide_height // 2),
            Emu(prs.slide_width * 8 // 10),
            Emu(prs.slide_height // 3),
        )
        box.text_frame.text = "\n".join(page.lines)
    _notes(slide, page.notes)


_FAMILIES = (
    (b'"Source Sans Pro"', b'"Source Sans Pro", "Segoe UI", Arial, sans-serif'),
    (b'"Source Code Pro"', b'"Source Code Pro", Consolas, "Courier New", monospace'),
)


def office_svg(svg: bytes) -> bytes:
    """D2's SVG made plain for an office suite's renderer: no masks, the numbered path's circled
    digits as (1), fonts named by family with fallbacks (office suites ignore embedded web fonts)."""
    from ..compile.raster import prepare_svg

    with tempfile.TemporaryDirectory(prefix="aksdiag-svg-") as tmp:
        plain = prepare_svg(svg, Path(tmp))
    for family, fallback in _FAMILIES:
        plain = re.sub(re.escape(family) + rb"(?!,)", fallback, plain)
    return plain


def _add_svg(slide, shape, svg: bytes) -> None:
    """Give the picture `shape` its SVG: a part of type image/svg+xml, related to the slide, named
    in an `asvg:svgBlip` inside the blip's extension list (the PNG stays the main image)."""
    package = slide.part.package
    part = Part(package.next_image_partname("svg"), "image/svg+xml", package, svg)
    rid = slide.part.relate_to(part, RT.IMAGE)
    blip = shape._element.blipFill.find(f"{{{A}}}blip")
    ext_lst = blip.find(f"{{{A}}}extLst")
    if ext_lst is None:
        ext_lst = blip.makeelement(f"{{{A}}}extLst", {})
        blip.append(ext_lst)
    ext = blip.makeelement(f"{{{A}}}ext", {"uri": SVG_EXT})
    ext.append(blip.makeelement(f"{{{ASVG}}}svgBlip", {f"{{{R}}}embed": rid}, {"asvg": ASVG}))
    ext_lst.append(ext)


def _picture_slide(prs, page: Page, _template: bool) -> None:  # WRITERS' one signature, called positionally
    """The picture fills the slide (aspect kept); its own title is part of the picture."""
    pic: Picture | None = page.picture
    assert pic is not None and pic.png is not None
    slide = prs.slides.add_slide(_layout(prs, ("blank",), 6))
    for ph in list(slide.placeholders):
        ph._element.getparent().remove(ph._element)
    g = _Geometry(prs)
    # Placed in the slide's own proportions, so a 4:3 template's picture keeps its aspect.
    box_w, box_h = prs.slide_width / g.k, prs.slide_height / g.k
    x, y, w, h = pic.placement(box_w, box_h)
    shape = slide.shapes.add_picture(BytesIO(pic.png), g.y(x), g.y(y), g.y(w), g.y(h))
    _add_svg(slide, shape, office_svg(pic.svg))
    shape.name = f"{pic.view} diagram"
    shape._element.nvPicPr.cNvPr.set("descr", pic.alt_text)
    shape._element.nvPicPr.cNvPr.set("title", pic.title)
    _notes(slide, page.notes)


def _titled(prs, page: Page, template: bool):
    slide = prs.slides.add_slide(_layout(prs, ("title only",), 5))
    title = slide.shapes.title
    g = _Geometry(prs)
    if title is not None:
        title.text = page.title
        if not template:  # the deck's title band; a template keeps its own
            title.left, title.top, title.width, title.height = (
                g.x(MARGIN),
                g.y(12),
                g.x(SLIDE_W - 2 * MARGIN),
                g.y(BODY_TOP - 20),
            )
            title.text_frame.word_wrap = True
        for p in title.text_frame.paragraphs:
            if not template:  # as the PDF draws it
                p.alignment = PP_ALIGN.LEFT
            for r in p.runs:
                r.font.size = g.pt(title_font(page.title))
                if not template:
                    r.font.bold = True
                    r.font.color.rgb = HEADER_FILL
    for ph in list(slide.placeholders):
        if ph.placeholder_format.idx != 0:
            ph._element.getparent().remove(ph._element)
    return slide


def _table_slide(prs, page: Page, template: bool) -> None:
    table_geo = page.table
    assert table_geo is not None
    slide = _titled(prs, page, template)
    top, g = _body(prs, slide, sum(table_geo.heights))
    n_rows, n_cols = len(table_geo.heights), len(table_geo.widths)
    shape = slide.shapes.add_table(
        n_rows, n_cols, _Geometry(prs).x(MARGIN), top, g.x(sum(table_geo.widths)), g.y(sum(table_geo.heights))
    )
    table = shape.table
    for c, w in enumerate(table_geo.widths):
        table.columns[c].width = g.x(w)
    cells = (page.header, *page.rows)
    for i, (texts, height) in enumerate(zip(cells, table_geo.heights)):
        table.rows[i].height = g.y(height)
        for c, text in enumerate(texts):
            cell = table.cell(i, c)
            cell.text = text
            cell.margin_left = cell.margin_right = g.pt(CELL_X)
            cell.margin_top = cell.margin_bottom = g.pt(CELL_Y)
            cell.fill.solid()
            cell.fill.fore_color.rgb = HEADER_FILL if i == 0 else (BAND_FILL if i % 2 == 0 else RGBColor(255, 255, 255))
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = g.pt(table_geo.font)
                    if i == 0:
                        r.font.bold = True
                        r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                    else:
                        r.font.color.rgb = RGBColor(0x22, 0x22, 0x22)
    _notes(slide, page.notes)


def _list_slide(prs, page: Page, template: bool) -> None:
    slide = _titled(prs, page, template)
    top, g = _body(prs, slide, SLIDE_H - MARGIN - BODY_TOP)
    box = slide.shapes.add_textbox(
        _Geometry(prs).x(MARGIN), top, g.x(SLIDE_W - 2 * MARGIN), g.y(SLIDE_H - MARGIN - BODY_TOP)
    )
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = g.pt(CELL_X)
    frame.margin_top = frame.margin_bottom = Pt(0)
    for i, line in enumerate(page.lines):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.text = line
        p.space_after = g.pt(LIST_PT * 0.5)
        for r in p.runs:
            r.font.size = g.pt(LIST_PT)
    _notes(slide, page.notes)


WRITERS = {"title": _title_slide, "picture": _picture_slide, "table": _table_slide, "list": _list_slide}


def write_pptx(pages: list[Page], template: Path | None = None) -> bytes:
    prs = _open(template)
    for page in pages:
        WRITERS[page.kind](prs, xml_page(page), template is not None)
    out = BytesIO()
    prs.save(out)
    return out.getvalue()
