"""The user's cache folder: data only, the user's own, and read without following links.

What is kept there (rendered outputs, what `d2 --version` said) is data that aksdiag checks
before use; nothing in it is ever run or unpickled. Whoever can write the folder could still
plant a well-formed entry, so a folder that is not the user's, or that others may write (as ssh
refuses a world-writable `authorized_keys`), is not used at all. Entries are opened relative to
the checked folder with O_NOFOLLOW, so a symlink planted inside never leads elsewhere.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_ENTRY = 256 << 20  # bytes; a rendered PDF of a large cluster is a few MB
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC


@dataclass(frozen=True)
class CacheFolder:
    """A checked cache folder. Every method swallows OSError: a cache that cannot be used is
    only slower, never wrong."""

    path: Path

    def _dir(self, parts: tuple[str, ...], *, create: bool) -> int | None:
        """A descriptor of `path/parts...`, never through a symlink; None when missing or refused."""
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
        except OSError:
            return None
        for part in parts:
            try:
                if create:
                    try:
                        os.mkdir(part, 0o700, dir_fd=fd)
                    except FileExistsError:
                        pass
                sub = os.open(part, _DIR, dir_fd=fd)
            except OSError:
                os.close(fd)
                return None
            os.close(fd)
            fd = sub
        return fd

    def read(self, rel: str, limit: int = MAX_ENTRY) -> bytes | None:
        """The bytes of the regular file `rel` (a relative path with `/`), or None."""
        *parts, name = rel.split("/")
        folder = self._dir(tuple(parts), create=False)
        if folder is None:
            return None
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | _CLOEXEC, dir_fd=folder)
        except OSError:
            return None
        finally:
            os.close(folder)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > limit or st.st_uid != os.geteuid():
                return None
            with open(fd, "rb", closefd=False) as fh:
                data = fh.read(limit + 1)
            return data if len(data) <= limit else None
        except OSError:
            return None
        finally:
            os.close(fd)

    def exists(self, rel: str) -> bool:
        *parts, name = rel.split("/")
        folder = self._dir(tuple(parts), create=False)
        if folder is None:
            return False
        try:
            return stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
        except OSError:
            return False
        finally:
            os.close(folder)

    def write(self, rel: str, data: bytes) -> bool:
        """Write `rel` atomically (a private temporary file, then a rename over whatever was there,
        a planted symlink included); False when it could not be written."""
        *parts, name = rel.split("/")
        folder = self._dir(tuple(parts), create=True)
        if folder is None:
            return False
        tmp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=folder)
            try:
                with open(fd, "wb", closefd=False) as fh:
                    fh.write(data)
            finally:
                os.close(fd)
            os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
            return True
        except OSError:
            try:
                os.unlink(tmp, dir_fd=folder)
            except OSError:
                pass
            return False
        finally:
            os.close(folder)


_checked: dict[Path, tuple[CacheFolder | None, str | None]] = {}


def open_cache_folder(path: Path) -> tuple[CacheFolder | None, str | None]:
    """The folder, made private (0700) if it is new, or None and why it is not used.

    Refused: a folder owned by another user (a shared cache, one left root-owned by `sudo`) or
    one that its group or others may write. A folder of the user's that others may only read is
    made private. Checked once per process and folder."""
    key = Path(os.path.abspath(path))
    if key not in _checked:
        _checked[key] = _check(key)
    return _checked[key]


def _check(path: Path) -> tuple[CacheFolder | None, str | None]:
    if os.open not in os.supports_dir_fd or not _NOFOLLOW:
        # Entries could only be opened by path, through any link planted in the folder.
        return None, "this platform cannot open files in it without following links"
    try:
        if not os.path.lexists(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.mkdir(path, 0o700)
            except FileExistsError:
                pass  # another process made it first: checked below like any folder
        st = os.stat(path)  # the folder itself may be a link the user made (~/.cache on another disk)
    except OSError as exc:
        return None, f"cannot use it: {exc.strerror or exc}"
    if not stat.S_ISDIR(st.st_mode):
        return None, "it is not a folder"
    if st.st_uid != os.geteuid():
        return None, f"it is not yours (owner uid {st.st_uid}); another user could have planted entries"
    if st.st_mode & 0o022:
        return None, f"it is writable by others (mode {stat.S_IMODE(st.st_mode):o}); make it 0700 or use another"
    if st.st_mode & 0o077:
        try:
            os.chmod(path, 0o700)  # rendered diagrams describe private networks
        except OSError:
            pass
    return CacheFolder(path), None
