"""Lookups shared by the volume plugins, as the scheduler's listers see them (a missing object
yields the lister's NotFound text; a kind not loaded at all makes the plugin abstain)."""

from __future__ import annotations

from podwhy.model import PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, Volume
from podwhy.snapshot import Snapshot

# k8s.io/component-helpers/storage/volume: annotations the PV controller / scheduler write.
ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
ANN_BETA_CLASS = "volume.beta.kubernetes.io/storage-class"
NO_PROVISIONER = "kubernetes.io/no-provisioner"


def not_found(kind: str, name: str) -> str:
    # apimachinery errors.NewNotFound: `<resource> "<name>" not found` (lister text).
    return f'{kind} "{name}" not found'


def claim_name(pod: Pod, v: Volume) -> tuple[str, bool] | None:
    """(claim name, is generic ephemeral) for a PVC-backed volume (ephemeral.VolumeClaimName)."""
    if v.persistent_volume_claim is not None:
        return v.persistent_volume_claim.claim_name, False
    if v.ephemeral is not None:
        return f"{pod.metadata.name}-{v.name}", True
    return None


def get_pvc(snap: Snapshot, ns: str, name: str) -> PersistentVolumeClaim | None:
    obj = snap.get("PersistentVolumeClaim", ns, name)
    return obj if isinstance(obj, PersistentVolumeClaim) else None


def get_pv(snap: Snapshot, name: str) -> PersistentVolume | None:
    obj = snap.get("PersistentVolume", "", name)
    return obj if isinstance(obj, PersistentVolume) else None


def get_class(snap: Snapshot, name: str) -> StorageClass | None:
    obj = snap.get("StorageClass", "", name)
    return obj if isinstance(obj, StorageClass) else None


def claim_class(pvc: PersistentVolumeClaim) -> str:
    # storagehelpers.GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName.
    ann = pvc.metadata.annotations.get(ANN_BETA_CLASS)
    if ann is not None:
        return ann
    return pvc.spec.storage_class_name or ""


def fully_bound(pvc: PersistentVolumeClaim) -> bool:
    """binder.go isPVCFullyBound: volumeName set and bind-completed annotation. Hand-written YAML often
    drops annotations, so a claim whose status says Bound counts as bound too."""
    return bool(pvc.spec.volume_name) and (ANN_BIND_COMPLETED in pvc.metadata.annotations or pvc.status.phase == "Bound")


def is_delay_binding(snap: Snapshot, pvc: PersistentVolumeClaim) -> bool:
    # component-helpers storage/volume IsDelayBindingMode: no class or unknown class -> Immediate.
    name = claim_class(pvc)
    if not name:
        return False
    sc = get_class(snap, name)
    return sc is not None and sc.volume_binding_mode == "WaitForFirstConsumer"
