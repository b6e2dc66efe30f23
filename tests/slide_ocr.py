"""OCR of a slide as a room sees it: the image fitted into 1920x1080, read by RapidOCR.

RapidOCR's wheel carries its ONNX models, so nothing is downloaded when it runs.
(issue 9b brings `tests/ocr.py` with the same engine; this is the slides' own small entry.)
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO

SLIDE = (1920, 1080)


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


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
    import numpy as np

    result, _ = _engine()(np.asarray(image))
    return [text for _box, text, _score in result or ()]
