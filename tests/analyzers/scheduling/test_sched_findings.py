"""Every sched.* cause code, produced from small cluster snapshots, with the whole finding checked
(code, confidence, the key evidence text and the verified fix)."""

from __future__ import annotations

from typing import Any

import pytest

from .builders import EMPTY_EVENTS, EMPTY_NODES, failed_event, first_reasons, node, pod, run, subject

GPU_TAINT = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
SEED_MSG = ("0/5 nodes are available: 3 Insufficient memory, 2 node(s) had taint {dedicated: gpu}, "
            "that the pod didn't tolerate.")


def seed() -> list[dict[str, Any]]:
    return [
        node("n1", memory="16Gi"), node("n2", memory="16Gi"), node("n3", memory="8Gi"),
        node("gpu1", memory="64Gi", taints=[GPU_TAINT]), node("gpu2", memory="64Gi", taints=[GPU_TAINT]),
        pod("big1", node_name="n1", requests={"memory": "10Gi"}),
        pod("big2", node_name="n2", requests={"memory": "12Gi"}),
        pod("big3", node_name="n3", requests={"memory": "4Gi"}),
        pod("incoming", requests={"memory": "8Gi", "cpu": "500m"}),
        failed_event("incoming", SEED_MSG),
    ]


def test_seed_yields_both_causes_with_numbers_and_verified_fixes() -> None:
    s = subject(run(seed()))
    assert s.scheduling is not None
    assert s.scheduling.message == (
        "0/5 nodes are available: 2 node(s) had untolerated taint(s), 3 Insufficient memory. no new claims to deallocate, "
        "preemption: 0/5 nodes "
        "are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.")
    assert s.scheduling.agrees is True
    n1 = next(n for n in s.scheduling.nodes if n.name == "n1")
    assert n1.failures[0].detail == {
        "memory": {"requested": "8Gi", "used": "10Gi", "allocatable": "16Gi", "free": "6Gi"},
        "summary": "needs 8Gi memory, 6Gi free of 16Gi"}
    codes = [f.code for f in s.findings]
    assert codes == ["sched.insufficient-resources", "sched.untolerated-taint"]
    res, taint = s.findings
    assert res.confidence == "certain"
    assert res.cause.startswith("3 of 5 node(s) do not have enough free memory for the pod's request (8Gi memory)")
    assert [e.observed for e in res.evidence if e.ref.startswith("Node/")] == [
        "Insufficient memory: needs 8Gi memory, 6Gi free of 16Gi",
        "Insufficient memory: needs 8Gi memory, 4Gi free of 16Gi",
        "Insufficient memory: needs 8Gi memory, 4Gi free of 8Gi"]
    assert res.fix is not None
    assert res.fix.summary.startswith("lower app memory request 8Gi -> 6Gi: then it fits n1 (best node n1)")
    assert "add capacity: a node like n1" in res.fix.summary
    assert taint.fix is not None
    assert taint.fix.summary.startswith("tolerate dedicated=gpu:NoSchedule: then the pod fits gpu1, gpu2")
    assert taint.fix.patches == ["tolerations:\n- key: dedicated\n  operator: Equal\n  value: gpu\n  effect: NoSchedule"]
    assert "kubectl taint node gpu1 dedicated=gpu:NoSchedule-" in taint.fix.commands


def _codes_case(objs: list[dict[str, Any]]) -> list[str]:
    return [f.code for f in subject(run(objs)).findings]


CASES = [
    pytest.param([node("a", pods="1"), pod("x", node_name="a"), pod("incoming")],
                 "sched.too-many-pods", "1 of 1 node(s) are at their pod limit", "add capacity", id="full-node-too-many-pods"),
    pytest.param([node("a", taints=[{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}], ready=False),
                  pod("incoming")],
                 "sched.nodes-not-ready", "1 of 1 node(s) are NotReady", "bring a back to Ready", id="not-ready-taint"),
    pytest.param([node("a", unschedulable=True), pod("incoming")],
                 "sched.node-unschedulable", "1 of 1 node(s) are cordoned", "uncordon a", id="cordoned-node"),
    pytest.param([node("a", labels={"disk": "hdd"}), pod("incoming", nodeSelector={"disk": "ssd"})],
                 "sched.node-affinity", "nodeSelector disk=ssd: node label = 'hdd'", "label a with disk=ssd",
                 id="node-selector-mismatch"),
    pytest.param([node("a", labels={"zone": "z1"}),
                  pod("incoming", labels={"app": "web"}, affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                      {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "zone"}]}})],
                 "sched.pod-affinity", "required pod affinity rejects 1 of 1 node(s)", "turn the required podAffinity",
                 id="pod-affinity-no-peer"),
    pytest.param([node("a"), pod("db", node_name="a", labels={"app": "db"}),
                  pod("incoming", affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                      {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}]}})],
                 "sched.pod-anti-affinity", "pod anti-affinity rejects 1 of 1 node(s)", "without it the pod fits a",
                 id="pod-anti-affinity"),
    pytest.param([node("a", labels={"zone": "z1"}), node("b", labels={"zone": "z2"}, taints=[GPU_TAINT]),
                  pod("w1", node_name="a", labels={"app": "w"}),
                  pod("incoming", labels={"app": "w"}, topologySpreadConstraints=[
                      {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                       "labelSelector": {"matchLabels": {"app": "w"}}}])],
                 "sched.topology-spread", "zone=z1 has 1 matching pod(s) + this pod", "raise maxSkew of the zone constraint to 2",
                 id="topology-spread-skew"),
    pytest.param([node("a"), pod("holder", node_name="a", ports=[{"containerPort": 80, "hostPort": 8080}]),
                  pod("incoming", ports=[{"containerPort": 80, "hostPort": 8080}])],
                 "sched.host-port", "hostPort 8080/TCP already used by pod default/holder", "free the host port on a",
                 id="host-port-taken"),
    pytest.param([node("a"), node("b", labels={"gpu": "yes"}, cpu="1"), pod("incoming", nodeName="ghost")],
                 "sched.node-name-not-found", "spec.nodeName is preset to 'ghost'", "re-create the pod without it",
                 id="node-name-missing"),
    pytest.param([node("a"), pod("incoming", schedulingGates=[{"name": "kueue.x-k8s.io/admission"}])],
                 "sched.scheduling-gated", "held by scheduling gate(s) kueue.x-k8s.io/admission", "it would then fit a",
                 id="scheduling-gated-kueue"),
    # Nodes not readable (a namespace-limited user) or not in the dump: the gate is on the pod itself.
    pytest.param([pod("incoming", schedulingGates=[{"name": "kueue.x-k8s.io/admission"}])],
                 "sched.scheduling-gated", "held by scheduling gate(s) kueue.x-k8s.io/admission",
                 "nodes were not in the input, so where it would then fit is not checked",
                 id="scheduling-gated-without-nodes-in-the-input"),
    pytest.param([node("a"), pod("incoming", schedulerName="my-scheduler"), EMPTY_EVENTS],
                 "sched.scheduler-not-found", "spec.schedulerName is 'my-scheduler'", "deploy/repair the scheduler",
                 id="scheduler-not-found"),
    pytest.param([node("a", memory="1Gi"), pod("low", node_name="a", requests={"memory": "1Gi"}),
                  pod("incoming", requests={"memory": "1Gi"}, priority=1000)],
                 "sched.preemption-pending", "preemption can make room", "", id="preemption-would-help"),
]


@pytest.mark.parametrize(("objs", "code", "cause_part", "fix_part"), CASES)
def test_each_cause_code(objs: list[dict[str, Any]], code: str, cause_part: str, fix_part: str) -> None:
    s = subject(run(objs))
    f = next((f for f in s.findings if f.code == code), None)
    assert f is not None, [x.code for x in s.findings]
    assert cause_part in f.cause
    if fix_part:
        assert f.fix is not None and fix_part in f.fix.summary, f.fix


def test_no_nodes_in_cluster() -> None:
    # Nodes are "loaded" only when the input carries the kind; an explicit empty NodeList does that.
    s = subject(run([pod("incoming"), EMPTY_NODES]))
    assert s.scheduling is not None and s.scheduling.message == "no nodes available to schedule pods"
    assert [f.code for f in s.findings][:1] == ["sched.no-nodes"]


def test_nominated_pod_waits_for_victims() -> None:
    p = pod("incoming", requests={"memory": "1Gi"}, priority=1000)
    p["status"]["nominatedNodeName"] = "a"
    s = subject(run([node("a", memory="1Gi"), pod("low", node_name="a", requests={"memory": "1Gi"}), p]))
    f = next(f for f in s.findings if f.code == "sched.preemption-pending")
    assert f.confidence == "certain"
    assert f.cause.startswith("the scheduler nominated node a (priority 1000)")


def test_only_matching_nodes_not_ready() -> None:
    s = subject(run([node("a", labels={"pool": "x"}, ready=False), node("b"),
                     pod("incoming", nodeSelector={"pool": "x"}, requests={"cpu": "8"})]))
    codes = [f.code for f in s.findings]
    assert "sched.nodes-not-ready" in codes


def test_without_nodes_the_message_is_parsed_with_lower_confidence() -> None:
    s = subject(run([pod("incoming"), failed_event("incoming", SEED_MSG)]))
    assert s.scheduling is None
    got = {f.code: f.confidence for f in s.findings}
    assert got == {"sched.insufficient-resources": "likely", "sched.untolerated-taint": "likely"}


def test_stale_event_disagreement_is_explained() -> None:
    objs = [*seed()[:5], pod("incoming", requests={"memory": "8Gi"}), failed_event("incoming", SEED_MSG)]
    s = subject(run(objs))
    assert s.scheduling is not None
    assert s.scheduling.agrees is False
    assert s.scheduling.message == "3/5 nodes are feasible: the scheduler would bind the pod to one of n1, n2, n3"
    assert s.scheduling.disagreement is not None
    assert s.scheduling.disagreement.startswith("the recomputation finds 3 feasible node(s) now")
    # the scheduler's own (older) verdict is still reported, as a possibility
    assert {f.code: f.confidence for f in s.findings} == {
        "sched.insufficient-resources": "possible", "sched.untolerated-taint": "possible"}


def test_feasible_pod_gets_no_filter_findings() -> None:
    # nodeAffinityPolicy Honor: only zone z1 counts, so the skew on node a is 2 + 1 - 2 = 1 <= maxSkew
    s = subject(run([node("a", labels={"zone": "z1"}), node("b", labels={"zone": "z2"}),
                     pod("w1", node_name="a", labels={"app": "w"}), pod("w2", node_name="a", labels={"app": "w"}),
                     pod("incoming", labels={"app": "w"}, nodeSelector={"zone": "z1"}, topologySpreadConstraints=[
                         {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                          "labelSelector": {"matchLabels": {"app": "w"}}}])]))
    assert first_reasons(s) == {"a": [], "b": ["node(s) didn't match Pod's node affinity/selector"]}
    assert not [f for f in s.findings if f.code.startswith("sched.")]


def test_every_node_listed_with_all_failures_in_filter_order() -> None:
    s = subject(run([node("a", unschedulable=True, labels={"disk": "hdd"}, memory="1Gi"),
                     pod("incoming", nodeSelector={"disk": "ssd"}, requests={"memory": "2Gi"})]))
    assert s.scheduling is not None
    [a] = s.scheduling.nodes
    assert [f.plugin for f in a.failures] == ["NodeUnschedulable", "NodeAffinity", "NodeResourcesFit"]
    assert first_reasons(s) == {"a": ["node(s) were unschedulable"]}


def test_every_sched_code_of_the_catalog_is_covered_here() -> None:
    from podwhy.catalog import CODES

    produced = {c.values[1] for c in CASES} | {
        "sched.insufficient-resources", "sched.untolerated-taint",  # seed test
        "sched.no-nodes",  # test_no_nodes_in_cluster
    }
    assert {c for c in CODES if c.startswith("sched.")} <= produced


def test_missing_claim_reported_once_as_a_volume_cause() -> None:
    s = subject(run([node("a"), {"apiVersion": "v1", "kind": "PersistentVolumeClaimList", "items": []},
                     pod("incoming", volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}])]))
    assert s.scheduling is not None
    assert s.scheduling.message.startswith('0/1 nodes are available: persistentvolumeclaim "data" not found.')
    assert [f.code for f in s.findings].count("volume.pvc-not-found") == 1


ORDER_CASES = [
    # the pod targets the tainted node only: the taint is the blocker, not the selector
    pytest.param([node("master", labels={"role": "admin"}, taints=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
                  node("w1"), node("w2"), pod("incoming", nodeSelector={"role": "admin"})],
                 [("sched.untolerated-taint", "error"), ("sched.node-affinity", "error")],
                 id="selector-targets-only-tainted-node"),
    # reserved (tainted) nodes the pod does not target rank after its own anti-affinity exclusion (tolerating the
    # taint would let it run on g1: still an error to weigh)
    pytest.param([node("g1", taints=[GPU_TAINT]), node("w1"), node("w2"), node("w3"),
                  pod("e1", node_name="w1", labels={"app": "es"}), pod("e2", node_name="w2", labels={"app": "es"}),
                  pod("e3", node_name="w3", labels={"app": "es"}),
                  pod("incoming", labels={"app": "es"}, affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                      {"labelSelector": {"matchLabels": {"app": "es"}}, "topologyKey": "kubernetes.io/hostname"}]}})],
                 [("sched.pod-anti-affinity", "error"), ("sched.untolerated-taint", "error")],
                 id="reserved-nodes-after-anti-affinity"),
    # a taint on nodes that would not fit the pod anyway is most often intended (dedicated nodes): information
    pytest.param([node("g1", memory="4Gi", taints=[GPU_TAINT]), node("w1", memory="4Gi"),
                  pod("incoming", requests={"memory": "8Gi"})],
                 [("sched.insufficient-resources", "error"), ("sched.untolerated-taint", "info")],
                 id="taint-on-nodes-too-small-anyway-is-information"),
    # a cordoned node is a blocker even when it is the minority
    pytest.param([node("a", labels={"disk": "ssd"}, unschedulable=True), node("b"), node("c"),
                  pod("incoming", nodeSelector={"disk": "ssd"})],
                 [("sched.node-unschedulable", "error"), ("sched.node-affinity", "error")],
                 id="cordon-blocks-the-only-target"),
]


@pytest.mark.parametrize(("objs", "want"), ORDER_CASES)
def test_blockers_rank_before_exclusions(objs: list[dict[str, Any]], want: list[tuple[str, str]]) -> None:
    assert [(f.code, f.severity) for f in subject(run(objs)).findings] == want


def test_daemonset_pod_pinned_to_a_full_node() -> None:
    ds_pin = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a"]}]}]}}}
    p = pod("incoming", requests={"cpu": "2"}, affinity=ds_pin)
    p["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "ds1",
                                         "controller": True}]
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "default", "uid": "ds1"},
          "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": {"spec": {"containers": [{"name": "app"}]}}}}
    s = subject(run([node("a", cpu="1"), node("b"), node("c"), ds, p]))
    assert s.scheduling is not None
    assert s.scheduling.message == (
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
        # cpu 2 > node a's whole allocatable 1: UnschedulableAndUnresolvable (>=1.34), so preemption cannot help
        "no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
    assert [f.code for f in s.findings] == ["sched.insufficient-resources"]


def test_scheduler_not_found_without_events_is_only_possible() -> None:
    s = subject(run([node("a"), pod("incoming", schedulerName="my-scheduler")]))
    f = s.findings[0]
    assert (f.code, f.confidence) == ("sched.scheduler-not-found", "possible")
    assert f.cause.endswith("(events were not in the input)")


def test_existing_pods_anti_affinity_names_the_pod_and_verifies_its_absence() -> None:
    repel = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}
    s = subject(run([node("a"), pod("db", node_name="a", labels={"app": "db"}, affinity=repel),
                     pod("incoming", labels={"app": "web"})]))
    f = s.findings[0]
    assert f.code == "sched.pod-anti-affinity"
    assert f.cause == "pod anti-affinity rejects 1 of 1 node(s): pod default/db has anti-affinity against this pod in kubernetes.io/hostname=a"
    assert f.fix is not None
    assert f.fix.summary.endswith("without them the pod fits a")


# What DefaultTolerationSeconds adds to every pod (not in any template).
_DEFAULT_TOLERATIONS = [{"key": k, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
                        for k in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")]
_OWNED = {"ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "train-5d8f", "uid": "rs1",
                               "controller": True}]}
_RS = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
       "metadata": {"name": "train-5d8f", "namespace": "default", "uid": "rs1",
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "train", "uid": "d1",
                                         "controller": True}]},
       "spec": {"selector": {"matchLabels": {"app": "train"}}, "template": {"spec": {"containers": [{"name": "app"}]}}}}


def _owned(p: dict[str, Any]) -> dict[str, Any]:
    p["metadata"].update(_OWNED)
    return p


@pytest.mark.parametrize(("objs", "patch"), [
    pytest.param([node("gpu1", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]),
                  pod("incoming", tolerations=_DEFAULT_TOLERATIONS)],
                 'kubectl -n default patch pod incoming --type=json -p \'[{"op":"add","path":"/spec/tolerations/-",'
                 '"value":{"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoSchedule"}}]\'',
                 id="bare-pod-appends-to-its-admission-defaulted-array"),
    # The pod has the admission defaults, its Deployment's template has no tolerations: `/-` would fail.
    pytest.param([node("gpu1", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]), _RS,
                  _owned(pod("incoming", tolerations=_DEFAULT_TOLERATIONS))],
                 'kubectl -n default patch deployment train --type=json -p \'[{"op":"add",'
                 '"path":"/spec/template/spec/tolerations","value":[{"key":"dedicated","operator":"Equal",'
                 '"value":"gpu","effect":"NoSchedule"}]}]\'',
                 id="template-without-tolerations-gets-the-whole-array"),
    pytest.param([node("gpu1", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]), _RS,
                  _owned(pod("incoming", tolerations=[*_DEFAULT_TOLERATIONS,
                                                      {"key": "spot", "operator": "Exists", "effect": "NoSchedule"}]))],
                 'kubectl -n default patch deployment train --type=json -p \'[{"op":"add",'
                 '"path":"/spec/template/spec/tolerations/-","value":{"key":"dedicated","operator":"Equal",'
                 '"value":"gpu","effect":"NoSchedule"}}]\'',
                 id="template-with-its-own-tolerations-gets-an-append"),
])
def test_toleration_patch_applies_to_what_the_target_holds(objs: list[dict[str, Any]], patch: str) -> None:
    f = next(f for f in subject(run(objs)).findings if f.code == "sched.untolerated-taint")
    assert f.fix is not None
    assert f.fix.commands[0] == patch
    assert f.fix.commands[1:] == ["kubectl taint node gpu1 dedicated=gpu:NoSchedule-"]
