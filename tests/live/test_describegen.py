"""tests/describegen.py: what every kubectl release prints for `kubectl describe` of the objects a test gives.

Each case is a small cluster, mostly the recorded 1.31 cluster's own objects (tests/live/recorded) with
what makes the case (a cordoned node, a FailedCreate event...), and what the describe output of every
release must show. The fake API server must answer every request a describer makes: a request it
answered wrongly shows as a missing section or an empty Events table (kubectl describe ignores a failed
events list). With PODWHY_DESCRIBE_SAMPLES=<dir>, one output per kind and release is saved as
<dir>/<release>/<kind>.txt, for reading.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from describegen import KUBECTLS, describe

from .apiserver import RECORDED, FakeAPIServer, Pki, Rules, Seen, _selected, write_kubeconfig

RELEASES = list(KUBECTLS)
Objects = list[dict[str, Any]]


def recorded_cluster() -> Objects:
    """Every recorded object, with the kind and apiVersion a list leaves out of its items."""
    out = []
    for path in sorted(RECORDED.rglob("*.json")):
        doc = json.loads(path.read_text())
        if doc.get("kind", "").endswith("List") and "items" in doc:
            out += [{"kind": doc["kind"][:-4], "apiVersion": doc["apiVersion"], **i} for i in doc["items"]]
    return [o for o in out if o["apiVersion"] != "events.k8s.io/v1"]


def find(objects: Objects, kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def event(kind: str, ns: str | None, name: str, reason: str, message: str, *, count: int, first: str, last: str,
          component: str, type_: str = "Warning") -> dict[str, Any]:
    """A core/v1 Event as the event recorder writes it (involvedObject.uid filled in by describegen)."""
    return {"kind": "Event", "apiVersion": "v1",
            "metadata": {"namespace": ns or "default", "creationTimestamp": first},
            "involvedObject": {"kind": kind, "name": name, "namespace": ns or "",
                               "apiVersion": "apps/v1" if kind in ("ReplicaSet", "Deployment") else "v1"},
            "reason": reason, "message": message, "type": type_, "source": {"component": component},
            "count": count, "firstTimestamp": first, "lastTimestamp": last}


def pod_on(name: str, node: str, phase: str) -> dict[str, Any]:
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": name, "namespace": "team-b", "creationTimestamp": "2026-11-19T08:00:00Z"},
            "spec": {"nodeName": node, "containers": [{"name": "job", "image": "busybox:1.36"}]},
            "status": {"phase": phase}}


# ---- the clusters of the cases ---------------------------------------------------------------------
def cordoned_node() -> Objects:
    """worker-1 after `kubectl cordon` and a NoExecute taint, with a finished and a failed pod on it."""
    objs = recorded_cluster()
    node = find(objs, "Node", "worker-1")
    node["spec"]["unschedulable"] = True
    node["spec"]["taints"] = [
        {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": "2026-11-20T09:40:00Z"},
        {"key": "dedicated", "value": "gpu", "effect": "NoExecute"},
    ]
    objs += [pod_on("done-1", "worker-1", "Succeeded"), pod_on("crashed-1", "worker-1", "Failed"),
             event("Node", None, "worker-1", "NodeNotSchedulable",
                   "Node worker-1 status is now: NodeNotSchedulable",
                   count=1, first="2026-11-20T09:40:00Z", last="2026-11-20T09:40:00Z", component="kubelet",
                   type_="Normal")]
    return objs


def node_with_lease() -> Objects:
    return [*cordoned_node(), {
        "kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
        "metadata": {"name": "worker-1", "namespace": "kube-node-lease",
                     "creationTimestamp": "2026-11-01T07:02:11Z"},
        "spec": {"holderIdentity": "worker-1", "leaseDurationSeconds": 40,
                 "renewTime": "2026-11-20T09:55:30.000000Z"}}]


def failing_replicaset() -> Objects:
    """web-6f7c9d5b8 hitting its quota; its selector gains a notin, and a pod it must not count (tier=db)."""
    objs = recorded_cluster()
    rs = find(objs, "ReplicaSet", "web-6f7c9d5b8")
    rs["spec"]["selector"]["matchExpressions"] = [{"key": "tier", "operator": "NotIn", "values": ["db", "cache"]}]
    decoy = json.loads(json.dumps(find(objs, "Pod", "web-6f7c9d5b8-k7m2d")))
    decoy["metadata"].update(name="web-6f7c9d5b8-db001", uid="0d0d0d0d-0000-4000-8000-000000000001")
    decoy["metadata"]["labels"]["tier"] = "db"
    objs += [decoy, event("ReplicaSet", "team-a", "web-6f7c9d5b8", "FailedCreate",
                          'Error creating: pods "web-6f7c9d5b8-4xk2p" is forbidden: exceeded quota: compute, '
                          "requested: requests.cpu=1, used: requests.cpu=4, limited: requests.cpu=4",
                          count=7, first="2026-11-20T09:31:06Z", last="2026-11-20T09:52:00Z",
                          component="replicaset-controller")]
    return objs


def pending_claim() -> Objects:
    objs = recorded_cluster()
    objs += [
        {"kind": "PersistentVolumeClaim", "apiVersion": "v1",
         "metadata": {"name": "data-db-0", "namespace": "team-a", "creationTimestamp": "2026-11-20T09:30:00Z",
                      "finalizers": ["kubernetes.io/pvc-protection"]},
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}},
                  "storageClassName": "fast-ssd", "volumeMode": "Filesystem"},
         "status": {"phase": "Pending"}},
        {"kind": "Pod", "apiVersion": "v1",
         "metadata": {"name": "db-0", "namespace": "team-a", "creationTimestamp": "2026-11-20T09:30:00Z"},
         "spec": {"containers": [{"name": "db", "image": "postgres:16"}],
                  "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}}]},
         "status": {"phase": "Pending"}},
        event("PersistentVolumeClaim", "team-a", "data-db-0", "ProvisioningFailed",
              'storageclass.storage.k8s.io "fast-ssd" not found', count=3, first="2026-11-20T09:30:00Z",
              last="2026-11-20T09:50:00Z", component="persistentvolume-controller"),
    ]
    return objs


def stuck_deployment() -> Objects:
    """web: unavailable, still progressing; its selector gains a `!legacy` its ReplicaSet must still match."""
    objs = recorded_cluster()
    dep = find(objs, "Deployment", "web")
    dep["spec"]["selector"]["matchExpressions"] = [{"key": "legacy", "operator": "DoesNotExist"}]
    dep["status"]["conditions"].append(
        {"type": "Progressing", "status": "True", "lastUpdateTime": "2026-11-20T09:31:07Z",
         "lastTransitionTime": "2026-11-03T12:45:00Z", "reason": "ReplicaSetUpdated",
         "message": 'ReplicaSet "web-6f7c9d5b8" is progressing.'})
    objs.append(event("Deployment", "team-a", "web", "ScalingReplicaSet",
                      "Scaled up replica set web-6f7c9d5b8 to 2",
                      count=1, first="2026-11-20T09:31:06Z", last="2026-11-20T09:31:06Z",
                      component="deployment-controller", type_="Normal"))
    return objs


def service_account() -> Objects:
    objs = recorded_cluster()
    sa = next(o for o in objs if o["kind"] == "ServiceAccount" and o["metadata"]["namespace"] == "team-b")
    sa["imagePullSecrets"] = [{"name": "regcred"}]
    sa["secrets"] = [{"name": "default-token-7xq2k"}]
    objs.append({"kind": "Secret", "apiVersion": "v1", "type": "kubernetes.io/service-account-token",
                 "metadata": {"name": "default-token-7xq2k", "namespace": "team-b",
                              "annotations": {"kubernetes.io/service-account.name": "default",
                                              "kubernetes.io/service-account.uid": sa["metadata"]["uid"]}},
                 "data": {"token": "dG9rZW4=", "namespace": "dGVhbS1i"}})
    return objs


def bound_volume() -> Objects:
    return [*recorded_cluster(), {
        "kind": "PersistentVolume", "apiVersion": "v1",
        "metadata": {"name": "pvc-4f1c", "creationTimestamp": "2026-11-02T10:00:00Z",
                     "annotations": {"pv.kubernetes.io/provisioned-by": "rancher.io/local-path"}},
        "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "standard",
                 "persistentVolumeReclaimPolicy": "Delete", "hostPath": {"path": "/var/local-path/pvc-4f1c"},
                 "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "team-a", "name": "cache"}},
        "status": {"phase": "Bound"}}]


@dataclass(frozen=True)
class Case:
    name: str
    sample: str | None  # the kind's file name among the saved samples
    objects: Callable[[], Objects]
    asked: list[tuple[str, str | None, str]]
    shows: tuple[str, ...]  # regular expressions (multi-line) every release's output matches
    hides: tuple[str, ...] = ()  # texts no release's output contains
    per_release: dict[str, tuple[str, ...]] = field(default_factory=dict)  # more patterns, by release


def _worker_1_pods() -> int:
    """Pods kubectl describe node counts as non-terminated on worker-1: not Succeeded, not Failed."""
    return sum(1 for o in cordoned_node() if o["kind"] == "Pod" and o["spec"].get("nodeName") == "worker-1"
               and o["status"]["phase"] not in ("Succeeded", "Failed"))


CASES = [
    Case("a pod's events, with counts", "pod", recorded_cluster, [("pod", "team-a", "web-6f7c9d5b8-x2x9q")], (
        r"^Status:\s+Pending$",
        r"^      Reason:\s+ImagePullBackOff$",
        r"^Events:\n  Type\s+Reason\s+Age\s+From\s+Message\n  ----\s+------\s+----\s+----\s+-------\n",
        r'^  Warning\s+Failed\s+\d+d \(x6 over \d+d\)\s+kubelet\s+Failed to pull image '
        r'"registry.example.com/team-a/web:1.4.3": rpc error: code = NotFound',
        r"^  Normal\s+BackOff\s+\d+d \(x71 over \d+d\)\s+kubelet\s+Back-off pulling image",
    )),
    Case("a cordoned, tainted node", "node", cordoned_node, [("node", None, "worker-1")], (
        r"^Taints:\s+dedicated=gpu:NoExecute\n\s+node.kubernetes.io/unschedulable:NoSchedule$",
        r"^Unschedulable:\s+true$",
        r"^Lease:\s+Failed to get lease: leases \"worker-1\" not found$",
        r"^Conditions:\n  Type\s+Status\s+LastHeartbeatTime\s+LastTransitionTime\s+Reason\s+Message\n",
        r"^  Ready\s+True\s+Fri, 20 Nov 2026 09:55:02 \+0000\s+Sun, 01 Nov 2026 07:02:34 \+0000\s+KubeletReady\s+"
        r"kubelet is posting ready status$",
        r"^Allocatable:\n  cpu:\s+4\n  ephemeral-storage:\s+102626232Ki\n",
        rf"^Non-terminated Pods:\s+\({_worker_1_pods()} in total\)$",
        r"^  team-b\s+batch-28391540-zv4l2\s+",
        r"^  Normal\s+NodeNotSchedulable\s+\d+d\s+kubelet\s+Node worker-1 status is now: NodeNotSchedulable$",
    ), hides=("done-1", "crashed-1"), per_release={
        "1.20": (r"^  Namespace\s+Name\s+CPU Requests\s+CPU Limits\s+Memory Requests\s+Memory Limits\s+AGE$",),
        "1.34": (r"^  Namespace\s+Name\s+CPU Requests\s+CPU Limits\s+Memory Requests\s+Memory Limits\s+Age$",),
    }),
    Case("a node's lease", None, node_with_lease, [("node", None, "worker-1")], (
        r"^Lease:\n  HolderIdentity:\s+worker-1\n  AcquireTime:\s+<unset>\n"
        r"  RenewTime:\s+Fri, 20 Nov 2026 09:55:30 \+0000$",
    )),
    Case("a ReplicaSet's FailedCreate", "replicaset", failing_replicaset,
         [("replicaset", "team-a", "web-6f7c9d5b8")], (
        r"^Selector:\s+app=web,pod-template-hash=6f7c9d5b8,tier notin \(cache,db\)$",
        r"^Controlled By:\s+Deployment/web$",
        r"^Pods Status:\s+0 Running / 2 Waiting / 0 Succeeded / 0 Failed$",
        r'^  Warning\s+FailedCreate\s+\d+d \(x7 over \d+d\)\s+replicaset-controller\s+Error creating: pods '
        r'"web-6f7c9d5b8-4xk2p" is forbidden: exceeded quota: compute,',
    )),
    Case("a pending claim", "pvc", pending_claim, [("pvc", "team-a", "data-db-0")], (
        r"^StorageClass:\s+fast-ssd$",
        r"^Status:\s+Pending$",
        r"^Used By:\s+db-0$",
        r'^  Warning\s+ProvisioningFailed\s+\d+d \(x3 over \d+d\)\s+persistentvolume-controller\s+'
        r'storageclass.storage.k8s.io "fast-ssd" not found$',
    )),
    Case("a Deployment's conditions", "deployment", stuck_deployment, [("deployment", "team-a", "web")], (
        r"^Selector:\s+app=web,!legacy$",
        r"^Replicas:\s+2 desired \| 2 updated \| 2 total \| 0 available \| 2 unavailable$",
        r"^Conditions:\n  Type\s+Status\s+Reason\n  ----\s+------\s+------\n"
        r"  Available\s+False\s+MinimumReplicasUnavailable\n  Progressing\s+True\s+ReplicaSetUpdated$",
        r"^NewReplicaSet:\s+web-6f7c9d5b8 \(2/2 replicas created\)$",
        r"^  Normal\s+ScalingReplicaSet\s+\d+d\s+deployment-controller\s+"
        r"Scaled up replica set web-6f7c9d5b8 to 2$",
    )),
    Case("a pull secret", "secret", recorded_cluster, [("secret", "team-b", "regcred")], (
        r"^Type:\s+kubernetes.io/dockerconfigjson$",
        r"^Data\n====\n\.dockerconfigjson:\s+\d+ bytes$",
    )),
    Case("a service account's secrets", "serviceaccount", service_account,
         [("serviceaccount", "team-b", "default")], (
        r"^Image pull secrets:\s+regcred$",
        r"^Mountable secrets:\s+default-token-7xq2k$",
        r"^Tokens:\s+default-token-7xq2k$",
    )),
    Case("a bound volume", "pv", bound_volume, [("pv", None, "pvc-4f1c")], (
        r"^StorageClass:\s+standard$",
        r"^Status:\s+Bound$",
        r"^Claim:\s+team-a/cache$",
    )),
    Case("a default storage class", "storageclass", recorded_cluster, [("storageclass", None, "standard")], (
        r"^IsDefaultClass:\s+Yes$",
        r"^Provisioner:\s+rancher.io/local-path$",
        r"^VolumeBindingMode:\s+WaitForFirstConsumer$",
    )),
]


def _save_sample(release: str, kind: str, text: str) -> None:
    base = os.environ.get("PODWHY_DESCRIBE_SAMPLES")
    if base:
        path = Path(base) / release / f"{kind}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_describe_shows(case: Case, release: str, tmp_path: Path) -> None:
    text = describe(case.objects(), case.asked, release, tmp_path)
    if case.sample:
        _save_sample(release, case.sample, text)
    for pattern in (*case.shows, *case.per_release.get(release, ())):
        assert re.search(pattern, text, re.M), f"kubectl {release}: no match for {pattern!r} in\n{text}"
    for word in case.hides:
        assert word not in text, f"kubectl {release}: {word!r} in\n{text}"


@pytest.mark.parametrize("release", RELEASES)
def test_several_objects_are_joined_as_kubectl_joins_them(release: str, tmp_path: Path, pki: Pki) -> None:
    """describe() of the team-a pods prints exactly what `kubectl describe pods -n team-a` prints."""
    objs = recorded_cluster()
    team_a = sorted(o["metadata"]["name"] for o in objs
                    if o["kind"] == "Pod" and o["metadata"]["namespace"] == "team-a")
    text = describe(objs, [("pod", "team-a", n) for n in team_a], release, tmp_path)
    assert text.count("\n\n\nName:") == len(team_a) - 1
    with FakeAPIServer(Rules(), tls=pki) as api:  # the recording itself: the same pods and events
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, ca=pki.ca)
        done = subprocess.run([KUBECTLS[release], "--kubeconfig", str(kubeconfig), "--cache-dir",
                               str(tmp_path / "cache"), "describe", "pods", "-n", "team-a"],
                              capture_output=True, text=True, timeout=120, check=False,
                              env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert text == done.stdout


def test_many_events_are_all_listed_across_pages(tmp_path: Path) -> None:
    """520 events of one pod: kubectl >= 1.24 lists them 500 a page (--chunk-size), 1.20 in one list."""
    objs = recorded_cluster()
    at = [f"2026-11-20T0{i // 60}:{i % 60:02d}:00Z" for i in range(520)]  # one a minute from midnight
    objs += [event("Pod", "team-a", "api-7b8c6d5f4-qp9rt", f"Reason{i:03d}", f"message {i}", count=1,
                   first=at[i], last=at[i], component="test") for i in range(520)]
    for release in ("1.20", "1.28"):
        seen: list[Seen] = []
        text = describe(objs, [("pod", "team-a", "api-7b8c6d5f4-qp9rt")], release, tmp_path, requests=seen)
        assert len(re.findall(r"^  Warning\s+Reason\d{3}\s", text, re.M)) == 520
        pages = [s.query for s in seen if s.path == "/api/v1/namespaces/team-a/events"]
        if release == "1.20":
            assert [("limit" in q, "continue" in q) for q in pages] == [(False, False)]
        else:
            assert [(q.get("limit"), "continue" in q) for q in pages] == [("500", False), ("500", True)]


def test_by_default_the_pods_nodes_claims_replicasets_and_deployments_are_described(tmp_path: Path) -> None:
    objs = pending_claim()
    kinds = ("Pod", "Node", "PersistentVolumeClaim", "ReplicaSet", "Deployment")
    text = describe(objs, None, "1.34", tmp_path)
    names = re.findall(r"^Name:\s+(\S+)$", text, re.M)
    assert names == [o["metadata"]["name"] for o in objs if o["kind"] in kinds]


def test_what_the_recorder_sets_is_filled_in(tmp_path: Path) -> None:
    """An Event with neither uid, name, namespace, count nor lastTimestamp, a Pod without namespace nor uid:
    completed as the API server and the event recorder would, so the event is listed."""
    pod = {"kind": "Pod", "apiVersion": "v1",
           "metadata": {"name": "lone", "creationTimestamp": "2026-11-20T09:00:00Z"},
           "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}, "status": {"phase": "Pending"}}
    ev = {"kind": "Event", "apiVersion": "v1", "metadata": {},
          "involvedObject": {"kind": "Pod", "name": "lone", "namespace": "default"},
          "reason": "FailedScheduling", "type": "Warning", "message": "0/3 nodes are available",
          "source": {"component": "default-scheduler"}, "firstTimestamp": "2026-11-20T09:00:00Z"}
    text = describe([pod, ev], None, "1.20", tmp_path)
    assert re.search(r"^Namespace:\s+default$", text, re.M)
    assert re.search(r"^  Warning\s+FailedScheduling\s+\d+d\s+default-scheduler\s+0/3 nodes are available$",
                     text, re.M)


# ---- the requests each describer makes ---------------------------------------------------------------
def _requests(seen: list[Seen]) -> list[tuple[str, frozenset[str], frozenset[str], bool]]:
    """(path, field selector terms, label selector requirements, limit=500 asked) of each request that is not
    discovery, without the GET of the described object itself (the resource builder's and the describer's)."""
    discovery = re.compile(r"^/(version|api|apis|api/v1|apis/[^/]+/[^/]+)$")
    out = []
    for s in seen:
        if discovery.match(s.path):
            continue
        fields = frozenset(filter(None, s.query.get("fieldSelector", "").split(",")))
        labels = frozenset(r.strip() for r in re.split(r",(?![^(]*\))", s.query.get("labelSelector", "")) if r)
        out.append((s.path, fields, labels, s.query.get("limit") == "500"))
    return out


def _events_of(kind: str | None, name: str, ns: str, uid: str) -> frozenset[str]:
    terms = {f"involvedObject.name={name}", f"involvedObject.namespace={ns}", f"involvedObject.uid={uid}"}
    return frozenset(terms | ({f"involvedObject.kind={kind}"} if kind else set()))


NODE_UID = "1c8174a6-ef5a-4d9d-780e-ef9d8d35720d"
RS_UID = "6d5dbac8-0e32-9371-0e40-6b337892660c"
DEP_UID = "cfc2285b-2cae-a71b-2254-3a695db8faae"
POD_UID = "d35b859d-6aa7-5465-63f5-2236ce862081"
NON_TERMINATED = frozenset({"spec.nodeName=worker-1", "status.phase!=Succeeded", "status.phase!=Failed"})


def _expected(what: str, release: str) -> list[tuple[str, frozenset[str], frozenset[str], bool]]:
    """Read off `kubectl -v=8` of each release (k8s.io/kubectl pkg/describe/describe.go of the release): 1.20
    lists without limit and asks a node's events once, by uid = the node's name (what the kubelet writes);
    1.24+ pages with limit=500 and asks them by the node's uid, then by its name, merging both."""
    paged = release != "1.20"
    none: frozenset[str] = frozenset()
    ev = "/api/v1/namespaces/team-a/events"
    if what == "pod":
        # the pod describer blanks the kind of its reference, so events of any kind with the pod's uid show
        return [(ev, _events_of(None, "web-6f7c9d5b8-x2x9q", "team-a", POD_UID), none, paged)]
    if what == "node":
        by_name = ("/api/v1/events", _events_of("Node", "worker-1", "", "worker-1"), none, paged)
        by_uid = ("/api/v1/events", _events_of("Node", "worker-1", "", NODE_UID), none, paged)
        return [("/api/v1/pods", NON_TERMINATED, none, paged), *([by_uid] if paged else []), by_name,
                ("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/worker-1", none, none, False)]
    if what == "replicaset":
        return [("/api/v1/namespaces/team-a/pods", none,
                 frozenset({"app=web", "pod-template-hash=6f7c9d5b8", "tier notin (cache,db)"}), paged),
                (ev, _events_of("ReplicaSet", "web-6f7c9d5b8", "team-a", RS_UID), none, paged)]
    if what == "deployment":
        return [(ev, _events_of("Deployment", "web", "team-a", DEP_UID), none, paged),
                ("/apis/apps/v1/namespaces/team-a/replicasets", none, frozenset({"app=web", "!legacy"}), paged)]
    raise AssertionError(what)


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize(("what", "objects", "asked"), [
    ("pod", recorded_cluster, ("pod", "team-a", "web-6f7c9d5b8-x2x9q")),
    ("node", cordoned_node, ("node", None, "worker-1")),
    ("replicaset", failing_replicaset, ("replicaset", "team-a", "web-6f7c9d5b8")),
    ("deployment", stuck_deployment, ("deployment", "team-a", "web")),
])
def test_each_describer_makes_the_requests_read_off_kubectl(what: str, objects: Callable[[], Objects],
                                                            asked: tuple[str, str | None, str], release: str,
                                                            tmp_path: Path) -> None:
    seen: list[Seen] = []
    describe(objects(), [asked], release, tmp_path, requests=seen)
    got = _requests(seen)
    own = got[0][0]
    assert got[:2] == [(own, frozenset(), frozenset(), False)] * 2  # the builder's GET, then the describer's
    assert got[2:] == _expected(what, release)  # in the describer's order


@pytest.mark.parametrize(("selector", "labels", "selected"), [
    pytest.param("app=web,tier notin (cache,db)", {"app": "web"}, True, id="notin matches a missing key"),
    pytest.param("app=web,tier notin (cache,db)", {"app": "web", "tier": "db"}, False, id="notin excludes"),
    pytest.param("track in (canary,stable)", {"track": "stable"}, True, id="in"),
    pytest.param("track in (canary,stable)", {}, False, id="in needs the key"),
    pytest.param("!legacy", {"app": "web"}, True, id="does not exist"),
    pytest.param("!legacy", {"legacy": "1"}, False, id="does not exist, key present"),
    pytest.param("legacy", {"legacy": ""}, True, id="exists"),
    pytest.param("app!=web", {}, True, id="not equals matches a missing key"),
    pytest.param("app==web", {"app": "web"}, True, id="double equals"),
    pytest.param("gen>2", {"gen": "3"}, True, id="greater than"),
    pytest.param("gen<2", {"gen": "x"}, False, id="less than, not a number"),
])
def test_label_selectors_as_the_api_server_reads_them(selector: str, labels: dict[str, str],
                                                      selected: bool) -> None:
    assert _selected({"metadata": {"labels": labels}}, {"labelSelector": selector}) is selected


@pytest.mark.parametrize(("selector", "obj", "selected"), [
    ("spec.nodeName=worker-1,status.phase!=Succeeded,status.phase!=Failed",
     {"spec": {"nodeName": "worker-1"}, "status": {"phase": "Running"}}, True),
    ("spec.nodeName=worker-1,status.phase!=Succeeded,status.phase!=Failed",
     {"spec": {"nodeName": "worker-1"}, "status": {"phase": "Succeeded"}}, False),
    ("involvedObject.namespace=,involvedObject.uid=worker-1", {"involvedObject": {"uid": "worker-1"}}, True),
    ("involvedObject.name==a\\,b", {"involvedObject": {"name": "a,b"}}, True),
])
def test_field_selectors_as_the_api_server_reads_them(selector: str, obj: dict[str, Any], selected: bool) -> None:
    assert _selected(obj, {"fieldSelector": selector}) is selected


def test_a_missing_kubectl_fails_naming_the_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import describegen

    monkeypatch.setitem(describegen._BINARIES, "1.20", (tmp_path / "kubectl-1.20", describegen.BUILD))
    with pytest.raises(AssertionError, match=r"kubectl 1.20 is missing .*: run `bash scripts/cluster.sh build`"):
        KUBECTLS["1.20"]


def test_the_release_of_each_binary() -> None:
    for release in RELEASES:
        assert KUBECTLS[release]  # checks that `kubectl version --client` says that release
