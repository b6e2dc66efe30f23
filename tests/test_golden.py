"""The generated D2 of every example, pinned as a readable golden (accept with `make snapshots`)."""

from __future__ import annotations

import pytest

from aksdiag.pipeline import Options, d2_source, load_cluster, plan_cluster

from .conftest import EXAMPLES, example_id


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_example_d2_matches_golden(example, golden):
    loaded = load_cluster(example)
    plan = plan_cluster(loaded, Options())
    assert d2_source(plan, Options(), source_name=example.name) == golden
