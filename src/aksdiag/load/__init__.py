"""load: the only input IO. Files (YAML, az JSON, node lists, route tables) and live `az`."""

from .source import Document, parse_document, read_text
from .spec import parse_field, validate_spec

__all__ = ["Document", "parse_document", "parse_field", "read_text", "validate_spec"]
