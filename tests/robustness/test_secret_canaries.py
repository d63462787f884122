"""No secret value ever appears in any output: canaries seeded everywhere a value can hide."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from helpers import run_cli

CANARY = "CANARY-s3cr3t-7f1d9a"
CANARY_USER = "CANARYUSER-91c2"


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def _forms(s: str) -> list[str]:
    return [s, b64(s), b64(s).rstrip("=")]


DOCKERCFG = json.dumps({"auths": {
    "private-registry.example.com": {"username": CANARY_USER, "password": CANARY,
                                     "auth": b64(f"{CANARY_USER}:{CANARY}")},
    "registry-1.docker.io": {"auth": b64(f"{CANARY_USER}:{CANARY}")},
}})

CLUSTER = f"""
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  type: kubernetes.io/dockerconfigjson
  metadata:
    name: regcred
    namespace: shop
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: '{{"data":{{".dockerconfigjson":"{b64(DOCKERCFG)}"}}}}'
  data: {{.dockerconfigjson: {b64(DOCKERCFG)}}}
- apiVersion: v1
  kind: Secret
  type: Opaque
  metadata: {{name: app-secrets, namespace: shop}}
  data: {{password: {b64(CANARY)}, token: {b64(CANARY + "-token")}}}
  stringData: {{plain: {CANARY}}}
- apiVersion: v1
  kind: Secret
  type: kubernetes.io/dockercfg
  metadata: {{name: broken, namespace: shop}}
  data: {{.dockercfg: {b64('{"r.io": {"auth": "' + CANARY + '"}}')}}}
- apiVersion: v1
  kind: ServiceAccount
  metadata: {{name: default, namespace: shop}}
  imagePullSecrets: [{{name: regcred}}, {{name: broken}}]
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-1, namespace: shop, uid: p1}}
  spec:
    nodeName: node-1
    imagePullSecrets: [{{name: regcred}}, {{name: app-secrets}}, {{name: broken}}]
    containers:
    - name: app
      image: private-registry.example.com/shop/web:1.0
      env: [{{name: DB_PASSWORD, value: {CANARY}}}]
  status:
    phase: Pending
    containerStatuses:
    - name: app
      state: {{waiting: {{reason: ImagePullBackOff, message: 'Back-off pulling image "private-registry.example.com/shop/web:1.0": ErrImagePull: failed to pull and unpack image "private-registry.example.com/shop/web:1.0": failed to resolve reference "private-registry.example.com/shop/web:1.0": unexpected status from HEAD request to https://private-registry.example.com/v2/shop/web/manifests/1.0: 401 Unauthorized'}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: hub-1, namespace: shop, uid: p2}}
  spec:
    nodeName: node-1
    imagePullSecrets: [{{name: regcred}}]
    containers: [{{name: app, image: acme/private-tool:2}}]
  status:
    phase: Pending
    containerStatuses:
    - name: app
      state: {{waiting: {{reason: ErrImagePull, message: 'failed to pull and unpack image "docker.io/acme/private-tool:2": failed to resolve reference "docker.io/acme/private-tool:2": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed'}}}}
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> str:
    p = tmp_path_factory.mktemp("canary") / "cluster.yaml"
    p.write_text(CLUSTER)
    return str(p)


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
@pytest.mark.parametrize("args", [["scan", "-A"], ["pod", "web-1", "-n", "shop"], ["pod", "hub-1", "-n", "shop"],
                                  ["pod", "default", "--owner", "-n", "shop"]],
                         ids=["scan", "pod-private-registry", "pod-docker-hub", "owner-no-match"])
def test_no_canary_in_any_output(cluster: str, args: list[str], output: str) -> None:
    rc, out, err = run_cli(*args, "-o", output, "--from", cluster)
    assert rc in (0, 1, 2), err
    text = out + err
    for secret in (CANARY, CANARY_USER):
        for form in _forms(secret):
            assert form not in text, f"secret value leaked in {output} output"
    if rc == 1:
        assert "web-1" in text or "hub-1" in text


def test_snapshot_holds_no_values(cluster: str) -> None:
    from podwhy.snapshot import SourceInfo
    from podwhy.snapshot.build import build_snapshot
    from podwhy.snapshot.sources.files import load_paths

    decoded, kind, detail = load_paths([cluster])
    snap = build_snapshot(decoded, SourceInfo(kind, detail))
    import msgspec

    dumped = msgspec.json.encode([snap.secrets, snap.pods]).decode()
    for form in _forms(CANARY) + _forms(CANARY_USER):
        assert form not in dumped
    assert Path(cluster).read_text().count(CANARY) > 0
