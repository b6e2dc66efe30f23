"""Alt text for a diagram, written from the address plan: the words a screen reader (or a
search engine, or a slide's notes) gets instead of the picture. Facts come from the plan;
the wording lives here."""

from __future__ import annotations

from ..derive.plan import AddressPlan, PodAddresses, SourceIP
from ..derive.profiles import MODEL_NAMES

EGRESS_DEVICES = {
    "loadBalancer": "a load balancer",
    "natGateway": "a NAT gateway",
    "firewall": "a firewall or appliance (user-defined route)",
    "none": "no outbound path",
}


def _join(items) -> str:
    items = [str(i) for i in items]
    return ", ".join(items) if items else "none"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def alt_text(plan: AddressPlan) -> str:
    """One paragraph: cluster, network model, address ranges, node count, egress."""
    model = MODEL_NAMES.get(plan.model.value, str(plan.model))
    if plan.network_policy and plan.network_policy != "none":
        model += f", network policy {plan.network_policy}"
    families = " and ".join(plan.ip_families)
    vnet = f"{'AKS-managed' if plan.vnet_managed else 'own'} VNet {plan.vnet_name} ({_join(plan.vnet_prefixes)})"
    subnets = "; ".join(
        f"subnet {s.name} {s.prefix}"
        + (f" and {s.prefix_v6}" if s.prefix_v6 else "")
        + (f" for {', '.join(s.roles)}" if s.roles else "")
        for s in plan.subnets
    )
    if plan.pods.kind == PodAddresses.pod_cidr:
        pods = f"pod CIDR {_join(plan.pods.cidrs)}, one /{'+/'.join(map(str, plan.pods.block_prefixlen))} per node"
    elif plan.pods.kind == PodAddresses.node_subnet:
        pods = "pods take addresses from the node subnet"
    elif plan.pods.kind == PodAddresses.pod_subnet:
        pods = "pods take addresses from the pod subnet"
    else:
        pods = "pod addresses are managed by the cluster's own CNI"
    nodes = len(plan.nodes)
    pools = len(plan.pools)
    egress = (
        f"Egress ({plan.egress.outbound_type}) through {EGRESS_DEVICES.get(plan.egress.device, plan.egress.device)}; "
        f"a pod's packet leaves with the {'pod' if plan.egress.pod_snat == SourceIP.pod else 'node'} IP "
        "as its source"
    )
    parts = [
        f"Network diagram of AKS cluster {plan.cluster}: {model}, {families}.",
        _sentence(f"{vnet}; {subnets}" if subnets else vnet),
        f"{_sentence(pods)[:-1]}; service CIDR {_join(plan.service_cidrs)}, cluster DNS {plan.dns_service_ip}.",
        f"{nodes} node{'s' if nodes != 1 else ''} in {pools} pool{'s' if pools != 1 else ''}.",
        f"{egress}.",
    ]
    if plan.route_table is not None:
        parts.append(f"Route table {plan.route_table.name} with {len(plan.route_table.routes)} routes.")
    errors = [f for f in plan.findings if str(f.severity) == "error"]
    if errors:
        parts.append(f"Marked as unsupported by AKS: {'; '.join(f.rule for f in errors)}.")
    return " ".join(parts)
