"""`markdown_extensions: [aksdiag]` for Python-Markdown hosts without the MkDocs plugin (Zensical,
plain Python-Markdown): the same embeds, with the pictures inlined as data URIs (there is no
site folder to write them to).

Where file embeds are found: relative to the page, when the host says which page it renders
(Zensical does, through its rendering context); otherwise relative to the `docs_dir` option (the
old name `base_dir` still works), else the working folder. They may come only from that folder,
its parent when a host names it (the project), and the `allowed_dirs` option's folders
(relative to the project, or to docs_dir without a host).

Options: `docs_dir`, `dark`, `table`, `strict` (a broken embed raises, so the build fails; Zensical's
`--strict` does not count logged errors), `scheme` ("toggle": `#only-light`/`#only-dark` pictures for
themes that switch them, as Material and Zensical do; "media": one <picture> that follows the
reader's colour scheme, for any other page; default: toggle under Zensical, media elsewhere).
"""

from __future__ import annotations

import base64
import logging
import os
from pathlib import Path
from typing import Any

from markdown import Extension
from markdown.preprocessors import Preprocessor

from ..errors import AksdiagError, Problem

log = logging.getLogger("mkdocs.plugins.aksdiag")


class EmbedError(AksdiagError):
    """A diagram on a page could not be drawn, and the extension was told to be strict."""


def _host_page(md: Any) -> tuple[Path, str, bool] | None:
    """(docs folder, page path within it, strict) from the host's rendering context, if it has one.

    Zensical registers a preprocessor named `rendering_context` that holds the page being rendered
    (`page.path`, relative to docs_dir) and the site's configuration (`root_dir`, `docs_dir`)."""
    if "rendering_context" not in md.preprocessors:
        return None
    context = md.preprocessors["rendering_context"]
    page, config = getattr(context, "page", None), getattr(context, "config", None)
    if page is None or not isinstance(config, dict) or not getattr(page, "path", None):
        return None
    docs = Path(config.get("root_dir") or ".") / str(config.get("docs_dir") or "docs")
    return docs.resolve(), str(page.path), bool(config.get("strict"))


class _Embeds(Preprocessor):
    def __init__(self, md: Any, ext: AksdiagExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        from ..batch.cache import RenderCache
        from ..options import Fit, Options
        from ..runtime.resources import cache_dir
        from .embed import Embedder, Settings

        host = _host_page(self.md)
        scheme = self.ext.getConfig("scheme") or ("toggle" if host is not None else "media")
        # A docs page, as the MkDocs plugin draws it: composed for its column, portrait.
        column = self.ext.getConfig("column") or None
        options = Options(fit=Fit.docs, column=int(column) if column else None)
        embedder = Embedder(
            Settings(
                dark=self.ext.getConfig("dark"), table=self.ext.getConfig("table"), options=options, scheme=scheme
            ),
            RenderCache(cache_dir()),
        )

        def store(data: bytes, _suffix: str) -> str:  # the embedder's one store signature; a data URL needs no suffix
            return f"data:image/svg+xml;base64,{base64.b64encode(data).decode()}"

        strict = bool(self.ext.getConfig("strict"))
        if host is not None:
            docs, page_path, host_strict = host
            page_dir = (docs / page_path).parent
            # How messages name the page: from the project's folder, as the host names it.
            page_name = (Path(self.ext.getConfig("docs_label") or docs.name) / page_path).as_posix()
            strict = strict or host_strict
        else:
            page_dir = Path(self.ext.getConfig("docs_dir") or self.ext.getConfig("base_dir") or ".")
            page_name = self.ext.getConfig("page_name")
            docs = page_dir
        # File embeds stay inside the docs, the project around them (a host's; without one, the
        # docs folder is all there is), and the folders the config allows, relative to that.
        project = Path(os.path.realpath(docs)).parent if host is not None else Path(os.path.realpath(docs))
        embedder.roots = tuple(
            Path(os.path.realpath(p))
            for p in (docs, project, *(project / d for d in self.ext.getConfig("allowed_dirs") or ()))
        )
        result = embedder.transform("\n".join(lines), page=page_name, page_dir=page_dir, store=store)
        for message in result.errors:
            log.error(message)
        if strict and result.errors:
            raise EmbedError([Problem(message) for message in result.errors])
        # Each figure is one line of HTML; stash it so Markdown leaves it alone.
        out = []
        for line in result.markdown.split("\n"):
            if line.startswith(('<figure class="aksdiag"', '<div class="admonition failure aksdiag-error"')):
                line = self.md.htmlStash.store(line)
            out.append(line)
        return out


class AksdiagExtension(Extension):
    def __init__(self, **kwargs: Any):
        self.config = {
            "docs_dir": ["", "Folder that file embeds are relative to when the host does not say the page"],
            "base_dir": ["", "The old name of docs_dir"],
            "allowed_dirs": [[], "Folders outside the project (relative to it) whose cluster files may be embedded"],
            "docs_label": ["", "How messages name the docs folder (default: its name)"],
            "dark": [True, "Also a dark picture"],
            "scheme": ["", "toggle (#only-light/#only-dark: Material, Zensical) or media (<picture>)"],
            "table": [False, "The address-plan table under every figure"],
            "column": [0, "The docs column's width in px (default 800; mkdocs-material with its TOC at 1440 px: 688)"],
            "strict": [False, "Raise on a broken diagram, so that the build fails"],
            "page_name": ["page", "How error messages name the document when the host does not say"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Any) -> None:
        md.preprocessors.register(_Embeds(md, self), "aksdiag", 28)  # after whitespace (30), before fences (25)


def makeExtension(**kwargs: Any) -> AksdiagExtension:
    return AksdiagExtension(**kwargs)
