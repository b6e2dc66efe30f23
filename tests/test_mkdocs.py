"""The example MkDocs site, built with real MkDocs and mkdocs-material: figures in light and dark,
generated alt text, plan tables, the cache, and a broken page failing --strict with its line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from aksdiag.compile.d2 import find_d2

from .conftest import ROOT

pytestmark = pytest.mark.slow

BROKEN_PAGE = """---
title: Broken
---
# Broken

A description with a mistake on line 4 of the block, line 12 of the file:

```aksdiag
name: broken
nodePools:
  - name: pool1
    count: many
```

![a file with a mistake](bad.yaml)

![a file that is not there](gone.yaml)
"""


@pytest.fixture
def site(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    log = tmp_path / "d2.log"
    wrapper = tmp_path / "d2-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho "$1" >> {log}\nexec {find_d2()} "$@"\n')
    wrapper.chmod(0o755)
    env = {
        **os.environ,
        "AKSDIAG_D2": str(wrapper),
        "AKSDIAG_CACHE_DIR": str(tmp_path / "cache"),
        "NO_MKDOCS_2_WARNING": "1",
    }
    return tmp_path / "examples" / "mkdocs-site", env, log


def build(folder: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    return subprocess.run(
        [str(mkdocs), "build", "--strict", *args], cwd=folder, env=env, capture_output=True, text=True
    )


def compiles(log: Path) -> int:
    return sum(1 for line in log.read_text().splitlines() if line != "--version") if log.exists() else 0


def test_example_site_builds_strict_with_light_and_dark_figures(site):
    folder, env, log = site
    proc = build(folder, env)
    assert proc.returncode == 0, proc.stderr
    page = (folder / "site" / "index.html").read_text()
    figure = re.search(r'<figure class="aksdiag"[^>]*>.*?</figure>', page, re.DOTALL)[0]
    light = re.search(r'<img src="([^"#]+)#only-light" alt="([^"]+)"', figure)
    dark = re.search(r'<img src="([^"#]+)#only-dark" alt="([^"]+)"', figure)
    assert light and dark
    for url, variant in ((light[1], "only-light"), (dark[1], "only-dark")):  # each opens full size
        assert (
            f'<a class="aksdiag-full" href="{url}" title="Open the full-size diagram"><img src="{url}#{variant}"'
            in figure
        )
    assert "myAKSCluster" in light[2] and "kubenet" in light[2] and "10.244.0.0/16" in light[2]
    light_svg = (folder / "site" / light[1]).read_bytes()
    dark_svg = (folder / "site" / dark[1]).read_bytes()
    assert light_svg.startswith(b"<?xml") and dark_svg.startswith(b"<?xml") and light_svg != dark_svg
    assert "<figcaption>kubenet in our own VNet</figcaption>" in figure
    table = re.search(r"<div class=\"aksdiag-plan\"><table>.*?</table>", page, re.DOTALL)[0]
    for text in ("192.168.1.0/24", "10.244.0.0/16", "192.168.1.4", "10.244.2.0/24", "10.0.0.10"):
        assert text in table
    assert '<div class="admonition note aksdiag-finding">' in page and "kubenet retires" in page, (
        "findings under the figure"
    )
    overlay = (folder / "site" / "overlay" / "index.html").read_text()
    assert 'src="../assets/aksdiag/' in overlay and "aksdiag-plan" not in overlay, "table only on request"
    inline = (folder / "site" / "inline" / "index.html").read_text()
    assert "<figcaption>A small kubenet design</figcaption>" in inline and "design-review" in inline
    # the syntax shown in a code block stays a code block
    assert "![kubenet in our own VNet](../../kubenet-byo-vnet.yaml){ table=true }" in page.replace("&quot;", '"')
    # Three diagrams, light and dark: composed for the site's 688 px column, each light picture's
    # first composition measures too wide and is drawn once more; the dark one takes the light
    # one's composition, so it is drawn once.
    assert compiles(log) == 9, "three diagrams: the light one measured twice, the dark once"

    again = build(folder, env)
    assert again.returncode == 0 and compiles(log) == 9, "an unchanged rebuild runs no d2"
    assert (folder / "site" / "index.html").read_text() == page


def test_broken_page_fails_strict_with_file_and_line_and_shows_the_problem(site):
    folder, env, _ = site
    (folder / "docs" / "broken.md").write_text(BROKEN_PAGE)
    (folder / "docs" / "bad.yaml").write_text(
        "name: bad\nnetworkProfile:\n  podCidr: 10.244.0.1/16\nnodePools: [{name: pool1}]\n"
    )
    mkdocs_yml = folder / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text() + "  - Broken: broken.md\n")
    proc = build(folder, env)
    assert proc.returncode != 0
    # lines of the file, front matter included (MkDocs hands plugins the page without it)
    assert "docs/broken.md:12:12: nodePools[0].count" in proc.stderr
    assert "docs/bad.yaml:3:12: networkProfile.podCidr" in proc.stderr
    assert "docs/broken.md:17: aksdiag: docs/gone.yaml: input file does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr

    loose = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build"], cwd=folder, env=env, capture_output=True, text=True
    )
    assert loose.returncode == 0, loose.stderr
    page = (folder / "site" / "broken" / "index.html").read_text()
    assert "aksdiag could not draw" in page and "count: many" in page and "nodePools[0].count" in page
    assert "<figure" not in page, "no broken image: the problem and the source instead"


def test_cluster_files_outside_docs_are_watched(site, monkeypatch):
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    folder, env, _ = site
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(folder)
    config = load_config(str(folder / "mkdocs.yml"))
    mkdocs_build(config)
    plugin = config.plugins["aksdiag"]

    class Server:
        watched: ClassVar[list[str]] = []

        def watch(self, path):
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=None)
    assert sorted(Path(p).name for p in server.watched) == ["azure-cni-overlay.yaml", "kubenet-byo-vnet.yaml"]


def test_markdown_extension_inlines_the_pictures(site, monkeypatch):
    import markdown

    _, env, _ = site
    monkeypatch.setenv("AKSDIAG_CACHE_DIR", env["AKSDIAG_CACHE_DIR"])
    out = markdown.markdown(
        "# x\n\n![byo](kubenet-byo-vnet.yaml)\n",
        extensions=["aksdiag"],
        extension_configs={"aksdiag": {"base_dir": str(ROOT / "examples")}},
    )
    # Plain Python-Markdown has no theme that hides `#only-dark`: one <picture> follows the reader's scheme.
    assert out.count("data:image/svg+xml;base64,") == 2 and "myAKSCluster" in out
    assert '<picture><source srcset="data:image/svg+xml;base64,' in out and "#only-dark" not in out
    toggled = markdown.markdown(
        "![byo](kubenet-byo-vnet.yaml)\n",
        extensions=["aksdiag"],
        extension_configs={"aksdiag": {"docs_dir": str(ROOT / "examples"), "scheme": "toggle"}},
    )
    assert "#only-dark" in toggled and "<picture>" not in toggled


def test_a_cold_build_runs_d2_in_parallel_up_to_jobs(site):
    folder, env, _ = site
    log = folder.parent.parent / "running.log"
    wrapper = folder.parent.parent / "d2-slow"
    real = find_d2()
    wrapper.write_text(
        f'#!/bin/sh\n[ "$1" = --version ] && exec {real} "$@"\necho + >> {log}\nsleep 0.3\n'
        f'{real} "$@"; rc=$?\necho - >> {log}\nexit $rc\n'
    )
    wrapper.chmod(0o755)
    mkdocs_yml = folder / "mkdocs.yml"
    # the plugin (listed first), not the Markdown extension beside it for Zensical
    mkdocs_yml.write_text(mkdocs_yml.read_text().replace("  - aksdiag:\n", "  - aksdiag:\n      jobs: 2\n", 1))
    proc = build(folder, {**env, "AKSDIAG_D2": str(wrapper)})
    assert proc.returncode == 0, proc.stderr
    running = peak = 0
    for mark in log.read_text().split():
        running += 1 if mark == "+" else -1
        peak = max(peak, running)
    assert peak == 2, f"{peak} d2 at once with jobs: 2"
