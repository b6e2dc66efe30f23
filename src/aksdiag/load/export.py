"""A ClusterSpec as the YAML a user edits (`aksdiag import`)."""

from __future__ import annotations

import yaml

from ..model import ClusterSpec


def spec_to_data(spec: ClusterSpec) -> dict:
    return spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def spec_to_yaml(spec: ClusterSpec, *, source: str) -> str:
    data = spec_to_data(spec)
    data.setdefault("name", spec.name)
    data.setdefault("nodePools", [p.model_dump(mode="json", exclude_none=True) for p in spec.nodePools])
    header = (
        f"# Imported by aksdiag from {source}.\n"
        "# Edit freely; `aksdiag render` this file. Fields listed in assumedFields were not in the\n"
        "# source and hold AKS defaults: replace them with the real values when you know them.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
