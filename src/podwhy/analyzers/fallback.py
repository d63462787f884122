"""The last analyzer: when no other analyzer explained a stuck subject, say so with the evidence verbatim.

Never an empty report: the person on call still gets the waiting message, the PodScheduled
condition and the latest warning events, quoted exactly.
"""

from __future__ import annotations

from podwhy.analyzers.base import Analyzer, Context, Work
from podwhy.analyzers.evidence import from_condition, from_event, from_waiting, warning_events
from podwhy.findings import Evidence, Finding, Fix
from podwhy.model.pod import PodCondition


def analyze(ctx: Context, work: Work) -> None:
    if work.findings:
        return
    evidence: list[Evidence] = []
    cmds: list[str] = []
    pod = work.pod
    if pod is not None:
        for c in work.containers:
            evidence.append(from_waiting(work, c))
        for cond in pod.status.conditions:
            if cond.type == "PodScheduled" and cond.status != "True":
                evidence.append(from_condition(work, cond))
        cmds.append(f"kubectl describe pod {work.name} -n {work.namespace}")
    else:
        for cond in getattr(work.obj.status, "conditions", ()):
            if cond.status == "True" and cond.type in ("ReplicaFailure", "Failed"):
                evidence.append(Evidence(ref=work.ref, field=f".status.conditions[?(@.type=={cond.type!r})]",
                                         observed=f"{cond.reason}: {cond.message}"))
        cmds.append(f"kubectl describe {work.kind.lower()} {work.name} -n {work.namespace}")
    events = warning_events(ctx.snapshot, work.obj)
    evidence.extend(from_event(e) for e in events[-3:])
    if pod is not None and pod.metadata.deletion_timestamp:
        evidence.append(Evidence(ref=work.ref, field=".metadata.deletionTimestamp",
                                 observed=f"{pod.metadata.deletion_timestamp} ({work.summary})"))
    if not evidence and work.summary:
        evidence.append(Evidence(ref=work.ref, field=".status", observed=work.summary))
    summary = "Read the quoted messages; the events of the object usually name the cause."
    if not ctx.snapshot.has("Event"):
        cause = f"{work.kind} is stuck in {work.state}; no events were in the input, so the cause cannot be read."
    elif not events:
        cause = f"{work.kind} is stuck in {work.state}; no warning events explain it (they may have expired)."
    else:
        cause = f"{work.kind} is stuck in {work.state}; podwhy does not recognise the cause, quoted below."
    if pod is not None and work.ref in ctx.snapshot.described and not pod.spec.node_name and not events:
        cause, summary, cmds = _described_unscheduled(work, pod.status.conditions)
        if not evidence:
            evidence.append(Evidence(ref=work.ref, field=".status.conditions", observed="(no PodScheduled condition)",
                                     expected="PodScheduled, set by the scheduler that serves the pod"))
    work.add(Finding(
        code="unknown",
        severity="warning",
        confidence="possible",
        cause=cause,
        evidence=evidence,
        fix=Fix(summary=summary, commands=cmds),
        rank=99,
    ))


def _described_unscheduled(work: Work, conditions: tuple[PodCondition, ...]) -> tuple[str, str, list[str]]:
    """A pending pod read from `kubectl describe` text with no scheduling event: describe prints neither
    spec.schedulingGates, spec.schedulerName nor the PodScheduled reason (describe.go, v1.34.4 checked), which
    are exactly what would tell a gated pod from one no scheduler serves. Say what to look at."""
    get = f"kubectl get pod {work.name} -n {work.namespace} -o jsonpath="
    scheduled = next((c for c in conditions if c.type == "PodScheduled"), None)
    if scheduled is None:
        return (f"{work.kind} is stuck in {work.state} and no scheduler has looked at it (no PodScheduled condition, "
                "no scheduling event). `kubectl describe` does not print spec.schedulerName: a name no running "
                "scheduler serves is the usual reason.",
                "Check the pod's schedulerName against the schedulers that run.",
                [get + "'{.spec.schedulerName}'", "kubectl get pods -A -l component=kube-scheduler"])
    return (f"{work.kind} is stuck in {work.state} with PodScheduled {scheduled.status} and no scheduling event. "
            "`kubectl describe` does not print the condition's reason or spec.schedulingGates: a pod held by "
            "scheduling gates (reason SchedulingGated) looks exactly like this.",
            "Check the condition's reason and the pod's scheduling gates.",
            [get + "'{.status.conditions[?(@.type==\"PodScheduled\")].reason} {.spec.schedulingGates}'"])


ANALYZER = Analyzer(name="fallback", analyze=analyze, kinds=("Pod", "ReplicaSet", "ReplicationController",
                                                              "StatefulSet", "DaemonSet", "Job", "Deployment"))
