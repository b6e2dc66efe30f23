"""compare: facts of two plans, `--as MODEL`, the kubenet -> Overlay checklist, and the compare command."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from aksdiag.api.compare import review
from aksdiag.api.stages import Options, load_cluster
from aksdiag.derive import derive
from aksdiag.derive.as_model import TargetModel, as_model
from aksdiag.derive.compare import Change, Topic, compare
from aksdiag.derive.migration import Status

from .conftest import EXAMPLES, ROOT, cli, example_id
from .legibility import measure

BYO = ROOT / "examples" / "kubenet-byo-vnet.yaml"
BYO_RT = ROOT / "examples" / "kubenet-byo-route-table.yaml"
CNI = ROOT / "examples" / "azure-cni-node-subnet.yaml"


def aksdiag(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command in-process (conftest.cli): no process boundary is under test here."""
    return cli(*map(str, args), cwd=cwd)


def test_kubenet_as_overlay_removes_route_table_and_its_routes_keeps_pod_cidr_and_snat():
    rv = review(BYO, None, TargetModel.overlay, Options())
    c = rv.comparison
    assert c.row(Topic.route_table).change == Change.removed
    removed = c.of(Topic.route, Change.removed)
    assert [r.subject for r in removed] == ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]
    assert [r.before for r in removed] == [f"VirtualAppliance 192.168.1.{i} (aks)" for i in (4, 5, 6)]
    assert not c.of(Topic.route, Change.added)
    cidr = c.row(Topic.pod_cidr, "IPv4")
    assert (cidr.change, cidr.before, cidr.after) == (Change.kept, "10.244.0.0/16", "10.244.0.0/16")
    snat = c.row(Topic.source_leaving)
    assert (snat.change, snat.before, snat.after) == (Change.kept, "node", "node")
    assert c.row(Topic.cross_node).after == "overlay"
    assert c.row(Topic.model).after == "azure-cni-overlay"


def test_migration_checklist_is_computed_for_the_cluster():
    rv = review(BYO, None, TargetModel.overlay, Options())
    m = rv.migration
    assert m is not None and m.source == "https://learn.microsoft.com/azure/aks/update-azure-cni"
    items = {i.id: i for i in m.items}
    assert items["route-table"].values == {
        "name": "aks-agentpool-12355964-routetable",
        "byo": "no",
        "aks_routes": "3",
        "user_routes": "0",
        "subnets": "myAKSSubnet",
    }
    assert items["reimage-all-pools"].values["nodes"] == "3"
    assert items["pod-cidr-kept"].status == Status.ok
    assert (items["command"].values["name"], items["command"].values["resource_group"]) == (
        "myAKSCluster",
        "myResourceGroup",
    )
    assert items["capacity"].values["nodes_after"] == "251"
    assert {"irreversible", "ip-masq-agent", "windows-build", "nsg-firewall-rules"} <= set(items)


def test_byo_route_table_keeps_the_users_routes_and_loses_aks_routes():
    rv = review(BYO_RT, None, TargetModel.overlay, Options())
    c = rv.comparison
    assert c.row(Topic.route_table).change == Change.kept
    assert len(c.of(Topic.route, Change.removed)) == 3
    assert {r.subject for r in c.of(Topic.route, Change.kept)} == {"192.168.0.0/16", "172.17.0.0/16"}
    items = {i.id: i for i in rv.migration.items}
    assert items["route-table"].values["byo"] == "yes" and items["route-table"].values["user_routes"] == "2"


def test_user_route_naming_the_pod_cidr_is_flagged(tmp_path):
    text = BYO_RT.read_text().replace("addressPrefix: 192.168.0.0/16\n", "addressPrefix: 10.244.8.0/24\n", 1)
    assert text != BYO_RT.read_text()
    src = tmp_path / "c.yaml"
    src.write_text(text)
    items = {i.id: i for i in review(src, None, TargetModel.overlay, Options()).migration.items}
    assert items["user-routes-pod-cidr"].status == Status.action
    assert "10.244.8.0/24" in items["user-routes-pod-cidr"].values["routes"]


def test_no_checklist_unless_the_move_is_to_overlay():
    assert review(BYO, None, TargetModel.azure_cni, Options()).migration is None
    assert review(CNI, None, TargetModel.pod_subnet, Options()).migration is None


def _items(tmp_path, source: Path, replace: tuple[str, str] | None = None, append: str = "") -> dict:
    text = source.read_text()
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    src = tmp_path / "c.yaml"
    src.write_text(text + append)
    return {i.id: i for i in review(src, None, TargetModel.overlay, Options()).migration.items}


def test_kubenet_to_overlay_needs_kubernetes_1_27(tmp_path):
    # update-azure-cni: "Is on Kubernetes version 1.27 or later." (audit §5: 1.25.6 was marked ok).
    old = _items(tmp_path, BYO, append='kubernetesVersion: "1.25.6"\n')
    assert (old["kubernetes-version"].status, old["kubernetes-version"].values["minimum"]) == (Status.blocker, "1.27")
    new = _items(tmp_path, BYO, append='kubernetesVersion: "1.27.3"\n')
    assert new["kubernetes-version"].status == Status.ok


def test_an_enabled_network_policy_blocks_the_move(tmp_path):
    # update-azure-cni: "Doesn't have network policies enabled." A prerequisite, not a support question.
    items = _items(tmp_path, ROOT / "examples" / "kubenet-managed-nat-gateway.yaml")
    assert items["network-policy"].status == Status.blocker
    assert _items(tmp_path, BYO)["network-policy"].status == Status.ok


def test_kubenet_needs_a_user_assigned_identity_to_remove_the_route_table(tmp_path):
    assert _items(tmp_path, BYO)["managed-identity"].status == Status.check
    assert (
        _items(tmp_path, BYO, append="identity: {type: SystemAssigned}\n")["managed-identity"].status == Status.blocker
    )
    assert _items(tmp_path, BYO, append="identity: {type: UserAssigned}\n")["managed-identity"].status == Status.ok


def test_node_subnet_cni_to_overlay_has_its_checklist_with_a_pod_cidr(tmp_path):
    rv = review(CNI, None, TargetModel.overlay, Options())
    items = {i.id: i for i in rv.migration.items}
    assert "--pod-cidr" not in items["command"].values and items["command"].values["pod_cidr"] == "10.244.0.0/16"
    assert items["pod-cidr-new"].status == Status.action  # 10.244.0.0/16 is clear of the VNet and services
    assert "route-table" not in items and "managed-identity" not in items and "pod-cidr-kept" not in items
    assert {"kubernetes-version", "network-policy", "ip-masq-agent", "windows-build"} <= set(items)


def test_pod_subnet_cannot_be_updated_to_overlay():
    rv = review(ROOT / "examples" / "azure-cni-pod-subnet.yaml", None, TargetModel.overlay, Options())
    assert [(i.id, i.status) for i in rv.migration.items if i.status == Status.blocker] == [
        ("dynamic-ip-allocation", Status.blocker)
    ]


def test_as_model_chooses_what_the_model_needs_and_lists_it_as_assumed():
    spec = load_cluster(ROOT / "examples" / "kubenet-basic.yaml").spec
    moved, choices = as_model(spec, TargetModel.pod_subnet)
    plan = derive(moved, allow_errors=True)
    assert plan.model.value == "azure-cni-pod-subnet"
    chosen = {c.field: c for c in choices}
    pod_subnet = chosen["vnet.subnets[pods].addressPrefix"]
    assert pod_subnet.why == "needed" and "vnet.subnets[pods].addressPrefix" in plan.assumed
    node_subnet = next(s.prefix for s in plan.subnets if "nodes" in s.roles)
    assert not node_subnet.overlaps(next(s.prefix for s in plan.subnets if s.name == "pods"))


def test_as_overlay_from_node_subnet_chooses_the_default_pod_cidr():
    spec = load_cluster(CNI).spec
    moved, choices = as_model(spec, TargetModel.overlay)
    assert ("networkProfile.podCidr", "10.244.0.0/16", "needed") in {(c.field, c.value, c.why) for c in choices}
    assert "networkProfile.podCidr" in derive(moved, allow_errors=True).assumed


def test_kubenet_to_overlay_keeps_max_pods():
    spec = load_cluster(ROOT / "examples" / "kubenet-basic.yaml").spec
    moved, choices = as_model(spec, TargetModel.overlay)
    assert derive(moved, allow_errors=True).pools[0].max_pods == 110
    assert any(c.field == "nodePools[0].maxPods" and c.why == "kept" for c in choices)


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
@pytest.mark.parametrize("target", list(TargetModel), ids=lambda t: t.value)
def test_every_example_moves_to_every_model(example, target):
    """A move never crashes: what AKS would refuse becomes a finding on the new side."""
    rv = review(example, None, target, Options())
    assert rv.plan_b.model == target.key
    assert rv.comparison.row(Topic.model).after == target.key.value


def test_compare_with_itself_changes_nothing():
    rv = review(BYO, BYO, None, Options())
    assert rv.comparison.differences == ()
    assert all(r.change == Change.kept for r in rv.comparison.rows)


def test_compare_two_models_finds_where_pod_ips_come_from():
    c = review(BYO, CNI, None, Options()).comparison
    row = c.row(Topic.pod_ip_source)
    assert (row.before, row.after, row.change) == ("cidr", "node-subnet", Change.changed)
    assert c.row(Topic.source_in_vnet).after == "pod"


def test_compare_keys_match_same_thing():
    plan = derive(load_cluster(BYO).spec)
    c = compare(plan, plan)
    keys = [(r.topic, r.subject) for r in c.rows]
    assert len(keys) == len(set(keys))


# The command line.


def test_cli_compare_markdown_lists_removed_routes_kept_pod_cidr_and_checklist():
    proc = aksdiag("compare", str(BYO), "--as", "overlay")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for route in ("10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"):
        assert f"| route {route} | removed |" in out
    assert "| route table | removed | aks-agentpool-12355964-routetable (aks) |" in out
    assert "| pod CIDR IPv4 | kept | 10.244.0.0/16 | 10.244.0.0/16 |" in out
    assert "| pod egress source IP (SNAT) | kept | SNAT to the node IP | SNAT to the node IP |" in out
    assert "checklist for this cluster" in out and "--network-plugin-mode overlay" in out
    assert "update-azure-cni" in out


def test_cli_compare_csv_and_json():
    proc = aksdiag("compare", str(BYO), "--as", "overlay", "--format", "csv", "--changes-only")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert rows and all(r["change"] != "kept" for r in rows)
    assert sum(1 for r in rows if r["fact"].startswith("route 10.") and r["change"] == "removed") == 3
    proc = aksdiag("compare", str(BYO), "--as", "overlay", "-f", "json")
    doc = json.loads(proc.stdout)
    assert doc["after"]["model"] == "azure-cni-overlay"
    assert {i["id"] for i in doc["migration"]["items"]} >= {"route-table", "pod-cidr-kept", "reimage-all-pools"}
    assert any(r["topic"] == "pod-cidr" and r["change"] == "kept" for r in doc["rows"])


@pytest.mark.parametrize(
    "args,needle",
    [
        ((), "give a second cluster B"),
        ((str(CNI), "--as", "overlay"), "not both"),
        (("--as", "bogus"), "bogus"),
    ],
)
def test_cli_compare_bad_usage_exits_2_without_traceback(args, needle):
    proc = aksdiag("compare", str(BYO), *args)
    assert proc.returncode == 2
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_cli_compare_bad_input_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nnodePools:\n  - name: Bad_Name\n")
    proc = aksdiag("compare", str(bad), "--as", "overlay", "-o", str(tmp_path / "out.md"))
    assert proc.returncode == 2 and "bad.yaml:3" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out.md").exists()


@pytest.mark.slow
def test_cli_compare_side_by_side_picture_of_two_models(tmp_path):
    out = tmp_path / "cmp.svg"
    proc = aksdiag("compare", str(BYO), str(CNI), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    svg = out.read_text()
    assert "myAKSCluster · kubenet" in svg and "aks-cni · Azure CNI (node subnet)" in svg
    # Both sides drawn, the differences coloured: removed (red) on the left, added (green) on the right.
    assert "#C50F1F" in svg and "#107C10" in svg
    assert "10.244.0.0/24" in svg and "10.20.1.5" in svg


@pytest.mark.slow
def test_cli_compare_scenarios_pdf_has_one_page_per_model(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "cmp.pdf"
    proc = aksdiag("compare", str(BYO), "--as", "overlay", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert len(PdfReader(out).pages) == 2


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("kubenet-byo-vnet.yaml", "--as", "overlay"),
        ("kubenet-byo-vnet.yaml", "azure-cni-node-subnet.yaml"),
        ("kubenet-byo-vnet.yaml", "azure-cni-pod-subnet.yaml"),
        ("kubenet-byo-vnet.yaml", "udr-firewall-egress.yaml"),
        ("multi-pool-windows.yaml", "--as", "kubenet"),
    ],
    ids=lambda a: "-".join(x.removesuffix(".yaml").lstrip("-") for x in a),
)
def test_compare_picture_reads_on_a_slide(tmp_path, args):
    out = tmp_path / "cmp.svg"
    paths = [str(ROOT / "examples" / a) if a.endswith(".yaml") else a for a in args]
    proc = aksdiag("compare", *paths, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    m = measure(out)
    assert m["addr_labels"] >= 10
    assert m["slide_px"] >= 14, m
    assert m["crossings"] == 0, m


@pytest.mark.parametrize("prefix,status", [("10.244.0.0/20", Status.blocker), ("172.16.0.0/16", Status.ok)])
def test_pod_cidr_is_checked_against_connected_networks(tmp_path, prefix, status):
    src = tmp_path / "c.yaml"
    src.write_text(
        BYO.read_text() + f"connectedNetworks:\n  - name: datacenter\n    kind: onPremises\n"
        f"    addressPrefixes: [{prefix}]\n"
    )
    rv = review(src, None, TargetModel.overlay, Options())
    item = next(i for i in rv.migration.items if i.id == "pod-cidr-external")
    assert item.status == status
    if status == Status.blocker:
        assert "datacenter (onPremises) 10.244.0.0/20" in item.values["clashes"]


def test_capacity_item_carries_surge():
    items = {i.id: i for i in review(BYO, None, TargetModel.overlay, Options()).migration.items}
    cap = items["capacity"].values
    assert (cap["nodes_after"], cap["surge_after"], cap["surge"]) == ("251", "250", "1, assumed")


def test_as_pod_subnet_without_room_says_where(tmp_path):
    src = tmp_path / "full.yaml"
    src.write_text(
        "name: full\nnetworkProfile:\n  networkPlugin: kubenet\nvnet:\n  name: v\n"
        "  addressPrefixes: [10.1.0.0/24]\n  subnets:\n    - name: s\n      addressPrefix: 10.1.0.0/24\n"
        "nodePools:\n  - name: np\n    count: 2\n"
    )
    proc = aksdiag("compare", str(src), "--as", "pod-subnet")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{src}:6:" in proc.stderr and "no free range for a pod subnet" in proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "a,b",
    [
        ("kubenet-basic.yaml", "azure-cni-pod-subnet.yaml"),
        ("udr-firewall-egress.yaml", "overlay-nat-gateway.yaml"),
        ("multi-pool-windows.yaml", "byo-cni-cilium.yaml"),
        ("overlay-dual-stack.yaml", "kubenet-byo-route-table.yaml"),
    ],
)
def test_scenarios_of_any_two_designs_compile_to_one_page_each(tmp_path, a, b):
    from pypdf import PdfReader

    out = tmp_path / "boards.pdf"
    proc = aksdiag("compare", str(ROOT / "examples" / a), str(ROOT / "examples" / b), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert len(PdfReader(out).pages) == 2


def test_capacity_item_adds_every_pools_surge_as_all_pools_reimage_at_once(tmp_path):
    # update-azure-cni: "The update process triggers node pools to be reimaged simultaneously."
    text = BYO.read_text()
    assert "  - name: nodepool1\n" in text
    src = tmp_path / "two.yaml"
    src.write_text(
        text.replace(
            "  - name: nodepool1\n",
            "  - name: extra\n    count: 2\n    mode: User\n"
            '    upgradeSettings: {maxSurge: "2"}\n  - name: nodepool1\n',
            1,
        )
    )
    cap = {i.id: i for i in review(src, None, TargetModel.overlay, Options()).migration.items}["capacity"]
    assert (cap.values["nodes_now"], cap.values["surge_all"]) == ("5", "3")
