"""The cluster in its network (issue 23): the hub, its firewall, peerings, on-premises and private DNS
zones, read from real `az network` documents (tests/fixtures/azure-network, see SOURCES.md), checked
and drawn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aksdiag import api
from aksdiag.api.stages import Options, d2_source, load_cluster, plan_cluster
from aksdiag.cli.app import app
from aksdiag.errors import InputError

from .conftest import ROOT

NET = ROOT / "tests" / "fixtures" / "azure-network"
HUB = ROOT / "examples" / "hub-spoke-firewall.yaml"
UDR = ROOT / "examples" / "udr-firewall-egress.yaml"

runner = CliRunner()


def spec_of(path: Path, *network: str, **overlays):
    return api.load(api.Source(path=path, network=tuple(NET / n for n in network), **overlays)).loaded.spec


def rules_of(source) -> dict[str, list]:
    plan = api.plan(source, Options(draw_unsupported=True))
    out: dict[str, list] = {}
    for f in plan.findings:
        out.setdefault(f.rule, []).append(f)
    return out


def write(tmp_path: Path, data: dict, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


# --- reading the documents az prints


def test_cli_ip_config_gives_the_firewall_its_private_ip_subnet_and_public_ip_name():
    fw = spec_of(UDR, "cli-aks-course-firewall-ip-config-create.json").firewall
    assert fw is not None and str(fw.privateIPAddress) == "10.42.2.4"
    assert (fw.name, fw.vnetName, fw.publicIPName) == ("hub-firewall", "aks-vnet", "firewall-publicip")


def test_public_ip_document_gives_the_firewall_its_address_whatever_the_order():
    # The public IP is listed first: it is still laid over after the firewall it belongs to.
    fw = spec_of(
        UDR, "cli-aks-course-firewall-public-ip-create.json", "cli-aks-course-firewall-ip-config-create.json"
    ).firewall
    assert [str(ip) for ip in fw.publicIPAddresses] == ["20.229.246.163"]


def test_arm_firewall_show_is_read_like_the_cli_one():
    fw = spec_of(UDR, "arm-2024-05-01-azure-firewall-get.json").firewall
    assert (fw.name, str(fw.privateIPAddress), fw.publicIPName, fw.vnetName) == (
        "azurefirewall",
        "10.0.0.0",
        "pipName",
        "vnet2",
    )


def test_firewall_without_ip_configuration_is_refused_where_az_wrote_it():
    doc = NET / "cli-aks-course-hub-firewall-create.json"
    with pytest.raises(InputError) as err:
        spec_of(UDR, doc.name)
    p = err.value.problems[0]
    line = next(i for i, text in enumerate(doc.read_text().splitlines(), 1) if '"ipConfigurations"' in text)
    assert (Path(p.file).name, p.line) == (doc.name, line)
    assert "no IP configuration" in p.message and "ip-config create" in p.message


def test_public_ip_without_its_firewall_is_refused():
    with pytest.raises(InputError) as err:
        spec_of(UDR, "cli-aks-course-firewall-public-ip-create.json")
    assert "not the firewall's" in err.value.problems[0].message


def test_a_document_of_another_type_names_what_network_reads():
    doc = NET / "cli-aks-course-route-firewall.json"
    with pytest.raises(InputError) as err:
        spec_of(UDR, doc.name)
    p = err.value.problems[0]
    assert "Microsoft.Network/routeTables/routes" in p.message and "az network firewall show" in p.message
    assert Path(p.file).name == doc.name and p.line is not None


def test_spoke_peering_names_the_hub_and_its_address_space():
    hub = spec_of(UDR, "cli-rec-2021-vnet1-peering1-get.json").hub
    assert (hub.name, [str(p) for p in hub.addressPrefixes]) == ("vnet2", ["11.0.0.0/16"])
    assert (hub.peering.name, hub.peering.peeringState, hub.peering.useRemoteGateways) == (
        "peering1",
        "Connected",
        True,
    )


def test_peering_list_body_is_unwrapped_and_a_hub_vnet_document_keeps_the_peering():
    spec = spec_of(UDR, "cli-aks-course-vnet-create.json", "cli-rec-2021-vnet2-peering-list.json")
    # The VNet document names the hub (aks-vnet); the peering to another VNet is a connected network.
    assert spec.hub.name == "aks-vnet" and [s.name for s in spec.hub.subnets] == ["aks-subnet"]
    assert [(c.name, c.kind.value, [str(p) for p in c.addressPrefixes]) for c in spec.connectedNetworks] == [
        ("vnet1", "peeredVNet", ["10.0.0.0/16"])
    ]


def test_local_gateway_adds_on_premises_ranges_and_dns_link_adds_the_zone():
    spec = spec_of(UDR, "arm-2024-05-01-local-network-gateway-get.json", "arm-privatedns-2024-06-01-vnet-link-get.json")
    assert [(c.name, c.kind.value, [str(p) for p in c.addressPrefixes]) for c in spec.connectedNetworks] == [
        ("localgw", "vpn", ["10.1.0.0/16"])
    ]
    assert [(z.name, z.links) for z in spec.privateDNSZones] == [("privatezone1.com", ["virtualNetworkName"])]


def test_network_option_on_the_command_line(tmp_path):
    ok = runner.invoke(
        app,
        [
            "check",
            str(UDR),
            "--network",
            str(NET / "cli-aks-course-firewall-ip-config-create.json"),
            "--fail-on",
            "warning",
        ],
    )
    # The route table sends 0.0.0.0/0 to 10.70.1.4; the firewall document says 10.42.2.4.
    assert ok.exit_code == 1 and "[rule egress-next-hop-mismatch]" in ok.stdout
    bad = runner.invoke(app, ["check", str(UDR), "--network", str(NET / "cli-aks-course-hub-firewall-create.json")])
    assert bad.exit_code == 2 and "cli-aks-course-hub-firewall-create.json:" in bad.output
    assert "Traceback" not in bad.output


# --- checks


def hub_design(**changes) -> dict:
    import yaml

    data = yaml.safe_load(HUB.read_text())
    for path, value in changes.items():
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
    return data


def test_the_hub_example_is_clean():
    found = rules_of(api.Source(path=HUB))
    assert not {
        "egress-next-hop-mismatch",
        "next-hop-in-cluster-range",
        "range-captures-remote",
        "connected-overlap",
    } & set(found)


def test_next_hop_disagreement_names_all_three(tmp_path):
    src = write(
        tmp_path, hub_design(**{"networkProfile.egressNextHopIP": "10.0.1.5", "firewall.privateIPAddress": "10.0.1.6"})
    )
    [f] = rules_of(api.Source(path=src))["egress-next-hop-mismatch"]
    assert "10.0.1.4" in f.message and "10.0.1.5" in f.message and "10.0.1.6" in f.message
    # Every view draws the route's next hop: Azure follows the route table.
    plan = api.plan(api.Source(path=src))
    assert str(plan.egress.next_hop_ip) == "10.0.1.4"


def test_two_of_three_agreeing_without_the_third_is_no_disagreement(tmp_path):
    src = write(tmp_path, hub_design(**{"networkProfile.egressNextHopIP": "10.0.1.4"}))
    assert "egress-next-hop-mismatch" not in rules_of(api.Source(path=src))


def test_service_cidr_over_the_hub_says_traffic_is_captured(tmp_path):
    src = write(
        tmp_path,
        hub_design(**{"networkProfile.serviceCidr": "10.0.0.0/16", "networkProfile.dnsServiceIP": "10.0.0.10"}),
    )
    found = rules_of(api.Source(path=src))
    [f] = found["range-captures-remote"]
    assert "vnet-hub" in f.message and "captured in the cluster" in f.message
    assert f.severity.value == "warning"
    # The firewall's IP is inside the service CIDR too: pods cannot reach it.
    assert "next-hop-in-cluster-range" in found


def test_pod_cidr_over_on_premises_says_why(tmp_path):
    src = write(tmp_path, hub_design(**{"connectedNetworks.0.addressPrefixes": ["10.244.0.0/14"]}))
    [f] = rules_of(api.Source(path=src))["range-captures-remote"]
    assert "on-premises datacenter" in f.message and "networkProfile.podCidr" in f.fields


def test_udr_example_firewall_is_outside_the_service_cidr():
    found = rules_of(api.Source(path=UDR))
    assert "next-hop-in-cluster-range" not in found


def test_firewall_inside_the_default_service_cidr_is_a_warning(tmp_path):
    import yaml

    data = yaml.safe_load(UDR.read_text())
    data["vnet"]["subnets"][0]["routeTable"]["routes"][0]["nextHopIpAddress"] = "10.0.1.4"
    [f] = rules_of(api.Source(path=write(tmp_path, data)))["next-hop-in-cluster-range"]
    assert "10.0.1.4" in f.message and "10.0.0.0/16" in f.message


def natgw_design(pod_subnet_natgw: bool, profile: bool = False) -> dict:
    data = {
        "name": "c",
        "networkProfile": {"networkPlugin": "azure", "outboundType": "userAssignedNATGateway"},
        "vnet": {
            "name": "v",
            "addressPrefixes": ["10.50.0.0/16"],
            "subnets": [
                {"name": "nodes", "addressPrefix": "10.50.0.0/24", "natGateway": {"name": "natgw-nodes"}},
                {
                    "name": "pods",
                    "addressPrefix": "10.50.16.0/20",
                    **(
                        {"natGateway": {"name": "natgw-pods", "publicIPAddresses": ["203.0.113.20"]}}
                        if pod_subnet_natgw
                        else {}
                    ),
                },
            ],
        },
        "nodePools": [{"name": "np1", "count": 3, "vnetSubnetName": "nodes", "podSubnetName": "pods"}],
    }
    if profile:
        data["networkProfile"]["natGatewayProfile"] = {"managedOutboundIPCount": 2}
    return data


def test_pod_subnet_without_nat_gateway_is_a_warning_and_the_picture_names_the_pod_subnet(tmp_path):
    found = rules_of(api.Source(path=write(tmp_path, natgw_design(False))))
    assert [f.value("subnet") for f in found["natgw-not-on-pod-subnet"]] == ["pods"]
    good = api.Source(path=write(tmp_path, natgw_design(True), "good.yaml"))
    assert "natgw-not-on-pod-subnet" not in rules_of(good)
    plan = api.plan(good)
    assert (plan.egress.nat_subnet, plan.egress.nat_gateway) == ("pods", "natgw-pods")
    text = d2_source(plan, Options(view="egress"), source_name="good")
    assert "NAT gateway natgw-pods · yours, on the pod subnet pods" in text and "source: pod IP" in text


def test_nat_gateway_profile_with_a_user_assigned_nat_gateway_is_a_warning(tmp_path):
    assert "natgw-profile-user-assigned" in rules_of(api.Source(path=write(tmp_path, natgw_design(True, True))))
    assert "natgw-profile-user-assigned" not in rules_of(api.Source(path=write(tmp_path, natgw_design(True), "b.yaml")))


# --- pictures


def hub_d2(view: str) -> str:
    return d2_source(plan_cluster(load_cluster(HUB), Options(view=view)), Options(view=view), source_name=HUB.name)


def test_overview_and_egress_draw_the_hub_with_the_firewall_peering_and_source_ips():
    for view in ("overview", "egress"):
        text = hub_d2(view)
        assert 'hub: "hub VNet vnet-hub\\n10.0.0.0/16"' in text  # wrapped clear of the hub's icon
        assert 'out: "Azure Firewall afw-hub · 10.0.1.4\\nSNAT to public IP 203.0.113.10"' in text
        assert "peering spoke-to-hub\\nConnected" in text and "class: peering" in text
        assert "-> hub.out: " in text and "0.0.0.0/0 → 10.0.1.4\\nsource 10.20." in text  # node IP inside
        assert 'hub.out -> internet: "' in text and "source 203.0.113.10\\n(firewall public IP)" in text
        assert "on-premises datacenter\\n10.100.0.0/16\\nvia ergw-hub" in text and "hub.gw0 -- onprem0" in text


def test_api_view_draws_the_private_dns_zone_and_its_links():
    text = hub_d2("api")
    assert "private DNS zone\\nprivatelink.westeurope.azmk8s.io" in text
    assert 'dnszone -- vnet: "link"' in text and 'dnszone -- hub: "link"' in text
    # The zone by name; its resource ID only as the zone's hover text (issue 18), never in a label.
    board = text.split("layers")[0]
    assert all("/subscriptions/" not in ln or ln.strip().startswith("tooltip:") for ln in board.splitlines())


def test_routes_show_azures_next_hop_types_and_udr_route_table_is_yours(tmp_path):
    text = hub_d2("addresses")
    assert "0.0.0.0/0 → VirtualAppliance 10.0.1.4 · yours" in text
    data = {
        "name": "c",
        "networkProfile": {
            "networkPlugin": "azure",
            "networkPluginMode": "overlay",
            "outboundType": "userDefinedRouting",
            "egressNextHopIP": "10.70.1.4",
        },
        "vnet": {
            "name": "v",
            "addressPrefixes": ["10.80.0.0/16"],
            "subnets": [{"name": "nodes", "addressPrefix": "10.80.1.0/24"}],
        },
        "nodePools": [{"name": "np1", "count": 3}],
    }
    plan = api.plan(api.Source(path=write(tmp_path, data)))
    text = d2_source(plan, Options(view="addresses"), source_name="c")
    assert "your route table (not given)" in text and "created and kept by AKS" not in text


# --- compare --as: ranges that fit the whole cluster with its surge, each pool's maxPods


@pytest.mark.parametrize(
    "example", ["kubenet-byo-vnet.yaml", "kubenet-basic.yaml", "azure-cni-overlay.yaml", "multi-pool-windows.yaml"]
)
def test_as_pod_subnet_chooses_a_pod_subnet_that_holds_the_cluster_full_with_surge(example):
    from aksdiag.api.compare import review
    from aksdiag.derive.as_model import TargetModel

    rv = review(ROOT / "examples" / example, None, TargetModel.pod_subnet, Options())
    after = rv.plan_b
    pods = next(s for s in after.subnets if s.name == "pods")
    full = sum(p.count * -(-p.max_pods // 16) * 16 for p in after.pools)
    surge = max(p.surge.nodes(p.count) * -(-p.max_pods // 16) * 16 for p in after.pools)
    assert pods.usable >= full + surge, (pods.prefix, full, surge)
    # and no larger than needed: half of it would not hold the cluster with its surge
    assert pods.usable // 2 - 3 < full + surge
    assert not {"subnet-too-small", "subnet-no-surge-room"} & {
        f.rule for f in after.findings if "pods" in (f.subject or "")
    }


def test_capacity_counts_each_pools_max_pods_not_the_first_pools(tmp_path):
    data = {
        "name": "c",
        "networkProfile": {"networkPlugin": "azure"},
        "vnet": {
            "name": "v",
            "addressPrefixes": ["10.30.0.0/16"],
            "subnets": [
                {"name": "nodes", "addressPrefix": "10.30.0.0/24"},
                {"name": "pods", "addressPrefix": "10.30.16.0/20"},
            ],
        },
        "nodePools": [
            {"name": "np1", "count": 3, "maxPods": 50, "vnetSubnetName": "nodes", "podSubnetName": "pods"},
            {"name": "np2", "count": 4, "maxPods": 120, "vnetSubnetName": "nodes", "podSubnetName": "pods"},
        ],
    }
    from aksdiag.api.compare import review
    from aksdiag.derive.as_model import TargetModel

    rv = review(write(tmp_path, data), None, TargetModel.overlay, Options())
    row = next(r for c in rv.plan_b.capacity if c.subnet == "nodes" for r in c.rows if r.current)
    assert row.max_pods_per_node == 120


# --- live: --az --with-network reads the same documents through a fake az


def test_live_network_through_a_fake_az(tmp_path):
    import os
    import subprocess
    import sys

    cluster = {  # az aks show, trimmed to what the network needs (a BYO subnet in vnet1)
        "name": "prod",
        "location": "westus",
        "resourceGroup": "rg",
        "nodeResourceGroup": "MC_rg_prod_westus",
        "networkProfile": {
            "networkPlugin": "azure",
            "networkPluginMode": "overlay",
            "podCidr": "10.244.0.0/16",
            "serviceCidr": "172.20.0.0/16",
            "dnsServiceIp": "172.20.0.10",
            "outboundType": "userDefinedRouting",
        },
        "agentPoolProfiles": [
            {
                "name": "nodepool1",
                "count": 3,
                "mode": "System",
                "osType": "Linux",
                "vnetSubnetId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/"
                "virtualNetworks/vnet1/subnets/nodes",
            }
        ],
    }
    hub = {  # az network vnet show of the hub: its firewall subnet names the firewall's IP configuration
        "name": "vnet2",
        "type": "Microsoft.Network/virtualNetworks",
        "addressSpace": {"addressPrefixes": ["11.0.0.0/16"]},
        "subnets": [
            {
                "name": "AzureFirewallSubnet",
                "addressPrefix": "11.0.1.0/26",
                "ipConfigurations": [
                    {
                        "id": "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/azureFirewalls/azurefirewall/"
                        "ipConfigurations/azureFirewallIpConfiguration"
                    }
                ],
            }
        ],
    }
    pip = {"name": "pipName", "type": "Microsoft.Network/publicIPAddresses", "ipAddress": "203.0.113.30"}
    files = {"cluster": cluster, "hub": hub, "pip": pip}
    for k, v in files.items():
        (tmp_path / f"{k}.json").write_text(json.dumps(v))
    peering = json.loads((NET / "cli-rec-2021-vnet1-peering1-get.json").read_text())
    (tmp_path / "peerings.json").write_text(json.dumps([peering]))
    script = f"""case "$*" in
  "aks show"*) cat "{tmp_path}/cluster.json" ;;
  "network vnet peering list --resource-group rg --vnet-name vnet1"*) cat "{tmp_path}/peerings.json" ;;
  "network vnet show --ids "*vnet2*) cat "{tmp_path}/hub.json" ;;
  "network firewall show --ids "*azureFirewalls/azurefirewall" --output json") cat "{NET}/arm-2024-05-01-azure-firewall-get.json" ;;
  "network public-ip show --ids "*pipName*) cat "{tmp_path}/pip.json" ;;
  *) echo "unexpected $*" >&2; exit 9 ;;
esac
"""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "az").write_text("#!/bin/sh\n" + script)
    (bin_dir / "az").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "aksdiag",
            "render",
            "--az",
            "-g",
            "rg",
            "-n",
            "prod",
            "--with-network",
            "--view",
            "egress",
            "-o",
            "-",
            "-f",
            "d2",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert 'hub: "hub VNet vnet2\\n11.0.0.0/16"' in proc.stdout and "peering peering1\\nConnected" in proc.stdout
    assert "Azure Firewall azurefirewall · 10.0.0.0" in proc.stdout and "public IP 203.0.113.30" in proc.stdout
    without = subprocess.run(
        [sys.executable, "-m", "aksdiag", "render", "--with-network", str(HUB)], capture_output=True, text=True, env=env
    )
    assert without.returncode == 2 and "--with-network" in without.stderr


def test_vnet_show_names_each_subnets_nat_gateway(tmp_path):
    # az network vnet show, flattened as the CLI prints it; the subnet names its NAT gateway by id.
    vnet = {
        "name": "v",
        "type": "Microsoft.Network/virtualNetworks",
        "addressSpace": {"addressPrefixes": ["10.50.0.0/16"]},
        "subnets": [
            {
                "name": "nodes",
                "addressPrefix": "10.50.0.0/24",
                "natGateway": {
                    "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/natGateways/natgw-spoke",
                    "resourceGroup": "rg",
                },
            }
        ],
    }
    data = {
        "name": "c",
        "networkProfile": {
            "networkPlugin": "azure",
            "networkPluginMode": "overlay",
            "outboundType": "userAssignedNATGateway",
        },
        "vnet": {
            "name": "v",
            "addressPrefixes": ["10.50.0.0/16"],
            "subnets": [{"name": "nodes", "addressPrefix": "10.50.0.0/24"}],
        },
        "nodePools": [{"name": "np1", "count": 3}],
    }
    source = api.Source(path=write(tmp_path, data), vnet=write(tmp_path, vnet, "vnet.json"))
    spec = api.load(source).loaded.spec
    assert spec.vnet.subnets[0].natGateway.name == "natgw-spoke"
    plan = api.plan(source)
    assert "NAT gateway natgw-spoke · yours, on the node subnet nodes" in d2_source(
        plan, Options(view="egress"), source_name="c"
    )


def test_user_assigned_nat_gateway_missing_on_the_node_subnet_is_a_warning(tmp_path):
    data = natgw_design(True)
    del data["vnet"]["subnets"][0]["natGateway"]
    [f] = rules_of(api.Source(path=write(tmp_path, data)))["natgw-not-on-node-subnet"]
    assert f.value("subnet") == "nodes" and f.fields == ("vnet.subnets[0].natGateway",)
    assert "natgw-not-on-node-subnet" not in rules_of(api.Source(path=write(tmp_path, natgw_design(True), "ok.yaml")))
