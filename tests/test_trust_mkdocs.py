"""The MkDocs plugin shows only what the docs own (issue 17).

A page's embed resolves inside the project (docs_dir and the folder of mkdocs.yml); outside
it, by absolute path, `../` or a symlink, only where `allowed_dirs` says. A file that is not a
cluster description is an error naming the page and line, and its text is never put on a
page or in the log. `--strict` fails before any page is written.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

SECRET = "hunter2-do-not-publish"
CLUSTER = (ROOT / "examples" / "kubenet-basic.yaml").read_text()


def _limited() -> None:
    # A build that reads a device without end stops at 2 GB instead of taking the machine with it.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.fixture
def project(tmp_path):
    """A MkDocs project in `tmp_path/project`, files outside it in `tmp_path`."""
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - aksdiag\n")
    (root / "docs" / "other.md").write_text("# Another page\n")
    (tmp_path / "secret.json").write_text(f'{{"password": "{SECRET}"}}\n')
    (tmp_path / "secret.yaml").write_text(f"password: {SECRET}\n")
    (tmp_path / "outside.yaml").write_text(CLUSTER)
    env = {
        **os.environ,
        "AKSDIAG_CACHE_DIR": str(tmp_path / "cache"),
        "NO_MKDOCS_2_WARNING": "1",
        "AKSDIAG_SERVER": "0",
    }
    return root, env


def build(root: Path, env: dict, *, strict: bool = True) -> subprocess.CompletedProcess:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    return subprocess.run(
        [str(mkdocs), "build", *(["--strict"] if strict else [])],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        preexec_fn=_limited,
    )


def page(root: Path, body: str) -> None:
    (root / "docs" / "index.md").write_text(f"# Clusters\n\n{body}\n")


def _site_text(root: Path) -> str:
    site = root / "site"
    return "".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file()) if site.exists() else ""


def _pages(root: Path) -> list[Path]:
    return sorted((root / "site").rglob("*.html")) if (root / "site").exists() else []


def _refused(proc: subprocess.CompletedProcess, root: Path, line: int = 3) -> None:
    assert proc.returncode != 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"docs/index.md:{line}" in proc.stderr, proc.stderr
    assert SECRET not in proc.stderr and SECRET not in _site_text(root)
    assert not _pages(root), "--strict fails before any page is written"


def test_an_absolute_path_outside_the_project_is_refused(project, tmp_path):
    root, env = project
    page(root, f"![cluster]({tmp_path / 'outside.yaml'})")
    proc = build(root, env)
    _refused(proc, root)
    assert "outside" in proc.stderr


@pytest.mark.parametrize("name", ["secret.json", "secret.yaml"])
def test_a_local_file_that_is_not_a_cluster_is_never_published(project, tmp_path, name):
    root, env = project
    page(root, f"![leak]({tmp_path / name})")
    _refused(build(root, env), root)
    loose = build(root, env, strict=False)
    assert SECRET not in _site_text(root) and SECRET not in loose.stderr


def test_dot_dot_outside_the_project_is_refused(project):
    root, env = project
    page(root, "![cluster](../../outside.yaml)")
    proc = build(root, env)
    _refused(proc, root)
    assert "outside" in proc.stderr


def test_a_symlink_out_of_the_project_is_refused(project, tmp_path):
    root, env = project
    (root / "docs" / "net.yaml").symlink_to(tmp_path / "outside.yaml")
    page(root, "![cluster](net.yaml)")
    proc = build(root, env)
    _refused(proc, root)
    assert "outside" in proc.stderr


def test_a_folder_outside_is_embedded_when_the_config_allows_it(project):
    root, env = project
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - aksdiag:\n      allowed_dirs: [..]\n")
    page(root, "![cluster](../../outside.yaml)")
    proc = build(root, env)
    assert proc.returncode == 0, proc.stderr
    assert '<figure class="aksdiag"' in (root / "site" / "index.html").read_text()


def test_the_config_folder_is_part_of_the_project(project):
    root, env = project
    (root / "clusters").mkdir()
    (root / "clusters" / "net.yaml").write_text(CLUSTER)
    page(root, "![cluster](../clusters/net.yaml)")
    proc = build(root, env)
    assert proc.returncode == 0, proc.stderr


def test_a_non_cluster_file_inside_the_project_is_an_error_and_not_echoed(project):
    # Beside mkdocs.yml: MkDocs itself copies the files in docs_dir to the site.
    root, env = project
    (root / "package.json").write_text(f'{{"name": "site", "token": "{SECRET}"}}\n')
    page(root, "![not a cluster](../package.json)")
    _refused(build(root, env), root)
    loose = build(root, env, strict=False)
    assert "aksdiag could not draw" in (root / "site" / "index.html").read_text()
    assert SECRET not in _site_text(root) and SECRET not in loose.stderr


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_device_or_fifo_embed_is_refused_without_reading_it(project, tmp_path, target):
    root, env = project
    if target == "fifo":
        os.mkfifo(root / "docs" / "pipe.yaml")
        page(root, "![pipe](pipe.yaml)")
    else:
        (root / "docs" / "zero.yaml").symlink_to(target)
        page(root, "![zero](zero.yaml)")
    proc = build(root, env)
    _refused(proc, root)


def test_an_unclosed_quote_in_the_attributes_is_an_error_with_its_line(project):
    root, env = project
    (root / "docs" / "net.yaml").write_text(CLUSTER)
    page(root, '![cluster](net.yaml){ caption="no end }')
    proc = build(root, env)
    _refused(proc, root)


def test_strict_writes_no_page_when_one_embed_is_broken(project):
    root, env = project
    (root / "docs" / "net.yaml").write_text(CLUSTER)
    (root / "docs" / "other.md").write_text("# Other\n\n![good](net.yaml)\n")
    page(root, "![gone](gone.yaml)")
    proc = build(root, env)
    assert proc.returncode != 0 and "docs/index.md:3" in proc.stderr, proc.stderr
    assert not _pages(root), [str(p) for p in _pages(root)]


def test_the_markdown_extension_keeps_embeds_inside_its_base_dir(tmp_path, monkeypatch, caplog):
    import markdown

    monkeypatch.setenv("AKSDIAG_CACHE_DIR", str(tmp_path / "cache"))
    base = tmp_path / "docs"
    base.mkdir()
    (tmp_path / "secret.yaml").write_text(f"password: {SECRET}\n")
    shutil.copy(ROOT / "examples" / "kubenet-basic.yaml", tmp_path / "outside.yaml")
    for src in ("../secret.yaml", str(tmp_path / "outside.yaml")):
        out = markdown.markdown(
            f"# x\n\n![c]({src})\n", extensions=["aksdiag"], extension_configs={"aksdiag": {"base_dir": str(base)}}
        )
        assert SECRET not in out and "<figure" not in out
        assert "outside" in caplog.text
