"""NodeName: a pod with spec.nodeName fits only that node.
Mirrors pkg/scheduler/framework/plugins/nodename/node_name.go (v1.35)."""

from __future__ import annotations

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    unresolvable,
)

NAME = "NodeName"
# node_name.go ErrReason (1.21+; 1.14-1.20 said "requested hostname").
REASON = "node(s) didn't match the requested node name"


class NodeName:
    name = NAME
    static = False
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        return None if pc.pod.spec.node_name else PreFilterOutcome(skip=True)

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        want = pc.pod.spec.node_name
        if not want or want == ni.name:
            return None
        return unresolvable(NAME, REASON, detail={"nodeName": want, "summary": f"pod is pinned to node {want!r}"})
