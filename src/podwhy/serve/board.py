"""The report being served: the latest diagnosis, its exact `scan -o json` bytes, a version that moves
only when those bytes change, and a condition the server-sent-event streams wait on."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import msgspec

from podwhy.findings import Report
from podwhy.snapshot import Snapshot


@dataclass
class Published:
    version: int
    report: Report
    snapshot: Snapshot
    at: float  # unix time it was published
    _body: bytes | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def body(self) -> bytes:
        """Exactly what `podwhy scan -o json` writes for this state (the document and a newline). Encoded
        when first asked for: a big cluster's report is 100+ MB, and most versions are never fetched."""
        with self._lock:
            if self._body is None:
                self._body = msgspec.json.format(msgspec.json.encode(self.report), indent=2) + b"\n"
            return self._body


class Board:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._current: Published | None = None
        self.closing = False

    @property
    def current(self) -> Published | None:
        return self._current

    def publish(self, report: Report, snapshot: Snapshot) -> bool:
        """True when the report changed (a new version); an equal one again only refreshes the time. Compared
        as structs, not as encoded bytes: the subjects an incremental pass kept are the very same objects,
        so the comparison costs what changed."""
        with self._cond:
            cur = self._current
            if cur is not None and cur.report == report:
                self._current = Published(cur.version, cur.report, snapshot, time.time(), cur._body)
                return False
            version = 1 if cur is None else cur.version + 1
            self._current = Published(version, report, snapshot, time.time())
            self._cond.notify_all()
            return True

    def wait_newer(self, version: int, timeout: float) -> Published | None:
        """The published report once its version is above `version`; None on timeout or shutdown."""
        with self._cond:
            self._cond.wait_for(lambda: self.closing or (self._current is not None and
                                                         self._current.version > version), timeout)
            cur = self._current
            if self.closing or cur is None or cur.version <= version:
                return None
            return cur

    def close(self) -> None:
        with self._cond:
            self.closing = True
            self._cond.notify_all()
