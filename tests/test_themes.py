"""Themes: every label stays readable in dark mode, and each --theme looks different."""

from __future__ import annotations

import re

import pytest

from aksdiag.api.stages import Options, d2_source, icon_files, load_cluster, plan_cluster
from aksdiag.compile.d2 import compile_d2
from aksdiag.d2.icons import IconSet
from aksdiag.d2.render import DARK_THEMES, THEMES

from .conftest import ROOT

EX = ROOT / "examples"
# Labels are 22 px and up: WCAG's floor for large text is 3:1.
MIN_CONTRAST = 3.0


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _svg(name: str, options: Options, main_theme: int | None = None) -> str:
    """The SVG d2 makes; with `main_theme`, that theme id replaces the light one, so that the
    dark variant's colours are the ones written into the drawing (what a dark viewer sees)."""
    plan = plan_cluster(load_cluster(EX / f"{name}.yaml"), options)
    source = d2_source(plan, options, source_name=name)
    if main_theme is not None:
        source = re.sub(r"\n    (dark-)?theme-id: \d+", "", source)
        source = source.replace("  d2-config: {\n", f"  d2-config: {{\n    theme-id: {main_theme}\n", 1)
    return compile_d2(source, "svg", icon_files(IconSet(None))).decode()


def _theme_colours(svg: str) -> dict[str, str]:
    """The first (outer, non-media-query) CSS value of each `.fill-XX` theme class."""
    css = svg.split("@media", 1)[0]
    return {m.group(1): m.group(2) for m in re.finditer(r"\.fill-(\w+)\{fill:(#[0-9A-Fa-f]{3,6})", css)}


def _colour(tag: str, theme: dict[str, str]) -> str | None:
    m = re.search(r'fill="(#[0-9A-Fa-f]{3,6})"', tag)
    if m:
        return m.group(1)
    m = re.search(r'class="[^"]*\bfill-(\w+)', tag)
    return theme.get(m.group(1)) if m else None


def texts_and_backgrounds(svg: str) -> list[tuple[str, str, str]]:
    """(text, its colour, the colour behind it) for every text that has a colour."""
    theme = _theme_colours(svg)
    canvas = theme.get("N7", "#FFFFFF")
    boxes = []
    for m in re.finditer(
        r'<g class="shape" ><rect x="([-0-9.]+)" y="([-0-9.]+)" width="([0-9.]+)" '
        r'height="([0-9.]+)"([^>]*)/>',
        svg,
    ):
        x, y, w, h = map(float, m.groups()[:4])
        attrs = m.group(5)
        if "opacity:0" in attrs or 'fill="transparent"' in attrs or 'fill="none"' in attrs:
            continue
        colour = _colour(attrs, theme)
        if colour:
            boxes.append((w * h, x, y, w, h, colour))
    for m in re.finditer(r'<g class="shape" ><path d="([^"]+)"([^>]*)/>', svg):  # clouds: their bounding box
        colour = _colour(m.group(2), theme)
        pairs = re.sub(r"[HV]\s*-?[0-9.]+", " ", m.group(1))  # H/V carry one coordinate; pairs are enough
        nums = [float(n) for n in re.findall(r"-?[0-9.]+", pairs)]
        if colour and len(nums) >= 4 and "opacity:0" not in m.group(2):
            xs, ys = nums[0::2], nums[1::2]
            x, y, w, h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
            boxes.append((w * h, x, y, w, h, colour))
    boxes.sort()
    out = []
    for m in re.finditer(r'(<text x="([-0-9.]+)" y="([-0-9.]+)"[^>]*>)(.*?)</text>', svg, re.DOTALL):
        tag, tx, ty, body = m.group(1), float(m.group(2)), float(m.group(3)), m.group(4)
        words = re.sub(r"<[^>]+>", "", body).strip()
        colour = _colour(tag, theme)
        if not words or colour is None:
            continue
        behind = next((c for _, x, y, w, h, c in boxes if x <= tx <= x + w and y <= ty - 6 <= y + h), canvas)
        out.append((words, colour, behind))
    return out


@pytest.mark.parametrize("name", ["kubenet-basic", "udr-firewall-egress", "byo-cni-cilium"])
@pytest.mark.parametrize("dark", sorted(DARK_THEMES))
def test_every_label_is_readable_in_dark_mode(name, dark):
    svg = _svg(name, Options(dark=dark), main_theme=DARK_THEMES[dark])
    found = texts_and_backgrounds(svg)
    assert len(found) > 20
    bad = [(t, c, b, round(contrast(c, b), 2)) for t, c, b in found if contrast(c, b) < MIN_CONTRAST]
    assert not bad, bad


def test_the_contrast_check_can_fail():
    """A theme-coloured label on a light box is what --dark used to get wrong."""
    svg = (
        "<style>.fill-N1{fill:#CDD6F4;}.fill-N7{fill:#1E1E2E;}</style>"
        '<g class="shape" ><rect x="0" y="0" width="100" height="100" fill="#EAF3FB" style="" /></g>'
        '<text x="50" y="50" class="text fill-N1">10.0.0.4</text>'
    )
    [(_, colour, behind)] = texts_and_backgrounds(svg)
    assert contrast(colour, behind) < MIN_CONTRAST


def _box_fills(svg: str) -> set[str]:
    theme = _theme_colours(svg)
    return {c for m in re.finditer(r'<g class="shape" ><(?:rect|path)[^>]*>', svg) if (c := _colour(m.group(0), theme))}


def test_each_theme_looks_different():
    fills = {t: _box_fills(_svg("kubenet-basic", Options(theme=t))) for t in ("default", *THEMES)}
    names = list(fills)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert fills[a] != fills[b], (a, b)


def test_edge_labels_get_the_canvas_behind_them_only_on_the_light_default_canvas():
    def fills(options: Options) -> set[str]:
        plan = plan_cluster(load_cluster(EX / "kubenet-byo-vnet.yaml"), options)
        source = d2_source(plan, options, source_name="x")
        return set(re.findall(r"^\s+snat: \{ style: \{ (fill: \"#FFFFFF\"; )?", source, re.MULTILINE))

    assert fills(Options()) == {'fill: "#FFFFFF"; '}, "the egress label crosses the VNet border on white"
    for options in (Options(dark="dark"), Options(theme="dark"), Options(theme="neutral")):
        assert fills(options) == {""}, f"no white box on {options.theme}/{options.dark}"
