"""`volume.limit-exceeded`: a node's CSI attach limit is used up (semantics A2.8).

Mirrors kube-scheduler 1.35 `nodevolumelimits/csi.go`: limit per driver =
`CSINode.spec.drivers[].allocatable.count`; unique volumes (driver + volume handle) already used by
the pods on the node, plus the pod's new ones (a bound PV's CSI handle; an unbound claim counts for
its StorageClass's provisioner; an inline CSI volume for its driver); fail when existing + new >
limit. No CSINode or no count for a driver -> no limit. Only nodes the pod could otherwise use count.
"""

from __future__ import annotations

from collections import defaultdict

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.volumes import topology
from podwhy.analyzers.volumes.common import RANK_ROOT, RANK_TEXT, pod_claims, scheduler_evidence
from podwhy.analyzers.volumes.messages import SchedulerSays
from podwhy.analyzers.volumes.storageclass import claim_class
from podwhy.findings import Evidence, Finding, Fix
from podwhy.model import CSINode, PersistentVolume, PersistentVolumeClaim, Pod
from podwhy.snapshot import Snapshot


def _pod_volumes(snap: Snapshot, pod: Pod) -> dict[str, set[str]]:
    """driver -> unique volume handles the pod uses."""
    out: dict[str, set[str]] = defaultdict(set)
    ns = pod.metadata.namespace
    for pc in pod_claims(pod):
        pvc = snap.get("PersistentVolumeClaim", ns, pc.claim)
        if not isinstance(pvc, PersistentVolumeClaim):
            continue
        pv = snap.get("PersistentVolume", "", pvc.spec.volume_name) if pvc.spec.volume_name else None
        if isinstance(pv, PersistentVolume) and pv.spec.csi is not None:
            out[pv.spec.csi.driver].add(pv.spec.csi.volume_handle or pv.metadata.name)
        elif not pvc.spec.volume_name:
            name = claim_class(pvc).name
            sc = snap.get("StorageClass", "", name) if name else None
            if sc is not None and sc.provisioner:
                # csi.go: an unbound claim counts as one new volume of its class's provisioner.
                out[sc.provisioner].add(f"{ns}/{pc.claim}")
    for v in pod.spec.volumes:
        if v.csi is not None and v.csi.driver:
            out[v.csi.driver].add(f"{pod.metadata.uid or pod.metadata.name}/{v.name}")
    return out


def _attached(ctx: Context, node: str) -> dict[str, set[str]]:
    """driver -> unique volumes used by the pods on `node` (the scheduler cache counts every pod that is not
    Succeeded/Failed). Memoised: many pending pods share the nodes."""
    key = f"volumes.attached:{node}"
    hit: dict[str, set[str]] | None = ctx.cache.get(key)
    if hit is None:
        hit = defaultdict(set)
        for other in ctx.snapshot.pods_by_node.get(node, []):
            if other.status.phase in ("Succeeded", "Failed"):
                continue
            for d, handles in _pod_volumes(ctx.snapshot, other).items():
                hit[d] |= handles
        ctx.cache[key] = hit
    return hit


def analyze(ctx: Context, work: Work, says: SchedulerSays) -> Finding | None:
    snap = ctx.snapshot
    pod = work.pod
    if pod is None:
        return None
    sched_ev = scheduler_evidence(work, says) if says.limit else []
    if not (snap.has("CSINode") and snap.has("Node") and snap.has("PersistentVolumeClaim") and snap.csi_nodes):
        if not says.limit:
            return None
        return Finding(
            code="volume.limit-exceeded", severity="error", confidence="likely", rank=RANK_TEXT,
            cause=(f"The scheduler reports {says.limit if says.limit > 0 else 'some'} node(s) at their attachable "
                   "volume limit (NodeVolumeLimits); CSINodes/Nodes were not in the input to recount."),
            evidence=sched_ev, group_key="limit=csi",
            fix=Fix(summary=("Spread volume-heavy pods over more nodes (or add nodes / instance types with a higher "
                             "attach limit); remove unused volume attachments."),
                    commands=["kubectl get csinodes -o custom-columns=NODE:.metadata.name,"
                              "DRIVERS:.spec.drivers[*].name,LIMIT:.spec.drivers[*].allocatable.count",
                              "kubectl get volumeattachments"]))
    new = _pod_volumes(snap, pod)
    if not new:
        return None
    usable = [n for n in snap.nodes if topology.pod_could_use(pod, n)]
    full: list[dict[str, object]] = []
    for node in usable:
        csin = snap.get("CSINode", "", node.metadata.name)
        if not isinstance(csin, CSINode):
            break
        existing = _attached(ctx, node.metadata.name)
        over = None
        for drv in csin.spec.drivers:
            limit = drv.allocatable.count if drv.allocatable is not None else None
            want = new.get(drv.name, set()) - existing.get(drv.name, set())
            if limit is None or not want:
                continue
            if len(existing.get(drv.name, set())) + len(want) > limit:
                over = {"node": node.metadata.name, "driver": drv.name, "limit": limit,
                        "attached": len(existing.get(drv.name, set())), "new": len(want)}
                break
        if over is None:
            break
        full.append(over)
    else:
        if usable and full:
            rows = "; ".join(f"{r['node']}: {r['driver']} {r['attached']}+{r['new']} > {r['limit']}" for r in full[:10])
            return Finding(
                code="volume.limit-exceeded", severity="error", confidence="certain", rank=RANK_ROOT,
                cause=(f"Every node the pod could use is at its CSI attach limit (attached + this pod's new "
                       f"volumes > CSINode allocatable.count): {rows}."),
                evidence=[*(Evidence(ref=f"CSINode/{r['node']}", field=".spec.drivers[].allocatable.count",
                                     observed=str(r["limit"]),
                                     expected=f">= {int(str(r['attached'])) + int(str(r['new']))}")
                            for r in full[:5]), *sched_ev],
                group_key=f"limit={full[0]['driver']}", details={"nodes": full},
                fix=Fix(summary=("Spread volume-heavy pods (topology spread / anti-affinity), add nodes, or use "
                                 "instance types with a higher attach limit; delete unused PVC-backed pods."),
                        commands=["kubectl get volumeattachments", "kubectl get csinodes -o yaml"]))
    if says.limit:
        return Finding(
            code="volume.limit-exceeded", severity="error", confidence="likely", rank=RANK_TEXT,
            cause=(f"The scheduler reports {says.limit if says.limit > 0 else 'some'} node(s) at their attachable "
                   "volume limit; recounting from CSINodes did not find every usable node full."),
            evidence=sched_ev, group_key="limit=csi",
            fix=Fix(summary="Spread volume-heavy pods over more nodes or add nodes.",
                    commands=["kubectl get volumeattachments", "kubectl get csinodes -o yaml"]))
    return None
