"""The real-kubelet tier: `scripts/cluster.sh up --kubelet` registers the pinned kubelet (on containerd 2.x
+ runc built from the module proxy) as a node; pods pull from the tier's loopback registry and run as real
containers, and a missing tag gets the kubelet's own ErrImagePull / ImagePullBackOff status and events.

This module starts its own cluster (its own state directory and ports), so the session `cluster` of the
other modules never sees the real node. Nothing here is recorded or hard-coded from memory: the texts
asserted on are only their stable shapes, and the real ones are printed.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .harness import KUBECTL, SCRIPT, Cluster, ClusterError, node_settled, wait_until

APP_IMAGE_REPO = "podwhy/busybox"  # pushed by scripts/cluster/images.py
_UNIX_SOCKET_MAX = 100  # sun_path is 108 bytes: containerd's socket lives under the state directory


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port_block() -> int:
    """P with P, P-4064, P-4063 (apiserver, etcd) and P+1..P+3 (registry, kubelet, healthz) free."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if 10000 <= port <= 60000 and all(_free(p) for p in (port - 4064, port - 4063, port + 1, port + 2,
                                                              port + 3)):
            return port
    raise ClusterError("no free loopback port block for the kubelet cluster")


@dataclass
class KubeletCluster:
    cluster: Cluster
    node: str
    registry: str  # host:port of the tier's registry

    def image(self, tag: str) -> str:
        return f"{self.registry}/{APP_IMAGE_REPO}:{tag}"


@pytest.fixture(scope="module")
def kubelet_cluster() -> Iterator[KubeletCluster]:
    work = Path(tempfile.mkdtemp(prefix="podwhy-kubelet-"))
    state = work / "s"
    if len(str(state / "containerd" / "containerd.sock.ttrpc")) > _UNIX_SOCKET_MAX:
        pytest.fail(f"state directory {state} too long for containerd's unix sockets", pytrace=False)
    port = _free_port_block()
    env = {**os.environ, "PODWHY_CLUSTER_STATE": str(state), "PODWHY_CLUSTER_PORT": str(port)}
    c = Cluster(state=state, port=port, kubeconfig=state / "admin.kubeconfig", env=env)
    atexit.register(c.down)
    try:
        proc = subprocess.run(["bash", str(SCRIPT), "up", "--kubelet"], env=env, capture_output=True,
                              text=True, timeout=3600)
        if proc.returncode != 0:
            pytest.fail(f"scripts/cluster.sh up --kubelet failed (rc {proc.returncode}):\n"
                        f"{proc.stderr[-6000:]}", pytrace=False)
        assert Path(proc.stdout.strip().splitlines()[-1]) == c.kubeconfig
        yield KubeletCluster(cluster=c, node=(state / "kubelet" / "node").read_text().strip(),
                             registry=f"127.0.0.1:{port + 1}")
    finally:
        c.down()


def _pod(name: str, image: str, command: list[str] | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": image, "imagePullPolicy": "Always"}
    if command:
        container["command"] = command
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"terminationGracePeriodSeconds": 1, "containers": [container]}}


def _events(c: Cluster, pod: str) -> list[dict[str, Any]]:
    items = c.get_json("events", "-n", "default", "--field-selector",
                       f"involvedObject.kind=Pod,involvedObject.name={pod}")["items"]
    return sorted(items, key=lambda e: e.get("lastTimestamp") or e.get("eventTime") or "")


def _component(event: dict[str, Any]) -> str:
    return (event.get("source") or {}).get("component") or event.get("reportingComponent") or ""


def _waiting(c: Cluster, pod: str) -> dict[str, Any]:
    statuses = c.get_json("pod", "-n", "default", pod).get("status", {}).get("containerStatuses") or []
    return statuses[0].get("state", {}).get("waiting", {}) if statuses else {}


def test_node_registers_and_becomes_ready(kubelet_cluster: KubeletCluster) -> None:
    c = kubelet_cluster.cluster

    def settled() -> dict[str, Any] | None:
        node = c.get_json("node", kubelet_cluster.node)
        return node if node_settled(node) else None

    node = wait_until(f"node {kubelet_cluster.node} Ready without not-ready taints", settled, timeout=120)
    info = node["status"]["nodeInfo"]
    print(f"node {node['metadata']['name']}: kubelet {info['kubeletVersion']}, "
          f"runtime {info['containerRuntimeVersion']}, addresses {node['status']['addresses']}")
    assert info["kubeletVersion"] == "v1.34.4"
    assert info["containerRuntimeVersion"].startswith("containerd://2.")
    assert {"type": "InternalIP", "address": kubelet_cluster.node} in node["status"]["addresses"]
    # A real kubelet, not KWOK: no fake-node annotation, and a real Lease renewed by the kubelet.
    assert "kwok.x-k8s.io/node" not in node["metadata"].get("annotations", {})
    lease = c.get_json("lease", "-n", "kube-node-lease", kubelet_cluster.node)
    assert lease["spec"]["holderIdentity"] == kubelet_cluster.node


def test_pod_from_loopback_registry_runs(kubelet_cluster: KubeletCluster) -> None:
    c = kubelet_cluster.cluster
    image = kubelet_cluster.image("1.35")
    c.create([_pod("runs", image, ["/bin/sh", "-c", "echo hello from a real kubelet; exec sleep 3600"])])

    def running() -> dict[str, Any] | None:
        pod = c.get_json("pod", "-n", "default", "runs")
        statuses = pod.get("status", {}).get("containerStatuses") or []
        ok = pod["status"].get("phase") == "Running" and statuses and statuses[0].get("ready")
        return pod if ok else None

    pod = wait_until("pod runs Running", running, timeout=120)
    assert pod["spec"]["nodeName"] == kubelet_cluster.node
    assert pod["status"]["podIP"].startswith("10.88.")  # the bridge + host-local CNI, not host network
    status = pod["status"]["containerStatuses"][0]
    assert status["imageID"].startswith(f"{kubelet_cluster.registry}/{APP_IMAGE_REPO}@sha256:")
    assert status["containerID"].startswith("containerd://")
    reasons = {e["reason"]: e["message"] for e in _events(c, "runs") if _component(e) == "kubelet"}
    print("kubelet events of pod runs:", reasons)
    assert {"Pulling", "Pulled", "Created", "Started"} <= reasons.keys()
    # kubectl logs goes kube-apiserver -> the kubelet's server -> containerd's log file.
    logs = wait_until("pod runs logs", lambda: c.kubectl("logs", "-n", "default", "runs").stdout, timeout=30)
    assert logs.strip() == "hello from a real kubelet"


def test_missing_tag_gets_real_pull_errors(kubelet_cluster: KubeletCluster) -> None:
    c = kubelet_cluster.cluster
    image = kubelet_cluster.image("no-such-tag")

    def backing_off() -> dict[str, Any] | None:
        waiting = _waiting(c, "missing-tag")
        return waiting if waiting.get("reason") == "ImagePullBackOff" else None

    def both_failures() -> list[dict[str, Any]] | None:
        events = _events(c, "missing-tag")
        failed = {e["message"] for e in events if e["reason"] == "Failed"}
        return events if {"Error: ErrImagePull", "Error: ImagePullBackOff"} <= failed else None

    # Every waiting state the kubelet writes, from a watch started before the pod exists: ErrImagePull
    # lasts only until the kubelet's next sync of the pod turns it into ImagePullBackOff.
    jsonpath = ('{.status.containerStatuses[0].state.waiting.reason}{"\\t"}'
                '{.status.containerStatuses[0].state.waiting.message}{"\\n"}')
    watch = subprocess.Popen([str(KUBECTL), "--kubeconfig", str(c.kubeconfig), "get", "pods", "-n", "default",
                              "-w", "--field-selector", "metadata.name=missing-tag", "-o", f"jsonpath={jsonpath}"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        time.sleep(1)  # the watch is up; were it late, its initial list still shows the current state
        c.create([_pod("missing-tag", image)])
        waiting = wait_until("ImagePullBackOff", backing_off, timeout=120)
        events = wait_until("Failed events for ErrImagePull and ImagePullBackOff", both_failures, timeout=120)
    finally:
        watch.terminate()
        seen, _ = watch.communicate(timeout=30)
    states = [line.split("\t", 1) for line in seen.splitlines() if "\t" in line]
    for reason, message in states:
        print(f"waiting state written by the kubelet: {reason}: {message}")
    for e in events:
        print(f"event {e['type']} {e['reason']} x{e.get('count', 1)}: {e['message']}")

    err_image_pull = [message for reason, message in states if reason == "ErrImagePull"]
    assert err_image_pull, states
    failed = [e["message"] for e in events if e["reason"] == "Failed" and e["type"] == "Warning"]
    assert {"Error: ErrImagePull", "Error: ImagePullBackOff"} <= set(failed)
    pull_failures = [m for m in failed if m.startswith(f'Failed to pull image "{image}": ')]
    assert pull_failures, failed
    # containerd's NotFound keeps its gRPC prefix (the kubelet strips only code = Unknown's).
    assert "rpc error: code = NotFound desc = " in pull_failures[0]
    assert "not found" in pull_failures[0]
    # ErrImagePull's message is the pull error itself, the Failed event's text after the image; the
    # back-off message (kubelet >= 1.32) names the previous state, ErrImagePull, and that error.
    assert pull_failures[0] == f'Failed to pull image "{image}": {err_image_pull[0]}'
    assert waiting["message"] == f'Back-off pulling image "{image}": ErrImagePull: {err_image_pull[0]}'
    assert any(e["reason"] == "BackOff" and e["message"] == f'Back-off pulling image "{image}"' for e in events)
