"""Fits: each view is composed for where it is shown. The words that make a label fit, the
composer's choices (what is summarised, what is left to the tooltip or the plan), and the
estimate it makes them from, held to d2's real canvas."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from aksdiag.api.stages import Options, d2_source, load_cluster, plan_cluster, render_d2
from aksdiag.options import FITS, Fit
from aksdiag.scene import BUILDERS, Detail, EdgeKind, ShapeKind, View, build_scene
from aksdiag.scene.fit import RICHEST, after_hyphens, scene_size, short, short_id, wrap

from .conftest import ROOT

EX = ROOT / "examples"
TESTS = ROOT / "tests"
LARGE = EX / "pod-subnet-per-pool-large.yaml"
ZONE = (
    "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-hub-private-dns-zones-prod-weu-001"
    "/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io"
)


def _plan(path, **changes):
    return plan_cluster(load_cluster(path), Options(**changes))


def test_a_long_name_keeps_its_start_and_end_within_the_limit():
    name = "snet-contoso-payments-platform-prod-westeurope-aks-nodes-system-and-user-001"
    for limit in (16, 24, 40):
        got = short(name, limit)
        assert len(got) <= limit and got.startswith("snet-") and got.endswith("001") and "…" in got
    assert short("nodes", 16) == "nodes"


def test_a_resource_id_is_named_by_its_last_segment():
    assert short_id(ZONE) == "privatelink.westeurope.azmk8s.io"
    assert short_id("system") == "system"


def test_wrap_never_leaves_a_line_longer_than_asked():
    text = " · ".join(
        ["VNet 10.60.0.0/16, fd00:60::/48", "pod CIDR 10.244.0.0/16, fd11:1234::/64", "x" * 90, "outbound loadBalancer"]
    )
    for width in (30, 50, 80):
        lines = wrap(text, width).split("\n")
        assert max(len(ln) for ln in lines) <= width, lines
        assert "outbound loadBalancer" in lines[-1]
    assert wrap("a b c", 80) == "a b c"  # words keep their spaces


def test_a_name_breaks_after_its_hyphens_and_nowhere_else():
    name = "vnet-tailspin-telemetry-staging-francecentral"
    broken = after_hyphens(name, 20)
    assert broken == "vnet-tailspin-\ntelemetry-staging-\nfrancecentral"
    assert broken.replace("\n", "") == name  # every character drawn, in order
    assert after_hyphens(name, 80) == name
    assert after_hyphens("vnet-" + "x" * 40, 16) == "vnet-\n" + "x" * 40  # the caller shortens it


def test_max_nodes_two_on_a_three_node_pool_draws_two():
    plan = _plan(EX / "kubenet-basic.yaml")
    assert len(plan.pools[0].nodes) == 3
    for view in (View.addresses, View.overview):
        scene = build_scene(plan, view, max_nodes=2)
        nodes = [s for _, s in scene.walk() if s.kind == ShapeKind.node]
        assert len(nodes) == 2, view
        text = " ".join(s.label for _, s in scene.walk())
        assert "… 1 more nodes" in text or "1 more node" in text, view


def test_summarised_pools_name_their_pod_subnet():
    plan = _plan(LARGE)
    scene = BUILDERS[View.addresses](plan, detail=replace(RICHEST[Fit.slide], pools=1), layout="elk")
    summary = next(s for _, s in scene.walk() if s.id == "morepools")
    assert "2 more pools" in summary.label and "pods from 2 pod subnets" in summary.label
    scene = BUILDERS[View.overview](plan, detail=RICHEST[Fit.slide], layout="elk")
    compact = [s for _, s in scene.walk() if s.kind == ShapeKind.pool and not s.children]
    assert compact and all("pods from pod subnet snet-aks-pods-" in s.label for s in compact)


def test_a_private_dns_zone_id_is_named_by_its_name_with_the_id_in_the_tooltip_and_the_plan(tmp_path):
    from aksdiag.report.plan_table import markdown

    doc = (EX / "private-cluster.yaml").read_text().replace("privateDNSZone: system", f"privateDNSZone: {ZONE}")
    path = tmp_path / "private.yaml"
    path.write_text(doc)
    plan = _plan(path)
    scene = build_scene(plan, View.api)
    zone = next(s for _, s in scene.walk() if s.id == "dnszone")
    assert "privatelink.westeurope.azmk8s.io" in zone.label
    assert not any("/subscriptions/" in s.label for _, s in scene.walk())
    assert zone.tooltip == ZONE
    assert ZONE in markdown(plan)


def test_hover_marks_only_where_a_browser_shows_the_svg():
    plan = _plan(EX / "kubenet-basic.yaml")
    assert "tooltip:" in d2_source(plan, Options(fit=Fit.slide), source_name="x")
    for fit in (Fit.docs, Fit.room):
        assert "tooltip:" not in d2_source(plan, Options(fit=fit), source_name="x"), fit


def test_grids_are_read_row_by_row():
    # d2 fills a grid given only its columns column by column (node 0, 2 / 1, 3 ...): every
    # grid of nodes says its rows too.
    scene = build_scene(_plan(LARGE), View.addresses)
    grids = [s for _, s in scene.walk() if s.columns and any(c.kind == ShapeKind.node for c in s.children)]
    assert grids
    for g in grids:
        assert g.rows == -(-len(g.children) // g.columns), g.id
    text = render_d2(scene, lambda name: f"icons/{name}.svg")
    assert re.search(r"grid-rows: \d+\n\s*grid-columns: \d+", text)


@pytest.mark.parametrize("fit", list(Fit))
def test_each_fit_composes_within_its_frame_by_the_estimate(fit):
    """The composer's promise, on the estimate: the large example's views are estimated to meet the
    fit's target (the render stage's measured check is in test_legibility)."""
    plan = _plan(LARGE)
    for view in View:
        scene = build_scene(plan, view, fit=fit)
        frame = FITS[fit]
        shown = frame.shown(scene_size(scene), 22)
        assert shown >= frame.target, (view, round(shown, 1))


def test_docs_is_portrait_and_slide_is_not():
    plan = _plan(LARGE)
    assert build_scene(plan, View.egress, fit=Fit.docs).direction == "down"
    assert build_scene(plan, View.egress, fit=Fit.slide).direction == "right"


@pytest.mark.slow
@pytest.mark.parametrize("view", [View.overview, View.addresses])
def test_the_estimate_is_near_d2s_canvas(view):
    """The composer decides from the estimate: within a fifth of what d2 lays out."""
    from aksdiag.api.stages import _icon_ref, icon_files
    from aksdiag.compile.d2 import compile_d2
    from aksdiag.compile.raster import svg_size
    from aksdiag.d2.icons import IconSet

    icons = IconSet(None)
    for path in (EX / "kubenet-basic.yaml", LARGE):
        scene = build_scene(_plan(path), view)
        real = svg_size(
            compile_d2(render_d2(scene, _icon_ref(icons, True), tooltips=False), "svg", icon_files(icons), timeout=120)
        )
        est = scene_size(scene)
        assert 0.8 < est[0] / real[0] < 1.2 and 0.8 < est[1] / real[1] < 1.2, (path.name, est, real)


def test_pdf_path_numbers_reach_d2_as_text_its_fonts_hold(monkeypatch):
    """cairosvg has no fallback font for ①: the D2 text for a PDF says (1), so d2 embeds the brackets."""
    from aksdiag.api import stages

    seen: list[str] = []

    def compile_d2(source, fmt, *args, **kwargs):
        seen.append(source)
        return b"%PDF" if fmt == "pdf" else b'<svg viewBox="0 0 100 100"></svg>'

    monkeypatch.setattr(stages, "compile_d2", compile_d2)
    monkeypatch.setattr(stages, "TRUSTED_MARGIN", 0.0)  # no measuring compile: only the pages reach d2
    plan = _plan(EX / "kubenet-basic.yaml")
    stages.render_bytes(plan, "pdf", Options(), source_name="x")
    assert seen and "(1)" in seen[-1] and "①" not in seen[-1]
    seen.clear()
    import contextlib

    monkeypatch.setattr("aksdiag.compile.pdf.pdf_renderer", lambda **kw: contextlib.nullcontext(lambda svgs: b"%PDF"))
    stages.render_bytes(plan, "pdf", Options(view="all"), source_name="x")
    assert len(seen) == len(View) and not any("①" in s for s in seen)


def test_a_detail_bounds_what_it_draws():
    # The poorest detail any fit reaches draws one pool, one subnet and shortened names: its
    # size does not grow with the cluster.
    poor = Detail(
        nodes=1,
        per_row=1,
        pools=1,
        subnets=1,
        rows=1,
        tables=1,
        name=16,
        line=40,
        stack=True,
        terse=True,
        inline=True,
        subtitle=False,
        focus=True,
    )
    sizes = []
    for path in (EX / "kubenet-basic.yaml", LARGE, EX / "multi-pool-windows.yaml"):
        plan = _plan(path)
        sizes.append(scene_size(BUILDERS[View.addresses](plan, detail=poor, layout="elk")))
    assert max(w for w, _ in sizes) < 1.6 * min(w for w, _ in sizes)


def test_a_calibration_that_says_elk_draws_wider_makes_the_picture_narrower():
    """The render stage passes what d2 measured against the estimate, per side: a picture elk laid
    out wider than estimated must give on its width, not its height (a 120-node kubenet spoke with a
    hub measured 3195x1484 where 2743x1927 was estimated, and the height gave)."""
    from aksdiag.scene import compose

    plan = _plan(LARGE)
    plain = compose(plan, View.overview, fit=Fit.slide)
    wide = compose(plan, View.overview, fit=Fit.slide, calibration=(1.6, 1.0))
    tall = compose(plan, View.overview, fit=Fit.slide, calibration=(1.0, 1.6))
    (pw, ph), (ww, _), (_, th) = scene_size(plain), scene_size(wide), scene_size(tall)
    assert ww < pw and th < ph
    frame = FITS[Fit.slide]
    # Each meets the target as calibrated, or is the poorest the input allows.
    assert frame.shown((ww * 1.6, scene_size(wide)[1]), 22) >= frame.target


@pytest.mark.parametrize("fit", list(Fit))
def test_alternatives_are_one_composition_per_layout(fit):
    """What the render stage measures when the composition it chose misses: the same search with
    the layout held, stacked or not, the way out across or down, and only in the room one topic."""
    from aksdiag.scene import alternatives

    plan = _plan(TESTS / "designs" / "landing-zone-spoke.yaml")
    found = alternatives(plan, View.overview, fit=fit)
    assert len(found) >= 2
    assert all(a != b for i, a in enumerate(found) for b in found[i + 1 :])
    assert {s.direction for s in found} == {"right", "down"}
    way_out = {EdgeKind.snat, EdgeKind.egress, EdgeKind.control}
    focused = [s for s in found if not any(e.kind in way_out for e in s.edges)]
    assert bool(focused) == (fit == Fit.room)
    frame = FITS[fit]
    rates = [frame.shown(scene_size(s), 22) for s in found]
    assert rates == sorted(rates, reverse=True)


def test_inline_a_pool_of_three_can_show_two_nodes_and_a_line():
    """A summary box of one node is as large as the node, so it is drawn instead; a summary line of
    the pool's label is not, so with summaries inline two nodes and a line may be drawn."""
    plan = _plan(EX / "kubenet-basic.yaml")
    detail = replace(RICHEST[Fit.room], nodes=2, inline=True)
    scene = BUILDERS[View.overview](plan, detail=detail, layout="elk")
    nodes = [s for _, s in scene.walk() if s.kind == ShapeKind.node]
    assert len(nodes) == 2
    holders = [s for _, s in scene.walk() if "1 more node" in s.label]
    assert holders and all(s.kind != ShapeKind.more for s in holders)
    boxed = BUILDERS[View.overview](plan, detail=replace(detail, inline=False), layout="elk")
    assert len([s for _, s in boxed.walk() if s.kind == ShapeKind.node]) == 3


def test_one_more_subnet_is_said_in_the_singular_with_its_prefix_once():
    from aksdiag.scene.parts import more_subnets_label

    plan = _plan(EX / "kubenet-byo-vnet.yaml")
    one = more_subnets_label(plan.subnets[:1])
    assert one == f"… 1 more subnet\n{plan.subnets[0].prefix}"
    if len(plan.subnets) > 1:
        two = more_subnets_label(plan.subnets[:2])
        assert two.startswith("… 2 more subnets\n") and " … " in two


def test_terse_the_peering_line_is_not_named_and_the_hub_names_it():
    """elk makes the gap between the spoke and the hub as wide as the peering's label (a landing
    zone's room egress view: 1806 px wide, 11.7 pt); terse, the line says "peering" and its state,
    and the peering's name is in the hub's tooltip, so it is still said where it can be."""
    plan = _plan(EX / "hub-spoke-firewall.yaml")
    peering = plan.network.hub.peering
    assert peering
    for terse in (False, True):
        detail = replace(RICHEST[Fit.room], terse=terse)
        scene = BUILDERS[View.egress](plan, detail=detail, layout="elk")
        edge = next(e for e in scene.edges if e.kind == EdgeKind.peering and "peering" in e.label)
        hub = next(s for _, s in scene.walk() if s.id == "hub")
        named = short(peering, detail.name).split("…")[0] in edge.label
        assert named != terse, edge.label
        assert (f"peering {peering}" in (hub.tooltip or "")) == terse


def test_the_overview_may_leave_the_api_server_to_its_view_and_says_so():
    """On a page elk puts the API server beside the hub, which widens the picture by itself: the
    composer may leave it to the api view, and the notes then say where it is."""
    plan = _plan(TESTS / "designs" / "landing-zone-spoke.yaml")
    for api in (True, False):
        scene = BUILDERS[View.overview](plan, detail=replace(RICHEST[Fit.docs], api=api), layout="elk")
        drawn = any(s.kind == ShapeKind.api for _, s in scene.walk())
        lines = any(e.kind == EdgeKind.control for e in scene.edges)
        assert drawn == lines == api
        assert ("the API server: the api view" in " ".join(scene.notes)) != api


def test_on_a_page_the_way_out_leaves_from_the_left_column():
    """elk puts the hub (or the load balancer) under the node the way out leaves: from the right
    column it widened a landing zone's page by half the hub (10.9 px in an 800 px column)."""
    plan = _plan(LARGE)
    scene = BUILDERS[View.overview](plan, detail=RICHEST[Fit.docs], layout="elk")
    pool = next(s for _, s in scene.walk() if s.kind == ShapeKind.node and s.label.split()[:2] == ["node", "1"])
    way_out = [e for e in scene.edges if e.kind in (EdgeKind.egress, EdgeKind.snat) and e.dst == "out"]
    assert way_out and all(e.src.endswith(f".{pool.id}") for e in way_out), way_out


def test_on_a_page_a_nodes_address_has_a_line_of_its_own():
    """A pod path from the node above comes down a node's middle: through a one-line label it
    crossed the address (OCR of the BYO CNI example's docs picture lost 10.40.1.5)."""
    plan = _plan(EX / "byo-cni-cilium.yaml")
    for fit, stacked in ((Fit.docs, True), (Fit.slide, False)):
        scene = BUILDERS[View.overview](plan, detail=RICHEST[fit], layout="elk")
        labels = [s.label for _, s in scene.walk() if s.kind == ShapeKind.node]
        assert labels and all(("\n" in lb) == stacked for lb in labels), labels


def test_notes_of_a_landscape_picture_keep_a_line_of_their_own_width():
    """The notes sit under a landscape drawing, beside the legend, where the drawing leaves them the
    width: wrapped at a label's 40 characters they made a room slide's footer seven lines tall (a
    generated dual-stack kubenet spoke's egress view, 11.5 pt). On a page they follow the line."""
    from aksdiag.scene.fit import NOTE_LINE

    plan = _plan(TESTS / "designs" / "landing-zone-spoke.yaml")
    for portrait in (False, True):
        detail = replace(RICHEST[Fit.room], line=40, portrait=portrait, stack=portrait)
        scene = BUILDERS[View.egress](plan, detail=detail, layout="elk")
        longest = max(len(ln) for n in scene.notes for ln in n.split("\n"))
        assert (longest > 40) != portrait and longest <= (40 if portrait else NOTE_LINE), longest
        # The title above it too: 40 px type, so its lines hold 22/40 of the notes' characters.
        title = max(len(ln) for ln in scene.title.split("\n"))
        assert title <= (40 if portrait else NOTE_LINE) * 22 // 40 and (title > 40 * 22 // 40) != portrait, title


def test_column_sets_the_docs_frame_and_is_checked(tmp_path):
    """A site whose column is not 800 px says so (`--column`, the plugin's and the extension's
    `column`): the large example composed for 800 px reads at 10.2 px in mkdocs-material's 688 px
    column beside its table of contents; composed for 688, at 11 or more."""
    from aksdiag.errors import InputError
    from aksdiag.options import Options

    from .conftest import cli
    from .legibility import measure_svg

    assert Options(fit=Fit.docs, column=688).frame().width == 688
    assert Options(fit=Fit.slide, column=688).frame() == FITS[Fit.slide]
    with pytest.raises(InputError, match="column"):
        Options(column=50)
    shown = {}
    for column in (None, 688):
        out = tmp_path / f"{column}.svg"
        args = ["render", str(LARGE), "--fit", "docs", "-o", str(out)] + (["--column", str(column)] if column else [])
        assert cli(*args).returncode == 0
        m = measure_svg(out.read_text())
        shown[column] = m["min_addr_font"] * min(1.0, 688 / m["w"])
    assert shown[688] >= 11 > shown[None], shown
