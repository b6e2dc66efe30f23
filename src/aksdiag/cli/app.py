"""The command line: a thin layer that turns typed errors into messages and exit codes.

Exit codes: 0 done; 2 bad input, a rule AKS enforces, or bad usage; 1 from `check` when
there are findings at or above `--fail-on`. Anything else is a bug (with traceback). Output files are written atomically: a temporary file beside the target,
then a rename, so a failure never leaves a partial or clobbered file.
"""

from __future__ import annotations

import copy
import functools
import json
import sys
import traceback
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from .. import __version__
from ..d2.themes import DARK_THEMES, THEMES
from ..errors import AksdiagError, InputError, Interrupted, Problem
from ..options import ALL_VIEWS, FIT_NAMES, VIEWS, View
from .output import FORMATS as SUFFIX_FORMATS
from .output import Target, output_target

if TYPE_CHECKING:
    from .. import api
    from ..derive.plan import AddressPlan
    from ..options import Options
    from ..report.findings import FileResult, Located

app = typer.Typer(
    name="aksdiag",
    help="Draw an AKS cluster's network design as a diagram that is right about the network.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: typer's rich panels print `<bool>` after every flag.
    rich_markup_mode=None,
)


class Layout(str, Enum):
    elk = "elk"
    dagre = "dagre"


# The theme names live with their D2 ids in `render`; the CLI only offers them.
# mypy reads members only from a literal; these come from the registries, as typer needs them.
Theme = Enum("Theme", {name: name for name in ("default", *THEMES)}, type=str)  # type: ignore[misc]
Dark = Enum("Dark", {name: name for name in DARK_THEMES}, type=str)  # type: ignore[misc]
ViewName = Enum("ViewName", {name: name for name in (*VIEWS, ALL_VIEWS)}, type=str)  # type: ignore[misc]
FitName = Enum("FitName", {name: name for name in FIT_NAMES}, type=str)  # type: ignore[misc]
FIT_HELP = (
    "Where the picture is looked at; it draws what reads there, never smaller type: slide (fitted into "
    "1920x1080, addresses 14 px or more), docs (an 800 px column, 11 px; portrait), room (a deck's "
    "960x540 pt slide, 12 pt; one topic per picture)."
)


class PngEngine(str, Enum):
    d2 = "d2"
    cairosvg = "cairosvg"


def _fail(problems: list[Problem], debug: bool) -> None:
    for p in problems:
        typer.echo(f"aksdiag: error: {p}", err=True)
    if debug:
        traceback.print_exc()
    raise typer.Exit(2)


def _is_batch(
    paths: list[str],
    *,
    out_dir: Path | None,
    check: bool,
    jobs: int | None,
    format: str | None,
    fail_on_write: bool = False,
) -> bool:
    """The batch form: several inputs, a folder or a glob, or an option only a batch has. One plain
    file with at most -o and one format stays the single-file render it always was."""
    import glob

    if (
        len(paths) > 1
        or out_dir is not None
        or check
        or fail_on_write
        or jobs is not None
        or (format and "," in format)
    ):
        return True
    return bool(paths) and not Path(paths[0]).is_file() and (Path(paths[0]).is_dir() or glob.has_magic(paths[0]))


CONNECTED_HELP = (
    "A range the cluster's VNet reaches (peered VNet, on-premises, ExpressRoute, VPN) that pod, "
    "service and VNet ranges must not overlap: CIDR or NAME=CIDR; repeat for more."
)
NETWORK_HELP = (
    "The network around the cluster, as `az network ... show` prints it: the hub VNet (`vnet show`), its "
    "firewall (`firewall show`) and public IP (`public-ip show`), peerings (`vnet peering list`), on-premises "
    "ranges (`local-gateway show`), private DNS zone links (`private-dns link vnet show`); repeat for more."
)


# The options that lay real-world files over one cluster, and the shared flags: one declaration,
# the same in render, check and plan (and compare, slides, diff where they apply).
NodesFile = Annotated[
    Path | None,
    typer.Option(
        "--nodes", metavar="FILE", help="`kubectl get nodes -o json` output: real node names, IPs and pod CIDRs."
    ),
]
RouteTableFile = Annotated[
    Path | None,
    typer.Option(
        "--route-table", metavar="FILE", help="`az network route-table show` output: real routes, with drift marked."
    ),
]
VnetFile = Annotated[
    Path | None,
    typer.Option("--vnet", metavar="FILE", help="`az network vnet show` output: the VNet's address space and subnets."),
]
ConnectedRanges = Annotated[list[str] | None, typer.Option("--connected", metavar="[NAME=]CIDR", help=CONNECTED_HELP)]
NetworkFiles = Annotated[list[Path] | None, typer.Option("--network", metavar="FILE", help=NETWORK_HELP)]
ClusterName = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        metavar="NAME",
        help="The cluster to use from `az aks list` output, a Terraform plan or an ARM template.",
    ),
]
ParametersFile = Annotated[
    Path | None,
    typer.Option(
        "--parameters",
        metavar="FILE",
        help="An ARM template's parameters file (azuredeploy.parameters.json, or a .bicepparam built to JSON).",
    ),
]
Debug = Annotated[bool, typer.Option("--debug", help="Show a traceback with errors.")]


@app.command()
def render(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH...",
            help="Cluster descriptions (.yaml), `az aks show` JSON, Terraform plans "
            "(`terraform show -json`) or ARM templates: files, folders (walked "
            "by --pattern) or globs.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Output file; the extension picks the "
            "format (.svg .png .pdf .d2). `-` writes to stdout. Default: INPUT with --format's extension (.svg).",
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="svg, png, pdf or d2; needed with `-o -` for anything but svg. Several, comma-separated, for a batch.",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            metavar="DIR",
            help="Batch: write outputs here, each at "
            "its input's path from the current folder, whether the input was named or found in a "
            "folder (default: beside each input).",
        ),
    ] = None,
    relative_to: Annotated[
        Path | None,
        typer.Option(
            "--relative-to",
            metavar="DIR",
            help="Batch: with --out-dir, mirror inputs' paths from this folder instead of the current one.",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, metavar="N", help="Batch: d2 runs at once (default: the CPU count)."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 1 listing outputs that are missing or differ from what would be rendered.",
        ),
    ] = False,
    fail_on_write: Annotated[
        bool,
        typer.Option(
            "--fail-on-write",
            help="Batch: write what is missing or stale, and "
            "exit 1 when anything was written (pre-commit: add the diagrams and commit again).",
        ),
    ] = False,
    pattern: Annotated[
        list[str] | None,
        typer.Option(
            "--pattern",
            metavar="GLOB",
            help="Batch: file names to take from folders (repeatable). Default: *.yaml *.yml *.json.",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            metavar="NAME",
            help="Batch: file or folder names to skip "
            "in folders (repeatable). Default: mkdocs.yml, mkdocs.yaml, hidden ones (.*), "
            "*.schema.json.",
        ),
    ] = None,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            metavar="DIR",
            help="Batch: the render cache folder (default: $AKSDIAG_CACHE_DIR or ~/.cache/aksdiag).",
        ),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Batch: render everything again.")] = False,
    view: Annotated[
        ViewName,
        typer.Option(
            help="What the diagram says: "
            + "; ".join(f"{v.value} ({v.help})" for v in View)
            + "; all: every view, as pages of a PDF or layers of "
            "a .d2."
        ),
    ] = ViewName["overview"],
    fit: Annotated[FitName, typer.Option(help=FIT_HELP)] = FitName["slide"],
    layout: Annotated[Layout, typer.Option(help="D2 layout engine.")] = Layout.elk,
    theme: Annotated[Theme, typer.Option(help="D2 theme for the light rendering.")] = Theme["default"],
    dark: Annotated[
        Dark | None, typer.Option(help="Also embed a dark variant (SVG follows the viewer's colour scheme).")
    ] = None,
    png_engine: Annotated[
        PngEngine, typer.Option(help="PNG rasteriser: d2's own (default; exact fonts) or cairosvg.")
    ] = PngEngine.d2,
    icons: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Folder of your own icons, by name (vm.svg, lb.svg, ...); missing names fall back to the bundled set.",
        ),
    ] = None,
    max_nodes: Annotated[
        int | None,
        typer.Option(
            min=2,
            max=100,
            metavar="N",
            help="At most N nodes drawn per pool (fewer "
            "when the picture would not read at --fit); the rest are summarised. Default: what fits.",
            show_default=False,
        ),
    ] = None,
    column: Annotated[
        int | None,
        typer.Option(
            min=200,
            max=4000,
            metavar="PX",
            help="With --fit docs: your docs column's width in px (mkdocs-material beside its table of "
            "contents at a 1440 px window: 688). Default: 800.",
            show_default=False,
        ),
    ] = None,
    draw_unsupported: Annotated[
        bool,
        typer.Option(
            "--draw-unsupported", help="Draw combinations AKS does not allow, marked in red, instead of refusing them."
        ),
    ] = False,
    nodes: NodesFile = None,
    route_table: RouteTableFile = None,
    vnet: VnetFile = None,
    connected: ConnectedRanges = None,
    network: NetworkFiles = None,
    az: Annotated[bool, typer.Option("--az", help="Read the cluster live with `az aks show`.")] = False,
    with_nodes: Annotated[bool, typer.Option("--with-nodes", help="With --az: also `kubectl get nodes`.")] = False,
    with_route_table: Annotated[
        bool, typer.Option("--with-route-table", help="With --az: also the route table in the node resource group.")
    ] = False,
    with_vnet: Annotated[bool, typer.Option("--with-vnet", help="With --az: also `az network vnet show`.")] = False,
    with_network: Annotated[
        bool,
        typer.Option(
            "--with-network",
            help="With --az: also the VNet's peerings, the peered hub, its firewall and the firewall's public IP.",
        ),
    ] = False,
    resource_group: Annotated[
        str | None, typer.Option("--resource-group", "-g", metavar="GROUP", help="With --az.")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", "-n", metavar="NAME", help="With --az: the cluster name.")
    ] = None,
    cluster: ClusterName = None,
    parameters: ParametersFile = None,
    timeout: Annotated[float, typer.Option(min=1, metavar="SECONDS", help="Seconds d2 may take.")] = 120.0,
    debug: Debug = False,
) -> None:
    """Render cluster network diagrams (SVG, PNG, PDF or D2 source): one file, or many in one run.

    Exit codes: 0 done; 1 with --check, outputs missing or stale, or with --fail-on-write, outputs written;
    2 bad input (in a batch: any file).
    """
    _start_pdf_early(output, format, timeout)
    from .. import api
    from ..options import Fit, Options

    paths = inputs or []
    try:
        if not paths and not az:
            raise InputError(Problem("give an INPUT file, or --az with --resource-group and --name"))
        input = Path(paths[0]) if paths else None
        _refuse_live_options_without_az(
            az,
            input,
            with_nodes=with_nodes,
            with_route_table=with_route_table,
            with_vnet=with_vnet,
            with_network=with_network,
            resource_group=resource_group,
            name=name,
        )
        options = Options(
            layout=layout.value,
            theme=theme.value,
            dark=dark.value if dark else None,
            max_nodes=max_nodes,
            png_engine=png_engine.value,
            icons=icons,
            draw_unsupported=draw_unsupported,
            timeout=timeout,
            view=view.value,
            fit=Fit(fit.value),
            column=column,
        )
        if not az and _is_batch(
            paths, out_dir=out_dir, check=check, jobs=jobs, format=format, fail_on_write=fail_on_write
        ):
            _refuse_one_cluster_options(
                output is not None, any((nodes, route_table, vnet, cluster, connected, parameters, network))
            )
            from .batch import run_batch

            code = run_batch(
                paths,
                options,
                out_dir=out_dir,
                formats=format,
                jobs=jobs,
                check=check,
                fail_on_write=fail_on_write,
                relative_to=relative_to,
                patterns=pattern,
                excludes=exclude,
                cache_dir=cache_dir,
                no_cache=no_cache,
            )
            raise typer.Exit(code)
        if az:
            source, base = _live_source(
                resource_group,
                name,
                nodes=with_nodes,
                route_table=with_route_table,
                vnet=with_vnet,
                network=with_network,
            )
        else:
            assert input is not None
            base = input
            source = api.Source(
                path=input, nodes=nodes, route_table=route_table, vnet=vnet, cluster=cluster, parameters=parameters
            )
        # The default name carries the view (x.addresses.svg), so that one view does not overwrite another.
        named = (
            base
            if output is not None or view.value in (VIEWS[0], ALL_VIEWS)
            else base.with_name(f"{base.stem}.{view.value}{base.suffix}")
        )
        inputs_ = [input, nodes, route_table, vnet, parameters, *(network or [])]
        target = output_target(output, named, format, inputs_)
        source = replace(source, connected=_connected(connected), network=tuple(network or ()))
        if view.value == ALL_VIEWS and target.format in ("svg", "png"):
            warnings, written = _write_each_view(source, options, target, inputs_)
        else:
            warnings, written = _write_one(source, options, target)
    except AksdiagError as exc:
        _fail(exc.problems, debug)
        return
    for warning in warnings:
        typer.echo(f"aksdiag: warning: {warning}", err=True)
    for path, size in written:
        typer.echo(f"wrote {path} ({size:,} bytes)", err=True)


def _refuse_one_cluster_options(output: bool, one_cluster: bool) -> None:
    """A batch writes many outputs, each of its own cluster: -o and the options about one cluster refuse."""
    if output:
        raise InputError(
            Problem("-o names one output; with several inputs, folders or --check use --out-dir", field="--output")
        )
    if one_cluster:
        raise InputError(
            Problem(
                "--nodes, --route-table, --vnet, --network, --cluster, --parameters and "
                "--connected describe one cluster; render it on its own",
                field="--nodes",
            )
        )


def _live_source(
    resource_group: str | None, name: str | None, *, nodes: bool, route_table: bool, vnet: bool, network: bool
) -> tuple[api.Source, Path]:
    """The cluster read live with `az`, and the file name its outputs default to."""
    from .. import api
    from ..load.live import load_live

    live_doc, observed, around = load_live(
        resource_group, name, nodes=nodes, route_table=route_table, vnet=vnet, network=network
    )
    source = api.Source(
        data=live_doc.data, name=live_doc.name, observed=observed, from_azure=True, network_documents=around
    )
    return source, Path(f"{name}.yaml")


def _write_each_view(
    source: api.Source, options: Options, target: Target, inputs_: list[Path | None]
) -> tuple[list[str], list[tuple[Path | None, int]]]:
    """One picture per view: x.overview.svg, x.addresses.svg, ... beside the name asked for."""
    from .. import api

    if target.path is None:
        raise InputError(Problem("--view all writes one file per view: give a file name, not -o -", field="--output"))
    warnings: list[str] = []
    written: list[tuple[Path | None, int]] = []
    for name_ in VIEWS:
        one = output_target(
            str(target.path.with_name(f"{target.path.stem}.{name_}{target.path.suffix}")), None, target.format, inputs_
        )
        made = api.render(source, formats=(target.format,), options=replace(options, view=name_))
        one.write(made.outputs[target.format])
        warnings += [w for w in made.warnings if w not in warnings]
        written.append((one.path, len(made.outputs[target.format])))
    return warnings, written


def _start_pdf_early(output: Path | str | None, formats: str | None, timeout: float) -> None:
    """A command that will write a PDF starts its renderer before it imports the pipeline (see
    `compile.pdf.start_early`); a guess from the words of the command line, so a wrong one costs
    a child stopped at exit, never a different output."""
    asked = (
        (formats or "").lower().split(",") if formats else [SUFFIX_FORMATS.get(Path(output or "").suffix.lower(), "")]
    )
    wants_pdf = "pdf" in asked
    if wants_pdf:
        from ..compile.pdf import start_early

        start_early(timeout)


def _write_one(source: api.Source, options: Options, target: Target) -> tuple[list[str], list[tuple[Path | None, int]]]:
    from .. import api

    made = api.render(source, formats=(target.format,), options=options)
    data = made.outputs[target.format]
    target.write(data)
    written: list[tuple[Path | None, int]] = [(target.path, len(data))] if target.path is not None else []
    return list(made.warnings), written


def _refuse_live_options_without_az(az: bool, input: Path | None, **given: object) -> None:
    """`--with-*`, `-g` and `-n` mean something only with --az; ignoring them would hide a mistake."""
    flags = {
        "with_nodes": "--with-nodes",
        "with_route_table": "--with-route-table",
        "with_vnet": "--with-vnet",
        "with_network": "--with-network",
        "resource_group": "--resource-group",
        "name": "--name",
    }
    used = [flags[k] for k, v in given.items() if v]
    if not az and used:
        raise InputError(
            Problem(
                f"{', '.join(used)} only work with --az (reading the cluster live); for a file, "
                "use --nodes, --route-table, --vnet and --network",
                field=used[0],
            )
        )
    if az and input is not None:
        raise InputError(Problem("give either an INPUT file or --az, not both", field="--az"))


def _connected(connected: list[str] | None) -> tuple[dict, ...]:
    """`--connected` values as `connectedNetworks` entries of the description."""
    import ipaddress

    out = []
    for item in connected or ():
        name, _, cidr = item.rpartition("=")
        try:
            prefix = ipaddress.ip_network(cidr.strip())
        except ValueError:
            raise InputError(
                Problem(f"found {item!r}: expected CIDR or NAME=CIDR, like onprem=10.0.0.0/8", field="--connected")
            ) from None
        out.append({"name": name.strip() or f"--connected {prefix}", "addressPrefixes": [str(prefix)]})
    return tuple(out)


def _write_report(output: Path, text: str, inputs: list[Path | None]) -> None:
    """A report (check, plan) goes where `-o` says, with the same care as a diagram."""
    output_target(str(output), None, "text", inputs, formats={}).write(text.encode())


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    note = "note"
    never = "never"


class PlanFormat(str, Enum):
    markdown = "markdown"
    csv = "csv"
    json = "json"


@app.command()
def schema(
    reports: Annotated[
        bool,
        typer.Option("--reports", help="The schema of the JSON that check, plan, compare and diff write, instead."),
    ] = False,
) -> None:
    """Print the JSON Schema of the cluster description (for editors' YAML language server)."""
    if reports:
        from ..report import envelope

        typer.echo(json.dumps(envelope.schema(), indent=2))
        return
    from ..model import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command()
def check(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="Cluster descriptions, `az aks show` JSON, "
            "Terraform plans or ARM templates: files, folders (walked as render "
            "walks them) or globs.",
            show_default=False,
        ),
    ],
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="text, json or sarif (SARIF 2.1.0, for code scanning).")
    ] = CheckFormat.text,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            help="Exit 1 when a finding is at least this severe (error: AKS refuses; warning: it will hurt; note)."
        ),
    ] = FailOn.error,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report to this file instead of stdout."),
    ] = None,
    nodes: NodesFile = None,
    route_table: RouteTableFile = None,
    vnet: VnetFile = None,
    connected: ConnectedRanges = None,
    network: NetworkFiles = None,
    cluster: ClusterName = None,
    parameters: ParametersFile = None,
    debug: Debug = False,
) -> None:
    """Check designs against AKS's rules: exit 0 clean, 1 findings at or above --fail-on, 2 bad input."""
    from .. import api
    from ..batch import find_inputs
    from ..derive.plan import Severity
    from ..options import Options
    from ..report.findings import FORMATS, FileResult, as_sarif

    results: list[FileResult] = []
    bad = failed = False
    threshold = None if fail_on == FailOn.never else Severity(fail_on.value).rank
    try:
        extra = _connected(connected)
        files = [path for path, _ in find_inputs(inputs)]
        if not files:
            raise InputError(Problem(f"no cluster files found in {', '.join(inputs)}", field="PATH"))
    except AksdiagError as exc:
        _fail(exc.problems, debug)
    for input in files:
        shown = _shown_input(input)
        try:
            prepared = api.load(
                api.Source(
                    path=input,
                    nodes=nodes,
                    route_table=route_table,
                    vnet=vnet,
                    cluster=cluster,
                    connected=extra,
                    parameters=parameters,
                    network=tuple(network or ()),
                )
            )
            for warning in prepared.warnings:
                typer.echo(f"aksdiag: warning: {warning}", err=True)
            # Every finding, errors included: the verdict is the same whether the document is
            # a description (render refuses it) or from Azure (render draws it, marked).
            plan = api.plan(prepared, Options(draw_unsupported=True))
        except AksdiagError as exc:
            bad = True
            results.append(_refused(shown, exc, debug))
            continue
        if threshold is not None and any(f.severity.rank >= threshold for f in plan.findings):
            failed = True
        results.append(
            FileResult(shown, _located(input, shown, prepared, plan), f"{plan.model.value}, {len(plan.nodes)} nodes")
        )
    report = (
        as_sarif(results, _repository_root(Path.cwd()))
        if format == CheckFormat.sarif
        else FORMATS[format.value](results)
    )
    if output is not None:
        try:
            _write_report(output, report, [*files, nodes, route_table, vnet, parameters])
        except AksdiagError as exc:
            _fail(exc.problems, debug)
    else:
        typer.echo(report, nl=False)
    raise typer.Exit(2 if bad else 1 if failed else 0)


def _refused(shown: str, exc: AksdiagError, debug: bool) -> FileResult:
    """A file `check` could not read: its problems, each placed in the file, told on stderr."""
    from ..report.findings import FileResult

    problems = [p if p.file else Problem(p.message, shown, p.line, p.column, p.field) for p in exc.problems]
    for p in problems:
        typer.echo(f"aksdiag: error: {p}", err=True)
    if debug:
        traceback.print_exc()
    return FileResult(shown, (), None, tuple(problems))


def _located(input: Path, shown: str, prepared: api.Prepared, plan: AddressPlan) -> tuple[Located, ...]:
    """Each finding with the line and column of the field it is about, and where that line ends."""
    from ..api.stages import locate_field
    from ..report.findings import Located

    located = []
    lines = _text_lines(input)
    for f in plan.findings:
        line, col = locate_field(prepared.loaded, f.fields[0]) if f.fields else (None, None)
        end = (line, len(lines[line - 1].rstrip()) + 1) if line is not None and line <= len(lines) else (None, None)
        located.append(Located(shown, f, line, col, *end))
    return tuple(located)


def _text_lines(path: Path) -> list[str]:
    """The input's lines, for where a finding's region ends; stdin has been read and is not kept."""
    if str(path) == "-":
        return []
    try:
        return path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return []


def _repository_root(start: Path) -> Path:
    """The git work tree around `start` (code scanning places files from its root), else `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


@app.command()
def plan(
    input: Annotated[
        Path,
        typer.Argument(
            help="Cluster description, `az aks show` JSON, Terraform plan or ARM template.", show_default=False
        ),
    ],
    format: Annotated[PlanFormat, typer.Option("--format", "-f", help="markdown, csv or json.")] = PlanFormat.markdown,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to this file instead of stdout.")
    ] = None,
    draw_unsupported: Annotated[
        bool,
        typer.Option(
            "--draw-unsupported", help="Plan a description that breaks AKS rules anyway, with the findings listed."
        ),
    ] = False,
    nodes: NodesFile = None,
    route_table: RouteTableFile = None,
    vnet: VnetFile = None,
    connected: ConnectedRanges = None,
    network: NetworkFiles = None,
    cluster: ClusterName = None,
    parameters: ParametersFile = None,
    debug: Debug = False,
) -> None:
    """The address plan as a table: every range, its use, and the nodes and pods that fit, with upgrade surge."""
    from .. import api
    from ..api.stages import locate_field
    from ..options import Options
    from ..report.plan_table import FORMATS, as_json

    try:
        source = api.Source(
            path=input,
            nodes=nodes,
            route_table=route_table,
            vnet=vnet,
            cluster=cluster,
            connected=_connected(connected),
            parameters=parameters,
            network=tuple(network or ()),
        )
        prepared = api.load(source)
        for warning in prepared.warnings:
            typer.echo(f"aksdiag: warning: {warning}", err=True)
        address_plan = api.plan(prepared, Options(draw_unsupported=draw_unsupported))
        if format == PlanFormat.json:
            text = as_json(
                address_plan, file=_shown_input(input), locate=lambda field: locate_field(prepared.loaded, field)
            )
        else:
            text = FORMATS[format.value](address_plan)
        if output is not None:
            _write_report(output, text, [input, nodes, route_table, vnet, parameters])
    except AksdiagError as exc:
        _fail(exc.problems, debug)
        return
    if output is None:
        typer.echo(text, nl=False)


@app.command("import")
def import_(
    input: Annotated[Path, typer.Argument(help="`az aks show` JSON (either shape).")],
    output: Annotated[
        str | None, typer.Option("--output", "-o", metavar="FILE", help="YAML file to write; `-` for stdout.")
    ] = "-",
    debug: Debug = False,
) -> None:
    """Write the editable YAML description of a real cluster."""
    from ..api.stages import load_cluster
    from ..load.export import spec_to_yaml

    try:
        target = output_target(
            output or "-", input, "yaml", [input], default_suffix=".yaml", formats={".yaml": "yaml", ".yml": "yaml"}
        )
        loaded = load_cluster(input)
        text = spec_to_yaml(loaded.spec, source=_shown_input(input))
        target.write(text.encode())
        if target.path is not None:
            typer.echo(f"wrote {target.path}", err=True)
    except AksdiagError as exc:
        _fail(exc.problems, debug)


def _shown_input(path: Path) -> str:
    return "<stdin>" if str(path) == "-" else str(path)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"aksdiag {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Draw an AKS cluster's network design as a diagram that is right about the network."""


@functools.lru_cache(maxsize=2)
def command(name: str | None = None) -> typer.core.TyperGroup:
    """The click command typer builds from `app`, with only the command `name` when it is one.

    Typer reads every command's signature and annotations to build the group (17 ms for the
    eight commands, against 6 ms for `render` alone), and a command's process runs one command.
    Help, a mistyped name and no name get the whole group, so they read as they always did.
    """
    chosen = [info for info in app.registered_commands if _command_name(info) == name]
    if chosen:
        lean = copy.copy(app)
        lean.registered_commands = chosen
        return cast(typer.core.TyperGroup, typer.main.get_command(lean))  # the callback keeps it a group
    return cast(typer.core.TyperGroup, typer.main.get_command(app))  # an app of several commands is a group


def _command_name(info: typer.models.CommandInfo) -> str | None:
    if info.name:
        return info.name
    return typer.main.get_command_name(info.callback.__name__) if info.callback else None


def _invoked(argv: list[str]) -> str | None:
    """The command a command line names: its first word (the group's own options all start with -)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main() -> None:
    from ..runtime.interrupt import signals_unwind
    from .streams import StreamError, finish, guard_streams, stream_failed

    guard_streams()
    try:
        # The whole command, not only d2's part: Ctrl-C while a file loads is the same
        # interruption (click would print "Aborted!" and exit 1).
        with signals_unwind():
            try:
                command(_invoked(sys.argv[1:]))()
            finally:
                finish()
    except Interrupted as exc:
        # d2 is stopped and the temporary folder gone (compile unwinds), outputs are written
        # whole or not at all; exit as the signal would.
        typer.echo("aksdiag: interrupted; no file was left half-written", err=True)
        raise SystemExit(128 + exc.signum) from None
    except StreamError as exc:
        stream_failed(exc)
        raise SystemExit(2) from None


# The design-review commands live in their own module; importing it registers them on `app`.
from . import review  # noqa: F401
