"""Text from input, made inert for the table formats: Markdown and CSV.

A name in a description is data. In Markdown it must not become HTML (`<script>`, an `<img>`
with a handler) or a link (`[x](javascript:...)`); in a spreadsheet it must not become a
formula (`=HYPERLINK(...)`, OWASP's CSV injection).
"""

from __future__ import annotations

import csv
import re
from typing import Any

# A backslash (which would escape our escapes), a table cell's end, and the `]` that closes a
# link's or an image's text: `[x](javascript:...)` stays text. Emphasis is left alone: harmless.
_MD_SPECIAL = re.compile(r"(\\|\||\](?=[(\[]))")
# OWASP: a cell that starts with one of these is a formula (or becomes one) in Excel and Calc.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def md_text(text: str) -> str:
    """`text` as Markdown text on one line that holds no HTML and no link: `<`, `>` and `&` as
    entities, link syntax backslash-escaped, newlines as spaces. Code spans (single backticks in
    pairs, as our sentences write commands) are kept: Markdown shows their content literally."""
    text = text.replace("\r", " ").replace("\n", " ")
    parts = text.split("`")
    if len(parts) % 2 == 0 or "``" in text:
        return _md_plain(text)  # unpaired or longer backtick runs: no code spans, all escaped
    return "`".join(part if i % 2 else _md_plain(part) for i, part in enumerate(parts))


def _md_plain(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def csv_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, with a `'` in front (numbers stay numbers)."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    # The writer quotes a cell holding "\n" but not a lone "\r", which a reader takes for a new row.
    return value.replace("\r\n", "\n").replace("\r", "\n")


class SafeDictWriter(csv.DictWriter):
    """csv.DictWriter whose text cells never start a formula."""

    def writerow(self, rowdict: Any) -> Any:
        return super().writerow({k: csv_cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Any) -> None:
        for row in rowdicts:
            self.writerow(row)
