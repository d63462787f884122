"""Every catalogue cause the real control plane can produce, diagnosed three ways.

Each scenario's objects are created with the real kubectl in a namespace of their own; the test waits for
the real status and events (the scheduler's PodScheduled condition and FailedScheduling event, the
ReplicaSet controller's FailedCreate), then runs podwhy
  live     against the real API server, as a user bound only to deploy/rbac.yaml's podwhy-reader,
  dump     offline on `kubectl cluster-info dump --all-namespaces --output-directory`,
  yaml     offline on `kubectl get <every kind podwhy reads> -A -o yaml`,
  describe offline on `kubectl describe <nodes, pods, pvc, rs, deploy, sa> -A` pasted into one file,
and asserts the first finding of every subject of that namespace: the scenario's cause, the same each way.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from .harness import ROOT, Cluster, node_settled, wait_until
from .scenarios import CORDONED, NODES, NOT_READY, SCENARIOS, Scenario

MODES = ("live", "dump", "yaml", "describe")
# What the describe mode pastes together: the kinds `kubectl describe` text is read for (snapshot/sources/describe).
DESCRIBE_KINDS = ("nodes", "pods", "persistentvolumeclaims", "replicasets", "deployments", "serviceaccounts")
# The yaml snapshot of the scenarios, kept for the fast tests (tests/test_recorded_cluster.py). Refresh:
#   PODWHY_REALCLUSTER_RECORD=1 .venv/bin/pytest tests/realcluster/test_scenarios.py
RECORDED = ROOT / "tests" / "fixtures" / "realcluster" / "scenarios.yaml"
# What `kubectl get` is asked for in the yaml mode: every kind podwhy reads (deploy/rbac.yaml's list).
YAML_KINDS = ("pods,events,nodes,namespaces,persistentvolumeclaims,persistentvolumes,storageclasses,"
              "resourcequotas,limitranges,serviceaccounts,configmaps,replicasets,deployments,statefulsets,"
              "daemonsets,jobs,replicationcontrollers,priorityclasses,runtimeclasses,csidrivers,csinodes,"
              "poddisruptionbudgets")


# Causes `kubectl describe pod` text cannot show (describe.go v1.34.4 prints neither spec.schedulingGates nor
# spec.schedulerName, nor the PodScheduled reason): from describe text podwhy says `unknown`, naming the field.
DESCRIBE_UNPRINTED = {"sched.scheduling-gated": "spec.schedulingGates", "sched.scheduler-not-found": "spec.schedulerName"}


def ns_of(index: int) -> str:
    return f"sc-{index:02d}"


@dataclass
class World:
    reports: dict[str, dict[str, Any]]      # mode -> podwhy JSON report
    exit_codes: dict[str, int]
    stderr: dict[str, str]
    snapshot: Path                          # the `kubectl get -A -o yaml` file


def _make_nodes(cluster: Cluster) -> None:
    for name, cpu, memory, pods, labels, taints, extended in NODES:
        cluster.node(name, cpu=cpu, memory=memory, pods=pods, labels=labels, taints=taints, resources=extended)
    broken, labels = NOT_READY
    cluster.apply([{"apiVersion": "v1", "kind": "Node",
                    "metadata": {"name": broken, "labels": {"kubernetes.io/hostname": broken, **labels}},
                    "status": {"capacity": {"cpu": "2", "memory": "4Gi", "pods": "110"},
                               "allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"}}}])
    # What a kubelet without a CNI plugin posts (pkg/kubelet/nodestatus/setters.go, v1.34.4). A node that
    # never posts status gets no condition taint at all: the node lifecycle controller removes
    # TaintNodesByCondition's not-ready taint from a node without conditions (doNoScheduleTaintingPass).
    # Once the grace period passes without a heartbeat it turns Unknown and the taint `unreachable`.
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    cluster.kubectl("patch", "node", broken, "--subresource=status", "--type=merge", "-p", json.dumps(
        {"status": {"conditions": [{
            "type": "Ready", "status": "False", "reason": "KubeletNotReady",
            "message": "container runtime network not ready: NetworkReady=false "
                       "reason:NetworkPluginNotReady message:Network plugin returns error: "
                       "cni plugin not initialized",
            "lastHeartbeatTime": now, "lastTransitionTime": now}]}}))
    for name in CORDONED:
        cluster.kubectl("cordon", name)

    def settled() -> bool:
        nodes = {n["metadata"]["name"]: n for n in cluster.get_json("nodes")["items"]}
        for name, *_ in NODES:
            n = nodes.get(name)
            if n is None or not node_settled(n):
                return False
        return any(t["key"] in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
                   and t["effect"] == "NoSchedule" for t in nodes[broken]["spec"].get("taints", []))

    wait_until("fake nodes Ready and untainted", settled, timeout=90)


def _set_up(cluster: Cluster, s: Scenario, ns: str) -> list[dict[str, Any]]:
    """Create everything of the scenario but its pending pods (returned): the namespace, quotas, claims,
    volumes, workloads and the pods bound by nodeName."""
    labels = dict(s.namespace_labels)
    cluster.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": labels}}])
    # The ServiceAccount admission plugin rejects pods until the namespace's default account exists.
    wait_until(f"{ns}/default ServiceAccount",
               lambda: cluster.kubectl("-n", ns, "get", "serviceaccount", "default", check=False).returncode == 0)
    objs = s.build(ns)
    pending = [o for o in objs if o["kind"] == "Pod" and not o.get("spec", {}).get("nodeName")]
    first = [o for o in objs if o not in pending]
    if first:
        cluster.create(first)
    # A pre-bound claim (spec.volumeName) is bound by the PV controller a moment later: the pod must
    # meet it Bound, or its first attempt says "unbound immediate PersistentVolumeClaims" instead.
    for c in (o for o in first if o["kind"] == "PersistentVolumeClaim" and o["spec"].get("volumeName")):
        name = c["metadata"]["name"]
        wait_until(f"{ns}/{name} Bound", lambda name=name: cluster.get_json(
            "-n", ns, "pvc", name).get("status", {}).get("phase") == "Bound", timeout=60)
    return pending


def _settled(cluster: Cluster, s: Scenario, ns: str) -> bool:
    if s.wait == "none":
        return True
    events = cluster.get_json("-n", ns, "events")["items"]
    if s.wait == "failed-create":
        return any(e["reason"] == "FailedCreate" for e in events)
    pods = [p for p in cluster.get_json("-n", ns, "pods")["items"] if not p["spec"].get("nodeName")]
    if not pods:
        return False
    for p in pods:
        conds = {c["type"]: c for c in p.get("status", {}).get("conditions", [])}
        sched = conds.get("PodScheduled")
        if s.wait == "gated":
            if not sched or sched.get("reason") != "SchedulingGated":
                return False
            continue
        if not sched or sched.get("reason") != "Unschedulable":
            return False
        if not any(e["reason"] == "FailedScheduling" and e["involvedObject"]["name"] == p["metadata"]["name"]
                   for e in events):
            return False
    return True


@pytest.fixture(scope="module")
def world(cluster: Cluster, reader_kubeconfig: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    _make_nodes(cluster)
    # Every scenario's nodes-side state first (tiny-1's filler, the bound pods, claims), then the pending
    # pods: each pod's FailedScheduling text then sees the same cluster, run after run.
    pending = [_set_up(cluster, s, ns_of(i)) for i, s in enumerate(SCENARIOS)]
    for objs in pending:
        if objs:
            cluster.create(objs)
    for i, s in enumerate(SCENARIOS):
        wait_until(f"scenario {s.name!r} settled", lambda s=s, i=i: _settled(cluster, s, ns_of(i)), timeout=120)
    out = tmp_path_factory.mktemp("sc")
    dump = out / "dump"
    cluster.kubectl("cluster-info", "dump", "--all-namespaces", "--output-directory", str(dump), timeout=300)
    yaml_file = out / "cluster.yaml"
    yaml_file.write_text(cluster.kubectl("get", YAML_KINDS, "-A", "-o", "yaml", timeout=300).stdout)
    described = out / "describe.txt"
    described.write_text("\n".join(cluster.kubectl("describe", kind, *(("-A",) if kind != "nodes" else ()),
                                                    timeout=300).stdout for kind in DESCRIBE_KINDS))
    runs = {
        "live": cluster.podwhy("scan", "-A", "-o", "json", kubeconfig=reader_kubeconfig),
        "dump": cluster.podwhy("scan", "-A", "-o", "json", "--from", str(dump)),
        "yaml": cluster.podwhy("scan", "-A", "-o", "json", "--from", str(yaml_file)),
        "describe": cluster.podwhy("scan", "-A", "-o", "json", "--from", str(described)),
    }
    reports = {}
    for mode, proc in runs.items():
        assert proc.returncode in (0, 1), f"{mode}: rc {proc.returncode}: {proc.stderr}"
        reports[mode] = json.loads(proc.stdout)
    if os.environ.get("PODWHY_REALCLUSTER_RECORD"):
        RECORDED.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(yaml_file, RECORDED)
        shutil.copyfile(described, RECORDED.parent / "describe.txt")  # tests/snapshot/test_describe.py
    yield World(reports, {m: p.returncode for m, p in runs.items()}, {m: p.stderr for m, p in runs.items()},
                yaml_file)
    for i, _ in enumerate(SCENARIOS):
        cluster.kubectl("delete", "namespace", ns_of(i), "--wait=false", check=False)
    cluster.kubectl("delete", "nodes", "--all", check=False)
    cluster.kubectl("delete", "pv,storageclass", "--all", check=False)


def _subjects(report: dict[str, Any], ns: str) -> list[dict[str, Any]]:
    return [s for s in report["subjects"] if s["ref"].split("/")[1] == ns]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("index", range(len(SCENARIOS)), ids=[s.name for s in SCENARIOS])
def test_first_finding(world: World, index: int, mode: str) -> None:
    s, ns = SCENARIOS[index], ns_of(index)
    subjects = _subjects(world.reports[mode], ns)
    assert subjects, f"{mode}: no stuck subject in {ns} ({s.name})"
    got = {(x["ref"].split("/")[0], x["findings"][0]["code"]) for x in subjects}
    if mode == "describe" and s.code in DESCRIBE_UNPRINTED:
        assert got == {(s.subject_kind, "unknown")}, json.dumps(subjects, indent=1)[:6000]
        assert all(DESCRIBE_UNPRINTED[s.code] in x["findings"][0]["cause"] for x in subjects)
        return
    assert got == {(s.subject_kind, s.code)}, json.dumps(subjects, indent=1)[:6000]


@pytest.mark.parametrize("index", range(len(SCENARIOS)), ids=[s.name for s in SCENARIOS])
def test_same_first_finding_each_way(world: World, index: int) -> None:
    ns = ns_of(index)
    firsts = {mode: sorted((x["ref"], x["findings"][0]["code"]) for x in _subjects(world.reports[mode], ns))
              for mode in MODES}
    assert firsts["live"] == firsts["dump"] == firsts["yaml"], firsts


_GENERATED = re.compile(r"\b([a-z0-9-]+)-[a-z0-9]{8,10}(-[a-z0-9]{5})?\b")


def _messages(path: Path) -> set[tuple[str, str, str]]:
    """(namespace, reason, message) of the warnings the components wrote, with generated name suffixes
    (ReplicaSet hashes, pod suffixes) masked: what must not drift between the recording and a new run."""
    out = set()
    for doc in yaml.safe_load_all(path.read_text()):
        for item in (doc or {}).get("items", []):
            if item.get("kind") == "Event" and item.get("type") == "Warning":
                ns = item["metadata"]["namespace"]
                if ns.startswith("sc-"):
                    out.add((ns, item["reason"], _GENERATED.sub(r"\1-<hash>", item["message"])))
    return out


def test_recorded_messages_match_this_run(world: World) -> None:
    """The fast tests' recording says what this release's components really write; re-record on drift."""
    assert RECORDED.is_file(), "record with PODWHY_REALCLUSTER_RECORD=1 .venv/bin/pytest tests/realcluster"
    assert _messages(world.snapshot) == _messages(RECORDED)
