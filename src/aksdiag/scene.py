"""scene: AddressPlan -> Scene, what to draw. Pure; words but no D2 syntax.

Ids are generated here (`n0`, `blk3`), so no input string ever becomes a D2 key.
Shapes carry a style class that the templates define; the templates decide how a
class looks, the scene decides what exists and what it says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .derive.plan import AddressPlan, CrossNode, NodePlan, PoolPlan, Severity, SourceIP

DEFAULT_MAX_NODES = 4  # nodes drawn per pool; the rest are summarised in one shape

MODEL_TITLES = {
    "kubenet": "kubenet",
    "azure-cni-node-subnet": "Azure CNI (node subnet)",
    "azure-cni-overlay": "Azure CNI Overlay",
    "azure-cni-pod-subnet": "Azure CNI Pod Subnet",
    "byo-cni": "bring your own CNI",
}


@dataclass(frozen=True)
class Shape:
    id: str
    label: str
    cls: str
    icon: str | None = None
    children: tuple[Shape, ...] = ()
    marks: tuple[str, ...] = ()  # "unsupported", "drift": the templates give them a look


@dataclass(frozen=True)
class Edge:
    src: str  # dotted id path
    dst: str
    label: str
    cls: str  # routed | nat | virtual | assoc | pods | egress | control


@dataclass(frozen=True)
class Scene:
    model: str  # selects the template partial
    title: str
    subtitle: str
    shapes: tuple[Shape, ...]
    edges: tuple[Edge, ...]
    notes: tuple[str, ...]
    layout: str = "elk"
    direction: str = "right"
    sections: dict[str, str] = field(default_factory=dict)  # role -> top-level id, for partials

    @property
    def pod_space(self) -> Shape | None:
        """The model's own pod address space, drawn by its template partial."""
        pid = self.sections.get("pods")
        return next((s for s in self.shapes if s.id == pid), None)


def _nets(items) -> str:
    return ", ".join(str(i) for i in items)


def _shown(nodes: tuple[NodePlan, ...], limit: int) -> tuple[tuple[NodePlan, ...], tuple[NodePlan, ...]]:
    """Show the first nodes, and the last one so that ranges read first..last."""
    if len(nodes) <= limit:
        return nodes, ()
    head = nodes[: limit - 1] + (nodes[-1],)
    return head, nodes[limit - 1 : -1]


class _Ids:
    def __init__(self) -> None:
        self.node: dict[str, str] = {}  # node name -> dotted path
        self.block: dict[str, str] = {}
        self.pool: dict[str, str] = {}
        self.subnet: dict[str, str] = {}


def build_scene(plan: AddressPlan, *, max_nodes: int = DEFAULT_MAX_NODES, layout: str = "elk") -> Scene:
    ids = _Ids()
    edges: list[Edge] = []
    unsupported = {f.subject for f in plan.findings if f.severity == Severity.error and f.subject}

    vnet = _vnet(plan, ids, max_nodes, unsupported)
    shapes: list[Shape] = [vnet]
    sections = {"vnet": "vnet"}

    pods = _pod_space(plan, ids, max_nodes)
    if pods is not None:
        shapes.append(pods)
        sections["pods"] = pods.id

    shapes.append(_services(plan))
    shapes += _egress_shapes(plan)
    shapes.append(_api_server(plan))
    shapes.append(_capacity(plan))

    edges += _pod_edges(plan, ids)
    edges += _route_edges(plan, ids)
    edges += _egress_edges(plan, ids)
    edges += _api_edges(plan, ids)
    edges.append(Edge("svc", pods.id if pods is not None else "vnet", "ClusterIP → pod IPs (DNAT on the node)",
                      "virtual"))

    return Scene(
        model=plan.model.value,
        title=f"{plan.cluster} · {MODEL_TITLES[plan.model.value]}" + (" · dual-stack" if plan.dual_stack else ""),
        subtitle=_subtitle(plan),
        shapes=tuple(shapes),
        edges=tuple(edges),
        notes=_notes(plan),
        layout=layout,
        sections=sections,
    )


def _subtitle(plan: AddressPlan) -> str:
    parts = []
    if plan.resource_group:
        parts.append(f"resource group {plan.resource_group}")
    if plan.location:
        parts.append(plan.location)
    parts.append(f"VNet {_nets(plan.vnet_prefixes)}")
    if plan.pods.kind == "cidr":
        parts.append(f"pod CIDR {_nets(plan.pods.cidrs)}")
    elif plan.pods.kind == "pod-subnet":
        parts.append(f"pod subnet {_nets(plan.pods.cidrs)}")
    elif plan.pods.kind == "node-subnet":
        parts.append("pods in the node subnet")
    parts.append(f"service CIDR {_nets(plan.service_cidrs)}")
    parts.append(f"DNS {plan.dns_service_ip}")
    parts.append(f"outbound {plan.egress.outbound_type}")
    extra = []
    if plan.dataplane == "cilium":
        extra.append("dataplane Cilium")
    if plan.network_policy != "none":
        extra.append(f"network policy {plan.network_policy}")
    return " · ".join(parts + extra)


def _node_label(plan: AddressPlan, node: NodePlan) -> str:
    return "\n".join([node.name, " · ".join(str(ip) for ip in node.ips)])


def _pool(plan: AddressPlan, pool: PoolPlan, pid: str, path: str, ids: _Ids, max_nodes: int,
          unsupported: set[str]) -> Shape:
    shown, hidden = _shown(pool.nodes, max_nodes)
    children = []
    for k, node in enumerate(shown):
        nid = f"n{node.index}"
        ids.node[node.name] = f"{path}.{pid}.{nid}"
        icon = "windows" if pool.os == "Windows" else "vm"
        if node.reserved_pod_ips is not None:
            # Node-subnet CNI: the node's pods live in the node subnet, in IPs it reserved up front.
            first, last = node.reserved_pod_ips
            block = Shape("pods", f"pod IPs {first} – {last}\n{pool.max_pods} reserved up front", "podblock")
            children.append(Shape(nid, _node_label(plan, node), "nodebox", icon, (block,)))
        else:
            children.append(Shape(nid, _node_label(plan, node), "node", icon))
        if hidden and k == len(shown) - 2:
            first, last = hidden[0], hidden[-1]
            children.append(Shape(
                f"{pid}_more",
                f"… {len(hidden)} more nodes\n{first.ips[0]} – {last.ips[0]}",
                "more",
            ))
    label = (f"node pool {pool.name} · {pool.mode} · {pool.os}\n{pool.vm_size or 'VM size chosen by AKS'} · "
             f"{pool.count} nodes · "
             f"max {pool.max_pods} pods/node")
    if plan.dataplane == "cilium":
        label += "\non each node: Cilium eBPF dataplane, network policy, no kube-proxy"
    elif plan.network_policy != "none":
        label += f"\non each node: {plan.network_policy} network policy"
    marks = ("unsupported",) if pool.name in unsupported else ()
    if marks:
        label += "\nAKS would refuse this pool (see the notes)"
    ids.pool[pool.name] = f"{path}.{pid}"
    return Shape(pid, label, "pool", "vmss", tuple(children), marks)


def _vnet(plan: AddressPlan, ids: _Ids, max_nodes: int, unsupported: set[str]) -> Shape:
    children: list[Shape] = []
    for si, subnet in enumerate(plan.subnets):
        sid = f"sn{si}"
        path = f"vnet.{sid}"
        ids.subnet[subnet.name] = path
        sub_children: list[Shape] = []
        for pi, pool in enumerate(p for p in plan.pools if p.node_subnet == subnet.name):
            sub_children.append(_pool(plan, pool, f"pool{_pool_index(plan, pool)}", path, ids, max_nodes,
                                      unsupported))
        if "pods" in subnet.roles:
            sub_children += _pod_subnet_blocks(plan, subnet.name, path, ids, max_nodes)
        if plan.api_server.private and not plan.api_server.vnet_integration and si == _first_node_subnet(plan):
            sub_children.append(Shape("pe", "private endpoint\nAPI server", "endpoint", "private-endpoint"))
        if "apiserver" in subnet.roles:
            sub_children.append(Shape("apilb", "API server internal load balancer\n(delegated subnet)",
                                      "endpoint", "lb"))
        role = {"nodes": "node subnet", "pods": "pod subnet", "apiserver": "API server subnet"}
        kind = " + ".join(role[r] for r in subnet.roles if r in role) or "subnet"
        prefixes = str(subnet.prefix) + (f" · {subnet.prefix_v6}" if subnet.prefix_v6 and plan.dual_stack else "")
        label = f"{kind} {subnet.name} · {prefixes}\n{subnet.usable:,} usable · {subnet.used:,} planned for this cluster"
        if subnet.used_max is not None:
            label += f" (up to {subnet.used_max:,} when full)"
        if subnet.nsg:
            label += f"\nyour NSG {subnet.nsg} on the subnet"
        marks = ("unsupported",) if subnet.name in unsupported else ()
        children.append(Shape(sid, label, "subnet", "subnet", tuple(sub_children), marks))

    rt = plan.route_table
    if rt is not None:
        routes = []
        aks_routes = [x for x in rt.routes if x.origin == "aks"]
        user_routes = [x for x in rt.routes if x.origin == "user"]
        shown_aks = aks_routes if len(aks_routes) <= max_nodes * 2 else aks_routes[: max_nodes * 2 - 1]
        for k, route in enumerate(shown_aks + user_routes):
            hop = f"{route.next_hop_ip}" if route.next_hop_ip else ""
            who = "added by AKS" if route.origin == "aks" else "yours"
            label = f"{route.name}\n{route.prefix} → {hop} · {route.next_hop_type} · {who}"
            marks: tuple[str, ...] = ()
            if route.drift:
                label += f"\nDRIFT: {route.drift}"
                marks = ("drift",)
            routes.append(Shape(f"r{k}", label, "route", None, (), marks))
        if len(shown_aks) < len(aks_routes):
            routes.append(Shape("r_more", f"… {len(aks_routes) - len(shown_aks)} more node routes", "more"))
        if rt.byo:
            owner = "yours; AKS adds its routes" if rt.aks_routes else "yours; AKS adds no routes"
        else:
            owner = "created and kept by AKS"
        label = (f"route table {rt.name}\n{owner} · on subnet {', '.join(rt.subnets)} · "
                 f"{len(rt.routes)} of {rt.route_limit} routes")
        children.append(Shape("rt", label, "routetable", "route-table", tuple(routes)))

    children.append(Shape("nsg", f"NSG {plan.nsg_name}\non the node NICs", "nsg", "nsg"))
    managed = "AKS-managed VNet" if plan.vnet_managed else "VNet"
    label = f"{managed} {plan.vnet_name} · {_nets(plan.vnet_prefixes)}"
    return Shape("vnet", label, "vnet", "vnet", tuple(children))


def _pool_index(plan: AddressPlan, pool: PoolPlan) -> int:
    return plan.pools.index(pool)


def _first_node_subnet(plan: AddressPlan) -> int:
    names = [s.name for s in plan.subnets]
    return names.index(plan.pools[0].node_subnet)


def _pod_subnet_blocks(plan: AddressPlan, subnet: str, path: str, ids: _Ids, max_nodes: int) -> list[Shape]:
    out = []
    for pool in plan.pools:
        if pool.pod_subnet != subnet:
            continue
        if pool.pod_allocation == "StaticBlock":
            shown, hidden = _shown(pool.nodes, max_nodes)
            for node in shown:
                bid = f"blk{node.index}"
                ids.block[node.name] = f"{path}.{bid}"
                per = len(node.pod_blocks)
                label = f"{_nets(node.pod_blocks[:2])}{' …' if per > 2 else ''}\n{per} × /28 static block · {node.name}"
                out.append(Shape(bid, label, "podblock", None))
            if hidden:
                out.append(Shape(f"blk_more{_pool_index(plan, pool)}", f"… blocks of {len(hidden)} more nodes",
                                 "more"))
        else:
            bid = f"dyn{_pool_index(plan, pool)}"
            ids.block[pool.name] = f"{path}.{bid}"
            out.append(Shape(bid, f"pods of pool {pool.name}\nIPs allocated dynamically, in batches of 16\n"
                                  f"up to {pool.max_pods} per node", "podblock", None))
    return out


def _pod_space(plan: AddressPlan, ids: _Ids, max_nodes: int) -> Shape | None:
    pods = plan.pods
    if pods.kind == "cidr":
        blocks = []
        for pool in plan.pools:
            shown, hidden = _shown(pool.nodes, max_nodes)
            for node in shown:
                bid = f"blk{node.index}"
                ids.block[node.name] = f"pods.{bid}"
                source = " (from kubectl)" if node.pod_cidr_from_node_list else ""
                blocks.append(Shape(bid, f"{_nets(node.pod_blocks) or 'no pod CIDR'}\npods of {node.name}{source}",
                                    "podblock", None))
            if hidden:
                blocks.append(Shape(f"blk_more{_pool_index(plan, pool)}",
                                    f"… {len(hidden)} more /{pods.block_prefixlen[0]} blocks", "more"))
        per_node = " + ".join(f"/{p}" for p in pods.block_prefixlen)
        reach = "not routable in the VNet; nothing outside the cluster reaches a pod directly"
        label = f"pod CIDR {_nets(pods.cidrs)} · {per_node} per node\n{reach}"
        return Shape("pods", label, "podcidr", None, tuple(blocks))
    if pods.kind == "unmanaged":
        cidr = f" · pod CIDR {_nets(pods.cidrs)}" if pods.cidrs else ""
        label = (f"pod network: {pods.cni} (you install and run it){cidr}\n"
                 "AKS installs no CNI: pod IPs, routing, encapsulation and policy are the CNI's, not AKS's")
        return Shape("pods", label, "unmanaged", "pod", (
            Shape("cni", f"{pods.cni} CNI\nIPAM · pod routing · network policy", "cni", "pod"),
        ))
    return None  # node-subnet and pod-subnet pods live inside the VNet


def _services(plan: AddressPlan) -> Shape:
    first = plan.kubernetes_service_ip or plan.service_cidrs[0].network_address + 1
    who = "Cilium eBPF on each node (no kube-proxy)" if plan.service_proxy == "cilium" else "kube-proxy on each node"
    return Shape(
        "svc",
        f"service CIDR {_nets(plan.service_cidrs)}\nvirtual IPs: not routed in the VNet, answered by {who}",
        "services",
        "service",
        (
            Shape("dns", f"kube-dns (CoreDNS)\n{plan.dns_service_ip}", "svcip", "dns"),
            Shape("kapi", f"kubernetes.default\n{first}", "svcip", "service"),
        ),
    )


def _egress_shapes(plan: AddressPlan) -> list[Shape]:
    e = plan.egress
    out = [Shape("internet", "Internet", "internet", None)]
    if e.device == "loadBalancer":
        out.append(Shape("lb", f"load balancer kubernetes · {plan.load_balancer_sku}\noutbound rules: SNAT to the "
                                "public IP · inbound: LoadBalancer services", "lb", "lb"))
        out.append(Shape("pip", f"public IP · outbound{' × ' + str(e.public_ip_count) if e.public_ip_count > 1 else ''}",
                         "pip", "public-ip"))
    elif e.device == "natGateway":
        who = "managed by AKS" if e.managed else "yours, on the node subnet"
        ips = f"its {e.public_ip_count} public IPs" if e.managed and e.public_ip_count > 1 else "its public IP"
        out.append(Shape("natgw", f"NAT gateway · {who}\nSNAT to {ips}", "natgw", "nat"))
        out.append(Shape("lb", f"load balancer kubernetes · {plan.load_balancer_sku}\ninbound: LoadBalancer services",
                         "lb", "lb"))
    elif e.device == "firewall":
        hop = f" {e.next_hop_ip}" if e.next_hop_ip else ""
        out.append(Shape("fw", f"firewall / NVA{hop}\nnext hop of 0.0.0.0/0 · SNAT to its public IP",
                         "firewall", "firewall"))
        out.append(Shape("lb", f"load balancer kubernetes · {plan.load_balancer_sku}\ninbound: LoadBalancer services",
                         "lb", "lb"))
    else:
        out.append(Shape("noegress", "outboundType none\nno outbound path is set up: you provide one", "more"))
    return out


def _api_server(plan: AddressPlan) -> Shape:
    api = plan.api_server
    if api.private:
        zone = api.private_dns_zone or "system"
        zone_text = "private DNS zone managed by AKS" if zone == "system" else (
            "no private DNS zone (you resolve it)" if zone == "none" else f"private DNS zone {zone}")
        fqdn = " · public FQDN too" if api.public_fqdn else ""
        how = "VNet integration" if api.vnet_integration else "private endpoint"
        label = f"API server · private ({how})\n{zone_text}{fqdn}"
    else:
        ranges = f"\nauthorized IP ranges {_nets(api.authorized_ranges)}" if api.authorized_ranges else ""
        label = f"API server · public FQDN\nAKS control plane, outside your VNet{ranges}"
    if api.vnet_integration and not api.private:
        label = "API server · VNet integration\nreached through an internal load balancer; public FQDN too"
    return Shape("api", label, "api", "api-server")


def _capacity_row(row) -> str:
    titles = {**MODEL_TITLES, "azure-cni-node-subnet": "Azure CNI node subnet"}
    mark = "  ◀ this cluster" if row.current else ""
    surge = f"{row.nodes_with_surge:,} with surge {row.surge}"
    if row.pod_count == "reserved":
        text = (f"{row.nodes:,} nodes / {row.pods:,} pods at {row.max_pods_per_node} pods per node; {surge} "
                f"({row.pods_with_surge:,} pods)")
    elif row.pod_count == "ip-budget":
        text = (f"{row.nodes:,} full nodes at {row.max_pods_per_node} pods per node, {surge}; "
                f"{row.pods:,} pod IPs")
    elif row.pod_count == "per-node":
        text = f"{row.nodes:,} nodes, {surge}; up to {row.max_pods_per_node} pods per node"
    else:
        text = f"{row.nodes:,} nodes, {surge}; pods as your CNI's IPAM allows"
    return f"{titles[row.model]}: {text} (limit: {row.limited_by}){mark}"


def _capacity(plan: AddressPlan) -> Shape:
    children = []
    for ci, cap in enumerate(plan.capacity):
        rows = [_capacity_row(row) for row in cap.rows]
        what = "pod subnet" if cap.role == "pods" else "subnet"
        label = f"what {what} {cap.subnet} ({cap.prefix}, {cap.usable:,} usable) holds\n" + "\n".join(rows)
        children.append(Shape(f"cap{ci}", label, "capacity", None))
    return Shape("capacity", "address capacity", "panel", None, tuple(children))


def _pod_edges(plan: AddressPlan, ids: _Ids) -> list[Edge]:
    out = []
    for node in plan.nodes:
        src, blk = ids.node.get(node.name), ids.block.get(node.name)
        if src and blk:
            blocks = " + ".join(f"/{p}" for p in plan.pods.block_prefixlen)
            label = f"pods {blocks}" if plan.pods.kind == "cidr" else "pod IPs"
            out.append(Edge(src, blk, label, "pods"))
    for pool in plan.pools:
        blk = ids.block.get(pool.name)
        if blk and pool.name in ids.pool:
            out.append(Edge(ids.pool[pool.name], blk, "pod IPs", "pods"))
    return out


def _route_edges(plan: AddressPlan, ids: _Ids) -> list[Edge]:
    rt = plan.route_table
    if rt is None:
        return []
    out = [Edge("vnet.rt", ids.subnet[s], "associated", "assoc") for s in rt.subnets if s in ids.subnet]
    return out


def _egress_edges(plan: AddressPlan, ids: _Ids) -> list[Edge]:
    e = plan.egress
    pods = plan.pods
    if pods.source_outside_vnet == SourceIP.node:
        snat = "pod egress: SNAT to the node IP"
    else:
        snat = "pod egress: source is the pod IP"
    if pods.kind == "node-subnet":
        snat = "pod IP inside the VNet; SNAT to the node IP outside it"
    if pods.kind == "unmanaged":
        snat = "pod egress: as the CNI does it"
    first_pool = ids.pool[plan.pools[0].name]
    out = [Edge("vnet.nsg", first_pool, "filters", "assoc")]
    if e.device == "loadBalancer":
        for p in plan.pools:
            out.append(Edge(ids.pool[p.name], "lb", snat if p is plan.pools[0] else "egress", "nat"))
        out += [Edge("lb", "pip", "SNAT to public IP", "nat"), Edge("pip", "internet", "outbound", "egress")]
        out.append(Edge("internet", "lb", "inbound to services", "routed"))
    elif e.device == "natGateway":
        for p in plan.pools:
            out.append(Edge(ids.pool[p.name], "natgw", snat if p is plan.pools[0] else "egress", "nat"))
        out += [Edge("natgw", "internet", "SNAT to NAT gateway IP", "egress"),
                Edge("internet", "lb", "inbound to services", "routed")]
    elif e.device == "firewall":
        for p in plan.pools:
            out.append(Edge(ids.pool[p.name], "fw", "0.0.0.0/0 via route table" if p is plan.pools[0] else "egress",
                            "routed"))
        out += [Edge("fw", "internet", "SNAT at the firewall", "egress"),
                Edge("internet", "lb", "inbound to services: DNAT at the firewall or an internal LB", "routed")]
    if pods.cross_node == CrossNode.udr and plan.route_table is not None:
        out.append(Edge(first_pool, "vnet.rt", "pod to pod across nodes: next hop node IP", "routed"))
    return out


def _api_edges(plan: AddressPlan, ids: _Ids) -> list[Edge]:
    first_pool = ids.pool[plan.pools[0].name]
    api = plan.api_server
    if api.private and not api.vnet_integration:
        pe = f"{ids.subnet[plan.pools[0].node_subnet]}.pe"
        return [Edge(first_pool, pe, "kubelet to API", "control"), Edge(pe, "api", "Private Link", "control")]
    if api.vnet_integration and api.subnet and api.subnet in ids.subnet:
        ilb = f"{ids.subnet[api.subnet]}.apilb"
        return [Edge(first_pool, ilb, "kubelet to API", "control"), Edge(ilb, "api", "", "control")]
    return [Edge(first_pool, "api", "kubelet to API (public FQDN)", "control")]


def _notes(plan: AddressPlan) -> tuple[str, ...]:
    notes = []
    pods = plan.pods
    cross = {
        CrossNode.udr: "pod to pod across nodes: through the route table (one route per node), an extra hop",
        CrossNode.vnet: "pod to pod across nodes: direct, pod IPs are VNet IPs",
        CrossNode.overlay: "pod to pod across nodes: Azure routes the pod CIDR; no route table, no encapsulation",
        CrossNode.cni: "pod to pod across nodes: whatever your CNI does",
    }[pods.cross_node]
    notes.append(cross)
    if pods.kind == "unmanaged":
        notes.append("source IP of pod traffic: whatever your CNI does (masquerade or not); AKS does not set it")
    else:
        src_in = "the pod IP" if pods.source_in_vnet == SourceIP.pod else "the node IP"
        src_out = "the pod IP" if pods.source_outside_vnet == SourceIP.pod else "the node IP"
        notes.append(f"source IP seen inside the VNet: {src_in}; outside it: {src_out}")
    if plan.dual_stack:
        notes.append("dual-stack: every node and pod has an IPv4 and an IPv6 address; NAT stays within the family")
    if plan.dataplane == "cilium":
        notes.append("dataplane: Cilium (eBPF) on every node replaces kube-proxy and enforces network policy")
    elif plan.network_policy != "none":
        notes.append(f"network policy: {plan.network_policy}, enforced on every node")
    if plan.docker_bridge is not None:
        notes.append(f"docker bridge (legacy) {plan.docker_bridge} on each node")
    assumed = list(plan.assumed)
    if "vnet.subnets[].addressPrefix" in assumed:
        assumed = [a for a in assumed if not a.startswith("vnet.")]
        notes.append("VNet and subnet prefixes are placeholders: az aks show names the subnets but not their "
                     "ranges (render with --vnet vnet.json for the real ones); node IPs follow from them")
    if assumed:
        notes.append("assumed (AKS defaults, not in the input): " + ", ".join(assumed))
    for f in plan.findings:
        if f.severity == Severity.error:
            notes.append(f"AKS would refuse this: {f.message}")
        elif f.severity == Severity.warning:
            notes.append(f"warning: {f.message}")
        else:
            notes.append(f.message)
    return tuple(notes)
