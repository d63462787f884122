"""Live mode against the real kube-apiserver: real continue tokens (and a really expired one), real 403
bodies for a user whom RBAC limits to one namespace, events from both event APIs, and an API server that
stops answering in the middle of a list.
"""

from __future__ import annotations

import json
import os
import signal
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from podwhy.errors import ClusterError
from podwhy.snapshot.sources import live

from .harness import ROOT, Cluster, wait_until

NS = "paging"
PODS = 60


def _gated_pod(i: int) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p-{i:03d}", "namespace": NS},
            "spec": {"schedulingGates": [{"name": "example.com/hold"}],
                     "containers": [{"name": "app", "image": "registry.example.test/app:1"}]}}


@pytest.fixture(scope="module")
def paging_ns(cluster: Cluster) -> Iterator[str]:
    cluster.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}])
    wait_until("default ServiceAccount", lambda: cluster.kubectl("-n", NS, "get", "sa", "default",
                                                                check=False).returncode == 0)
    cluster.create(_gated_pod(i) for i in range(PODS))
    yield NS
    cluster.kubectl("delete", "namespace", NS, "--wait=false", check=False)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, str]]]:
    """Every GET podwhy makes (path, query), with small pages and no real back-off sleeps."""
    seen: list[tuple[str, dict[str, str]]] = []
    original = live.Client.get_once

    def recording(self: Any, path: str, query: dict[str, str] | None = None) -> bytes:
        seen.append((path, dict(query or {})))
        return original(self, path, query)

    monkeypatch.setattr(live.Client, "get_once", recording)
    monkeypatch.setattr(live.lister, "PAGE_LIMIT", 7)
    monkeypatch.setattr(live.client, "_sleep", lambda s: None)
    monkeypatch.delenv("KUBECONFIG", raising=False)
    return seen


def _pod_pages(calls: list[tuple[str, dict[str, str]]]) -> list[dict[str, str]]:
    return [q for p, q in calls if p.endswith(f"/namespaces/{NS}/pods") or p == "/api/v1/pods"]


def test_lists_every_page_with_real_continue_tokens(cluster: Cluster, paging_ns: str,
                                                    calls: list[tuple[str, dict[str, str]]]) -> None:
    snap, _ = live.load_live(kubeconfig=str(cluster.kubeconfig), namespace=NS)
    names = sorted(p.metadata.name for p in snap.pods if p.metadata.namespace == NS)
    assert names == [f"p-{i:03d}" for i in range(PODS)]
    pages = _pod_pages(calls)
    # 60 pods of this namespace plus those of other namespaces, 7 a page: every page after the first
    # carries the continue token the real server handed out.
    assert len(pages) >= PODS // 7 + 1
    assert all("continue" in q for q in pages[1:]) and "continue" not in pages[0]


def _etcd_compact(cluster: Cluster) -> int:
    etcd = f"http://127.0.0.1:{cluster.port - 4064}"
    req = urllib.request.Request(f"{etcd}/v3/maintenance/status", data=b"{}", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:  # loopback only
        revision = int(json.load(resp)["header"]["revision"])
    body = json.dumps({"revision": str(revision), "physical": True}).encode()
    req = urllib.request.Request(f"{etcd}/v3/kv/compaction", data=body, method="POST")
    with urllib.request.urlopen(req, timeout=10):
        pass
    return revision


def test_expired_continue_token_restarts_the_list(cluster: Cluster, paging_ns: str,
                                                  calls: list[tuple[str, dict[str, str]]],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    failures: list[tuple[int, str]] = []
    state = {"compacted": False}
    recording = live.Client.get_once

    def compact_after_first_page(self: Any, path: str, query: dict[str, str] | None = None) -> bytes:
        # (pods are listed cluster-wide even for one namespace: other namespaces' pods fill the nodes)
        if path in ("/api/v1/pods", f"/api/v1/namespaces/{NS}/pods") and query and "continue" in query \
                and not state["compacted"]:
            # Between two pages: writes move etcd's revision on, then etcd compacts away the revision the
            # token points at, as the API server's own compactor does every 5 minutes.
            state["compacted"] = True
            cluster.kubectl("-n", NS, "create", "configmap", "bump-1")
            cluster.kubectl("-n", NS, "create", "configmap", "bump-2")
            _etcd_compact(cluster)
        try:
            return recording(self, path, query)
        except live.Failed as exc:
            failures.append((exc.status, exc.reason))
            raise

    monkeypatch.setattr(live.Client, "get_once", compact_after_first_page)
    snap, _ = live.load_live(kubeconfig=str(cluster.kubeconfig), namespace=NS)
    assert state["compacted"]
    # A 1.34 API server serves the continuation from its watch cache's snapshot (ListFromCacheSnapshot,
    # beta and on by default in 1.34: k8s.io/apiserver pkg/features/kube_features.go, v0.34.4), so the
    # compaction under the token does not make it answer 410 on demand; when it does (an older server,
    # or the snapshot gone), podwhy restarts the list. The 410 path itself is tested on the loopback
    # fake server (tests/live/test_live_lists.py). Here: paging over a real compaction loses no pod.
    assert set(failures) <= {(410, "Expired")}, failures
    assert sorted(p.metadata.name for p in snap.pods if p.metadata.namespace == NS) == \
        [f"p-{i:03d}" for i in range(PODS)]


def _namespace_user(cluster: Cluster, name: str) -> Path:
    """A user bound only to deploy/rbac.yaml's podwhy-namespace-reader Role, in namespace NS."""
    role = next(d for d in yaml.safe_load_all((ROOT / "deploy" / "rbac.yaml").read_text())
                if d and d.get("kind") == "Role")
    role["metadata"]["namespace"] = NS
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": f"{name}-reads", "namespace": NS},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role["metadata"]["name"]},
               "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": name}]}
    cluster.apply([role, binding])
    path = cluster.user(name)
    cfg = yaml.safe_load(path.read_text())
    cfg["contexts"][0]["context"]["namespace"] = NS
    path.write_text(yaml.safe_dump(cfg))
    return path


def test_user_limited_to_one_namespace_gets_the_real_403s_as_notes(cluster: Cluster, paging_ns: str) -> None:
    kubeconfig = _namespace_user(cluster, "team-dev")
    proc = cluster.podwhy("scan", "-o", "json", kubeconfig=kubeconfig)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert {s["ref"] for s in report["subjects"]} == {f"Pod/{NS}/p-{i:03d}" for i in range(PODS)}
    assert {s["findings"][0]["code"] for s in report["subjects"]} == {"sched.scheduling-gated"}
    notes = "\n".join(report["notes"])
    # The API server's own words, as RBAC's authorizer writes them (k8s.io/apiserver
    # pkg/endpoints/handlers/responsewriters/errors.go forbiddenMessage, 1.34).
    assert 'User "team-dev" cannot list resource "nodes" in API group "" at the cluster scope' in notes
    assert "nodes" in notes and "forbidden" in notes


def _events_user(cluster: Cluster, name: str, group: str) -> Path:
    """podwhy-reader's rights, but events only through one API group."""
    role = next(d for d in yaml.safe_load_all((ROOT / "deploy" / "rbac.yaml").read_text())
                if d and d.get("kind") == "ClusterRole" and d["metadata"]["name"] == "podwhy-reader")
    rules = []
    for r in role["rules"]:
        r = dict(r)
        if r["apiGroups"] == [""]:
            r["resources"] = [x for x in r["resources"] if x != "events" or group == ""]
        if r["apiGroups"] == ["events.k8s.io"] and group != "events.k8s.io":
            continue
        rules.append(r)
    cr = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": name},
          "rules": rules}
    crb = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": name},
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
           "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": name}]}
    cluster.apply([cr, crb])
    return cluster.user(name)


@pytest.mark.parametrize("group", ["", "events.k8s.io"], ids=["core-v1-events-only", "events-k8s-io-v1-only"])
def test_scheduler_events_read_through_either_events_api(cluster: Cluster, paging_ns: str, group: str) -> None:
    cluster.create([{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"nowhere-{group or 'core'}",
                                                                      "namespace": NS},
                     "spec": {"nodeSelector": {"no-such": "label"},
                              "containers": [{"name": "app", "image": "registry.example.test/app:1"}]}}])
    name = f"nowhere-{group or 'core'}"
    wait_until("FailedScheduling", lambda: any(
        e["reason"] == "FailedScheduling" and e["involvedObject"]["name"] == name
        for e in cluster.get_json("-n", NS, "events")["items"]), timeout=60)
    kubeconfig = _events_user(cluster, f"events-{group or 'core'}", group)
    proc = cluster.podwhy("pod", name, "-n", NS, "-o", "json", kubeconfig=kubeconfig)
    assert proc.returncode == 1, proc.stderr
    subject = json.loads(proc.stdout)["subjects"][0]
    assert subject["findings"][0]["code"] in ("sched.node-affinity", "sched.no-nodes")
    refs = {e["ref"] for f in subject["findings"] for e in f["evidence"]}
    assert any(r.startswith(f"Event/{NS}/") for r in refs), subject
    cluster.kubectl("-n", NS, "delete", "pod", name, "--grace-period=0", "--force", check=False)


def test_api_server_that_stops_answering_mid_list_is_reported_unreachable(
        cluster: Cluster, paging_ns: str, calls: list[tuple[str, dict[str, str]]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    pid = int((cluster.state / "pids" / "kube-apiserver.pid").read_text())
    recording = live.Client.get_once
    stopped = {"done": False}

    def stop_after_first_page(self: Any, path: str, query: dict[str, str] | None = None) -> bytes:
        if query and "continue" in query and not stopped["done"]:
            stopped["done"] = True
            os.kill(pid, signal.SIGSTOP)  # the process stops answering; its socket still accepts
        return recording(self, path, query)

    monkeypatch.setattr(live.Client, "get_once", stop_after_first_page)
    try:
        with pytest.raises(ClusterError) as info:
            live.load_live(kubeconfig=str(cluster.kubeconfig), namespace=NS, timeout=2.0)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert stopped["done"]
    assert "no answer within 2s" in str(info.value), str(info.value)
    wait_until("API server answers again", lambda: cluster.kubectl("get", "--raw", "/readyz",
                                                                   check=False).returncode == 0)


# ---- podwhy pod NAME on a pull-stuck pod: only its objects ------------------------------------------------

PULL_NS = "onepod"
_NOT_FOUND = ('rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.test/web:1.0.": '
              'failed to resolve reference "registry.example.test/web:1.0.": registry.example.test/web:1.0.: not found')


def test_pod_stuck_pulling_reads_only_its_objects(cluster: Cluster, reader_kubeconfig: Path,
                                                  calls: list[tuple[str, dict[str, str]]]) -> None:
    """The real API server's field selector gives the pod's events; a handful of GETs as the read-only
    user, the same findings a scan of the namespace gives, and no list of the cluster's pods or nodes."""
    cluster.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": PULL_NS}}])
    wait_until("default ServiceAccount", lambda: cluster.kubectl("-n", PULL_NS, "get", "sa", "default",
                                                                check=False).returncode == 0)
    # A node no KWOK keeps (no kubelet runs here): its pod keeps the status written below, as a kubelet's.
    cluster.apply([{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "onepod-node"},
                    "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}}])
    labels = {"app": "web"}
    template = {"metadata": {"labels": labels}, "spec": {"nodeName": "onepod-node", "containers": [
        {"name": "web", "image": "registry.example.test/web:1.0."}]}}
    cluster.apply([{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": PULL_NS},
                    "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": template}}])
    pod = wait_until("the Deployment's pod", lambda: cluster.get_json("-n", PULL_NS, "pods", "-l", "app=web")["items"])[0]
    name = pod["metadata"]["name"]
    status = {"status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "True"}],
                         "containerStatuses": [{"name": "web", "image": "registry.example.test/web:1.0.",
                                                "imageID": "", "ready": False, "restartCount": 0,
                                                "state": {"waiting": {"reason": "ErrImagePull",
                                                                      "message": _NOT_FOUND}}}]}}
    cluster.kubectl("-n", PULL_NS, "patch", "pod", name, "--subresource=status", "--type=merge", "-p",
                    json.dumps(status))
    cluster.apply([{"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"{name}.pull", "namespace": PULL_NS},
                    "involvedObject": {"kind": "Pod", "name": name, "namespace": PULL_NS, "uid": pod["metadata"]["uid"],
                                       "fieldPath": "spec.containers{web}"},
                    "reason": "Failed", "type": "Warning", "source": {"component": "kubelet", "host": "onepod-node"},
                    "message": f'Failed to pull image "registry.example.test/web:1.0.": {_NOT_FOUND}', "count": 3}])
    try:
        one, _ = live.load_live_pod(name, kubeconfig=str(reader_kubeconfig), namespace=PULL_NS) or (None, None)
        assert one is not None
        paths = [p for p, _ in calls]
        assert len(paths) <= 20, paths
        assert "/api/v1/pods" not in paths and "/api/v1/nodes" not in paths, paths
        assert [q.get("fieldSelector") for p, q in calls if p.endswith("/events")] == [
            f"involvedObject.kind=Pod,involvedObject.name={name}"]
        assert [e.reason for e in one.events] == ["Failed"]
        got = cluster.podwhy("pod", name, "-n", PULL_NS, "-o", "json", kubeconfig=reader_kubeconfig)
        scan = cluster.podwhy("scan", "-n", PULL_NS, "-o", "json", kubeconfig=reader_kubeconfig)
        mine = next(s for s in json.loads(got.stdout)["subjects"] if s["name"] == name)
        theirs = next(s for s in json.loads(scan.stdout)["subjects"] if s["name"] == name)
        assert mine["findings"] == theirs["findings"]
        assert mine["findings"][0]["code"] == "image.tag-not-found"
    finally:
        cluster.kubectl("delete", "namespace", PULL_NS, "--wait=false", check=False)
        cluster.kubectl("delete", "node", "onepod-node", check=False)
