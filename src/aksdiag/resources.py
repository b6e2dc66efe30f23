"""The one place that knows where templates and icons live.

In a wheel they are package data (`aksdiag/templates`, `aksdiag/icons`); in a checkout
or an editable install they are the top-level `templates/` and `icons/` folders.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_dir(name: str) -> Path:
    packaged = Path(str(files("aksdiag"))) / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"aksdiag's {name}/ folder is missing from this installation")


def templates_dir() -> Path:
    return resource_dir("templates")


def icons_dir() -> Path:
    return resource_dir("icons")
