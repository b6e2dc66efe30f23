"""The `aksdiag` command's entry point, kept import-free so `aksdiag --version` answers, and a
command reaches the fork server (`server.py`), before typer, pydantic or the renderer load."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from . import __version__

        print(f"aksdiag {__version__}")
        return
    if sys.argv[1:2] != ["server"]:  # `aksdiag server stop` must not be served by the server
        from . import remote

        if remote.enabled():
            code = remote.run_remote(sys.argv)
            if code is not None:
                sys.exit(code)
            remote.spawn()  # for the next command; this one runs here, as it always has
    from .quick_exit import skip_final_collection

    skip_final_collection()  # this process is one command: its end need not collect
    from .cli import main as cli_main

    cli_main()


def run_command() -> int:
    """Run the command in `sys.argv` in this process and return its exit status, as the
    interpreter would have made it from a `SystemExit` (the fork server's children)."""
    from .cli import main as cli_main

    try:
        cli_main()
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        print(exc.code, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    main()
