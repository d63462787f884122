"""A new node shaped like an existing one, and whether the scheduler's filters would put the pod on it.

What a node autoscaler adds is a node built from its group's template: cluster-autoscaler builds the
template from an existing node of the group when it has one (`core/utils/utils.go`
GetNodeInfoFromTemplate / `processors/nodeinfosprovider/mixed_nodeinfos_processor.go`, v1.34: the
node's labels, taints and allocatable, plus the DaemonSet pods that would run on it), and runs the
scheduler's filters on it (`simulator/clustersnapshot`). podwhy does the same: copy the node (same
labels, taints, allocatable), give it only the existing node's DaemonSet pods, add it to a what-if
copy of the cluster (ClusterState.replacing) and re-run the same filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from podwhy.analyzers.scheduling.framework import ClusterState, Status, new_pod_ctx, run_cycle
from podwhy.analyzers.scheduling.plugins import PLUGINS
from podwhy.model import Node, Pod

HOSTNAME = "kubernetes.io/hostname"
# Taints a new node does not inherit from its template: cluster-autoscaler's SanitizeTaints drops its
# own deletion taints, `ignore-taint.cluster-autoscaler.kubernetes.io/` ones and NodeConditionTaints
# (cluster-autoscaler/utils/taints/taints.go, v1.34).
_DROPPED_TAINTS = frozenset({
    "ToBeDeletedByClusterAutoscaler", "DeletionCandidateOfClusterAutoscaler",
    "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "node.kubernetes.io/unschedulable",
    "node.kubernetes.io/memory-pressure", "node.kubernetes.io/disk-pressure",
    "node.kubernetes.io/network-unavailable", "node.kubernetes.io/pid-pressure",
    "node.cloudprovider.kubernetes.io/uninitialized", "node.cloudprovider.kubernetes.io/shutdown",
    "cloud.google.com/impending-node-termination", "NodeWithImpairedVolumes",
})
_IGNORED_PREFIX = "ignore-taint.cluster-autoscaler.kubernetes.io/"


def daemonset_pods(cs: ClusterState, template: str) -> list[Pod]:
    """The pods a fresh node like `template` would start with: its DaemonSet pods."""
    return [p for p in cs.infos[template].pods if any(r.kind == "DaemonSet" for r in p.metadata.owner_references)]


def like(cs: ClusterState, template: str, allocatable: Mapping[str, Any] | None = None) -> tuple[Node, list[Pod]]:
    """A node named `<template>-like` with the template's labels (its own hostname) and taints (less those
    a new node does not start with), not cordoned (and `allocatable`, if
    given, instead of its own), with the template's DaemonSet pods."""
    node = cs.infos[template].node
    name = f"{template}-like"
    labels = dict(node.metadata.labels)
    if HOSTNAME in labels:
        # CA's sanitizeTemplateNode (core/utils/utils.go) gives the template its own hostname label.
        labels[HOSTNAME] = name
    taints = [t for t in node.spec.taints if t.key not in _DROPPED_TAINTS and not t.key.startswith(_IGNORED_PREFIX)]
    new = msgspec.structs.replace(
        node, metadata=msgspec.structs.replace(node.metadata, name=name, labels=labels),
        spec=msgspec.structs.replace(node.spec, taints=tuple(taints), unschedulable=False),
        status=msgspec.structs.replace(node.status, allocatable=dict(allocatable or node.status.allocatable)))
    return new, daemonset_pods(cs, template)


def verdict_on_new_node(cs: ClusterState, pod: Pod, template: str) -> list[Status]:
    """The failing filter statuses of `pod` on a new node like `template` (empty: it would fit)."""
    node, ds = like(cs, template)
    cs2 = cs.replacing(added=[(node, ds)])
    name = node.metadata.name
    res = run_cycle(cs2, new_pod_ctx(cs2.snap, pod), PLUGINS, only=(name,))
    return list(res.verdicts.get(name, []))  # a PreFilter rejection is the first status
