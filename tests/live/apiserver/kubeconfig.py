"""Kubeconfig files pointing a client at the fake API server, as `kind`/kubeadm write them."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any


def write_kubeconfig(path: Path, server: str, *, token: str | None = "token-jane", namespace: str | None = None,
                     ca: Path | None = None, exec_command: str | None = None, context: str = "kind-podwhy",
                     extra_contexts: tuple[str, ...] = (), insecure: bool = False,
                     client_cert: tuple[Path, Path] | None = None) -> Path:
    """A kubeconfig as `kind`/kubeadm write them (JSON is valid YAML)."""
    cluster: dict[str, Any] = {"server": server}
    if ca is not None:
        cluster["certificate-authority-data"] = base64.b64encode(ca.read_bytes()).decode()
    if insecure:
        cluster["insecure-skip-tls-verify"] = True
    user: dict[str, Any] = {}
    if exec_command is not None:
        user["exec"] = {"apiVersion": "client.authentication.k8s.io/v1", "command": exec_command,
                        "interactiveMode": "Never"}
    elif client_cert is not None:
        user["client-certificate-data"] = base64.b64encode(client_cert[0].read_bytes()).decode()
        user["client-key-data"] = base64.b64encode(client_cert[1].read_bytes()).decode()
    elif token is not None:
        user["token"] = token
    ctx: dict[str, Any] = {"cluster": "podwhy", "user": "jane"}
    if namespace:
        ctx["namespace"] = namespace
    contexts = [{"name": context, "context": ctx}]
    contexts += [{"name": n, "context": {"cluster": "podwhy", "user": "jane", "namespace": n}} for n in extra_contexts]
    doc = {"apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": context,
           "clusters": [{"name": "podwhy", "cluster": cluster}], "contexts": contexts,
           "users": [{"name": "jane", "user": user}]}
    path.write_text(json.dumps(doc, indent=2))
    return path
