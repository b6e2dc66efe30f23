"""Designs that do not exist yet: a Terraform plan or state, an ARM template (Bicep build).

Each becomes the same description data `az aks show` output does, positioned in the file
the user gave; what only apply or deployment can tell comes back as warnings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .source import Document, parse_document

SIDES = ("after", "before")
_SCHEMA = re.compile(r"deploymentTemplate\.json", re.IGNORECASE)


# What kind of design a document is, told from its top-level keys; the readers themselves (Terraform,
# ARM) load only for a document of their kind, so a YAML description does not pay their imports.
def is_terraform(data: Any) -> bool:
    """Output of `terraform show -json`: a plan (planned_values) or a state (values)."""
    return (
        isinstance(data, dict)
        and "format_version" in data
        and bool({"planned_values", "values", "resource_changes", "terraform_version"} & set(data))
    )


def is_template(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and "resources" in data
        and (bool(_SCHEMA.search(str(data.get("$schema", "")))) or "contentVersion" in data)
    )


def is_parameters_file(data: Any) -> bool:
    return isinstance(data, dict) and "deploymentParameters" in str(data.get("$schema", ""))


def read_design(
    doc: Document, *, cluster: str | None = None, parameters: Path | None = None, side: str = "after"
) -> tuple[Document, tuple[str, ...]] | None:
    """The description in `doc` if it is a plan, state or template, with its warnings; else None."""
    if is_terraform(doc.data):
        if parameters is not None:
            raise InputError(
                Problem(
                    "--parameters is for ARM templates; a Terraform plan carries its variables", field="--parameters"
                )
            )
        from .terraform import terraform_document

        out, warnings = terraform_document(doc, cluster, side)
        return out, tuple(warnings)
    if side != "after":
        raise InputError(doc.problem("only a Terraform plan has a before and an after to compare"))
    if is_template(doc.data):
        params = parse_document(parameters, "parameters file") if parameters is not None else None
        from .arm import arm_document

        out, warnings = arm_document(doc, params, cluster)
        return out, tuple(warnings)
    if is_parameters_file(doc.data):
        raise InputError(
            doc.problem("this is a deployment parameters file: give the template, and this file with --parameters")
        )
    if parameters is not None:
        raise InputError(
            Problem(
                "--parameters is for ARM templates (az bicep build output); this input is not one", field="--parameters"
            )
        )
    return None


def has_before(doc: Document) -> bool:
    """A Terraform plan that changes a cluster that exists: `compare` can show before and after."""
    from .terraform import sides

    return is_terraform(doc.data) and "before" in sides(doc)
