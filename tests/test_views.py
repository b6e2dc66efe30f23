"""Views: each says one thing, the addresses view holds every address of a small cluster,
edges never enter grid cells, the legend lists what is drawn, big clusters still render."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest

from aksdiag.api.stages import (
    Options,
    d2_source,
    load_cluster,
    plan_cluster,
    render_bytes,
)
from aksdiag.scene import View, build_scene

from .conftest import EXAMPLES, ROOT, cli, example_id
from .ocr import drawn_addresses

EX = ROOT / "examples"


def _plan(path: Path):
    return plan_cluster(load_cluster(path), Options())


def test_addresses_view_of_a_three_node_kubenet_cluster_has_every_address():
    plan = _plan(EX / "kubenet-basic.yaml")
    assert len(plan.nodes) == 3
    text = d2_source(plan, Options(view="addresses"), source_name="kubenet-basic.yaml")
    for node in plan.nodes:
        assert str(node.ips[0]) in text, node.name
        assert f"pods {node.pod_blocks[0]}" in text, node.name
    assert plan.route_table is not None and len(plan.route_table.routes) == 3
    for route in plan.route_table.routes:
        assert f"{route.prefix} → VirtualAppliance {route.next_hop_ip}" in text  # as az prints the route
        assert route.name in text  # the full name, as the route's tooltip


def test_summarised_dual_stack_routes_give_the_span_of_each_family():
    # A dual-stack route table interleaves each node's IPv4 and IPv6 route: the summary of the
    # routes not drawn names both families' first and last prefix, not the IPv6 ones alone.
    from aksdiag.scene.addresses import _routes
    from aksdiag.scene.fit import Detail

    plan = _plan(EX / "kubenet-dual-stack.yaml")
    assert plan.route_table is not None
    table = _routes(plan, 2, Detail(line=200))
    assert table is not None
    summary = next(row.label for row in table.children if row.id == "rmore")
    hidden = [r for r in plan.route_table.routes if r.origin == "aks"][1:]
    v4 = [str(r.prefix) for r in hidden if r.prefix.version == 4]
    v6 = [str(r.prefix) for r in hidden if r.prefix.version == 6]
    assert v4 and v6

    def span(prefixes: list[str]) -> str:
        return prefixes[0] if len(prefixes) == 1 else f"{prefixes[0]} – {prefixes[-1]}"

    assert summary == f"… {len(hidden)} more node routes\n{span(v4)} · {span(v6)}"


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_no_edge_enters_a_grid(example):
    """d2 draws an edge into a grid cell as a straight centre line across the drawing."""
    plan = _plan(example)
    for view in View:
        scene = build_scene(plan, view)
        grids = {path for path, shape in scene.walk() if shape.columns}
        paths = {path for path, _ in scene.walk()}
        for edge in scene.edges:
            for end in (edge.src, edge.dst):
                assert end in paths, f"{view}: {end} is not drawn"
                parents = {end.rsplit(".", k)[0] for k in range(1, end.count(".") + 1)}
                assert not parents & grids, f"{view}: {edge} enters grid {parents & grids}"


def _legend_and_edge_classes(text: str) -> tuple[set[str], set[str]]:
    body, _, footer = text.partition('\nfooter: "" {')
    drawn = set(re.findall(r" (?:->|--) \S+: .*\{ class: (\w+) \}", body))
    legend = set(re.findall(r"_a (?:->|--) \w+_b: \"\" \{ class: (\w+) \}", footer))
    return drawn, legend


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_legend_lists_exactly_the_edge_kinds_drawn(example):
    plan = _plan(example)
    for view in View:
        text = d2_source(plan, Options(view=view.value), source_name=example.name)
        drawn, legend = _legend_and_edge_classes(text)
        assert legend == drawn, view


def test_all_views_are_layers_of_one_d2_file():
    plan = _plan(EX / "kubenet-basic.yaml")
    text = d2_source(plan, Options(view="all"), source_name="kubenet-basic.yaml")
    assert "\nlayers: {" in text
    for view in ("addresses", "egress", "capacity", "api"):
        assert f"\n  {view}: {{" in text


def test_overview_draws_the_numbered_pod_path_and_each_egress_hop():
    plan = _plan(EX / "kubenet-basic.yaml")
    scene = build_scene(plan, View.overview)
    labels = [e.label for e in scene.edges]
    assert labels[:2] == ["①", "②"]  # pod -> route table -> the other node's pods
    assert scene.edges[0].src.endswith(".pods") and scene.edges[1].dst.endswith(".pods")
    # The route table sits between the path's two nodes, inside their subnet: the path reads forward.
    assert (
        scene.edges[0].dst == scene.edges[1].src
        and scene.edges[0].dst.rsplit(".", 1)[0] == scene.edges[0].src.rsplit(".", 2)[0]
    )
    # The way out starts at the path's second node (10.224.0.5), the far end from node 0.
    assert "③ source 10.224.0.5 (node IP)" in labels and "④ source: LB public IP" in labels
    assert not any(e.src == "internet" for e in scene.edges)  # no inbound edge closing a cycle
    assert len(scene.notes) <= 2


def _big(tmp_path: Path, pools: list[int]) -> Path:
    listed = "\n".join(f"  - name: pool{i}\n    count: {n}" for i, n in enumerate(pools))
    path = tmp_path / "big.yaml"
    path.write_text(f"""name: big
networkProfile:
  networkPlugin: azure
  networkPluginMode: overlay
  podCidr: 10.128.0.0/9
vnet:
  name: vnet-big
  addressPrefixes: [10.1.0.0/16]
  subnets:
    - name: nodes
      addressPrefix: 10.1.0.0/20
nodePools:
{listed}
""")
    return path


def _svg_size(svg: bytes) -> tuple[float, float]:
    w, h = re.search(rb'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) ([0-9.]+)"', svg).groups()
    return float(w), float(h)


@pytest.mark.parametrize("pools", [[400], [100] * 10], ids=["400-nodes", "10-pools-of-100"])
def test_big_clusters_render_every_view_slide_sized(tmp_path, pools):
    plan = _plan(_big(tmp_path, pools))
    assert len(plan.nodes) == 400 if len(pools) == 1 else 1000
    for view in View:
        svg = render_bytes(plan, "svg", Options(view=view.value), source_name="big.yaml")
        w, h = _svg_size(svg)
        assert w < 4500 and h < 2600, (view, w, h)  # summarised, not 400 boxes tall
    text = d2_source(plan, Options(), source_name="big.yaml")
    assert "more nodes" in text
    if len(pools) > 1:
        hidden = re.search(r"… (\d+) more pools · ([\d,]+) nodes", text)
        assert hidden and int(hidden[2].replace(",", "")) == 100 * int(hidden[1]), "the summary counts what it hides"


def test_big_cluster_png_renders(tmp_path):
    plan = _plan(_big(tmp_path, [400]))
    png = render_bytes(plan, "png", Options(), source_name="big.yaml")
    assert png.startswith(b"\x89PNG")


def _aksdiag(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    # In this process (conftest.cli): these cases test what the command does, not the process around it.
    return cli(*args, cwd=cwd)


def test_view_all_writes_one_picture_per_view(tmp_path):
    out = tmp_path / "x.svg"
    run = _aksdiag("render", str(EX / "kubenet-basic.yaml"), "--view", "all", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert not out.exists()
    for view in View:
        svg = (tmp_path / f"x.{view.value}.svg").read_text()
        assert svg.startswith("<?xml") or "<svg" in svg[:200], view
    # Each file is its own view, not five copies of one.
    assert (tmp_path / "x.egress.svg").read_bytes() != (tmp_path / "x.api.svg").read_bytes()


def test_the_default_output_name_carries_the_view(tmp_path):
    cluster = tmp_path / "cluster.yaml"
    cluster.write_bytes((EX / "kubenet-basic.yaml").read_bytes())
    for view in ("addresses", "egress"):
        run = _aksdiag("render", str(cluster), "--view", view)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / f"cluster.{view}.svg").exists()
    assert not (tmp_path / "cluster.svg").exists()  # one view never overwrites another


def test_all_views_as_pdf_pages(pdf_engine):
    from pypdf import PdfReader

    plan = _plan(EX / "kubenet-basic.yaml")
    pdf = render_bytes(plan, "pdf", Options(view="all"), source_name="kubenet-basic.yaml")
    pages = PdfReader(BytesIO(pdf)).pages
    assert len(pages) == len(View)
    for view, page in zip(View, pages, strict=True):
        svg = render_bytes(plan, "svg", Options(view=view.value), source_name="kubenet-basic.yaml")
        text = page.extract_text()  # once a page: pypdf parses the page's fonts at each call
        missing = sorted(a for a in drawn_addresses(svg) if a not in text)
        assert not missing, (view, missing)


def test_on_premises_networks_past_the_second_are_named_not_dropped(tmp_path):
    import yaml

    from aksdiag import api

    doc = yaml.safe_load((EX / "hub-spoke-firewall.yaml").read_text())
    doc["connectedNetworks"] += [
        {"name": "branch-lisbon", "kind": "vpn", "addressPrefixes": ["10.101.0.0/16"]},
        {"name": "branch-oslo", "kind": "vpn", "addressPrefixes": ["10.102.0.0/16"]},
    ]
    doc["hub"]["gateways"].append({"name": "vpngw-hub", "kind": "vpn"})
    path = tmp_path / "three.yaml"
    path.write_text(yaml.safe_dump(doc))
    text = api.render(path, formats=("d2",)).outputs["d2"].decode()
    assert "on-premises datacenter" in text and "on-premises branch-lisbon" in text
    assert "… 1 more on-premises network: branch-oslo" in text
