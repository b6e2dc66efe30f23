"""Vector PDF from SVG pages (a cluster's views, a deck's slides): text stays text, fonts embedded.

Two renderers, one contract:
- cairosvg where the system has the cairo library (the project's renderer). One child process
  draws every page onto one PDF surface: each page's fonts are its own families (see fonts.py),
  so one fontconfig set up for the whole PDF serves them all. cairosvg is imported once per PDF,
  while d2 draws the pages (`pdf_renderer` starts the child first), or, for a command that knows
  it will write a PDF, while the command imports the pipeline (`start_early`).
- typst's SVG -> PDF (the `typst` wheel: no system library, wheels for Linux, macOS and
  Windows) where there is no cairo, as on Windows, macOS without Homebrew or a slim container.
  It runs in this process and draws all the pages in one pass (measured: ~10 ms a page warm).
With neither, the message says which extra to install.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import functools
import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

from ..errors import CompileError, Problem
from .fonts import own_faces
from .raster import (
    PT_PER_PX,
    cairo_file,
    cairo_safe,
    child_prelude,
    fonts_conf,
    marks_as_digits,
    pdf_page_scale,
    svg_size,
)

ENGINE_ENV = "AKSDIAG_PDF_ENGINE"  # cairosvg or typst: the choice made for you, made by hand
ENGINES = ("cairosvg", "typst")
INSTALL_HINT = "pip install 'aksdiag[pdf]'"


@functools.cache
def cairo_available() -> bool:
    """cairosvg is installed and the system's cairo library loads (what cairosvg will need)."""
    if importlib.util.find_spec("cairosvg") is None:
        return False
    if cairo_file():
        return True
    return any(ctypes.util.find_library(name) for name in ("cairo-2", "cairo", "libcairo-2"))


@functools.cache
def typst_available() -> bool:
    return importlib.util.find_spec("typst") is not None


def pdf_engine() -> str:
    """cairosvg where cairo is, else typst; $AKSDIAG_PDF_ENGINE picks one by hand."""
    wanted = os.environ.get(ENGINE_ENV, "").strip().lower()
    available = {"cairosvg": cairo_available, "typst": typst_available}
    if wanted:
        if wanted not in available:
            raise CompileError(
                Problem(f"{ENGINE_ENV}={wanted} is not a PDF renderer; allowed: {', '.join(ENGINES)}", field=ENGINE_ENV)
            )
        if not available[wanted]():
            raise CompileError(
                Problem(f"{ENGINE_ENV}={wanted}, but {wanted} cannot run here: {INSTALL_HINT}", field=ENGINE_ENV)
            )
        return wanted
    for engine in ENGINES:
        if available[engine]():
            return engine
    raise CompileError(
        Problem(f"PDF needs cairosvg and the system's cairo library, or typst (no system library): {INSTALL_HINT}")
    )


def svgs_to_pdf(svgs: list[bytes], *, timeout: float = 120.0, system_fonts: bool = False) -> bytes:
    """One PDF with a page per SVG, each page the size of its SVG (smaller for a drawing too large for
    a PDF page). `system_fonts`: the pages name fonts of the system (slides), not only their own (d2)."""
    with pdf_renderer(timeout=timeout, system_fonts=system_fonts) as render:
        return render(svgs)


def svg_to_pdf(svg: bytes, *, timeout: float = 120.0) -> bytes:
    return svgs_to_pdf([svg], timeout=timeout)


@contextlib.contextmanager
def pdf_renderer(*, timeout: float = 120.0, system_fonts: bool = False) -> Iterator[Callable[[list[bytes]], bytes]]:
    """A function SVG pages -> PDF, ready before the pages are: cairosvg's child starts at once and
    imports cairosvg while d2 draws the pages (it is most of the child's time)."""
    engine = pdf_engine()
    if engine == "typst":
        yield functools.partial(_typst, system_fonts=system_fonts)
        return
    early = _take_early()
    if early is not None:
        child, folder = early
        try:
            yield child.render
        finally:
            child.close()
            folder.cleanup()
        return
    with tempfile.TemporaryDirectory(prefix="aksdiag-pdf-") as tmp:
        child = _CairoChild(Path(tmp), timeout)
        try:
            yield child.render
        finally:
            child.close()


# A cairosvg child started when a command knew it would write a PDF, before it imported the
# pipeline; the first `pdf_renderer` takes it. See `start_early`.
_early: tuple[_CairoChild, tempfile.TemporaryDirectory[str]] | None = None


def start_early(timeout: float = 120.0) -> None:
    """Start cairosvg's child now, for a command that will write a PDF: importing cairosvg (cairocffi
    loads the library and parses its declarations, 0.2-0.6 s) then runs on another core while this
    process imports the pipeline and d2 draws, instead of after. Not a server: the child belongs to
    this command, draws its PDF and ends; if the command ends without a PDF, it is stopped at exit.
    Where cairosvg is not the renderer, or none is, nothing starts (the error comes where the PDF is made).
    """
    global _early
    try:
        if _early is not None or pdf_engine() != "cairosvg":
            return
    except CompileError:
        return
    folder = tempfile.TemporaryDirectory(prefix="aksdiag-pdf-")
    _early = (_CairoChild(Path(folder.name), timeout), folder)
    atexit.register(_drop_early)


def _take_early() -> tuple[_CairoChild, tempfile.TemporaryDirectory[str]] | None:
    global _early
    early, _early = _early, None
    return early


def _drop_early() -> None:
    early = _take_early()
    if early is not None:
        early[0].close()
        early[1].cleanup()


def _pages(svgs: list[bytes], work: Path, prepare: Callable[[bytes], bytes]) -> list[tuple[str, bytes]]:
    """Each page's SVG in `work`, its fonts in `work/fonts`; the page names and their SVGs as given."""
    if not svgs:
        raise CompileError(Problem("no pictures to put in the PDF"))
    fonts = work / "fonts"
    fonts.mkdir(exist_ok=True)
    pages = []
    for i, svg in enumerate(svgs):
        try:
            body, faces = own_faces(svg, f"aksdiag{i}p")
        except ValueError as exc:
            raise CompileError(Problem(f"cannot use the fonts d2 embedded in page {i + 1}: {exc}")) from None
        for family, data in faces.items():
            (fonts / f"{family}.ttf").write_bytes(data)
        (work / f"page{i}.svg").write_bytes(prepare(body))
        pages.append((f"page{i}", svg))
    return pages


# The child imports cairosvg, then draws the pages its standard input names: a folder, then
# name=scale per page. fontconfig reads the folder's fonts when the first text is drawn, after
# the pages and their fonts are written. Every page goes onto one cairo PDF surface, which takes
# a size per page (each page's fonts are families of their own), into `all.pdf`: no joining
# afterwards (pypdf alone took 0.15 s to import). cairosvg makes its surface in
# `Surface._create_surface`; a cairosvg without it gets a PDF per page, joined by the parent.
_CHILD = (
    "import os, sys, cairocffi, cairosvg\n"
    "from cairosvg.surface import PDFSurface, Surface\n"
    "class Pages(PDFSurface):\n"
    "    target = None\n"
    "    def _create_surface(self, width, height):\n"
    "        if Pages.target is None:\n"
    "            Pages.target = cairocffi.PDFSurface(self.output, width, height)\n"
    "        else:\n"
    "            Pages.target.set_size(width, height)\n"
    "        return Pages.target, width, height\n"
    "    def finish(self):\n"
    "        self.cairo.show_page()\n"
    "one = hasattr(Surface, '_create_surface')\n"
    "work, *pages = sys.stdin.read().split()\n"
    "for page in pages:\n"
    "    name, scale = page.split('=')\n"
    "    into = f'{work}/all.pdf.part' if one else f'{work}/{name}.pdf'\n"
    "    (Pages if one else PDFSurface).convert(url=f'{work}/{name}.svg', write_to=into, scale=float(scale), unsafe=False)\n"
    "if one:\n"
    "    Pages.target.finish()\n"
    "    os.replace(f'{work}/all.pdf.part', f'{work}/all.pdf')\n"
)


class _CairoChild:
    def __init__(self, work: Path, timeout: float) -> None:
        self.work, self.timeout = work, timeout
        (work / "fonts").mkdir()
        conf = work / "fonts.conf"
        conf.write_text(fonts_conf(work / "fonts"))
        env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
        self.proc: subprocess.Popen[str] | None = subprocess.Popen(
            [sys.executable, "-c", child_prelude() + _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    def render(self, svgs: list[bytes]) -> bytes:
        proc = self.proc
        if proc is None:
            raise CompileError(Problem("the PDF renderer was used twice"))  # one child, one PDF
        self.proc = None
        try:
            pages = _pages(svgs, self.work, cairo_safe)
            order = " ".join([str(self.work), *(f"{name}={pdf_page_scale(svg)!r}" for name, svg in pages)])
            _, stderr = proc.communicate(order, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise CompileError(Problem(f"cairosvg did not finish within {self.timeout:.0f} s")) from None
        finally:
            _stop(proc)
        outs = [self.work / f"{name}.pdf" for name, _ in pages]
        if proc.returncode == 0 and (self.work / "all.pdf").is_file():
            return (self.work / "all.pdf").read_bytes()
        if proc.returncode != 0 or not all(out.is_file() for out in outs):
            last = (stderr.strip().splitlines() or ["no message"])[-1]
            raise CompileError(Problem(f"cairosvg failed: {last}"))
        return _join([out.read_bytes() for out in outs])

    def close(self) -> None:
        if self.proc is not None:  # never asked: the pages did not come (d2 failed, an interrupt)
            _stop(self.proc)
            self.proc = None


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.communicate()


def _join(pages: list[bytes]) -> bytes:
    if len(pages) == 1:
        return pages[0]
    try:
        from pypdf import PdfWriter
    except ImportError:  # cairosvg installed by hand, without the extra
        raise CompileError(Problem(f"joining PDF pages needs pypdf: {INSTALL_HINT}")) from None

    writer = PdfWriter()
    for page in pages:
        writer.append(BytesIO(page))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _typst(svgs: list[bytes], *, system_fonts: bool) -> bytes:
    import typst

    with tempfile.TemporaryDirectory(prefix="aksdiag-pdf-") as tmp:
        work = Path(tmp)
        # typst draws D2's masks (labels over edges) as a browser does; only the circled digits,
        # which D2's fonts lack, are written out.
        pages = _pages(svgs, work, marks_as_digits)
        document = []
        for name, svg in pages:
            w, h = svg_size(svg)
            pt = pdf_page_scale(svg) * PT_PER_PX
            document.append(
                f'#page(width: {w * pt:.3f}pt, height: {h * pt:.3f}pt, margin: 0pt)[#image("{name}.svg", width: 100%)]'
            )
        (work / "main.typ").write_text("\n".join(document), encoding="utf-8")
        try:
            return typst.compile(
                str(work / "main.typ"),
                root=str(work),
                font_paths=[str(work / "fonts")],
                ignore_system_fonts=not system_fonts,
                pdf_tags=False,
            )
        except RuntimeError as exc:  # typst's errors (TypstError) are RuntimeErrors
            first = (str(exc).strip().splitlines() or ["no message"])[0]
            raise CompileError(Problem(f"typst could not draw the PDF: {first}")) from None
