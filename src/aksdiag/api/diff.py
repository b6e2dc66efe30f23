"""`aksdiag diff BASE HEAD`: the cluster files of two revisions (or folders), compared by what they derive.

Loading is `load.revision`'s and `api.load`'s, the comparison `derive.diff`'s, the words
`report.diff`'s; this runs them in order and draws the before and after pictures of every file
whose network changes. It writes nothing: the caller writes the comment and the pictures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import api
from ..derive.diff import FileChange, FileDiff, Side, diff_file
from ..derive.plan import Severity
from ..errors import AksdiagError
from ..load.revision import snapshot
from ..options import Options
from ..report.diff import DiffReport


@dataclass
class Diffed:
    report: DiffReport
    pictures: dict[str, bytes] = field(default_factory=dict)  # relative picture path -> bytes


def _side(
    path: str,
    data: bytes | None,
    options: Options,
    positions: dict[tuple[str, str, str], tuple[int | None, int | None]],
    label: str,
) -> Side | None:
    if data is None:
        return None
    from .stages import locate_field

    try:
        text = data.decode("utf-8-sig")
        prepared = api.load(api.Source.from_text(text, name=path))
        # Every finding, errors included, as `check` reports them: a diff shows what breaks AKS's
        # rules as findings on either side rather than refusing to compare.
        plan = api.plan(prepared, Options(**{**options.__dict__, "draw_unsupported": True}))
    except UnicodeDecodeError as exc:
        from ..errors import Problem

        return Side(problems=(Problem(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=path),))
    except AksdiagError as exc:
        return Side(problems=tuple(exc.problems))
    for f in plan.findings:
        if f.fields:
            positions[(path, label, f.fields[0])] = locate_field(prepared.loaded, f.fields[0])
    return Side(plan=plan)


def picture_name(path: str, side: str, fmt: str) -> str:
    """`clusters/prod.yaml` -> `clusters/prod.before.svg`: the repository's layout, mirrored."""
    p = PurePosixPath(path)
    return str(p.with_name(f"{p.stem}.{side}.{fmt}"))


def diff(
    base: str,
    head: str,
    *,
    cwd: Path,
    scopes: tuple[str, ...] = (),
    options: Options | None = None,
    picture_format: str | None = "svg",
) -> Diffed:
    options = options or Options()
    a = snapshot(base, cwd=cwd, scopes=scopes, field="BASE")
    b = snapshot(head, cwd=cwd, scopes=scopes, field="HEAD")
    positions: dict[tuple[str, str, str], tuple[int | None, int | None]] = {}
    files: list[FileDiff] = []
    for path in sorted(set(a.files) | set(b.files)):
        before_bytes, after_bytes = a.files.get(path), b.files.get(path)
        if before_bytes == after_bytes:
            continue  # the same bytes derive the same network
        before = _side(path, before_bytes, options, positions, "before")
        after = _side(path, after_bytes, options, positions, "after")
        files.append(diff_file(path, before, after))
    drawn: dict[str, bytes] = {}
    names: dict[str, dict[str, str]] = {}
    if picture_format:
        for f in files:
            if f.change in (FileChange.edited, FileChange.failed):
                continue
            for label, data in (("before", a.files.get(f.path)), ("after", b.files.get(f.path))):
                side = f.before if label == "before" else f.after
                if data is None or side is None or side.plan is None:
                    continue
                made = api.render(
                    api.Source.from_text(data.decode("utf-8-sig"), name=f.path),
                    formats=(picture_format,),
                    options=Options(**{**options.__dict__, "draw_unsupported": True}),
                )
                name = picture_name(f.path, label, picture_format)
                drawn[name] = made.outputs[picture_format]
                names.setdefault(f.path, {})[label] = name
    report = DiffReport(a.label, b.label, tuple(files), a.revision, b.revision, names, positions)
    return Diffed(report, drawn)


def exit_code(report: DiffReport, fail_on: Severity | None) -> int:
    """As `check`: 2 when a head file cannot be read, 1 when a finding at or above `fail_on` appears."""
    if any(f.change == FileChange.failed for f in report.files):
        return 2
    if fail_on is not None and any(x.severity.rank >= fail_on.rank for f in report.files for x in f.appeared()):
        return 1
    return 0
