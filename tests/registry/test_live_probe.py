"""--probe-registry in live mode: the pull secret is read from the API server at probe time (one GET,
raw JSON), its credentials go to the registry they belong to, and the registry's answer settles the cause."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from live.apiserver import FakeAPIServer, Rules, write_kubeconfig

from .clusters import cluster, docker_secret, stuck_pod
from .conftest import Registries
from helpers import run_cli


def _items(text: str) -> dict[str, list[dict[str, object]]]:
    """The YAML List of tests/registry/clusters.py as the API server serves it: per resource, items without kind."""
    by: dict[str, list[dict[str, object]]] = {}
    plural = {"Pod": "v1/pods", "Secret": "v1/secrets", "Node": "v1/nodes", "ServiceAccount": "v1/serviceaccounts",
              "Event": "v1/events"}
    for item in yaml.safe_load(text)["items"]:
        kind = item.pop("kind")
        item.pop("apiVersion", None)
        by.setdefault(plural[kind], []).append(item)
    by.setdefault("v1/events", [])
    by.setdefault("events.k8s.io/v1/events", [])
    return by


@pytest.fixture
def isolated_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "HTTPS_PROXY", "HTTP_PROXY",
                "https_proxy", "http_proxy"):
        monkeypatch.delenv(var, raising=False)


def test_live_probe_reads_the_pull_secret_from_the_api_server(registries: Registries, tmp_path: Path,
                                                               isolated_home: None) -> None:
    host = registries.basic.host
    image = f"{host}/probe/hello:nope"
    objects = _items(cluster(stuck_pod(image, secrets=("regcred",)),
                             docker_secret("regcred", {host: ("probeuser", "probepass")})))
    log_start = len(registries.log(registries.basic))
    with FakeAPIServer(Rules(objects=objects)) as api:
        kc = write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="shop")
        rc, out, err = run_cli("scan", "--kubeconfig", str(kc), "--probe-registry", "--registry-ca",
                               str(registries.tls.cert), "-o", "json")
        secret_gets = [s.path for s in api.requests if s.path.startswith("/api/v1/namespaces/shop/secrets/")]
    assert (rc, err) == (1, "")
    assert "probepass" not in out
    assert secret_gets == ["/api/v1/namespaces/shop/secrets/regcred"]
    doc = json.loads(out)
    subj = next(s for s in doc["subjects"] if s["ref"] == "Pod/shop/web-1")
    f = subj["findings"][0]
    assert (f["code"], f["confidence"], f["container"]) == ("image.tag-not-found", "certain", "app")
    assert any(e["ref"] == f"Registry/{host}/probe/hello" for e in f["evidence"])
    assert "v1" in f["fix"]["summary"]
    # The credentials reached the registry they belong to, and were accepted.
    log = registries.log(registries.basic)[log_start:]
    assert "auth.user.name=probeuser" in log
    assert "authentication failure" not in log
