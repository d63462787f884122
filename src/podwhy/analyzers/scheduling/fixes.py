"""Verified fixes: every proposed change is applied to a copy of the pod (msgspec.structs.replace) or
of the cluster (ClusterState.replacing), the same filters are re-run, and the fix is reported only if
at least one node becomes feasible, naming those nodes."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import msgspec

from podwhy.analyzers.resources import container_requests, to_units
from podwhy.analyzers.scheduling import newnode
from podwhy.analyzers.scheduling.causes import Cause
from podwhy.analyzers.scheduling.framework import ClusterState, Status
from podwhy.analyzers.scheduling.plugins import node_affinity, node_resources_fit, taint_toleration
from podwhy.analyzers.scheduling.plugins.inter_pod_affinity import REASON_EXISTING_ANTI
from podwhy.analyzers.scheduling.plugins.node_unschedulable import UNSCHEDULABLE_TAINT
from podwhy.analyzers.scheduling.recompute import Recomputed, feasible_nodes, filter_key
from podwhy.analyzers.scheduling.target import Target
from podwhy.analyzers.selectors import untolerated
from podwhy.findings import Fix
from podwhy.model import (
    Affinity,
    Container,
    Node,
    NodeSelectorRequirement,
    Pod,
    ResourceRequirements,
    Taint,
    Toleration,
)
from podwhy.quantity import format_resource

MAX_NAMED = 5
# Adding tolerations changes these plugins' verdicts (nodeTaintsPolicy: Honor changes spread counts).
TAINT_PLUGINS = frozenset({"TaintToleration", "NodeUnschedulable", "PodTopologySpread"})


def _names(nodes: list[str]) -> str:
    shown = ", ".join(nodes[:MAX_NAMED])
    return shown + (f" (+{len(nodes) - MAX_NAMED} more)" if len(nodes) > MAX_NAMED else "")


def feasible_with_pod(cs: ClusterState, pod: Pod, rec: Recomputed | None = None,
                      affected: frozenset[str] = frozenset(), only: list[str] | None = None) -> list[str]:
    """Nodes feasible for the patched pod. A patch touching only the `affected` plugins can only newly
    admit nodes whose failures all come from those plugins, so only they (and `only`) are re-filtered."""
    if rec is not None:
        key = ("fixes.candidates", affected)
        cand: list[str] | None = rec.result.memo.get(key)
        if cand is None:
            cand = rec.result.memo[key] = rec.result.nodes_where(
                lambda shape: all(e[0] in affected for e in shape))  # type: ignore[index]
        return feasible_nodes(cs, pod, cand + [n for n in (only or []) if n not in cand])
    return feasible_nodes(cs, pod, only)


def _only(rec: Recomputed, node: str, *plugins: str) -> bool:
    """True when every failing plugin on the node is one of `plugins` (fixing them fixes the node)."""
    sts = rec.result.verdicts.get(node, [])
    return bool(sts) and all(s.plugin in plugins for s in sts)


def _recreate_note(t: Target) -> str:
    return ("" if not t.is_pod else
            f"# {t.namespace}/{t.name} is a bare pod and this field is immutable: edit its manifest and re-create it")


# ---- resources ------------------------------------------------------------------------------------------

def _fmt_exact(name: str, v: int) -> str:
    if name == "cpu":
        return f"{v}m" if v % 1000 else str(v // 1000)
    if name in ("memory", "ephemeral-storage") or name.startswith("hugepages-"):
        return f"{v // 2**20}Mi" if v % 2**30 else f"{v // 2**30}Gi"
    return str(v)


def _floor_unit(name: str, v: int) -> int:
    if name in ("memory", "ephemeral-storage") or name.startswith("hugepages-"):
        return (v // 2**20) * 2**20
    return v


def _reduce(pod: Pod, targets: dict[str, int]) -> tuple[Pod, list[tuple[str, str, str, str]]] | None:
    """Lower app-container requests so the pod's effective request per resource is <= target.
    Returns the patched pod and (container, resource, old, new) changes."""
    if pod.spec.resources is not None:
        return None  # pod-level resources: not adjusted automatically
    conts = list(pod.spec.containers)
    changes: list[tuple[str, str, str, str]] = []
    from podwhy.analyzers.resources import pod_requests

    cur = pod_requests(pod.spec)
    for res_name, target in targets.items():
        deficit = cur.get(res_name, 0) - target
        if deficit <= 0:
            continue
        vals = [container_requests(c).get(res_name, 0) for c in conts]
        i = max(range(len(conts)), key=lambda k: vals[k]) if conts else -1
        if i < 0 or vals[i] - deficit <= 0:
            return None
        new = _floor_unit(res_name, vals[i] - deficit)
        if new <= 0:
            return None
        c = conts[i]
        req = dict(c.resources.requests or c.resources.limits)
        req[res_name] = _fmt_exact(res_name, new)
        conts[i] = msgspec.structs.replace(c, resources=ResourceRequirements(requests=req, limits=c.resources.limits))
        changes.append((c.name, res_name, format_resource(res_name, vals[i]), _fmt_exact(res_name, new)))
    patched = msgspec.structs.replace(pod, spec=msgspec.structs.replace(pod.spec, containers=tuple(conts)))
    after = pod_requests(patched.spec)
    if any(after.get(k, 0) > v for k, v in targets.items()):
        return None  # init containers or overhead dominate
    return patched, changes


def _limit_note(pod: Pod, changes: list[tuple[str, str, str, str]], cut: Fraction) -> str:
    notes: list[str] = []
    by_name = {c.name: c for c in pod.spec.containers}
    for cname, res_name, _old, _new in changes:
        c: Container = by_name[cname]
        lim = c.resources.limits.get(res_name)
        if lim is not None and str(lim) == str(c.resources.requests.get(res_name, lim)):
            notes.append(f"{cname} has request = limit ({lim}) for {res_name}: lowering the request makes it Burstable, "
                         f"the limit stays {lim}")
        elif lim is not None:
            notes.append(f"{cname}'s {res_name} limit stays {lim}")
    if cut > Fraction(1, 2):
        notes.append(f"this cuts the request by {int(cut * 100)}%: check real usage (kubectl top pod) first")
    return "; ".join(notes)


def _best_resources_node(cs: ClusterState, rec: Recomputed, cause: Cause) -> tuple[Fraction, str, dict[str, int]] | None:
    """The node failing only on resources that needs the smallest relative cut of the requests."""
    req = rec.pc.requests
    best: tuple[Fraction, str, dict[str, int]] | None = None
    for n in cause.nodes:
        if not _only(rec, n, "NodeResourcesFit"):
            continue
        st = rec.result.verdicts[n][0]
        if node_resources_fit.REASON_PODS in st.reasons:
            continue
        ni = cs.infos[n]
        targets: dict[str, int] = {}
        cut = Fraction(0)
        ok = True
        for reason in st.reasons:
            r_name = reason.removeprefix("Insufficient ")
            free = ni.allocatable.get(r_name, 0) - ni.requested.get(r_name, 0)
            r = req.get(r_name, 0)
            if free <= 0 or r <= 0:
                ok = False
                break
            targets[r_name] = free
            cut = max(cut, Fraction(r - free, r))
        if ok and (best is None or cut < best[0]):
            best = (cut, n, targets)
    return best


def fix_resources(cs: ClusterState, rec: Recomputed, cause: Cause, tgt: Target) -> Fix | None:
    pod = rec.pc.pod
    # The best node depends on the cycle result and the requests only (equal for every pod sharing
    # the result): searched once.
    mkey = ("fixes.best-resources", cause.code)
    if mkey not in rec.result.memo:
        rec.result.memo[mkey] = _best_resources_node(cs, rec, cause)
    best: tuple[Fraction, str, dict[str, int]] | None = rec.result.memo[mkey]
    fixes: list[str] = []
    patches: list[str] = []
    summary_parts: list[str] = []
    if best is not None:
        cut, node, targets = best
        red = _reduce(pod, targets)
        if red is not None:
            patched, changes = red
            feas = feasible_with_pod(cs, patched, rec, frozenset({"NodeResourcesFit"}))
            if feas:
                idx = {c.name: i for i, c in enumerate(pod.spec.containers)}
                ops = [{"op": "replace", "path": f"{tgt.spec_path}/containers/{idx[c]}/resources/requests/{r.replace('/', '~1')}",
                        "value": new} for c, r, _o, new in changes]
                what = ", ".join(f"{c} {r} request {old} -> {new}" for c, r, old, new in changes)
                note = _limit_note(pod, changes, cut)
                summary_parts.append(f"lower {what}: then it fits {_names(feas)} (best node {node})"
                                     + (f" [{note}]" if note else ""))
                if tgt.is_pod:
                    fixes.append(_recreate_note(tgt))
                else:
                    fixes.append(tgt.json_patch(ops))
                patches.append("\n".join(f"# container {c}\nresources:\n  requests:\n    {r}: {new}" for c, r, _o, new in changes))
    ckey = ("fixes.capacity", cause.code)
    if ckey not in rec.result.memo:
        rec.result.memo[ckey] = _capacity_fix(cs, rec, cause)
    cap: tuple[str, str] | None = rec.result.memo[ckey]
    if cap is not None:
        summary_parts.append(cap[0])
        patches.append(cap[1])
    if not summary_parts:
        return None
    return Fix(summary="; or ".join(summary_parts), commands=fixes, patches=patches)


def _capacity_fix(cs: ClusterState, rec: Recomputed, cause: Cause) -> tuple[str, str] | None:
    """A node shaped like the best existing one (same labels/taints, its DaemonSet pods) with enough
    allocatable; verified by adding it to the cluster and re-running the filters."""
    pod, req = rec.pc.pod, rec.pc.requests
    template: str | None = None
    for n in cause.nodes:
        if _only(rec, n, "NodeResourcesFit"):
            template = n
            break
    if template is None:
        return None
    ni = cs.infos[template]
    ds_pods = newnode.daemonset_pods(cs, template)
    ds_use: dict[str, int] = {}
    for p in ds_pods:
        for k, v in cs.requests_of(p).items():
            ds_use[k] = ds_use.get(k, 0) + v
    alloc = dict(ni.node.status.allocatable)
    grown: list[str] = []
    for r_name, r in node_resources_fit.checked_resources(req).items():
        need = r + ds_use.get(r_name, 0)
        if ni.allocatable.get(r_name, 0) < need:
            alloc[r_name] = _fmt_exact(r_name, need if r_name == "cpu" else -(-need // 2**20) * 2**20
                                       if r_name in ("memory", "ephemeral-storage") else need)
            grown.append(f"{r_name} >= {alloc[r_name]}")
    pods_needed = len(ds_pods) + 1
    if to_units({"pods": alloc.get("pods", 0)}).get("pods", 0) < pods_needed:
        alloc["pods"] = str(pods_needed)
    node, _ = newnode.like(cs, template, alloc)
    name = node.metadata.name
    cs2 = cs.replacing(added=[(node, ds_pods)])
    feas = feasible_with_pod(cs2, pod, only=[name])
    if name not in feas:
        return None
    shape = f" with allocatable {', '.join(grown)}" if grown else ""
    return (f"add capacity: a node like {template} (same labels and taints){shape} would take the pod",
            f"# new node shaped like {template}\nallocatable:\n" + "\n".join(f"  {k}: {v}" for k, v in sorted(alloc.items())))


def fix_too_many_pods(cs: ClusterState, rec: Recomputed, cause: Cause) -> Fix | None:
    cap = _capacity_fix(cs, rec, cause)
    if cap is None:
        return None
    return Fix(summary=cap[0] + " (or raise the kubelet's maxPods on the full nodes)", patches=[cap[1]])


# ---- taints / cordon / readiness -------------------------------------------------------------------------

def _add_tolerations(pod: Pod, taints: list[Taint]) -> Pod:
    tols = list(pod.spec.tolerations)
    for t in taints:
        j = taint_toleration.toleration_json(t)
        tols.append(Toleration(key=j["key"], operator=j["operator"], value=j.get("value", ""), effect=j["effect"]))
    return msgspec.structs.replace(pod, spec=msgspec.structs.replace(pod.spec, tolerations=tuple(tols)))


def _is_admission_default(t: Toleration) -> bool:
    """The tolerations the DefaultTolerationSeconds admission plugin adds to every pod that lacks them
    (plugin/pkg/admission/defaulttolerationseconds/admission.go, v1.34.4): not in any template."""
    return (t.key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable") and t.operator == "Exists"
            and t.effect == "NoExecute" and t.toleration_seconds == 300)


def _spec_has_tolerations(pod: Pod, tgt: Target) -> bool:
    """Whether the patched PodSpec already has a tolerations array (`add .../tolerations/-` needs one).
    A pod always has the admission defaults; its workload's template has only what the user wrote,
    which is the pod's tolerations without those defaults (pods of a filter class share tolerations)."""
    if tgt.is_pod:
        return bool(pod.spec.tolerations)
    return any(not _is_admission_default(t) for t in pod.spec.tolerations)


def fix_taints(cs: ClusterState, rec: Recomputed, cause: Cause, tgt: Target) -> Fix | None:
    pod = rec.pc.pod
    # Depends on the nodes' taints and the pod's tolerations (equal for every pod sharing the result).
    gkey = ("fixes.taint-groups", cause.code)
    if gkey not in rec.result.memo:
        groups_m: dict[tuple[str, ...], list[Taint]] = {}
        members_m: dict[tuple[str, ...], list[str]] = {}
        for n in cause.nodes:
            bad = untolerated(cs.infos[n].node.spec.taints, pod.spec.tolerations)
            key = tuple(taint_toleration.taint_str(t) for t in bad)
            groups_m.setdefault(key, bad)
            members_m.setdefault(key, []).append(n)
        rec.result.memo[gkey] = (groups_m, members_m)
    groups: dict[tuple[str, ...], list[Taint]]
    members: dict[tuple[str, ...], list[str]]
    groups, members = rec.result.memo[gkey]
    for key in sorted(groups, key=lambda k: -len(members[k])):
        taints = groups[key]
        feas = feasible_with_pod(cs, _add_tolerations(pod, taints), rec, TAINT_PLUGINS)
        if not feas:
            continue
        yaml = "tolerations:\n" + "\n".join(taint_toleration.toleration_yaml(t) for t in taints)
        ops: list[dict[str, Any]]
        if _spec_has_tolerations(pod, tgt):
            ops = [{"op": "add", "path": f"{tgt.spec_path}/tolerations/-", "value": taint_toleration.toleration_json(t)}
                   for t in taints]
        else:
            ops = [{"op": "add", "path": f"{tgt.spec_path}/tolerations",
                    "value": [taint_toleration.toleration_json(t) for t in taints]}]
        # Tolerations may be added to a running pod in place, so even a bare pod can be patched.
        cmds = [tgt.json_patch(ops)]
        untaint = [f"kubectl taint node {n} {taint_toleration.taint_str(t)}-" for n in members[key][:MAX_NAMED] for t in taints]
        return Fix(summary=(f"tolerate {', '.join(key)}: then the pod fits {_names(feas)} "
                            f"(or, if those nodes are not reserved on purpose, remove the taint)"),
                   commands=cmds + untaint, patches=[yaml])
    return None


def _patched_nodes(cs: ClusterState, nodes: list[str], change: str) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for n in nodes:
        node = cs.infos[n].node
        if change == "uncordon":
            taints = tuple(t for t in node.spec.taints if t.key != UNSCHEDULABLE_TAINT.key)
            spec = msgspec.structs.replace(node.spec, unschedulable=False, taints=taints)
        else:  # ready
            taints = tuple(t for t in node.spec.taints if t.key not in taint_toleration.NOT_READY_KEYS)
            spec = msgspec.structs.replace(node.spec, taints=taints)
        out[n] = msgspec.structs.replace(node, spec=spec)
    return out


def fix_uncordon(cs: ClusterState, rec: Recomputed, cause: Cause) -> Fix | None:
    cs2 = cs.replacing(patched=_patched_nodes(cs, cause.nodes, "uncordon"))
    feas = feasible_with_pod(cs2, rec.pc.pod, only=cause.nodes)
    if not feas:
        return None
    return Fix(summary=f"uncordon {_names(feas)} (if the maintenance is over): the pod fits there",
               commands=[f"kubectl uncordon {n}" for n in feas[:MAX_NAMED]])


def fix_not_ready(cs: ClusterState, rec: Recomputed, nodes: list[str]) -> Fix | None:
    cs2 = cs.replacing(patched=_patched_nodes(cs, nodes, "ready"))
    feas = feasible_with_pod(cs2, rec.pc.pod, only=nodes)
    if not feas:
        return None
    return Fix(summary=f"bring {_names(feas)} back to Ready (kubelet, container runtime, network): once Ready the pod fits there",
               commands=[f"kubectl describe node {n}" for n in feas[:MAX_NAMED]]
               + [f"kubectl get node {feas[0]} -o jsonpath='{{.status.conditions}}'"])


# ---- node affinity ----------------------------------------------------------------------------------------

def _label_plan(pod: Pod, labels: dict[str, str], name: str) -> dict[str, str | None] | None:
    """Label changes (value None = remove) that make the node match nodeSelector and the first
    required term."""
    plan: dict[str, str | None] = {}
    for k, v in pod.spec.node_selector.items():
        if labels.get(k) != v:
            plan[k] = v
    sel = node_affinity.required_selector(pod)
    if sel is not None and sel.node_selector_terms:
        t = sel.node_selector_terms[0]
        if t.match_fields:
            return None
        for r in t.match_expressions:
            ch = _requirement_fix(r, labels)
            if ch is False or ch is True:
                return None
            if ch is not None:
                plan[r.key] = ch[1]
    return plan or None


def _requirement_fix(r: NodeSelectorRequirement, labels: dict[str, str]) -> tuple[str, str | None] | bool | None:
    """(key, new value or None to remove) that satisfies r; None when r already holds; False when impossible."""
    from podwhy.analyzers.selectors import node_requirement_matches

    if node_requirement_matches(r, labels):
        return None
    if r.operator == "In" and r.values:
        return (r.key, r.values[0])
    if r.operator in ("NotIn", "DoesNotExist"):
        return (r.key, None)
    if r.operator == "Exists":
        return (r.key, "true")
    if r.operator in ("Gt", "Lt") and len(r.values) == 1 and r.values[0].lstrip("-").isdigit():
        v = int(r.values[0])
        return (r.key, str(v + 1 if r.operator == "Gt" else v - 1))
    return False


def fix_node_affinity(cs: ClusterState, rec: Recomputed, cause: Cause, tgt: Target) -> Fix | None:
    pod = rec.pc.pod
    summary: list[str] = []
    cmds: list[str] = []
    patches: list[str] = []
    # a) label nodes that fail only on NodeAffinity
    plans: dict[str, dict[str, str | None]] = {}
    for n in cause.nodes:
        if not _only(rec, n, "NodeAffinity") or "didn't satisfy plugin" in rec.result.verdicts[n][0].message:
            continue
        plan = _label_plan(pod, cs.infos[n].labels, n)
        if plan:
            plans[n] = plan
    if plans:
        # The answer depends on the pod's filter inputs and the label plan only: pods of other
        # workloads with the same selector and requests reuse it.
        wkey = ("fixes.label-plan", filter_key(cs, pod),
                tuple((n, tuple(sorted(plan.items(), key=lambda kv: kv[0]))) for n, plan in plans.items()))
        feas = cs.whatif.get(wkey)
        if feas is None:
            patched: dict[str, Node] = {}
            for n, plan in plans.items():
                node = cs.infos[n].node
                labels = {k: v for k, v in node.metadata.labels.items() if plan.get(k, "") is not None}
                labels.update({k: v for k, v in plan.items() if v is not None})
                patched[n] = msgspec.structs.replace(node, metadata=msgspec.structs.replace(node.metadata, labels=labels))
            feas = cs.whatif[wkey] = feasible_with_pod(cs.replacing(patched=patched), pod, only=list(plans))
        feas = list(feas)
        if feas:
            plan0 = plans[feas[0]]
            args = " ".join(f"{k}={v}" if v is not None else f"{k}-" for k, v in plan0.items())
            summary.append(f"label {_names(feas)} with {args}: the pod then fits there")
            cmds += [f"kubectl label node {n} " + " ".join(f"{k}={v}" if v is not None else f"{k}-"
                                                           for k, v in plans[n].items()) + " --overwrite"
                     for n in feas[:MAX_NAMED]]
    # b) drop the pod's selector / required node affinity
    aff = pod.spec.affinity
    new_aff = None if aff is None else msgspec.structs.replace(aff, node_affinity=None)
    if new_aff is not None and new_aff == Affinity():
        new_aff = None
    dropped = msgspec.structs.replace(pod, spec=msgspec.structs.replace(pod.spec, node_selector={}, affinity=new_aff))
    feas2 = feasible_with_pod(cs, dropped, rec, frozenset({"NodeAffinity", "PodTopologySpread"}))
    if feas2:
        ops: list[dict[str, Any]] = []
        if pod.spec.node_selector:
            ops.append({"op": "remove", "path": f"{tgt.spec_path}/nodeSelector"})
        if node_affinity.required_selector(pod) is not None:
            ops.append({"op": "remove", "path": f"{tgt.spec_path}/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"})
        summary.append(f"or drop the pod's nodeSelector/required node affinity: it then fits {_names(feas2)}")
        cmds.append(_recreate_note(tgt) if tgt.is_pod else tgt.json_patch(ops))
    if not summary:
        return None
    return Fix(summary="; ".join(summary), commands=[c for c in cmds if c], patches=patches)


# ---- ports, spread, affinity, nodeName, gates ------------------------------------------------------------------

def fix_host_port(cs: ClusterState, rec: Recomputed, cause: Cause) -> Fix | None:
    pod = rec.pc.pod
    removed: dict[str, list[Pod]] = {}
    holders: dict[str, list[str]] = {}
    for n in cause.nodes:
        if not _only(rec, n, "NodePorts"):
            continue
        st: Status = rec.result.verdicts[n][0]
        refs = set(st.detail.get("heldBy", [])) if st.detail else set()
        pods = [p for p in cs.infos[n].pods if f"{p.metadata.namespace}/{p.metadata.name}" in refs]
        if pods:
            removed[n] = pods
            holders[n] = sorted(refs)
    if not removed:
        return None
    feas = feasible_with_pod(cs.replacing(removed_pods=removed), pod, only=list(removed))
    if not feas:
        return None
    n0 = feas[0]
    ns, name = holders[n0][0].split("/", 1)
    return Fix(summary=(f"free the host port on {_names(feas)}: it is held by {', '.join(holders[n0])} on {n0}; "
                        "move that pod, or give this pod another hostPort (or none: use a Service)"),
               commands=[f"kubectl -n {ns} get pod {name} -o wide"])


def fix_spread(cs: ClusterState, rec: Recomputed, cause: Cause, tgt: Target) -> Fix | None:
    pod = rec.pc.pod
    needs: list[tuple[int, int]] = []
    for n in cause.nodes:
        if _only(rec, n, "PodTopologySpread"):
            d = rec.result.verdicts[n][0].detail or {}
            if "skew" in d:
                needs.append((int(d["skew"]), int(d["constraint"])))
    hard_idx = [i for i, c in enumerate(pod.spec.topology_spread_constraints) if c.when_unsatisfiable == "DoNotSchedule"]
    if not needs or not hard_idx:
        return None
    skew, ci = min(needs)
    real = hard_idx[ci]
    cons = list(pod.spec.topology_spread_constraints)
    cons[real] = msgspec.structs.replace(cons[real], max_skew=skew)
    p1 = msgspec.structs.replace(pod, spec=msgspec.structs.replace(pod.spec, topology_spread_constraints=tuple(cons)))
    feas = feasible_with_pod(cs, p1, rec, frozenset({"PodTopologySpread"}))
    cons2 = list(pod.spec.topology_spread_constraints)
    cons2[real] = msgspec.structs.replace(cons2[real], when_unsatisfiable="ScheduleAnyway")
    p2 = msgspec.structs.replace(pod, spec=msgspec.structs.replace(pod.spec, topology_spread_constraints=tuple(cons2)))
    feas2 = feasible_with_pod(cs, p2, rec, frozenset({"PodTopologySpread"}))
    parts: list[str] = []
    cmds: list[str] = []
    key = cons[real].topology_key
    if feas:
        parts.append(f"raise maxSkew of the {key} constraint to {skew}: it then fits {_names(feas)}")
        cmds.append(_recreate_note(tgt) or tgt.json_patch([{"op": "replace", "path": f"{tgt.spec_path}/topologySpreadConstraints/{real}/maxSkew", "value": skew}]))
    if feas2:
        parts.append(f"or make it whenUnsatisfiable: ScheduleAnyway: it then fits {_names(feas2)}")
        cmds.append(_recreate_note(tgt) or tgt.json_patch([{"op": "replace", "path": f"{tgt.spec_path}/topologySpreadConstraints/{real}/whenUnsatisfiable", "value": "ScheduleAnyway"}]))
    if not parts:
        return None
    return Fix(summary="; ".join(parts) + " (or add nodes in the least-loaded domains)", commands=list(dict.fromkeys(cmds)))


def fix_existing_anti_affinity(cs: ClusterState, rec: Recomputed, cause: Cause) -> Fix | None:
    """Other pods' required anti-affinity repels this pod: name them, verified by taking them away."""
    refs: set[str] = set()
    for n in cause.nodes:
        st = rec.result.verdicts[n][0]
        if st.reasons == (REASON_EXISTING_ANTI,) and st.detail:
            refs.update(st.detail.get("pods", []))
    if not refs:
        return None
    removed: dict[str, list[Pod]] = {}
    for p, ni in cs.bound:
        if f"{p.metadata.namespace}/{p.metadata.name}" in refs:
            removed.setdefault(ni.name, []).append(p)
    feas = feasible_with_pod(cs.replacing(removed_pods=removed), rec.pc.pod, rec, frozenset({"InterPodAffinity"}))
    if not feas:
        return None
    names = sorted(refs)
    return Fix(summary=(f"the required podAntiAffinity of {', '.join(names[:MAX_NAMED])} repels this pod; relax that rule "
                        f"(or move those pods): without them the pod fits {_names(feas)}"),
               commands=[f"kubectl -n {r.split('/', 1)[0]} get pod {r.split('/', 1)[1]} -o jsonpath='{{.spec.affinity.podAntiAffinity}}'"
                         for r in names[:MAX_NAMED]])


def fix_pod_affinity(cs: ClusterState, rec: Recomputed, cause: Cause, tgt: Target, anti: bool) -> Fix | None:
    pod = rec.pc.pod
    aff = pod.spec.affinity
    if anti and all(rec.result.verdicts[n][0].reasons == (REASON_EXISTING_ANTI,) for n in cause.nodes):
        return fix_existing_anti_affinity(cs, rec, cause)
    if aff is None:
        return None
    own = aff.pod_anti_affinity if anti else aff.pod_affinity
    if own is None or not own.required_during_scheduling_ignored_during_execution:
        return None
    field_name = "podAntiAffinity" if anti else "podAffinity"
    new_aff = msgspec.structs.replace(aff, **{"pod_anti_affinity" if anti else "pod_affinity": None})
    p1 = msgspec.structs.replace(pod, spec=msgspec.structs.replace(pod.spec, affinity=new_aff))
    feas = feasible_with_pod(cs, p1, rec, frozenset({"InterPodAffinity"}))
    if not feas:
        return None
    path = f"{tgt.spec_path}/affinity/{field_name}/requiredDuringSchedulingIgnoredDuringExecution"
    return Fix(summary=(f"turn the required {field_name} into preferredDuringScheduling (or relax its selector/"
                        f"topologyKey): without it the pod fits {_names(feas)}"),
               commands=[_recreate_note(tgt) or tgt.json_patch([{"op": "remove", "path": path}])])


def fix_node_name(cs: ClusterState, rec: Recomputed, tgt: Target, who: tuple[str, str] | None = None) -> Fix | None:
    """`who`: the (namespace, name) to print for the pod (placeholders in class-shared findings)."""
    pod = rec.pc.pod
    p1 = msgspec.structs.replace(pod, spec=msgspec.structs.replace(pod.spec, node_name=""))
    feas = feasible_with_pod(cs, p1, rec, frozenset({"NodeName"}))
    if not feas:
        return None
    ns, name = who or (pod.metadata.namespace, pod.metadata.name)
    cmds = [f"kubectl -n {ns} delete pod {name}"]
    if tgt.is_pod:
        cmds.append("# then re-create it without spec.nodeName (use nodeSelector/affinity to steer it)")
    return Fix(summary=(f"spec.nodeName is immutable: re-create the pod without it (use a nodeSelector instead); "
                        f"the scheduler would then place it on {_names(feas)}"), commands=cmds)


def _ungate_command(pod: Pod) -> str:
    body = '[{"op":"remove","path":"/spec/schedulingGates"}]'
    return f"kubectl -n {pod.metadata.namespace} patch pod {pod.metadata.name} --type=json -p '{body}'"


_UNGATE = "let the controller that owns the gate remove it (removing it by hand bypasses that controller); "


def fix_gates(cs: ClusterState, rec: Recomputed) -> Fix | None:
    pod = rec.pc.pod
    p1 = msgspec.structs.replace(pod, spec=msgspec.structs.replace(pod.spec, scheduling_gates=()))
    feas = feasible_with_pod(cs, p1, rec, frozenset({"SchedulingGates"}))
    where = f"it would then fit {_names(feas)}" if feas else "but even then no node fits yet (see the node table)"
    return Fix(summary=_UNGATE + where, commands=[_ungate_command(pod)])


def fix_gates_unknown_fit(pod: Pod) -> Fix:
    """Nodes were not in the input (or not readable): where the pod would fit then is not known."""
    return Fix(summary=_UNGATE + "nodes were not in the input, so where it would then fit is not checked",
               commands=[_ungate_command(pod)])
