"""The stages in order: load -> model -> derive -> scene -> templates -> compile.

A thin facade, like d2's own: each function runs stages and passes values along. Only
`load_*` read files and only `compile_d2` runs a program; writing output is the CLI's.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from ..compile.d2 import compile_d2
from ..compile.raster import source_marks_as_digits, svg_size
from ..d2.icons import ICON_NAMES, IconSet
from ..d2.render import render_d2
from ..derive import AddressPlan, Observed, derive
from ..errors import AksdiagError, InputError, Problem, RuleError
from ..load import Document, parse_document, parse_field, validate_spec
from ..load.azure import cluster_document, converted_document, is_managed_cluster
from ..model import ClusterSpec
from ..options import Fit, Options
from ..scene import Scene, View, alternatives, compose, views_of
from ..scene.fit import ADDRESS_FONT, scene_size


@dataclass(frozen=True)
class Loaded:
    spec: ClusterSpec
    doc: Document
    from_azure: bool  # the document was `az aks show` JSON, not a description


def load_cluster(path: Path, cluster: str | None = None) -> Loaded:
    """A file, validated once, with no overlays (`aksdiag.api.load` applies those)."""
    return validate_document(cluster_document(parse_document(path), cluster))


def validate_document(doc: Document, *, from_azure: bool = False) -> Loaded:
    """The one validation. `az aks show` data is converted first, each field positioned where
    Azure wrote it; derive does not run here."""
    if is_managed_cluster(doc.data):
        return Loaded(validate_spec(converted_document(doc)), doc, True)
    return Loaded(validate_spec(doc), doc, from_azure)


def plan_cluster(loaded: Loaded, options: Options, observed: Observed | None = None) -> AddressPlan:
    """The plan; one policy for rule errors: a description that breaks a rule AKS enforces is
    refused unless drawing was asked for, a document from Azure (a cluster that exists) is drawn
    with those findings on it."""
    try:
        return derive(loaded.spec, observed, allow_errors=options.draw_unsupported or loaded.from_azure)
    except RuleError as exc:
        # Rule messages name fields; give them the line where the field was written.
        located = []
        for p in exc.problems:
            line, col = loaded.doc.locate(parse_field(p.field)) if p.field else (None, None)
            located.append(replace(p, file=loaded.doc.name, line=line, column=col))
        raise RuleError(located) from None


# Where a description's field sits in an `az aks show` document (ARM or CLI shape).
_AZURE_KEYS = {"nodePools": "agentPoolProfiles", "vnetSubnetName": "vnetSubnetID", "podSubnetName": "podSubnetID"}


def locate_field(loaded: Loaded, field: str) -> tuple[int | None, int | None]:
    """Line and column of a dotted field path in the document the user gave."""
    loc = parse_field(field)
    if not loaded.from_azure:
        return loaded.doc.locate(loc)
    data = loaded.doc.data
    found: list[str | int] = []
    if isinstance(data, dict) and "properties" in data and isinstance(data["properties"], dict):
        data, found = data["properties"], ["properties"]
    for part in loc:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                break
            data = data[part]
            found.append(part)
            continue
        if not isinstance(data, dict):
            break
        want = _AZURE_KEYS.get(str(part), str(part)).lower()
        key = next((k for k in data if str(k).lower() == want), None)
        if key is None:
            break
        data = data[key]
        found.append(key)
    return loaded.doc.locate(tuple(found))


def _icon_ref(icons: IconSet, portable: bool):
    def icon_ref(name: str) -> str:
        path = icons.path(name)
        return f"icons/{name}{path.suffix}" if portable else str(path)

    return icon_ref


# An estimate this far above the fit's target is trusted (the estimate is within a few per cent of
# d2's canvas on the gallery and the held-out designs); nearer, one compile measures.
TRUSTED_MARGIN = 1.15
MEASURE_ROUNDS = 3
MEASURE_ALTERNATIVES = 3  # other layouts measured when the rounds still miss the target


def fitted_scene(
    plan: AddressPlan,
    view: View,
    options: Options,
    icons: IconSet | None = None,
    measure: bool = True,
    source_name: str = "cluster",
    *,
    tooltips: bool | None = None,
    digits: bool = False,
) -> Scene:
    """The view composed for `options.fit` from the scene's estimate; then one compile measures
    the canvas and, when d2 laid it out larger than estimated so that it misses the target, the
    view is composed once more against a target raised by that error. `tooltips` and `digits`
    are how the render will write the D2 text (see `d2_source`): the measuring compile is then
    of that very text, and the render takes its SVG instead of running d2 again."""
    if tooltips is None:
        tooltips = options.fit == Fit.slide
    key = (id(plan), view, options.fit, options.max_nodes, options.layout, options.theme, options.icons, measure)
    kept = _FITTED.get(key)
    if kept is not None and kept[0] is plan:
        return kept[1]
    scene = _fitted(plan, view, options, icons, measure, source_name, tooltips=tooltips, digits=digits)
    if len(_FITTED) > 64:
        _FITTED.clear()
    _FITTED[key] = (plan, scene)
    return scene


# A render asks for the same view's scene several times (the D2 text, then each format): the
# measured compile runs once. Keyed by the plan's identity, kept with the plan to check it.
_FITTED: dict[tuple, tuple[AddressPlan, Scene]] = {}
# The measuring compile is the SVG a render of that scene writes (same D2 text): kept by its source
# so that the render takes it instead of running d2 again.
_MEASURED: dict[str, bytes] = {}
_CHOSEN: dict[tuple, Scene] = {}  # what the measuring compiles chose, by plan and fit


def _fitted(
    plan: AddressPlan,
    view: View,
    options: Options,
    icons: IconSet | None,
    measure: bool,
    source_name: str,
    *,
    tooltips: bool,
    digits: bool,
) -> Scene:
    frame = options.frame()
    # The composition a measuring compile chose does not depend on the theme: a docs page's dark
    # picture, drawn after the light one, takes it rather than measuring again.
    chosen = (plan, view, options.fit, frame, options.max_nodes, options.layout, tooltips, digits)
    if chosen in _CHOSEN:
        return _CHOSEN[chosen]
    scene = compose(plan, view, fit=options.fit, max_nodes=options.max_nodes, layout=options.layout, frame=frame)
    estimate = frame.shown(scene_size(scene), ADDRESS_FONT)
    if not measure or estimate >= TRUSTED_MARGIN * frame.target:
        return scene
    ruler = _Ruler(options, icons or IconSet(options.icons), source_name, tooltips=tooltips, digits=digits)
    best = _measured(plan, view, options, scene, ruler)
    if len(_CHOSEN) > 64:
        _CHOSEN.clear()
    _CHOSEN[chosen] = best
    return best


def _measured(plan: AddressPlan, view: View, options: Options, scene: Scene, ruler: _Ruler) -> Scene:
    """The composition that measured best, from `scene` on: rounds of poorer ones, then the others."""
    frame = ruler.frame
    strict = 1.0
    # Each compile that comes out smaller than the target calibrates the estimate by what it
    # measured; a few rounds, as each poorer composition is laid out by elk a little differently.
    for _ in range(MEASURE_ROUNDS):
        if ruler.measure(scene) >= frame.target:
            break
        strict *= 1.02
        poorer = compose(
            plan,
            view,
            fit=options.fit,
            max_nodes=options.max_nodes,
            layout=options.layout,
            strict=strict,
            calibration=ruler.calibration,
            frame=frame,
        )
        if poorer == scene:
            break  # nothing left to give up: the poorest this input allows
        scene = poorer
    if ruler.best_size < frame.target:
        # The estimate places boxes, elk places them otherwise: the composition is measured in the
        # other layouts too (stacked, the way out drawn downwards, in the room one topic).
        others = alternatives(
            plan, view, fit=options.fit, max_nodes=options.max_nodes, layout=options.layout, frame=frame
        )
        for other in [o for o in others if o not in ruler.measured][:MEASURE_ALTERNATIVES]:
            if ruler.measure(other) >= frame.target:
                break
    # The picture that measured best: elk may lay a poorer composition out no smaller. Its SVG is
    # the one the render writes, so d2 does not run again for it.
    best, source, svg = ruler.best
    if len(_MEASURED) > 16:
        _MEASURED.clear()
    _MEASURED[source] = svg
    return best


class _Ruler:
    """Compiles scenes to measure them: what each measured, the best one with its D2 text and SVG,
    and the estimate's error on each side for the last one."""

    def __init__(self, options: Options, icons: IconSet, source_name: str, *, tooltips: bool, digits: bool) -> None:
        self.options, self.icons, self.source_name = options, icons, source_name
        self.tooltips, self.digits = tooltips, digits
        self.frame = options.frame()
        self.measured: list[Scene] = []
        self.best_size = 0.0
        self.best: tuple[Scene, str, bytes]
        self.calibration = (1.0, 1.0)

    def measure(self, scene: Scene) -> float:
        o = self.options
        source = _written(
            render_d2(
                scene,
                _icon_ref(self.icons, True),
                source_name=self.source_name,
                theme=o.theme,
                dark=o.dark,
                tooltips=self.tooltips,
            ),
            self.digits,
        )
        svg = compile_d2(source, "svg", icon_files(self.icons), timeout=o.timeout)
        size = svg_size(svg)
        shown = self.frame.shown(size, ADDRESS_FONT)
        if not self.measured or shown > self.best_size:
            self.best_size, self.best = shown, (scene, source, svg)
        self.measured.append(scene)
        # The next composition is estimated as this one measured, side by side: elk may lay a
        # picture out wider and lower than estimated, and only the bound side should give.
        w, h = scene_size(scene)
        self.calibration = (size[0] / w, size[1] / h)
        return shown


def _written(source: str, digits: bool) -> str:
    # cairosvg draws PDF pages (and its PNGs): it has no fallback font for the circled path numbers.
    return source_marks_as_digits(source) if digits else source


def _svg_of(source: str, files: dict[str, Path], timeout: float) -> bytes:
    """d2's SVG of `source`: the one the fit's measuring compile made of it, or a new one."""
    kept = _MEASURED.pop(source, None)
    return kept if kept is not None else compile_d2(source, "svg", files, timeout=timeout)


def d2_source(
    plan: AddressPlan,
    options: Options,
    *,
    source_name: str,
    icons: IconSet | None = None,
    portable: bool = True,
    tooltips: bool | None = None,
    digits: bool = False,
) -> str:
    """D2 text for the plan: the chosen view, or every view with the first as the main board and
    the others as `layers`. Portable sources name icons as `icons/<name>.svg` (the compile
    folder's copy); non-portable ones give absolute paths, for a .d2 file a user keeps.
    `digits`: the path numbers as plain digits, for a picture cairosvg draws."""
    icons = icons or IconSet(options.icons)
    if tooltips is None:  # hover text where a browser shows the SVG itself: not in a docs page or a deck
        tooltips = options.fit == Fit.slide
    scenes = [
        fitted_scene(plan, v, options, icons, source_name=source_name, tooltips=tooltips, digits=digits)
        for v in views_of(options.view)
    ]
    return _written(
        render_d2(
            scenes,
            _icon_ref(icons, portable),
            source_name=source_name,
            theme=options.theme,
            dark=options.dark,
            tooltips=tooltips,
        ),
        digits,
    )


def render_views(
    plan: AddressPlan,
    views: tuple[View, ...],
    options: Options,
    *,
    source_name: str,
    icons: IconSet | None = None,
    tooltips: bool = True,
    digits: bool = False,
) -> list[tuple[str, str]]:
    """One portable D2 source per view, as (view name, source): one board each, for one page each."""
    icons = icons or IconSet(options.icons)
    out = []
    for view in views:
        scene = fitted_scene(plan, view, options, icons, source_name=source_name, tooltips=tooltips, digits=digits)
        source = render_d2(
            scene,
            _icon_ref(icons, True),
            source_name=source_name,
            theme=options.theme,
            dark=options.dark,
            tooltips=tooltips,
        )
        out.append((view.value, _written(source, digits)))
    return out


def icon_files(icons: IconSet) -> dict[str, Path]:
    return {f"icons/{name}{icons.path(name).suffix}": icons.path(name) for name in ICON_NAMES}


def render_bytes(
    plan: AddressPlan, fmt: str, options: Options, *, source_name: str, svg_source: str | None = None
) -> bytes:
    """`svg_source`: the portable D2 text with tooltips, when the caller has it already."""
    icons = IconSet(options.icons)
    if fmt == "d2":
        return d2_source(plan, options, source_name=source_name, icons=icons, portable=False).encode()
    views = views_of(options.view)
    files = icon_files(icons)
    # Tooltips only where they are hover text; in PNG and PDF d2 appends them under the drawing.
    tooltips = fmt == "svg" and options.fit == Fit.slide
    digits = fmt == "pdf" or (fmt == "png" and options.png_engine == "cairosvg")
    if len(views) == 1:
        source = (
            svg_source
            if tooltips and svg_source is not None
            else d2_source(plan, options, source_name=source_name, icons=icons, tooltips=tooltips, digits=digits)
        )
        if fmt == "svg":
            return _svg_of(source, files, options.timeout)
        if fmt == "pdf" and source in _MEASURED:
            from ..compile.pdf import pdf_renderer

            with pdf_renderer(timeout=options.timeout) as render:
                return render([_MEASURED.pop(source)])
        return compile_d2(source, fmt, files, timeout=options.timeout, png_engine=options.png_engine)
    if fmt != "pdf":
        raise InputError(
            Problem(f"--view all makes several pages: write .pdf or .d2, not .{fmt} (or pick one view)", field="--view")
        )
    from ..compile.pdf import pdf_renderer

    sources = render_views(plan, views, options, source_name=source_name, icons=icons, tooltips=False, digits=True)
    with pdf_renderer(timeout=options.timeout) as render:  # ready while d2 draws the views
        # The pages two at a time: each d2 run is one process, mostly one core.
        with ThreadPoolExecutor(max_workers=2) as pool:
            pages = list(pool.map(lambda item: _svg_of(item[1], files, options.timeout), sources))
        return render(pages)


__all__ = [
    "AksdiagError",
    "Loaded",
    "Options",
    "d2_source",
    "load_cluster",
    "locate_field",
    "plan_cluster",
    "render_bytes",
    "render_views",
    "validate_document",
]
