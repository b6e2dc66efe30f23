"""Legibility of a D2 SVG at the sizes people look at it.

Copied from the design notes' measuring tool (`shared/tools/legibility.py`, beside the
project, used to measure issue 9's gallery), so that the tests measure what the issue
measured. Changes from the original: `measure_svg` takes the SVG text (the tests hold
bytes, not files), the file is formatted and linted as the project's code, and `room_pt` is added
(the smallest address label in pt on a deck's 960x540 pt slide, the picture fitted into it, as
`slides` places it); the rest of the arithmetic is the original's.

For one SVG: canvas (outer viewBox), the smallest font among texts that carry an address
(IP or CIDR), what that font becomes when the whole drawing is fitted into a 1920x1080 slide
and into an 800 px docs column, crossing edge pairs and diagonal edge segments.
"""

from __future__ import annotations

import base64
import html
import re
import sys

IP = re.compile(
    r"\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}(?:/\d{1,3})?\b", re.IGNORECASE
)


def _segs(d):
    toks = re.findall(r"[MLCSQZ]|-?[0-9.]+", d)
    i = 0
    cur = None
    cmd = None
    out = []
    while i < len(toks):
        t = toks[i]
        if t in "MLCSQZ":
            cmd = t
            i += 1
            continue
        if cmd == "M":
            cur = (float(toks[i]), float(toks[i + 1]))
            i += 2
            cmd = "L"
        elif cmd == "L":
            p = (float(toks[i]), float(toks[i + 1]))
            out.append((cur, p))
            cur = p
            i += 2
        elif cmd == "C":
            p = (float(toks[i + 4]), float(toks[i + 5]))
            out.append((cur, p))
            cur = p
            i += 6
        else:
            i += 1
    return out


def _cross(a, b):
    (x1, y1), (x2, y2) = a
    (x3, y3), (x4, y4) = b
    d = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
    if abs(d) < 1e-9:
        return False
    t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / d
    u = -((x1 - x2) * (y1 - y3) - (y1 - y2) * (x1 - x3)) / d
    return 0.02 < t < 0.98 and 0.02 < u < 0.98


def measure(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        return measure_svg(fh.read())


def measure_svg(s: str) -> dict:
    vb = re.search(r'<svg[^>]*viewBox="([-0-9. ]+)"', s)
    w, h = map(float, vb.group(1).split()[2:4])
    fonts = []
    for m in re.finditer(r"<text[^>]*font-size:\s*([0-9.]+)px[^>]*>(.*?)</text>", s, re.DOTALL):
        txt = html.unescape(re.sub(r"<[^>]+>", " ", m.group(2)))
        if IP.search(txt):
            fonts.append(float(m.group(1)))
    minfont = min(fonts) if fonts else 0.0
    slide = min(1920 / w, 1080 / h)
    page = min(800 / w, 1.0)
    edges = []
    for g in re.split(r'(?=<g class="[A-Za-z0-9+/=]+(?: [^"]*)?">)', s):
        m = re.match(r'<g class="([A-Za-z0-9+/=]+)', g)
        if not m:
            continue
        try:
            name = base64.b64decode(m.group(1)).decode()
        except ValueError:  # not base64 or not UTF-8: not an edge's group
            continue
        if "(" not in name or name.startswith("(l_") or "legend" in name:
            continue
        pm = re.search(r'<path d="(M[^"]+)"[^>]*class="connection', g)
        if pm:
            edges.append(_segs(pm.group(1)))
    crossings = sum(
        1
        for i in range(len(edges))
        for j in range(i + 1, len(edges))
        if any(_cross(a, b) for a in edges[i] for b in edges[j])
    )
    diag = sum(
        1
        for e in edges
        for (x1, y1), (x2, y2) in e
        if min(abs(x1 - x2), abs(y1 - y2)) > 20 and ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 > 60
    )
    return {
        "w": w,
        "h": h,
        "addr_labels": len(fonts),
        "min_addr_font": minfont,
        "slide_px": minfont * slide,
        "page_px": minfont * page,
        "room_pt": minfont * min(960 / w, 540 / h),
        "crossings": crossings,
        "diagonals": diag,
        "edges": len(edges),
    }


def line(name: str, m: dict) -> str:
    return (
        f"{name:36s} {m['w']:6.0f}x{m['h']:<6.0f} addr labels {m['addr_labels']:3d} "
        f"min {m['min_addr_font']:4.0f}px -> slide {m['slide_px']:4.1f}px page {m['page_px']:4.1f}px "
        f"room {m['room_pt']:4.1f}pt "
        f"crossings {m['crossings']:2d} diagonals {m['diagonals']:2d}"
    )


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(line(p.rsplit("/", 1)[-1], measure(p)))
