"""Map recomputed per-node verdicts to catalog causes: each node's FIRST failing plugin (what the
scheduler reports) decides which cause it counts for; one cause per distinct code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
        if is_not_ready_taint_only(node, st):
            return ["sched.nodes-not-ready"]
        keys = {t.split("=", 1)[0].split(":", 1)[0] for t in (st.detail or {}).get("taints", [])}
        if keys == {"node.kubernetes.io/unschedulable"}:
            return ["sched.node-unschedulable"]  # the cordon's own taint (node lifecycle controller)
        return ["sched.untolerated-taint"]
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
    # stops the pod on nodes it targets (True) or only rules out nodes it does not want (False)
    blocker: bool = True
    # counts nodes the pod's placement rules allow (False: only nodes it excludes anyway)
    relevant: bool = True

    @property
    def plugin(self) -> str:
        return next(iter(self.statuses.values())).plugin if self.statuses else ""


# Exclusions: nodes the pod rules out itself (its placement rules, volumes pinned to other nodes,
# one-per-node hostPort / anti-affinity patterns usually held by its own siblings) or that are
# reserved for others (a taint on nodes the pod does not target). Blockers (no room, cordoned,
# NotReady, a taint on every node the pod targets) rank first: with `22 didn't match node selector,
# 1 had untolerated taint` the taint is what stops the pod; with `3 Insufficient memory, 2 had taint
# {dedicated: gpu}` it is the memory.
EXCLUSIONS = ("sched.node-affinity", "sched.node-name-not-found", "sched.host-port", "sched.pod-anti-affinity",
              "volume.node-affinity-conflict")
# A failing status with no catalogue code (a disk conflict): it still rejects the node.
UNCODED = "?"
PLACEMENT = frozenset({"sched.node-affinity", "sched.node-name-not-found", "volume.node-affinity-conflict"})


def rank_key(code: str, nodes: int) -> tuple[bool, int]:
    """Order for causes known only by node counts (the scheduler's message)."""
    return (code in EXCLUSIONS, -nodes)


def group_causes(cs: ClusterState, res: CycleResult) -> list[Cause]:
    """Causes ordered: blockers before exclusions, then by how many nodes they explain (most first),
    ties in filter order. Each cause's `blocker` says which kind it is."""
    by_code: dict[str, Cause] = {}
    # codes_for depends on the status alone, except a TaintToleration status without detail (which
    # reads the node's taints); statuses are shared by node classes, so most lookups hit.
    memo: dict[tuple[Any, ...], list[str]] = {}

    def codes(st: Status, node: Node) -> list[str]:
        # Apart from TaintToleration (which reads taints), the code depends on plugin and reasons only:
        # per-node statuses (NodeResourcesFit with its numbers) then share one entry.
        key: tuple[Any, ...] = ((id(st), id(node) if st.detail is None else 0) if st.plugin == "TaintToleration"
                                else (st.plugin, st.reasons))
        got = memo.get(key)
        if got is None:
            got = memo[key] = codes_for(st, node)
        return got

    # Per distinct shape of a verdict list (CycleResult.shapes): (all codes of the node, the causes its
    # first status counts for). Nodes differing only in their numbers share one entry.
    per_shape: dict[tuple[Any, ...], tuple[frozenset[str], list[Cause]]] = {}
    node_codes: dict[str, frozenset[str]] = {}
    infos = cs.infos
    shapes = res.shapes
    for name, sts in res.verdicts.items():
        if not sts:
            continue
        shape = shapes.get(name)
        entry = per_shape.get(shape) if shape is not None else None
        if entry is None:
            node = infos[name].node
            causes = []
            for code in codes(sts[0], node):
                c = by_code.get(code)
                if c is None:
                    c = by_code[code] = Cause(code)
                causes.append(c)
            entry = (frozenset(c for st in sts for c in (codes(st, node) or [UNCODED])), causes)
            if shape is not None:
                per_shape[shape] = entry
        node_codes[name] = entry[0]
        st = sts[0]
        for c in entry[1]:
            c.nodes.append(name)
            c.statuses[name] = st
    none: frozenset[str] = frozenset()
    targeted = [n for n in res.verdicts if not (node_codes.get(n, none) & PLACEMENT)]
    taint_blocks = bool(targeted) and all("sched.untolerated-taint" in node_codes.get(n, none) for n in targeted)
    for c in by_code.values():
        # A cordon, a NotReady node, no room or a taint matters where it is the node's only problem:
        # removing it alone makes that node feasible. Where the node is rejected for something else too
        # (a cordoned node without the selected label, a NotReady node while the claim has no volume
        # anywhere) it changes nothing, so it ranks after the exclusions, as background.
        c.relevant = c.code in EXCLUSIONS or any(node_codes.get(n, none) <= {c.code} for n in c.nodes)
        c.blocker = (c.code not in EXCLUSIONS and c.relevant
                     and (c.code != "sched.untolerated-taint" or taint_blocks))
    order = list(by_code)
    return sorted(by_code.values(),
                  key=lambda c: (not c.blocker, not c.relevant, -len(c.nodes), order.index(c.code)))


def matching_nodes_not_ready(cs: ClusterState, res: CycleResult) -> list[str]:
    """Nodes that satisfy the pod's placement rules (no NodeAffinity/NodeName failure) when every one
    of them is NotReady: the catalog's 'only matching nodes are NotReady' case."""
    def placed(shape: tuple[Any, ...]) -> bool:
        return not any(plugin in ("NodeAffinity", "NodeName") or any("didn't satisfy plugin" in r for r in reasons)
                       for plugin, reasons, *_ in shape)

    matching = res.nodes_where(placed)
    if not matching:
        return []
    if all(node_ready(cs.infos[n].node) is False for n in matching):
        return matching
    return []
