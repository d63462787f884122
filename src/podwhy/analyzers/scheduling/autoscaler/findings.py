"""cluster-autoscaler findings for a pending pod.

`autoscaler_findings` FUSES the pod's events with the status map: the event says how many node
groups were skipped or rejected and why, the map says which groups and their sizes/backoff errors.
Karpenter's events are read by `karpenter.py`.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.scheduling.autoscaler.common import (
    NO_SCALE_UP,
    PRIO_BACKOFF,
    PRIO_FITS,
    PRIO_LIMIT,
    PRIO_NOT_READY,
    PRIO_OTHER,
    PRIO_TEMPLATE,
    PRIO_UNVERIFIED,
    PRIO_WOULD_NOT_FIT,
    PROVISION_WINDOW_S,
    RANK,
    RANK_COMING,
    SCALE_UP_IN_PROGRESS,
)
from podwhy.analyzers.scheduling.autoscaler.common import when as _when
from podwhy.analyzers.scheduling.autoscaler.events import (
    CA_OTHER,
    SKIP_BACKOFF,
    SKIP_CLUSTER_LIMIT,
    SKIP_MAX_SIZE,
    SKIP_NOT_READY,
    SKIP_QUOTA,
    CAReason,
    NotTriggered,
    parse_not_triggered,
    parse_triggered,
)
from podwhy.analyzers.scheduling.autoscaler.groups import POOL_LABELS, group_nodes
from podwhy.analyzers.scheduling.autoscaler.karpenter import (
    from_karpenter,
    from_karpenter_nomination,
    is_karpenter_event,
    is_karpenter_nomination,
)
from podwhy.analyzers.scheduling.autoscaler.status import (
    BACKOFF_KEYS,
    FAILED_GROUP,
    HEALTH_KEYS,
    SIZE_KEYS,
    STATUS_CONFIGMAP,
    GroupStatus,
    StatusMap,
    status_map,
)
from podwhy.analyzers.scheduling.framework import Status
from podwhy.analyzers.scheduling.message import parse_failed_scheduling
from podwhy.analyzers.scheduling.newnode import verdict_on_new_node
from podwhy.analyzers.scheduling.recompute import cluster, filter_key
from podwhy.findings import Confidence, Evidence, Finding, Fix
from podwhy.model import Event
from podwhy.timeutil import age, human_duration


# ---- findings ---------------------------------------------------------------------------------
def autoscaler_findings(ctx: Context, work: Work) -> list[Finding]:
    """Findings about the node autoscaler for a pod that is not bound to a node. Pure."""
    pod = work.pod
    if pod is None or not work.unscheduled:
        return []
    events = ctx.snapshot.events_for(pod)
    smap = status_map(ctx)
    findings: list[Finding] = []
    ca = [e for e in events if e.reason in ("NotTriggerScaleUp", "TriggeredScaleUp")]
    if ca:
        latest = ca[-1]
        if latest.reason == "TriggeredScaleUp":
            findings.extend(_from_triggered(ctx, latest, smap))
        else:
            nt = parse_not_triggered(latest.message)
            if nt is not None:
                findings.extend(_from_not_triggered(ctx, work, latest, nt, smap))
    karpenter = [e for e in events if is_karpenter_event(e) or is_karpenter_nomination(e)]
    if karpenter:
        latest_k = karpenter[-1]
        if is_karpenter_nomination(latest_k):
            findings.extend(from_karpenter_nomination(ctx, latest_k))
        else:
            findings.extend(from_karpenter(ctx, latest_k))
    if not ca and not karpenter and smap is not None and smap.status is not None and _node_would_help(events):
        findings.extend(_from_status_only(smap))
    return findings


def _node_would_help(events: list[Event]) -> bool:
    """The scheduler's latest word is a per-node shortage a new node could cure (not a PVC or pod-level error)."""
    sched = [e for e in events if e.reason == "FailedScheduling" and not is_karpenter_event(e)]
    if not sched:
        return False
    parsed = parse_failed_scheduling(sched[-1].message)
    return parsed.pod_rejection is None and bool(parsed.codes) and not parsed.no_nodes


def _group_evidence(smap: StatusMap | None, g: GroupStatus, keys: tuple[str, ...] = ()) -> Evidence:
    """The group's lines of the status map that the finding rests on (`keys`; all when none)."""
    ref = smap.ref if smap else f"ConfigMap/kube-system/{STATUS_CONFIGMAP}"
    return Evidence(ref=ref, field=".data.status", observed=g.excerpt(*keys) if g.text else f"Name: {g.name}")


def _status_cmd(smap: StatusMap | None) -> str:
    ns = smap.cm.metadata.namespace if smap else "kube-system"
    return f"kubectl -n {ns or 'kube-system'} get configmap {STATUS_CONFIGMAP} -o yaml"


def _raise_max_commands(g: GroupStatus) -> list[str]:
    new_max = (g.max_size or 0) + 1
    name = g.name
    if "googleapis.com/compute" in name:
        zone = re.search(r"/zones/([^/]+)/", name)
        return [f"gcloud container clusters update <cluster> --node-pool <pool> --enable-autoscaling "
                f"--max-nodes {new_max} --zone {zone.group(1) if zone else '<zone>'}"]
    if name.startswith("aks-") or "vmss" in name:
        pool = name.split("-")[1] if name.count("-") >= 2 else "<pool>"
        return [f"az aks nodepool update --resource-group <rg> --cluster-name <cluster> --name {pool} "
                f"--update-cluster-autoscaler --min-count {g.min_size or 0} --max-count {new_max}"]
    return [f"aws autoscaling update-auto-scaling-group --auto-scaling-group-name {name} --max-size {new_max}"]


def _not_triggered_findings_for_groups(
    ctx: Context, work: Work, ev: Event, nt: NotTriggered, smap: StatusMap | None,
) -> list[tuple[int, Finding]]:
    """One (priority, part) per reason CA gave; `_fuse` makes them one finding."""
    status = smap.status if smap else None
    out: list[tuple[int, Finding]] = []
    evid = from_event(ev)
    when = _when(ctx, ev)
    # Node groups at their max size.
    for r in nt.of_kind(SKIP_MAX_SIZE):
        at_max = [g for g in status.groups if g.at_max] if status else []
        if at_max:
            sure = len(at_max) == r.count
            for g in at_max:
                out.append(_at_max(ctx, work, g, r, sure, evid, when, smap))
        else:
            out.append((PRIO_UNVERIFIED, Finding(
                code=NO_SCALE_UP, severity="error", confidence="certain",
                cause=(f"cluster-autoscaler will not add a node{when}: {r.count} node group(s) are at their maximum "
                       "size (the status ConfigMap, which names them, is not in the snapshot)"
                       if status is None else
                       f"cluster-autoscaler will not add a node{when}: {r.count} node group(s) are at their maximum "
                       "size (the status ConfigMap shows none at max now: it may have changed since)"),
                evidence=[evid],
                fix=Fix(summary="Raise the maximum size of the node group(s) that can run this pod",
                        commands=[_status_cmd(smap)]),
                details={"reason": r.reason, "groups": r.count},
                group_key="autoscaler=max-node-group-size", rank=RANK,
            )))
    # Node groups in backoff after a failed scale-up.
    for r in nt.of_kind(SKIP_BACKOFF):
        backed = [g for g in status.groups if g.scale_up == "Backoff"] if status else []
        if not backed and smap is not None:
            named = {m.group(1) for e in smap.events if (m := FAILED_GROUP.fullmatch(e.message.strip()))}
            backed = [g for g in (status.groups if status else ()) if g.name in named]
        if backed:
            for g in backed:
                failures = smap.group_failures(g.name) if smap else []
                err = (f"{g.backoff_code}: {g.backoff_message}" if g.backoff_code and g.backoff_message
                       else g.backoff_message or g.backoff_code or (failures[-1][1] if failures else None))
                ev_list = [evid, _group_evidence(smap, g, BACKOFF_KEYS)]
                if failures:
                    ev_list.append(from_event(failures[-1][0]))
                out.append((PRIO_BACKOFF, Finding(
                    code=NO_SCALE_UP, severity="error", confidence="certain" if len(backed) == r.count else "likely",
                    cause=(f"cluster-autoscaler will not add a node{when}: node group {g.name} is in backoff after a "
                           f"failed scale-up" + (f": {err}" if err else "")),
                    evidence=ev_list,
                    fix=_backoff_fix(g, err, smap),
                    details={"nodeGroup": g.name, "reason": r.reason, "groups": r.count,
                             "errorCode": g.backoff_code, "errorMessage": g.backoff_message or err},
                    group_key=f"nodegroup={g.name}", rank=RANK,
                )))
        else:
            out.append((PRIO_BACKOFF, Finding(
                code=NO_SCALE_UP, severity="error", confidence="certain",
                cause=(f"cluster-autoscaler will not add a node{when}: {r.count} node group(s) are in backoff after a "
                       "failed scale-up (cloud quota, instance stockout or nodes that never registered)"),
                evidence=[evid],
                fix=Fix(summary="Find the failed scale-up in the cluster-autoscaler status/logs and fix its cause "
                                "(quota, instance availability, node bootstrap); CA retries after the backoff",
                        commands=[_status_cmd(smap),
                                  "kubectl -n kube-system logs deploy/cluster-autoscaler | grep -i 'scale-up'"]),
                details={"reason": r.reason, "groups": r.count},
                group_key="autoscaler=backoff", rank=RANK,
            )))
    # Unhealthy node groups.
    for r in nt.of_kind(SKIP_NOT_READY):
        sick = [g for g in status.groups if g.health == "Unhealthy"] if status else []
        targets: list[GroupStatus | None] = list(sick) or [None]
        for tg in targets:
            counts = ""
            if tg is not None:
                counts = " ".join(f"{k}={tg.counts[k]}" for k in ("ready", "unready", "notStarted",
                                                                 "registered", "longUnregistered")
                                  if k in tg.counts)
            name = tg.name if tg else f"{r.count} node group(s)"
            out.append((PRIO_NOT_READY, Finding(
                code=NO_SCALE_UP, severity="error", confidence="certain" if tg is None or len(sick) == r.count
                else "likely",
                cause=(f"cluster-autoscaler will not add a node{when}: {name} is not ready for scale-up "
                       f"(unhealthy{': ' + counts if counts else ''}); CA does not grow a group whose nodes "
                       "fail to register or become Ready"),
                evidence=[evid] + ([_group_evidence(smap, tg, HEALTH_KEYS)] if tg is not None else []),
                fix=Fix(summary="Find why the group's nodes are NotReady or never registered (node bootstrap, "
                                "kubelet, CNI, cloud instance errors) and fix or remove them",
                        commands=["kubectl get nodes -o wide", _status_cmd(smap)]),
                details={"nodeGroup": tg.name if tg else None, "reason": r.reason, "groups": r.count},
                group_key=f"nodegroup={tg.name}" if tg else "autoscaler=not-ready", rank=RANK,
            )))
    # Cluster-wide limits and quotas.
    for r in nt.of_kind(SKIP_CLUSTER_LIMIT) + nt.of_kind(SKIP_QUOTA):
        if r.kind == SKIP_QUOTA:
            summary = "Raise the capacity quota named in the message, or free capacity under it"
            cmds = [_status_cmd(smap)]
        elif "nodes" in r.reason or "node count" in r.reason:
            summary = "Raise cluster-autoscaler's --max-nodes-total (or remove nodes that are not needed)"
            cmds = ["kubectl -n kube-system get deploy cluster-autoscaler -o yaml | grep -e --max-nodes-total"]
        else:
            summary = ("Raise cluster-autoscaler's cluster resource limits (--cores-total / --memory-total, "
                       "or the node auto-provisioning limits)")
            cmds = ["kubectl -n kube-system get deploy cluster-autoscaler -o yaml | grep -e --cores-total "
                    "-e --memory-total"]
        out.append((PRIO_LIMIT, Finding(
            code=NO_SCALE_UP, severity="error", confidence="certain",
            cause=f"cluster-autoscaler will not add a node{when}: {r.reason}" + (
                f" ({r.count} node group(s))" if r.count else ""),
            evidence=[evid], fix=Fix(summary=summary, commands=cmds),
            details={"reason": r.reason, "groups": r.count}, group_key="autoscaler=cluster-limit", rank=RANK,
        )))
    return out


def _new_node_check(ctx: Context, work: Work, g: GroupStatus) -> tuple[str, str, list[Status]] | str:
    """(pool label, template node, the pod's failing filters on a new node like it: empty = it fits), or
    why the check cannot be made. Memoised per filter class: pods with equal filter inputs agree."""
    pod = work.pod
    snap = ctx.snapshot
    if pod is None or not snap.has("Node"):
        return "no Node objects in the input"
    found = group_nodes(snap.nodes, g.name)
    if found is None:
        return f"no node in the input has a node-pool label ({POOL_LABELS[0]}, ...) naming {g.name}"
    label, nodes = found
    cs = cluster(ctx)
    names = sorted((n.metadata.name for n in nodes if n.metadata.name in cs.infos),
                   key=lambda n: (cs.infos[n].node.spec.unschedulable, n))
    if not names:
        return f"the nodes labelled {label} are not in the scheduler's view"
    key = f"autoscaler.new-node.{names[0]}.{filter_key(cs, pod)}"
    got = ctx.cache.get(key)
    if got is None:
        got = ctx.cache[key] = verdict_on_new_node(cs, pod, names[0])
    return label, names[0], got


def _at_max(ctx: Context, work: Work, g: GroupStatus, r: CAReason, sure: bool, evid: Evidence, when: str,
            smap: StatusMap | None) -> tuple[int, Finding]:
    """A node group at its maximum size. Raising the maximum is a fix only if a new node of the group
    would take the pod: CA skips a group at max before it simulates its template, so its event cannot
    say; podwhy checks a new node shaped like one of the group's nodes with the scheduler's filters."""
    head = f"node group {g.name} is at its maximum size ({g.size_text()}), so it was skipped ({r.count} {r.reason})"
    raise_it = f"Raise the maximum size of node group {g.name} above {g.max_size}"
    where = "(cloud node group / the --nodes=<min>:<max>:<name> flag of cluster-autoscaler)"
    details: dict[str, Any] = {"nodeGroup": g.name, "reason": r.reason, "groups": r.count,
                               "maxSize": g.max_size, "target": g.cloud_provider_target}
    check = _new_node_check(ctx, work, g)
    evidence = [evid, _group_evidence(smap, g, SIZE_KEYS)]
    confidence: Confidence
    if isinstance(check, str):
        prio, confidence = PRIO_UNVERIFIED, "likely"
        summary = (f"{raise_it} {where}, once you have checked that its nodes satisfy the pod's nodeSelector, "
                   f"affinity and tolerations (not verified: {check})")
        details["newNode"] = {"verified": False, "why": check}
    else:
        label, template, failures = check
        details["newNode"] = {"verified": True, "template": template, "poolLabel": label,
                              "fits": not failures,
                              "failures": [{"plugin": st.plugin, "reasons": list(st.reasons)} for st in failures]}
        evidence.append(Evidence(ref=f"Node/{template}", field=".metadata.labels", observed=label))
        if not failures:
            prio, confidence = PRIO_FITS, "certain" if sure else "likely"
            summary = (f"{raise_it} {where}: a new node like {template} (same labels and taints, only its "
                       "DaemonSet pods) would take the pod")
        else:
            why = "; ".join(f"{st.plugin}: {', '.join(st.reasons)}" for st in failures)
            head += (f"; but a larger maximum would not help: a new node like {template} would reject the pod "
                     f"too ({why})")
            return PRIO_WOULD_NOT_FIT, Finding(
                code=NO_SCALE_UP, severity="error", confidence="certain" if sure else "likely",
                cause=f"cluster-autoscaler will not add a node{when}: {head}",
                evidence=evidence,
                fix=Fix(summary=(f"Raising {g.name}'s maximum would not help: make the pod fit its nodes ({why}) or "
                                 "give it a node group whose nodes do"),
                        commands=[f"kubectl get nodes -l {label} --show-labels"]),
                details=details, group_key=f"nodegroup={g.name}", rank=RANK)
    return prio, Finding(
        code=NO_SCALE_UP, severity="error", confidence=confidence,
        cause=f"cluster-autoscaler will not add a node{when}: {head}",
        evidence=evidence,
        fix=Fix(summary=summary, commands=[*_raise_max_commands(g), _status_cmd(smap)]),
        details=details, group_key=f"nodegroup={g.name}", rank=RANK)


def _backoff_fix(g: GroupStatus, err: str | None, smap: StatusMap | None) -> Fix:
    low = (err or "").lower()
    if "quota" in low:
        summary = f"Raise the cloud quota that stopped node group {g.name} from growing (see the error), or use another region/instance type"
    elif any(s in low for s in ("stockout", "insufficientinstancecapacity", "resource_pool_exhausted",
                                "zone_resource_pool_exhausted", "not available", "capacity")):
        summary = f"The cloud has no capacity for node group {g.name}'s instance type: add another instance type or zone"
    elif "register" in low:
        summary = f"New nodes of {g.name} never became Ready: check the instance's bootstrap (kubelet, CNI, join token)"
    else:
        summary = f"Fix the error that made node group {g.name}'s scale-up fail; CA retries after the backoff (5m, doubling to 30m)"
    return Fix(summary=summary, commands=[_status_cmd(smap), f"kubectl get events -A --field-selector "
                                          f"involvedObject.name={STATUS_CONFIGMAP}"])


def _template_fix(work: Work, rejected: list[CAReason]) -> Fix:
    pod = work.pod
    by_code: dict[str, int] = {}
    for r in rejected:
        if r.info is not None and r.info.code:
            by_code[r.info.code] = by_code.get(r.info.code, 0) + r.count
    top = max(by_code, key=lambda c: by_code[c]) if by_code else None
    cmds = [f"kubectl get nodes -L {','.join(sorted(pod.spec.node_selector))}"
            if pod is not None and pod.spec.node_selector else "kubectl get nodes --show-labels"]
    if top == "sched.insufficient-resources":
        res = sorted({r.info.resource for r in rejected if r.info is not None and r.info.resource})
        return Fix(summary=(f"The node groups cluster-autoscaler tried offer no node with enough {', '.join(res)} "
                            "for the pod: add a node "
                            "group with a larger (or GPU) instance type, or lower the pod's requests; for groups "
                            "scaled to zero, make sure CA knows the template's capacity (e.g. ASG tag "
                            "k8s.io/cluster-autoscaler/node-template/resources/<resource>)"),
                   commands=[f"kubectl get pod -n {work.namespace} {work.name} -o jsonpath='{{.spec.containers[*].resources}}'"])
    if top in ("sched.node-affinity", "sched.nodes-not-ready"):
        sel = ""
        if pod is not None and pod.spec.node_selector:
            sel = " (" + ", ".join(f"{k}={v}" for k, v in sorted(pod.spec.node_selector.items())) + ")"
        return Fix(summary=("The node groups cluster-autoscaler tried do not carry the labels the pod selects" + sel
                            + ": add them to "
                            "a node group (for groups scaled to zero on AWS, tag the ASG "
                            "k8s.io/cluster-autoscaler/node-template/label/<key>=<value>), or fix the pod's "
                            "nodeSelector/affinity"), commands=cmds)
    if top == "sched.untolerated-taint":
        taints = sorted({f"{r.info.taint_key}={r.info.taint_value}" for r in rejected
                         if r.info is not None and r.info.taint_key})
        return Fix(summary=("The node groups cluster-autoscaler tried are tainted" + (f" ({', '.join(taints)})" if taints else "")
                            + ": add a matching toleration to the pod, or use a node group without the taint"),
                   commands=cmds)
    return Fix(summary="Make one node group's template satisfy the pod's scheduling constraints (see the reasons)",
               commands=cmds)


def _from_not_triggered(ctx: Context, work: Work, ev: Event, nt: NotTriggered,
                        smap: StatusMap | None) -> list[Finding]:
    parts = _not_triggered_findings_for_groups(ctx, work, ev, nt, smap)
    rejected = nt.of_kind("rejected")
    other = nt.of_kind(CA_OTHER)
    when = _when(ctx, ev)
    if rejected:
        listed = ", ".join(f"{r.count} {r.info.normalized if r.info is not None else r.reason}" for r in rejected)
        what = (f"the other node groups' template nodes do not fit the pod: {listed}" if parts
                else f"no node group's template node fits the pod: {listed}")
        parts.append((PRIO_TEMPLATE, Finding(
            code=NO_SCALE_UP, severity="error", confidence="certain",
            cause=f"cluster-autoscaler will not add a node{when}: {what}",
            evidence=[from_event(ev)], fix=_template_fix(work, rejected),
            details={"rejected": {r.reason: r.count for r in rejected},
                     "codes": _codes(rejected), "wording": nt.wording},
            group_key="autoscaler=no-template-fits", rank=RANK,
        )))
    for r in other:
        parts.append((PRIO_OTHER, Finding(
            code=NO_SCALE_UP, severity="warning", confidence="certain",
            cause=f"cluster-autoscaler will not add a node{when}: {r.count} node group(s): {r.reason}",
            evidence=[from_event(ev)],
            fix=Fix(summary="Read the cluster-autoscaler logs for this pod to see why the expansion was dropped",
                    commands=["kubectl -n kube-system logs deploy/cluster-autoscaler | grep -i "
                              f"{work.namespace}/{work.name}"]),
            details={"reason": r.reason, "groups": r.count}, group_key="autoscaler=expansion-failed",
            rank=RANK,
        )))
    if not nt.reasons:
        return [Finding(
            code=NO_SCALE_UP, severity="error", confidence="likely",
            cause=(f"cluster-autoscaler will not add a node{when} and names no node group: it considered none "
                   "for this pod (no node groups configured or discovered, or only node groups that do not exist yet)"),
            evidence=[from_event(ev)],
            fix=Fix(summary=("Check cluster-autoscaler's node group configuration (--nodes or "
                             "--node-group-auto-discovery tags) and that it can see the group that should run "
                             "this pod"),
                    commands=[_status_cmd(smap), "kubectl -n kube-system logs deploy/cluster-autoscaler | tail -50"]),
            details={"wording": nt.wording}, group_key="autoscaler=no-node-groups", rank=RANK,
        )]
    return [_fuse(parts, when)] if parts else []


def _fuse(parts: list[tuple[int, Finding]], when: str) -> Finding:
    """One finding per pod for one autoscaler event: every group's reason in the cause (in CA's order),
    the evidence once each, and the fix of the part most likely to let the pod run (PRIO_*)."""
    if len(parts) == 1:
        return parts[0][1]
    prefix = f"cluster-autoscaler will not add a node{when}: "
    primary = min(parts, key=lambda p: p[0])[1]
    evidence: list[Evidence] = []
    for _, f in parts:
        evidence.extend(e for e in f.evidence if e not in evidence)
    fix = primary.fix
    others = [f.fix.summary for _, f in sorted(parts, key=lambda p: p[0])
              if f is not primary and f.fix is not None and f.fix.summary != (fix.summary if fix else None)]
    if fix is not None and others and primary.confidence != "certain":
        fix = msgspec.structs.replace(fix, summary=fix.summary + ". Otherwise: " + "; or: ".join(others))
    return msgspec.structs.replace(
        primary,
        severity="error" if any(f.severity == "error" for _, f in parts) else primary.severity,
        cause=prefix + "; ".join(f.cause.removeprefix(prefix) for _, f in parts),
        evidence=evidence, fix=fix,
        details={**(primary.details or {}), "parts": [f.details for _, f in parts]})


def _codes(reasons: list[CAReason]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in reasons:
        if r.info is not None and r.info.code:
            out[r.info.code] = out.get(r.info.code, 0) + r.count
    return out




def _from_triggered(ctx: Context, ev: Event, smap: StatusMap | None) -> list[Finding]:
    ups = parse_triggered(ev.message) or ()
    a = age(ctx.now, ev.last_seen)
    groups = ", ".join(f"{u.group} {u.current}->{u.target} (max {u.max_size})" for u in ups) or "(groups not named)"
    key = f"nodegroup={ups[0].group}" if ups else "autoscaler=scale-up"
    if a is None or a <= PROVISION_WINDOW_S:
        ago = f" {human_duration(a)} ago" if a is not None and a >= 0 else ""
        return [Finding(
            code=SCALE_UP_IN_PROGRESS, severity="info", confidence="likely",
            cause=(f"cluster-autoscaler is adding capacity for this pod{ago}: {groups}; the pod should schedule "
                   "once the new node is Ready"),
            evidence=[from_event(ev)],
            fix=Fix(summary="Wait for the new node to register and become Ready (usually a few minutes)",
                    commands=["kubectl get nodes -w"]),
            details={"scaleUps": [{"group": u.group, "from": u.current, "to": u.target, "max": u.max_size}
                                  for u in ups]},
            group_key=key, rank=RANK_COMING,
        )]
    # Older than CA's own provisioning timeout and the pod is still pending: the scale-up did not deliver.
    evidence = [from_event(ev)]
    why: list[str] = []
    status = smap.status if smap else None
    for u in ups:
        g: GroupStatus | None = status.group(u.group) if status else None
        failures = smap.group_failures(u.group) if smap else []
        if g is not None:
            evidence.append(_group_evidence(smap, g))
            if g.scale_up == "Backoff":
                err = g.backoff_message or (failures[-1][1] if failures else "")
                why.append(f"{u.group} is in backoff" + (f": {err}" if err else ""))
            elif g.health == "Unhealthy" or g.counts.get("longUnregistered"):
                why.append(f"{u.group} has nodes that did not register or become Ready")
        if failures:
            evidence.append(from_event(failures[-1][0]))
            if g is None or g.scale_up != "Backoff":
                why.append(f"{u.group}: {failures[-1][1]}")
    cause = (f"cluster-autoscaler triggered a scale-up {human_duration(a)} ago ({groups}) but the pod is still "
             "pending" + (": " + "; ".join(why) if why else ": the new node never became usable for it"))
    return [Finding(
        code=NO_SCALE_UP, severity="warning", confidence="likely", cause=cause, evidence=evidence,
        fix=Fix(summary="Check whether the new instance was created and joined the cluster (cloud errors, node "
                        "bootstrap), and the scheduler's current reason for the pod",
                commands=["kubectl get nodes -o wide", _status_cmd(smap)]),
        details={"scaleUps": [{"group": u.group, "from": u.current, "to": u.target, "max": u.max_size}
                              for u in ups], "ageSeconds": int(a)},
        group_key=key, rank=RANK,
    )]


def _from_status_only(smap: StatusMap) -> list[Finding]:
    """No autoscaler event for the pod (events expire after 1h): the map alone can still point at a cause."""
    status = smap.status
    assert status is not None
    out: list[Finding] = []
    ev_cluster = Evidence(ref=smap.ref, field=".data.status", observed=status.cluster_text)
    if status.cluster_health == "Unhealthy":
        out.append(Finding(
            code=NO_SCALE_UP, severity="warning", confidence="possible",
            cause=("cluster-autoscaler reports the cluster Unhealthy (too many unready nodes), and then it halts "
                   "all scale-ups"),
            evidence=[ev_cluster],
            fix=Fix(summary="Fix or remove the NotReady nodes so cluster-autoscaler resumes",
                    commands=["kubectl get nodes", _status_cmd(smap)]),
            group_key="autoscaler=cluster-unhealthy", rank=RANK,
        ))
    for g in status.groups:
        if g.scale_up == "Backoff":
            failures = smap.group_failures(g.name)
            err = g.backoff_message or (failures[-1][1] if failures else None)
            out.append(Finding(
                code=NO_SCALE_UP, severity="warning", confidence="possible",
                cause=(f"node group {g.name} is in backoff after a failed scale-up" + (f": {err}" if err else "")
                       + "; if this pod needs that group, no node will be added until the backoff ends"),
                evidence=[_group_evidence(smap, g, BACKOFF_KEYS)] + ([from_event(failures[-1][0])] if failures else []),
                fix=_backoff_fix(g, err, smap), group_key=f"nodegroup={g.name}", rank=RANK,
            ))
    if status.groups and all(g.at_max for g in status.groups):
        out.append(Finding(
            code=NO_SCALE_UP, severity="warning", confidence="possible",
            cause=("every node group is at its maximum size ("
                   + ", ".join(f"{g.name} {g.size_text()}" for g in status.groups)
                   + "): cluster-autoscaler cannot add a node for this pod"),
            evidence=[_group_evidence(smap, g, SIZE_KEYS) for g in status.groups],
            fix=Fix(summary="Raise the maximum size of the node group that should run this pod",
                    commands=[*_raise_max_commands(status.groups[0]), _status_cmd(smap)]),
            group_key="autoscaler=all-groups-at-max", rank=RANK,
        ))
    return out

