"""One way to read a positioned document: a value with the path it was written at.

Terraform plans and ARM templates are walked through `At`, so every value that turns out
to be wrong, unknown or unfollowable is reported at its file:line:column, and keys match
without regard to case where Azure's own documents are loose about it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Problem
from .source import Document, Loc


@dataclass(frozen=True)
class At:
    """A value of `doc` and the path it sits at; a missing value keeps its parent's path."""

    doc: Document
    value: Any
    loc: Loc = ()

    @property
    def missing(self) -> bool:
        return self.value is None

    def get(self, *names: str, case: bool = True) -> At:
        """The first of `names` present with a value (`case=False`: keys matched without case)."""
        if not isinstance(self.value, dict):
            return At(self.doc, None, self.loc)
        if case:
            for name in names:
                if self.value.get(name) is not None:
                    return At(self.doc, self.value[name], (*self.loc, name))
            return At(self.doc, None, self.loc)
        lowered = {str(k).lower(): k for k in self.value}
        for name in names:
            key = lowered.get(name.lower())
            if key is not None and self.value[key] is not None:
                return At(self.doc, self.value[key], (*self.loc, key))
        return At(self.doc, None, self.loc)

    def first(self) -> At:
        """Terraform writes a nested block as a list of one: its only element, or missing."""
        if isinstance(self.value, list):
            return At(self.doc, self.value[0], (*self.loc, 0)) if self.value else At(self.doc, None, self.loc)
        return self

    def items(self) -> Iterator[At]:
        if isinstance(self.value, list):
            for i, v in enumerate(self.value):
                yield At(self.doc, v, (*self.loc, i))
        elif isinstance(self.value, dict):
            for k, v in self.value.items():
                yield At(self.doc, v, (*self.loc, k))

    def props(self) -> At:
        """An ARM resource's `properties`, or the value itself where they are flattened."""
        inner = self.get("properties", case=False)
        return inner if isinstance(inner.value, dict) else self

    def problem(self, message: str, field: str | None = None) -> Problem:
        return self.doc.problem(message, self.loc, field=field)

    def fail(self, message: str, field: str | None = None) -> InputError:
        return InputError(self.problem(message, field))

    def where(self) -> str:
        """`file:line:col` of this value, for warnings that name where a thing was written."""
        line, col = self.doc.locate(self.loc)
        return f"{self.doc.name}:{line}:{col}" if line is not None else self.doc.name
