"""A person can read the addresses on a slide: OCR of each overview PNG scaled to 1920 px wide
recovers at least 90% of the IPs and CIDRs that its labels draw.

Reading the full-size PNG (10,000 px wide) proves nothing: nobody looks at it that way. OCR reads
the lines where the SVG draws addresses, cut from the scaled picture (`ocr.address_sheet`); the
control below holds that this reading still tells a legible picture from an illegible one.
"""

from __future__ import annotations

import socket

import pytest

from aksdiag.compile.d2 import compile_d2

from .conftest import EXAMPLES, example_id
from .ocr import SCORES, address_sheet, at_width, drawn_addresses, read_addresses, read_text, recovered

pytestmark = pytest.mark.slow

REQUIRED_SHARE = 0.9  # the summary line in conftest counts with the same share


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_overview_addresses_are_read_at_slide_width(example, overviews):
    svg = overviews.svg(example)
    expected = drawn_addresses(svg)
    assert expected, "an example with no addresses to read"
    text = read_addresses(svg, at_width(overviews.png(example)))
    found = recovered(expected, text)
    SCORES[example.stem] = (len(found), len(expected))
    share = len(found) / len(expected)
    assert share >= REQUIRED_SHARE, (
        f"OCR at 1920 px read {len(found)} of {len(expected)} addresses ({share:.0%}); "
        f"missing {sorted(expected - found)}"
    )


# The same twelve addresses drawn twice: on a small canvas, and beside a wide empty shape
# that makes the canvas about 15 times wider, so that at 1920 px their text is ~3.5 px high.
ADDRESSES = [f"10.{i}.{i * 7 % 250}.{4 + i}" for i in range(1, 7)] + [f"172.16.{i}.0/24" for i in range(6)]


def _control(wide: bool) -> tuple[bytes, bytes]:
    labels = "\n".join(f'  a{i}: "{a}" {{style.font-size: 28}}' for i, a in enumerate(ADDRESSES))
    # 15,000 px keeps d2's 2x PNG under its raster limit, so the picture is not rescaled.
    spacer = "spacer: {width: 15000; height: 40; style.opacity: 0}\n" if wide else ""
    source = f"direction: right\nbox: {{\n  grid-columns: 4\n{labels}\n}}\n{spacer}"
    return compile_d2(source, "svg", {}), compile_d2(source, "png", {})


def test_ocr_is_offline_and_tells_a_legible_picture_from_an_illegible_one(monkeypatch):
    from pathlib import Path

    import rapidocr

    from . import ocr

    svg, png = _control(wide=False)
    tiny_svg, tiny_png = _control(wide=True)
    assert drawn_addresses(svg) == set(ADDRESSES)
    assert at_width(tiny_png).height < 300  # the labels really are tiny at slide width

    models = sorted(p.name for p in (Path(rapidocr.__file__).parent / "models").glob("*.onnx"))
    assert len(models) == 3, models  # detection, direction, recognition: all in the wheel
    monkeypatch.setenv("AKSDIAG_OCR_CACHE", "0")  # this test reads, never what a cache kept

    def refuse(*args, **kwargs):
        raise AssertionError(f"the OCR engine tried to reach the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    ocr._engine.cache_clear()  # load the models again, now without a network
    enough = REQUIRED_SHARE * len(ADDRESSES)
    try:
        # The whole picture, and the lines where the SVG draws its addresses (what the gallery's
        # tests read): both tell the legible from the illegible.
        assert len(recovered(set(ADDRESSES), read_text(at_width(png)))) >= enough
        assert len(recovered(set(ADDRESSES), read_addresses(svg, at_width(png)))) >= enough
        assert len(recovered(set(ADDRESSES), read_text(at_width(tiny_png)))) < enough
        assert len(recovered(set(ADDRESSES), read_addresses(tiny_svg, at_width(tiny_png)))) < enough
    finally:
        ocr._engine.cache_clear()


def test_the_address_sheet_holds_each_address_line_and_not_the_rest():
    """The sheet is cut where the SVG draws each address: the cut-out pieces hold every address
    label's ink, and the label that carries no address is left out."""
    labels = "\n".join(f'a{i}: "{a}"' for i, a in enumerate(ADDRESSES[:4]))
    source = f'direction: right\n{labels}\nname: "a name that is no address and is long"\n'
    svg, png = compile_d2(source, "svg", {}), compile_d2(source, "png", {})
    image = at_width(png, 1200)
    sheet = address_sheet(svg, image)
    assert sheet.width * sheet.height < 0.6 * image.width * image.height
    text = read_text(sheet)
    assert recovered(set(ADDRESSES[:4]), text) == set(ADDRESSES[:4])
    assert "name" not in text


@pytest.mark.parametrize(
    "address,text,read",
    [
        ("10.0.0.1", "kubernetes 10.0.0.1", True),
        ("10.0.0.1", "DNS 10.0.0.10", False),  # another address
        ("10.0.0.1", "10.0.0.1/32", False),  # the start of a CIDR
        ("10.244.0.0/24", "pods10.244.0.0/24of", True),  # OCR dropped the spaces
        ("10.244.0.0/24", "10.244.0.0/2", False),
        ("10.244.0.0/2", "110.244.0.0/2", False),
        ("fd12:3456::/64", "pod CIDR fd12:3456::/64", True),
    ],
)
def test_recovered_matches_whole_addresses(address, text, read):
    assert (address in recovered({address}, text)) is read


DOCS_COLUMN = 800  # MkDocs with Material at a 1440 px window


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_docs_fit_addresses_are_read_in_an_800_px_column(example):
    """What the MkDocs plugin embeds (the docs fit), scaled to the column's width, reads as the
    slide does: at least 90% of the addresses its labels draw."""
    from aksdiag import api
    from aksdiag.options import Options

    made = api.render(example, formats=("svg", "png"), options=Options(fit="docs"))
    expected = drawn_addresses(made.outputs["svg"])
    assert expected, "an example with no addresses to read"
    found = recovered(expected, read_addresses(made.outputs["svg"], at_width(made.outputs["png"], DOCS_COLUMN)))
    share = len(found) / len(expected)
    assert share >= REQUIRED_SHARE, (
        f"OCR at {DOCS_COLUMN} px read {len(found)} of {len(expected)} addresses ({share:.0%}); "
        f"missing {sorted(expected - found)}"
    )
