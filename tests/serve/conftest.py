"""Fixtures of the `podwhy serve` tests: a fake API server (with watches) and a kubeconfig for it, and no
kubeconfig or in-cluster variables of the machine leaking in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from live.apiserver import FakeAPIServer, Rules, write_kubeconfig


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "POD_NAMESPACE",
                "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(var, raising=False)


class Cluster:
    def __init__(self, api: FakeAPIServer, kubeconfig: Path) -> None:
        self.api, self.kubeconfig = api, kubeconfig

    @property
    def args(self) -> list[str]:
        return ["--kubeconfig", str(self.kubeconfig)]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """The fake API server's recorded 1.31 cluster, bookmarks every 0.2 s."""
    api = FakeAPIServer(Rules(bookmark_every=0.2))
    api.start()
    kubeconfig = tmp_path / "kubeconfig"
    write_kubeconfig(kubeconfig, api.url)
    try:
        yield Cluster(api, kubeconfig)
    finally:
        api.close_watches()
        api.stop()
