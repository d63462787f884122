"""Every kube-scheduler wording of a FailedScheduling / PodScheduled message, 1.4 -> 1.35, read from
upstream source release by release (issue 13 item 1; semantics.md A1, A2.0, C).

`WORDINGS` lists the strings a scheduler prints inside a message: per-node reasons (histogram or
`fit failure` entries), whole-pod errors (raw messages, PreFilter texts) and, apart, the registered
predicate names that configuration used but the scheduler never printed as a reason. `FORMATS` lists
how each release assembled the whole message around them. Each entry names the upstream file and the
first and last minor printing it; `reasons.classify_reason` / `message.parse_failed_scheduling` must
parse and classify every one (tests/analyzers/scheduling/test_wordings.py checks it).

Sources (kubernetes/kubernetes is too large to mirror here; these vendor it):
* `CAg<commit>`: a kubernetes/autoscaler commit vendoring k8s under `cluster-autoscaler/vendor/k8s.io/
  kubernetes/`: 935cf77933 (v1.6.0-alpha.0-1575: the 1.5 code, Dec 2016), 15025da6e7 (v1.6.0-alpha.0-3518)
  and f648a575e6 (v1.7.0-alpha.0-495: 1.6), a48dd842e5 (v1.7.4), 9122c57282 (release-1.8, v1.8.0-beta.1+),
  efa6560195 (v1.10.0-alpha.0-660: master just after the 1.9 branch, used for 1.9).
* `CA<tag>`: kubernetes/autoscaler tag cluster-autoscaler-<tag>, same vendor path: 1.2.5 (v1.10.7),
  1.3.9 (v1.12.0-alpha.0-1034: master just after the 1.11 branch, used for 1.11), 1.12.8 (v1.12.3),
  1.13.x (v1.13.0-beta.2), 1.14.8 ... 1.31.5 (semantics.md source key).
* `OK<v>`: openshift-kni/scheduler-plugins vendoring v1.32.5, v1.33.5, v1.34.7, v1.35.7 (`vendor/k8s.io/`).
* `KI:<id>`: one kubernetes/kubernetes file version of the search index, its release told by its content:
  KI:498531775 (plugin/pkg/scheduler/generic_scheduler.go of 1.4: `api.Pod`, per-node reason lists),
  KI:61971649 (plugin/pkg/scheduler/algorithm/predicates/error.go of 1.4: `api.ResourceName`, GetReason).
Boundaries are "first/last minor whose source has it"; for 1.9 and 1.11 the nearest master snapshot
stands in for the release branch.
"""

from __future__ import annotations

from dataclasses import dataclass

from podwhy.analyzers.scheduling.reasons import (
    ANTI_AFFINITY,
    DISK_FULL,
    GATED,
    HOST_PORT,
    INSUFFICIENT,
    LATEST,
    NODE_AFFINITY,
    NODE_NAME,
    NOT_READY,
    OLDEST,
    POD_AFFINITY,
    PVC_NOT_FOUND,
    PVC_UNBOUND,
    SC_NOT_FOUND,
    TAINT,
    TOO_MANY_PODS,
    TOPOLOGY,
    UNSCHEDULABLE,
    VOLUME_AFFINITY,
    VOLUME_LIMIT,
)

# kinds
REASON = "reason"  # one node's reason: a histogram / `fit failure` entry
POD = "pod"  # a whole-pod error: the raw message (<=1.19) or a PreFilter text (>=1.19)
KEY = "key"  # a registered predicate name (defaults.go / predicates.go *Pred): configuration, never printed
PREEMPTION = "preemption"  # an entry of the >=1.24 preemption tail's histogram

# How a POD wording reaches the message (test_wordings renders each release's shape from it):
PREDICATE = "predicate"  # a predicate's error on every node: <=1.6 `SchedulerPredicates failed due to %v,
#                          which is unexpected.` per node in an aggregate, 1.7-1.16 `%v (repeated N times)`
BASIC = "basic"  # generic_scheduler.go podPassesBasicChecks (1.10-1.19): the raw error once; then PreFilter
BINDER = "binder"  # the volume binder's error: 1.9-1.16 repeated per node, 1.17/1.18 inside the filter-plugin
#                    wrapper, 1.19 counted, 1.20-1.25 counted PreFilter, >=1.26 uncounted PreFilter
BINDER_ERROR = "binder-error"  # the binder's error that stays an error: as BINDER until 1.18, then 1.19
#                                `prefilter plugin %q failed for pod %q: %v`, >=1.20 `running PreFilter plugin %q: %w`
FILTER_ERROR = "filter-error"  # a filter plugin's Error status: 1.17 `error while running %q filter plugin for
#                                pod %q: %v`, 1.18-1.20 `running %q filter plugin for pod %q: %v`, >=1.21 `running %q
#                                filter plugin: %w`
PREFILTER = "prefilter"  # a PreFilter rejection: counted 1.19-1.25 (one per node), uncounted >=1.26
EVENT = "event"  # a message of its own (binding path), printed as the whole event


@dataclass(frozen=True, slots=True)
class Wording:
    """One upstream string as a message prints it (Go verbs rendered with a sample value)."""

    text: str
    code: str | None  # the podwhy catalog code it must classify to (None: no catalog cause)
    src: str  # upstream file printing it (path of its first release) and the source key read
    first: int  # first minor printing it
    last: int  # last minor printing it
    kind: str = REASON
    via: str = ""  # POD only: how it reaches the message (PREDICATE, BASIC, BINDER, ..., EVENT)
    plugin: str = ""  # the plugin a >=1.17 error wrapper names (`running "VolumeZone" filter plugin ...`)


_ERR = "plugin/pkg/scheduler/algorithm/predicates/error.go"  # 1.4-1.9 (PredicateName printed by GetReason)
_ERR10 = "pkg/scheduler/algorithm/predicates/error.go"  # 1.10-1.17 (PredicateDesc printed by GetReason)
_PRED = "plugin/pkg/scheduler/algorithm/predicates/predicates.go"  # 1.4-1.9; pkg/scheduler/... from 1.10
_BINDER = "pkg/controller/volume/persistentvolume/scheduler_binder.go"  # 1.9-1.14; .../volume/scheduling 1.15-1.22
_VB = "pkg/scheduler/framework/plugins/volumebinding/volume_binding.go"
_FW = "pkg/scheduler/framework/plugins/"
_GS = "pkg/scheduler/core/generic_scheduler.go"
L = LATEST

W = Wording
WORDINGS: tuple[Wording, ...] = (
    # ---- 1.4-1.9: the predicate's name (PredicateFailureError.GetReason returned PredicateName) ----
    W("NoDiskConflict", None, f"{_ERR} ErrDiskConflict; KI:61971649, CAg935cf77933..CAgefa6560195", 4, 9),
    W("NoVolumeZoneConflict", VOLUME_AFFINITY, f"{_ERR} ErrVolumeZoneConflict; same", 4, 9),
    W("MatchNodeSelector", NODE_AFFINITY, f"{_ERR} ErrNodeSelectorNotMatch; same", 4, 9),
    # alone until 1.8 (affinity, anti-affinity or existing pods' anti-affinity): anti-affinity is the common case
    W("MatchInterPodAffinity", ANTI_AFFINITY, f"{_ERR} ErrPodAffinityNotMatch; same", 4, 9),
    W("PodToleratesNodeTaints", TAINT, f"{_ERR} ErrTaintsTolerationsNotMatch; same", 4, 9),
    W("HostName", NODE_NAME, f"{_ERR} ErrPodNotMatchHostName; same", 4, 9),
    W("PodFitsHostPorts", HOST_PORT, f"{_ERR} ErrPodNotFitsHostPorts; same", 4, 9),
    W("CheckNodeLabelPresence", NODE_AFFINITY, f"{_ERR} ErrNodeLabelPresenceViolated; same", 4, 9),
    W("CheckServiceAffinity", NODE_AFFINITY, f"{_ERR} ErrServiceAffinityViolated; same", 4, 9),
    W("MaxVolumeCount", VOLUME_LIMIT, f"{_ERR} ErrMaxVolumeCountExceeded (every Max*VolumeCount predicate); same", 4, 9),
    W("NodeUnderMemoryPressure", INSUFFICIENT, f"{_ERR} ErrNodeUnderMemoryPressure; same", 4, 9),
    W("NodeUnderDiskPressure", DISK_FULL, f"{_ERR} ErrNodeUnderDiskPressure; KI:61971649 (absent in 1.3)", 4, 9),
    W("NoVolumeNodeConflict", VOLUME_AFFINITY, f"{_ERR} ErrVolumeNodeConflict; CAga48dd842e5, CAg9122c57282", 7, 8),
    W("NodeOutOfDisk", DISK_FULL, f"{_ERR} ErrNodeOutOfDisk (CheckNodeCondition); CAg9122c57282, CAgefa6560195", 8, 9),
    W("NodeNotReady", NOT_READY, f"{_ERR} ErrNodeNotReady (CheckNodeCondition); same", 8, 9),
    W("NodeNetworkUnavailable", NOT_READY, f"{_ERR} ErrNodeNetworkUnavailable (CheckNodeCondition); same", 8, 9),
    W("NodeUnschedulable", UNSCHEDULABLE, f"{_ERR} ErrNodeUnschedulable (CheckNodeCondition); same", 8, 9),
    W("NodeUnknownCondition", NOT_READY, f"{_ERR} ErrNodeUnknownCondition (CheckNodeCondition); same", 8, 9),
    W("PodAffinityRulesNotMatch", POD_AFFINITY, f"{_ERR} ErrPodAffinityRulesNotMatch; CAgefa6560195", 9, 9),
    W("PodAntiAffinityRulesNotMatch", ANTI_AFFINITY, f"{_ERR} ErrPodAntiAffinityRulesNotMatch; same", 9, 9),
    W("ExistingPodsAntiAffinityRulesNotMatch", ANTI_AFFINITY,
      f"{_ERR} ErrExistingPodsAntiAffinityRulesNotMatch; same", 9, 9),
    W("VolumeNodeAffinityConflict", VOLUME_AFFINITY, f"{_ERR} ErrVolumeNodeConflict (CheckVolumeBinding); same", 9, 9),
    W("VolumeBindingNoMatch", PVC_UNBOUND, f"{_ERR} ErrVolumeBindConflict (CheckVolumeBinding); same", 9, 9),
    # ---- InsufficientResourceError.GetReason `Insufficient %v` (error.go; noderesources/fit.go >=1.18) ----
    W("Insufficient cpu", INSUFFICIENT, f"{_ERR} / {_FW}noderesources/fit.go; KI:61971649..OK1.35", 4, L),
    W("Insufficient memory", INSUFFICIENT, "same", 4, L),
    W("Insufficient pods", TOO_MANY_PODS, f"{_PRED} PodFitsResources v1.ResourcePods; ..CA1.17.4", 4, 17),
    W("Insufficient alpha.kubernetes.io/nvidia-gpu", INSUFFICIENT,
      f"{_PRED} v1.ResourceNvidiaGPU; CAg935cf77933..CA1.2.5 (gone in CA1.3.9)", 4, 10),
    W("Insufficient pod.alpha.kubernetes.io/opaque-int-resource-dongle", INSUFFICIENT,
      f"{_PRED} OpaqueIntResources; CAg935cf77933..CAga48dd842e5", 5, 7),
    W("Insufficient storage.kubernetes.io/scratch", INSUFFICIENT, f"{_PRED} v1.ResourceStorageScratch; CAga48dd842e5", 7, 7),
    W("Insufficient storage.kubernetes.io/overlay", INSUFFICIENT, f"{_PRED} v1.ResourceStorageOverlay; CAga48dd842e5", 7, 7),
    W("Insufficient ephemeral-storage", INSUFFICIENT, f"{_PRED} v1.ResourceEphemeralStorage; CAg9122c57282..OK1.35", 8, L),
    W("Insufficient nvidia.com/gpu", INSUFFICIENT, f"{_PRED} ExtendedResources/ScalarResources; CAg9122c57282..OK1.35", 8, L),
    W("Insufficient hugepages-2Mi", INSUFFICIENT, f"{_PRED} HugePages; CAg9122c57282..OK1.35", 8, L),
    W("Insufficient attachable-volumes-aws-ebs", VOLUME_LIMIT,
      "pkg/scheduler/util/utils.go IsScalarResourceName (node allocatable attachable-volumes-*); CA1.3.9..", 11, L),
    W("Too many pods", TOO_MANY_PODS, f"{_FW}noderesources/fit.go; CA1.18.3..OK1.35", 18, L),
    # ---- 1.10-1.17: the predicate's description (PredicateDesc); most live on as plugin ErrReasons ----
    W("node(s) had no available disk", None, f"{_ERR10} ErrDiskConflict; {_FW}volumerestrictions; CA1.2.5..OK1.35", 10, L),
    W("node(s) had no available volume zone", VOLUME_AFFINITY, f"{_ERR10}; {_FW}volumezone ErrReasonConflict", 10, L),
    W("node(s) didn't match node selector", NODE_AFFINITY, f"{_ERR10}; {_FW}nodeaffinity ErrReason (..CA1.19.3)", 10, 19),
    W("node(s) didn't match pod affinity/anti-affinity", POD_AFFINITY,
      f"{_ERR10} ErrPodAffinityNotMatch; {_FW}interpodaffinity ErrReasonAffinityNotMatch (..CA1.20.3)", 10, 20),
    W("node(s) didn't match pod affinity rules", POD_AFFINITY, f"{_ERR10}; {_FW}interpodaffinity", 10, L),
    W("node(s) didn't match pod anti-affinity rules", ANTI_AFFINITY, f"{_ERR10}; {_FW}interpodaffinity", 10, L),
    W("node(s) didn't satisfy existing pods anti-affinity rules", ANTI_AFFINITY, f"{_ERR10}; {_FW}interpodaffinity", 10, L),
    W("node(s) had taints that the pod didn't tolerate", TAINT, f"{_ERR10} ErrTaintsTolerationsNotMatch; ..CA1.17.4", 10, 17),
    W("node(s) didn't match the requested hostname", NODE_NAME, f"{_ERR10}; {_FW}nodename (..CA1.20.3)", 10, 20),
    W("node(s) didn't have free ports for the requested pod ports", HOST_PORT, f"{_ERR10}; {_FW}nodeports", 10, L),
    W("node(s) didn't have the requested labels", NODE_AFFINITY, f"{_ERR10}; {_FW}nodelabel (..CA1.22.3)", 10, 22),
    W("node(s) didn't match service affinity", NODE_AFFINITY, f"{_ERR10}; {_FW}serviceaffinity (..CA1.22.3)", 10, 22),
    W("node(s) exceed max volume count", VOLUME_LIMIT, f"{_ERR10}; {_FW}nodevolumelimits", 10, L),
    # CheckNodeCondition / CheckNode*Pressure ran only without TaintNodesByCondition; 1.17 keeps the
    # descriptions in error.go but no predicate returns them (CA1.17.4).
    W("node(s) had memory pressure", INSUFFICIENT, f"{_ERR10} ErrNodeUnderMemoryPressure; CA1.2.5..CA1.16.7", 10, 16),
    W("node(s) had disk pressure", DISK_FULL, f"{_ERR10} ErrNodeUnderDiskPressure; CA1.2.5..CA1.16.7", 10, 16),
    W("node(s) had pid pressure", INSUFFICIENT, f"{_ERR10} ErrNodeUnderPIDPressure; CA1.3.9..CA1.16.7", 11, 16),
    W("node(s) were out of disk space", DISK_FULL, f"{_ERR10} ErrNodeOutOfDisk; CA1.2.5..CA1.13 (gone in CA1.14.8)", 10, 13),
    W("node(s) were not ready", NOT_READY, f"{_ERR10} ErrNodeNotReady; CA1.2.5..CA1.16.7", 10, 16),
    W("node(s) had unavailable network", NOT_READY, f"{_ERR10} ErrNodeNetworkUnavailable; CA1.2.5..CA1.16.7", 10, 16),
    W("node(s) were unschedulable", UNSCHEDULABLE, f"{_ERR10}; {_FW}nodeunschedulable ErrReasonUnschedulable", 10, L),
    W("node(s) had unknown conditions", NOT_READY,
      f"{_ERR10}; {_FW}nodeunschedulable ErrReasonUnknownCondition (node object missing)", 10, L),
    W("node(s) had volume node affinity conflict", VOLUME_AFFINITY,
      f"{_ERR10} ErrVolumeNodeConflict; {_BINDER}; {_FW}volumebinding/binder.go (..CA1.31.5, OK1.32)", 10, 32),
    W("node(s) didn't find available persistent volumes to bind", PVC_UNBOUND,
      f"{_ERR10} ErrVolumeBindConflict; {_BINDER}; {_FW}volumebinding/binder.go", 10, L),
    W("node(s) didn't match pod topology spread constraints", TOPOLOGY,
      f"{_ERR10} ErrTopologySpreadConstraintsNotMatch (EvenPodsSpread, CA1.16.7); {_FW}podtopologyspread", 16, L),
    # ---- >=1.18: framework plugins' reasons ----
    W("node(s) had taint {dedicated: gpu}, that the pod didn't tolerate", TAINT,
      f"{_FW}tainttoleration/taint_toleration.go Filter; CA1.18.3..CA1.23.1", 18, 23),
    W("node(s) had untolerated taint {dedicated: gpu}", TAINT, f"{_FW}tainttoleration/taint_toleration.go; CA1.24.3..OK1.34", 24, 34),
    W("node(s) had untolerated taint {node.kubernetes.io/not-ready: }", NOT_READY,
      f"{_FW}tainttoleration (node lifecycle controller's NoSchedule taint); same", 24, 34),
    W("node(s) had untolerated taint {node.kubernetes.io/unschedulable: }", UNSCHEDULABLE,
      f"{_FW}tainttoleration (the cordon taint, tolerated past NodeUnschedulable); same", 24, 34),
    W("node(s) had untolerated taint(s)", TAINT, f"{_FW}tainttoleration/taint_toleration.go; OK1.35", 35, L),
    W("node(s) didn't match the requested node name", NODE_NAME, f"{_FW}nodename/node_name.go ErrReason; CA1.21.3..", 21, L),
    W("node(s) didn't match Pod's node affinity", NODE_AFFINITY, f"{_FW}nodeaffinity ErrReasonPod; CA1.20.3", 20, 20),
    W("node(s) didn't match Pod's node affinity/selector", NODE_AFFINITY, f"{_FW}nodeaffinity ErrReasonPod; CA1.21.3..", 21, L),
    W("node(s) didn't match scheduler-enforced node affinity", NODE_AFFINITY, f"{_FW}nodeaffinity errReasonEnforced", 20, L),
    W("node(s) didn't match pod affinity/anti-affinity rules", POD_AFFINITY,
      f"{_FW}interpodaffinity ErrReasonAffinityNotMatch; CA1.21.3", 21, 21),
    W("node(s) didn't match pod topology spread constraints (missing required label)", TOPOLOGY,
      f"{_FW}podtopologyspread ErrReasonNodeLabelNotMatch; CA1.19.3..", 19, L),
    W("node(s) did not have enough free storage", PVC_UNBOUND, f"{_BINDER} ErrReasonNotEnoughSpace; CA1.19.3..", 19, L),
    W("pvc(s) bound to non-existent pv(s)", PVC_UNBOUND, f"{_BINDER} ErrReasonPVNotExist; CA1.20.3..CA1.22.3", 20, 22),
    W("node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)", PVC_UNBOUND,
      f"{_FW}volumebinding/binder.go ErrReasonPVNotExist; CA1.23.1..", 23, L),
    W("node(s) didn't match PersistentVolume's node affinity", VOLUME_AFFINITY,
      f"{_FW}volumebinding/binder.go ErrReasonNodeConflict; OK1.33..", 33, L),
    W("node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode", None,
      f"{_FW}volumerestrictions ErrReasonReadWriteOncePodConflict; CA1.22.3..OK1.33", 22, 33),
    W("node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by "
      "another pod", None, f"{_FW}volumerestrictions; OK1.34..", 34, L),
    W("ebs.csi.aws.com CSI driver is not installed on the node", VOLUME_AFFINITY,
      f"{_FW}nodevolumelimits/csi.go (VolumeLimitScaling alpha); OK1.35", 35, L),
    W("node(s) didn't satisfy plugin(s) [NodeAffinity]", NODE_AFFINITY,
      "pkg/scheduler/schedule_one.go SetAbsentNodesStatus (nodes outside a PreFilterResult); OK1.32..", 32, L),
    # DynamicResources Filter (semantics A2.0; OK1.32..1.35, CA1.26.8..1.31.5)
    *(W(t, None, f"{_FW}dynamicresources/dynamicresources.go; CA1.31.5..OK1.35", 31, L)
      for t in ("cannot allocate all claims", "resourceclaim not available on the node",
                "timed out trying to allocate devices")),
    *(W(t, None, f"{_FW}dynamicresources/dynamicresources.go (classic DRA); CA1.26.8..CA1.30.7", 26, 30)
      for t in ("waiting for resource driver to allocate resource", "unallocated immediate resourceclaim",
                "resourceclaim cannot be allocated for the node (unsuitable)")),
    # ---- the >=1.24 preemption tail's own histogram (framework/preemption/preemption.go) ----
    W("Preemption is not helpful for scheduling", None, "pkg/scheduler/framework/preemption/preemption.go; CA1.24.3..",
      24, L, PREEMPTION),
    W("No preemption victims found for incoming pod", None, "same", 24, L, PREEMPTION),
    # ---- whole-pod errors: the volume predicates' own errors, on every node (<=1.17) ----
    # MaxPDVolumeCountChecker.filterVolumes (MaxEBS/MaxGCEPD/MaxAzureDisk predicates, every node; 1.9 only
    # logs) and VolumeZoneChecker.predicate (zoned nodes only).
    W('PersistentVolumeClaim is not bound: "data"', PVC_UNBOUND,
      f"{_PRED} MaxPDVolumeCountChecker (..CAg9122c57282) / VolumeZoneChecker (..CA1.15.7)", 4, 15, POD, PREDICATE,
      "VolumeZone"),
    # 1.4: the MaxPD predicates returned the PVC/PV fetcher's own error (pkg/client/cache/listers.go
    # StoreToPVCFetcher / StoreToPVFetcher, KI:827251586: PetSet-era `api` listers; 1.3 said `is not in cache`).
    W("PersistentVolumeClaim 'default/data' not found", PVC_NOT_FOUND,
      "pkg/client/cache/listers.go StoreToPVCFetcher via MaxPD/VolumeZone; KI:827251586", 4, 4, POD, PREDICATE),
    W("PersistentVolume 'pv-1' not found", PVC_UNBOUND,
      "pkg/client/cache/listers.go StoreToPVFetcher via MaxPD/VolumeZone; KI:827251586", 4, 4, POD, PREDICATE),
    # 1.5: the shared-informer lister named the resource in the plural (pkg/client/cache/listers_core.go).
    W('persistentvolumeclaims "data" not found', PVC_NOT_FOUND,
      "pkg/client/cache/listers_core.go StoreToPersistentVolumeClaimLister via VolumeZone; CAg935cf77933",
      5, 5, POD, PREDICATE, "VolumeZone"),
    W('PersistentVolumeClaim not found: "data"', PVC_NOT_FOUND,
      f"{_PRED} MaxPDVolumeCountChecker (lister returned no claim); CAg935cf77933..CAg9122c57282", 5, 8, POD,
      PREDICATE),
    # VolumeZoneChecker: a nil claim (..1.15); 1.16-1.17 print it for an unbound claim too (CA1.16.7, CA1.17.4).
    W('PersistentVolumeClaim was not found: "data"', PVC_NOT_FOUND, f"{_PRED} VolumeZoneChecker; ..CA1.17.4",
      4, 17, POD, PREDICATE, "VolumeZone"),
    W('PersistentVolume not found: "pv-1"', PVC_UNBOUND, f"{_PRED} MaxPD (..CAg9122c57282) / VolumeZone (..CA1.15.7)",
      5, 15, POD, PREDICATE, "VolumeZone"),
    W('PersistentVolume was not found: "pv-1"', PVC_UNBOUND, f"{_PRED} VolumeZoneChecker; CA1.16.7, CA1.17.4",
      16, 17, POD, PREDICATE, "VolumeZone"),
    W("PersistentVolumeClaim had no name", None, f"{_PRED} MaxPD / VolumeZone; CAg935cf77933..CA1.17.4",
      5, 17, POD, PREDICATE, "VolumeZone"),
    W('VolumeBindingMode not set for StorageClass "fast"', None, f"{_PRED} VolumeZoneChecker; CAgefa6560195..CA1.17.4",
      9, 17, POD, PREDICATE, "VolumeZone"),
    # The same VolumeZone checks as a plugin: an Error status (1.18-1.21), an UnschedulableAndUnresolvable
    # reason of each zoned node (1.22-1.26), a PreFilter rejection (1.27-). volumezone/volume_zone.go.
    *(w for t, code in (("PersistentVolumeClaim had no name", None),
                        ("PersistentVolumeClaim had no pv name and storageClass name", SC_NOT_FOUND),
                        ("PersistentVolume had no name", None),
                        ('VolumeBindingMode not set for StorageClass "fast"', None))
      for w in (W(t, code, f"{_FW}volumezone/volume_zone.go Filter (framework.Error); CA1.18.3..CA1.21.3",
                  18, 21, POD, FILTER_ERROR, "VolumeZone"),
                W(t, code, f"{_FW}volumezone/volume_zone.go Filter (UnschedulableAndUnresolvable); CA1.22.3..CA1.26.8",
                  22, 26),
                W(t, code, f"{_FW}volumezone/volume_zone.go PreFilter; CA1.27.8..OK1.35", 27, L, POD, PREFILTER))),
    # ---- whole-pod errors: missing / deleting claims ----
    # client-go listers (1.6-) name the resource in the singular: 1.6-1.9 through VolumeZone (zoned nodes),
    # 1.10-1.19 generic_scheduler.go podPassesBasicChecks (once, before any predicate), 1.20- VolumeBinding
    # PreFilter (podHasPVCs).
    W('persistentvolumeclaim "data" not found', PVC_NOT_FOUND, f"client-go PVC lister via {_PRED} VolumeZoneChecker; "
      "CAg15025da6e7..CAgefa6560195", 6, 9, POD, PREDICATE, "VolumeZone"),
    W('persistentvolumeclaim "data" not found', PVC_NOT_FOUND,
      f"{_GS} podPassesBasicChecks (CA1.2.5..CA1.19.3); {_VB} PreFilter podHasPVCs (CA1.20.3..OK1.35)",
      10, L, POD, BASIC),
    W('persistentvolumeclaim "data" is being deleted', PVC_NOT_FOUND,
      f"{_GS} podPassesBasicChecks (CA1.2.5..CA1.19.3); {_VB} podHasPVCs (CA1.20.3..OK1.35)", 10, L, POD, BASIC),
    # ---- whole-pod errors: the volume binder (CheckVolumeBinding, VolumeBinding) ----
    W("pod has unbound PersistentVolumeClaims", PVC_UNBOUND, f"{_BINDER} FindPodVolumes; CAgefa6560195..CA1.3.9",
      9, 11, POD, BINDER),
    W("pod has unbound immediate PersistentVolumeClaims", PVC_UNBOUND,
      f"{_BINDER} FindPodVolumes (CA1.12.8..CA1.18.3); {_VB} PreFilter (CA1.19.3..OK1.35)", 12, L, POD, BINDER),
    W('storageclass.storage.k8s.io "fast" not found', SC_NOT_FOUND,
      f"{_BINDER} getPodVolumes -> StorageClass lister (CA1.2.5..); {_VB} PreFilter GetPodVolumes (framework.Error)",
      10, L, POD, BINDER_ERROR),
    # ---- whole-pod PreFilter texts (counted until 1.25, uncounted from 1.26) ----
    W('persistentvolumeclaim "data" was not created for the pod', None, f"{_VB} podHasPVCs; CA1.20.3..CA1.22.3",
      20, 22, POD, PREFILTER),
    W("PVC default/data was not created for pod default/web-0 (pod is not owner)", None,
      f"{_VB} podHasPVCs (ephemeral.VolumeIsForPod); CA1.23.1..", 23, L, POD, PREFILTER),
    W('waiting for ephemeral volume controller to create the persistentvolumeclaim "web-0-scratch"', PVC_NOT_FOUND,
      f"{_VB} podHasPVCs; CA1.23.1..", 23, L, POD, PREFILTER),
    W('persistentvolumeclaim "data" bound to non-existent persistentvolume "pv-1"', PVC_UNBOUND,
      f"{_VB} podHasPVCs; CA1.23.1..", 23, L, POD, PREFILTER),
    W("pod affinity terms conflict", NODE_AFFINITY, f"{_FW}nodeaffinity/node_affinity.go PreFilter; CA1.24.3..",
      24, L, POD, PREFILTER),
    W("Pod has a restartable init container and the SidecarContainers feature is disabled", None,
      f"{_FW}noderesources/fit.go PreFilter; CA1.28.7..", 28, L, POD, PREFILTER),
    W("resourceclaim in use", None, f"{_FW}dynamicresources PreFilter; CA1.26.8..", 26, L, POD, PREFILTER),
    W("waiting for minCount pods from a gang to appear in scheduling queue", None,
      f"{_FW}gangscheduling (1.35 alpha); OK1.35", 35, L, POD, PREFILTER),
    # SchedulingGates: the PreEnqueue status text (no event; the API server sets the condition's own text)
    W("waiting for scheduling gates: [example.com/hold]", GATED, f"{_FW}schedulinggates; CA1.26.8..", 26, L, POD,
      PREFILTER),
    # ---- the binding path's own events (scheduler.go) ----
    W("Volume binding started, waiting for completion", PVC_UNBOUND,
      "plugin/pkg/scheduler/scheduler.go assumeAndBindVolumes (a Normal event); CAgefa6560195..CA1.3.9", 9, 11,
      POD, EVENT),
    # ---- registered predicate names: configuration keys (Policy `predicates[].name`, defaults.go),
    # never printed as a reason by kube-scheduler; the ranges say where the key is registered.
    # predicates.go *Pred constants (CA1.12.8, CA1.16.7), algorithmprovider/defaults/defaults.go.
    W("GeneralPredicates", INSUFFICIENT, f"{_PRED} GeneralPred (PodFitsResources + PodFitsHost + PodFitsHostPorts "
      "+ PodMatchNodeSelector, whose own reasons print)", 4, 17, KEY),
    W("PodFitsResources", INSUFFICIENT, f"{_PRED} PodFitsResourcesPred", 4, 17, KEY),
    W("PodFitsPorts", HOST_PORT, "algorithmprovider/defaults/defaults.go (old name of PodFitsHostPorts)", 4, 17, KEY),
    W("CheckNodeCondition", NOT_READY, f"{_PRED} CheckNodeConditionPred; CAg9122c57282..CA1.16.7", 8, 16, KEY),
    W("CheckNodeMemoryPressure", INSUFFICIENT, f"{_PRED} CheckNodeMemoryPressurePred", 4, 16, KEY),
    W("CheckNodeDiskPressure", DISK_FULL, f"{_PRED} CheckNodeDiskPressurePred", 4, 16, KEY),
    W("CheckNodePIDPressure", INSUFFICIENT, f"{_PRED} CheckNodePIDPressurePred", 11, 16, KEY),
    W("CheckNodeUnschedulable", UNSCHEDULABLE, f"{_PRED} CheckNodeUnschedulablePred", 12, 17, KEY),
    W("CheckVolumeBinding", PVC_UNBOUND, f"{_PRED} CheckVolumeBindingPred", 9, 17, KEY),
    W("MaxEBSVolumeCount", VOLUME_LIMIT, f"{_PRED} MaxEBSVolumeCountPred (prints MaxVolumeCount)", 4, 17, KEY),
    W("MaxGCEPDVolumeCount", VOLUME_LIMIT, f"{_PRED} MaxGCEPDVolumeCountPred", 4, 17, KEY),
    W("MaxAzureDiskVolumeCount", VOLUME_LIMIT, f"{_PRED} MaxAzureDiskVolumeCountPred", 7, 17, KEY),
    W("MaxCSIVolumeCountPred", VOLUME_LIMIT, f"{_PRED} MaxCSIVolumeCountPred (sic)", 11, 17, KEY),
    W("MaxCinderVolumeCount", VOLUME_LIMIT, f"{_PRED} MaxCinderVolumeCountPred", 14, 17, KEY),
    W("EvenPodsSpread", TOPOLOGY, f"{_PRED} EvenPodsSpreadPred", 16, 17, KEY),
    W("PodToleratesNodeNoExecuteTaints", TAINT, f"{_PRED} PodToleratesNodeNoExecuteTaintsPred", 6, 17, KEY),
)

# How each release assembled the whole message (FitError.Error and the raw-error wrappers). `%v`
# is a reason, `%n` a count, `%e` an error text.
FORMATS: tuple[tuple[str, str, int, int], ...] = (
    ("pod (%s) failed to fit in any node\\nfit failure on node (%s): %v, %v\\n... (one line per node)",
     "plugin/pkg/scheduler/generic_scheduler.go FitError.Error; KI:498531775", OLDEST, 4),
    ("pod (%s) failed to fit in any node\\nfit failure summary on nodes : %v (%n), %v (%n)",
     "plugin/pkg/scheduler/generic_scheduler.go FitError.Error (PR 35932); CAg935cf77933", 5, 5),
    ("No nodes are available that match all of the following predicates:: %v (%n), %v (%n).",
     "plugin/pkg/scheduler/generic_scheduler.go (1.6), plugin/pkg/scheduler/core/generic_scheduler.go (1.7) "
     "NoNodeAvailableMsg; CAg15025da6e7, CAga48dd842e5", 6, 7),
    ("No nodes are available that match all of the predicates: %v (%n), %v (%n).",
     "plugin/pkg/scheduler/core/generic_scheduler.go NoNodeAvailableMsg; CAg9122c57282", 8, 8),
    ("0/%n nodes are available: %n %v, %n %v.",
     f"plugin/pkg/scheduler/core/generic_scheduler.go (1.9), {_GS} (1.10-1.20), framework/types.go (1.21-); "
     "CAgefa6560195..CA1.23.1", 9, 23),
    ("0/%n nodes are available: %n %v. preemption: 0/%n nodes are available: %n %v.",
     "pkg/scheduler/framework/types.go FitError.Error PostFilterMsg; CA1.24.3, CA1.25.3", 24, 25),
    ("0/%n nodes are available: %v. preemption: 0/%n nodes are available: %n %v.. (PreFilter text uncounted)",
     "pkg/scheduler/framework/types.go SeparatorFormat ' %v.'; CA1.26.8..CA1.28.7", 26, 28),
    ("0/%n nodes are available: %n %v. preemption: 0/%n nodes are available: %n %v.",
     "pkg/scheduler/framework/types.go; CA1.29.5..OK1.35", 29, LATEST),
    ("SchedulerPredicates failed due to %e, which is unexpected.",
     "plugin/pkg/scheduler/generic_scheduler.go podFitsOnNode; KI:498531775, CAg935cf77933..CAgf648a575e6", OLDEST, 6),
    ("[%e, %e] (one error per node, pkg/util/errors aggregate)",
     "pkg/util/errors/errors.go aggregate.Error via findNodesThatFit NewAggregate; ..CAgf648a575e6", OLDEST, 6),
    ("%e (repeated %n times)  /  [%e (repeated %n times), %e]",
     "apimachinery pkg/util/errors CreateAggregateFromMessageCountMap; CAga48dd842e5..CA1.16.7", 7, 16),
    ('error while running %q filter plugin for pod %q: %e',
     "pkg/scheduler/framework/v1alpha1/framework.go RunFilterPlugins; CA1.16.7, CA1.17.4", 16, 17),
    ('running %q filter plugin for pod %q: %e', "framework/v1alpha1|runtime/framework.go; CA1.18.3..CA1.20.3", 18, 20),
    ('running %q filter plugin: %e', "pkg/scheduler/framework/runtime/framework.go; CA1.21.3..OK1.35", 21, LATEST),
    ('error while running %q prefilter plugin for pod %q: %e', "framework/v1alpha1/framework.go; CA1.16.7..CA1.18.3",
     16, 18),
    ('rejected by %q at prefilter: %e', "framework/v1alpha1/framework.go (Unschedulable PreFilter); CA1.16.7..CA1.18.3",
     16, 18),
    ('prefilter plugin %q failed for pod %q: %e', "framework/runtime/framework.go; CA1.19.3", 19, 19),
    ('running PreFilter plugin %q: %e', "framework/runtime/framework.go; CA1.20.3..OK1.35", 20, LATEST),
    ("no nodes available to schedule pods", "generic_scheduler.go ErrNoNodesAvailable; every release", OLDEST, LATEST),
    ("skip schedule deleting pod: %s/%s", "scheduler.go scheduleOne; CAgf648a575e6..OK1.35", 7, LATEST),
    ("(PodScheduled False, reason Unschedulable, no message: the text is in the event only)",
     "plugin/pkg/scheduler/scheduler.go scheduleOne (Message set from 1.6, PR 39491); CAg935cf77933", OLDEST, 5),
)

__all__ = ["BASIC", "BINDER", "BINDER_ERROR", "EVENT", "FILTER_ERROR", "FORMATS", "KEY", "POD", "PREDICATE", "PREEMPTION", "PREFILTER", "REASON",
           "WORDINGS", "Wording"]
