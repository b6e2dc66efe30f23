"""`aksdiag compare`, `aksdiag diff` and `aksdiag slides`: the design-review commands, on the CLI's app.

Thin like the rest of the CLI: the work is in `review` (stages), `compare_report`
(words and tables) and `slides` (the deck); this turns options into calls and errors
into exit code 2.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import AksdiagError, InputError, Problem
from ..options import TARGET_MODELS
from .app import Debug, FailOn, Layout, _fail, _start_pdf_early, app
from .output import output_target, write_atomic


class TableFormat(str, Enum):
    markdown = "markdown"
    csv = "csv"
    json = "json"


AsModel = Enum("AsModel", {name: name for name in TARGET_MODELS}, type=str)  # type: ignore[misc]

TABLE_SUFFIXES = {".md": "markdown", ".csv": "csv", ".json": "json"}
DIAGRAM_SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".d2": "d2"}


def _second(a: Path, b: Path | None, as_model: Enum | None):
    from ..derive.as_model import TargetModel
    from ..load.design import has_before
    from ..load.source import parse_document

    if b is not None and as_model is not None:
        raise InputError(Problem("give a second cluster B or --as MODEL, not both", field="--as"))
    if b is None and as_model is None:
        if has_before(parse_document(a)):
            return None  # a Terraform plan: its before and its after
        raise InputError(
            Problem(
                "give a second cluster B to compare with, or --as MODEL "
                f"({', '.join(t.value for t in TargetModel)}); alone, only a Terraform plan "
                "that changes an existing cluster can be compared",
                field="--as",
            )
        )
    return TargetModel(as_model.value) if as_model is not None else None


@app.command()
def compare(
    a: Annotated[
        Path,
        typer.Argument(
            help="Cluster description, `az aks show` JSON, or a Terraform plan (alone: what the plan changes)."
        ),
    ],
    b: Annotated[Path | None, typer.Argument(help="A second cluster to compare with.", show_default=False)] = None,
    as_model: Annotated[
        AsModel | None,
        typer.Option(
            "--as",
            help="Compare A with itself under another "
            "network model; what that model needs is chosen and listed as assumed.",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="File to write; the extension picks: "
            ".md .csv .json (the table), .svg .png .d2 (side by side), .pdf (one page per model). "
            "Default: the table on stdout.",
        ),
    ] = None,
    format: Annotated[TableFormat | None, typer.Option("--format", "-f", help="Table format on stdout.")] = None,
    scenarios: Annotated[
        bool,
        typer.Option(
            "--scenarios", help="With .d2/.pdf: one board per model on the same skeleton instead of side by side."
        ),
    ] = False,
    changes_only: Annotated[bool, typer.Option("--changes-only", help="Leave out facts that are the same.")] = False,
    cluster: Annotated[
        str | None, typer.Option("--cluster", metavar="NAME", help="The cluster to compare, in a plan with several.")
    ] = None,
    layout: Annotated[Layout, typer.Option(help="D2 layout engine.")] = Layout.elk,
    debug: Debug = False,
) -> None:
    """Compare two designs by what they derive: pod addressing, routes, source IPs, capacity, findings."""
    from ..api.compare import compare_bytes, review
    from ..api.stages import Options
    from ..report.compare import render_table

    try:
        target = _second(a, b, as_model)
        options = Options(layout=layout.value)
        rv = review(a, b, target, options, cluster=cluster)
        suffix = Path(output).suffix.lower() if output and output != "-" else ""
        if suffix in DIAGRAM_SUFFIXES:
            fmt = DIAGRAM_SUFFIXES[suffix]
            data = compare_bytes(rv, fmt, options, scenarios=scenarios or fmt == "pdf")
        else:
            if output and output != "-" and suffix not in TABLE_SUFFIXES:
                raise InputError(
                    Problem(
                        f"cannot tell the format from {Path(output).name!r}; use one of "
                        f"{', '.join([*TABLE_SUFFIXES, *DIAGRAM_SUFFIXES])}",
                        field="--output",
                    )
                )
            fmt = format.value if format else TABLE_SUFFIXES.get(suffix, "markdown")
            data = render_table(
                rv.comparison,
                fmt,
                choices=rv.choices,
                migration=rv.migration,
                all_rows=not changes_only,
                files=(str(a), str(b) if b is not None else None),
            ).encode()
        if not output or output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        output_target(output, None, suffix.lstrip(".") or "text", [a, b], formats={}).write(data)
    except AksdiagError as exc:
        _fail(exc.problems, debug)
        return
    typer.echo(f"wrote {output} ({len(data):,} bytes)", err=True)


@app.command()
def slides(
    input: Annotated[Path, typer.Argument(help="Cluster description or `az aks show` JSON.")],
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE", help="review.pptx or review.pdf.")],
    template: Annotated[
        Path | None,
        typer.Option("--template", metavar="FILE", help="A company .pptx to start from (its layouts and theme)."),
    ] = None,
    compare_with: Annotated[
        Path | None, typer.Option("--compare", metavar="FILE", help="Add a comparison with this cluster.")
    ] = None,
    as_model: Annotated[
        AsModel | None,
        typer.Option(
            "--as",
            help="Add a comparison with the same cluster "
            "under another model (and, from kubenet to overlay, the migration checklist).",
        ),
    ] = None,
    layout: Annotated[Layout, typer.Option(help="D2 layout engine.")] = Layout.elk,
    draw_unsupported: Annotated[
        bool, typer.Option("--draw-unsupported", help="Draw combinations AKS does not allow instead of refusing them.")
    ] = False,
    debug: Debug = False,
) -> None:
    """A design-review deck: title, one picture per view, native plan and findings tables, notes."""
    _start_pdf_early(output, None, 120.0)  # the deck's pages are drawn long before they are joined
    from ..api.stages import Options
    from ..compile.pdf import pdf_engine
    from ..derive.as_model import TargetModel
    from ..options import Fit
    from ..runtime.extras import require
    from ..slides import build_deck

    try:
        if output == "-" or Path(output).suffix.lower() not in (".pptx", ".pdf"):
            raise InputError(
                Problem(
                    f"cannot tell the format from {Path(output).name!r}; a deck is a file: use .pptx or .pdf",
                    field="--output",
                )
            )
        target = output_target(
            output, None, None, [input, template, compare_with], formats={".pptx": "pptx", ".pdf": "pdf"}
        )
        fmt = "." + target.format
        if fmt == ".pptx":
            require("pptx", "slides", "a .pptx deck", field="--output")
        else:
            pdf_engine()  # before the pictures are drawn: says which extra a PDF needs, if one is missing
        if compare_with is not None and as_model is not None:
            raise InputError(Problem("give --compare or --as, not both", field="--as"))
        if template is not None:
            from ..slides.template import check_template

            check_template(template)  # before any picture is drawn
        # A deck is looked at in a room: each picture drawn to read at 12 pt on its slide.
        options = Options(layout=layout.value, draw_unsupported=draw_unsupported, fit=Fit.room)
        data = build_deck(
            input,
            options,
            fmt=fmt[1:],
            template=template,
            compare_with=compare_with,
            as_model=TargetModel(as_model.value) if as_model is not None else None,
        )
        target.write(data)
    except AksdiagError as exc:
        _fail(exc.problems, debug)
        return
    typer.echo(f"wrote {output} ({len(data):,} bytes)", err=True)


class DiffFormat(str, Enum):
    markdown = "markdown"
    json = "json"


@app.command()
def diff(
    base: Annotated[str, typer.Argument(help="The base: a git revision (main, HEAD~1, a commit) or a folder.")],
    head: Annotated[str, typer.Argument(help="The head: a git revision or a folder.")] = "HEAD",
    path: Annotated[
        list[str] | None,
        typer.Option(
            "--path",
            metavar="PATH",
            help="Only cluster files under this path, from the current folder (repeatable). Default: the whole tree.",
        ),
    ] = None,
    format: Annotated[
        DiffFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="markdown (a pull-request comment) or json. Default: from -o's extension, else markdown.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the comment here instead of stdout.")
    ] = None,
    pictures: Annotated[
        Path | None,
        typer.Option(
            "--pictures",
            metavar="DIR",
            help="Write before/after pictures of "
            "every cluster whose network changes here, mirroring the repository's paths.",
        ),
    ] = None,
    picture_format: Annotated[str, typer.Option("--picture-format", metavar="FORMAT", help="svg or png.")] = "svg",
    fail_on: Annotated[FailOn, typer.Option(help="Exit 1 when a finding at least this severe appears.")] = FailOn.error,
    layout: Annotated[Layout, typer.Option(help="D2 layout engine for the pictures.")] = Layout.elk,
    debug: Debug = False,
) -> None:
    """What a change does to the networks: the cluster files of two revisions (or folders), compared by what
    they derive. Exit codes as check: 0 clean, 1 a finding at or above --fail-on appears, 2 bad input."""
    from ..api.diff import diff as run_diff
    from ..api.diff import exit_code
    from ..derive.plan import Severity
    from ..options import Options
    from ..report.diff import as_json, markdown

    try:
        if picture_format not in ("svg", "png"):
            raise InputError(
                Problem(f"unknown picture format {picture_format!r}; allowed: svg, png", field="--picture-format")
            )
        made = run_diff(
            base,
            head,
            cwd=Path.cwd(),
            scopes=tuple(path or ()),
            options=Options(layout=layout.value),
            picture_format=picture_format if pictures is not None else None,
        )
        fmt = (
            format.value
            if format
            else ("json" if output is not None and output.suffix.lower() == ".json" else "markdown")
        )
        text = as_json(made.report) if fmt == "json" else markdown(made.report)
        if pictures is not None:
            for name, data in made.pictures.items():
                target = pictures / name
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, data)
        if output is not None:
            output_target(str(output), None, "text", [], formats={}).write(text.encode())
    except AksdiagError as exc:
        _fail(exc.problems, debug)
        return
    if output is None:
        typer.echo(text, nl=False)
    else:
        typer.echo(f"wrote {output}", err=True)
    if made.pictures:
        typer.echo(f"wrote {len(made.pictures)} pictures under {pictures}", err=True)
    threshold = None if fail_on == FailOn.never else Severity(fail_on.value)
    raise typer.Exit(exit_code(made.report, threshold))
