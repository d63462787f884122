"""Shared pieces of the FailedCreate analysis: the controller's failure texts, unwrapped, and the
workload a fix should target (the Deployment above a ReplicaSet, semantics A5.1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from podwhy.analyzers import jobtemplate
from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.findings import Evidence
from podwhy.model import PodSpec

COMBINED = "(combined from similar events): "
# pkg/controller/controller_utils.go (ReplicaSet/RC/Job/DaemonSet): `Error creating: %v`.
ERROR_CREATING = re.compile(r"^Error creating: (.*)$", re.S)
# pkg/controller/statefulset/stateful_pod_control.go: `create Pod %s in StatefulSet %s failed error: %s`.
STS_CREATE = re.compile(r"^create Pod (\S+) in StatefulSet (\S+) failed error: (.*)$", re.S)
# Same file, the StatefulSet's volumeClaimTemplates: `create Claim %s for Pod %s in StatefulSet %s failed error: %s`.
STS_CLAIM = re.compile(r"^create Claim (\S+) for Pod (\S+) in StatefulSet (\S+) failed error: (.*)$", re.S)
# apiserver admission NewForbidden: `pods %q is forbidden: <cause>` (generateName prefix with its dash).
FORBIDDEN = re.compile(r'^(?:pods?|persistentvolumeclaims?) "([^"]*)" is forbidden: (.*)$', re.S)


@dataclass
class Failure:
    """One controller failure message: where it was read and its parts."""

    evidence: Evidence
    raw: str
    inner: str  # after the controller wrapper
    cause: str  # after `pods "x" is forbidden: ` when present, else == inner
    pod_name: str  # the name/generateName the apiserver saw
    forbidden: bool


def unwrap(raw: str) -> tuple[str, str, str, bool]:
    text = " ".join(raw.split()) if "\n" in raw else raw
    text = text.removeprefix(COMBINED)
    pod = ""
    m = STS_CREATE.match(text)
    mc = STS_CLAIM.match(text)
    if m:
        pod, inner = m.group(1), m.group(3)
    elif mc:
        pod, inner = mc.group(2), mc.group(4)
    else:
        m2 = ERROR_CREATING.match(text)
        inner = m2.group(1) if m2 else text
    f = FORBIDDEN.match(inner)
    if f:
        return inner, f.group(2), f.group(1) or pod, True
    return inner, inner, pod, False


def failures(ctx: Context, work: Work) -> list[Failure]:
    """Distinct failure texts, newest first: FailedCreate events, then the ReplicaFailure condition."""
    out: list[Failure] = []
    seen: set[str] = set()
    events = [e for e in ctx.snapshot.events_for(work.obj) if e.reason == "FailedCreate"]
    for e in reversed(events):
        inner, cause, pod, forb = unwrap(e.message)
        if cause in seen:
            continue
        seen.add(cause)
        out.append(Failure(from_event(e), e.message, inner, cause, pod, forb))
    for c in getattr(work.obj.status, "conditions", ()):
        if c.type == "ReplicaFailure" and c.status == "True" and c.message:
            inner, cause, pod, forb = unwrap(c.message)
            if cause in seen:
                continue
            seen.add(cause)
            ev = Evidence(ref=work.ref, field=".status.conditions[?(@.type=='ReplicaFailure')].message",
                          observed=c.message)
            out.append(Failure(ev, c.message, inner, cause, pod, forb))
    return out


@dataclass(frozen=True)
class Target:
    """The object a fix command should change: the Deployment above a ReplicaSet, else the controller."""

    kind: str
    name: str
    namespace: str
    # A Job's server-generated fields (jobtemplate.generated_fields): a Job is re-created, not patched.
    generated: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        return f"{self.kind.lower()}/{self.name}"

    @property
    def immutable(self) -> bool:
        """A Job: its pod template cannot be patched (nor changed by `kubectl set`)."""
        return self.kind == "Job"

    def patch(self, args: str, comment: str = "") -> str:
        """`kubectl patch` of the target's pod template with `args`; for a Job, its re-creation."""
        if self.immutable:
            return jobtemplate.recreate(self.namespace, self.name, args, list(self.generated), comment)
        return f"kubectl patch {self.ref} -n {self.namespace} {args}" + (f"   # {comment}" if comment else "")

    @property
    def desc(self) -> str:
        return f"{self.kind} {self.name!r}"


def target(work: Work) -> Target:
    # Topmost owner that kubectl can edit as a pod template (a CronJob's Job is fixed in the Job).
    for o in reversed(work.owners):
        kind, _, rest = o.partition("/")
        name = rest.rpartition("/")[2]
        if kind in ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "ReplicationController"):
            return _target(kind, name, work.namespace, None)
    return _target(work.kind, work.name, work.namespace, work.obj)


def _target(kind: str, name: str, namespace: str, obj: Any) -> Target:
    if kind != "Job":
        return Target(kind, name, namespace)
    return Target(kind, name, namespace, tuple(jobtemplate.generated_fields(obj)))


def via(work: Work) -> str:
    """`ReplicaSet 'web-7d9' (Deployment 'web')` for causes."""
    t = target(work)
    if (t.kind, t.name) != (work.kind, work.name):
        return f"{work.kind} {work.name!r} ({t.kind} {t.name!r})"
    return f"{work.kind} {work.name!r}"


def template_spec(work: Work) -> PodSpec | None:
    spec: Any = getattr(work.obj, "spec", None)
    tmpl = getattr(spec, "template", None)
    return getattr(tmpl, "spec", None)


def missing_replicas(work: Work) -> int:
    obj: Any = work.obj
    kind = work.kind
    try:
        if kind in ("ReplicaSet", "ReplicationController", "StatefulSet", "Deployment"):
            want = 1 if obj.spec.replicas is None else obj.spec.replicas
            return max(int(want) - int(obj.status.replicas), 1)
        if kind == "DaemonSet":
            return max(int(obj.status.desired_number_scheduled) - int(obj.status.current_number_scheduled), 1)
        if kind == "Job":
            par = 1 if obj.spec.parallelism is None else obj.spec.parallelism
            return max(int(par) - int(obj.status.active), 1)
    except (AttributeError, TypeError, ValueError):
        pass
    return 1
