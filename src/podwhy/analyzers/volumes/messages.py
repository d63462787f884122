"""What the scheduler said about a pod's volumes, in every version's wording (semantics A1.4, A2.0).

The reason strings mirror kube-scheduler: `pkg/scheduler/framework/plugins/volumebinding/binder.go`
and `volume_binding.go` (ErrReasonBindConflict, ErrReasonNodeConflict, ErrReasonNotEnoughSpace,
ErrReasonPVNotExist; 1.23-1.35), `volumezone/volume_zone.go` (ErrReasonConflict),
`nodevolumelimits/csi.go` (ErrReasonMaxVolumeCountExceeded); older text from
`pkg/controller/volume/scheduling/scheduler_binder.go` (1.18-1.22) and
`pkg/scheduler/algorithm/predicates/error.go` (1.14). The PreFilter texts (missing/deleting/lost
claims, unbound immediate claims, ephemeral claims) are the lister/`volume_binding.go` podHasPVCs
errors, raw (1.14-1.19), counted (1.20-1.25) or uncounted (>=1.26) inside the `0/N` message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from podwhy.analyzers.base import Context, Work
from podwhy.model import Event

# `persistentvolumeclaim "data" not found` (lister NotFound, every version); <=1.13 the VolumeZone and
# Max*VolumeCount predicates' own errors `PersistentVolumeClaim was not found: %q` / `... not found: %q`
# (pkg/scheduler/algorithm/predicates/predicates.go, 1.7-1.13).
PVC_NOT_FOUND = re.compile(r'persistentvolumeclaims? "([^"]+)" not found|PersistentVolumeClaim (?:was )?not found: "([^"]+)"')
# <=1.13 those predicates' `PersistentVolumeClaim is not bound: %q`: the claim the pod waits for.
PVC_NOT_BOUND_OLD = re.compile(r'PersistentVolumeClaim is not bound: "([^"]+)"')
# volume_binding.go podHasPVCs: `persistentvolumeclaim %q is being deleted`.
PVC_DELETING = re.compile(r'persistentvolumeclaims? "([^"]+)" is being deleted')
# >=1.23 `persistentvolumeclaim %q bound to non-existent persistentvolume %q`.
PVC_LOST = re.compile(r'persistentvolumeclaim "([^"]+)" bound to non-existent persistentvolume "([^"]+)"')
# >=1.23 `waiting for ephemeral volume controller to create the persistentvolumeclaim %q`.
EPHEMERAL_WAIT = re.compile(r'waiting for ephemeral volume controller to create the persistentvolumeclaim "([^"]+)"')
# 1.20-1.22 `persistentvolumeclaim %q was not created for the pod`; >=1.23 `PVC %s/%s was not created for pod %s/%s (pod is not owner)`.
EPHEMERAL_NOT_OWNED = re.compile(
    r'persistentvolumeclaim "([^"]+)" was not created for the pod|PVC [^/\s]+/(\S+) was not created for pod')
# 1.14-1.35 `pod has unbound immediate PersistentVolumeClaims`; 1.9-1.11 schedulers said
# `pod has unbound PersistentVolumeClaims` (predicates.go ErrVolumeBindConflict's PreFilter cousin).
UNBOUND_IMMEDIATE = re.compile(r"pod has unbound (?:immediate )?PersistentVolumeClaims")

# The StorageClass lister's NotFound, from VolumeBinding/VolumeZone PreFilter or a ProvisioningFailed event.
SC_NOT_FOUND = re.compile(r'storageclass(?:\.storage\.k8s\.io)? "([^"]+)" not found')

# Per-node reasons, current and former wording.
NODE_AFFINITY_REASONS = (
    "node(s) had volume node affinity conflict",  # 1.14-1.32
    "node(s) didn't match PersistentVolume's node affinity",  # 1.33+
)
ZONE_REASONS = ("node(s) had no available volume zone",)  # 1.14+
NO_PV_REASONS = ("node(s) didn't find available persistent volumes to bind",)  # 1.14+
NO_CAPACITY_REASONS = ("node(s) did not have enough free storage",)  # 1.19+
MISSING_PV_REASONS = (
    "pvc(s) bound to non-existent pv(s)",  # 1.20-1.22
    "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)",  # 1.23+
)
LIMIT_REASONS = ("node(s) exceed max volume count",)  # 1.14+
CSI_MISSING_ON_NODE = re.compile(r"(\S+) CSI driver is not installed on the node")  # 1.35 alpha
# PreBind failures of WaitForFirstConsumer provisioning, e.g.
# `running PreBind plugin "VolumeBinding": binding volumes: timed out waiting for the condition`.
PREBIND = re.compile(r"binding volumes: (.*)")


@dataclass
class SchedulerSays:
    """Volume-related facts read from the pod's FailedScheduling events / PodScheduled condition."""

    evidence_event: Event | None = None
    message: str = ""
    missing_claims: list[str] = field(default_factory=list)
    deleting_claims: list[str] = field(default_factory=list)
    lost_claims: list[tuple[str, str]] = field(default_factory=list)
    ephemeral_waiting: list[str] = field(default_factory=list)
    missing_classes: list[str] = field(default_factory=list)
    unbound_immediate: bool = False
    node_affinity: int = 0  # node count (0 = not mentioned; -1 = mentioned without a count)
    zone: int = 0
    no_pv: int = 0
    no_capacity: int = 0
    missing_pv: int = 0
    limit: int = 0
    prebind: str = ""

    @property
    def any(self) -> bool:
        return bool(self.missing_claims or self.missing_classes or self.deleting_claims or self.lost_claims or self.ephemeral_waiting
                     or self.unbound_immediate or self.node_affinity or self.zone or self.no_pv
                     or self.no_capacity or self.missing_pv or self.limit or self.prebind)


def _count(msg: str, reasons: tuple[str, ...]) -> int:
    head = msg.split(" preemption: ", 1)[0]
    # Counted forms first (a former reason can be a substring of a newer one), then uncounted mentions.
    for r in reasons:
        m = re.search(r"(\d+) " + re.escape(r), head)
        if m:
            return int(m.group(1))
    return -1 if any(r in head for r in reasons) else 0


def parse(msg: str) -> SchedulerSays:
    s = SchedulerSays(message=msg)
    s.missing_claims = list(dict.fromkeys(a or b for a, b in PVC_NOT_FOUND.findall(msg)))
    s.deleting_claims = list(dict.fromkeys(PVC_DELETING.findall(msg)))
    s.lost_claims = list(dict.fromkeys(PVC_LOST.findall(msg)))
    s.ephemeral_waiting = list(dict.fromkeys(EPHEMERAL_WAIT.findall(msg)))
    s.missing_classes = list(dict.fromkeys(SC_NOT_FOUND.findall(msg)))
    s.unbound_immediate = bool(UNBOUND_IMMEDIATE.search(msg) or PVC_NOT_BOUND_OLD.search(msg))
    s.node_affinity = _count(msg, NODE_AFFINITY_REASONS)
    s.zone = _count(msg, ZONE_REASONS)
    s.no_pv = _count(msg, NO_PV_REASONS)
    s.no_capacity = _count(msg, NO_CAPACITY_REASONS)
    s.missing_pv = _count(msg, MISSING_PV_REASONS)
    s.limit = _count(msg, LIMIT_REASONS)
    m = PREBIND.search(msg)
    s.prebind = m.group(1) if m else ""
    return s


def scheduler_says(ctx: Context, work: Work) -> SchedulerSays:
    """The newest FailedScheduling event (else the PodScheduled condition) parsed for volume facts."""
    pod = work.pod
    if pod is None:
        return SchedulerSays()
    events = [e for e in ctx.snapshot.events_for(pod) if e.reason == "FailedScheduling"]
    if events:
        s = parse(events[-1].message)
        s.evidence_event = events[-1]
        return s
    cond = next((c for c in pod.status.conditions if c.type == "PodScheduled" and c.status == "False"), None)
    return parse(cond.message) if cond is not None else SchedulerSays()


__all__ = ["SchedulerSays", "parse", "scheduler_says"]
