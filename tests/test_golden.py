"""The generated D2 of every example, pinned as a readable golden (accept with `make snapshots`)."""

from __future__ import annotations

import pytest

from aksdiag.api.stages import Options, d2_source, load_cluster, plan_cluster
from aksdiag.options import View

from .conftest import EXAMPLES, example_id


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_example_d2_matches_golden(example, golden):
    loaded = load_cluster(example)
    plan = plan_cluster(loaded, Options())
    assert d2_source(plan, Options(), source_name=example.name) == golden


# Every other view of every example, one golden each: a label dropped from any view shows in a diff.
OTHER_VIEWS = [v for v in View if v is not View.overview]


@pytest.mark.parametrize("view", OTHER_VIEWS, ids=str)
@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_view_d2_matches_golden(example, view, golden):
    options = Options(view=view.value)
    plan = plan_cluster(load_cluster(example), options)
    assert d2_source(plan, options, source_name=example.name) == golden


@pytest.mark.parametrize("fit", ["slide", "docs", "room"])
def test_large_example_composed_for_each_fit_matches_golden(fit, golden):
    """What each fit draws of a 64-node cluster with a pod subnet per pool: every view, as layers."""
    example = EXAMPLES[0].parent / "pod-subnet-per-pool-large.yaml"
    plan = plan_cluster(load_cluster(example), Options())
    assert d2_source(plan, Options(view="all", fit=fit), source_name=example.name) == golden


# Comparisons, pinned as readable text: the table a reviewer reads and the D2 of both diagrams.

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from aksdiag.api.compare import compare_d2, review
from aksdiag.derive.as_model import TargetModel
from aksdiag.report.compare import render_table

from .conftest import ROOT


class MarkdownGolden(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "md"


COMPARISONS = {
    "kubenet-byo-vnet-as-overlay": ("kubenet-byo-vnet.yaml", None, TargetModel.overlay),
    "kubenet-byo-route-table-as-overlay": ("kubenet-byo-route-table.yaml", None, TargetModel.overlay),
    "kubenet-basic-as-pod-subnet": ("kubenet-basic.yaml", None, TargetModel.pod_subnet),
    "kubenet-byo-vnet-vs-azure-cni-node-subnet": ("kubenet-byo-vnet.yaml", "azure-cni-node-subnet.yaml", None),
}


def _review(name: str):
    a, b, target = COMPARISONS[name]
    return review(ROOT / "examples" / a, ROOT / "examples" / b if b else None, target, Options())


@pytest.mark.parametrize("name", COMPARISONS)
def test_compare_table_matches_golden(name, snapshot):
    rv = _review(name)
    text = render_table(rv.comparison, "markdown", choices=rv.choices, migration=rv.migration)
    assert text == snapshot.use_extension(MarkdownGolden)


@pytest.mark.parametrize("name", ["kubenet-byo-vnet-as-overlay", "kubenet-byo-vnet-vs-azure-cni-node-subnet"])
@pytest.mark.parametrize("scenarios", [False, True], ids=["side-by-side", "scenarios"])
def test_compare_d2_matches_golden(name, scenarios, golden):
    assert compare_d2(_review(name), Options(), scenarios=scenarios) == golden
