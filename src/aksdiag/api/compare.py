"""Design review: two plans (two files, or one file under another model), their comparison,
the kubenet -> Overlay checklist, and the compare diagram. Loading is `api`'s; the
logic is `derive`'s; this only runs the stages in order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .. import api
from ..compile.d2 import compile_d2
from ..d2.icons import IconSet
from ..d2.render_compare import render_compare_d2
from ..derive import AddressPlan, derive
from ..derive.as_model import Choice, TargetModel, as_model
from ..derive.compare import Comparison, compare
from ..derive.migration import Migration, to_overlay
from ..errors import InputError
from ..load import parse_field
from ..report.compare import choice_line
from ..scene.compare import COMPARE_NODES, build_compare_scene
from .stages import Loaded, Options, icon_files, plan_cluster


@dataclass(frozen=True)
class Review:
    before: Loaded
    after_spec_source: str  # the second file's name, or `--as MODEL`
    plan_a: AddressPlan
    plan_b: AddressPlan
    comparison: Comparison
    choices: tuple[Choice, ...]
    migration: Migration | None


def review(
    path_a: Path, path_b: Path | None, target: TargetModel | None, options: Options, *, cluster: str | None = None
) -> Review:
    """Two designs side by side; with neither a second file nor a model, a Terraform plan's
    cluster before and after the plan."""
    plan_change = path_b is None and target is None
    loaded_a = api.load(api.Source(path=path_a, cluster=cluster, side="before" if plan_change else "after")).loaded
    # A comparison shows what breaks AKS's rules as a finding on either side, rather than refusing.
    relaxed = Options(**{**options.__dict__, "draw_unsupported": True})
    plan_a = plan_cluster(loaded_a, relaxed)
    choices: tuple[Choice, ...] = ()
    if plan_change:
        loaded_b = api.load(api.Source(path=path_a, cluster=cluster, side="after")).loaded
        plan_b = plan_cluster(loaded_b, relaxed)
        label = f"{path_a.name} after the plan"
    elif path_b is not None:
        loaded_b = api.load(path_b).loaded
        plan_b = plan_cluster(loaded_b, relaxed)
        label = path_b.name
    else:
        assert target is not None
        try:
            spec_b, choices = as_model(loaded_a.spec, target)
        except InputError as exc:  # name the file the choice could not be made for
            problems = []
            for p in exc.problems:
                line, col = loaded_a.doc.locate(parse_field(p.field)) if p.field else (None, None)
                problems.append(replace(p, file=loaded_a.doc.name, line=line, column=col))
            raise InputError(problems) from None
        plan_b = derive(spec_b, allow_errors=True)
        label = f"--as {target.value}"
    comparison = compare(plan_a, plan_b)
    identity = loaded_a.spec.identity.type.value if loaded_a.spec.identity and loaded_a.spec.identity.type else None
    migration = to_overlay(plan_a, plan_b, loaded_a.spec.kubernetesVersion, identity)
    return Review(loaded_a, label, plan_a, plan_b, comparison, choices, migration)


def compare_d2(
    rv: Review, options: Options, *, scenarios: bool = False, portable: bool = True, nodes: int = COMPARE_NODES
) -> str:
    """`nodes`: how many of each side's nodes are drawn (a deck's slide reads better with two)."""
    icons = IconSet(options.icons)
    scene = build_compare_scene(
        rv.comparison,
        layout=options.layout,
        nodes=nodes,
        choices=tuple(choice_line(c) for c in rv.choices if c.why in ("needed", "kept")),
    )

    def icon_ref(name: str) -> str:
        path = icons.path(name)
        return f"icons/{name}{path.suffix}" if portable else str(path)

    return render_compare_d2(scene, icon_ref, scenarios=scenarios)


def compare_bytes(rv: Review, fmt: str, options: Options, *, scenarios: bool = False) -> bytes:
    if fmt == "d2":
        return compare_d2(rv, options, scenarios=scenarios, portable=False).encode()
    icons = IconSet(options.icons)
    return compile_d2(
        compare_d2(rv, options, scenarios=scenarios),
        fmt,
        icon_files(icons),
        timeout=options.timeout,
        png_engine=options.png_engine,
    )
