"""A Job that failed because its pods did (condition Failed, reason `BackoffLimitExceeded`: `Job has reached the
specified backoff limit`, pkg/controller/job/job_controller.go, 1.2x-1.35): its last failed pod is diagnosed with
the container rules (crash, OOM, start errors, probes), and the finding says it is the Job's cause. With
restartPolicy Never each failure is a new pod in phase Failed, which is not stuck itself: only the Job is."""

from __future__ import annotations

import msgspec

from podwhy.analyzers.base import Context, StuckContainer, Work
from podwhy.analyzers.lifecycle.common import View, views
from podwhy.findings import Evidence, Finding
from podwhy.model import Pod


def _failed_pods(ctx: Context, work: Work) -> list[Pod]:
    pods = [o for o in ctx.snapshot.owned_by(work.obj) if o.kind == "Pod" and o.status.phase == "Failed"]
    return sorted(pods, key=lambda p: max((s.state.terminated.finished_at or "" for s in p.status.container_statuses
                                          if s.state.terminated is not None), default=p.metadata.creation_timestamp or ""))


def _containers(pod: Pod) -> list[StuckContainer]:
    specs = {("initContainer", c.name): c for c in pod.spec.init_containers}
    specs.update({("container", c.name): c for c in pod.spec.containers})
    out = []
    for role, statuses in (("initContainer", pod.status.init_container_statuses),
                           ("container", pod.status.container_statuses)):
        for st in statuses:
            t = st.state.terminated or st.last_state.terminated
            if t is None or t.exit_code == 0:
                continue
            spec = specs.get((role, st.name))
            out.append(StuckContainer(name=st.name, role=role, image=spec.image if spec else st.image,
                                      reason=t.reason or "Error", message=t.message, spec=spec))
    return out


def analyze(ctx: Context, work: Work) -> None:
    from podwhy.analyzers.lifecycle.analyzer import container

    job = work.obj
    cond = next((c for c in job.status.conditions if c.type == "Failed" and c.status == "True"), None)
    pods = _failed_pods(ctx, work)
    if cond is None or not pods:
        return
    last = pods[-1]
    sub = Work(kind="Pod", namespace=work.namespace, name=last.metadata.name, obj=last, state="Failed",
               containers=_containers(last), owners=[work.ref, *work.owners])
    job_ev = Evidence(ref=work.ref, field=".status.conditions[?(@.type=='Failed')]",
                      observed=f"True {cond.reason}: {cond.message}; failed pods: {job.status.failed}")
    for v in views(ctx, sub):
        f = container(ctx, sub, v)
        if f is None:
            continue
        work.add(_as_job(work, v, f, job_ev, cond.reason, len(pods)))
        return


def _as_job(work: Work, v: View, f: Finding, job_ev: Evidence, reason: str, seen: int) -> Finding:
    failed = work.obj.status.failed or seen
    cause = f"Job {work.name} failed ({reason}) after {failed} failed pod(s); in the last one, {v.work.name}: {f.cause}"
    return msgspec.structs.replace(f, cause=cause, confidence="certain", evidence=[job_ev, *f.evidence],
                                   details={**(f.details or {}), "job": work.name, "pod": v.work.name,
                                            "failedPods": failed})
