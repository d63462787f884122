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

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import quote, urlencode, urlsplit

import msgspec
import urllib3
import urllib3.exceptions as u3e

from podwhy.errors import ClusterError, SnapshotError
from podwhy.model.kinds import EVENTS_V1, KINDS, KindInfo
from podwhy.snapshot import Snapshot, SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.sources.decode import Decoded, decode_list_page, gc_paused

# Page size of every list: the value kubectl uses (k8s.io/kubectl/pkg/cmd/get/get.go chunk-size 500).
PAGE_LIMIT = 500
# A page is tried this many times on 429, 5xx, timeouts and dropped connections.
PAGE_TRIES = 4
# A list is restarted from scratch at most this often (expired continue token, page that kept failing).
LIST_RESTARTS = 3
# Exponential backoff between tries without Retry-After: 0.25 s, 0.5 s, 1 s, ...
BACKOFF_SECONDS = 0.25
# Retry-After is honoured up to this many seconds (a server asking for more is asked again sooner).
RETRY_AFTER_CAP = 10.0
# Kinds are listed concurrently by this many threads.
WORKERS = 8
# The service account files of a pod (k8s.io/client-go/rest/config.go InClusterConfig, 1.31).
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
USER_AGENT = "podwhy (kubernetes python client config; read-only)"

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

# Replaced by tests to observe backoff without waiting.
_sleep: Callable[[float], None] = time.sleep


# ---------------------------------------------------------------------------------------------
# Failures
# ---------------------------------------------------------------------------------------------


class _Failed(Exception):
    """One request (or list) that did not succeed. `why` is short text for a note; never a body."""

    def __init__(self, why: str, *, status: int = 0, reason: str = "", message: str = "",
                 transport: str = "", retry_after: float | None = None) -> None:
        super().__init__(why)
        self.retry_after = retry_after  # seconds the server asked us to wait (429/503)
        self.why = why
        self.status = status
        self.reason = reason  # the Status reason: Forbidden, NotFound, Expired, ...
        self.message = message  # the Status message (RBAC's "User ... cannot list ..."), never a body
        self.transport = transport  # refused | dns | tls | timeout | dropped | proxy | other

    @property
    def forbidden(self) -> bool:
        return self.status == 403

    @property
    def missing(self) -> bool:
        return self.status == 404

    @property
    def expired(self) -> bool:
        return self.status == 410

    @property
    def transient(self) -> bool:
        return self.status in _RETRY_STATUS or self.transport in ("timeout", "dropped", "refused")


def _status_of(body: bytes) -> tuple[str, str]:
    """(reason, message) of a metav1.Status body; ("", "") when the body is something else."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "", ""
    if not isinstance(doc, dict) or doc.get("kind") != "Status":
        return "", ""
    reason, message = doc.get("reason"), doc.get("message")
    return (reason if isinstance(reason, str) else "",
            message[:300] if isinstance(message, str) else "")


def _retry_after(value: str | None) -> float | None:
    """Seconds of a Retry-After header (delta-seconds form, the one the API server sends)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)


def _transport_failure(exc: Exception, timeout: float) -> _Failed:
    # Order matters: urllib3 2.x's NameResolutionError < NewConnectionError < ConnectTimeoutError.
    if isinstance(exc, u3e.NameResolutionError):
        return _Failed("the server's host name does not resolve (DNS)", transport="dns")
    if isinstance(exc, u3e.NewConnectionError):
        text = str(exc)
        if "refused" in text.lower():
            return _Failed("connection refused", transport="refused")
        return _Failed(f"cannot connect ({_short(text)})", transport="refused")
    if isinstance(exc, u3e.SSLError):
        return _Failed(f"TLS failure ({_short(str(exc))})", transport="tls")
    if isinstance(exc, u3e.ProxyError):
        return _Failed(f"proxy failure ({_short(str(exc))})", transport="proxy")
    if isinstance(exc, (u3e.ConnectTimeoutError, u3e.ReadTimeoutError)):
        return _Failed(f"no answer within {timeout:g}s", transport="timeout")
    if isinstance(exc, (u3e.ProtocolError, u3e.IncompleteRead, u3e.DecodeError, ConnectionError)):
        return _Failed("the connection dropped", transport="dropped")
    return _Failed(f"request failed ({_short(str(exc))})", transport="other")


def _short(text: str) -> str:
    """The useful tail of a urllib3 error (its repr of the pool and URL carries nothing more)."""
    text = text.strip()
    for marker in ("Caused by ", "): "):
        i = text.rfind(marker)
        if i >= 0:
            text = text[i + len(marker):]
    return text[:200]


# ---------------------------------------------------------------------------------------------
# Configuration (the official client does the reading; we decide which rules apply)
# ---------------------------------------------------------------------------------------------


@dataclass
class _Cluster:
    configuration: Any  # kubernetes.client.Configuration
    context: str
    user: str
    namespace: str

    @property
    def server(self) -> str:
        return str(self.configuration.host)


class _CaptureLog(logging.Handler):
    """The client logs (and swallows) exec-plugin failures: keep their text to report them."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_client_errors() -> Iterator[_CaptureLog]:
    handler = _CaptureLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _kubeconfig_files(explicit: str | None) -> tuple[str, list[str]]:
    """(the value to hand the client, the files that exist). Mirrors clientcmd's loading rules."""
    if explicit:
        path = os.path.expanduser(explicit)
        if not os.path.isfile(path):
            raise ClusterError(f"--kubeconfig {explicit}: no such file")
        return path, [path]
    env = os.environ.get("KUBECONFIG", "")
    if env:
        paths = [os.path.expanduser(p) for p in env.split(os.pathsep) if p]
        existing = [p for p in paths if os.path.isfile(p)]
        return os.pathsep.join(existing), existing
    home = os.path.expanduser("~/.kube/config")
    return home, [home] if os.path.isfile(home) else []


def _configure(kubeconfig: str | None, context: str | None) -> _Cluster:
    from kubernetes import client as k8s_client
    from kubernetes import config as k8s_config

    configuration = k8s_client.Configuration()
    value, files = _kubeconfig_files(kubeconfig)
    if not files:
        if os.environ.get("KUBERNETES_SERVICE_HOST") and os.environ.get("KUBERNETES_SERVICE_PORT"):
            return _configure_in_cluster(configuration, context)
        where = f"$KUBECONFIG ({os.environ['KUBECONFIG']})" if os.environ.get("KUBECONFIG") else "~/.kube/config"
        raise ClusterError(
            f"no kubeconfig found ({where} does not exist) and not running inside a cluster: "
            "pass --kubeconfig FILE, set KUBECONFIG, or read a snapshot offline with --from FILE")
    try:
        contexts, current = k8s_config.list_kube_config_contexts(config_file=value)  # type: ignore[no-untyped-call]
    except Exception as exc:  # the client raises ConfigException, yaml and key errors alike
        raise ClusterError(f"kubeconfig {value}: cannot be read: {exc}") from None
    names = [c.get("name", "") for c in contexts or []]
    name = context or (current or {}).get("name", "")
    if not name:
        raise ClusterError(f"kubeconfig {value} has no current-context: pass --context "
                           f"(one of: {', '.join(names) or 'none defined'})")
    chosen = next((c for c in contexts or [] if c.get("name") == name), None)
    if chosen is None:
        raise ClusterError(f"context {name!r} is not in kubeconfig {value} "
                           f"(contexts: {', '.join(names) or 'none'}): pick one with --context")
    ctx = chosen.get("context") or {}
    with _captured_client_errors() as log:
        try:
            k8s_config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=value, context=name, client_configuration=configuration, persist_config=False)
        except Exception as exc:
            raise ClusterError(f"context {name!r} of kubeconfig {value}: {exc}") from None
    if log.messages:
        # e.g. "exec: process returned 1. <plugin stderr>": the credentials could not be obtained.
        raise ClusterError(f"context {name!r}: the credentials of user {ctx.get('user', '')!r} could not be "
                           f"obtained: {'; '.join(log.messages)[:500]}. Fix the kubeconfig's user entry "
                           "(e.g. log in again with your provider's CLI) and retry")
    # kubectl's default namespace: the context's, else "default" (clientcmd DirectClientConfig.Namespace).
    return _Cluster(configuration, name, str(ctx.get("user", "")), str(ctx.get("namespace") or "default"))


def _configure_in_cluster(configuration: Any, context: str | None) -> _Cluster:
    from kubernetes.config.incluster_config import InClusterConfigLoader

    if context:
        raise ClusterError(f"--context {context}: there is no kubeconfig (running in-cluster)")
    token = os.path.join(SERVICE_ACCOUNT_DIR, "token")
    try:
        loader = InClusterConfigLoader(  # type: ignore[no-untyped-call]
            token_filename=token, cert_filename=os.path.join(SERVICE_ACCOUNT_DIR, "ca.crt"))
        loader.load_and_set(configuration)  # type: ignore[no-untyped-call]
    except Exception as exc:
        raise ClusterError(f"in-cluster configuration: {exc} (looked in {SERVICE_ACCOUNT_DIR})") from None
    namespace = os.environ.get("POD_NAMESPACE", "")
    if not namespace:
        try:
            with open(os.path.join(SERVICE_ACCOUNT_DIR, "namespace")) as fh:
                namespace = fh.read().strip()
        except OSError:
            namespace = ""
    return _Cluster(configuration, "in-cluster", "serviceaccount", namespace or "default")


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------


class _Client:
    """GETs raw bytes through the client's urllib3 pool, with retries. Thread-safe."""

    def __init__(self, cluster: _Cluster, timeout: float) -> None:
        from kubernetes.client import rest

        cfg = cluster.configuration
        cfg.connection_pool_maxsize = WORKERS
        self.cluster = cluster
        self.timeout = timeout
        self._pool = rest.RESTClientObject(cfg).pool_manager
        self._auth_lock = threading.Lock()

    def close(self) -> None:
        self._pool.clear()

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip", "User-Agent": USER_AGENT}
        # auth_settings() runs the client's refresh hook (exec plugins, in-cluster token rotation):
        # serialised, so one expired token is refreshed once, not by every thread.
        with self._auth_lock:
            try:
                auth = self.cluster.configuration.auth_settings().get("BearerToken")
            except Exception as exc:  # the refresh hook re-reads files / re-runs plugins: any error
                raise _Failed(f"the credentials could not be refreshed ({_short(str(exc))})",
                              transport="credentials") from None
        if auth and auth.get("value"):
            headers["Authorization"] = str(auth["value"])
        return headers

    def get_once(self, path: str, query: dict[str, str] | None = None) -> bytes:
        url = self.cluster.server + path + (("?" + urlencode(query)) if query else "")
        timeout = urllib3.Timeout(connect=self.timeout, read=self.timeout)
        try:
            resp = self._pool.request("GET", url, headers=self._headers(), timeout=timeout, retries=False,
                                      redirect=False, preload_content=False)
        except u3e.HTTPError as exc:
            raise _transport_failure(exc, self.timeout) from None
        except OSError as exc:
            raise _transport_failure(exc, self.timeout) from None
        try:
            body = resp.read()
        except (u3e.HTTPError, OSError) as exc:
            raise _transport_failure(exc, self.timeout) from None
        finally:
            resp.release_conn()
        if 200 <= resp.status < 300:
            return bytes(body)
        reason, message = _status_of(bytes(body))
        why = f"HTTP {resp.status}" + (f" {reason}" if reason else "")
        raise _Failed(why, status=resp.status, reason=reason, message=message,
                      retry_after=_retry_after(resp.headers.get("Retry-After")))

    def get(self, path: str, query: dict[str, str] | None = None) -> bytes:
        """GET with bounded retries on 429/5xx (honouring Retry-After), timeouts and dropped connections."""
        last: _Failed | None = None
        for attempt in range(PAGE_TRIES):
            try:
                return self.get_once(path, query)
            except _Failed as exc:
                if not exc.transient:
                    raise
                last = exc
                if attempt + 1 == PAGE_TRIES:
                    break
                after = exc.retry_after
                delay = min(after, RETRY_AFTER_CAP) if after is not None else BACKOFF_SECONDS * 2**attempt
                _sleep(delay)
        assert last is not None
        last.why += f" ({PAGE_TRIES} tries)"
        raise last


# ---------------------------------------------------------------------------------------------
# Progress on a terminal
# ---------------------------------------------------------------------------------------------


class _Progress:
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


def _label(info: KindInfo) -> str:
    return "events (events.k8s.io/v1)" if info is EVENTS_V1 else info.plural


def _list_path(info: KindInfo, namespace: str | None) -> str:
    if namespace:
        return f"/{info.api_path}/namespaces/{quote(namespace, safe='')}/{info.plural}"
    return f"/{info.api_path}/{info.plural}"


@dataclass
class _KindResult:
    info: KindInfo
    decoded: Decoded | None = None
    failure: _Failed | None = None
    # The namespace the kind was read in ("" = all namespaces / cluster-scoped).
    namespace: str = ""
    # True when a cluster-wide list was forbidden and the context's namespace was read instead.
    fell_back: bool = False


class _Lister:
    def __init__(self, client: _Client, progress: _Progress) -> None:
        self.client = client
        self.progress = progress

    def list_once(self, info: KindInfo, namespace: str | None) -> Decoded:
        """The whole list, page by page; restarted from scratch when the continue token expires or a
        page keeps failing mid-list (see the module docstring for how client-go's pager differs)."""
        path = _list_path(info, namespace)
        where = self.client.cluster.server + path
        label = _label(info)
        restarts = 0
        while True:
            out = Decoded(loaded={info.kind})
            cont = ""
            try:
                while True:
                    query = {"limit": str(PAGE_LIMIT)}
                    if cont:
                        query["continue"] = cont
                    data = self.client.get(path, query)
                    try:
                        page, cont, _ = decode_list_page(info, data, where)
                    except (SnapshotError, msgspec.MsgspecError) as exc:
                        # e.g. a proxy's HTML login page answered with 200
                        text = str(exc).removeprefix(f"{where}: ").removeprefix("malformed JSON: ")[:200]
                        raise _Failed(f"the answer is not a {info.kind} list ({text})") from None
                    del data
                    out.extend(page)
                    self.progress.add(label, len(page.objects))
                    if not cont:
                        return out
            except _Failed as exc:
                mid_list = bool(cont)
                if not (exc.expired or (mid_list and exc.transient)):
                    raise
                restarts += 1
                self.progress.reset(label)
                if restarts > LIST_RESTARTS:
                    what = ("its continue token kept expiring (HTTP 410 Expired)" if exc.expired
                            else f"a page kept failing mid-list: {exc.why}")
                    raise _Failed(f"{what}; restarted {LIST_RESTARTS} times", status=exc.status,
                                  transport=exc.transport) from None

    def list_kind(self, info: KindInfo, scope: str | None, home: str) -> _KindResult:
        """`scope`: the namespace asked for (None: all). `home`: the context's namespace, read instead
        when a cluster-wide list of a namespaced kind is forbidden (namespace-only users)."""
        res = _KindResult(info)
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
            except _Failed as exc:
                if not exc.forbidden or want is not None:
                    raise
                cluster_wide = exc
            ns = scope or home
            try:
                res.decoded = self.list_once(info, ns)
            except _Failed as exc:
                # Forbidden in the namespace too: say what was refused first (the cluster-wide list).
                raise cluster_wide if exc.forbidden else exc from None
            res.namespace = ns
            res.fell_back = True
            return res
        except _Failed as exc:
            res.failure = exc
            res.decoded = None
            return res


# ---------------------------------------------------------------------------------------------
# Notes and errors
# ---------------------------------------------------------------------------------------------


def _consequence(info: KindInfo) -> str:
    return info.consequence or "not checked"


def _failure_note(info: KindInfo, f: _Failed, *, quote: bool) -> str:
    label = _label(info)
    if f.forbidden:
        detail = f" ({f.message})" if quote and f.message else ""
        return f"{label}: forbidden, {_consequence(info)}{detail}"
    if f.missing:
        api = info.api_version
        return f"{label}: API {api} not served by this cluster (HTTP 404), {_consequence(info)}"
    return f"{label}: could not be listed ({f.why}), {_consequence(info)}"


def _unreachable(cluster: _Cluster, f: _Failed, timeout: float) -> ClusterError:
    host = urlsplit(cluster.server).hostname or cluster.server
    head = f"cannot reach the cluster of context {cluster.context!r} at {cluster.server}"
    fixes = {
        "refused": "connection refused: the API server is down, or the kubeconfig's `server` address is wrong",
        "dns": f"the host name {host!r} does not resolve (DNS): check the kubeconfig's `server` address "
               "and your VPN/network",
        "tls": f"{f.why}: the kubeconfig's certificate-authority(-data) must be the CA that signed the server's "
               "certificate, and the `server` name must match that certificate",
        "timeout": f"{f.why}: check the network/VPN, or raise --request-timeout (now {timeout:g}s)",
        "proxy": f"{f.why}: check the kubeconfig's proxy-url and HTTPS_PROXY/NO_PROXY",
        "credentials": f"{f.why}: fix the kubeconfig's user entry (e.g. log in again with your provider's CLI)",
    }
    why = fixes.get(f.transport, f.why)
    return ClusterError(f"{head}: {why}. Check with `kubectl --context {cluster.context} cluster-info`; choose "
                        "another cluster with --context or --kubeconfig")


def _unauthorised(cluster: _Cluster, f: _Failed) -> ClusterError:
    return ClusterError(
        f"the cluster at {cluster.server} rejected the credentials of context {cluster.context!r} "
        f"(user {cluster.user!r}): HTTP 401 Unauthorized. The token or client certificate is missing, wrong "
        "or expired: log in again (refresh the kubeconfig's credentials), or pick another context with --context")


def _no_pods(cluster: _Cluster, pods: _KindResult, timeout: float, namespace: str) -> ClusterError:
    f = pods.failure
    assert f is not None
    if f.transport in ("refused", "dns", "tls", "timeout", "proxy", "credentials"):
        return _unreachable(cluster, f, timeout)
    if f.status == 401:
        return _unauthorised(cluster, f)
    if f.forbidden:
        detail = f": {f.message}" if f.message else ""
        return ClusterError(
            f"unauthorised: user {cluster.user!r} of context {cluster.context!r} may not list pods, cluster-wide "
            f"or in namespace {namespace!r}{detail}. Ask for read access (a Role/ClusterRole with "
            "`list` on pods, events, ...), use -n with a namespace you can read, or pick another context with "
            "--context")
    return ClusterError(f"could not list pods from {cluster.server} (context {cluster.context!r}): {f.why}")


def _notes(results: list[_KindResult], cluster: _Cluster, scope: str | None) -> list[str]:
    notes: list[str] = []
    events_v1 = next(r for r in results if r.info is EVENTS_V1)
    fell_back = [r for r in results if r.fell_back and r.info.kind != "Pod"]
    pods = next(r for r in results if r.info.kind == "Pod")
    if pods.fell_back:
        if scope is None:
            notes.append(f"pods: listing across all namespaces is forbidden; only namespace {pods.namespace!r} "
                         "was read, so other namespaces' pods are unknown and node usage by them is not counted")
        else:
            notes.append("pods: listing across all namespaces is forbidden, so pods of other namespaces are "
                         "unknown: node usage by them is not counted (resource fit, pod (anti-)affinity and "
                         "host ports on nodes may look freer than they are)")
    if fell_back and scope is None:
        kinds = ", ".join(_label(r.info) for r in fell_back)
        notes.append(f"listing across all namespaces is forbidden for {kinds}: read namespace "
                     f"{cluster.namespace!r} only")
    failed = [r for r in results if r.failure is not None and r.info.kind != "Pod"
              # Both event APIs serve the same objects: one of them is enough, and one note when neither.
              and not (r.info.kind == "Event" and (r is events_v1 or events_v1.failure is None))]
    refusals = [r.failure.message for r in failed if r.failure is not None and r.failure.forbidden]
    # One refusal: quote the API server's words in its note. Several (a namespace-only user): short
    # notes, and the server's words once (they name the user as the server sees it).
    quote = len(refusals) == 1
    notes.extend(_failure_note(r.info, r.failure, quote=quote) for r in failed if r.failure is not None)
    if len(refusals) > 1 and refusals[0]:
        notes.append(f"{len(refusals)} lists were forbidden by the cluster's RBAC, e.g.: {refusals[0]}")
    return notes


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
        self._client: _Client | None = None
        self._error: str | None = None
        self._lock = threading.Lock()

    def _get_client(self) -> _Client:
        with self._lock:
            if self._client is None and self._error is None:
                try:
                    self._client = _Client(_configure(*self._args), self._timeout)
                except ClusterError as exc:
                    self._error = str(exc)
            if self._client is None:
                raise ObjectUnavailable("error", self._error or "no API client")
            return self._client

    def get(self, path: str) -> bytes:
        client = self._get_client()
        try:
            return client.get(path)
        except _Failed as exc:
            if exc.status == 404:
                raise ObjectUnavailable("not-found", "not found") from None
            if exc.status in (401, 403):
                raise ObjectUnavailable("forbidden", f"cannot read it ({exc.why})") from None
            raise ObjectUnavailable("error", exc.why) from None

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()


def load_live(*, kubeconfig: str | None = None, context: str | None = None, namespace: str | None = None,
              all_namespaces: bool = False, timeout: float = 30.0,
              progress: TextIO | None = None) -> tuple[Snapshot, str]:
    """Read the cluster of the kubeconfig context. Returns (snapshot, the context's namespace).

    Namespaced kinds are read in `namespace` (or the context's namespace) unless `all_namespaces`;
    cluster-scoped kinds always cluster-wide (scheduling needs every node), and pods cluster-wide
    whenever RBAC allows (node usage).
    """
    cluster = _configure(kubeconfig, context)
    scope = None if all_namespaces else (namespace or cluster.namespace)
    client = _Client(cluster, timeout)
    bar = _Progress(progress)
    lister = _Lister(client, bar)
    notes: list[str] = []
    if not cluster.configuration.verify_ssl:
        # kubectl accepts insecure-skip-tls-verify silently; say it once instead of a warning per request.
        urllib3.disable_warnings(u3e.InsecureRequestWarning)
        notes.append(f"TLS verification of {cluster.server} is disabled by the kubeconfig "
                     "(insecure-skip-tls-verify): the answers could come from anyone on the path")
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="podwhy-list")
    try:
        _preflight(client)
        plan = (*KINDS, EVENTS_V1)
        with gc_paused():
            results = list(pool.map(lambda info: lister.list_kind(info, scope, cluster.namespace), plan))
    finally:
        # On Ctrl-C, lists not yet started are dropped; those in flight end within their timeout.
        pool.shutdown(wait=False, cancel_futures=True)
        bar.clear()
        client.close()

    pods = next(r for r in results if r.info.kind == "Pod")
    if pods.decoded is None:
        raise _no_pods(cluster, pods, timeout, scope or cluster.namespace)
    decoded = Decoded()
    for r in results:
        if r.decoded is not None:
            decoded.extend(r.decoded)
    notes.extend(_notes(results, cluster, scope))
    confined = {r.namespace for r in results if r.info.namespaced and r.decoded is not None and r.namespace}
    scope_namespace = next(iter(confined)) if confined else None
    with gc_paused():
        snap = build_snapshot(decoded, SourceInfo("live", f"{cluster.context} ({cluster.server})"),
                              scope_namespace=scope_namespace, extra_notes=notes)
    return snap, cluster.namespace


def _preflight(client: _Client) -> None:
    """One cheap request first, so "unreachable" and "credentials rejected" are said once, clearly.
    /version is readable by any authenticated user (system:public-info-viewer); a 403 still proves
    the cluster answers and the credentials were accepted."""
    for attempt in range(2):
        try:
            client.get_once("/version")
            return
        except _Failed as exc:
            if exc.status == 401:
                raise _unauthorised(client.cluster, exc) from None
            if not exc.transport:
                return  # any other HTTP answer (403, 404, 5xx): the server is there; the lists say more
            if exc.transport in ("timeout", "dropped") and attempt == 0:
                continue  # once more: a first connection can be slow (TLS handshake, cold proxy)
            raise _unreachable(client.cluster, exc, client.timeout) from None


__all__ = ["load_live"]
