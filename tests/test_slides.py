"""The review deck: opened with python-pptx and pypdf, and every page read by OCR at 1920x1080."""

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
from .slide_ocr import ocr_lines, on_slide

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
    for needle in ("myAKSCluster: network design review", "Address plan", "192.168.1.0/24", "27,610",
                   "kubenet-retirement", "az aks update"):
        assert needle in text


def _drawn_addresses(view: str) -> set[str]:
    """The addresses a view's labels carry, read from its D2 source (labels are quoted strings)."""
    from aksdiag.api.stages import load_cluster, plan_cluster, render_views
    from aksdiag.scene import View

    if view == "scenario":  # the first is today's overview
        view = "overview"
    if view == "compare":
        from aksdiag.api.compare import compare_d2, review

        source = compare_d2(review(BYO, None, TargetModel.overlay, Options()), Options())
    else:
        plan = plan_cluster(load_cluster(BYO), Options())
        [(_, source)] = render_views(plan, (View(view),), Options(), source_name="x", tooltips=False)
    labels = re.findall(r'"((?:[^"\\]|\\.)*)"', source)
    return {a for label in labels if "icons/" not in label for a in ADDRESS.findall(label)}


def test_pages_read_at_1920x1080(pages):
    """OCR pages as they land on a slide: the title, the first table and list, the overview and the
    comparison pictures. (The other views are read by the views' own OCR test; OCR is the suite's
    slowest step, so each kind of page is read once.)"""
    import cairosvg

    chosen, seen = [], set()
    for page in pages:
        key = page.picture.view if page.kind == "picture" else page.kind
        if key not in seen and key not in ("addresses", "egress", "api"):
            seen.add(key)
            chosen.append(page)
    assert {"title", "table", "list", "overview", "compare", "scenario"} <= seen
    for i, page in enumerate(chosen):
        png = page.picture.png if page.kind == "picture" else cairosvg.svg2png(bytestring=page_svg(page))
        text = " ".join(ocr_lines(on_slide(png)))
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



def test_deck_with_compare_of_two_models_has_the_side_by_side_picture(tmp_path):
    from pptx import Presentation

    out = tmp_path / "r.pptx"
    proc = aksdiag("slides", str(BYO), "-o", str(out), "--compare", str(CNI))
    assert proc.returncode == 0, proc.stderr
    deck = Presentation(str(out))
    pictures = {s.name: s for slide in deck.slides for s in slide.shapes if s.shape_type == 13}
    assert "compare diagram" in pictures
    alt = pictures["compare diagram"]._element.nvPicPr.cNvPr.get("descr")
    assert "kubenet" in alt and "Azure CNI (node subnet)" in alt and "pod IPs come from: changed" in alt
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
    assert [p.title for p in scenarios] == ["Today: myAKSCluster · kubenet",
                                            "Proposed: myAKSCluster · Azure CNI Overlay"]
    today, proposed = (p.picture for p in scenarios)
    overview = next(p.picture for p in pages if p.picture is not None and p.picture.view == "overview")
    assert today.png == overview.png and proposed.png != today.png
    assert "kubenet" in today.alt_text and "Azure CNI Overlay" in proposed.alt_text
    assert all(p.notes[0].startswith("Alt text: ") for p in scenarios)
    at = [i for i, p in enumerate(pages) if p.picture is not None and p.picture.view in ("scenario", "compare")]
    assert at == [at[0], at[0] + 1, at[0] + 2], "today, proposed, then both side by side"
