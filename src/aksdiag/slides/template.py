"""A company template is checked before python-pptx opens it: a .pptx is a zip of XML parts,
and what it holds decides how much memory opening it takes and what the deck carries.

Refused, each in one line that names `--template`: a file that is not a zip; more parts, or
bigger ones, than any real template has (a 3 MB zip once unpacked to 4.3 GB); macros (a
`vbaProject.bin`, or a macro-enabled content type: .pptm, .potm), which the deck would carry
on; and XML parts that are not well formed, named by part.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from ..errors import InputError, Problem

MAX_FILE = 100 << 20  # bytes of the .pptx itself; a template of many pictures is a few tens of MB
MAX_PARTS = 2000  # a large corporate template has a few hundred
MAX_PART = 64 << 20  # unpacked bytes of one part (a picture or a layout)
MAX_TOTAL = 256 << 20  # unpacked bytes of all parts
MACRO_MARKS = ("macroenabled", "vnd.ms-office.vbaproject", "vnd.ms-office.activex")


def _refuse(path: Path, message: str) -> InputError:
    return InputError(Problem(message, file=str(path), field="--template"))


def check_template(path: Path) -> None:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _refuse(path, f"cannot read the template: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(path, "the template is not a regular file")
    if st.st_size > MAX_FILE:
        raise _refuse(path, f"the template is {st.st_size:,} bytes; the limit is {MAX_FILE:,}")
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
            _check_parts(path, parts)
            for part in parts:
                if part.filename.lower().endswith((".xml", ".rels")):
                    _check_xml(path, part.filename, z.read(part))
    except zipfile.BadZipFile as exc:
        raise _refuse(path, f"the template is not a PowerPoint file (not a zip: {exc})") from None
    except (OSError, RuntimeError, NotImplementedError) as exc:  # unreadable, encrypted, odd compression
        raise _refuse(path, f"cannot read the template: {exc}") from None


def _check_parts(path: Path, parts: list[zipfile.ZipInfo]) -> None:
    """The zip's listing: not too many parts, none and all together not too big, no macros."""
    if len(parts) > MAX_PARTS:
        raise _refuse(path, f"the template holds {len(parts):,} parts; the limit is {MAX_PARTS:,}")
    total = 0
    for part in parts:
        if part.file_size > MAX_PART:
            raise _refuse(
                path, f"{part.filename} unpacks to {part.file_size:,} bytes; the limit for one part is {MAX_PART:,}"
            )
        total += part.file_size
        if os.path.basename(part.filename).lower() in ("vbaproject.bin", "vbadata.xml"):
            raise _refuse(
                path,
                f"the template carries macros ({part.filename}); aksdiag does not pass "
                "macros on: save it as a .potx or .pptx without them",
            )
    if total > MAX_TOTAL:
        raise _refuse(path, f"the template unpacks to {total:,} bytes; the limit is {MAX_TOTAL:,}")


def _check_xml(path: Path, name: str, data: bytes) -> None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _refuse(path, f"{name} is not well-formed XML: {exc}") from None
    if name == "[Content_Types].xml":
        types = " ".join(str(el.get("ContentType", "")) for el in root.iter()).lower()
        if any(mark in types for mark in MACRO_MARKS):
            raise _refuse(
                path,
                "the template is macro-enabled (.pptm/.potm content type); aksdiag does not pass "
                "macros on: save it as a .potx or .pptx without them",
            )
