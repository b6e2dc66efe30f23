"""The client half of the fork server (`server.py`): whether it is on, where its socket is, and
running one command on it. This module runs before anything heavy is imported, so it uses only
modules that Python has loaded at start-up or that cost well under a millisecond."""

from __future__ import annotations

import os
import sys

ENABLE_ENV = "AKSDIAG_SERVER"
DIR_ENV = "AKSDIAG_SERVER_DIR"
IDLE_ENV = "AKSDIAG_SERVER_IDLE"
DEFAULT_IDLE = 600.0
MAX_FDS = 200  # SCM_RIGHTS carries at most 253 descriptors in one message on Linux
MAX_HEADER = 4 << 20
TIMEOUT_ENV = "AKSDIAG_SERVER_TIMEOUT"  # seconds for the server to fork the command's child
START_TIMEOUT = 20.0
# Limits the child takes from its client, so `ulimit` means the same with and without the server.
_RLIMITS = ("RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_NOFILE",
            "RLIMIT_STACK")
_FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2")


# --- where, and whether ----------------------------------------------------------------


def enabled(environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    if not sys.platform.startswith("linux"):  # fd passing through /proc/self/fd and fork: Linux
        return False
    value = environ.get(ENABLE_ENV, "").strip().lower()
    if value in ("0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    # Servers that outlive a CI job keep runners waiting or get killed as orphans; batch mode
    # (`aksdiag render DIR`) is the fast path there.
    return environ.get("CI", "").strip().lower() in ("", "0", "false", "no")


def server_dir(create: bool = True) -> str | None:
    """The user's private folder for sockets, or None if it is missing, not theirs or not private
    (as tmux checks /tmp/tmux-UID)."""
    base = os.environ.get(DIR_ENV)
    if not base:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        base = os.path.join(runtime, "aksdiag") if runtime else f"/tmp/aksdiag-{os.getuid()}"
    if create:
        try:
            os.mkdir(base, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    try:
        st = os.lstat(base)
    except OSError:
        return None
    import stat

    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return base


def _sha256():  # type: ignore[no-untyped-def]
    try:  # the builtin module: hashlib would load OpenSSL, a few ms on every command
        from _sha256 import sha256  # Python 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[no-redef]  # Python 3.12+
        except ImportError:
            from hashlib import sha256
    return sha256()


def installation_key() -> str:
    """What the server's preloaded state depends on: the interpreter, aksdiag's code (every .py,
    by size and mtime), the installed packages (their folder's mtime changes on install and
    uninstall) and the PYTHON* variables Python reads once at start-up."""
    from . import __version__

    h = _sha256()
    parts = [sys.executable, sys.version, __version__, str(os.getuid())]
    package = os.path.dirname(os.path.abspath(__file__))
    stack = [package]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(entry.path)
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    parts.append(f"{entry.path}:{st.st_size}:{st.st_mtime_ns}")
    for path in sys.path:
        if path.endswith(("site-packages", "dist-packages")):
            try:
                parts.append(f"{path}:{os.stat(path).st_mtime_ns}")
            except OSError:
                pass
    parts += sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith("PYTHON"))
    h.update("\0".join(sorted(parts[4:]) + parts[:4]).encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:20]


def socket_path(folder: str, key: str) -> str | None:
    path = os.path.join(folder, f"{key}.sock")
    return path if len(path.encode()) < 100 else None  # sun_path holds 108 bytes


# --- client ----------------------------------------------------------------------------


def _open_fds() -> list[int]:
    """Every descriptor the command inherited: `-o /dev/fd/5` must mean the same in the child."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        names = ["0", "1", "2"]
    fds = []
    for name in names:
        fd = int(name)
        try:
            os.fstat(fd)  # the listing's own descriptor is closed by now
        except OSError:
            continue
        fds.append(fd)
    return sorted(fds)


def run_remote(argv: list[str]) -> int | None:
    """Run the command on this installation's server. None if no server answered before the
    command started (the caller runs it in this process); otherwise the command's exit status,
    or it does not return (the client dies of the signal that killed the command)."""
    folder = server_dir(create=False)
    if folder is None:
        return None
    path = socket_path(folder, installation_key())
    if path is None or not os.path.exists(path):
        return None
    # The C modules under `socket` and `signal`: their Python wrappers import enum and
    # selectors, a third of this client's own start-up.
    import _signal as signal
    import _socket as socket

    fds = _open_fds()
    if len(fds) > MAX_FDS:
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        return None
    import array
    import marshal

    try:
        request = marshal.dumps({
            "argv": list(argv), "cwd": os.getcwd(), "env": dict(os.environ), "umask": _umask(),
            "fds": fds, "limits": _limits(),
            "stdio": [(getattr(s, "encoding", None), getattr(s, "errors", None))
                      for s in (sys.stdin, sys.stdout, sys.stderr)],
        })
    except (OSError, ValueError):  # a working directory that is gone: the command says so itself
        sock.close()
        return None
    child: list[int] = []
    pending: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        if child:
            try:
                os.kill(child[0], signum)
            except ProcessLookupError:
                pass
        else:
            pending.append(signum)

    previous = {}
    for name in _FORWARDED:
        sig = getattr(signal, name)
        if signal.getsignal(sig) != signal.SIG_IGN:  # `nohup aksdiag ...` keeps ignoring SIGHUP
            previous[sig] = signal.signal(sig, forward)
    try:
        # A server that does not answer (stopped, or stuck) must not hang the command: after
        # $AKSDIAG_SERVER_TIMEOUT seconds the command runs here; closing the socket stops a
        # child the server forks late at once (it watches for its client going away).
        sock.settimeout(_start_timeout())
        sock.sendmsg([len(request).to_bytes(4, "big") + request],
                     [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
        started = _read_record(sock)
        sock.settimeout(None)
    except OSError:  # TimeoutError included
        started = None
    if started is None or started[0] != b"p":
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum in pending:  # what arrived meanwhile was meant for this process
            signal.raise_signal(signum)
        return None  # nothing ran: the caller runs the command itself
    child.append(started[1])
    for signum in pending:
        forward(signum, None)
    try:
        ended = _read_record(sock)
    except OSError:
        ended = None
    sock.close()
    if ended is None:
        sys.stderr.write("aksdiag: the server stopped while the command ran; see `aksdiag server status`\n")
        return 1
    kind, value = ended
    if kind == b"s":  # the command died of a signal: so does its client, as a shell expects
        signal.signal(value, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [value])
        os.kill(os.getpid(), value)
        return 128 + value
    return value


def _start_timeout() -> float:
    try:
        return max(0.1, float(os.environ.get(TIMEOUT_ENV, START_TIMEOUT)))
    except ValueError:
        return START_TIMEOUT


def _umask() -> int:
    mask = os.umask(0o022)  # the client is single-threaded: reading by setting is safe here
    os.umask(mask)
    return mask


def _limits() -> dict[str, tuple[int, int]]:
    try:
        import resource
    except ImportError:
        return {}
    return {name: resource.getrlimit(getattr(resource, name)) for name in _RLIMITS if hasattr(resource, name)}


def _read_record(sock) -> tuple[bytes, int] | None:  # type: ignore[no-untyped-def]
    data = b""
    while len(data) < 5:
        chunk = sock.recv(5 - len(data))
        if not chunk:
            return None
        data += chunk
    return data[:1], int.from_bytes(data[1:], "big", signed=True)


def record(kind: bytes, value: int) -> bytes:
    return kind + value.to_bytes(4, "big", signed=True)


def spawn() -> None:
    """Start this installation's server in the background, detached from the terminal and the
    caller's session; it exits at once if another one holds the lock."""
    folder = server_dir()
    if folder is None:
        return
    if os.path.exists(os.path.join(folder, f"{installation_key()}.failed")):
        return
    import fcntl

    try:  # a server that holds the lock is starting (it preloads for half a second) or running
        with open(os.path.join(folder, f"{installation_key()}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return
    import subprocess

    try:
        subprocess.Popen(
            # -P: the working directory ("/") is not put on sys.path
            [sys.executable, "-P", "-c", "from aksdiag.server import serve; serve()"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            cwd="/", start_new_session=True, close_fds=True,
        )
    except OSError:
        pass


# --- `aksdiag server status|stop` ------------------------------------------------------


def status() -> tuple[str, int | None, dict[str, str]]:
    """The socket path, the server's pid (None when none runs) and its counters."""
    folder = server_dir(create=False)
    key = installation_key()
    path = os.path.join(folder, f"{key}.sock") if folder else "(none: no private folder for it yet)"
    info: dict[str, str] = {}
    if folder:
        try:
            with open(os.path.join(folder, f"{key}.status")) as fh:
                info = dict(line.split(" ", 1) for line in fh.read().splitlines() if " " in line)
        except OSError:
            pass
    failed = os.path.join(folder, f"{key}.failed") if folder else None
    if failed and os.path.exists(failed):
        with open(failed) as fh:
            lines = fh.read().strip().splitlines()
        info["failed"] = lines[-1] if lines else "no message"
    pid = int(info["pid"]) if info.get("pid", "").isdigit() else None
    if pid is not None:
        try:
            os.kill(pid, 0)
        except OSError:
            pid = None
    if pid is not None and not os.path.exists(path):
        pid = None
    return path, pid, info


def stop(timeout: float = 5.0) -> bool:
    """Ask this installation's server to exit once its commands end; True if one was running."""
    import signal
    import time

    _path, pid, _info = status()
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        time.sleep(0.02)
    return True
