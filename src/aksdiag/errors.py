"""The errors a user can cause, each carrying where in which file it happened.

The CLI turns every `AksdiagError` into messages on stderr and exit code 2; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake in an input, positioned like a compiler error: `file:line:col: field: message`."""

    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    field: str | None = None  # dotted path, e.g. `nodePools[0].maxPods`

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class AksdiagError(Exception):
    """A user-facing failure; `problems` lists every mistake found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(AksdiagError):
    """The input file cannot be read or does not describe a valid cluster."""


class RuleError(AksdiagError):
    """The cluster is well-formed but is a combination AKS does not allow."""


class CompileError(AksdiagError):
    """The d2 binary is missing, of the wrong version, failed or timed out."""


class LiveError(AksdiagError):
    """`az` or `kubectl` could not give us the live cluster."""


class Interrupted(BaseException):
    """SIGTERM, SIGHUP or SIGINT arrived while d2 ran; raised so that cleanup runs.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"signal {signum}")


class RenderWarning(UserWarning):
    """Something the user should know about the picture that was made (scaled down, split, ...).

    Raised through Python's `warnings`, so library callers see it as usual and the CLI
    prints each one on stderr; rendering goes on.
    """
