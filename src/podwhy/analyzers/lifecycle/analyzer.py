"""Which lifecycle rule speaks for each container, in the order that finds the root cause first: a container the
runtime cannot start (or the kubelet refuses), an OOM kill, a probe that kills it, a clean exit under
restartPolicy Always, a non-zero exit; then readiness for containers that run but are not Ready. An init
container's failure is reported as `init.failing` (it blocks every other container), carrying the rule's own
finding (its code in details.cause)."""

from __future__ import annotations

from podwhy.analyzers.base import Context, StuckContainer, Work
from podwhy.analyzers.lifecycle import crash, ending, health, startfail
from podwhy.analyzers.lifecycle.common import View, container_events, views
from podwhy.findings import Finding, Fix
from podwhy.stuck import LIFECYCLE_REASONS

# Stuck reasons of a container that started or tried to, plus the kubelet's non-root refusal, which is a
# CreateContainerConfigError.
REASONS = LIFECYCLE_REASONS | {"CreateContainerConfigError"}
STATES = frozenset({"Terminating", "Evicted", "NotReady"})


def applies(work: Work) -> bool:
    return work.pod is not None and (work.state in STATES or any(c.reason in REASONS for c in work.containers))


def container(ctx: Context, work: Work, v: View) -> Finding | None:
    if v.stuck.reason == "CreateContainerConfigError":
        return startfail.run_as_root(ctx, work, v)
    return (startfail.start_error(ctx, work, v) or crash.oom(ctx, work, v)
            or health.kill_probe(ctx, work, v, "startup") or health.kill_probe(ctx, work, v, "liveness")
            or crash.completed(ctx, work, v) or crash.exit_nonzero(ctx, work, v))


def init_failing(work: Work, v: View, inner: Finding | None) -> Finding:
    others = len(v.pod.spec.containers)
    blocks = f"the pod's {others} container(s) never start" if others else "the pod never starts"
    if inner is None:
        ev = [e for e in (v.waiting_evidence(), v.termination_evidence()) if e is not None]
        return Finding(code="init.failing", severity="error", confidence="likely", rank=8, container=v.name,
                       cause=f"Init container {v.name!r} fails ({v.stuck.reason}), so {blocks}.",
                       evidence=ev, group_key=f"init={work.namespace}/{v.name}",
                       details={"initContainer": v.name, "cause": None},
                       fix=Fix(summary="Read the init container's log and events.",
                               commands=[f"kubectl logs {work.name} -n {work.namespace} -c {v.name} --previous"]))
    return Finding(code="init.failing", severity="error", confidence=inner.confidence, rank=min(inner.rank, 10) - 2,
                   container=v.name, cause=f"{inner.cause} Init containers must finish before the others start, so "
                                           f"{blocks}.",
                   evidence=list(inner.evidence), group_key=inner.group_key,
                   details={"initContainer": v.name, "cause": inner.code, **(inner.details or {})}, fix=inner.fix)


def _ready_views(work: Work, have: list[View]) -> list[View]:
    """Views of the regular containers that run and are not Ready (a NotReady pod's containers are not stuck)."""
    pod = work.pod
    assert pod is not None
    known = {(v.role, v.name) for v in have}
    specs = {c.name: c for c in pod.spec.containers}
    out = [v for v in have if v.role == "container"]
    for st in pod.status.container_statuses:
        if ("container", st.name) in known or st.ready or st.state.running is None:
            continue
        spec = specs.get(st.name)
        sc = StuckContainer(name=st.name, role="container", image=spec.image if spec else st.image, reason="Running",
                            message="", spec=spec)
        out.append(View(work, pod, sc, st, spec))
    return out


def analyze(ctx: Context, work: Work) -> None:
    if work.kind == "Job" and work.state == "Failed":
        from podwhy.analyzers.lifecycle import jobs

        jobs.analyze(ctx, work)
        return
    pod = work.pod
    if pod is None or not applies(work):
        return
    if work.state == "Terminating":
        work.findings.extend(ending.terminating(ctx, work))
        return
    if work.state == "Evicted":
        f = ending.evicted(ctx, work)
        if f is not None:
            work.add(f)
        return
    vs = views(ctx, work)
    for v in vs:
        if v.stuck.reason not in REASONS:
            continue
        f = container(ctx, work, v)
        sidecar = v.spec is not None and v.spec.restart_policy == "Always"
        if v.role == "initContainer" and not sidecar and v.stuck.reason != "CreateContainerConfigError":
            # The rule's own finding is inside (cause, evidence, fix; its code in details.cause): not repeated.
            work.add(init_failing(work, v, f))
        elif f is not None:
            work.add(f)
    if pod.status.phase == "Running":
        events = ctx.snapshot.events_for(pod)
        for v in _ready_views(work, vs):
            if not v.events:
                v.events = container_events(events, v.stuck, pod)
            f = health.readiness(ctx, work, v)
            if f is not None:
                work.add(f)
