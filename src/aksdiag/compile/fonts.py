"""D2's embedded fonts, made usable by a PDF renderer: WOFF unwrapped, each face named apart.

D2 embeds its fonts (subsets of Source Sans Pro and Source Code Pro, only the glyphs that diagram
uses) as WOFF in CSS `@font-face`, one family name per face (`d2-<hash>-font-bold`). Neither
cairosvg nor typst reads `@font-face`, and typst's font loader does not read WOFF; both find
fonts by the family name inside the font file. So each face is unwrapped to the TrueType font it
carries and renamed to a family of its own for its page: two pages' subsets of the same font
never stand in for each other, and one process can draw every page of a PDF.
"""

from __future__ import annotations

import base64
import re
import struct
import zlib

_FACE = re.compile(
    rb'@font-face\s*\{\s*font-family:\s*(d2-\d+-font-[\w-]+);\s*src:\s*url\("data:application/font-woff;base64,'
    rb'([A-Za-z0-9+/=]+)"\);?\s*\}'
)


def woff_to_sfnt(data: bytes) -> bytes:
    """WOFF 1.0 -> the TrueType/OpenType font it wraps (WOFF stores each table, zlib-compressed
    where that is smaller, behind a table directory of its own)."""
    if data[:4] != b"wOFF":
        raise ValueError("not a WOFF 1.0 font")
    try:
        flavor, _length, count = struct.unpack(">IIH", data[4:14])
        tables = []
        for i in range(count):
            tag, offset, stored, length, checksum = struct.unpack(">4sIIII", data[44 + 20 * i : 64 + 20 * i])
            raw = data[offset : offset + stored]
            tables.append((tag, checksum, zlib.decompress(raw) if stored < length else raw))
    except (struct.error, zlib.error) as exc:
        raise ValueError(f"a damaged WOFF font: {exc}") from None
    return _sfnt(flavor, tables)


def _checksum(table: bytes) -> int:
    table += b"\0" * (-len(table) % 4)
    return sum(struct.unpack(f">{len(table) // 4}I", table)) & 0xFFFFFFFF


def _sfnt(flavor: int, tables: list[tuple[bytes, int, bytes]]) -> bytes:
    count = len(tables)
    power = 1 << (count.bit_length() - 1)
    out = struct.pack(">IHHHH", flavor, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    offset = 12 + 16 * count
    directory, body = b"", b""
    for tag, checksum, table in sorted(tables):
        directory += struct.pack(">4sIII", tag, checksum, offset + len(body), len(table))
        body += table + b"\0" * (-len(table) % 4)
    return out + directory + body


def _tables(font: bytes) -> tuple[int, dict[bytes, bytes]]:
    flavor, count = struct.unpack(">IH", font[:6])
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack(">4sIII", font[12 + 16 * i : 28 + 16 * i])
        tables[tag] = font[offset : offset + length]
    return flavor, tables


# Name IDs: 1 family, 4 full name, 16 typographic family, 21 WWS family. The subfamily (2, 17:
# Bold, Italic) and the PostScript name (6, which a PDF shows as the font's name) stay as they are.
_FAMILY_IDS = (1, 4, 16, 21)


def rename_family(font: bytes, family: str) -> bytes:
    """The TrueType/OpenType `font` with its family name set to `family`."""
    flavor, tables = _tables(font)
    old = tables[b"name"]
    _format, count, strings_at = struct.unpack(">HHH", old[:6])
    records = []
    for i in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack(">HHHHHH", old[6 + 12 * i : 18 + 12 * i])
        if name_id not in _FAMILY_IDS:
            text = old[strings_at + offset : strings_at + offset + length]
            records.append((platform, encoding, language, name_id, text))
    for name_id in (1, 4):
        records.append((3, 1, 0x409, name_id, family.encode("utf-16-be")))  # Windows, Unicode, English
        records.append((1, 0, 0, name_id, family.encode("ascii")))  # Macintosh, Roman
    records.sort()
    head, strings = b"", b""
    for platform, encoding, language, name_id, text in records:
        head += struct.pack(">HHHHHH", platform, encoding, language, name_id, len(text), len(strings))
        strings += text
    tables[b"name"] = struct.pack(">HHH", 0, len(records), 6 + 12 * len(records)) + head + strings
    return _sfnt(flavor, [(tag, _checksum(table), table) for tag, table in tables.items()])


def own_faces(svg: bytes, prefix: str) -> tuple[bytes, dict[str, bytes]]:
    """D2's SVG with its embedded faces taken out and each renamed `<prefix>f<n>` (ASCII, and no
    style word such as `bold` at the end, which typst would strip from a family name), and the
    faces as TrueType fonts by their new family name."""
    fonts: dict[str, bytes] = {}
    for n, (family, data) in enumerate(_FACE.findall(svg)):
        new = f"{prefix}f{n}"
        fonts[new] = rename_family(woff_to_sfnt(base64.b64decode(data)), new)
        svg = svg.replace(b'"' + family + b'"', b'"' + new.encode() + b'"')
    return _FACE.sub(b"", svg), fonts
