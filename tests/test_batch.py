"""Many diagrams in one run: folders mirrored, a cache that skips d2, --check for CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aksdiag.batch import find_inputs
from aksdiag.compile.d2 import find_d2

from .conftest import ROOT

EXAMPLES = ROOT / "examples"
PICK = ("kubenet-basic.yaml", "azure-cni-overlay.yaml", "private-cluster.yaml")


def aksdiag(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "aksdiag"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, cwd=cwd, stdin=subprocess.DEVNULL)


@pytest.fixture
def tree(tmp_path):
    """docs/ with clusters in a subfolder, plus the files a docs repository has beside them."""
    src = tmp_path / "docs"
    (src / "net").mkdir(parents=True)
    shutil.copy(EXAMPLES / PICK[0], src / PICK[0])
    for name in PICK[1:]:
        shutil.copy(EXAMPLES / name, src / "net" / name)
    (src / "mkdocs.yml").write_text("site_name: x\n")
    (src / "index.md").write_text("# hi\n")
    (src / ".hidden").mkdir()
    (src / ".hidden" / "x.yaml").write_text("not: a cluster\n")
    return tmp_path


@pytest.fixture
def counting_d2(tmp_path):
    """A d2 that logs every call, so a test can count compiles and version checks."""
    log = tmp_path / "d2.log"
    wrapper = tmp_path / "d2-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho "$1" >> {log}\nexec {find_d2()} "$@"\n')
    wrapper.chmod(0o755)
    env = {**os.environ, "AKSDIAG_D2": str(wrapper), "AKSDIAG_CACHE_DIR": str(tmp_path / "cache")}
    return env, log


def _calls(log: Path) -> tuple[int, int]:
    lines = log.read_text().splitlines() if log.exists() else []
    return sum(1 for x in lines if x == "--version"), sum(1 for x in lines if x != "--version")


def test_folder_walk_takes_clusters_not_site_config(tree):
    found = [p.relative_to(tree / "docs").as_posix() for p, _ in find_inputs([str(tree / "docs")])]
    assert found == ["kubenet-basic.yaml", "net/azure-cni-overlay.yaml", "net/private-cluster.yaml"]


def test_glob_and_named_files(tree):
    found = find_inputs([str(tree / "docs" / "net" / "*.yaml"), str(tree / "docs" / "mkdocs.yml")])
    assert [p.name for p, _ in found] == ["azure-cni-overlay.yaml", "private-cluster.yaml", "mkdocs.yml"]


@pytest.mark.slow
def test_batch_mirrors_the_tree_then_renders_nothing_then_checks(tree, counting_d2):
    env, log = counting_d2
    out = tree / "out"
    first = aksdiag(
        "render",
        str(tree / "docs"),
        "--out-dir",
        str(out),
        "--jobs",
        "2",
        "--format",
        "svg,png",
        env=env,
        cwd=tree / "docs",
    )
    assert first.returncode == 0, first.stderr
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert made == [
        "kubenet-basic.png",
        "kubenet-basic.svg",
        "net/azure-cni-overlay.png",
        "net/azure-cni-overlay.svg",
        "net/private-cluster.png",
        "net/private-cluster.svg",
    ]
    assert "3 files: 3 rendered, 0 unchanged, 0 failed" in first.stderr
    assert _calls(log) == (1, 6), "d2 checked once per process, one compile per output"
    assert "wrote " in first.stderr and "\x1b[" not in first.stderr, "plain lines when not on a terminal"

    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.svg")}
    second = aksdiag(
        "render",
        str(tree / "docs"),
        "--out-dir",
        str(out),
        "--jobs",
        "2",
        "--format",
        "svg,png",
        env=env,
        cwd=tree / "docs",
    )
    assert second.returncode == 0 and "0 rendered, 3 unchanged" in second.stderr
    assert _calls(log) == (1, 6), "an unchanged input costs no d2 run (and d2's version is remembered)"
    assert stamps == {p: p.stat().st_mtime_ns for p in out.rglob("*.svg")}

    ok = aksdiag(
        "render",
        str(tree / "docs"),
        "--out-dir",
        str(out),
        "--format",
        "svg,png",
        "--check",
        env=env,
        cwd=tree / "docs",
    )
    assert ok.returncode == 0 and "3 ok, 0 stale, 0 missing" in ok.stderr

    edited = tree / "docs" / "net" / "azure-cni-overlay.yaml"
    edited.write_text(edited.read_text().replace("192.168.0.0/16", "100.64.0.0/16"))
    (out / "kubenet-basic.png").unlink()
    stale = aksdiag(
        "render",
        str(tree / "docs"),
        "--out-dir",
        str(out),
        "--format",
        "svg,png",
        "--check",
        env=env,
        cwd=tree / "docs",
    )
    assert stale.returncode == 1, stale.stderr
    assert f"{out / 'net' / 'azure-cni-overlay.svg'}: stale" in stale.stderr
    assert f"{out / 'kubenet-basic.png'}: missing" in stale.stderr
    assert "1 ok, 1 stale, 1 missing" in stale.stderr
    assert not (out / "kubenet-basic.png").exists(), "--check writes nothing"
    assert b"100.64.0.0" not in (out / "net" / "azure-cni-overlay.svg").read_bytes()

    fixed = aksdiag(
        "render", str(tree / "docs"), "--out-dir", str(out), "--format", "svg,png", env=env, cwd=tree / "docs"
    )
    assert fixed.returncode == 0 and "2 rendered, 1 unchanged" in fixed.stderr
    again = aksdiag(
        "render",
        str(tree / "docs"),
        "--out-dir",
        str(out),
        "--format",
        "svg,png",
        "--check",
        env=env,
        cwd=tree / "docs",
    )
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_check_without_a_cache_compares_fresh_renders(tree, counting_d2):
    env, _ = counting_d2
    out = tree / "out"
    assert (
        aksdiag(
            "render", str(tree / "docs"), "--out-dir", str(out), "--no-cache", env=env, cwd=tree / "docs"
        ).returncode
        == 0
    )
    check = aksdiag(
        "render", str(tree / "docs"), "--out-dir", str(out), "--no-cache", "--check", env=env, cwd=tree / "docs"
    )
    assert check.returncode == 0, "SVG output is byte-reproducible"


@pytest.mark.slow
def test_one_broken_file_does_not_stop_the_others(tree, counting_d2):
    env, _ = counting_d2
    broken = tree / "docs" / "net" / "broken.yaml"
    broken.write_text("name: x\nnodePools:\n  - name: pool1\n    count: many\n")
    out = tree / "out"
    proc = aksdiag("render", str(tree / "docs"), "--out-dir", str(out), env=env, cwd=tree / "docs")
    assert proc.returncode == 2
    assert f"{broken}:4:" in proc.stderr and "nodePools[0].count" in proc.stderr
    assert "4 files: 3 rendered, 0 unchanged, 1 failed" in proc.stderr
    assert (out / "net" / "private-cluster.svg").exists() and not (out / "net" / "broken.svg").exists()
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_outputs_beside_inputs_without_out_dir(tree, counting_d2):
    env, _ = counting_d2
    proc = aksdiag("render", str(tree / "docs" / "net" / "*.yaml"), env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tree / "docs" / "net" / "private-cluster.svg").read_bytes().startswith(b"<?xml")


def test_cache_key_covers_what_changes_the_output(tree, monkeypatch):
    from dataclasses import replace

    from aksdiag.api import Source
    from aksdiag.api.stages import Options
    from aksdiag.batch.cache import cache_key

    path = tree / "docs" / "kubenet-basic.yaml"
    base = cache_key(Source(path=path), Options(), "0.9.0")
    assert base == cache_key(Source(path=path), Options(), "0.9.0")
    assert base != cache_key(Source(path=path), Options(), "0.9.1")
    assert base != cache_key(Source(path=path), replace(Options(), layout="dagre"), "0.9.0")
    assert base != cache_key(Source(path=path), replace(Options(), dark="dark"), "0.9.0")
    nodes = tree / "nodes.json"
    nodes.write_text("{}")
    assert base != cache_key(Source(path=path, nodes=nodes), Options(), "0.9.0")
    icons = tree / "icons"
    icons.mkdir()
    (icons / "vm.svg").write_text("<svg/>")
    with_icons = cache_key(Source(path=path), replace(Options(), icons=icons), "0.9.0")
    (icons / "vm.svg").write_text("<svg></svg>")
    assert with_icons != cache_key(Source(path=path), replace(Options(), icons=icons), "0.9.0")
    path.write_text(path.read_text() + "\n# a comment changes the bytes\n")
    assert base != cache_key(Source(path=path), Options(), "0.9.0")


def test_batch_rejects_one_output_for_many_inputs(tree):
    proc = aksdiag("render", str(tree / "docs"), "-o", str(tree / "x.svg"))
    assert proc.returncode == 2 and "--out-dir" in proc.stderr


def test_unknown_batch_format(tree):
    proc = aksdiag("render", str(tree / "docs"), "--format", "svg,gif")
    assert proc.returncode == 2 and "unknown format 'gif'" in proc.stderr


@pytest.mark.slow
def test_jobs_caps_the_d2_processes_running_at_once(tree, tmp_path):
    """More threads than --jobs prepare files, but never more d2 processes than --jobs at once."""
    log, lock = tmp_path / "overlap.log", tmp_path / "d2.lock"
    wrapper = tmp_path / "d2-one-at-a-time"
    wrapper.write_text(
        f'#!/bin/sh\n[ "$1" = --version ] && exec {find_d2()} "$@"\n'
        f"mkdir {lock} 2>/dev/null || echo overlap >> {log}\n"
        f'sleep 0.2\n{find_d2()} "$@"; rc=$?\nrmdir {lock} 2>/dev/null\nexit $rc\n'
    )
    wrapper.chmod(0o755)
    env = {**os.environ, "AKSDIAG_D2": str(wrapper), "AKSDIAG_CACHE_DIR": str(tmp_path / "cache")}
    proc = aksdiag(
        "render", str(tree / "docs"), "--out-dir", str(tmp_path / "out"), "--jobs", "1", env=env, cwd=tree / "docs"
    )
    assert proc.returncode == 0, proc.stderr
    assert not log.exists(), "two d2 ran at once with --jobs 1"


@pytest.mark.slow
def test_a_missing_file_is_reported_not_a_traceback(tree, counting_d2):
    env, _ = counting_d2
    proc = aksdiag(
        "render",
        str(tree / "nope.yaml"),
        str(tree / "docs" / "kubenet-basic.yaml"),
        "--out-dir",
        str(tree / "out"),
        env=env,
        cwd=tree,
    )
    assert proc.returncode == 2 and "nope.yaml: input file does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr and (tree / "out" / "docs" / "kubenet-basic.svg").exists()


def test_a_look_alike_d2_never_shares_cache_entries(tmp_path, monkeypatch):
    from aksdiag.compile.binary import d2_fingerprint

    monkeypatch.setenv("AKSDIAG_CACHE_DIR", str(tmp_path / "cache"))
    prints = []
    for label in ("a", "b"):
        wrapper = tmp_path / f"d2-{label}"
        wrapper.write_text(f'#!/bin/sh\n# {label}\nexec {find_d2()} "$@"\n')
        wrapper.chmod(0o755)
        prints.append(d2_fingerprint(str(wrapper)))
    assert prints[0].split()[0] == prints[1].split()[0], "same version"
    assert prints[0] != prints[1], "different binaries"


def test_the_cache_is_pruned_by_age_then_by_size_least_recently_used_first(tmp_path):
    import os

    from aksdiag.batch.cache import Made, RenderCache

    cache = RenderCache(tmp_path)
    now = 1_000_000_000.0
    # Four entries of ~1 MB, used 40, 20, 10 and 1 days ago.
    for key, days in (("aa01", 40), ("bb02", 20), ("cc03", 10), ("dd04", 1)):
        cache.put(key, Made({"svg": b"x" * 1_000_000}, "alt"))
        os.utime(tmp_path / key[:2] / f"{key}.json", (now - days * 86400, now - days * 86400))
    assert cache.prune(max_mb=0, max_days=30, now=now) == 1  # only the 40-day-old one
    assert not (tmp_path / "aa" / "aa01.svg").exists() and (tmp_path / "bb" / "bb02.svg").exists()
    assert cache.prune(max_mb=1.5, max_days=0, now=now) == 2  # the two least recently used
    assert sorted(p.name for p in tmp_path.glob("*/*")) == ["dd04.json", "dd04.svg"]
    # A hit marks its entry used, so it outlives older ones.
    cache.put("ee05", Made({"svg": b"y" * 1_000_000}, "alt"))
    os.utime(tmp_path / "ee" / "ee05.json", (now - 5 * 86400, now - 5 * 86400))
    assert cache.get("ee05", ("svg",)) is not None
    assert cache.prune(max_mb=1.5, max_days=0) == 1 and (tmp_path / "ee" / "ee05.svg").exists()


def test_the_cache_limits_come_from_the_environment(tmp_path, monkeypatch):
    from aksdiag.batch.cache import Made, RenderCache

    cache = RenderCache(tmp_path)
    cache.put("ab12", Made({"svg": b"x" * 10}, "alt"))
    monkeypatch.setenv("AKSDIAG_CACHE_MAX_MB", "0.000001")
    assert cache.prune() == 1


@pytest.mark.slow
def test_out_dir_is_one_layout_for_named_files_and_folders(tree, counting_d2):
    """A hook passes file names from the repository root, CI passes the folder: the same outputs."""
    env, _ = counting_d2
    out = tree / "out"
    named = aksdiag(
        "render", "docs/net/private-cluster.yaml", "docs/kubenet-basic.yaml", "--out-dir", "out", env=env, cwd=tree
    )
    assert named.returncode == 0, named.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.svg")) == [
        "docs/kubenet-basic.svg",
        "docs/net/private-cluster.svg",
    ]
    folder = aksdiag("render", "docs", "--out-dir", "out", "--check", env=env, cwd=tree)
    assert folder.returncode == 1 and "private-cluster.svg: " not in folder.stderr  # only the third is missing
    assert "docs/net/azure-cni-overlay.svg: missing" in folder.stderr and "2 ok, 0 stale, 1 missing" in folder.stderr
    moved = aksdiag("render", "docs", "--out-dir", str(out), "--relative-to", "docs", env=env, cwd=tree)
    assert moved.returncode == 0 and (out / "net" / "azure-cni-overlay.svg").is_file()
    outside = aksdiag("render", str(tree / "docs"), "--out-dir", str(out), env=env, cwd=tree / "docs" / "net")
    assert outside.returncode == 2 and "--relative-to" in outside.stderr and "Traceback" not in outside.stderr


@pytest.mark.slow
def test_fail_on_write_fails_once_then_passes(tree, counting_d2):
    env, _ = counting_d2
    first = aksdiag("render", "docs/kubenet-basic.yaml", "--fail-on-write", env=env, cwd=tree)
    assert first.returncode == 1 and (tree / "docs" / "kubenet-basic.svg").is_file()
    assert "git add" in first.stderr
    assert aksdiag("render", "docs/kubenet-basic.yaml", "--fail-on-write", env=env, cwd=tree).returncode == 0


def test_threads_load_the_compiled_templates_one_at_a_time(monkeypatch):
    """jinja2's ModuleLoader imports a template and then removes it from sys.modules, so two threads
    loading one template at once made a batch fail now and then (a KeyError inside importlib, seen
    in CI). The loader aksdiag uses lets one load run at a time: six threads that start together are
    seen inside jinja's `load` one by one."""
    import threading
    import time

    import jinja2

    from aksdiag.d2.render import COMPILED, _environment, serial_module_loader

    inside, most = [0], [0]
    counting = threading.Lock()
    original = jinja2.ModuleLoader.load

    def watched(self, environment, name, globals=None):
        with counting:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.01)  # widen the window two loads would share
        try:
            return original(self, environment, name, globals)
        finally:
            with counting:
                inside[0] -= 1

    monkeypatch.setattr(jinja2.ModuleLoader, "load", watched)
    env = _environment(serial_module_loader(str(COMPILED)))
    start = threading.Barrier(6)
    failures = []

    def load():
        start.wait()
        try:
            env.get_template("cluster.d2.j2")
        except Exception as exc:  # noqa: BLE001 - any failure of a concurrent load is the finding
            failures.append(repr(exc))

    threads = [threading.Thread(target=load) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert most[0] == 1, f"{most[0]} threads were inside jinja's load at once"
