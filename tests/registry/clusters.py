"""Small cluster snapshots (YAML) with one stuck pod pulling from a loopback registry, plus its pull secret."""

from __future__ import annotations

import base64
import json

ARCH_LABELS = {"amd64": "amd64", "arm64": "arm64"}


def docker_secret(name: str, auths: dict[str, tuple[str, str]], namespace: str = "shop") -> str:
    cfg = {"auths": {k: {"auth": base64.b64encode(f"{u}:{p}".encode()).decode()} for k, (u, p) in auths.items()}}
    data = base64.b64encode(json.dumps(cfg).encode()).decode()
    return f"""
- apiVersion: v1
  kind: Secret
  metadata: {{name: {name}, namespace: {namespace}}}
  type: kubernetes.io/dockerconfigjson
  data: {{.dockerconfigjson: {data}}}
"""


def stuck_pod(image: str, *, secrets: tuple[str, ...] = (), reason: str = "ImagePullBackOff",
              message: str | None = None, event: str | None = None, node_arch: str = "amd64",
              name: str = "web-1") -> str:
    msg = message if message is not None else f'Back-off pulling image "{image}"'
    pull = "[" + ", ".join(f"{{name: {s}}}" for s in secrets) + "]"
    ev = ""
    if event is not None:
        ev = f"""
- apiVersion: v1
  kind: Event
  metadata: {{name: {name}.pull, namespace: shop}}
  involvedObject: {{kind: Pod, name: {name}, namespace: shop, uid: uid-{name}, fieldPath: "spec.containers{{app}}"}}
  reason: Failed
  type: Warning
  message: {json.dumps(event)}
  count: 3
  lastTimestamp: "2026-11-20T09:59:00Z"
"""
    return f"""
- apiVersion: v1
  kind: Pod
  metadata: {{name: {name}, namespace: shop, uid: uid-{name}, creationTimestamp: "2026-11-20T09:00:00Z"}}
  spec:
    nodeName: node-1
    imagePullSecrets: {pull}
    containers: [{{name: app, image: {json.dumps(image)}}}]
  status:
    phase: Pending
    conditions: [{{type: PodScheduled, status: "True"}}]
    containerStatuses:
    - name: app
      image: {json.dumps(image)}
      ready: false
      state: {{waiting: {{reason: {reason}, message: {json.dumps(msg)}}}}}
{ev}"""


def cluster(*items: str, node_arch: str = "amd64") -> str:
    return f"""apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: node-1
    labels: {{kubernetes.io/os: linux, kubernetes.io/arch: {node_arch}}}
  status:
    conditions: [{{type: Ready, status: "True"}}]
- apiVersion: v1
  kind: ServiceAccount
  metadata: {{name: default, namespace: shop}}
{"".join(items)}"""
