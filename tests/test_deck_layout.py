"""The deck's page layout without rendering: tables measured and split to fit a 960x540 pt slide,
runs of routes summarised, text wrapped to its column."""

from __future__ import annotations

import pytest

from aksdiag.api.stages import Options
from aksdiag.derive.as_model import TargetModel
from aksdiag.slides.deck import BODY_TOP, CELL_X, MARGIN, SLIDE_H, SLIDE_W, TABLE_PT, _chunks, change_rows, wrap
from aksdiag.slides.metrics import text_width

from .conftest import ROOT

HEADER = ("range", "prefix", "what lives there")


def _rows(n: int) -> list[tuple[str, ...]]:
    # Some rows short, some long enough to wrap over several lines, as a findings table has.
    return [
        (
            f"subnet snet-{i}-{'x' * (i % 7)}",
            f"10.{i}.0.0/16",
            ("pods: one /24 per node, shared by every subnet of the cluster " * (1 + i % 4)).strip(),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [1, 9, 40, 150])
def test_table_pages_hold_every_row_in_order_inside_the_slide(n):
    rows = _rows(n)
    pages = _chunks("Address plan", HEADER, rows, ())
    assert [r for p in pages for r in p.rows] == rows
    for p in pages:
        t = p.table
        assert t is not None and t.font >= min(TABLE_PT)
        assert BODY_TOP + sum(t.heights) <= SLIDE_H - MARGIN + 1e-6, p.title
        assert sum(t.widths) <= SLIDE_W - 2 * MARGIN + 1e-6
        assert len(t.heights) == len(p.rows) + 1
        for r, cells in enumerate(t.lines):
            for c, lines in enumerate(cells):
                for line in lines:
                    assert text_width(line, t.font, bold=r == 0) <= t.widths[c] - 2 * CELL_X + 1e-6, line
    if len(pages) > 1:
        assert pages[0].title == f"Address plan (1/{len(pages)})"


def test_a_cell_keeps_its_words_whole_and_in_order():
    pages = _chunks("t", HEADER, [("a", "fd11:1234:0:0:3b::/80", "removed planned nodes 10.244.119.0/24")], ())
    t = pages[0].table
    assert t is not None
    for c, lines in enumerate(t.lines[1]):
        assert " ".join(lines) == pages[0].rows[0][c]  # no word broken inside


def test_wrap_breaks_a_word_only_when_it_is_wider_than_the_line():
    assert wrap("10.244.0.0/24 10.244.1.0/24", 200, 12) == ["10.244.0.0/24 10.244.1.0/24"]
    assert wrap("10.244.0.0/24 10.244.1.0/24", 100, 12) == ["10.244.0.0/24", "10.244.1.0/24"]
    long = "x" * 40
    assert "".join(wrap(long, 50, 12)) == long
    assert all(text_width(line, 12) <= 50 for line in wrap(long, 50, 12))


def test_text_width_counts_glyphs_not_characters():
    assert text_width("mmmm", 12) > text_width("iiii", 12)
    assert text_width("node", 12, bold=True) > text_width("node", 12)
    assert text_width("→…", 12) >= text_width("ab", 12)  # outside ASCII: never narrower than it draws


def _review(nodes: int, tmp_path):
    from aksdiag.api.compare import review

    text = (ROOT / "examples" / "kubenet-byo-vnet.yaml").read_text()
    assert "count: 3" in text
    path = tmp_path / "c.yaml"
    path.write_text(text.replace("count: 3", f"count: {nodes}"))
    return review(path, None, TargetModel.overlay, Options())


def test_a_run_of_removed_routes_is_one_row(tmp_path):
    rv = _review(12, tmp_path)
    rows = change_rows(rv.comparison)
    routes = [r for r in rows if "route" in r[0] and r[0] != "route table"]
    first, last = sorted((r.prefix for r in rv.plan_a.route_table.routes), key=lambda p: p.network_address)[::11]
    assert routes == [(f"12 pod routes {first} … {last}", "removed", routes[0][2], "")], routes
    hops = sorted(r.next_hop_ip for r in rv.plan_a.route_table.routes)
    assert str(hops[0]) in routes[0][2] and str(hops[-1]) in routes[0][2] and "made by AKS" in routes[0][2]


def test_a_few_routes_stay_one_per_row(tmp_path):
    rv = _review(3, tmp_path)
    rows = change_rows(rv.comparison)
    assert sum(1 for r in rows if r[0].startswith("route 10.244.") and r[1] == "removed") == 3


def test_a_run_of_nodes_whose_pod_addresses_change_is_one_row(tmp_path):
    from aksdiag.api.compare import review

    text = (ROOT / "examples" / "kubenet-byo-vnet.yaml").read_text().replace("count: 3", "count: 12")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    rv = review(path, None, TargetModel.azure_cni, Options())
    per_node = [r for r in rv.comparison.differences if r.topic.value == "node-pod-block"]
    assert len(per_node) == 12
    rows = [r for r in change_rows(rv.comparison) if r[0].startswith("node's pod addresses")]
    assert len(rows) == 1 and rows[0][0].startswith("node's pod addresses: 12 nodes"), rows
    assert rows[0][2].startswith(per_node[0].before) and rows[0][2].endswith(per_node[-1].before)
