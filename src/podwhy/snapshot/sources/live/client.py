"""HTTP to the API server: one GET with kubectl's headers through the official client's urllib3 pool,
retried on 429/5xx/timeouts with a bounded backoff honouring Retry-After (client-go rest/with_retry.go),
and the failure of a request classified (forbidden, missing, expired continue token, transient)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import urllib3
import urllib3.exceptions as u3e

from podwhy.snapshot.sources.live.config import Cluster

# A page is tried this many times on 429, 5xx, timeouts and dropped connections.
PAGE_TRIES = 4
# Exponential backoff between tries without Retry-After: 0.25 s, 0.5 s, 1 s, ...
BACKOFF_SECONDS = 0.25
# Retry-After is honoured up to this many seconds (a server asking for more is asked again sooner).
RETRY_AFTER_CAP = 10.0
# Kinds are listed concurrently by this many threads.
WORKERS = 8
USER_AGENT = "podwhy (kubernetes python client config; read-only)"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
# Replaced by tests to observe backoff without waiting.
_sleep: Callable[[float], None] = time.sleep


# ---------------------------------------------------------------------------------------------
# Failures
# ---------------------------------------------------------------------------------------------


class Failed(Exception):
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


def _transport_failure(exc: Exception, timeout: float) -> Failed:
    # Order matters: urllib3 2.x's NameResolutionError < NewConnectionError < ConnectTimeoutError.
    if isinstance(exc, u3e.NameResolutionError):
        return Failed("the server's host name does not resolve (DNS)", transport="dns")
    if isinstance(exc, u3e.NewConnectionError):
        text = str(exc)
        if "refused" in text.lower():
            return Failed("connection refused", transport="refused")
        return Failed(f"cannot connect ({_short(text)})", transport="refused")
    if isinstance(exc, u3e.SSLError):
        return Failed(f"TLS failure ({_short(str(exc))})", transport="tls")
    if isinstance(exc, u3e.ProxyError):
        return Failed(f"proxy failure ({_short(str(exc))})", transport="proxy")
    if isinstance(exc, (u3e.ConnectTimeoutError, u3e.ReadTimeoutError)):
        return Failed(f"no answer within {timeout:g}s", transport="timeout")
    if isinstance(exc, (u3e.ProtocolError, u3e.IncompleteRead, u3e.DecodeError, ConnectionError)):
        return Failed("the connection dropped", transport="dropped")
    return Failed(f"request failed ({_short(str(exc))})", transport="other")


def _short(text: str) -> str:
    """The useful tail of a urllib3 error (its repr of the pool and URL carries nothing more)."""
    text = text.strip()
    for marker in ("Caused by ", "): "):
        i = text.rfind(marker)
        if i >= 0:
            text = text[i + len(marker):]
    return text[:200]


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------


class Client:
    """GETs raw bytes through the client's urllib3 pool, with retries. Thread-safe."""

    def __init__(self, cluster: Cluster, timeout: float, *, connections: int = WORKERS) -> None:
        """`connections`: the pool's size per host (`podwhy serve` holds one watch open per kind)."""
        from kubernetes.client import rest

        cfg = cluster.configuration
        cfg.connection_pool_maxsize = connections
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
                raise Failed(f"the credentials could not be refreshed ({_short(str(exc))})",
                              transport="credentials") from None
        if auth and auth.get("value"):
            headers["Authorization"] = str(auth["value"])
        return headers

    def get_once(self, path: str, query: dict[str, str] | None = None, *, accept: str | None = None) -> bytes:
        """`accept`: the Accept header instead of JSON (pods/log answers text/plain; client-go's Stream sends
        `application/json, */*`)."""
        url = self.cluster.server + path + (("?" + urlencode(query)) if query else "")
        timeout = urllib3.Timeout(connect=self.timeout, read=self.timeout)
        headers = self._headers()
        if accept is not None:
            headers["Accept"] = accept
        try:
            resp = self._pool.request("GET", url, headers=headers, timeout=timeout, retries=False,
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
        raise Failed(why, status=resp.status, reason=reason, message=message,
                      retry_after=_retry_after(resp.headers.get("Retry-After")))

    def stream(self, path: str, query: dict[str, str], read_timeout: float) -> Iterator[bytes]:
        """A watch: GET whose answer is newline-delimited JSON, yielded line by line as it arrives
        (k8s.io/apimachinery/pkg/watch: one WatchEvent per line on a chunked response). Ends when the
        server closes the stream (its timeoutSeconds); raises Failed on an HTTP error or a dropped,
        silent (`read_timeout`) or cut connection."""
        url = self.cluster.server + path + "?" + urlencode(query)
        headers = self._headers()
        del headers["Accept-Encoding"]  # the API server never compresses a watch
        timeout = urllib3.Timeout(connect=self.timeout, read=read_timeout)
        try:
            resp = self._pool.request("GET", url, headers=headers, timeout=timeout, retries=False,
                                      redirect=False, preload_content=False)
        except (u3e.HTTPError, OSError) as exc:
            raise _transport_failure(exc, read_timeout) from None
        try:
            if not 200 <= resp.status < 300:
                body = resp.read(64 * 1024)
                reason, message = _status_of(bytes(body))
                raise Failed(f"HTTP {resp.status}" + (f" {reason}" if reason else ""), status=resp.status,
                             reason=reason, message=message,
                             retry_after=_retry_after(resp.headers.get("Retry-After")))
            pending = b""
            try:
                for chunk in resp.stream(64 * 1024):
                    pending += chunk
                    if b"\n" not in chunk:
                        continue
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        if line.strip():
                            yield line
            except (u3e.HTTPError, OSError) as exc:
                raise _transport_failure(exc, read_timeout) from None
            if pending.strip():
                raise Failed("the connection dropped mid-event", transport="dropped")
        finally:
            # Closed, not reused: a watch left mid-stream (stop, error, a consumer that quit) would hand
            # the pool a connection with the rest of the stream still on it.
            resp.close()
            resp.release_conn()

    def get(self, path: str, query: dict[str, str] | None = None) -> bytes:
        """GET with bounded retries on 429/5xx (honouring Retry-After), timeouts and dropped connections."""
        last: Failed | None = None
        for attempt in range(PAGE_TRIES):
            try:
                return self.get_once(path, query)
            except Failed as exc:
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
