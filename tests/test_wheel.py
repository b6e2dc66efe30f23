"""A wheel built from the checkout, installed in a fresh venv, finds its templates and icons."""

from __future__ import annotations

import subprocess
import sys
import venv

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_wheel_in_fresh_venv_renders_an_example(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True,
                   capture_output=True)
    wheel = next(dist.glob("aksdiag-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "c.yaml").write_text((ROOT / "examples" / "kubenet-byo-vnet.yaml").read_text())
    proc = subprocess.run([str(env_dir / "bin" / "aksdiag"), "render", "c.yaml", "-o", "c.svg"], cwd=work,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    svg = (work / "c.svg").read_text()
    assert "192.168.1.4" in svg and "data:image/svg+xml;base64," in svg
    # The installed package resolves its own data, not this checkout's.
    where = subprocess.run([str(py), "-c", "from aksdiag.runtime.resources import templates_dir; print(templates_dir())"],
                           cwd=work, capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where
