"""templates: Scene -> D2 text. Templates hold layout and style; the scene says what exists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..runtime.once import once
from ..runtime.resources import templates_dir
from .quote import d2_key, d2_string
from .themes import DARK_THEMES, THEMES

if TYPE_CHECKING:  # jinja2 loads on the first render, not when the module is imported
    import jinja2

    from ..scene import Scene


def _path(dotted: str) -> str:
    return ".".join(d2_key(part) for part in dotted.split("."))


@once
def environment() -> jinja2.Environment:
    """One Jinja environment per process: it compiles each template once and keeps it for every
    render. No bytecode cache on disk: Jinja loads that with marshal, so whoever could write the
    folder would run code as the user."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is D2, escaped by the `d2` filter, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["d2"] = d2_string
    env.filters["key"] = d2_key
    env.filters["path"] = _path
    return env


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
    if not isinstance(scenes, (list, tuple)):
        scenes = (scenes,)
    template = environment().get_template("cluster.d2.j2")
    text = template.render(
        scenes=tuple(scenes),
        tooltips=tooltips,
        palette=theme == "default",
        icon=icon,
        source_name=source_name,
        theme_id=THEMES.get(theme, DARK_THEMES.get(theme)),  # a dark theme alone: one dark picture
        dark_theme_id=DARK_THEMES[dark] if dark else None,
    )
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"
