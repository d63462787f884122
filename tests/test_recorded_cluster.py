"""podwhy offline on what a real control plane wrote: the recording of the real-cluster scenario suite.

`tests/fixtures/realcluster/scenarios.yaml` is `kubectl get <every kind podwhy reads> -A -o yaml` of the
cluster `tests/realcluster/test_scenarios.py` builds (real kube-apiserver, kube-scheduler,
kube-controller-manager v1.34.4 and KWOK nodes): every status, event and message in it was written by
the real components, none by us. These fast tests keep the real texts in every run; the real-cluster
tier re-checks the recording against a fresh cluster (test_recorded_messages_match_this_run).
Re-record: PODWHY_REALCLUSTER_RECORD=1 .venv/bin/pytest tests/realcluster/test_scenarios.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from realcluster.scenarios import SCENARIOS

RECORDED = Path(__file__).parent / "fixtures" / "realcluster" / "scenarios.yaml"
STALE = "before the snapshot's newest object"


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "podwhy", "scan", "-A", "-o", "json", "--from", str(RECORDED)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr  # stuck subjects found
    assert proc.stderr == ""
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


def _subjects(report: dict[str, Any], index: int) -> list[dict[str, Any]]:
    ns = f"sc-{index:02d}"
    return [s for s in report["subjects"] if s["ref"].split("/")[1] == ns]


@pytest.mark.parametrize("index", range(len(SCENARIOS)), ids=[s.name for s in SCENARIOS])
def test_first_finding_is_the_scenario_cause_with_the_real_evidence(report: dict[str, Any], index: int) -> None:
    s = SCENARIOS[index]
    subjects = _subjects(report, index)
    assert {(x["ref"].split("/")[0], x["findings"][0]["code"]) for x in subjects} == {(s.subject_kind, s.code)}
    for x in subjects:
        first = x["findings"][0]
        assert first["severity"] in ("error", "warning")
        assert first["confidence"] in ("certain", "likely")
        assert first["fix"]["summary"]
        # The cause is shown with what the real components wrote about this subject.
        refs = [e["ref"] for e in first["evidence"]]
        assert refs, first
        assert all(r.split("/")[0] in {"Pod", "Node", "Event", "ReplicaSet", "Deployment", "Namespace",
                                       "PersistentVolumeClaim", "PersistentVolume", "StorageClass",
                                       "ResourceQuota", "LimitRange", "PriorityClass", "ServiceAccount"}
                   for r in refs), refs


@pytest.mark.parametrize("index", [i for i, s in enumerate(SCENARIOS) if s.subject_kind == "Pod"],
                         ids=[s.name for s in SCENARIOS if s.subject_kind == "Pod"])
def test_recomputed_message_is_the_real_schedulers(report: dict[str, Any], index: int) -> None:
    """podwhy's own scheduling of the pod prints, byte for byte, the FailedScheduling text of the real
    v1.34.4 scheduler (histogram, DynamicResources' PostFilter reason, preemption tail), unless the event
    predates a later change in the recording (podwhy then says so instead of agreeing)."""
    for x in _subjects(report, index):
        sched = x.get("scheduling")
        if sched is None or not sched.get("observedMessage"):
            continue  # gated or for another scheduler: no FailedScheduling from the default scheduler
        if sched["agrees"]:
            assert sched["message"] == sched["observedMessage"]
        else:
            assert STALE in sched["disagreement"], sched["disagreement"]
