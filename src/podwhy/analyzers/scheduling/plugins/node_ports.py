"""NodePorts: a requested (protocol, hostPort) must not clash with one used on the node.
Mirrors pkg/scheduler/framework/plugins/nodeports/node_ports.go and k8s.io/kube-scheduler
framework/types.go HostPortInfo.CheckConflict (v1.35; sidecar ports count from 1.34)."""

from __future__ import annotations

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    host_ports,
    unschedulable,
)

NAME = "NodePorts"
# node_ports.go ErrReason (1.14 -> 1.35 unchanged).
REASON = "node(s) didn't have free ports for the requested pod ports"
ANY_IP = "0.0.0.0"


def conflicts(ni: NodeInfo, ip: str, proto: str, port: int) -> list[str]:
    """Pods on the node holding (proto, port) in a way that clashes with ip."""
    holders = ni.used_ports.get((proto, port), [])
    if ip == ANY_IP:
        return [ref for _, ref in holders]
    return [ref for hip, ref in holders if hip in (ANY_IP, ip)]


class NodePorts:
    name = NAME
    static = False
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        ports = host_ports(pc.pod)
        if not ports:
            return PreFilterOutcome(skip=True)
        pc.state[NAME] = ports
        return None

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        ports: list[tuple[str, str, int]] = pc.state.get(NAME, [])
        for ip, proto, port in ports:
            holders = conflicts(ni, ip, proto, port)
            if holders:
                return unschedulable(NAME, REASON, detail={
                    "port": f"{port}/{proto}", "hostIP": ip, "heldBy": holders,
                    "summary": f"hostPort {port}/{proto} already used by pod {holders[0]}"})
        return None
