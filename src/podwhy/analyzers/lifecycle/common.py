"""What every lifecycle rule reads about one container: its spec, its status (current and last termination),
the kubelet's events about it (involvedObject.fieldPath `spec.containers{name}`, pkg/kubelet/container/ref.go
GenerateContainerRef, 1.x-1.35), and where a fix is applied (the pod template of the top owner)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from podwhy.analyzers.base import Context, StuckContainer, Work
from podwhy.analyzers.evidence import about_container
from podwhy.analyzers.shellarg import json_arg
from podwhy.findings import Evidence
from podwhy.model import Container, ContainerStatus, Event, Pod
from podwhy.model.logs import ContainerLog
from podwhy.model.pod import TerminatedState
from podwhy.timeutil import age, human_duration, parse_time

_BACKOFF = re.compile(r"back-off (\S+) restarting failed container")
_LISTS = {"container": "containerStatuses", "initContainer": "initContainerStatuses",
          "ephemeralContainer": "ephemeralContainerStatuses"}
_SPEC_LISTS = {"container": "containers", "initContainer": "initContainers",
               "ephemeralContainer": "ephemeralContainers"}
# Owners whose pod template a fix patches (a ReplicaSet of a Deployment is patched through the Deployment).
TEMPLATE_OWNERS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "ReplicationController")


@dataclass
class View:
    """One container of the pod under diagnosis."""

    work: Work
    pod: Pod
    stuck: StuckContainer
    status: ContainerStatus | None
    spec: Container | None
    events: list[Event] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.stuck.name

    @property
    def role(self) -> str:
        return self.stuck.role

    @property
    def what(self) -> str:
        """`container 'app'` / `init container 'migrate'`."""
        return f"{'init container' if self.role == 'initContainer' else self.role} {self.name!r}"

    @property
    def last(self) -> TerminatedState | None:
        """The latest termination: the current state when terminated, else lastState."""
        st = self.status
        if st is None:
            return None
        return st.state.terminated or st.last_state.terminated

    @property
    def last_field(self) -> str:
        st = self.status
        which = "state" if st is not None and st.state.terminated is not None else "lastState"
        return f".status.{_LISTS[self.role]}[?(@.name=={self.name!r})].{which}.terminated"

    @property
    def status_field(self) -> str:
        return f".status.{_LISTS[self.role]}[?(@.name=={self.name!r})]"

    @property
    def spec_field(self) -> str:
        return f".spec.{_SPEC_LISTS[self.role]}[?(@.name=={self.name!r})]"

    @property
    def spec_jsonpath(self) -> str:
        """spec_field for a kubectl -o jsonpath='...' argument (inside single quotes: the name in double ones)."""
        return f'.spec.{_SPEC_LISTS[self.role]}[?(@.name=="{self.name}")]'

    @property
    def restarts(self) -> int:
        return self.status.restart_count if self.status is not None else 0

    def log(self, ctx: Context) -> ContainerLog | None:
        """The container's log, when the input carried one (snapshot/logs.py)."""
        return ctx.snapshot.logs.get((self.work.namespace, self.work.name, self.name))

    def reasons(self, *reasons: str) -> list[Event]:
        return [e for e in self.events if e.reason in reasons]

    def termination_evidence(self) -> Evidence | None:
        t = self.last
        if t is None:
            return None
        parts = [f"reason={t.reason or '(none)'}", f"exitCode={t.exit_code}"]
        if t.signal:
            parts.append(f"signal={t.signal}")
        ran = self.ran_seconds()
        if ran is not None:
            parts.append(f"ran {human_duration(ran)} ({t.started_at} to {t.finished_at})")
        elif t.finished_at:
            parts.append(f"finished {t.finished_at}")
        if self.restarts:
            parts.append(f"restartCount={self.restarts}")
        text = ", ".join(parts)
        if t.message:
            text += f"; message: {t.message}"
        return Evidence(ref=self.work.ref, field=self.last_field, observed=text)

    def ran_seconds(self) -> float | None:
        """How long the last run lasted; None when unknown. A process the runtime never started has startedAt at
        the Unix epoch (containerd's zero time for a StartError, recorded in tests/realparts)."""
        t = self.last
        if t is None or not t.started_at or not t.finished_at or t.started_at.startswith("1970-01-01"):
            return None
        end = parse_time(t.finished_at)
        return None if end is None else age(end, t.started_at)

    @property
    def backoff(self) -> str | None:
        """The kubelet's current restart delay from the CrashLoopBackOff message (`back-off 5m0s restarting failed
        container=...`, kuberuntime_manager.go doBackOff): 10s doubling to 5m0s."""
        m = _BACKOFF.search(self.stuck.message) if self.stuck.reason == "CrashLoopBackOff" else None
        return m.group(1) if m else None

    def waiting_evidence(self) -> Evidence | None:
        c = self.stuck
        if self.status is not None and self.status.state.waiting is None:
            return None  # running or terminated: the termination evidence says it
        observed = f"{c.reason}: {c.message}" if c.message else c.reason
        return Evidence(ref=self.work.ref, field=c.status_field, observed=observed)


def container_events(events: list[Event], c: StuckContainer, pod: Pod) -> list[Event]:
    """The pod's events about container `c`: by involvedObject.fieldPath; an event without one (the Events table
    of `kubectl describe`, a hand-written event) when its message names the container (`Container app failed
    liveness probe`, `container=app`), or names no other container and the pod has only this one."""
    names = [x.name for x in (*pod.spec.init_containers, *pod.spec.containers)]
    others = [n for n in names if n != c.name]
    return about_container(events, c.field_path, lambda e: _names(e.message, c.name) or (
        len(names) <= 1 and not any(_names(e.message, n) for n in others)))


def _names(message: str, container: str) -> bool:
    return (f"ontainer {container} " in message or f"ontainer {container}," in message
            or message.endswith(f"ontainer {container}") or f"container={container} " in message
            or f'container "{container}"' in message or f"container: {container})" in message)


def views(ctx: Context, work: Work) -> list[View]:
    pod = work.pod
    assert pod is not None
    statuses = {("container", s.name): s for s in pod.status.container_statuses}
    statuses.update({("initContainer", s.name): s for s in pod.status.init_container_statuses})
    statuses.update({("ephemeralContainer", s.name): s for s in pod.status.ephemeral_container_statuses})
    events = ctx.snapshot.events_for(pod)
    return [View(work, pod, c, statuses.get((c.role, c.name)), c.spec, container_events(events, c, pod))
            for c in work.containers]


def owner(work: Work) -> tuple[str, str] | None:
    """(kind, name) of the object whose pod template a fix changes: the top controller that has a template."""
    for ref in reversed(work.owners):
        kind, _, rest = ref.partition("/")
        if kind in TEMPLATE_OWNERS:
            return kind, rest.split("/", 1)[1]
    return None


def owner_ref(work: Work) -> str:
    """`Deployment/ns/web`: the object a fix changes (a group of pods shares it), the pod itself when bare."""
    o = owner(work)
    return f"{o[0]}/{work.namespace}/{o[1]}" if o else work.ref


def group_key(work: Work, v: View, what: str) -> str:
    """`<what>=Deployment/ns/web/app`: the pods of one workload failing the same way in one container group."""
    return f"{what}={owner_ref(work)}/{v.name}"


def template_patch(ctx: Context, work: Work, v: View, container_doc: dict[str, Any]) -> list[str]:
    """The command that changes one container of the pod template: `kubectl patch <owner>` with a strategic
    merge (containers merge by name); a Job is re-created (its template is immutable: jobtemplate.py); a bare
    pod's containers are immutable too, so it is re-created from its own manifest with the same patch."""
    lst = "initContainers" if v.role == "initContainer" else "containers"
    inner = {lst: [{"name": v.name, **container_doc}]}
    o = owner(work)
    ns = work.namespace
    if o is None:
        local = f"kubectl patch --local -f - --type strategic -p {json_arg({'spec': inner})} -o json"
        return [f"kubectl get pod {work.name} -n {ns} -o json | {local} | kubectl replace --force -f -"
                "   # a pod's containers are immutable: this deletes and re-creates it"]
    kind, name = o
    doc = json_arg({"spec": {"template": {"spec": inner}}})
    if kind == "Job":
        from podwhy.analyzers import jobtemplate

        job = ctx.snapshot.get("Job", ns, name)
        return [jobtemplate.recreate(ns, name, f"--type strategic -p {doc}", jobtemplate.generated_fields(job))]
    return [f"kubectl patch {kind.lower()} {name} -n {ns} --type strategic -p {doc}"]


def previous_logs_command(work: Work, v: View) -> str:
    return f"kubectl logs {work.name} -n {work.namespace} -c {v.name} --previous --tail=50"
