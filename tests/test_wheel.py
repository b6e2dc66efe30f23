"""A wheel built from the checkout, installed in a fresh venv, finds its templates and icons."""

from __future__ import annotations

import os
import subprocess
import sys
import venv

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.mark.long
def test_wheel_in_fresh_venv_renders_an_example(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True
    )
    wheel = next(dist.glob("aksdiag-*.whl"))
    env_dir = tmp_path / "venv"
    # A venv without pip of its own, filled by this pip (`--python`, pip 22.3+): the same install into
    # the bare venv, without 3 s of ensurepip and an older pip's slower resolve.
    venv.create(env_dir, with_pip=False)
    scripts = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    py = scripts / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The venv's own packages only, whatever the suite itself runs with.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "c.yaml").write_text((ROOT / "examples" / "kubenet-byo-vnet.yaml").read_text())
    proc = subprocess.run(
        [str(scripts / "aksdiag"), "render", "c.yaml", "-o", "c.svg"], cwd=work, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    svg = (work / "c.svg").read_text()
    assert "192.168.1.4" in svg and "data:image/svg+xml;base64," in svg
    # The installed package resolves its own data, not this checkout's.
    where = subprocess.run(
        [str(py), "-c", "from aksdiag.runtime.resources import templates_dir; print(templates_dir())"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert str(env_dir) in where
    # The lean install has no PDF renderer and no deck writer: each command says which extra, in one line.
    for args, extra in ((["render", "c.yaml", "-o", "c.pdf"], "pdf"), (["slides", "c.yaml", "-o", "d.pptx"], "slides")):
        proc = subprocess.run([str(scripts / "aksdiag"), *args], cwd=work, capture_output=True, text=True, env=env)
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and f"pip install 'aksdiag[{extra}]'" in proc.stderr, (
            proc.stderr
        )
    # The reports' JSON Schema ships inside the package (the Action and users validate against it).
    reports = subprocess.run(
        [str(scripts / "aksdiag"), "schema", "--reports"], cwd=work, capture_output=True, text=True, env=env
    )
    assert reports.returncode == 0 and '"command"' in reports.stdout, reports.stderr
