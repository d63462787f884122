"""One kind kept current: list, then watch from the list's resourceVersion, as client-go's Reflector does
(k8s.io/client-go/tools/cache/reflector.go, 1.34): `allowWatchBookmarks=true` so an idle watch still
advances its resourceVersion; a watch the server ends (its `timeoutSeconds`) is re-opened from the last
version seen; a dropped or failing one after a backoff (reflector's 800 ms initial, 30 s cap, jittered);
`410 Gone` / an ERROR event with code 410 ("too old resource version") means the versions since were
compacted away, so the kind is listed again and replaced. A kind RBAC forbids (at start or mid-run) is
unknown, as in a scan, and is asked for again every FORBIDDEN_RETRY seconds (a grant can come later)."""

from __future__ import annotations

import random
import threading
from typing import Any, Protocol

import msgspec

from podwhy.model.kinds import KindInfo
from podwhy.snapshot.sources.decode import _decoder
from podwhy.snapshot.sources.live.client import Client, Failed
from podwhy.snapshot.sources.live.lister import Lister, Progress, _list_path

from .store import Store, resource_of

BACKOFF_INITIAL = 0.8
BACKOFF_CAP = 30.0
FORBIDDEN_RETRY = 60.0
# The server ends each watch after a random 5-10 min (reflector's minWatchTimeout 5 min, times 1 + rand).
WATCH_MIN_SECONDS = 300
# No byte for this long past the watch's own timeout: the connection is dead even if TCP has not said so.
SILENCE_GRACE = 30.0


class Counters(Protocol):
    def watch_restart(self, kind: str, reason: str) -> None: ...
    def relist(self, kind: str) -> None: ...


class _Meta(msgspec.Struct, rename="camel"):
    resource_version: str = ""


class _Versioned(msgspec.Struct):
    metadata: _Meta = msgspec.field(default_factory=_Meta)


class _Status(msgspec.Struct):
    code: int = 0
    reason: str = ""
    message: str = ""


class _Event(msgspec.Struct):
    type: str = ""
    object: msgspec.Raw = msgspec.Raw(b"null")


_EVENT = msgspec.json.Decoder(_Event)
_VERSIONED = msgspec.json.Decoder(_Versioned)
_STATUS = msgspec.json.Decoder(_Status)


class _Relist(Exception):
    """The watch's resourceVersion is gone (410): list again."""


class Watcher:
    def __init__(self, client: Client, store: Store, info: KindInfo, scope: str | None, home: str,
                 counters: Counters, stop: threading.Event, *, watch_seconds: int | None = None,
                 forbidden_retry: float = FORBIDDEN_RETRY) -> None:
        self.client, self.store, self.info = client, store, info
        self.scope, self.home = scope, home
        self.label = resource_of(info)
        self.counters = counters
        self.stop = stop
        self.lister = Lister(client, Progress(None))
        self.watch_seconds = watch_seconds
        self.forbidden_retry = forbidden_retry
        self.namespace = ""
        self.skipped = 0  # objects of a watch event that did not decode (a note counts them)

    def run(self) -> None:
        backoff = BACKOFF_INITIAL
        need_list = True
        first = True
        while not self.stop.is_set():
            try:
                if need_list:
                    self._list(first)
                    first, need_list = False, False
                got_event = self._watch()
                backoff = BACKOFF_INITIAL if got_event else backoff
                self.counters.watch_restart(self.label, "closed")  # the server ended it (timeoutSeconds)
            except _Relist:
                need_list = True
                self.counters.watch_restart(self.label, "gone")
            except Failed as exc:
                if exc.expired:
                    need_list = True
                    self.counters.watch_restart(self.label, "gone")
                    continue
                if exc.forbidden or need_list:
                    # Unknown from now on; the list is tried again later (it may be granted).
                    if exc.forbidden:
                        self.store.fail(self.label, exc)
                    need_list = True
                    self.counters.watch_restart(self.label, "forbidden" if exc.forbidden else "error")
                    self.stop.wait(self.forbidden_retry if exc.forbidden else backoff)
                    backoff = min(BACKOFF_CAP, backoff * 2)
                    continue
                self.counters.watch_restart(self.label, exc.transport or "error")
                self.stop.wait(backoff * (1 + random.random()))
                backoff = min(BACKOFF_CAP, backoff * 2)

    def _list(self, first: bool) -> None:
        if first:
            # The first list degrades exactly as a scan's (cluster-wide, else the context's namespace).
            res = self.lister.list_kind(self.info, self.scope, self.home)
            if res.decoded is None:
                assert res.failure is not None
                self.store.fail(self.label, res.failure)
                raise res.failure
            self.namespace = res.namespace
            self.store.replace(self.label, res.decoded, namespace=res.namespace, fell_back=res.fell_back)
            return
        decoded = self.lister.list_once(self.info, self.namespace or None)
        self.counters.relist(self.label)
        st = self.store.kinds[self.label]
        self.store.replace(self.label, decoded, namespace=self.namespace, fell_back=st.fell_back)

    def _watch(self) -> bool:
        """One watch until the server ends it. True when at least one event arrived."""
        seconds = self.watch_seconds or int(WATCH_MIN_SECONDS * (1 + random.random()))
        query = {"watch": "1", "resourceVersion": self.store.version_of(self.label),
                 "allowWatchBookmarks": "true", "timeoutSeconds": str(seconds)}
        path = _list_path(self.info, self.namespace or None)
        got = False
        for line in self.client.stream(path, query, read_timeout=seconds + SILENCE_GRACE):
            if self.stop.is_set():
                return got
            got = True
            self._apply(line)
        return got

    def _apply(self, line: bytes) -> None:
        try:
            event = _EVENT.decode(line)
        except msgspec.MsgspecError:
            raise Failed("the watch sent something that is not a watch event", transport="dropped") from None
        raw = bytes(event.object)
        if event.type == "ERROR":
            status = _safe(_STATUS, raw) or _Status()
            if status.code == 410:
                raise _Relist
            raise Failed(f"watch error {status.code} {status.reason}".strip(), status=status.code,
                         reason=status.reason, message=status.message[:300])
        version = (_safe(_VERSIONED, raw) or _Versioned()).metadata.resource_version
        if event.type == "BOOKMARK":
            self.store.bookmark(self.label, version)
            return
        if event.type not in ("ADDED", "MODIFIED", "DELETED"):
            return
        try:
            obj = _decoder(self.info.wire).decode(raw)
        except msgspec.MsgspecError:
            self.skipped += 1  # as a list skips an object of the wrong shape; the version still moves on
            self.store.bookmark(self.label, version)
            return
        if self.info.store is not None:
            obj = self.info.store(obj)
        if event.type == "DELETED":
            self.store.delete(self.label, obj, version)
        else:
            self.store.put(self.label, obj, version)


def _safe(decoder: msgspec.json.Decoder[Any], raw: bytes) -> Any:
    try:
        return decoder.decode(raw)
    except msgspec.MsgspecError:
        return None
