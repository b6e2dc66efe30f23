"""Render options: how to draw, never what the cluster is (that is the description's).

A module of its own, free of the stages, so a front end can build options and a cache key
without loading pydantic, the scene or the templates (a warm MkDocs build never does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# What a diagram can say, one 16:9 slide each (`scene.View` has one member per name), and the
# name that asks for all of them. Here, not in the scene, so the CLI offers them without loading it.
VIEWS = ("overview", "addresses", "egress", "capacity", "api")
ALL_VIEWS = "all"
# The models `compare --as` and `slides --as` accept (`derive.as_model.TargetModel` has one member each).
TARGET_MODELS = ("kubenet", "overlay", "azure-cni", "pod-subnet", "none")


@dataclass(frozen=True)
class Options:
    layout: str = "elk"
    theme: str = "default"
    dark: str | None = None
    max_nodes: int | None = None  # nodes drawn per pool; None: the scene's default
    png_engine: str = "d2"
    icons: Path | None = None
    draw_unsupported: bool = False
    timeout: float = 120.0
    view: str = "overview"  # one of scene.VIEW_NAMES; "all" gives every view, as layers or pages
