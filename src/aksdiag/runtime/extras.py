"""Optional parts of the install: a command that needs one that is missing says which, in one line.

`pip install aksdiag` draws SVG and PNG (d2's own rasteriser), checks and plans. PDF needs
`aksdiag[pdf]` (cairosvg where the system has cairo, else typst), a .pptx deck `aksdiag[slides]`.
"""

from __future__ import annotations

import importlib.util

from ..errors import InputError, Problem


def require(module: str, extra: str, what: str, *, field: str | None = None) -> None:
    """Raise the one-line error naming `extra` unless `module` can be imported."""
    if importlib.util.find_spec(module) is None:
        raise InputError(
            Problem(f"{what} needs aksdiag's {extra!r} extra: pip install 'aksdiag[{extra}]'", field=field)
        )
