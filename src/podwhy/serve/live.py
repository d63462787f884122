"""`podwhy serve` against a cluster: one Watcher thread per kind a scan lists (the same plan, scope and
RBAC fallbacks as `load_live`), and the function that turns the store's current picture into exactly
the report `podwhy scan -o json` would print at that moment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from podwhy.analyzers import Options
from podwhy.diagnose import Selection, diagnose
from podwhy.findings import Report
from podwhy.model.kinds import EVENTS_V1, KINDS
from podwhy.model.logs import ContainerLog
from podwhy.snapshot import Snapshot, SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.logs import LogStore
from podwhy.snapshot.sources.live import _preflight, _tls_notes, podlogs
from podwhy.snapshot.sources.live.client import WORKERS, Client
from podwhy.snapshot.sources.live.config import configure
from podwhy.snapshot.sources.live.notes import no_pods, notes_for

from .store import Store
from .watch import Counters, Watcher

PLAN = (*KINDS, EVENTS_V1)
LogKey = tuple[str, str, str, int]


@dataclass
class _Logs:
    """Previous logs already read, by (namespace, pod, container, restartCount): a log is read once per
    crash, not once per diagnosis; entries of containers no longer wanted are dropped."""

    cache: dict[LogKey, ContainerLog | None] = field(default_factory=dict)
    forbidden_note: list[str] = field(default_factory=list)

    def refresh(self, client: Client, pods: list[object]) -> tuple[LogStore, list[str]]:
        restarts = {(p.metadata.namespace, p.metadata.name, cs.name): cs.restart_count  # type: ignore[attr-defined]
                    for p in pods for cs in (*p.status.init_container_statuses,  # type: ignore[attr-defined]
                                             *p.status.container_statuses)}  # type: ignore[attr-defined]
        wanted = podlogs.wanted(pods)  # type: ignore[arg-type]
        keys = [(ns, pod, c, restarts.get((ns, pod, c), 0)) for ns, pod, c in wanted]
        new = [k for k in keys if k not in self.cache]
        if new and not self.forbidden_note:
            fetched = LogStore()
            notes = podlogs.read(client, [k[:3] for k in new], fetched)
            if notes:
                self.forbidden_note = notes
            for k in new:
                self.cache[k] = fetched.get(k[:3])
        self.cache = {k: self.cache.get(k) for k in keys if k in self.cache}
        store = LogStore()
        for k, log in self.cache.items():
            if log is not None:
                store.add(k[:3], log)
        return store, list(self.forbidden_note)


class LiveSource:
    def __init__(self, *, kubeconfig: str | None, context: str | None, namespace: str | None, all_namespaces: bool,
                 timeout: float, options: Options, max_node_verdicts: int, on_change: Callable[[], None],
                 counters: Counters, now: Callable[[], datetime], forbidden_retry: float) -> None:
        self.cluster = configure(kubeconfig, context)
        self.scope = None if all_namespaces else (namespace or self.cluster.namespace)
        self.selection = Selection(namespace=self.scope)
        self.client = Client(self.cluster, timeout, connections=len(PLAN) + WORKERS)
        self.options, self.max_node_verdicts, self.timeout = options, max_node_verdicts, timeout
        self.stop = threading.Event()
        self.store = Store(PLAN, on_change)
        self.watchers = [Watcher(self.client, self.store, info, self.scope, self.cluster.namespace, counters,
                                 self.stop, forbidden_retry=forbidden_retry) for info in PLAN]
        self.now = now
        self._logs = _Logs()
        self._tls = _tls_notes(self.cluster)
        self.problem = ""  # why there is no report (pods unreadable), shown by /readyz

    @property
    def where(self) -> str:
        return f"{self.cluster.context} ({self.cluster.server})"

    def start(self) -> None:
        _preflight(self.client)  # unreachable / credentials rejected: said once, clearly (exit 3)
        for w in self.watchers:
            threading.Thread(target=w.run, name=f"podwhy-watch-{w.label}", daemon=True).start()

    def close(self) -> None:
        self.stop.set()
        self.client.close()

    def build(self) -> tuple[Report, Snapshot] | None:
        decoded, results = self.store.collect()
        pods = next(r for r in results if r.info.kind == "Pod")
        if pods.decoded is None:
            # As a scan: without pods there is nothing to diagnose (kept until they can be read again).
            assert pods.failure is not None
            self.problem = str(no_pods(self.cluster, pods, self.timeout, self.scope or self.cluster.namespace))
            return None
        self.problem = ""
        notes = [*self._tls, *notes_for(results, self.cluster, self.scope)]
        skipped = sum(w.skipped for w in self.watchers)
        scope = self.scope
        in_scope = [o for k, o in decoded.objects if k == "Pod" and (scope is None or o.metadata.namespace == scope)]
        logs, log_notes = self._logs.refresh(self.client, in_scope)
        decoded.logs = logs
        notes.extend(log_notes)
        if skipped:
            notes.append(f"{skipped} object(s) sent by watches did not decode and were skipped")
        confined = {r.namespace for r in results if r.info.namespaced and r.decoded is not None and r.namespace}
        scope_namespace = next(iter(confined)) if confined else None
        snap = build_snapshot(decoded, SourceInfo("live", self.where), scope_namespace=scope_namespace,
                              extra_notes=notes)
        report = diagnose(snap, now=self.now(), options=self.options, selection=self.selection,
                          max_node_verdicts=self.max_node_verdicts)
        return report, snap
