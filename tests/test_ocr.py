"""A person can read the PNG: OCR recovers at least 90% of the diagram's IP and CIDR labels."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO

import pytest

from aksdiag.pipeline import Options, d2_source, load_cluster, plan_cluster, render_bytes

from .conftest import EXAMPLES, example_id

pytestmark = pytest.mark.slow

ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b")


def _ocr(png: bytes, tmp_path) -> str:
    from PIL import Image

    im = Image.open(BytesIO(png)).convert("L")
    path = tmp_path / "page.png"
    im.save(path)
    out = subprocess.run(["tesseract", str(path), "-", "--psm", "11"], capture_output=True, text=True, check=True)
    return out.stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_png_addresses_are_ocr_legible(example, tmp_path):
    plan = plan_cluster(load_cluster(example), Options())
    source = d2_source(plan, Options(), source_name=example.name)
    labels = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("#", "l_")))
    expected = sorted(set(ADDRESS.findall(labels)))
    assert expected, "an example with no addresses to read"
    text = _ocr(render_bytes(plan, "png", Options(), source_name=example.name), tmp_path)
    # OCR reads "·" and "→" variously; compare address tokens only.
    found = set(ADDRESS.findall(text.replace(" ", "")) + ADDRESS.findall(text))
    missing = [a for a in expected if a not in found]
    share = 1 - len(missing) / len(expected)
    assert share >= 0.9, f"OCR read {share:.0%} of {len(expected)} addresses; missing {missing}"
