"""Compare two address plans by the facts they derive, not by their YAML.

`facts(plan)` flattens a plan into keyed facts (topic, subject) -> value; `compare`
matches two such lists by key. Values are facts (addresses, counts, enum values), never
sentences: the report and the scene choose the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .plan import AddressPlan, PodAddresses


class Topic(StrEnum):
    """What a fact is about; the order here is the order of the table."""

    model = "model"
    pod_ip_source = "pod-ip-source"
    pod_cidr = "pod-cidr"
    pod_subnet = "pod-subnet"
    node_pod_block = "node-pod-block"
    cross_node = "cross-node"
    route_table = "route-table"
    route = "route"
    source_in_vnet = "source-in-vnet"
    source_leaving = "source-leaving"
    egress_device = "egress-device"
    egress_public = "egress-public"
    service_cidr = "service-cidr"
    dns_ip = "dns-ip"
    node_ip = "node-ip"
    vnet_used = "vnet-used"
    nodes_fit = "nodes-fit"
    pods_fit = "pods-fit"
    nodes_fit_surge = "nodes-fit-surge"
    pods_fit_surge = "pods-fit-surge"
    api_server = "api-server"
    finding = "finding"


TOPIC_ORDER = {t: i for i, t in enumerate(Topic)}


class Change(StrEnum):
    added = "added"
    removed = "removed"
    changed = "changed"
    kept = "kept"


@dataclass(frozen=True)
class Fact:
    topic: Topic
    subject: str  # what the fact is about within its topic: a node, a subnet, a prefix, a rule id
    value: str

    @property
    def key(self) -> tuple[Topic, str]:
        return (self.topic, self.subject)


@dataclass(frozen=True)
class Row:
    topic: Topic
    subject: str
    change: Change
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Comparison:
    before: AddressPlan
    after: AddressPlan
    rows: tuple[Row, ...]

    def of(self, topic: Topic, change: Change | None = None) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.topic == topic and (change is None or r.change == change))

    def row(self, topic: Topic, subject: str = "") -> Row | None:
        return next((r for r in self.rows if r.topic == topic and r.subject == subject), None)

    @property
    def differences(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.change != Change.kept)


def facts(plan: AddressPlan) -> list[Fact]:
    """Every fact a reviewer compares between two designs, keyed so that the same thing matches."""
    out: list[Fact] = [Fact(Topic.model, "", plan.model.value)]
    out += _pod_address_facts(plan)
    out += _node_facts(plan)
    out.append(Fact(Topic.cross_node, "", plan.pods.cross_node.value))
    out += _route_facts(plan)
    out += _egress_facts(plan)
    out += [Fact(Topic.service_cidr, f"IPv{c.version}", str(c)) for c in plan.service_cidrs]
    out.append(Fact(Topic.dns_ip, "", str(plan.dns_service_ip)))
    out += [Fact(Topic.vnet_used, s.name, f"{s.used}/{s.usable}") for s in plan.subnets]
    out += _capacity_facts(plan)
    api = plan.api_server
    path = "vnet-integration" if api.vnet_integration else ("private-endpoint" if api.private else "public")
    out.append(Fact(Topic.api_server, "", path + (" +public-fqdn" if api.private and api.public_fqdn else "")))
    out += [
        Fact(Topic.finding, f.rule + (f":{f.subject}" if f.subject else ""), f.severity.value) for f in plan.findings
    ]
    return out


def _pod_address_facts(plan: AddressPlan) -> list[Fact]:
    """Where pod IPs come from: the pod CIDRs, or each pool's pod subnet."""
    pods = plan.pods
    out = [Fact(Topic.pod_ip_source, "", pods.kind)]
    if pods.kind in (PodAddresses.pod_cidr, PodAddresses.unmanaged):
        out += [Fact(Topic.pod_cidr, f"IPv{c.version}", str(c)) for c in pods.cidrs]
    if pods.kind == PodAddresses.pod_subnet:
        for pool in plan.pools:
            if pool.pod_subnet:
                prefix = next(s.prefix for s in plan.subnets if s.name == pool.pod_subnet)
                out.append(Fact(Topic.pod_subnet, pool.name, f"{pool.pod_subnet} {prefix}"))
    return out


def _node_facts(plan: AddressPlan) -> list[Fact]:
    """Each node's IPs and its pod block (or the pod IPs kept for it in the node subnet)."""
    out = []
    for node in plan.nodes:
        subject = f"{node.pool}[{node.index}]"
        out.append(Fact(Topic.node_ip, subject, ", ".join(map(str, node.ips))))
        if node.pod_blocks:
            out.append(Fact(Topic.node_pod_block, subject, ", ".join(map(str, node.pod_blocks))))
        elif node.reserved_pod_ips is not None:
            first, last = node.reserved_pod_ips
            out.append(Fact(Topic.node_pod_block, subject, f"{first}-{last}"))
    return out


def _route_facts(plan: AddressPlan) -> list[Fact]:
    rt = plan.route_table
    if rt is None:
        return []
    out = [Fact(Topic.route_table, "", f"{rt.name} ({'byo' if rt.byo else 'aks'})")]
    for route in rt.routes:
        hop = f" {route.next_hop_ip}" if route.next_hop_ip is not None else ""
        out.append(Fact(Topic.route, str(route.prefix), f"{route.next_hop_type}{hop} ({route.origin})"))
    return out


def _egress_facts(plan: AddressPlan) -> list[Fact]:
    """The source IP inside the VNet and leaving it, and the way out."""
    eg = plan.egress
    out = [
        Fact(Topic.source_in_vnet, "", plan.pods.source_in_vnet.value),
        Fact(Topic.source_leaving, "", eg.pod_snat.value),
        Fact(Topic.egress_device, "", eg.outbound_type),
    ]
    if eg.device in ("loadBalancer", "natGateway"):
        out.append(Fact(Topic.egress_public, "", f"{eg.device} public IP x{eg.public_ip_count}"))
    elif eg.device == "firewall":
        out.append(Fact(Topic.egress_public, "", f"firewall {eg.next_hop_ip or '?'}"))
    return out


def _capacity_facts(plan: AddressPlan) -> list[Fact]:
    """Nodes and pods that fit each subnet today, and with an upgrade's surge."""
    out = []
    for cap in plan.capacity:
        current = next((row for row in cap.rows if row.current), None)
        if current is None:
            continue
        per_node = f"up to {current.max_pods_per_node} per node"
        out.append(Fact(Topic.nodes_fit, cap.subnet, f"{current.nodes} ({current.limited_by.value})"))
        out.append(Fact(Topic.pods_fit, cap.subnet, str(current.pods) if current.pods is not None else per_node))
        out.append(Fact(Topic.nodes_fit_surge, cap.subnet, f"{current.nodes_with_surge} (surge {current.surge})"))
        out.append(
            Fact(
                Topic.pods_fit_surge,
                cap.subnet,
                str(current.pods_with_surge) if current.pods_with_surge is not None else per_node,
            )
        )
    return out


def compare(before: AddressPlan, after: AddressPlan) -> Comparison:
    a, b = facts(before), facts(after)
    a_by, b_by = {f.key: f for f in a}, {f.key: f for f in b}
    keys = list(dict.fromkeys([f.key for f in a] + [f.key for f in b]))
    keys.sort(key=lambda k: TOPIC_ORDER[k[0]])  # stable: keeps each plan's own order within a topic
    rows = []
    for key in keys:
        fa, fb = a_by.get(key), b_by.get(key)
        if fa is None:
            change = Change.added
        elif fb is None:
            change = Change.removed
        else:
            change = Change.kept if fa.value == fb.value else Change.changed
        rows.append(Row(key[0], key[1], change, fa.value if fa else None, fb.value if fb else None))
    return Comparison(before, after, tuple(rows))
