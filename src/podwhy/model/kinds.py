"""Every kind podwhy reads: its wire struct, how it is stored, and where the API serves it.

One table drives the file loader, the dump reader and the live lister, so a kind added here is
read everywhere. `api_path` is the group/version path of the list endpoint (k8s REST layout).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from podwhy.model import config, event, node, pod, policy, service, storage, workloads


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: str
    wire: type[Any]
    api_path: str  # "api/v1" or "apis/<group>/<version>"
    plural: str
    namespaced: bool
    # Converts the wire object to the stored one (secrets and configmaps are summarised).
    store: Callable[[Any], Any] | None = None
    # Optional: what the analyzers lose when this kind cannot be read.
    consequence: str = ""
    # Other apiVersions accepted for this kind in files (events.k8s.io/v1 Event has its own row).
    api_versions: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return self.api_path.removeprefix("apis/").removeprefix("api/")


def _norm_event(e: event.EventV1) -> event.Event:
    return e.normalise()


KINDS: tuple[KindInfo, ...] = (
    KindInfo("Pod", pod.Pod, "api/v1", "pods", True, consequence="no pods to diagnose"),
    KindInfo("Event", event.Event, "api/v1", "events", True, consequence="no event evidence"),
    KindInfo("Node", node.Node, "api/v1", "nodes", False, consequence="scheduling recomputation skipped"),
    KindInfo("Namespace", config.Namespace, "api/v1", "namespaces", False,
             consequence="namespaceSelector terms cannot be evaluated"),
    KindInfo("ServiceAccount", config.ServiceAccount, "api/v1", "serviceaccounts", True,
             consequence="ServiceAccount pull secrets unknown"),
    KindInfo("Secret", config.SecretWire, "api/v1", "secrets", True, store=config.SecretWire.summarise,
             consequence="pull-secret checks skipped"),
    KindInfo("ConfigMap", config.ConfigMapWire, "api/v1", "configmaps", True, store=config.ConfigMapWire.summarise,
             consequence="ConfigMap references and cluster-autoscaler status unchecked"),
    KindInfo("PersistentVolumeClaim", storage.PersistentVolumeClaim, "api/v1", "persistentvolumeclaims", True,
             consequence="volume checks skipped"),
    KindInfo("PersistentVolume", storage.PersistentVolume, "api/v1", "persistentvolumes", False,
             consequence="PV matching and zone checks skipped"),
    KindInfo("StorageClass", storage.StorageClass, "apis/storage.k8s.io/v1", "storageclasses", False,
             consequence="StorageClass checks skipped"),
    KindInfo("CSINode", storage.CSINode, "apis/storage.k8s.io/v1", "csinodes", False,
             consequence="CSI volume limits unchecked"),
    KindInfo("CSIDriver", storage.CSIDriver, "apis/storage.k8s.io/v1", "csidrivers", False,
             consequence="CSI driver registration unchecked"),
    KindInfo("ReplicaSet", workloads.ReplicaSet, "apis/apps/v1", "replicasets", True,
             consequence="owners and FailedCreate of ReplicaSets unknown"),
    KindInfo("Deployment", workloads.Deployment, "apis/apps/v1", "deployments", True),
    KindInfo("StatefulSet", workloads.StatefulSet, "apis/apps/v1", "statefulsets", True),
    KindInfo("DaemonSet", workloads.DaemonSet, "apis/apps/v1", "daemonsets", True),
    KindInfo("Job", workloads.Job, "apis/batch/v1", "jobs", True),
    KindInfo("ReplicationController", workloads.ReplicationController, "api/v1", "replicationcontrollers", True),
    KindInfo("ResourceQuota", policy.ResourceQuota, "api/v1", "resourcequotas", True,
             consequence="quota arithmetic cannot be recomputed"),
    KindInfo("LimitRange", policy.LimitRange, "api/v1", "limitranges", True,
             consequence="LimitRange checks skipped"),
    KindInfo("PriorityClass", policy.PriorityClass, "apis/scheduling.k8s.io/v1", "priorityclasses", False,
             consequence="preemption analysis uses pod priority only"),
    KindInfo("RuntimeClass", policy.RuntimeClass, "apis/node.k8s.io/v1", "runtimeclasses", False),
    KindInfo("PodDisruptionBudget", policy.PodDisruptionBudget, "apis/policy/v1", "poddisruptionbudgets", True),
    KindInfo("Service", service.Service, "api/v1", "services", True),
)

BY_KIND: dict[str, KindInfo] = {k.kind: k for k in KINDS}

# events.k8s.io/v1 Events are read from their own endpoint and normalised to core/v1 Events.
EVENTS_V1 = KindInfo("Event", event.EventV1, "apis/events.k8s.io/v1", "events", True, store=_norm_event)

# Kinds that `kubectl cluster-info dump` writes but podwhy deliberately does not read.
IGNORED_KINDS = frozenset({"Endpoints", "EndpointSlice", "ControllerRevision", "Lease"})
