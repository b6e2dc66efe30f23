"""Which icon file each scene icon name means.

Icons come only from the bundled set or from a folder the user named on the command
line; never from a cluster document. A user's file must be a regular file inside that
folder: a symlink, or a name that resolves outside it, is refused, so a diagram cannot
be made to embed an arbitrary local file.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError, Problem
from .resources import icons_dir

ICON_NAMES = (
    "vm", "windows", "vmss", "vnet", "subnet", "pod", "route-table", "lb", "public-ip", "nat", "nsg",
    "service", "dns", "firewall", "api-server", "private-endpoint",
)
_SUFFIXES = (".svg", ".png")


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
                if candidate.is_symlink():
                    raise InputError(Problem(f"{candidate} is a symlink; icons must be regular files in the "
                                             "icon folder", field="--icons"))
                if candidate.is_file():
                    resolved = candidate.resolve()
                    if resolved.parent != self.user_dir:
                        raise InputError(Problem(f"{candidate} resolves outside the icon folder", field="--icons"))
                    return resolved
        return self.bundled / f"{name}.svg"
