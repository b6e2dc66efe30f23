"""Standard output and error as the CLI uses them: input's control characters are shown, not
obeyed, and a stream that cannot be written (closed, a full disk) is an error, not a traceback.

Names in a description are data; on a terminal, an ESC or a C1 control in one would move the
cursor, retitle the window or hide text. They are written as `\\x1b`-style escapes: always on
stderr (messages for people), on stdout only when it is a terminal (a pipe gets the bytes).
"""

from __future__ import annotations

import io
import re
import sys
from typing import Any, BinaryIO, TextIO

# C0 but newline and tab, DEL, C1, and the bidirectional overrides that reorder what is shown.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


class StreamError(Exception):
    """stdout or stderr cannot take what the command writes."""

    def __init__(self, name: str, reason: str):
        self.name, self.reason = name, reason
        super().__init__(f"cannot write to {name}: {reason}")


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else None) or "it is closed"


class _Binary(io.RawIOBase):
    def __init__(self, raw: BinaryIO | None, name: str, escape: bool):
        self._raw, self._name, self._escape = raw, name, escape

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        if self._raw is None:
            raise StreamError(self._name, "it is closed")
        out = escape_controls(data.decode("utf-8", "backslashreplace")).encode() if self._escape else data
        try:
            self._raw.write(out)
        except (OSError, ValueError) as exc:
            raise StreamError(self._name, _reason(exc)) from None
        return len(data)

    def flush(self) -> None:
        if self._raw is not None:
            try:
                self._raw.flush()
            except (OSError, ValueError) as exc:
                raise StreamError(self._name, _reason(exc)) from None

    def isatty(self) -> bool:
        return self._raw is not None and self._raw.isatty()


class _Text(io.TextIOBase):
    def __init__(self, raw: TextIO | None, name: str, escape: bool):
        self._raw, self._name, self._escape = raw, name, escape
        self.buffer = _Binary(getattr(raw, "buffer", None) if raw is not None else None, name, escape)

    @property
    def encoding(self) -> str:  # type: ignore[override]  # read-only on io.TextIOBase at runtime; click writes through a stream whose encoding it likes
        return getattr(self._raw, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]  # read-only on io.TextIOBase at runtime, an attribute in typeshed
        return getattr(self._raw, "errors", None) or "strict"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self._raw is None:
            raise StreamError(self._name, "it is closed")
        try:
            self._raw.write(escape_controls(text) if self._escape else text)
        except (OSError, ValueError) as exc:
            raise StreamError(self._name, _reason(exc)) from None
        return len(text)

    def flush(self) -> None:
        if self._raw is not None:
            try:
                self._raw.flush()
            except (OSError, ValueError) as exc:
                raise StreamError(self._name, _reason(exc)) from None

    def isatty(self) -> bool:
        return self._raw is not None and self._raw.isatty()

    def fileno(self) -> int:
        if self._raw is None:
            raise OSError("stream is closed")
        return self._raw.fileno()


RAW_STDERR: TextIO | None = sys.stderr  # for a progress bar's own control sequences


def guard_streams() -> None:
    """Put the guarded streams in place of sys.stdout and sys.stderr (once, at the CLI's start)."""
    global RAW_STDERR
    if isinstance(sys.stdout, _Text):
        return
    RAW_STDERR = sys.stderr
    out = sys.stdout
    sys.stdout = _Text(out, "stdout", escape=out is not None and out.isatty())
    sys.stderr = _Text(sys.stderr, "stderr", escape=True)


def finish() -> None:
    """Flush stdout while an error can still be reported (at exit it could only be ignored)."""
    sys.stdout.flush()


def stream_failed(exc: StreamError) -> None:
    """Say which stream failed (when stderr still works), and drop what stdout still holds, so
    that the interpreter's last flush has nothing to fail on."""
    import os

    raw = sys.__stdout__
    if raw is not None:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, raw.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass
    if exc.name != "stderr":
        try:
            sys.stderr.write(f"aksdiag: error: {exc}\n")
            sys.stderr.flush()
        except StreamError:
            pass
