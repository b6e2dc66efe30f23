"""The `aksdiag` command's entry point, kept import-free so `aksdiag --version` answers before
typer, pydantic or the renderer load."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from .. import __version__

        print(f"aksdiag {__version__}")
        return
    from .quick_exit import skip_final_collection

    skip_final_collection()  # this process is one command: its end need not collect
    from .app import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
