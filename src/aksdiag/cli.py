"""The command line: a thin layer that turns typed errors into messages and exit codes.

Exit codes: 0 done; 2 bad input, a rule AKS enforces, or bad usage; 1 a bug (with
traceback). Output files are written atomically: a temporary file beside the target,
then a rename, so a failure never leaves a partial or clobbered file.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .errors import AksdiagError, InputError, Problem, RenderWarning
from .render import DARK_THEMES, THEMES
from .scene import DEFAULT_MAX_NODES

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


@contextmanager
def _printing_render_warnings() -> Iterator[None]:
    """Print each `RenderWarning` (picture scaled, split, ...) on stderr; other warnings go on as usual."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RenderWarning)
        try:
            yield
        finally:
            for w in caught:
                if issubclass(w.category, RenderWarning):
                    typer.echo(f"aksdiag: warning: {w.message}", err=True)
                else:
                    warnings.showwarning(w.message, w.category, w.filename, w.lineno)


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
    from .pipeline import Options, fit_assumed_vnet, load_cluster, plan_cluster, render_bytes
    from .pipeline import with_vnet as real_vnet

    try:
        if input is None and not az:
            raise InputError(Problem("give an INPUT file, or --az with --resource-group and --name"))
        options = Options(layout=layout.value, theme=theme.value, dark=dark.value if dark else None,
                          max_nodes=max_nodes, png_engine=png_engine.value, icons=icons,
                          draw_unsupported=draw_unsupported, timeout=timeout)
        if az:
            from .load.live import load_live

            from .pipeline import validate_spec_from_azure

            live_doc, observed = load_live(resource_group, name, nodes=with_nodes, route_table=with_route_table,
                                           vnet=with_vnet)
            loaded = validate_spec_from_azure(live_doc, live_doc)
            base = Path(f"{name}.yaml")
        else:
            assert input is not None
            loaded = load_cluster(input)
            observed = _observed(nodes, route_table, vnet)
            base = input
            if vnet is not None:
                loaded = real_vnet(loaded, vnet)
        loaded = fit_assumed_vnet(loaded, observed)
        target, fmt = _output_format(output, base, format)
        plan = plan_cluster(loaded, options, observed)
        with _printing_render_warnings():
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


@app.command()
def schema() -> None:
    """Print the JSON Schema of the cluster description (for editors' YAML language server)."""
    from .model import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command()
def check(
    input: Annotated[Path, typer.Argument(help="Cluster description or `az aks show` JSON.")],
    draw_unsupported: Annotated[bool, typer.Option("--draw-unsupported", help="Report AKS rule violations "
                                "as findings instead of failing.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback with errors.")] = False,
) -> None:
    """Validate a cluster description and its AKS rules without drawing it."""
    from .pipeline import Options, load_cluster, plan_cluster

    try:
        plan = plan_cluster(load_cluster(input), Options(draw_unsupported=draw_unsupported))
    except AksdiagError as exc:
        _fail(exc.problems, debug)
        return
    for f in plan.findings:
        typer.echo(f"{input}: {f.severity}: {f.message} [rule {f.rule}]", err=True)
    typer.echo(f"{input}: ok ({plan.model.value}, {len(plan.nodes)} nodes)", err=True)


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
