"""Which icon file each scene icon name means.

Icons come only from the bundled set or from a folder the user named on the command
line; never from a cluster document. A user's file must be a regular file inside that
folder, with one link, that is SVG or PNG by its content: a symlink, a hard link (a
second name for a file that may live anywhere), a name that resolves outside the
folder, or a file that is not an image is refused, so a diagram cannot be made to
embed an arbitrary local file.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..errors import InputError, Problem
from ..runtime.resources import icons_dir

ICON_NAMES = (
    "vm",
    "windows",
    "vmss",
    "vnet",
    "subnet",
    "pod",
    "route-table",
    "lb",
    "public-ip",
    "nat",
    "nsg",
    "service",
    "dns",
    "firewall",
    "api-server",
    "private-endpoint",
)
_SUFFIXES = (".svg", ".png")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SVG_START = re.compile(
    rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]", re.DOTALL
)
MAX_ICON_BYTES = 1024 * 1024  # the official Azure icons are a few KB each


def _refuse(path: Path, why: str) -> InputError:
    return InputError(
        Problem(f"{path} {why}; icons must be SVG or PNG files of their own in the icon folder", field="--icons")
    )


def _checked(candidate: Path, folder: Path) -> Path:
    """`candidate` if it is an icon we may embed; refused otherwise."""
    try:
        st = os.lstat(candidate)
    except OSError as exc:
        raise _refuse(candidate, f"cannot be read ({exc.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise _refuse(candidate, "is a symlink")
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(candidate, "is not a regular file")
    if st.st_nlink != 1:
        raise _refuse(candidate, f"has {st.st_nlink} hard links (it may be another file's second name)")
    if candidate.resolve().parent != folder:
        raise _refuse(candidate, "resolves outside the icon folder")
    if st.st_size > MAX_ICON_BYTES:
        raise _refuse(candidate, f"is {st.st_size:,} bytes (the limit is {MAX_ICON_BYTES:,})")
    with open(candidate, "rb") as fh:
        head = fh.read(4096)
    is_png, is_svg = head.startswith(_PNG_MAGIC), bool(_SVG_START.match(head))
    if not (is_png if candidate.suffix == ".png" else is_svg):
        raise _refuse(candidate, f"is not {'a PNG' if candidate.suffix == '.png' else 'an SVG'} image")
    return candidate


class IconSet:
    def __init__(self, user_dir: Path | None = None):
        self.bundled = icons_dir()
        self.user_dir = user_dir.resolve() if user_dir is not None else None
        if user_dir is not None and not user_dir.is_dir():
            raise InputError(Problem(f"icon folder {user_dir} does not exist or is not a folder", field="--icons"))

    def path(self, name: str) -> Path:
        if name not in ICON_NAMES:
            raise ValueError(f"unknown icon {name!r}")  # scene bug, not input
        if self.user_dir is not None:
            for suffix in _SUFFIXES:
                candidate = self.user_dir / f"{name}{suffix}"
                if os.path.lexists(candidate):
                    return _checked(candidate, self.user_dir)
        return self.bundled / f"{name}.svg"
