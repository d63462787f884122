"""Map recomputed per-node verdicts to catalog causes: each node's FIRST failing plugin (what the
scheduler reports) decides which cause it counts for; one cause per distinct code."""

from __future__ import annotations

from dataclasses import dataclass, field

from podwhy.analyzers.scheduling.framework import ClusterState, CycleResult, Status
from podwhy.analyzers.scheduling.plugins import (
    inter_pod_affinity,
    node_resources_fit,
    taint_toleration,
    volume_binding,
)
from podwhy.analyzers.selectors import untolerated
from podwhy.model import Node

# Plugin -> code when the plugin's reasons need no further split.
PLUGIN_CODES = {
    "SchedulingGates": "sched.scheduling-gated",
    "NodeUnschedulable": "sched.node-unschedulable",
    "NodeName": "sched.node-name-not-found",
    "NodeAffinity": "sched.node-affinity",
    "NodePorts": "sched.host-port",
    "PodTopologySpread": "sched.topology-spread",
    "NodeVolumeLimits": "volume.limit-exceeded",
    "VolumeZone": "volume.node-affinity-conflict",
}
VOLUME_PLUGINS = ("VolumeRestrictions", "NodeVolumeLimits", "VolumeBinding", "VolumeZone")


def is_not_ready_taint_only(node: Node, st: Status) -> bool:
    """All the node's untolerated taints are the node-lifecycle not-ready/unreachable ones."""
    keys = {t.key for t in untolerated(node.spec.taints, ())} if st.detail is None else {
        t.split("=", 1)[0].split(":", 1)[0] for t in st.detail.get("taints", [])}
    return bool(keys) and keys <= set(taint_toleration.NOT_READY_KEYS)


def node_ready(node: Node) -> bool | None:
    for c in node.status.conditions:
        if c.type == "Ready":
            return c.status == "True"
    return None


def codes_for(st: Status, node: Node) -> list[str]:
    """The catalog code(s) a node's first failing status stands for (empty: no catalog cause fits)."""
    p = st.plugin
    if p == "NodeResourcesFit":
        out: list[str] = []
        if node_resources_fit.REASON_PODS in st.reasons:
            out.append("sched.too-many-pods")
        if any(r.startswith("Insufficient ") for r in st.reasons):
            out.append("sched.insufficient-resources")
        return out
    if p == "TaintToleration":
        return ["sched.nodes-not-ready" if is_not_ready_taint_only(node, st) else "sched.untolerated-taint"]
    if p == "InterPodAffinity":
        return ["sched.pod-affinity" if inter_pod_affinity.REASON_AFFINITY in st.reasons else "sched.pod-anti-affinity"]
    if p == "VolumeBinding":
        if volume_binding.REASON_UNBOUND_IMMEDIATE in st.reasons or volume_binding.REASON_BIND_CONFLICT in st.reasons:
            return ["volume.pvc-unbound"]
        if any("not found" in r or "waiting for ephemeral volume controller" in r for r in st.reasons):
            return ["volume.pvc-not-found"]
        if any("was not created for pod" in r or "is being deleted" in r or "bound to non-existent" in r for r in st.reasons):
            return ["volume.pvc-unbound"]
        return ["volume.node-affinity-conflict"]
    if p == "VolumeRestrictions":
        if any(r.startswith("persistentvolumeclaim ") and r.endswith(" not found") for r in st.reasons):
            return ["volume.pvc-not-found"]
        return []  # disk / ReadWriteOncePod conflicts: no catalog code; shown in the per-node table
    if p == "VolumeZone" and any(r.startswith("storageclass.storage.k8s.io ") for r in st.reasons):
        return ["volume.storageclass-not-found"]
    if "," in p or p not in PLUGIN_CODES:
        # absent nodes of a PreFilterResult: NodeAffinity matchFields or VolumeBinding local PVs
        if "VolumeBinding" in p and "NodeAffinity" not in p:
            return ["volume.node-affinity-conflict"]
        return ["sched.node-affinity"] if "NodeAffinity" in p else []
    return [PLUGIN_CODES[p]]


@dataclass
class Cause:
    code: str
    nodes: list[str] = field(default_factory=list)
    statuses: dict[str, Status] = field(default_factory=dict)

    @property
    def plugin(self) -> str:
        return next(iter(self.statuses.values())).plugin if self.statuses else ""


def group_causes(cs: ClusterState, res: CycleResult) -> list[Cause]:
    """Causes ordered by how many nodes they explain (most first), ties in filter order."""
    by_code: dict[str, Cause] = {}
    for name, sts in res.verdicts.items():
        if not sts:
            continue
        st = sts[0]
        for code in codes_for(st, cs.infos[name].node):
            c = by_code.setdefault(code, Cause(code))
            c.nodes.append(name)
            c.statuses[name] = st
    order = list(by_code)
    return sorted(by_code.values(), key=lambda c: (-len(c.nodes), order.index(c.code)))


def matching_nodes_not_ready(cs: ClusterState, res: CycleResult) -> list[str]:
    """Nodes that satisfy the pod's placement rules (no NodeAffinity/NodeName failure) when every one
    of them is NotReady: the catalog's 'only matching nodes are NotReady' case."""
    matching = [n for n, sts in res.verdicts.items()
                if not any(s.plugin in ("NodeAffinity", "NodeName") or "didn't satisfy plugin" in s.message for s in sts)]
    if not matching:
        return []
    if all(node_ready(cs.infos[n].node) is False for n in matching):
        return matching
    return []
