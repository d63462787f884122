"""NodeVolumeLimits: the number of unique CSI volumes per driver on a node (existing pods' plus the
pod's new ones) must stay within CSINode.spec.drivers[].allocatable.count.
Mirrors pkg/scheduler/framework/plugins/nodevolumelimits/csi.go (v1.35). In-tree volumes are not
translated to CSI here (migration tables are not modelled); VolumeAttachments are not read."""

from __future__ import annotations

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    unschedulable,
)
from podwhy.analyzers.scheduling.plugins.volumes_common import (
    claim_class,
    claim_name,
    get_class,
    get_pv,
    get_pvc,
)
from podwhy.model import CSINode, Pod

NAME = "NodeVolumeLimits"
# nodevolumelimits/csi.go ErrReasonMaxVolumeCountExceeded (1.14 -> 1.35).
REASON = "node(s) exceed max volume count"


def csi_volumes(cs: ClusterState, pod: Pod) -> dict[str, str]:
    """unique volume name (driver/handle) -> driver, for the pod's PVC-backed CSI volumes."""
    out: dict[str, str] = {}
    snap = cs.snap
    for v in pod.spec.volumes:
        c = claim_name(pod, v)
        if c is None:
            continue
        pvc = get_pvc(snap, pod.metadata.namespace, c[0])
        if pvc is None:
            continue
        driver = handle = ""
        if pvc.spec.volume_name:
            pv = get_pv(snap, pvc.spec.volume_name)
            if pv is not None and pv.spec.csi is not None:
                driver, handle = pv.spec.csi.driver, pv.spec.csi.volume_handle
        else:
            # getCSIDriverInfoFromSC: unbound claim, driver from the class' provisioner.
            sc = get_class(snap, claim_class(pvc))
            if sc is not None:
                driver, handle = sc.provisioner, f"{pvc.metadata.namespace}-{pvc.metadata.name}"
        if driver and handle:
            out[f"{driver}/{handle}"] = driver
    return out


class NodeVolumeLimits:
    name = NAME
    static = False
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        if not pc.pod.spec.volumes or not cs.snap.has("CSINode") or not cs.snap.has("PersistentVolumeClaim"):
            return PreFilterOutcome(skip=True)
        new = csi_volumes(cs, pc.pod)
        if not new:
            return PreFilterOutcome(skip=True)
        pc.state[NAME] = new
        return None

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        new: dict[str, str] = pc.state.get(NAME, {})
        csinode = cs.snap.get("CSINode", "", ni.name)
        if not isinstance(csinode, CSINode):
            return None
        limits = {d.name: d.allocatable.count for d in csinode.spec.drivers
                  if d.allocatable is not None and d.allocatable.count is not None}
        if not limits:
            return None
        attached: dict[str, str] = {}
        for p in ni.pods:
            attached.update(csi_volumes(cs, p))
        per_driver_new: dict[str, int] = {}
        for uniq, drv in new.items():
            if uniq not in attached:
                per_driver_new[drv] = per_driver_new.get(drv, 0) + 1
        for drv, n in per_driver_new.items():
            limit = limits.get(drv)
            if limit is None:
                continue
            used = sum(1 for d in attached.values() if d == drv)
            if used + n > limit:
                return unschedulable(NAME, REASON, detail={
                    "driver": drv, "attached": used, "new": n, "limit": limit,
                    "summary": f"{drv}: {used} volumes attached + {n} new > limit {limit}"})
        return None
