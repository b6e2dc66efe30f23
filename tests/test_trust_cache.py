"""The render cache holds data, never code, and checks what it hands back (issue 17).

Each case is what someone who can write the cache folder (another user of a shared folder, a
careless `sudo`, a full disk) did to it, and what aksdiag must do: run no code from it, use no
damaged or foreign entry, refuse a folder that is not the user's, and never show a traceback.
The second user of a machine is simulated with `os.chown` when the tests run as root.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

EXE = Path(sys.executable).parent / "aksdiag"
EXAMPLE = ROOT / "examples" / "kubenet-basic.yaml"
OTHER_UID = 54321  # nobody on this machine: the other user of a shared cache folder


def aksdiag(*args: str, env: dict, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(EXE), *args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=300, cwd=cwd
    )


def _clean(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr


@pytest.fixture
def work(tmp_path):
    """An input, a d2 that logs its runs (so a test can tell a cache hit from a render) and an
    environment whose cache is a folder of this test."""
    from aksdiag.compile.d2 import find_d2

    shutil.copy(EXAMPLE, tmp_path / "net.yaml")
    log = tmp_path / "d2.log"
    wrapper = tmp_path / "d2-logging"
    wrapper.write_text(f'#!/bin/sh\n[ "$1" = --version ] || echo run >> {log}\nexec {find_d2()} "$@"\n')
    wrapper.chmod(0o755)
    cache = tmp_path / "cache"
    env = {**os.environ, "AKSDIAG_D2": str(wrapper), "AKSDIAG_CACHE_DIR": str(cache), "AKSDIAG_SERVER": "0"}
    return tmp_path, env, cache, log


def _runs(log: Path) -> int:
    return len(log.read_text().split()) if log.exists() else 0


def _batch(work_dir: Path, env: dict, out: str, *extra: str) -> subprocess.CompletedProcess:
    proc = aksdiag("render", "net.yaml", "--out-dir", str(work_dir / out), *extra, env=env, cwd=work_dir)
    _clean(proc)
    return proc


def _entries(cache: Path, suffix: str) -> list[Path]:
    return sorted(p for p in cache.rglob(f"*.{suffix}") if p.is_file() and not p.is_symlink())


# --- no code from the cache ---------------------------------------------------------------


def test_no_file_in_the_cache_folder_is_ever_run_as_code(work):
    """Jinja's file bytecode cache unpickles and unmarshals what it finds: whoever can write the
    folder runs code as the user. Every file the cache holds is overwritten with such a payload;
    the next render must run none of it and draw the same diagram."""
    from jinja2.bccache import bc_magic

    tmp_path, env, cache, _ = work
    first = tmp_path / "first.d2"
    proc = aksdiag("render", str(tmp_path / "net.yaml"), "-f", "d2", "-o", str(first), env=env)
    assert proc.returncode == 0, proc.stderr
    _batch(tmp_path, env, "out")  # a batch too, so the folder holds whatever a render cache writes
    marker = tmp_path / "code-ran"

    class Payload:
        def __reduce__(self):
            return (exec, (f"open({str(marker)!r}, 'w').write('pwned')",))

    poisoned = bc_magic + pickle.dumps(Payload(), protocol=2)
    files = [p for p in cache.rglob("*") if p.is_file()]
    for path in files:
        path.write_bytes(poisoned)
    again = tmp_path / "again.d2"
    proc = aksdiag("render", str(tmp_path / "net.yaml"), "-f", "d2", "-o", str(again), env=env)
    assert not marker.exists(), f"code from the cache folder ran (poisoned {len(files)} files)"
    _clean(proc)
    assert proc.returncode == 0, proc.stderr
    _batch(tmp_path, env, "out2")
    assert not marker.exists(), f"code from the cache folder ran (poisoned {len(files)} files)"
    assert again.read_bytes() == first.read_bytes()
    assert (tmp_path / "out2" / "net.svg").read_bytes() == (tmp_path / "out" / "net.svg").read_bytes()


# --- entries are checked -------------------------------------------------------------------


def test_a_script_planted_in_an_entry_is_not_served(work):
    tmp_path, env, cache, log = work
    assert _batch(tmp_path, env, "out").returncode == 0
    good = (tmp_path / "out" / "net.svg").read_bytes()
    [entry] = _entries(cache, "svg")
    entry.write_bytes(good.replace(b"</svg>", b"<script>alert(document.cookie)</script></svg>", 1))
    runs = _runs(log)
    proc = _batch(tmp_path, env, "out2")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out2" / "net.svg").read_bytes() == good
    assert _runs(log) == runs + 1, "the damaged entry was rendered again"


def test_a_symlinked_entry_never_copies_the_file_it_points_to(work):
    tmp_path, env, cache, _ = work
    assert _batch(tmp_path, env, "out").returncode == 0
    good = (tmp_path / "out" / "net.svg").read_bytes()
    private = tmp_path / "private.svg"
    private.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>PRIVATE-KEY-0600</text></svg>')
    private.chmod(0o600)
    for entry in _entries(cache, "svg"):
        entry.unlink()
        entry.symlink_to(private)
    proc = _batch(tmp_path, env, "out2")
    assert proc.returncode == 0, proc.stderr
    made = (tmp_path / "out2" / "net.svg").read_bytes()
    assert b"PRIVATE-KEY" not in made and made == good


def test_a_truncated_entry_is_rendered_again_and_check_trusts_the_committed_file(work):
    tmp_path, env, cache, _log = work
    assert _batch(tmp_path, env, "out").returncode == 0
    good = (tmp_path / "out" / "net.svg").read_bytes()
    [entry] = _entries(cache, "svg")
    with open(entry, "r+b") as fh:
        fh.truncate(300)
    check = _batch(tmp_path, env, "out", "--check")
    assert check.returncode == 0, "the committed file is current: " + check.stderr
    proc = _batch(tmp_path, env, "out2")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out2" / "net.svg").read_bytes() == good


@pytest.mark.parametrize(
    "meta",
    [
        "[]",
        '"text"',
        "null",
        '{"alt_text": "x", "findings": 7}',
        '{"alt_text": ["x"], "warnings": {"a": 1}}',
        '{"extra": []}',
        "{not json",
    ],
)
def test_cache_metadata_of_the_wrong_shape_is_a_miss_not_a_traceback(work, meta):
    tmp_path, env, cache, log = work
    assert _batch(tmp_path, env, "out").returncode == 0
    good = (tmp_path / "out" / "net.svg").read_bytes()
    for entry in _entries(cache, "json"):
        entry.write_text(meta)
    runs = _runs(log)
    proc = _batch(tmp_path, env, "out2")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out2" / "net.svg").read_bytes() == good
    assert _runs(log) == runs + 1


def test_source_date_epoch_is_part_of_the_key(work):
    """A cached PDF carries the dates of the run that made it: another SOURCE_DATE_EPOCH is
    another entry."""
    tmp_path, env, _, _ = work
    first = _batch(tmp_path, {**env, "SOURCE_DATE_EPOCH": "1000000000"}, "a", "-f", "pdf")
    assert first.returncode == 0, first.stderr
    second = _batch(tmp_path, {**env, "SOURCE_DATE_EPOCH": "2000000000"}, "b", "-f", "pdf")
    assert second.returncode == 0, second.stderr
    assert b"D:2001" in (tmp_path / "a" / "net.pdf").read_bytes()
    pdf = (tmp_path / "b" / "net.pdf").read_bytes()
    assert b"D:2033" in pdf and b"D:2001" not in pdf


# --- the folder is the user's ---------------------------------------------------------------


def test_a_new_cache_folder_is_private(work):
    tmp_path, env, cache, _ = work
    old = os.umask(0o022)
    try:
        assert _batch(tmp_path, env, "out").returncode == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    for sub in (p for p in cache.rglob("*") if p.is_dir()):
        assert stat.S_IMODE(sub.stat().st_mode) & 0o077 == 0, sub


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o1777])
def test_a_cache_folder_others_can_write_is_refused(work, mode):
    tmp_path, env, cache, log = work
    assert _batch(tmp_path, env, "out").returncode == 0
    cache.chmod(mode)
    runs = _runs(log)
    proc = _batch(tmp_path, env, "out2")
    assert proc.returncode == 0, proc.stderr
    assert _runs(log) == runs + 1, "the entries of a folder others can write are not used"
    assert str(cache) in proc.stderr and "writable by others" in proc.stderr, proc.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_cache_folder_of_another_user_is_refused(work):
    """Two users, one machine: a folder that belongs to someone else (a shared cache, or one left
    root-owned by `sudo`) is neither read nor written."""
    tmp_path, env, cache, log = work
    assert _batch(tmp_path, env, "out").returncode == 0
    for path in [cache, *cache.rglob("*")]:
        os.chown(path, OTHER_UID, OTHER_UID, follow_symlinks=False)
    before = {p: p.read_bytes() for p in cache.rglob("*") if p.is_file()}
    runs = _runs(log)
    proc = _batch(tmp_path, env, "out2")
    assert proc.returncode == 0, proc.stderr
    assert _runs(log) == runs + 1, "another user's entries are not used"
    assert str(cache) in proc.stderr and "not yours" in proc.stderr, proc.stderr
    after = {p: p.read_bytes() for p in cache.rglob("*") if p.is_file()}
    assert after == before, "nothing was written into another user's folder"


READ_ONLY = Path("/proc/self/fdinfo")  # a folder nobody, root included, can write into


@pytest.mark.parametrize("where", ["under-a-file", "read-only", "read-only-inside"])
def test_a_cache_folder_that_cannot_be_written_is_no_traceback(work, where):
    tmp_path, env, cache, _ = work
    folder = cache
    if where == "under-a-file":
        (tmp_path / "file").write_text("x")
        folder = tmp_path / "file" / "cache"
    elif where == "read-only":
        folder = READ_ONLY
    else:  # a cache whose folders became unwritable after a first run (a full disk, a `sudo` run)
        assert _batch(tmp_path, env, "first").returncode == 0
        for sub in sorted((p for p in cache.rglob("*") if p.is_dir()), reverse=True):
            shutil.rmtree(sub)
            sub.symlink_to(READ_ONLY)
    env = {**env, "AKSDIAG_CACHE_DIR": str(folder)}
    single = aksdiag("render", str(tmp_path / "net.yaml"), "-f", "d2", "-o", str(tmp_path / "x.d2"), env=env)
    _clean(single)
    assert single.returncode == 0, single.stderr
    proc = _batch(tmp_path, env, "out")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "net.svg").read_bytes().startswith(b"<?xml")
