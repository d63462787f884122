"""Which subjects are stuck (stuck.py), as kubectl's STATUS column and the controllers show it."""

from __future__ import annotations

import pytest

from podwhy.analyzers import Options
from podwhy.diagnose import Selection, select_works

from helpers import NOW, snapshot_from_yaml

POD = """
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: default, uid: uid-{name}, creationTimestamp: "{created}"}}
spec:
  {spec}
  containers: [{{name: app, image: nginx:1.27}}]
status:
{status}
"""


def pod(name: str, status: str, spec: str = "nodeName: node-1", created: str = "2026-11-20T09:00:00Z") -> str:
    return POD.format(name=name, status=status, spec=spec, created=created)


WAITING = """  phase: Pending
  conditions: [{{type: PodScheduled, status: "True", lastTransitionTime: "{t}"}}]
  containerStatuses:
  - name: app
    image: nginx:1.27
    state: {{waiting: {{reason: {reason}, message: "{message}"}}}}
"""

RUNNING = """  phase: Running
  conditions: [{type: PodScheduled, status: "True"}, {type: Ready, status: "True"}]
  containerStatuses:
  - {name: app, image: nginx:1.27, ready: true, state: {running: {startedAt: "2026-11-20T09:00:00Z"}}}
"""


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param(pod("a", WAITING.format(reason="ImagePullBackOff", message="Back-off pulling image", t="2026-11-20T09:00:00Z")),
                     [("Pod/default/a", "ImagePullBackOff")], id="image-pull-backoff-is-stuck"),
        pytest.param(pod("a", WAITING.format(reason="CreateContainerConfigError", message="secret x not found", t="2026-11-20T09:00:00Z")),
                     [("Pod/default/a", "CreateContainerConfigError")], id="config-error-is-stuck"),
        pytest.param(pod("a", RUNNING), [], id="running-pod-is-healthy"),
        pytest.param(pod("a", "  phase: Succeeded\n"), [], id="completed-pod-is-not-stuck"),
        pytest.param(pod("a", WAITING.format(reason="ContainerCreating", message="", t="2026-11-20T09:58:00Z")),
                     [], id="container-creating-briefly-is-normal"),
        pytest.param(pod("a", WAITING.format(reason="ContainerCreating", message="", t="2026-11-20T09:00:00Z")),
                     [("Pod/default/a", "ContainerCreating")], id="container-creating-for-an-hour-is-stuck"),
        pytest.param(pod("a", "  phase: Pending\n  conditions: [{type: PodScheduled, status: 'False', reason: Unschedulable, message: '0/3 nodes are available'}]\n", spec="schedulerName: default-scheduler"),
                     [("Pod/default/a", "Pending")], id="unschedulable-pod"),
        pytest.param(pod("a", "  phase: Pending\n", spec="schedulerName: default-scheduler"), [("Pod/default/a", "Pending")],
                     id="pending-pod-without-conditions-or-node"),
        pytest.param(pod("a", "  phase: Pending\n  conditions: [{type: PodScheduled, status: 'False', reason: SchedulingGated}]\n",
                         spec="schedulingGates: [{name: example.com/gate}]"),
                     [("Pod/default/a", "SchedulingGated")], id="scheduling-gated-pod"),
    ],
)
def test_pod_stuck_detection(doc: str, expected: list[tuple[str, str]]) -> None:
    snap = snapshot_from_yaml(doc)
    works, examined = select_works(snap, Selection(), NOW, Options())
    assert [(w.ref, w.state) for w in works] == expected
    assert examined == 1


RESTARTED = """  phase: Running
  conditions: [{{type: PodScheduled, status: "True"}}, {{type: Ready, status: "True"}}]
  containerStatuses:
  - name: app
    image: nginx:1.27
    ready: true
    restartCount: {n}
    state: {{running: {{startedAt: "2026-11-20T09:58:00Z"}}}}
    lastState: {{terminated: {{reason: OOMKilled, exitCode: 137, finishedAt: "{finished}"}}}}
"""
NOT_READY = """  phase: Running
  conditions: [{{type: PodScheduled, status: "True"}}, {{type: Ready, status: "False", lastTransitionTime: "{t}"}}]
  containerStatuses:
  - {{name: app, image: nginx:1.27, ready: false, state: {{running: {{startedAt: "2026-11-20T09:00:00Z"}}}}}}
"""
TERMINATING_META = "{name: a, namespace: default, uid: uid-a, deletionTimestamp: \"%s\", finalizers: [x.example/y]}"


def terminating(deleted: str) -> str:
    return POD.replace("metadata: {{name: {name}, namespace: default, uid: uid-{name}, creationTimestamp: \"{created}\"}}",
                       "metadata: " + TERMINATING_META.replace("{", "{{").replace("}", "}}") % deleted).format(
        spec="nodeName: node-1", status=RUNNING.replace("{", "{{").replace("}", "}}").format())


SIDECAR = """
apiVersion: v1
kind: Pod
metadata: {{name: a, namespace: default, uid: uid-a, creationTimestamp: "2026-11-20T09:00:00Z"}}
spec:
  nodeName: node-1
  initContainers: [{{name: proxy, image: envoy:1.31, restartPolicy: {policy}}}]
  containers: [{{name: app, image: nginx:1.27}}]
status:
  phase: {phase}
  conditions: [{{type: PodScheduled, status: "True"}}]
  initContainerStatuses:
  - name: proxy
    image: envoy:1.31
    restartCount: 4
    state: {{waiting: {{reason: CrashLoopBackOff, message: "back-off 1m20s restarting failed container=proxy"}}}}
    lastState: {{terminated: {{reason: Error, exitCode: 1, finishedAt: "2026-11-20T09:58:00Z"}}}}
"""
# Each threshold at its boundary (NOW is 10:00): the default Options, then a lowered one.
LIFECYCLE = [
    pytest.param(pod("a", WAITING.format(reason="CrashLoopBackOff", message="back-off 10s restarting failed container=app",
                                         t="2026-11-20T09:59:00Z")),
                 Options(), [("Pod/default/a", "CrashLoopBackOff")], id="crash-loop-back-off-always-counts"),
    pytest.param(pod("a", RESTARTED.format(n=3, finished="2026-11-20T09:57:59Z")), Options(),
                 [("Pod/default/a", "Running")], id="running-after-3-recent-restarts-is-crash-looping"),
    pytest.param(pod("a", RESTARTED.format(n=2, finished="2026-11-20T09:57:59Z")), Options(), [],
                 id="2-restarts-are-below-the-default-threshold"),
    pytest.param(pod("a", RESTARTED.format(n=2, finished="2026-11-20T09:57:59Z")), Options(restart_threshold=2),
                 [("Pod/default/a", "Running")], id="restart-threshold-lowered"),
    pytest.param(pod("a", RESTARTED.format(n=9, finished="2026-11-20T08:00:00Z")), Options(), [],
                 id="last-restart-outside-the-window-is-history"),
    pytest.param(pod("a", NOT_READY.format(t="2026-11-20T09:56:00Z")), Options(), [], id="not-ready-for-4m-is-normal"),
    pytest.param(pod("a", NOT_READY.format(t="2026-11-20T09:50:00Z")), Options(), [("Pod/default/a", "NotReady")],
                 id="not-ready-for-10m-is-stuck"),
    pytest.param(pod("a", NOT_READY.format(t="2026-11-20T09:59:00Z")), Options(not_ready_threshold=30),
                 [("Pod/default/a", "NotReady")], id="not-ready-threshold-lowered"),
    pytest.param(terminating("2026-11-20T09:58:00Z"), Options(), [], id="terminating-within-threshold"),
    pytest.param(terminating("2026-11-20T09:50:00Z"), Options(), [("Pod/default/a", "Terminating")],
                 id="terminating-10m-past-grace-is-stuck"),
    pytest.param(terminating("2026-11-20T09:59:50Z"), Options(terminating_threshold=0), [("Pod/default/a", "Terminating")],
                 id="terminating-threshold-lowered"),
    pytest.param(pod("a", "  phase: Failed\n  reason: Evicted\n  message: 'The node was low on resource: memory. '\n"),
                 Options(), [("Pod/default/a", "Evicted")], id="evicted-pod"),
    pytest.param(pod("a", "  phase: Failed\n  reason: Error\n"), Options(), [], id="failed-pod-is-done-not-stuck"),
    pytest.param(SIDECAR.format(policy="Always", phase="Running"), Options(), [("Pod/default/a", "CrashLoopBackOff")],
                 id="a-sidecar-crash-loop-is-no-init-status"),
    pytest.param(SIDECAR.format(policy="null", phase="Pending"), Options(),
                 [("Pod/default/a", "Init:CrashLoopBackOff")], id="an-init-container-crash-loop-is-init-status"),
]


@pytest.mark.parametrize(("doc", "opts", "expected"), LIFECYCLE)
def test_pods_that_start_and_then_fail(doc: str, opts: Options, expected: list[tuple[str, str]]) -> None:
    works, _ = select_works(snapshot_from_yaml(doc), Selection(), NOW, opts)
    assert [(w.ref, w.state) for w in works] == expected


def test_init_container_reason_comes_first() -> None:
    doc = """
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: default}
spec:
  nodeName: n1
  initContainers: [{name: init, image: busybox:nope}]
  containers: [{name: app, image: nginx}]
status:
  phase: Pending
  initContainerStatuses: [{name: init, state: {waiting: {reason: ErrImagePull, message: boom}}}]
  containerStatuses: [{name: app, state: {waiting: {reason: PodInitializing}}}]
"""
    works, _ = select_works(snapshot_from_yaml(doc), Selection(), NOW, Options())
    assert [(w.state, [c.name for c in w.containers]) for w in works] == [("ErrImagePull", ["init"])]
    assert works[0].containers[0].field_path == "spec.initContainers{init}"


RS = """
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-7d9f8c6b5
  namespace: shop
  uid: rs-uid
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: dep-uid, controller: true}]
spec: {{replicas: 3, template: {{spec: {{containers: [{{name: app, image: web:1}}]}}}}}}
status:
  replicas: {have}
  conditions: {conds}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop, uid: dep-uid}}
spec: {{replicas: 3}}
---
apiVersion: v1
kind: PodList
items: []
"""


@pytest.mark.parametrize(
    ("have", "conds", "expected"),
    [
        pytest.param(0, "[{type: ReplicaFailure, status: 'True', reason: FailedCreate, message: 'pods \"web-7d9f8c6b5-\" is forbidden: exceeded quota'}]",
                     [("ReplicaSet/shop/web-7d9f8c6b5", "FailedCreate", ["Deployment/shop/web"])],
                     id="replica-failure-condition-makes-the-rs-the-subject-owned-by-its-deployment"),
        pytest.param(0, "[]", [("ReplicaSet/shop/web-7d9f8c6b5", "FewerPods", ["Deployment/shop/web"])],
                     id="rs-with-no-pods-at-all-is-stuck"),
        pytest.param(3, "[]", [], id="rs-with-all-pods-is-fine"),
    ],
)
def test_controller_stuck_detection(have: int, conds: str, expected: list[tuple[str, str, list[str]]]) -> None:
    doc = RS.replace("{have}", str(have)).replace("{conds}", conds).replace("{{", "{").replace("}}", "}")
    works, _ = select_works(snapshot_from_yaml(doc), Selection(), NOW, Options())
    assert [(w.ref, w.state, w.owners) for w in works] == expected
