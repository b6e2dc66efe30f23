"""Where output goes, and writing it without losing anything that was there.

A regular file is replaced atomically: a temporary file beside it, then a rename, so a
failure never leaves a partial or clobbered file. A symlink is followed and its target
replaced the same way (the link stays a link). Anything that is not a regular file is
never replaced by one: character devices (`/dev/null`), FIFOs and the `/dev/stdout`
style paths are written through; folders, block devices and sockets are refused. An
output that is one of the inputs is refused, as is an extension that contradicts
`--format`.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from ..options import OutputFormat

FORMATS = {f.suffix: f.value for f in OutputFormat}
STDOUT = "-"
# Paths that name an already open file (the process's own descriptors): written
# through even when what is behind them is a regular file, which the shell owns.
_OPEN_DESCRIPTOR = re.compile(r"^/dev/(stdout|stderr|fd/\d+)$|^/proc/(self|thread-self|\d+)/fd/\d+$")


def _problem(message: str) -> InputError:
    return InputError(Problem(message, field="--output"))


@dataclass(frozen=True)
class Target:
    """Where output goes: `path` None means stdout; `through` means write into what is there."""

    path: Path | None
    format: str
    through: bool = False

    def write(self, data: bytes) -> None:
        if self.path is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        elif self.through:
            write_through(self.path, data)
        else:
            write_atomic(self.path, data)


def output_target(
    output: str | None,
    base: Path | None,
    fmt: str | None,
    inputs: list[Path | None],
    *,
    default_suffix: str = ".svg",
    formats: dict[str, str] = FORMATS,
) -> Target:
    """Check the output before any work is done: format, kind of file, and not an input."""
    if output == STDOUT:
        return Target(None, fmt or formats.get(default_suffix, "svg"))
    if output is None:
        if base is None or str(base) == "-":
            raise _problem("the input comes from stdin: give an output file with -o FILE, or -o - for stdout")
        # `render x.yaml -f png` writes x.png: the default name follows the format asked for.
        suffixes = {f: sfx for sfx, f in reversed(list(formats.items()))}
        target = base.with_suffix(suffixes.get(fmt, default_suffix) if fmt else default_suffix)
        named = "the default output"
    else:
        target = Path(output)
        named = "the output"
    suffix = target.suffix.lower()
    if fmt is None:
        if suffix not in formats:
            raise _problem(f"cannot tell the format from {target.name!r}; use one of {', '.join(formats)} or --format")
        fmt = formats[suffix]
    elif suffix in formats and formats[suffix] != fmt:
        raise _problem(f"{target.name!r} says {formats[suffix]} but --format is {fmt}; make them agree")
    for source in inputs:
        if source is not None and str(source) != "-" and _same(target, source):
            hint = "give another file with -o" if output is None else "give another output file"
            raise _problem(f"{named} {target} is the input file {source}; {hint}, nothing was written")
    return Target(target, fmt, _kind(target) == "through")


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False  # one of them does not exist (yet)


def _kind(target: Path) -> str:
    """`new`, `file` (replace atomically) or `through` (write into it); refuses the rest."""
    try:
        st = os.stat(target)  # follows symlinks: what matters is what is behind the name
    except FileNotFoundError:
        return "new"  # nothing there, or a dangling link whose target is then created
    except OSError as exc:
        raise _problem(f"cannot use {target}: {exc.strerror}") from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise _problem(f"output {target} is a folder")
    if stat.S_ISBLK(mode):
        raise _problem(f"output {target} is a block device; aksdiag does not write onto disks")
    if stat.S_ISSOCK(mode):
        raise _problem(f"output {target} is a socket")
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "through"
    if _OPEN_DESCRIPTOR.match(os.path.abspath(target)):
        return "through"  # /dev/stdout redirected to a file: the shell's file, written into
    return "file"


def write_through(target: Path, data: bytes) -> None:
    """Write into a device, FIFO or open descriptor's path; never create or replace it."""
    try:
        # O_NOCTTY is POSIX only (a terminal must not become ours); Windows' NUL needs nothing of the kind.
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _problem(f"cannot write {target}: {exc.strerror}") from None
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as exc:
        raise _problem(f"cannot write {target}: {exc.strerror}") from None
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's umask, read without changing it (os.umask sets it, racing a batch's threads)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to the regular file `target` (or a symlink's target) via a temporary file
    in the same folder and a rename, keeping the permissions of a file it replaces (a new file
    gets what the umask leaves of 0666, as `>` in a shell would give it)."""
    kind = _kind(target)
    if kind == "through":
        write_through(target, data)
        return
    real = Path(os.path.realpath(target)) if target.is_symlink() else target
    folder = real.parent if str(real.parent) else Path(".")
    if not folder.is_dir():
        raise _problem(f"output folder {folder} does not exist")
    mode = stat.S_IMODE(os.stat(real).st_mode) if kind == "file" else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _problem(f"cannot write in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _problem(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
