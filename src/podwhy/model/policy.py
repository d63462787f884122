"""Admission and scheduling policy objects: ResourceQuota, LimitRange (core/v1), PriorityClass
(scheduling.k8s.io/v1), RuntimeClass (node.k8s.io/v1), PodDisruptionBudget (policy/v1)."""

import msgspec

from podwhy.model.base import IntOrString, K8s, ResourceList
from podwhy.model.meta import LabelSelector, ObjectMeta
from podwhy.model.pod import Toleration


class ScopedResourceSelectorRequirement(K8s, frozen=True, gc=False):
    scope_name: str = ""
    operator: str = ""
    values: tuple[str, ...] = ()


class ScopeSelector(K8s, frozen=True, gc=False):
    match_expressions: tuple[ScopedResourceSelectorRequirement, ...] = ()


class ResourceQuotaSpec(K8s, frozen=True, gc=False):
    hard: ResourceList = msgspec.field(default_factory=dict)
    scopes: tuple[str, ...] = ()
    scope_selector: ScopeSelector | None = None


class ResourceQuotaStatus(K8s, frozen=True, gc=False):
    hard: ResourceList = msgspec.field(default_factory=dict)
    used: ResourceList = msgspec.field(default_factory=dict)


class ResourceQuota(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: ResourceQuotaSpec = ResourceQuotaSpec()
    status: ResourceQuotaStatus = ResourceQuotaStatus()
    kind: str = "ResourceQuota"


class LimitRangeItem(K8s, frozen=True, gc=False):
    type: str = ""
    max: ResourceList = msgspec.field(default_factory=dict)
    min: ResourceList = msgspec.field(default_factory=dict)
    default: ResourceList = msgspec.field(default_factory=dict)
    default_request: ResourceList = msgspec.field(default_factory=dict)
    max_limit_request_ratio: ResourceList = msgspec.field(default_factory=dict)


class LimitRangeSpec(K8s, frozen=True, gc=False):
    limits: tuple[LimitRangeItem, ...] = ()


class LimitRange(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: LimitRangeSpec = LimitRangeSpec()
    kind: str = "LimitRange"


class PriorityClass(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    value: int = 0
    global_default: bool = False
    preemption_policy: str | None = None
    kind: str = "PriorityClass"


class Overhead(K8s, frozen=True, gc=False):
    pod_fixed: ResourceList = msgspec.field(default_factory=dict)


class RuntimeScheduling(K8s, frozen=True, gc=False):
    node_selector: dict[str, str] = msgspec.field(default_factory=dict)
    tolerations: tuple[Toleration, ...] = ()


class RuntimeClass(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    handler: str = ""
    overhead: Overhead | None = None
    scheduling: RuntimeScheduling | None = None
    kind: str = "RuntimeClass"


class PDBSpec(K8s, frozen=True, gc=False):
    min_available: IntOrString | None = None
    max_unavailable: IntOrString | None = None
    selector: LabelSelector | None = None


class PDBStatus(K8s, frozen=True, gc=False):
    disruptions_allowed: int = 0
    current_healthy: int = 0
    desired_healthy: int = 0
    expected_pods: int = 0


class PodDisruptionBudget(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: PDBSpec = PDBSpec()
    status: PDBStatus = PDBStatus()
    kind: str = "PodDisruptionBudget"
