"""templates for a comparison: CompareScene -> D2 text (side by side, or one scenario per plan)."""

from __future__ import annotations

from collections.abc import Callable

from ..scene.compare import CompareScene
from .render import environment


def render_compare_d2(scene: CompareScene, icon: Callable[[str], str], *, scenarios: bool = False) -> str:
    """`scenarios=False`: both plans in one picture; True: the first plan as the base board and the
    second as a scenario on the same skeleton (d2 writes one PDF/PPTX page per board)."""
    name = "compare-scenarios.d2.j2" if scenarios else "compare.d2.j2"
    # The shared look with its own palette (no D2 theme): the colours of a comparison carry meaning.
    text = environment().get_template(name).render(scene=scene, icon=icon, palette=True)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"
