"""The real `kubectl` accepts what the fake API server serves: discovery, paged lists, Tables, RBAC errors.

This is what makes the recorded responses trustworthy: if kubectl (client-go) reads them as a real
cluster's, the official Python client is tested against realistic answers too. kubectl sends bearer
tokens only over TLS, so the server runs with a self-signed certificate named in the kubeconfig.
kubectl comes from the machine image or Debian's `kubernetes-client` package (CI installs it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from .apiserver import RECORDED, FakeAPIServer, Pki, Rules, write_kubeconfig

Serve = Callable[..., FakeAPIServer]

POD_NAMES = sorted(i["metadata"]["name"] for i in json.loads((RECORDED / "api/v1/pods.json").read_text())["items"])


def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        raise AssertionError("kubectl is not installed: `apt-get install kubernetes-client` (Debian) provides it")
    return path


def kubectl_run(api: FakeAPIServer, tmp_path: Path, pki: Pki, *args: str,
                namespace: str | None = None) -> subprocess.CompletedProcess[str]:
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, ca=pki.ca, namespace=namespace)
    env = {"HOME": str(tmp_path), "PATH": "/usr/local/bin:/usr/bin:/bin", "KUBECONFIG": str(kubeconfig)}
    return subprocess.run([kubectl(), "--kubeconfig", str(kubeconfig), "--cache-dir", str(tmp_path / "cache"),
                           "--request-timeout", "20s", *args],
                          capture_output=True, text=True, env=env, timeout=60, check=False)


def test_kubectl_reads_every_pod_as_json(serve: Serve, tmp_path: Path, pki: Pki) -> None:
    api = serve(Rules(gzip_threshold=1024), tls=pki)
    r = kubectl_run(api, tmp_path, pki, "get", "pods", "-A", "-o", "json")
    assert r.returncode == 0, r.stderr
    assert api.gzipped >= 1  # the pod list is larger than the threshold: sent compressed, as a real server does
    doc = json.loads(r.stdout)
    assert doc["kind"] == "List"
    assert sorted(i["metadata"]["name"] for i in doc["items"]) == POD_NAMES
    assert {i["kind"] for i in doc["items"]} == {"Pod"}


def test_kubectl_prints_the_server_side_table_across_pages(serve: Serve, tmp_path: Path,
                                                           pki: Pki) -> None:
    api = serve(tls=pki)
    r = kubectl_run(api, tmp_path, pki, "get", "pods", "-A", "--chunk-size=4")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = {line.split()[1]: line.split()[:4] for line in lines[1:]}
    assert sorted(rows) == POD_NAMES
    assert rows["web-6f7c9d5b8-x2x9q"] == ["team-a", "web-6f7c9d5b8-x2x9q", "0/1", "ImagePullBackOff"]
    assert rows["batch-28391540-zv4l2"] == ["team-b", "batch-28391540-zv4l2", "0/1", "ErrImagePull"]
    assert rows["api-7b8c6d5f4-qp9rt"] == ["team-a", "api-7b8c6d5f4-qp9rt", "0/1", "Pending"]
    # 9 pods, 4 a page: kubectl followed the continue tokens.
    assert [bool(s.query.get("continue")) for s in api.lists_of("/api/v1/pods")] == [False, True, True]


def test_kubectl_reads_events_of_the_events_api(serve: Serve, tmp_path: Path, pki: Pki) -> None:
    api = serve(tls=pki)
    r = kubectl_run(api, tmp_path, pki, "get", "events.v1.events.k8s.io", "-n", "team-a", "-o", "json")
    assert r.returncode == 0, r.stderr
    notes = sorted(i["note"] for i in json.loads(r.stdout)["items"] if i["reason"] == "Failed")
    assert notes[0].startswith('Failed to pull image "registry.example.com/team-a/web:1.4.3": rpc error: code = '
                               "NotFound")


def test_kubectl_sees_the_same_rbac_refusal(serve: Serve, tmp_path: Path, pki: Pki) -> None:
    api = serve(Rules(namespace_only="team-a"), tls=pki)
    r = kubectl_run(api, tmp_path, pki, "get", "pods", "-A")
    assert r.returncode == 1
    assert ('Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group '
            '"" at the cluster scope') in r.stderr
    r = kubectl_run(api, tmp_path, pki, "get", "pods", "-o", "name", namespace="team-a")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["pod/api-7b8c6d5f4-qp9rt", "pod/web-6f7c9d5b8-k7m2d", "pod/web-6f7c9d5b8-x2x9q",
                                "pod/worker-5d8f7b9c6-lq2ws"]


@pytest.mark.parametrize(("accepted", "message"), [
    pytest.param("token-jane", None, id="the token of the kubeconfig is accepted"),
    # kubectl 1.20 ends it "(Unauthorized)", 1.32 "(the server has asked for the client to provide credentials)"
    pytest.param("some-other-token", "error: You must be logged in to the server (",
                 id="a wrong token is refused with 401 as a real server does"),
])
def test_kubectl_authentication(serve: Serve, tmp_path: Path, pki: Pki, accepted: str,
                                message: str | None) -> None:
    api = serve(Rules(tokens=frozenset({accepted})), tls=pki)
    r = kubectl_run(api, tmp_path, pki, "get", "nodes", "-o", "name")
    if message is None:
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == ["node/control-plane-1", "node/worker-1", "node/worker-2"]
    else:
        assert r.returncode == 1
        assert message in r.stderr, r.stderr


def test_kubectl_authenticates_with_the_client_certificate(serve: Serve, tmp_path: Path, pki: Pki) -> None:
    api = serve(Rules(tokens=frozenset()), tls=pki)
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, ca=pki.ca, token=None,
                                  client_cert=(pki.client_cert, pki.client_key))
    r = subprocess.run([kubectl(), "--kubeconfig", str(kubeconfig), "--cache-dir", str(tmp_path / "cache"),
                        "get", "pods", "-n", "team-b", "-o", "name"],
                       capture_output=True, text=True, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
                       timeout=60, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["pod/batch-28391540-zv4l2"]
    assert {s.client_cert for s in api.requests} == {"kubernetes-admin"}
