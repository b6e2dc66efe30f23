"""Bounded everything (issue 17): every channel reads regular files only (stdin when `-` asks for
it), with the size cap; a batch ends on SIGTERM whatever its inputs; a slides template is
checked before it is opened.
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

EXE = Path(sys.executable).parent / "aksdiag"
BASIC = ROOT / "examples" / "kubenet-basic.yaml"
BYO = ROOT / "examples" / "kubenet-byo-vnet.yaml"


def _limited() -> None:
    # What reads a device without end stops at 2 GB instead of taking the machine with it.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def aksdiag(
    *args: str, env: dict | None = None, timeout: float = 60, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    env = {**os.environ, "AKSDIAG_SERVER": "0", **(env or {})}
    return subprocess.run(
        [str(EXE), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=timeout,
        preexec_fn=_limited,
        cwd=cwd,
    )


def _clean(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr, proc.stderr


@pytest.fixture
def odd(tmp_path):
    """A symlink to /dev/zero and a FIFO, both named like cluster files."""
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    return {"zero": zero, "fifo": fifo}


# --- regular files only, in every channel ----------------------------------------------------


@pytest.mark.parametrize("kind", ["zero", "fifo"])
@pytest.mark.parametrize("extra", [[], ["--check"]])
def test_a_batch_refuses_a_device_or_fifo_input(tmp_path, odd, kind, extra):
    shutil.copy(BASIC, tmp_path / "basic.yaml")
    proc = aksdiag(
        "render",
        odd[kind].name,
        "basic.yaml",
        "--out-dir",
        str(tmp_path / "out"),
        *extra,
        env={"AKSDIAG_CACHE_DIR": str(tmp_path / "cache")},
        cwd=tmp_path,
    )
    _clean(proc)
    assert proc.returncode == 2
    assert f"{odd[kind].name}: input is not a regular file" in proc.stderr, proc.stderr


@pytest.mark.parametrize("kind", ["zero", "fifo"])
@pytest.mark.parametrize("option", ["--nodes", "--route-table", "--vnet"])
def test_overlay_files_must_be_regular_files(odd, kind, option):
    proc = aksdiag("render", str(BYO), "-f", "d2", "-o", "-", option, str(odd[kind]))
    _clean(proc)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr, proc.stderr


@pytest.mark.parametrize("kind", ["zero", "fifo"])
@pytest.mark.parametrize("command", ["render", "check", "plan"])
def test_a_single_input_must_be_a_regular_file(odd, kind, command):
    args = [command, str(odd[kind])] + (["-f", "d2", "-o", "-"] if command == "render" else [])
    proc = aksdiag(*args)
    _clean(proc)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr, proc.stderr


def test_check_does_not_read_a_committed_output_that_is_a_device(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(BASIC, tmp_path / "net.yaml")
    (out / "net.svg").symlink_to("/dev/zero")
    proc = aksdiag(
        "render",
        "net.yaml",
        "--out-dir",
        str(out),
        "--check",
        env={"AKSDIAG_CACHE_DIR": str(tmp_path / "cache")},
        cwd=tmp_path,
    )
    _clean(proc)
    assert proc.returncode == 1 and "stale" in proc.stderr, proc.stderr


def test_sigterm_ends_a_batch_whatever_its_inputs(tmp_path, odd):
    env = {**os.environ, "AKSDIAG_SERVER": "0", "AKSDIAG_CACHE_DIR": str(tmp_path / "cache")}
    shutil.copy(BASIC, tmp_path / "basic.yaml")
    proc = subprocess.Popen(
        [str(EXE), "render", odd["fifo"].name, "basic.yaml", "--out-dir", str(tmp_path / "out")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    time.sleep(3)
    proc.send_signal(signal.SIGTERM)
    try:
        _, stderr = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("the batch ignored SIGTERM")
    assert proc.returncode in (2, 128 + signal.SIGTERM), stderr
    assert "Traceback" not in stderr and "relative-to" not in stderr, stderr


# --- slides templates ------------------------------------------------------------------------


def _deck() -> dict[str, bytes]:
    from pptx import Presentation

    buf = io.BytesIO()
    Presentation().save(buf)
    with zipfile.ZipFile(buf) as z:
        return {n: z.read(n) for n in z.namelist()}


def _template(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _slides(tmp_path: Path, template: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return aksdiag(
        "slides",
        str(BASIC),
        "-o",
        str(tmp_path / "deck.pptx"),
        "--template",
        str(template),
        env={"AKSDIAG_CACHE_DIR": str(tmp_path / "cache")},
        timeout=timeout,
    )


def _one_line_refusal(proc: subprocess.CompletedProcess, tmp_path: Path, *words: str) -> None:
    _clean(proc)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aksdiag: error:") and "--template" in lines[0], proc.stderr
    for word in words:
        assert word in lines[0], proc.stderr
    assert not (tmp_path / "deck.pptx").exists()


@pytest.mark.slow
def test_a_zip_bomb_template_is_refused_before_it_is_opened(tmp_path):
    parts = _deck()
    layout = "ppt/slideLayouts/slideLayout1.xml"
    head, _, tail = parts[layout].rpartition(b"</p:sldLayout>")
    # 300 MB unpacked: over the limit of one part and of the whole template (template.MAX_PART, MAX_TOTAL).
    parts[layout] = head + b" " * (300 << 20) + b"</p:sldLayout>" + tail
    bomb = _template(tmp_path / "bomb.pptx", parts)
    assert bomb.stat().st_size < 5 << 20
    start = time.monotonic()
    _one_line_refusal(_slides(tmp_path, bomb), tmp_path, "bomb.pptx")
    assert time.monotonic() - start < 30, "refused before any picture was drawn"


@pytest.mark.slow
def test_a_template_of_too_many_parts_is_refused(tmp_path):
    parts = _deck()
    parts.update({f"ppt/media/x{i}.bin": b"" for i in range(20_000)})
    _one_line_refusal(_slides(tmp_path, _template(tmp_path / "many.pptx", parts)), tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["vba-project", "macro-content-type"])
def test_a_macro_enabled_template_is_refused_in_one_line(tmp_path, how):
    parts = _deck()
    if how == "vba-project":
        parts["ppt/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 fake OLE with a macro"
    else:
        types = parts["[Content_Types].xml"]
        parts["[Content_Types].xml"] = types.replace(
            b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
            b"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
        )
        assert parts["[Content_Types].xml"] != types
    _one_line_refusal(_slides(tmp_path, _template(tmp_path / "macro.pptx", parts)), tmp_path, "macro")


@pytest.mark.slow
@pytest.mark.parametrize("part", ["ppt/presentation.xml", "ppt/slideLayouts/slideLayout1.xml", "[Content_Types].xml"])
def test_malformed_template_xml_is_named_with_the_option(tmp_path, part):
    parts = _deck()
    parts[part] = parts[part][: len(parts[part]) // 2]
    _one_line_refusal(_slides(tmp_path, _template(tmp_path / "broken.pptx", parts)), tmp_path, part)
