"""Controllers that create pods: apps/v1 ReplicaSet, Deployment, StatefulSet, DaemonSet; batch/v1 Job;
core/v1 ReplicationController."""

import msgspec

from podwhy.model.base import K8s
from podwhy.model.meta import LabelSelector, ObjectMeta
from podwhy.model.pod import PodTemplateSpec


class WorkloadCondition(K8s, frozen=True, gc=False):
    type: str = ""
    status: str = ""
    reason: str = ""
    message: str = ""
    last_transition_time: str | None = None
    last_update_time: str | None = None


class ReplicaSetSpec(K8s, frozen=True, gc=False):
    replicas: int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec = PodTemplateSpec()


class ReplicaSetStatus(K8s, frozen=True, gc=False):
    replicas: int = 0
    ready_replicas: int = 0
    available_replicas: int = 0
    conditions: tuple[WorkloadCondition, ...] = ()


class ReplicaSet(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: ReplicaSetSpec = ReplicaSetSpec()
    status: ReplicaSetStatus = ReplicaSetStatus()
    kind: str = "ReplicaSet"


class RCSpec(K8s, frozen=True, gc=False):
    replicas: int | None = None
    # ReplicationController selectors are plain maps; not modelled (owners are found by ownerReferences).
    template: PodTemplateSpec = PodTemplateSpec()


class ReplicationController(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: RCSpec = RCSpec()
    status: ReplicaSetStatus = ReplicaSetStatus()
    kind: str = "ReplicationController"


class DeploymentStatus(K8s, frozen=True, gc=False):
    replicas: int = 0
    updated_replicas: int = 0
    ready_replicas: int = 0
    available_replicas: int = 0
    unavailable_replicas: int = 0
    conditions: tuple[WorkloadCondition, ...] = ()


class Deployment(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: ReplicaSetSpec = ReplicaSetSpec()
    status: DeploymentStatus = DeploymentStatus()
    kind: str = "Deployment"


class StatefulSetStatus(K8s, frozen=True, gc=False):
    replicas: int = 0
    ready_replicas: int = 0
    current_replicas: int = 0
    conditions: tuple[WorkloadCondition, ...] = ()


class StatefulSet(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: ReplicaSetSpec = ReplicaSetSpec()
    status: StatefulSetStatus = StatefulSetStatus()
    kind: str = "StatefulSet"


class DaemonSetSpec(K8s, frozen=True, gc=False):
    selector: LabelSelector | None = None
    template: PodTemplateSpec = PodTemplateSpec()


class DaemonSetStatus(K8s, frozen=True, gc=False):
    desired_number_scheduled: int = 0
    current_number_scheduled: int = 0
    number_ready: int = 0
    number_misscheduled: int = 0
    number_unavailable: int = 0
    conditions: tuple[WorkloadCondition, ...] = ()


class DaemonSet(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: DaemonSetSpec = DaemonSetSpec()
    status: DaemonSetStatus = DaemonSetStatus()
    kind: str = "DaemonSet"


class JobSpec(K8s, frozen=True, gc=False):
    parallelism: int | None = None
    completions: int | None = None
    suspend: bool | None = None
    manual_selector: bool | None = None
    template: PodTemplateSpec = PodTemplateSpec()


class JobStatus(K8s, frozen=True, gc=False):
    active: int = 0
    succeeded: int = 0
    failed: int = 0
    conditions: tuple[WorkloadCondition, ...] = ()


class Job(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: JobSpec = JobSpec()
    status: JobStatus = JobStatus()
    kind: str = "Job"


# Silence "imported but unused" for re-export convenience.
_ = msgspec
