"""HTTP transport for the probe: TLS trust as a container runtime configures it, redirects that never
carry credentials to another origin, and network errors named the way the catalog names them.

Defaults follow the kubelet's runtime (containerd/CRI-O without a hosts.toml/registries.conf entry):
HTTPS with certificate verification against the system trust store. `--registry-ca FILE` adds a trusted
CA (containerd hosts.toml `ca`, CRI-O `/etc/containers/certs.d`). `--insecure-registry HOST[:PORT]` is
docker's `insecure-registries`: HTTPS without verification first, then plain HTTP; the form
`http://HOST[:PORT]` means plain HTTP only (a hosts.toml `server = "http://..."`).

Everything that leaves this module as text goes through `Scrubber`, which removes every credential value
in play; URLs are built without userinfo, and httpx exception texts are never passed on (they name URLs).
"""

from __future__ import annotations

import errno
import socket
import ssl
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import httpx

from podwhy.errors import InputError
from podwhy.registry.hosts import host_port

Mode = Literal["secure", "insecure", "http"]
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class TransportConfig:
    insecure: tuple[str, ...] = ()  # HOST[:PORT] or http://HOST[:PORT]
    ca_files: tuple[str, ...] = ()
    timeout: float = 10.0
    # Honour HTTP(S)_PROXY/NO_PROXY from the environment, as `docker pull` does on the client side.
    trust_env: bool = True

    def mode(self, host: str) -> Mode:
        host = host.lower()
        for entry in self.insecure:
            e = entry.strip().lower().rstrip("/")
            if e.startswith("http://") and e[7:] == host:
                return "http"
            if e.startswith("https://"):
                e = e[8:]
            if e == host:
                return "insecure"
        return "secure"


def build_ssl_context(ca_files: Iterable[str]) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    try:
        import certifi

        ctx.load_verify_locations(cafile=certifi.where())
    except (ImportError, OSError):
        pass
    for ca in ca_files:
        try:
            ctx.load_verify_locations(cafile=ca)
        except (OSError, ssl.SSLError) as exc:
            raise InputError(f"--registry-ca {ca}: cannot load a CA certificate from it ({type(exc).__name__})") from None
    return ctx


class Clients:
    """One verifying and one non-verifying httpx client, shared by all probe threads (httpx is thread-safe)."""

    def __init__(self, config: TransportConfig) -> None:
        self.config = config
        timeout = httpx.Timeout(config.timeout)
        headers = {"User-Agent": "podwhy-registry-probe"}
        self.secure = httpx.Client(verify=build_ssl_context(config.ca_files), timeout=timeout,
                                   follow_redirects=False, trust_env=config.trust_env, headers=headers)
        self.insecure = httpx.Client(verify=False, timeout=timeout, follow_redirects=False,
                                     trust_env=config.trust_env, headers=headers)

    def for_url(self, url: str) -> httpx.Client:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme == "https" and self.config.mode(parts.netloc) == "insecure":
            return self.insecure
        return self.secure

    def close(self) -> None:
        self.secure.close()
        self.insecure.close()


def origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, host_port(parts.netloc, parts.scheme)


@dataclass
class Scrubber:
    """Removes credential values from any text before it is stored in a result."""

    secrets: set[str] = field(default_factory=set)

    def add(self, *values: str) -> None:
        self.secrets.update(v for v in values if v and len(v) >= 4)

    def __call__(self, text: str) -> str:
        for s in sorted(self.secrets, key=len, reverse=True):
            if s in text:
                text = text.replace(s, "<redacted>")
        return text


def strip_userinfo(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if "@" in parts.netloc:
        parts = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])
    return urllib.parse.urlunsplit(parts)


@dataclass(frozen=True)
class NetworkFailure:
    outcome: str  # dns-failure | unreachable | tls-error | http-https-mismatch | error
    detail: str
    # The TLS handshake failed because the server does not speak TLS (candidate for http-https-mismatch).
    not_tls: bool = False


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


def classify(exc: BaseException, host: str, timeout: float) -> NetworkFailure:
    """Name a transport error the way the catalog does. The text is ours plus the OS/SSL reason only."""
    for e in _chain(exc):
        if isinstance(e, socket.gaierror):
            return NetworkFailure("dns-failure", f"cannot resolve {host.rsplit(':', 1)[0]}: {e.strerror or 'lookup failed'}")
        if isinstance(e, ssl.SSLCertVerificationError):
            why = e.verify_message or e.reason or "certificate verify failed"
            return NetworkFailure("tls-error", f"TLS certificate of {host} not trusted: {why}")
        if isinstance(e, ssl.SSLError):
            reason = (e.reason or "").upper()
            if reason in ("WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG",
                          "UNKNOWN_PROTOCOL"):
                return NetworkFailure("tls-error", f"TLS handshake with {host} failed: {e.reason or 'ssl error'}",
                                      not_tls=True)
            return NetworkFailure("tls-error", f"TLS handshake with {host} failed: {e.reason or type(e).__name__}")
        if isinstance(e, ConnectionRefusedError):
            return NetworkFailure("unreachable", f"connection to {host} refused")
        if isinstance(e, ConnectionResetError):
            return NetworkFailure("unreachable", f"connection to {host} reset by the peer")
        if isinstance(e, OSError) and e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return NetworkFailure("unreachable", f"no route to {host} ({e.strerror})")
    for e in _chain(exc):
        if isinstance(e, httpx.TimeoutException | TimeoutError | socket.timeout):
            return NetworkFailure("unreachable", f"{host} did not answer within {timeout:g}s")
        if isinstance(e, httpx.RemoteProtocolError):
            return NetworkFailure("error", f"{host} broke the HTTP protocol (is it an HTTP server?)")
        if isinstance(e, httpx.ProxyError):
            return NetworkFailure("unreachable", f"the HTTP proxy refused the connection to {host}")
    return NetworkFailure("unreachable" if isinstance(exc, httpx.TransportError) else "error",
                          f"request to {host} failed ({type(exc).__name__})")
