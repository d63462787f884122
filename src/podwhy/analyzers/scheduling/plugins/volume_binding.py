"""VolumeBinding: PreFilter resolves the pod's claims (missing / being deleted / lost / not owned ->
whole-pod rejection; unbound Immediate or pre-bound claims -> `pod has unbound immediate
PersistentVolumeClaims`; local PVs narrow the nodes); Filter checks bound PVs' node affinity and
whether each WaitForFirstConsumer claim can get a matching PV or be provisioned on the node.
Mirrors pkg/scheduler/framework/plugins/volumebinding/{volume_binding,binder}.go (v1.35) and
k8s.io/component-helpers/storage/volume (FindMatchingVolume, CheckNodeAffinity). CSIStorageCapacity
is not read: capacity is assumed sufficient."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    unresolvable,
)
from podwhy.analyzers.scheduling.plugins.volumes_common import (
    ANN_SELECTED_NODE,
    NO_PROVISIONER,
    claim_class,
    claim_name,
    fully_bound,
    get_class,
    get_pv,
    get_pvc,
    is_delay_binding,
    not_found,
)
from podwhy.analyzers.selectors import label_selector_matches, node_selector_matches
from podwhy.model import PersistentVolume, PersistentVolumeClaim
from podwhy.quantity import try_parse

NAME = "VolumeBinding"
# volume_binding.go PreFilter (1.19+ counted, >=1.26 uncounted).
REASON_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
# binder.go ErrReason* (v1.35).
REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
REASON_NODE_CONFLICT = "node(s) didn't match PersistentVolume's node affinity"  # 1.33+ (was "had volume node affinity conflict")
REASON_PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"  # 1.23+
REASON_NOT_ENOUGH_SPACE = "node(s) did not have enough free storage"
LABEL_HOSTNAME = "kubernetes.io/hostname"


@dataclass
class _State:
    bound: list[PersistentVolumeClaim] = field(default_factory=list)
    delayed: list[PersistentVolumeClaim] = field(default_factory=list)


def pv_matches_node(pv: PersistentVolume, labels: dict[str, str]) -> bool:
    """volume.CheckNodeAffinity: the PV's required node selector against the node's labels only."""
    if pv.spec.node_affinity is None or pv.spec.node_affinity.required is None:
        return True
    return node_selector_matches(pv.spec.node_affinity.required, labels, "")


def local_pv_node_names(pv: PersistentVolume) -> set[str] | None:
    """util.GetLocalPersistentVolumeNodeNames: hostname `In` values of the PV's required terms."""
    if pv.spec.node_affinity is None or pv.spec.node_affinity.required is None:
        return None
    result: set[str] = set()
    for t in pv.spec.node_affinity.required.node_selector_terms:
        nodes: set[str] | None = None
        for r in t.match_expressions:
            if r.key == LABEL_HOSTNAME and r.operator == "In":
                nodes = set(r.values) if nodes is None else nodes & set(r.values)
        result |= nodes or set()
    return result or None


def _request(pvc: PersistentVolumeClaim) -> int:
    q = try_parse(pvc.spec.resources.requests.get("storage"))
    return int(q) if q is not None else 0


def _bound_to_claim(pv: PersistentVolume, pvc: PersistentVolumeClaim) -> bool:
    ref = pv.spec.claim_ref
    if ref is None:
        return False
    if ref.name != pvc.metadata.name or ref.namespace != pvc.metadata.namespace:
        return False
    return not ref.uid or not pvc.metadata.uid or ref.uid == pvc.metadata.uid


def find_matching_pv(pvc: PersistentVolumeClaim, pvs: list[PersistentVolume], labels: dict[str, str],
                     excluded: set[str]) -> PersistentVolume | None:
    """FindMatchingVolume (delayBinding=true): the smallest available PV of the claim's class that fits."""
    want = _request(pvc)
    cls = claim_class(pvc)
    mode = pvc.spec.volume_mode or "Filesystem"
    best: PersistentVolume | None = None
    best_size = 0
    for pv in pvs:
        if pv.metadata.name in excluded:
            continue
        size_q = try_parse(pv.spec.capacity.get("storage"))
        size = int(size_q) if size_q is not None else 0
        if size < want:
            continue
        if (pv.spec.volume_mode or "Filesystem") != mode:
            continue
        if pv.metadata.deletion_timestamp is not None:
            continue
        if not pv_matches_node(pv, labels):
            continue
        if _bound_to_claim(pv, pvc):
            return pv  # pre-bound to this claim
        if pv.spec.claim_ref is not None or pv.status.phase not in ("", "Available"):
            continue
        if pv.spec.storage_class_name != cls:
            continue
        if not set(pvc.spec.access_modes) <= set(pv.spec.access_modes):
            continue
        if pvc.spec.selector is not None and not label_selector_matches(pvc.spec.selector, pv.metadata.labels):
            continue
        if best is None or size < best_size:
            best, best_size = pv, size
    return best


def _topology_matches(terms: Any, labels: dict[str, str]) -> bool:
    # v1helper.MatchTopologySelectorTerms: no terms -> true; else any term whose expressions all match.
    if not terms:
        return True
    return any(all(labels.get(e.key) in e.values for e in t.match_label_expressions) for t in terms)


class VolumeBinding:
    name = NAME
    static = False
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        pod, snap = pc.pod, cs.snap
        ns = pod.metadata.namespace
        claims: list[tuple[str, bool]] = [c for v in pod.spec.volumes if (c := claim_name(pod, v)) is not None]
        if not claims or not snap.has("PersistentVolumeClaim"):
            return PreFilterOutcome(skip=True)
        pvcs: list[PersistentVolumeClaim] = []
        for name, ephemeral in claims:
            pvc = get_pvc(snap, ns, name)
            where = {"pvc": f"{ns}/{name}"}
            if pvc is None:
                if ephemeral:
                    # volume_binding.go podHasPVCs (1.23+).
                    msg = f'waiting for ephemeral volume controller to create the persistentvolumeclaim "{name}"'
                else:
                    msg = not_found("persistentvolumeclaim", name)
                return PreFilterOutcome(status=unresolvable(NAME, msg, detail={
                    **where, "summary": f"PersistentVolumeClaim {ns}/{name} does not exist"}))
            if pvc.status.phase == "Lost":
                return PreFilterOutcome(status=unresolvable(
                    NAME, f'persistentvolumeclaim "{name}" bound to non-existent persistentvolume "{pvc.spec.volume_name}"',
                    detail={**where, "summary": f"claim {name} is Lost (its PV {pvc.spec.volume_name} is gone)"}))
            if pvc.metadata.deletion_timestamp is not None:
                return PreFilterOutcome(status=unresolvable(NAME, f'persistentvolumeclaim "{name}" is being deleted',
                                                            detail={**where, "summary": f"claim {name} is being deleted"}))
            if ephemeral and not any(r.controller and (r.uid == pod.metadata.uid or not pod.metadata.uid)
                                     and r.kind == "Pod" and r.name == pod.metadata.name
                                     for r in pvc.metadata.owner_references):
                return PreFilterOutcome(status=unresolvable(
                    NAME, f"PVC {ns}/{name} was not created for pod {ns}/{pod.metadata.name} (pod is not owner)",
                    detail={**where, "summary": f"claim {name} is not owned by this pod"}))
            pvcs.append(pvc)
        st = _State()
        immediate: list[str] = []
        for pvc in pvcs:
            if fully_bound(pvc):
                st.bound.append(pvc)
            elif is_delay_binding(snap, pvc) and not pvc.spec.volume_name:
                st.delayed.append(pvc)
            else:
                immediate.append(pvc.metadata.name)
        if immediate:
            return PreFilterOutcome(status=unresolvable(NAME, REASON_UNBOUND_IMMEDIATE, detail={
                "pvcs": [f"{ns}/{n}" for n in immediate],
                "summary": f"PersistentVolumeClaim {ns}/{immediate[0]} is not bound and its binding mode is Immediate"}))
        pc.state[NAME] = st
        eligible: set[str] | None = None
        if snap.has("PersistentVolume"):
            for pvc in st.bound:
                pv = get_pv(snap, pvc.spec.volume_name)
                names = local_pv_node_names(pv) if pv is not None else None
                if names:
                    eligible = set(names) if eligible is None else eligible & names
        if eligible is not None:
            return PreFilterOutcome(node_names=frozenset(eligible))
        return None

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        st: _State | None = pc.state.get(NAME)
        if st is None:
            return None
        snap = cs.snap
        labels = ni.labels
        bound_ok, pvs_found, unbound_ok, enough = True, True, True, True
        detail: dict[str, Any] = {}
        if snap.has("PersistentVolume"):
            for pvc in st.bound:
                pv = get_pv(snap, pvc.spec.volume_name)
                if pv is None:
                    pvs_found = False
                    detail.setdefault("summary", f"claim {pvc.metadata.name} is bound to PV {pvc.spec.volume_name}, which does not exist")
                    break
                if not pv_matches_node(pv, labels):
                    bound_ok = False
                    detail.update({"pvc": pvc.metadata.name, "pv": pv.metadata.name})
                    detail.setdefault("summary", f"PV {pv.metadata.name} (claim {pvc.metadata.name}) has node affinity that excludes this node")
                    break
        if st.delayed:
            unbound_ok = self._delayed_ok(cs, st.delayed, ni, detail)
        reasons: list[str] = []
        if not bound_ok:
            reasons.append(REASON_NODE_CONFLICT)
        if not unbound_ok:
            reasons.append(REASON_BIND_CONFLICT)
        if not pvs_found:
            reasons.append(REASON_PV_NOT_EXIST)
        if not enough:
            reasons.append(REASON_NOT_ENOUGH_SPACE)
        if not reasons:
            return None
        return unresolvable(NAME, *reasons, detail=detail)

    def _delayed_ok(self, cs: ClusterState, delayed: list[PersistentVolumeClaim], ni: NodeInfo,
                    detail: dict[str, Any]) -> bool:
        snap = cs.snap
        to_match: list[PersistentVolumeClaim] = []
        to_provision: list[PersistentVolumeClaim] = []
        for pvc in delayed:
            sel = pvc.metadata.annotations.get(ANN_SELECTED_NODE)
            if sel is not None:
                if sel != ni.name:
                    detail.setdefault("summary", f"claim {pvc.metadata.name} is being provisioned for node {sel}")
                    return False
                to_provision.append(pvc)
            else:
                to_match.append(pvc)
        if to_match and snap.has("PersistentVolume"):
            excluded: set[str] = set()
            for pvc in sorted(to_match, key=_request):
                cls = claim_class(pvc)
                pvs = [pv for pv in snap.pvs if pv.spec.storage_class_name == cls or _bound_to_claim(pv, pvc)]
                pv = find_matching_pv(pvc, pvs, ni.labels, excluded)
                if pv is None:
                    to_provision.append(pvc)
                else:
                    excluded.add(pv.metadata.name)
        elif to_match:
            to_provision.extend(to_match)
        for pvc in to_provision:
            cls_name = claim_class(pvc)
            sc = get_class(snap, cls_name) if cls_name else None
            if sc is None:
                detail.setdefault("summary", f"claim {pvc.metadata.name}: no PV matches and StorageClass {cls_name!r} is unknown")
                return False
            if not sc.provisioner or sc.provisioner == NO_PROVISIONER:
                detail.setdefault("summary", f"claim {pvc.metadata.name}: no available PV matches and StorageClass "
                                             f"{cls_name} cannot provision ({sc.provisioner or 'no provisioner'})")
                detail.setdefault("pvc", pvc.metadata.name)
                return False
            if not _topology_matches(sc.allowed_topologies, ni.labels):
                detail.setdefault("summary", f"StorageClass {cls_name} allowedTopologies exclude this node")
                return False
        return True
