"""compile: D2 text -> SVG / PNG / PDF bytes, through the `d2` binary.

The binary runs without a shell, in a private temporary folder holding only the D2
source and the icons it may embed, with a timeout. Its output is read back as bytes;
writing the user's file (atomically) is the caller's job, so a failed compile can never
leave a partial file where the user will look.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

from ..errors import CompileError, Problem, RenderWarning
from ..runtime.extras import require
from ..runtime.interrupt import kill_tree, live_groups, own_group, signals_held, signals_unwind
from .binary import D2_ENV, D2_VERSION_RANGE, check_d2, d2_version_string, find_d2  # noqa: F401
from .pdf import pdf_renderer, svgs_to_pdf
from .raster import RASTER_LIMIT, svg_size, svg_to_png

DEFAULT_TIMEOUT = 120.0
FORMATS = ("svg", "png", "pdf")
PNG_ENGINES = ("d2", "cairosvg")
# d2 draws a PNG at 2 px per SVG unit (its `--scale` multiplies that); aksdiag's cairosvg path does the same.
PNG_SCALE = 2.0
# Some room under the limit: d2 rounds the frame and adds its padding after scaling.
RASTER_SAFE = RASTER_LIMIT - 767
_OVER_LIMIT = re.compile(r"exceeds limit \d+")


_d2_slots: threading.BoundedSemaphore | None = None  # None: no limit (one render at a time)


@contextlib.contextmanager
def d2_limit(jobs: int) -> Iterator[None]:
    """At most `jobs` d2 processes at once while inside, however many threads render: a batch
    runs more threads than that, so the Python stages of one file overlap the d2 of others.
    Entered on the main thread, it also stops every running d2 on SIGTERM, SIGHUP or SIGINT."""
    global _d2_slots
    previous, _d2_slots = _d2_slots, threading.BoundedSemaphore(max(1, jobs))
    try:
        with signals_unwind():
            yield
    finally:
        _d2_slots = previous


def _translate(stderr: str) -> str:
    """d2's own error lines, without its log prefixes and temp paths."""
    lines = []
    for line in stderr.splitlines():
        line = re.sub(r"^(err|error|warn|info|success):\s*", "", line.strip())
        line = re.sub(r"(?:[A-Za-z]:)?[\\/]\S*[\\/]aksdiag-\w+[\\/]", "", line)  # POSIX or Windows temp path
        # d2 names its input, our temporary diagram.d2: the user's file is named by the caller.
        line = re.sub(r"failed to compile diagram\.d2:\s*", "", line)
        line = re.sub(r"\bdiagram\.d2:(\d+):(\d+):", r"line \1:\2 of the generated D2:", line)
        line = re.sub(r"\bdiagram\.(d2|svg|png|pdf)\b", r"the generated \1", line)
        if line and not line.startswith("compiled ") and "successfully compiled" not in line:
            lines.append(line)
    return "; ".join(lines[:5]) or "no message"


def _run(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run d2 in a process group of its own; on timeout or interruption stop the whole group
    (d2 starts a browser for PNG and PDF), then re-raise."""
    with signals_held():
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **own_group(),
        )
        live_groups.add(proc)
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except BaseException:
        kill_tree(proc)
        proc.communicate()
        raise
    finally:
        live_groups.discard(proc)
    return proc.returncode, stderr


# elk's default 50 px inside every container, nested five deep (VNet, subnet, pool, node, pods),
# took 500 px of a drawing's width; a label's line is room enough at the top. Between layers
# (the VNet, the hub, the Internet side by side) elk's 70 and 40 px left a spoke-and-hub picture
# 5% short of its fit's target, all of it in the gaps: 50 and 30 keep room for an edge's label,
# which elk places apart. `scene.fit`'s estimate is measured with these. Other layout engines
# ignore the flags.
ELK_SPACING = (
    "--elk-padding=[top=30,left=24,bottom=24,right=24]",
    "--elk-nodeNodeBetweenLayers=50",
    "--elk-edgeNodeBetweenLayers=30",
)


def _d2_output(binary: str, work: Path, fmt: str, timeout: float, *extra: str, expect: Path | None = None) -> bytes:
    out = work / f"diagram.{fmt}"
    out.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("D2_")}
    try:
        with _d2_slots or contextlib.nullcontext():
            returncode, stderr = _run(
                [binary, *ELK_SPACING, *extra, "diagram.d2", out.name], cwd=work, env=env, timeout=timeout
            )
    except subprocess.TimeoutExpired:
        raise CompileError(
            Problem(f"d2 did not finish within {timeout:.0f} s; try --layout dagre or fewer nodes (--max-nodes)")
        ) from None
    except OSError as exc:
        raise CompileError(Problem(f"could not run d2: {exc}")) from None
    if returncode != 0:
        what = "crashed" if returncode < 0 else "failed"
        raise CompileError(Problem(f"d2 {what} (exit {returncode}): {_translate(stderr)}"))
    written = expect or out
    if not written.is_file():
        raise CompileError(Problem("d2 reported success but wrote no output"))
    return written.read_bytes()


def _png_scale(svg: bytes, engine: str) -> float:
    """The largest scale (at most the engine's usual 2x) at which the PNG stays under the raster limit.

    Scaling keeps one picture whole, which splitting into tiles would not; a warning says
    what the reader loses (text size) and where the full detail is (SVG, PDF).
    """
    w, h = svg_size(svg)
    fit = RASTER_SAFE / (max(w, h) * PNG_SCALE)
    if fit >= 1:
        return 1.0
    scale = math.floor(fit * 1000) / 1000
    warnings.warn(
        RenderWarning(
            f"the PNG would be {w * PNG_SCALE:,.0f}x{h * PNG_SCALE:,.0f} px, over the {RASTER_LIMIT + 1:,} px per "
            f"side that {engine} can rasterise: scaled it to {w * PNG_SCALE * scale:,.0f}x{h * PNG_SCALE * scale:,.0f} "
            f"px ({PNG_SCALE * scale:.2f} px per SVG unit instead of {PNG_SCALE:.0f}); for full detail use SVG or PDF, "
            "or draw fewer nodes (--max-nodes)"
        ),
        stacklevel=3,
    )
    return scale


def compile_d2(
    source: str,
    fmt: str,
    icon_files: dict[str, Path],
    *,
    binary: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    png_engine: str = "d2",
) -> bytes:
    """Compile D2 source to `fmt` bytes. `icon_files` maps the relative paths the source uses to files.

    PDF is drawn from d2's SVG as vectors (text stays text); PNG never exceeds the raster
    limit: a drawing too large is scaled down, with a `RenderWarning` saying so.
    """
    if fmt not in FORMATS:
        raise CompileError(Problem(f"unknown output format {fmt!r}; allowed: {', '.join(FORMATS)}, d2"))
    binary = binary or find_d2()
    with signals_unwind():
        check_d2(binary)
        with _workdir(source, icon_files) as work:
            if fmt == "png" and png_engine == "d2":
                return _d2_png(binary, work, timeout)
            if fmt == "pdf":
                with pdf_renderer(timeout=timeout) as render:  # ready while d2 draws
                    if _has_boards(source):
                        return render(_board_svgs(binary, work, source, timeout))
                    return render([_d2_output(binary, work, "svg", timeout)])
            svg = _d2_output(binary, work, "svg", timeout)
            if fmt == "svg":
                return svg
            require("cairosvg", "pdf", "--png-engine cairosvg", field="--png-engine")
            scale = _png_scale(svg, "cairo")
            return svg_to_png(svg, work / "cairo", timeout=timeout, scale=PNG_SCALE * scale)


def compile_boards(
    source: str,
    fmt: str,
    icon_files: dict[str, Path],
    *,
    binary: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    png_engine: str = "d2",
) -> list[bytes]:
    """One SVG or PNG per board of a source with scenarios, layers or steps (the main board first,
    then the others in the order the source names them): a deck places each on a slide of its own."""
    if fmt not in ("svg", "png"):
        raise CompileError(Problem(f"boards are drawn as svg or png, not {fmt!r}"))
    binary = binary or find_d2()
    if not _has_boards(source):
        return [compile_d2(source, fmt, icon_files, binary=binary, timeout=timeout, png_engine=png_engine)]
    with signals_unwind():
        check_d2(binary)
        with _workdir(source, icon_files) as work:
            if fmt == "png" and png_engine == "d2":
                return _board_svgs(binary, work, source, timeout, fmt="png")
            svgs = _board_svgs(binary, work, source, timeout)
            if fmt == "svg":
                return svgs
            return [
                svg_to_png(svg, work / f"cairo{i}", timeout=timeout, scale=PNG_SCALE * _png_scale(svg, "cairo"))
                for i, svg in enumerate(svgs)
            ]


@contextlib.contextmanager
def _workdir(source: str, icon_files: dict[str, Path]) -> Iterator[Path]:
    """A temporary folder holding the source as `diagram.d2` and the icons it uses."""
    with tempfile.TemporaryDirectory(prefix="aksdiag-") as tmp:
        work = Path(tmp)
        for rel, src in icon_files.items():
            if rel not in source:  # only what the drawing uses: a batch copies these per file
                continue
            dest = work / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
        (work / "diagram.d2").write_text(source, encoding="utf-8")
        yield work


_BOARDS = re.compile(r"^(layers|scenarios|steps)\s*:\s*\{", re.MULTILINE)


def _has_boards(source: str) -> bool:
    return _BOARDS.search(source) is not None


def _board_svgs(binary: str, work: Path, source: str, timeout: float, fmt: str = "svg") -> list[bytes]:
    """One SVG (or PNG) per board of a multi-board source (d2 writes them into a folder), the main
    board first and the others in the order the source names them: the pages of one vector PDF."""
    _d2_output(binary, work, fmt, timeout, expect=work / "diagram" / f"index.{fmt}")
    folder = work / "diagram"
    pages = [p for p in folder.rglob(f"*.{fmt}") if p != folder / f"index.{fmt}"]

    def written_at(page: Path) -> tuple[int, str]:
        name = page.stem if page.stem != "index" else page.parent.name
        at = source.find(f"{name}:")
        return (at if at >= 0 else len(source), str(page))

    return [(folder / f"index.{fmt}").read_bytes(), *(p.read_bytes() for p in sorted(pages, key=written_at))]


def _d2_png(binary: str, work: Path, timeout: float) -> bytes:
    try:
        return _d2_output(binary, work, "png", timeout)
    except CompileError as exc:
        # Only a drawing over the raster limit is worth a second layout; d2 says so in words.
        if not any(_OVER_LIMIT.search(p.message) for p in exc.problems):
            raise
        over_limit = exc
    scale = _png_scale(_d2_output(binary, work, "svg", timeout), "d2")
    if scale >= 1:  # d2 measures its frame differently from our reading of its SVG
        raise over_limit
    return _d2_output(binary, work, "png", timeout, f"--scale={scale}")


__all__ = ["FORMATS", "PNG_ENGINES", "check_d2", "compile_d2", "d2_limit", "find_d2", "svgs_to_pdf"]
