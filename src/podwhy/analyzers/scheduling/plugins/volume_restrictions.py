"""VolumeRestrictions: in-tree disk conflicts with pods on the node (GCE PD, EBS, iSCSI, RBD) and
ReadWriteOncePod claims already in use. Its PreFilter also looks every claim up (a missing one
rejects the pod with the lister's NotFound text).
Mirrors pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go (v1.35)."""

from __future__ import annotations

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    pod_ref,
    unresolvable,
    unschedulable,
)
from podwhy.analyzers.scheduling.plugins.volumes_common import get_pvc, not_found
from podwhy.model import Pod, Volume

NAME = "VolumeRestrictions"
# volume_restrictions.go ErrReasonDiskConflict (1.14 -> 1.35).
REASON_DISK = "node(s) had no available disk"
# volume_restrictions.go ErrReasonReadWriteOncePodConflict (1.34+ wording).
REASON_RWOP = "node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod"


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return bool(set(a) & set(b))


def volume_conflict(v: Volume, other: Pod) -> bool:
    """isVolumeConflict: same disk used read-write by another pod on the node."""
    for e in other.spec.volumes:
        if v.gce_persistent_disk and e.gce_persistent_disk and \
                v.gce_persistent_disk.pd_name == e.gce_persistent_disk.pd_name and \
                not (v.gce_persistent_disk.read_only and e.gce_persistent_disk.read_only):
            return True
        if v.aws_elastic_block_store and e.aws_elastic_block_store and \
                v.aws_elastic_block_store.volume_id == e.aws_elastic_block_store.volume_id:
            return True
        if v.iscsi and e.iscsi and v.iscsi.iqn == e.iscsi.iqn and not (v.iscsi.read_only and e.iscsi.read_only):
            return True
        if v.rbd and e.rbd:
            pool, epool = v.rbd.pool or "rbd", e.rbd.pool or "rbd"  # API default pool
            if _overlap(v.rbd.monitors, e.rbd.monitors) and pool == epool and v.rbd.image == e.rbd.image \
                    and not (v.rbd.read_only and e.rbd.read_only):
                return True
    return False


def _needs_check(pod: Pod) -> bool:
    return any(v.gce_persistent_disk or v.aws_elastic_block_store or v.rbd or v.iscsi or v.persistent_volume_claim
               for v in pod.spec.volumes)


class VolumeRestrictions:
    name = NAME
    static = False
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        pod = pc.pod
        if not _needs_check(pod):
            return PreFilterOutcome(skip=True)
        rwop: list[str] = []
        if cs.snap.has("PersistentVolumeClaim"):
            for v in pod.spec.volumes:
                if v.persistent_volume_claim is None:
                    continue
                name = v.persistent_volume_claim.claim_name
                pvc = get_pvc(cs.snap, pod.metadata.namespace, name)
                if pvc is None:
                    return PreFilterOutcome(status=unresolvable(NAME, not_found("persistentvolumeclaim", name), detail={
                        "pvc": f"{pod.metadata.namespace}/{name}",
                        "summary": f"PersistentVolumeClaim {pod.metadata.namespace}/{name} does not exist"}))
                if "ReadWriteOncePod" in pvc.spec.access_modes:
                    rwop.append(name)
        users: list[str] = []
        if rwop:
            ns = pod.metadata.namespace
            for p, _ni in cs.bound:
                if p.metadata.namespace != ns or (p.metadata.uid and p.metadata.uid == pod.metadata.uid):
                    continue
                for v in p.spec.volumes:
                    cn = v.persistent_volume_claim.claim_name if v.persistent_volume_claim else (
                        f"{p.metadata.name}-{v.name}" if v.ephemeral is not None else None)
                    if cn in rwop:
                        users.append(f"{pod_ref(p)} (claim {cn})")
        pc.state[NAME] = users
        return None

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        for v in pc.pod.spec.volumes:
            if not (v.gce_persistent_disk or v.aws_elastic_block_store or v.iscsi or v.rbd):
                continue
            for p in ni.pods:
                if volume_conflict(v, p):
                    return unschedulable(NAME, REASON_DISK, detail={
                        "volume": v.name, "heldBy": pod_ref(p),
                        "summary": f"volume {v.name!r} is already mounted read-write by pod {pod_ref(p)}"})
        users: list[str] = pc.state.get(NAME, [])
        if users:
            return unschedulable(NAME, REASON_RWOP, detail={
                "usedBy": users, "summary": f"ReadWriteOncePod claim in use by {users[0]}"})
        return None
