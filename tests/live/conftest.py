"""Fixtures for live mode: a fake API server per test, a clean kubeconfig environment, no real waiting."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from podwhy.snapshot.sources import live

from .apiserver import FakeAPIServer, Pki, Rules, make_pki
from .harness import PAGE


@pytest.fixture(autouse=True)
def live_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[float]:
    """No kubeconfig of the machine, no in-cluster variables, small pages; backoff recorded, not slept."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "POD_NAMESPACE",
                "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(live.lister, "PAGE_LIMIT", PAGE)
    monkeypatch.setattr(live.config, "SERVICE_ACCOUNT_DIR", str(tmp_path / "no-serviceaccount"))
    slept: list[float] = []
    monkeypatch.setattr(live.client, "_sleep", slept.append)
    return slept


@pytest.fixture
def serve() -> Iterator[Callable[..., FakeAPIServer]]:
    """serve(Rules(...), tls=...) starts a fake API server that is stopped after the test."""
    started: list[FakeAPIServer] = []

    def start(rules: Rules | None = None, *, tls: Pki | None = None) -> FakeAPIServer:
        api = FakeAPIServer(rules, tls=tls)
        api.start()
        started.append(api)
        return api

    yield start
    for api in started:
        api.stop()


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A cluster CA with the API server's and an admin client's certificates (made with openssl)."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Name resolution answers NXDOMAIN for every name but the loopback ones: no query leaves the machine."""
    real = socket.getaddrinfo

    def fake(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in ("127.0.0.1", "localhost", "::1", None):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fake)
