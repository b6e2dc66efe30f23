"""templates: Scene -> D2 text. Templates hold layout and style; the scene says what exists."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jinja2

from .d2text import d2_key, d2_string
from .resources import templates_dir
from .scene import Scene

THEMES = {"neutral": 1, "aubergine": 7, "terminal": 300}  # plus "default", which sets no theme id
DARK_THEMES = {"dark": 200, "dark-mauve": 201}


def _path(dotted: str) -> str:
    return ".".join(d2_key(part) for part in dotted.split("."))


def environment() -> jinja2.Environment:
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
    if isinstance(scenes, Scene):
        scenes = (scenes,)
    template = environment().get_template("cluster.d2.j2")
    text = template.render(
        scenes=tuple(scenes),
        tooltips=tooltips,
        palette=theme == "default",
        icon=icon,
        source_name=source_name,
        theme_id=THEMES.get(theme),
        dark_theme_id=DARK_THEMES[dark] if dark else None,
    )
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"
