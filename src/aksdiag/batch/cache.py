"""A content cache of rendered outputs, so an unchanged input costs no d2 run.

The key covers everything that changes the output: the input's bytes and name, every file
it reads (node list, route table, VNet), the render options, the icon bytes (bundled and
the user's folder), the template bytes, aksdiag's version and code, d2's version and binary,
the versions of cairosvg and pypdf, and SOURCE_DATE_EPOCH (a PDF's dates).

The cache holds data, never code, and trusts none of it: every entry carries the SHA-256 of
its bytes, checked on read, and the folder must be the user's own and writable by nobody else
(`runtime.cachedir`). It is safe to delete, not to share: entries are written atomically, so
concurrent runs of one user only ever see whole files.

The folder is pruned after a batch run: entries not used for $AKSDIAG_CACHE_MAX_DAYS days (default
30) go, then the least recently used until it holds at most $AKSDIAG_CACHE_MAX_MB megabytes
(default 200). A hit marks its entry used. `0` for either turns that limit off.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..compile.binary import d2_fingerprint
from ..runtime.once import once

if TYPE_CHECKING:
    from ..api import Rendered, Source
    from ..options import Options

FORMAT_VERSION = "2"  # bump when what an entry holds changes
MAX_MB_ENV, MAX_DAYS_ENV = "AKSDIAG_CACHE_MAX_MB", "AKSDIAG_CACHE_MAX_DAYS"
DEFAULT_MAX_MB, DEFAULT_MAX_DAYS = 200.0, 30.0


def _hash_tree(folder: Path, h: Any) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")


@once
def _resources_digest() -> str:
    """Templates, bundled icons and aksdiag's own code, hashed once per process: a changed
    template or scene (even without a new version number, in a checkout) is a different output."""
    from ..runtime.resources import icons_dir, templates_dir

    h = hashlib.sha256()
    for folder in (templates_dir(), icons_dir()):
        _hash_tree(folder, h)
    package = Path(__file__).resolve().parents[1]  # the aksdiag package
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@once
def _library_versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for name in ("cairosvg", "pypdf"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def _options_data(options: Options) -> dict[str, Any]:
    data = {}
    for f in fields(options):
        value = getattr(options, f.name)
        data[f.name] = str(value) if isinstance(value, Path) else value
    return data


def cache_key(source: Source, options: Options, d2_version: str) -> str | None:
    """The key of one source rendered with `options` by the d2 that `d2_version` names (its
    `d2_fingerprint()`); None when the source cannot be keyed (live data, an unreadable file)."""
    if source.observed is not None:
        return None
    from ..errors import AksdiagError
    from ..load.source import read_bytes

    h = hashlib.sha256()
    h.update(f"aksdiag-cache {FORMAT_VERSION} {__version__} d2 {d2_version}\0".encode())
    h.update(_resources_digest().encode())
    opts = _options_data(options)
    # What else changes the bytes: the PDF's dates, and the libraries that draw PNG and PDF.
    opts["SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH")
    opts["libraries"] = _library_versions()
    h.update(json.dumps(opts, sort_keys=True, default=str).encode())
    if options.icons is not None and Path(options.icons).is_dir():
        _hash_tree(Path(options.icons), h)
    h.update(f"\0name {source.name or (source.path.name if source.path else '')}\0".encode())
    try:
        if source.path is not None:
            h.update(read_bytes(source.path))
        elif source.text is not None:
            h.update(source.text.encode())
        else:
            h.update(json.dumps(source.data, sort_keys=True, default=str).encode())
        for label, path in (("nodes", source.nodes), ("route_table", source.route_table), ("vnet", source.vnet)):
            if path is not None:
                h.update(f"\0{label}\0".encode())
                h.update(read_bytes(path))
    except AksdiagError:
        return None  # unreadable, too large, not a file: no key, and loading says what is wrong
    return h.hexdigest()


@dataclass(frozen=True)
class Made:
    """What a cached render gives back: the outputs and the words around them (no plan object,
    so a hit costs no validation or derive)."""

    outputs: dict[str, bytes]
    alt_text: str
    findings: tuple[str, ...] = ()  # "severity: message [rule id]"
    warnings: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)  # front ends' own derived text (plan table)
    from_cache: bool = False


def _digest(meta: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


class RenderCache:
    """Entries are `ab/KEY.FORMAT` (the output's bytes) and `ab/KEY.json` (the words, and the
    SHA-256 of every output and of the words themselves). An entry whose bytes do not match, or
    whose metadata is not of the expected shape, is a miss: it is rendered again and replaced."""

    def __init__(self, folder: Path | None):
        self.refused: str | None = None  # why the folder asked for is not used
        self._store = None
        if folder is not None:
            from ..runtime.cachedir import open_cache_folder

            self._store, self.refused = open_cache_folder(folder)
        self.folder = self._store.path if self._store is not None else None  # None: never hits, never stores
        self.asked = folder

    @staticmethod
    def _rel(key: str, suffix: str) -> str:
        return f"{key[:2]}/{key}.{suffix}"

    def get(self, key: str | None, formats: tuple[str, ...]) -> Made | None:
        if self._store is None or key is None:
            return None
        raw = self._store.read(self._rel(key, "json"), 16 << 20)
        try:
            meta = json.loads(raw) if raw is not None else None
        except ValueError:
            return None
        if not (
            isinstance(meta, dict)
            and isinstance(meta.get("sha256"), dict)
            and isinstance(meta.get("alt_text"), str)
            and _strings(meta.get("findings"))
            and _strings(meta.get("warnings"))
            and isinstance(meta.get("extra"), dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in meta["extra"].items())
            and meta.get("digest") == _digest({k: v for k, v in meta.items() if k != "digest"})
        ):
            return None
        outputs = {}
        for fmt in formats:
            want = meta["sha256"].get(fmt)
            data = self._store.read(self._rel(key, fmt)) if isinstance(want, str) else None
            if data is None or hashlib.sha256(data).hexdigest() != want:
                return None
            outputs[fmt] = data
        try:
            os.utime(self._store.path / self._rel(key, "json"), follow_symlinks=False)  # used now: pruning keeps it
        except OSError:
            pass
        return Made(outputs, meta["alt_text"], tuple(meta["findings"]), tuple(meta["warnings"]), meta["extra"], True)

    def has(self, key: str | None, formats: tuple[str, ...]) -> bool:
        """Whether `get` may hit, from the files' presence alone (nothing is read)."""
        if self._store is None or key is None:
            return False
        return all(self._store.exists(self._rel(key, s)) for s in ("json", *formats))

    def put(self, key: str | None, made: Made) -> None:
        if self._store is None or key is None:
            return
        for fmt, data in made.outputs.items():
            if not self._store.write(self._rel(key, fmt), data):
                return  # a cache that cannot be written is only slower, never wrong
        meta: dict[str, Any] = {
            "alt_text": made.alt_text,
            "findings": list(made.findings),
            "warnings": list(made.warnings),
            "extra": dict(made.extra),
            "sha256": {fmt: hashlib.sha256(data).hexdigest() for fmt, data in made.outputs.items()},
        }
        meta["digest"] = _digest(meta)
        self._store.write(self._rel(key, "json"), json.dumps(meta, sort_keys=True).encode())

    def prune(self, max_mb: float | None = None, max_days: float | None = None, *, now: float | None = None) -> int:
        """Remove entries unused for `max_days`, then the least recently used until the folder holds
        at most `max_mb`; None reads the limit from the environment (or its default), 0 turns it off.
        Returns how many entries went. An entry is its key's files; its use time is its `.json`'s."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        max_mb = _limit(MAX_MB_ENV, DEFAULT_MAX_MB) if max_mb is None else max_mb
        max_days = _limit(MAX_DAYS_ENV, DEFAULT_MAX_DAYS) if max_days is None else max_days
        entries: dict[Path, list[Path]] = {}
        for path in self.folder.glob("??/*.*"):
            # Not a write under way (a dot file), and never through a folder that is a link: pruning
            # must not delete files elsewhere.
            if not path.name.startswith(".") and not path.parent.is_symlink():
                entries.setdefault(path.with_suffix(""), []).append(path)
        used, sizes = {}, {}
        for stem, files in entries.items():
            try:  # lstat: a link planted in the folder is measured, and removed, as the link it is
                used[stem] = os.lstat(stem.with_suffix(".json")).st_mtime
                sizes[stem] = sum(os.lstat(f).st_size for f in files)
            except OSError:
                used[stem], sizes[stem] = 0.0, 0  # no metadata: never a hit, so first to go
        now = time.time() if now is None else now
        doomed = {stem for stem in entries if max_days and now - used[stem] > max_days * 86400}
        total = sum(size for stem, size in sizes.items() if stem not in doomed)
        for stem in sorted(set(entries) - doomed, key=lambda s: used[s]):
            if not max_mb or total <= max_mb * 1_000_000:
                break
            doomed.add(stem)
            total -= sizes[stem]
        for stem in doomed:
            for path in entries[stem]:
                path.unlink(missing_ok=True)
        return len(doomed)


def made_from(rendered: Rendered, extra: dict[str, Any] | None = None) -> Made:
    findings = tuple(f"{f.severity}: {f.message} [rule {f.rule}]" for f in rendered.findings)
    return Made(dict(rendered.outputs), rendered.alt_text, findings, tuple(rendered.warnings), extra or {})


def render_key(source: Source, formats: tuple[str, ...], options: Options, cache: RenderCache) -> str | None:
    """The cache key `render_cached` files a render under (None without a cache folder)."""
    if cache.folder is None:
        return None
    needs_d2 = any(f != "d2" for f in formats)
    return cache_key(source, options, d2_fingerprint() if needs_d2 else "none")


def render_cached(
    source: Source,
    formats: tuple[str, ...],
    options: Options,
    cache: RenderCache,
    *,
    extra: Any = None,
    store: bool = True,
    key: str | None = None,
) -> Made:
    """`api.render` through the cache. `extra(rendered) -> dict` adds a front end's own derived
    text to the entry (for example the MkDocs plan table), so a hit needs no plan either.
    `key`: what `render_key` gave for the same source and options moments ago, if known."""
    from .. import api

    key = key or render_key(source, formats, options, cache)
    hit = cache.get(key, formats)
    if hit is not None:
        return hit
    rendered = api.render(source, formats=formats, options=options)
    made = made_from(rendered, extra(rendered) if extra else None)
    if store:
        cache.put(key, made)
    return made


def _limit(env: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ[env]))
    except (KeyError, ValueError):
        return default
