"""scene: AddressPlan -> one Scene per view, what to draw. Pure; words but no D2 syntax.

Ids are generated here (`n0`, `sn1`), so no input string ever becomes a D2 key. Each view
is its own module and fits one 16:9 slide; what a view cannot hold it summarises
(first..last ranges, "… 6 more pools") or leaves to another view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..derive.plan import AddressPlan
from ..options import ALL_VIEWS, FITS, VIEWS, Fit
from . import addresses, api, capacity, egress, overview
from .fit import Detail, poorer, shown, start
from .types import Edge, EdgeKind, Mark, Scene, Shape, ShapeKind, View

BUILDERS: dict[View, Callable[..., Scene]] = {
    View.overview: overview.build,
    View.addresses: addresses.build,
    View.egress: egress.build,
    View.capacity: capacity.build,
    View.api: api.build,
}

ALL = ALL_VIEWS
VIEW_NAMES = (*VIEWS, ALL)


def views_of(name: str) -> tuple[View, ...]:
    """The views a `--view` value names: one, or all of them in a fixed order."""
    return tuple(View) if name == ALL else (View(name),)


def compose(plan: AddressPlan, view: View | str = View.overview, *, fit: Fit | str = Fit.slide,
            max_nodes: int | None = None, layout: str = "elk", strict: float = 1.0) -> Scene:
    """The scene of one view as rich as reads where it is shown. From the fit's richest detail,
    while the estimated smallest address label misses the fit's target (times `strict`, which the
    render stage raises when d2's canvas came out larger than the estimate), take the one-knob-
    poorer detail that gains the most; the floors end the search. `max_nodes` is the most nodes
    drawn per pool (None: as many as the fit holds)."""
    fit = Fit(fit)
    build = BUILDERS[View(view)]
    target = FITS[fit].target * strict

    def make(d: Detail) -> Scene:
        return build(plan, detail=d, exact=max_nodes is not None, layout=layout)

    detail = start(fit, max_nodes)
    scene = make(detail)
    size = shown(fit, scene)
    while size < target:
        found = _best_step(detail, size, make, fit)
        if found is None:
            break  # nothing left to give up gains: the poorest this input allows
        size, detail, scene = found
    return scene


def _best_step(detail: Detail, size: float, make: Callable[[Detail], Scene], fit: Fit):
    """The one-knob step (up to three notches on that knob) that gains the most; when none gains,
    the best pair of first notches on two knobs (a summary made a line and fewer pools gain only
    together)."""
    best = None
    runs = poorer(detail)
    for run in runs:
        for d in run:
            s = make(d)
            gain = shown(fit, s)
            if gain > size * 1.001:
                if best is None or gain > best[0]:
                    best = (gain, d, s)
                break
    if best is not None:
        return best
    for i, first in enumerate(runs):
        for second in runs[i + 1:]:
            d = _merge(detail, first[0], second[0])
            s = make(d)
            gain = shown(fit, s)
            if gain > size * 1.001 and (best is None or gain > best[0]):
                best = (gain, d, s)
    return best


def _merge(base: Detail, a: Detail, b: Detail) -> Detail:
    changed = {k: v for k, v in vars(b).items() if v != getattr(base, k)}
    return replace(a, **changed)


def build_scene(plan: AddressPlan, view: View | str = View.overview, *, max_nodes: int | None = None,
                layout: str = "elk", fit: Fit | str = Fit.slide) -> Scene:
    """The scene of one view, composed for `fit` (see `compose`)."""
    return compose(plan, view, fit=fit, max_nodes=max_nodes, layout=layout)


__all__ = [
    "ALL",
    "Detail",
    "VIEW_NAMES",
    "Edge",
    "EdgeKind",
    "Mark",
    "Scene",
    "Shape",
    "ShapeKind",
    "View",
    "build_scene",
    "compose",
    "views_of",
]
