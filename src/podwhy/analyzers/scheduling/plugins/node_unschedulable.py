"""NodeUnschedulable: a cordoned node (spec.unschedulable) rejects pods that do not tolerate the
synthetic node.kubernetes.io/unschedulable:NoSchedule taint.
Mirrors pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go (v1.35)."""

from __future__ import annotations

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    unresolvable,
)
from podwhy.analyzers.selectors import tolerates
from podwhy.model import Taint

NAME = "NodeUnschedulable"
# node_unschedulable.go ErrReasonUnschedulable (1.14 -> 1.35 unchanged).
REASON = "node(s) were unschedulable"
UNSCHEDULABLE_TAINT = Taint(key="node.kubernetes.io/unschedulable", effect="NoSchedule")


class NodeUnschedulable:
    name = NAME
    static = True
    taint_only = True

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        return None

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        if not ni.node.spec.unschedulable:
            return None
        if any(tolerates(t, UNSCHEDULABLE_TAINT) for t in pc.pod.spec.tolerations):
            return None
        return unresolvable(NAME, REASON, detail={
            "unschedulable": True, "summary": "cordoned (spec.unschedulable: true)"})
