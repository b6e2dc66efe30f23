"""Slide text that XML can hold: PPTX and PDF pages are XML, which forbids most control
characters (a NUL, an ESC, U+FFFE); python-pptx and cairosvg fail on them. A name that holds
one is shown with the character's visible picture (U+2400 block), as the diagrams show it."""

from __future__ import annotations

import sys
from dataclasses import replace

from ..d2.quote import display_text
from .deck import Page


def xml_text(text: str) -> str:
    return display_text(text, sys.maxsize)


def _all(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(xml_text(x) for x in items)


def xml_page(page: Page) -> Page:
    """The page with every text XML may hold: titles, lines, cells, notes and the picture's words."""
    picture = page.picture
    if picture is not None:
        picture = replace(picture, title=xml_text(picture.title), alt_text=xml_text(picture.alt_text))
    table = page.table
    if table is not None:
        table = replace(table, lines=tuple(tuple(_all(cell) for cell in row) for row in table.lines))
    return replace(
        page,
        title=xml_text(page.title),
        lines=_all(page.lines),
        picture=picture,
        header=_all(page.header),
        rows=tuple(_all(r) for r in page.rows),
        notes=_all(page.notes),
        table=table,
    )
