"""Lay a list of Kubernetes objects (dicts with kind/apiVersion, as `kubectl get -o yaml` prints them) out as
the trees people hand over, the way each tool writes them:

- `troubleshoot_bundle`: a troubleshoot.sh support bundle (replicatedhq/troubleshoot v0.133.0, commit 5bf008f7,
  pkg/collect/cluster_resources.go `Collect`, file names pkg/constants/constants.go CLUSTER_RESOURCES_*).
  Every collected kind is written for every namespace, empty lists too; `<kind>-errors.json` only when
  something failed (pkg/collect/util.go marshalErrors returns nil for no errors, SaveResult skips nil).
  Two list shapes: `array` (<= v0.28.0: `json.MarshalIndent(list.Items)`, typed client-go items, no kind) and
  `typed` (>= v0.28.1, commit 3351c289: the list and every item carry GVKForObject's kind/apiVersion).
  Not collected, so dropped: Secrets (only `image-pull-secrets/<ns>/<secret>.json`, a registry -> username
  map of each dockerconfigjson Secret, function imagePullSecrets), CSINodes, CSIDrivers, RuntimeClasses,
  ReplicationControllers.
- `must_gather`: an OpenShift must-gather with `oc adm inspect ns/<ns>` of the objects' namespaces
  (openshift/oc commit 6b8e30c5 pkg/cli/admin/inspect: namespace.go namespaceResourcesToCollect, util.go
  dirPathForInfo/filenameForInfo, pod.go gatherPodData, secret.go elideSecret) and the cluster-scoped group
  resources of openshift/must-gather commit 16ac27ee collection-scripts/gather (nodes, storageclasses,
  persistentvolumes, csidrivers, csinodes). A namespace's lists are `namespaces/<ns>/<group>/<resource>.yaml`
  for `all` (pods, replicationcontrollers, services, daemonsets, deployments, replicasets, statefulsets, jobs,
  cronjobs) plus configmaps, events, persistentvolumeclaims, poddisruptionbudgets and secrets (values elided);
  not collected, so dropped: ServiceAccounts, ResourceQuotas, LimitRanges, PriorityClasses, RuntimeClasses.
- `cluster_info_dump`: `kubectl cluster-info dump --namespaces <the objects' namespaces> --output-directory`
  (kubernetes/kubectl pkg/cmd/clusterinfo/clusterinfo_dump.go `Run`, commit dee3483a): nodes.json, then per
  namespace events, replication-controllers, services, daemonsets, deployments, replicasets, pods (JSON of the
  typed lists, in Go field order: examples/make_dump.py) and `<pod>/logs.txt`. Nothing else: no Namespaces,
  PVCs, PVs, StorageClasses, Jobs, Secrets, ConfigMaps, ServiceAccounts, quotas or limit ranges.

`KEPT` says which kinds each layout carries, so a test can tell what a layout cannot show; `kept(layout, objs)`
is the objects as that tool would have found them: the kinds it collects, plus what the control plane puts in
every namespace (`namespace_defaults`) and, where it lists namespaces, their Namespace objects.
"""

from __future__ import annotations

import base64
import binascii
import importlib.util
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

Obj = dict[str, Any]

ROOT = Path(__file__).resolve().parents[1]

# kind -> apiVersion of the lists written below (and of items that carry none).
TYPES = {
    "Pod": "v1", "Event": "v1", "Node": "v1", "Namespace": "v1", "Service": "v1", "ServiceAccount": "v1",
    "Secret": "v1", "ConfigMap": "v1", "PersistentVolumeClaim": "v1", "PersistentVolume": "v1",
    "ResourceQuota": "v1", "LimitRange": "v1", "ReplicationController": "v1", "Endpoints": "v1",
    "Deployment": "apps/v1", "ReplicaSet": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1",
    "Job": "batch/v1", "CronJob": "batch/v1", "StorageClass": "storage.k8s.io/v1", "CSINode": "storage.k8s.io/v1",
    "CSIDriver": "storage.k8s.io/v1", "PriorityClass": "scheduling.k8s.io/v1", "RuntimeClass": "node.k8s.io/v1",
    "PodDisruptionBudget": "policy/v1",
}
CLUSTER_SCOPED = frozenset({"Node", "Namespace", "PersistentVolume", "StorageClass", "CSINode", "CSIDriver",
                            "PriorityClass", "RuntimeClass"})

# troubleshoot: kind -> cluster-resources/<file> (cluster-scoped) or cluster-resources/<dir>/<ns>.json.
TS_CLUSTER = {"Node": "nodes.json", "PersistentVolume": "pvs.json", "StorageClass": "storage-classes.json",
              "PriorityClass": "priorityclasses.json", "Namespace": "namespaces.json"}
TS_NAMESPACED = {
    "Pod": "pods", "Event": "events", "Deployment": "deployments", "ReplicaSet": "replicasets",
    "StatefulSet": "statefulsets", "DaemonSet": "daemonsets", "Job": "jobs", "CronJob": "cronjobs",
    "PersistentVolumeClaim": "pvcs", "LimitRange": "limitranges", "ResourceQuota": "resource-quota",
    "ConfigMap": "configmaps", "ServiceAccount": "serviceaccounts", "PodDisruptionBudget": "pod-disruption-budgets",
    "Service": "services",
}
# must-gather: kind -> (group directory, resource) for `oc adm inspect ns/<ns>` and the cluster-scoped groups.
MG_NAMESPACED = {
    "Pod": ("core", "pods"), "ReplicationController": ("core", "replicationcontrollers"),
    "Service": ("core", "services"), "DaemonSet": ("apps", "daemonsets"), "Deployment": ("apps", "deployments"),
    "ReplicaSet": ("apps", "replicasets"), "StatefulSet": ("apps", "statefulsets"), "Job": ("batch", "jobs"),
    "CronJob": ("batch", "cronjobs"), "ConfigMap": ("core", "configmaps"), "Event": ("core", "events"),
    "PersistentVolumeClaim": ("core", "persistentvolumeclaims"),
    "PodDisruptionBudget": ("policy", "poddisruptionbudgets"), "Secret": ("core", "secrets"),
}
MG_CLUSTER = {"Node": ("core", "nodes"), "StorageClass": ("storage.k8s.io", "storageclasses"),
              "PersistentVolume": ("core", "persistentvolumes"), "CSIDriver": ("storage.k8s.io", "csidrivers"),
              "CSINode": ("storage.k8s.io", "csinodes")}
# cluster-info dump: per namespace, in clusterinfo_dump.go's order.
DUMP_LISTS = (("events", "Event"), ("replication-controllers", "ReplicationController"), ("services", "Service"),
              ("daemonsets", "DaemonSet"), ("deployments", "Deployment"), ("replicasets", "ReplicaSet"),
              ("pods", "Pod"))

# The kinds each layout carries (a kind not listed is dropped from the objects, as the tool never collects it).
KEPT: dict[str, frozenset[str]] = {
    "troubleshoot": frozenset(TS_CLUSTER) | frozenset(TS_NAMESPACED),
    # Secrets are written (elided), but podwhy cannot use them: see `must_gather`.
    "must-gather": frozenset(MG_CLUSTER) | frozenset(MG_NAMESPACED) | {"Namespace"},
    "dump": frozenset({"Node"}) | frozenset(k for _, k in DUMP_LISTS),
}


class _Loader(yaml.SafeLoader):
    """Timestamps stay strings, as the API serves them (as podwhy and examples/make_dump.py read YAML)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_documents(text: str) -> list[Obj]:
    """The objects of a multi-document YAML text (`kubectl get -o yaml` output), List items flattened."""
    objs: list[Obj] = []
    for doc in yaml.load_all(text, Loader=_Loader):
        if doc:
            objs.extend(doc["items"] if doc.get("kind") == "List" else [doc])
    return objs


def write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def typed(kind: str, obj: Obj) -> Obj:
    """The object with its kind/apiVersion first (as the API serves it to a dynamic client)."""
    return {"kind": kind, "apiVersion": obj.get("apiVersion") or TYPES[kind],
            **{k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}}


def bare(obj: Obj) -> Obj:
    """A typed client-go object: TypeMeta is empty, so encoding/json writes no kind/apiVersion."""
    return {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}


def namespaces_of(objs: Iterable[Obj]) -> list[str]:
    names = {o["metadata"]["namespace"] for o in objs if o.get("kind") not in CLUSTER_SCOPED
             and o["metadata"].get("namespace")}
    names |= {o["metadata"]["name"] for o in objs if o.get("kind") == "Namespace"}
    return sorted(names)


def namespace_objects(objs: list[Obj]) -> list[Obj]:
    """The Namespace of every namespace the objects live in: the given ones, else what the API server holds
    for a namespace nobody labelled (a tool that lists namespaces always finds them)."""
    given = {o["metadata"]["name"]: o for o in objs if o.get("kind") == "Namespace"}
    return [given.get(ns) or {"apiVersion": "v1", "kind": "Namespace",
                              "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
                              "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
            for ns in namespaces_of(objs)]


def namespace_defaults(objs: list[Obj], kinds: Iterable[str]) -> list[Obj]:
    """What the control plane puts in every namespace, for the kinds a tool collects (and the objects do not
    hold already): the ServiceAccount `default` (kube-controller-manager's serviceaccount-controller) and the
    ConfigMap `kube-root-ca.crt` (its root-ca-cert-publisher). A real bundle lists them in every namespace."""
    have = {(o.get("kind"), o["metadata"].get("namespace"), o["metadata"].get("name")) for o in objs}
    out: list[Obj] = []
    for ns in namespaces_of(objs):
        meta = {"name": "", "namespace": ns, "creationTimestamp": "2026-11-01T00:00:00Z"}
        if "ServiceAccount" in kinds and ("ServiceAccount", ns, "default") not in have:
            out.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {**meta, "name": "default"}})
        if "ConfigMap" in kinds and ("ConfigMap", ns, "kube-root-ca.crt") not in have:
            out.append({"apiVersion": "v1", "kind": "ConfigMap", "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\n"},
                        "metadata": {**meta, "name": "kube-root-ca.crt",
                                     "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be "
                                                     "used to verify the kube-apiserver when using internal endpoints "
                                                     "such as the internal service IP or kubernetes.default.svc. No "
                                                     "other usage is guaranteed across distributions of Kubernetes "
                                                     "clusters."}}})
    return out


def _of(objs: Iterable[Obj], kind: str, ns: str | None = None) -> list[Obj]:
    out = [o for o in objs if o.get("kind") == kind and (ns is None or o["metadata"].get("namespace") == ns)]
    return sorted(out, key=lambda o: o["metadata"].get("name", ""))  # the API server lists by name


# ------------------------------------------------------------------------ troubleshoot.sh support bundle
def ts_list(kind: str, items: list[Obj], shape: str) -> str:
    """pkg/collect/cluster_resources.go: `json.MarshalIndent(list.Items)` up to v0.28.0; from v0.28.1 the list,
    with GVKForObject's kind/apiVersion set on it and on each item."""
    if shape == "array":
        return json.dumps([bare(i) for i in items], indent=2)
    return json.dumps({"kind": f"{kind}List", "apiVersion": TYPES[kind], "metadata": {"resourceVersion": "9"},
                       "items": [typed(kind, i) for i in items]}, indent=2)


def _pull_secret_usernames(secret: Obj) -> dict[str, str] | None:
    """cluster_resources.go imagePullSecrets: {registry: username} of a dockerconfigjson Secret (the last
    registry of its `auths` wins: the map is rewritten per registry into one file)."""
    try:
        cfg = json.loads(base64.b64decode((secret.get("data") or {}).get(".dockerconfigjson", "")))
        out: dict[str, str] = {}
        for registry, entry in (cfg.get("auths") or {}).items():
            out = {registry: base64.b64decode(entry.get("auth", "")).decode().split(":")[0]}
        return out or None
    except (ValueError, binascii.Error, AttributeError):
        return None


def troubleshoot_bundle(root: Path, objs: list[Obj], shape: str, *,
                        kinds: Iterable[str] | None = None) -> Path:
    """`support-bundle-<time>/` as `tar xzf support-bundle-*.tar.gz` leaves it. `kinds`: the kinds whose lists
    are written for every namespace (default: every kind troubleshoot collects)."""
    b = root / "support-bundle-2026-11-20T10_00_00"
    cr = b / "cluster-resources"
    every_ns = set(TS_NAMESPACED if kinds is None else kinds)
    namespaces = namespaces_of(objs)
    write(b / "version.yaml", "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n"
                              "metadata: {name: supportbundle}\nspec: {versionNumber: v0.133.0}\n")
    write(b / "analysis.json", json.dumps([{"name": "node-resources", "isPass": True, "message": "ok"}]))
    write(b / "cluster-info" / "cluster_version.json", json.dumps({"info": {"major": "1", "minor": "31"},
                                                                   "string": "v1.31.2"}))
    for kind, name in TS_CLUSTER.items():
        items = namespace_objects(objs) if kind == "Namespace" else _of(objs, kind)
        if items or kind in ("Node", "Namespace") or kinds is None:
            write(cr / name, ts_list(kind, items, shape))
    for kind, d in TS_NAMESPACED.items():
        for ns in namespaces:
            items = _of(objs, kind, ns)
            if items or kind in every_ns:
                write(cr / d / f"{ns}.json", ts_list(kind, items, shape))
    for ns in namespaces:
        write(cr / "auth-cani-list" / f"{ns}.json", json.dumps([{"verbs": ["get"], "resources": ["pods"]}]))
        for s in _of(objs, "Secret", ns):
            if s.get("type") == "kubernetes.io/dockerconfigjson" and (users := _pull_secret_usernames(s)):
                write(cr / "image-pull-secrets" / ns / f"{s['metadata']['name']}.json", json.dumps(users))
    write(cr / "groups.json", json.dumps([{"name": "apps", "versions": [{"groupVersion": "apps/v1"}]}]))
    write(cr / "resources.json", json.dumps([{"groupVersion": "v1", "resources": [{"name": "pods"}]}]))
    return b


# ------------------------------------------------------------------------ must-gather / oc adm inspect
MG_IMAGE_DIR = "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123abcd"


def yaml_list(kind: str, items: list[Obj], *, event_list: str = "List") -> str:
    """cli-runtime's YAML printer of an UnstructuredList: items keep their kind (keys sorted, as kubectl).
    Events: `event_list="List"` writes them as a generic List (tests/snapshot/test_bundles.py's trees),
    "EventList" as the API server returns the list to inspect's dynamic client (writer.go prints it as is)."""
    if kind == "Event" and event_list == "List":
        return yaml.safe_dump({"apiVersion": "v1", "items": [typed(kind, i) for i in items], "kind": "List",
                               "metadata": {"resourceVersion": ""}})
    return yaml.safe_dump({"apiVersion": TYPES[kind], "items": [typed(kind, i) for i in items],
                           "kind": f"{kind}List", "metadata": {"resourceVersion": "9"}})


def elide_secret(secret: Obj) -> Obj:
    """inspect's secret.go elideSecret: every value becomes "<N> bytes long" (then base64, as Secret data is)."""
    data = {}
    for k, v in (secret.get("data") or {}).items():
        n = len(base64.b64decode(v))
        data[k] = base64.b64encode(f"{n} bytes long".encode()).decode()
    out = {k: v for k, v in secret.items() if k not in ("data", "stringData")}
    if data:
        out["data"] = data
    return out


def must_gather(root: Path, objs: list[Obj], *, kinds: Iterable[str] | None = None,
                event_list: str = "EventList") -> Path:
    """`must-gather.local.<n>/<image dir>/` as `oc adm must-gather` leaves it, with every namespace of the
    objects inspected. `kinds`: the namespaced lists written for every namespace (default: all collected);
    `event_list`: the kind of the events lists (see yaml_list)."""
    mg = root / "must-gather.local.5577006791947779410"
    img = mg / MG_IMAGE_DIR
    every_ns = set(MG_NAMESPACED if kinds is None else kinds)
    write(mg / "event-filter.html", "<html></html>")
    write(mg / "timestamp", "2026-11-20 10:00:00.000 +0000 UTC m=+0.1\n")
    write(img / "version", "openshift/must-gather\n4.21.0\n")
    write(img / "timestamp", "2026-11-20 10:00:00.000 +0000 UTC m=+0.1\n")
    write(img / "etcd_info" / "endpoint_health.json", json.dumps([{"endpoint": "https://10.0.0.1:2379",
                                                                   "health": True}]))
    for kind, (group, resource) in MG_CLUSTER.items():
        for o in _of(objs, kind):
            write(img / "cluster-scoped-resources" / group / resource / f"{o['metadata']['name']}.yaml",
                  yaml.safe_dump(typed(kind, o)))
    for ns_obj in namespace_objects(objs):
        ns = ns_obj["metadata"]["name"]
        d = img / "namespaces" / ns
        write(d / f"{ns}.yaml", yaml.safe_dump(typed("Namespace", ns_obj)))
        for kind, (group, resource) in MG_NAMESPACED.items():
            items = _of(objs, kind, ns)
            if kind == "Secret":
                items = [elide_secret(s) for s in items]
            if items or kind in every_ns:
                write(d / group / f"{resource}.yaml", yaml_list(kind, items, event_list=event_list))
        for pod in _of(objs, "Pod", ns):  # gatherPodData: the pod again, next to its containers' logs
            name = pod["metadata"]["name"]
            write(d / "pods" / name / f"{name}.yaml", yaml.safe_dump(typed("Pod", pod)))
            for c in pod["spec"].get("initContainers", []) + pod["spec"]["containers"]:
                write(d / "pods" / name / c["name"] / c["name"] / "logs" / "current.log", "")
    return mg


# ------------------------------------------------------------------------ kubectl cluster-info dump
@cache
def _make_dump() -> ModuleType:
    """examples/make_dump.py: kubectl's JSON printer (Go field order) and the logs sections."""
    spec = importlib.util.spec_from_file_location("podwhy_examples_make_dump", ROOT / "examples" / "make_dump.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cluster_info_dump(root: Path, objs: list[Obj]) -> Path:
    """`kubectl cluster-info dump --namespaces <ns,...> --output-directory=<root>/dump`."""
    md = _make_dump()
    out = root / "dump"
    rv = str(max((int(o["metadata"].get("resourceVersion") or 0) for o in objs), default=1) + 17)
    write(out / "nodes.json", md.typed_list("Node", "v1", _of(objs, "Node"), rv))
    for ns in namespaces_of(objs):
        for fname, kind in DUMP_LISTS:
            write(out / ns / f"{fname}.json", md.typed_list(kind, TYPES[kind], _of(objs, kind, ns), rv))
        for p in _of(objs, "Pod", ns):
            write(out / ns / p["metadata"]["name"] / "logs.txt", md.logs_section(p))
    return out


def kept(layout: str, objs: list[Obj]) -> list[Obj]:
    """The objects a layout carries (see KEPT), with what every namespace holds (namespace_defaults) in the
    kinds it collects: the cluster as the tool found it, from the objects a fixture names."""
    mine = [o for o in objs if o.get("kind") in KEPT[layout]]
    return mine + namespace_defaults(mine, KEPT[layout])
