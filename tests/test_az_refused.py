"""An `az aks show` document is a cluster that exists: it is drawn even where AKS would refuse the
design, and each such finding is one warning line on stderr with file:line:column (a CI log shows it).
The document is real CLI output (tests/az-documents/SOURCES.md)."""

from __future__ import annotations

import json
import subprocess

from aksdiag.api.stages import load_cluster, plan_cluster
from aksdiag.options import Options

from .conftest import ROOT, cli

DOC = ROOT / "tests" / "az-documents" / "anuroopps2001-az-aks-create-output-azurecni-overlay-private-2026.json"


def aksdiag(*args: str) -> subprocess.CompletedProcess:
    # In this process (conftest.cli): these cases test what the command does, not the process around it.
    return cli(*args)


def test_tier_identity_and_autoscaler_are_read_from_az_aks_show():
    spec = load_cluster(DOC).spec
    assert spec.sku.tier.value == "Free" and spec.identity.type.value == "SystemAssigned"
    pool = spec.nodePools[0]
    assert (pool.count, pool.enableAutoScaling, pool.minCount, pool.maxCount) == (2, True, 2, 4)
    plan = plan_cluster(load_cluster(DOC), Options())
    assert "sku.tier" not in plan.assumed
    assert plan.cluster_capacity.nodes <= 1_000  # the Free tier's limit


def test_a_refused_az_document_is_drawn_with_one_located_warning_per_finding(tmp_path):
    text = DOC.read_text()
    assert '"authorizedIpRanges": null' in text
    bad = tmp_path / "refused.json"
    # Authorized IP ranges on a private cluster, and a service CIDR in public space: AKS refuses both.
    bad.write_text(text.replace('"authorizedIpRanges": null', '"authorizedIpRanges": ["20.1.2.0/24"]'))
    proc = aksdiag("render", str(bad), "-f", "d2", "-o", str(tmp_path / "out.d2"))
    assert proc.returncode == 0, proc.stderr
    lines = [x for x in proc.stderr.splitlines() if "AKS would refuse this" in x]
    line_no = next(i for i, x in enumerate(text.splitlines(), 1) if '"authorizedIpRanges"' in x)
    assert lines == [
        (
            f"aksdiag: warning: {bad}:{line_no}:27: AKS would refuse this: authorizedIPRanges cannot be "
            "used with a private cluster [rule authorized-ranges-private]"
        )
    ]
    clean = aksdiag("render", str(DOC), "-f", "d2", "-o", str(tmp_path / "clean.d2"))
    assert clean.returncode == 0 and "AKS would refuse this" not in clean.stderr


def test_az_document_pools_keep_their_autoscaler_when_dumped(tmp_path):
    data = json.loads(DOC.read_text())
    data["agentPoolProfiles"][0]["enableAutoScaling"] = False
    off = tmp_path / "off.json"
    off.write_text(json.dumps(data))
    pool = load_cluster(off).spec.nodePools[0]
    assert (pool.enableAutoScaling, pool.maxCount) == (False, None)
