"""Pods that are never created: a controller's FailedCreate (semantics A5).

Reads every distinct failure text (FailedCreate events newest first, then the ReplicaFailure
condition), strips the controller's wrapper (common.py) and hands the API error to the rule that
knows it: ResourceQuota (quota.py), LimitRanger (limitrange.py), Pod Security (podsecurity.py),
webhooks / ServiceAccount / other admission plugins (admission.py). The newest failure ranks first.
"""

from __future__ import annotations

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.workloads import admission, limitrange, podsecurity, quota
from podwhy.analyzers.workloads.common import failures, missing_replicas, target, template_spec, via
from podwhy.findings import Finding
from podwhy.model import LimitRange, ResourceQuota


def analyze(ctx: Context, work: Work) -> None:
    snap = ctx.snapshot
    ns = work.namespace
    tgt = target(work)
    who = via(work)
    spec = template_spec(work)
    quotas: list[ResourceQuota] | None = (
        [q for q in snap.resource_quotas if q.metadata.namespace == ns] if snap.has("ResourceQuota") else None)
    lrs_known = snap.has("LimitRange")
    lrs: list[LimitRange] = [lr for lr in snap.limit_ranges if lr.metadata.namespace == ns] if lrs_known else []
    missing = missing_replicas(work)
    seen: set[tuple[str, str | None]] = set()
    for i, fl in enumerate(failures(ctx, work)):
        f: Finding | None = (
            quota.exceeded(fl, tgt, who, spec, quotas, lrs, missing)
            or quota.must_specify(fl, tgt, who, spec, lrs)
            or quota.other(fl, tgt, who)
            or podsecurity.analyze(fl, tgt, who, spec)
            or limitrange.analyze(fl, tgt, spec, lrs if lrs_known else None, who)
            or admission.webhook(fl, tgt, who)
            or admission.service_account(ctx, fl, tgt, who)
            or admission.other(fl, tgt, who)
        )
        if f is None:
            continue
        key = (f.code, f.group_key)
        if key in seen:
            continue
        seen.add(key)
        # Older distinct failures are kept but ranked after the newest.
        f.rank += min(i, 5)
        work.add(f)
