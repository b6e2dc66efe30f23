"""Every rule aksdiag checks, in one place: id, severity, wording and the page it comes from.

A `Finding` carries only a rule id, the values it found and the fields involved; the
words come from here (`message` is filled from the finding's values, `why` is the one-line
explanation). Ids are stable: CI configurations and SARIF consumers refer to them.

Severity: error = AKS (or Azure) refuses the design; warning = AKS accepts it but it will
hurt (an upgrade that cannot surge, a route that breaks); note = worth knowing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .plan import Severity

LEARN = "https://learn.microsoft.com/azure/aks/"
E, W, N = Severity.error, Severity.warning, Severity.note


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    why: str  # one line: what AKS does and why it matters
    message: str  # str.format template over the finding's values
    url: str  # the Microsoft Learn page (or Azure page) that says so


def _r(id: str, severity: Severity, why: str, message: str, page: str) -> Rule:
    url = page if page.startswith("https://") else LEARN + page
    return Rule(id, severity, why, message, url)


_RULES = [
    # --- references: without them there is nothing to plan
    _r("subnet-needs-vnet", E, "A pool can name a subnet only of a VNet you bring.",
       "names subnet {subnet!r} but the cluster has no `vnet`; add the VNet that holds it", "configure-kubenet"),
    _r("unknown-subnet", E, "Every subnet a pool or the API server names must exist in the VNet.",
       "subnet {subnet!r} is not in vnet.subnets (known: {known})", "configure-kubenet"),
    # --- addresses
    _r("subnet-outside-vnet", E, "A subnet's prefix must lie inside its VNet's address space.",
       "{prefix} is not inside the VNet's address space ({vnet})",
       "https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet"),
    _r("subnet-overlap", E, "Subnets of one VNet cannot overlap.",
       "{prefix} overlaps subnet {other!r} ({other_prefix})",
       "https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet"),
    _r("reserved-range", E, "AKS rejects VNet, pod and service ranges in 169.254.0.0/16, 172.30.0.0/16, "
       "172.31.0.0/16 and 192.0.2.0/24.", "{prefix} overlaps {reserved}, which AKS reserves",
       "concepts-network-cni-overview"),
    _r("range-overlap", E, "Pod CIDR, service CIDR and docker bridge must not overlap each other.",
       "{prefix} overlaps {other} ({other_field}); pod, service and docker bridge ranges must not overlap",
       "configure-kubenet"),
    _r("range-overlaps-subnet", E, "AKS refuses a pod or service CIDR that overlaps a subnet of the cluster's "
       "VNet (ServiceCidrOverlapExistingSubnetsCidr).", "{prefix} overlaps subnet {subnet!r} ({subnet_prefix})",
       "concepts-network-azure-cni-overlay"),
    _r("range-in-vnet", W, "A pod or service CIDR inside the VNet's address space is allowed but not "
       "recommended: a subnet added there later collides with it.",
       "{prefix} is inside the VNet's address space ({vnet}) though outside every subnet", "configure-kubenet"),
    _r("connected-overlap", W, "Ranges must not overlap networks the VNet reaches (peered VNets, on-premises, "
       "ExpressRoute, VPN): traffic to the overlap goes to the wrong place.",
       "{prefix} ({field}) overlaps {network} {other} ({kind})", "concepts-network-azure-cni-overlay"),
    _r("service-cidr-too-large", E, "The service CIDR can be no larger than /12 (IPv6: /108).",
       "{prefix} is larger than /{limit}", "configure-dual-stack"),
    _r("dns-outside-service-cidr", E, "The DNS service IP must be inside the service CIDR.",
       "{dns} is not inside the service CIDR ({service})", "configure-kubenet"),
    _r("dns-network-address", E, "The DNS service IP cannot be the service CIDR's network address.",
       "{dns} is the network address of {service}; use the .10", "configure-kubenet"),
    _r("dns-kubernetes-default", E, "The first host of the service CIDR belongs to the kubernetes.default "
       "Service; the DNS service IP cannot take it.", "{dns} is the address of kubernetes.default in {service}; "
       "use the .10", "configure-kubenet"),
    _r("dns-broadcast-address", E, "The DNS service IP cannot be the service CIDR's last (broadcast) address.",
       "{dns} is the last address of {service}; use the .10", "configure-kubenet"),
    _r("pod-cidr-not-private", N, "Pod CIDRs outside RFC 1918 and RFC 6598 are outside Microsoft's support "
       "scope.", "{prefix} is not a private (RFC 1918) or shared (RFC 6598) range",
       "concepts-network-azure-cni-overlay"),
    _r("ip-families", E, "Only IPv4 or IPv4 then IPv6 are valid ipFamilies; IPv6-only is not supported.",
       "ipFamilies {families} is not [IPv4] or [IPv4, IPv6]", "configure-dual-stack"),
    # --- models and their combinations
    _r("overlay-needs-azure", E, "networkPluginMode overlay applies only with networkPlugin azure.",
       "networkPluginMode overlay needs networkPlugin azure", "azure-cni-overlay"),
    _r("kubenet-windows", E, "kubenet is Linux only; Windows node pools need Azure CNI.",
       "Windows node pools need Azure CNI; kubenet is Linux only", "configure-kubenet"),
    _r("kubenet-azure-policy", E, "Azure network policy is not supported on kubenet (Calico is).",
       "Azure network policy is not supported on kubenet (Calico is)", "configure-kubenet"),
    _r("dualstack-kubenet-policy", E, "Dual-stack kubenet supports neither Azure nor Calico network policy.",
       "{policy} network policy is not supported on dual-stack kubenet", "configure-dual-stack"),
    _r("dualstack-kubenet-natgw", E, "NAT gateway is not supported on dual-stack kubenet.",
       "NAT gateway is not supported on dual-stack kubenet", "configure-dual-stack"),
    _r("dualstack-kubenet-legacy", N, "Dual-stack kubenet is no longer documented (page removed March 2025); "
       "dual-stack now requires Azure CNI Overlay.", "dual-stack kubenet is a legacy design; new dual-stack "
       "clusters use Azure CNI Overlay", "configure-dual-stack"),
    _r("kubenet-retirement", N, "kubenet retires on 31 March 2028.",
       "kubenet retires on 31 March 2028; the suggested move is Azure CNI Overlay", "configure-kubenet"),
    _r("dualstack-model", E, "Dual-stack needs Azure CNI Overlay (or legacy kubenet); Azure CNI with pods in a "
       "subnet has no IPv6 pods.", "dual-stack is not supported with {model}", "configure-dual-stack"),
    _r("dualstack-overlay-policy", E, "Dual-stack Overlay does not support Azure or Calico network policy.",
       "{policy} network policy is not supported on dual-stack Azure CNI Overlay", "azure-cni-overlay"),
    _r("dualstack-natgw", E, "Standard NAT gateway supports only IPv4, so a dual-stack cluster cannot use it.",
       "{outbound} is not supported on a dual-stack cluster (Standard NAT gateway is IPv4 only)",
       "azure-cni-overlay"),
    _r("pod-cidr-without-overlay", E, "podCidr is used only by kubenet and Azure CNI Overlay.",
       "podCidr is only used by kubenet and Azure CNI Overlay; this model takes pod IPs from a subnet",
       "https://github.com/Azure/azure-cli/issues/26237"),
    _r("pod-subnet-model", E, "A pod subnet is used only by Azure CNI Pod Subnet.",
       "a pod subnet is only used by Azure CNI Pod Subnet, not {model}", "concepts-network-azure-cni-pod-subnet"),
    _r("pod-subnet-every-pool", E, "With Azure CNI Pod Subnet the whole cluster uses one kind of CNI: every pool "
       "needs a pod subnet.", "with Azure CNI Pod Subnet every pool needs a pod subnet",
       "configure-azure-cni-dynamic-ip-allocation"),
    _r("pod-subnet-needs-vnet", E, "Azure CNI Pod Subnet needs your own VNet.",
       "Azure CNI Pod Subnet needs your own VNet", "configure-azure-cni-dynamic-ip-allocation"),
    _r("allocation-mode-needs-pod-subnet", E, "podIPAllocationMode applies to a pod subnet only.",
       "podIPAllocationMode applies to a pod subnet only", "configure-azure-cni-static-block-allocation"),
    _r("pod-subnet-mixed-modes", E, "Once a pod subnet is used in one allocation mode it can only be used in "
       "the same mode.", "pod subnet {subnet!r} is used both dynamically and in static blocks",
       "configure-azure-cni-static-block-allocation"),
    _r("static-pod-subnet-too-large", E, "Static block allocation supports pod subnets of /12 at most.",
       "{prefix} is larger than /12, the largest pod subnet static block allocation supports",
       "configure-azure-cni-static-block-allocation"),
    _r("static-block-waste", N, "A node reserves one IP, so maxPods = 16N-1 fills its /28 blocks; other values "
       "leave addresses unused.", "maxPods {max_pods} takes {blocks} /28 blocks per node and leaves {waste} "
       "addresses unused in each node; {best} would use them", "configure-azure-cni-static-block-allocation"),
    _r("byo-cni-needs-none", E, "byoCni names the CNI you install when networkPlugin is none.",
       "byoCni names the CNI you install when networkPlugin is none", "use-byo-cni"),
    _r("byo-cni-policy", E, "With networkPlugin none AKS installs no policy engine; your CNI enforces policy.",
       "with networkPlugin none, AKS installs no policy engine; your CNI enforces policy", "use-byo-cni"),
    _r("byo-cni-no-pod-cidr", W, "Without a pod CIDR, control plane to pod communication might fail with BYO CNI.",
       "no podCidr: give the pod CIDR your CNI uses so AKS can route control-plane traffic to pods",
       "use-byo-cni"),
    _r("cilium-dataplane-needs-azure", E, "Azure CNI powered by Cilium needs networkPlugin azure.",
       "networkDataplane cilium needs networkPlugin azure", "azure-cni-powered-by-cilium"),
    _r("cilium-dataplane-policy", E, "With the Cilium dataplane, Cilium enforces policy; Azure or Calico policy "
       "is not allowed.", "with networkDataplane cilium, policy is enforced by Cilium; {policy} is not allowed",
       "azure-cni-powered-by-cilium"),
    _r("cilium-policy-needs-dataplane", E, "networkPolicy cilium needs networkDataplane cilium.",
       "networkPolicy cilium needs networkDataplane cilium", "azure-cni-powered-by-cilium"),
    _r("windows-cilium", E, "Azure CNI powered by Cilium is available only for Linux, not Windows.",
       "Windows node pools are not supported with the Cilium dataplane", "azure-cni-powered-by-cilium"),
    _r("windows2019-model", E, "Windows Server 2019 node pools are not supported with Azure CNI Overlay or "
       "Pod Subnet.", "Windows Server 2019 is not supported with {model}", "concepts-network-azure-cni-overlay"),
    _r("windows-max-pods", W, "For Windows Server nodes the maximum recommended maxPods is 110.",
       "maxPods {max_pods} on a Windows pool; 110 is the recommended maximum",
       "concepts-network-azure-cni-overlay"),
    _r("npm-retirement", N, "Azure Network Policy Manager retires: Windows nodes 30 Sep 2026, Linux 30 Sep 2028.",
       "Azure network policy (NPM) retires on Windows nodes on 30 September 2026 and on Linux on 30 September "
       "2028; the suggested move is Cilium", "concepts-network-azure-cni-overlay"),
    # --- pools
    _r("windows-pool-name", E, "Windows pool names are 6 characters at most.",
       "Windows pool names are 6 characters at most", "use-system-pools"),
    _r("windows-system-pool", E, "System pools must be Linux.", "system pools must be Linux", "use-system-pools"),
    _r("no-system-pool", E, "A cluster needs at least one System pool.", "a cluster needs at least one System pool",
       "use-system-pools"),
    _r("system-pool-empty", E, "System pools must contain at least one node.",
       "System pool {pool!r} has no nodes", "manage-node-pools"),
    _r("system-pool-min-pods", E, "A System pool must support at least 30 pods (maxPods x node count).",
       "System pool {pool!r} supports {pods} pods ({max_pods} x {count}); it needs at least 30",
       "use-system-pools"),
    _r("cluster-node-limit", E, "A cluster holds at most 5,000 nodes (1,000 per pool).",
       "{nodes:,} nodes; a cluster holds at most {limit:,}", "best-practices-performance-scale-large"),
    # --- egress and the API server
    _r("managed-natgw-byo-vnet", E, "Managed NAT gateway isn't compatible with custom virtual networks.",
       "managedNATGateway works with an AKS-managed VNet only; use userAssignedNATGateway for your own VNet",
       "nat-gateway"),
    _r("userAssignedNATGateway-needs-byo-vnet", E, "userAssignedNATGateway needs your own VNet.",
       "userAssignedNATGateway needs your own VNet and subnet", "egress-outboundtype"),
    _r("userDefinedRouting-needs-byo-vnet", E, "userDefinedRouting needs your own VNet and route table.",
       "userDefinedRouting needs your own VNet and subnet", "egress-outboundtype"),
    _r("udr-needs-default-route", E, "userDefinedRouting needs a 0.0.0.0/0 route to a firewall or NVA.",
       "userDefinedRouting needs a 0.0.0.0/0 route to your firewall or NVA: add it to the subnet's routeTable "
       "or set egressNextHopIP", "egress-udr"),
    _r("udr-default-route-internet", E, "AKS validates that the 0.0.0.0/0 route does not point at the Internet.",
       "route {route!r} sends 0.0.0.0/0 to the Internet; userDefinedRouting needs a firewall, NVA or gateway",
       "egress-udr"),
    _r("udr-public-inbound", N, "With a 0.0.0.0/0 route to a firewall, replies to a public load balancer's "
       "inbound traffic go through the firewall and are dropped (asymmetric routing).",
       "inbound to public LoadBalancer services needs a DNAT rule on the firewall or an internal load balancer",
       "limit-egress-traffic"),
    _r("outbound-none-not-isolated", E, "outboundType none is only available for network isolated clusters "
       "(bootstrapProfile.artifactSource Cache).",
       "outboundType none needs a network isolated cluster (bootstrapProfile.artifactSource: Cache)",
       "egress-outboundtype"),
    _r("outbound-none-public-api", W, "In a nonprivate cluster API server traffic follows the outbound type: "
       "with none, nodes cannot reach the public API server unless you add egress.",
       "outboundType none with a public API server: nodes reach it only through egress you provide",
       "network-isolated"),
    _r("basic-lb-outbound", E, "Outbound types other than loadBalancer need the Standard load balancer.",
       "outboundType {outbound} needs the standard load balancer", "egress-udr"),
    _r("basic-lb-retired", E, "AKS no longer supports the Basic load balancer (since 30 September 2025).",
       "the basic load balancer is no longer supported (retired 30 September 2025)", "quotas-skus-regions"),
    _r("apiserver-subnet", E, "API server VNet integration with your own VNet needs a delegated subnet.",
       "API server VNet integration with your own VNet needs apiServerAccessProfile.subnetName",
       "api-server-vnet-integration"),
    _r("apiserver-subnet-too-small", E, "The minimum supported API server subnet size is /28.",
       "{prefix} is smaller than /28, the smallest API server subnet", "api-server-vnet-integration"),
    _r("apiserver-subnet-shared", E, "The API server subnet is delegated and can't be used for anything else, "
       "and a node pool's subnet can't be delegated.", "subnet {subnet!r} is the API server's delegated subnet; "
       "{pool!r} cannot put its {what} there", "api-server-vnet-integration"),
    _r("dns-zone-public", W, "privateDNSZone is only used by private clusters.",
       "privateDNSZone is only used by private clusters", "private-clusters"),
    # --- size: errors for what does not fit now, warnings for what does not fit with surge
    _r("subnet-too-small", E, "The cluster's nodes (and for Azure CNI their pods) need addresses in the subnet.",
       "the cluster needs {need:,} addresses in {subnet!r} but {prefix} has {usable:,} usable",
       "concepts-network-ip-address-planning"),
    _r("static-blocks-too-few", E, "With static block allocation every node owns whole /28 blocks; the blocks "
       "that hold Azure's reserved addresses (the first and last) cannot be handed out.",
       "{subnet!r} has {blocks:,} /28 blocks a node can own; the cluster needs {need:,}",
       "configure-azure-cni-static-block-allocation"),
    _r("static-blocks-no-surge-room", W, "Surge nodes need their /28 blocks too during an upgrade.",
       "{subnet!r} has {blocks:,} /28 blocks a node can own; an upgrade with {surge} surge node(s) needs {need:,}",
       "configure-azure-cni-static-block-allocation"),
    _r("subnet-no-surge-room", W, "An upgrade adds surge nodes (1 per pool by default); without addresses for "
       "them the upgrade fails.", "{subnet!r} has {usable:,} usable addresses; an upgrade with {surge} surge "
       "node(s) needs {need:,}", "concepts-network-ip-address-planning"),
    _r("pod-cidr-too-small", E, "Each node takes a /24 (IPv6 /80) of the pod CIDR.",
       "{prefix} has room for {blocks:,} node blocks but the cluster has {nodes:,} nodes",
       "concepts-network-azure-cni-overlay"),
    _r("pod-cidr-no-surge-room", W, "Surge nodes need their own /24 of the pod CIDR during an upgrade.",
       "{prefix} has room for {blocks:,} node blocks; an upgrade needs {need:,}",
       "concepts-network-azure-cni-overlay"),
    _r("route-limit", E, "A route table holds at most 400 routes; kubenet needs one per node (two dual-stack).",
       "{routes:,} routes; a route table holds {limit} at most", "configure-kubenet"),
    _r("route-limit-surge", W, "Surge nodes need routes too: an upgrade needs more routes than the nodes today.",
       "an upgrade needs {routes:,} routes ({surge} surge node(s)); a route table holds {limit} at most",
       "configure-kubenet"),
    _r("route-drift", W, "A kubenet route that disagrees with the nodes sends pod traffic to the wrong node or "
       "nowhere (seen with --route-table and --nodes).", "route {route!r}: {drift}", "configure-kubenet"),
    _r("kubenet-route-tables", E, "Each kubenet cluster uses a single route table for all its subnets.",
       "node subnets carry different route tables ({tables}); kubenet needs one for all of them",
       "configure-kubenet"),
    # --- the cluster in its network: hub and spoke, firewall, NAT gateways, on-premises
    _r("egress-next-hop-mismatch", W, "Azure sends 0.0.0.0/0 where the node subnet's route table says; "
       "egressNextHopIP and the firewall's private IP must be that same address, or egress reaches the wrong "
       "appliance or none.", "the egress next hop disagrees: route table 0.0.0.0/0 -> {route}, egressNextHopIP "
       "{hop}, firewall private IP {firewall}; Azure follows the route table ({used})", "egress-udr"),
    _r("next-hop-in-cluster-range", W, "No network element connected to the VNet may use the service range (nor "
       "the pod range): the cluster answers those addresses itself, so pods never reach a firewall there.",
       "the egress next hop {ip} is inside {prefix} ({field}): the cluster captures traffic to it, so pods cannot "
       "reach the firewall (its DNS proxy included)", "concepts-network-ip-address-planning"),
    _r("range-captures-remote", W, "Pod and service ranges must not overlap the hub, peered VNets or on-premises "
       "(ExpressRoute, VPN): traffic from the cluster to the overlap is captured in the cluster and never leaves.",
       "{prefix} ({field}) overlaps {what} {network} {other}: traffic from the cluster to that range is captured "
       "in the cluster and never reaches {network}", "concepts-network-ip-address-planning"),
    _r("natgw-profile-user-assigned", W, "natGatewayProfile configures the NAT gateway AKS manages "
       "(managedNATGateway); with userAssignedNATGateway your NAT gateway on the subnet decides, and the profile "
       "is not used.", "natGatewayProfile is not used with userAssignedNATGateway: set outbound IPs and idle "
       "timeout on your NAT gateway", "nat-gateway"),
    _r("natgw-not-on-node-subnet", W, "userAssignedNATGateway needs the NAT gateway preconfigured on the cluster's "
       "subnet.", "node subnet {subnet!r} has no NAT gateway, but userAssignedNATGateway needs one preconfigured "
       "on it", "nat-gateway"),
    _r("natgw-not-on-pod-subnet", W, "With Azure CNI Pod Subnet a pod's packet leaves with its pod IP, from the "
       "pod subnet: Learn names \"fixing the source IP for pod in a node pool using an Azure NAT Gateway\" on the "
       "pod subnet; the node subnet's NAT gateway does not translate pod IPs.",
       "pod subnet {subnet!r} (pool {pool!r}) has no NAT gateway: pods leave with pod IPs the node subnet's NAT "
       "gateway does not translate", "concepts-network-azure-cni-pod-subnet"),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}
assert len(RULES) == len(_RULES), "rule ids must be unique"
