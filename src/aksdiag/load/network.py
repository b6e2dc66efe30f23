"""The network around the cluster, from the documents `az network ... show` prints: the hub VNet,
its firewall and the firewall's public IP, peerings, local network gateways (on-premises ranges
behind a VPN) and private DNS zone links. Laid over a description before its one validation
(`--network FILE`, repeatable), positions kept: a problem is reported in the file Azure wrote.

Each document says what it is in its `type`; `create` commands wrap theirs (`newVNet`,
`publicIp`) and REST list bodies hold items under `value`, so both are unwrapped first.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from .azure import _ci_at
from .enrich import _address, _list, _mapping, _properties, _shown, _text, vnet_from_json
from .source import Document, Loc, parse_document

# What `--network` reads, by the resource type Azure writes in `type`.
VNET = "microsoft.network/virtualnetworks"
FIREWALL = "microsoft.network/azurefirewalls"
FIREWALL_IPCONFIG = "microsoft.network/azurefirewalls/azurefirewallipconfigurations"
PUBLIC_IP = "microsoft.network/publicipaddresses"
PEERING = "microsoft.network/virtualnetworks/virtualnetworkpeerings"
LOCAL_GATEWAY = "microsoft.network/localnetworkgateways"
DNS_LINK = "microsoft.network/privatednszones/virtualnetworklinks"
READS = (
    "`az network vnet show` (the hub VNet), `az network firewall show`, `az network firewall ip-config "
    "create`, `az network public-ip show`, `az network vnet peering list` or `show`, `az network "
    "local-gateway show`, `az network private-dns link vnet show`"
)
# The order documents are laid over: what names a thing before what refers to it.
_ORDER = (VNET, PEERING, FIREWALL, FIREWALL_IPCONFIG, PUBLIC_IP, LOCAL_GATEWAY, DNS_LINK)


def _last(resource_id: Any, after: str) -> str | None:
    """The name after `after` in an Azure resource id (`.../virtualNetworks/<name>/...`)."""
    if not isinstance(resource_id, str):
        return None
    parts = resource_id.split("/")
    lowered = [p.lower() for p in parts]
    if after.lower() in lowered:
        k = lowered.index(after.lower())
        if k + 1 < len(parts) and parts[k + 1]:
            return parts[k + 1]
    return None


def _items(doc: Document) -> list[tuple[Any, Loc]]:
    """The resources a document holds, each with its path: unwraps lists, `value` and create wrappers."""
    data: Any = doc.data
    at: Loc = ()
    for wrapper in ("newVNet", "publicIp"):
        inner, inner_at = _ci_at(data, at, wrapper)
        if isinstance(inner, dict) and isinstance(data, dict) and len(data) == 1:
            data, at = inner, inner_at
    value, value_at = _ci_at(data, at, "value")
    if isinstance(value, list) and isinstance(data, dict) and _ci_at(data, at, "type")[0] is None:
        data, at = value, value_at
    if isinstance(data, list):
        return [(item, (*at, i)) for i, item in enumerate(data)]
    return [(data, at)]


def _kind(doc: Document, item: Any, at: Loc) -> str:
    kind, kind_at = _ci_at(item, at, "type")
    if not isinstance(item, dict):
        raise InputError(doc.problem(f"found {_shown(item)}: expected one of {READS}", at))
    if isinstance(kind, str) and kind.lower() in _ORDER:
        return kind.lower()
    if kind is None:
        # Older CLI output and hand-cut files may lack `type`: the shape says what it is.
        props, props_at = _properties(item, at)
        for key, what in (
            ("addressSpace", VNET),
            ("remoteVirtualNetwork", PEERING),
            ("localNetworkAddressSpace", LOCAL_GATEWAY),
            ("ipConfigurations", FIREWALL),
        ):
            if _ci_at(props, props_at, key)[0] is not None:
                return what
        raise InputError(doc.problem(f"this document has no `type`: expected one of {READS}", at))
    raise InputError(doc.problem(f"this is a {kind} resource; --network reads {READS}", kind_at))


class _Overlay:
    """The description's data with each network document laid over it, and where each value came from."""

    def __init__(self, base: Document):
        self.base = base
        self.data = copy.deepcopy(base.data)
        self.parts: dict[Loc, Document] = {}

    def put(self, doc: Document, path: Loc, where: dict[Loc, Loc]) -> None:
        """Remember that the values under `path` were written in `doc` (`where`: new path -> doc path)."""
        self.parts[path] = doc.moved(self.data, where)

    def document(self) -> Document:
        # The most specific overlay wins: a firewall's public IP, laid over the firewall, is
        # reported in the public IP's file.
        ordered = dict(sorted({**self.base.parts, **self.parts}.items(), key=lambda kv: -len(kv[0])))
        return replace(self.base, data=self.data, parts=ordered)

    def firewall(self) -> dict[str, Any]:
        fw = self.data.get("firewall")
        if not isinstance(fw, dict):
            fw = self.data["firewall"] = {}
        return fw

    def hub(self) -> dict[str, Any]:
        hub = self.data.get("hub")
        if not isinstance(hub, dict):
            hub = self.data["hub"] = {}
        return hub


def _vnet(ov: _Overlay, doc: Document, item: Any, at: Loc) -> None:
    where: dict[Loc, Loc] = {}
    vnet = vnet_from_json(item, doc.sub(at) if at else doc, where)
    hub = ov.hub()
    known = {s.get("name"): s for s in hub.get("subnets") or [] if isinstance(s, dict)}
    hub.update(
        name=vnet["name"],
        addressPrefixes=vnet["addressPrefixes"],
        subnets=[{**known.get(s["name"], {}), **s} for s in vnet["subnets"]],
    )
    ov.put(doc, ("hub",), {("hub", *k[1:]): (*at, *v) for k, v in where.items()})


def _peerings(ov: _Overlay, doc: Document, item: Any, at: Loc) -> None:
    """A peering of the cluster's VNet: the remote VNet is the hub (first one) or another peered VNet."""
    props, props_at = _properties(item, at)
    remote, remote_at = _ci_at(props, props_at, "remoteVirtualNetwork")
    remote_id, _ = _ci_at(remote, remote_at, "id")
    remote_name = _last(remote_id, "virtualNetworks")
    if remote_name is None:
        raise InputError(doc.problem("a peering names its remote VNet in remoteVirtualNetwork.id", remote_at))
    space, space_at = _ci_at(props, props_at, "remoteVirtualNetworkAddressSpace", "remoteAddressSpace")
    prefixes, prefixes_at = _ci_at(space, space_at, "addressPrefixes")
    prefixes = _list(doc, prefixes, prefixes_at, "addressPrefixes")
    for k, p in enumerate(prefixes):
        _address(doc, p, (*prefixes_at, k), network=True)
    name, name_at = _ci_at(item, at, "name")
    state, _ = _ci_at(props, props_at, "peeringState")
    forwarded, _ = _ci_at(props, props_at, "allowForwardedTraffic")
    gateways, _ = _ci_at(props, props_at, "useRemoteGateways")
    peering = {
        "name": _text(doc, name, name_at, "a peering's name") if name is not None else None,
        "peeringState": state if isinstance(state, str) else None,
        "allowForwardedTraffic": forwarded if isinstance(forwarded, bool) else None,
        "useRemoteGateways": gateways if isinstance(gateways, bool) else None,
    }
    hub = ov.data.get("hub")
    if hub is None or (isinstance(hub, dict) and hub.get("name") in (None, remote_name)):
        hub = ov.hub()
        hub["name"] = remote_name
        if prefixes and not hub.get("addressPrefixes"):
            hub["addressPrefixes"] = prefixes
            ov.put(doc, ("hub", "addressPrefixes"), {("hub", "addressPrefixes"): prefixes_at})
        hub["peering"] = {k: v for k, v in peering.items() if v is not None}
        ov.put(doc, ("hub", "peering"), {("hub", "peering"): at})
        return
    # A VNet peered besides the hub: its ranges are ones the cluster's must not overlap.
    connected = ov.data.setdefault("connectedNetworks", [])
    if isinstance(connected, list) and prefixes:
        connected.append({"name": remote_name, "kind": "peeredVNet", "addressPrefixes": prefixes})
        ov.put(
            doc,
            ("connectedNetworks", len(connected) - 1),
            {
                ("connectedNetworks", len(connected) - 1): at,
                ("connectedNetworks", len(connected) - 1, "addressPrefixes"): prefixes_at,
            },
        )


def _ip_configuration(ov: _Overlay, doc: Document, cfg: Any, at: Loc) -> None:
    props, props_at = _properties(cfg, at)
    ip, ip_at = _ci_at(props, props_at, "privateIPAddress", "privateIpAddress")
    fw = ov.firewall()
    where: dict[Loc, Loc] = {}
    if ip is not None:
        fw["privateIPAddress"] = str(_address(doc, ip, ip_at))
        where[("firewall", "privateIPAddress")] = ip_at
    pip, pip_at = _ci_at(props, props_at, "publicIPAddress", "publicIpAddress")
    pip_name = _last(_ci_at(pip, pip_at, "id")[0], "publicIPAddresses")
    if pip_name is not None:
        fw["publicIPName"] = pip_name
        where[("firewall", "publicIPName")] = pip_at
    subnet, subnet_at = _ci_at(props, props_at, "subnet")
    vnet_name = _last(_ci_at(subnet, subnet_at, "id")[0], "virtualNetworks")
    if vnet_name is not None:
        fw["vnetName"] = vnet_name
        where[("firewall", "vnetName")] = subnet_at
    if where:
        ov.put(doc, ("firewall",), where)


def _firewall(ov: _Overlay, doc: Document, item: Any, at: Loc) -> None:
    props, props_at = _properties(item, at)
    name, name_at = _ci_at(item, at, "name")
    fw = ov.firewall()
    fw["name"] = _text(doc, name, name_at, "the firewall's name") if name is not None else "firewall"
    fw.setdefault("kind", "azureFirewall")
    ov.put(doc, ("firewall",), {("firewall",): at})
    configs, configs_at = _ci_at(props, props_at, "ipConfigurations")
    configs = _list(doc, configs, configs_at, "ipConfigurations")
    hub_ips, _ = _ci_at(props, props_at, "hubIPAddresses", "hubIpAddresses")
    if not configs and hub_ips is None:
        raise InputError(
            doc.problem(
                f"firewall {fw['name']!r} has no IP configuration, so no private IP a route could send "
                "0.0.0.0/0 to: run `az network firewall ip-config create` and show it again",
                configs_at if configs_at != props_at else at,
            )
        )
    for k, cfg in enumerate(configs):
        _ip_configuration(ov, doc, _mapping(doc, cfg, (*configs_at, k), "an IP configuration"), (*configs_at, k))
        break  # the first configuration carries the private IP the routes point at


def _ip_config_document(ov: _Overlay, doc: Document, item: Any, at: Loc) -> None:
    item_id, _ = _ci_at(item, at, "id")
    fw = ov.firewall()
    fw.setdefault("name", _last(item_id, "azureFirewalls") or "firewall")
    fw.setdefault("kind", "azureFirewall")
    _ip_configuration(ov, doc, item, at)


def _public_ip(ov: _Overlay, doc: Document, item: Any, at: Loc) -> None:
    props, props_at = _properties(item, at)
    name, name_at = _ci_at(item, at, "name")
    address, address_at = _ci_at(props, props_at, "ipAddress")
    fw = ov.data.get("firewall") if isinstance(ov.data.get("firewall"), dict) else None
    known = fw.get("publicIPName") if fw else None
    if fw is None or (known is not None and name is not None and str(name).lower() != str(known).lower()):
        said = f"the firewall's is {known!r}" if known else "no firewall was given before it"
        raise InputError(
            doc.problem(
                f"public IP {name!r} is not the firewall's ({said}): --network reads the firewall's public IP only",
                name_at,
            )
        )
    if address is None:
        raise InputError(
            doc.problem(f"public IP {name!r} has no ipAddress yet (a dynamic IP is assigned when it is used)", props_at)
        )
    ip = _address(doc, address, address_at)
    ips = fw.setdefault("publicIPAddresses", [])
    if str(ip) not in ips:
        ips.append(str(ip))
    fw.setdefault("publicIPName", name)
    ov.put(doc, ("firewall", "publicIPAddresses"), {("firewall", "publicIPAddresses"): address_at})


def _local_gateway(ov: _Overlay, doc: Document, item: Any, at: Loc) -> None:
    props, props_at = _properties(item, at)
    name, name_at = _ci_at(item, at, "name")
    space, space_at = _ci_at(props, props_at, "localNetworkAddressSpace")
    prefixes, prefixes_at = _ci_at(space, space_at, "addressPrefixes")
    prefixes = _list(doc, prefixes, prefixes_at, "addressPrefixes")
    if not prefixes:
        raise InputError(
            doc.problem(
                "a local network gateway names the on-premises ranges in "
                "localNetworkAddressSpace.addressPrefixes; this one has none",
                space_at,
            )
        )
    for k, p in enumerate(prefixes):
        _address(doc, p, (*prefixes_at, k), network=True)
    connected = ov.data.setdefault("connectedNetworks", [])
    if not isinstance(connected, list):
        return  # malformed: the one validation reports it with its line
    k = len(connected)
    connected.append(
        {
            "name": _text(doc, name, name_at, "the gateway's name") if name is not None else "on-premises",
            "kind": "vpn",
            "addressPrefixes": prefixes,
        }
    )
    ov.put(
        doc,
        ("connectedNetworks", k),
        {("connectedNetworks", k): at, ("connectedNetworks", k, "addressPrefixes"): prefixes_at},
    )


def _dns_link(ov: _Overlay, doc: Document, item: Any, at: Loc) -> None:
    item_id, id_at = _ci_at(item, at, "id")
    zone = _last(item_id, "privateDnsZones")
    props, props_at = _properties(item, at)
    vnet, vnet_at = _ci_at(props, props_at, "virtualNetwork")
    vnet_name = _last(_ci_at(vnet, vnet_at, "id")[0], "virtualNetworks")
    if zone is None or vnet_name is None:
        raise InputError(
            doc.problem(
                "a private DNS zone link names its zone in `id` and its VNet in virtualNetwork.id",
                id_at if zone is None else vnet_at,
            )
        )
    zones = ov.data.setdefault("privateDNSZones", [])
    if not isinstance(zones, list):
        return
    entry = next((z for z in zones if isinstance(z, dict) and z.get("name") == zone), None)
    if entry is None:
        entry = {"name": zone, "links": []}
        zones.append(entry)
    if vnet_name not in entry.setdefault("links", []):
        entry["links"].append(vnet_name)
    ov.put(doc, ("privateDNSZones", zones.index(entry)), {("privateDNSZones", zones.index(entry)): at})


_READERS = {
    VNET: _vnet,
    PEERING: _peerings,
    FIREWALL: _firewall,
    FIREWALL_IPCONFIG: _ip_config_document,
    PUBLIC_IP: _public_ip,
    LOCAL_GATEWAY: _local_gateway,
    DNS_LINK: _dns_link,
}


def with_network(
    doc: Document, files: tuple[Path, ...] | list[Path] = (), documents: tuple[Document, ...] | list[Document] = ()
) -> Document:
    """The description with every `--network` document (a file, or one read live) laid over it, in
    an order where what is referred to comes first (a firewall before its public IP), whatever the
    order on the command line."""
    if not (files or documents) or not isinstance(doc.data, dict):
        return doc
    items: list[tuple[int, Document, Any, Loc, str]] = []
    for ndoc in [*(parse_document(path, "network document") for path in files), *documents]:
        for item, at in _items(ndoc):
            kind = _kind(ndoc, item, at)
            items.append((_ORDER.index(kind), ndoc, item, at, kind))
    ov = _Overlay(doc)
    for _, ndoc, item, at, kind in sorted(items, key=lambda t: t[0]):
        _READERS[kind](ov, ndoc, item, at)
    return ov.document()
