"""Why no PersistentVolume matches a claim: every PV compared field by field.

Mirrors k8s.io/component-helpers/storage/volume/pv_helpers.go FindMatchingVolume (1.35) and the PV
controller's index (pkg/controller/volume/persistentvolume/index.go findByClaim, which only looks
at volumes whose access modes are a superset of the claim's): a PV bound to another claim is
skipped; capacity must be >= the request; volumeMode (nil = Filesystem) must be equal; a deleting
PV is skipped; a PV pre-bound to this claim (claimRef) wins; otherwise the PV must be Available,
match the claim's selector, have the same class (GetPersistentVolumeClass: the beta annotation
first) and carry every requested access mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from podwhy.analyzers.selectors import label_selector_matches
from podwhy.findings import Evidence
from podwhy.model import ObjectMeta, PersistentVolume, PersistentVolumeClaim
from podwhy.quantity import try_parse

PV_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def pv_class(pv: PersistentVolume) -> str:
    return pv.metadata.annotations.get(PV_CLASS_ANNOTATION, pv.spec.storage_class_name or "")


def bound_to(pv: PersistentVolume, pvc: PersistentVolumeClaim) -> bool:
    ref = pv.spec.claim_ref
    if ref is None or ref.name != pvc.metadata.name or ref.namespace != pvc.metadata.namespace:
        return False
    return not ref.uid or not pvc.metadata.uid or ref.uid == pvc.metadata.uid


@dataclass
class PVVerdict:
    pv: str
    phase: str
    storage_class: str
    capacity: str
    access_modes: list[str]
    volume_mode: str
    claim_ref: str
    mismatches: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.mismatches

    def as_row(self) -> dict[str, object]:
        return {"pv": self.pv, "phase": self.phase, "storageClass": self.storage_class, "capacity": self.capacity,
                "accessModes": self.access_modes, "volumeMode": self.volume_mode, "claimRef": self.claim_ref,
                "mismatches": self.mismatches}


def compare(pvc: PersistentVolumeClaim, pv: PersistentVolume, requested_class: str) -> PVVerdict:
    """All the reasons `pv` cannot bind `pvc` (empty when it can)."""
    ref = pv.spec.claim_ref
    ref_text = f"{ref.namespace}/{ref.name}" if ref is not None else ""
    cap_q = pv.spec.capacity.get("storage")
    cap = try_parse(cap_q)
    v = PVVerdict(pv=pv.metadata.name, phase=pv.status.phase or "?", storage_class=pv_class(pv),
                  capacity=str(cap_q) if cap_q is not None else "?", access_modes=list(pv.spec.access_modes),
                  volume_mode=pv.spec.volume_mode or "Filesystem", claim_ref=ref_text)
    m = v.mismatches
    prebound = bound_to(pv, pvc)
    if ref is not None and not prebound:
        if pv.status.phase == "Released":
            m.append(f"Released: claimRef still names the deleted claim {ref_text} (reclaimPolicy "
                     f"{pv.spec.persistent_volume_reclaim_policy or 'Retain'}); remove spec.claimRef to reuse it")
        else:
            m.append(f"already bound to {ref_text}")
    want_q = pvc.spec.resources.requests.get("storage")
    want = try_parse(want_q)
    if want is not None and (cap is None or cap < want):
        m.append(f"capacity {v.capacity} < requested {want_q}")
    want_mode = pvc.spec.volume_mode or "Filesystem"
    if want_mode != v.volume_mode:
        m.append(f"volumeMode {v.volume_mode} != requested {want_mode}")
    if pv.metadata.deletion_timestamp:
        m.append("being deleted")
    if prebound:
        return v
    if pv.status.phase and pv.status.phase != "Available" and ref is None:
        m.append(f"phase {pv.status.phase}, not Available")
    if pvc.spec.selector is not None and not label_selector_matches(pvc.spec.selector, pv.metadata.labels):
        m.append("labels do not match the claim's selector")
    if v.storage_class != requested_class:
        m.append(f"storageClassName {v.storage_class or '(none)'!s} != requested {requested_class or '(none)'}")
    missing = [a for a in pvc.spec.access_modes if a not in pv.spec.access_modes]
    if missing:
        m.append(f"accessModes {list(pv.spec.access_modes)} lack {missing}")
    return v


def compare_all(pvc: PersistentVolumeClaim, pvs: tuple[PersistentVolume, ...], requested_class: str,
                cache: dict[str, Any] | None = None) -> list[PVVerdict]:
    """`compare` against every PV. With `cache`, claims of the same shape (a StatefulSet's claims) share the work;
    only PVs whose claimRef names this very claim are compared again."""
    if cache is None:
        return [compare(pvc, pv, requested_class) for pv in pvs]
    sel = msgspec.json.encode(pvc.spec.selector).decode() if pvc.spec.selector is not None else ""
    key = (f"volumes.pvmatch:{requested_class}|{pvc.spec.resources.requests.get('storage')}|"
           f"{','.join(pvc.spec.access_modes)}|{pvc.spec.volume_mode}|{sel}")
    shape = PersistentVolumeClaim(metadata=ObjectMeta(name="", namespace=""), spec=pvc.spec)
    base: list[PVVerdict] | None = cache.get(key)
    if base is None:
        base = cache[key] = [compare(shape, pv, requested_class) for pv in pvs]
    return [compare(pvc, pv, requested_class) if bound_to(pv, pvc) else v for pv, v in zip(pvs, base, strict=True)]


def row_text(v: PVVerdict) -> str:
    """One PV as `Available, class local, 20Gi, ReadWriteMany, Filesystem`."""
    return (f"{v.phase}, class {v.storage_class or '(none)'}, {v.capacity}, {','.join(v.access_modes) or '-'}, "
            f"{v.volume_mode}")


def summary(verdicts: list[PVVerdict], limit: int = 5) -> str:
    """`pv-a (capacity 1Gi < requested 5Gi), pv-b (already bound to ns/x)` for a one-sentence cause."""
    parts = [f"{v.pv} ({'; '.join(v.mismatches) or 'matches'})" for v in verdicts[:limit]]
    if len(verdicts) > limit:
        parts.append(f"and {len(verdicts) - limit} more")
    return ", ".join(parts)


def evidence(verdicts: list[PVVerdict], want: str, limit: int = 10) -> list[Evidence]:
    """One evidence row per PV: the table, readable in every renderer."""
    return [Evidence(ref=f"PersistentVolume/{v.pv}", field=".spec (capacity, accessModes, volumeMode, class, claimRef)",
                     observed=f"{row_text(v)}: {'; '.join(v.mismatches) or 'matches'}", expected=want)
            for v in verdicts[:limit]]
