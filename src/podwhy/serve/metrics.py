"""`/metrics`, written by the `prometheus_client` library (its registry, collectors and exposition).

Label cardinality is bounded: no pod names. `podwhy_stuck_subjects` has one series per (namespace,
family, code, severity, owner_kind, owner); above MAX_STUCK_SERIES series the smallest ones are folded,
first their owner (owner="(other)"), then also their namespace, and `podwhy_stuck_series_folded` says
how many series were folded, so a cluster with 50,000 broken Deployments cannot blow up Prometheus."""

from __future__ import annotations

import time
from collections import Counter as Tally
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from podwhy.findings import Report

MAX_STUCK_SERIES = 2000
OTHER = "(other)"
SeriesKey = tuple[str, str, str, str, str, str]
STUCK_LABELS = ("namespace", "family", "code", "severity", "owner_kind", "owner")


def stuck_series(report: Report, ceiling: int = MAX_STUCK_SERIES) -> tuple[dict[SeriesKey, int], int]:
    """(series -> stuck subjects, number of series folded away). The owner is the top of the subject's
    owner chain (a Deployment, not its ReplicaSet); a bare pod has none."""
    tally: Tally[SeriesKey] = Tally()
    for s in report.subjects:
        if not s.findings:
            continue
        f = s.findings[0]
        okind = oname = ""
        if s.owners:
            okind, _, rest = s.owners[-1].partition("/")
            oname = rest.partition("/")[2]
        elif s.kind != "Pod":
            okind, oname = s.kind, s.name
        tally[(s.namespace, f.code.partition(".")[0], f.code, f.severity, okind, oname)] += 1
    if len(tally) <= ceiling:
        return dict(tally), 0
    folded = 0
    for fold in (_fold_owner, _fold_namespace):
        ranked = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
        out: Tally[SeriesKey] = Tally(dict(ranked[: ceiling // 2]))
        for series, n in ranked[ceiling // 2:]:
            out[fold(series)] += n
        folded += len(tally) - len(out)
        tally = out
        if len(tally) <= ceiling:
            break
    return dict(tally), folded


def _fold_owner(k: SeriesKey) -> SeriesKey:
    return (k[0], k[1], k[2], k[3], "", OTHER)


def _fold_namespace(k: SeriesKey) -> SeriesKey:
    return (OTHER, k[1], k[2], k[3], "", OTHER)


class Metrics:
    """Counters the watchers bump; gauges read from the current state at scrape time."""

    def __init__(self, report: Callable[[], Report | None], objects: Callable[[], dict[str, int]],
                 readable: Callable[[], dict[str, bool]], ready: Callable[[], bool]) -> None:
        # auto_describe off: the state collector reads the live store, which need not exist at registration yet.
        self.registry = CollectorRegistry(auto_describe=False)
        self.diagnosis = Histogram(
            "podwhy_diagnosis_duration_seconds", "Time to rebuild the snapshot and diagnose the cluster",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=self.registry)
        self.latency = Histogram(
            "podwhy_change_to_report_seconds", "From the first watch event of a change to the report showing it",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30), registry=self.registry)
        self.phases = Histogram(
            "podwhy_diagnosis_phase_seconds", "Where a diagnosis goes: copying the picture, reading logs, building "
            "the snapshot, diagnosing", ("phase",), buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry)
        self.rediagnosed = Gauge("podwhy_subjects_rediagnosed", "Subjects the last diagnosis analysed again "
                                 "(the rest kept: their inputs did not change)", registry=self.registry)
        self.restarts = Counter("podwhy_watch_restarts", "Watches re-opened, by kind and reason",
                                ("kind", "reason"), registry=self.registry)
        self.relists = Counter("podwhy_relists", "Kinds listed again after their watch's version expired (410)",
                               ("kind",), registry=self.registry)
        self.last_sync = Gauge("podwhy_last_sync_timestamp_seconds",
                               "Unix time of the last report built from a complete, current picture",
                               registry=self.registry)
        self.registry.register(_StateCollector(report, objects, readable, ready))

    def watch_restart(self, kind: str, reason: str) -> None:
        self.restarts.labels(kind, reason).inc()

    def relist(self, kind: str) -> None:
        self.relists.labels(kind).inc()

    def synced(self, at: float | None = None) -> None:
        self.last_sync.set(at if at is not None else time.time())

    def exposition(self, accept: str) -> tuple[bytes, str]:
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type


class _StateCollector(Collector):
    def __init__(self, report: Callable[[], Report | None], objects: Callable[[], dict[str, int]],
                 readable: Callable[[], dict[str, bool]], ready: Callable[[], bool]) -> None:
        self._report, self._objects, self._readable, self._ready = report, objects, readable, ready

    def collect(self) -> Iterator[GaugeMetricFamily]:
        stuck = GaugeMetricFamily("podwhy_stuck_subjects", "Stuck pods and failing controllers, by root cause",
                                  labels=STUCK_LABELS)
        folded = GaugeMetricFamily("podwhy_stuck_series_folded",
                                   f"Series of podwhy_stuck_subjects folded into owner/namespace=\"{OTHER}\" "
                                   f"(more than {MAX_STUCK_SERIES})")
        report = self._report()
        if report is not None:
            series, n = stuck_series(report)
            for key, count in sorted(series.items()):
                stuck.add_metric(key, count)
            folded.add_metric([], n)
        yield stuck
        yield folded
        objects = GaugeMetricFamily("podwhy_objects", "Objects held, by kind", labels=("kind",))
        for kind, n in sorted(self._objects().items()):
            objects.add_metric([kind], n)
        yield objects
        readable = GaugeMetricFamily("podwhy_kind_readable", "1 when the kind can be read (RBAC), else 0",
                                     labels=("kind",))
        for kind, ok in sorted(self._readable().items()):
            readable.add_metric([kind], 1 if ok else 0)
        yield readable
        yield GaugeMetricFamily("podwhy_ready", "1 once the first complete list was diagnosed",
                                value=1 if self._ready() else 0)
