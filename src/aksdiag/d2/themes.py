"""Theme names and their D2 ids: the registry is `options` (the options check them), re-exported
here for the renderer and the CLI."""

from ..options import DARK_THEMES, THEMES

__all__ = ["DARK_THEMES", "THEMES"]
