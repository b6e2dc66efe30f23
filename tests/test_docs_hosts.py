"""Docs hosts beyond MkDocs with Material: Zensical (through the Markdown extension, which finds
each page's embeds relative to the page Zensical says it renders), a `strict` option that fails
the build, themes that do not switch `#only-dark` pictures, and `mkdocs serve` watching a file
first embedded after it started."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import markdown
import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


@pytest.fixture
def site(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "AKSDIAG_CACHE_DIR": str(tmp_path / "cache"), "NO_MKDOCS_2_WARNING": "1"}
    return tmp_path / "examples" / "mkdocs-site", env


def zensical(folder: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    # --clean: Zensical caches rendered pages by their Markdown, and a page's cluster file is not part of it.
    return subprocess.run(
        [str(BIN / "zensical"), "build", "--clean", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_example_site_builds_with_zensical(site):
    folder, env = site
    proc = zensical(folder, env, "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    index = (folder / "site" / "index.html").read_text()
    # The embed `../../kubenet-byo-vnet.yaml` is found from the page's folder, not the working folder.
    figure = re.search(r'<figure class="aksdiag"[^>]*>.*?</figure>', index, re.DOTALL)[0]
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"#]+#only-light" alt="[^"]*myAKSCluster', figure)
    assert "#only-dark" in figure, "Zensical's theme switches the pictures by its palette"
    assert "192.168.1.0/24" in index and "aksdiag could not draw" not in index
    for page in ("overlay", "inline"):
        html = (folder / "site" / page / "index.html").read_text()
        assert '<figure class="aksdiag"' in html and "aksdiag could not draw" not in html, page


@pytest.mark.parametrize("host", ["zensical", "mkdocs"])
def test_strict_fails_on_a_broken_embed(site, host):
    folder, env = site
    (folder / "docs" / "index.md").write_text("# Clusters\n\n![gone](../../no-such-cluster.yaml)\n")
    if host == "zensical":
        proc = zensical(folder, env, "--strict")
    else:
        proc = subprocess.run(
            [str(BIN / "mkdocs"), "build", "--strict"], cwd=folder, env=env, capture_output=True, text=True, timeout=600
        )
    assert proc.returncode != 0
    assert "index.md:3" in proc.stdout + proc.stderr and "no-such-cluster.yaml" in proc.stdout + proc.stderr


def test_the_extension_resolves_from_the_page_the_host_names(tmp_path, monkeypatch):
    """A host that says which page it renders, as Zensical does with its `rendering_context`."""
    from markdown.preprocessors import Preprocessor

    monkeypatch.setenv("AKSDIAG_CACHE_DIR", str(tmp_path / "cache"))
    docs = tmp_path / "docs"
    (docs / "net").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "kubenet-basic.yaml", docs / "net" / "prod.yaml")

    class Context(Preprocessor):
        def __init__(self, md, page):
            super().__init__(md)
            self.page = SimpleNamespace(path=page, url="net/page/")
            self.config = {"root_dir": str(tmp_path), "docs_dir": "docs", "strict": False}

        def run(self, lines):
            return lines

    def render(page: str, text: str, **config) -> str:
        md = markdown.Markdown(extensions=["aksdiag"], extension_configs={"aksdiag": config})
        md.preprocessors.register(Context(md, page), "rendering_context", 0)
        return md.convert(text)

    html = render("net/page.md", "![prod](prod.yaml)\n")
    assert '<figure class="aksdiag"' in html and "#only-dark" in html
    missing = render("index.md", "![prod](prod.yaml)\n")  # from docs/, prod.yaml is not there
    assert "aksdiag could not draw" in missing and "docs/prod.yaml" in missing.replace(str(tmp_path) + "/", "")
    from aksdiag.mkdocs.extension import EmbedError

    with pytest.raises(EmbedError, match=r"docs/index.md:1: aksdiag: .*prod.yaml"):
        render("index.md", "![prod](prod.yaml)\n", strict=True)
    # Without a host, the configured docs_dir.
    plain = markdown.markdown(
        "![prod](net/prod.yaml)\n", extensions=["aksdiag"], extension_configs={"aksdiag": {"docs_dir": str(docs)}}
    )
    assert '<figure class="aksdiag"' in plain


def test_a_theme_other_than_material_shows_one_picture(site):
    folder, env = site
    config = (folder / "mkdocs.yml").read_text()
    config = re.sub(r"theme:\n(  .*\n|    .*\n)+", "theme:\n  name: mkdocs\n", config)
    assert "name: mkdocs" in config and "palette" not in config
    (folder / "mkdocs.yml").write_text(config)
    proc = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict"], cwd=folder, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    page = (folder / "site" / "index.html").read_text()
    figure = re.search(r'<figure class="aksdiag"[^>]*>.*?</figure>', page, re.DOTALL)[0]
    assert figure.count("<img") == 1 and "#only-dark" not in figure
    assert re.search(r'<picture><source srcset="[^"]+\.svg" media="\(prefers-color-scheme: dark\)"><img', figure)


def test_serve_watches_a_cluster_file_first_embedded_after_it_started(site, monkeypatch):
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    folder, env = site
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(folder)
    config = load_config(str(folder / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    mkdocs_build(config)
    plugin = config.plugins["aksdiag"]

    class Server:
        watched: ClassVar[list[str]] = []

        def watch(self, path):
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=None)
    assert sorted(Path(p).name for p in server.watched) == ["azure-cni-overlay.yaml", "kubenet-byo-vnet.yaml"]
    # A page now embeds a file no page embedded when the server started; the rebuild watches it.
    page = folder / "docs" / "overlay.md"
    page.write_text(page.read_text() + "\n![private](../../private-cluster.yaml)\n")
    again = load_config(str(folder / "mkdocs.yml"))
    again.plugins = config.plugins  # `mkdocs serve` keeps plugins that define on_startup across rebuilds
    mkdocs_build(again)
    assert Path(server.watched[-1]).name == "private-cluster.yaml"
    assert len(server.watched) == 3


def _embedded_svg(html: str) -> str:
    import base64

    data = re.search(r'src="data:image/svg\+xml;base64,([^"#]+)', html)
    assert data, html[:300]
    return base64.b64decode(data.group(1)).decode()


def test_the_extension_draws_for_the_docs_column_as_the_plugin_does(tmp_path, monkeypatch):
    """Under Zensical the Markdown extension draws the pictures: it composed them for a slide, and a
    large cluster's overview read at 10 px in an 800 px column. It now draws what the plugin draws,
    for `column` when a site's is not 800 px (mkdocs-material beside its table of contents: 688)."""
    from .legibility import measure_svg

    monkeypatch.setenv("AKSDIAG_CACHE_DIR", str(tmp_path / "cache"))
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ROOT / "examples" / "pod-subnet-per-pool-large.yaml", docs / "big.yaml")

    def shown(column: int | None) -> float:
        config = {"docs_dir": str(docs), "dark": False} | ({"column": column} if column else {})
        html = markdown.markdown("![big](big.yaml)\n", extensions=["aksdiag"], extension_configs={"aksdiag": config})
        m = measure_svg(_embedded_svg(html))
        return m["min_addr_font"] * min(1.0, (column or 800) / m["w"])

    assert shown(None) >= 11
    assert shown(688) >= 11
