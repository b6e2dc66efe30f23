"""The package's shape: stages import only what comes before them, and nothing floats at the top."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "src" / "aksdiag"

# The import order (ARCHITECTURE.md): a package may import its own layer's base packages and
# anything in a lower layer, never a higher one. The channels sit side by side at the top.
LAYERS = {
    "errors": 0,
    "options": 0,
    "runtime": 0,
    "model": 1,
    "load": 2,
    "derive": 3,
    "scene": 4,
    "d2": 5,
    "compile": 6,
    "report": 7,
    "api": 8,
    "batch": 9,
    "cli": 10,
    "mkdocs": 10,
    "slides": 10,
}
TOP_LEVEL_MODULES = {"__init__", "__main__", "errors", "options"}


def _unit(path: Path) -> str:
    """The package (or top-level module) a file belongs to."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    """The first-level units of aksdiag a file imports, relative or absolute."""
    units = set()
    here = path.relative_to(PACKAGE).parent.parts
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - (node.level - 1)]) if node.level > 1 else list(here)
                target = [*base, *(node.module.split(".") if node.module else [])]
                if not target:  # `from .. import api`: the names are the units
                    units.update(a.name for a in node.names if a.name in LAYERS)
                    continue
                units.add(target[0])
            elif node.module and node.module.startswith("aksdiag."):
                units.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            units.update(a.name.split(".")[1] for a in node.names if a.name.startswith("aksdiag."))
    return units


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        unit = _unit(path)
        if unit in TOP_LEVEL_MODULES - {"errors", "options"}:
            continue  # the package's own __init__ and __main__ may name anything
        graph.setdefault(unit, set()).update(u for u in _imports(path) if u != unit and u in LAYERS)
    return graph


def test_top_level_holds_only_the_facade_modules():
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules <= TOP_LEVEL_MODULES, sorted(modules - TOP_LEVEL_MODULES)
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages <= set(LAYERS), sorted(packages - set(LAYERS))


def test_no_import_runs_up_the_pipeline():
    upward = [(a, b) for a, targets in _graph().items() for b in targets if LAYERS[b] > LAYERS[a]]
    assert not upward, upward


def test_no_import_circle_between_packages():
    graph = _graph()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, node])):
                return found
        state[node] = 2
        return None

    for unit in sorted(graph):
        if unit not in state:
            assert (cycle := visit(unit, [])) is None, " -> ".join(cycle)


def test_the_checker_sees_an_upward_import(tmp_path):
    """The walk above must find imports at all, or the two tests pass on anything."""
    assert "derive" in _imports(PACKAGE / "scene" / "parts.py")
    assert "api" in _graph()["cli"]


def test_compiled_templates_match_their_sources():
    """Every render loads the compiled templates; after editing templates/, run `make templates`."""
    from aksdiag.d2.render import COMPILED, DIGEST_FILE, templates_digest

    assert (COMPILED / DIGEST_FILE).read_text().strip() == templates_digest(), "run `make templates`"
    assert len(list(COMPILED.glob("tmpl_*.py"))) == len(list((ROOT / "templates").glob("*.j2")))


def test_renders_use_the_compiled_templates():
    import jinja2

    from aksdiag.d2.render import environment

    assert isinstance(environment().loader, jinja2.ModuleLoader)
