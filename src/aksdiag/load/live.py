"""Reading a live cluster through `az` (and `kubectl`), run as subprocesses without a shell."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

from ..errors import LiveError, Problem
from ..model.observed import Observed
from .azure import _ci, managed_cluster_to_spec_data
from .enrich import merged_vnet, nodes_from_json, route_table_from_json, vnet_from_json
from .source import Document

TIMEOUT = 120


def _run(tool: str, args: list[str], what: str) -> Any:
    exe = shutil.which(tool)
    if exe is None:
        hint = ("install the Azure CLI, or save `az aks show` output to a file and render that"
                if tool == "az" else "install kubectl and select the cluster's context")
        raise LiveError(Problem(f"`{tool}` was not found on PATH: {hint}"))
    try:
        proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise LiveError(Problem(f"`{tool} {' '.join(args[:3])}` did not answer within {TIMEOUT} s")) from None
    if proc.returncode != 0:
        err = proc.stderr.strip()
        low = err.lower()
        if "az login" in low or "not logged in" in low:
            raise LiveError(Problem("az is not logged in: run `az login` (and `az account set` for the right "
                                    "subscription)"))
        if "resourcenotfound" in low or "could not be found" in low or "was not found" in low:
            raise LiveError(Problem(f"{what} was not found: {err.splitlines()[-1][:200] if err else ''}"))
        raise LiveError(Problem(f"`{tool} {' '.join(args[:3])}` failed: {err.splitlines()[-1][:200] if err else ''}"))
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise LiveError(Problem(f"`{tool} {' '.join(args[:3])}` did not print JSON")) from None


def load_live(resource_group: str | None, name: str | None, *, nodes: bool = False, route_table: bool = False,
              vnet: bool = False) -> tuple[Document, Observed | None]:
    """The cluster as description data (a Document to validate) and what else was asked for."""
    if not resource_group or not name:
        raise LiveError(Problem("--az needs --resource-group and --name"))
    cluster = _run("az", ["aks", "show", "--resource-group", resource_group, "--name", name, "--output", "json"],
                   f"cluster {name!r} in resource group {resource_group!r}")
    data = managed_cluster_to_spec_data(cluster, f"az aks show -g {resource_group} -n {name}")
    observed = Observed()
    props = _ci(cluster, "properties") or cluster
    subnet_id = next((_ci(p, "vnetSubnetID", "vnetSubnetId") for p in _ci(props, "agentPoolProfiles") or []
                      if _ci(p, "vnetSubnetID", "vnetSubnetId")), None)
    node_rg = _ci(props, "nodeResourceGroup")
    if vnet:
        if subnet_id:
            real = vnet_from_json(_run("az", ["network", "vnet", "show", "--ids", subnet_id.rsplit("/subnets/", 1)[0],
                                              "--output", "json"], "the cluster's VNet"), "az network vnet show")
        else:
            found = _run("az", ["network", "vnet", "list", "--resource-group", str(node_rg), "--output", "json"],
                         "the AKS-managed VNet")
            real = vnet_from_json(found[0], "az network vnet list") if found else None
        if real:
            data["vnet"] = merged_vnet(data.get("vnet"), real)
            data["assumedFields"] = [f for f in data.get("assumedFields", []) if not f.startswith("vnet")]
    if route_table:
        tables = _run("az", ["network", "route-table", "list", "--resource-group", str(node_rg), "--output", "json"],
                      "route tables in the node resource group")
        if tables:
            observed = Observed(observed.nodes, route_table_from_json(tables[0], "az network route-table list"))
    if nodes:
        observed = Observed(nodes_from_json(_run("kubectl", ["get", "nodes", "--output", "json"], "nodes"),
                                            "kubectl get nodes"), observed.route_table)
    doc = Document(f"az aks show -g {resource_group} -n {name}", data)
    return doc, (observed if observed.nodes or observed.route_table else None)
