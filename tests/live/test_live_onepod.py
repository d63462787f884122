"""`podwhy pod NAME` live on a pod stuck pulling its images reads only what that diagnosis needs (issue 12,
item 5): the pod, its events (field-selected), its node, ServiceAccount, pull secrets and owners, in a
handful of requests however big the cluster, with the same findings a full scan gives it. Anything else
(a Pending pod, a name that is not there, RBAC in the way) reads the cluster as a scan does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .apiserver import FakeAPIServer, Rules, write_kubeconfig
from .harness import run

Serve = Callable[..., FakeAPIServer]
NOW = "2024-10-01T12:00:00Z"
WEB = "web-6f7c9d5b8-k7m2d"
BATCH = "batch-28391540-zv4l2"

CASES = [
    pytest.param("team-a", WEB, [
        "/version",
        "/api/v1/namespaces/team-a/pods/web-6f7c9d5b8-k7m2d",
        "/api/v1/namespaces/team-a/events?fieldSelector=involvedObject.kind=Pod,involvedObject.name=web-6f7c9d5b8-k7m2d",
        "/api/v1/nodes/worker-2",
        "/api/v1/namespaces/team-a/serviceaccounts/default",
        "/apis/apps/v1/namespaces/team-a/replicasets/web-6f7c9d5b8",
        "/apis/apps/v1/namespaces/team-a/deployments/web",
        "/apis/apps/v1/namespaces/team-a/replicasets?labelSelector=app=web",
    ], id="deployment-pod-reads-its-replicasets-and-deployment"),
    pytest.param("team-b", BATCH, [
        "/version",
        "/api/v1/namespaces/team-b/pods/batch-28391540-zv4l2",
        "/api/v1/namespaces/team-b/events?fieldSelector=involvedObject.kind=Pod,involvedObject.name=batch-28391540-zv4l2",
        "/api/v1/nodes/worker-1",
        "/api/v1/namespaces/team-b/serviceaccounts/default",
        "/apis/batch/v1/namespaces/team-b/jobs/batch-28391540",
        "/api/v1/namespaces/team-b/secrets/regcred",
    ], id="job-pod-reads-its-job-and-the-pull-secret-it-names"),
]


def _paths(api: FakeAPIServer) -> list[str]:
    out = []
    for r in api.requests:
        query = "&".join(f"{k}={v}" for k, v in r.query.items() if k != "limit")
        out.append(r.path + (f"?{query}" if query else ""))
    return out


@pytest.mark.parametrize(("ns", "name", "paths"), CASES)
def test_pull_pod_reads_only_its_objects_and_finds_what_a_scan_finds(serve: Serve, tmp_path: Path, ns: str,
                                                                     name: str, paths: list[str]) -> None:
    api = serve()
    kubeconfig = str(write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a"))
    one = run("pod", name, "-n", ns, "--kubeconfig", kubeconfig, "-o", "json", "--now", NOW)
    assert sorted(_paths(api)) == sorted(paths)
    assert api.methods == ["GET"] * len(paths)
    full = run("scan", "-n", ns, "--kubeconfig", kubeconfig, "-o", "json", "--now", NOW)
    mine = next(s for s in one.report["subjects"] if s["name"] == name)
    theirs = next(s for s in full.report["subjects"] if s["name"] == name)
    assert (one.code, mine) == (full.code, theirs)
    assert one.notes == [f"read only what this pod's image-pull diagnosis needs ({len(paths)} requests: the pod, its "
                         "events, node, ServiceAccount, pull secrets and owners); evidence from other pods (the same "
                         "image or registry failing elsewhere) is in `podwhy scan`"]


@pytest.mark.parametrize(("ns", "name", "why"), [
    pytest.param("team-a", "api-7b8c6d5f4-qp9rt", "a Pending pod: scheduling needs every node and pod",
                 id="pending-pod-reads-the-cluster"),
    pytest.param("team-b", WEB, "not in team-b: the full read says where it is", id="pod-elsewhere-reads-the-cluster"),
])
def test_other_pods_read_the_cluster(serve: Serve, tmp_path: Path, ns: str, name: str, why: str) -> None:
    api = serve()
    kubeconfig = str(write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a"))
    got = run("pod", name, "-n", ns, "--kubeconfig", kubeconfig, "-o", "json", "--now", NOW)
    assert "/api/v1/pods" in _paths(api), why
    if name == WEB:
        assert got.code == 2 and "it exists in namespace 'team-a'" in got.err


@pytest.mark.parametrize(("rules", "note"), [
    pytest.param(Rules(forbid=frozenset({"secrets"})), "forbidden by RBAC, so not checked: Secret regcred",
                 id="pull-secret-forbidden-is-unknown-not-missing"),
    pytest.param(Rules(forbid=frozenset({"events"})),
                 "the pod's events could not be read (HTTP 403 Forbidden): no event evidence",
                 id="events-forbidden-of-both-apis-said-in-a-note"),
])
def test_rbac_in_the_way_of_a_pull_pod(serve: Serve, tmp_path: Path, rules: Rules, note: str) -> None:
    api = serve(rules)
    kubeconfig = str(write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a"))
    got = run("pod", BATCH, "-n", "team-b", "--kubeconfig", kubeconfig, "-o", "json", "--now", NOW)
    assert got.code == 1
    assert note in got.notes
    # The pod's own waiting state still names the cause; a secret that could not be read is never "missing".
    assert [(f["code"], f["confidence"]) for s in got.report["subjects"] for f in s["findings"]] == [
        ("image.not-found-or-unauthorized", "likely")]
    assert "/api/v1/pods" not in _paths(api)


CRASH = {"metadata": {"name": "api-1", "namespace": "team-a", "uid": "5d1e7c9a-2b4f-4e6a-8c0d-1f3b5a7c9e2d",
                      "creationTimestamp": "2024-10-01T11:00:00Z"},
         "spec": {"nodeName": "worker-2", "restartPolicy": "Always",
                  "containers": [{"name": "app", "image": "registry.example.com/team-a/api:3.1",
                                  "resources": {"limits": {"memory": "128Mi"}, "requests": {"memory": "128Mi"}}}]},
         "status": {"phase": "Running", "conditions": [{"type": "PodScheduled", "status": "True"}],
                    "containerStatuses": [{
                        "name": "app", "image": "registry.example.com/team-a/api:3.1", "restartCount": 5,
                        "state": {"waiting": {"reason": "CrashLoopBackOff",
                                              "message": "back-off 2m40s restarting failed container=app pod=api-1"}},
                        "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137,
                                                     "startedAt": "2024-10-01T11:58:00Z",
                                                     "finishedAt": "2024-10-01T11:58:30Z",
                                                     "containerID": "containerd://abc"}}}]}}


def test_a_crash_looping_pod_reads_only_its_objects_and_finds_what_a_scan_finds(serve: Serve, tmp_path: Path) -> None:
    api = serve(Rules(objects={"v1/pods": [CRASH]}, logs={"team-a/api-1/app": "allocating\nKilled\n"}))
    kubeconfig = str(write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a"))
    one = run("pod", "api-1", "-n", "team-a", "--kubeconfig", kubeconfig, "-o", "json", "--now", NOW)
    paths = [
        "/version",
        "/api/v1/namespaces/team-a/pods/api-1",
        "/api/v1/namespaces/team-a/events?fieldSelector=involvedObject.kind=Pod,involvedObject.name=api-1",
        "/api/v1/nodes/worker-2",
        "/api/v1/events?fieldSelector=involvedObject.kind=Node,involvedObject.name=worker-2",
        "/api/v1/namespaces/team-a/services",
        "/api/v1/namespaces/team-a/secrets",
        "/api/v1/namespaces/team-a/pods/api-1/log?container=app&previous=true&tailLines=200&limitBytes=65536",
    ]
    assert sorted(_paths(api)) == sorted(paths)
    assert set(api.methods) == {"GET"}
    full = run("scan", "-n", "team-a", "--kubeconfig", kubeconfig, "-o", "json", "--now", NOW)
    mine = next(s for s in one.report["subjects"] if s["name"] == "api-1")
    theirs = next(s for s in full.report["subjects"] if s["name"] == "api-1")
    assert (one.code, mine) == (full.code, theirs)
    assert mine["findings"][0]["code"] == "crash.oom-killed"
    assert one.notes == ["read only what this pod's diagnosis needs (8 requests: the pod, its events, node and the "
                         "node's events, owners, the namespace's Services and Secrets, previous logs); other pods are "
                         "in `podwhy scan`"]
