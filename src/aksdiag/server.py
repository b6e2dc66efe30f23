"""A fork server for the `aksdiag` command, after Mercurial's chg.

Python start-up and imports (typer, pydantic, jinja, PyYAML) cost about five times what d2
itself spends on a small diagram. The first `aksdiag` command starts, beside its own work, a
server that imports all of that once and then waits on a Unix socket. Later commands connect,
hand over their argv, working directory, environment, umask, resource limits and open file
descriptors (SCM_RIGHTS), and the server forks a child that runs the command exactly as the
command line would, in the caller's directory, with the caller's stdin, stdout and stderr. The
child's exit status travels back and the client exits with it (or dies of the same signal).
Signals sent to the client (Ctrl-C, SIGTERM, SIGHUP) are forwarded to the child, and a child
whose client has gone away stops itself, so d2 never outlives the command that started it.

Each child is forked from the pristine server, so no state passes from one command to the next.
A server belongs to one user (a 0700 folder, peer credentials checked) and one installation (the
socket's name hashes the interpreter, aksdiag's code and `PYTHON*` variables, so an upgrade or an
edit starts a fresh server) and exits after `AKSDIAG_SERVER_IDLE` seconds (default 600) without a
command. `AKSDIAG_SERVER=0` turns it off; on CI (`CI` set) it is off unless `AKSDIAG_SERVER=1`.
`aksdiag server status|stop` shows or stops it.

The client half, and `aksdiag server status|stop`, live in `remote.py`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import IO

from .remote import (
    DEFAULT_IDLE,
    IDLE_ENV,
    MAX_FDS,
    MAX_HEADER,
    installation_key,
    record,
    server_dir,
    socket_path,
)

# --- server ----------------------------------------------------------------------------

# A description that exercises load, validation, derive, scene and templates without d2, so
# that the first real command finds every lazy import and validator already built.
_WARM_UP = {"name": "warm-up", "networkProfile": {"networkPlugin": "kubenet"},
            "nodePools": [{"name": "nodepool1", "count": 3}]}


def _preload() -> None:
    """Imports and pure work only: nothing that depends on the environment or on files a
    command may change (which d2, the cache or temporary folder), since every child inherits it.
    (The Jinja environment keeps its bytecode folder, but the templates it serves are compiled
    here, in memory, and recompiled only when a template file changes.)"""
    import io

    from . import api, batch, batch_cli, cli, compile, output, pipeline, rasterise  # noqa: F401
    from .render import environment

    try:
        import cairosvg  # noqa: F401  # PNG and PDF
    except ImportError:
        pass

    environment()
    for view in ("overview", "all"):
        from .options import Options

        api.render(api.Source.from_data(_WARM_UP, name="warm-up"), formats=("d2",),
                   options=Options(view=view))
    # typer builds the click command once per process, and its parameter converters on the
    # first parse; --help parses and exits.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        cli.command()(["render", "--help"], prog_name="aksdiag")


class _Server:
    def __init__(self, folder: str, key: str, path: str, idle: float, lock: IO[str]) -> None:
        import socket

        self.folder, self.key, self.path, self.idle, self.lock = folder, key, path, idle, lock
        self.children: dict[int, socket.socket] = {}
        self.served = 0
        self.stopping = False
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.wake_r, self.wake_w = socket.socketpair()

    def status_path(self) -> str:
        return os.path.join(self.folder, f"{self.key}.status")

    def write_status(self) -> None:
        text = f"pid {os.getpid()}\nserved {self.served}\nrunning {len(self.children)}\n"
        tmp = f"{self.status_path()}.{os.getpid()}"
        with open(tmp, "w") as fh:
            fh.write(text)
        os.replace(tmp, self.status_path())

    def run(self) -> None:
        import selectors
        import signal
        import time

        tmp = f"{self.path}.{os.getpid()}"
        self.listener.bind(tmp)
        os.chmod(tmp, 0o600)
        self.listener.listen(64)
        os.replace(tmp, self.path)  # clients see a socket only once it accepts
        self.inode = os.stat(self.path).st_ino
        self.write_status()
        for w in (self.wake_r, self.wake_w):
            w.setblocking(False)
        signal.set_wakeup_fd(self.wake_w.fileno(), warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._stop)
        selector = selectors.DefaultSelector()
        selector.register(self.listener, selectors.EVENT_READ)
        selector.register(self.wake_r, selectors.EVENT_READ)
        last = time.monotonic()
        try:
            while True:
                self._reap()
                if self.children:
                    last = time.monotonic()
                elif (self.stopping or time.monotonic() - last > self.idle or not self._still_ours()
                      or installation_key() != self.key):  # aksdiag was upgraded or edited
                    return
                for key, _ in selector.select(timeout=min(5.0, self.idle)):
                    if key.fileobj is self.wake_r:
                        try:
                            self.wake_r.recv(512)
                        except BlockingIOError:
                            pass
                    elif not self.stopping:
                        self._accept()
                        last = time.monotonic()
        finally:
            if self._still_ours():
                for p in (self.path, self.status_path()):
                    try:
                        os.unlink(p)
                    except OSError:
                        pass

    def _stop(self, *_: object) -> None:
        self.stopping = True

    def _still_ours(self) -> bool:
        try:
            return os.stat(self.path).st_ino == self.inode
        except OSError:
            return False

    def _reap(self) -> None:
        changed = False
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = self.children.pop(pid, None)
            changed = True
            if conn is None:
                continue
            if os.WIFSIGNALED(status):
                message = record(b"s", os.WTERMSIG(status))
            else:
                message = record(b"x", os.waitstatus_to_exitcode(status))
            try:
                conn.sendall(message)
            except OSError:
                pass
            conn.close()
        if changed:
            self.write_status()

    def _accept(self) -> None:
        import socket
        import struct

        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        fds: list[int] = []
        try:
            creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            _pid, uid, _gid = struct.unpack("3i", creds)
            if uid != os.getuid():
                conn.close()
                return
            conn.settimeout(5)
            request, fds = self._receive(conn)
        except (OSError, ValueError, EOFError, TypeError):
            for fd in fds:
                os.close(fd)
            conn.close()
            return
        conn.settimeout(None)
        pid = os.fork()
        if pid == 0:
            self._child(conn, request, fds)  # never returns
        for fd in fds:
            os.close(fd)
        self.children[pid] = conn
        self.served += 1
        try:
            conn.sendall(record(b"p", pid))
        except OSError:
            pass
        self.write_status()

    @staticmethod
    def _receive(conn) -> tuple[dict, list[int]]:  # type: ignore[no-untyped-def]
        import array
        import marshal
        import socket

        fds: list[int] = []
        data, ancdata, _flags, _addr = conn.recvmsg(65536, socket.CMSG_SPACE(MAX_FDS * 4))
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                got = array.array("i")
                got.frombytes(payload[: len(payload) - len(payload) % got.itemsize])
                fds += list(got)
        if len(data) < 4:
            raise ValueError("short request")
        size = int.from_bytes(data[:4], "big")
        if size > MAX_HEADER:
            raise ValueError("request too large")
        body = data[4:]
        while len(body) < size:
            chunk = conn.recv(min(65536, size - len(body)))
            if not chunk:
                raise EOFError
            body += chunk
        request = marshal.loads(body)
        if not isinstance(request, dict) or len(request.get("fds", ())) != len(fds):
            raise ValueError("malformed request")
        return request, fds

    def _child(self, conn, request: dict, fds: list[int]) -> None:  # type: ignore[no-untyped-def]
        code = 1
        try:
            code = _run_request(self, conn, request, fds)
        except KeyboardInterrupt:
            # Uncaught, Python prints the traceback and dies of SIGINT; so does this child.
            import signal
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        except BaseException:  # noqa: BLE001 - the child must never return into the server loop
            with contextlib.suppress(BaseException):
                import traceback

                traceback.print_exc()  # as Python prints an uncaught exception, exit status 1
        finally:
            with contextlib.suppress(BaseException):  # a closed pipe must not stop the exit
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)


def _run_request(server: _Server, conn, request: dict, fds: list[int]) -> int:  # type: ignore[no-untyped-def]
    import atexit
    import io
    import signal
    import threading

    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # Nothing of the server's or of the other commands' connections stays open in this child.
    for s in (server.listener, server.wake_r, server.wake_w, server.lock, *server.children.values()):
        s.close()
    # The received descriptors go to the numbers they had in the client. First lift them, and
    # the connection, above every target so that no dup2 closes one still needed.
    targets = request["fds"]
    ceiling = max([*targets, *fds, conn.fileno()]) + 1
    import fcntl

    lifted = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, ceiling) for fd in fds]
    for fd in fds:
        os.close(fd)
    conn_fd = fcntl.fcntl(conn.fileno(), fcntl.F_DUPFD_CLOEXEC, ceiling)
    conn.close()
    import socket

    conn = socket.socket(fileno=conn_fd)
    for src, target in zip(lifted, targets):
        os.dup2(src, target, inheritable=True)
        os.close(src)
    for fd in (0, 1, 2):
        if fd not in targets:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)

    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.umask(request["umask"])
    import tempfile

    tempfile.tempdir = None  # chosen again from the client's TMPDIR
    try:
        import resource

        for name, (soft, hard) in request.get("limits", {}).items():
            try:
                resource.setrlimit(getattr(resource, name), (soft, hard))
            except (ValueError, OSError, AttributeError):
                pass  # a limit above the server's own cannot be raised here
    except ImportError:
        pass

    def stream(fd: int, mode: str, enc: tuple[str | None, str | None]) -> io.TextIOWrapper:
        raw = io.FileIO(fd, mode, closefd=False)
        tty = raw.isatty()
        buffered = io.BufferedWriter(raw) if mode == "w" else io.BufferedReader(raw)
        return io.TextIOWrapper(buffered, encoding=enc[0] or "utf-8", errors=enc[1] or "strict",
                                line_buffering=tty and mode == "w")

    encodings = request.get("stdio") or [(None, None)] * 3
    sys.stdin = sys.__stdin__ = stream(0, "r", encodings[0])
    sys.stdout = sys.__stdout__ = stream(1, "w", encodings[1])
    sys.stderr = sys.__stderr__ = stream(2, "w", encodings[2])
    sys.stderr.reconfigure(line_buffering=True)  # as Python's own stderr, tty or not
    sys.argv = list(request["argv"])

    def watch() -> None:
        # The client never writes after its request: end of file means it is gone (killed, or
        # its terminal closed), and the command stops as it would have with it.
        try:
            while conn.recv(64):
                pass
        except OSError:
            pass
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True).start()

    from .entry import run_command

    code = run_command()
    atexit._run_exitfuncs()
    return code


def serve() -> None:
    """The server's main: take the lock for this installation, preload, listen, fork per command."""
    import fcntl

    folder = server_dir()
    if folder is None:
        return
    key = installation_key()
    path = socket_path(folder, key)
    if path is None:
        return
    lock = open(os.path.join(folder, f"{key}.lock"), "a")  # noqa: SIM115 - held for the server's life
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another server for this installation is starting or running
    try:
        idle = float(os.environ.get(IDLE_ENV, DEFAULT_IDLE))
    except ValueError:
        idle = DEFAULT_IDLE
    try:
        _preload()
        _Server(folder, key, path, idle, lock).run()
    except Exception:  # noqa: BLE001 - any failure: record it, never retry for this installation
        # Recorded once per installation: the commands go on in their own processes and do
        # not start a server again until aksdiag changes (`aksdiag server status` shows this).
        import traceback

        with open(os.path.join(folder, f"{key}.failed"), "w") as fh:
            traceback.print_exc(file=fh)


