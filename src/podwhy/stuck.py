"""Which subjects are stuck: pods waiting in a pull/config/create reason, pods not scheduled, pods
creating for too long, and controllers that fail to create their pods.

Mirrors what `kubectl get pods` shows as STATUS (kubectl's printPod: init containers first, then
regular containers, waiting reasons verbatim) and the controllers' FailedCreate signals
(pkg/controller/controller_utils.go FailedCreatePodReason; ReplicaSet ReplicaFailure condition).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from podwhy.analyzers.base import Options, StuckContainer, Work
from podwhy.model import Container, ContainerStatus, Pod
from podwhy.snapshot import Snapshot
from podwhy.timeutil import age, human_duration

# Waiting reasons that mean the container will not start without someone acting.
STUCK_REASONS = frozenset({
    "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "ImageInspectError",
    "RegistryUnavailable", "SignatureValidationFailed",
    "CreateContainerConfigError", "CreateContainerError", "RunContainerError",
})
# Waiting reasons that are normal for a while, stuck after a threshold.
SLOW_REASONS = frozenset({"ContainerCreating", "PodInitializing"})
PULL_REASONS = frozenset({
    "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "ImageInspectError",
    "RegistryUnavailable", "SignatureValidationFailed",
})


def _containers(pod: Pod) -> Iterator[tuple[str, ContainerStatus, Container | None]]:
    specs = {
        "initContainer": {c.name: c for c in pod.spec.init_containers},
        "container": {c.name: c for c in pod.spec.containers},
        "ephemeralContainer": {c.name: c for c in pod.spec.ephemeral_containers},
    }
    for role, statuses in (("initContainer", pod.status.init_container_statuses),
                           ("container", pod.status.container_statuses),
                           ("ephemeralContainer", pod.status.ephemeral_container_statuses)):
        for st in statuses:
            yield role, st, specs[role].get(st.name)


def _scheduled_condition(pod: Pod) -> Any:
    return next((c for c in pod.status.conditions if c.type == "PodScheduled"), None)


def pod_work(snap: Snapshot, pod: Pod, now: datetime, opts: Options, *, force: bool = False) -> Work | None:
    """A Work item when the pod is stuck (or when `force`, for `podwhy pod` on a healthy pod: None)."""
    pst = pod.status
    if pst.phase in ("Succeeded", "Failed"):
        return None
    # Fast path for the vast majority: a running pod whose containers are not waiting (plain loops:
    # this runs for every pod of the cluster).
    if pst.phase == "Running":
        for statuses in (pst.container_statuses, pst.init_container_statuses):
            for c in statuses:
                if c.state.waiting:
                    break
            else:
                continue
            break
        else:
            return None
    ns, name = pod.metadata.namespace, pod.metadata.name
    work = Work(kind="Pod", namespace=ns, name=name, obj=pod, state="")
    stuck: list[StuckContainer] = []
    slow: list[StuckContainer] = []
    for role, st, spec in _containers(pod):
        w = st.state.waiting
        if w is None or not w.reason:
            continue
        sc = StuckContainer(name=st.name, role=role, image=(spec.image if spec else st.image), reason=w.reason,
                            message=w.message, spec=spec)
        if w.reason in STUCK_REASONS or w.reason.startswith("Err") or w.reason.startswith("Init:Err"):
            stuck.append(sc)
        elif w.reason in SLOW_REASONS:
            slow.append(sc)
    cond = _scheduled_condition(pod)
    unscheduled = (cond is not None and cond.status == "False") or (
        cond is None and not pod.spec.node_name and pod.status.phase in ("", "Pending")
    )
    if stuck:
        work.containers = stuck
        work.state = stuck[0].reason
        work.summary = stuck[0].message
    elif unscheduled:
        work.unscheduled = True
        work.state = "SchedulingGated" if (cond is not None and cond.reason == "SchedulingGated") else "Pending"
        work.summary = (cond.message if cond is not None else "") or "not scheduled to any node"
    elif pod.spec.node_name and snap.has("Node") and pod.spec.node_name not in snap.node_by_name \
            and pod.status.phase in ("", "Pending"):
        work.state = "Pending"
        work.summary = f"bound to node {pod.spec.node_name!r}, which is not in the cluster"
    else:
        # ContainerCreating for longer than the threshold (measured from scheduling, else creation).
        since = (cond.last_transition_time if cond is not None and cond.status == "True" else None) \
            or pod.status.start_time or pod.metadata.creation_timestamp
        waited = age(now, since)
        creating = slow or (pod.status.phase == "Pending" and pod.spec.node_name and not pod.status.container_statuses)
        if not creating:
            return None
        work.containers = slow
        work.state = slow[0].reason if slow else "ContainerCreating"
        if waited is None or waited >= opts.creating_threshold:
            work.summary = f"{work.state} for {human_duration(waited)}" if waited is not None else work.state
        elif _certain_start_failure(snap, work, now, opts):
            # Young, but the kubelet already said why it cannot start (a missing Secret, no CNI, ...): waiting out
            # the threshold would hide a cause that is already certain.
            work.summary = (f"{work.state} for {human_duration(waited)}, and a cause that will not go away by "
                            "itself is already recorded")
        else:
            return None
    work.owners = [f"{k}/{ns}/{n}" for k, n, _ in snap.owner_chain(pod)]
    return work


# Events of the kubelet on a pod that cannot start (volumes, sandbox): workloads/mounts.py, sandbox.py.
_START_FAILURE_EVENTS = frozenset({"FailedMount", "FailedAttachVolume", "FailedMapVolume", "FailedCreatePodSandBox",
                                   "NetworkNotReady", "FailedSync"})


def _certain_start_failure(snap: Snapshot, work: Work, now: datetime, opts: Options) -> bool:
    """True when the pod's events already carry a cause the start analyzers classify as certain."""
    pod = work.pod
    if pod is None or not snap.has("Event"):
        return False
    if not any(e.reason in _START_FAILURE_EVENTS for e in snap.events_for(pod)):
        return False
    # Imported only for such pods: most scans never need them here.
    from podwhy.analyzers.base import Context
    from podwhy.analyzers.workloads import mounts, sandbox

    ctx = Context(snapshot=snap, now=now, options=opts)
    found = [*mounts.analyze(ctx, work), sandbox.analyze(ctx, work)]
    # A missing volume Secret/ConfigMap is `likely` only because that kind is not in the input (a
    # `cluster-info dump` has none): the kubelet's own `not found` still settles it, as live or from YAML
    # (`possible` means it exists now and the retry may succeed).
    return any(f is not None and (f.confidence == "certain" or (f.code == "start.config-missing"
                                                               and f.confidence == "likely")) for f in found)


def _desired(obj: Any) -> int | None:
    spec = obj.spec
    if obj.kind in ("ReplicaSet", "ReplicationController", "StatefulSet", "Deployment"):
        return 1 if spec.replicas is None else spec.replicas
    if obj.kind == "DaemonSet":
        return int(obj.status.desired_number_scheduled)
    if obj.kind == "Job":
        if spec.suspend:
            return 0
        par = 1 if spec.parallelism is None else spec.parallelism
        if spec.completions is not None:
            par = min(par, max(spec.completions - obj.status.succeeded, 0))
        return par
    return None


def _have(obj: Any) -> int:
    st = obj.status
    if obj.kind == "DaemonSet":
        return int(st.current_number_scheduled)
    if obj.kind == "Job":
        return int(st.active)
    return int(st.replicas)


def controller_work(snap: Snapshot, obj: Any, now: datetime) -> Work | None:
    """A controller that failed to create pods (FailedCreate event or ReplicaFailure condition) or has
    fewer pods than it wants."""
    desired = _desired(obj)
    if desired == 0:
        return None
    meta = obj.metadata
    fail_cond = next((c for c in getattr(obj.status, "conditions", ())
                      if c.type == "ReplicaFailure" and c.status == "True"), None)
    failed_events = [e for e in snap.events_for(obj) if e.reason == "FailedCreate"]
    have = _have(obj)
    short = desired is not None and have < desired
    # A Deployment's pods are created by its ReplicaSet; it is the subject only when that RS is unknown.
    if obj.kind == "Deployment" and (
        not (fail_cond or failed_events) or any(o.kind == "ReplicaSet" for o in snap.owned_by(obj))
    ):
        return None
    if not (fail_cond or (failed_events and short) or (short and obj.kind != "Deployment" and _no_pods(snap, obj))):
        return None
    work = Work(kind=obj.kind, namespace=meta.namespace, name=meta.name, obj=obj, state="FailedCreate")
    if fail_cond is not None:
        work.summary = fail_cond.message
    elif failed_events:
        work.summary = failed_events[-1].message
    else:
        work.state = "FewerPods"
        work.summary = f"{have} of {desired} pods exist"
    work.owners = [f"{k}/{meta.namespace}/{n}" for k, n, _ in snap.owner_chain(obj)]
    return work


def _no_pods(snap: Snapshot, obj: Any) -> bool:
    """True when the snapshot can tell that pods are missing (pods were loaded and none is owned)."""
    return snap.has("Pod") and not any(o.kind == "Pod" for o in snap.owned_by(obj))
