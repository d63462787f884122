"""SchedulingGates (PreEnqueue): a pod with non-empty spec.schedulingGates never enters the active
queue. Mirrors pkg/scheduler/framework/plugins/schedulinggates/scheduling_gates.go (v1.35)."""

from __future__ import annotations

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    unresolvable,
)

NAME = "SchedulingGates"


def gates_reason(names: list[str]) -> str:
    # scheduling_gates.go (v1.26+): fmt.Sprintf("waiting for scheduling gates: %v", gates) on a []string.
    return f"waiting for scheduling gates: [{' '.join(names)}]"


class SchedulingGates:
    name = NAME
    static = False
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        gates = [g.name for g in pc.pod.spec.scheduling_gates]
        if not gates:
            return PreFilterOutcome(skip=True)
        return PreFilterOutcome(status=unresolvable(NAME, gates_reason(gates), detail={
            "gates": gates, "summary": f"held by scheduling gate(s) {', '.join(gates)}"}))

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        return None
