"""Render options: how to draw, never what the cluster is (that is the description's).

A module of its own, free of the stages, so a front end can build options and a cache key
without loading pydantic, the scene or the templates (a warm MkDocs build never does).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from .errors import InputError, Problem


class View(StrEnum):
    """What a diagram can say, one picture each: the registry every channel reads (the CLI's
    `--view`, MkDocs' `view=`, slides, the scene's builders, the README table).

    Here, not in the scene, so a channel offers the choices without loading a stage."""

    overview = "overview"
    addresses = "addresses"
    egress = "egress"
    capacity = "capacity"
    api = "api"

    @property
    def heading(self) -> str:
        """The view's heading, as every channel shows it."""
        return _VIEW_TEXT[self][0]

    @property
    def help(self) -> str:
        return _VIEW_TEXT[self][1]


_VIEW_TEXT = {
    View.overview: ("Overview", "nodes with their pods, the numbered pod-to-pod path, the way out, the API server"),
    View.addresses: ("Addresses and routes", "every subnet, node IP, pod block and route"),
    View.egress: ("Egress and source IP", "the packet's way out, the source IP at each hop"),
    View.capacity: ("Capacity", "what the subnets hold per model, with surge; findings"),
    View.api: ("API server access", "how nodes reach the API server"),
}

# The `--view` value that asks for every view (pages of a PDF, layers of a .d2, one file each otherwise).
ALL_VIEWS = "all"
VIEWS = tuple(v.value for v in View)


class OutputFormat(StrEnum):
    """What a render can make: the registry the CLI (`--format`, `-o`'s extension), api, batch
    and MkDocs read."""

    svg = "svg"
    png = "png"
    pdf = "pdf"
    d2 = "d2"

    @property
    def suffix(self) -> str:
        return f".{self.value}"

    @property
    def compiled(self) -> bool:
        """Made by the d2 binary (and its rasterisers), not by aksdiag's templates alone."""
        return self is not OutputFormat.d2


OUTPUT_FORMATS = tuple(f.value for f in OutputFormat)
# The models `compare --as` and `slides --as` accept (`derive.as_model.TargetModel` has one member each).
TARGET_MODELS = ("kubenet", "overlay", "azure-cni", "pod-subnet", "none")
# D2's themes by name, with their ids ("default" sets no theme id); the dark ones draw the dark variant.
THEMES = {"neutral": 1, "aubergine": 7, "terminal": 300}
DARK_THEMES = {"dark": 200, "dark-mauve": 201}
LAYOUTS = ("elk", "dagre")
PNG_ENGINES = ("d2", "cairosvg")
MAX_NODES_RANGE = (2, 100)


class Fit(StrEnum):
    """Where a picture is looked at; the scene draws what reads there (`scene.fit`)."""

    slide = "slide"  # a 1920x1080 screen or slide, the picture fitted into it
    docs = "docs"  # an 800 px documentation column, as tall as it needs
    room = "room"  # a deck's picture slide, 960x540 pt, in a meeting room


@dataclass(frozen=True)
class Frame:
    """The frame a fit's picture is scaled into and the smallest address label it must show there."""

    width: float
    height: float | None  # None: as tall as the picture (a web page scrolls)
    target: float  # px, or pt on a deck's slide
    unit: str
    upscale: bool = True  # a docs page shows a small picture at its own size, never larger

    def scale(self, size: tuple[float, float]) -> float:
        w, h = size
        k = self.width / w if self.height is None else min(self.width / w, self.height / h)
        return k if self.upscale else min(k, 1.0)

    def shown(self, size: tuple[float, float], font: float) -> float:
        """What a `font`-unit label becomes in this frame."""
        return font * self.scale(size)


FITS: dict[Fit, Frame] = {
    Fit.slide: Frame(1920, 1080, 14, "px"),
    Fit.docs: Frame(800, None, 11, "px", upscale=False),
    Fit.room: Frame(960, 540, 12, "pt"),
}
FIT_NAMES = tuple(f.value for f in Fit)
COLUMN_RANGE = (200, 4000)  # px: a phone's column to a wide screen's


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
    fit: Fit = Fit.slide  # where the picture is looked at: what it draws so that its addresses read there
    view: str = "overview"  # one of scene.VIEW_NAMES; "all" gives every view, as layers or pages
    # The docs fit's column in px, where a site's is not 800 (mkdocs-material beside its table of
    # contents at a 1440 px window: 688). Other fits ignore it.
    column: int | None = None

    def __post_init__(self) -> None:
        """A bad option is the user's to fix: the project's InputError, naming the option (as the CLI would)."""

        def bad(field: str, value: object, allowed: str) -> InputError:
            return InputError(Problem(f"{value!r} is not an option; allowed: {allowed}", field=field))

        checks = (
            ("layout", self.layout, LAYOUTS),
            ("theme", self.theme, ("default", *THEMES, *DARK_THEMES)),
            ("png_engine", self.png_engine, PNG_ENGINES),
            ("view", self.view, (*VIEWS, ALL_VIEWS)),
        )
        for field, value, allowed in checks:
            if value not in allowed:
                raise bad(field, value, ", ".join(allowed))
        if self.dark is not None and self.dark not in DARK_THEMES:
            raise bad("dark", self.dark, ", ".join(DARK_THEMES) + " or None")
        low, high = MAX_NODES_RANGE
        if self.max_nodes is not None and not (isinstance(self.max_nodes, int) and low <= self.max_nodes <= high):
            raise bad("max_nodes", self.max_nodes, f"a whole number from {low} to {high}, or None")
        low, high = COLUMN_RANGE
        if self.column is not None and not (isinstance(self.column, int) and low <= self.column <= high):
            raise bad("column", self.column, f"a width in px from {low} to {high}, or None")
        if not (isinstance(self.timeout, int | float) and self.timeout > 0):
            raise bad("timeout", self.timeout, "seconds, more than 0")

    def frame(self) -> Frame:
        """Where the picture is shown: the fit's frame, a docs column as wide as `column` says."""
        frame = FITS[Fit(self.fit)]
        if self.column is not None and Fit(self.fit) == Fit.docs:
            return replace(frame, width=float(self.column))
        return frame
