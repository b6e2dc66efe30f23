"""The cluster files of one side of a review: a git revision or a folder, read into memory.

`aksdiag diff BASE HEAD` compares two such snapshots. A revision is read through git itself
(`git ls-tree` for the names, `git cat-file --batch` for the bytes: two processes, whatever
the number of files), so nothing is checked out and the working tree is left alone. Paths are
POSIX paths relative to the repository root (for a folder: to the folder), the names a pull
request shows and code scanning places.
"""

from __future__ import annotations

import fnmatch
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import InputError, Problem

# The same choice as a folder walk in `render`: cluster documents only, no configuration files.
PATTERNS = ("*.yaml", "*.yml", "*.json")
EXCLUDES = ("mkdocs.yml", "mkdocs.yaml", ".*", "*.schema.json", "package*.json", "tsconfig*.json")


@dataclass(frozen=True)
class Snapshot:
    label: str  # how the comment names this side: the revision as given (and its short id), or the folder
    files: dict[str, bytes] = field(default_factory=dict)  # POSIX path -> content
    revision: str | None = None  # the full commit id, for a revision


def is_cluster_path(path: str, patterns: Iterable[str] = PATTERNS, excludes: Iterable[str] = EXCLUDES) -> bool:
    parts = PurePosixPath(path).parts
    return any(fnmatch.fnmatch(parts[-1], p) for p in patterns) and not any(
        fnmatch.fnmatch(part, x) for part in parts for x in excludes
    )


def _within(path: str, scopes: tuple[str, ...]) -> bool:
    return not scopes or any(path == s or path.startswith(s.rstrip("/") + "/") for s in scopes)


def _git(repo: Path, *args: str, input: bytes | None = None, field: str = "BASE") -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], input=input, capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError(Problem("git is not installed; give two folders instead of revisions", field="BASE")) from None
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(Problem(f"git {args[0]}: {message[-1] if message else 'failed'}", field=field))
    return proc.stdout


def repository_root(start: Path) -> Path:
    return Path(_git(start, "rev-parse", "--show-toplevel").decode().strip())


def scope_paths(paths: Iterable[str], root: Path, cwd: Path) -> tuple[str, ...]:
    """`--path` values as POSIX paths from the repository root (they are given from the working folder)."""
    out = []
    for p in paths:
        full = (cwd / p).resolve()
        try:
            rel = full.relative_to(root.resolve())
        except ValueError:
            raise InputError(Problem(f"{p} is outside the repository {root}", field="--path")) from None
        out.append("" if str(rel) == "." else rel.as_posix())
    return tuple(p for p in out if p) if all(out) else ()


def from_revision(
    repo: Path,
    revision: str,
    scopes: tuple[str, ...] = (),
    patterns: Iterable[str] = PATTERNS,
    excludes: Iterable[str] = EXCLUDES,
    field: str = "BASE",
) -> Snapshot:
    try:
        commit = (
            _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
            .decode()
            .strip()
        )
    except InputError:
        raise InputError(
            Problem(f"{revision!r} is neither a folder nor a commit of the repository {repo}", field=field)
        ) from None
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit)
    blobs: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = raw_path.decode("utf-8", errors="surrogateescape")
        # Regular files only: a symlink's blob is its target's name, a submodule has no blob.
        if (
            kind == "blob"
            and mode in ("100644", "100755")
            and _within(path, scopes)
            and is_cluster_path(path, patterns, excludes)
        ):
            blobs.append((path, oid))
    files: dict[str, bytes] = {}
    if blobs:
        out = _git(repo, "cat-file", "--batch", input="".join(f"{oid}\n" for _, oid in blobs).encode())
        at = 0
        for path, _ in blobs:
            header_end = out.index(b"\n", at)
            size = int(out[at:header_end].split()[2])
            files[path] = out[header_end + 1 : header_end + 1 + size]
            at = header_end + 1 + size + 1  # the content is followed by a newline
    return Snapshot(f"{revision} ({commit[:7]})" if not commit.startswith(revision) else commit[:7], files, commit)


def from_folder(
    folder: Path, patterns: Iterable[str] = PATTERNS, excludes: Iterable[str] = EXCLUDES, label: str | None = None
) -> Snapshot:
    files = {}
    for candidate in sorted(folder.rglob("*")):
        rel = candidate.relative_to(folder).as_posix()
        if candidate.is_file() and is_cluster_path(rel, patterns, excludes):
            try:
                files[rel] = candidate.read_bytes()
            except OSError as exc:
                raise InputError(Problem(f"cannot read: {exc.strerror}", file=str(candidate))) from None
    return Snapshot(label or str(folder), files)


def snapshot(where: str, *, cwd: Path, scopes: Iterable[str] = (), field: str = "BASE") -> Snapshot:
    """A folder when `where` names one, otherwise a revision of the repository around `cwd`."""
    folder = cwd / where
    if folder.is_dir():
        snap = from_folder(folder, label=where)
        wanted = tuple(s.strip("/") for s in scopes)
        return Snapshot(snap.label, {p: b for p, b in snap.files.items() if _within(p, wanted)}, None)
    root = repository_root(cwd)
    return from_revision(root, where, scope_paths(scopes, root, cwd), field=field)
