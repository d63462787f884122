"""Scenarios the real control plane produces: each is objects in its own namespace and the cause podwhy
must name first for the subjects there.

All scenarios share one set of fake nodes (`NODES`), as pods share a real cluster: every pending pod's
`0/N nodes are available` line counts the cordoned node, the NotReady node and the tainted GPU node too,
so the ranking of causes is exercised on every case, not only the cause of interest. Objects that other
scenarios could see (labels for affinity/spread, StorageClasses) carry the namespace in their names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]

# (name, cpu, memory, pods, labels, taints, extended resources); `broken-1` is not managed by KWOK: the
# test posts Ready=False for it once, as a kubelet without CNI does; the node lifecycle controller taints
# it not-ready, then (no heartbeat) unreachable, as for a node whose kubelet died.
NODES: tuple[tuple[str, str, str, str, dict[str, str], tuple[str, ...], dict[str, str]], ...] = (
    ("web-1", "2", "4Gi", "110", {"zone": "zone-a", "tier": "web"}, (), {}),
    ("web-2", "2", "4Gi", "110", {"zone": "zone-b", "tier": "web"}, (), {}),
    ("gpu-1", "4", "8Gi", "110", {"zone": "zone-a", "accel": "gpu"}, ("dedicated=gpu:NoSchedule",),
     {"nvidia.com/gpu": "1"}),
    ("maint-1", "2", "4Gi", "110", {"zone": "zone-c", "pool": "maint"}, (), {}),
    ("tiny-1", "2", "4Gi", "1", {"zone": "zone-c", "pool": "tiny"}, (), {}),
)
CORDONED = ("maint-1",)
NOT_READY = ("broken-1", {"zone": "zone-c", "pool": "broken"})


def _meta(name: str, ns: str, **labels: str) -> Obj:
    m: Obj = {"name": name, "namespace": ns}
    if labels:
        m["labels"] = dict(labels)
    return m


def container(name: str = "app", *, cpu: str | None = None, memory: str | None = None,
              extra: dict[str, str] | None = None, limits: dict[str, str] | None = None,
              host_port: int | None = None, privileged: bool = False) -> Obj:
    c: Obj = {"name": name, "image": "registry.example.test/team/app:1.0"}
    req = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
    req.update(extra or {})
    # Extended resources cannot be overcommitted: the API server requires limits equal to requests
    # (pkg/apis/core/validation/validation.go, validateResourceRequirements, v1.34.4).
    limits = {**(extra or {}), **(limits or {})} or None
    res: Obj = {}
    if req:
        res["requests"] = req
    if limits:
        res["limits"] = limits
    if res:
        c["resources"] = res
    if host_port:
        c["ports"] = [{"containerPort": 80, "hostPort": host_port}]
    if privileged:
        c["securityContext"] = {"privileged": True}
    return c


def pod(name: str, ns: str, *, labels: dict[str, str] | None = None, containers: list[Obj] | None = None,
        **spec: Any) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": _meta(name, ns, **(labels or {})),
            "spec": {"containers": containers or [container()], "terminationGracePeriodSeconds": 0, **spec}}


def bound(name: str, ns: str, node: str, **kw: Any) -> Obj:
    """A pod placed by nodeName (no scheduler): what other workloads already run on a node."""
    return pod(name, ns, nodeName=node, **kw)


def deployment(name: str, ns: str, *, replicas: int = 1, containers: list[Obj] | None = None,
               **spec: Any) -> Obj:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(name, ns),
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": containers or [container()],
                                           "terminationGracePeriodSeconds": 0, **spec}}}}


def claim(name: str, ns: str, storage_class: str | None, volume: str | None = None) -> Obj:
    spec: Obj = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    if volume:
        spec["volumeName"] = volume
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": _meta(name, ns), "spec": spec}


def storage_class(name: str, mode: str) -> Obj:
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name},
            "provisioner": "kubernetes.io/no-provisioner", "volumeBindingMode": mode}


def with_claim(p: Obj, claim_name: str) -> Obj:
    p["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": claim_name}}]
    p["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
    return p


@dataclass(frozen=True)
class Scenario:
    name: str
    code: str                       # the cause podwhy must name first
    build: Callable[[str], list[Obj]]
    wait: str = "unschedulable"     # unschedulable | gated | failed-create | none
    subject_kind: str = "Pod"
    namespace_labels: dict[str, str] = field(default_factory=dict)


def _anti_affinity(ns: str) -> list[Obj]:
    term = {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}
    return [
        bound("db-a", ns, "web-1", labels={"app": "db"}),
        bound("db-b", ns, "web-2", labels={"app": "db"}),
        pod("db-c", ns, labels={"app": "db"}, nodeSelector={"tier": "web"},
            affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}),
    ]


def _spread(ns: str) -> list[Obj]:
    constraint = {"maxSkew": 1, "minDomains": 3, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                  "labelSelector": {"matchLabels": {"app": "spread"}}}
    return [
        bound("s-a", ns, "web-1", labels={"app": "spread"}),
        bound("s-b", ns, "web-2", labels={"app": "spread"}),
        pod("s-c", ns, labels={"app": "spread"}, nodeSelector={"tier": "web"},
            topologySpreadConstraints=[constraint]),
    ]


def _host_port(ns: str) -> list[Obj]:
    return [
        bound("lb-a", ns, "web-1", containers=[container(host_port=8443)]),
        bound("lb-b", ns, "web-2", containers=[container(host_port=8443)]),
        pod("lb-c", ns, nodeSelector={"tier": "web"}, containers=[container(host_port=8443)]),
    ]


def _zone_conflict(ns: str) -> list[Obj]:
    pv = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": f"pv-{ns}"},
          "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                   "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "",
                   "hostPath": {"path": f"/tmp/{ns}"},
                   "claimRef": {"namespace": ns, "name": "data"},
                   "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                       {"key": "zone", "operator": "In", "values": ["zone-x"]}]}]}}}}
    return [pv, claim("data", ns, "", volume=f"pv-{ns}"), with_claim(pod("db", ns), "data")]


def _quota(ns: str) -> list[Obj]:
    rq = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": _meta("compute", ns),
          "spec": {"hard": {"requests.cpu": "100m"}}}
    return [rq, deployment("api", ns, containers=[container(cpu="200m")])]


def _quota_limits(ns: str) -> list[Obj]:
    rq = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": _meta("limits", ns),
          "spec": {"hard": {"limits.cpu": "2", "limits.memory": "2Gi"}}}
    return [rq, deployment("api", ns, containers=[container(cpu="100m")])]


def _limit_range(ns: str) -> list[Obj]:
    lr = {"apiVersion": "v1", "kind": "LimitRange", "metadata": _meta("caps", ns),
          "spec": {"limits": [{"type": "Container", "max": {"cpu": "500m"}}]}}
    return [lr, deployment("api", ns, containers=[container(cpu="1", limits={"cpu": "1"})])]


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("insufficient cpu on every node", "sched.insufficient-resources",
             lambda ns: [pod("big", ns, containers=[container(cpu="3")])]),
    Scenario("insufficient memory on every node", "sched.insufficient-resources",
             lambda ns: [pod("fat", ns, containers=[container(memory="6Gi")])]),
    Scenario("more gpus than any node has", "sched.insufficient-resources",
             lambda ns: [pod("train", ns, containers=[container(extra={"nvidia.com/gpu": "2"})],
                             tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu",
                                           "effect": "NoSchedule"}])]),
    Scenario("taint of the only matching node not tolerated", "sched.untolerated-taint",
             lambda ns: [pod("infer", ns, nodeSelector={"accel": "gpu"})]),
    Scenario("node selector matches no node", "sched.node-affinity",
             lambda ns: [pod("fast", ns, nodeSelector={"disk": "nvme"})]),
    Scenario("required node affinity names a zone without nodes", "sched.node-affinity",
             lambda ns: [pod("zoned", ns, affinity={"nodeAffinity": {
                 "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
                     {"key": "zone", "operator": "In", "values": ["zone-z"]}]}]}}})]),
    Scenario("required pod affinity to pods that do not exist", "sched.pod-affinity",
             lambda ns: [pod("cache", ns, affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                 {"labelSelector": {"matchLabels": {"app": "redis"}},
                  "topologyKey": "kubernetes.io/hostname"}]}})]),
    Scenario("pod anti-affinity against the pods on every candidate node", "sched.pod-anti-affinity",
             _anti_affinity),
    Scenario("topology spread with minDomains above the domains", "sched.topology-spread", _spread),
    Scenario("host port taken on every candidate node", "sched.host-port", _host_port),
    Scenario("the only matching node is cordoned", "sched.node-unschedulable",
             lambda ns: [pod("maint", ns, nodeSelector={"pool": "maint"})]),
    Scenario("the only matching node is not ready", "sched.nodes-not-ready",
             lambda ns: [pod("stranded", ns, nodeSelector={"pool": "broken"})]),
    Scenario("the only matching node is at its pod limit", "sched.too-many-pods",
             lambda ns: [bound("filler", ns, "tiny-1"), pod("one-more", ns, nodeSelector={"pool": "tiny"})]),
    Scenario("scheduling gate not removed", "sched.scheduling-gated",
             lambda ns: [pod("gated", ns, schedulingGates=[{"name": "example.com/quota-check"}])], wait="gated"),
    Scenario("scheduler name served by no scheduler", "sched.scheduler-not-found",
             lambda ns: [pod("custom", ns, schedulerName="my-scheduler")], wait="none"),
    Scenario("claim does not exist", "volume.pvc-not-found",
             lambda ns: [with_claim(pod("db", ns), "missing-claim")]),
    Scenario("immediate claim without a volume", "volume.pvc-unbound",
             lambda ns: [storage_class(f"imm-{ns}", "Immediate"), claim("data", ns, f"imm-{ns}"),
                         with_claim(pod("db", ns), "data")]),
    Scenario("wait-for-first-consumer claim without a volume", "volume.pvc-unbound",
             lambda ns: [storage_class(f"wffc-{ns}", "WaitForFirstConsumer"), claim("data", ns, f"wffc-{ns}"),
                         with_claim(pod("db", ns), "data")]),
    Scenario("claim names a storage class that does not exist", "volume.storageclass-not-found",
             lambda ns: [claim("data", ns, "no-such-class"), with_claim(pod("db", ns), "data")]),
    Scenario("bound volume pinned to a zone without nodes", "volume.node-affinity-conflict", _zone_conflict),
    Scenario("quota on cpu requests exceeded", "create.quota-exceeded", _quota, wait="failed-create",
             subject_kind="ReplicaSet"),
    Scenario("quota demands limits the pods lack", "create.quota-exceeded", _quota_limits, wait="failed-create",
             subject_kind="ReplicaSet"),
    Scenario("limit range maximum below the container's limit", "create.admission-denied", _limit_range,
             wait="failed-create", subject_kind="ReplicaSet"),
    Scenario("pod security restricted rejects a privileged container", "create.admission-denied",
             lambda ns: [deployment("agent", ns, containers=[container(privileged=True)])],
             wait="failed-create", subject_kind="ReplicaSet",
             namespace_labels={"pod-security.kubernetes.io/enforce": "restricted"}),
    Scenario("service account does not exist", "create.admission-denied",
             lambda ns: [deployment("worker", ns, serviceAccountName="builder")],
             wait="failed-create", subject_kind="ReplicaSet"),
    Scenario("priority class does not exist", "create.admission-denied",
             lambda ns: [deployment("batch", ns, priorityClassName="nightly")],
             wait="failed-create", subject_kind="ReplicaSet"),
)
