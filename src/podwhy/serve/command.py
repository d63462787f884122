"""`podwhy serve`: argv -> a source (a snapshot read once with --from, or the live cluster kept current by
watches) -> the board -> the HTTP server, until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from podwhy.errors import InputError
from podwhy.findings import Report

from .board import Board
from .engine import Engine
from .http import ServeServer
from .metrics import Metrics


def _address(raw: str) -> tuple[str, int]:
    host, sep, port = raw.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise InputError(f"--listen {raw!r}: give HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080")
    return host.strip("[]") or "127.0.0.1", int(port)


def _token(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--token-file {path}: cannot read it ({exc.__class__.__name__})") from None
    token = lines[0].strip() if lines else ""
    if len(token) < 16:
        raise InputError(f"--token-file {path}: the token must be at least 16 characters")
    return token


def run(args: argparse.Namespace, options: object, err: TextIO, *, offline_report: object = None) -> int:
    """`offline_report`: for --from, a callable returning (report, snapshot) exactly as `scan` builds it."""
    from podwhy.analyzers import Options

    assert isinstance(options, Options)
    if args.probe_registry:
        raise InputError("serve: --probe-registry is not supported (probe one pod with `podwhy pod NAME "
                         "--probe-registry`)")
    address = _address(args.listen)
    token = _token(args.token_file)
    board = Board()
    source = None
    engine: Engine | None = None
    if args.sources:
        report, snap = offline_report()  # type: ignore[operator]
        board.publish(report, snap)
        metrics = Metrics(lambda: _report(board), lambda: _objects(snap), lambda: {}, lambda: True)
        metrics.synced()
        ready = lambda: True  # noqa: E731
    else:
        from .live import LiveSource

        holder: dict[str, Engine] = {}
        source = LiveSource(kubeconfig=args.kubeconfig, context=args.context, namespace=args.namespace,
                            all_namespaces=args.all_namespaces, timeout=args.request_timeout, options=options,
                            max_node_verdicts=args.max_node_verdicts,
                            on_change=lambda: holder["engine"].changed() if "engine" in holder else None,
                            counters=_LateCounters(), now=_clock(args.now),
                            forbidden_retry=args.forbidden_retry)
        metrics = Metrics(lambda: _report(board), source.store.counts, source.store.readable,
                          lambda: board.current is not None)
        source_counters = source.watchers[0].counters
        assert isinstance(source_counters, _LateCounters)
        source_counters.target = metrics
        source.metrics = metrics
        engine = Engine(source.build, board, metrics, debounce=args.debounce, resync=args.resync,
                        max_delay=args.max_delay,
                        complete=lambda: source.store.settled)
        holder["engine"] = engine
        ready = lambda: board.current is not None  # noqa: E731
    try:
        server = ServeServer(address, board, metrics, token=token, ready=ready)
    except OSError as exc:
        raise InputError(f"--listen {args.listen}: {exc.strerror or exc}") from None
    host, port = str(server.server_address[0]), server.server_address[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"podwhy serve: listening on http://{shown}:{port}/", file=err, flush=True)
    if source is not None and engine is not None:
        source.start()
        threading.Thread(target=engine.run, name="podwhy-diagnose", daemon=True).start()
    stop = threading.Event()

    def _stop(_sig: int, _frame: object) -> None:
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _stop)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        board.close()
        if engine is not None:
            engine.stop.set()
        if source is not None:
            source.close()
        server.server_close()
    return 0


def _clock(fixed: str | None) -> Callable[[], datetime]:
    """Live ages count from now; `--now` pins the clock (a reproducible report: tests compare it with scan's)."""
    if fixed is None:
        return lambda: datetime.now(UTC)
    from podwhy.cli import _now

    at = _now(fixed, "")
    return lambda: at


def _report(board: Board) -> Report | None:
    cur = board.current
    return None if cur is None else cur.report


def _objects(snap: object) -> dict[str, int]:
    from podwhy.snapshot import ATTR

    return {kind: len(snap.objects(kind)) for kind in ATTR}  # type: ignore[attr-defined]


class _LateCounters:
    """The watchers' counters before the metrics exist (they need the store the watchers fill)."""

    target: Metrics | None = None

    def watch_restart(self, kind: str, reason: str) -> None:
        if self.target is not None:
            self.target.watch_restart(kind, reason)

    def relist(self, kind: str) -> None:
        if self.target is not None:
            self.target.relist(kind)
