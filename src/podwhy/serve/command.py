"""`podwhy serve`: argv -> a source (a snapshot read once with --from, or the live cluster kept current by
watches) -> the board -> the HTTP server, until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from podwhy.errors import InputError
from podwhy.findings import Report

from .board import Board
from .engine import Engine
from .http import ServeServer
from .metrics import Metrics

if TYPE_CHECKING:
    from podwhy.analyzers import Options
    from podwhy.snapshot import Snapshot

    from .live import LiveSource


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


def run(args: argparse.Namespace, options: Options, err: TextIO, *,
        offline_report: Callable[[], tuple[Report, Snapshot]] | None = None) -> int:
    """`offline_report`: for --from, a callable returning (report, snapshot) exactly as `scan` builds it."""
    if args.probe_registry:
        raise InputError("serve: --probe-registry is not supported (probe one pod with `podwhy pod NAME "
                         "--probe-registry`)")
    address = _address(args.listen)
    token = _token(args.token_file)
    board = Board()
    source: LiveSource | None = None
    engine: Engine | None = None
    if offline_report is not None:
        report, snap = offline_report()
        board.publish(report, snap)
        metrics = Metrics(lambda: _report(board), lambda: _objects(snap), lambda: {}, lambda: True)
        metrics.synced()
        ready = lambda: True  # noqa: E731
    else:
        metrics, source, engine = _live(args, options, board)
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

    def _stop(_sig: int, _frame: object) -> None:
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


def _live(args: argparse.Namespace, options: Options, board: Board) -> tuple[Metrics, LiveSource, Engine]:
    """The metrics read the source's store and the source's watchers count into the metrics; the store tells
    the engine of changes. The closures bind `source` and `engine` late: nothing runs before source.start()."""
    from .live import LiveSource

    metrics = Metrics(lambda: _report(board), lambda: source.store.counts(), lambda: source.store.readable(),
                      lambda: board.current is not None)
    source = LiveSource(kubeconfig=args.kubeconfig, context=args.context, namespace=args.namespace,
                        all_namespaces=args.all_namespaces, timeout=args.request_timeout, options=options,
                        max_node_verdicts=args.max_node_verdicts, on_change=lambda: engine.changed(),
                        metrics=metrics, now=_clock(args.now), forbidden_retry=args.forbidden_retry)
    engine = Engine(source.build, board, metrics, debounce=args.debounce, resync=args.resync,
                    max_delay=args.max_delay, complete=lambda: source.store.settled)
    return metrics, source, engine


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


def _objects(snap: Snapshot) -> dict[str, int]:
    """`podwhy_objects` of a snapshot served with --from: what it holds, by kind."""
    from podwhy.snapshot import ATTR

    return {kind: len(snap.objects(kind)) for kind in ATTR}
