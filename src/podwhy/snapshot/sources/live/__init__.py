"""Live cluster source: kubectl's way of finding the cluster, raw JSON lists decoded page by page.

Configuration and credentials come from the official `kubernetes` client, following client-go's
loading rules (k8s.io/client-go/tools/clientcmd/loader.go and client_config.go, 1.31): `--kubeconfig`,
else every file of $KUBECONFIG merged, else ~/.kube/config; `--context` or the current context; its
namespace or "default"; in-cluster service-account config when there is no kubeconfig at all and
KUBERNETES_SERVICE_HOST/PORT are set (namespace from $POD_NAMESPACE, the service account's namespace
file, else "default", as clientcmd's inClusterClientConfig.Namespace does). Exec credential plugins
and expiring tokens are refreshed by the client's own refresh hook, called before every request.

Requests go through the client's configured urllib3 pool (TLS, client certificates, proxy), but the
responses are raw bytes decoded with `decode_list_page` straight into podwhy's partial structs;
the client's model objects are never built (design.md rule 2). Lists are paged with `limit` and
`continue` (k8s.io/apiserver/pkg/storage/etcd3 continue tokens). A token that expired (410 Gone,
reason Expired) restarts the list: client-go's pager (tools/pager/pager.go, 1.31: "the list expired
while we were processing, fall back to a full list") retries once unpaged; podwhy restarts the
paged list instead, at most LIST_RESTARTS times, so a huge list is still read page by page.
429 and 5xx are retried with a bounded backoff honouring Retry-After (client-go
rest/with_retry.go retries 429 and 5xx answers that carry Retry-After).

Partial RBAC is normal: a kind that cannot be listed stays *unknown* (not empty) and a note says
what that leaves unchecked. Only a cluster that cannot be reached, refuses the credentials, or lets
us read no pods at all is an error (ClusterError, exit 3).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

import urllib3
import urllib3.exceptions as u3e

from podwhy.errors import ClusterError
from podwhy.model.kinds import EVENTS_V1, KINDS
from podwhy.snapshot import Snapshot, SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.sources.decode import Decoded, gc_paused
from podwhy.snapshot.sources.live import podlogs
from podwhy.snapshot.sources.live.client import WORKERS, Client, Failed
from podwhy.snapshot.sources.live.config import Cluster, configure
from podwhy.snapshot.sources.live.lister import Lister, Progress
from podwhy.snapshot.sources.live.notes import no_pods, notes_for, unauthorised, unreachable
from podwhy.snapshot.sources.live.onepod import read_pull_pod


class ObjectUnavailable(Exception):
    """One object could not be read: `kind` is "not-found", "forbidden" or "error"; `why` says more."""

    def __init__(self, kind: str, why: str) -> None:
        super().__init__(why)
        self.kind = kind
        self.why = why


class ObjectReader:
    """GET single objects as raw JSON with exactly the configuration and credentials `load_live` uses
    (kubeconfig, $KUBECONFIG merge, context, exec plugins, in-cluster). Used by the registry probe to
    read a pull secret at probe time: the bytes are handed to the caller and never stored or logged.
    """

    def __init__(self, kubeconfig: str | None, context: str | None, timeout: float) -> None:
        self._args = (kubeconfig, context)
        self._timeout = timeout
        self._client: Client | None = None
        self._error: str | None = None
        self._lock = threading.Lock()

    def _get_client(self) -> Client:
        with self._lock:
            if self._client is None and self._error is None:
                try:
                    self._client = Client(configure(*self._args), self._timeout)
                except ClusterError as exc:
                    self._error = str(exc)
            if self._client is None:
                raise ObjectUnavailable("error", self._error or "no API client")
            return self._client

    def get(self, path: str) -> bytes:
        client = self._get_client()
        try:
            return client.get(path)
        except Failed as exc:
            if exc.status == 404:
                raise ObjectUnavailable("not-found", "not found") from None
            if exc.status in (401, 403):
                raise ObjectUnavailable("forbidden", f"cannot read it ({exc.why})") from None
            raise ObjectUnavailable("error", exc.why) from None

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()


def _tls_notes(cluster: Cluster) -> list[str]:
    """Before any request: kubectl accepts insecure-skip-tls-verify silently; say it once in the report
    instead of urllib3's warning per request."""
    if cluster.configuration.verify_ssl:
        return []
    urllib3.disable_warnings(u3e.InsecureRequestWarning)
    return [f"TLS verification of {cluster.server} is disabled by the kubeconfig (insecure-skip-tls-verify): "
            "the answers could come from anyone on the path"]


def load_live(*, kubeconfig: str | None = None, context: str | None = None, namespace: str | None = None,
              all_namespaces: bool = False, timeout: float = 30.0,
              progress: TextIO | None = None) -> tuple[Snapshot, str]:
    """Read the cluster of the kubeconfig context. Returns (snapshot, the context's namespace).

    Namespaced kinds are read in `namespace` (or the context's namespace) unless `all_namespaces`;
    cluster-scoped kinds always cluster-wide (scheduling needs every node), and pods cluster-wide
    whenever RBAC allows (node usage).
    """
    cluster = configure(kubeconfig, context)
    scope = None if all_namespaces else (namespace or cluster.namespace)
    client = Client(cluster, timeout)
    bar = Progress(progress)
    lister = Lister(client, bar)
    notes = _tls_notes(cluster)
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="podwhy-list")
    decoded = Decoded()
    try:
        _preflight(client)
        plan = (*KINDS, EVENTS_V1)
        with gc_paused():
            results = list(pool.map(lambda info: lister.list_kind(info, scope, cluster.namespace), plan))
        pods = next(r for r in results if r.info.kind == "Pod")
        if pods.decoded is None:
            raise no_pods(cluster, pods, timeout, scope or cluster.namespace)
        for r in results:
            if r.decoded is not None:
                decoded.extend(r.decoded)
        in_scope = [o for k, o in decoded.objects if k == "Pod" and (scope is None or o.metadata.namespace == scope)]
        log_notes = podlogs.read(client, podlogs.wanted(in_scope), decoded.logs)
    finally:
        # On Ctrl-C, lists not yet started are dropped; those in flight end within their timeout.
        pool.shutdown(wait=False, cancel_futures=True)
        bar.clear()
        client.close()

    notes.extend(notes_for(results, cluster, scope))
    notes.extend(log_notes)
    confined = {r.namespace for r in results if r.info.namespaced and r.decoded is not None and r.namespace}
    scope_namespace = next(iter(confined)) if confined else None
    with gc_paused():
        snap = build_snapshot(decoded, SourceInfo("live", f"{cluster.context} ({cluster.server})"),
                              scope_namespace=scope_namespace, extra_notes=notes)
    return snap, cluster.namespace


def load_live_pod(name: str, *, kubeconfig: str | None = None, context: str | None = None,
                  namespace: str | None = None, timeout: float = 30.0) -> tuple[Snapshot, str] | None:
    """`podwhy pod NAME` for a pod stuck pulling, or started and failing: only what its diagnosis reads
    (live/onepod.py), or None when that does not apply (then `load_live` reads everything)."""
    cluster = configure(kubeconfig, context)
    ns = namespace or cluster.namespace
    client = Client(cluster, timeout)
    notes = _tls_notes(cluster)
    try:
        _preflight(client)
        got = read_pull_pod(client, Lister(client, Progress(None)), name, ns)
    except Failed:
        return None
    finally:
        client.close()
    if got is None:
        return None
    decoded, requests, kind = got
    if kind == "pull":
        notes.append(f"read only what this pod's image-pull diagnosis needs ({requests} requests: the pod, its events, "
                     "node, ServiceAccount, pull secrets and owners); evidence from other pods (the same image or "
                     "registry failing elsewhere) is in `podwhy scan`")
    else:
        notes.append(f"read only what this pod's diagnosis needs ({requests} requests: the pod, its events, node and "
                     "the node's events, owners, the namespace's Services and Secrets, previous logs); other pods "
                     "are in `podwhy scan`")
    with gc_paused():
        snap = build_snapshot(decoded, SourceInfo("live", f"{cluster.context} ({cluster.server})"),
                              scope_namespace=ns, extra_notes=notes)
    return snap, ns


def _preflight(client: Client) -> None:
    """One cheap request first, so "unreachable" and "credentials rejected" are said once, clearly.
    /version is readable by any authenticated user (system:public-info-viewer); a 403 still proves
    the cluster answers and the credentials were accepted."""
    for attempt in range(2):
        try:
            client.get_once("/version")
            return
        except Failed as exc:
            if exc.status == 401:
                raise unauthorised(client.cluster, exc) from None
            if not exc.transport:
                return  # any other HTTP answer (403, 404, 5xx): the server is there; the lists say more
            if exc.transport in ("timeout", "dropped") and attempt == 0:
                continue  # once more: a first connection can be slow (TLS handshake, cold proxy)
            raise unreachable(client.cluster, exc, client.timeout) from None


__all__ = ["Client", "Failed", "ObjectReader", "ObjectUnavailable", "load_live", "load_live_pod"]
