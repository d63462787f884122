"""Which cluster, as kubectl finds it: kubeconfig files and merge, context, namespace, in-cluster
service-account configuration (client-go tools/clientcmd loader.go and client_config.go, 1.31), read by the
official `kubernetes` client."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from podwhy.errors import ClusterError

# The service account files of a pod (k8s.io/client-go/rest/config.go InClusterConfig, 1.31).
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


# ---------------------------------------------------------------------------------------------
# Configuration (the official client does the reading; we decide which rules apply)
# ---------------------------------------------------------------------------------------------


@dataclass
class Cluster:
    configuration: Any  # kubernetes.client.Configuration
    context: str
    user: str
    namespace: str

    @property
    def server(self) -> str:
        return str(self.configuration.host)


class _CaptureLog(logging.Handler):
    """The client logs (and swallows) exec-plugin failures: keep their text to report them."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_client_errors() -> Iterator[_CaptureLog]:
    handler = _CaptureLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _kubeconfig_files(explicit: str | None) -> tuple[str, list[str]]:
    """(the value to hand the client, the files that exist). Mirrors clientcmd's loading rules."""
    if explicit:
        path = os.path.expanduser(explicit)
        if not os.path.isfile(path):
            raise ClusterError(f"--kubeconfig {explicit}: no such file")
        return path, [path]
    env = os.environ.get("KUBECONFIG", "")
    if env:
        paths = [os.path.expanduser(p) for p in env.split(os.pathsep) if p]
        existing = [p for p in paths if os.path.isfile(p)]
        return os.pathsep.join(existing), existing
    home = os.path.expanduser("~/.kube/config")
    return home, [home] if os.path.isfile(home) else []


def configure(kubeconfig: str | None, context: str | None) -> Cluster:
    from kubernetes import client as k8s_client
    from kubernetes import config as k8s_config

    configuration = k8s_client.Configuration()
    value, files = _kubeconfig_files(kubeconfig)
    if not files:
        if os.environ.get("KUBERNETES_SERVICE_HOST") and os.environ.get("KUBERNETES_SERVICE_PORT"):
            return configure_in_cluster(configuration, context)
        where = f"$KUBECONFIG ({os.environ['KUBECONFIG']})" if os.environ.get("KUBECONFIG") else "~/.kube/config"
        raise ClusterError(
            f"no kubeconfig found ({where} does not exist) and not running inside a cluster: "
            "pass --kubeconfig FILE, set KUBECONFIG, or read a snapshot offline with --from FILE")
    try:
        contexts, current = k8s_config.list_kube_config_contexts(config_file=value)  # type: ignore[no-untyped-call]
    except Exception as exc:  # the client raises ConfigException, yaml and key errors alike
        raise ClusterError(f"kubeconfig {value}: cannot be read: {exc}") from None
    names = [c.get("name", "") for c in contexts or []]
    name = context or (current or {}).get("name", "")
    if not name:
        raise ClusterError(f"kubeconfig {value} has no current-context: pass --context "
                           f"(one of: {', '.join(names) or 'none defined'})")
    chosen = next((c for c in contexts or [] if c.get("name") == name), None)
    if chosen is None:
        raise ClusterError(f"context {name!r} is not in kubeconfig {value} "
                           f"(contexts: {', '.join(names) or 'none'}): pick one with --context")
    ctx = chosen.get("context") or {}
    with _captured_client_errors() as log:
        try:
            k8s_config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=value, context=name, client_configuration=configuration, persist_config=False)
        except Exception as exc:
            raise ClusterError(f"context {name!r} of kubeconfig {value}: {exc}") from None
    if log.messages:
        # e.g. "exec: process returned 1. <plugin stderr>": the credentials could not be obtained.
        raise ClusterError(f"context {name!r}: the credentials of user {ctx.get('user', '')!r} could not be "
                           f"obtained: {'; '.join(log.messages)[:500]}. Fix the kubeconfig's user entry "
                           "(e.g. log in again with your provider's CLI) and retry")
    # kubectl's default namespace: the context's, else "default" (clientcmd DirectClientConfig.Namespace).
    return Cluster(configuration, name, str(ctx.get("user", "")), str(ctx.get("namespace") or "default"))


def configure_in_cluster(configuration: Any, context: str | None) -> Cluster:
    from kubernetes.config.incluster_config import InClusterConfigLoader

    if context:
        raise ClusterError(f"--context {context}: there is no kubeconfig (running in-cluster)")
    token = os.path.join(SERVICE_ACCOUNT_DIR, "token")
    try:
        loader = InClusterConfigLoader(  # type: ignore[no-untyped-call]
            token_filename=token, cert_filename=os.path.join(SERVICE_ACCOUNT_DIR, "ca.crt"))
        loader.load_and_set(configuration)  # type: ignore[no-untyped-call]
    except Exception as exc:
        raise ClusterError(f"in-cluster configuration: {exc} (looked in {SERVICE_ACCOUNT_DIR})") from None
    namespace = os.environ.get("POD_NAMESPACE", "")
    if not namespace:
        try:
            with open(os.path.join(SERVICE_ACCOUNT_DIR, "namespace")) as fh:
                namespace = fh.read().strip()
        except OSError:
            namespace = ""
    return Cluster(configuration, "in-cluster", "serviceaccount", namespace or "default")
