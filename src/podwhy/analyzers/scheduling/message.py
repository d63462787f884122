"""Parse kube-scheduler FailedScheduling messages of every version (1.4 -> 1.35) into counted reasons.

Mirrors how upstream assembles the text (semantics.md A1): the FitError histogram
(`pkg/scheduler/framework/types.go` FitError.Error; ≤1.20 `pkg/scheduler/core/generic_scheduler.go`),
the PreFilter message rendered without counts from 1.26, the DefaultPreemption tail from 1.24
(`framework/plugins/defaultpreemption/default_preemption.go`), the 1.26-1.28 `" %v."` separator that
leaves a double period, the 1024-byte event truncation (`schedule_one.go` truncateMessage), the raw
error texts of ≤1.19 volume checks and SchedulerError paths, and the client-go
`(combined from similar events): ` prefix. Every reason string below names the plugin/predicate file
and the minor versions where upstream prints it (semantics.md A2.0, A1.4, A2.15).

`classify_reason` maps ONE reason to its current upstream wording, the catalog code and the taint
or resource it names; `parse_failed_scheduling` parses a whole message (also the ≤1.9 legacy
shapes and Volcano's `nodes are unavailable` variant); `ranked_codes` orders its codes by how much
they explain when no Node objects are at hand. Nothing is "fixed": counts that sum above or below N
are kept as printed (see `ParsedMessage.count_delta`). `version_hint` is the set of minors whose
grammar (A1.2) and reason wording (A2.0) both fit, e.g. "1.18-1.23", "1.26-1.28", "1.24-1.25, >=1.29".

All regexes are anchored or use bounded, non-nested character classes, so a 100 KB message parses
in linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
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
    _r(R_TAINTS, None, TAINT, "TaintToleration", 35, LATEST),
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
    _r("PersistentVolumeClaim had no name", None, None, "VolumeZone", 14, LATEST, pod_level=True),
    _r("PersistentVolumeClaim had no pv name and storageClass name", None, SC_NOT_FOUND, "VolumeZone",
       14, LATEST, pod_level=True),
    _r("PersistentVolume had no name", None, None, "VolumeZone", 14, LATEST, pod_level=True),
    # PodTopologySpread (podtopologyspread/filtering.go)
    _r("node(s) didn't match pod topology spread constraints", None, TOPOLOGY, "PodTopologySpread", 16, LATEST),
    _r("node(s) didn't match pod topology spread constraints (missing required label)", None, TOPOLOGY,
       "PodTopologySpread", 20, LATEST),
    # InterPodAffinity (interpodaffinity/filtering.go; ≤1.21 also the generic companion reason)
    _r("node(s) didn't match pod affinity/anti-affinity", None, POD_AFFINITY, "InterPodAffinity", 10, 20,
       generic=True),
    _r("node(s) didn't match pod affinity/anti-affinity rules", None, POD_AFFINITY, "InterPodAffinity", 21, 21,
       generic=True),
    _r("MatchInterPodAffinity", "node(s) didn't match pod affinity/anti-affinity", POD_AFFINITY,
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
    # Node-condition predicates, only without TaintNodesByCondition (≤1.17; predicates/error.go)
    _r("node(s) were not ready", None, NOT_READY, "CheckNodeCondition", 10, 17),
    _r("node(s) had unknown conditions", None, NOT_READY, "CheckNodeCondition", 10, 17),
    _r("node(s) had unavailable network", None, NOT_READY, "CheckNodeCondition", 10, 17),
    _r("node(s) were out of disk space", None, DISK_FULL, "CheckNodeCondition", 10, 12),
    _r("node(s) had disk pressure", None, DISK_FULL, "CheckNodeCondition", 10, 17),
    _r("node(s) had memory pressure", None, INSUFFICIENT, "CheckNodeCondition", 10, 17),
    _r("node(s) had pid pressure", None, INSUFFICIENT, "CheckNodeCondition", 10, 17),
    _r("NodeNotReady", "node(s) were not ready", NOT_READY, "CheckNodeCondition", OLDEST, _L),
    _r("NodeUnknownCondition", "node(s) had unknown conditions", NOT_READY, "CheckNodeCondition", OLDEST, _L),
    _r("NodeNetworkUnavailable", "node(s) had unavailable network", NOT_READY, "CheckNodeCondition",
       OLDEST, _L),
    _r("NodeOutOfDisk", "node(s) were out of disk space", DISK_FULL, "CheckNodeCondition", OLDEST, _L),
    _r("NodeUnderDiskPressure", "node(s) had disk pressure", DISK_FULL, "CheckNodeCondition", OLDEST, _L),
    _r("NodeUnderMemoryPressure", "node(s) had memory pressure", INSUFFICIENT, "CheckNodeCondition",
       OLDEST, _L),
    _r("NodeUnderPIDPressure", "node(s) had pid pressure", INSUFFICIENT, "CheckNodeCondition", OLDEST, _L),
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
_CSI_NOT_INSTALLED = re.compile(r"(\S+) CSI driver is not installed on the node")  # 1.35 VolumeLimitScaling
_NOT_EXCLUDED_PLUGIN = re.compile(r"[A-Za-z]+")
_POD_LEVEL: tuple[tuple[re.Pattern[str], str | None, str, int, int], ...] = (
    # (pattern, code, plugin, first, last) — VolumeBinding PreFilter (volume_binding.go podHasPVCs),
    # ≤1.19 generic_scheduler podPassesBasicChecks, lister NotFound texts.
    (re.compile(r'persistentvolumeclaim "[^"]*" not found'), PVC_NOT_FOUND, "VolumeBinding", OLDEST, LATEST),
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
    (re.compile(r'VolumeBindingMode not set for StorageClass "[^"]*"'), None, "VolumeZone", 14, LATEST),
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
    key, sep, value = inner.partition(": ")
    if not sep:
        key, _, value = inner.partition(":")
    return key.strip(), value.strip()


def _taint_code(key: str) -> str:
    if key in NOT_READY_TAINTS:
        return NOT_READY
    if key == UNSCHEDULABLE_TAINT:
        return UNSCHEDULABLE
    return TAINT


def _clean(text: str) -> str:
    # Pasted messages fold lines and may carry typographic apostrophes; the scheduler prints neither.
    return " ".join(text.replace("\u2019", "'").split())


@lru_cache(maxsize=4096)
def classify_reason(reason: str) -> ReasonInfo:
    """Map one reason (a histogram entry without its count) to its meaning."""
    # Histogram reasons never end in a period; a caller may pass one still carrying the message's.
    text = _clean(reason).rstrip(".")
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
    if (m := _VOLCANO.fullmatch(text)) and classify_reason(m.group(2)).known:
        return _with_reason(classify_reason(m.group(2)), text)
    if m := _CSI_NOT_INSTALLED.fullmatch(text):
        return _r(text, None, VOLUME_AFFINITY, "NodeVolumeLimits", 35, LATEST)
    for pat, code, plugin, lo, hi in _POD_LEVEL:
        if pat.fullmatch(text):
            return _r(text, None, code, plugin, lo, hi, pod_level=True)
    return ReasonInfo(reason=text, normalized=text, canonical=text, code=None, plugin=None, known=False)


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
def _span(lo: int, hi: int) -> frozenset[int]:
    return frozenset(range(lo, hi + 1))


ALL_MINORS = _span(OLDEST, LATEST)


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


# ---- whole messages ----------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedMessage:
    """One FailedScheduling message (event note or PodScheduled condition message), parsed."""

    total_nodes: int | None = None  # N of `0/N`
    histogram: dict[str, int] = field(default_factory=dict)  # reason as printed -> count
    prefilter: str | None = None  # uncounted pod-level rejection (≥1.26), or the one inside a raw error
    preemption: ParsedMessage | None = None  # nested `preemption: 0/N nodes are available: ...`
    preemption_text: str | None = None  # any other preemption tail (`not eligible due to ...`)
    no_nodes: bool = False  # `no nodes available to schedule pods`
    raw: str | None = None  # messages without the 0/N histogram (raw errors)
    truncated: bool = False  # event note cut at 1024 bytes and ended with ` ...`
    partial: str | None = None  # the entry the truncation cut through (not in histogram)
    version_hint: str = "unknown"  # minors whose grammar and wording fit, e.g. "1.18-1.23", ">=1.29"
    grammar: str = ""  # histogram | prefilter | raw | no-nodes | legacy-per-node | legacy-summary | unparsed
    normalized: dict[str, int] = field(default_factory=dict)  # current upstream wording -> count
    codes: dict[str, int] = field(default_factory=dict)  # catalog code -> node count
    entries: tuple[tuple[int, ReasonInfo], ...] = ()  # every histogram entry, classified, as printed order
    combined: bool = False  # had the client-go `(combined from similar events): ` prefix
    repeated: int | None = None  # `(repeated N times)` of ≤1.16 aggregated raw errors
    per_node: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 1.4-era `fit failure on node`
    double_period: bool = False  # 1.26-1.28 `..` after the preemption tail

    @property
    def counts_sum(self) -> int:
        return sum(self.histogram.values())

    @property
    def count_delta(self) -> int | None:
        """Sum of counts minus N: >0 when plugins gave several reasons per node, <0 when nodes were left out."""
        return None if self.total_nodes is None or not self.histogram else self.counts_sum - self.total_nodes

    @property
    def pod_rejection(self) -> str | None:
        """The whole-pod rejection, whatever the version printed it as (uncounted, counted or raw)."""
        if self.prefilter:
            return self.prefilter
        for _n, info in self.entries:
            if info.pod_level:
                return info.reason
        return None

    @property
    def unknown_reasons(self) -> dict[str, int]:
        return {info.reason: n for n, info in self.entries if not info.known}


_PREFIX_COMBINED = "(combined from similar events): "
# Volcano prints `0/N nodes are unavailable: 1 plugin <P> predicates failed <reason>, ...`.
_ANCHOR = re.compile(r"0/(\d+) nodes are (?:un)?available")
_VOLCANO = re.compile(r"plugin (\S+) predicates failed (.+)")
_SPLIT = re.compile(r", (?=\d+ )")
_ENTRY = re.compile(r"(\d+) (.+)")
_REPEATED = re.compile(r"(.*) \(repeated (\d+) times\)")
_FILTER_WRAP = re.compile(r'(?:error while )?running "([^"]+)" filter plugin for pod "([^"]*)": (.*)')
_SCHED_ERR = re.compile(r"running (PreFilter|Reserve|Permit|PreBind|Bind|PostFilter) plugin \"([^\"]+)\": (.*)")
_FILTER_ERR = re.compile(r'running "([^"]+)" filter plugin: (.*)')
_LEGACY_FIT = re.compile(r"fit failure on node \(([^()\n]*)\): ([^\n]*)")
_LEGACY_SUMMARY = re.compile(
    r"(?:.*?failed to fit in any node[ \n-]*)?fit failure summary on nodes ?: (.*)|"
    r"No nodes are available that match all of the (?:following )?predicates:+ ?(.*)", re.DOTALL)
_LEGACY_ENTRY = re.compile(r"(.+) \((\d+)\)")
NO_NODES_TEXT = "no nodes available to schedule pods"
# Preemption tails that are not a histogram (defaultpreemption PostFilter / preemption.go).
_TAIL_TEXTS = ("not eligible due to preemptionPolicy=Never.",
               "not eligible due to a terminating pod on the nominated node.",
               "no candidate node for preemption")


def _strip_periods(s: str) -> tuple[str, int]:
    s = s.rstrip()
    n = 0
    while n < 2 and s.endswith("."):
        s = s[:-1].rstrip()
        n += 1
    return s, n


def parse_failed_scheduling(message: str) -> ParsedMessage:
    """Parse any scheduler version's FailedScheduling text. Never raises."""
    text = message.strip()
    combined = False
    if text.startswith(_PREFIX_COMBINED):
        text, combined = text[len(_PREFIX_COMBINED):].lstrip(), True
    truncated = text.endswith(" ...")
    if truncated:
        text = text[:-4]
    if _LEGACY_FIT.search(text) and "0/" not in text[:40]:
        return _parse_legacy_per_node(text, combined, truncated)
    flat = _clean(text)
    m = _ANCHOR.search(flat)
    if m is None:
        return _parse_without_histogram(text, flat, combined, truncated)
    prefix = flat[:m.start()].rstrip()
    body = flat[m.end():]
    if prefix.endswith("preemption:"):
        # The head `0/N nodes are available:` was cut off (a pasted excerpt): what precedes the
        # preemption tail is the main message, N unknown.
        head = prefix[:-len("preemption:")].strip()
        return _parse_histogram_form(None, ": " + head + " preemption: " + flat[m.start():], combined,
                                     truncated, nested=False)
    if prefix.endswith("(") and body.endswith(")"):
        body = body[:-1]  # a tool quoted the message in parentheses
    parsed = _parse_histogram_form(int(m.group(1)), body, combined, truncated, nested=False)
    if "unavailable" in m.group(0):
        parsed = replace(parsed, version_hint="volcano")
    return parsed


def _parse_histogram_form(total: int | None, body: str, combined: bool, truncated: bool, *, nested: bool) -> ParsedMessage:
    body = body[1:].lstrip() if body.startswith(":") else body.lstrip(". ")
    main, sep, tail = body.partition(" preemption: ") if not nested else (body, "", "")
    if not sep and main.startswith("preemption: "):
        main, sep, tail = "", " ", main[len("preemption: "):]
    cut_main = truncated and not sep
    main, _ = _strip_periods(main)
    histogram: dict[str, int] = {}
    entries: list[tuple[int, ReasonInfo]] = []
    prefilter: str | None = None
    partial: str | None = None
    if main:
        pieces = _SPLIT.split(main)
        if _ENTRY.fullmatch(pieces[0]) is None:
            prefilter = main  # ≥1.26: PreFilter message printed without a count
        else:
            if cut_main:
                partial = pieces.pop()
            for piece in pieces:
                em = _ENTRY.fullmatch(piece)
                if em is None:  # cannot happen after the split; keep the text rather than lose it
                    partial = piece if partial is None else partial
                    continue
                n, reason = int(em.group(1)), em.group(2)
                histogram[reason] = histogram.get(reason, 0) + n
                entries.append((n, classify_reason(reason)))
    preemption: ParsedMessage | None = None
    preemption_text: str | None = None
    double = False
    tail_minors = ALL_MINORS
    if sep:
        t = tail.strip()
        double = t.endswith("..") and not truncated
        if _ANCHOR.match(t):
            am = _ANCHOR.match(t)
            assert am is not None
            preemption = _parse_histogram_form(int(am.group(1)), t[am.end():], False, truncated, nested=True)
            if truncated:  # the cut removed the ending that tells 1.26-1.28 from the others
                tail_minors = _span(24, LATEST)
            else:
                tail_minors = _span(26, 28) if double else _span(24, 25) | _span(29, LATEST)
        else:
            bare, _ = _strip_periods(t)
            preemption_text = next((k for k in _TAIL_TEXTS if k.rstrip(".") == bare), None)
            if preemption_text is None:
                preemption_text = t[:-1] if double else t
            elif not double and t.endswith(".") and not preemption_text.endswith("."):
                double = True  # `no candidate node for preemption.` only ends in a period in 1.26-1.28
            if double:
                tail_minors = _span(26, 28)
            elif not truncated and preemption_text.endswith("."):
                tail_minors = _span(24, 25) | _span(29, LATEST)
            else:
                tail_minors = _span(24, LATEST)
    normalized, codes = _normalize(entries)
    if prefilter is not None:
        info = classify_reason(prefilter)
        code = info.code if info.known else pod_level_code(prefilter)
        if code:
            every = total if total is not None else (preemption.total_nodes if preemption is not None else None)
            codes[code] = codes.get(code, 0) + (every or 1)
    if total == 0 and not histogram and prefilter is None:
        codes[NO_NODES] = 0
    # Version evidence: grammar first, then the wording of each reason while it keeps a non-empty set.
    minors = _span(9, LATEST)  # the `0/N nodes are available` form appeared in 1.9
    if prefilter is not None:
        minors &= _span(26, LATEST)
    elif any(info.pod_level for _n, info in entries):
        minors &= _span(19, 25)
    if sep:
        minors &= tail_minors
    vocab = [info for _n, info in entries if info.known]
    if preemption is not None:
        vocab.extend(info for _n, info in preemption.entries if info.known)
    if prefilter is not None and classify_reason(prefilter).known:
        vocab.append(classify_reason(prefilter))
    for info in vocab:
        narrowed = minors & _span(info.first_minor, info.last_minor)
        if narrowed:
            minors = narrowed
    return ParsedMessage(
        total_nodes=total, histogram=histogram, prefilter=prefilter, preemption=preemption,
        preemption_text=preemption_text, truncated=truncated, partial=partial,
        version_hint=render_minors(minors), grammar="prefilter" if prefilter is not None else "histogram",
        normalized=normalized, codes=codes, entries=tuple(entries), combined=combined, double_period=double,
    )


def _normalize(entries: list[tuple[int, ReasonInfo]]) -> tuple[dict[str, int], dict[str, int]]:
    # ≤1.21 InterPodAffinity printed a generic reason next to the specific one for the same node:
    # drop the generic one when a specific InterPodAffinity reason is there to carry the count.
    has_specific = any(i.plugin == "InterPodAffinity" and not i.generic and i.known for _n, i in entries)
    normalized: dict[str, int] = {}
    codes: dict[str, int] = {}
    for n, info in entries:
        if info.generic and has_specific:
            continue
        normalized[info.normalized] = normalized.get(info.normalized, 0) + n
        if info.code and not info.excluded:
            codes[info.code] = codes.get(info.code, 0) + n
    return normalized, codes


def _parse_without_histogram(text: str, flat: str, combined: bool, truncated: bool) -> ParsedMessage:
    if flat.rstrip(".") == NO_NODES_TEXT:
        return ParsedMessage(no_nodes=True, codes={NO_NODES: 0}, grammar="no-nodes", combined=combined,
                             truncated=truncated, version_hint="any")
    lm = _LEGACY_SUMMARY.fullmatch(flat)
    if lm is not None:
        return _parse_legacy_summary(lm.group(1) if lm.group(1) is not None else lm.group(2), flat,
                                     combined, truncated)
    raw = flat
    repeated: int | None = None
    inner = flat
    minors = ALL_MINORS
    wrapped = False
    if rm := _REPEATED.fullmatch(inner):
        # ≤1.16: apimachinery errors.CreateAggregateFromMessageCountMap over the nodes that errored.
        inner, repeated = rm.group(1), int(rm.group(2))
        minors = _span(OLDEST, 16)
    if fm := _FILTER_WRAP.fullmatch(inner):
        # 1.17 `error while running %q filter plugin for pod %q: %v`, 1.18 without "error while".
        inner, wrapped = fm.group(3), True
        minors = _span(17, 17) if flat.startswith("error while") else _span(18, 18)
    elif sm := _SCHED_ERR.fullmatch(inner):
        inner, wrapped = sm.group(3), True
        minors = _span(19, LATEST)
    elif fe := _FILTER_ERR.fullmatch(inner):
        inner, wrapped = fe.group(2), True
        minors = _span(19, LATEST)
    inner, _ = _strip_periods(inner)
    info = classify_reason(inner)
    code = info.code if info.known else pod_level_code(inner)
    prefilter = inner if info.known and info.pod_level else None
    if info.known:
        minors = (minors & _span(info.first_minor, info.last_minor)) or minors
    if prefilter is not None and not wrapped:
        # Raw PVC errors without a wrapper are the ≤1.19 podPassesBasicChecks / volume binder texts.
        minors = (minors & _span(OLDEST, 19)) or minors
    sm = _SCHED_ERR.fullmatch(flat)
    if sm is not None and sm.group(1) == "PreBind" and sm.group(2) == "VolumeBinding" and code is None:
        code = PVC_UNBOUND  # binding/provisioning the claims failed or timed out
    codes = {code: repeated or 1} if code else {}
    grammar = "raw" if flat else "unparsed"
    return ParsedMessage(raw=raw, prefilter=prefilter, codes=codes, repeated=repeated, combined=combined,
                         truncated=truncated, grammar=grammar, version_hint=render_minors(minors))


def _parse_legacy_summary(body: str, flat: str, combined: bool, truncated: bool) -> ParsedMessage:
    # 1.5-1.6 `fit failure summary on nodes : R (n), ...`; 1.6-1.8
    # `No nodes are available that match all of the (following )predicates:: R (n), ...`.
    body, _ = _strip_periods(body)
    histogram: dict[str, int] = {}
    entries: list[tuple[int, ReasonInfo]] = []
    for piece in body.split(", "):
        em = _LEGACY_ENTRY.fullmatch(piece.strip())
        if em is None:
            continue
        n, reason = int(em.group(2)), em.group(1)
        histogram[reason] = histogram.get(reason, 0) + n
        entries.append((n, classify_reason(reason)))
    normalized, codes = _normalize(entries)
    minors = _span(5, 6) if "fit failure summary" in flat else _span(6, 8)
    return ParsedMessage(histogram=histogram, normalized=normalized, codes=codes, entries=tuple(entries),
                         grammar="legacy-summary", version_hint=render_minors(minors), combined=combined,
                         truncated=truncated)


def _parse_legacy_per_node(text: str, combined: bool, truncated: bool) -> ParsedMessage:
    # ≤1.5: `pod (x) failed to fit in any node` then one `fit failure on node (n): reasons` line per node.
    per_node: dict[str, tuple[str, ...]] = {}
    for fm in _LEGACY_FIT.finditer(text):
        reasons = tuple(r.strip() for r in fm.group(2).strip().rstrip(".").split(", ") if r.strip())
        per_node[fm.group(1)] = reasons
    counts: dict[str, int] = {}
    for reasons in per_node.values():
        for r in dict.fromkeys(reasons):
            counts[r] = counts.get(r, 0) + 1
    entries = [(n, classify_reason(r)) for r, n in counts.items()]
    normalized, codes = _normalize(entries)
    return ParsedMessage(total_nodes=len(per_node) or None, histogram=counts, normalized=normalized,
                         codes=codes, entries=tuple(entries), per_node=per_node, grammar="legacy-per-node",
                         version_hint=render_minors(_span(OLDEST, 5)), combined=combined, truncated=truncated)


# ---- which code explains the message best -------------------------------------------------
# Reasons that say "the pod does not want / cannot share this node" rather than why it cannot run:
# its own nodeSelector/affinity and nodeName (UnschedulableAndUnresolvable by design), and host-port
# clashes, which on most nodes mean the same workload already holds the port there (DaemonSets,
# one-per-node Deployments). The cause worth fixing is on the nodes that remain.
_TARGETING = frozenset({
    "node(s) didn't match Pod's node affinity/selector", "node(s) didn't match the requested node name",
    "node(s) didn't have free ports for the requested pod ports",
})
# Control-plane nodes are not meant for workloads: their taint is rarely the thing to change.
_NOISE_TAINTS = frozenset({"node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"})
# Codes whose reasons are UnschedulableAndUnresolvable (A2.0 "UU"): preemption cannot fix them, so on a
# tie they explain more than resource shortages do.
_HARD = frozenset({UNSCHEDULABLE, NODE_NAME, TAINT, NOT_READY, NODE_AFFINITY, POD_AFFINITY, VOLUME_AFFINITY,
                   PVC_UNBOUND, PVC_NOT_FOUND, SC_NOT_FOUND, GATED, NO_NODES})


def ranked_codes(parsed: ParsedMessage) -> list[tuple[str, int]]:
    """Catalog codes of a parsed message, most explanatory first, with their node counts.

    Order: a whole-pod rejection; then codes from reasons on nodes the pod targets (not its own
    selector/nodeName/host-port exclusions, not control-plane taints) by node count, unresolvable
    first on a tie; then the selector/nodeName/host-port codes; then control-plane taints.
    A heuristic for messages read without the cluster's nodes; a recomputation knows better.
    """
    if parsed.no_nodes:
        return [(NO_NODES, 0)]
    first: list[tuple[str, int]] = []
    rejection = parsed.pod_rejection
    if rejection is not None:
        code = classify_reason(rejection).code or pod_level_code(rejection)
        if code:
            first.append((code, parsed.codes.get(code, 0)))
    if not parsed.entries and parsed.codes and not first:
        return sorted(parsed.codes.items(), key=lambda kv: (-kv[1], kv[0]))
    real: dict[str, int] = {}
    targeting: dict[str, int] = {}
    noise: dict[str, int] = {}
    has_specific = any(i.plugin == "InterPodAffinity" and not i.generic and i.known for _n, i in parsed.entries)
    for n, info in parsed.entries:
        if info.code is None or info.excluded or (info.generic and has_specific) or info.pod_level:
            continue
        if info.normalized in _TARGETING:
            bucket = targeting
        elif info.taint_key in _NOISE_TAINTS:
            bucket = noise
        else:
            bucket = real
        bucket[info.code] = bucket.get(info.code, 0) + n
    ranked = list(first)
    for d in (real, targeting, noise):
        done = {c for c, _n in ranked}
        ranked += sorted(((c, n) for c, n in d.items() if c not in done),
                         key=lambda kv: (-kv[1], kv[0] not in _HARD, kv[0]))
    return ranked
