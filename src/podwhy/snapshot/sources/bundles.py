"""Support bundles and must-gathers: the kind of a file from its path, and the files that repeat others.

troubleshoot.sh support bundles (replicatedhq/troubleshoot v0.133.0, commit 5bf008f7;
pkg/collect/cluster_resources.go `Collect`, names in pkg/constants/constants.go CLUSTER_RESOURCES_*):
`cluster-resources/<resource>.json` for cluster-scoped lists, `cluster-resources/<resource>/<namespace>.json`
for namespaced ones, each written by encoding/json from a typed client-go list. From v0.28.1 (commit 3351c289
"Add GVK to k8s objects in cluster-resources files") lists and items carry kind/apiVersion; up to v0.28.0 a file
is the bare `.Items` array with no kind anywhere, and `namespaces.json` is still a bare array when the bundle
spec names its namespaces (getNamespaces). So the kind comes from the path. `<resource>-errors.json` next to
them lists what could not be collected (a JSON map namespace -> error, or an array of errors).

OpenShift must-gather / `oc adm inspect` (openshift/oc commit 6b8e30c5, pkg/cli/admin/inspect: util.go
dirPathForInfo/filenameForInfo, namespace.go gatherNamespaceData, pod.go gatherPodData): YAML with kinds,
which podwhy reads as any YAML. Objects named on the command line are flattened into one file each; the
resources of an inspected namespace are written as lists:

    namespaces/<ns>/<group>/<resource>.yaml           a list ("core" for the core API group)
    namespaces/<ns>/<group>/<resource>/<name>.yaml    one object
    namespaces/<ns>/pods/<pod>/<pod>.yaml             every pod again, next to its logs
    cluster-scoped-resources/<group>/<resource>.yaml  a list; <resource>/<name>.yaml one object (nodes)

The single-object files repeat items of the lists by design: they are read last and an object already read
is left out (`drop_repeats`), so the duplicate note stays for inputs that really overlap. Secrets there have
their values replaced (secret.go elideSecret) and are not read (`elided_secrets`).
"""

from __future__ import annotations

import json

from podwhy.model.kinds import BY_KIND, KINDS
from podwhy.snapshot.sources.decode import Decoded

# troubleshoot: cluster-resources/<file> -> kind (cluster-scoped lists). Rows after the blank line are kinds
# podwhy does not read: named so that old kind-less bundles count them in the "not read" note.
TS_CLUSTER = {
    "nodes.json": "Node", "pvs.json": "PersistentVolume", "storage-classes.json": "StorageClass",
    "priorityclasses.json": "PriorityClass", "namespaces.json": "Namespace",

    "custom-resource-definitions.json": "CustomResourceDefinition", "clusterroles.json": "ClusterRole",
    "clusterrolebindings.json": "ClusterRoleBinding", "volumeattachments.json": "VolumeAttachment",
    "certificatesigningrequests.json": "CertificateSigningRequest", "ingress-classes.json": "IngressClass",
    "validating-webhook-configurations.json": "ValidatingWebhookConfiguration",
    "mutating-webhook-configurations.json": "MutatingWebhookConfiguration",
}
# troubleshoot: cluster-resources/<dir>/<namespace>.json -> kind (namespaced lists).
TS_NAMESPACED = {
    "pods": "Pod", "events": "Event", "deployments": "Deployment", "replicasets": "ReplicaSet",
    "statefulsets": "StatefulSet", "daemonsets": "DaemonSet", "jobs": "Job", "pvcs": "PersistentVolumeClaim",
    "limitranges": "LimitRange", "resource-quota": "ResourceQuota", "configmaps": "ConfigMap",
    "serviceaccounts": "ServiceAccount", "pod-disruption-budgets": "PodDisruptionBudget",

    "services": "Service", "endpoints": "Endpoints", "endpointslices": "EndpointSlice", "leases": "Lease",
    "cronjobs": "CronJob", "ingress": "Ingress", "network-policy": "NetworkPolicy", "roles": "Role",
    "rolebindings": "RoleBinding",
}
# `<stem>-errors.json` for the lists podwhy reads; v0.28 and older named the storage classes' `storage-errors.json`.
_TS_ERRORS = {f"{name.removesuffix('.json')}-errors.json": kind for name, kind in TS_CLUSTER.items()} | {
    f"{d}-errors.json": kind for d, kind in TS_NAMESPACED.items()} | {"storage-errors.json": "StorageClass"}

# must-gather: (<group dir>, <resource>) of the kinds podwhy reads, e.g. ("core", "pods"), ("apps", "replicasets").
_MG_DIRS = frozenset(("core" if k.api_path == "api/v1" else k.api_version.split("/")[0], k.plural) for k in KINDS)


def _after(parts: tuple[str, ...], marker: str) -> tuple[str, ...] | None:
    """The path components after the last `marker` component, or None."""
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] == marker:
            return parts[i + 1:]
    return None


def troubleshoot_kind(parts: tuple[str, ...]) -> str | None:
    """The kind of a troubleshoot `cluster-resources/` list file, or None if the path is not one."""
    rest = _after(parts, "cluster-resources")
    if rest is None:
        return None
    if len(rest) == 1:
        return TS_CLUSTER.get(rest[0])
    if rest[0] == "custom-resources" and len(rest) in (2, 3) and rest[-1].endswith(".json"):
        # crs(): `custom-resources/<crd>.json` or `<crd>/<namespace>.json`, a bare array of objects WITH kinds
        return "List"
    if len(rest) == 2 and rest[1].endswith(".json"):
        return TS_NAMESPACED.get(rest[0])
    return None


def troubleshoot_errors(parts: tuple[str, ...], data: bytes, where: str) -> str | None:
    """For a troubleshoot `cluster-resources/<resource>-errors.json` file, the note to make: what could not be
    collected, for the kinds podwhy reads (others, e.g. custom-resources/custom-resources-errors.json: "").
    None if the path is not such a file."""
    rest = _after(parts, "cluster-resources")
    if rest is None or not rest or not rest[-1].endswith("-errors.json"):
        return None
    kind = _TS_ERRORS.get(rest[0]) if len(rest) == 1 else None
    if kind is None or kind not in BY_KIND:
        return ""  # troubleshoot's log about something podwhy does not read (services, roles, groups, ...)
    try:
        errs = json.loads(data or b"null")
    except ValueError:
        errs = [data.decode("utf-8", "replace")]
    lines = [f"{k}: {v}" for k, v in errs.items()] if isinstance(errs, dict) else [
        str(e) for e in errs] if isinstance(errs, list) else []
    if not lines:
        return ""
    first = lines[0] if len(lines[0]) <= 200 else lines[0][:200] + "…"
    more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
    return f"{where}: the support bundle could not collect every {kind}: {first}{more}"


def repeats_a_list(parts: tuple[str, ...]) -> bool:
    """A must-gather single-object file (see the module docstring), whose object the lists may hold too."""
    if len(parts) >= 5 and parts[-5] == "namespaces" and parts[-1].endswith(".yaml"):
        ns_rest = parts[-4:]
        if ns_rest[1] == "pods" and ns_rest[3] == ns_rest[2] + ".yaml":
            return True
        return (ns_rest[1], ns_rest[2]) in _MG_DIRS
    if len(parts) >= 4 and parts[-4] == "cluster-scoped-resources" and parts[-1].endswith(".yaml"):
        return (parts[-3], parts[-2]) in _MG_DIRS
    return False


def elided_secrets(parts: tuple[str, ...]) -> bool:
    """A must-gather's Secrets: inspect replaces every value with the text "<N> bytes long" (secret.go
    elideSecret), so their pull-secret contents would read as broken. Not read: Secrets stay unknown."""
    if parts[-1] == "secrets.yaml":
        return len(parts) >= 4 and parts[-2] == "core" and parts[-4] == "namespaces"
    return len(parts) >= 5 and parts[-2] == "secrets" and parts[-3] == "core" and parts[-5] == "namespaces"


def drop_repeats(read: Decoded, again: Decoded) -> Decoded:
    """`again` (the single-object files of a must-gather) without the objects `read` already holds, nor its
    own repeats (a pod under both core/pods/ and pods/<pod>/). Per-object work, on must-gathers only."""
    kinds = {k for k, _ in again.objects}
    seen = {(k, o.metadata.namespace, o.metadata.name) for k, o in read.objects if k in kinds}
    kept = []
    for k, o in again.objects:
        key = (k, o.metadata.namespace, o.metadata.name)
        if key not in seen:
            seen.add(key)
            kept.append((k, o))
    again.objects = kept
    return again
