"""The one door through which text reaches D2 source.

Every string in a template goes through `d2_string` (labels, and anything else from
input) or `d2_key` (the ids the scene generates). Input is data: it can't end a string,
start a comment, substitute a variable or name a file, because D2 sees only a
double-quoted string whose specials are escaped.
"""

from __future__ import annotations

import re

# Longer labels are shortened, with a visible ellipsis, so one field can't swamp a diagram.
LABEL_LIMIT = 600
ELLIPSIS = "…"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
# The characters `display_text` changes; most labels hold none, and skip its per-character loop
# (d2_source per file: 0.53 -> 0.41 ms CPU).
_CHANGED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def display_text(text: str, limit: int = LABEL_LIMIT) -> str:
    """What a label will show: control characters made visible, long text shortened.

    Control characters other than newline and tab have no glyph; they are shown as
    their Unicode control pictures (U+2400 block) so the change is visible, never silent.
    """
    if _CHANGED.search(text) is None:
        return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t":
            out.append(ch)
        elif ch in "\u2028\u2029":
            out.append("\n")  # Unicode's line and paragraph separators end a line in D2's reader too
        elif code < 0x20:
            out.append(chr(0x2400 + code))
        elif code == 0x7F:
            out.append("\u2421")
        elif 0x80 <= code < 0xA0 or 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF):
            # What d2 shows for them too: U+FFFE and U+FFFF may not appear in its SVG (XML).
            out.append("\ufffd")
        else:
            out.append(ch)
    shown = "".join(out)
    if len(shown) > limit:
        shown = shown[: limit - 1] + ELLIPSIS
    return shown


def d2_string(text: object, limit: int = LABEL_LIMIT) -> str:
    """Any text as a D2 double-quoted string that D2 shows literally."""
    shown = display_text(str(text), limit)
    escaped = shown.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("\n", "\\n")
    return f'"{escaped}"'


def d2_key(key: str) -> str:
    """A scene id as a D2 key; ids are generated, so anything else is a bug, not input."""
    if not _KEY.match(key):
        raise ValueError(f"scene id {key!r} is not a safe D2 key")
    return key


def d2_tooltip(text: object) -> str:
    """A tooltip as a D2 string. d2 checks a tooltip as Markdown, whose HTML must be well formed,
    then shows the text as written: a `<` that could open a tag is followed by a zero-width space,
    so that a name such as `aks-node<br>1` is shown (as it reads) instead of failing the drawing."""
    return d2_string(_TAG_START.sub("<\u200b", str(text)))


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
