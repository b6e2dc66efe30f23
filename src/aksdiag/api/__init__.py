"""The render core: a source and options in, everything that was made out.

Every front end (the CLI, the batch run, the MkDocs plugin, slides, compare) calls these
functions; none of them orders the stages itself::

    from aksdiag import api
    made = api.render("clusters/prod.yaml", formats=("svg", "png"))
    made.outputs["svg"], made.alt_text, made.findings, made.plan

A source is a path (`Path` or `str`), a text with a name (`Source.from_text`), a parsed
mapping (`Source.from_data`, or any `Mapping`), or a `Source` that also names real-world
documents to lay over it (`nodes`, `route_table`, `vnet`). Loading applies every overlay to
the data before the one validation; derive runs only in `plan`.

The file may also be a design that does not exist yet: `terraform show -json` of a plan or a
state (`Source(side="before")` for what a plan changes), or an ARM template such as `az bicep
build` writes (`Source(parameters=...)` for its parameters file). What those cannot tell
comes back in `Prepared.warnings` and `Rendered.warnings`.
"""

from __future__ import annotations

import contextlib
import os
import warnings as _warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from ..errors import AksdiagError, CompileError, InputError, Problem
from ..options import OUTPUT_FORMATS

if TYPE_CHECKING:  # the heavy stages load on first use, so `import aksdiag.api` stays cheap
    from ..derive import AddressPlan, Observed
    from ..derive.plan import Finding
    from ..load import Document
    from ..options import Options
    from .stages import Loaded


@dataclass(frozen=True)
class Source:
    """What to draw, and the real-world documents laid over it. Exactly one of path, text, data."""

    path: Path | None = None
    text: str | None = None
    data: Mapping[str, Any] | None = None
    name: str | None = None  # how messages and diagrams name a text or data source
    nodes: Path | None = None  # `kubectl get nodes -o json`
    route_table: Path | None = None  # `az network route-table show`
    vnet: Path | None = None  # `az network vnet show`
    observed: Observed | None = None  # live data already read (`--az --with-nodes`)
    from_azure: bool = False  # data already converted from `az aks show` (live)
    cluster: str | None = None  # which cluster of an `az aks list` array, a plan or a template
    parameters: Path | None = None  # an ARM template's parameters file (`--parameters`)
    side: str = "after"  # a Terraform plan's `before` or `after`
    # Networks the VNet reaches (peered VNets, on-premises), added to `connectedNetworks`:
    # mappings of name, kind and addressPrefixes, as the description writes them.
    connected: tuple[Mapping[str, Any], ...] = ()
    # The network around the VNet, as `az network ... show` prints it: the hub VNet, its firewall
    # and public IP, peerings, local network gateways, private DNS zone links (`--network`).
    network: tuple[Path, ...] = ()
    network_documents: tuple[Any, ...] = ()  # the same, read live (`--az --with-network`): load.Documents

    def __post_init__(self) -> None:
        given = [x is not None for x in (self.path, self.text, self.data)]
        if sum(given) != 1:
            raise TypeError("a Source has exactly one of path, text or data")
        if self.parameters is not None and not isinstance(self.parameters, Path):
            object.__setattr__(self, "parameters", Path(self.parameters))
        if self.side not in ("after", "before"):
            raise ValueError("side is a Terraform plan's `after` or `before`")

    @classmethod
    def from_text(cls, text: str, name: str = "cluster.yaml", **overlays: Any) -> Source:
        return cls(text=text, name=name, **overlays)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], name: str = "cluster", **overlays: Any) -> Source:
        return cls(data=data, name=name, **overlays)

    @property
    def display_name(self) -> str:
        return self.name or (str(self.path) if self.path is not None else "cluster")

    def files(self) -> list[Path]:
        """Every local file this source reads: what a cache key or a file watcher must cover."""
        return [
            p
            for p in (self.path, self.nodes, self.route_table, self.vnet, self.parameters, *self.network)
            if p is not None
        ]


SourceLike = Union[Source, Path, str, "os.PathLike[str]", Mapping[str, Any]]


def as_source(
    source: SourceLike, *, nodes: Path | None = None, route_table: Path | None = None, vnet: Path | None = None
) -> Source:
    """A `Source` from anything `render` accepts; a plain `str` is a path, like `open()`."""
    if isinstance(source, Source):
        base = source
    elif isinstance(source, (str, os.PathLike)):
        base = Source(path=Path(source))
    elif isinstance(source, Mapping):
        base = Source(data=source, name="cluster")
    else:
        raise TypeError(f"cannot render a {type(source).__name__}; give a path, a Source or a mapping")
    if nodes is None and route_table is None and vnet is None:
        return base
    # An overlay given here replaces the Source's own; one not given keeps it.
    return replace(
        base,
        nodes=base.nodes if nodes is None else Path(nodes),
        route_table=base.route_table if route_table is None else Path(route_table),
        vnet=base.vnet if vnet is None else Path(vnet),
    )


@dataclass(frozen=True)
class Prepared:
    """A source loaded and validated once, with its overlays: ready to plan and render."""

    source: Source
    loaded: Loaded
    observed: Observed | None
    # What the document could not tell (a plan's "known after apply", a template's unknown
    # parameters), each with where it was written; render returns these among its warnings.
    warnings: tuple[str, ...] = ()


def load(source: SourceLike | Prepared, **overlays: Any) -> Prepared:
    """Read, lay every overlay over the data, validate once. Raises `AksdiagError` on bad input."""
    if isinstance(source, Prepared):
        return source
    from ..derive.observed import foreign_nodes
    from ..load.azure import cluster_document, converted_document, is_managed_cluster
    from ..load.design import read_design
    from ..load.enrich import load_observed
    from .stages import validate_document

    src = as_source(source, **overlays)
    doc = _parse(src)
    design = read_design(doc, cluster=src.cluster, parameters=src.parameters, side=src.side)
    notes: tuple[str, ...] = ()
    if design is not None:
        # Plans and templates become descriptions positioned in the file itself, so the
        # converted document is the one findings are located in.
        doc, notes = design
    else:
        doc = cluster_document(doc, src.cluster)

    from_azure = src.from_azure
    target = doc
    if is_managed_cluster(doc.data):
        target, from_azure = converted_document(doc), True
    observed, nodes_doc = src.observed, None
    if src.nodes is not None or src.route_table is not None:
        observed, nodes_doc = load_observed(src.nodes, src.route_table)
    if isinstance(target.data, dict):
        target = _overlaid(target, src, observed)
    loaded = validate_document(target, from_azure=from_azure)
    if nodes_doc is not None and observed is not None and observed.nodes:
        # A node list of another cluster would be drawn as this one's: refused, not merged.
        problems = foreign_nodes(observed.nodes, nodes_doc, loaded.spec)
        if problems:
            raise InputError(problems)
    return Prepared(src, replace(loaded, doc=doc), observed, notes)


def _parse(src: Source) -> Document:
    """The source's document, from its file, its text or its data."""
    from ..load import Document, parse_document
    from ..load.source import parse_json, parse_yaml

    if src.path is not None:
        return parse_document(src.path)
    if src.text is not None:
        name = src.display_name
        if not src.text.strip():
            raise InputError(Problem("input is empty", file=name))
        is_json = name.lower().endswith(".json") or src.text.lstrip().startswith(("{", "["))
        return parse_json(src.text, name) if is_json else parse_yaml(src.text, name)
    return Document(src.display_name, dict(src.data or {}))


def _overlaid(target: Document, src: Source, observed: Observed | None) -> Document:
    """The description with the real VNet, the network around it, the nodes' subnets and the
    connected networks laid over it, before the one validation."""
    from ..load.layers import fit_vnet_to_nodes, with_connected, with_real_vnet

    if src.vnet is not None:
        target = with_real_vnet(target, src.vnet)
    if src.network or src.network_documents:
        from ..load.network import with_network

        target = with_network(target, src.network, src.network_documents)
    return with_connected(fit_vnet_to_nodes(target, observed), src.connected)


def _options(options: Options | None) -> Options:
    from ..options import Options

    return options if options is not None else Options()


def plan(source: SourceLike | Prepared, options: Options | None = None, **overlays: Any) -> AddressPlan:
    """The address plan, for front ends that draw nothing. Raises `AksdiagError` (RuleError, InputError)."""
    from .stages import plan_cluster

    prepared = load(source, **overlays)
    return plan_cluster(prepared.loaded, _options(options), prepared.observed)


@dataclass(frozen=True, repr=False)
class Rendered:
    """What one render made. `d2` is the portable source (icons as `icons/<name>`); `outputs`
    holds the bytes per requested format (`d2` there is the keepable source, with absolute icon paths)."""

    name: str
    d2: str
    outputs: dict[str, bytes]
    alt_text: str
    plan: AddressPlan
    findings: tuple[Finding, ...] = ()
    warnings: tuple[str, ...] = ()
    d2_version: str = ""
    assumed: tuple[str, ...] = field(default=())

    def _repr_svg_(self) -> str | None:
        svg = self.outputs.get("svg")
        return svg.decode("utf-8") if svg is not None else None

    def __repr__(self) -> str:
        # The outputs are megabytes (a notebook stores a cell's repr): sizes, not bytes.
        sizes = ", ".join(f"{fmt}: {len(data):,} bytes" for fmt, data in self.outputs.items())
        return (
            f"Rendered(name={self.name!r}, outputs={{{sizes}}}, findings={len(self.findings)}, "
            f"warnings={len(self.warnings)}, d2_version={self.d2_version!r})"
        )


def render(
    source: SourceLike | Prepared,
    *,
    formats: tuple[str, ...] | list[str] = ("svg",),
    options: Options | None = None,
    **overlays: Any,
) -> Rendered:
    """Load, plan and draw `source` into every format asked for (svg, png, pdf, d2).

    Raises `AksdiagError` for anything the user can fix; d2's problems are `CompileError`s.
    Compile warnings (a scaled-down PNG, ...) are returned, not printed.
    """
    from ..compile.d2 import d2_version_string
    from ..compile.reproducible import reproducible
    from ..d2.icons import IconSet
    from ..report.alttext import alt_text
    from .stages import d2_source, render_bytes

    unknown = [f for f in formats if f not in OUTPUT_FORMATS]
    if unknown:
        raise InputError(
            Problem(f"unknown output format {unknown[0]!r}; allowed: {', '.join(OUTPUT_FORMATS)}", field="--format")
        )
    opts = _options(options)
    prepared = load(source, **overlays)
    address_plan = plan(prepared, opts)
    name = Path(prepared.loaded.doc.name).name if prepared.source.path is not None else prepared.source.display_name
    icons = IconSet(opts.icons)
    # A fit may compile while it composes, as the first picture will be written: the SVG's text
    # first when an SVG is asked for first (the render then takes that compile); else after the
    # pictures, from the scenes they fitted.
    source_text: str | None = None
    if next((f for f in formats if f != "d2"), "svg") == "svg":
        with _naming_input(prepared):
            source_text = d2_source(address_plan, opts, source_name=name, icons=icons)
    outputs: dict[str, bytes] = {}
    caught: list[str] = []
    version = ""
    for fmt in formats:
        if fmt == "d2":
            outputs[fmt] = d2_source(address_plan, opts, source_name=name, icons=icons, portable=False).encode()
            continue
        with _warnings.catch_warnings(record=True) as seen:
            _warnings.simplefilter("always")
            # The pipeline picks the view(s), leaves hover-only tooltips out of PNG and PDF, and
            # makes one page per view for `view="all"`.
            with _naming_input(prepared):
                outputs[fmt] = reproducible(
                    fmt, render_bytes(address_plan, fmt, opts, source_name=name, svg_source=source_text)
                )
        caught += [str(w.message) for w in seen]
        version = d2_version_string()
    if source_text is None:
        with _naming_input(prepared):
            source_text = d2_source(address_plan, opts, source_name=name, icons=icons)
    return Rendered(
        name=name,
        d2=source_text,
        outputs=outputs,
        alt_text=alt_text(address_plan),
        plan=address_plan,
        findings=tuple(address_plan.findings),
        warnings=tuple(dict.fromkeys([*prepared.warnings, *_refused_warnings(prepared, address_plan), *caught])),
        d2_version=version,
        assumed=tuple(address_plan.assumed),
    )


@contextlib.contextmanager
def _naming_input(prepared: Prepared) -> Iterator[None]:
    """d2 knows only its temporary file: its errors name the input instead."""
    try:
        yield
    except CompileError as exc:
        shown = prepared.loaded.doc.name
        raise CompileError([p if p.file else replace(p, file=shown) for p in exc.problems]) from None


def _refused_warnings(prepared: Prepared, address_plan: AddressPlan) -> list[str]:
    """A cluster document from Azure is drawn even where AKS would refuse it (it exists); a CI log
    still shows each such finding, one line each, where the document wrote the field."""
    from ..derive import errors_of
    from .stages import locate_field

    loaded = prepared.loaded
    if not loaded.from_azure:
        return []
    out = []
    for f in errors_of(address_plan.findings):
        line, col = locate_field(loaded, f.fields[0]) if f.fields else (None, None)
        where = loaded.doc.name + (f":{line}:{col}" if line is not None else "")
        out.append(f"{where}: AKS would refuse this: {f.message} [rule {f.rule}]")
    return out


class Cluster:
    """A cluster for notebooks: shows as its SVG diagram (`_repr_svg_`), with its plan at hand."""

    def __init__(self, source: SourceLike, options: Options | None = None, **overlays: Any):
        self._prepared = load(source, **overlays)
        self.options = _options(options)

    @property
    def plan(self) -> AddressPlan:
        return plan(self._prepared, self.options)

    def render(self, formats: tuple[str, ...] = ("svg",)) -> Rendered:
        return render(self._prepared, formats=formats, options=self.options)

    def _repr_svg_(self) -> str:
        return self.render(("svg",))._repr_svg_() or ""


def __getattr__(name: str) -> Any:
    # The render options, importable from here with the functions that take them (a cheap module).
    if name == "Options":
        from ..options import Options

        return Options
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "OUTPUT_FORMATS",
    "AksdiagError",
    "Cluster",
    "Options",
    "Prepared",
    "Rendered",
    "Source",
    "SourceLike",
    "as_source",
    "load",
    "plan",
    "render",
]
