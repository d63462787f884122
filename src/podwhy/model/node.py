"""core/v1 Node (k8s.io/api/core/v1/types.go): labels, taints, allocatable, conditions, images."""

import msgspec

from podwhy.model.base import K8s, ResourceList
from podwhy.model.meta import ObjectMeta


class Taint(K8s, frozen=True, gc=False):
    key: str = ""
    value: str = ""
    effect: str = ""


class NodeSpec(K8s, frozen=True, gc=False):
    unschedulable: bool = False
    taints: tuple[Taint, ...] = ()


class NodeCondition(K8s, frozen=True, gc=False):
    type: str = ""
    status: str = ""
    reason: str = ""
    message: str = ""
    last_transition_time: str | None = None


class ContainerImage(K8s, frozen=True, gc=False):
    names: tuple[str, ...] = ()
    size_bytes: int = 0


class NodeSystemInfo(K8s, frozen=True, gc=False):
    architecture: str = ""
    operating_system: str = ""
    container_runtime_version: str = ""
    kubelet_version: str = ""


class NodeStatus(K8s, frozen=True, gc=False):
    allocatable: ResourceList = msgspec.field(default_factory=dict)
    capacity: ResourceList = msgspec.field(default_factory=dict)
    conditions: tuple[NodeCondition, ...] = ()
    images: tuple[ContainerImage, ...] = ()
    node_info: NodeSystemInfo = NodeSystemInfo()


class Node(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: NodeSpec = NodeSpec()
    status: NodeStatus = NodeStatus()
    kind: str = "Node"
