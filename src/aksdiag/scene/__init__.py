"""scene: AddressPlan -> one Scene per view, what to draw. Pure; words but no D2 syntax.

Ids are generated here (`n0`, `sn1`), so no input string ever becomes a D2 key. Each view
is its own module and fits one 16:9 slide; what a view cannot hold it summarises
(first..last ranges, "… 6 more pools") or leaves to another view.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from ..derive.plan import AddressPlan
from ..options import ALL_VIEWS, FITS, VIEWS, Fit, Frame
from . import addresses, api, capacity, egress, overview
from .fit import ADDRESS_FONT, COST, Detail, poorer, scene_size, start
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


def compose(
    plan: AddressPlan,
    view: View | str = View.overview,
    *,
    fit: Fit | str = Fit.slide,
    max_nodes: int | None = None,
    layout: str = "elk",
    strict: float = 1.0,
    calibration: tuple[float, float] = (1.0, 1.0),
    frame: Frame | None = None,
) -> Scene:
    """The scene of one view as rich as reads where it is shown. From the fit's richest detail,
    while the estimated smallest address label misses the fit's target (times `strict`), take the
    one-knob-poorer detail that gains the most; the floors end the search. `calibration` scales the
    estimate's width and height: the render stage passes what d2's canvas measured against the
    estimate, so that a picture elk laid out wider and lower than estimated is made narrower, not
    lower. `max_nodes` is the most nodes drawn per pool (None: as many as the fit holds). `frame`:
    where it is shown, when not the fit's own (`Options.frame`: a site's docs column)."""
    fit = Fit(fit)
    frame = frame or FITS[fit]
    target = frame.target * strict
    make, rate = _makers(plan, View(view), frame, max_nodes, layout, calibration)
    first = start(fit, max_nodes)
    size, scene = _search(first, target, make, rate, fit)
    if size < target:
        # The steps are taken one at a time, so a switch of layout that gained early (the way out
        # stacked under the VNet) may leave a picture bound by its other side, where shorter names
        # would have met the target side by side. The same search with the layout held.
        held_size, held = _search(first, target, make, rate, fit, hold=("stack",))
        if held_size > size:
            size, scene = held_size, held
    return scene


# The layouts `alternatives` holds while it searches: (stack, portrait, focus); portrait is drawn stacked.
_LAYOUTS = ((False, False, False), (True, False, False), (True, True, False))


def alternatives(
    plan: AddressPlan,
    view: View | str = View.overview,
    *,
    fit: Fit | str = Fit.slide,
    max_nodes: int | None = None,
    layout: str = "elk",
    frame: Frame | None = None,
) -> list[Scene]:
    """The view composed once per layout (side by side, stacked, the way out drawn downwards; in
    the room also one topic per picture), each by the same search with its layout held; best
    estimate first. The estimate is of boxes, not of elk's placement: where the composition
    `compose` chose measures short of the target, the render stage measures these too."""
    fit = Fit(fit)
    frame = frame or FITS[fit]
    make, rate = _makers(plan, View(view), frame, max_nodes, layout)
    layouts = _LAYOUTS + (tuple((st, pt, True) for st, pt, _ in _LAYOUTS) if fit == Fit.room else ())
    found: list[tuple[float, Scene]] = []
    for stack, portrait, focus in layouts:
        first = replace(start(fit, max_nodes), stack=stack, portrait=portrait, focus=focus)
        size, scene = _search(first, frame.target, make, rate, fit, hold=("stack", "portrait", "focus"))
        if all(scene != other for _, other in found):
            found.append((size, scene))
    return [scene for _, scene in sorted(found, key=lambda f: -f[0])]


def _makers(
    plan: AddressPlan,
    view: View,
    frame: Frame,
    max_nodes: int | None,
    layout: str,
    calibration: tuple[float, float] = (1.0, 1.0),
) -> tuple[Callable[[Detail], Scene], Rate]:
    """A view's builder, each detail built once, and the estimate of how a scene reads in the frame."""
    build = BUILDERS[view]
    kx, ky = calibration

    def rate(scene: Scene) -> float:
        w, h = scene_size(scene)
        return frame.shown((w * kx, h * ky), ADDRESS_FONT)

    made: dict[Detail, Scene] = {}

    def make(d: Detail) -> Scene:
        # The searches meet the same details again (the held search retraces the first; a pair
        # repeats a single): each is built once.
        if d not in made:
            made[d] = build(plan, detail=d, exact=max_nodes is not None, layout=layout)
        return made[d]

    return make, rate


Rate = Callable[[Scene], float]


def _search(
    detail: Detail, target: float, make: Callable[[Detail], Scene], rate: Rate, fit: Fit, hold: tuple[str, ...] = ()
) -> tuple[float, Scene]:
    scene = make(detail)
    size = rate(scene)
    while size < target:
        found = _best_step(detail, size, make, rate, fit, hold)
        if found is None:
            break  # nothing left to give up gains: the poorest this input allows
        size, detail, scene = found
    return size, scene


def _best_step(
    detail: Detail, size: float, make: Callable[[Detail], Scene], rate: Rate, fit: Fit, hold: tuple[str, ...] = ()
) -> tuple[float, Detail, Scene] | None:
    """The step that gains the most for what it gives up (`fit.COST`): one knob, up to three notches
    on it; when none gains, the best pair: any notch of one knob with the first of another (a
    summary made a line and fewer pools gain only together)."""
    best = _Best(size, make, rate, fit)
    runs = [run for run in poorer(detail) if all(getattr(d, k) == getattr(detail, k) for d in run for k in hold)]
    _consider_singles(best, detail, runs)
    if best.found is None:
        _consider_pairs(best, detail, runs)
    return None if best.found is None else best.found[1:]


class _Best:
    """The best step seen so far: (score, gain, detail, scene) of the step that gains the most per cost."""

    def __init__(self, size: float, make: Callable[[Detail], Scene], rate: Rate, fit: Fit) -> None:
        self.size, self.make, self.rate, self.fit = size, make, rate, fit
        self.found: tuple[float, float, Detail, Scene] | None = None

    def consider(self, d: Detail, cost: float) -> bool:
        """Whether `d` gains at all; keeps it when it gains the most per cost so far."""
        if d.focus and Fit(self.fit) != Fit.room:
            return False  # one topic per picture is the room's way; a slide or a page shows the whole view
        s = self.make(d)
        gain = self.rate(s)
        if gain <= self.size * 1.001:
            return False
        score = math.log(gain / self.size) / cost
        if self.found is None or score > self.found[0]:
            self.found = (score, gain, d, s)
        return True


def _consider_singles(best: _Best, detail: Detail, runs: list[list[Detail]]) -> None:
    """Each knob alone: its notches in turn, up to the first that gains."""
    for run in runs:
        for notch, d in enumerate(run, 1):
            if best.consider(d, notch * _cost(detail, d)):
                break


def _consider_pairs(best: _Best, detail: Detail, runs: list[list[Detail]]) -> None:
    """Any notch of one knob with the first notch of another."""
    for i, first in enumerate(runs):
        for notch, a in enumerate(first, 1):
            for second in runs[:i] + runs[i + 1 :]:
                best.consider(_merge(detail, a, second[0]), notch * _cost(detail, a) + _cost(detail, second[0]))


def _cost(base: Detail, d: Detail) -> float:
    return sum(COST[k] for k, v in vars(d).items() if v != getattr(base, k))


def _merge(base: Detail, a: Detail, b: Detail) -> Detail:
    changed = {k: v for k, v in vars(b).items() if v != getattr(base, k)}
    return replace(a, **changed)


def build_scene(
    plan: AddressPlan,
    view: View | str = View.overview,
    *,
    max_nodes: int | None = None,
    layout: str = "elk",
    fit: Fit | str = Fit.slide,
) -> Scene:
    """The scene of one view, composed for `fit` (see `compose`)."""
    return compose(plan, view, fit=fit, max_nodes=max_nodes, layout=layout)


__all__ = [
    "ALL",
    "VIEW_NAMES",
    "Detail",
    "Edge",
    "EdgeKind",
    "Mark",
    "Scene",
    "Shape",
    "ShapeKind",
    "View",
    "alternatives",
    "build_scene",
    "compose",
    "views_of",
]
