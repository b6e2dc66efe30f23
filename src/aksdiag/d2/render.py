"""templates: Scene -> D2 text. Templates hold layout and style; the scene says what exists."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..runtime.once import once
from ..runtime.resources import templates_dir
from .quote import d2_key, d2_string, d2_tooltip
from .themes import DARK_THEMES, THEMES

if TYPE_CHECKING:  # jinja2 loads on the first render, not when the module is imported
    import jinja2

    from ..scene import Scene


def _path(dotted: str) -> str:
    return ".".join(d2_key(part) for part in dotted.split("."))


# The templates compiled to Python by Jinja (`make templates` writes them; generated, do not
# edit), loaded as modules so Python's own bytecode cache serves them: compiling the templates
# took a one-off render more time than drawing it. Jinja's file-based bytecode cache is not used:
# it is loaded with marshal from a folder outside the package, so whoever could write there
# would run code as the user.
COMPILED = Path(__file__).with_name("compiled")
DIGEST_FILE = "templates.sha256"


def templates_digest() -> str:
    """The templates' names and bytes: compiled modules serve only the sources they came from."""
    h = hashlib.sha256()
    for path in sorted(templates_dir().glob("*.j2")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is D2, escaped by the `d2` filter, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["d2"] = d2_string
    env.filters["tooltip"] = d2_tooltip
    env.filters["key"] = d2_key
    env.filters["path"] = _path
    return env


def serial_module_loader(folder: str) -> jinja2.BaseLoader:
    """jinja2's ModuleLoader for the compiled templates, one load at a time.

    Its `load` imports a template's module and then takes it out of `sys.modules`. When two threads
    load the same template at once (a batch's or a MkDocs build's first renders), one import finds
    its module gone and fails with a KeyError inside importlib."""
    import threading

    import jinja2

    class SerialModuleLoader(jinja2.ModuleLoader):
        _lock = threading.Lock()

        def load(self, environment, name, globals=None):
            with self._lock:
                return super().load(environment, name, globals)

    return SerialModuleLoader(folder)


@once
def environment() -> jinja2.Environment:
    """One Jinja environment per process, on the compiled templates when they match the sources
    (an edited template in a checkout is read from its source until `make templates`)."""
    import jinja2

    try:
        current = (COMPILED / DIGEST_FILE).read_text().strip() == templates_digest()
    except OSError:
        current = False
    if current:
        return _environment(serial_module_loader(str(COMPILED)))
    return _environment(jinja2.FileSystemLoader(str(templates_dir())))


def compile_templates(target: Path = COMPILED) -> list[str]:
    """Write the templates as Python modules into `target`, with the digest of their sources."""
    import jinja2

    env = _environment(jinja2.FileSystemLoader(str(templates_dir())))
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("tmpl_*.py"):
        old.unlink()
    names = sorted(env.list_templates(filter_func=lambda name: name.endswith(".j2")))
    env.compile_templates(str(target), zip=None, filter_func=lambda name: name in names, ignore_errors=False)
    for module in target.glob("tmpl_*.py"):
        module.write_text(
            "# Generated from templates/ by `make templates` (jinja2); do not edit.\n" + module.read_text()
        )
    (target / DIGEST_FILE).write_text(templates_digest() + "\n")
    return names


def render_d2(
    scenes: Scene | Sequence[Scene],
    icon: Callable[[str], str],
    *,
    source_name: str = "cluster",
    theme: str = "default",
    dark: str | None = None,
    tooltips: bool = True,
) -> str:
    """The D2 source of one view, or of several as layers after the first.

    `icon` maps an icon name to the path written into the source. `tooltips` off leaves
    full names out: d2 prints a PNG's or PDF's tooltips as a numbered appendix under the
    drawing, which would make the slide taller for text the SVG shows on hover.
    """
    boards = tuple(scenes) if isinstance(scenes, (list, tuple)) else (scenes,)
    template = environment().get_template("cluster.d2.j2")
    text = template.render(
        scenes=boards,
        tooltips=tooltips,
        palette=theme == "default",
        icon=icon,
        source_name=source_name,
        theme_id=THEMES.get(theme, DARK_THEMES.get(theme)),  # a dark theme alone: one dark picture
        dark_theme_id=DARK_THEMES[dark] if dark else None,
    )
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"


if __name__ == "__main__":  # `make templates`
    print("compiled:", ", ".join(compile_templates()))
