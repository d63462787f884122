"""Partial, typed models of the Kubernetes objects podwhy reads.

Mirrors the field names of `k8s.io/api` (core/v1, apps/v1, batch/v1, storage/v1, ...), but keeps
only the fields some analyzer reads: msgspec skips everything else while decoding, which is what
makes a 150,000-pod dump decode in about a second. Structs are frozen and `gc=False` (they never
form cycles), collections are tuples, and every field has a default so that partial objects (a
pasted pod without status, a node without allocatable) still decode.
"""

from podwhy.model.config import ConfigMapInfo, DockerConfigEntry, Namespace, SecretInfo, ServiceAccount
from podwhy.model.event import Event, ObjectReference
from podwhy.model.meta import LabelSelector, LabelSelectorRequirement, ObjectMeta, OwnerReference, PodMeta
from podwhy.model.node import Node, NodeCondition, Taint
from podwhy.model.pod import (
    Affinity,
    Container,
    ContainerPort,
    ContainerState,
    ContainerStatus,
    EnvFromSource,
    EnvVar,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    Pod,
    PodAffinityTerm,
    PodCondition,
    PodSpec,
    PodStatus,
    PodTemplateSpec,
    ResourceRequirements,
    Toleration,
    TopologySpreadConstraint,
    Volume,
)
from podwhy.model.policy import (
    LimitRange,
    PodDisruptionBudget,
    PriorityClass,
    ResourceQuota,
    RuntimeClass,
)
from podwhy.model.storage import (
    CSIDriver,
    CSINode,
    PersistentVolume,
    PersistentVolumeClaim,
    StorageClass,
)
from podwhy.model.workloads import (
    DaemonSet,
    Deployment,
    Job,
    ReplicaSet,
    ReplicationController,
    StatefulSet,
    WorkloadCondition,
)

__all__ = [
    "Affinity",
    "CSIDriver",
    "CSINode",
    "ConfigMapInfo",
    "Container",
    "ContainerPort",
    "ContainerState",
    "ContainerStatus",
    "DaemonSet",
    "Deployment",
    "DockerConfigEntry",
    "EnvFromSource",
    "EnvVar",
    "Event",
    "Job",
    "LabelSelector",
    "LabelSelectorRequirement",
    "LimitRange",
    "Namespace",
    "Node",
    "NodeCondition",
    "NodeSelector",
    "NodeSelectorRequirement",
    "NodeSelectorTerm",
    "ObjectMeta",
    "ObjectReference",
    "OwnerReference",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Pod",
    "PodAffinityTerm",
    "PodCondition",
    "PodDisruptionBudget",
    "PodMeta",
    "PodSpec",
    "PodStatus",
    "PodTemplateSpec",
    "PriorityClass",
    "ReplicaSet",
    "ReplicationController",
    "ResourceQuota",
    "ResourceRequirements",
    "RuntimeClass",
    "SecretInfo",
    "ServiceAccount",
    "StatefulSet",
    "StorageClass",
    "Taint",
    "Toleration",
    "TopologySpreadConstraint",
    "Volume",
    "WorkloadCondition",
]
