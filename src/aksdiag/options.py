"""Render options: how to draw, never what the cluster is (that is the description's).

A module of its own, free of the stages, so a front end can build options and a cache key
without loading pydantic, the scene or the templates (a warm MkDocs build never does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
