"""One named case per ranking rule of podwhy.analyzers.ranking: the whole order of the first findings and
what the first one says. Messages are what kube-scheduler v1.34 writes for these clusters (the filter order of
pkg/scheduler/apis/config/v1/default_plugins.go decides which reason each node counts for)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from analyzers.scheduling.builders import failed_event, node, pod, run, subject
from podwhy.analyzers.ranking import RULES

from helpers import diagnose_yaml

Objs = list[dict[str, Any]]
DB = {"app": "db"}
ZONE = "topology.kubernetes.io/zone"


def _cordon_fits() -> Objs:
    return [node("a-1", labels={"pool": "a"}, unschedulable=True,
                 taints=[{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]),
            node("a-2", cpu="1", labels={"pool": "a"}), node("b-1", cpu="8", labels={"pool": "b"}),
            pod("incoming", requests={"cpu": "2"}, nodeSelector={"pool": "a"}),
            failed_event("incoming", "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node "
                                     "affinity/selector, 1 node(s) were unschedulable. preemption: 0/3 nodes are "
                                     "available: 3 Preemption is not helpful for scheduling.")]


def _cordon_too_small() -> Objs:
    objs = _cordon_fits()
    objs[0] = node("a-1", cpu="1", labels={"pool": "a"}, unschedulable=True,
                   taints=[{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}])
    return objs


def _spread_and_anti() -> Objs:
    anti = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": DB}, "topologyKey": "kubernetes.io/hostname"}]}}
    spread = [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
               "labelSelector": {"matchLabels": DB}}]
    return [node("a-1", labels={"zone": "a"}), node("a-2", labels={"zone": "a"}), node("b-1", labels={"zone": "b"}),
            pod("db-0", node_name="a-1", labels=DB, phase="Running"),
            pod("db-1", node_name="a-1", labels=DB, phase="Running"),
            pod("db-2", node_name="b-1", labels=DB, phase="Running"),
            pod("incoming", labels=DB, affinity=anti, topologySpreadConstraints=spread),
            failed_event("incoming", "0/3 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 2 "
                                     "node(s) didn't match pod topology spread constraints. preemption: 0/3 nodes "
                                     "are available: 3 Preemption is not helpful for scheduling.")]


def _zone_and_taint() -> Objs:
    pv = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv-a"},
          "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "ebs",
                   "claimRef": {"namespace": "default", "name": "data"},
                   "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-1"},
                   "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                       {"key": ZONE, "operator": "In", "values": ["a"]}]}]}}},
          "status": {"phase": "Bound"}}
    pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "default"},
           "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "ebs", "volumeName": "pv-a",
                    "resources": {"requests": {"storage": "10Gi"}}}, "status": {"phase": "Bound"}}
    return [node("a-1", labels={ZONE: "a"}, taints=[{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}]),
            node("b-1", labels={ZONE: "b"}), node("b-2", labels={ZONE: "b"}), pv, pvc,
            pod("incoming", volumes=[{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]),
            failed_event("incoming", "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, 2 "
                                     "node(s) had volume node affinity conflict. preemption: 0/3 nodes are "
                                     "available: 3 Preemption is not helpful for scheduling.")]


def _pinned_daemon_pod() -> Objs:
    pinned = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n-1"]}]}]}}}
    p = pod("incoming", requests={"memory": "2Gi"}, affinity=pinned)
    p["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent",
                                         "controller": True, "uid": "ds-1"}]
    return [node("n-1", memory="4Gi"), node("n-2"), node("n-3"),
            pod("big", node_name="n-1", requests={"memory": "3Gi"}, phase="Running", priority=1000), p,
            failed_event("incoming", "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's "
                                     "node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption "
                                     "victims found for incoming pod, 2 Preemption is not helpful for scheduling.")]


ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/job:2"
ECR_POD = f"""
apiVersion: v1
kind: Pod
metadata: {{name: incoming, namespace: default, creationTimestamp: "2026-11-20T09:00:00Z"}}
spec:
  nodeName: ip-10-0-1-2.ec2.internal
  containers: [{{name: app, image: "{ECR}"}}]
status:
  phase: Pending
  containerStatuses:
  - name: app
    image: "{ECR}"
    state: {{waiting: {{reason: ErrImagePull, message: 'failed to pull and unpack image "{ECR}": failed to resolve
      reference "{ECR}": pull access denied, repository does not exist or may require authorization: authorization
      failed: no basic auth credentials'}}}}
"""


def _sched(build: Callable[[], Objs]) -> Callable[[], list[tuple[str, str, str]]]:
    def go() -> list[tuple[str, str, str]]:
        s = subject(run(build()))
        return [(f.code, f.confidence, (f.fix.summary if f.fix else "")) for f in s.findings]
    return go


def _pull() -> list[tuple[str, str, str]]:
    report = diagnose_yaml(ECR_POD)
    s = report.subjects[0]
    return [(f.code, f.confidence, (f.fix.summary if f.fix else "") + " " + " ".join(f.fix.commands if f.fix else []))
            for f in s.findings]


def _pod_yaml(container_status: str, *, spec: str = "", phase: str = "Running", meta: str = "",
              events: str = "", extra: str = "") -> str:
    return f"""
apiVersion: v1
kind: Node
metadata: {{name: node-1, labels: {{kubernetes.io/arch: amd64}}}}
status:
  conditions: [{{type: Ready, status: "{'Unknown' if 'LOST' in extra else 'True'}", reason: NodeStatusUnknown,
                 message: Kubelet stopped posting node status., lastTransitionTime: "2026-11-20T09:00:00Z"}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: web, namespace: default, uid: u-web, creationTimestamp: "2026-11-20T09:00:00Z"{meta}}}
spec:
  nodeName: node-1
  containers:
  - name: app
    image: registry.example.com/web:1
    resources: {{limits: {{memory: 128Mi}}, requests: {{memory: 128Mi}}}}
    ports: [{{containerPort: 8080}}]
{spec}
status:
  phase: {phase}
  conditions: [{{type: PodScheduled, status: "True"}}, {{type: Ready, status: "False",
                 lastTransitionTime: "2026-11-20T09:00:00Z"}}]
  containerStatuses:
{container_status}
{events}"""


def _event(reason: str, message: str, typ: str = "Warning", field: str = "spec.containers{app}") -> str:
    return f"""---
apiVersion: v1
kind: Event
metadata: {{name: web.{reason.lower()}, namespace: default}}
involvedObject: {{kind: Pod, name: web, namespace: default, uid: u-web, fieldPath: "{field}"}}
reason: {reason}
type: {typ}
message: '{message}'
lastTimestamp: "2026-11-20T09:58:00Z"
"""


_RESTARTING = """  - name: app
    image: registry.example.com/web:1
    ready: false
    restartCount: 6
    state: {{running: {{startedAt: "2026-11-20T09:58:10Z"}}}}
    lastState: {{terminated: {{reason: {reason}, exitCode: {code}, startedAt: "2026-11-20T09:57:00Z",
                              finishedAt: "2026-11-20T09:58:00Z"{message}}}}}"""
_READINESS = "    readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 5}"
_LIVENESS = "    livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 10}\n" + _READINESS


def _lifecycle(text: str) -> Callable[[], list[tuple[str, str, str]]]:
    def go() -> list[tuple[str, str, str]]:
        s = diagnose_yaml(text).subjects[0]
        return [(f.code, f.confidence, (f.fix.summary if f.fix else "") + " " + " ".join(f.fix.commands if f.fix else []))
                for f in s.findings]
    return go


_OOM_AND_READINESS = _pod_yaml(_RESTARTING.format(reason="OOMKilled", code=137, message=""), spec=_READINESS,
                               events=_event("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: "
                                                          "503"))
_START_ERROR = _pod_yaml("""  - name: app
    image: registry.example.com/web:1
    restartCount: 4
    state: {waiting: {reason: CrashLoopBackOff, message: back-off 1m20s restarting failed container=app pod=web}}
    lastState: {terminated: {reason: StartError, exitCode: 128, startedAt: "1970-01-01T00:00:00Z",
                             finishedAt: "2026-11-20T09:58:00Z", message: 'failed to create containerd task: failed to
                               create shim task: OCI runtime create failed: runc create failed: unable to start container
                               process: exec: "web-server": executable file not found in $PATH: unknown'}}""")
_LIVENESS_KILL = _pod_yaml(_RESTARTING.format(reason="Error", code=137, message=""), spec=_LIVENESS,
                           events=_event("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500")
                           + _event("Killing", "Container app failed liveness probe, will be restarted", "Normal"))
_INIT = _pod_yaml("""  - name: app
    image: registry.example.com/web:1
    state: {waiting: {reason: PodInitializing}}
  initContainerStatuses:
  - name: migrate
    image: registry.example.com/migrate:1
    restartCount: 5
    state: {waiting: {reason: CrashLoopBackOff, message: back-off 2m40s restarting failed container=migrate pod=web}}
    lastState: {terminated: {reason: OOMKilled, exitCode: 137, startedAt: "2026-11-20T09:57:00Z",
                             finishedAt: "2026-11-20T09:57:30Z"}}""",
                  spec="  initContainers:\n  - {name: migrate, image: registry.example.com/migrate:1, "
                       "resources: {limits: {memory: 64Mi}}}", phase="Pending")
_LOST_WITH_FINALIZER = _pod_yaml(_RESTARTING.format(reason="Error", code=1, message=""), extra="LOST",
                                 meta=', deletionTimestamp: "2026-11-20T09:10:00Z", deletionGracePeriodSeconds: 30, '
                                      'finalizers: [example.com/cleanup]')

# rule name -> (findings of the case, the codes in order, words of the first finding's fix)
CASES: dict[str, tuple[Callable[[], list[tuple[str, str, str]]], list[str], str]] = {
    "verified removal first": (_sched(_zone_and_taint), ["sched.untolerated-taint", "volume.node-affinity-conflict"],
                               "then the pod fits a-1"),
    "cordon over resources when uncordoning fits": (
        _sched(_cordon_fits), ["sched.node-unschedulable", "sched.insufficient-resources", "sched.node-affinity"],
        "uncordon a-1"),
    "more nodes first among verified causes": (
        _sched(_spread_and_anti), ["sched.topology-spread", "sched.pod-anti-affinity"], "raise maxSkew"),
    "taint over volume zone when tolerating fits": (
        _sched(_zone_and_taint), ["sched.untolerated-taint", "volume.node-affinity-conflict"],
        "tolerate dedicated=batch:NoSchedule"),
    "pinned DaemonSet pod: the node's resources": (
        _sched(_pinned_daemon_pod), ["sched.insufficient-resources"], "fits n-1"),
    "cloud registry not attached over no pull secret": (
        _pull, ["image.not-found-or-unauthorized", "secret.no-pull-secret"], "AmazonEC2ContainerRegistryReadOnly"),
    "the crash over the readiness it causes": (
        _lifecycle(_OOM_AND_READINESS), ["crash.oom-killed", "probe.readiness-failing"], '"memory":"256Mi"'),
    "start error over the exit code it leaves": (
        _lifecycle(_START_ERROR), ["start.command-not-found"], "'web-server' must exist in the image"),
    "probe kill over the exit code it leaves": (
        _lifecycle(_LIVENESS_KILL), ["probe.liveness-failing"], "health check fails"),
    "the init container that blocks the pod": (
        _lifecycle(_INIT), ["init.failing"], '"initContainers":[{"name":"migrate","resources":{"limits":'
                                              '{"memory":"128Mi"}'),
    "lost node over finalizers": (
        _lifecycle(_LOST_WITH_FINALIZER), ["terminating.node-lost", "terminating.finalizer"], "--force"),
}


def test_every_rule_has_a_case() -> None:
    # The describe-text rule is tested on real describe output: tests/snapshot/test_describe.py.
    assert set(CASES) == {r.name for r in RULES} - {"unprinted inputs first from describe text"}


@pytest.mark.parametrize("name", list(CASES))
def test_rule(name: str) -> None:
    findings, codes, fix_words = CASES[name][0](), CASES[name][1], CASES[name][2]
    assert [c for c, _conf, _fix in findings][: len(codes)] == codes
    assert fix_words in findings[0][2]


def test_cordon_without_room_names_resources_behind_it() -> None:
    findings = _sched(_cordon_too_small)()
    assert [c for c, _, _ in findings] == ["sched.insufficient-resources", "sched.node-affinity",
                                           "sched.node-unschedulable"]
    assert "a-1 would still be rejected by NodeResourcesFit: Insufficient cpu" in findings[2][2]


def test_cloud_registry_secret_is_only_possible() -> None:
    findings = _pull()
    assert findings[1][:2] == ("secret.no-pull-secret", "possible")
    assert "create secret" not in findings[0][2]
