"""The previous run's log of crash-looping containers, read live: `GET pods/<name>/log?previous=true` (a GET on
the pods/log subresource, the request `kubectl logs --previous` makes: staging/src/k8s.io/kubectl/pkg/cmd/logs,
1.x-1.35), bounded by `tailLines` and `limitBytes` (PodLogOptions, core/v1) and by the number of containers, so a
cluster with thousands of crash loops costs at most MAX_CONTAINERS small requests, WORKERS at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from podwhy.model import Pod
from podwhy.model.logs import MAX_LINES, ContainerLog, tail
from podwhy.snapshot.logs import LogStore
from podwhy.snapshot.sources.live.client import WORKERS, Client, Failed

MAX_CONTAINERS = 40
LIMIT_BYTES = 64 * 1024


def wanted(pods: Iterable[Pod]) -> list[tuple[str, str, str]]:
    """(namespace, pod, container) of containers that restarted after a failed run, the most restarted first."""
    return [k[:3] for k in wanted_runs(pods)]


def wanted_runs(pods: Iterable[Pod]) -> list[tuple[str, str, str, int]]:
    """`wanted`, each with its restart count (which run's log it is: `podwhy serve` reads each run once)."""
    found: list[tuple[str, str, str, int]] = []
    for p in pods:
        meta, st = p.metadata, p.status
        for cs in (*st.init_container_statuses, *st.container_statuses):
            last = cs.last_state.terminated
            if cs.restart_count > 0 and last is not None and last.reason not in ("StartError", "ContainerCannotRun"):
                found.append((meta.namespace, meta.name, cs.name, cs.restart_count))
    found.sort(key=lambda x: -x[3])
    return found[:MAX_CONTAINERS]


def read(client: Client, keys: list[tuple[str, str, str]], store: LogStore, *, workers: int = WORKERS) -> list[str]:
    """Fill `store`, `workers` requests at a time; returns notes (forbidden, failures), never raises for one log."""
    forbidden = threading.Event()

    def one(key: tuple[str, str, str]) -> tuple[tuple[str, str, str], ContainerLog | None]:
        ns, pod, c = key
        if forbidden.is_set():
            return key, None  # RBAC is per resource: the rest would be refused too
        path = f"/api/v1/namespaces/{ns}/pods/{pod}/log"
        try:
            body = client.get_once(path, {"container": c, "previous": "true", "tailLines": str(MAX_LINES),
                                          "limitBytes": str(LIMIT_BYTES)}, accept="application/json, */*")
        except Failed as exc:
            if exc.status in (401, 403):
                forbidden.set()
            return key, None  # 400 "previous terminated container not found" and the like: no log, nothing to say
        return key, tail(body.decode("utf-8", "replace"), previous=True,
                         source=f"GET {path}?container={c}&previous=true")

    if len(keys) <= 1 or workers <= 1:
        got = [one(k) for k in keys]
    else:
        with ThreadPoolExecutor(max_workers=min(workers, len(keys)), thread_name_prefix="podwhy-logs") as pool:
            got = list(pool.map(one, keys))
    for key, log in got:
        if log is not None:
            store.add(key, log)
    if forbidden.is_set():
        return ["pods/log: forbidden, so crash-looping containers' previous logs were not read (grant `get` on "
                "pods/log to quote their error lines)"]
    return []
