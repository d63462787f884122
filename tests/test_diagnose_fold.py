"""`scan --max-node-verdicts`: above the budget, a pod whose per-node verdicts equal an earlier
pod's names that pod (`sameNodesAs`) instead of repeating the list; nothing else changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contract import check_report
from helpers import run_cli

CLUSTER = """
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: node-a, labels: {kubernetes.io/hostname: node-a}}
  spec: {taints: [{key: dedicated, value: infra, effect: NoSchedule}]}
  status: {allocatable: {cpu: "2", memory: 4Gi, pods: "10"}}
- apiVersion: v1
  kind: Node
  metadata: {name: node-b, labels: {kubernetes.io/hostname: node-b}}
  status: {allocatable: {cpu: "2", memory: 4Gi, pods: "10"}}
- apiVersion: v1
  kind: Pod
  metadata: {name: api-1, namespace: shop, uid: u1, labels: {app: api}}
  spec: {containers: [{name: app, image: "shop/api:1", resources: {requests: {cpu: "4"}}}]}
  status: {phase: Pending}
- apiVersion: v1
  kind: Pod
  metadata: {name: api-2, namespace: shop, uid: u2, labels: {app: api}}
  spec: {containers: [{name: app, image: "shop/api:1", resources: {requests: {cpu: "4"}}}]}
  status: {phase: Pending}
- apiVersion: v1
  kind: Pod
  metadata: {name: batch-1, namespace: shop, uid: u3, labels: {app: batch}}
  spec: {containers: [{name: app, image: "shop/batch:7", resources: {requests: {cpu: "4"}}}]}
  status: {phase: Pending}
- apiVersion: v1
  kind: Pod
  metadata: {name: tolerant-1, namespace: shop, uid: u5, labels: {app: tolerant}}
  spec:
    containers: [{name: app, image: "shop/api:1", resources: {requests: {cpu: "4"}}}]
    tolerations: [{key: other, operator: Exists, effect: NoSchedule}]
  status: {phase: Pending}
- apiVersion: v1
  kind: Pod
  metadata: {name: etl-1, namespace: shop, uid: u4, labels: {app: etl}}
  spec: {containers: [{name: app, image: "shop/etl:2", resources: {requests: {cpu: "8"}}}]}
  status: {phase: Pending}
"""

MESSAGE = ("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s). no new claims to deallocate, preemption: "
           "0/2 nodes are available: 2 Preemption is not helpful for scheduling.")
TAINT = {"plugin": "TaintToleration", "reasons": ["node(s) had untolerated taint(s)"],
         "detail": {"taints": ["dedicated=infra:NoSchedule"],
                    "toleration": "- key: dedicated\n  operator: Equal\n  value: infra\n  effect: NoSchedule",
                    "summary": "untolerated taint dedicated=infra:NoSchedule"}}


def _fit(cpu: str) -> dict[str, Any]:
    return {"plugin": "NodeResourcesFit", "reasons": ["Insufficient cpu"],
            "detail": {"cpu": {"requested": cpu, "used": "0", "allocatable": "2", "free": "2"},
                       "summary": f"needs {cpu} cpu, 2 free of 2"}}


def _nodes(cpu: str) -> list[dict[str, Any]]:
    return [{"name": "node-a", "feasible": False, "failures": [TAINT, _fit(cpu)]},
            {"name": "node-b", "feasible": False, "failures": [_fit(cpu)]}]


FULL = {"Pod/shop/api-1": {"message": MESSAGE, "nodes": _nodes("4")},
        "Pod/shop/api-2": {"message": MESSAGE, "nodes": _nodes("4")},
        "Pod/shop/batch-1": {"message": MESSAGE, "nodes": _nodes("4")},
        "Pod/shop/etl-1": {"message": MESSAGE, "nodes": _nodes("8")},
        "Pod/shop/tolerant-1": {"message": MESSAGE, "nodes": _nodes("4")}}
FOLDED = {"Pod/shop/api-1": {"message": MESSAGE, "nodes": _nodes("4")},
          # same equivalence class as api-1 (one ReplicaSet-like spec)
          "Pod/shop/api-2": {"message": MESSAGE, "sameNodesAs": "Pod/shop/api-1"},
          # another spec, but the very same verdicts on every node
          "Pod/shop/batch-1": {"message": MESSAGE, "sameNodesAs": "Pod/shop/api-1"},
          # different verdicts (8 cpu): kept
          "Pod/shop/etl-1": {"message": MESSAGE, "nodes": _nodes("8")},
          # another filter class (a toleration irrelevant here), another list object, equal verdicts
          "Pod/shop/tolerant-1": {"message": MESSAGE, "sameNodesAs": "Pod/shop/api-1"}}
FOLD_NOTE = ("scheduling: 3 per-node verdict list(s) folded (10 node verdicts in all exceed the budget of 9): a "
             "subject with `sameNodesAs` has exactly the node verdicts of the pod it names; for one pod's full list "
             "run `podwhy pod api-2 -n shop --from {src}`, for every list `--max-node-verdicts 0`")  # the same input


def _scan(tmp_path: Path, *extra: str) -> dict[str, Any]:
    f = tmp_path / "cluster.yaml"
    f.write_text(CLUSTER)
    code, out, err = run_cli("scan", "--from", str(f), "-A", "-o", "json", *extra)
    assert code == 1, err
    report: dict[str, Any] = json.loads(out)
    check_report(report)
    return report


@pytest.mark.parametrize(("args", "scheduling", "fold_notes"), [
    pytest.param(("--max-node-verdicts", "0"), FULL, [], id="zero-budget-lists-every-node-for-every-pod"),
    pytest.param((), FULL, [], id="default-budget-is-not-reached-by-a-small-cluster"),
    pytest.param(("--max-node-verdicts", "10"), FULL, [], id="a-budget-equal-to-the-total-folds-nothing"),
    pytest.param(("--max-node-verdicts", "9"), FOLDED, [FOLD_NOTE],
                 id="over-budget-identical-lists-name-the-first-pod-and-a-note-says-how-to-get-them"),
    pytest.param(("--max-node-verdicts", "1"), FOLDED, [FOLD_NOTE.replace("budget of 9", "budget of 1")],
                 id="distinct-lists-are-kept-even-when-still-over-budget"),
])
def test_scan_folds_identical_node_lists_over_budget(tmp_path: Path, args: tuple[str, ...],
                                                     scheduling: dict[str, Any], fold_notes: list[str]) -> None:
    report = _scan(tmp_path, *args)
    assert {s["ref"]: s["scheduling"] for s in report["subjects"]} == scheduling
    fold_notes = [n.format(src=tmp_path / "cluster.yaml") for n in fold_notes]
    assert [n for n in report["notes"] if n.startswith("scheduling:")] == fold_notes
    # Everything but the folded lists and the note is the unfolded report.
    full = _scan(tmp_path, "--max-node-verdicts", "0")
    for s in (*report["subjects"], *full["subjects"]):
        s.pop("scheduling")
    assert [n for n in report["notes"] if n not in fold_notes] == full["notes"]
    report["notes"] = full["notes"]
    assert report == full


def test_pod_command_always_lists_every_node(tmp_path: Path) -> None:
    f = tmp_path / "cluster.yaml"
    f.write_text(CLUSTER)
    code, out, err = run_cli("pod", "api-2", "-n", "shop", "--from", str(f), "-o", "json")
    assert code == 1, err
    report = json.loads(out)
    assert [(s["ref"], s["scheduling"]) for s in report["subjects"]] == [("Pod/shop/api-2", FULL["Pod/shop/api-2"])]
