"""`az aks show` JSON (ARM shape or the CLI's flattened shape) -> cluster description data."""

from __future__ import annotations

from typing import Any


def is_managed_cluster(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    kind = str(data.get("type") or "").lower()
    if kind.endswith("managedclusters"):
        return True
    return "agentPoolProfiles" in data or (
        isinstance(data.get("properties"), dict) and "agentPoolProfiles" in data["properties"]
    )


def managed_cluster_to_spec_data(data: dict[str, Any], name: str) -> dict[str, Any]:
    raise NotImplementedError("az aks show import lands with issue 4")
