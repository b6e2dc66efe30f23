"""The command line: a thin layer that turns typed errors into messages and exit codes.

Exit codes: 0 done; 2 bad input, a rule AKS enforces, or bad usage; 1 from `check` when
there are findings at or above `--fail-on`. Anything else is a bug (with traceback). Output files are written atomically: a temporary file beside the target,
then a rename, so a failure never leaves a partial or clobbered file.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .errors import AksdiagError, InputError, Problem
from .render import DARK_THEMES, THEMES
from .scene import DEFAULT_MAX_NODES, VIEW_NAMES

app = typer.Typer(
    name="aksdiag",
    help="Draw an AKS cluster's network design as a diagram that is right about the network.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Layout(str, Enum):
    elk = "elk"
    dagre = "dagre"


# The theme names live with their D2 ids in `render`; the CLI only offers them.
Theme = Enum("Theme", {name: name for name in ("default", *THEMES)}, type=str)
Dark = Enum("Dark", {name: name for name in DARK_THEMES}, type=str)
ViewName = Enum("ViewName", {name: name for name in VIEW_NAMES}, type=str)


class PngEngine(str, Enum):
    d2 = "d2"
    cairosvg = "cairosvg"


FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".d2": "d2"}


def _fail(problems: list[Problem], debug: bool) -> None:
    for p in problems:
        typer.echo(f"aksdiag: error: {p}", err=True)
    if debug:
        traceback.print_exc()
    raise typer.Exit(2)


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` via a temporary file in the same folder and a rename."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(Problem(f"output folder {folder} does not exist", field="--output"))
    if target.is_dir():
        raise InputError(Problem(f"output {target} is a folder", field="--output"))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(Problem(f"cannot write in {folder}: {exc.strerror}", field="--output")) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(Problem(f"cannot write {target}: {exc.strerror}", field="--output")) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _output_format(output: str | None, input_path: Path, fmt: str | None) -> tuple[Path | None, str]:
    if output == "-":
        return None, fmt or "svg"
    target = Path(output) if output else input_path.with_suffix(".svg")
    suffix = target.suffix.lower()
    if fmt is None:
        if suffix not in FORMATS:
            raise InputError(Problem(f"cannot tell the format from {target.name!r}; use one of "
                                     f"{', '.join(FORMATS)} or --format", field="--output"))
        fmt = FORMATS[suffix]
    return target, fmt


@app.command()
def render(
    input: Annotated[Optional[Path], typer.Argument(help="Cluster description (.yaml) or `az aks show` JSON.",
                                                      show_default=False)] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Output file; the extension picks the "
                      "format (.svg .png .pdf .d2). `-` writes to stdout. Default: INPUT with .svg.")] = None,
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="svg, png, pdf or d2; needed with "
                      "`-o -` for anything but svg.")] = None,
    view: Annotated[ViewName, typer.Option(help="What the diagram says: overview, addresses (every node, pod block "
                    "and route), egress (the way out, source IP per hop), capacity (and findings), api; all: "
                    "every view, as pages of a PDF or layers of a .d2.")] = ViewName["overview"],
    layout: Annotated[Layout, typer.Option(help="D2 layout engine.")] = Layout.elk,
    theme: Annotated[Theme, typer.Option(help="D2 theme for the light rendering.")] = Theme["default"],
    dark: Annotated[Optional[Dark], typer.Option(help="Also embed a dark variant (SVG follows the viewer's "
                    "colour scheme).")] = None,
    png_engine: Annotated[PngEngine, typer.Option(help="PNG rasteriser: d2's own (default; exact fonts) or "
                          "cairosvg.")] = PngEngine.d2,
    icons: Annotated[Optional[Path], typer.Option(help="Folder of your own icons, by name (vm.svg, lb.svg, "
                     "...); missing names fall back to the bundled set.")] = None,
    max_nodes: Annotated[int, typer.Option(min=2, max=100, help="Nodes drawn per pool; the rest are summarised."
                         )] = DEFAULT_MAX_NODES,
    draw_unsupported: Annotated[bool, typer.Option("--draw-unsupported", help="Draw combinations AKS does not "
                                "allow, marked in red, instead of refusing them.")] = False,
    nodes: Annotated[Optional[Path], typer.Option(help="`kubectl get nodes -o json` output: real node names, "
                     "IPs and pod CIDRs.")] = None,
    route_table: Annotated[Optional[Path], typer.Option(help="`az network route-table show` output: real routes, "
                           "with drift marked.")] = None,
    vnet: Annotated[Optional[Path], typer.Option(help="`az network vnet show` output: the VNet's address space "
                    "and subnets.")] = None,
    connected: Annotated[Optional[list[str]], typer.Option(help=CONNECTED_HELP)] = None,
    az: Annotated[bool, typer.Option("--az", help="Read the cluster live with `az aks show`.")] = False,
    with_nodes: Annotated[bool, typer.Option("--with-nodes", help="With --az: also `kubectl get nodes`.")] = False,
    with_route_table: Annotated[bool, typer.Option("--with-route-table", help="With --az: also the route table "
                                "in the node resource group.")] = False,
    with_vnet: Annotated[bool, typer.Option("--with-vnet", help="With --az: also `az network vnet show`.")] = False,
    resource_group: Annotated[Optional[str], typer.Option("--resource-group", "-g", help="With --az.")] = None,
    name: Annotated[Optional[str], typer.Option("--name", "-n", help="With --az: the cluster name.")] = None,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds d2 may take.")] = 120.0,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback with errors.")] = False,
) -> None:
    """Render a cluster's network diagram (SVG, PNG, PDF or D2 source)."""
    from .pipeline import Options, fit_assumed_vnet, plan_cluster, render_bytes

    try:
        if input is None and not az:
            raise InputError(Problem("give an INPUT file, or --az with --resource-group and --name"))
        options = Options(layout=layout.value, theme=theme.value, dark=dark.value if dark else None,
                          max_nodes=max_nodes, png_engine=png_engine.value, icons=icons,
                          draw_unsupported=draw_unsupported, timeout=timeout, view=view.value)
        if az:
            from .load.live import load_live

            from .pipeline import validate_spec_from_azure

            live_doc, observed = load_live(resource_group, name, nodes=with_nodes, route_table=with_route_table,
                                           vnet=with_vnet)
            loaded = validate_spec_from_azure(live_doc, live_doc)
            base = Path(f"{name}.yaml")
        else:
            assert input is not None
            loaded, observed = _load_input(input, nodes, route_table, vnet)
            base = input
        loaded = _with_connected(fit_assumed_vnet(loaded, observed), connected)
        target, fmt = _output_format(output, base, format)
        plan = plan_cluster(loaded, options, observed)
        data = render_bytes(plan, fmt, options, source_name=base.name)
    except AksdiagError as exc:
        _fail(exc.problems, debug)
        return
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        write_atomic(target, data)
    except AksdiagError as exc:
        _fail(exc.problems, debug)
    typer.echo(f"wrote {target} ({len(data):,} bytes)", err=True)


def _observed(nodes: Path | None, route_table: Path | None, vnet: Path | None):
    if nodes is None and route_table is None:
        return None
    from .load.enrich import load_observed

    return load_observed(nodes, route_table)


CONNECTED_HELP = ("A range the cluster's VNet reaches (peered VNet, on-premises, ExpressRoute, VPN) that pod, "
                  "service and VNet ranges must not overlap: CIDR or NAME=CIDR; repeat for more.")


def _load_input(input: Path, nodes: Path | None, route_table: Path | None, vnet: Path | None):
    """The description or Azure document with every overlay applied, as `render` and `check` both see it."""
    from .pipeline import load_cluster
    from .pipeline import with_vnet as real_vnet

    loaded = load_cluster(input)
    observed = _observed(nodes, route_table, vnet)
    if vnet is not None:
        loaded = real_vnet(loaded, vnet)
    return loaded, observed


def _with_connected(loaded, connected: list[str] | None):
    """Add `--connected` ranges to the description's `connectedNetworks`."""
    if not connected:
        return loaded
    import ipaddress
    from dataclasses import replace

    from .model import ConnectedNetwork

    extra = []
    for i, item in enumerate(connected):
        name, _, cidr = item.rpartition("=")
        try:
            prefix = ipaddress.ip_network(cidr.strip())
        except ValueError:
            raise InputError(Problem(f"found {item!r}: expected CIDR or NAME=CIDR, like onprem=10.0.0.0/8",
                                     field="--connected")) from None
        extra.append(ConnectedNetwork(name=name.strip() or f"--connected {prefix}", addressPrefixes=[prefix]))
    spec = loaded.spec.model_copy(update={"connectedNetworks": [*loaded.spec.connectedNetworks, *extra]})
    return replace(loaded, spec=spec)


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
def schema() -> None:
    """Print the JSON Schema of the cluster description (for editors' YAML language server)."""
    from .model import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command()
def check(
    inputs: Annotated[list[Path], typer.Argument(help="Cluster descriptions or `az aks show` JSON files.",
                                                 show_default=False)],
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="text, json or sarif (SARIF 2.1.0, "
                      "for code scanning).")] = CheckFormat.text,
    fail_on: Annotated[FailOn, typer.Option(help="Exit 1 when a finding is at least this severe (error: AKS "
                       "refuses; warning: it will hurt; note).")] = FailOn.error,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file "
                      "instead of stdout.")] = None,
    nodes: Annotated[Optional[Path], typer.Option(help="`kubectl get nodes -o json` output, as for render.")] = None,
    route_table: Annotated[Optional[Path], typer.Option(help="`az network route-table show` output, as for "
                           "render.")] = None,
    vnet: Annotated[Optional[Path], typer.Option(help="`az network vnet show` output, as for render.")] = None,
    connected: Annotated[Optional[list[str]], typer.Option(help=CONNECTED_HELP)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback with errors.")] = False,
) -> None:
    """Check designs against AKS's rules: exit 0 clean, 1 findings at or above --fail-on, 2 bad input."""
    from .derive import derive
    from .derive.plan import Severity
    from .pipeline import fit_assumed_vnet, locate_field
    from .report.findings import FORMATS, FileResult, Located

    results: list[FileResult] = []
    bad = failed = False
    threshold = None if fail_on == FailOn.never else Severity(fail_on.value).rank
    for input in inputs:
        try:
            loaded, observed = _load_input(input, nodes, route_table, vnet)
            loaded = _with_connected(fit_assumed_vnet(loaded, observed), connected)
            # Every finding, errors included: the verdict is the same whether the document is
            # a description (render refuses it) or from Azure (render draws it, marked).
            plan = derive(loaded.spec, observed, allow_errors=True)
        except AksdiagError as exc:
            bad = True
            problems = [p if p.file else Problem(p.message, str(input), p.line, p.column, p.field)
                        for p in exc.problems]
            for p in problems:
                typer.echo(f"aksdiag: error: {p}", err=True)
            if debug:
                traceback.print_exc()
            results.append(FileResult(str(input), (), None, tuple(map(str, problems))))
            continue
        located = []
        for f in plan.findings:
            line, col = locate_field(loaded, f.fields[0]) if f.fields else (None, None)
            located.append(Located(str(input), f, line, col))
            if threshold is not None and f.severity.rank >= threshold:
                failed = True
        results.append(FileResult(str(input), tuple(located), f"{plan.model.value}, {len(plan.nodes)} nodes"))
    report = FORMATS[format.value](results)
    if output is not None:
        try:
            write_atomic(output, report.encode())
        except AksdiagError as exc:
            _fail(exc.problems, debug)
    else:
        typer.echo(report, nl=False)
    raise typer.Exit(2 if bad else 1 if failed else 0)


@app.command()
def plan(
    input: Annotated[Path, typer.Argument(help="Cluster description or `az aks show` JSON.", show_default=False)],
    format: Annotated[PlanFormat, typer.Option("--format", "-f", help="markdown, csv or json.")
                      ] = PlanFormat.markdown,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of "
                      "stdout.")] = None,
    draw_unsupported: Annotated[bool, typer.Option("--draw-unsupported", help="Plan a description that breaks "
                                "AKS rules anyway, with the findings listed.")] = False,
    nodes: Annotated[Optional[Path], typer.Option(help="`kubectl get nodes -o json` output, as for render.")] = None,
    route_table: Annotated[Optional[Path], typer.Option(help="`az network route-table show` output, as for "
                           "render.")] = None,
    vnet: Annotated[Optional[Path], typer.Option(help="`az network vnet show` output, as for render.")] = None,
    connected: Annotated[Optional[list[str]], typer.Option(help=CONNECTED_HELP)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback with errors.")] = False,
) -> None:
    """The address plan as a table: every range, its use, and the nodes and pods that fit, with upgrade surge."""
    from .pipeline import Options, fit_assumed_vnet, plan_cluster
    from .report.plan_table import FORMATS

    try:
        loaded, observed = _load_input(input, nodes, route_table, vnet)
        loaded = _with_connected(fit_assumed_vnet(loaded, observed), connected)
        address_plan = plan_cluster(loaded, Options(draw_unsupported=draw_unsupported), observed)
        text = FORMATS[format.value](address_plan)
        if output is not None:
            write_atomic(output, text.encode())
    except AksdiagError as exc:
        _fail(exc.problems, debug)
        return
    if output is None:
        typer.echo(text, nl=False)


@app.command("import")
def import_(
    input: Annotated[Path, typer.Argument(help="`az aks show` JSON (either shape).")],
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="YAML file to write; `-` for stdout.")
                      ] = "-",
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback with errors.")] = False,
) -> None:
    """Write the editable YAML description of a real cluster."""
    from .load.export import spec_to_yaml
    from .pipeline import load_cluster

    try:
        loaded = load_cluster(input)
        text = spec_to_yaml(loaded.spec, source=str(input))
        if output in (None, "-"):
            typer.echo(text, nl=False)
        else:
            write_atomic(Path(output), text.encode())
            typer.echo(f"wrote {output}", err=True)
    except AksdiagError as exc:
        _fail(exc.problems, debug)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"aksdiag {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Draw an AKS cluster's network design as a diagram that is right about the network."""


def main() -> None:
    app()


# The design-review commands live in their own module; importing it registers them on `app`.
from . import cli_review  # noqa: E402,F401
