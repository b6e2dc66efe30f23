"""Diagrams in Markdown: find the embeds on a page, render them through the api and the cache,
and replace each with a figure (light and dark pictures, generated alt text, an optional plan
table) or, when the description is broken, with the problem and its source.

Shared by the MkDocs plugin (pictures as files in the site) and the Markdown extension
(pictures as data URIs). Syntax, each on its own line:

    ![Production network](clusters/prod.yaml)
    ![Production network](clusters/prod.yaml){ table=true dark=false layout=dagre }

    ```aksdiag table=true
    name: demo
    nodePools: [{name: pool1, count: 3}]
    ```
"""

from __future__ import annotations

import html
import os
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..batch.cache import Made, RenderCache, render_cached
from ..errors import AksdiagError, Problem

CLUSTER_SUFFIXES = (".yaml", ".yml", ".json")
_IMAGE = re.compile(r"^(?P<indent> {0,3})!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)\)\s*(?:\{(?P<attrs>[^}]*)\})?\s*$")
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
TRUE = ("1", "true", "yes", "on")
# d2's SVG carries only a viewBox: without a width a browser shows it 300 px wide at most (and
# mkdocs-material's figures are fit-content), so figure and picture take the column's width.
FILL = ' style="width:100%;height:auto"'


@dataclass(frozen=True)
class Embed:
    line: int  # 1-based line of the embed in the page
    end: int  # 1-based last line it occupies
    caption: str
    path: str | None = None  # file form
    text: str | None = None  # inline form
    attrs: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # the embed itself is malformed (an unclosed quote in its attributes)


class _BadAttributes(ValueError):
    pass


def _attrs(text: str | None) -> dict[str, str]:
    out = {}
    try:
        tokens = shlex.split(text or "")
    except ValueError as exc:  # "No closing quotation"
        raise _BadAttributes(f"bad attributes {{{text}}}: {str(exc).lower()}") from None
    for token in tokens:
        if token.startswith("."):
            continue  # a class, as attr_list writes them
        key, _, value = token.partition("=")
        out[key.strip()] = value.strip() if _ else "true"
    return out


def find_embeds(markdown: str) -> list[Embed]:
    """Embeds outside other code blocks (a page may show the syntax in a fence of its own)."""
    lines = markdown.splitlines()
    embeds = []
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            marker = fence["fence"]
            info = fence["info"].strip()
            close = next(
                (
                    j
                    for j in range(i + 1, len(lines))
                    if lines[j].strip().startswith(marker[0] * len(marker)) and not lines[j].strip().strip(marker[0])
                ),
                len(lines),
            )
            lang, _, rest = info.partition(" ")
            if lang.strip("{}. ") == "aksdiag":
                body = "\n".join(lines[i + 1 : close]) + "\n"
                try:
                    attrs, problem = _attrs(rest), None
                except _BadAttributes as exc:
                    attrs, problem = {}, str(exc)
                embeds.append(
                    Embed(
                        i + 1,
                        min(close + 1, len(lines)),
                        attrs.pop("caption", ""),
                        text=body,
                        attrs=attrs,
                        problem=problem,
                    )
                )
            i = close + 1
            continue
        image = _IMAGE.match(line)
        if image and image["src"].split("#")[0].lower().endswith(CLUSTER_SUFFIXES):
            try:
                attrs, problem = _attrs(image["attrs"]), None
            except _BadAttributes as exc:
                attrs, problem = {}, str(exc)
            embeds.append(
                Embed(i + 1, i + 1, image["alt"], path=image["src"].split("#")[0], attrs=attrs, problem=problem)
            )
        i += 1
    return embeds


def plan_table_html(plan: Any) -> str:
    """The address plan under the figure: every range, its size and what lives there."""
    rows: list[tuple[str, str, str]] = []
    rows.append(
        (
            f"VNet {plan.vnet_name}",
            ", ".join(map(str, plan.vnet_prefixes)),
            "AKS-managed" if plan.vnet_managed else "your own",
        )
    )
    for s in plan.subnets:
        prefix = str(s.prefix) + (f", {s.prefix_v6}" if s.prefix_v6 else "")
        use = f"{', '.join(s.roles) or 'other'}; {s.usable:,} usable, {s.used:,} planned"
        rows.append((f"subnet {s.name}", prefix, use))
    if plan.pods.cidrs:
        blocks = ", ".join(f"/{n}" for n in plan.pods.block_prefixlen)
        rows.append(("pod CIDR", ", ".join(map(str, plan.pods.cidrs)), f"one {blocks} per node" if blocks else ""))
    rows.append(("service CIDR", ", ".join(map(str, plan.service_cidrs)), f"cluster DNS {plan.dns_service_ip}"))
    for n in plan.nodes[:12]:
        rows.append((f"node {n.name}", ", ".join(map(str, n.ips)), ", ".join(map(str, n.pod_blocks))))
    if len(plan.nodes) > 12:
        rows.append(("…", "", f"{len(plan.nodes) - 12} more nodes"))
    body = "".join(
        f"<tr><td>{html.escape(a)}</td><td><code>{html.escape(b)}</code></td><td>{html.escape(c)}</td></tr>"
        for a, b, c in rows
    )
    # No class on the table itself: mkdocs-material styles only `table:not([class])`.
    return (
        '<div class="aksdiag-plan"><table><thead><tr><th>Range</th><th>Prefix</th><th>What lives there</th>'
        f"</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _table_extra(rendered: Any) -> dict[str, Any]:
    return {"table_html": plan_table_html(rendered.plan)}


@dataclass
class Settings:
    dark: bool = True
    table: bool = False
    options: Any = None  # aksdiag.pipeline.Options for the light picture
    # How the dark picture takes the light one's place: "toggle" for themes that hide `#only-dark` /
    # `#only-light` images by their palette switch (mkdocs-material, Zensical); "media" for any
    # other page: one <picture> whose source follows the reader's colour scheme, so a theme without
    # that CSS shows one picture, not two.
    scheme: str = "toggle"


@dataclass
class PageResult:
    markdown: str
    errors: list[str]
    inputs: list[Path]  # files read, for watching


class Embedder:
    """Renders embeds through one cache; `store(data, suffix) -> url` decides where pictures go."""

    def __init__(self, settings: Settings, cache: RenderCache, roots: tuple[Path, ...] = ()):
        self.settings = settings
        self.cache = cache
        # The folders file embeds may come from (the project, and what the config allows): a
        # page must not publish /etc, ~/.kube or a file a symlink leads to.
        self.roots = tuple(Path(os.path.realpath(r)) for r in roots)
        # Cache keys the prefetch computed, for the page pass of the same build: a key hashes
        # the cluster file and its options, work an unchanged site would otherwise do twice.
        self._keys: dict[tuple[Any, Any], str | None] = {}

    def _options(self, attrs: dict[str, str], dark: bool) -> Any:
        from ..options import Options

        opts = self.settings.options or Options()
        changes: dict[str, Any] = {}
        for key in ("layout", "theme", "view"):
            if key in attrs and hasattr(opts, key):
                changes[key] = attrs[key]
        if "max_nodes" in attrs:
            changes["max_nodes"] = int(attrs["max_nodes"])
        if "draw_unsupported" in attrs:
            changes["draw_unsupported"] = attrs["draw_unsupported"].lower() in TRUE
        if dark:
            changes["theme"], changes["dark"] = "dark", None
        return replace(opts, **changes)

    def _variants(self, attrs: dict[str, str]) -> list[Any]:
        want_dark = attrs.get("dark", "true" if self.settings.dark else "false").lower() in TRUE
        return [self._options(attrs, False)] + ([self._options(attrs, True)] if want_dark else [])

    def render(self, source: Any, attrs: dict[str, str]) -> tuple[Made, Made | None]:
        made = [
            render_cached(
                source, ("svg",), opts, self.cache, extra=_table_extra, key=self._keys.pop((source, opts), None)
            )
            for opts in self._variants(attrs)
        ]
        return made[0], (made[1] if len(made) > 1 else None)

    def _cached(self, source: Any, attrs: dict[str, str]) -> bool:
        from ..batch.cache import render_key

        try:
            for opts in self._variants(attrs):
                key = self._keys[(source, opts)] = render_key(source, ("svg",), opts, self.cache)
                if not self.cache.has(key, ("svg",)):
                    return False
            return True
        except (AksdiagError, ValueError, OSError):
            return False

    def prefetch(self, pages: list[tuple[str, Path, str]], jobs: int | None = None) -> None:
        """Render every embed of (page name, page folder, markdown) into the cache, up to `jobs`
        d2 at once (default: the CPU count), so the page-by-page pass that follows only reads the
        cache. Problems are left for that pass to report, in page order."""
        if self.cache.folder is None:
            return  # nothing to keep the results in
        work = [
            (self._source(embed, page, page_dir), embed.attrs)
            for page, page_dir, markdown in pages
            for embed in find_embeds(markdown)
            if embed.problem is None and self._outside(embed, page_dir) is None
        ]
        # An unchanged site is all cache hits: the page pass reads them; no pool to start.
        work = [item for item in work if not self._cached(*item)]
        if len(work) < 2:
            return
        # Only a site with diagrams to draw loads the thread pool and the batch module.
        from concurrent.futures import ThreadPoolExecutor

        from ..batch import default_jobs
        from ..compile.d2 import d2_limit

        jobs = jobs or default_jobs()

        def one(item: tuple[Any, dict[str, str]]) -> None:
            try:
                self.render(*item)
            except (AksdiagError, ValueError):
                pass

        with d2_limit(jobs), ThreadPoolExecutor(2 * jobs) as pool:
            list(pool.map(one, work))

    @staticmethod
    def _source(embed: Embed, page: str, page_dir: Path) -> Any:
        from ..api import Source

        if embed.path is not None:
            return Source(path=(page_dir / embed.path).resolve())
        return Source.from_text(embed.text or "", name=page)

    def _outside(self, embed: Embed, page_dir: Path) -> str | None:
        """Why a file embed may not be read (it resolves, links followed, outside every root)."""
        if embed.path is None:
            return None
        real = Path(os.path.realpath(page_dir / embed.path))
        if any(real == root or root in real.parents for root in self.roots):
            return None
        return (
            f"{embed.path} is outside the project (docs_dir and the folder of mkdocs.yml); "
            "a page shows only files the docs own: add its folder to the plugin's allowed_dirs to embed it"
        )

    def transform(
        self,
        markdown: str,
        *,
        page: str,
        page_dir: Path,
        store: Callable[[bytes, str], str],
        display: Callable[[Path], str] = str,
        first_line: int = 1,
    ) -> PageResult:
        """The page with every embed replaced. `first_line` is the file line `markdown` starts on
        (after front matter), so error positions name lines of the file."""
        embeds = find_embeds(markdown)
        if not embeds:
            return PageResult(markdown, [], [])
        lines = markdown.splitlines()
        errors: list[str] = []
        inputs: list[Path] = []
        shift = first_line - 1
        for embed in reversed(embeds):
            source = self._source(embed, page, page_dir)
            embed_line = embed.line + shift
            refused = embed.problem or self._outside(embed, page_dir)
            if refused:
                problem = Problem(refused, file=page, line=embed_line, column=1)
                errors.append(f"aksdiag: {problem}")
                lines[embed.line - 1 : embed.end] = ["", self._error([problem], None, embed.path or page), ""]
                continue
            if source.path is not None:
                inputs.append(source.path)
                shown = display(source.path)
            else:
                shown = f"{page}:{embed_line}"
            try:
                light, dark = self.render(source, embed.attrs)
                html_block = self._figure(embed, light, dark, store)
            except AksdiagError as exc:
                problems = [
                    self._place(p, embed_line, embed.text is not None, page, source, shown) for p in exc.problems
                ]
                errors += [f"{page}:{embed_line}: aksdiag: {p}" for p in problems]
                html_block = self._error(problems, source, shown)
            except ValueError as exc:  # a bad attribute value, such as max_nodes=many
                problem = Problem(f"bad attribute: {exc}", file=page, line=embed_line, column=1)
                errors.append(f"aksdiag: {problem}")
                html_block = self._error([problem], source, shown)
            lines[embed.line - 1 : embed.end] = ["", html_block, ""]
        return PageResult("\n".join(lines) + "\n", list(reversed(errors)), inputs)

    @staticmethod
    def _place(p: Problem, embed_line: int, inline: bool, page: str, source: Any, shown: str) -> Problem:
        """Positions in the page's own terms: an inline block's lines count from the page's first line."""
        if inline:
            line = p.line + embed_line if p.line is not None else embed_line
            return replace(p, file=page, line=line, column=p.column or 1)
        if p.file and source.path is not None and Path(p.file) == source.path:
            return replace(p, file=shown)
        return p

    def _figure(self, embed: Embed, light: Made, dark: Made | None, store: Callable[[bytes, str], str]) -> str:
        alt = html.escape(light.alt_text, quote=True)

        def linked(url: str, inner: str) -> str:
            if url.startswith("data:"):
                return inner
            # In an 800 px column a whole cluster's address labels come out at 6-8 px: the
            # picture opens full size, as vector, in the browser (Material hides the
            # other variant's <img>, and with it the empty link).
            return f'<a class="aksdiag-full" href="{url}" title="Open the full-size diagram">{inner}</a>'

        def img(data: bytes, fragment: str) -> str:
            url = store(data, "svg")
            return linked(url, f'<img src="{url}{fragment}" alt="{alt}" loading="lazy"{FILL}>')

        if dark is not None and self.settings.scheme == "media":
            light_url = store(light.outputs["svg"], "svg")
            dark_url = html.escape(store(dark.outputs["svg"], "svg"), quote=True)
            imgs = linked(
                light_url,
                f'<picture><source srcset="{dark_url}" media="(prefers-color-scheme: dark)">'
                f'<img src="{light_url}" alt="{alt}" loading="lazy"{FILL}></picture>',
            )
        elif dark is not None:
            imgs = img(light.outputs["svg"], "#only-light") + img(dark.outputs["svg"], "#only-dark")
        else:
            imgs = img(light.outputs["svg"], "")
        caption = f"<figcaption>{html.escape(embed.caption)}</figcaption>" if embed.caption else ""
        want_table = embed.attrs.get("table", "true" if self.settings.table else "false").lower() in TRUE
        table = light.extra.get("table_html", "") if want_table else ""
        notes = "".join(_finding_html(f) for f in light.findings)
        return f'<figure class="aksdiag"{FILL}>{imgs}{caption}</figure>{table}{notes}'

    @staticmethod
    def _error(problems: list[Problem], source: Any, shown: str) -> str:
        """The problems, and an inline block's source (the page's own text). A file's text is
        never shown: whatever file a page names, only its problems reach the site."""
        items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
        listing = ""
        if source is not None and source.text is not None:
            numbered = "\n".join(f"{n:>3}  {line}" for n, line in enumerate(source.text.splitlines(), start=1))
            listing = f"<pre><code>{html.escape(numbered)}</code></pre>"
        return (
            '<div class="admonition failure aksdiag-error">'
            f'<p class="admonition-title">aksdiag could not draw {html.escape(shown)}</p>'
            f"<ul>{items}</ul>{listing}</div>"
        )


# mkdocs-material's admonition kinds for each finding severity.
ADMONITIONS = {"error": "danger", "warning": "warning", "note": "note"}


def _finding_html(finding: str) -> str:
    severity, _, message = finding.partition(": ")
    kind = ADMONITIONS.get(severity, "note")
    return (
        f'<div class="admonition {kind} aksdiag-finding"><p class="admonition-title">{html.escape(severity)}</p>'
        f"<p>{html.escape(message)}</p></div>"
    )
