"""The one place that knows where templates and icons live.

In a wheel they are package data (`aksdiag/templates`, `aksdiag/icons`); in a checkout
or an editable install they are the top-level `templates/` and `icons/` folders.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path


@functools.cache
def resource_dir(name: str) -> Path:
    # Beside this module is where `importlib.resources.files("aksdiag")` points for a package on
    # disk (the only kind whose folders we can hand to d2 and Jinja); asking importlib.resources
    # cost 20 ms in a process that had not loaded it, such as a MkDocs build with every diagram cached.
    package = Path(__file__).resolve().parents[1]  # the aksdiag package
    packaged = package / name
    if packaged.is_dir():
        return packaged
    checkout = package.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"aksdiag's {name}/ folder is missing from this installation")


def templates_dir() -> Path:
    return resource_dir("templates")


def icons_dir() -> Path:
    return resource_dir("icons")


CACHE_ENV = "AKSDIAG_CACHE_DIR"


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aksdiag"
