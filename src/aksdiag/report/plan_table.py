"""`aksdiag plan` output: every address range with its size, use and capacity, as Markdown, CSV or JSON.

One list of rows (`plan_rows`) feeds all three formats, so they cannot disagree. Capacity
figures come from the plan (`Capacity`, `ClusterCapacity`); nothing is computed here but sums
for display.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network
from typing import Any

from ..derive.catalog import RULES
from ..derive.plan import AddressPlan, CapacityRow, PodAddresses, PodCount, SubnetPlan
from ..derive.profiles import MODEL_NAMES
from . import envelope
from .escape import SafeDictWriter, md_text


@dataclass(frozen=True)
class RangeRow:
    range: str  # what kind of range: VNet, subnet, pod CIDR, ...
    name: str
    prefix: str
    size: int | None
    usable: int | None
    planned: int | None
    lives: str  # what lives there
    nodes_now: int | None = None
    nodes_max: int | None = None
    nodes_with_surge: int | None = None
    pods_max: int | None = None
    pods_with_surge: int | None = None


@dataclass(frozen=True)
class ModelRow:
    subnet: str
    model: str
    max_pods_per_node: int
    surge: str
    nodes_max: int
    nodes_with_surge: int
    pods_max: int | None
    pods_with_surge: int | None
    pods_are: str
    limited_by: str
    current: bool
    pod_ips_max: int | None = None  # dynamic pod subnet: the IP budget beside the pods full nodes run
    pod_ips_with_surge: int | None = None


@dataclass
class PlanTables:
    ranges: list[RangeRow] = field(default_factory=list)
    models: list[ModelRow] = field(default_factory=list)
    cluster: dict[str, Any] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)


def _current(rows: tuple[CapacityRow, ...]) -> CapacityRow | None:
    return next((r for r in rows if r.current), None)


def plan_rows(plan: AddressPlan) -> PlanTables:
    t = PlanTables()
    t.ranges += _vnet_rows(plan)
    t.ranges += _subnet_rows(plan)
    t.ranges += _pod_cidr_rows(plan)
    t.ranges += _service_rows(plan)
    t.ranges += _named_rows(plan)
    t.models += _model_rows(plan)
    t.cluster = _cluster(plan)
    for f in plan.findings:
        t.findings.append(
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "message": f.message,
                "field": f.fields[0] if f.fields else None,
                "url": RULES[f.rule].url,
            }
        )
    return t


def _within(inner: IPv4Network | IPv6Network, outer: IPv4Network | IPv6Network) -> bool:
    """`inner` lies in `outer`, both of one IP version."""
    if isinstance(inner, IPv4Network) and isinstance(outer, IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(inner, IPv6Network) and isinstance(outer, IPv6Network):
        return inner.subnet_of(outer)
    return False


def _vnet_rows(plan: AddressPlan) -> list[RangeRow]:
    out = []
    for p in plan.vnet_prefixes:
        inside = [s.name for s in plan.subnets if _within(s.prefix, p)]
        out.append(
            RangeRow(
                "VNet",
                plan.vnet_name,
                str(p),
                p.num_addresses,
                None,
                sum(s.prefix.num_addresses for s in plan.subnets if s.name in inside),
                "subnets " + ", ".join(inside) if inside else "no subnets",
            )
        )
    return out


_SUBNET_KIND = {"nodes": "node subnet", "pods": "pod subnet", "apiserver": "API server subnet"}


def _lives(plan: AddressPlan, s: SubnetPlan) -> str:
    """What lives in a subnet, in words."""
    lives = "; ".join(f"{what} {n:,}" for what, n in s.used_by) or ", ".join(s.roles)
    if s.used_max is not None:
        lives += f"; up to {s.used_max:,} when every node is full"
    for pool in plan.pools:
        if pool.pod_subnet == s.name and pool.static_blocks_per_node:
            lives += f"; pool {pool.name}: {pool.static_blocks_per_node} /28 blocks per node"
    return lives


def _subnet_rows(plan: AddressPlan) -> list[RangeRow]:
    caps = {(c.subnet, c.role): c for c in plan.capacity}
    out = []
    for s in plan.subnets:
        cap = caps.get((s.name, "pods")) or caps.get((s.name, "nodes"))
        row = _current(cap.rows) if cap else None
        label = " + ".join(_SUBNET_KIND[r] for r in s.roles if r in _SUBNET_KIND) or "subnet"
        out.append(
            RangeRow(
                label,
                s.name,
                str(s.prefix),
                s.prefix.num_addresses,
                s.usable,
                s.used,
                _lives(plan, s),
                cap.nodes_now if cap else None,
                row.nodes if row else None,
                row.nodes_with_surge if row else None,
                row.pods if row else None,
                row.pods_with_surge if row else None,
            )
        )
    return out


def _pod_cidr_rows(plan: AddressPlan) -> list[RangeRow]:
    out = []
    if plan.pods.kind == PodAddresses.pod_cidr:
        cc = plan.cluster_capacity
        for c, block in zip(plan.pods.cidrs, plan.pods.block_prefixlen):
            blocks = 1 << max(block - c.prefixlen, 0)
            out.append(
                RangeRow(
                    "pod CIDR",
                    "pods",
                    str(c),
                    c.num_addresses,
                    blocks,
                    len(plan.nodes),
                    f"pods: one /{block} per node ({blocks:,} blocks, shared by every subnet)",
                    len(plan.nodes),
                    cc.nodes if cc else None,
                    cc.nodes_with_surge if cc else None,
                )
            )
    elif plan.pods.kind == PodAddresses.unmanaged and plan.pods.cidrs:
        for c in plan.pods.cidrs:
            out.append(
                RangeRow(
                    "pod CIDR", "pods", str(c), c.num_addresses, None, None, f"pods, as {plan.pods.cni} allocates them"
                )
            )
    return out


def _service_rows(plan: AddressPlan) -> list[RangeRow]:
    out = []
    for c in plan.service_cidrs:
        # Kubernetes hands out ClusterIPs from the range minus its network (and v4 broadcast) address.
        usable = c.num_addresses - (2 if c.version == 4 else 1)
        primary = c == plan.service_cidrs[0]
        out.append(
            RangeRow(
                "service CIDR",
                "services",
                str(c),
                c.num_addresses,
                usable,
                2 if primary else 0,
                "ClusterIP virtual IPs" + (": kubernetes.default, kube-dns" if primary else ""),
            )
        )
    out.append(RangeRow("DNS service IP", "kube-dns", str(plan.dns_service_ip), 1, 1, 1, "kube-dns (CoreDNS)"))
    if plan.kubernetes_service_ip is not None:
        out.append(
            RangeRow(
                "kubernetes.default",
                "kubernetes",
                str(plan.kubernetes_service_ip),
                1,
                1,
                1,
                "the API server's Service (single-stack)",
            )
        )
    return out


def _named_rows(plan: AddressPlan) -> list[RangeRow]:
    """The docker bridge, the private DNS zone and the connected networks."""
    out = []
    if plan.docker_bridge is not None:
        out.append(
            RangeRow(
                "docker bridge",
                "docker0",
                str(plan.docker_bridge),
                plan.docker_bridge.network.num_addresses,
                None,
                None,
                "per-node bridge (legacy)",
            )
        )
    zone = plan.api_server.private_dns_zone
    if plan.api_server.private and zone and zone not in ("system", "none"):
        # The picture names the zone by its name; its whole resource ID is here.
        out.append(
            RangeRow(
                "private DNS zone",
                zone.rstrip("/").rsplit("/", 1)[-1],
                "",
                None,
                None,
                None,
                f"resolves the API server's private endpoint: {zone}",
            )
        )
    for name, kind, prefix in plan.connected:
        out.append(
            RangeRow(
                "connected",
                name,
                str(prefix),
                prefix.num_addresses,
                None,
                None,
                f"{kind}: must not overlap the cluster's ranges",
            )
        )
    return out


def _model_rows(plan: AddressPlan) -> list[ModelRow]:
    return [
        ModelRow(
            cap.subnet,
            r.model,
            r.max_pods_per_node,
            str(r.surge),
            r.nodes,
            r.nodes_with_surge,
            r.pods,
            r.pods_with_surge,
            r.pod_count.value,
            r.limited_by.value,
            r.current,
            r.pod_ips,
            r.pod_ips_with_surge,
        )
        for cap in plan.capacity
        for r in cap.rows
    ]


def _cluster(plan: AddressPlan) -> dict[str, Any]:
    cc = plan.cluster_capacity
    if cc is None:
        return {}
    return {
        "model": plan.model.value,
        "nodes_now": cc.nodes_now,
        "surge_now": cc.surge_now,
        "nodes_max": cc.nodes,
        "nodes_with_surge": cc.nodes_with_surge,
        "limited_by": cc.limited_by.value,
        "pod_cidr_blocks": cc.pod_cidr_blocks,
        "route_budget": cc.route_budget,
    }


def _n(v: int | None) -> str:
    return "" if v is None else f"{v:,}"


def _pods(r: ModelRow, with_surge: bool) -> str:
    v = r.pods_with_surge if with_surge else r.pods_max
    ips = r.pod_ips_with_surge if with_surge else r.pod_ips_max
    if r.pods_are == PodCount.full_nodes.value and ips is not None:
        return f"{_n(v)} ({_n(ips)} pod IPs)"
    if r.pods_are == PodCount.per_node.value:
        return f"up to {r.max_pods_per_node}/node"
    if r.pods_are == PodCount.unmanaged.value:
        return "CNI's IPAM"
    return _n(v) + (" pod IPs" if r.pods_are == PodCount.ip_budget.value else "")


def _surge_note(plan: AddressPlan) -> list[str]:
    """Say, with both sources, that a surge nobody set is an assumption."""
    if not any(p.surge.assumed for p in plan.pools):
        return []
    return [
        (
            'Surge "1, assumed": no maxSurge was set, so one node per pool is planned, as Learn\'s rolling '
            "upgrade page says (upgrade-aks-node-pools-rolling); the AKS release of 2023-10-01 made 10% the "
            "default for new clusters on 1.28 and later (best-practices-performance-scale-large agrees). Set "
            "upgradeSettings.maxSurge to plan with your own."
        ),
        "",
    ]


def markdown(plan: AddressPlan) -> str:
    t = plan_rows(plan)
    out = [f"# Address plan: {md_text(plan.cluster)} · {MODEL_NAMES[plan.model.value]}", ""]
    out += [
        (
            "| range | name | prefix | size | usable | planned | what lives there | nodes now | nodes max | "
            "with surge | pods max | pods with surge |"
        ),
        "|" + "---|" * 12,
    ]
    for r in t.ranges:
        out.append(
            "| "
            + " | ".join(
                md_text(x)
                for x in (
                    r.range,
                    r.name,
                    r.prefix,
                    _n(r.size),
                    _n(r.usable),
                    _n(r.planned),
                    r.lives,
                    _n(r.nodes_now),
                    _n(r.nodes_max),
                    _n(r.nodes_with_surge),
                    _n(r.pods_max),
                    _n(r.pods_with_surge),
                )
            )
            + " |"
        )
    out += [
        "",
        "## Capacity under each model",
        "",
        (
            "Nodes with surge: the most nodes that still leave room for an upgrade's surge nodes. "
            'Nodes and pods per node are independent limits where pods read "up to".'
        ),
        "",
        *_surge_note(plan),
        (
            "| subnet | model | max pods/node | surge | nodes max | nodes with surge | pods max | pods with surge "
            "| limited by | |"
        ),
        "|" + "---|" * 10,
    ]
    for m in t.models:
        out.append(
            "| "
            + " | ".join(
                md_text(x)
                for x in (
                    m.subnet,
                    MODEL_NAMES[m.model],
                    str(m.max_pods_per_node),
                    m.surge,
                    _n(m.nodes_max),
                    _n(m.nodes_with_surge),
                    _pods(m, False),
                    _pods(m, True),
                    m.limited_by,
                    "this cluster" if m.current else "",
                )
            )
            + " |"
        )
    if t.cluster:
        c = t.cluster
        out += [
            "",
            (
                f"Whole cluster: {c['nodes_now']:,} nodes now (upgrade surge {c['surge_now']}); at most "
                f"{c['nodes_max']:,}, {c['nodes_with_surge']:,} with surge (limit: {c['limited_by']})."
            ),
        ]
    out += ["", "## Findings", ""]
    if not t.findings:
        out.append("None.")
    for f in t.findings:
        field = f" {md_text(f['field'])}" if f["field"] else ""
        out.append(f"- **{f['severity']}** `{f['rule']}`{field}: {md_text(f['message'])} ([source]({f['url']}))")
    return "\n".join(out) + "\n"


CSV_COLUMNS = [
    "section",
    "range",
    "name",
    "prefix",
    "size",
    "usable",
    "planned",
    "lives",
    "model",
    "max_pods_per_node",
    "surge",
    "nodes_now",
    "nodes_max",
    "nodes_with_surge",
    "pods_max",
    "pods_with_surge",
    "pods_are",
    "pod_ips_max",
    "pod_ips_with_surge",
    "limited_by",
    "current",
    "rule",
    "severity",
    "message",
    "url",
]


def as_csv(plan: AddressPlan) -> str:
    t = plan_rows(plan)
    buf = io.StringIO()
    w = SafeDictWriter(buf, CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in t.ranges:
        w.writerow({"section": "range", **{k: v for k, v in r.__dict__.items() if v is not None}})
    for m in t.models:
        row = {k: v for k, v in m.__dict__.items() if v is not None}
        row["name"] = row.pop("subnet")
        w.writerow({"section": "capacity", **row})
    if t.cluster:
        c = t.cluster
        w.writerow(
            {
                "section": "cluster",
                "model": c["model"],
                "nodes_now": c["nodes_now"],
                "surge": c["surge_now"],
                "nodes_max": c["nodes_max"],
                "nodes_with_surge": c["nodes_with_surge"],
                "limited_by": c["limited_by"],
            }
        )
    for f in t.findings:
        w.writerow(
            {
                "section": "finding",
                "name": f["field"] or "",
                **{k: f[k] for k in ("rule", "severity", "message", "url")},
            }
        )
    return buf.getvalue()


def as_json(
    plan: AddressPlan, *, file: str | None = None, locate: Callable[[str], tuple[int | None, int | None]] | None = None
) -> str:
    """The plan in the common JSON convention (`report.envelope`): `file` names the input, `locate`
    gives a finding's field its line and column there."""
    t = plan_rows(plan)

    def finding(f: Any) -> dict[str, Any]:
        line, column = locate(f.fields[0]) if locate is not None and f.fields else (None, None)
        return envelope.finding(f, file, line, column)

    return envelope.dumps(
        "plan",
        {
            "file": envelope.file_name(file) if file is not None else None,
            "cluster": plan.cluster,
            "model": plan.model.value,
            "ranges": [r.__dict__ for r in t.ranges],
            "capacity": [m.__dict__ for m in t.models],
            "cluster_capacity": t.cluster,
            "findings": [finding(f) for f in plan.findings],
        },
    )


FORMATS = {"markdown": markdown, "csv": as_csv, "json": as_json}
