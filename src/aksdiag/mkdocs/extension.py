"""`markdown_extensions: [aksdiag]` for Python-Markdown without the MkDocs plugin: the same
embeds, with the pictures inlined as data URIs (there is no site folder to write them to).

Options: `base_dir` (where file embeds are found; default the working folder), `dark`, `table`.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any

from markdown import Extension
from markdown.preprocessors import Preprocessor

log = logging.getLogger("mkdocs.plugins.aksdiag")


class _Embeds(Preprocessor):
    def __init__(self, md: Any, ext: AksdiagExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        from ..batch.cache import RenderCache
        from ..runtime.resources import cache_dir
        from .embed import Embedder, Settings

        embedder = Embedder(Settings(dark=self.ext.getConfig("dark"), table=self.ext.getConfig("table")),
                            RenderCache(cache_dir()))

        def store(data: bytes, suffix: str) -> str:
            return f"data:image/svg+xml;base64,{base64.b64encode(data).decode()}"

        base = Path(self.ext.getConfig("base_dir") or ".")
        result = embedder.transform("\n".join(lines), page=self.ext.getConfig("page_name"), page_dir=base,
                                    store=store)
        for message in result.errors:
            log.error(message)
        # Each figure is one line of HTML; stash it so Markdown leaves it alone.
        out = []
        for line in result.markdown.split("\n"):
            if line.startswith(("<figure class=\"aksdiag\"", "<div class=\"admonition failure aksdiag-error\"")):
                line = self.md.htmlStash.store(line)
            out.append(line)
        return out


class AksdiagExtension(Extension):
    def __init__(self, **kwargs: Any):
        self.config = {
            "base_dir": ["", "Folder that file embeds are relative to"],
            "dark": [True, "Also a dark picture (#only-dark) for mkdocs-material's palette toggle"],
            "table": [False, "The address-plan table under every figure"],
            "page_name": ["page", "How error messages name the document"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Any) -> None:
        md.preprocessors.register(_Embeds(md, self), "aksdiag", 28)  # after whitespace (30), before fences (25)


def makeExtension(**kwargs: Any) -> AksdiagExtension:
    return AksdiagExtension(**kwargs)
