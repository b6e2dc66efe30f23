"""scene: AddressPlan -> one Scene per view, what to draw. Pure; words but no D2 syntax.

Ids are generated here (`n0`, `sn1`), so no input string ever becomes a D2 key. Each view
is its own module and fits one 16:9 slide; what a view cannot hold it summarises
(first..last ranges, "… 6 more pools") or leaves to another view.
"""

from __future__ import annotations

from collections.abc import Callable

from ..derive.plan import AddressPlan
from ..options import ALL_VIEWS, VIEWS
from . import addresses, api, capacity, egress, overview
from .types import Edge, EdgeKind, Mark, Scene, Shape, ShapeKind, View

DEFAULT_MAX_NODES = 4  # nodes drawn per pool in the addresses view; the rest are summarised

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


def build_scene(plan: AddressPlan, view: View | str = View.overview, *, max_nodes: int | None = None,
                layout: str = "elk") -> Scene:
    """The scene of one view; `max_nodes` None draws as many nodes per pool as the view holds."""
    return BUILDERS[View(view)](plan, max_nodes=max_nodes or DEFAULT_MAX_NODES, layout=layout)


__all__ = [
    "ALL",
    "DEFAULT_MAX_NODES",
    "VIEW_NAMES",
    "Edge",
    "EdgeKind",
    "Mark",
    "Scene",
    "Shape",
    "ShapeKind",
    "View",
    "build_scene",
    "views_of",
]
