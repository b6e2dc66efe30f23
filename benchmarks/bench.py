"""`make bench`: aksdiag's speed side by side with d2 alone and mingrammer/diagrams, in one run.

Rows (medians; wall-clock on this machine, everything else as idle as it is):
  --version                      aksdiag --version
  one small cold SVG             aksdiag render kubenet-basic.yaml -o x.svg, a command on its own as
                                 every command is (no server), vs d2 alone on its .d2 and vs
                                 mingrammer/diagrams drawing the same kubenet picture, timed in turns
  the libraries alone            python importing typer, PyYAML, Jinja and pydantic (one model): with d2
                                 alone, the least a cold render can take while it uses them
  one-page PDF, all-view PDF     render -o x.pdf and --view all -o c.pdf vs the SVG of the same view
  batch of 50, cold              aksdiag render DIR --jobs 2 (empty cache)    vs 50 raw d2 runs, 2 at a time,
                                 vs a shell loop of 50 mingrammer runs
  batch of 50, warm              the same batch again (nothing changed)       vs the mingrammer loop
  MkDocs, 20 diagrams unchanged  mkdocs build with 20 embedded diagrams       vs the same site without them
  the test suite                 pytest -q over tests/, once, with an empty OCR cache (as on a fresh clone)
Then where a cold command's import time goes (`python -X importtime`, self time by package).
The issue's targets are printed beside the ratios. This is a benchmark, not a test: it reports.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
AKSDIAG = str(BIN / "aksdiag")
SMALL = ROOT / "examples" / "kubenet-basic.yaml"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


# The import a cold render cannot do without, and the setting its command runs with (cli/entry.py).
LIBRARY_FLOOR = "import typer, yaml, jinja2\nfrom pydantic import BaseModel\nclass A(BaseModel):\n    x: int\nA(x=1)\n"
NO_PLUGINS = {"PYDANTIC_DISABLE_PLUGINS": "__all__"}


class Seconds(float):
    """A median wall time that also carries the median CPU time (user+sys) of its child processes,
    which a busy shared machine disturbs far less than wall time."""

    cpu: float = 0.0


def timed(fn, runs: int) -> Seconds:
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    out = Seconds(statistics.median(walls))
    out.cpu = statistics.median(cpus)
    return out


def timed_pair(fn_a, fn_b, runs: int) -> tuple[Seconds, Seconds]:
    """Two things timed in turns (a, b, a, b, ...): a ratio of the two then holds up when the
    machine's load drifts during the minutes a benchmark takes, which back-to-back series do not."""
    a, b = [], []
    for _ in range(runs):
        a.append(timed(fn_a, 1))
        b.append(timed(fn_b, 1))

    def median(xs: list[Seconds]) -> Seconds:
        out = Seconds(statistics.median(xs))
        out.cpu = statistics.median(x.cpu for x in xs)
        return out

    return median(a), median(b)


def run(*cmd: str, cwd: Path | None = None, env: dict | None = None) -> None:
    proc = subprocess.run(cmd, cwd=cwd, env=env or ENV, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd[:4])} failed:\n{proc.stderr[-2000:]}")


def mingrammer_missing() -> str | None:
    try:
        import diagrams  # noqa: F401
    except ImportError:
        return "mingrammer/diagrams is not installed (pip install diagrams)"
    if shutil.which("dot") is None:
        return "graphviz is missing (apt-get install graphviz): mingrammer/diagrams needs its `dot`"
    return None


def fifty_inputs(folder: Path) -> list[Path]:
    """50 distinct descriptions: the examples in turn, each with its own cluster name."""
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    out = []
    for i in range(50):
        src = examples[i % len(examples)]
        text = src.read_text().replace("\nname: ", f"\nname: b{i:02d}-", 1)
        target = folder / f"{i:02d}-{src.name}"
        target.write_text(text)
        out.append(target)
    return out


def d2_sources(inputs: list[Path], folder: Path) -> list[Path]:
    from aksdiag import api
    from aksdiag.api.stages import icon_files
    from aksdiag.d2.icons import IconSet

    for rel, src in icon_files(IconSet()).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, folder / rel)
    out = []
    for path in inputs:
        target = folder / (path.stem + ".d2")
        target.write_text(api.render(path, formats=()).d2)
        out.append(target)
    return out


def site(folder: Path, inputs: list[Path], with_diagrams: bool) -> Path:
    docs = folder / "docs"
    docs.mkdir(parents=True)
    nav = []
    for i, path in enumerate(inputs):
        embed = f"![cluster {i}]({path})" if with_diagrams else f"Cluster {i}: `{path.name}`."
        (docs / f"p{i:02d}.md").write_text(f"# Page {i}\n\nSome prose about this cluster.\n\n{embed}\n")
        nav.append(f"  - p{i:02d}.md")
    plugins = "plugins:\n  - search\n" + ("  - aksdiag\n" if with_diagrams else "")
    (folder / "mkdocs.yml").write_text(
        f"site_name: bench\ntheme:\n  name: material\n  font: false\n{plugins}nav:\n" + "\n".join(nav) + "\n"
    )
    return folder


def import_profile(work: Path) -> tuple[float, list[tuple[str, float]]]:
    """Self import time of one cold render, in total and by top-level package (aksdiag by stage)."""
    argv = ["aksdiag", "render", str(SMALL), "-o", str(work / "imp.svg")]
    code = (
        f"import sys; sys.argv = {argv!r}\n"
        "from aksdiag.cli.entry import main\ntry:\n    main()\nexcept SystemExit:\n    pass"
    )
    totals: list[dict[str, float]] = []
    for _ in range(5):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code], env=ENV, capture_output=True, text=True, check=False
        ).stderr
        by: dict[str, float] = {}
        for line in err.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            _, self_us, _, name = line.split("|")[0], *line[12:].split("|")
            parts = name.strip().split(".")
            key = ".".join(parts[:2]) if parts[0] == "aksdiag" else parts[0]
            by[key] = by.get(key, 0.0) + int(self_us) / 1e6
        totals.append(by)
    median = {k: statistics.median(t.get(k, 0.0) for t in totals) for k in set().union(*totals)}
    return sum(median.values()), sorted(median.items(), key=lambda kv: -kv[1])[:12]


def main() -> None:
    from aksdiag.compile.d2 import find_d2

    d2 = find_d2()
    missing = mingrammer_missing()
    # As a wheel install would have it: aksdiag's own modules compiled to bytecode once (this
    # matters where PYTHONDONTWRITEBYTECODE is set and the checkout is installed editable).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "aksdiag")], check=False)
    rows: list[tuple[str, float, str, float | None, str, float | None, str]] = []
    work = Path(tempfile.mkdtemp(prefix="aksdiag-bench-"))
    try:
        cache = work / "cache"
        env = {**ENV, "AKSDIAG_CACHE_DIR": str(cache)}
        mingrammer = [sys.executable, str(ROOT / "benchmarks" / "mingrammer_kubenet.py")]

        version = timed(lambda: run(AKSDIAG, "--version"), 7)
        rows.append(("aksdiag --version", version, "", None, "", None, "target < 0.1 s"))

        one = work / "one"
        one.mkdir()
        d2_one = d2_sources([SMALL], one)[0]
        cold, alone = timed_pair(
            lambda: run(AKSDIAG, "render", str(SMALL), "-o", str(one / "x.svg")),
            lambda: run(d2, d2_one.name, "alone.svg", cwd=one),
            11,
        )
        ming = None if missing else timed(lambda: run(*mingrammer, str(one / "ming")), 7)
        rows.append(
            (
                "one small cold SVG",
                cold,
                "d2 alone",
                alone,
                "mingrammer",
                ming,
                "target <= 4.5x d2 alone, <= 3.0x mingrammer",
            )
        )
        # What no aksdiag code costs: Python importing the design card's libraries (typer, PyYAML,
        # Jinja, and pydantic with one model), as a cold render must. This row plus d2 alone is the
        # fastest a cold render could be while it uses them.
        floor = timed(lambda: run(sys.executable, "-c", LIBRARY_FLOOR, env={**ENV, **NO_PLUGINS}), 11)
        rows.append(
            (
                "the libraries alone",
                floor,
                "d2 alone",
                alone,
                "",
                None,
                f"+ d2 alone = {(floor + alone) / alone:.1f}x d2 alone: the floor of the row above",
            )
        )

        pdf, svg = timed_pair(
            lambda: run(AKSDIAG, "render", str(SMALL), "-o", str(one / "x.pdf")),
            lambda: run(AKSDIAG, "render", str(SMALL), "-o", str(one / "x.svg")),
            7,
        )
        rows.append(("one-page PDF", pdf, "SVG of the view", svg, "", None, "target <= 1.5x the SVG"))
        pdf_all = timed(lambda: run(AKSDIAG, "render", str(SMALL), "--view", "all", "-o", str(one / "c.pdf")), 5)
        rows.append(("--view all -o c.pdf", pdf_all, "SVG of one view", svg, "", None, "target <= 3x the SVG"))

        batch_in = work / "batch"
        batch_in.mkdir()
        inputs = fifty_inputs(batch_in)
        raw = work / "raw"
        raw.mkdir()
        sources = d2_sources(inputs, raw)

        def batch(out: str, *extra: str, environ: dict | None = None) -> None:
            run(
                AKSDIAG,
                "render",
                str(batch_in),
                "--out-dir",
                str(work / out),
                "--relative-to",
                str(batch_in),
                "--jobs",
                "2",
                *extra,
                env=environ or env,
            )

        def cold_batch(environ: dict | None = None) -> None:
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(work / "out-cold", ignore_errors=True)
            batch("out-cold", environ=environ)

        def raw_d2() -> None:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda s: run(d2, s.name, s.stem + ".svg", cwd=raw), sources))

        def ming_loop() -> None:
            for i in range(50):
                run(*mingrammer, str(work / "ming" / f"m{i}"), f"b{i:02d}")

        (work / "ming").mkdir()
        cold50, raw50 = timed_pair(cold_batch, raw_d2, 5)
        ming50 = None if missing else timed(ming_loop, 1)
        rows.append(
            (
                "batch of 50, cold (--jobs 2)",
                cold50,
                "50 d2, 2 at once",
                raw50,
                "mingrammer loop",
                ming50,
                "target <= 1.3x 50 d2",
            )
        )
        batch("out-warm")
        warm50 = timed(lambda: batch("out-warm"), 5)
        rows.append(
            (
                "batch of 50, warm",
                warm50,
                "50 d2, 2 at once",
                raw50,
                "mingrammer loop",
                ming50,
                "target <= 0.15x mingrammer loop",
            )
        )

        with_d = site(work / "site-with", inputs[:20], True)
        without = site(work / "site-without", inputs[:20], False)
        run(str(BIN / "mkdocs"), "build", "-q", cwd=with_d, env=env)  # warm the cache
        docs_with, docs_without = timed_pair(
            lambda: run(str(BIN / "mkdocs"), "build", "-q", cwd=with_d, env=env),
            lambda: run(str(BIN / "mkdocs"), "build", "-q", cwd=without, env=env),
            11,
        )
        rows.append(
            (
                "MkDocs, 20 diagrams unchanged",
                docs_with,
                "site without them",
                docs_without,
                "",
                None,
                "target <= 1.1x without",
            )
        )
        # The whole suite, as `make test` runs it on a fresh clone: no OCR kept from earlier runs.
        suite_env = {**os.environ, "AKSDIAG_OCR_CACHE": str(work / "ocr")}
        suite = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-n", "auto", "--dist", "worksteal", "-p", "no:cacheprovider"],
                cwd=ROOT,
                env=suite_env,
                capture_output=True,
                check=False,
            ),
            1,
        )
        rows.append(("the test suite (make test)", suite, "", None, "", None, "target < 180 s on 2 cores"))
        imports, by_package = import_profile(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("wall-clock medians (CPU seconds of the processes in brackets; ratios: wall, then CPU)")
    print(f"{'':30} {'aksdiag':>16} | {'baseline':>17} {'':>16} {'ratio':>11} | {'':>15} {'':>16} {'ratio':>11} |")

    def cell(x: Seconds) -> str:
        return f"{x:6.3f}s ({x.cpu:5.2f})"

    def ratio(ours: Seconds, x: Seconds) -> str:
        return f"{ours / x:4.2f}x/{ours.cpu / x.cpu if x.cpu else 0:4.2f}x"

    for label, ours, base_name, base, ming_name, ming, target in rows:
        base_txt = f"{base_name:>17} {cell(base)} {ratio(ours, base)}" if base else " " * 46
        ming_txt = f"{ming_name or 'mingrammer':>15} {cell(ming)} {ratio(ours, ming)}" if ming else " " * 44
        print(f"{label:30} {cell(ours)} | {base_txt} | {ming_txt} | {target}")
    if missing:
        print(f"\nmingrammer columns left out: {missing}")
    print(f"\nimports of one cold render (python -X importtime, median self time): {imports:.3f} s")
    print("  " + ", ".join(f"{name} {secs * 1000:.1f} ms" for name, secs in by_package))
    print(
        f"\n{os.cpu_count()} CPUs; d2 {d2}; medians (mingrammer loop: one run); the cold batch and raw d2, and the"
        " two MkDocs sites, timed in turns"
    )


if __name__ == "__main__":
    main()
