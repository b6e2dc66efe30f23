"""A cluster file can never make aksdiag read, embed or leak another local file."""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

import pytest

from aksdiag.d2.icons import IconSet
from aksdiag.errors import InputError

from .conftest import ROOT, cli

BYO = ROOT / "examples" / "kubenet-byo-vnet.yaml"
SECRET = b"TOP-SECRET-LOCAL-FILE-CONTENT-1234567890"


def aksdiag(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    # In this process (conftest.cli): these cases test what the command does, not the process around it.
    return cli(*args, cwd=cwd)


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "outside" / "secret.svg"
    path.parent.mkdir()
    path.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'><desc>" + SECRET + b"</desc></svg>")
    return path


def _leaked(svg: str) -> bool:
    if SECRET.decode() in svg:
        return True
    return any(
        SECRET in base64.b64decode(chunk + "==", validate=False)
        for chunk in __import__("re").findall(r"base64,([A-Za-z0-9+/=]+)", svg)
    )


def test_paths_in_a_cluster_document_are_drawn_as_text_never_read(tmp_path, secret):
    rel = os.path.relpath(secret, tmp_path)
    text = (
        BYO.read_text()
        .replace("name: myAKSVnet", f'name: "{rel}"')
        .replace("name: myAKSCluster", f'name: "{secret}"')
        .replace("name: myAKSSubnet", 'name: "../outside/secret.svg"')
    )
    f = tmp_path / "c.yaml"
    f.write_text(text)
    out = tmp_path / "c.svg"
    proc = aksdiag("render", "c.yaml", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    svg = out.read_text()
    # Shown as the label it is: a name that reads like a path or resource ID is drawn by its last
    # part (the legibility fits shorten long identifiers), never opened.
    assert f"{secret.name} · kubenet" in svg
    assert not _leaked(svg)


def test_icon_keys_in_a_document_are_rejected(tmp_path, secret):
    f = tmp_path / "c.yaml"
    f.write_text(BYO.read_text() + f"icon: {secret}\n")
    proc = aksdiag("render", str(f), "-o", str(tmp_path / "c.svg"))
    assert proc.returncode == 2 and "unknown field 'icon'" in proc.stderr
    assert not (tmp_path / "c.svg").exists()


def test_user_icon_folder_is_used_by_name(tmp_path):
    icons = tmp_path / "icons"
    icons.mkdir()
    (icons / "vm.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'><rect width='8' height='8' fill='#123456'/></svg>"
    )
    out = tmp_path / "c.svg"
    proc = aksdiag("render", str(BYO), "-o", str(out), "--icons", str(icons))
    assert proc.returncode == 0, proc.stderr
    assert b"#123456" in b"".join(
        base64.b64decode(c + "==") for c in __import__("re").findall(r"base64,([A-Za-z0-9+/=]+)", out.read_text())
    )


def test_symlink_out_of_the_icon_folder_is_refused(tmp_path, secret):
    icons = tmp_path / "icons"
    icons.mkdir()
    (icons / "vm.svg").symlink_to(secret)
    with pytest.raises(InputError, match="symlink"):
        IconSet(icons).path("vm")
    proc = aksdiag("render", str(BYO), "-o", str(tmp_path / "c.svg"), "--icons", str(icons))
    assert proc.returncode == 2 and "symlink" in proc.stderr
    assert not (tmp_path / "c.svg").exists()


def test_icon_names_outside_the_catalogue_are_a_bug_not_a_path():
    with pytest.raises(ValueError):
        IconSet().path("../../etc/passwd")


def test_no_import_or_remote_reference_in_generated_source():
    proc = aksdiag("render", str(BYO), "-o", "-", "-f", "d2")
    assert "@import" not in proc.stdout and "...@" not in proc.stdout
    assert "http://" not in proc.stdout and "https://" not in proc.stdout
