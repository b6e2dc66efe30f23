"""Words for a comparison and a migration checklist, and the table formats of `aksdiag compare`.

derive gives keyed facts and checklist items with values; this module is where they
become sentences, and where a table becomes markdown, CSV or JSON. Shared by the CLI,
the compare diagram's notes and the slides.
"""

from __future__ import annotations

import io

from ..derive.as_model import Choice
from ..derive.compare import Change, Comparison, Row, Topic
from ..derive.migration import Item, Migration, Status
from ..derive.plan import PodAddresses
from ..derive.profiles import MODEL_NAMES
from . import envelope
from .escape import SafeDictWriter, md_text

# The models' names as the diagrams title them: one place, the model's profile.

TOPIC_NAMES = {
    Topic.model: "network model",
    Topic.pod_ip_source: "pod IPs come from",
    Topic.pod_cidr: "pod CIDR",
    Topic.pod_subnet: "pod subnet",
    Topic.node_pod_block: "node's pod addresses",
    Topic.cross_node: "pod to pod across nodes",
    Topic.route_table: "route table",
    Topic.route: "route",
    Topic.source_in_vnet: "pod source IP inside the VNet",
    Topic.source_leaving: "pod egress source IP (SNAT)",
    Topic.egress_device: "outbound type",
    Topic.egress_public: "source IP on the internet",
    Topic.service_cidr: "service CIDR",
    Topic.dns_ip: "DNS service IP",
    Topic.node_ip: "node IP",
    Topic.vnet_used: "VNet addresses used / usable",
    Topic.nodes_fit: "nodes that fit (limit)",
    Topic.pods_fit: "pods that fit",
    Topic.nodes_fit_surge: "nodes that fit with surge",
    Topic.pods_fit_surge: "pods that fit with surge",
    Topic.api_server: "API server path",
    Topic.finding: "finding",
}

_VALUE_WORDS: dict[Topic, dict[str, str]] = {
    Topic.model: MODEL_NAMES,
    Topic.pod_ip_source: {
        PodAddresses.pod_cidr: "pod CIDR, one /24 per node (not VNet IPs)",
        PodAddresses.node_subnet: "the node subnet",
        PodAddresses.pod_subnet: "a pod subnet",
        PodAddresses.unmanaged: "your CNI",
    },
    Topic.cross_node: {
        "udr": "route table (one route per node)",
        "vnet": "VNet routing, direct",
        "overlay": "Azure routes the pod CIDR, no route table",
        "cni": "your CNI",
    },
    Topic.source_in_vnet: {"node": "SNAT to the node IP", "pod": "pod IP"},
    Topic.source_leaving: {"node": "SNAT to the node IP", "pod": "pod IP"},
}


def value_words(row_topic: Topic, value: str | None) -> str:
    if value is None:
        return ""
    if value.isdigit():
        return f"{int(value):,}"
    return _VALUE_WORDS.get(row_topic, {}).get(value, value)


PER_SUBNET = (Topic.vnet_used, Topic.nodes_fit, Topic.pods_fit, Topic.nodes_fit_surge, Topic.pods_fit_surge)


def fact_name(row: Row) -> str:
    name = TOPIC_NAMES[row.topic]
    if row.topic in PER_SUBNET:
        return f"subnet {row.subject}: {name}"
    return f"{name} {row.subject}" if row.subject else name


def table_rows(comparison: Comparison, *, all_rows: bool = True) -> list[dict[str, str]]:
    rows = comparison.rows if all_rows else comparison.differences
    return [
        {
            "fact": fact_name(r),
            "change": r.change.value,
            "before": value_words(r.topic, r.before),
            "after": value_words(r.topic, r.after),
        }
        for r in rows
    ]


CHOICE_WHY = {
    "model": "what the model is",
    "needed": "the model needs it; aksdiag chose it",
    "kept": "kept from the source",
    "unsupported": "the model does not use it; dropped",
    "default": "left out: the new model's default applies",
}


def choice_line(c: Choice) -> str:
    value = c.value if c.value is not None else "(none)"
    return f"{c.field} = {value}: {CHOICE_WHY.get(c.why, c.why)}"


def item_text(item: Item) -> str:
    """One checklist line, computed values in place."""
    v = item.values
    words = {
        "irreversible": "The move is irreversible: a cluster on Overlay cannot go back to kubenet.",
        "command": (
            f"Run `az aks update --name {v.get('name')} --resource-group {v.get('resource_group')} "
            "--network-plugin azure --network-plugin-mode overlay` (the pod CIDR is kept; no --pod-cidr)."
            if v.get("from") == "kubenet"
            else f"Run `az aks update --name {v.get('name')} --resource-group {v.get('resource_group')} "
            f"--network-plugin azure --network-plugin-mode overlay --pod-cidr {v.get('pod_cidr')}` "
            "(--pod-cidr is required when leaving node-subnet Azure CNI)."
        ),
        "dynamic-ip-allocation": (
            "Azure CNI Pod Subnet (dynamic IP allocation) cannot be updated to Overlay in "
            "place: the update needs a cluster that does not use it; plan a new cluster."
        ),
        "managed-identity": (
            "The cluster has a user-assigned managed identity, which removing the route table needs."
            if v.get("identity") == "UserAssigned"
            else "The cluster's identity is system-assigned: removing the route table needs a "
            "user-assigned managed identity; switch the cluster to one first."
            if v.get("identity") == "SystemAssigned"
            else "Check the cluster has a user-assigned managed identity: removing the route table needs "
            "one (system-assigned isn't supported); set identity.type to have this checked."
        ),
        "pod-cidr-new": (
            f"The new pod CIDR {v.get('pod_cidr')} overlaps {v.get('clashes')}; choose another --pod-cidr."
            if v.get("clashes")
            else f"Pods move to the new pod CIDR {v.get('pod_cidr')}; it overlaps neither the VNet nor the "
            "service CIDR (check peered and on-premises ranges too)."
        ),
        "kubernetes-version": (
            f"Kubernetes {v.get('version')}: the update needs {v.get('minimum')} or later; upgrade first."
            if item.status == Status.blocker and v.get("version")
            else f"Kubernetes {v.get('version')} (the update needs {v.get('minimum')} or later)."
            if v.get("version")
            else f"Check the Kubernetes version: the update needs {v.get('minimum')} or later."
        ),
        "reimage-all-pools": (
            f"Every node pool ({v.get('pools')}: {v.get('nodes')} nodes) is reimaged at once, "
            "not pool by pool: plan a maintenance window."
        ),
        "pod-cidr-kept": (
            f"The pod CIDR {v.get('before')} is kept; nodes keep their /24s."
            if v.get("before") == v.get("after")
            else f"The pod CIDR changes from {v.get('before')} to {v.get('after')}."
        ),
        "pod-cidr-external": (
            f"{v.get('pod_cidr')} overlaps networks the VNet reaches: {v.get('clashes')}; "
            "pods keep this CIDR on Overlay, so fix the clash first."
            if item.status == Status.blocker
            else f"{v.get('pod_cidr')} overlaps none of the connected networks described ({v.get('connected')})."
            if item.status == Status.ok
            else f"Check {v.get('pod_cidr')} against peered VNets, ExpressRoute/VPN and on-premises "
            f"ranges (it does not overlap the VNet {v.get('vnet')}; describe them in "
            "connectedNetworks to have this checked)."
        ),
        "route-table": (
            f"AKS removes its {v.get('aks_routes')} pod routes from your route table {v.get('name')}; "
            f"your {v.get('user_routes')} own routes stay."
            if v.get("byo") == "yes"
            else f"AKS deletes its route table {v.get('name')} and its {v.get('aks_routes')} routes "
            f"(subnet {v.get('subnets')})."
        ),
        "user-routes-pod-cidr": (
            f"Your routes that name the pod CIDR no longer apply: {v.get('routes')}."
            if v.get("routes")
            else (
                f"None of your {v.get('user_routes')} own routes names the pod CIDR."
                if v.get("user_routes") != "0"
                else "The route table holds none of your own routes."
            )
        ),
        "ip-masq-agent": (
            "Check for a custom azure-ip-masq-agent-config ConfigMap: with Overlay, ranges it exempts "
            "from SNAT become unreachable; delete an old one nobody set on purpose."
        ),
        "windows-build": (
            f"Windows pools {v.get('pools')}: Windows build 20348.1668 or later first."
            if v.get("pools")
            else "No Windows pools."
        ),
        "network-policy": (
            f"Network policy {v.get('policy')} is enabled: the update needs a cluster without one; "
            "uninstall it first (use-network-policies) and enable a policy engine again after the move."
            if item.status == Status.blocker
            else "No network policy enabled, as the update needs."
        ),
        "dual-stack": f"Dual-stack ({v.get('families')}): check the move is supported for it.",
        "capacity": (
            f"{v.get('subnet')}: {v.get('nodes_now')} nodes today. "
            f"{'kubenet' if v.get('from') == 'kubenet' else 'Azure CNI'}: {v.get('nodes_before')} "
            f"nodes at most ({v.get('limit_before')}), {v.get('surge_before')} with surge; Overlay: "
            f"{v.get('nodes_after')} at most ({v.get('limit_after')}), {v.get('surge_after')} with surge "
            f"{v.get('surge')}, up to {v.get('max_pods')} pods per node. Every pool reimages at once: "
            f"{v.get('nodes_now')} nodes + {v.get('surge_all')} surge need room together."
        ),
        "nsg-firewall-rules": (
            f"Check NSG {v.get('nsg')}"
            + (f" and firewall {v.get('firewall')}" if v.get("firewall") else "")
            + f" for rules that name the pod CIDR {v.get('pod_cidr')} or the route table."
        ),
        "egress-source": (
            f"Pod egress: {value_words(Topic.source_leaving, v.get('before'))} before and after."
            if v.get("before") == v.get("after")
            else f"Pod egress changes from {v.get('before')} IP to {v.get('after')} IP."
        ),
    }
    return words.get(item.id, item.id)


STATUS_MARK = {
    Status.blocker: "BLOCKER",
    Status.action: "do",
    Status.check: "check",
    Status.ok: "ok",
    Status.info: "note",
}


def migration_lines(migration: Migration) -> list[tuple[str, str]]:
    return [(STATUS_MARK[i.status], item_text(i)) for i in migration.items]


def title(comparison: Comparison) -> str:
    a, b = comparison.before, comparison.after
    return f"{a.cluster} · {MODEL_NAMES[a.model.value]} → {b.cluster} · {MODEL_NAMES[b.model.value]}"


def render_table(
    comparison: Comparison,
    fmt: str,
    *,
    choices: tuple[Choice, ...] = (),
    migration: Migration | None = None,
    all_rows: bool = True,
    files: tuple[str | None, str | None] = (None, None),
) -> str:
    """`files`: the inputs of the two sides as given (None for a side made with `--as`), for JSON."""
    rows = table_rows(comparison, all_rows=all_rows)
    if fmt == "json":
        names = [envelope.file_name(f) if f is not None else None for f in files]
        doc: dict[str, object] = {
            "before": {"file": names[0], "cluster": comparison.before.cluster, "model": comparison.before.model.value},
            "after": {"file": names[1], "cluster": comparison.after.cluster, "model": comparison.after.model.value},
            "rows": [
                {
                    "topic": r.topic.value,
                    "subject": r.subject,
                    "change": r.change.value,
                    "before": r.before,
                    "after": r.after,
                }
                for r in (comparison.rows if all_rows else comparison.differences)
            ],
            "assumed": [{"field": c.field, "value": c.value, "why": c.why} for c in choices],
        }
        if migration is not None:
            doc["migration"] = {
                "source": migration.source,
                "items": [
                    {"id": i.id, "status": i.status.value, "values": i.values, "text": item_text(i)}
                    for i in migration.items
                ],
            }
        return envelope.dumps("compare", doc)
    if fmt == "csv":
        buf = io.StringIO()
        writer = SafeDictWriter(buf, fieldnames=["fact", "change", "before", "after"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()
    out = [f"## {md_text(title(comparison))}", "", "| fact | change | before | after |", "|---|---|---|---|"]
    for r in rows:
        out.append("| " + " | ".join(md_text(r[k]) for k in ("fact", "change", "before", "after")) + " |")
    if choices:
        out += ["", "### Chosen for the comparison (assumed)", ""]
        out += [f"- {md_text(choice_line(c))}" for c in choices]
    if migration is not None:
        out += ["", "### kubenet → Azure CNI Overlay: checklist for this cluster", ""]
        out += [f"- [{mark}] {md_text(text)}" for mark, text in migration_lines(migration)]
        out += ["", f"Source: {migration.source}"]
    return "\n".join(out) + "\n"


def change_counts(comparison: Comparison) -> dict[Change, int]:
    counts = {c: 0 for c in Change}
    for r in comparison.rows:
        counts[r.change] += 1
    return counts
