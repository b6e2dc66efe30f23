"""Byte-reproducible outputs, so `--check` can compare a committed file with a fresh render.

d2's SVG and PNG are reproducible as they are. A PDF carries its creation and modification
time and lists its resources in an order that varies; the times are rewritten in place to SOURCE_DATE_EPOCH (the reproducible-builds convention),
or to 2000-01-01 00:00:00 UTC, with the same number of bytes so the xref offsets stay valid.
"""

from __future__ import annotations

import os
import re
import time

_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{4,14})")
_XMP_DATE = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")
# d2's PDF writer lists a page's fonts and images in Go map order, which changes from run to run;
# sorting the lines of those dictionaries keeps their total length, so offsets stay valid.
_RESOURCE_DICT = re.compile(rb"(/(?:Font|XObject|ExtGState|Pattern|Shading) <<\n)((?:/[^\n]*\n)+)(>>)")
DEFAULT_EPOCH = 946684800  # 2000-01-01T00:00:00Z


def _epoch() -> int:
    try:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    except (KeyError, ValueError):
        return DEFAULT_EPOCH


def reproducible_pdf(data: bytes) -> bytes:
    stamp = time.gmtime(_epoch())
    digits = time.strftime("%Y%m%d%H%M%S", stamp).encode()
    iso = time.strftime("%Y-%m-%dT%H:%M:%S", stamp).encode()
    data = _RESOURCE_DICT.sub(lambda m: m[1] + b"".join(sorted(m[2].splitlines(keepends=True))) + m[3], data)
    data = _PDF_DATE.sub(lambda m: m[1] + digits[: len(m[2])], data)
    return _XMP_DATE.sub(lambda m: m[1] + iso, data)


def reproducible(fmt: str, data: bytes) -> bytes:
    return reproducible_pdf(data) if fmt == "pdf" else data
