"""The scheduler's own word about a pod: its latest FailedScheduling message or PodScheduled condition, the
comparison of the recomputation with it (the histogram as schedulers of other versions count it), and the
findings read from the message alone when the recomputation cannot be trusted or run (no Node objects, a pod
rebuilt from `kubectl describe` text). Mirrors pkg/scheduler/schedule_one.go's FitError message (v1.34).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.scheduling.causes import rank_key
from podwhy.analyzers.scheduling.framework import histogram
from podwhy.analyzers.scheduling.message import ParsedMessage, parse_failed_scheduling
from podwhy.analyzers.scheduling.recompute import Recomputed
from podwhy.catalog import CODES
from podwhy.findings import Confidence, Evidence, Finding, Scheduling
from podwhy.model import Event, Pod

DEFAULT_SCHEDULER = "default-scheduler"


def scheduling_events(ctx: Context, pod: Pod) -> list[Event]:
    return [e for e in ctx.snapshot.events_for(pod) if e.reason in ("FailedScheduling", "Scheduled", "Preempted")]


def observed_message(ctx: Context, pod: Pod) -> tuple[str | None, Event | None]:
    """The scheduler's latest word: the newest FailedScheduling event, else the PodScheduled condition."""
    evs = [e for e in ctx.snapshot.events_for(pod) if e.reason == "FailedScheduling"]
    if evs:
        return evs[-1].message, evs[-1]
    for c in pod.status.conditions:
        if c.type == "PodScheduled" and c.status == "False" and c.reason == "Unschedulable" and c.message:
            return c.message, None
    return None, None


def parsed_message(ctx: Context, text: str) -> ParsedMessage:
    key = "scheduling.parsed." + text
    got = ctx.cache.get(key)
    if isinstance(got, ParsedMessage):
        return got
    p = parse_failed_scheduling(text)
    ctx.cache[key] = p
    return p


def severity_of(code: str) -> Any:
    return CODES[code].severity


# ---- comparison with the scheduler's own message ---------------------------------------------------------

def _canonical(parsed: ParsedMessage) -> dict[str, int]:
    c: Counter[str] = Counter()
    for n, info in parsed.entries:
        if not info.generic:
            c[info.canonical] += n
    return dict(c)


def _variants(rec: Recomputed) -> list[dict[str, int]]:
    """Our histogram as schedulers of other versions would count it: >=1.32 counts nodes outside a
    PreFilterResult as `didn't satisfy plugin(s)`, 1.24-1.31 dropped them, <=1.23 had no
    PreFilterResult so those nodes failed the plugin's own Filter."""
    if rec.variants is not None:
        return rec.variants
    res = rec.result
    out = [dict(res.first_histogram)]
    if res.allowed is not None and res.prefilter is None:
        absent = [n for n in res.verdicts if n not in res.allowed]
        kept = [res.first(n) for n in res.verdicts if n in res.allowed]
        out.append(histogram(kept))
        own = [next((st for st in res.verdicts[n][1:] if st.plugin in res.narrowed_by), None) for n in absent]
        out.append(histogram([*kept, *own]))
    rec.variants = out
    return out


def compare(ctx: Context, rec: Recomputed, observed: str | None, ev: Event | None) -> tuple[Scheduling, bool | None]:
    sched = rec.scheduling
    if observed is None:
        return sched, None
    parsed = parsed_message(ctx, observed)
    res = rec.result
    ours = res.first_histogram
    why: list[str] = []
    if res.feasible:
        agrees = False
        why.append(f"the recomputation finds {len(res.feasible)} feasible node(s) now; the message describes an "
                   "earlier state of the cluster")
    elif parsed.no_nodes:
        agrees = res.num_nodes == 0
        if not agrees:
            why.append(f"the scheduler saw no nodes, the snapshot has {res.num_nodes}")
    elif parsed.pod_rejection is not None:
        mine = res.prefilter.message if res.prefilter is not None else None
        agrees = mine is not None and (mine == parsed.pod_rejection or mine in observed)
        if not agrees:
            why.append(f"the scheduler rejected the whole pod ({parsed.pod_rejection!r}); the recomputation "
                       + (f"rejects it with {mine!r}" if mine else "finds no such pod-level problem now"))
    elif parsed.total_nodes is not None:
        theirs = _canonical(parsed)
        agrees = theirs in _variants(rec) and parsed.total_nodes == res.num_nodes
        if parsed.total_nodes != res.num_nodes:
            why.append(f"the scheduler saw {parsed.total_nodes} nodes, the snapshot has {res.num_nodes} "
                       "(nodes were added or removed since the event)")
        if not agrees and theirs != ours:
            diff = sorted(set(theirs) ^ set(ours) | {k for k in theirs if theirs.get(k) != ours.get(k)})
            why.append("reasons differ: " + "; ".join(f"{k}: scheduler {theirs.get(k, 0)}, recomputed {ours.get(k, 0)}"
                                                      for k in diff[:6]))
    else:
        agrees = observed == sched.message
        if not agrees:
            why.append("the scheduler's message has no node histogram (an error, not a filter verdict)")
    if not agrees:
        hints: list[str] = []
        if ev is not None and ev.last_seen and ctx.snapshot.latest_time and ev.last_seen < ctx.snapshot.latest_time:
            hints.append(f"the event was last seen {ev.last_seen}, before the snapshot's newest object; pods or nodes "
                         "changed since")
        comp = ev.component if ev is not None else ""
        pod = rec.pc.pod
        if (pod.spec.scheduler_name and pod.spec.scheduler_name != DEFAULT_SCHEDULER) or (comp and comp != DEFAULT_SCHEDULER):
            hints.append(f"a custom scheduler/profile ({pod.spec.scheduler_name or comp}) may run other plugins")
        if parsed.version_hint and ">=1.29" not in parsed.version_hint and "1.35" not in parsed.version_hint \
                and parsed.version_hint != "unknown":
            hints.append(f"the message is in the wording of scheduler {parsed.version_hint}")
        why.extend(hints)
    out = msgspec.structs.replace(
        sched, observed_message=observed, observed_histogram=dict(parsed.histogram) or None, agrees=agrees,
        disagreement="; ".join(why) if why else None)
    return out, agrees


# ---- no Node objects: the scheduler's message is all we have -------------------------------------------------------

def from_message_only(ctx: Context, work: Work, observed: str | None, ev: Event | None,
                       stale: list[str] | None = None, described: dict[str, int] | None = None) -> None:
    if observed is None:
        return
    parsed = parsed_message(ctx, observed)
    codes = dict(parsed.codes)
    if parsed.no_nodes:
        codes = {"sched.no-nodes": 0}
    if not codes:
        return
    have_volume = work.has_code("volume.")
    if described is not None:
        base = ("from the scheduler's message (the recomputation disagrees, but `kubectl describe pod` does not print "
                "the pod's affinity rules and other fields, so it cannot be trusted over the scheduler): ")
    elif stale:
        base = (f"recomputation finds {len(stale)} feasible node(s) now ({', '.join(stale[:3])}), so this is the "
                "scheduler's older verdict: ")
    else:
        base = "from the scheduler's message (no Node objects in the input to recompute): "
    conf: Confidence = "possible" if stale else "likely"
    order = sorted(codes.items(), key=lambda kv: rank_key(kv[0], kv[1]))
    if described is not None:
        # `described`: the recomputation's own codes and node counts. A reason the scheduler gives for more
        # nodes than the recomputation does comes from what describe does not print (affinity rules, a spread
        # constraint's minDomains...): it is what rejects the nodes that are otherwise usable, the cause whose
        # removal lets the pod run, so it comes first (largest excess first).
        order.sort(key=lambda kv: -max(0, kv[1] - described.get(kv[0], 0)))
    for i, (code, n) in enumerate(order):
        if code not in CODES or (code.startswith("volume.") and have_volume):
            continue
        reasons = [info.reason for cnt, info in parsed.entries if info.code == code]
        what = "; ".join(reasons) if reasons else (parsed.pod_rejection or observed)
        evidence = [from_event(ev)] if ev is not None else [
            Evidence(ref=work.ref, field=".status.conditions[?(@.type=='PodScheduled')].message", observed=observed)]
        cause = base + (f"{n} node(s): {what}" if n else what)
        if code == "sched.no-nodes":
            cause = "the scheduler found no nodes at all (no nodes available to schedule pods)"
        work.add(Finding(code=code, severity=severity_of(code), confidence=conf, cause=cause, evidence=evidence,
                         details={"observedHistogram": dict(parsed.histogram), "nodes": n}, rank=30 + i))
