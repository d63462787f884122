"""The previous run's log of crash-looping containers, read live: `GET pods/<name>/log?previous=true` (a GET on
the pods/log subresource, the request `kubectl logs --previous` makes: staging/src/k8s.io/kubectl/pkg/cmd/logs,
1.x-1.35), bounded by `tailLines` and `limitBytes` (PodLogOptions, core/v1) and by the number of containers, so a
cluster with thousands of crash loops costs at most MAX_CONTAINERS small requests."""

from __future__ import annotations

from collections.abc import Iterable

from podwhy.model import Pod
from podwhy.model.logs import MAX_LINES, tail
from podwhy.snapshot.logs import LogStore
from podwhy.snapshot.sources.live.client import Client, Failed

MAX_CONTAINERS = 40
LIMIT_BYTES = 64 * 1024


def wanted(pods: Iterable[Pod]) -> list[tuple[str, str, str]]:
    """(namespace, pod, container) of containers that restarted after a failed run, the most restarted first."""
    found: list[tuple[int, tuple[str, str, str]]] = []
    for p in pods:
        meta, st = p.metadata, p.status
        for cs in (*st.init_container_statuses, *st.container_statuses):
            last = cs.last_state.terminated
            if cs.restart_count > 0 and last is not None and last.reason not in ("StartError", "ContainerCannotRun"):
                found.append((cs.restart_count, (meta.namespace, meta.name, cs.name)))
    found.sort(key=lambda x: -x[0])
    return [k for _, k in found[:MAX_CONTAINERS]]


def read(client: Client, keys: list[tuple[str, str, str]], store: LogStore) -> list[str]:
    """Fill `store`; returns notes (forbidden, failures), never raises for one log."""
    notes: list[str] = []
    forbidden = 0
    for ns, pod, c in keys:
        path = f"/api/v1/namespaces/{ns}/pods/{pod}/log"
        try:
            body = client.get_once(path, {"container": c, "previous": "true", "tailLines": str(MAX_LINES),
                                          "limitBytes": str(LIMIT_BYTES)}, accept="application/json, */*")
        except Failed as exc:
            if exc.status in (401, 403):
                forbidden += 1
                break  # RBAC is per resource: the next ones would be refused too
            continue  # 400 "previous terminated container not found" and the like: no log, nothing to say
        store.add((ns, pod, c), tail(body.decode("utf-8", "replace"), previous=True,
                                     source=f"GET {path}?container={c}&previous=true"))
    if forbidden:
        notes.append("pods/log: forbidden, so crash-looping containers' previous logs were not read (grant `get` on "
                     "pods/log to quote their error lines)")
    return notes
