"""Signals during a command: SIGTERM, SIGHUP (where the platform has it) and SIGINT become an exception that unwinds, so
that d2 stops, temporary folders go and no output is left half-written. Kept apart from
`compile` so that the CLI can cover a whole command without loading the renderer."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

from ..errors import Interrupted


class _Groups:
    """The d2 runs under way, so that a signal caught on the main thread can stop the ones that
    worker threads started."""

    def __init__(self) -> None:
        self._procs: dict[int, subprocess.Popen[str]] = {}
        self._lock = threading.Lock()
        self._stopping = False  # a signal came: a run a worker thread starts now is stopped at once

    def add(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs[proc.pid] = proc
            late = self._stopping
        if late:
            kill_tree(proc)

    def discard(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.pop(proc.pid, None)

    def stop_all(self) -> None:
        with self._lock:
            self._stopping = True
            procs = list(self._procs.values())
        for proc in procs:
            kill_tree(proc)

    def resume(self) -> None:
        with self._lock:
            self._stopping = False


def own_group() -> dict[str, Any]:
    """Popen arguments that start a child in a process group of its own: on POSIX a new session
    (so that `kill_tree` stops what the child started too: d2 starts a browser for PNG and PDF);
    on Windows a new process group, so a console's Ctrl+C reaches us and we stop the child."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def kill_tree(proc: subprocess.Popen[str]) -> None:
    """Stop a child started with `own_group()`: its whole process group where the platform has
    them, else the child itself."""
    killpg = getattr(os, "killpg", None)  # not on Windows
    if killpg is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        proc.kill()


live_groups = _Groups()


def _unwound() -> list[tuple[signal.Signals, object]]:
    """The signals that unwind, with the handler that means nobody else handles them; only those
    the platform has (Windows has no SIGHUP)."""
    wanted = (("SIGTERM", signal.SIG_DFL), ("SIGHUP", signal.SIG_DFL), ("SIGINT", signal.default_int_handler))
    return [(getattr(signal, name), default) for name, default in wanted if hasattr(signal, name)]


class _Held:
    """Whether the main thread is between starting a child and adding it to `live_groups`, and the
    signal that came meanwhile. The handler defers to the end of that window: a signal that unwound
    inside it left a d2 that nobody then stopped (a loaded machine's CI run left d2 and its helper
    running). A thread signal mask does not do this: the handler runs on the main thread whichever
    thread the kernel gives the signal to, and a process with any other thread lets that one take it."""

    depth = 0
    pending: int | None = None


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """An unwinding signal that arrives inside waits until the block ends (main thread; a worker
    thread's run is covered by `live_groups` stopping what is added after a signal)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _Held.depth += 1
    try:
        yield
    finally:
        _Held.depth -= 1
        if not _Held.depth and _Held.pending is not None:
            signum, _Held.pending = _Held.pending, None
            raise Interrupted(signum)  # the user's signal outranks what went wrong in the block


_depth = [0]  # signals_unwind contexts open on the main thread


@contextlib.contextmanager
def signals_unwind() -> Iterator[None]:
    """Turn SIGTERM, SIGHUP and SIGINT into an exception while inside (d2's run; the CLI's
    whole command), so that d2 is stopped and the temporary folder removed (SIGTERM's default
    action exits at once), and the CLI exits as the signal would."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; a batch installs them there
        return

    def unwind(signum: int, _frame: object) -> None:  # signal.signal's handler signature
        live_groups.stop_all()
        if _Held.depth:
            _Held.pending = signum
            return
        raise Interrupted(signum)

    previous = {}
    for sig, default in _unwound():
        if signal.getsignal(sig) == default:  # a signal the caller ignores or handles stays theirs
            previous[sig] = signal.signal(sig, unwind)
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if not _depth[0]:
            _Held.pending = None
            live_groups.resume()  # a library caller that caught the interruption may render again
