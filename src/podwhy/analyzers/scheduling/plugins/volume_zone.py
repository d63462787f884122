"""VolumeZone: a bound PV's zone/region labels must match the node's (when the node has any).
Mirrors pkg/scheduler/framework/plugins/volumezone/volume_zone.go (v1.35)."""

from __future__ import annotations

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    unresolvable,
)
from podwhy.analyzers.scheduling.plugins.volumes_common import (
    claim_class,
    get_class,
    get_pv,
    get_pvc,
    not_found,
)

NAME = "VolumeZone"
# volume_zone.go ErrReasonConflict (1.14 -> 1.35).
REASON = "node(s) had no available volume zone"
TOPOLOGY_LABELS = (
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
)
GA = {"failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
      "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region"}


class VolumeZone:
    name = NAME
    static = True
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        pod, snap = pc.pod, cs.snap
        if not any(v.persistent_volume_claim for v in pod.spec.volumes) or not snap.has("PersistentVolumeClaim"):
            return PreFilterOutcome(skip=True)
        ns = pod.metadata.namespace
        topo: list[tuple[str, str, frozenset[str]]] = []
        for v in pod.spec.volumes:
            if v.persistent_volume_claim is None:
                continue
            name = v.persistent_volume_claim.claim_name
            if not name:
                return PreFilterOutcome(status=unresolvable(NAME, "PersistentVolumeClaim had no name"))
            pvc = get_pvc(snap, ns, name)
            if pvc is None:
                return PreFilterOutcome(status=unresolvable(NAME, not_found("persistentvolumeclaim", name)))
            pv_name = pvc.spec.volume_name
            if not pv_name:
                cls = claim_class(pvc)
                if not cls:
                    return PreFilterOutcome(status=unresolvable(NAME, "PersistentVolumeClaim had no pv name and storageClass name"))
                if not snap.has("StorageClass"):
                    continue
                sc = get_class(snap, cls)
                if sc is None:
                    return PreFilterOutcome(status=unresolvable(NAME, not_found("storageclass.storage.k8s.io", cls)))
                if sc.volume_binding_mode == "WaitForFirstConsumer":
                    continue
                return PreFilterOutcome(status=unresolvable(NAME, "PersistentVolume had no name"))
            if not snap.has("PersistentVolume"):
                continue
            pv = get_pv(snap, pv_name)
            if pv is None:
                return PreFilterOutcome(status=unresolvable(NAME, not_found("persistentvolume", pv_name)))
            for key in TOPOLOGY_LABELS:
                if key in pv.metadata.labels:
                    # volumehelpers.LabelZonesToSet: "__"-separated value sets.
                    topo.append((pv.metadata.name, key, frozenset(pv.metadata.labels[key].split("__"))))
        if not topo:
            return PreFilterOutcome(skip=True)
        pc.state[NAME] = topo
        return None

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        topo: list[tuple[str, str, frozenset[str]]] = pc.state.get(NAME, [])
        labels = ni.labels
        if not topo or not any(k in labels for k in TOPOLOGY_LABELS):
            return None
        for pv, key, values in topo:
            have = labels.get(key)
            if have is None:
                have = labels.get(GA.get(key, key))
            if have is None or have not in values:
                return unresolvable(NAME, REASON, detail={
                    "pv": pv, "label": key, "wanted": sorted(values), "node": have,
                    "summary": f"PV {pv} is in {key}={'/'.join(sorted(values))}, node is in {have or '(none)'}"})
        return None
