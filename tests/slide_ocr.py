"""OCR of a slide as a room sees it: the image fitted into 1920x1080 (letterboxed, where
`ocr.at_width` scales to the width), read by the same engine as `tests/ocr.py`."""

from __future__ import annotations

from io import BytesIO

from .ocr import read_addresses, read_text

SLIDE = (1920, 1080)


def on_slide(png: bytes):
    """The picture scaled to fit a 1920x1080 slide (aspect kept), on white, as a Pillow image."""
    from PIL import Image

    im = Image.open(BytesIO(png)).convert("RGB")
    scale = min(SLIDE[0] / im.width, SLIDE[1] / im.height)
    im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.Resampling.LANCZOS)
    page = Image.new("RGB", SLIDE, "white")
    page.paste(im, ((SLIDE[0] - im.width) // 2, (SLIDE[1] - im.height) // 2))
    return page


def ocr_lines(image) -> list[str]:
    """Every line of text OCR finds in a Pillow image."""
    return read_text(image).splitlines()


def picture_addresses(page, image) -> str:
    """OCR of a picture page's addresses (`ocr.read_addresses`): the part of the slide image (1920
    px wide) where the deck placed the picture, read where its SVG draws addresses."""
    from aksdiag.slides.deck import SLIDE_H, SLIDE_W

    x, y, w, h = page.picture.placement(SLIDE_W, SLIDE_H)  # pt
    k = image.width / SLIDE_W
    region = image.crop((round(x * k), round(y * k), round((x + w) * k), round((y + h) * k)))
    return read_addresses(page.picture.svg, region)
