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
    quote: str = ""  # the sentence of that page the rule rests on, word for word


def _r(id: str, severity: Severity, why: str, message: str, page: str, quote: str = "") -> Rule:
    url = page if page.startswith("https://") else LEARN + page
    return Rule(id, severity, why, message, url, quote)


AKS_2023_10_01 = "https://github.com/Azure/AKS/releases/tag/2023-10-01"


_RULES = [
    # --- references: without them there is nothing to plan
    _r(
        "subnet-needs-vnet",
        E,
        "A pool can name a subnet only of a VNet you bring.",
        "names subnet {subnet!r} but the cluster has no `vnet`; add the VNet that holds it",
        "configure-kubenet",
    ),
    _r(
        "unknown-subnet",
        E,
        "Every subnet a pool or the API server names must exist in the VNet.",
        "subnet {subnet!r} is not in vnet.subnets (known: {known})",
        "configure-kubenet",
    ),
    # --- addresses
    _r(
        "subnet-outside-vnet",
        E,
        "A subnet's prefix must lie inside its VNet's address space.",
        "{prefix} is not inside the VNet's address space ({vnet})",
        "https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet",
    ),
    _r(
        "subnet-overlap",
        E,
        "Subnets of one VNet cannot overlap.",
        "{prefix} overlaps subnet {other!r} ({other_prefix})",
        "https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet",
    ),
    _r(
        "reserved-range",
        E,
        "AKS rejects VNet, pod and service ranges in 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24.",
        "{prefix} overlaps {reserved}, which AKS reserves",
        "concepts-network-cni-overview",
    ),
    _r(
        "range-overlap",
        E,
        "Pod CIDR, service CIDR and docker bridge must not overlap each other.",
        "{prefix} overlaps {other} ({other_field}); pod, service and docker bridge ranges must not overlap",
        "configure-kubenet",
    ),
    _r(
        "range-overlaps-subnet",
        E,
        "AKS refuses a pod or service CIDR that overlaps a subnet of the cluster's "
        "VNet (ServiceCidrOverlapExistingSubnetsCidr).",
        "{prefix} overlaps subnet {subnet!r} ({subnet_prefix})",
        "concepts-network-azure-cni-overlay",
    ),
    _r(
        "range-in-vnet",
        W,
        "A pod or service CIDR inside the VNet's address space is allowed but not "
        "recommended: a subnet added there later collides with it.",
        "{prefix} is inside the VNet's address space ({vnet}) though outside every subnet",
        "configure-kubenet",
    ),
    _r(
        "connected-overlap",
        W,
        "Ranges must not overlap networks the VNet reaches (peered VNets, on-premises, "
        "ExpressRoute, VPN): traffic to the overlap goes to the wrong place.",
        "{prefix} ({field}) overlaps {network} {other} ({kind})",
        "concepts-network-azure-cni-overlay",
    ),
    _r(
        "service-cidr-too-large",
        E,
        "The service CIDR can be no larger than /12 (IPv6: /108).",
        "{prefix} is larger than /{limit}",
        "concepts-network-ip-address-planning",
        "The service address CIDR must be smaller than /12.",
    ),
    _r(
        "dns-outside-service-cidr",
        E,
        "The DNS service IP must be inside the service CIDR.",
        "{dns} is not inside the service CIDR ({service})",
        "concepts-network-ip-address-planning",
        "IP address within the Kubernetes service address range used by cluster service discovery.",
    ),
    _r(
        "dns-network-address",
        E,
        "The DNS service IP cannot be the service CIDR's network address.",
        "{dns} is the network address of {service}; use the .10",
        "concepts-network-ip-address-planning",
        "Don't use the first IP address in your address range.",
    ),
    _r(
        "dns-kubernetes-default",
        E,
        "The first host of the service CIDR belongs to the kubernetes.default "
        "Service; the DNS service IP cannot take it.",
        "{dns} is the address of kubernetes.default in {service}; use the .10",
        "concepts-network-ip-address-planning",
        "The first address in your subnet range is used for the _kubernetes.default.svc.cluster.local_ address.",
    ),
    _r(
        "dns-broadcast-address",
        E,
        "The DNS service IP cannot be the service CIDR's last (broadcast) address.",
        "{dns} is the last address of {service}; use the .10",
        "concepts-network-ip-address-planning",
        "IP address within the Kubernetes service address range used by cluster service discovery.",
    ),
    _r(
        "service-cidr-multicast",
        E,
        "AKS validates and blocks service CIDRs in multicast ranges: a Service's virtual IP must be unicast.",
        "{prefix} is multicast address space; AKS blocks service CIDRs there",
        AKS_2023_10_01,
        "AKS will now validate, and block if necessary, service CIDRs placed in public and multicast IP address ranges.",
    ),
    # A warning, not an error: "block if necessary" is not always, and real templates (Azure/Aks-Construction's
    # 172.10.0.0/16) deploy with a public service CIDR.
    _r(
        "service-cidr-public",
        W,
        "AKS validates service CIDRs in public ranges and may block them; cluster traffic to "
        "the real hosts of that range is answered by Services instead.",
        "{prefix} is public address space; AKS may block it, and pods cannot reach the real hosts there",
        AKS_2023_10_01,
        "AKS will now validate, and block if necessary, service CIDRs placed in public and multicast IP address ranges.",
    ),
    _r(
        "pod-cidr-not-private",
        N,
        "Pod CIDRs outside RFC 1918 and RFC 6598 are outside Microsoft's support scope.",
        "{prefix} is not a private (RFC 1918) or shared (RFC 6598) range",
        "concepts-network-azure-cni-overlay",
    ),
    _r(
        "ip-families",
        E,
        "Only IPv4 or IPv4 then IPv6 are valid ipFamilies; IPv6-only is not supported.",
        "ipFamilies {families} is not [IPv4] or [IPv4, IPv6]",
        "configure-dual-stack",
    ),
    # --- models and their combinations
    _r(
        "overlay-needs-azure",
        E,
        "networkPluginMode overlay applies only with networkPlugin azure.",
        "networkPluginMode overlay needs networkPlugin azure",
        "azure-cni-overlay",
    ),
    _r(
        "kubenet-windows",
        E,
        "kubenet is Linux only; Windows node pools need Azure CNI.",
        "Windows node pools need Azure CNI; kubenet is Linux only",
        "configure-kubenet",
    ),
    _r(
        "kubenet-azure-policy",
        E,
        "Azure network policy is not supported on kubenet (Calico is).",
        "Azure network policy is not supported on kubenet (Calico is)",
        "configure-kubenet",
    ),
    _r(
        "dualstack-kubenet-policy",
        E,
        "Dual-stack kubenet supports neither Azure nor Calico network policy.",
        "{policy} network policy is not supported on dual-stack kubenet",
        "configure-dual-stack",
    ),
    _r(
        "dualstack-kubenet-natgw",
        E,
        "NAT gateway is not supported on dual-stack kubenet.",
        "NAT gateway is not supported on dual-stack kubenet",
        "configure-dual-stack",
    ),
    _r(
        "dualstack-kubenet-legacy",
        N,
        "Dual-stack kubenet is no longer documented (page removed March 2025); "
        "dual-stack now requires Azure CNI Overlay.",
        "dual-stack kubenet is a legacy design; new dual-stack clusters use Azure CNI Overlay",
        "configure-dual-stack",
    ),
    _r(
        "kubenet-retirement",
        N,
        "kubenet retires on 31 March 2028.",
        "kubenet retires on 31 March 2028; the suggested move is Azure CNI Overlay",
        "configure-kubenet",
    ),
    _r(
        "dualstack-model",
        E,
        "Dual-stack needs Azure CNI Overlay (or legacy kubenet); Azure CNI with pods in a subnet has no IPv6 pods.",
        "dual-stack is not supported with {model}",
        "configure-dual-stack",
    ),
    _r(
        "dualstack-overlay-policy",
        E,
        "Dual-stack Overlay does not support Azure or Calico network policy.",
        "{policy} network policy is not supported on dual-stack Azure CNI Overlay",
        "azure-cni-overlay",
    ),
    _r(
        "dualstack-natgw",
        E,
        "The managed NAT gateway is a Standard NAT gateway, which supports only IPv4; a dual-stack "
        "cluster needs StandardV2.",
        "{outbound} is not supported on a dual-stack cluster (its Standard NAT gateway is IPv4 only)",
        "azure-cni-overlay",
        "Standard NAT Gateway, which supports only IPv4. For dual-stack egress, use StandardV2 NAT Gateway.",
    ),
    _r(
        "dualstack-natgw-v2",
        W,
        "A user-assigned NAT gateway may be Standard or StandardV2; only StandardV2 carries "
        "IPv6, so a dual-stack cluster needs a StandardV2 one.",
        "userAssignedNATGateway on a dual-stack cluster: the NAT gateway must be StandardV2 (Standard is IPv4 only)",
        "azure-cni-overlay",
        "Standard NAT Gateway, which supports only IPv4. For dual-stack egress, use StandardV2 NAT Gateway.",
    ),
    _r(
        "pod-cidr-without-overlay",
        E,
        "podCidr is used only by kubenet and Azure CNI Overlay.",
        "podCidr is only used by kubenet and Azure CNI Overlay; this model takes pod IPs from a subnet",
        "https://github.com/Azure/azure-cli/issues/26237",
    ),
    _r(
        "pod-subnet-model",
        E,
        "A pod subnet is used only by Azure CNI Pod Subnet.",
        "a pod subnet is only used by Azure CNI Pod Subnet, not {model}",
        "concepts-network-azure-cni-pod-subnet",
    ),
    _r(
        "pod-subnet-every-pool",
        E,
        "With Azure CNI Pod Subnet the whole cluster uses one kind of CNI: every pool needs a pod subnet.",
        "with Azure CNI Pod Subnet every pool needs a pod subnet",
        "configure-azure-cni-dynamic-ip-allocation",
    ),
    _r(
        "pod-subnet-needs-vnet",
        E,
        "Azure CNI Pod Subnet needs your own VNet.",
        "Azure CNI Pod Subnet needs your own VNet",
        "configure-azure-cni-dynamic-ip-allocation",
    ),
    _r(
        "allocation-mode-needs-pod-subnet",
        E,
        "podIPAllocationMode applies to a pod subnet only.",
        "podIPAllocationMode applies to a pod subnet only",
        "configure-azure-cni-static-block-allocation",
    ),
    _r(
        "pod-subnet-mixed-modes",
        E,
        "Once a pod subnet is used in one allocation mode it can only be used in the same mode.",
        "pod subnet {subnet!r} is used both dynamically and in static blocks",
        "configure-azure-cni-static-block-allocation",
    ),
    _r(
        "static-block-version",
        E,
        "Static block allocation needs Kubernetes 1.28 or later.",
        "StaticBlock needs Kubernetes 1.28 or later, not {version}",
        "configure-azure-cni-static-block-allocation",
        "Minimum Kubernetes Version required is 1.28",
    ),
    _r(
        "static-pod-subnet-too-large",
        E,
        "Static block allocation supports pod subnets of /12 at most.",
        "{prefix} is larger than /12, the largest pod subnet static block allocation supports",
        "configure-azure-cni-static-block-allocation",
    ),
    _r(
        "static-block-waste",
        N,
        "A node reserves one IP, so maxPods = 16N-1 fills its /28 blocks; other values leave addresses unused.",
        "maxPods {max_pods} takes {blocks} /28 blocks per node and leaves {waste} "
        "addresses unused in each node; {best} would use them",
        "configure-azure-cni-static-block-allocation",
    ),
    _r(
        "byo-cni-needs-none",
        E,
        "byoCni names the CNI you install when networkPlugin is none.",
        "byoCni names the CNI you install when networkPlugin is none",
        "use-byo-cni",
    ),
    _r(
        "byo-cni-policy",
        E,
        "With networkPlugin none AKS installs no policy engine; your CNI enforces policy.",
        "with networkPlugin none, AKS installs no policy engine; your CNI enforces policy",
        "use-byo-cni",
    ),
    _r(
        "byo-cni-no-pod-cidr",
        W,
        "Without a pod CIDR, control plane to pod communication might fail with BYO CNI.",
        "no podCidr: give the pod CIDR your CNI uses so AKS can route control-plane traffic to pods",
        "use-byo-cni",
    ),
    _r(
        "cilium-dataplane-needs-azure",
        E,
        "Azure CNI powered by Cilium needs networkPlugin azure.",
        "networkDataplane cilium needs networkPlugin azure",
        "azure-cni-powered-by-cilium",
    ),
    _r(
        "cilium-dataplane-policy",
        E,
        "With the Cilium dataplane, Cilium enforces policy; Azure or Calico policy is not allowed.",
        "with networkDataplane cilium, policy is enforced by Cilium; {policy} is not allowed",
        "azure-cni-powered-by-cilium",
    ),
    _r(
        "cilium-policy-needs-dataplane",
        E,
        "networkPolicy cilium needs networkDataplane cilium.",
        "networkPolicy cilium needs networkDataplane cilium",
        "azure-cni-powered-by-cilium",
    ),
    _r(
        "windows-cilium",
        E,
        "Azure CNI powered by Cilium is available only for Linux, not Windows.",
        "Windows node pools are not supported with the Cilium dataplane",
        "azure-cni-powered-by-cilium",
    ),
    _r(
        "windows2019-model",
        E,
        "Windows Server 2019 node pools are not supported with Azure CNI Pod Subnet.",
        "Windows Server 2019 is not supported with {model}",
        "concepts-network-azure-cni-pod-subnet",
        "Windows 2019 nodes are not supported in Azure CNI Pod Subnet",
    ),
    _r(
        "windows2019-version",
        E,
        "Since 1 March 2026 Kubernetes 1.33 and later refuse Windows Server 2019 pools, on every network model.",
        "Windows Server 2019 is not supported on Kubernetes {version} (1.33 and later)",
        "windows-faq",
        "Windows Server 2019 isn't supported in Kubernetes version 1.33 and above.",
    ),
    _r(
        "windows-max-pods",
        W,
        "For Windows Server nodes the maximum recommended maxPods is 110.",
        "maxPods {max_pods} on a Windows pool; 110 is the recommended maximum",
        "concepts-network-azure-cni-overlay",
        "For Windows Server containers, the maximum recommended value is 110 pods per node.",
    ),
    _r(
        "npm-windows",
        E,
        "AKS no longer supports Azure Network Policy Manager on Windows nodes (since 30 September "
        "2026); subscriptions not already onboarded cannot onboard.",
        "Azure network policy (NPM) is no longer supported "
        "on Windows nodes (since 30 September 2026); use NSGs or Calico",
        "use-network-policies",
        "Starting on September 30, 2026, Azure Kubernetes Service (AKS) no longer supports Azure Network Policy Manager "
        "(NPM) on Windows nodes.",
    ),
    _r(
        "npm-retirement",
        N,
        "Azure Network Policy Manager on Linux retires on 30 September 2028.",
        "Azure network policy (NPM) retires on Linux on 30 September 2028; the suggested move is Cilium",
        "use-network-policies",
    ),
    _r(
        "npm-scale",
        W,
        "Azure Network Policy Manager does not support more than 250 nodes and 20,000 pods.",
        "Azure network policy (NPM) with {nodes:,} nodes (up to {pods:,} pods); NPM is not supported beyond 250 nodes "
        "and 20,000 pods",
        "use-network-policies",
        "Scaling beyond _250 nodes_ and _20,000 pods_ isn't supported.",
    ),
    _r(
        "no-network-policy",
        N,
        "With no network policy engine every pod can reach every other pod; Kubernetes "
        "NetworkPolicy objects are ignored (PSRule Azure.AKS.NetworkPolicy).",
        "no network policy engine: NetworkPolicy objects are ignored and every pod reaches every pod",
        "use-network-policies",
        "By default, all pods in an AKS cluster can send and receive traffic without limitations.",
    ),
    _r(
        "overlay-dcsv2",
        W,
        "Azure CNI Overlay node pools cannot use DCsv2-series VMs.",
        "{vm_size} is a DCsv2-series size, which Azure CNI Overlay does not support",
        "concepts-network-azure-cni-overlay",
        "You can't use DCsv2-series virtual machines in node pools.",
    ),
    _r(
        "overlay-name-length",
        W,
        "With Azure CNI Overlay in your own subnet, the subnet, VNet and resource group names "
        "become node labels and must be 63 characters or fewer.",
        "{what} name {name!r} has {length} characters; Azure CNI Overlay needs 63 or fewer",
        "concepts-network-azure-cni-overlay",
        "If you're using your own subnet to deploy the cluster, the names of the subnet, the virtual network, and the "
        "resource group that contains the virtual network must be 63 characters or fewer.",
    ),
    _r(
        "overlay-pod-limit",
        N,
        "Azure CNI Overlay scales to 200,000 pods per cluster; maxPods on every node is more.",
        "{nodes:,} nodes x maxPods allow {pods:,} pods; Azure CNI Overlay supports 200,000 per cluster",
        "best-practices-performance-scale-large",
        "200,000 pods per AKS cluster (with Azure CNI Overlay)",
    ),
    # --- pools
    _r(
        "windows-pool-name",
        E,
        "Windows pool names are 6 characters at most.",
        "Windows pool names are 6 characters at most",
        "use-system-pools",
    ),
    _r("windows-system-pool", E, "System pools must be Linux.", "system pools must be Linux", "use-system-pools"),
    _r(
        "no-system-pool",
        E,
        "A cluster needs at least one System pool.",
        "a cluster needs at least one System pool",
        "use-system-pools",
    ),
    _r(
        "system-pool-empty",
        E,
        "A System pool with no nodes leaves nowhere for the cluster's system pods.",
        "System pool {pool!r} has no nodes",
        "create-node-pools",
        "System pools must contain at least two nodes, and user node pools may contain zero or more nodes.",
    ),
    _r(
        "system-pool-nodes",
        W,
        "System pools must contain at least two nodes; with one, a node upgrade or failure "
        "stops the cluster's system pods (PSRule Azure.AKS.MinNodeCount asks for three).",
        "System pool {pool!r} has {count} node; System pools must contain at least two",
        "create-node-pools",
        "System pools must contain at least two nodes, and user node pools may contain zero or more nodes.",
    ),
    # The id is kept for CI configurations; the rule covers every pool, as Learn says.
    _r(
        "system-pool-min-pods",
        E,
        "Every node pool must have space for at least 30 pods (maxPods x node count); AKS enforces it strictly.",
        "pool {pool!r} supports {pods} pods ({max_pods} x {count}); each pool needs at least 30",
        "concepts-network-ip-address-planning",
        "The minimum value that can be set for maximum pods per node is 10 if and only if the configuration of each "
        "node pool has space for a minimum of 30 pods.",
    ),
    _r(
        "cluster-node-limit",
        E,
        "A Standard or Premium tier cluster holds at most 5,000 nodes (1,000 per pool).",
        "{nodes:,} nodes; a cluster holds at most {limit:,}",
        "best-practices-performance-scale-large",
        "Up to 5,000 nodes per AKS cluster",
    ),
    _r(
        "free-tier-node-limit",
        E,
        "The Free tier (az aks create's default) supports up to 1,000 nodes; Standard and Premium 5,000.",
        "{nodes:,} nodes on the {tier} tier, which supports up to 1,000; set sku.tier Standard for up to 5,000",
        "free-standard-pricing-tiers",
        "Supports up to 1,000 nodes.",
    ),
    _r(
        "pool-surge-over-1000",
        E,
        "A scale set holds 1,000 instances: AKS rejects an upgrade whose pool size plus surge passes 1,000.",
        "pool {pool!r}: {count:,} nodes + {surge:,} surge = {total:,}; AKS rejects the upgrade above 1,000",
        "upgrade-aks-node-pools-rolling",
        "If a node pool's current size plus the calculated surge count would exceed 1,000 instances, AKS rejects the "
        "upgrade before it starts.",
    ),
    _r(
        "vnet-ip-limit",
        E,
        "A VNet holds at most 65,536 configured IP addresses; node-subnet CNI and dynamic Pod "
        "Subnet give every pod a VNet IP configuration.",
        "the cluster configures {need:,} IP addresses in VNet {vnet!r} ({what}); a VNet holds 65,536",
        "concepts-network-ip-address-planning",
        "Max size /8. 65,536 configured IP address limit.",
    ),
    _r(
        "vnet-ip-limit-growth",
        W,
        "Grown to the autoscaler's maxCount, or with every dynamic Pod Subnet node full, the "
        "cluster would configure more than 65,536 IP addresses in its VNet.",
        "{when} the cluster configures {need:,} IP addresses in VNet {vnet!r}; a VNet holds 65,536",
        "concepts-network-ip-address-planning",
        "Max size /8. 65,536 configured IP address limit.",
    ),
    _r(
        "autoscale-no-room",
        W,
        "AKS sizes a subnet by the autoscaler's maxCount: the nodes it may add, and their surge, need addresses too.",
        "{subnet!r} has {usable:,} usable addresses; pool(s) at maxCount with surge need {need:,}",
        "concepts-network-ip-address-planning",
        "Subnet size should also account for upgrade operations and future scaling needs.",
    ),
    # --- egress and the API server
    _r(
        "managed-natgw-byo-vnet",
        E,
        "Managed NAT gateway isn't compatible with custom virtual networks.",
        "managedNATGateway works with an AKS-managed VNet only; use userAssignedNATGateway for your own VNet",
        "nat-gateway",
    ),
    _r(
        "userAssignedNATGateway-needs-byo-vnet",
        E,
        "userAssignedNATGateway needs your own VNet.",
        "userAssignedNATGateway needs your own VNet and subnet",
        "egress-outboundtype",
    ),
    _r(
        "userDefinedRouting-needs-byo-vnet",
        E,
        "userDefinedRouting needs your own VNet and route table.",
        "userDefinedRouting needs your own VNet and subnet",
        "egress-outboundtype",
    ),
    _r(
        "udr-needs-default-route",
        E,
        "userDefinedRouting needs a 0.0.0.0/0 route to a firewall or NVA.",
        "userDefinedRouting needs a 0.0.0.0/0 route to your firewall or NVA: add it to the subnet's routeTable "
        "or set egressNextHopIP",
        "egress-udr",
    ),
    _r(
        "udr-default-route-internet",
        E,
        "AKS validates that the 0.0.0.0/0 route does not point at the Internet.",
        "route {route!r} sends 0.0.0.0/0 to the Internet; userDefinedRouting needs a firewall, NVA or gateway",
        "egress-udr",
    ),
    _r(
        "udr-public-inbound",
        N,
        "With a 0.0.0.0/0 route to a firewall, replies to a public load balancer's "
        "inbound traffic go through the firewall and are dropped (asymmetric routing).",
        "inbound to public LoadBalancer services needs a DNAT rule on the firewall or an internal load balancer",
        "limit-egress-traffic",
    ),
    _r(
        "outbound-none-not-isolated",
        E,
        "outboundType none is only available for network isolated clusters (bootstrapProfile.artifactSource Cache).",
        "outboundType none needs a network isolated cluster (bootstrapProfile.artifactSource: Cache)",
        "egress-outboundtype",
    ),
    _r(
        "outbound-none-public-api",
        W,
        "In a nonprivate cluster API server traffic follows the outbound type: "
        "with none, nodes cannot reach the public API server unless you add egress.",
        "outboundType none with a public API server: nodes reach it only through egress you provide",
        "egress-outboundtype",
        "In nonprivate clusters, AKS routes and processes API server traffic through the cluster's outbound type.",
    ),
    _r(
        "isolated-kubenet",
        E,
        "A network isolated cluster cannot use kubenet.",
        "a network isolated cluster (bootstrapProfile.artifactSource Cache) does not support kubenet",
        "concepts-network-isolated",
        "kubenet networking is not supported.",
    ),
    _r(
        "kubenet-identity",
        N,
        "kubenet with your own VNet and route table needs a user-assigned managed identity for "
        "the cluster; a system-assigned one works only through the Azure CLI, which grants its role late, and the "
        "move to Overlay cannot remove the route table without a user-assigned one.",
        "kubenet with your own VNet: {identity} identity works only when created with the Azure CLI, and the move "
        "to Overlay needs a user-assigned one",
        "configure-kubenet",
        "When you create and use your own VNet and route table with the kubenet network plugin, you must configure a "
        "user-assigned managed identity for the cluster.",
    ),
    _r(
        "basic-lb-outbound",
        E,
        "Outbound types other than loadBalancer need the Standard load balancer.",
        "outboundType {outbound} needs the standard load balancer",
        "egress-udr",
    ),
    _r(
        "basic-lb-retired",
        E,
        "AKS no longer supports the Basic load balancer (since 30 September 2025).",
        "the basic load balancer is no longer supported (retired 30 September 2025)",
        "quotas-skus-regions",
    ),
    _r(
        "apiserver-subnet",
        E,
        "API server VNet integration with your own VNet needs a delegated subnet.",
        "API server VNet integration with your own VNet needs apiServerAccessProfile.subnetName",
        "api-server-vnet-integration",
    ),
    _r(
        "apiserver-subnet-too-small",
        E,
        "The minimum supported API server subnet size is /28.",
        "{prefix} is smaller than /28, the smallest API server subnet",
        "api-server-vnet-integration",
    ),
    _r(
        "apiserver-subnet-shared",
        E,
        "The API server subnet is delegated and can't be used for anything else, "
        "and a node pool's subnet can't be delegated.",
        "subnet {subnet!r} is the API server's delegated subnet; {pool!r} cannot put its {what} there",
        "api-server-vnet-integration",
    ),
    _r(
        "authorized-ranges-private",
        E,
        "API server authorized IP ranges cannot be used with a private cluster.",
        "authorizedIPRanges cannot be used with a private cluster",
        "api-server-authorized-ip-ranges",
        "You can't use this feature with private clusters.",
    ),
    _r(
        "authorized-ranges-too-many",
        E,
        "The API server takes up to 200 authorized IP ranges (2,000 with API Server VNet Integration).",
        "{count:,} authorized IP ranges; the limit is {limit:,}",
        "api-server-authorized-ip-ranges",
        "You can specify up to 200 authorized IP ranges.",
    ),
    _r(
        "public-api-open",
        N,
        "A public API server without authorized IP ranges answers the whole Internet (PSRule Azure.AKS.AuthorizedIPs).",
        "the API server is public and has no authorizedIPRanges",
        "api-server-authorized-ip-ranges",
        "To secure the otherwise publicly accessible AKS control plane API server, enable authorized IP ranges.",
    ),
    _r(
        "private-dns-none-no-fqdn",
        E,
        "privateDNSZone none together with the public FQDN disabled is not supported: "
        "nothing would resolve the API server's name.",
        "privateDNSZone none with enablePrivateClusterPublicFQDN false is not supported",
        "private-clusters",
        "Setting `privateDNSZone` / `--private-dns-zone` to `none` **and** `publicDNS: false` / `--disable-public-fqdn` "
        "at the same time **isn't supported**.",
    ),
    _r(
        "dns-zone-public",
        W,
        "privateDNSZone is only used by private clusters.",
        "privateDNSZone is only used by private clusters",
        "private-clusters",
    ),
    # --- size: errors for what does not fit now, warnings for what does not fit with surge
    _r(
        "subnet-too-small",
        E,
        "The cluster's nodes (and for Azure CNI their pods) need addresses in the subnet.",
        "the cluster needs {need:,} addresses in {subnet!r} but {prefix} has {usable:,} usable",
        "concepts-network-ip-address-planning",
    ),
    _r(
        "static-blocks-too-few",
        E,
        "With static block allocation every node owns whole /28 blocks; the blocks "
        "that hold Azure's reserved addresses (the first and last) cannot be handed out.",
        "{subnet!r} has {blocks:,} /28 blocks a node can own; the cluster needs {need:,}",
        "configure-azure-cni-static-block-allocation",
    ),
    _r(
        "static-blocks-no-surge-room",
        W,
        "Surge nodes need their /28 blocks too during an upgrade.",
        "{subnet!r} has {blocks:,} /28 blocks a node can own; an upgrade with {surge} surge node(s) needs {need:,}",
        "configure-azure-cni-static-block-allocation",
    ),
    _r(
        "subnet-no-surge-room",
        W,
        "An upgrade adds surge nodes (1 per pool by default); without addresses for them the upgrade fails.",
        "{subnet!r} has {usable:,} usable addresses; an upgrade with {surge} surge node(s) needs {need:,}",
        "concepts-network-ip-address-planning",
    ),
    _r(
        "pod-cidr-too-small",
        E,
        "Each node takes a /24 (IPv6 /80) of the pod CIDR.",
        "{prefix} has room for {blocks:,} node blocks but the cluster has {nodes:,} nodes",
        "concepts-network-azure-cni-overlay",
    ),
    _r(
        "pod-cidr-no-surge-room",
        W,
        "Surge nodes need their own /24 of the pod CIDR during an upgrade.",
        "{prefix} has room for {blocks:,} node blocks; an upgrade needs {need:,}",
        "concepts-network-azure-cni-overlay",
    ),
    _r(
        "route-limit",
        E,
        "A route table holds at most 400 routes; kubenet needs one per node (two dual-stack).",
        "{routes:,} routes; a route table holds {limit} at most",
        "configure-kubenet",
    ),
    _r(
        "route-limit-surge",
        W,
        "Surge nodes need routes too: an upgrade needs more routes than the nodes today.",
        "an upgrade needs {routes:,} routes ({surge} surge node(s)); a route table holds {limit} at most",
        "configure-kubenet",
    ),
    _r(
        "route-drift",
        W,
        "A kubenet route that disagrees with the nodes sends pod traffic to the wrong node or "
        "nowhere (seen with --route-table and --nodes).",
        "route {route!r}: {drift}",
        "configure-kubenet",
    ),
    _r(
        "kubenet-route-tables",
        E,
        "Each kubenet cluster uses a single route table for all its subnets.",
        "node subnets carry different route tables ({tables}); kubenet needs one for all of them",
        "configure-kubenet",
    ),
    # --- the cluster in its network: hub and spoke, firewall, NAT gateways, on-premises
    _r(
        "egress-next-hop-mismatch",
        W,
        "Azure sends 0.0.0.0/0 where the node subnet's route table says; "
        "egressNextHopIP and the firewall's private IP must be that same address, or egress reaches the wrong "
        "appliance or none.",
        "the egress next hop disagrees: route table 0.0.0.0/0 -> {route}, egressNextHopIP "
        "{hop}, firewall private IP {firewall}; Azure follows the route table ({used})",
        "egress-udr",
    ),
    _r(
        "next-hop-in-cluster-range",
        W,
        "No network element connected to the VNet may use the service range (nor "
        "the pod range): the cluster answers those addresses itself, so pods never reach a firewall there.",
        "the egress next hop {ip} is inside {prefix} ({field}): the cluster captures traffic to it, so pods cannot "
        "reach the firewall (its DNS proxy included)",
        "concepts-network-ip-address-planning",
    ),
    _r(
        "range-captures-remote",
        W,
        "Pod and service ranges must not overlap the hub, peered VNets or on-premises "
        "(ExpressRoute, VPN): traffic from the cluster to the overlap is captured in the cluster and never leaves.",
        "{prefix} ({field}) overlaps {what} {network} {other}: traffic from the cluster to that range is captured "
        "in the cluster and never reaches {network}",
        "concepts-network-ip-address-planning",
    ),
    _r(
        "natgw-profile-user-assigned",
        W,
        "natGatewayProfile configures the NAT gateway AKS manages "
        "(managedNATGateway); with userAssignedNATGateway your NAT gateway on the subnet decides, and the profile "
        "is not used.",
        "natGatewayProfile is not used with userAssignedNATGateway: set outbound IPs and idle "
        "timeout on your NAT gateway",
        "nat-gateway",
    ),
    _r(
        "natgw-not-on-node-subnet",
        W,
        "userAssignedNATGateway needs the NAT gateway preconfigured on the cluster's subnet.",
        "node subnet {subnet!r} has no NAT gateway, but userAssignedNATGateway needs one preconfigured on it",
        "nat-gateway",
    ),
    _r(
        "natgw-not-on-pod-subnet",
        W,
        "With Azure CNI Pod Subnet a pod's packet leaves with its pod IP, from the "
        'pod subnet: Learn names "fixing the source IP for pod in a node pool using an Azure NAT Gateway" on the '
        "pod subnet; the node subnet's NAT gateway does not translate pod IPs.",
        "pod subnet {subnet!r} (pool {pool!r}) has no NAT gateway: pods leave with pod IPs the node subnet's NAT "
        "gateway does not translate",
        "concepts-network-azure-cni-pod-subnet",
    ),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}
assert len(RULES) == len(_RULES), "rule ids must be unique"
