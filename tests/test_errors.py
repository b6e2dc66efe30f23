"""Bad input: one clear message per mistake, exit 2, no traceback, nothing written or lost."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from .conftest import ROOT, cli

BAD = ROOT / "tests" / "bad-inputs"
CATALOGUE = sorted(p for p in BAD.iterdir() if p.suffix in (".yaml", ".json"))
BYO = ROOT / "examples" / "kubenet-byo-vnet.yaml"
# Files given beside a cluster: the name's start says which option takes it.
OBSERVED = sorted((BAD / "observed").glob("*.json"))
# Problems about a whole file (unreadable, empty, expanding without end) have no line.
WHOLE_FILE = {"empty-file", "only-comments", "not-utf8", "alias-bomb"}
OPTION = {"nodes": "--nodes", "route-table": "--route-table", "vnet": "--vnet"}


class MessageGolden(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "txt"


def executable(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "aksdiag"
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, cwd=cwd, stdin=subprocess.DEVNULL, timeout=120
    )


aksdiag = cli


def test_the_executable_gives_the_same_message(tmp_path):
    """The process boundary: the installed command, its exit status and its stderr, byte for byte."""
    bad = CATALOGUE[0]
    args = ("render", bad.name, "-o", str(tmp_path / "out.svg"))
    real, here = executable(*args, cwd=BAD), aksdiag(*args, cwd=BAD)
    assert (real.returncode, real.stdout, real.stderr) == (here.returncode, here.stdout, here.stderr) and real.stderr


def test_catalogue_has_at_least_30_mistakes():
    assert len(CATALOGUE) >= 30


@pytest.mark.parametrize("bad", CATALOGUE, ids=lambda p: p.name)
def test_bad_input_gives_its_golden_message_and_writes_nothing(bad, tmp_path, snapshot):
    out = tmp_path / "out.svg"
    proc = aksdiag("render", bad.name, "-o", str(out), cwd=BAD)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not out.exists() and not list(tmp_path.iterdir())
    lines = proc.stderr.splitlines()
    assert lines and all(line.startswith(f"aksdiag: error: {bad.name}") for line in lines)
    if bad.stem not in WHOLE_FILE:
        assert all(re.match(rf"aksdiag: error: {re.escape(bad.name)}:\d+:\d+: ", line) for line in lines), (
            "every message has a line and column"
        )
    assert proc.stderr == snapshot.use_extension(MessageGolden)


@pytest.mark.parametrize("bad", OBSERVED, ids=lambda p: p.name)
def test_bad_observed_file_gives_its_golden_message_and_writes_nothing(bad, tmp_path, snapshot):
    option = next(o for prefix, o in OPTION.items() if bad.name.startswith(prefix + "-"))
    out = tmp_path / "out.svg"
    proc = aksdiag("render", str(BYO), option, bad.name, "-o", str(out), cwd=bad.parent)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not list(tmp_path.iterdir())
    lines = proc.stderr.splitlines()
    assert lines and all(line.startswith(f"aksdiag: error: {bad.name}:") for line in lines)
    assert all(re.match(rf"aksdiag: error: {re.escape(bad.name)}:\d+:\d+: ", line) for line in lines), (
        "every message has a line and column"
    )
    assert proc.stderr == snapshot.use_extension(MessageGolden)


def test_messages_name_the_line_and_field_where_the_format_has_them():
    proc = aksdiag("render", "several-mistakes.yaml", "-o", "-", cwd=BAD)
    lines = proc.stderr.splitlines()
    assert len(lines) == 3, "every mistake of a file is reported together"
    assert lines[0].startswith("aksdiag: error: several-mistakes.yaml:3:18: networkProfile.networkPlugin:")
    assert "nodePools[0].count" in lines[2] and "'many'" in lines[2]


def test_directory_without_clusters_is_bad_input(tmp_path):
    # A folder is a batch of inputs now; one with no cluster files in it is still a mistake.
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    proc = aksdiag("render", str(tmp_path))
    assert proc.returncode == 2 and "no cluster files found in" in proc.stderr and "Traceback" not in proc.stderr


def test_directory_with_one_output_file_is_refused(tmp_path):
    proc = aksdiag("render", str(tmp_path), "-o", str(tmp_path / "x.svg"))
    assert proc.returncode == 2 and "--out-dir" in proc.stderr and not (tmp_path / "x.svg").exists()


def test_missing_output_folder(tmp_path):
    proc = aksdiag("render", str(BYO), "-o", str(tmp_path / "no" / "x.svg"))
    assert proc.returncode == 2 and "output folder" in proc.stderr and "does not exist" in proc.stderr


def test_unwritable_output_folder():
    # /proc refuses new files even to root, so this holds on CI machines that run as root.
    proc = aksdiag("render", str(BYO), "-o", "/proc/aksdiag-test.svg")
    assert proc.returncode == 2 and "cannot write in /proc" in proc.stderr and "Traceback" not in proc.stderr


def test_oversized_input_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: c\n" + "# padding\n" * 600_000)
    proc = aksdiag("check", str(big))
    assert proc.returncode == 2 and "the limit is" in proc.stderr


def _fake_d2(tmp_path: Path, body: str) -> dict:
    fake = tmp_path / "fake-d2"
    fake.write_text('#!/bin/sh\nif [ "$1" = --version ]; then echo v0.9.0; exit 0; fi\n' + body)
    fake.chmod(0o755)
    return {**os.environ, "AKSDIAG_D2": str(fake)}


def test_failed_compile_leaves_the_previous_output_untouched(tmp_path):
    out = tmp_path / "diagram.svg"
    out.write_bytes(b"previous diagram, byte for byte")
    # Like d2 itself: write a partial file, then fail.
    env = _fake_d2(tmp_path, 'echo "<svg partial" > "$2"\necho "err: failed to compile: boom" >&2\nexit 1\n')
    proc = aksdiag("render", str(BYO), "-o", str(out), env=env)
    assert proc.returncode == 2
    assert "d2 failed (exit 1): failed to compile: boom" in proc.stderr
    assert out.read_bytes() == b"previous diagram, byte for byte"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diagram.svg", "fake-d2"]


def test_d2_timeout_is_reported(tmp_path):
    env = _fake_d2(tmp_path, "sleep 30\n")
    proc = aksdiag("render", str(BYO), "-o", str(tmp_path / "x.svg"), "--timeout", "1", env=env)
    assert proc.returncode == 2 and "did not finish within 1 s" in proc.stderr


def test_d2_crash_is_reported(tmp_path):
    env = _fake_d2(tmp_path, "kill -SEGV $$\n")
    proc = aksdiag("render", str(BYO), "-o", str(tmp_path / "x.svg"), env=env)
    assert proc.returncode == 2 and "d2 crashed" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_d2_binary_is_reported(tmp_path):
    env = {**os.environ, "AKSDIAG_D2": str(tmp_path / "nope")}
    proc = aksdiag("render", str(BYO), "-o", str(tmp_path / "x.svg"), env=env)
    assert proc.returncode == 2 and "AKSDIAG_D2" in proc.stderr


def test_debug_shows_a_traceback():
    proc = aksdiag("render", "missing-name.yaml", "--debug", cwd=BAD)
    assert proc.returncode == 2 and "Traceback" in proc.stderr


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('{"name": "c", "nodePools": [{"name": "np1",}]}', (1, 43), "Illegal trailing comma before end of object"),
        ('{"a": [1, 2 ,\n  ]}', (1, 13), "Illegal trailing comma before end of array"),
        ('{"a": 1,\n\n}', (1, 8), "Illegal trailing comma before end of object"),
        ('{"a": }', (1, 7), "Expecting value"),
    ],
)
def test_json_errors_read_the_same_on_every_python(text, where, message):
    # Python 3.13's decoder names a trailing comma; 3.11 and 3.12 point at the bracket after it.
    from aksdiag.errors import InputError
    from aksdiag.load.source import parse_json

    with pytest.raises(InputError) as caught:
        parse_json(text, "x.json")
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == where
    assert problem.message == f"invalid JSON: {message}"
