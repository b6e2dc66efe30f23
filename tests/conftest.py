from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
# Real `az` documents copied into the repository, with their provenance in SOURCES.md.
CORPUS = ROOT / "tests" / "corpus"


class D2Golden(SingleFileSnapshotExtension):
    """One readable `.d2` file per golden, reviewed as a diff like code."""

    _write_mode = WriteMode.TEXT
    file_extension = "d2"


def cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command run in this process by typer's runner: the exit status and stderr of the executable
    (`test_the_executable_gives_the_same_message` holds that), without starting Python and the package
    again for each of the many cases. An exception that escaped the command reads as a traceback."""
    from typer.testing import CliRunner

    from aksdiag.cli.app import app

    here = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(app, list(args), env=env, prog_name="aksdiag")
    finally:
        os.chdir(here)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += f"Traceback (escaped the command): {result.exception!r}\n"
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, stderr)


@pytest.fixture(params=["cairosvg", "typst"])
def pdf_engine(request, monkeypatch):
    """A PDF test once per renderer. One that cannot run here (cairosvg without the system's cairo)
    must say so in one line naming the extra; the test is then skipped with that reason."""
    from aksdiag.compile import pdf
    from aksdiag.errors import CompileError

    monkeypatch.setenv(pdf.ENGINE_ENV, request.param)
    if request.param == "cairosvg" and not pdf.cairo_available():
        with pytest.raises(CompileError, match=r"pip install 'aksdiag\[pdf\]'"):
            pdf.pdf_engine()
        pytest.skip("cairosvg cannot run here: no system cairo library")
    return request.param


@pytest.fixture
def golden(snapshot):
    return snapshot.use_extension(D2Golden)


def example_id(path: Path) -> str:
    return path.stem


def pool_renamed(doc: Path, tmp_path: Path, pool: str = "agentpool") -> Path:
    """The cluster document with its pool named as the corpus node list's nodes say: a node
    list of another pool is refused, never merged (issue 8)."""
    data = json.loads(doc.read_text())
    (data.get("properties") or data)["agentPoolProfiles"][0]["name"] = pool
    out = tmp_path / doc.name
    out.write_text(json.dumps(data))
    return out


class Overviews:
    """Each example's overview rendered at most once per test session, in each format asked for.

    Rendering (and OCR) dominate the suite's time; the legibility, OCR and compile tests
    all look at the same pictures. While a test looks at one example's picture, the next
    example's is rendered in the background (d2 is another process: it takes the other core).
    """

    def __init__(self) -> None:
        self._made: dict[tuple[Path, str], Future[bytes]] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="overviews")

    @staticmethod
    def _render(example: Path, fmt: str) -> bytes:
        from aksdiag.api.stages import Options, load_cluster, plan_cluster, render_bytes

        plan = plan_cluster(load_cluster(example), Options())
        return render_bytes(plan, fmt, Options(), source_name=example.name)

    def _future(self, example: Path, fmt: str) -> Future[bytes]:
        key = (example, fmt)
        if key not in self._made:
            self._made[key] = self._pool.submit(self._render, example, fmt)
        return self._made[key]

    def render(self, example: Path, fmt: str) -> bytes:
        made = self._future(example, fmt)
        if example in EXAMPLES and example != EXAMPLES[-1]:
            self._future(EXAMPLES[EXAMPLES.index(example) + 1], fmt)
        from aksdiag.errors import CompileError

        try:
            return made.result()
        except CompileError:
            # Drawn ahead while another test of this worker ran, it may have met that test's
            # environment (a fake d2 in AKSDIAG_D2, set in this process by conftest.cli): drawn
            # again here, a real failure still fails.
            del self._made[(example, fmt)]
            return self._render(example, fmt)

    def svg(self, example: Path) -> bytes:
        return self.render(example, "svg")

    def png(self, example: Path) -> bytes:
        return self.render(example, "png")

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="session")
def overviews() -> Iterator[Overviews]:
    made = Overviews()
    yield made
    made.close()


def pytest_collection_modifyitems(items):
    """The longest tests first: with pytest-xdist, one that starts last keeps its worker busy while
    the other has nothing left to take (longest-first is the classic fix for that tail)."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def pytest_terminal_summary(terminalreporter):
    """How long OCR took, so that its cost stays visible (it was most of the suite once)."""
    from . import ocr

    if ocr.TIMINGS:
        terminalreporter.write_line(
            f"OCR: {len(ocr.TIMINGS)} pictures read in {sum(ocr.TIMINGS):.1f} s (slowest {max(ocr.TIMINGS):.1f} s)"
        )
    if ocr.SCORES:
        read, drawn = (sum(v[i] for v in ocr.SCORES.values()) for i in (0, 1))
        legible = sum(r >= 0.9 * d for r, d in ocr.SCORES.values())
        terminalreporter.write_line(
            f"OCR at 1920 px: {read} of {drawn} addresses read; {legible} of {len(ocr.SCORES)} overviews at 90% or more"
        )
