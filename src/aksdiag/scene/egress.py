"""The packet's way out: from a node through each SNAT point, with the source IP at each hop.

The overview draws the short chain; the egress view draws it with the pod, the NSG and
the route that sends it, one hop per edge. Inbound traffic is named on the load balancer,
not drawn as an edge back into the chain (that edge closed a cycle and bent the layout).
"""

from __future__ import annotations

from ..derive.plan import AddressPlan, NodePlan, SourceIP
from ..derive.profiles import profile_of
from .fit import Detail, note_width, short, wrap
from .network import RICH, firewall_in_hub, firewall_label, firewall_names, surround
from .parts import full_names, header, nets, node_shape, pods_label, vnet_label, vnet_tooltip
from .types import Edge, EdgeKind, Scene, Shape, ShapeKind, View

CIRCLED = "①②③④⑤⑥⑦⑧⑨"


def step(n: int) -> str:
    return CIRCLED[n - 1] if 0 < n <= len(CIRCLED) else f"({n})"


def source_leaving(plan: AddressPlan, node: NodePlan) -> tuple[str, EdgeKind]:
    """The source a pod's packet carries when it leaves the node for outside the VNet."""
    src = profile_of(plan).source_outside_vnet
    if src is None:
        return "source: as your CNI sets it", EdgeKind.egress
    if src == SourceIP.node:
        return f"source {node.ips[0]} (node IP)", EdgeKind.snat
    return "source: pod IP", EdgeKind.egress


def device_shapes(plan: AddressPlan, detail: bool = False, words: Detail = RICH) -> list[Shape]:
    e = plan.egress
    out = []
    if e.device == "loadBalancer":
        ips = f"{e.public_ip_count} public IPs" if e.public_ip_count > 1 else "its public IP"
        inbound = "\nalso inbound: LoadBalancer services" if detail else ""
        out.append(Shape("out", f"load balancer\nSNAT to {ips}{inbound}", ShapeKind.lb, "lb"))
    elif e.device == "natGateway":
        name = f" {short(e.nat_gateway, words.name)}" if e.nat_gateway else ""
        on = short(e.nat_subnet or "", words.name)
        who = "managed by AKS" if e.managed else f"yours, on the {_nat_role(plan)} {on}"
        ips = f"its {e.public_ip_count} public IPs" if e.public_ip_count > 1 else "its public IP"
        label = wrap(f"NAT gateway{name} · {who}\nSNAT to {ips}", words.line)
        tooltip = full_names(e.nat_gateway, e.nat_subnet, limit=words.name)
        out.append(Shape("out", label, ShapeKind.natgw, "nat", tooltip=tooltip))
    elif e.device == "firewall":
        fw = plan.network.firewall if plan.network else None
        out.append(
            Shape(
                "out",
                firewall_label(plan, fw, words),
                ShapeKind.firewall,
                "firewall",
                tooltip=firewall_names(fw, words),
            )
        )
    else:
        out.append(Shape("out", "outboundType none\nno outbound path: you provide one", ShapeKind.more))
    if e.device != "none":
        out.append(Shape("internet", "Internet", ShapeKind.internet))
    return out


def _nat_role(plan: AddressPlan) -> str:
    """Which subnet's NAT gateway translates the packet: the pod subnet's with Pod Subnet (the packet
    carries the pod IP), the node subnet's otherwise."""
    sub = next((s for s in plan.subnets if s.name == plan.egress.nat_subnet), None)
    return "pod subnet" if sub is not None and "pods" in sub.roles and "nodes" not in sub.roles else "node subnet"


def device_path(plan: AddressPlan) -> str:
    """Where the egress device sits: inside the hub when the firewall lives there."""
    return "hub.out" if plan.egress.device == "firewall" and firewall_in_hub(plan) else "out"


def chain(
    plan: AddressPlan,
    node_path: str,
    node: NodePlan,
    first: int,
    detail: bool = False,
    terse: bool = False,
    words: Detail = RICH,
) -> tuple[list[Shape], list[Edge], str]:
    """Shapes and numbered edges from the node out, and one line that explains the steps;
    `terse` labels the edges by their numbers alone (the line says the rest)."""
    e = plan.egress
    out = device_path(plan)
    leaving, kind = source_leaving(plan, node)
    shapes = device_shapes(plan, detail and not terse, words)
    a, b = step(first), step(first + 1)
    if e.device == "none":
        return (
            shapes,
            [Edge(node_path, out, a if terse else f"{a} no default route out", EdgeKind.egress)],
            f"{a} outboundType none: AKS sets up no way out; your route or appliance must provide it",
        )
    via = f"0.0.0.0/0 → {e.next_hop_ip}\n" if e.device == "firewall" and e.next_hop_ip else ""
    where = {"loadBalancer": "the load balancer", "natGateway": "the NAT gateway", "firewall": "the firewall"}[e.device]
    device = {"loadBalancer": "LB", "natGateway": "NAT GW", "firewall": "firewall"}[e.device]
    fw = plan.network.firewall if plan.network else None
    public = (
        f"source {nets(fw.public_ips)}\n({device} public IP)"
        if e.device == "firewall" and fw and fw.public_ips
        else f"source: {device} public IP"
    )
    edges = [
        Edge(node_path, out, a if terse else f"{a} {via}{leaving}", kind),
        Edge(out, "internet", b if terse else f"{b} {public}", EdgeKind.snat),
    ]
    what = {SourceIP.node: f"the node IP {node.ips[0]}", SourceIP.pod: "the pod IP", None: "the source your CNI sets"}[
        profile_of(plan).source_outside_vnet
    ]
    route = f" (route {via.strip()})" if via and terse else ""
    note = (
        f"{a} a pod's packet to the Internet leaves the node with {what}{route}   "
        f"{b} {where} rewrites it to its public IP"
    )
    return shapes, edges, note


# One signature for every view: the registry passes `exact` by keyword; this view has no use for it.
def build(plan: AddressPlan, *, detail: Detail, exact: bool = False, layout: str) -> Scene:  # noqa: ARG001
    prof = profile_of(plan)
    pool = plan.pools[0]
    node = pool.nodes[0]
    nshape = node_shape(plan, pool, node, 0)
    pod_ip = pods_label(plan, pool, node)
    subnet = next(s for s in plan.subnets if s.name == pool.node_subnet)
    # Terse: the node straight in its subnet, the NSG named in the notes rather than drawn.
    inner = (nshape,) if detail.terse else (Shape("pool", f"pool {pool.name}", ShapeKind.pool, None, (nshape,)),)
    pool_line = f"\npool {pool.name}" if detail.terse else ""
    sub = Shape(
        "sn",
        wrap(f"node subnet {short(subnet.name, detail.name)} · {subnet.prefix}", detail.line) + pool_line,
        ShapeKind.subnet,
        None,
        inner,
        tooltip=full_names(subnet.name, limit=detail.name),
    )
    children = [sub]
    edges: list[Edge] = []
    node_path = "vnet.sn.n0.pods" if detail.terse else "vnet.sn.pool.n0.pods"  # the packet starts at a pod
    nsg_name = short(plan.nsg_name, detail.name)
    if not detail.terse:
        children.append(
            Shape(
                "nsg",
                f"NSG {nsg_name}\non the node NICs",
                ShapeKind.nsg,
                "nsg",
                tooltip=full_names(plan.nsg_name, limit=detail.name),
            )
        )
        # To the node, whose NIC the NSG is on: drawn to its pods, the edge ran through the subnet's
        # and the pool's labels, and its own label hid the subnet's name.
        edges.append(Edge("vnet.nsg", node_path.removesuffix(".pods"), "filters", EdgeKind.assoc))
    shapes, chain_edges, note = chain(plan, node_path, node, 1, detail=True, terse=detail.terse, words=detail)
    shapes, around = surround(plan, shapes, detail=True, words=detail)
    if detail.focus:  # one topic, the way out: on-premises is the overview's
        gone = {sh.id for sh in shapes if sh.kind == ShapeKind.onprem or sh.id == "onpremmore"}
        shapes = [sh for sh in shapes if sh.id not in gone]
        around = [e for e in around if e.src.split(".")[0] not in gone and e.dst.split(".")[0] not in gone]
    chain_edges += around
    vlabel = vnet_label(plan, detail, inside=children)
    vnet = Shape("vnet", vlabel, ShapeKind.vnet, "vnet", tuple(children), tooltip=vnet_tooltip(plan, vlabel))
    title, subtitle = header(plan, prof, "egress", detail)
    src_in = profile_of(plan).source_in_vnet
    inside = {
        None: "as your CNI sets it",
        SourceIP.pod: f"the pod IP ({pod_ip.removeprefix('pods ')})",
        SourceIP.node: f"the node IP {node.ips[0]}",
    }[src_in]
    notes = (note, f"inside the VNet a pod's packet carries {inside}; the NSG {nsg_name} filters the node NICs")
    return Scene(
        View.egress,
        plan.model.value,
        title,
        subtitle,
        (vnet, *shapes),
        tuple(edges + chain_edges),
        tuple(wrap(n, note_width(detail), "   ") for n in notes),
        layout,
        "down" if detail.portrait or detail.stack else "right",
    )
