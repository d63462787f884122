"""Which subjects are stuck: pods waiting in a pull/config/create reason, pods not scheduled, pods
creating for too long, pods that start and then fail (crash loops, containers restarting, Running but
not Ready, Terminating past the grace period, Evicted), and controllers that fail to create their pods.

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
    # The kubelet backs off restarting a container that exited (pkg/kubelet/container/sync_result.go
    # ErrCrashLoopBackOff, 1.3-1.35): it has itself declared the loop, so it counts at once.
    "CrashLoopBackOff",
})
# A terminated container's reason as kubectl's STATUS shows it between two restarts.
TERMINATED_SHOWN = frozenset({"Error", "Completed", "OOMKilled", "StartError", "ContainerCannotRun"})
# Reasons the lifecycle analyzer reads (analyzers/lifecycle): the container started, or tried to; "Running" is a
# container Running again after restarts.
LIFECYCLE_REASONS = frozenset({"CrashLoopBackOff", "RunContainerError", "CreateContainerError", "Running",
                               *TERMINATED_SHOWN})
# Job Failed reasons that mean its pods failed (pkg/controller/job/job_controller.go, batch/v1 JobReason*).
JOB_POD_FAILURES = frozenset({"BackoffLimitExceeded", "PodFailurePolicy", "FailedIndexes", "MaxFailedIndexesExceeded"})
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
    if pod.metadata.deletion_timestamp:
        return _terminating_work(snap, pod, now, opts)
    if pst.phase in ("Succeeded", "Failed"):
        if pst.phase == "Failed" and pst.reason == "Evicted":
            return _with_owners(snap, pod, Work(kind="Pod", namespace=pod.metadata.namespace,
                                                name=pod.metadata.name, obj=pod, state="Evicted",
                                                summary=pst.message or "evicted by the kubelet"))
        return None
    # Fast path for the vast majority: a running pod whose containers are not waiting, are ready and have not
    # restarted often (plain loops: this runs for every pod of the cluster).
    if pst.phase == "Running":
        limit = opts.restart_threshold
        for c in pst.container_statuses:
            if c.state.waiting or not c.ready or c.restart_count >= limit:
                break
        else:
            for c in pst.init_container_statuses:
                if c.state.waiting or c.restart_count >= limit:
                    break
            else:
                return None
    ns, name = pod.metadata.namespace, pod.metadata.name
    work = Work(kind="Pod", namespace=ns, name=name, obj=pod, state="")
    stuck: list[StuckContainer] = []
    slow: list[StuckContainer] = []
    restarting: list[StuckContainer] = []
    for role, st, spec in _containers(pod):
        w = st.state.waiting
        image = spec.image if spec else st.image
        if w is None or not w.reason:
            term = st.state.terminated
            if role == "initContainer" and term is not None and term.exit_code != 0 and pst.phase == "Pending":
                # kubectl's Init:Error: the init container exited non-zero and the kubelet has not yet put it
                # into back-off (or restartPolicy Never is about to fail the pod).
                stuck.append(StuckContainer(name=st.name, role=role, image=image, reason="Error",
                                            message=term.message, spec=spec))
            elif role == "container" and term is not None and (pod.spec.restart_policy or "Always") != "Never" \
                    and (st.restart_count >= 1 or term.exit_code != 0):
                # Between two crashes: the kubelet writes state.terminated after each exit and CrashLoopBackOff only
                # at its next sync, 1-15 s later (seen on kubelet v1.34.4, tests/realcluster/test_kubelet_lifecycle).
                shown = term.reason if term.reason in TERMINATED_SHOWN else "Error"
                stuck.append(StuckContainer(name=st.name, role=role, image=image, reason=shown,
                                            message=term.message, spec=spec))
            elif st.state.running is not None and _restarting(st, now, opts):
                restarting.append(StuckContainer(name=st.name, role=role, image=image, reason="Running",
                                                 message=f"restarted {st.restart_count} times", spec=spec))
            continue
        sc = StuckContainer(name=st.name, role=role, image=image, reason=w.reason, message=w.message, spec=spec)
        if w.reason in STUCK_REASONS or w.reason.startswith("Err") or w.reason.startswith("Init:Err"):
            stuck.append(sc)
        elif w.reason in SLOW_REASONS:
            slow.append(sc)
    stuck += restarting
    cond = _scheduled_condition(pod)
    unscheduled = (cond is not None and cond.status == "False") or (
        cond is None and not pod.spec.node_name and pod.status.phase in ("", "Pending")
    )
    if stuck:
        work.containers = stuck
        first = stuck[0]
        work.state = first.reason
        if first.reason in LIFECYCLE_REASONS:
            # kubectl's STATUS column: `Init:CrashLoopBackOff`, `Init:Error`; a container Running between crashes
            # shows as Running with its RESTARTS count.
            # A sidecar (an init container with restartPolicy Always, KEP-753) runs beside the others: no prefix.
            init = first.role == "initContainer" and not (first.spec is not None and first.spec.restart_policy == "Always")
            work.state = ("Init:" if init else "") + first.reason
        work.summary = first.message
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
            return _not_ready_work(snap, pod, work, now, opts)
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
    return _with_owners(snap, pod, work)


def _with_owners(snap: Snapshot, obj: Any, work: Work) -> Work:
    work.owners = [f"{k}/{work.namespace}/{n}" for k, n, _ in snap.owner_chain(obj)]
    return work


def _restarting(st: ContainerStatus, now: datetime, opts: Options) -> bool:
    """Running again after `restart_threshold` restarts, the last exit within `restart_window` (a container that
    is OOM-killed or fails its liveness probe every few minutes is Running most of the time)."""
    if st.restart_count < opts.restart_threshold:
        return False
    last = st.last_state.terminated
    if last is None:
        # The kubelet's container garbage collection can remove the previous run's record (lastState {} with
        # restartCount 4 was seen on kubelet v1.34.4): the current run's start is then the last restart.
        running = st.state.running
        since = age(now, running.started_at) if running is not None else None
        return since is not None and since <= opts.restart_window
    since = age(now, last.finished_at)
    return since is None or since <= opts.restart_window


def _not_ready_work(snap: Snapshot, pod: Pod, work: Work, now: datetime, opts: Options) -> Work | None:
    """Running, every container running, and the pod not Ready for `not_ready_threshold` seconds."""
    if pod.status.phase != "Running":
        return None
    ready = next((c for c in pod.status.conditions if c.type == "Ready"), None)
    if ready is None or ready.status == "True":
        return None
    waited = age(now, ready.last_transition_time)
    if waited is not None and waited < opts.not_ready_threshold:
        return None
    work.state = "NotReady"
    since = f" for {human_duration(waited)}" if waited is not None else ""
    work.summary = f"Running but not Ready{since}" + (f": {ready.message}" if ready.message else "")
    return _with_owners(snap, pod, work)


def _terminating_work(snap: Snapshot, pod: Pod, now: datetime, opts: Options) -> Work | None:
    """metadata.deletionTimestamp is when the grace period ends (the API server sets it to the deletion time plus
    the grace period: staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go BeforeDelete, 1.x-1.35); a pod
    still there `terminating_threshold` seconds after it is stuck."""
    past = age(now, pod.metadata.deletion_timestamp)
    if past is None or past < opts.terminating_threshold:
        return None
    work = Work(kind="Pod", namespace=pod.metadata.namespace, name=pod.metadata.name, obj=pod, state="Terminating",
                summary=f"Terminating: its grace period ended {human_duration(past)} ago")
    return _with_owners(snap, pod, work)


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
    fewer pods than it wants; a Job that failed because its pods did (condition Failed, reason
    BackoffLimitExceeded / PodFailurePolicy / FailedIndexes: pkg/controller/job/job_controller.go, 1.2x-1.35)."""
    if obj.kind == "Job":
        failed = next((c for c in obj.status.conditions if c.type == "Failed" and c.status == "True"), None)
        if failed is not None:
            if failed.reason not in JOB_POD_FAILURES:
                return None  # DeadlineExceeded and the like: the Job ended by design, not because its pods crashed
            meta = obj.metadata
            work = Work(kind="Job", namespace=meta.namespace, name=meta.name, obj=obj, state="Failed",
                        summary=f"{failed.reason}: {failed.message}")
            work.owners = [f"{k}/{meta.namespace}/{n}" for k, n, _ in snap.owner_chain(obj)]
            return work
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
