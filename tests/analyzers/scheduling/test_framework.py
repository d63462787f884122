"""FitError assembly and filter verdicts, table-driven. Data follows upstream plugin test tables
(pkg/scheduler/framework/plugins/*/..._test.go, kubernetes v1.35) re-expressed as snapshots."""

from __future__ import annotations

from typing import Any

import pytest

from podwhy.analyzers.scheduling.framework import UNRESOLVABLE, unresolvable
from podwhy.analyzers.scheduling.postfilter import fit_error_message, render_histogram

from .builders import first_reasons, node, pod, run, subject


@pytest.mark.parametrize(("hist", "pre", "post", "want"), [
    pytest.param({"Insufficient cpu": 10, "Insufficient memory": 2}, None, None,
                 "0/12 nodes are available: 10 Insufficient cpu, 2 Insufficient memory.", id="string-sort-10-before-2"),
    pytest.param({"node(s) had untolerated taint(s)": 2, "Too many pods": 2}, None, None,
                 "0/12 nodes are available: 2 Too many pods, 2 node(s) had untolerated taint(s).", id="uppercase-before-lowercase"),
    pytest.param({}, 'persistentvolumeclaim "data" not found',
                 "preemption: 0/12 nodes are available: 12 Preemption is not helpful for scheduling.",
                 '0/12 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/12 nodes are available: '
                 "12 Preemption is not helpful for scheduling.", id="prefilter-uncounted-with-tail"),
])
def test_fit_error_message(hist: dict[str, int], pre: str | None, post: str | None, want: str) -> None:
    assert fit_error_message(12, hist, pre, post) == want


def test_histogram_is_go_sorted() -> None:
    assert render_histogram({"b": 1, "a": 1, "Z": 1}) == "1 Z, 1 a, 1 b"
    assert unresolvable("P", "x").code == UNRESOLVABLE


N = node  # short alias for the tables


FIT: list[Any] = [
    # noderesources/fit_test.go "no resources requested always fits"
    pytest.param([N("a", cpu="10", memory="20"), pod("x", node_name="a", requests={"cpu": "10", "memory": "20"}),
                  pod("incoming")], {"a": []}, id="no-requests-always-fits"),
    # "too many resources fails"
    pytest.param([N("a", cpu="10", memory="20"), pod("x", node_name="a", requests={"cpu": "10", "memory": "20"}),
                  pod("incoming", requests={"cpu": "1", "memory": "1"})],
                 {"a": ["Insufficient cpu", "Insufficient memory"]}, id="too-many-resources-fails"),
    # "equal edge case"
    pytest.param([N("a", cpu="10", memory="20"), pod("x", node_name="a", requests={"cpu": "5", "memory": "19"}),
                  pod("incoming", requests={"cpu": "5", "memory": "1"})], {"a": []}, id="equal-edge-case"),
    # >=1.28: an over-committed resource the pod asks 0 of is not checked
    pytest.param([N("a", cpu="1", memory="1Gi"), pod("x", node_name="a", requests={"cpu": "2"}),
                  pod("incoming", requests={"memory": "100Mi"})], {"a": []}, id="zero-request-resource-not-checked"),
    # terminal pods do not count; terminating ones do
    pytest.param([N("a", cpu="1"), pod("done", node_name="a", requests={"cpu": "1"}, phase="Succeeded"),
                  pod("incoming", requests={"cpu": "1"})], {"a": []}, id="succeeded-pod-frees-its-requests"),
    pytest.param([N("a", cpu="2", extra={"nvidia.com/gpu": "1"}),
                  pod("incoming", requests={"nvidia.com/gpu": "2"})], {"a": ["Insufficient nvidia.com/gpu"]},
                 id="extended-resource"),
    pytest.param([N("a", cpu="2"), pod("incoming", requests={"example.com/foo": "1"})],
                 {"a": ["Insufficient example.com/foo"]}, id="extended-resource-node-does-not-advertise"),
    pytest.param([N("a", cpu="2"), pod("incoming", requests={"hugepages-2Mi": "4Mi"})],
                 {"a": ["Insufficient hugepages-2Mi"]}, id="hugepages"),
    pytest.param([N("a", pods="0"), pod("incoming")], {"a": ["Too many pods"]}, id="no-pod-slot-best-effort"),
]


@pytest.mark.parametrize(("objs", "want"), FIT)
def test_node_resources_fit(objs: list[dict[str, Any]], want: dict[str, list[str]]) -> None:
    assert first_reasons(subject(run(objs))) == want


TAINT = {"key": "dedicated", "value": "user1", "effect": "NoSchedule"}
FILTERS: list[Any] = [
    # tainttoleration/taint_toleration_test.go
    pytest.param([N("a", taints=[TAINT]), pod("incoming")], {"a": ["node(s) had untolerated taint(s)"]},
                 id="taint-no-toleration"),
    pytest.param([N("a", taints=[TAINT]), pod("incoming", tolerations=[{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}])],
                 {"a": []}, id="equal-toleration"),
    pytest.param([N("a", taints=[{"key": "foo", "value": "bar", "effect": "PreferNoSchedule"}]), pod("incoming")],
                 {"a": []}, id="prefer-no-schedule-never-filters"),
    pytest.param([N("a", taints=[TAINT]), pod("incoming", tolerations=[{"operator": "Exists"}])], {"a": []},
                 id="empty-key-exists-tolerates-all"),
    # nodeunschedulable: cordon first, even with a matching label selector failure too
    pytest.param([N("a", unschedulable=True), pod("incoming", tolerations=[
        {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}])], {"a": []}, id="tolerated-cordon"),
    # nodeaffinity: Gt/Lt parse as integers
    pytest.param([N("a", labels={"gen": "10"}), pod("incoming", affinity={"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "gen", "operator": "Gt", "values": ["9"]}]}]}}})], {"a": []}, id="affinity-gt"),
    pytest.param([N("a", labels={"gen": "x"}), pod("incoming", affinity={"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "gen", "operator": "Gt", "values": ["9"]}]}]}}})],
                 {"a": ["node(s) didn't match Pod's node affinity/selector"]}, id="affinity-gt-non-integer"),
    # nodeports: same port, different hostIP, both specific -> no conflict
    pytest.param([N("a"), pod("h", node_name="a", ports=[{"containerPort": 1, "hostPort": 8080, "hostIP": "127.0.0.1"}]),
                  pod("incoming", ports=[{"containerPort": 1, "hostPort": 8080, "hostIP": "127.0.0.2"}])], {"a": []},
                 id="ports-different-specific-ips"),
    pytest.param([N("a"), pod("h", node_name="a", ports=[{"containerPort": 1, "hostPort": 8080, "hostIP": "127.0.0.1"}]),
                  pod("incoming", ports=[{"containerPort": 1, "hostPort": 8080}])],
                 {"a": ["node(s) didn't have free ports for the requested pod ports"]}, id="ports-wildcard-vs-specific"),
    # podtopologyspread: node missing the topology key is UU "(missing required label)"
    pytest.param([N("a", labels={"zone": "z1"}), N("b"), pod("incoming", labels={"app": "w"}, topologySpreadConstraints=[
        {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "w"}}}])],
                 {"a": [], "b": ["node(s) didn't match pod topology spread constraints (missing required label)"]},
                 id="spread-missing-topology-key"),
    # interpodaffinity: existing pod's anti-affinity against the incoming pod
    pytest.param([N("a"), N("b"), pod("e", node_name="a", labels={"app": "db"}, affinity={"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "web"}},
                                                            "topologyKey": "kubernetes.io/hostname"}]}}),
                  pod("incoming", labels={"app": "web"})],
                 {"a": ["node(s) didn't satisfy existing pods anti-affinity rules"], "b": []}, id="existing-anti-affinity"),
    # first pod of a self-affine group may go anywhere carrying the key
    pytest.param([N("a", labels={"zone": "z1"}), pod("incoming", labels={"app": "w"}, affinity={"podAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "w"}}, "topologyKey": "zone"}]}})],
                 {"a": []}, id="self-affinity-first-pod"),
]


@pytest.mark.parametrize(("objs", "want"), FILTERS)
def test_filters(objs: list[dict[str, Any]], want: dict[str, list[str]]) -> None:
    assert first_reasons(subject(run(objs))) == want


def test_prefilter_result_excludes_other_nodes_and_conflict_rejects_all() -> None:
    pinned = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a"]}]}]}}}
    s = subject(run([N("a"), N("b"), pod("incoming", affinity=pinned)]))
    assert first_reasons(s) == {"a": [], "b": ["node(s) didn't satisfy plugin(s) [NodeAffinity]"]}
    conflict = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a"]},
                         {"key": "metadata.name", "operator": "In", "values": ["b"]}]}]}}}
    s2 = subject(run([N("a"), N("b"), pod("incoming", affinity=conflict)]))
    assert s2.scheduling is not None
    # The PreFilter rejection stops PreFilter before DynamicResources, whose PostFilter then fails on its
    # missing cycle state; DefaultPreemption never runs (what the real v1.34.4 scheduler prints).
    assert s2.scheduling.message == "0/2 nodes are available: pod affinity terms conflict. not found"


def test_preemption_never_tail() -> None:
    s = subject(run([N("a", cpu="1"), pod("x", node_name="a", requests={"cpu": "1"}),
                     pod("incoming", requests={"cpu": "1"}, preemptionPolicy="Never", priority=10)]))
    assert s.scheduling is not None
    assert s.scheduling.message == ("0/1 nodes are available: 1 Insufficient cpu. "
                                    "no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.")


@pytest.mark.parametrize(("objs", "tail"), [
    # evicting the lower-priority pod still leaves too little cpu: the dry run's own reason is reported
    pytest.param([N("a", cpu="2"), pod("low", node_name="a", requests={"cpu": "1"}),
                  pod("same", node_name="a", requests={"cpu": "1"}, priority=100),
                  pod("incoming", requests={"cpu": "2"}, priority=100)],
                 "preemption: 0/1 nodes are available: 1 Insufficient cpu.", id="victims-do-not-free-enough"),
    pytest.param([N("a", cpu="1"), pod("x", node_name="a", requests={"cpu": "1"}), pod("incoming", requests={"cpu": "1"})],
                 "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
                 id="no-lower-priority-pods"),
])
def test_preemption_tail(objs: list[dict[str, Any]], tail: str) -> None:
    s = subject(run(objs))
    assert s.scheduling is not None
    assert s.scheduling.message.endswith(" " + tail)
