"""`volume.node-affinity-conflict`: the bound PVs' node affinity/zones leave the pod no node.

Recomputed from Nodes when they are loaded (VolumeBinding + VolumeZone filters, topology.py);
otherwise the PVs are compared with each other (two claims bound in different zones can never be
mounted by one pod) and the scheduler's own reason strings (messages.py) are the evidence.
"""

from __future__ import annotations

from itertools import combinations

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.volumes import topology
from podwhy.analyzers.volumes.common import RANK_ROOT, RANK_TEXT, scheduler_evidence
from podwhy.analyzers.volumes.messages import SchedulerSays
from podwhy.findings import Evidence, Finding, Fix
from podwhy.model import PersistentVolume, PersistentVolumeClaim


def _pv_text(pvc: PersistentVolumeClaim, pv: PersistentVolume) -> str:
    zones = topology.zones_of(pv)
    where = f"zone {'/'.join(zones)}" if zones else "node affinity " + _affinity_text(pv)
    return f"claim {pvc.metadata.name!r} -> PV {pv.metadata.name!r} ({where})"


def _affinity_text(pv: PersistentVolume) -> str:
    terms = topology.pv_constraints(pv)
    if not terms:
        return "(none)"
    return " OR ".join("{" + ", ".join(f"{k} in {sorted(v)}" for k, v in sorted(t.items())) + "}" for t in terms)


def _pv_evidence(pv: PersistentVolume) -> Evidence:
    return Evidence(ref=f"PersistentVolume/{pv.metadata.name}", field=".spec.nodeAffinity.required / zone labels",
                    observed=_affinity_text(pv))


def _commands(work: Work, bound: list[tuple[PersistentVolumeClaim, PersistentVolume]]) -> list[str]:
    names = " ".join(pv.metadata.name for _, pv in bound)
    return [
        f"kubectl get pv {names} -L topology.kubernetes.io/zone -o wide",
        "kubectl get nodes -L topology.kubernetes.io/zone",
        "kubectl get storageclass -o custom-columns=NAME:.metadata.name,MODE:.volumeBindingMode",
    ]


FIX_SUMMARY = ("Put the pod where its volumes are: add/scale nodes in the volume's zone (usable by this pod), or "
               "move the data (snapshot and restore into the right zone). Use a WaitForFirstConsumer StorageClass "
               "so new volumes are created in the zone the pod is scheduled to.")


def analyze(ctx: Context, work: Work, bound: list[tuple[PersistentVolumeClaim, PersistentVolume]],
            says: SchedulerSays) -> Finding | None:
    snap = ctx.snapshot
    pod = work.pod
    assert pod is not None
    text_hit = bool(says.node_affinity or says.zone)
    sched_ev = scheduler_evidence(work, says) if text_hit else []
    group = "pv=" + ",".join(sorted(pv.metadata.name for _, pv in bound))
    # 1. Pairs of PVs that no single node can satisfy.
    for (ca, pa), (cb, pb) in combinations(bound, 2):
        if not topology.compatible(topology.pv_constraints(pa), topology.pv_constraints(pb)):
            return Finding(
                code="volume.node-affinity-conflict", severity="error", confidence="certain", rank=RANK_ROOT,
                cause=(f"The pod mounts two volumes that no single node can reach: {_pv_text(ca, pa)} and "
                       f"{_pv_text(cb, pb)}. Every node fails VolumeBinding/VolumeZone for one of them."),
                evidence=[_pv_evidence(pa), _pv_evidence(pb), *sched_ev], group_key=group,
                details={"volumes": [{"claim": c.metadata.name, "pv": p.metadata.name, "zones": topology.zones_of(p)}
                                     for c, p in bound]},
                fix=Fix(summary=("Move one volume's data into the other's zone (snapshot + restore, or delete and "
                                 "re-provision with a WaitForFirstConsumer StorageClass so both are created where "
                                 "the pod runs)."), commands=_commands(work, bound)))
    # 2. Recompute against the nodes the pod could otherwise use.
    if snap.has("Node") and snap.nodes:
        usable = [n for n in snap.nodes if topology.pod_could_use(pod, n)]
        if not usable:
            return None  # the pod's own selector/taints exclude everything: not a volume problem
        ok = [n for n in usable if all(topology.pv_allows(pv, n) for _, pv in bound)]
        if ok:
            return None
        per_pv = []
        for c, pv in bound:
            allowed = [n.metadata.name for n in usable if topology.pv_allows(pv, n)]
            per_pv.append({"claim": c.metadata.name, "pv": pv.metadata.name, "zones": topology.zones_of(pv),
                           "usableNodesAllowed": allowed})
        blockers = [(c, pv) for c, pv in bound if not any(topology.pv_allows(pv, n) for n in usable)]
        what = "; ".join(_pv_text(c, pv) for c, pv in (blockers or bound))
        return Finding(
            code="volume.node-affinity-conflict", severity="error", confidence="certain", rank=RANK_ROOT,
            cause=(f"The pod's volumes exclude every node it could otherwise use: {what}; the {len(usable)} node(s) "
                   f"that pass its nodeSelector/affinity/taints are in zone(s) {topology.zones_text(usable)}."),
            evidence=[*(_pv_evidence(pv) for _, pv in (blockers or bound)),
                      Evidence(ref=work.ref, field="usable nodes",
                               observed=", ".join(f"{n.metadata.name} ({topology.node_zone(n) or 'no zone'})"
                                                  for n in usable[:10]))],
            group_key=group, details={"volumes": per_pv, "usableNodes": [n.metadata.name for n in usable]},
            fix=Fix(summary=FIX_SUMMARY, commands=_commands(work, bound)))
    if text_hit:
        pvs = "; ".join(_pv_text(c, pv) for c, pv in bound)
        return Finding(
            code="volume.node-affinity-conflict", severity="error", confidence="likely", rank=RANK_TEXT,
            cause=(f"The scheduler reports nodes rejected by the volumes' node affinity/zone ({pvs}); Nodes were not in "
                   "the input, so which nodes remain cannot be recomputed."),
            evidence=[*sched_ev, *(_pv_evidence(pv) for _, pv in bound)], group_key=group,
            fix=Fix(summary=FIX_SUMMARY, commands=_commands(work, bound)))
    return None


def from_text_only(work: Work, says: SchedulerSays) -> Finding:
    n = max(says.node_affinity, 0) + max(says.zone, 0)
    count = f"{n} node(s)" if n > 0 else "nodes"
    return Finding(
        code="volume.node-affinity-conflict", severity="error", confidence="likely", rank=RANK_TEXT,
        cause=(f"The scheduler rejected {count} because a bound PersistentVolume's node affinity or zone does not "
               "include them; the pod can only run where its volumes are (a common cause: two claims bound to "
               "volumes in different zones). PVs/Nodes were not in the input to name the zones."),
        evidence=scheduler_evidence(work, says), group_key=f"pod={work.namespace}/{work.name}",
        fix=Fix(summary=FIX_SUMMARY,
                commands=[f"kubectl get pvc -n {work.namespace} -o wide",
                          "kubectl get pv -L topology.kubernetes.io/zone -o custom-columns=NAME:.metadata.name,"
                          "CLAIM:.spec.claimRef.name,AFFINITY:.spec.nodeAffinity.required",
                          "kubectl get nodes -L topology.kubernetes.io/zone"]))

