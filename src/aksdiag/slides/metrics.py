"""How wide text is on a slide: DejaVu Sans advance widths (in 1/1000 em, for ASCII 32-126).

DejaVu Sans is the PDF deck's font and what LibreOffice draws a PPTX's Calibri with where
Calibri and Carlito are missing; it is wider than Calibri, so text measured with it fits in
PowerPoint too. Other characters count as 1 em (the widest DejaVu draws), so they never
overflow. Numbers taken from DejaVu Sans 2.37 (Book and Bold) at 1000 units per em.
"""

from __future__ import annotations

_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636,
    636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863,
    748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635,
    615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636,
    337, 636, 838)
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696,
    696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995,
    837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716,
    678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712,
    365, 712, 838)
_OTHER = {"·": 380, "→": 838, "…": 1000, "–": 500, "—": 1000, "’": 380}


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in pt of `text` set at `size` pt."""
    table = _BOLD if bold else _REGULAR
    units = sum(table[ord(c) - 32] if 32 <= ord(c) < 127 else _OTHER.get(c, 1000) for c in text)
    return units * size / 1000
