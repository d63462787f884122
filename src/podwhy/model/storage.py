"""core/v1 PersistentVolumeClaim / PersistentVolume, storage.k8s.io/v1 StorageClass, CSINode, CSIDriver."""

import msgspec

from podwhy.model.base import K8s, ResourceList
from podwhy.model.meta import LabelSelector, ObjectMeta
from podwhy.model.pod import (
    AWSElasticBlockStore,
    CSIVolumeSource,
    GCEPersistentDisk,
    ISCSIVolumeSource,
    NodeSelector,
    RBDVolumeSource,
    ResourceRequirements,
)


class TypedRef(K8s, frozen=True, gc=False):
    kind: str = ""
    name: str = ""
    api_group: str | None = None


class PVCSpec(K8s, frozen=True, gc=False):
    access_modes: tuple[str, ...] = ()
    resources: ResourceRequirements = ResourceRequirements()
    storage_class_name: str | None = None
    volume_name: str = ""
    selector: LabelSelector | None = None
    volume_mode: str | None = None
    data_source: TypedRef | None = None


class PVCCondition(K8s, frozen=True, gc=False):
    type: str = ""
    status: str = ""
    reason: str = ""
    message: str = ""


class PVCStatus(K8s, frozen=True, gc=False):
    phase: str = ""
    access_modes: tuple[str, ...] = ()
    capacity: ResourceList = msgspec.field(default_factory=dict)
    conditions: tuple[PVCCondition, ...] = ()


class PersistentVolumeClaim(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: PVCSpec = PVCSpec()
    status: PVCStatus = PVCStatus()
    kind: str = "PersistentVolumeClaim"


class ClaimRef(K8s, frozen=True, gc=False):
    namespace: str = ""
    name: str = ""
    uid: str = ""


class VolumeNodeAffinity(K8s, frozen=True, gc=False):
    required: NodeSelector | None = None


class CSIPersistentVolumeSource(K8s, frozen=True, gc=False):
    driver: str = ""
    volume_handle: str = ""


class PVSpec(K8s, frozen=True, gc=False):
    capacity: ResourceList = msgspec.field(default_factory=dict)
    access_modes: tuple[str, ...] = ()
    storage_class_name: str = ""
    claim_ref: ClaimRef | None = None
    node_affinity: VolumeNodeAffinity | None = None
    persistent_volume_reclaim_policy: str = ""
    volume_mode: str | None = None
    csi: CSIPersistentVolumeSource | None = None
    gce_persistent_disk: GCEPersistentDisk | None = None
    aws_elastic_block_store: AWSElasticBlockStore | None = None
    iscsi: ISCSIVolumeSource | None = None
    rbd: RBDVolumeSource | None = None
    host_path: dict[str, object] | None = None
    local: dict[str, object] | None = None


class PVStatus(K8s, frozen=True, gc=False):
    phase: str = ""
    reason: str = ""
    message: str = ""


class PersistentVolume(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: PVSpec = PVSpec()
    status: PVStatus = PVStatus()
    kind: str = "PersistentVolume"


class TopologySelectorRequirement(K8s, frozen=True, gc=False):
    key: str = ""
    values: tuple[str, ...] = ()


class TopologySelectorTerm(K8s, frozen=True, gc=False):
    match_label_expressions: tuple[TopologySelectorRequirement, ...] = ()


class StorageClass(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    provisioner: str = ""
    volume_binding_mode: str = ""
    allowed_topologies: tuple[TopologySelectorTerm, ...] = ()
    reclaim_policy: str = ""
    kind: str = "StorageClass"


class VolumeNodeResources(K8s, frozen=True, gc=False):
    count: int | None = None


class CSINodeDriver(K8s, frozen=True, gc=False):
    name: str = ""
    node_id: str = msgspec.field(default="", name="nodeID")
    allocatable: VolumeNodeResources | None = None
    topology_keys: tuple[str, ...] = ()


class CSINodeSpec(K8s, frozen=True, gc=False):
    drivers: tuple[CSINodeDriver, ...] = ()


class CSINode(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: CSINodeSpec = CSINodeSpec()
    kind: str = "CSINode"


class CSIDriverSpec(K8s, frozen=True, gc=False):
    attach_required: bool | None = None


class CSIDriver(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: CSIDriverSpec = CSIDriverSpec()
    kind: str = "CSIDriver"


__all__ = [
    "AWSElasticBlockStore",
    "CSIDriver",
    "CSINode",
    "CSIVolumeSource",
    "GCEPersistentDisk",
    "ISCSIVolumeSource",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "RBDVolumeSource",
    "StorageClass",
]
