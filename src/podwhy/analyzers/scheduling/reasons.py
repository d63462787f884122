"""One kube-scheduler reason string, classified: its current upstream wording, the catalog code, the
plugin, the taint or resource it names, and the minor versions where upstream prints it (semantics.md
A2.0, A1.4, A2.15); plus the version-set helpers the message parser narrows with.

Each reason string names its upstream plugin/predicate file beside it. Whole messages are parsed in
`message.py`. The audited list of every upstream wording, 1.4 -> 1.35, with the file and the releases
printing it, is `wordings.py` (tests/analyzers/scheduling/test_wordings.py runs each through this
classifier); where a range below is wider or narrower than that table, the table is upstream's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

OLDEST = 4  # oldest minor whose message shape we know (1.4 per-node "fit failure" lines)
LATEST = 35  # newest minor read from source (semantics.md source key)

# ---- catalog codes (podwhy.catalog) ------------------------------------------------------
INSUFFICIENT = "sched.insufficient-resources"
TOO_MANY_PODS = "sched.too-many-pods"
TAINT = "sched.untolerated-taint"
NOT_READY = "sched.nodes-not-ready"
UNSCHEDULABLE = "sched.node-unschedulable"
NODE_AFFINITY = "sched.node-affinity"
POD_AFFINITY = "sched.pod-affinity"
ANTI_AFFINITY = "sched.pod-anti-affinity"
TOPOLOGY = "sched.topology-spread"
HOST_PORT = "sched.host-port"
NODE_NAME = "sched.node-name-not-found"
NO_NODES = "sched.no-nodes"
GATED = "sched.scheduling-gated"
PVC_NOT_FOUND = "volume.pvc-not-found"
PVC_UNBOUND = "volume.pvc-unbound"
SC_NOT_FOUND = "volume.storageclass-not-found"
VOLUME_AFFINITY = "volume.node-affinity-conflict"
VOLUME_LIMIT = "volume.limit-exceeded"
DISK_FULL = "node.disk-full"

# Current (1.35) upstream wording of the reasons that were renamed (semantics.md A2.0, C.5).
R_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
R_NODE_NAME = "node(s) didn't match the requested node name"
R_TAINTS = "node(s) had untolerated taint(s)"
R_TOO_MANY = "Too many pods"
R_PV_AFFINITY = "node(s) didn't match PersistentVolume's node affinity"
R_PV_MISSING = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
R_RWOP = ("node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already "
          "in-use by another pod")
R_NO_PREEMPTION_HELP = "Preemption is not helpful for scheduling"
R_NO_VICTIMS = "No preemption victims found for incoming pod"

# Taints whose presence means the node itself is broken rather than reserved (A2.3 well-known taints).
NOT_READY_TAINTS = frozenset({"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"})
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"


@dataclass(frozen=True, slots=True)
class ReasonInfo:
    """What one histogram reason means."""

    reason: str  # as printed (whitespace collapsed)
    normalized: str  # current upstream wording, keeping the specifics the old text named (taint key/value)
    canonical: str  # exactly what a 1.35 scheduler prints for it (e.g. the taint is no longer named)
    code: str | None  # podwhy catalog code, None when no catalog cause fits
    plugin: str | None  # filter plugin (or legacy predicate family) that emits it
    taint_key: str | None = None
    taint_value: str | None = None
    resource: str | None = None  # for `Insufficient <resource>`
    pod_level: bool = False  # a whole-pod (PreFilter / volume check) rejection, not a per-node reason
    generic: bool = False  # the ≤1.21 InterPodAffinity companion reason that doubled the counts
    excluded: bool = False  # ≥1.32 nodes left out by a PreFilterResult: not a cause on those nodes
    first_minor: int = OLDEST
    last_minor: int = LATEST
    known: bool = True

    @property
    def versions(self) -> str:
        return render_minors(frozenset(range(self.first_minor, self.last_minor + 1)))


def _r(reason: str, normalized: str | None, code: str | None, plugin: str | None, lo: int, hi: int,
       **kw: object) -> ReasonInfo:
    norm = normalized or reason
    canonical = kw.pop("canonical", norm)
    return ReasonInfo(reason=reason, normalized=norm, canonical=str(canonical), code=code, plugin=plugin,
                      first_minor=lo, last_minor=hi, **kw)  # type: ignore[arg-type]


# Legacy predicate names printed instead of descriptions (1.5-1.9: PredicateFailureError.GetReason()
# returned PredicateName; 1.10 switched to PredicateDesc). Src: kubernetes
# plugin/pkg/scheduler/algorithm/predicates/error.go (1.8/1.9); 1.10 pkg/scheduler/algorithm/predicates/error.go.
_L = 10  # last minor that printed predicate names (1.10 alphas still did)
_EXACT: dict[str, ReasonInfo] = {r.reason: r for r in (
    # NodeUnschedulable (nodeunschedulable/node_unschedulable.go; ≤1.17 CheckNodeUnschedulable)
    _r("node(s) were unschedulable", None, UNSCHEDULABLE, "NodeUnschedulable", 10, LATEST),
    _r("NodeUnschedulable", "node(s) were unschedulable", UNSCHEDULABLE, "NodeUnschedulable", OLDEST, _L),
    # NodeName (nodename/node_name.go ErrReason; 1.14-1.20 predicates "requested hostname")
    _r("node(s) didn't match the requested hostname", R_NODE_NAME, NODE_NAME, "NodeName", 10, 20),
    _r("node(s) didn't match the requested node name", None, NODE_NAME, "NodeName", 21, LATEST),
    _r("HostName", R_NODE_NAME, NODE_NAME, "NodeName", OLDEST, _L),
    # TaintToleration without a named taint (≤1.17 predicates; ≥1.35 tainttoleration/taint_toleration.go)
    _r("node(s) had taints that the pod didn't tolerate", R_TAINTS, TAINT, "TaintToleration", 10, 17),
    _r("PodToleratesNodeTaints", R_TAINTS, TAINT, "TaintToleration", OLDEST, _L),
    # semantics.md A2 says 1.35, but the real v1.34.4 prints it too (plugins/tainttoleration/
    # taint_toleration.go:120 at v1.34.4, and the scheduler of tests/realcluster): a patch-release change.
    _r(R_TAINTS, None, TAINT, "TaintToleration", 34, LATEST),
    # NodeAffinity (nodeaffinity/node_affinity.go ErrReasonPod / ErrReasonEnforced; ≤1.19 MatchNodeSelector)
    _r("node(s) didn't match node selector", R_AFFINITY, NODE_AFFINITY, "NodeAffinity", 10, 19),
    _r("node(s) didn't match Pod's node affinity", R_AFFINITY, NODE_AFFINITY, "NodeAffinity", 20, 20),
    _r(R_AFFINITY, None, NODE_AFFINITY, "NodeAffinity", 21, LATEST),
    _r("MatchNodeSelector", R_AFFINITY, NODE_AFFINITY, "NodeAffinity", OLDEST, _L),
    _r("node(s) didn't match scheduler-enforced node affinity", None, NODE_AFFINITY, "NodeAffinity", 20, LATEST),
    _r("pod affinity terms conflict", None, NODE_AFFINITY, "NodeAffinity", 24, LATEST, pod_level=True),
    # Policy-only label predicates (1.14-1.22 predicates / nodelabel, serviceaffinity plugins)
    _r("node(s) didn't have the requested labels", None, NODE_AFFINITY, "NodeLabel", 10, 22),
    _r("CheckNodeLabelPresence", "node(s) didn't have the requested labels", NODE_AFFINITY, "NodeLabel",
       OLDEST, _L),
    _r("node(s) didn't match service affinity", None, NODE_AFFINITY, "ServiceAffinity", 10, 22),
    _r("CheckServiceAffinity", "node(s) didn't match service affinity", NODE_AFFINITY, "ServiceAffinity",
       OLDEST, _L),
    # NodePorts (nodeports/node_ports.go ErrReason)
    _r("node(s) didn't have free ports for the requested pod ports", None, HOST_PORT, "NodePorts", 10, LATEST),
    _r("PodFitsHostPorts", "node(s) didn't have free ports for the requested pod ports", HOST_PORT,
       "NodePorts", OLDEST, _L),
    # NodeResourcesFit (noderesources/fit.go; ≤1.17 `Insufficient pods`)
    _r(R_TOO_MANY, None, TOO_MANY_PODS, "NodeResourcesFit", 18, LATEST, resource="pods"),
    _r("Insufficient pods", R_TOO_MANY, TOO_MANY_PODS, "NodeResourcesFit", OLDEST, 17, resource="pods"),
    # VolumeRestrictions (volumerestrictions/volume_restrictions.go)
    _r("node(s) had no available disk", None, None, "VolumeRestrictions", 10, LATEST),
    _r("NoDiskConflict", "node(s) had no available disk", None, "VolumeRestrictions", OLDEST, _L),
    _r("node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode",
       R_RWOP, None, "VolumeRestrictions", 22, 33),
    _r(R_RWOP, None, None, "VolumeRestrictions", 34, LATEST),
    # NodeVolumeLimits (nodevolumelimits/{csi,non_csi}.go ErrReasonMaxVolumeCountExceeded)
    _r("node(s) exceed max volume count", None, VOLUME_LIMIT, "NodeVolumeLimits", 10, LATEST),
    *(_r(n, "node(s) exceed max volume count", VOLUME_LIMIT, "NodeVolumeLimits", OLDEST, _L)
      for n in ("MaxVolumeCount", "MaxEBSVolumeCount", "MaxGCEPDVolumeCount", "MaxAzureDiskVolumeCount")),
    # VolumeBinding (≤1.22 pkg/controller/volume/scheduling/scheduler_binder.go; ≥1.23 volumebinding/binder.go)
    _r("node(s) didn't find available persistent volumes to bind", None, PVC_UNBOUND, "VolumeBinding",
       10, LATEST),
    _r("VolumeBindingNoMatch", "node(s) didn't find available persistent volumes to bind", PVC_UNBOUND,
       "VolumeBinding", OLDEST, _L),
    _r("node(s) had volume node affinity conflict", R_PV_AFFINITY, VOLUME_AFFINITY, "VolumeBinding", 10, 32),
    _r(R_PV_AFFINITY, None, VOLUME_AFFINITY, "VolumeBinding", 33, LATEST),
    *(_r(n, R_PV_AFFINITY, VOLUME_AFFINITY, "VolumeBinding", OLDEST, _L)
      for n in ("VolumeNodeAffinityConflict", "NoVolumeNodeConflict")),
    _r("node(s) did not have enough free storage", None, PVC_UNBOUND, "VolumeBinding", 19, LATEST),
    _r("pvc(s) bound to non-existent pv(s)", R_PV_MISSING, PVC_UNBOUND, "VolumeBinding", 20, 22),
    _r(R_PV_MISSING, None, PVC_UNBOUND, "VolumeBinding", 23, LATEST),
    _r("pod has unbound immediate PersistentVolumeClaims", None, PVC_UNBOUND, "VolumeBinding", 14, LATEST,
       pod_level=True),
    _r("pod has unbound PersistentVolumeClaims", "pod has unbound immediate PersistentVolumeClaims",
       PVC_UNBOUND, "VolumeBinding", OLDEST, 13, pod_level=True),
    # VolumeZone (volumezone/volume_zone.go ErrReasonConflict) and its PreFilter errors
    _r("node(s) had no available volume zone", None, VOLUME_AFFINITY, "VolumeZone", 10, LATEST),
    _r("NoVolumeZoneConflict", "node(s) had no available volume zone", VOLUME_AFFINITY, "VolumeZone",
       OLDEST, _L),
    _r("PersistentVolumeClaim had no name", None, None, "VolumeZone", 5, LATEST, pod_level=True),
    _r("PersistentVolumeClaim had no pv name and storageClass name", None, SC_NOT_FOUND, "VolumeZone",
       18, LATEST, pod_level=True),
    _r("PersistentVolume had no name", None, None, "VolumeZone", 18, LATEST, pod_level=True),
    # PodTopologySpread (podtopologyspread/filtering.go)
    _r("node(s) didn't match pod topology spread constraints", None, TOPOLOGY, "PodTopologySpread", 16, LATEST),
    _r("node(s) didn't match pod topology spread constraints (missing required label)", None, TOPOLOGY,
       "PodTopologySpread", 19, LATEST),
    # InterPodAffinity (interpodaffinity/filtering.go; ≤1.21 also the generic companion reason)
    _r("node(s) didn't match pod affinity/anti-affinity", None, POD_AFFINITY, "InterPodAffinity", 10, 20,
       generic=True),
    _r("node(s) didn't match pod affinity/anti-affinity rules", None, POD_AFFINITY, "InterPodAffinity", 21, 21,
       generic=True),
    # ≤1.8 the name comes alone (no specific companion before 1.9, CAg9122c57282 error.go): of the three
    # checks behind it (the pod's affinity, its anti-affinity, existing pods' anti-affinity) two are
    # anti-affinity, and required anti-affinity (one replica per node) is by far the common rule.
    _r("MatchInterPodAffinity", "node(s) didn't match pod affinity/anti-affinity", ANTI_AFFINITY,
       "InterPodAffinity", OLDEST, _L, generic=True),
    _r("node(s) didn't match pod affinity rules", None, POD_AFFINITY, "InterPodAffinity", 10, LATEST),
    _r("PodAffinityRulesNotMatch", "node(s) didn't match pod affinity rules", POD_AFFINITY,
       "InterPodAffinity", OLDEST, _L),
    _r("node(s) didn't match pod anti-affinity rules", None, ANTI_AFFINITY, "InterPodAffinity", 10, LATEST),
    _r("PodAntiAffinityRulesNotMatch", "node(s) didn't match pod anti-affinity rules", ANTI_AFFINITY,
       "InterPodAffinity", OLDEST, _L),
    _r("node(s) didn't satisfy existing pods anti-affinity rules", None, ANTI_AFFINITY, "InterPodAffinity",
       10, LATEST),
    _r("ExistingPodsAntiAffinityRulesNotMatch", "node(s) didn't satisfy existing pods anti-affinity rules",
       ANTI_AFFINITY, "InterPodAffinity", OLDEST, _L),
    # Node-condition predicates, only without TaintNodesByCondition (1.10-1.16 predicates/error.go; 1.17
    # keeps the texts but no predicate returns them). `unknown conditions` lives on in NodeUnschedulable.
    _r("node(s) were not ready", None, NOT_READY, "CheckNodeCondition", 10, 16),
    _r("node(s) had unknown conditions", None, NOT_READY, "CheckNodeCondition", 10, LATEST),
    _r("node(s) had unavailable network", None, NOT_READY, "CheckNodeCondition", 10, 16),
    _r("node(s) were out of disk space", None, DISK_FULL, "CheckNodeCondition", 10, 13),
    _r("node(s) had disk pressure", None, DISK_FULL, "CheckNodeCondition", 10, 16),
    _r("node(s) had memory pressure", None, INSUFFICIENT, "CheckNodeCondition", 10, 16),
    _r("node(s) had pid pressure", None, INSUFFICIENT, "CheckNodeCondition", 11, 16),
    _r("NodeNotReady", "node(s) were not ready", NOT_READY, "CheckNodeCondition", OLDEST, _L),
    _r("NodeUnknownCondition", "node(s) had unknown conditions", NOT_READY, "CheckNodeCondition", OLDEST, _L),
    _r("NodeNetworkUnavailable", "node(s) had unavailable network", NOT_READY, "CheckNodeCondition",
       OLDEST, _L),
    _r("NodeOutOfDisk", "node(s) were out of disk space", DISK_FULL, "CheckNodeCondition", OLDEST, _L),
    _r("NodeUnderDiskPressure", "node(s) had disk pressure", DISK_FULL, "CheckNodeCondition", OLDEST, _L),
    _r("NodeUnderMemoryPressure", "node(s) had memory pressure", INSUFFICIENT, "CheckNodeCondition",
       OLDEST, _L),
    _r("NodeUnderPIDPressure", "node(s) had pid pressure", INSUFFICIENT, "CheckNodeCondition", OLDEST, _L),
    # The predicate's own registered name (CheckNodeConditionPred = "CheckNodeCondition",
    # pkg/scheduler/algorithm/predicates/predicates.go 1.8-1.13), as schedulers of that era and Policy-config
    # extenders print it: one of not ready / out of disk / network unavailable / unschedulable.
    _r("CheckNodeCondition", "node(s) were not ready", NOT_READY, "CheckNodeCondition", OLDEST, 13),
    # The other registered predicate keys (predicates.go *Pred, algorithmprovider/defaults/defaults.go,
    # 1.4-1.17): configuration names, never printed as a reason by kube-scheduler itself (each predicate
    # printed the reasons above), kept so a message quoting one (a Policy extender, a fork) classifies.
    # GeneralPredicates bundles PodFitsResources (first), PodFitsHost, PodFitsHostPorts, PodMatchNodeSelector.
    *(_r(n, norm, code, plugin, OLDEST, 17) for n, norm, code, plugin in (
        ("GeneralPredicates", None, INSUFFICIENT, "NodeResourcesFit"),
        ("PodFitsResources", None, INSUFFICIENT, "NodeResourcesFit"),
        ("PodFitsPorts", "node(s) didn't have free ports for the requested pod ports", HOST_PORT, "NodePorts"),
        ("CheckNodeMemoryPressure", "node(s) had memory pressure", INSUFFICIENT, "CheckNodeCondition"),
        ("CheckNodeDiskPressure", "node(s) had disk pressure", DISK_FULL, "CheckNodeCondition"),
        ("CheckNodePIDPressure", "node(s) had pid pressure", INSUFFICIENT, "CheckNodeCondition"),
        ("CheckNodeUnschedulable", "node(s) were unschedulable", UNSCHEDULABLE, "NodeUnschedulable"),
        ("CheckVolumeBinding", "node(s) didn't find available persistent volumes to bind", PVC_UNBOUND,
         "VolumeBinding"),
        ("MaxCSIVolumeCountPred", "node(s) exceed max volume count", VOLUME_LIMIT, "NodeVolumeLimits"),
        ("MaxCinderVolumeCount", "node(s) exceed max volume count", VOLUME_LIMIT, "NodeVolumeLimits"),
        ("EvenPodsSpread", "node(s) didn't match pod topology spread constraints", TOPOLOGY, "PodTopologySpread"),
        ("PodToleratesNodeNoExecuteTaints", R_TAINTS, TAINT, "TaintToleration"))),
    # 1.3 resource names (error.go podCountResourceName ...), below OLDEST: a 1.3 paste still classifies.
    _r("Insufficient PodCount", R_TOO_MANY, TOO_MANY_PODS, "NodeResourcesFit", OLDEST, OLDEST, resource="pods"),
    # DynamicResources (dynamicresources/dynamicresources.go; classic DRA 1.26-1.30, structured 1.31+)
    *(_r(t, None, None, "DynamicResources", 31, LATEST)
      for t in ("cannot allocate all claims", "resourceclaim not available on the node",
                "timed out trying to allocate devices", "excluded by device class node filter")),
    *(_r(t, None, None, "DynamicResources", 26, 30)
      for t in ("waiting for resource driver to allocate resource",
                "waiting for resource driver to provide information", "unallocated immediate resourceclaim",
                "resourceclaim must be reallocated", "resourceclaim cannot be allocated for the node (unsuitable)",
                "excluded by resource class node filter")),
    _r("resourceclaim in use", None, None, "DynamicResources", 26, LATEST, pod_level=True),
    _r("Pod has a restartable init container and the SidecarContainers feature is disabled", None, None,
       "NodeResourcesFit", 28, LATEST, pod_level=True),
    # GangScheduling (1.35 alpha)
    _r("waiting for minCount pods from a gang to appear in scheduling queue", None, None, "GangScheduling",
       35, LATEST, pod_level=True),
    # DefaultPreemption inner histogram (framework/preemption/preemption.go, ≥1.24)
    _r(R_NO_PREEMPTION_HELP, None, None, "DefaultPreemption", 24, LATEST),
    _r(R_NO_VICTIMS, None, None, "DefaultPreemption", 24, LATEST),
)}

# Parameterised reasons. Each pattern is anchored and its variable parts are bounded classes.
_TAINT_OLD = re.compile(r"node\(s\) had taint \{([^{}]*)\}, that the pod didn't tolerate")  # 1.18-1.23
_TAINT_NEW = re.compile(r"node\(s\) had untolerated taint \{([^{}]*)\}")  # 1.24-1.34
_INSUFFICIENT = re.compile(r"Insufficient (\S+)")
_SATISFY = re.compile(r"node\(s\) didn't satisfy plugin(\(s\))? \[?([^\[\]]*)\]?( simultaneously)?")
# Volcano prints `0/N nodes are unavailable: 1 plugin <P> predicates failed <reason>, ...`.
VOLCANO = re.compile(r"plugin (\S+) predicates failed (.+)")
_CSI_NOT_INSTALLED = re.compile(r"(\S+) CSI driver is not installed on the node")  # 1.35 VolumeLimitScaling
_NOT_EXCLUDED_PLUGIN = re.compile(r"[A-Za-z]+")
_POD_LEVEL: tuple[tuple[re.Pattern[str], str | None, str, int, int], ...] = (
    # (pattern, code, plugin, first, last) — VolumeBinding PreFilter (volume_binding.go podHasPVCs),
    # ≤1.19 generic_scheduler podPassesBasicChecks, lister NotFound texts.
    # the lister's NotFound: `persistentvolumeclaims` (1.5 pkg/client/cache/listers_core.go), singular 1.6-
    (re.compile(r'persistentvolumeclaims? "[^"]*" not found'), PVC_NOT_FOUND, "VolumeBinding", OLDEST, LATEST),
    (re.compile(r'persistentvolumeclaim "[^"]*" is being deleted'), PVC_NOT_FOUND, "VolumeBinding",
     OLDEST, LATEST),
    (re.compile(r'waiting for ephemeral volume controller to create the persistentvolumeclaim "[^"]*"'),
     PVC_NOT_FOUND, "VolumeBinding", 23, LATEST),
    (re.compile(r'persistentvolumeclaim "[^"]*" bound to non-existent persistentvolume "[^"]*"'),
     PVC_UNBOUND, "VolumeBinding", 23, LATEST),
    (re.compile(r'persistentvolumeclaim "[^"]*" was not created for the pod'), None, "VolumeBinding", 20, 22),
    (re.compile(r"PVC [^ ]+ was not created for pod [^ ]+ \(pod is not owner\)"), None, "VolumeBinding",
     23, LATEST),
    (re.compile(r'persistentvolume "[^"]*" not found'), PVC_UNBOUND, "VolumeBinding", OLDEST, LATEST),
    (re.compile(r'storageclass(?:\.storage\.k8s\.io)? "[^"]*" not found'), SC_NOT_FOUND, "VolumeBinding",
     OLDEST, LATEST),
    (re.compile(r'VolumeBindingMode not set for StorageClass "[^"]*"'), None, "VolumeZone", 9, LATEST),
    # ≤1.13 the VolumeZone and Max*VolumeCount predicates returned these as errors, printed as the whole
    # message (pkg/scheduler/algorithm/predicates/predicates.go VolumeZoneChecker / MaxPDVolumeCountChecker,
    # 1.7-1.13; 1.4-1.6 plugin/pkg/scheduler/algorithm/predicates/predicates.go).
    (re.compile(r'PersistentVolumeClaim is not bound: "[^"]*"'), PVC_UNBOUND, "VolumeZone", OLDEST, 13),
    # `was not found` is VolumeZone's (1.4-1.17; 1.16-1.17 also for an unbound claim), `not found` MaxPD's (1.5-1.8).
    (re.compile(r'PersistentVolumeClaim (?:was )?not found: "[^"]*"'), PVC_NOT_FOUND, "VolumeZone", OLDEST, 17),
    (re.compile(r'PersistentVolume (?:was )?not found: "[^"]*"'), PVC_UNBOUND, "VolumeZone", OLDEST, 17),
    # 1.4 the PVC/PV fetchers' own errors (pkg/client/cache/listers.go StoreToPVCFetcher; 1.3 `is not in cache`)
    (re.compile(r"PersistentVolumeClaim '[^']*' (?:not found|is not in cache)"), PVC_NOT_FOUND, "VolumeZone",
     OLDEST, OLDEST),
    (re.compile(r"PersistentVolume '[^']*' (?:not found|is not in cache)"), PVC_UNBOUND, "VolumeZone",
     OLDEST, OLDEST),
    # 1.9-1.11 scheduler.go assumeAndBindVolumes: a Normal FailedScheduling event while the binder works.
    (re.compile(r"Volume binding started, waiting for completion"), PVC_UNBOUND, "VolumeBinding", 9, 11),
    (re.compile(r"waiting for scheduling gates: .*"), GATED, "SchedulingGates", 26, LATEST),
    (re.compile(r"parsing pod: .*"), None, "InterPodAffinity", 19, LATEST),
    (re.compile(r'resourceclaim "[^"]*" is being deleted'), None, "DynamicResources", 26, LATEST),
    (re.compile(r"resource claim \S+ is in the process of being allocated"), None, "DynamicResources",
     26, LATEST),
    (re.compile(r"request \S+: device class \S+ does not exist"), None, "DynamicResources", 31, LATEST),
    (re.compile(r'pod "[^"]*": ResourceClaim not created yet'), None, "DynamicResources", 26, LATEST),
    (re.compile(r'resourceclaim(?:\.resource\.k8s\.io)? "[^"]*" not found'), None, "DynamicResources",
     26, LATEST),
    (re.compile(r"waiting for pods's workload \"[^\"]*\" to appear in scheduling queue"), None,
     "GangScheduling", 35, LATEST),
    (re.compile(r'pod group "[^"]*" doesn\'t exist for a workload "[^"]*"'), None, "GangScheduling", 35, LATEST),
    (re.compile(r"node declared features check failed - unsatisfied requirements: .*"), None,
     "NodeDeclaredFeatures", 35, LATEST),
)


def _split_taint(inner: str) -> tuple[str, str]:
    # Go renders `{%s: %s}`; a taint key never contains ": " (qualified name), the value may be empty.
    # Neither holds whitespace, so any inside is a line fold of the pasted message.
    key, sep, value = inner.partition(": ")
    if not sep:
        key, _, value = inner.partition(":")
    return "".join(key.split()), "".join(value.split())


def _taint_code(key: str) -> str:
    if key in NOT_READY_TAINTS:
        return NOT_READY
    if key == UNSCHEDULABLE_TAINT:
        return UNSCHEDULABLE
    return TAINT


def clean_text(text: str) -> str:
    # Pasted messages fold lines and may carry typographic apostrophes; the scheduler prints neither.
    return " ".join(text.replace("\u2019", "'").split())


@lru_cache(maxsize=4096)
def classify_reason(reason: str) -> ReasonInfo:
    """Map one reason (a histogram entry without its count) to its meaning."""
    # Histogram reasons never end in a period; a caller may pass one still carrying the message's.
    text = clean_text(reason).rstrip(".")
    hit = _EXACT.get(text)
    if hit is not None:
        return hit if hit.reason == text else _with_reason(hit, text)
    m: re.Match[str] | None
    code: str | None
    if m := _TAINT_NEW.fullmatch(text):
        k, v = _split_taint(m.group(1))
        return _r(text, f"node(s) had untolerated taint {{{k}: {v}}}", _taint_code(k), "TaintToleration", 24, 34,
                  canonical=R_TAINTS, taint_key=k, taint_value=v)
    if m := _TAINT_OLD.fullmatch(text):
        k, v = _split_taint(m.group(1))
        return _r(text, f"node(s) had untolerated taint {{{k}: {v}}}", _taint_code(k), "TaintToleration", 18, 23,
                  canonical=R_TAINTS, taint_key=k, taint_value=v)
    if m := _INSUFFICIENT.fullmatch(text):
        res = m.group(1)
        code = VOLUME_LIMIT if res.startswith("attachable-volumes-") else INSUFFICIENT
        return _r(text, None, code, "NodeResourcesFit", OLDEST, LATEST, resource=res)
    if m := _SATISFY.fullmatch(text):
        plugins = tuple(_NOT_EXCLUDED_PLUGIN.findall(m.group(2)))
        code = NODE_AFFINITY if "NodeAffinity" in plugins else None
        if m.group(3) or not m.group(1):
            # `... simultaneously` / single plugin: a PreFilter rejection of the whole pod (≥1.24).
            return _r(text, None, code, "framework", 24, LATEST, pod_level=True)
        # ≥1.32 SetAbsentNodesStatus: nodes a PreFilterResult left out (e.g. a DaemonSet pod pinned
        # to another node). They are not why the pod is pending.
        return _r(text, None, code, "framework", 32, LATEST, excluded=True)
    if (m := VOLCANO.fullmatch(text)) and classify_reason(m.group(2)).known:
        return _with_reason(classify_reason(m.group(2)), text)
    if m := _CSI_NOT_INSTALLED.fullmatch(text):
        return _r(text, None, VOLUME_AFFINITY, "NodeVolumeLimits", 35, LATEST)
    for pat, code, plugin, lo, hi in _POD_LEVEL:
        if pat.fullmatch(text):
            return _r(text, None, code, plugin, lo, hi, pod_level=True)
    folded = _unfold(text)
    if folded is not None:
        return _with_reason(folded, text)
    return ReasonInfo(reason=text, normalized=text, canonical=text, code=None, plugin=None, known=False)


# A message folded inside a word (a terminal's hard wrap, `kubectl describe` pasted from a narrow window)
# reads `node(s) didn't match node sel ector` once the lines are joined: the scheduler never prints such
# a reason, so an unknown reason that equals a known one but for whitespace is that one.
_SQUEEZED: dict[str, ReasonInfo] = {"".join(k.split()): v for k, v in _EXACT.items()}
_SQUEEZED_PATTERNS = (
    re.compile(r"Insufficient(\S+)"),
    re.compile(r"node\(s\)hadtaint\{([^{}]*)\},thatthepoddidn'ttolerate"),
    re.compile(r"node\(s\)haduntoleratedtaint\{([^{}]*)\}"),
)


def _unfold(text: str) -> ReasonInfo | None:
    squeezed = "".join(text.split())
    if squeezed == text or not squeezed:
        return None
    hit = _SQUEEZED.get(squeezed)
    if hit is not None:
        return hit
    for i, pat in enumerate(_SQUEEZED_PATTERNS):
        m = pat.fullmatch(squeezed)
        if m is None:
            continue
        if i == 0:
            return classify_reason(f"Insufficient {m.group(1)}")
        key, _, value = m.group(1).partition(":")
        taint = f"{{{key}: {value}}}"
        return classify_reason(f"node(s) had taint {taint}, that the pod didn't tolerate" if i == 1
                               else f"node(s) had untolerated taint {taint}")
    return None


def _with_reason(info: ReasonInfo, text: str) -> ReasonInfo:
    return ReasonInfo(reason=text, normalized=info.normalized, canonical=info.canonical, code=info.code,
                      plugin=info.plugin, taint_key=info.taint_key, taint_value=info.taint_value,
                      resource=info.resource, pod_level=info.pod_level, generic=info.generic,
                      excluded=info.excluded, first_minor=info.first_minor, last_minor=info.last_minor)


def pod_level_code(text: str) -> str | None:
    """Catalog code of a free-text pod-level error that EMBEDS a known rejection (SchedulerError texts)."""
    info = classify_reason(text)
    if info.known:
        return info.code
    for pat, code, _plugin, _lo, _hi in _POD_LEVEL:
        if code is not None and pat.search(text):
            return code
    for key in ("pod has unbound immediate PersistentVolumeClaims", "pod has unbound PersistentVolumeClaims"):
        if key in text:
            return PVC_UNBOUND
    return None


# ---- version sets ------------------------------------------------------------------------
def minor_span(lo: int, hi: int) -> frozenset[int]:
    return frozenset(range(lo, hi + 1))


ALL_MINORS = minor_span(OLDEST, LATEST)


def render_minors(minors: frozenset[int]) -> str:
    """{18..23} -> "1.18-1.23"; open ends render as ">=1.29" / "<=1.9"; several runs joined by ", "."""
    if not minors:
        return "unknown"
    if minors == ALL_MINORS:
        return "any"
    runs: list[tuple[int, int]] = []
    for m in sorted(minors):
        if runs and runs[-1][1] == m - 1:
            runs[-1] = (runs[-1][0], m)
        else:
            runs.append((m, m))
    out = []
    for lo, hi in runs:
        if hi == LATEST and lo != hi:
            out.append(f">=1.{lo}")
        elif lo == OLDEST and lo != hi:
            out.append(f"<=1.{hi}")
        elif lo == hi:
            out.append(f"1.{lo}")
        else:
            out.append(f"1.{lo}-1.{hi}")
    return ", ".join(out)


# ---- PostFilter reasons other than DefaultPreemption's -------------------------------------------
# DynamicResources' PostFilter (plugins/dynamicresources/dynamicresources.go, v1.32-v1.35), which runs
# before DefaultPreemption and is on by default from 1.34 (GA; apis/config/v1/default_plugins.go).
DRA_NO_CLAIMS = "no new claims to deallocate"  # the pod has no claims
DRA_STILL_UNSCHEDULABLE = "still not schedulable"  # claims, none to deallocate
DRA_POSTFILTER = (DRA_NO_CLAIMS, "deallocation of ResourceClaim completed", "deletion of ResourceClaim completed",
                  DRA_STILL_UNSCHEDULABLE, "plugin disabled")
# framework/cycle_state.go ErrNotFound: a PreFilter rejected the pod before DynamicResources' PreFilter
# (after every built-in one) ran, so its PostFilter cannot read its state; that error ends PostFilter
# and DefaultPreemption does not run.
DRA_NO_STATE = "not found"

