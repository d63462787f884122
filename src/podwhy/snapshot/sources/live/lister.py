"""Listing one kind, page by page (`limit`/`continue`, the list restarted when a continue token expires:
client-go tools/pager/pager.go, 1.31), decoded straight into podwhy's partial structs, with a progress
line on a terminal."""

from __future__ import annotations

import os
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import TextIO
from urllib.parse import quote

import msgspec

from podwhy.errors import SnapshotError
from podwhy.model.kinds import EVENTS_V1, KindInfo
from podwhy.snapshot.sources.decode import Decoded, decode_list_page
from podwhy.snapshot.sources.live.client import Client, Failed

# Page size of every list: the value kubectl uses (k8s.io/kubectl/pkg/cmd/get/get.go chunk-size 500).
PAGE_LIMIT = 500
# A list is restarted from scratch at most this often (expired continue token, page that kept failing).
LIST_RESTARTS = 3


# ---------------------------------------------------------------------------------------------
# Progress on a terminal
# ---------------------------------------------------------------------------------------------


class Progress:
    """One updating line of object counts per kind on stderr (only when it is a terminal)."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._shown = 0
        self._last = 0.0

    def add(self, label: str, n: int) -> None:
        if self.stream is None:
            return
        with self._lock:
            self.counts[label] = self.counts.get(label, 0) + n
            now = time.monotonic()
            if now - self._last >= 0.1:
                self._last = now
                self._draw()

    def reset(self, label: str) -> None:
        with self._lock:
            self.counts.pop(label, None)

    def _draw(self) -> None:
        assert self.stream is not None
        parts = [f"{label} {n}" for label, n in self.counts.items() if n]
        line = "listing: " + ", ".join(parts)
        width = 79
        with suppress(OSError, ValueError, AttributeError):
            width = max(20, os.get_terminal_size(self.stream.fileno()).columns - 1)
        line = line[:width]
        self.stream.write("\r" + line + " " * max(0, self._shown - len(line)))
        self.stream.flush()
        self._shown = len(line)

    def clear(self) -> None:
        if self.stream is None or not self._shown:
            return
        with self._lock:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0


# ---------------------------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------------------------


def kind_label(info: KindInfo) -> str:
    return "events (events.k8s.io/v1)" if info is EVENTS_V1 else info.plural


def _list_path(info: KindInfo, namespace: str | None) -> str:
    if namespace:
        return f"/{info.api_path}/namespaces/{quote(namespace, safe='')}/{info.plural}"
    return f"/{info.api_path}/{info.plural}"


@dataclass
class KindResult:
    info: KindInfo
    decoded: Decoded | None = None
    failure: Failed | None = None
    # The namespace the kind was read in ("" = all namespaces / cluster-scoped).
    namespace: str = ""
    # True when a cluster-wide list was forbidden and the context's namespace was read instead.
    fell_back: bool = False


class Lister:
    def __init__(self, client: Client, progress: Progress) -> None:
        self.client = client
        self.progress = progress

    def list_once(self, info: KindInfo, namespace: str | None, selector: dict[str, str] | None = None) -> Decoded:
        """The whole list, page by page; restarted from scratch when the continue token expires or a
        page keeps failing mid-list (see the module docstring for how client-go's pager differs).
        `selector`: fieldSelector/labelSelector query parameters, sent with every page."""
        path = _list_path(info, namespace)
        where = self.client.cluster.server + path
        label = kind_label(info)
        restarts = 0
        while True:
            out = Decoded(loaded={info.kind})
            cont = ""
            try:
                while True:
                    query = {**(selector or {}), "limit": str(PAGE_LIMIT)}
                    if cont:
                        query["continue"] = cont
                    data = self.client.get(path, query)
                    try:
                        page, cont, version = decode_list_page(info, data, where)
                    except (SnapshotError, msgspec.MsgspecError) as exc:
                        # e.g. a proxy's HTML login page answered with 200
                        text = str(exc).removeprefix(f"{where}: ").removeprefix("malformed JSON: ")[:200]
                        raise Failed(f"the answer is not a {info.kind} list ({text})") from None
                    del data
                    out.extend(page)
                    self.progress.add(label, len(page.objects))
                    if not cont:
                        out.resource_version = version
                        return out
            except Failed as exc:
                mid_list = bool(cont)
                if not (exc.expired or (mid_list and exc.transient)):
                    raise
                restarts += 1
                self.progress.reset(label)
                if restarts > LIST_RESTARTS:
                    what = ("its continue token kept expiring (HTTP 410 Expired)" if exc.expired
                            else f"a page kept failing mid-list: {exc.why}")
                    raise Failed(f"{what}; restarted {LIST_RESTARTS} times", status=exc.status,
                                  transport=exc.transport) from None

    def list_kind(self, info: KindInfo, scope: str | None, home: str) -> KindResult:
        """`scope`: the namespace asked for (None: all). `home`: the context's namespace, read instead
        when a cluster-wide list of a namespaced kind is forbidden (namespace-only users)."""
        res = KindResult(info)
        try:
            if not info.namespaced:
                res.decoded = self.list_once(info, None)
                return res
            # Pods of every namespace are needed for node usage (NodeResourcesFit, affinity, ports):
            # read them cluster-wide even for one namespace when RBAC allows.
            want = None if (scope is None or info.kind == "Pod") else scope
            try:
                res.decoded = self.list_once(info, want)
                res.namespace = want or ""
                return res
            except Failed as exc:
                if not exc.forbidden or want is not None:
                    raise
                cluster_wide = exc
            ns = scope or home
            try:
                res.decoded = self.list_once(info, ns)
            except Failed as exc:
                # Forbidden in the namespace too: say what was refused first (the cluster-wide list).
                raise cluster_wide if exc.forbidden else exc from None
            res.namespace = ns
            res.fell_back = True
            return res
        except Failed as exc:
            res.failure = exc
            res.decoded = None
            return res
