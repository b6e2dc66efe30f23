"""Theme names and their D2 ids, in a module of their own so the CLI can offer them
without loading the renderer."""

THEMES = {"neutral": 1, "aubergine": 7, "terminal": 300}  # plus "default", which sets no theme id
DARK_THEMES = {"dark": 200, "dark-mauve": 201}
