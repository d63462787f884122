"""The Snapshot: every object podwhy read, frozen, with the indexes analyzers need built once.

A kind that was not loaded is *unknown*, never empty: `snap.has("Secret")` tells which, and
analyzers must not claim "secret missing" when it is False. Events are indexed by the involved
object's uid first and by kind/namespace/name when the uid is absent (hand-written or pasted
events), the way `kubectl describe` finds them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from podwhy.model import (
    ConfigMapInfo,
    CSIDriver,
    CSINode,
    DaemonSet,
    Deployment,
    Event,
    Job,
    LimitRange,
    Namespace,
    Node,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    PodDisruptionBudget,
    PriorityClass,
    ReplicaSet,
    ReplicationController,
    ResourceQuota,
    RuntimeClass,
    SecretInfo,
    ServiceAccount,
    StatefulSet,
    StorageClass,
)
from podwhy.model.service import Service
from podwhy.snapshot.logs import LogStore

# Snapshot attribute for each kind.
ATTR = {
    "Pod": "pods",
    "Event": "events",
    "Node": "nodes",
    "Namespace": "namespaces",
    "ServiceAccount": "service_accounts",
    "Secret": "secrets",
    "ConfigMap": "config_maps",
    "PersistentVolumeClaim": "pvcs",
    "PersistentVolume": "pvs",
    "StorageClass": "storage_classes",
    "CSINode": "csi_nodes",
    "CSIDriver": "csi_drivers",
    "ReplicaSet": "replica_sets",
    "Deployment": "deployments",
    "StatefulSet": "stateful_sets",
    "DaemonSet": "daemon_sets",
    "Job": "jobs",
    "ReplicationController": "replication_controllers",
    "ResourceQuota": "resource_quotas",
    "LimitRange": "limit_ranges",
    "PriorityClass": "priority_classes",
    "RuntimeClass": "runtime_classes",
    "PodDisruptionBudget": "pdbs",
    "Service": "services",
}
CLUSTER_SCOPED = frozenset(
    {"Node", "Namespace", "PersistentVolume", "StorageClass", "CSINode", "CSIDriver", "PriorityClass", "RuntimeClass"}
)
CONTROLLER_KINDS = ("ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job", "Deployment")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    kind: str  # "files" | "dump" | "live"
    detail: str


def ref_of(kind: str, namespace: str, name: str) -> str:
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


class Snapshot:
    """Objects by kind plus lazily built indexes. Treat as immutable."""

    pods: tuple[Pod, ...]
    events: tuple[Event, ...]
    nodes: tuple[Node, ...]
    namespaces: tuple[Namespace, ...]
    service_accounts: tuple[ServiceAccount, ...]
    secrets: tuple[SecretInfo, ...]
    config_maps: tuple[ConfigMapInfo, ...]
    pvcs: tuple[PersistentVolumeClaim, ...]
    pvs: tuple[PersistentVolume, ...]
    storage_classes: tuple[StorageClass, ...]
    csi_nodes: tuple[CSINode, ...]
    csi_drivers: tuple[CSIDriver, ...]
    replica_sets: tuple[ReplicaSet, ...]
    deployments: tuple[Deployment, ...]
    stateful_sets: tuple[StatefulSet, ...]
    daemon_sets: tuple[DaemonSet, ...]
    jobs: tuple[Job, ...]
    replication_controllers: tuple[ReplicationController, ...]
    resource_quotas: tuple[ResourceQuota, ...]
    limit_ranges: tuple[LimitRange, ...]
    priority_classes: tuple[PriorityClass, ...]
    runtime_classes: tuple[RuntimeClass, ...]
    pdbs: tuple[PodDisruptionBudget, ...]
    services: tuple[Service, ...]

    def __init__(
        self,
        objects: Mapping[str, Sequence[Any]],
        *,
        loaded: Iterable[str],
        notes: Iterable[str] = (),
        source: SourceInfo | None = None,
        scope_namespace: str | None = None,
        described: Iterable[str] = (),
        logs: LogStore | None = None,
    ) -> None:
        for kind, attr in ATTR.items():
            setattr(self, attr, tuple(objects.get(kind, ())))
        self.loaded: frozenset[str] = frozenset(loaded)
        self.notes: tuple[str, ...] = tuple(notes)
        self.source = source or SourceInfo("files", "")
        # Live, namespace-only access: cluster-scoped kinds and other namespaces are unknown.
        self.scope_namespace = scope_namespace
        # Pods read from `kubectl describe` text (refs): their imagePullSecrets, affinity and schedulerName
        # were not printed, so they are unknown rather than empty.
        self.described: frozenset[str] = frozenset(described)
        # (namespace, pod, container) -> the container's log, when the input carried one.
        self.logs: LogStore = logs if logs is not None else LogStore()

    # ---- what is known -------------------------------------------------------------------
    def has(self, kind: str) -> bool:
        """True when `kind` was actually loaded (so its absence from an index means 'does not exist')."""
        return kind in self.loaded

    def objects(self, kind: str) -> tuple[Any, ...]:
        return tuple(getattr(self, ATTR[kind]))

    # ---- indexes -------------------------------------------------------------------------
    def _index(self, kind: str) -> dict[tuple[str, str], Any]:
        """(namespace, name) -> object for one kind, built on first use."""
        cache: dict[str, dict[tuple[str, str], Any]] = self.__dict__.setdefault("_indexes", {})
        idx = cache.get(kind)
        if idx is None:
            attr = ATTR.get(kind)
            objs = getattr(self, attr) if attr is not None and kind != "Event" else ()
            idx = cache[kind] = {(o.metadata.namespace or "", o.metadata.name): o for o in objs}
        return idx

    def get(self, kind: str, namespace: str, name: str) -> Any | None:
        """Object by kind/namespace/name (namespace ignored for cluster-scoped kinds)."""
        ns = "" if kind in CLUSTER_SCOPED else namespace
        return self._index(kind).get((ns, name))

    def by_name(self, kind: str, name: str) -> list[Any]:
        """Objects of `kind` named `name` in any namespace (for 'exists in another namespace')."""
        return [o for (ns, n), o in self._index(kind).items() if n == name]

    @cached_property
    def node_by_name(self) -> dict[str, Node]:
        return {n.metadata.name: n for n in self.nodes}

    @cached_property
    def pods_by_node(self) -> dict[str, list[Pod]]:
        out: dict[str, list[Pod]] = defaultdict(list)
        for p in self.pods:
            if p.spec.node_name:
                out[p.spec.node_name].append(p)
        return dict(out)

    @cached_property
    def pods_by_namespace(self) -> dict[str, list[Pod]]:
        out: dict[str, list[Pod]] = defaultdict(list)
        for p in self.pods:
            out[p.metadata.namespace].append(p)
        return dict(out)

    @cached_property
    def _owned(self) -> dict[str, list[Any]]:
        """uid (or kind/ns/name) of an owner -> objects whose ownerReferences name it."""
        out: dict[str, list[Any]] = defaultdict(list)
        for kind in ("Pod", "ReplicaSet", "Job", "ReplicationController"):
            for o in self.objects(kind):
                for ref in o.metadata.owner_references:
                    out[ref.uid or ref_of(ref.kind, o.metadata.namespace, ref.name)].append(o)
                    if ref.uid:
                        out[ref_of(ref.kind, o.metadata.namespace, ref.name)].append(o)
        return dict(out)

    def owned_by(self, owner: Any) -> list[Any]:
        """Objects (pods, ReplicaSets, Jobs) owned by `owner`, found by uid or by kind/ns/name."""
        meta = owner.metadata
        found = self._owned.get(meta.uid, []) if meta.uid else []
        if not found:
            found = self._owned.get(ref_of(owner.kind, meta.namespace, meta.name), [])
        return found

    def owner_chain(self, obj: Any) -> list[tuple[str, str, Any | None]]:
        """Controller owners upward: [(kind, name, object-or-None), ...], e.g. ReplicaSet then Deployment."""
        chain: list[tuple[str, str, Any | None]] = []
        seen: set[str] = set()
        cur = obj
        while cur is not None and len(chain) < 5:
            refs = cur.metadata.owner_references
            ref = next((r for r in refs if r.controller), refs[0] if refs else None)
            if ref is None:
                break
            key = ref_of(ref.kind, cur.metadata.namespace, ref.name)
            if key in seen:
                break
            seen.add(key)
            owner = self.get(ref.kind, cur.metadata.namespace, ref.name) if ref.kind in ATTR else None
            chain.append((ref.kind, ref.name, owner))
            cur = owner
        return chain

    @cached_property
    def _events_index(self) -> tuple[dict[str, list[Event]], dict[str, list[Event]]]:
        by_uid: dict[str, list[Event]] = defaultdict(list)
        by_ref: dict[str, list[Event]] = defaultdict(list)
        for e in self.events:
            io = e.involved_object
            if io.uid:
                by_uid[io.uid].append(e)
            # An event about a cluster-scoped object lives in a namespace anyway (client-go tools/record makeEvent
            # puts it in `default`): its namespace says nothing about the object.
            ns = "" if io.kind in CLUSTER_SCOPED else (io.namespace or e.metadata.namespace)
            by_ref[ref_of(io.kind, ns, io.name)].append(e)
        for lst in (*by_uid.values(), *by_ref.values()):
            lst.sort(key=lambda ev: ev.last_seen)
        return dict(by_uid), dict(by_ref)

    def _named_events(self, kind: str, namespace: str, name: str) -> list[Event]:
        return self._events_index[1].get(ref_of(kind, "" if kind in CLUSTER_SCOPED else namespace, name), [])

    def events_named(self, kind: str, namespace: str, name: str) -> list[Event]:
        """Events about kind/namespace/name, oldest first, for objects the input does not hold (a dump
        without PersistentVolumeClaims still has their events)."""
        return list(self._named_events(kind, namespace, name))

    def events_for(self, obj: Any) -> list[Event]:
        """Events about `obj`, oldest first. By uid when both sides have one, else by kind/namespace/name."""
        by_uid = self._events_index[0]
        meta = obj.metadata
        named = self._named_events(getattr(obj, "kind", ""), meta.namespace, meta.name)
        # The kubelet refers to its Node with the node's name as uid (pkg/kubelet/kubelet.go nodeRef, 1.x-1.35).
        alias = meta.name if getattr(obj, "kind", "") == "Node" else None
        if meta.uid and meta.uid in by_uid:
            # Events of a previous object with the same name (other uid) are not about this one.
            uid_events = by_uid[meta.uid]
            extra = [e for e in named if not e.involved_object.uid or (alias and e.involved_object.uid == alias)]
            if extra:
                return sorted([*uid_events, *extra], key=lambda ev: ev.last_seen)
            return list(uid_events)
        if meta.uid:
            return [e for e in named if not e.involved_object.uid or e.involved_object.uid in (meta.uid, alias)]
        return list(named)

    @cached_property
    def latest_time(self) -> str:
        """The newest event timestamp (offline 'now'); without events, the newest pod timestamp."""
        best = max((e.last_seen for e in self.events), default="")
        if best:
            return best
        for p in self.pods:
            for c in p.status.conditions:
                if c.last_transition_time and c.last_transition_time > best:
                    best = c.last_transition_time
            ts = p.metadata.creation_timestamp
            if ts and ts > best:
                best = ts
        return best

    @cached_property
    def default_storage_classes(self) -> list[StorageClass]:
        ann = ("storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class")
        return [s for s in self.storage_classes if any(s.metadata.annotations.get(a) == "true" for a in ann)]
