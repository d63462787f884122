"""`podwhy serve` against a cluster: one Watcher thread per kind a scan lists (the same plan, scope and
RBAC fallbacks as `load_live`), and the function that turns the store's current picture into exactly
the report `podwhy scan -o json` would print at that moment."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from podwhy.analyzers import Options
from podwhy.analyzers.base import Work
from podwhy.diagnose import Selection, diagnose
from podwhy.findings import Report
from podwhy.model.kinds import EVENTS_V1, KINDS
from podwhy.model.logs import ContainerLog
from podwhy.render.json import render_bytes
from podwhy.snapshot import Snapshot, SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.logs import LogStore
from podwhy.snapshot.sources.live import _preflight, _tls_notes, podlogs
from podwhy.snapshot.sources.live.client import WORKERS, Client
from podwhy.snapshot.sources.live.config import configure
from podwhy.snapshot.sources.live.notes import no_pods, notes_for

from .incremental import Incremental, classify
from .metrics import Metrics
from .store import Store
from .watch import Watcher

PLAN = (*KINDS, EVENTS_V1)
LogKey = tuple[str, str, str, int]
KEPT_LOGS = 1000


@dataclass
class _Logs:
    """Previous logs already read, by (namespace, pod, container, restartCount): a log is read once per
    crash, not once per diagnosis, and kept (up to KEPT_LOGS) while a pod flaps in and out of its loop."""

    cache: dict[LogKey, ContainerLog | None] = field(default_factory=dict)
    forbidden_note: list[str] = field(default_factory=list)

    @staticmethod
    def wanted(pods: list[Any]) -> list[LogKey]:
        """The containers a scan would read the previous log of (podlogs.wanted), with their restart count."""
        return podlogs.wanted_runs(pods)

    def fill(self, client: Client, keys: list[LogKey], store: LogStore) -> bool:
        """Put these containers' logs in `store`, reading those not read yet. True when pods/log was found
        forbidden just now."""
        new = [k for k in keys if k not in self.cache]
        refused = False
        if new and not self.forbidden_note:
            fetched = LogStore()
            notes = podlogs.read(client, [k[:3] for k in new], fetched)
            if notes:
                self.forbidden_note, refused = notes, True
            for k in new:
                self.cache[k] = fetched.get(k[:3])
        while len(self.cache) > KEPT_LOGS:
            del self.cache[next(iter(self.cache))]
        for k in keys:
            log = self.cache.get(k)
            if log is not None:
                store.add(k[:3], log)
        return refused


class LiveSource:
    def __init__(self, *, kubeconfig: str | None, context: str | None, namespace: str | None, all_namespaces: bool,
                 timeout: float, options: Options, max_node_verdicts: int, on_change: Callable[[], None],
                 metrics: Metrics, now: Callable[[], datetime], forbidden_retry: float) -> None:
        self.cluster = configure(kubeconfig, context)
        self.scope = None if all_namespaces else (namespace or self.cluster.namespace)
        self.selection = Selection(namespace=self.scope)
        self.client = Client(self.cluster, timeout, connections=len(PLAN) + WORKERS)
        self.options, self.max_node_verdicts, self.timeout = options, max_node_verdicts, timeout
        self.stop = threading.Event()
        self.store = Store(PLAN, on_change)
        self.metrics = metrics
        self.watchers = [Watcher(self.client, self.store, info, self.scope, self.cluster.namespace, metrics,
                                 self.stop, forbidden_retry=forbidden_retry) for info in PLAN]
        self.now = now
        self._logs = _Logs()
        self.incremental = Incremental(options, self.selection, max_node_verdicts)
        self._wanted: set[LogKey] = set()
        self._next_full = False
        # Tests and the benchmark: after every incremental pass, diagnose in full and say if they differ.
        self.verify = os.environ.get("PODWHY_SERVE_VERIFY") == "1"
        self._tls = _tls_notes(self.cluster)
        self.problem = ""  # why there is no report (pods unreadable), shown by /readyz

    def _phase(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.metrics.phases.labels(name).observe(now - since)
        return now

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

    def build(self, full: bool) -> tuple[Report, Snapshot] | None:
        """`full`: diagnose every subject (else only those the changes since the last build touched)."""
        try:
            return self._build(full)
        except BaseException:
            # The changes taken from the store are lost with this pass: the next one starts afresh.
            self.incremental.forget()
            raise

    def _build(self, full: bool) -> tuple[Report, Snapshot] | None:
        clock = time.perf_counter()
        decoded, results, changes = self.store.collect()
        clock = self._phase("collect", clock)
        pods = next(r for r in results if r.info.kind == "Pod")
        if pods.decoded is None:
            # As a scan: without pods there is nothing to diagnose (kept until they can be read again).
            assert pods.failure is not None
            self.problem = str(no_pods(self.cluster, pods, self.timeout, self.scope or self.cluster.namespace))
            self.incremental.forget()
            return None
        self.problem = ""
        notes = [*self._tls, *notes_for(results, self.cluster, self.scope)]
        skipped = sum(w.skipped for w in self.watchers)
        scope = self.scope
        in_scope = [o for k, o in decoded.objects if k == "Pod" and (scope is None or o.metadata.namespace == scope)]
        dirty = classify(changes)
        dirty.everything = dirty.everything or full or self._next_full
        self._next_full = False
        wanted = self._logs.wanted(in_scope)
        # A log that became wanted (or no longer is) changes what its pod's findings quote.
        dirty.namespaces.update(k[0] for k in set(wanted) ^ self._wanted)
        self._wanted = set(wanted)
        store = LogStore()
        if dirty.everything:
            self._logs.fill(self.client, wanted, store)  # every wanted log before the notes, as a scan does
        clock = self._phase("logs", clock)
        decoded.logs = store
        notes.extend(self._logs.forbidden_note)
        if skipped:
            notes.append(f"{skipped} object(s) sent by watches did not decode and were skipped")
        confined = {r.namespace for r in results if r.info.namespaced and r.decoded is not None and r.namespace}
        scope_namespace = next(iter(confined)) if confined else None
        snap = build_snapshot(decoded, SourceInfo("live", self.where), scope_namespace=scope_namespace,
                              extra_notes=notes)
        clock = self._phase("snapshot", clock)

        def prepare(works: list[Work]) -> None:
            """An incremental pass reads only the logs of the pods it analyses again."""
            if dirty.everything:
                return
            started = time.perf_counter()
            again = {(w.namespace, w.name) for w in works if w.kind == "Pod"}
            if self._logs.fill(self.client, [k for k in wanted if k[:2] in again], store):
                self._next_full = True  # pods/log turned forbidden: the next pass says so, as a scan would
            self._phase("logs", started)

        now = self.now()
        report = self.incremental.diagnose(snap, now, dirty, prepare)
        self._phase("diagnose", clock)
        self.metrics.rediagnosed.set(self.incremental.last_rerun)
        if self.verify and not dirty.everything:
            whole = diagnose(snap, now=now, options=self.options, selection=self.selection,
                             max_node_verdicts=self.max_node_verdicts)
            if render_bytes(whole) != render_bytes(report):
                print(f"podwhy serve: VERIFY: the incremental report differs from the full diagnosis "
                      f"({self.incremental.last_rerun} subject(s) re-run)", file=sys.stderr, flush=True)
        return report, snap
