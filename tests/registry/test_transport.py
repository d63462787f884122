"""Network failures as findings in their own right: TLS trust, HTTP vs HTTPS both ways, refused, DNS, timeout.

All against loopback: the real registries, a refused port, a socket that never answers, and a name whose
resolution is made to fail in-process (no DNS query leaves the machine).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from podwhy.registry.credentials import Credential
from podwhy.registry.distribution import probe_target
from podwhy.registry.transport import Clients, TransportConfig
from registry.conftest import Registries
from registry.test_distribution import target


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    conns: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.1)
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                continue

    th = threading.Thread(target=accept, daemon=True)
    th.start()
    yield int(srv.getsockname()[1])
    stop.set()
    th.join()
    for c in conns:
        c.close()
    srv.close()


def _probe(image: str, config: TransportConfig, creds: list[Credential] | None = None) -> tuple[str, int | None, str, list[str]]:
    clients = Clients(config)
    try:
        r = probe_target(clients, target(image), creds or [])
    finally:
        clients.close()
    # Steps as "METHOD scheme status": which scheme was tried, and whether an HTTP answer came back.
    return r.outcome, r.status, r.detail, [f"{s.method} {s.url.split(':', 1)[0]} {s.status}" for s in r.steps]


CASES = [
    pytest.param("basic", "default", None, (
        "tls-error", None, "TLS certificate of {host} not trusted: self-signed certificate", ["GET https None"]),
        id="a self-signed registry certificate is not trusted by default, as by the node's runtime"),
    pytest.param("basic", "ca", "good", (
        "found", 200, "", ["GET https 401", "HEAD https 200"]),
        id="--registry-ca makes the same certificate trusted"),
    pytest.param("basic", "insecure", "good", (
        "found", 200, "", ["GET https 401", "HEAD https 200"]),
        id="--insecure-registry HOST skips verification for that host only"),
    pytest.param("plain", "default", None, (
        "http-https-mismatch", 200,
        "{host} serves plain HTTP, not HTTPS (TLS handshake with {host} failed: WRONG_VERSION_NUMBER; "
        "GET http://{host}/v2/ answered 200)", ["GET https None", "GET http 200"]),
        id="HTTPS to a plain-HTTP registry: the server gave an HTTP response to an HTTPS client"),
    pytest.param("basic", "http-only", None, (
        "http-https-mismatch", 400,
        "{host} serves HTTPS, but was asked in plain HTTP (400: Client sent an HTTP request to an HTTPS server.)",
        ["GET http 400"]),
        id="plain HTTP to a TLS registry: 400 Client sent an HTTP request to an HTTPS server"),
    pytest.param("refused", "default", None, (
        "unreachable", None, "connection to {host} refused", ["GET https None"]),
        id="connection refused"),
    pytest.param("refused", "insecure", None, (
        "unreachable", None, "connection to {host} refused", ["GET https None", "GET http None"]),
        id="connection refused on both schemes of an insecure registry"),
    pytest.param("silent", "default", None, (
        "unreachable", None, "{host} did not answer within 0.3s", ["GET https None"]),
        id="a registry that accepts but never answers times out"),
]


@pytest.mark.parametrize(("which", "mode", "creds", "expect"), CASES)
def test_transport_failures(registries: Registries, refused_port: int, silent_port: int, which: str, mode: str,
                            creds: str | None, expect: tuple[str, int | None, str, list[str]]) -> None:
    host = {"refused": f"127.0.0.1:{refused_port}", "silent": f"127.0.0.1:{silent_port}"}.get(which) \
        or getattr(registries, which).host
    config = {
        "default": TransportConfig(timeout=0.3, trust_env=False),
        "ca": TransportConfig(ca_files=(str(registries.tls.cert),), trust_env=False),
        "insecure": TransportConfig(insecure=(host,), trust_env=False),
        "http-only": TransportConfig(insecure=(f"http://{host}",), trust_env=False),
    }[mode]
    cred = [Credential("shop/regcred", host, "probeuser", "probepass")] if creds else []
    outcome, status, detail, steps = _probe(f"{host}/probe/hello:v1", config, cred)
    assert (outcome, status, detail, steps) == (expect[0], expect[1], expect[2].format(host=host), expect[3])


def test_dns_failure_without_any_dns_query(monkeypatch: pytest.MonkeyPatch) -> None:
    """Name resolution fails in-process for `.invalid` names; every other lookup would be a test bug."""
    def no_dns(host: str, *args: object, **kwargs: object) -> object:
        if isinstance(host, str) and host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        raise AssertionError(f"unexpected name lookup for {host!r}")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    outcome, status, detail, steps = _probe("registry.invalid:5000/probe/hello:v1", TransportConfig(trust_env=False))
    assert (outcome, status, detail, steps) == (
        "dns-failure", None, "cannot resolve registry.invalid: Name or service not known", ["GET https None"])


def test_insecure_entries_are_per_host() -> None:
    cfg = TransportConfig(insecure=("r.example:5000", "http://plain.example", "https://tls.example:8443/"))
    assert [cfg.mode(h) for h in ("r.example:5000", "r.example", "plain.example", "tls.example:8443",
                                  "other.example")] == ["insecure", "secure", "http", "insecure", "secure"]
