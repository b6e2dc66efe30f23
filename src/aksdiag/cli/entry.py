"""The `aksdiag` command's entry point, kept import-free so `aksdiag --version` answers before
typer, pydantic or the renderer load."""

from __future__ import annotations

import os
import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from .. import __version__

        print(f"aksdiag {__version__}")
        return
    # A command does not load pydantic's plugins: finding them reads the entry points of every
    # installed distribution on each start (8-17 ms in a venv with the test extras), for
    # instrumentation of validation that an aksdiag command never wants. The library API
    # (import aksdiag) leaves the choice to the application it runs in.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from .quick_exit import skip_final_collection

    skip_final_collection()  # this process is one command: its end need not collect
    from .app import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
