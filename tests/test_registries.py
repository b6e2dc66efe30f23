"""Each registry is complete and is the one list: models, views and output formats."""

from __future__ import annotations

import re

import pytest

from aksdiag.api.stages import Options, load_cluster, plan_cluster
from aksdiag.derive.network_models import PLANNERS
from aksdiag.derive.plan import ModelKey
from aksdiag.derive.profiles import PROFILES, select_model
from aksdiag.derive.resolve import model_key
from aksdiag.options import OutputFormat, View
from aksdiag.scene import BUILDERS

from .conftest import EXAMPLES, ROOT

GOLDENS = ROOT / "tests" / "__snapshots__" / "test_golden"


def _examples_by_model() -> dict[ModelKey, list[str]]:
    out: dict[ModelKey, list[str]] = {}
    for example in EXAMPLES:
        out.setdefault(model_key(load_cluster(example).spec), []).append(example.stem)
    return out


def _goldens(example: str) -> dict[View, bool]:
    names = {View.overview: f"test_example_d2_matches_golden[{example}].d2"}
    names.update({v: f"test_view_d2_matches_golden[{example}-{v.value}].d2" for v in View if v is not View.overview})
    return {view: (GOLDENS / name).is_file() for view, name in names.items()}


def missing_parts(key: ModelKey, examples: dict[ModelKey, list[str]]) -> list[str]:
    """What a network model lacks of its planner, profile, example, goldens and capacity figures."""
    missing = []
    if key not in PLANNERS:
        return ["planner (derive/network_models.py PLANNERS)"]
    profile = PROFILES.get(key)
    if profile is None or profile.key != key:
        missing.append("profile (derive/profiles.py PROFILES)")
        return missing
    if select_model(profile.network_plugin, profile.plugin_mode, profile.pod_subnets) != key:
        missing.append("a selection (network_plugin, plugin_mode, pod_subnets) no other model has")
    names = examples.get(key, [])
    if not names:
        missing.append("example in examples/")
        return missing
    for view, present in _goldens(names[0]).items():
        if not present:
            missing.append(f"golden of the {view.value} view of {names[0]}")
    plan = plan_cluster(load_cluster(ROOT / "examples" / f"{names[0]}.yaml"), Options())
    rows = [r for c in plan.capacity for r in c.rows if r.model == key.value and r.current]
    if not rows or plan.cluster_capacity is None or plan.cluster_capacity.nodes <= 0:
        missing.append("capacity figures (derive/capacity.py)")
    return missing


@pytest.fixture(scope="module")
def examples() -> dict[ModelKey, list[str]]:
    return _examples_by_model()


@pytest.mark.parametrize("key", list(ModelKey), ids=str)
def test_every_network_model_is_complete(key, examples):
    assert missing_parts(key, examples) == []


def test_completeness_fails_for_a_model_that_lacks_a_part(examples, monkeypatch):
    """The check above must be able to fail: take each part away from kubenet in turn."""
    key = ModelKey.kubenet
    monkeypatch.delitem(PLANNERS, key)
    assert missing_parts(key, examples) == ["planner (derive/network_models.py PLANNERS)"]
    monkeypatch.undo()
    assert missing_parts(key, {}) == ["example in examples/"]
    monkeypatch.setattr(f"{__name__}._goldens", lambda name: {View.egress: False})
    assert missing_parts(key, examples) == ["golden of the egress view of " + examples[key][0]]


def test_no_model_is_named_outside_its_profile_for_what_the_profile_knows():
    """Where pod IPs come from is the profile's fact: no tuple of model names decides it."""
    pairs = re.compile(r"ModelKey\.(kubenet|azure_cni_overlay)\s*,\s*ModelKey\.(kubenet|azure_cni_overlay)")
    for path in (ROOT / "src" / "aksdiag").rglob("*.py"):
        assert not pairs.search(path.read_text()), path
        assert not re.search(r'pods\.kind\s*(==|in)\s*\(?"', path.read_text()), path


def test_every_view_has_a_builder_and_the_cli_offers_it():
    from typer.testing import CliRunner

    from aksdiag.cli.app import app

    assert set(BUILDERS) == set(View)
    help_text = CliRunner().invoke(app, ["render", "--help"], terminal_width=200).output
    for view in View:
        assert view.value in help_text


def test_the_readme_names_every_view_and_format():
    readme = (ROOT / "README.md").read_text()
    for view in View:
        assert f"--view {view.value}" in readme or view is View.overview, view
    for fmt in OutputFormat:
        assert fmt.suffix in readme, fmt
