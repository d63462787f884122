"""The real-kubelet tier: `scripts/cluster.sh up --kubelet` registers the pinned kubelet (on containerd 2.x
+ runc built from the module proxy) as a node; pods pull from the tier's loopback registry and run as real
containers, and a missing tag gets the kubelet's own ErrImagePull / ImagePullBackOff status and events.

This module starts its own cluster (its own state directory and ports), so the session `cluster` of the
other modules never sees the real node. Nothing here is recorded: the texts asserted on are the shapes
this stack (kubelet v1.34.4, containerd v2.2.9) was seen to write, and the real ones are printed.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from .harness import KUBECTL, ROOT, SCRIPT, Cluster, free_port_block, node_settled, wait_until

APP_IMAGE_REPO = "podwhy/busybox"  # pushed by scripts/cluster/images.py
_UNIX_SOCKET_MAX = 100  # sun_path is 108 bytes: containerd's socket lives under the state directory


def _address_in_use(ip: str) -> bool:
    with socket.socket() as s:
        try:
            s.bind((ip, 0))
        except OSError:
            return False
    return True


def _free_port_block() -> int:
    """P with P, P-4064, P-4063 (apiserver, etcd) and P+1..P+4 (registry, kubelet, healthz, htpasswd
    registry) free, and no other cluster's node address 10.88.(P % 256).1 on this machine."""
    return free_port_block((-4064, -4063, 1, 2, 3, 4), accept=lambda p: not _address_in_use(f"10.88.{p % 256}.1"))


@dataclass
class KubeletCluster:
    cluster: Cluster
    node: str
    registry: str  # host:port of the tier's registry
    auth_registry: str  # host:port of the htpasswd registry (the same images, basic auth, plain HTTP)
    auth_user: str
    auth_password: str

    def image(self, tag: str) -> str:
        return f"{self.registry}/{APP_IMAGE_REPO}:{tag}"

    def auth_image(self, tag: str) -> str:
        return f"{self.auth_registry}/{APP_IMAGE_REPO}:{tag}"


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
        user, _, password = (state / "registry-auth" / "credentials").read_text().strip().partition(":")
        yield KubeletCluster(cluster=c, node=(state / "kubelet" / "node").read_text().strip(),
                             registry=f"127.0.0.1:{port + 1}", auth_registry=f"127.0.0.1:{port + 4}",
                             auth_user=user, auth_password=password)
    finally:
        c.down()
        shutil.rmtree(work, ignore_errors=True)


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


def _json_stream(text: str) -> Iterator[Any]:
    """The objects of `kubectl get -w -o json` (one JSON document per change, back to back)."""
    decoder, i = json.JSONDecoder(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return
        try:
            obj, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError:  # the watch was stopped in the middle of a document
            return
        yield obj


def _first_waiting(pod: dict[str, Any]) -> dict[str, Any]:
    statuses = pod.get("status", {}).get("containerStatuses") or []
    return statuses[0].get("state", {}).get("waiting", {}) if statuses else {}


def _waiting(c: Cluster, pod: str) -> dict[str, Any]:
    return _first_waiting(c.get_json("pod", "-n", "default", pod))


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
    lease = wait_until("the node's Lease", lambda: c.get_json("lease", "-n", "kube-node-lease", kubelet_cluster.node),
                       timeout=60)
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
    watch = subprocess.Popen([str(KUBECTL), "--kubeconfig", str(c.kubeconfig), "get", "pods", "-n", "default",
                              "-w", "--field-selector", "metadata.name=missing-tag", "-o", "json"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        time.sleep(1)  # the watch is up; were it late, its initial list still shows the current state
        c.create([_pod("missing-tag", image)])
        waiting = wait_until("ImagePullBackOff", backing_off, timeout=120)
        events = wait_until("Failed events for ErrImagePull and ImagePullBackOff", both_failures, timeout=120)
    finally:
        watch.terminate()
        seen, _ = watch.communicate(timeout=30)
    states = [(w["reason"], w.get("message", "")) for w in map(_first_waiting, _json_stream(seen)) if w]
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


def _pull_secret(name: str, namespace: str, host: str, user: str, password: str) -> dict[str, Any]:
    """A kubernetes.io/dockerconfigjson Secret with one `auths` entry, keyed by `host`."""
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    config = {"auths": {host: {"username": user, "password": password, "auth": auth}}}
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": namespace},
            "type": "kubernetes.io/dockerconfigjson",
            "data": {".dockerconfigjson": base64.b64encode(json.dumps(config).encode()).decode()}}


def test_pull_secret_with_right_credentials_runs(kubelet_cluster: KubeletCluster) -> None:
    """The positive control of the pull-secret scenarios: the htpasswd registry, containerd's plain-HTTP
    hosts.toml for it and the kubelet's credentials from an imagePullSecret work together."""
    k, c = kubelet_cluster, kubelet_cluster.cluster
    image = k.auth_image("1.35")
    pod = _pod("auth-ok", image, ["/bin/sh", "-c", "echo pulled with a pull secret; exec sleep 3600"])
    pod["spec"]["imagePullSecrets"] = [{"name": "auth-ok"}]
    c.create([_pull_secret("auth-ok", "default", k.auth_registry, k.auth_user, k.auth_password), pod])

    def running() -> dict[str, Any] | None:
        p = c.get_json("pod", "-n", "default", "auth-ok")
        statuses = p.get("status", {}).get("containerStatuses") or []
        if statuses and _first_waiting(p).get("reason") in ("ErrImagePull", "ImagePullBackOff"):
            raise AssertionError(f"the pull with the right credentials failed: {_first_waiting(p)}")
        return p if p["status"].get("phase") == "Running" and statuses and statuses[0].get("ready") else None

    p = wait_until("pod auth-ok Running", running, timeout=120)
    status = p["status"]["containerStatuses"][0]
    print(f"pod auth-ok: {p['status']['phase']}, imageID {status['imageID']}")
    assert p["status"]["phase"] == "Running"
    # The same image as the open registry's (one storage): imageID names the repository containerd
    # stored it under first, so only its digest is compared. imagePullPolicy Always: a real pull, with
    # credentials, through 127.0.0.1:PORT+4 (the Pulled event names it).
    assert status["imageID"].split("@", 1)[1].startswith("sha256:")
    reasons = {e["reason"]: e["message"] for e in _events(c, "auth-ok") if _component(e) == "kubelet"}
    print("kubelet events of pod auth-ok:", reasons)
    assert {"Pulling", "Pulled", "Started"} <= reasons.keys()
    assert reasons["Pulled"].startswith(f'Successfully pulled image "{image}"'), reasons["Pulled"]


# ---- podwhy on what the real kubelet wrote: one pod per cause, diagnosed three ways ------------------------

KNS = "kubelet-scenarios"


@dataclass(frozen=True)
class KubeletScenario:
    name: str
    pod: str
    code: str  # podwhy's first finding, the same live, from `cluster-info dump` and from `get -o yaml`
    objects: Any  # (KubeletCluster) -> list of objects to create in KNS
    settled: str  # the waiting reason the kubelet has written once the scenario is ready to read
    event: str = ""  # and, if set, the reason of an event about the pod the kubelet must have written too


def _kpod(name: str, image: str, **spec: Any) -> dict[str, Any]:
    container = {"name": "app", "image": image, "imagePullPolicy": "Always", "command": ["sleep", "3600"],
                 **spec.pop("container", {})}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": KNS},
            "spec": {"terminationGracePeriodSeconds": 1, "containers": [container], **spec}}


KUBELET_SCENARIOS = [
    KubeletScenario("tag missing", "tag-missing", "image.tag-not-found",
                    lambda k: [_kpod("tag-missing", k.image("1.35."))], "ImagePullBackOff"),
    # containerd answers a missing repository like a missing tag (a 404 on the manifest): catalog.md's
    # tag-not-found (`--probe-registry` would tell the two apart).
    KubeletScenario("repository missing", "repo-missing", "image.tag-not-found",
                    lambda k: [_kpod("repo-missing", f"{k.registry}/podwhy/no-such-repo:1")], "ImagePullBackOff"),
    KubeletScenario("invalid image name", "bad-name", "image.invalid-reference",
                    lambda k: [_kpod("bad-name", f"{k.registry}/podwhy/BusyBox:1.35")], "InvalidImageName"),
    KubeletScenario("missing ConfigMap key in env", "cm-key", "start.config-missing", lambda k: [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": KNS},
         "data": {"mode": "fast"}},
        _kpod("cm-key", k.image("1.35"), container={"env": [{"name": "LEVEL", "valueFrom": {
            "configMapKeyRef": {"name": "settings", "key": "level"}}}]})], "CreateContainerConfigError"),
    KubeletScenario("missing Secret in env", "secret-missing", "start.config-missing", lambda k: [
        _kpod("secret-missing", k.image("1.35"), container={"env": [{"name": "TOKEN", "valueFrom": {
            "secretKeyRef": {"name": "api-token", "key": "token"}}}]})], "CreateContainerConfigError"),
    KubeletScenario("missing ConfigMap volume", "cm-volume", "start.config-missing", lambda k: [
        _kpod("cm-volume", k.image("1.35"), volumes=[{"name": "cfg", "configMap": {"name": "no-such-map"}}],
              container={"volumeMounts": [{"name": "cfg", "mountPath": "/cfg"}]})], "ContainerCreating"),
    # The htpasswd registry (PORT+4, the same images): what the kubelet sends from imagePullSecrets.
    KubeletScenario("auth registry, no pull secret", "auth-none", "secret.no-pull-secret",
                    lambda k: [_kpod("auth-none", k.auth_image("1.35"))], "ImagePullBackOff"),
    KubeletScenario("auth registry, wrong password", "auth-wrong", "registry.auth-failed", lambda k: [
        _pull_secret("auth-wrong", KNS, k.auth_registry, k.auth_user, "not-" + k.auth_password),
        _kpod("auth-wrong", k.auth_image("1.35"), imagePullSecrets=[{"name": "auth-wrong"}])], "ImagePullBackOff"),
    # The right user and password, keyed by another registry host: the kubelet sends no credentials.
    KubeletScenario("auth registry, secret for another host", "auth-other-host", "secret.pull-secret-host-mismatch",
                    lambda k: [
        _pull_secret("auth-other-host", KNS, "registry.podwhy.test", k.auth_user, k.auth_password),
        _kpod("auth-other-host", k.auth_image("1.35"), imagePullSecrets=[{"name": "auth-other-host"}])],
                    "ImagePullBackOff"),
    KubeletScenario("auth registry, pull secret missing", "auth-secret-missing", "secret.pull-secret-missing",
                    lambda k: [_kpod("auth-secret-missing", k.auth_image("1.35"),
                                     imagePullSecrets=[{"name": "no-such-pull-secret"}])],
                    "ImagePullBackOff", event="FailedToRetrieveImagePullSecret"),
]


def _pod_event_reasons(c: Cluster, pod: str) -> set[str]:
    return {e["reason"] for e in c.get_json("events", "-n", KNS, "--field-selector",
                                            f"involvedObject.name={pod}")["items"]}


def _kubelet_wrote(c: Cluster, s: KubeletScenario) -> bool:
    pod = c.get_json("pod", "-n", KNS, s.pod)
    if s.settled == "ContainerCreating":  # the kubelet retries the mount: wait for its FailedMount event
        return "FailedMount" in _pod_event_reasons(c, s.pod)
    return _first_waiting(pod).get("reason") == s.settled and (not s.event or s.event in _pod_event_reasons(c, s.pod))


@pytest.fixture(scope="module")
def kubelet_reports(kubelet_cluster: KubeletCluster, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every scenario created at once on the real node; once the kubelet has written each one's state,
    podwhy's reports: live as the read-only user, from `kubectl cluster-info dump`, from `kubectl get -o yaml`."""
    from .test_scenarios import YAML_KINDS

    c = kubelet_cluster.cluster
    c.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": KNS}}])
    wait_until("default ServiceAccount", lambda: c.kubectl("-n", KNS, "get", "sa", "default",
                                                           check=False).returncode == 0)
    objects = [o for s in KUBELET_SCENARIOS for o in s.objects(kubelet_cluster)]
    # Secrets and ConfigMaps a little before the pods: a pod created in the same breath as its pull secret can
    # meet a kubelet whose secret cache has not seen it yet (a real FailedToRetrieveImagePullSecret for a
    # secret that exists; podwhy reads such an event as stale once later pulls fail, but the first report
    # could come before any later pull).
    c.create([o for o in objects if o["kind"] != "Pod"])
    time.sleep(2)
    c.create([o for o in objects if o["kind"] == "Pod"])
    for s in KUBELET_SCENARIOS:
        wait_until(f"the kubelet's state for {s.name!r}", lambda s=s: _kubelet_wrote(c, s), timeout=180)
    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "rbac.yaml").read_text())
            if d and d.get("kind") == "ClusterRole"]
    c.apply([*docs, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                     "metadata": {"name": "podwhy-reader-test"},
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "podwhy-reader"},
                     "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "podwhy-reader"}]}])
    reader = c.user("podwhy-reader")
    out = tmp_path_factory.mktemp("kubelet")
    dump = out / "dump"
    c.kubectl("cluster-info", "dump", "--namespaces", KNS, "--output-directory", str(dump), timeout=300)
    yaml_file = out / "cluster.yaml"
    yaml_file.write_text(c.kubectl("get", YAML_KINDS, "-A", "-o", "yaml", timeout=300).stdout)
    described = out / "describe.txt"
    described.write_text("\n".join(c.kubectl("describe", kind, *(("-n", KNS) if kind != "nodes" else ()),
                                              timeout=300).stdout for kind in ("nodes", "pods", "serviceaccounts")))
    if os.environ.get("PODWHY_REALCLUSTER_RECORD"):  # the fast tests' copy (tests/snapshot/test_describe.py)
        shutil.copyfile(described, ROOT / "tests" / "fixtures" / "realcluster" / "describe-kubelet.txt")
    runs = {"live": c.podwhy("scan", "-n", KNS, "-o", "json", kubeconfig=reader),
            "describe": c.podwhy("scan", "-n", KNS, "-o", "json", "--from", str(described)),
            "dump": c.podwhy("scan", "-n", KNS, "-o", "json", "--from", str(dump)),
            "yaml": c.podwhy("scan", "-n", KNS, "-o", "json", "--from", str(yaml_file))}
    reports = {}
    for mode, proc in runs.items():
        assert proc.returncode in (0, 1), f"{mode}: rc {proc.returncode}: {proc.stderr}"
        reports[mode] = json.loads(proc.stdout)
    for e in c.get_json("events", "-n", KNS)["items"]:
        if e["type"] == "Warning":
            print(f"real kubelet text: {e['involvedObject']['name']} {e['reason']}: {e['message']}")
    for s in KUBELET_SCENARIOS:
        waiting = _first_waiting(c.get_json("pod", "-n", KNS, s.pod))
        print(f"real kubelet waiting state: {s.pod} {waiting.get('reason')}: {waiting.get('message', '')}")
    for mode, report in reports.items():
        for subject in report["subjects"]:
            first = (subject.get("findings") or [{}])[0]
            print(f"podwhy {mode}: {subject['ref']}: {first.get('code')} ({first.get('confidence')}): "
                  f"{first.get('cause')}")
        for note in report.get("notes") or []:
            print(f"podwhy {mode} note: {note}")
    return reports


@pytest.mark.parametrize("mode", ("live", "dump", "yaml", "describe"))
@pytest.mark.parametrize("scenario", KUBELET_SCENARIOS, ids=[s.name for s in KUBELET_SCENARIOS])
def test_podwhy_on_the_real_kubelets_texts(kubelet_reports: dict[str, Any], scenario: KubeletScenario,
                                           mode: str) -> None:
    subject = next((s for s in kubelet_reports[mode]["subjects"] if s["ref"] == f"Pod/{KNS}/{scenario.pod}"), None)
    assert subject is not None, f"{mode}: {scenario.pod} not reported: {[s['ref'] for s in kubelet_reports[mode]['subjects']]}"
    want = scenario.code
    if mode == "describe" and want in DESCRIBE_SEES:
        want, says = DESCRIBE_SEES[want]
        assert says in subject["findings"][0]["cause"], subject["findings"][0]["cause"]
    assert subject["findings"][0]["code"] == want, json.dumps(subject, indent=1)[:4000]


# `kubectl describe pod` prints neither the pod's imagePullSecrets nor a Secret's data (describe.go v1.34.4):
# a secret keyed for another host and no secret at all look the same there, and podwhy says both.
DESCRIBE_SEES = {"secret.pull-secret-host-mismatch": ("secret.no-pull-secret", "keyed for another host")}
