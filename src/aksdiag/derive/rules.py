"""What AKS refuses, and what it allows but a reviewer should see.

Each rule yields a `Finding` naming the fields involved. Errors stop the render unless
the user asked to draw unsupported designs; `fatal` errors (a reference to a subnet that
does not exist, say) stop it always, because there is nothing sensible to draw.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from ..model import IPNetwork, NetworkDataplane, OSType
from .plan import Finding, ModelKey, Severity
from .resolve import Resolved

RESERVED_RANGES = tuple(
    ipaddress.ip_network(r) for r in ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
)

E, W, N = Severity.error, Severity.warning, Severity.note


def references(r: Resolved) -> Iterator[Finding]:
    """Names that must point at something; without them the plan cannot be computed."""
    spec = r.spec
    names = {s.name for s in r.vnet.subnets}
    for i, pool in enumerate(spec.nodePools):
        for attr in ("vnetSubnetName", "podSubnetName"):
            ref = getattr(pool, attr)
            if ref is None:
                continue
            if r.vnet_managed:
                yield Finding(E, "subnet-needs-vnet", f"names subnet {ref!r} but the cluster has no `vnet`; "
                              "add the VNet that holds it", (f"nodePools[{i}].{attr}",))
            elif ref not in names:
                yield Finding(E, "unknown-subnet", f"subnet {ref!r} is not in vnet.subnets "
                              f"(known: {', '.join(sorted(names))})", (f"nodePools[{i}].{attr}",))
    api = spec.apiServerAccessProfile
    if api.subnetName is not None and api.subnetName not in names:
        yield Finding(E, "unknown-subnet", f"subnet {api.subnetName!r} is not in vnet.subnets",
                      ("apiServerAccessProfile.subnetName",))


def _overlaps(a: IPNetwork, b: IPNetwork) -> bool:
    return a.version == b.version and a.overlaps(b)  # type: ignore[arg-type]


def addresses(r: Resolved) -> Iterator[Finding]:
    net = r.spec.networkProfile
    vnet_prefixes = list(r.vnet.addressPrefixes)
    for i, s in enumerate(r.vnet.subnets):
        if not any(s.addressPrefix.version == v.version and s.addressPrefix.subnet_of(v)  # type: ignore[arg-type]
                   for v in vnet_prefixes):
            yield Finding(E, "subnet-outside-vnet", f"{s.addressPrefix} is not inside the VNet's address space "
                          f"({', '.join(map(str, vnet_prefixes))})", (f"vnet.subnets[{i}].addressPrefix",))
        for j, t in enumerate(r.vnet.subnets[:i]):
            if _overlaps(s.addressPrefix, t.addressPrefix):
                yield Finding(E, "subnet-overlap", f"{s.addressPrefix} overlaps subnet {t.name!r} ({t.addressPrefix})",
                              (f"vnet.subnets[{i}].addressPrefix", f"vnet.subnets[{j}].addressPrefix"))

    ranges: list[tuple[str, IPNetwork]] = [("vnet.addressPrefixes", p) for p in vnet_prefixes]
    ranges += [("networkProfile.podCidr", p) for p in r.pod_cidrs]
    ranges += [("networkProfile.serviceCidr", p) for p in r.service_cidrs]
    if net.dockerBridgeCidr is not None:
        ranges.append(("networkProfile.dockerBridgeCidr", net.dockerBridgeCidr.network))
    for name, prefix in ranges:
        for bad in RESERVED_RANGES:
            if _overlaps(prefix, bad):
                yield Finding(E, "reserved-range", f"{prefix} overlaps {bad}, which AKS reserves", (name,))
    for i, (name_a, a) in enumerate(ranges):
        for name_b, b in ranges[:i]:
            if name_a != name_b and _overlaps(a, b):
                yield Finding(E, "range-overlap", f"{a} overlaps {b} ({name_b}); pod, service and VNet ranges "
                              "must not overlap", (name_a, name_b))

    dns = r.dns_service_ip
    svc = [c for c in r.service_cidrs if c.version == dns.version]
    if not svc or dns not in svc[0]:
        yield Finding(E, "dns-outside-service-cidr", f"{dns} is not inside the service CIDR "
                      f"({', '.join(map(str, r.service_cidrs))})", ("networkProfile.dnsServiceIP",))
    elif dns in (svc[0].network_address, svc[0].network_address + 1):
        yield Finding(E, "dns-first-address", f"{dns} is the first address of {svc[0]}, which Kubernetes gives "
                      "to kubernetes.default; use the .10", ("networkProfile.dnsServiceIP",))


def combinations(r: Resolved) -> Iterator[Finding]:
    spec, net, m = r.spec, r.spec.networkProfile, r.model
    dual = "IPv6" in r.ip_families
    windows = [(i, p) for i, p in enumerate(spec.nodePools) if p.osType == OSType.Windows]

    if net.networkPluginMode is not None and (net.networkPlugin or "kubenet") != "azure":
        yield Finding(E, "overlay-needs-azure", "networkPluginMode overlay needs networkPlugin azure",
                      ("networkProfile.networkPluginMode", "networkProfile.networkPlugin"))
    if m == ModelKey.kubenet:
        for i, p in windows:
            yield Finding(E, "kubenet-windows", "Windows node pools need Azure CNI; kubenet is Linux only",
                          (f"nodePools[{i}].osType", "networkProfile.networkPlugin"), subject=p.name)
        if r.network_policy == "azure":
            yield Finding(E, "kubenet-azure-policy", "Azure network policy is not supported on kubenet "
                          "(Calico is)", ("networkProfile.networkPolicy", "networkProfile.networkPlugin"))
        if dual and r.network_policy in ("azure", "calico"):
            yield Finding(E, "dualstack-kubenet-policy", f"{r.network_policy} network policy is not supported on "
                          "dual-stack kubenet", ("networkProfile.networkPolicy", "networkProfile.ipFamilies"))
        if dual and r.outbound_type in ("managedNATGateway", "userAssignedNATGateway"):
            yield Finding(E, "dualstack-kubenet-natgw", "NAT gateway is not supported on dual-stack kubenet",
                          ("networkProfile.outboundType", "networkProfile.ipFamilies"))
        yield Finding(N, "kubenet-retirement", "kubenet retires on 31 March 2028; the suggested move is Azure CNI "
                      "Overlay", ("networkProfile.networkPlugin",))
    if m in (ModelKey.azure_cni_node_subnet, ModelKey.azure_cni_pod_subnet) and (net.podCidr or net.podCidrs):
        yield Finding(E, "pod-cidr-without-overlay", "podCidr is only used by kubenet and Azure CNI Overlay; "
                      "this model takes pod IPs from a subnet", ("networkProfile.podCidr",))
    if m in (ModelKey.kubenet, ModelKey.azure_cni_overlay):
        for i, p in enumerate(spec.nodePools):
            if p.podSubnetName:
                yield Finding(E, "pod-subnet-model", f"a pod subnet is only used by Azure CNI Pod Subnet, not {m}",
                              (f"nodePools[{i}].podSubnetName", "networkProfile.networkPlugin"), subject=p.name)
    if m == ModelKey.azure_cni_pod_subnet:
        for i, p in enumerate(spec.nodePools):
            if not p.podSubnetName:
                yield Finding(E, "pod-subnet-every-pool", "with Azure CNI Pod Subnet every pool needs a pod subnet",
                              (f"nodePools[{i}].podSubnetName",), subject=p.name)
    for i, p in enumerate(spec.nodePools):
        if p.podIPAllocationMode is not None and not p.podSubnetName:
            yield Finding(E, "allocation-mode-needs-pod-subnet", "podIPAllocationMode applies to a pod subnet only",
                          (f"nodePools[{i}].podIPAllocationMode",), subject=p.name)
    if net.byoCni is not None and m != ModelKey.byo_cni:
        yield Finding(E, "byo-cni-needs-none", "byoCni names the CNI you install when networkPlugin is none",
                      ("networkProfile.byoCni", "networkProfile.networkPlugin"))
    if net.networkDataplane == NetworkDataplane.cilium:
        if m not in (ModelKey.azure_cni_overlay, ModelKey.azure_cni_pod_subnet, ModelKey.azure_cni_node_subnet):
            yield Finding(E, "cilium-dataplane-needs-azure", "networkDataplane cilium needs networkPlugin azure",
                          ("networkProfile.networkDataplane", "networkProfile.networkPlugin"))
        if r.network_policy in ("azure", "calico"):
            yield Finding(E, "cilium-dataplane-policy", f"with networkDataplane cilium, policy is enforced by "
                          f"Cilium; {r.network_policy} is not allowed",
                          ("networkProfile.networkPolicy", "networkProfile.networkDataplane"))
    if r.network_policy == "cilium" and r.dataplane != "cilium":
        yield Finding(E, "cilium-policy-needs-dataplane", "networkPolicy cilium needs networkDataplane cilium",
                      ("networkProfile.networkPolicy", "networkProfile.networkDataplane"))
    if m == ModelKey.byo_cni and r.network_policy != "none":
        yield Finding(E, "byo-cni-policy", "with networkPlugin none, AKS installs no policy engine; your CNI "
                      "enforces policy", ("networkProfile.networkPolicy",))
    for i, p in windows:
        if len(p.name) > 6:
            yield Finding(E, "windows-pool-name", "Windows pool names are 6 characters at most",
                          (f"nodePools[{i}].name",), subject=p.name)
        if r.pool_mode[p.name] == "System":
            yield Finding(E, "windows-system-pool", "system pools must be Linux", (f"nodePools[{i}].mode",),
                          subject=p.name)
    if not any(mode == "System" for mode in r.pool_mode.values()):
        yield Finding(E, "no-system-pool", "a cluster needs at least one System pool", ("nodePools",))

    out = r.outbound_type
    if out == "managedNATGateway" and not r.vnet_managed:
        yield Finding(E, "managed-natgw-byo-vnet", "managedNATGateway works with an AKS-managed VNet only; use "
                      "userAssignedNATGateway for your own VNet", ("networkProfile.outboundType", "vnet"))
    if out in ("userAssignedNATGateway", "userDefinedRouting") and r.vnet_managed:
        yield Finding(E, f"{out}-needs-byo-vnet", f"{out} needs your own VNet and subnet",
                      ("networkProfile.outboundType", "vnet"))
    if out == "userDefinedRouting" and not r.vnet_managed:
        has_default = any(str(rt.addressPrefix) == "0.0.0.0/0" for s in r.vnet.subnets if s.routeTable
                          for rt in s.routeTable.routes)
        if not has_default and net.egressNextHopIP is None:
            yield Finding(E, "udr-needs-default-route", "userDefinedRouting needs a 0.0.0.0/0 route to your "
                          "firewall or NVA: add it to the subnet's routeTable or set egressNextHopIP",
                          ("networkProfile.outboundType", "networkProfile.egressNextHopIP"))
    if r.lb_sku == "basic":
        if out != "loadBalancer":
            yield Finding(E, "basic-lb-outbound", f"outboundType {out} needs the standard load balancer",
                          ("networkProfile.loadBalancerSku", "networkProfile.outboundType"))
        yield Finding(W, "basic-lb-retired", "the basic load balancer was retired on 30 September 2025",
                      ("networkProfile.loadBalancerSku",))
    api = r.spec.apiServerAccessProfile
    if api.enableVnetIntegration and api.subnetName is None and not r.vnet_managed:
        yield Finding(E, "apiserver-subnet", "API server VNet integration with your own VNet needs "
                      "apiServerAccessProfile.subnetName", ("apiServerAccessProfile.subnetName",))
    if api.privateDNSZone is not None and not api.enablePrivateCluster:
        yield Finding(W, "dns-zone-public", "privateDNSZone is only used by private clusters",
                      ("apiServerAccessProfile.privateDNSZone",))
    if m == ModelKey.azure_cni_pod_subnet and r.vnet_managed:
        yield Finding(E, "pod-subnet-needs-vnet", "Azure CNI Pod Subnet needs your own VNet", ("vnet",))
