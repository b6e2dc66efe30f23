"""A content cache of rendered outputs, so an unchanged input costs no d2 run.

The key covers everything that changes the output: the input's bytes and name, every file
it reads (node list, route table, VNet), the render options, the icon bytes (bundled and
the user's folder), the template bytes, aksdiag's version and code, and d2's version and
binary (and cairosvg's version when it rasterises). The folder is plain files (`ab/abcdef....svg` + `.json`), portable
between machines and safe to delete; entries are written atomically, so concurrent runs
only ever see whole files.

The folder is pruned after a batch run: entries not used for $AKSDIAG_CACHE_MAX_DAYS days (default
30) go, then the least recently used until it holds at most $AKSDIAG_CACHE_MAX_MB megabytes
(default 200). A hit marks its entry used. `0` for either turns that limit off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
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

FORMAT_VERSION = "1"  # bump when what an entry holds changes
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
    h = hashlib.sha256()
    h.update(f"aksdiag-cache {FORMAT_VERSION} {__version__} d2 {d2_version}\0".encode())
    h.update(_resources_digest().encode())
    opts = _options_data(options)
    if options.png_engine == "cairosvg":
        from importlib.metadata import version

        opts["cairosvg"] = version("cairosvg")
    h.update(json.dumps(opts, sort_keys=True, default=str).encode())
    if options.icons is not None and Path(options.icons).is_dir():
        _hash_tree(Path(options.icons), h)
    h.update(f"\0name {source.name or (source.path.name if source.path else '')}\0".encode())
    try:
        if source.path is not None:
            h.update(source.path.read_bytes())
        elif source.text is not None:
            h.update(source.text.encode())
        else:
            h.update(json.dumps(source.data, sort_keys=True, default=str).encode())
        for label, path in (("nodes", source.nodes), ("route_table", source.route_table), ("vnet", source.vnet)):
            if path is not None:
                h.update(f"\0{label}\0".encode())
                h.update(path.read_bytes())
    except OSError:
        return None  # unreadable: no key, and loading says what is wrong with the file
    return h.hexdigest()


@dataclass(frozen=True)
class Made:
    """What a cached render gives back: the outputs and the words around them (no plan object,
    so a hit costs no validation or derive)."""

    outputs: dict[str, bytes]
    alt_text: str
    findings: tuple[str, ...] = ()  # "severity: message [rule id]"
    warnings: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # front ends' own derived text (plan table)
    from_cache: bool = False


class RenderCache:
    def __init__(self, folder: Path | None):
        self.folder = folder  # None: a cache that never hits and never stores

    def _path(self, key: str, suffix: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.{suffix}"

    def get(self, key: str | None, formats: tuple[str, ...]) -> Made | None:
        if self.folder is None or key is None:
            return None
        try:
            meta = json.loads(self._path(key, "json").read_text(encoding="utf-8"))
            outputs = {fmt: self._path(key, fmt).read_bytes() for fmt in formats}
        except (OSError, ValueError):
            return None
        try:
            os.utime(self._path(key, "json"))  # used now: pruning keeps what is used
        except OSError:
            pass
        return Made(outputs, meta["alt_text"], tuple(meta.get("findings", ())), tuple(meta.get("warnings", ())),
                    meta.get("extra", {}), True)

    def has(self, key: str | None, formats: tuple[str, ...]) -> bool:
        """Whether `get` would hit, from the files' presence alone (nothing is read)."""
        if self.folder is None or key is None:
            return False
        return all(self._path(key, s).is_file() for s in ("json", *formats))

    def put(self, key: str | None, made: Made) -> None:
        if self.folder is None or key is None:
            return
        try:
            for fmt, data in made.outputs.items():
                self._write(self._path(key, fmt), data)
            meta = {"alt_text": made.alt_text, "findings": list(made.findings), "warnings": list(made.warnings),
                    "extra": made.extra}
            self._write(self._path(key, "json"), json.dumps(meta, sort_keys=True).encode())
        except OSError:
            pass  # a cache that cannot be written is only slower, never wrong

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
            if not path.name.startswith("."):  # a write under way
                entries.setdefault(path.with_suffix(""), []).append(path)
        used, sizes = {}, {}
        for stem, files in entries.items():
            try:
                used[stem] = os.stat(stem.with_suffix(".json")).st_mtime
                sizes[stem] = sum(os.stat(f).st_size for f in files)
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

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def made_from(rendered: Rendered, extra: dict[str, Any] | None = None) -> Made:
    findings = tuple(f"{f.severity}: {f.message} [rule {f.rule}]" for f in rendered.findings)
    return Made(dict(rendered.outputs), rendered.alt_text, findings, tuple(rendered.warnings), extra or {})


def render_key(source: Source, formats: tuple[str, ...], options: Options, cache: RenderCache) -> str | None:
    """The cache key `render_cached` files a render under (None without a cache folder)."""
    if cache.folder is None:
        return None
    needs_d2 = any(f != "d2" for f in formats)
    return cache_key(source, options, d2_fingerprint() if needs_d2 else "none")


def render_cached(source: Source, formats: tuple[str, ...], options: Options, cache: RenderCache,
                  *, extra: Any = None, store: bool = True, key: str | None = None) -> Made:
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
