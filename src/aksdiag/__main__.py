"""`python -m aksdiag`: the same command as `aksdiag`."""

from .cli.entry import main

main()
