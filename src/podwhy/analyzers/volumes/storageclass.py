"""Which StorageClass a claim asks for, and whether it exists.

Mirrors k8s.io/component-helpers/storage/volume/helpers.go GetPersistentVolumeClaimClass (1.35): the
legacy annotation `volume.beta.kubernetes.io/storage-class` wins over `spec.storageClassName`; a nil
class and an empty class are different things. The DefaultStorageClass admission plugin
(plugin/pkg/admission/storage/storageclass/setdefault/admission.go) fills a nil class at creation;
since 1.28 (RetroactiveDefaultStorageClass GA) the PV controller also assigns the default later to
claims left nil. With several defaults, 1.26+ picks the newest (earlier: admission refused the claim).
"""

from __future__ import annotations

from dataclasses import dataclass

from podwhy.model import PersistentVolumeClaim, StorageClass
from podwhy.snapshot import Snapshot

BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
# Provisioners that do no dynamic provisioning: only pre-created PVs can bind.
NO_PROVISIONER = "kubernetes.io/no-provisioner"
# PV controller annotations (pkg/controller/volume/persistentvolume/util: AnnStorageProvisioner,
# AnnBetaStorageProvisioner, AnnSelectedNode).
PROVISIONER_ANNOTATIONS = ("volume.kubernetes.io/storage-provisioner", "volume.beta.kubernetes.io/storage-provisioner")
SELECTED_NODE = "volume.kubernetes.io/selected-node"


@dataclass(frozen=True)
class ClaimClass:
    name: str | None  # None = the claim names no class at all (nil)
    from_annotation: bool

    @property
    def field(self) -> str:
        return f".metadata.annotations[{BETA_CLASS_ANNOTATION!r}]" if self.from_annotation else ".spec.storageClassName"


def claim_class(pvc: PersistentVolumeClaim) -> ClaimClass:
    ann = pvc.metadata.annotations.get(BETA_CLASS_ANNOTATION)
    if ann is not None:
        return ClaimClass(ann, True)
    return ClaimClass(pvc.spec.storage_class_name, False)


def find_class(snap: Snapshot, name: str) -> StorageClass | None:
    sc = snap.get("StorageClass", "", name)
    return sc if isinstance(sc, StorageClass) else None


def nearest_classes(snap: Snapshot, name: str, limit: int = 3) -> list[str]:
    """Existing class names, nearest to `name` first (then the default ones)."""
    names = [s.metadata.name for s in snap.storage_classes]
    if not names:
        return []
    from rapidfuzz import fuzz, process  # imported when needed: it costs the cold start ~10 ms
    ranked = process.extract(name, names, scorer=fuzz.WRatio, limit=len(names))
    out = [n for n, score, _ in ranked if score >= 50][:limit]
    for d in snap.default_storage_classes:
        if d.metadata.name not in out:
            out.append(d.metadata.name)
    return out[: max(limit, 1)]


def is_in_tree(provisioner: str) -> bool:
    return provisioner.startswith("kubernetes.io/")


def binding_mode(sc: StorageClass) -> str:
    # API default (pkg/apis/storage/v1/defaults.go): Immediate.
    return sc.volume_binding_mode or "Immediate"


__all__ = ["ClaimClass", "claim_class", "find_class", "nearest_classes"]
