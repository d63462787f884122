"""The live picture `podwhy serve` keeps: every object of every kind podwhy reads, as its last list and
the watch events since then left it. This mirrors client-go's Reflector and Store
(k8s.io/client-go/tools/cache/reflector.go and store.go, 1.34): list, then watch from the list's
resourceVersion; ADDED/MODIFIED replace an object, DELETED removes it, a relist replaces the kind."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from podwhy.model.kinds import KindInfo
from podwhy.snapshot.sources.decode import Decoded
from podwhy.snapshot.sources.live.client import Failed
from podwhy.snapshot.sources.live.lister import KindResult

Key = tuple[str, str]


@dataclass
class KindState:
    info: KindInfo
    objects: dict[Key, Any] = field(default_factory=dict)
    version: str = ""
    # Set once the first list of this kind ended, readable or not (readiness waits for every kind).
    settled: bool = False
    # Why the kind cannot be read now (RBAC refused it, at start or mid-run); None while it can.
    failure: Failed | None = None
    namespace: str = ""  # where it is read ("" = all namespaces / cluster-scoped)
    fell_back: bool = False
    # The keys in the API server's list order, kept sorted as objects come and go (None: sort again).
    order: list[Key] | None = None


def resource_of(info: KindInfo) -> str:
    """The resource as kubectl names it (`pods`, `deployments.apps`, `events.events.k8s.io`): the label
    of the kind in metrics and the key of its state here."""
    group = info.api_path.split("/")[1] if info.api_path.startswith("apis/") else ""
    return f"{info.plural}.{group}" if group else info.plural


def key_of(obj: Any) -> Key:
    meta = obj.metadata
    return meta.namespace, meta.name


def _etcd_key(key: Key) -> str:
    # The API server lists in etcd key order, /registry/<resource>/<namespace>/<name>, compared as bytes
    # (UTF-8 bytes order as code points do).
    ns, name = key
    return f"{ns}/{name}" if ns else name


@dataclass(frozen=True)
class Change:
    """One object changed by a watch event: `old` None when added, `new` None when deleted."""

    kind: str
    old: Any
    new: Any


@dataclass
class Changes:
    """What changed since the last `collect`: single objects, or `whole` when a kind was replaced at once
    (a relist, a kind turning forbidden or readable), which an incremental diagnosis cannot narrow."""

    objects: list[Change] = field(default_factory=list)
    whole: bool = True


def _same(old: Any, new: Any) -> bool:
    """Equal in every field podwhy decoded, the resourceVersion aside (it moves with every write)."""
    if old == new:
        return True
    meta_old, meta_new = getattr(old, "metadata", None), getattr(new, "metadata", None)
    if meta_old is None or meta_new is None or not hasattr(meta_old, "resource_version"):
        return False
    return bool(msgspec.structs.replace(old, metadata=msgspec.structs.replace(meta_old, resource_version=""))
                == msgspec.structs.replace(new, metadata=msgspec.structs.replace(meta_new, resource_version="")))


class Store:
    """Thread-safe: the watchers write, the diagnosis reads a consistent copy (`collect`)."""

    def __init__(self, plan: tuple[KindInfo, ...], on_change: Callable[[], None]) -> None:
        self.plan = plan
        self.kinds: dict[str, KindState] = {resource_of(info): KindState(info) for info in plan}
        self._lock = threading.Lock()
        self._on_change = on_change
        self._changes = Changes()

    # ---- writes (watchers) ------------------------------------------------------------------
    def replace(self, label: str, decoded: Decoded, *, namespace: str, fell_back: bool) -> None:
        objects = {key_of(obj): obj for _, obj in decoded.objects}
        with self._lock:
            st = self.kinds[label]
            st.objects, st.version, st.failure, st.order = objects, decoded.resource_version, None, None
            st.namespace, st.fell_back, st.settled = namespace, fell_back, True
            self._changes.whole = True
        self._on_change()

    def put(self, label: str, obj: Any, version: str) -> None:
        with self._lock:
            st = self.kinds[label]
            key = key_of(obj)
            old = st.objects.get(key)
            st.objects[key] = obj
            st.version = version or st.version
            if old is None and st.order is not None:
                bisect.insort(st.order, key, key=_etcd_key)
            if old is not None and _same(old, obj):
                return  # a change in fields podwhy does not read (a heartbeat, managedFields): nothing to do
            self._changes.objects.append(Change(st.info.kind, old, obj))
        self._on_change()

    def delete(self, label: str, obj: Any, version: str) -> None:
        with self._lock:
            st = self.kinds[label]
            key = key_of(obj)
            old = st.objects.pop(key, None)
            st.version = version or st.version
            if old is None:
                return
            if st.order is not None:
                i = bisect.bisect_left(st.order, _etcd_key(key), key=_etcd_key)
                if i < len(st.order) and st.order[i] == key:
                    del st.order[i]
                else:
                    st.order = None
            self._changes.objects.append(Change(st.info.kind, old, None))
        self._on_change()

    def bookmark(self, label: str, version: str) -> None:
        with self._lock:
            if version:
                self.kinds[label].version = version

    def fail(self, label: str, failure: Failed) -> None:
        """The kind cannot be read (now): unknown, not empty, exactly as a scan that could not list it."""
        with self._lock:
            st = self.kinds[label]
            changed = st.failure is None or not st.settled
            st.objects, st.failure, st.settled, st.version, st.order = {}, failure, True, "", None
            self._changes.whole = self._changes.whole or changed
        if changed:
            self._on_change()

    # ---- reads -------------------------------------------------------------------------------
    def version_of(self, label: str) -> str:
        with self._lock:
            return self.kinds[label].version

    @property
    def settled(self) -> bool:
        with self._lock:
            return all(st.settled for st in self.kinds.values())

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {label: len(st.objects) for label, st in self.kinds.items()}

    def readable(self) -> dict[str, bool]:
        with self._lock:
            return {label: st.failure is None and st.settled for label, st in self.kinds.items()}

    def collect(self) -> tuple[Decoded, list[KindResult], Changes]:
        """What a scan would have listed at this moment: objects in the API server's list order (etcd key
        order: namespace, then name), so the report is byte for byte the scan's; and what changed since the
        last collect."""
        decoded = Decoded()
        results: list[KindResult] = []
        with self._lock:
            items = []
            for st in self.kinds.values():
                if st.order is None:
                    st.order = sorted(st.objects, key=_etcd_key)
                items.append((st, [(k, st.objects[k]) for k in st.order]))
            changes, self._changes = self._changes, Changes(whole=False)
        for st, objs in items:
            kind = st.info.kind
            if st.failure is not None or not st.settled:
                results.append(KindResult(st.info, None, st.failure or Failed("not listed yet"),
                                          st.namespace, st.fell_back))
                continue
            part = Decoded(loaded={kind}, objects=[(kind, o) for _, o in objs])
            decoded.extend(part)
            results.append(KindResult(st.info, part, None, st.namespace, st.fell_back))
        return decoded, results, changes
