"""The batch form of `aksdiag render`: progress on a terminal, plain lines otherwise, a summary.

Exit codes: 0 every file done (or, with --check, every output current); 1 with --check, an
output is missing or stale, or with --fail-on-write, an output was written; 2 a file failed (bad
input, d2), whatever else happened.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..batch import (
    DEFAULT_EXCLUDES,
    DEFAULT_PATTERNS,
    Job,
    Outcome,
    default_jobs,
    find_inputs,
    plan_jobs,
    run,
)
from ..batch.cache import RenderCache
from ..errors import InputError, Problem
from ..options import OUTPUT_FORMATS, Options
from ..runtime.resources import cache_dir as default_cache_dir


def _formats(text: str | None) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in (text or "svg").split(",") if f.strip()))
    bad = [f for f in formats if f not in OUTPUT_FORMATS]
    if bad or not formats:
        raise InputError(
            Problem(
                f"unknown format {bad[0] if bad else text!r}; allowed: {', '.join(OUTPUT_FORMATS)}", field="--format"
            )
        )
    return formats


def _write(target: Path, data: bytes) -> None:
    from .output import write_atomic

    write_atomic(target, data)


def run_batch(
    paths: list[str],
    options: Options,
    *,
    out_dir: Path | None,
    formats: str | None,
    jobs: int | None,
    check: bool,
    patterns: list[str] | None,
    excludes: list[str] | None,
    cache_dir: Path | None,
    no_cache: bool,
    fail_on_write: bool = False,
    relative_to: Path | None = None,
) -> int:
    from .quick_exit import skip_final_collection

    skip_final_collection()  # this is the `aksdiag render DIR` process: its end need not collect
    fmts = _formats(formats)
    inputs = _inputs(paths, patterns, excludes)
    job_list = plan_jobs(inputs, fmts, out_dir, relative_to)
    cache = RenderCache(None if no_cache else (cache_dir or default_cache_dir()))
    err = sys.stderr
    if cache.refused:
        print(f"aksdiag: warning: cache folder {cache.asked}: {cache.refused}; rendering without it", file=err)

    def report(outcome: Outcome) -> None:
        _report(outcome, err)

    workers = jobs or default_jobs()
    if err.isatty():
        outcomes = _run_with_progress(job_list, options, cache, workers=workers, check=check, report=report)
    else:
        outcomes = run(job_list, options, cache, workers=workers, check=check, write=_write, on_done=report)

    cache.prune()  # within the size and age limits ($AKSDIAG_CACHE_MAX_MB, $AKSDIAG_CACHE_MAX_DAYS)
    return _summary(outcomes, check=check, fail_on_write=fail_on_write, err=err)


def _inputs(paths: list[str], patterns: list[str] | None, excludes: list[str] | None) -> list[tuple[Path, Path | None]]:
    """The files the paths, folders and globs name; none is bad input."""
    inputs = find_inputs(paths, patterns or DEFAULT_PATTERNS, excludes or DEFAULT_EXCLUDES)
    if not inputs:
        raise InputError(
            Problem(
                f"no cluster files found in {', '.join(paths)} (pattern {' '.join(patterns or DEFAULT_PATTERNS)})",
                field="PATH",
            )
        )
    return inputs


def _report(outcome: Outcome, err: TextIO) -> None:
    """One file's outcome, as lines on stderr."""
    name = outcome.job.input
    if outcome.status == "failed":
        for p in outcome.problems:
            print(f"aksdiag: error: {p if p.file else f'{name}: {p}'}", file=err)
    elif outcome.status in ("stale", "missing"):
        for target in outcome.changed:
            print(f"{target}: {'missing' if not target.exists() else 'stale'} (from {name})", file=err)
    elif outcome.status == "rendered":
        print(f"wrote {', '.join(map(str, outcome.changed))}", file=err)
    for w in outcome.warnings:
        print(f"aksdiag: warning: {name}: {w}", file=err)


def _run_with_progress(
    job_list: list[Job],
    options: Options,
    cache: RenderCache,
    *,
    workers: int,
    check: bool,
    report: Callable[[Outcome], None],
) -> list[Outcome]:
    """The batch on a terminal: a progress bar, with the lines worth reading above it."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from . import streams

    # rich draws the bar with control sequences of its own: it writes past the escaping.
    console = Console(file=streams.RAW_STDERR or sys.stderr)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("checking" if check else "rendering", total=len(job_list))

        def on_done(outcome: Outcome) -> None:
            if outcome.status in ("failed", "stale", "missing") or outcome.warnings:
                report(outcome)  # Progress redirects stderr: the lines print above the bar
            progress.advance(task)

        return run(job_list, options, cache, workers=workers, check=check, write=_write, on_done=on_done)


def _summary(outcomes: list[Outcome], *, check: bool, fail_on_write: bool, err: TextIO) -> int:
    """The summary line, and the exit code it comes to."""
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    order = ("ok", "stale", "missing", "failed") if check else ("rendered", "unchanged", "failed")
    summary = ", ".join(f"{counts.get(k, 0)} {k}" for k in order)
    print(f"aksdiag: {len(outcomes)} file{'s' if len(outcomes) != 1 else ''}: {summary}", file=err)
    if counts.get("failed"):
        return 2
    if check and (counts.get("stale") or counts.get("missing")):
        return 1
    if fail_on_write and counts.get("rendered"):
        # As formatters in pre-commit: a new diagram is an untracked file pre-commit would not notice.
        print("aksdiag: diagrams were written; add them (git add) and commit again", file=err)
        return 1
    return 0
