"""Watches on the fake API server, as kube-apiserver serves them (k8s.io/apiserver/pkg/endpoints/handlers/
watch.go and the watch cache, 1.34): `?watch=1&resourceVersion=RV`, a chunked 200 answer with one JSON
WatchEvent per line (ADDED / MODIFIED / DELETED / BOOKMARK / ERROR), every change after RV in order, the
stream ended by the server after `timeoutSeconds`. A resourceVersion older than the last compaction gets
an ERROR event with a 410 Status, "too old resource version: RV (OLDEST)" (storage/cacher/watch_cache.go),
or, with Rules.gone_as_status, a plain HTTP 410 as an etcd-backed watch answers. Bookmarks are sent every
Rules.bookmark_every seconds when the client allows them.

Tests change the served objects with FakeAPIServer.emit(); `close_watches()` ends every open stream
(a load balancer resetting connections), `compact()` expires every version seen so far."""

from __future__ import annotations

import bisect
import copy
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from .status import status_body


@dataclass(frozen=True)
class Change:
    rv: int
    key: tuple[str, str]  # (group-version, plural)
    type: str
    obj: dict[str, Any]


class History:
    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.rv = 0  # the last version handed out (0: nothing emitted; lists keep their recorded version)
        self.changes: list[Change] = []
        self.oldest = 0  # versions at or below this were compacted away
        self.generation = 0  # bumped by close_watches()

    def add(self, key: tuple[str, str], type_: str, obj: dict[str, Any], floor: int) -> int:
        with self.cond:
            self.rv = max(self.rv, floor) + 1
            obj["metadata"]["resourceVersion"] = str(self.rv)
            self.changes.append(Change(self.rv, key, type_, copy.deepcopy(obj)))
            self.cond.notify_all()
            return self.rv

    def after(self, rv: int) -> list[Change]:
        """Changes after `rv`, oldest first (call with `cond` held)."""
        return self.changes[bisect.bisect_right(self.changes, rv, key=lambda c: c.rv):]

    def compact(self) -> None:
        with self.cond:
            self.oldest = self.rv
            self.changes.clear()
            self.cond.notify_all()

    def close_all(self) -> None:
        with self.cond:
            self.generation += 1
            self.cond.notify_all()


def too_old(rv: int, oldest: int) -> dict[str, Any]:
    return status_body(410, "Expired", f"too old resource version: {rv} ({oldest + 1})")


def stream(handler: Any, key: tuple[str, str], ns: str | None, query: dict[str, str], list_rv: int,
           fault: str = "") -> None:
    """Serve one watch on `handler` (the request's BaseHTTPRequestHandler)."""
    api = handler.api
    hist: History = api.history
    since = int(query.get("resourceVersion") or 0) or list_rv
    timeout = float(query.get("timeoutSeconds") or 1800)
    bookmarks = query.get("allowWatchBookmarks") in ("true", "1")
    every = api.rules.bookmark_every
    if (since <= hist.oldest or fault == "watch-gone") and api.rules.gone_as_status:
        handler._send(410, too_old(since, hist.oldest))
        return
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    handler.close_connection = True

    def send(doc: dict[str, Any]) -> None:
        line = json.dumps(doc, separators=(",", ":")).encode() + b"\n"
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
        handler.wfile.flush()

    try:
        if since <= hist.oldest or fault == "watch-gone":
            send({"type": "ERROR", "object": too_old(since, hist.oldest)})
            handler.wfile.write(b"0\r\n\r\n")
            return
        deadline = time.monotonic() + timeout
        next_bookmark = time.monotonic() + every
        generation = hist.generation
        sent = since
        while not api.stopping.is_set():
            with hist.cond:
                pending = hist.after(sent)
                if not pending:
                    wait = min(deadline, next_bookmark if bookmarks else deadline) - time.monotonic()
                    if wait > 0:
                        hist.cond.wait(min(wait, 0.2))
                    pending = hist.after(sent)
                closed = hist.generation != generation
                current = hist.rv
            if closed:
                return  # cut without the final chunk: the client sees the connection drop
            for c in pending:
                sent = c.rv
                if c.key != key or (ns is not None and c.obj["metadata"].get("namespace") != ns):
                    continue
                if fault == "watch-drop":
                    line = json.dumps({"type": c.type, "object": c.obj}).encode()
                    half = line[: len(line) // 2]
                    handler.wfile.write(b"%x\r\n%s\r\n" % (len(half), half))
                    handler.wfile.flush()
                    return  # mid-event: half a line, then the connection goes away
                send({"type": c.type, "object": c.obj})
            now = time.monotonic()
            if bookmarks and now >= next_bookmark:
                send({"type": "BOOKMARK", "object": {"kind": "Pod", "apiVersion": "v1",
                                                      "metadata": {"resourceVersion": str(max(current, sent))}}})
                next_bookmark = now + every
            if now >= deadline:
                handler.wfile.write(b"0\r\n\r\n")
                return
    except (BrokenPipeError, ConnectionResetError, OSError):
        return
