"""aksdiag: architecture diagrams of AKS cluster networks that are right about the network.

The library's names are here, loaded on first use (so that `aksdiag --version` loads nothing)::

    import aksdiag
    made = aksdiag.render("prod.yaml", formats=("svg", "pdf"), options=aksdiag.Options(view="all"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "render": "api",
    "plan": "api",
    "load": "api",
    "Source": "api",
    "Rendered": "api",
    "Prepared": "api",
    "Cluster": "api",
    "OUTPUT_FORMATS": "api",
    "Options": "options",
    "AksdiagError": "errors",
    "InputError": "errors",
    "CompileError": "errors",
    "RuleError": "errors",
    "Problem": "errors",
}

if TYPE_CHECKING:
    from .api import OUTPUT_FORMATS, Cluster, Prepared, Rendered, Source, load, plan, render
    from .errors import AksdiagError, CompileError, InputError, Problem, RuleError
    from .options import Options


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aksdiag' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


__all__ = [  # noqa: RUF022 - the version first, then as _EXPORTS
    "__version__",
    "render",
    "plan",
    "load",
    "Source",
    "Rendered",
    "Prepared",
    "Cluster",
    "OUTPUT_FORMATS",
    "Options",
    "AksdiagError",
    "InputError",
    "CompileError",
    "RuleError",
    "Problem",
]
