"""When to diagnose again: a change (any watch event) starts a short debounce, so a rollout's burst of
events costs one diagnosis, bounded by `max_delay` so a steady stream cannot postpone it. Those passes
re-run only the subjects the changes touched (incremental.py); every `resync` seconds, changes or not, a
full diagnosis, because ages move on (a pod becomes stuck when it has been ContainerCreating for
--creating-threshold, with no event at all, and the texts say "for 12m")."""

from __future__ import annotations

import gc
import sys
import threading
import time
import traceback
from collections.abc import Callable

from podwhy.findings import Report
from podwhy.snapshot import Snapshot

from .board import Board
from .metrics import Metrics

MAX_DELAY = 0.25


def _collect() -> None:
    """The cyclic collector runs here only, after a full pass, not on its own: left on, the millions of short-lived
    objects of every pass trigger it over and over, and each of its full sweeps walks everything the store holds
    (15 % of a 150,000-pod server's time). What a pass frees, reference counting frees; cycles (HTTP machinery,
    tracebacks) wait until the next full pass. The survivors are frozen so later sweeps skip them."""
    gc.collect()
    gc.freeze()


class Engine:
    def __init__(self, build: Callable[[bool], tuple[Report, Snapshot] | None], board: Board, metrics: Metrics, *,
                 debounce: float, resync: float, complete: Callable[[], bool], max_delay: float = MAX_DELAY) -> None:
        self._build = build
        self.board, self.metrics = board, metrics
        self.debounce, self.resync, self.max_delay = debounce, resync, max_delay
        self._complete = complete
        self._cond = threading.Condition()
        self._first_change: float | None = None
        self._last_change = 0.0
        self.stop = threading.Event()
        self._last_full = float("-inf")

    def changed(self) -> None:
        """Called by the store on every change (from any watcher thread): cheap."""
        now = time.monotonic()
        with self._cond:
            if self._first_change is None:
                self._first_change = now
            self._last_change = now
            self._cond.notify()

    def run(self) -> None:
        gc.disable()  # see _collect
        while not self.stop.is_set():
            with self._cond:
                self._cond.wait_for(lambda: self._first_change is not None or self.stop.is_set(), self.resync)
                # Debounce: quiet for `debounce`, or MAX_DELAY since the first change, whichever comes first.
                while self._first_change is not None and not self.stop.is_set():
                    now = time.monotonic()
                    quiet_at = self._last_change + self.debounce
                    latest = self._first_change + self.max_delay
                    until = min(quiet_at, latest)
                    if now >= until:
                        break
                    self._cond.wait(until - now)
                first = self._first_change
                self._first_change = None
            if self.stop.is_set():
                return
            if not self._complete():
                continue  # not every kind listed yet: a partial picture would report false alarms
            self.once(first)

    def once(self, first_change: float | None = None) -> None:
        started = time.monotonic()
        # Every `resync` seconds a full diagnosis, even under a steady stream of changes: ages move on.
        full = started - self._last_full >= self.resync
        try:
            got = self._build(full)
            if full:
                self._last_full = started
        except Exception:  # one failed rebuild must not end the server: report it, keep the last report
            traceback.print_exc(file=sys.stderr)
            return
        if got is None:
            return
        report, snap = got
        self.board.publish(report, snap)
        del got, report, snap
        done = time.monotonic()
        self.metrics.diagnosis.observe(done - started)
        if first_change is not None:
            self.metrics.latency.observe(done - first_change)
        self.metrics.synced()
        if full:
            _collect()  # after the report is out: it does not delay it
