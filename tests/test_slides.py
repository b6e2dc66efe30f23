"""The review deck: opened with python-pptx and pypdf, measured on its 960x540 pt slide, and every
kind of page read by OCR at 1920x1080."""

from __future__ import annotations

import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest

from aksdiag.api.stages import Options
from aksdiag.derive.as_model import TargetModel
from aksdiag.slides import build_deck, deck_pages
from aksdiag.slides.pdf_writer import page_svg

from .conftest import ROOT
from .slide_ocr import ocr_lines, on_slide, picture_addresses

pytestmark = pytest.mark.slow

BYO = ROOT / "examples" / "kubenet-byo-vnet.yaml"
CNI = ROOT / "examples" / "azure-cni-node-subnet.yaml"
ADDRESS = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?")


def aksdiag(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "aksdiag"
    return subprocess.run([str(exe), *args], check=False, capture_output=True, text=True, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def pages():
    return deck_pages(BYO, Options(), as_model=TargetModel.overlay)


# A realistic cluster the gallery does not have: 60 dual-stack kubenet nodes in 3 pools, long names.
LARGE = """\
name: aks-prod-weu-payments-platform-01
location: westeurope
networkProfile:
  networkPlugin: kubenet
  ipFamilies: [IPv4, IPv6]
  podCidrs: [10.244.0.0/16, fd11:1234::/64]
  serviceCidrs: [10.0.0.0/16, fd00:1234::/108]
  dnsServiceIP: 10.0.0.10
vnet:
  name: vnet-prod-weu-payments-spoke-01
  addressPrefixes: [10.60.0.0/16, fd00:60::/48]
  subnets:
    - name: snet-aks-nodes-prod-weu
      addressPrefix: 10.60.0.0/22
      addressPrefixIPv6: fd00:60:0:1::/64
nodePools:
  - {name: system, count: 6}
  - {name: userpool1, count: 30}
  - {name: batchpool, count: 24}
"""


@pytest.fixture(scope="module", params=["cairosvg", "typst"])
def pdf_deck(request, tmp_path_factory):
    """The PDF deck, once per PDF renderer (cairosvg is passed over where the system has no cairo)."""
    import os

    from aksdiag.compile import pdf

    if request.param == "cairosvg" and not pdf.cairo_available():
        pytest.skip("cairosvg cannot run here: no system cairo library")
    out = tmp_path_factory.mktemp("pdf") / "review.pdf"
    exe = Path(sys.executable).parent / "aksdiag"
    proc = subprocess.run(
        [str(exe), "slides", str(BYO), "-o", str(out), "--as", "overlay"],
        check=False,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, pdf.ENGINE_ENV: request.param},
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def large_decks(tmp_path_factory):
    """The large cluster's deck with its move to Overlay, as PPTX and as PDF."""
    folder = tmp_path_factory.mktemp("large")
    (folder / "large.yaml").write_text(LARGE)
    for ext in ("pptx", "pdf"):
        proc = aksdiag("slides", str(folder / "large.yaml"), "-o", str(folder / f"r.{ext}"), "--as", "overlay")
        assert proc.returncode == 0, proc.stderr
    return folder / "r.pptx", folder / "r.pdf"


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    from pptx import Presentation

    out = tmp_path_factory.mktemp("deck") / "review.pptx"
    proc = aksdiag("slides", str(BYO), "-o", str(out), "--as", "overlay")
    assert proc.returncode == 0, proc.stderr
    return Presentation(str(out))


def _texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def _table(deck, title: str):
    for slide in deck.slides:
        if slide.shapes.title is not None and slide.shapes.title.text.startswith(title):
            return next(s.table for s in slide.shapes if s.has_table)
    raise AssertionError(f"no slide titled {title!r}")


def _placed_texts(page) -> list[tuple[str, float, float, float]]:
    """(text, x, y, size in pt) of every run of text the PDF page draws: the text matrix times the
    graphics matrix gives where it lands and how tall its font is on the page. Renderers that place
    glyph by glyph (typst) are joined back into runs: same baseline and size, next glyph where the
    last one ends (an estimate; spaces are left out, so compare texts without them)."""
    chunks = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        a, b, c, d, e, f = tm
        m = [
            a * cm[0] + b * cm[2],
            a * cm[1] + b * cm[3],
            c * cm[0] + d * cm[2],
            c * cm[1] + d * cm[3],
            e * cm[0] + f * cm[2] + cm[4],
            e * cm[1] + f * cm[3] + cm[5],
        ]
        chunks.append((text.strip(), m[4], m[5], size * (m[2] ** 2 + m[3] ** 2) ** 0.5))

    page.extract_text(visitor_text=visit)
    runs: list[list] = []
    for text, x, y, size in chunks:
        if runs:
            last = runs[-1]
            ends = last[4] + len(last[5]) * 0.62 * last[3]
            if abs(y - last[2]) < 0.5 and abs(size - last[3]) < 0.1 and -0.5 * size < x - ends < 0.7 * size:
                last[0] += text.replace(" ", "")
                last[4], last[5] = x, text
                continue
        runs.append([text.replace(" ", ""), x, y, size, x, text])
    return [(t, x, y, size) for t, x, y, size, _, _ in runs]


def _images_only(page) -> bool:
    """A page that draws an image XObject and no text: a raster picture."""
    resources = page.get("/Resources") or {}
    xobjects = resources.get("/XObject") or {}
    images = [k for k in xobjects if xobjects[k].get_object().get("/Subtype") == "/Image"]
    return bool(images) and not _placed_texts(page)


def test_deck_has_title_views_tables_and_the_comparison(deck, pages):
    assert len(deck.slides) == len(pages)
    kinds = [p.kind for p in pages]
    assert kinds[0] == "title" and "picture" in kinds and kinds.count("table") >= 3
    first = _texts(deck.slides[0])
    assert "myAKSCluster" in first and "kubenet" in first and "eastus" in first
    assert deck.slide_width * 9 == deck.slide_height * 16


def test_plan_table_is_native_with_the_plans_numbers(deck):
    table = _table(deck, "Address plan")
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0][:2] == ["range", "prefix"]
    subnet = next(r for r in rows if r[0] == "node subnet myAKSSubnet")
    assert subnet[1:5] == ["192.168.1.0/24", "256", "251", "3"]
    assert any(r[1] == "10.244.0.0/16" and r[0].startswith("pod CIDR") for r in rows)
    assert any(r[0].startswith("route table") and r[3:5] == ["400", "3"] for r in rows)
    cap = [[c.text for c in r.cells] for r in _table(deck, "Capacity").rows]
    # maximum, then with one surge node kept free (issue 10's capacity)
    assert ["110", "251", "27,610", "250", "27,500"] == next(r for r in cap if "this cluster" in r[1])[2:7]
    assert any(r[1] == "Azure CNI (node subnet)" and r[3:5] == ["8", "240"] for r in cap)


def test_findings_and_comparison_tables(deck):
    findings = [[c.text for c in r.cells] for r in _table(deck, "Findings").rows]
    assert findings[0] == ["rule", "severity", "field", "what to do"]
    assert any(r[0] == "kubenet-retirement" and r[1] == "note" for r in findings)
    changes = [[c.text for c in r.cells] for r in _table(deck, "What changes").rows]
    assert sum(1 for r in changes if r[0].startswith("route 10.244.") and r[1] == "removed") == 3


def test_every_slide_has_notes_with_assumptions_or_sources(deck):
    for i, slide in enumerate(deck.slides):
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        assert notes.strip(), f"slide {i + 1} has no speaker notes"
    all_notes = "\n".join(s.notes_slide.notes_text_frame.text for s in deck.slides)
    assert "learn.microsoft.com/azure/aks/update-azure-cni" in all_notes
    assert "learn.microsoft.com/azure/aks/configure-kubenet" in all_notes


def test_every_picture_has_alt_text_and_fills_the_slide(deck):
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) >= 2
    for pic in pictures:
        alt = pic._element.nvPicPr.cNvPr.get("descr")
        assert alt and len(alt) > 80 and "myAKSCluster" in alt, alt
        assert ADDRESS.search(alt), "alt text should carry the addresses the picture shows"
        fills_width = abs(pic.width - deck.slide_width) <= 2
        fills_height = abs(pic.height - deck.slide_height) <= 2
        assert fills_width or fills_height


def test_template_gives_its_layouts_and_size_and_drops_its_slides(tmp_path):
    from pptx import Presentation
    from pptx.util import Inches

    corp = Presentation()  # 4:3, so the deck visibly takes the template's size
    corp.slide_width, corp.slide_height = Inches(10), Inches(7.5)
    s = corp.slides.add_slide(corp.slide_layouts[0])
    s.shapes.title.text = "CORP EXAMPLE SLIDE"
    corp_path = tmp_path / "corp.pptx"
    corp.save(str(corp_path))
    data = build_deck(BYO, Options(), template=corp_path)
    deck = Presentation(BytesIO(data))
    assert (deck.slide_width, deck.slide_height) == (Inches(10), Inches(7.5))
    assert all("CORP EXAMPLE SLIDE" not in _texts(sl) for sl in deck.slides)
    assert deck.slides[0].slide_layout.name == "Title Slide"
    for slide in deck.slides:  # the deck scaled to the template's size: everything stays on its slide
        title = slide.shapes.title
        for shape in slide.shapes:
            if shape.shape_type == 19 or shape.shape_type == 13 or (shape.has_text_frame and shape != title):
                height = sum(r.height for r in shape.table.rows) if shape.has_table else shape.height
                assert shape.left + shape.width <= deck.slide_width and shape.top + height <= deck.slide_height
                if title is not None and shape.shape_type != 13:
                    assert shape.top >= title.top + title.height, "the body starts under the template's title"


def test_bad_template_exits_2(tmp_path):
    bad = tmp_path / "corp.pptx"
    bad.write_text("not a deck")
    out = tmp_path / "r.pptx"
    proc = aksdiag("slides", str(BYO), "-o", str(out), "--template", str(bad))
    assert proc.returncode == 2 and "--template" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_pdf_has_the_same_pages_with_selectable_text(tmp_path, pages):
    from pypdf import PdfReader

    out = tmp_path / "review.pdf"
    proc = aksdiag("slides", str(BYO), "-o", str(out), "--as", "overlay")
    assert proc.returncode == 0, proc.stderr
    reader = PdfReader(out)
    assert len(reader.pages) == len(pages)
    box = reader.pages[0].mediabox
    assert abs(float(box.width) * 9 - float(box.height) * 16) < 1
    text = "\n".join(p.extract_text() for p in reader.pages)
    for needle in (
        "myAKSCluster: network design review",
        "Address plan",
        "192.168.1.0/24",
        "27,610",
        "kubenet-retirement",
        "az aks update",
    ):
        assert needle in text


def _drawn_addresses(view: str) -> set[str]:
    """The addresses a view's labels carry, read from its D2 source (labels are quoted strings)."""
    from aksdiag.api.stages import load_cluster, plan_cluster, render_views
    from aksdiag.scene import View

    if view == "scenario":  # the first scenario slide is today's board: the source before its scenarios
        from aksdiag.api.compare import compare_d2, review
        from aksdiag.slides import ROOM_NODES

        source = compare_d2(
            review(BYO, None, TargetModel.overlay, Options()), Options(), scenarios=True, nodes=ROOM_NODES
        )
        source = source.split("\nscenarios: {")[0]
    else:
        plan = plan_cluster(load_cluster(BYO), Options())
        [(_, source)] = render_views(plan, (View(view),), Options(), source_name="x", tooltips=False)
    labels = re.findall(r'"((?:[^"\\]|\\.)*)"', source)
    return {a for label in labels if "icons/" not in label for a in ADDRESS.findall(label)}


@pytest.mark.long
def test_pages_read_at_1920x1080(pages, tmp_path):
    """OCR pages as they land on a slide: the title, the first table and list, the overview and
    today's board of the comparison. (The other views are read by the views' own OCR test; OCR is the suite's
    slowest step, so each kind of page is read once.)"""
    from aksdiag.compile.raster import svg_to_png

    chosen, seen = [], set()
    for page in pages:
        key = page.picture.view if page.kind == "picture" else page.kind
        if key not in seen and key not in ("addresses", "egress", "api"):
            seen.add(key)
            chosen.append(page)
    assert {"title", "table", "list", "overview", "scenario"} <= seen
    for i, page in enumerate(chosen):
        png = svg_to_png(page_svg(page), tmp_path / str(i), timeout=120, scale=1.5)  # 1280 px -> 1920 px
        image = on_slide(png)
        # A picture is read where it draws its addresses; titles, tables and lists whole.
        text = picture_addresses(page, image) if page.kind == "picture" else " ".join(ocr_lines(image))
        squeezed = re.sub(r"\s+", "", text)
        if page.kind == "picture":
            expected = _drawn_addresses(page.picture.view)
            got = {a for a in expected if a in squeezed}
            assert expected and len(got) >= 0.9 * len(expected), (page.title, sorted(expected - got))
        elif page.kind == "table":
            cells = {c for row in page.rows for c in row if ADDRESS.fullmatch(c)}
            got = {c for c in cells if c in squeezed}
            assert len(got) >= 0.9 * len(cells), (page.title, sorted(cells - got))
            assert page.header[0] in text
        else:
            words = re.sub(r"\W+", "", page.title.split(":")[0]).lower()
            assert words[:12] in re.sub(r"\W+", "", text).lower(), (i, page.title, text[:200])


def test_deck_with_compare_of_two_models_shows_each_on_a_slide_of_its_own(tmp_path):
    from pptx import Presentation

    out = tmp_path / "r.pptx"
    proc = aksdiag("slides", str(BYO), "-o", str(out), "--compare", str(CNI))
    assert proc.returncode == 0, proc.stderr
    deck = Presentation(str(out))
    boards = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13 and s.name == "scenario diagram"]
    assert [b._element.nvPicPr.cNvPr.get("title").split(":")[0] for b in boards] == ["Today", "Proposed"]
    alt = boards[1]._element.nvPicPr.cNvPr.get("descr")
    assert "Azure CNI (node subnet)" in alt and "pod IPs come from: changed" in alt
    assert "compare diagram" not in {s.name for slide in deck.slides for s in slide.shapes}, (
        "no side-by-side slide: both designs at half size"
    )
    texts = "\n".join(_texts(s) for s in deck.slides)
    assert "checklist" not in texts  # the migration checklist is for kubenet -> Overlay only


def test_slides_refuses_unknown_format_and_both_comparisons(tmp_path):
    proc = aksdiag("slides", str(BYO), "-o", str(tmp_path / "r.key"))
    assert proc.returncode == 2 and ".pptx or .pdf" in proc.stderr
    proc = aksdiag("slides", str(BYO), "-o", str(tmp_path / "r.pptx"), "--compare", str(CNI), "--as", "overlay")
    assert proc.returncode == 2 and "not both" in proc.stderr
    assert not list(tmp_path.iterdir())


def test_a_comparison_shows_each_designs_overview_on_a_slide_of_its_own(pages):
    scenarios = [p for p in pages if p.kind == "picture" and p.picture.view == "scenario"]
    assert [p.title for p in scenarios] == [
        "Today: myAKSCluster · kubenet",
        "Proposed: myAKSCluster · Azure CNI Overlay",
    ]
    today, proposed = (p.picture for p in scenarios)
    assert today.svg != proposed.svg
    assert today.frame == proposed.frame and today.placement(960, 540) == proposed.placement(960, 540)
    assert "kubenet" in today.alt_text and "Azure CNI Overlay" in proposed.alt_text
    assert all(p.notes[0].startswith("Alt text: ") for p in scenarios)
    at = [i for i, p in enumerate(pages) if p.picture is not None and p.picture.view in ("scenario", "compare")]
    assert at == [at[0], at[0] + 1], "today then proposed, flipping between them"


def test_today_and_proposed_are_one_skeleton_on_the_slide(pdf_deck, pages):
    """Flipping between the two slides moves nothing that both designs have: every node label and
    the load balancer land at the same place on both pages of the PDF."""
    from pypdf import PdfReader

    reader = PdfReader(pdf_deck)
    at = [i for i, p in enumerate(pages) if p.kind == "picture" and p.picture.view == "scenario"]
    today, proposed = (
        {
            t: (round(x, 1), round(y, 1))
            for t, x, y, _ in _placed_texts(reader.pages[i])
            if t.startswith(("node", "loadbalancer"))
        }
        for i in at
    )
    # Labels on one baseline may come out of the PDF as one text run (cairosvg writes them so):
    # what counts is that the nodes and the load balancer are all there, and all in place.
    drawn = "".join(today)
    assert all(label in drawn for label in ("node0", "node1", "loadbalancer")), today
    assert today == proposed


def test_pdf_picture_pages_are_vector_and_views_read_in_a_room(pdf_deck, pages):
    """Every page is 960x540 pt; every picture page draws text, not only an image; the views'
    smallest address is 12 pt or more on that page (the room fit)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf_deck)
    assert len(reader.pages) == len(pages)
    for page, pdf_page in zip(pages, reader.pages):
        assert (float(pdf_page.mediabox.width), float(pdf_page.mediabox.height)) == (960, 540)
        if page.kind != "picture":
            continue
        assert not _images_only(pdf_page), page.title
        sizes = [size for text, _, _, size in _placed_texts(pdf_page) if ADDRESS.search(text)]
        assert sizes, f"{page.title}: no address drawn as text"
        if page.picture.view in ("overview", "addresses", "egress", "api"):
            assert min(sizes) >= 12, (page.title, round(min(sizes), 1))


def test_pptx_pictures_are_svg_with_a_png_fallback(deck):
    """As PowerPoint 2016+ stores a picture: the PNG as the blip, the SVG in its svgBlip extension."""
    from pptx.oxml.ns import qn

    from aksdiag.slides.pptx_writer import ASVG, SVG_EXT

    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) >= 6
    for pic in pictures:
        blip = pic._element.blipFill.find(qn("a:blip"))
        png = pic.part.related_part(blip.get(qn("r:embed")))
        assert png.content_type == "image/png" and png.blob.startswith(b"\x89PNG\r\n\x1a\n")
        [svg_blip] = [e.find(f"{{{ASVG}}}svgBlip") for e in blip.iter(qn("a:ext")) if e.get("uri") == SVG_EXT]
        svg = pic.part.related_part(svg_blip.get(qn("r:embed")))
        assert svg.content_type == "image/svg+xml" and str(svg.partname).endswith(".svg")
        assert b"<svg" in svg.blob[:500] and b"<text" in svg.blob and b"<mask" not in svg.blob
        w, h = _png_size(png.blob)
        assert abs(w / h - pic.width / pic.height) < 0.01, "the fallback has the picture's proportions"


def _png_size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(BytesIO(png)) as im:
        return im.size


def test_tables_fit_their_slide_and_a_run_of_routes_is_one_row(large_decks):
    from pptx import Presentation
    from pptx.util import Pt
    from pypdf import PdfReader

    pptx_path, pdf_path = large_decks
    deck = Presentation(str(pptx_path))
    changes = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            rows = shape.table.rows
            assert shape.top + sum(r.height for r in rows) <= deck.slide_height, slide.shapes.title.text
            sizes = {r.font.size for row in rows for c in row.cells for p in c.text_frame.paragraphs for r in p.runs}
            assert min(sizes) >= Pt(12), slide.shapes.title.text
            if slide.shapes.title.text.startswith("What changes"):
                changes += [[c.text for c in row.cells] for row in rows]
    assert ["60 pod routes 10.244.0.0/24 … 10.244.59.0/24", "removed"] in [r[:2] for r in changes]
    assert not any(r[0].startswith("route 10.244.") for r in changes), "routes one per row"
    assert len(changes) <= 2 * 20, "the comparison takes a slide or two, not ten"
    reader = PdfReader(pdf_path)
    for i, page in enumerate(reader.pages):
        for text, x, y, size in _placed_texts(page):
            assert 0 <= x < 960 and size * 0.3 < y < 540, (i + 1, text, x, y)


def test_a_table_breaks_long_names_after_hyphens_and_never_a_prefix_or_a_number():
    """A retail spoke's 50-character subnet names squeezed the address plan's columns until every
    prefix and count broke across lines ("10.42.0.0/2" over "0", "65,53" over "6"), in PowerPoint,
    LibreOffice and the PDF alike. Names break after their hyphens, as PowerPoint breaks them."""
    from aksdiag import api
    from aksdiag.slides.deck import plan_pages

    plan = api.plan(api.load(ROOT / "tests" / "designs" / "kubenet-hub-120-nodes.yaml"))
    pages = [p for p in plan_pages(plan) if p.table is not None]
    assert pages
    whole = re.compile(r"^[\d.,:/a-f]+$")
    broken_names = 0
    for page in pages:
        for texts, row in zip(page.rows, page.table.lines[1:], strict=True):
            for text, lines in zip(texts, row, strict=True):
                for word in text.split():
                    if whole.match(word) and any(ch.isdigit() for ch in word):
                        assert any(word in ln.split() for ln in lines), (word, lines)
                broken_names += sum(ln.endswith("-") for ln in lines)
    assert broken_names, "no long name was broken: the design no longer tests the squeeze"
