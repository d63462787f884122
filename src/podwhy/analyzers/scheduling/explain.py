"""The scheduling analyzer's entry point: decide whether the pod is the scheduler's business,
recompute every filter on every node, compare with what the scheduler last said, and turn the
verdicts into findings with verified fixes. Causes outside the filters (schedulerName, preset
nodeName, gates, preemption) are semantics A3."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import msgspec

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.scheduling import fixes, target
from podwhy.analyzers.scheduling.autoscaler import autoscaler_findings
from podwhy.analyzers.scheduling.causes import Cause, group_causes, matching_nodes_not_ready
from podwhy.analyzers.scheduling.framework import pod_priority
from podwhy.analyzers.scheduling.observed import (
    DEFAULT_SCHEDULER,
    compare,
    from_message_only,
    observed_message,
    scheduling_events,
    severity_of,
)
from podwhy.analyzers.scheduling.reasons import classify_reason
from podwhy.analyzers.scheduling.recompute import Recomputed, cluster, recompute
from podwhy.findings import Confidence, Evidence, Finding, Fix, NodeFailure
from podwhy.model import Event, Pod
from podwhy.quantity import format_resource

MAX_EVIDENCE_NODES = 5
# Who usually removes well-known scheduling gates (documentation of those projects).
GATE_OWNERS = {
    "kueue.x-k8s.io/admission": "Kueue (when the workload is admitted to a ClusterQueue)",
    "kueue.x-k8s.io/topology": "Kueue topology-aware scheduling",
    "karpenter.sh/": "Karpenter",
    "scheduling.x-k8s.io/": "a scheduler-plugins / sig-scheduling controller",
}
FIELD_BY_PLUGIN = {
    "NodeResourcesFit": ".status.allocatable",
    "TaintToleration": ".spec.taints",
    "NodeUnschedulable": ".spec.unschedulable",
    "NodeAffinity": ".metadata.labels",
    "NodeName": ".metadata.name",
    "NodePorts": "(pods on the node).spec.containers[*].ports[*].hostPort",
    "PodTopologySpread": ".metadata.labels",
    "InterPodAffinity": ".metadata.labels",
}


def analyze(ctx: Context, work: Work) -> None:
    pod = work.pod
    if pod is None:
        return
    snap = ctx.snapshot
    missing_node = bool(pod.spec.node_name) and snap.has("Node") and pod.spec.node_name not in snap.node_by_name
    if not (work.unscheduled or not pod.spec.node_name or missing_node):
        return
    observed, ev = observed_message(ctx, pod)
    if _scheduler_not_found(ctx, work, pod):
        return
    if not snap.has("Node"):
        if pod.spec.scheduling_gates:
            # The gates are on the pod itself: no node needed to name them (only to say where it would fit).
            work.add(_gated_finding(ctx, work, pod, None))
            return
        from_message_only(ctx, work, observed, ev)
        work.findings.extend(_autoscaler(ctx, work))
        return
    rec = recompute(ctx, pod)
    sched, agrees = compare(ctx, rec, observed, ev)
    work.scheduling = sched
    confidence: Confidence = "certain" if agrees is not False else "likely"
    if agrees is False and work.ref in snap.described:
        # Rebuilt from describe text, the pod lacks its affinity rules: where the recomputation and the
        # scheduler disagree, the scheduler (who saw the whole pod) is the witness to follow.
        mine: Counter[str] = Counter()
        for reason, n in rec.result.first_histogram.items():
            code = classify_reason(reason).code
            if code:
                mine[code] += n
        from_message_only(ctx, work, observed, ev, described=mine)
        work.findings.extend(_autoscaler(ctx, work))
        return
    tgt = target.target_of(snap, pod)
    if missing_node:
        _node_name_missing(ctx, work, rec, tgt)
        return
    if rec.result.num_nodes == 0:
        work.add(Finding(code="sched.no-nodes", severity="error", confidence="certain",
                         cause="the cluster has no Node objects: the scheduler reports 'no nodes available to schedule pods'",
                         evidence=[Evidence(ref="Node", field="(list)", observed="0 nodes"),
                                   *([from_event(ev)] if ev is not None else [])],
                         fix=Fix(summary="add nodes (or check why they deregistered)", commands=["kubectl get nodes"]),
                         group_key="no-nodes", rank=5))
    has_volume = work.has_code("volume.")
    causes, templates = _class_findings(ctx, rec, tgt, confidence, has_volume)
    for f in templates:
        work.add(_personalise(f, work, ev, tgt))
    if any(c.code == "sched.scheduling-gated" for c in causes):
        work.add(_gated_finding(ctx, work, pod, rec))
    _preemption(ctx, work, rec)
    if rec.result.feasible and observed is not None and agrees is False:
        from_message_only(ctx, work, observed, ev, stale=rec.result.feasible)
    work.findings.extend(_autoscaler(ctx, work))


CAPACITY = ("sched.insufficient-resources", "sched.too-many-pods")


def _autoscaler(ctx: Context, work: Work) -> list[Finding]:
    """The autoscaler's findings; when the pod lacks capacity and the autoscaler refuses to add it,
    that refusal is the root cause and comes first."""
    found = autoscaler_findings(ctx, work)
    mine = [f for f in work.findings if f.code.startswith(("sched.", "volume."))]
    top = min(mine, key=lambda f: f.rank) if mine else None
    if top is not None and top.code in CAPACITY:
        return [msgspec.structs.replace(f, rank=min(f.rank, top.rank - 1)) if f.code == "autoscaler.no-scale-up" else f
                for f in found]
    return found


# ---- findings from the verdicts ---------------------------------------------------------------------------

# Pod-level evidence in class-shared findings points here; each pod gets its own ref back.
POD_REF = "Pod/{pod}"


def _class_findings(ctx: Context, rec: Recomputed, tgt: target.Target, confidence: Confidence,
                    has_volume: bool) -> tuple[list[Cause], list[Finding]]:
    """Findings shared by every pod of a filter class (pods with equal filter inputs get the very same
    cycle result, whichever workload they belong to) and target shape: built once, with placeholders
    for the pod's and its target's names that _personalise fills in."""
    shape = target.placeholder_target(tgt)
    key = f"scheduling.findings.{id(rec.result)}{shape.key}.{tgt.kind == 'DaemonSet'}.{confidence}.{has_volume}"
    got = ctx.cache.get(key)
    if got is not None:
        causes_c, found_c = got
        return list(causes_c), list(found_c)
    real_tgt, tgt = tgt, shape
    cs = cluster(ctx)
    # Shared by every class and target with this very cycle result (kept alive by the cache).
    ckey = f"scheduling.causes.{id(rec.result)}"
    cached = ctx.cache.get(ckey)
    if cached is None or cached[0] is not rec.result:
        cached = ctx.cache[ckey] = (rec.result, group_causes(cs, rec.result))
    causes = list(cached[1])
    if rec.result.feasible:
        # Some node fits: the per-node failures elsewhere are not why the pod waits.
        causes = [c for c in causes if c.code == "sched.scheduling-gated"]
    out: list[Finding] = []
    emitted: set[str] = set()
    for i, cause in enumerate(causes):
        if (cause.code.startswith("volume.") and has_volume) or cause.code == "sched.scheduling-gated":
            continue
        if cause.code == "sched.node-affinity" and real_tgt.kind == "DaemonSet" and len(causes) > 1:
            continue  # a DaemonSet pod is pinned to its node on purpose: the other nodes are not a cause
        # Blockers before the volumes analyzer's findings (rank 20), exclusions after them.
        f = _finding(ctx, rec, cause, tgt, confidence, (10 if cause.blocker else 25) + i)
        if f is not None:
            out.append(f)
            emitted.add(cause.code)
    not_ready = rec.result.memo.get("causes.not-ready")
    if not_ready is None:
        not_ready = rec.result.memo["causes.not-ready"] = matching_nodes_not_ready(cs, rec.result)
    if not_ready and "sched.nodes-not-ready" not in emitted:
        out.append(_not_ready_finding(ctx, rec, not_ready, confidence))
    ctx.cache[key] = (causes, out)
    return list(causes), list(out)


def _personalise(f: Finding, work: Work, ev: Event | None, tgt: target.Target) -> Finding:
    name = work.name

    def fill(text: str) -> str:
        return target.fill_placeholders(text, name, tgt)

    evidence = [msgspec.structs.replace(e, ref=work.ref) if e.ref == POD_REF else e for e in f.evidence]
    if ev is not None:
        evidence.append(from_event(ev))
    fix = f.fix
    if fix is not None:
        fix = Fix(summary=fill(fix.summary), commands=[fill(c) for c in fix.commands],
                  patches=[fill(p) for p in fix.patches])
    return msgspec.structs.replace(f, cause=fill(f.cause), evidence=evidence, fix=fix)


def _node_evidence(rec: Recomputed, cause: Cause) -> list[Evidence]:
    out: list[Evidence] = []
    for n in cause.nodes[:MAX_EVIDENCE_NODES]:
        st = cause.statuses[n]
        summary = (st.detail or {}).get("summary") if st.detail else None
        out.append(Evidence(ref=f"Node/{n}", field=FIELD_BY_PLUGIN.get(st.plugin, f"({st.plugin})"),
                            observed=f"{st.message}" + (f": {summary}" if summary else "")))
    return out


def _pct_nodes(cause: Cause, total: int) -> str:
    return f"{len(cause.nodes)} of {total} node(s)"


def _finding(ctx: Context, rec: Recomputed, cause: Cause, tgt: target.Target, confidence: Confidence,
             rank: int) -> Finding | None:
    cs = cluster(ctx)
    pod = rec.pc.pod
    code = cause.code
    total = rec.result.num_nodes
    evidence = _node_evidence(rec, cause)
    details: dict[str, Any] = {"plugin": cause.plugin, "nodes": cause.nodes[:50], "nodeCount": len(cause.nodes),
                               "reasons": dict(Counter(r for st in cause.statuses.values() for r in st.reasons))}
    fix: Fix | None = None
    group_key: str | None = None
    first = cause.statuses[cause.nodes[0]]
    d0 = first.detail or {}
    if code == "sched.insufficient-resources":
        names = sorted({r.removeprefix("Insufficient ") for st in cause.statuses.values() for r in st.reasons
                        if r.startswith("Insufficient ")})
        req = ", ".join(f"{format_resource(n, rec.pc.requests.get(n, 0))} {n}" for n in names)
        per_node = {n: {k: v for k, v in (cause.statuses[n].detail or {}).items() if k in names}
                    for n in cause.nodes[:50]}
        details["perNode"] = per_node
        cause_txt = (f"{_pct_nodes(cause, total)} do not have enough free {', '.join(names)} for the pod's request "
                     f"({req}); e.g. {cause.nodes[0]}: {d0.get('summary', first.message)}")
        evidence.insert(0, Evidence(ref=POD_REF, field=".spec.containers[*].resources.requests (effective)",
                                    observed=req))
        group_key = "resources=" + ",".join(names)
        fix = _memo_fix(ctx, rec, code + tgt.key, lambda: fixes.fix_resources(cs, rec, cause, tgt))
    elif code == "sched.too-many-pods":
        cause_txt = f"{_pct_nodes(cause, total)} are at their pod limit; e.g. {cause.nodes[0]}: {d0.get('summary', '')}"
        fix = _memo_fix(ctx, rec, code + tgt.key, lambda: fixes.fix_too_many_pods(cs, rec, cause))
        group_key = "pods"
    elif code == "sched.untolerated-taint":
        taints = sorted({t for st in cause.statuses.values() for t in (st.detail or {}).get("taints", [])[:1]})
        cause_txt = (f"{_pct_nodes(cause, total)} carry a taint the pod does not tolerate: {', '.join(taints)}")
        evidence.insert(0, Evidence(ref=POD_REF, field=".spec.tolerations",
                                    observed=", ".join(f"{t.key}:{t.operator or 'Equal'}:{t.value}:{t.effect}"
                                                       for t in pod.spec.tolerations) or "(none)"))
        group_key = "taint=" + ",".join(taints)
        fix = _memo_fix(ctx, rec, code + tgt.key, lambda: fixes.fix_taints(cs, rec, cause, tgt))
    elif code == "sched.nodes-not-ready":
        cause_txt = (f"{_pct_nodes(cause, total)} are NotReady/unreachable (the node lifecycle controller tainted "
                     f"them): {', '.join(cause.nodes[:MAX_EVIDENCE_NODES])}")
        fix = _memo_fix(ctx, rec, code + tgt.key, lambda: fixes.fix_not_ready(cs, rec, cause.nodes))
        group_key = "not-ready"
    elif code == "sched.node-unschedulable":
        cause_txt = f"{_pct_nodes(cause, total)} are cordoned (spec.unschedulable): {', '.join(cause.nodes[:MAX_EVIDENCE_NODES])}"
        fix = _memo_fix(ctx, rec, code + tgt.key, lambda: fixes.fix_uncordon(cs, rec, cause))
        group_key = "cordoned"
    elif code == "sched.node-affinity":
        cause_txt = f"the pod's nodeSelector/required node affinity excludes {_pct_nodes(cause, total)}: {d0.get('summary', first.message)}"
        evidence.insert(0, Evidence(ref=POD_REF, field=".spec.nodeSelector / .spec.affinity.nodeAffinity",
                                    observed=_selector_text(pod)))
        labels = sorted({str(m.get("label")) for st in cause.statuses.values()
                         for m in (*(st.detail or {}).get("mismatches", []), *(st.detail or {}).get("terms", [])[:1])
                         if m.get("label")})
        group_key = "label=" + ",".join(labels) if labels else None
        fix = _memo_fix(ctx, rec, code + tgt.key, lambda: fixes.fix_node_affinity(cs, rec, cause, tgt))
    elif code == "sched.host-port":
        cause_txt = f"the pod's hostPort is already used on {_pct_nodes(cause, total)}: {d0.get('summary', '')}"
        fix = _memo_fix(ctx, rec, code + tgt.key, lambda: fixes.fix_host_port(cs, rec, cause))
        group_key = "port=" + str(d0.get("port", ""))
    elif code == "sched.topology-spread":
        cause_txt = f"a DoNotSchedule topology spread constraint rejects {_pct_nodes(cause, total)}: {d0.get('summary', first.message)}"
        fix = _memo_fix(ctx, rec, code + tgt.key, lambda: fixes.fix_spread(cs, rec, cause, tgt))
    elif code in ("sched.pod-affinity", "sched.pod-anti-affinity"):
        what = "required pod affinity" if code == "sched.pod-affinity" else "pod anti-affinity"
        cause_txt = f"{what} rejects {_pct_nodes(cause, total)}: {d0.get('summary', first.message)}"
        fix = _memo_fix(ctx, rec, code + tgt.key, lambda: fixes.fix_pod_affinity(cs, rec, cause, tgt, anti=code == "sched.pod-anti-affinity"))
    elif code == "sched.node-name-not-found":
        cause_txt = f"spec.nodeName pins the pod to {pod.spec.node_name!r}; every other node is excluded"
        fix = _memo_fix(ctx, rec, code + tgt.key, lambda: fixes.fix_node_name(cs, rec, tgt, (target.POD_NAMESPACE, target.POD_NAME)))
    elif code.startswith("volume."):
        cause_txt = f"{first.plugin} rejects {_pct_nodes(cause, total)}: {first.message}" + (
            f" ({d0['summary']})" if d0.get("summary") else "")
        fix = Fix(summary="see the claim and its events", commands=[
            f"kubectl -n {target.POD_NAMESPACE} get pvc", f"kubectl -n {target.POD_NAMESPACE} describe pod {target.POD_NAME}"])
    else:
        return None
    severity = severity_of(code)
    if fix is None:
        fix = _no_single_fix(rec, cause)
        if code == "sched.untolerated-taint" and not cause.blocker:
            # A taint that excludes nodes which would fail anyway is most often intended (dedicated nodes): shown
            # for the whole picture, not as an error to fix.
            severity = "info"
    return Finding(code=code, severity=severity, confidence=confidence, cause=cause_txt, evidence=evidence,
                   fix=fix, details=details, group_key=group_key, rank=rank)


def _no_single_fix(rec: Recomputed, cause: Cause) -> Fix:
    """No change to this cause alone made any node feasible when the filters were re-run: say what
    else stops the pod on those nodes, so the person fixes the causes in the right order."""
    by_name = {nv.name: nv for nv in rec.scheduling.nodes or ()}
    behind: dict[str, list[str]] = {}
    for name in cause.nodes:
        nv = by_name.get(name)
        if nv is None:
            continue
        for fl in nv.failures:
            if fl.plugin != cause.plugin and not _part_of(cause, fl):
                behind.setdefault(f"{fl.plugin}: {'; '.join(fl.reasons)}", []).append(name)
                break
    if not behind:
        return Fix(summary="No single change to this cause was verified to make a node feasible; "
                           "see the per-node verdicts.")
    what, nodes = max(behind.items(), key=lambda kv: len(kv[1]))
    shown = ", ".join(nodes[:3]) + (f" and {len(nodes) - 3} more" if len(nodes) > 3 else "")
    return Fix(summary=(f"Removing this cause alone would not let the pod schedule: {shown} would still be "
                        f"rejected by {what}. Fix that first; this cause may well be intended (e.g. dedicated nodes)."))


# Taints that come and go with a node state podwhy reports as its own cause: uncordoning removes the
# unschedulable taint (pkg/controller/nodelifecycle taints cordoned nodes with it, v1.34), a Ready node loses
# not-ready/unreachable. Behind such a cause they are the same cause, not another one to fix first.
_STATE_TAINTS = {"NodeUnschedulable": frozenset({"node.kubernetes.io/unschedulable"}),
                 "sched.nodes-not-ready": frozenset({"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"})}


def _part_of(cause: Cause, fl: NodeFailure) -> bool:
    keys = _STATE_TAINTS.get(cause.plugin) or _STATE_TAINTS.get(cause.code)
    if fl.plugin != "TaintToleration" or not keys or not fl.detail:
        return False
    taints = fl.detail.get("taints") or []
    return bool(taints) and all(str(t).split(":", 1)[0].split("=", 1)[0] in keys for t in taints)


def _memo_fix(ctx: Context, rec: Recomputed, code: str, make: Callable[[], Fix | None]) -> Fix | None:
    """Fixes are verified by re-running the filters: do it once per filter class (the cycle result)."""
    key = f"scheduling.fix.{id(rec.result)}.{code}"
    if key in ctx.cache:
        got: Fix | None = ctx.cache[key]
        return got
    fix = make()
    ctx.cache[key] = fix
    return fix


def _selector_text(pod: Pod) -> str:
    parts = [f"nodeSelector {k}={v}" for k, v in pod.spec.node_selector.items()]
    aff = pod.spec.affinity
    sel = aff.node_affinity.required_during_scheduling_ignored_during_execution if aff and aff.node_affinity else None
    if sel is not None:
        for i, t in enumerate(sel.node_selector_terms):
            reqs = [f"{r.key} {r.operator} {list(r.values)}" for r in (*t.match_expressions, *t.match_fields)]
            parts.append(f"term {i}: " + " AND ".join(reqs))
    return "; ".join(parts) or "(none)"


def _not_ready_finding(ctx: Context, rec: Recomputed, nodes: list[str], confidence: Confidence) -> Finding:
    cs = cluster(ctx)
    return Finding(code="sched.nodes-not-ready", severity="error", confidence=confidence,
                   cause=(f"the only nodes matching the pod's placement rules are NotReady: "
                          f"{', '.join(nodes[:MAX_EVIDENCE_NODES])}"),
                   evidence=[Evidence(ref=f"Node/{n}", field=".status.conditions[?(@.type=='Ready')]",
                                      observed="Ready != True") for n in nodes[:MAX_EVIDENCE_NODES]],
                   fix=_memo_fix(ctx, rec, "not-ready-matching", lambda: fixes.fix_not_ready(cs, rec, nodes)), group_key="not-ready", rank=15,
                   details={"nodes": nodes[:50]})


def _gated_finding(ctx: Context, work: Work, pod: Pod, rec: Recomputed | None) -> Finding:
    gates = [g.name for g in pod.spec.scheduling_gates]
    owners = sorted({who for g in gates for prefix, who in GATE_OWNERS.items() if g == prefix or g.startswith(prefix)})
    who = f"; usually removed by {', '.join(owners)}" if owners else "; the controller that added it removes it when ready"
    return Finding(code="sched.scheduling-gated", severity="warning", confidence="certain",
                   cause=f"the pod is held by scheduling gate(s) {', '.join(gates)}: the scheduler ignores it until they are removed{who}",
                   evidence=[Evidence(ref=work.ref, field=".spec.schedulingGates", observed=", ".join(gates))],
                   fix=(_memo_fix(ctx, rec, "gates" + work.ref, lambda: fixes.fix_gates(cluster(ctx), rec))
                        if rec is not None else fixes.fix_gates_unknown_fit(pod)),
                   details={"gates": gates}, group_key="gates=" + ",".join(gates),
                   rank=10)


# ---- outside the filters -------------------------------------------------------------------------------------

def _scheduler_not_found(ctx: Context, work: Work, pod: Pod) -> bool:
    name = pod.spec.scheduler_name or DEFAULT_SCHEDULER
    snap = ctx.snapshot
    if name == DEFAULT_SCHEDULER or pod.spec.node_name:
        return False
    if snap.has("Event") and scheduling_events(ctx, pod):
        return False
    # A scheduler that tried would have written PodScheduled=False (Unschedulable / SchedulerError).
    if any(c.type == "PodScheduled" and c.reason in ("Unschedulable", "SchedulerError") for c in pod.status.conditions):
        return False
    confidence: Confidence = "likely" if snap.has("Event") else "possible"
    served = [p for p in snap.pods if p.spec.scheduler_name == name and p.spec.node_name]
    if served:
        return False
    work.add(Finding(
        code="sched.scheduler-not-found", severity="error", confidence=confidence,
        cause=(f"spec.schedulerName is {name!r}, no pod using it was ever scheduled and this pod has no scheduling "
               "event or PodScheduled condition: no running scheduler serves that name"
               + ("" if snap.has("Event") else " (events were not in the input)")),
        evidence=[Evidence(ref=work.ref, field=".spec.schedulerName", observed=name, expected=DEFAULT_SCHEDULER)],
        fix=Fix(summary=f"deploy/repair the scheduler that serves {name!r}, or use the default scheduler",
                commands=["kubectl get pods -A -o wide | grep -i scheduler",
                          f"# or re-create the pod without spec.schedulerName ({DEFAULT_SCHEDULER})"]),
        group_key=f"scheduler={name}", rank=5))
    return True


def _node_name_missing(ctx: Context, work: Work, rec: Recomputed, tgt: target.Target) -> None:
    pod = rec.pc.pod
    work.add(Finding(
        code="sched.node-name-not-found", severity="error", confidence="certain",
        cause=(f"spec.nodeName is preset to {pod.spec.node_name!r}, which is not a node of the cluster: the scheduler "
               "ignores pods with a nodeName and no kubelet will run it (PodGC deletes it eventually)"),
        evidence=[Evidence(ref=work.ref, field=".spec.nodeName", observed=pod.spec.node_name,
                           expected=f"one of {', '.join(sorted(ctx.snapshot.node_by_name)[:5])}")],
        fix=_memo_fix(ctx, rec, "node-name" + work.ref, lambda: fixes.fix_node_name(cluster(ctx), rec, tgt)), group_key=f"node={pod.spec.node_name}", rank=5))


def _preemption(ctx: Context, work: Work, rec: Recomputed) -> None:
    pod = rec.pc.pod
    pre = rec.preemption
    nom = pod.status.nominated_node_name
    if nom:
        victims = [e for e in ctx.snapshot.events if e.reason == "Preempted" and nom in e.message]
        work.add(Finding(
            code="sched.preemption-pending", severity="warning", confidence="certain",
            cause=(f"the scheduler nominated node {nom} (priority {rec.pc.priority}) and waits for lower-priority "
                   "victims there to terminate"),
            evidence=[Evidence(ref=work.ref, field=".status.nominatedNodeName", observed=nom)]
            + [from_event(e) for e in victims[-3:]],
            fix=Fix(summary="wait for the victims' graceful termination; check that none is stuck terminating",
                    commands=[f"kubectl get pods -A --field-selector spec.nodeName={nom}"]), rank=8))
        return
    if pre is None:
        return
    if pre.candidates:
        work.add(Finding(
            code="sched.preemption-pending", severity="warning", confidence="likely",
            cause=(f"preemption can make room: removing lower-priority pods (priority < {rec.pc.priority}) would let the "
                   f"pod fit {', '.join(pre.candidates[:MAX_EVIDENCE_NODES])}; the scheduler should nominate a node"),
            evidence=[Evidence(ref=work.ref, field=".spec.priority", observed=str(rec.pc.priority))],
            details={"candidates": list(pre.candidates[:50])}, rank=60))
    elif pre.message and "preemptionPolicy=Never" in pre.message:
        cs = cluster(ctx)
        key = f"scheduling.lower-priority.{rec.pc.priority}"
        if key not in ctx.cache:
            ctx.cache[key] = any(pod_priority(cs.snap, p) < rec.pc.priority for p, _ni in cs.bound)
        lower = bool(ctx.cache[key])
        if lower:
            work.add(Finding(
                code="sched.preemption-pending", severity="info", confidence="certain",
                cause="preemptionPolicy: Never: the pod may not evict lower-priority pods, so it waits for room",
                evidence=[Evidence(ref=work.ref, field=".spec.preemptionPolicy", observed="Never")],
                rank=70))

