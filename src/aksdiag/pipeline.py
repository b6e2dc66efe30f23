"""The stages in order: load -> model -> derive -> scene -> templates -> compile.

A thin facade, like d2's own: each function runs stages and passes values along. Only
`load_*` read files and only `compile_d2` runs a program; writing output is the CLI's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .compile import compile_d2
from .derive import AddressPlan, Observed, derive
from .errors import AksdiagError, RuleError
from .icons import ICON_NAMES, IconSet
from .load import Document, parse_document, parse_field, validate_spec
from .load.azure import is_managed_cluster, managed_cluster_to_spec_data
from .model import ClusterSpec
from .options import Options
from .render import render_d2
from .scene import DEFAULT_MAX_NODES, build_scene


@dataclass(frozen=True)
class Loaded:
    spec: ClusterSpec
    doc: Document
    from_azure: bool  # the document was `az aks show` JSON, not a description


def load_cluster(path: Path) -> Loaded:
    """A file, validated once, with no overlays (`aksdiag.api.load` applies those)."""
    return validate_document(parse_document(path))


def validate_document(doc: Document, *, from_azure: bool = False) -> Loaded:
    """The one validation. `az aks show` data is converted first; derive does not run here."""
    if is_managed_cluster(doc.data):
        converted = Document(doc.name, managed_cluster_to_spec_data(doc.data, doc.name))
        return Loaded(validate_spec(converted), doc, True)
    return Loaded(validate_spec(doc), doc, from_azure)


def plan_cluster(loaded: Loaded, options: Options, observed: Observed | None = None) -> AddressPlan:
    """derive, with the one draw-unsupported policy: on request, or always for a document from
    Azure (it describes a cluster that exists: draw it with what breaks AKS's rules marked)."""
    spec = loaded.spec
    if options.draw_unsupported and not spec.drawUnsupported:
        spec = spec.model_copy(update={"drawUnsupported": True})
    try:
        return derive(spec, observed)
    except RuleError as exc:
        if loaded.from_azure:
            return derive(spec.model_copy(update={"drawUnsupported": True}), observed)
        # Rule messages name fields; give them the line where the field was written.
        located = []
        for p in exc.problems:
            line, col = loaded.doc.locate(parse_field(p.field)) if p.field else (None, None)
            located.append(replace(p, file=loaded.doc.name, line=line, column=col))
        raise RuleError(located) from None


def spec_for_export(loaded: Loaded) -> ClusterSpec:
    """The description `aksdiag import` writes: an Azure document that breaks AKS's rules keeps
    the same policy as its render (drawn, marked), so the YAML renders the same diagram."""
    if not loaded.from_azure or loaded.spec.drawUnsupported:
        return loaded.spec
    try:
        derive(loaded.spec)
    except RuleError:
        return loaded.spec.model_copy(update={"drawUnsupported": True})
    return loaded.spec


def d2_source(plan: AddressPlan, options: Options, *, source_name: str, icons: IconSet | None = None,
              portable: bool = True) -> str:
    """D2 text for the plan. Portable sources name icons as `icons/<name>.svg` (the compile
    folder's copy); non-portable ones give absolute paths, for a .d2 file a user keeps."""
    icons = icons or IconSet(options.icons)
    scene = build_scene(plan, max_nodes=options.max_nodes or DEFAULT_MAX_NODES, layout=options.layout)

    def icon_ref(name: str) -> str:
        path = icons.path(name)
        return f"icons/{name}{path.suffix}" if portable else str(path)

    return render_d2(scene, icon_ref, source_name=source_name, theme=options.theme, dark=options.dark)


def icon_files(icons: IconSet) -> dict[str, Path]:
    return {f"icons/{name}{icons.path(name).suffix}": icons.path(name) for name in ICON_NAMES}


def render_bytes(plan: AddressPlan, fmt: str, options: Options, *, source_name: str) -> bytes:
    icons = IconSet(options.icons)
    if fmt == "d2":
        return d2_source(plan, options, source_name=source_name, icons=icons, portable=False).encode()
    source = d2_source(plan, options, source_name=source_name, icons=icons)
    return compile_d2(source, fmt, icon_files(icons), timeout=options.timeout, png_engine=options.png_engine)


__all__ = ["Options", "Loaded", "load_cluster", "validate_document", "plan_cluster", "d2_source", "render_bytes", "AksdiagError"]
