"""Support bundles and must-gathers (issue 13, item 5): the trees people hand over are read as they are.

Trees are built the way the tools write them (tests/bundlegen.py; src/podwhy/snapshot/sources/bundles.py
names the upstream sources): troubleshoot.sh's `cluster-resources/` JSON from typed client-go lists, kind-less
arrays (<= v0.28.0) or lists with kinds (>= v0.28.1); `oc adm inspect` / must-gather YAML, with every pod also in
its own file.
Each case runs the CLI in-process and asserts the exit code, the first finding per subject and the notes.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

import bundlegen
from bundlegen import typed as _typed
from bundlegen import write as _write
from bundlegen import yaml_list as _yaml_list

from helpers import run_cli

NOW = ["--now", "2026-11-20T10:00:00Z"]
IMAGE = "registry.example.com/shop/web:2.0."

# ------------------------------------------------------------------------ the cluster, as the API serves it
# Typed client-go objects carry no kind/apiVersion (TypeMeta is empty): troubleshoot <= v0.28.0 writes them so.


def _node(name: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "uid": f"{name}-uid", "labels": {"kubernetes.io/hostname": name}},
            "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"},
                       "capacity": {"cpu": "2", "memory": "4Gi", "pods": "110"},
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def _meta(name: str, ns: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "namespace": ns, "uid": f"{name}-uid", "resourceVersion": "100",
            "creationTimestamp": "2026-11-20T09:00:00Z", **extra}


PULL_POD = {
    "metadata": _meta("web-1", "shop"),
    "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": IMAGE}]},
    "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "True"}],
               "containerStatuses": [{"name": "app", "image": IMAGE, "ready": False, "restartCount": 0,
                                      "state": {"waiting": {"reason": "ImagePullBackOff",
                                                            "message": f'Back-off pulling image "{IMAGE}"'}}}]},
}
PENDING_POD = {
    "metadata": _meta("report-1", "batch"),
    "spec": {"containers": [{"name": "main", "image": "busybox:1.36",
                             "resources": {"requests": {"cpu": "8"}}}]},
    "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
                                                   "reason": "Unschedulable"}]},
}
DEPLOYMENT = {
    "metadata": _meta("api", "shop"),
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "api"}},
             "template": {"metadata": {"labels": {"app": "api"}},
                          "spec": {"containers": [{"name": "api", "image": "nginx:1.27"}]}}},
    "status": {"replicas": 0, "unavailableReplicas": 2,
               "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"}]},
}
REPLICASET = {
    "metadata": _meta("api-5d8f", "shop", ownerReferences=[
        {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api", "uid": "api-uid", "controller": True}]),
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "api"}},
             "template": {"metadata": {"labels": {"app": "api"}},
                          "spec": {"containers": [{"name": "api", "image": "nginx:1.27"}]}}},
    "status": {"replicas": 0, "conditions": [{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate"}]},
}


def _event(n: int, ns: str, kind: str, name: str, reason: str, message: str, component: str,
           **extra: Any) -> dict[str, Any]:
    return {"metadata": {"name": f"{name}.{n}", "namespace": ns, "uid": f"ev-{n}"},
            "involvedObject": {"kind": kind, "name": name, "namespace": ns, "uid": f"{name}-uid", **extra},
            "reason": reason, "message": message, "type": "Warning", "source": {"component": component},
            "count": 3, "firstTimestamp": "2026-11-20T09:50:00Z", "lastTimestamp": "2026-11-20T09:59:00Z"}


SHOP_EVENTS = [
    _event(1, "shop", "Pod", "web-1", "Failed",
           f'Failed to pull image "{IMAGE}": rpc error: code = NotFound desc = failed to pull and unpack image '
           f'"{IMAGE}": failed to resolve reference "{IMAGE}": {IMAGE}: not found', "kubelet",
           fieldPath="spec.containers{app}"),
    _event(2, "shop", "ReplicaSet", "api-5d8f", "FailedCreate",
           'Error creating: pods "api-5d8f-x2x7q" is forbidden: exceeded quota: compute, requested: '
           'requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2', "replicaset-controller"),
]
BATCH_EVENTS = [
    _event(3, "batch", "Pod", "report-1", "FailedScheduling",
           "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: "
           "2 No preemption victims found for incoming pod.", "default-scheduler"),
]
NAMESPACES = [{"metadata": {"name": ns, "uid": f"{ns}-uid"}, "status": {"phase": "Active"}}
              for ns in ("batch", "shop")]
NODES = [_node("node-1"), _node("node-2")]

# What every tree below holds, diagnosed: (subject, first finding's code).
EXPECTED = [
    ("Pod/batch/report-1", "sched.insufficient-resources"),
    ("Pod/shop/web-1", "image.tag-not-found"),
    ("ReplicaSet/shop/api-5d8f", "create.quota-exceeded"),
]

# The cluster as typed objects, for the writers of tests/bundlegen.py.
OBJECTS = [*(_typed("Node", n) for n in NODES), *(_typed("Namespace", n) for n in NAMESPACES),
           _typed("Pod", PULL_POD), _typed("Pod", PENDING_POD), _typed("Deployment", DEPLOYMENT),
           _typed("ReplicaSet", REPLICASET), *(_typed("Event", e) for e in SHOP_EVENTS + BATCH_EVENTS)]
SERVICES = [_typed("Service", {"metadata": _meta("svc", ns)}) for ns in ("shop", "batch")]


# ------------------------------------------------------------------------ troubleshoot.sh support bundle
def troubleshoot_bundle(root: Path, shape: str) -> Path:
    """`support-bundle-<time>/` as `tar xzf support-bundle-*.tar.gz` leaves it (bundlegen.troubleshoot_bundle),
    with a pull secret's registry map, a pod's logs and an errors file about a kind podwhy does not read."""
    b = bundlegen.troubleshoot_bundle(root, OBJECTS + SERVICES, shape,
                                      kinds=("Pod", "Event", "Service", "Deployment", "ReplicaSet"))
    cr = b / "cluster-resources"
    _write(cr / "image-pull-secrets" / "shop" / "regcred.json", json.dumps({"registry.example.com": "robot"}))
    # logs of unhealthy pods, and an errors file for a kind podwhy does not read: neither is an object
    _write(cr / "pods" / "logs" / "shop" / "web-1" / "app.log", "")
    _write(cr / "ingress-errors.json", json.dumps({"kube-system": "ingresses.networking.k8s.io is forbidden"}))
    return b


# ------------------------------------------------------------------------ must-gather / oc adm inspect
def must_gather(root: Path) -> Path:
    """`must-gather.local.<n>/<image dir>/` as `oc adm must-gather` leaves it (bundlegen.must_gather)."""
    return bundlegen.must_gather(root, OBJECTS, kinds=("Pod", "Event"), event_list="List")


# ------------------------------------------------------------------------ cases
@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], Path]  # writes the tree under tmp_path, returns the path to pass to --from
    code: int = 1
    subjects: list[tuple[str, str]] = field(default_factory=lambda: EXPECTED)
    notes: list[str] = field(default_factory=list)  # "{root}" is the path given to --from
    args: tuple[str, ...] = ("scan",)


def _ts_notes(root: str) -> list[str]:
    cr = f"{root}/cluster-resources"
    return [
        f"skipped 7 files that are not Kubernetes objects: {root}/analysis.json, "
        f"{root}/cluster-info/cluster_version.json, {cr}/groups.json and 4 more",
        "not read (kinds podwhy does not use): SupportBundle (1)",
    ]


CASES = [
    Case("troubleshoot-bundle-v0.28-kindless-arrays", lambda t: troubleshoot_bundle(t, "array"),
         notes=_ts_notes("{root}")),
    Case("troubleshoot-bundle-typed-lists-with-kinds", lambda t: troubleshoot_bundle(t, "typed"),
         notes=_ts_notes("{root}")),
    Case("troubleshoot-bundle-from-the-extraction-directory", lambda t: troubleshoot_bundle(t, "array").parent,
         notes=_ts_notes("{root}/support-bundle-2026-11-20T10_00_00")),
    Case("troubleshoot-cluster-resources-directory-alone",
         lambda t: troubleshoot_bundle(t, "array") / "cluster-resources",
         notes=["skipped 5 files that are not Kubernetes objects: {root}/groups.json, {root}/resources.json, "
                "{root}/auth-cani-list/batch.json and 2 more"]),
    Case("troubleshoot-one-pod", lambda t: troubleshoot_bundle(t, "array"), args=("pod", "web-1"),
         subjects=[("Pod/shop/web-1", "image.tag-not-found")], notes=_ts_notes("{root}")),
    Case("must-gather-pods-twice-are-read-once", must_gather,
         notes=["skipped 1 file that is not a Kubernetes object: {root}/quay-io-openshift-release-dev-ocp-v4-0-art-"
                "dev-sha256-0123abcd/etcd_info/endpoint_health.json"]),
    Case("must-gather-one-namespace-inspected",
         lambda t: must_gather(t) / "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123abcd" / "namespaces"
         / "batch", subjects=[("Pod/batch/report-1", "sched.insufficient-resources")]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bundle_trees_are_diagnosed(tmp_path: Path, case: Case) -> None:
    root = case.build(tmp_path)
    args = [*case.args]
    code, out, err = run_cli(*args, "--from", str(root), "-o", "json", *NOW)
    assert err == "", err
    report = json.loads(out)
    got = [(s["ref"], s["findings"][0]["code"]) for s in report["subjects"]]
    assert (code, got, _input_notes(report)) == (case.code, case.subjects, [n.format(root=root) for n in case.notes])


def _input_notes(report: dict[str, Any]) -> list[str]:
    """The notes about reading the input; diagnose's own list of kinds absent from it is not this test's topic."""
    return [n for n in report["notes"] if not n.startswith("not in the input, so unknown")]


# ------------------------------------------------------------------------ other files in a directory
POD_YAML = yaml.safe_dump(_typed("Pod", PULL_POD))
POD_EVENTS_YAML = _yaml_list("Event", SHOP_EVENTS[:1])


def _plain_dir(t: Path, **others: bytes | str) -> Path:
    """`kubectl get pods,events -o yaml` output in a directory, with other files next to it."""
    d = t / "handed-over"
    _write(d / "pods.yaml", POD_YAML)
    _write(d / "events.yaml", POD_EVENTS_YAML)
    for name, data in others.items():
        _write(d / name.replace("__", "/"), data)
    return d


def _bundle_with(t: Path, rel: str, data: bytes | str, shape: str = "array") -> Path:
    b = troubleshoot_bundle(t, shape)
    _write(b / rel, data)
    return b


def _mg_pod_only_in_its_own_file(t: Path) -> Path:
    """A pod created between the two lists inspect takes: in pods/<pod>/<pod>.yaml, not in core/pods.yaml."""
    mg = must_gather(t)
    d = mg / "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123abcd" / "namespaces" / "shop"
    late = {**PULL_POD, "metadata": _meta("web-2", "shop")}
    _write(d / "pods" / "web-2" / "web-2.yaml", yaml.safe_dump(_typed("Pod", late)))
    return mg


def _mg_objects_also_flattened(t: Path) -> Path:
    """`oc adm inspect pod/web-1 node/node-1` into the same tree: resources named on the command line are
    flattened to <group>/<resource>/<name>.yaml (dirPathForInfo); a list of all nodes is there too."""
    mg = must_gather(t)
    img = mg / "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123abcd"
    _write(img / "namespaces" / "shop" / "core" / "pods" / "web-1.yaml", yaml.safe_dump(_typed("Pod", PULL_POD)))
    _write(img / "cluster-scoped-resources" / "core" / "nodes.yaml", _yaml_list("Node", NODES))
    return mg


def _mg_with_elided_secrets(t: Path) -> Path:
    """inspect's secret.go elideSecret: every value becomes "<N> bytes long" (then base64, as Secret data is)."""
    mg = must_gather(t)
    d = mg / "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123abcd" / "namespaces" / "shop" / "core"
    elided = base64.b64encode(b"187 bytes long").decode()
    secret = {"metadata": _meta("regcred", "shop"), "type": "kubernetes.io/dockerconfigjson",
              "data": {".dockerconfigjson": elided}}
    _write(d / "secrets.yaml", yaml.safe_dump({"apiVersion": "v1", "kind": "SecretList", "metadata": {},
                                               "items": [{"kind": "Secret", "apiVersion": "v1", **secret}]}))
    return mg


def _custom_resources_with_yaml_links(t: Path) -> Path:
    """crs(): a bare array of objects with kinds per CRD (per namespace when namespaced), each with a `.yaml`
    symlink to it (backward compatibility), and custom-resources/custom-resources-errors.json."""
    b = troubleshoot_bundle(t, "typed")
    d = b / "cluster-resources" / "custom-resources"
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "shop"}}
    gadget = {"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "g"}}
    _write(d / "widgets.example.com" / "shop.json", json.dumps([widget, {**widget, "metadata": {"name": "w2"}}]))
    (d / "widgets.example.com" / "shop.yaml").symlink_to("shop.json")
    _write(d / "gadgets.example.com.json", json.dumps([gadget]))
    (d / "gadgets.example.com.yaml").symlink_to("gadgets.example.com.json")
    _write(d / "custom-resources-errors.json", json.dumps({"things.example.com": "forbidden"}))
    return b


BAD_ITEM = [PULL_POD, {"metadata": {"name": "web-9", "namespace": "shop"}, "spec": {"containers": "oops"}}]

MORE_CASES = [
    Case("a-directory-skips-well-formed-files-that-are-not-kubernetes-objects",
         lambda t: _plain_dir(t, **{"version.json": '{"version": "1.2.3"}', "config.yaml": "log_level: debug\n",
                                    "analysis.json": "[]", "notes__readme.yaml": "just a sentence\n",
                                    "status.json": '{"a": 1}\n{"b": 2}\n', "two.yaml": "a: 1\n---\nb: 2\n"}),
         subjects=[("Pod/shop/web-1", "image.tag-not-found")],
         notes=["skipped 6 files that are not Kubernetes objects: {root}/analysis.json, {root}/config.yaml, "
                "{root}/status.json and 3 more"]),
    Case("one-skipped-file-is-named-in-the-singular",
         lambda t: _plain_dir(t, **{"version.json": '{"version": "1.2.3"}'}),
         subjects=[("Pod/shop/web-1", "image.tag-not-found")],
         notes=["skipped 1 file that is not a Kubernetes object: {root}/version.json"]),
    Case("a-troubleshoot-errors-file-of-a-kind-podwhy-reads-becomes-a-note",
         lambda t: _bundle_with(t, "cluster-resources/events-errors.json",
                                json.dumps({"kube-system": 'events is forbidden: User "sb" cannot list resource'})),
         notes=["{root}/cluster-resources/events-errors.json: the support bundle could not collect every Event: "
                'kube-system: events is forbidden: User "sb" cannot list resource', *_ts_notes("{root}")]),
    Case("a-bad-item-of-a-kindless-troubleshoot-array-is-skipped-with-a-note",
         lambda t: _bundle_with(t, "cluster-resources/pods/shop.json", json.dumps(BAD_ITEM)),
         notes=["{root}/cluster-resources/pods/shop.json: skipped a Pod at $[1].spec.containers: "
                "Expected `array`, got `str`", *_ts_notes("{root}")]),
    Case("an-empty-troubleshoot-list-file-holds-nothing",  # what troubleshoot writes when the list call failed
         lambda t: _bundle_with(t, "cluster-resources/nodes.json", ""),
         notes=_ts_notes("{root}")),
    Case("a-troubleshoot-list-file-named-explicitly-is-read-by-its-path",
         lambda t: troubleshoot_bundle(t, "array") / "cluster-resources" / "pods" / "shop.json",
         subjects=[("Pod/shop/web-1", "image.tag-not-found")]),
    Case("custom-resources-yaml-symlinks-are-read-once", _custom_resources_with_yaml_links,
         notes=[*_ts_notes("{root}")[:1],
                "not read (kinds podwhy does not use): Gadget (1), SupportBundle (1), Widget (2)"]),
    Case("must-gather-objects-also-flattened-are-read-once", _mg_objects_also_flattened, notes=CASES[5].notes),
    Case("must-gather-secrets-with-elided-values-are-not-read", _mg_with_elided_secrets,
         notes=[*CASES[5].notes, "Secrets not read: a must-gather replaces their values with their lengths ({root}/"
                "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123abcd/namespaces/shop/core/secrets.yaml)"]),
    Case("must-gather-a-pod-only-in-its-own-file-is-read", _mg_pod_only_in_its_own_file,
         subjects=[*EXPECTED[:2], ("Pod/shop/web-2", "image.tag-not-found"), EXPECTED[2]],
         notes=CASES[5].notes),
]


@pytest.mark.parametrize("case", MORE_CASES, ids=[c.id for c in MORE_CASES])
def test_other_files_in_a_directory(tmp_path: Path, case: Case) -> None:
    test_bundle_trees_are_diagnosed(tmp_path, case)


@dataclass(frozen=True)
class Refused:
    id: str
    build: Callable[[Path], Path]
    error: str  # stderr, "{root}" the path given to --from; a trailing "…" means "starts with"


REFUSED = [
    Refused("a-non-kubernetes-file-named-explicitly-is-an-error",
            lambda t: _plain_dir(t, **{"version.json": '{"version": "1.2.3"}'}) / "version.json",
            "podwhy: {root} at $.kind: not a Kubernetes object: no `kind`\n"),
    Refused("a-json-array-named-explicitly-is-an-error",
            lambda t: troubleshoot_bundle(t, "array") / "analysis.json",
            "podwhy: {root}: a JSON array is not a Kubernetes object (expected an object or a List)\n"),
    Refused("broken-json-in-a-directory-is-an-error-naming-the-file",
            lambda t: _plain_dir(t, **{"nodes.json": '{"kind": "NodeList", "apiVersion": "v1", "items": [{"met'}),
            "podwhy: {root}/nodes.json: malformed JSON: …"),
    Refused("broken-yaml-in-a-directory-is-an-error-naming-the-file",
            lambda t: _plain_dir(t, **{"more.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [web\n"}),
            "podwhy: {root}/more.yaml (document 0) at line 5 column 1: invalid YAML: …"),
    Refused("a-broken-troubleshoot-list-is-an-error-naming-the-file",
            lambda t: _bundle_with(t, "cluster-resources/pods/shop.json", '[{"metadata": {"name": "web-1"'),
            "podwhy: {root}/cluster-resources/pods/shop.json: malformed JSON: …"),
    Refused("a-file-mixing-kubernetes-objects-and-other-documents-is-an-error",
            lambda t: _plain_dir(t, **{"mixed.yaml": POD_YAML + "---\nlog_level: debug\n"}),
            "podwhy: {root}/mixed.yaml (document 1) at kind: not a Kubernetes object (got a mapping without "
            "`kind`)\n"),
    Refused("a-directory-of-only-other-files-has-nothing-to-diagnose",
            lambda t: _write_only(t / "d", {"version.json": '{"v": 1}', "a.yaml": "x: 1\n"}),
            "podwhy: no usable Kubernetes objects in {root} (skipped 2 files that are not Kubernetes objects: "
            "{root}/a.yaml, {root}/version.json): nothing to diagnose\n"),
]


def _write_only(d: Path, files: dict[str, str]) -> Path:
    for name, data in files.items():
        _write(d / name, data)
    return d


@pytest.mark.parametrize("case", REFUSED, ids=[c.id for c in REFUSED])
def test_what_cannot_be_read_exits_2_naming_the_file(tmp_path: Path, case: Refused) -> None:
    root = case.build(tmp_path)
    code, out, err = run_cli("scan", "--from", str(root), *NOW)
    want = case.error.format(root=root)
    assert (code, out, err[: len(want) - 1] + "…" if want.endswith("…") else err) == (2, "", want)
    assert "Traceback" not in err
