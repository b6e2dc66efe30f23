"""Signals during a command: SIGTERM, SIGHUP and SIGINT become an exception that unwinds, so
that d2 stops, temporary folders go and no output is left half-written. Kept apart from
`compile` so that the CLI can cover a whole command without loading the renderer."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

from ..errors import Interrupted


class _Groups:
    """Process groups of the d2 runs under way, so that a signal caught on the main thread can
    stop the ones that worker threads started."""

    def __init__(self) -> None:
        self._groups: set[int] = set()
        self._lock = threading.Lock()

    def add(self, pgid: int) -> None:
        with self._lock:
            self._groups.add(pgid)

    def discard(self, pgid: int) -> None:
        with self._lock:
            self._groups.discard(pgid)

    def stop_all(self) -> None:
        with self._lock:
            groups = list(self._groups)
        for pgid in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)


live_groups = _Groups()


@contextlib.contextmanager
def signals_unwind() -> Iterator[None]:
    """Turn SIGTERM, SIGHUP and SIGINT into an exception while inside (d2's run; the CLI's
    whole command), so that d2 is stopped and the temporary folder removed (SIGTERM's default
    action exits at once), and the CLI exits as the signal would."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; a batch installs them there
        return

    def unwind(signum: int, frame: object) -> None:
        live_groups.stop_all()
        raise Interrupted(signum)

    previous = {}
    for sig, default in ((signal.SIGTERM, signal.SIG_DFL), (signal.SIGHUP, signal.SIG_DFL),
                         (signal.SIGINT, signal.default_int_handler)):
        if signal.getsignal(sig) == default:  # a signal the caller ignores or handles stays theirs
            previous[sig] = signal.signal(sig, unwind)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
