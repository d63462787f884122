"""podwhy is read-only: against the API server it only ever sends GET (deploy/rbac.yaml grants no more)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .apiserver import FakeAPIServer, write_kubeconfig
from .harness import run


@pytest.mark.parametrize("args", [["scan", "-A"], ["scan", "-n", "team-a"], ["pod", "web-6f7c9d5b8-k7m2d", "-n", "team-a"]],
                         ids=["scan-all", "scan-namespace", "one-pod"])
def test_only_get_requests_are_sent(serve: Callable[..., FakeAPIServer], tmp_path: Path, args: list[str]) -> None:
    api = serve()
    kc = write_kubeconfig(tmp_path / "kubeconfig", api.url)
    r = run(*args, "--kubeconfig", str(kc), "-o", "json")
    assert r.code == 1, r.err
    assert api.methods, "no request reached the server"
    assert set(api.methods) == {"GET"}
