"""The scene's vocabulary: shapes, edges, one board per view. No D2 syntax here.

Kinds are enums; each names a class that the templates define, so the templates decide
how a kind looks and the scene decides what exists and what it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..options import View

__all__ = ["Edge", "EdgeKind", "Mark", "Scene", "Shape", "ShapeKind", "View"]


class ShapeKind(StrEnum):
    vnet = "vnet"
    subnet = "subnet"
    pool = "pool"
    node = "node"
    pods_vnet = "pods_vnet"  # pod addresses from a VNet subnet
    pods_overlay = "pods_overlay"  # from a pod CIDR outside the VNet
    pods_cni = "pods_cni"  # the user's CNI decides
    more = "more"  # a summary of what is not drawn
    routetable = "routetable"
    route = "route"
    nsg = "nsg"
    services = "services"
    svcip = "svcip"
    lb = "lb"
    natgw = "natgw"
    firewall = "firewall"
    internet = "internet"
    api = "api"
    endpoint = "endpoint"
    table = "table"  # a grid of cells; nothing connects to it
    cell = "cell"
    head = "head"  # a table's header cell
    text = "text"
    frame = "frame"  # an invisible grid that places its children; nothing connects to it
    hub = "hub"  # the peered hub VNet
    gateway = "gateway"  # an ExpressRoute or VPN gateway in the hub
    onprem = "onprem"  # on-premises ranges behind a gateway
    dnszone = "dnszone"  # a private DNS zone


class EdgeKind(StrEnum):
    """What a line means; the legend lists the kinds a board draws."""

    pod_path = "pod_path"  # a pod's packet to another node's pods
    snat = "snat"  # the packet leaves with a rewritten source
    egress = "egress"  # the packet leaves without a rewrite
    control = "control"  # node to API server
    assoc = "assoc"  # attached to, not traffic
    peering = "peering"  # VNet peering, or a gateway's link to on-premises


LEGEND = {
    EdgeKind.pod_path: "pod to pod across nodes",
    EdgeKind.snat: "outbound, source NAT",
    EdgeKind.egress: "outbound, source kept",
    EdgeKind.control: "node to API server",
    EdgeKind.assoc: "attached to",
    EdgeKind.peering: "peering / gateway link",
}


class Mark(StrEnum):
    unsupported = "unsupported"
    drift = "drift"


@dataclass(frozen=True)
class Shape:
    id: str
    label: str
    kind: StrEnum  # a ShapeKind (or a compare kind): the class the templates draw it with
    icon: str | None = None
    children: tuple[Shape, ...] = ()
    marks: tuple[StrEnum, ...] = ()  # Mark (or a compare change)
    tooltip: str | None = None  # the full name behind a short label
    columns: int | None = None  # lay children out as a grid; only where no edge enters
    rows: int | None = None  # with columns: fill the grid row by row (a table), as d2 does when rows come first


@dataclass(frozen=True)
class Edge:
    src: str  # dotted id path
    dst: str
    label: str
    kind: EdgeKind


@dataclass(frozen=True)
class Scene:
    view: View
    model: str
    title: str
    subtitle: str
    shapes: tuple[Shape, ...]
    edges: tuple[Edge, ...]
    notes: tuple[str, ...]  # at most two lines, under the drawing
    layout: str = "elk"
    direction: str = "right"

    @property
    def legend(self) -> tuple[tuple[EdgeKind, str], ...]:
        """The edge kinds this board draws, in a fixed order, with their meaning."""
        drawn = {e.kind for e in self.edges}
        return tuple((k, text) for k, text in LEGEND.items() if k in drawn)

    def walk(self):
        """Every shape with its dotted path, parents first."""
        stack = [(s, s.id) for s in reversed(self.shapes)]
        while stack:
            shape, path = stack.pop()
            yield path, shape
            stack += [(c, f"{path}.{c.id}") for c in reversed(shape.children)]
