"""`plugins: [aksdiag]`: cluster diagrams on MkDocs pages, rendered once and cached.

Pictures are written into the built site under `assets/aksdiag/`, named by their content, so an
unchanged diagram keeps its URL. A broken description is logged as an error with its
file:line:column and shown on the page with its problems (`mkdocs build --strict` fails before
any page is written). File embeds resolve inside the project, docs_dir and the folder of
mkdocs.yml, or a folder `allowed_dirs` names; those outside `docs_dir` are watched by `mkdocs serve`.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.plugins.aksdiag")
ASSET_DIR = "assets/aksdiag"


class AksdiagConfig(Config):
    dark = c.Type(bool, default=True)  # a dark picture too, for mkdocs-material's palette toggle
    table = c.Type(bool, default=False)  # the address-plan table under every figure
    cache_dir = c.Optional(c.Type(str))  # default: $AKSDIAG_CACHE_DIR or ~/.cache/aksdiag
    cache = c.Type(bool, default=True)
    layout = c.Choice(("elk", "dagre"), default="elk")
    max_nodes = c.Optional(c.Type(int))
    column = c.Optional(c.Type(int))  # px: the site's content column (mkdocs-material with its TOC at 1440 px: 688)
    draw_unsupported = c.Type(bool, default=False)
    jobs = c.Optional(c.Type(int))  # d2 runs at once on a cold build; default: the CPU count
    # Folders outside the project (docs_dir and the folder of mkdocs.yml) whose cluster files pages
    # may embed, relative to mkdocs.yml; nothing else outside is ever read.
    allowed_dirs = c.ListOfItems(c.Type(str), default=[])


class AksdiagPlugin(BasePlugin[AksdiagConfig]):
    # The server `mkdocs serve` runs, and the cluster files outside docs_dir it watches. Defining
    # on_startup keeps this object across the rebuilds of one `mkdocs serve`, so a file first
    # embedded on a rebuild is watched from then on.
    server: Any = None
    watched: set[Path]

    # MkDocs calls each event with its keyword arguments: the names stay, used or not.
    def on_startup(self, *, command: str, dirty: bool) -> None:  # noqa: ARG002
        self.watched, self.server = set(), None

    def on_config(self, config: Any) -> Any:
        from ..batch.cache import RenderCache
        from ..options import Fit, Options
        from ..runtime.resources import cache_dir
        from .embed import Embedder, Settings

        # A docs page shows the picture in its column: composed for 800 px (or `column`), portrait, no hover marks.
        options = Options(
            layout=self.config.layout,
            draw_unsupported=self.config.draw_unsupported,
            max_nodes=self.config.max_nodes,
            fit=Fit.docs,
            column=self.config.column,
        )
        folder = None
        if self.config.cache:
            folder = Path(self.config.cache_dir) if self.config.cache_dir else cache_dir()
            if not folder.is_absolute():
                folder = Path(config.config_file_path).parent / folder
        # Material hides `#only-dark` pictures by its palette; any other theme gets one <picture>.
        scheme = "toggle" if getattr(config.theme, "name", None) == "material" else "media"
        root = Path(config.config_file_path).parent
        roots = (Path(config.docs_dir), root, *(root / d for d in self.config.allowed_dirs))
        cache = RenderCache(folder)
        if cache.refused:
            log.warning(f"aksdiag: cache folder {cache.asked}: {cache.refused}; rendering without it")
        self.embedder = Embedder(
            Settings(dark=self.config.dark, table=self.config.table, options=options, scheme=scheme), cache, roots
        )
        self.assets: dict[str, bytes] = {}
        self.errors = 0
        if not hasattr(self, "watched") or getattr(self, "root", None) != root:
            # MkDocs keeps one object of a plugin with on_startup per process: a build of another
            # site in the same process (a script, a test) starts from nothing.
            self.watched, self.server = set(), None
        self.root = root
        return config

    # MkDocs calls each event with its keyword arguments: the names stay, used or not.
    def on_files(self, files: Any, config: Any) -> Any:  # noqa: ARG002
        """Render the whole site's diagrams in parallel first; pages then take them from the cache."""
        pages = []
        for file in files.documentation_pages():
            try:
                text = Path(file.abs_src_path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue  # MkDocs reports unreadable pages itself
            if "aksdiag" in text or ".y" in text or ".json" in text:
                src = Path(file.abs_src_path)
                pages.append((os.path.relpath(src, self.root), src.parent, text))
        self.embedder.prefetch(pages, self.config.jobs)
        return files

    # MkDocs calls each event with its keyword arguments: the names stay, used or not.
    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:  # noqa: ARG002
        src = Path(page.file.abs_src_path)
        page_name = os.path.relpath(src, self.root)

        def store(data: bytes, suffix: str) -> str:
            name = f"{ASSET_DIR}/{hashlib.sha256(data).hexdigest()[:20]}.{suffix}"
            self.assets[name] = data
            return get_relative_url(name, page.url)

        def display(path: Path) -> str:
            return os.path.relpath(path, self.root)

        result = self.embedder.transform(
            markdown,
            page=page_name,
            page_dir=src.parent,
            store=store,
            display=display,
            first_line=_first_line(src, markdown),
        )
        for message in result.errors:
            log.error(message)
        self.errors += len(result.errors)
        docs = Path(config.docs_dir).resolve()
        outside = {p for p in result.inputs if docs not in p.parents}
        if self.server is not None:
            for path in sorted(outside - self.watched):
                if path.exists():
                    self.server.watch(str(path))
        self.watched |= outside
        return result.markdown

    # MkDocs calls each event with its keyword arguments: the names stay, used or not.
    def on_env(self, env: Any, config: Any, files: Any) -> Any:  # noqa: ARG002
        """Every page's Markdown is read by now and none is written: with --strict, a broken
        diagram stops the build here, so the site never holds a page that shows the problem."""
        if self.errors and config.get("strict"):
            from mkdocs.exceptions import PluginError

            raise PluginError(f"aksdiag: {self.errors} diagram error(s) with --strict; no page was written")
        return env

    def on_post_build(self, config: Any) -> None:
        site = Path(config.site_dir)
        for name, data in self.assets.items():
            target = site / name
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    # MkDocs calls each event with its keyword arguments: the names stay, used or not.
    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:  # noqa: ARG002
        self.server = server
        for path in sorted(self.watched):
            if path.exists():
                server.watch(str(path))
        return server


def _first_line(src: Path, markdown: str) -> int:
    """The line of the page file where `markdown` starts: MkDocs hands plugins the page without
    its YAML front matter, and error positions must name lines of the file."""
    try:
        raw = src.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 1
    head = markdown.lstrip("\n")[:200]
    at = raw.find(head) if head else -1
    return raw.count("\n", 0, at) + 1 if at > 0 else 1
