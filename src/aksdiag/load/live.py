"""Reading a live cluster through `az` (and `kubectl`), run as subprocesses without a shell."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

from ..errors import LiveError, Problem
from ..model.observed import Observed
from .azure import _ci, managed_cluster_to_spec_data
from .enrich import merged_vnet, nodes_from_json, route_table_from_json, vnet_from_json
from .source import Document

TIMEOUT = 120
# A firewall's id from one of its IP configurations' (`.../azureFirewalls/<name>/...`).
_FIREWALL_ID = re.compile(r"(.*/azureFirewalls/[^/]+)/", re.IGNORECASE)


def _run(tool: str, args: list[str], what: str) -> Any:
    exe = shutil.which(tool)
    if exe is None:
        hint = (
            "install the Azure CLI, or save `az aks show` output to a file and render that"
            if tool == "az"
            else "install kubectl and select the cluster's context"
        )
        raise LiveError(Problem(f"`{tool}` was not found on PATH: {hint}"))
    try:
        proc = subprocess.run(
            [exe, *args], capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL, check=False
        )
    except subprocess.TimeoutExpired:
        raise LiveError(Problem(f"`{tool} {' '.join(args[:3])}` did not answer within {TIMEOUT} s")) from None
    if proc.returncode != 0:
        err = proc.stderr.strip()
        low = err.lower()
        if "az login" in low or "not logged in" in low:
            raise LiveError(
                Problem("az is not logged in: run `az login` (and `az account set` for the right subscription)")
            )
        if "resourcenotfound" in low or "could not be found" in low or "was not found" in low:
            raise LiveError(Problem(f"{what} was not found: {err.splitlines()[-1][:200] if err else ''}"))
        raise LiveError(Problem(f"`{tool} {' '.join(args[:3])}` failed: {err.splitlines()[-1][:200] if err else ''}"))
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise LiveError(Problem(f"`{tool} {' '.join(args[:3])}` did not print JSON")) from None


def _network(subnet_id: str | None, node_rg: str | None) -> tuple[Document, ...]:
    """What `--network` files would hold, read live: the cluster VNet's peerings, the first peered
    VNet (the hub), the firewall in its AzureFirewallSubnet and that firewall's public IP."""
    vnet_id: str | None
    if subnet_id:
        vnet_id = subnet_id.rsplit("/subnets/", 1)[0]
    else:
        found = _run(
            "az",
            ["network", "vnet", "list", "--resource-group", str(node_rg), "--output", "json"],
            "the AKS-managed VNet",
        )
        vnet_id = _ci(found[0], "id") if found else None
    if not vnet_id:
        return ()
    parts = vnet_id.split("/")
    lowered = [p.lower() for p in parts]
    rg, vnet_name = parts[lowered.index("resourcegroups") + 1], parts[lowered.index("virtualnetworks") + 1]
    peerings = _run(
        "az",
        ["network", "vnet", "peering", "list", "--resource-group", rg, "--vnet-name", vnet_name, "--output", "json"],
        f"peerings of VNet {vnet_name!r}",
    )
    out = [Document(f"az network vnet peering list --vnet-name {vnet_name}", peerings)] if peerings else []
    hub_id = next((_ci(_ci(_ci(p, "properties") or p, "remoteVirtualNetwork"), "id") for p in peerings or []), None)
    if not hub_id:
        return tuple(out)
    hub = _run("az", ["network", "vnet", "show", "--ids", hub_id, "--output", "json"], "the peered hub VNet")
    out.insert(0, Document(f"az network vnet show --ids {hub_id}", hub))
    props = _ci(hub, "properties") or hub
    fw_subnet = next((s for s in _ci(props, "subnets") or [] if str(_ci(s, "name")) == "AzureFirewallSubnet"), None)
    configs = _ci(_ci(fw_subnet, "properties") or fw_subnet, "ipConfigurations") or []
    fw_id = next((m[1] for c in configs if (m := _FIREWALL_ID.match(str(_ci(c, "id"))))), None)
    if not fw_id:
        return tuple(out)
    fw = _run("az", ["network", "firewall", "show", "--ids", fw_id, "--output", "json"], "the hub's firewall")
    out.append(Document(f"az network firewall show --ids {fw_id}", fw))
    fw_props = _ci(fw, "properties") or fw
    pip_id = next(
        (
            _ci(_ci(_ci(c, "properties") or c, "publicIPAddress", "publicIpAddress"), "id")
            for c in _ci(fw_props, "ipConfigurations") or []
        ),
        None,
    )
    if pip_id:
        pip = _run(
            "az", ["network", "public-ip", "show", "--ids", pip_id, "--output", "json"], "the firewall's public IP"
        )
        out.append(Document(f"az network public-ip show --ids {pip_id}", pip))
    return tuple(out)


def load_live(
    resource_group: str | None,
    name: str | None,
    *,
    nodes: bool = False,
    route_table: bool = False,
    vnet: bool = False,
    network: bool = False,
) -> tuple[Document, Observed | None, tuple[Document, ...]]:
    """The cluster as description data (a Document to validate) and what else was asked for."""
    if not resource_group or not name:
        raise LiveError(Problem("--az needs --resource-group and --name"))
    cluster = _run(
        "az",
        ["aks", "show", "--resource-group", resource_group, "--name", name, "--output", "json"],
        f"cluster {name!r} in resource group {resource_group!r}",
    )
    data = managed_cluster_to_spec_data(cluster)
    observed = Observed()
    props = _ci(cluster, "properties") or cluster
    subnet_id = next(
        (
            _ci(p, "vnetSubnetID", "vnetSubnetId")
            for p in _ci(props, "agentPoolProfiles") or []
            if _ci(p, "vnetSubnetID", "vnetSubnetId")
        ),
        None,
    )
    node_rg = _ci(props, "nodeResourceGroup")
    if vnet:
        real: dict[str, Any] | None
        if subnet_id:
            real = vnet_from_json(
                _run(
                    "az",
                    ["network", "vnet", "show", "--ids", subnet_id.rsplit("/subnets/", 1)[0], "--output", "json"],
                    "the cluster's VNet",
                ),
                "az network vnet show",
            )
        else:
            found = _run(
                "az",
                ["network", "vnet", "list", "--resource-group", str(node_rg), "--output", "json"],
                "the AKS-managed VNet",
            )
            real = vnet_from_json(found[0], "az network vnet list") if found else None
        if real:
            data["vnet"] = merged_vnet(data.get("vnet"), real)
            data["assumedFields"] = [f for f in data.get("assumedFields", []) if not f.startswith("vnet")]
    if route_table:
        tables = _run(
            "az",
            ["network", "route-table", "list", "--resource-group", str(node_rg), "--output", "json"],
            "route tables in the node resource group",
        )
        if tables:
            observed = Observed(observed.nodes, route_table_from_json(tables[0], "az network route-table list"))
    if nodes:
        observed = Observed(
            nodes_from_json(_run("kubectl", ["get", "nodes", "--output", "json"], "nodes"), "kubectl get nodes"),
            observed.route_table,
        )
    doc = Document(f"az aks show -g {resource_group} -n {name}", data)
    around = _network(subnet_id, node_rg) if network else ()
    return doc, (observed if observed.nodes or observed.route_table else None), around
