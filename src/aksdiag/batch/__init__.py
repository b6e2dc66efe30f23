"""Many diagrams in one process: find the inputs, map each to its outputs, render what changed.

One process pays Python's start-up and imports once, checks d2 once, and runs up to `jobs`
d2 processes at a time (threads: the Python stages are short, d2 runs outside the GIL, and
there are more threads than d2 slots so the stages of the next file overlap d2).
One failing file does not stop the others; the caller prints the summary.
"""

from __future__ import annotations

import fnmatch
import gc
import glob
import os
import stat
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AksdiagError, InputError, Problem

if TYPE_CHECKING:
    from ..options import Options
    from .cache import RenderCache

# A folder walk renders cluster documents only: YAML and JSON, minus the configuration files
# that live beside them in a docs repository (MkDocs, pre-commit) and anything hidden.
DEFAULT_PATTERNS = ("*.yaml", "*.yml", "*.json")
DEFAULT_EXCLUDES = ("mkdocs.yml", "mkdocs.yaml", ".*", "*.schema.json", "package*.json", "tsconfig*.json")


@dataclass(frozen=True)
class Job:
    input: Path
    outputs: dict[str, Path]  # format -> target file


@dataclass
class Outcome:
    job: Job
    status: str  # "rendered", "unchanged", "stale", "missing", "ok", "failed"
    problems: list[Problem] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)  # outputs written (or, with --check, stale/missing)
    warnings: tuple[str, ...] = ()


def _excluded(path: Path, root: Path, excludes: Iterable[str]) -> bool:
    parts = path.relative_to(root).parts
    return any(fnmatch.fnmatch(part, pat) for part in parts for pat in excludes)


def find_inputs(
    paths: Iterable[str], patterns: Iterable[str] = DEFAULT_PATTERNS, excludes: Iterable[str] = DEFAULT_EXCLUDES
) -> list[tuple[Path, Path | None]]:
    """(input file, the folder it was found under or None) for files, folders and globs, in order,
    each once. A named file is always taken; a folder is walked by `patterns` minus `excludes`."""
    patterns, excludes = tuple(patterns), tuple(excludes)
    found: dict[Path, Path | None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if (
                    candidate.is_file()
                    and any(fnmatch.fnmatch(candidate.name, p) for p in patterns)
                    and not _excluded(candidate, path, excludes)
                ):
                    found.setdefault(candidate, path)
        elif path.exists() or not glob.has_magic(raw):
            found.setdefault(path, None)  # a missing file fails later, with its own message
        else:
            matches = sorted(Path(m) for m in glob.glob(raw, recursive=True) if Path(m).is_file())
            if not matches:
                raise InputError(Problem(f"no file matches {raw!r}", field="PATH"))
            for m in matches:
                found.setdefault(m, None)
    return list(found.items())


def plan_jobs(
    inputs: list[tuple[Path, Path | None]],
    formats: tuple[str, ...],
    out_dir: Path | None,
    relative_to: Path | None = None,
) -> list[Job]:
    """Outputs beside each input, or under `out_dir` at the input's path from `relative_to` (default:
    the current folder). The same file lands in the same place whether it was named or found in a
    folder, so a pre-commit hook (which passes file names from the repository root) and a CI step
    (which passes the folder) write and check the same outputs."""
    jobs = []
    claimed: dict[Path, Path] = {}
    anchor = Path(os.path.abspath(relative_to if relative_to is not None else Path.cwd()))
    for path, _ in inputs:
        if out_dir is None:
            base = path
        else:
            try:
                base = out_dir / Path(os.path.abspath(path)).relative_to(anchor)
            except ValueError:
                raise InputError(
                    Problem(
                        f"{path} is not under {anchor}; with --out-dir, outputs mirror each "
                        "input's path from the current folder: run from a folder that holds "
                        "the inputs, or give --relative-to",
                        field="--out-dir",
                    )
                ) from None
        outputs = {fmt: base.with_suffix(f".{fmt}") for fmt in formats}
        for target in outputs.values():
            other = claimed.setdefault(target.resolve(), path)
            if other != path:
                raise InputError(
                    Problem(f"{path} and {other} would both write {target}; render them separately", field="--out-dir")
                )
        jobs.append(Job(path, outputs))
    return jobs


def _current(target: Path, limit: int = 1 << 30) -> bytes | None:
    """What the output holds now, if it is a regular file: a device or FIFO in its place (a link
    to /dev/zero) is never read, and counts as different."""
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    with open(fd, "rb") as fh:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            data = fh.read(limit + 1)
        except OSError:
            return None
    return data if len(data) <= limit else None


def run_job(
    job: Job, options: Options, cache: RenderCache, *, check: bool, write: Callable[[Path, bytes], None]
) -> Outcome:
    from ..api import Source
    from .cache import render_cached

    try:
        made = render_cached(Source(path=job.input), tuple(job.outputs), options, cache, store=not check)
    except AksdiagError as exc:
        return Outcome(job, "failed", list(exc.problems))
    changed = [target for fmt, target in job.outputs.items() if _current(target) != made.outputs[fmt]]
    if check:
        missing = any(not t.exists() for t in changed)
        return Outcome(
            job, ("missing" if missing else "stale") if changed else "ok", changed=changed, warnings=made.warnings
        )
    try:
        for fmt, target in job.outputs.items():
            if target in changed:
                target.parent.mkdir(parents=True, exist_ok=True)
                write(target, made.outputs[fmt])
    except AksdiagError as exc:
        return Outcome(job, "failed", list(exc.problems))
    except OSError as exc:
        return Outcome(job, "failed", [Problem(f"cannot write: {exc.strerror}", file=str(job.input))])
    return Outcome(job, "rendered" if changed else "unchanged", changed=changed, warnings=made.warnings)


def run(
    jobs: list[Job],
    options: Options,
    cache: RenderCache,
    *,
    workers: int,
    check: bool,
    write: Callable[[Path, bytes], None],
    on_done: Callable[[Outcome], None],
) -> list[Outcome]:
    """Every job, up to `workers` at a time; results in input order, `on_done` as each finishes."""
    needs_d2 = any(fmt != "d2" for job in jobs for fmt in job.outputs)
    # The once-per-process work, before the threads start (each of them would wait for it anyway):
    # d2's check and fingerprint (a process and a hash, outside the GIL) run beside the imports and
    # the templates, so the first d2 starts sooner. A wrong d2 fails the batch here, every job alike.
    with ThreadPoolExecutor(max_workers=1) as side:
        d2_ready = side.submit(_d2_ready, cache.folder is not None) if needs_d2 else None
        _python_ready(cache.folder is not None)
        if d2_ready is not None:
            d2_ready.result()
    from ..compile.d2 import d2_limit

    results: dict[int, Outcome] = {}
    # Twice the threads, `workers` d2 at a time: while d2 draws one file, Python prepares the next.
    with d2_limit(workers), ThreadPoolExecutor(max_workers=2 * max(1, workers)) as pool:
        futures = {pool.submit(run_job, job, options, cache, check=check, write=write): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            outcome = future.result()
            results[futures[future]] = outcome
            on_done(outcome)
    return [results[i] for i in range(len(jobs))]


def _d2_ready(keyed: bool) -> None:
    from ..compile.binary import d2_fingerprint
    from ..compile.d2 import d2_version_string

    d2_fingerprint() if keyed else d2_version_string()


def _python_ready(keyed: bool) -> None:
    # Loading modules makes next to no garbage, but allocates enough to start ~50 collector passes
    # over the growing heap: 125 -> 116 ms for this function with the collector paused (3 runs each).
    collecting = gc.isenabled()
    gc.disable()
    try:
        from .. import api  # noqa: F401
        from ..api import stages  # noqa: F401
        from ..compile import reproducible  # noqa: F401
        from ..d2.render import environment
        from ..report import alttext  # noqa: F401  (the stages' imports, once, here)

        environment()
        if keyed:
            from .cache import _resources_digest

            _resources_digest()
    finally:
        if collecting:
            gc.enable()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
