"""The default profile's filter plugins in the scheduler's order (pkg/scheduler/apis/config/v1/
default_plugins.go, v1.35; SchedulingGates is PreEnqueue and runs before everything)."""

from __future__ import annotations

from podwhy.analyzers.scheduling.framework import Plugin
from podwhy.analyzers.scheduling.plugins.inter_pod_affinity import InterPodAffinity
from podwhy.analyzers.scheduling.plugins.node_affinity import NodeAffinity
from podwhy.analyzers.scheduling.plugins.node_name import NodeName
from podwhy.analyzers.scheduling.plugins.node_ports import NodePorts
from podwhy.analyzers.scheduling.plugins.node_resources_fit import NodeResourcesFit
from podwhy.analyzers.scheduling.plugins.node_unschedulable import NodeUnschedulable
from podwhy.analyzers.scheduling.plugins.node_volume_limits import NodeVolumeLimits
from podwhy.analyzers.scheduling.plugins.pod_topology_spread import PodTopologySpread
from podwhy.analyzers.scheduling.plugins.scheduling_gates import SchedulingGates
from podwhy.analyzers.scheduling.plugins.taint_toleration import TaintToleration
from podwhy.analyzers.scheduling.plugins.volume_binding import VolumeBinding
from podwhy.analyzers.scheduling.plugins.volume_restrictions import VolumeRestrictions
from podwhy.analyzers.scheduling.plugins.volume_zone import VolumeZone

PLUGINS: tuple[Plugin, ...] = (
    SchedulingGates(),
    NodeUnschedulable(),
    NodeName(),
    TaintToleration(),
    NodeAffinity(),
    NodePorts(),
    NodeResourcesFit(),
    VolumeRestrictions(),
    NodeVolumeLimits(),
    VolumeBinding(),
    VolumeZone(),
    PodTopologySpread(),
    InterPodAffinity(),
)
# Everything but the PreEnqueue gate: what the scheduler runs once the pod is in the queue.
FILTERS: tuple[Plugin, ...] = PLUGINS[1:]

__all__ = ["FILTERS", "PLUGINS"]
