"""Designs before they exist: real Terraform plans and ARM templates (Bicep builds) as input.

Expected facts are read from the fixture documents themselves (the subnet's prefix in the
plan, the parameter in the parameters file), so each test checks that what the document
says reaches the picture, not that the output equals itself.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from aksdiag import api
from aksdiag.errors import InputError
from aksdiag.load import armexpr
from aksdiag.load.arm import arm_document
from aksdiag.load.source import Document, parse_json
from aksdiag.load.terraform import terraform_document
from aksdiag.options import Options

FIXTURES = Path(__file__).parent / "fixtures"
TF = FIXTURES / "terraform"
ARM = FIXTURES / "arm"
PLANS = ["aks-tf", "repro-502", "terraform-azure-aks-agic", "aks-fos", "devops-project"]


def _plan(name: str) -> dict:
    return json.loads((TF / f"{name}.plan.json").read_text())


def _after(plan: dict, kind: str) -> list[dict]:
    return [rc["change"]["after"] for rc in plan["resource_changes"] if rc["type"] == kind]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aksdiag", *args], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )


def _line_of(path: Path, line: int) -> str:
    return path.read_text().splitlines()[line - 1]


# --- Terraform ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", PLANS)
def test_real_plan_draws_its_network(name):
    plan = _plan(name)
    made = api.render(TF / f"{name}.plan.json", formats=("d2",), options=Options(view="overview"))
    spec = api.load(TF / f"{name}.plan.json").loaded.spec
    cluster = _after(plan, "azurerm_kubernetes_cluster")[0]
    profile = (cluster.get("network_profile") or [{}])[0]
    if profile.get("outbound_type"):
        assert f"outbound {profile['outbound_type']}" in made.d2
    pool = cluster["default_node_pool"][0]
    assert f"pool {pool['name']}" in made.d2
    for extra in _after(plan, "azurerm_kubernetes_cluster_node_pool"):
        assert f"pool {extra['name']}" in made.d2
    if profile.get("service_cidr"):
        assert profile["service_cidr"] in made.d2
    if spec.vnet is not None:  # the node subnet the plan creates, with the prefix the plan gives it
        node = spec.vnet.subnets[0]
        planned = {
            s["name"]: s["address_prefixes"][0]
            for s in _after(plan, "azurerm_subnet")
            if isinstance(s.get("name"), str)
        }
        if node.name in planned:
            assert str(node.addressPrefix) == planned[node.name]
        assert f"{node.name} · {node.addressPrefix}" in made.d2
    if profile.get("network_plugin_mode") == "overlay":
        assert f"pod CIDR {made.plan.pods.cidrs[0]}" in made.d2


def test_plan_subnet_is_followed_through_modules():
    """aks-tf: the cluster (module.AKS) gets its subnet from var -> module.AppGateway's output."""
    spec = api.load(TF / "aks-tf.plan.json").loaded.spec
    assert spec.nodePools[0].vnetSubnetName == "AKS_Subnet"
    assert [str(p) for p in spec.vnet.addressPrefixes] == _after(_plan("aks-tf"), "azurerm_virtual_network")[0][
        "address_space"
    ]


def test_plan_routes_and_peering_reach_the_description():
    plan = _plan("terraform-azure-aks-agic")
    spec = api.load(TF / "terraform-azure-aks-agic.plan.json").loaded.spec
    table = spec.vnet.subnets[0].routeTable
    planned = [r for r in _after(plan, "azurerm_route") if r["route_table_name"] == table.name]
    assert planned and [(r.name, str(r.addressPrefix)) for r in table.routes] == [
        (r["name"], r["address_prefix"]) for r in planned
    ]
    hub = next(v for v in _after(plan, "azurerm_virtual_network") if v["name"] == spec.connectedNetworks[0].name)
    assert [str(p) for p in spec.connectedNetworks[0].addressPrefixes] == hub["address_space"]
    made = api.render(
        api.Source(path=TF / "terraform-azure-aks-agic.plan.json"), formats=("d2",), options=Options(view="addresses")
    )
    assert planned[0]["address_prefix"] in made.d2


def test_known_after_apply_is_listed_and_warned_never_guessed():
    made = api.render(TF / "repro-502.plan.json", formats=("d2",))
    warning = next(w for w in made.warnings if "known only after apply" in w)
    assert "networkProfile.podCidr" in warning and "repro-502.plan.json:" in warning
    # Left to derive, which fills AKS's default and lists it as assumed: once, not twice.
    assert made.assumed.count("networkProfile.podCidr") == 1
    assert not any("podCidr" in a and a != "networkProfile.podCidr" for a in made.assumed)
    fos = api.render(TF / "aks-fos.plan.json", formats=("d2",))
    assert "name of azurerm_subnet.test[0] (known after apply)" in fos.assumed


def test_dynamic_block_is_followed_through_the_module_input_and_said():
    prepared = api.load(TF / "aks-fos.plan.json")
    assert prepared.loaded.spec.nodePools[0].vnetSubnetName is not None
    assert any("dynamic block" in w for w in prepared.warnings)


def test_findings_are_positioned_in_the_plan_file():
    proc = _run("check", str(TF / "aks-fos.plan.json"))
    assert proc.returncode == 0, proc.stderr
    where = next(line for line in proc.stdout.splitlines() if "npm-retirement" in line)
    line = int(where.split(":")[1])
    assert "network_policy" in _line_of(TF / "aks-fos.plan.json", line)


def test_check_sarif_runs_on_plans():
    proc = _run("check", "-f", "sarif", *(str(TF / f"{n}.plan.json") for n in PLANS))
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["version"] == "2.1.0"


def test_plan_table_from_a_plan():
    proc = _run("plan", str(TF / "repro-502.plan.json"))
    assert proc.returncode == 0, proc.stderr
    assert "| node subnet | AksSubnet | 10.10.1.0/24 |" in proc.stdout
    assert "known only after apply" in proc.stderr


def test_two_clusters_need_cluster_name():
    path = TF / "aks-agic-diff-rg-tf-test.plan.json"
    with pytest.raises(InputError) as exc:
        api.load(path)
    (problem,) = exc.value.problems
    assert "5 clusters" in problem.message and "--cluster NAME" in problem.message and problem.line
    names = [c["name"] for c in _after(json.loads(path.read_text()), "azurerm_kubernetes_cluster")]
    assert api.load(api.Source(path=path, cluster=names[2])).loaded.spec.name == names[2]
    proc = _run("render", str(path), "-f", "d2", "-o", "-")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_subnet_outside_the_plan_is_refused_where_it_is_written():
    plan = _plan("repro-502")
    cluster = next(rc for rc in plan["resource_changes"] if rc["type"] == "azurerm_kubernetes_cluster")
    cluster["change"]["after"]["default_node_pool"][0]["vnet_subnet_id"] = (
        "/subscriptions/x/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub/subnets/shared"
    )
    text = json.dumps(plan, indent=1)
    with pytest.raises(InputError) as exc:
        terraform_document(parse_json(text, "edited.json"))
    (problem,) = exc.value.problems
    assert "'shared' of VNet 'hub' is defined outside this plan" in problem.message
    assert "vnet_subnet_id" in text.splitlines()[problem.line - 1]


def test_unfollowable_reference_is_refused_where_it_is_written():
    plan = _plan("repro-502")
    conf = next(
        r for r in plan["configuration"]["root_module"]["resources"] if r["type"] == "azurerm_kubernetes_cluster"
    )
    conf["expressions"]["default_node_pool"][0]["vnet_subnet_id"] = {"references": ["local.subnet_id"]}
    text = json.dumps(plan, indent=1)
    with pytest.raises(InputError) as exc:
        terraform_document(parse_json(text, "edited.json"))
    (problem,) = exc.value.problems
    assert "local.subnet_id cannot be followed" in problem.message
    assert "local.subnet_id" in text.splitlines()[problem.line - 1]


def test_state_is_read_like_a_plan():
    """`terraform show -json` of a state: the same resources under values.root_module."""
    plan = _plan("repro-502-update")
    state = {
        "format_version": "1.0",
        "terraform_version": plan["terraform_version"],
        "values": {
            "root_module": {
                "resources": [
                    {
                        "address": rc["address"],
                        "mode": "managed",
                        "type": rc["type"],
                        "name": rc["name"],
                        "values": rc["change"]["after"],
                    }
                    for rc in plan["resource_changes"]
                ]
            }
        },
    }
    doc, _ = terraform_document(parse_json(json.dumps(state), "state.json"))
    assert doc.data["networkProfile"]["networkPluginMode"] == "overlay"
    assert doc.data["nodePools"][0]["vnetSubnetName"] == "AksSubnet"
    assert [p["name"] for p in doc.data["nodePools"]] == ["default", "user"]


def test_compare_shows_what_the_plan_changes():
    proc = _run("compare", str(TF / "repro-502-update.plan.json"), "--changes-only")
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in proc.stdout.splitlines() if line.startswith("| network model"))
    assert "kubenet" in row and "Overlay" in row
    unchanged = _run("compare", str(TF / "repro-502.plan.json"))
    assert unchanged.returncode == 2 and "second cluster" in unchanged.stderr


# --- ARM and Bicep -----------------------------------------------------------------------


def _params(name: str) -> dict:
    return json.loads((ARM / f"aks-construction-{name}.parameters.json").read_text())["parameters"]


def test_bicep_build_with_modules_draws_vnet_route_and_pools():
    source = api.Source(
        path=ARM / "aks-construction-main.json",
        parameters=ARM / "aks-construction-custom-vnet-firewall.parameters.json",
    )
    # AKS-Construction's default service CIDR 172.10.0.0/16 is public space (a warning); drawn either way.
    made = api.render(source, formats=("d2",), options=Options(view="addresses", draw_unsupported=True))
    spec = api.load(source).loaded.spec
    name = _params("custom-vnet-firewall")["resourceName"]["value"]
    assert spec.name == f"aks-{name}" and spec.vnet.name == f"vnet-{name}"
    node = spec.vnet.subnets[0]
    assert f"{node.name} · {node.addressPrefix}" in made.d2
    (route,) = node.routeTable.routes
    assert str(route.addressPrefix) == "0.0.0.0/0" and str(route.nextHopIpAddress) in made.d2
    firewall_subnet = next(s for s in spec.vnet.subnets if s.name == "AzureFirewallSubnet")
    assert route.nextHopIpAddress in firewall_subnet.addressPrefix  # the firewall module's computed address
    assert [p.name for p in spec.nodePools] == ["npsystem", "npuser01"]
    overview = api.render(source, formats=("d2",), options=Options(draw_unsupported=True))
    assert f"outbound {spec.networkProfile.outboundType}" in overview.d2


def test_bicep_parameters_pick_the_network_model():
    source = api.Source(
        path=ARM / "aks-construction-main.json", parameters=ARM / "aks-construction-cni-overlay.parameters.json"
    )
    made = api.render(source, formats=("d2",), options=Options(draw_unsupported=True))
    assert api.load(source).loaded.spec.networkProfile.networkPluginMode == "overlay"
    subnet = _params("cni-overlay")["vnetAksSubnetAddressPrefix"]["value"]
    assert f"aks-sn · {subnet}" in made.d2
    assert f"pod CIDR {made.plan.pods.cidrs[0]}" in made.d2


def test_quickstart_template_uses_its_defaults():
    template = json.loads((ARM / "quickstart-aks.json").read_text())
    made = api.render(ARM / "quickstart-aks.json", formats=("d2",))
    count = template["parameters"]["agentCount"]["defaultValue"]
    size = template["parameters"]["agentVMSize"]["defaultValue"]
    assert f"pool agentpool · Linux · {count} × {size}" in made.d2
    assert made.plan.cluster == template["parameters"]["clusterName"]["defaultValue"]


def test_check_runs_on_templates():
    proc = _run("check", str(ARM / "quickstart-aks.json"))
    assert proc.returncode == 0, proc.stderr
    proc = _run(
        "check",
        str(ARM / "aks-construction-main.json"),
        "--parameters",
        str(ARM / "aks-construction-custom-vnet-firewall.parameters.json"),
    )
    # The template's default service CIDR, 172.10.0.0/16, is public address space: a warning (AKS blocks such
    # ranges only "if necessary", and this template deploys), found on its line.
    assert proc.returncode == 0, proc.stderr
    finding = next(line for line in proc.stdout.splitlines() if "service-cidr-public" in line)
    assert ": warning: " in finding
    line = int(finding.split(":")[1])
    assert "serviceCidr" in _line_of(ARM / "aks-construction-main.json", line)


def test_parameter_outside_allowed_values_is_refused_in_the_parameters_file():
    path = ARM / "aks-construction-managed-natgw.parameters.json"
    proc = _run("render", str(ARM / "aks-construction-main.json"), "--parameters", str(path), "-f", "d2", "-o", "-")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    where = proc.stderr.split("error: ", 1)[1]
    file, line = where.split(":")[:2]
    assert file == str(path) and "natGateway" in _line_of(path, int(line))


def test_cluster_subnet_outside_the_template_is_refused():
    params = ARM / "aks-baseline.parameters.prod.json"
    with pytest.raises(InputError) as exc:
        api.load(api.Source(path=ARM / "aks-baseline-cluster-stamp.json", parameters=params))
    (problem,) = exc.value.problems
    vnet = json.loads(params.read_text())["parameters"]["targetVnetResourceId"]["value"].rsplit("/", 1)[-1]
    assert f"VNet {vnet!r}, which this template does not deploy" in problem.message
    assert "vnetSubnetID" in _line_of(ARM / "aks-baseline-cluster-stamp.json", problem.line)


def test_unknown_parameter_behind_the_subnet_is_refused_with_where():
    with pytest.raises(InputError) as exc:
        api.load(ARM / "aks-baseline-cluster-stamp.json")
    (problem,) = exc.value.problems
    assert "cannot be followed" in problem.message and "'targetVnetResourceId' has no default" in problem.message
    assert "vnetSubnetID" in _line_of(ARM / "aks-baseline-cluster-stamp.json", problem.line)


def test_bad_expression_is_positioned():
    text = (ARM / "quickstart-aks.json").read_text().replace("[parameters('agentCount')]", "[parameters('agentCount']")
    with pytest.raises(InputError) as exc:
        arm_document(parse_json(text, "t.json"))
    (problem,) = exc.value.problems
    assert "invalid template expression" in problem.message
    assert "agentCount" in text.splitlines()[problem.line - 1]


def test_parameters_file_alone_is_explained():
    proc = _run("render", str(ARM / "aks-baseline.parameters.prod.json"), "-f", "d2", "-o", "-")
    assert proc.returncode == 2 and "--parameters" in proc.stderr


def test_parameters_for_a_description_is_refused():
    with pytest.raises(InputError, match="--parameters is for ARM templates"):
        api.load(api.Source(path=TF / "repro-502.plan.json", parameters=ARM / "aks-baseline.parameters.prod.json"))


def test_two_clusters_in_a_template_need_cluster_name():
    template = json.loads((ARM / "quickstart-aks.json").read_text())
    second = copy.deepcopy(template["resources"][0])
    second["name"] = "second"
    template["resources"].append(second)
    doc = Document("t.json", template)
    with pytest.raises(InputError, match="2 clusters: pick one with --cluster NAME"):
        arm_document(doc)
    assert arm_document(doc, cluster="second")[0].data["name"] == "second"


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("concat('a', 'b', 'c')", "abc"),
        ("format('{0}-{1}', 'aks', 3)", "aks-3"),
        ("if(equals(1, 1), 'yes', 'no')", "yes"),
        ("take(format('{0}-network', 'deployment'), 10)", "deployment"),
        ("createObject('a', createArray(1, 2)).a[1]", 2),
        ("union(createObject('a', 1), createObject('b', 2))", {"a": 1, "b": 2}),
        ("not(empty(''))", False),
    ],
)
def test_expressions_of_the_subset(expression, value):
    from aksdiag.load.arm import Scope
    from aksdiag.load.reader import At

    doc = Document("t.json", {"resources": []})
    scope = Scope(doc, At(doc, doc.data), {}, {}, "deployment")
    assert scope.evaluate(armexpr.parse(expression), At(doc, "[x]"), {}) == value


def test_unknown_spreads_and_is_not_taken_as_true():
    from aksdiag.load.arm import Scope
    from aksdiag.load.reader import At

    doc = Document("t.json", {"resources": []})
    scope = Scope(doc, At(doc, doc.data), {}, {}, "deployment")
    value = scope.evaluate(armexpr.parse("concat('sa', uniqueString(resourceGroup().id))"), At(doc, "[x]"), {})
    assert isinstance(value, armexpr.Unknown) and "uniquestring" in value.why
    picked = scope.evaluate(armexpr.parse("if(contains(resourceGroup().location, 'eu'), 'a', 'b')"), At(doc, "[x]"), {})
    assert isinstance(picked, armexpr.Unknown)


def test_hostile_expressions_stop_with_a_message():
    template = json.loads((ARM / "quickstart-aks.json").read_text())
    template["variables"] = {
        "v0": "[createArray(1, 2, 3, 4, 5, 6, 7, 8)]",
        **{f"v{i}": f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]" for i in range(1, 40)},
    }
    pool = template["resources"][0]["properties"]["agentPoolProfiles"][0]
    for count, why in (
        ("[length(variables('v39'))]", "more than any template needs"),
        ("[" + "concat(" * 300 + "'a'" + ")" * 300 + "]", "nests more than"),
        ("[range(0, 100000000)]", "more than a template makes"),
    ):
        pool["count"] = count
        with pytest.raises(InputError, match=why):
            arm_document(parse_json(json.dumps(template, indent=1), "t.json"))


def test_reference_loop_between_modules_stops():
    plan = _plan("aks-tf")
    calls = plan["configuration"]["root_module"]["module_calls"]
    calls["AppGateway"]["module"]["outputs"]["aks_subnet_id"]["expression"] = {"references": ["var.loop"]}
    calls["AppGateway"]["expressions"]["loop"] = {"references": ["module.AppGateway.aks_subnet_id"]}
    with pytest.raises(InputError, match="cannot be followed: it passes through more than 32 module inputs"):
        terraform_document(parse_json(json.dumps(plan), "loop.json"))


def test_user_assigned_nat_gateway_needs_its_association():
    """aks-tf associates its NAT gateway with the node subnet; without that resource, it is said."""
    assert not any("NAT" in w for w in api.load(TF / "aks-tf.plan.json").warnings)
    plan = _plan("aks-tf")
    plan["resource_changes"] = [
        rc for rc in plan["resource_changes"] if rc["type"] != "azurerm_subnet_nat_gateway_association"
    ]
    _, warnings = terraform_document(parse_json(json.dumps(plan), "no-assoc.json"))
    assert any("associates no NAT gateway with the node subnet" in w for w in warnings)


def test_exported_template_reads_each_pool_once():
    template = json.loads((ARM / "exported-kubenet.json").read_text())
    cluster = next(r for r in template["resources"] if r["type"] == "Microsoft.ContainerService/managedClusters")
    profile = cluster["properties"]["networkProfile"]
    made = api.render(ARM / "exported-kubenet.json", formats=("d2",))
    assert f"pod CIDR {profile['podCidr']}" in made.d2 and f"services {profile['serviceCidr']}" in made.d2
    names = [p["name"] for p in cluster["properties"]["agentPoolProfiles"]]
    assert [p.name for p in made.plan.pools] == names


def test_symbolic_names_and_existing_resources_of_language_version_2():
    """Bicep's languageVersion 2.0: resources keyed by symbolic name; `existing` ones are not deployed."""
    template = json.loads((ARM / "quickstart-aks.json").read_text())
    template["languageVersion"] = "2.0"
    aks = template["resources"][0]
    aks["properties"]["agentPoolProfiles"][0]["vnetSubnetID"] = "[reference('vnet').subnets[0].id]"
    vnet = {
        "type": "Microsoft.Network/virtualNetworks",
        "apiVersion": "2023-04-01",
        "name": "spoke",
        "properties": {
            "addressSpace": {"addressPrefixes": ["10.8.0.0/16"]},
            "subnets": [
                {
                    "name": "nodes",
                    "id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'spoke', 'nodes')]",
                    "properties": {"addressPrefix": "10.8.0.0/22"},
                }
            ],
        },
    }
    template["resources"] = {"aks": aks, "vnet": vnet}
    doc, _ = arm_document(Document("t.json", template))
    assert doc.data["vnet"]["subnets"][0] == {"name": "nodes", "addressPrefix": "10.8.0.0/22"}
    template["resources"]["vnet"]["existing"] = True
    with pytest.raises(InputError, match="cannot be followed"):
        arm_document(Document("t.json", template))


def test_route_to_a_firewall_takes_its_address_in_its_subnet_and_says_so():
    """terraform-azure-aks-agic routes to 10.100.1.4, in the hub's snet-firewall-trust. Edited so the
    next hop is `azurerm_firewall.fw`'s private IP (known after apply), the same address comes back."""
    plan = _plan("terraform-azure-aks-agic")
    route = next(rc for rc in plan["resource_changes"] if rc["address"] == "azurerm_route.appgw-route")
    real_hop = route["change"]["after"]["next_hop_in_ip_address"]
    route["change"]["after"]["next_hop_in_ip_address"] = None
    route["change"]["after_unknown"]["next_hop_in_ip_address"] = True
    conf = plan["configuration"]["root_module"]["resources"]
    next(r for r in conf if r["address"] == "azurerm_route.appgw-route")["expressions"]["next_hop_in_ip_address"] = {
        "references": ["azurerm_firewall.fw.ip_configuration[0].private_ip_address", "azurerm_firewall.fw"]
    }
    plan["resource_changes"].append(
        {
            "address": "azurerm_firewall.fw",
            "mode": "managed",
            "type": "azurerm_firewall",
            "name": "fw",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {"name": "fw", "ip_configuration": [{"name": "cfg", "subnet_id": None}]},
                "after_unknown": {"id": True, "ip_configuration": [{"private_ip_address": True, "subnet_id": True}]},
            },
        }
    )
    conf.append(
        {
            "address": "azurerm_firewall.fw",
            "mode": "managed",
            "type": "azurerm_firewall",
            "name": "fw",
            "expressions": {
                "ip_configuration": [
                    {
                        "subnet_id": {
                            "references": [
                                "azurerm_subnet.snet-firewall-trust.id",
                                "azurerm_subnet.snet-firewall-trust",
                            ]
                        }
                    }
                ]
            },
        }
    )
    doc, warnings = terraform_document(parse_json(json.dumps(plan), "firewall.json"))
    (hop,) = [
        r["nextHopIpAddress"]
        for s in doc.data["vnet"]["subnets"]
        for r in (s.get("routeTable") or {}).get("routes", [])
    ]
    assert hop == real_hop
    assert any("azurerm_firewall.fw" in w and "known after apply" in w for w in warnings)


def test_user_assigned_nat_gateway_in_a_template_needs_it_on_the_node_subnet(tmp_path):
    """AKS-Construction associates its NAT gateway with the node subnet only with createNatGateway."""
    params = json.loads((ARM / "aks-construction-cni-overlay.parameters.json").read_text())
    params["parameters"]["aksOutboundTrafficType"] = {"value": "userAssignedNATGateway"}
    without = tmp_path / "without.parameters.json"
    without.write_text(json.dumps(params))
    params["parameters"]["createNatGateway"] = {"value": True}
    with_gateway = tmp_path / "with.parameters.json"
    with_gateway.write_text(json.dumps(params))
    template = ARM / "aks-construction-main.json"
    said = api.load(api.Source(path=template, parameters=without)).warnings
    assert any("associates no NAT gateway with the node subnet 'aks-sn'" in w for w in said)
    assert not any("NAT gateway" in w for w in api.load(api.Source(path=template, parameters=with_gateway)).warnings)
