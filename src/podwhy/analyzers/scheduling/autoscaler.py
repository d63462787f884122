"""Why the node autoscaler does (not) add a node for a pending pod: cluster-autoscaler and Karpenter.

Mirrors cluster-autoscaler's pod events (semantics.md A4.1;
`cluster-autoscaler/processors/status/eventing_scale_up_processor.go` ReasonsMessage and
`processors/nodegroupset/nodegroup_set_processor.go` ScaleUpInfo.String), the skipped/rejected
reason strings (`core/scale_up.go` ≤1.24, `core/scaleup/orchestrator/{skippedreasons,rejectedreasons}.go`
≥1.28), the `cluster-autoscaler-status` ConfigMap in both formats (A4.2; ≤1.29 text of
`clusterstate/api/utils.go` GetReadableString + `clusterstate/clusterstate.go` buildHealthStatusNodeGroup,
≥1.30 YAML of `clusterstate/api/types.go`) and the LogRecorder events CA writes on that map
(`core/scaleup/orchestrator/executor.go`, `clusterstate/clusterstate.go`), and Karpenter's pod events
(kubernetes-sigs/karpenter `pkg/controllers/provisioning/scheduling/events.go`).

`autoscaler_findings` FUSES the pod's events with the status map: the event says how many node
groups were skipped or rejected and why, the map says which groups and their sizes/backoff errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.scheduling.message import parse_failed_scheduling
from podwhy.analyzers.scheduling.reasons import ReasonInfo, classify_reason
from podwhy.findings import Evidence, Finding, Fix
from podwhy.model import ConfigMapInfo, Event
from podwhy.timeutil import age, human_duration

NO_SCALE_UP = "autoscaler.no-scale-up"
SCALE_UP_IN_PROGRESS = "autoscaler.scale-up-in-progress"
STATUS_CONFIGMAP = "cluster-autoscaler-status"
RANK = 40  # after the scheduler's own cause (~30)
RANK_COMING = 45
# CA's --max-node-provision-time default: a scale-up older than this that still has not produced a
# Ready node is treated by CA itself as failed (ScaleUpTimedOut, backoff).
PROVISION_WINDOW_S = 15 * 60

# ---- NotTriggerScaleUp / TriggeredScaleUp ------------------------------------------------------
_NOT_TRIGGERED_OLD = "pod didn't trigger scale-up (it wouldn't fit if a new node is added):"  # CA 1.14-1.19
_NOT_TRIGGERED_NEW = "pod didn't trigger scale-up:"  # CA 1.20+
_MAX_TOTAL = "max total nodes in cluster reached"  # ≥1.34, replaces the whole list
_SPLIT = re.compile(r", (?=\d+ )")
_ENTRY = re.compile(r"(\d+) (.+)")
_SCALE_UP_INFO = re.compile(r"\{(\S+) (\d+)->(\d+) \(max: (\d+)\)\}")
_TRIGGERED = "pod triggered scale-up:"

# Skipped-group reasons (CA `core/scale_up.go` ≤1.24; `core/scaleup/orchestrator/skippedreasons.go` ≥1.28).
SKIP_MAX_SIZE = "max-size"
SKIP_BACKOFF = "backoff"
SKIP_NOT_READY = "not-ready"
SKIP_CLUSTER_LIMIT = "cluster-limit"
SKIP_QUOTA = "quota"
CA_OTHER = "ca-other"
_SKIPPED_EXACT = {
    "max node group size reached": SKIP_MAX_SIZE,  # 1.16→
    "max limit reached": SKIP_MAX_SIZE,  # 1.14-1.15
    "in backoff after failed scale-up": SKIP_BACKOFF,  # 1.14→
    "not ready for scale-up": SKIP_NOT_READY,  # 1.14→
    "atomic scale-up exceeds cluster node count limit": SKIP_CLUSTER_LIMIT,  # 1.28→
    _MAX_TOTAL: SKIP_CLUSTER_LIMIT,
    # Rejected reasons that are CA's own, not a scheduler filter (rejectedreasons.go).
    "not all pods would fit and scale-up is using all-or-nothing strategy": CA_OTHER,
    "expansion options filtered out and no longer considered": CA_OTHER,
    "scale-up execution failed": CA_OTHER,
    "stockout": CA_OTHER,
}
_SKIPPED_CLUSTER = re.compile(r"max cluster (.+) limit reached")  # 1.16-1.34 `max cluster %s limit reached`
_SKIPPED_QUOTA = re.compile(r'exceeded quota: "([^"]*)", resources: (.+)')  # 1.35
_CANT_SCHEDULE = re.compile(r"can't schedule pod (\S+): (.+)")  # ≥1.32 non-predicate failures


@dataclass(frozen=True, slots=True)
class CAReason:
    reason: str
    count: int  # node GROUPS, not nodes
    kind: str  # one of the SKIP_* / CA_OTHER constants, or "rejected" (a scheduler filter on the template)
    info: ReasonInfo | None = None  # the scheduler reason, for rejected ones


@dataclass(frozen=True)
class NotTriggered:
    message: str
    wording: str  # "1.14-1.19" or ">=1.20" (CA minor)
    reasons: tuple[CAReason, ...] = ()
    max_total_nodes: bool = False

    def of_kind(self, kind: str) -> list[CAReason]:
        return [r for r in self.reasons if r.kind == kind]


@dataclass(frozen=True, slots=True)
class ScaleUp:
    group: str
    current: int
    target: int
    max_size: int


def _strip_combined(message: str) -> str:
    text = message.strip()
    prefix = "(combined from similar events): "
    return text[len(prefix):] if text.startswith(prefix) else text


def classify_ca_reason(reason: str, count: int = 1) -> CAReason:
    text = " ".join(reason.split()).rstrip(".")
    kind = _SKIPPED_EXACT.get(text)
    if kind is not None:
        return CAReason(text, count, kind)
    if _SKIPPED_CLUSTER.fullmatch(text):
        return CAReason(text, count, SKIP_CLUSTER_LIMIT)
    if _SKIPPED_QUOTA.fullmatch(text):
        return CAReason(text, count, SKIP_QUOTA)
    if m := _CANT_SCHEDULE.fullmatch(text):
        inner = m.group(2).removeprefix("unexpected error: ")
        info = classify_reason(inner)
        return CAReason(text, count, "rejected" if info.known else CA_OTHER, info if info.known else None)
    return CAReason(text, count, "rejected", classify_reason(text))


def parse_not_triggered(message: str) -> NotTriggered | None:
    """Parse a NotTriggerScaleUp message (both CA wordings). None if it is not one."""
    text = " ".join(_strip_combined(message).split())
    if text.startswith(_NOT_TRIGGERED_OLD):
        wording, rest = "1.14-1.19", text[len(_NOT_TRIGGERED_OLD):]
    elif text.startswith(_NOT_TRIGGERED_NEW):
        wording, rest = ">=1.20", text[len(_NOT_TRIGGERED_NEW):]
    else:
        return None
    rest = rest.strip().rstrip(".")
    if rest == _MAX_TOTAL:
        return NotTriggered(message, wording, (CAReason(rest, 0, SKIP_CLUSTER_LIMIT),), max_total_nodes=True)
    reasons: list[CAReason] = []
    for piece in _SPLIT.split(rest) if rest else []:
        em = _ENTRY.fullmatch(piece.strip())
        if em is None:
            reasons.append(classify_ca_reason(piece, 0))
        else:
            reasons.append(classify_ca_reason(em.group(2), int(em.group(1))))
    return NotTriggered(message, wording, tuple(reasons))


def parse_triggered(message: str) -> tuple[ScaleUp, ...] | None:
    """Parse `pod triggered scale-up: [{my-ng 3->4 (max: 10)} ...]`. None if it is not one."""
    text = _strip_combined(message)
    if not text.startswith(_TRIGGERED):
        return None
    return tuple(ScaleUp(m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4)))
                 for m in _SCALE_UP_INFO.finditer(text))


# ---- cluster-autoscaler-status ConfigMap ------------------------------------------------------
@dataclass(frozen=True)
class GroupStatus:
    name: str
    health: str | None = None  # Healthy | Unhealthy
    counts: dict[str, int] = field(default_factory=dict)  # ready, unready, notStarted, registered, ...
    cloud_provider_target: int | None = None
    min_size: int | None = None
    max_size: int | None = None
    scale_up: str | None = None  # Needed | NotNeeded | InProgress | NoActivity | Backoff
    backoff_code: str | None = None
    backoff_message: str | None = None
    scale_down: str | None = None
    text: str = ""  # the map's own lines for this group, quoted as evidence

    @property
    def at_max(self) -> bool:
        return (self.max_size is not None and self.cloud_provider_target is not None
                and self.cloud_provider_target >= self.max_size)

    def size_text(self) -> str:
        parts = []
        if self.cloud_provider_target is not None and self.max_size is not None:
            parts.append(f"{self.cloud_provider_target}/{self.max_size} nodes")
        if self.min_size is not None or self.max_size is not None:
            parts.append(f"minSize={self.min_size}, maxSize={self.max_size}")
        return "; ".join(parts)


@dataclass(frozen=True)
class AutoscalerStatus:
    format: str  # "text" (≤1.29) | "yaml" (≥1.30)
    time: str | None = None
    autoscaler_status: str | None = None  # Running | Initializing (yaml); "Initializing" text
    cluster_health: str | None = None
    cluster_counts: dict[str, int] = field(default_factory=dict)
    cluster_scale_up: str | None = None
    groups: tuple[GroupStatus, ...] = ()
    cluster_text: str = ""

    def group(self, name: str) -> GroupStatus | None:
        return next((g for g in self.groups if g.name == name), None)


_COND = re.compile(r"\s*(Health|ScaleUp|ScaleDown):\s+(\S+)(?: \((.*)\))?\s*")
_KV = re.compile(r"(\w+)=(\d+)")
_TEXT_TIME = re.compile(r"Cluster-autoscaler status at (.+?):\s*$", re.MULTILINE)


def parse_status(text: str) -> AutoscalerStatus | None:
    """Parse the `status` key of cluster-autoscaler-status in either format."""
    if not text or not text.strip():
        return None
    if "Cluster-wide:" in text or text.lstrip().startswith("Cluster-autoscaler status at"):
        return _parse_status_text(text)
    import yaml  # only for the (rare) YAML status: the scheduling analyzer's import does not pay for PyYAML

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if isinstance(doc, dict) and ("clusterWide" in doc or "nodeGroups" in doc or "autoscalerStatus" in doc):
        return _parse_status_yaml(doc, text)
    return None


def _counts(msg: str | None) -> dict[str, int]:
    return {k: int(v) for k, v in _KV.findall(msg or "")}


def _parse_status_text(text: str) -> AutoscalerStatus:
    tm = _TEXT_TIME.search(text)
    lines = text.splitlines()
    section = ""
    cluster: dict[str, tuple[str, str | None]] = {}
    cluster_lines: list[str] = []
    groups: list[dict[str, Any]] = []
    for line in lines:
        stripped = line.strip()
        if stripped == "Cluster-wide:":
            section = "cluster"
            continue
        if stripped == "NodeGroups:":
            section = "groups"
            continue
        if stripped.startswith("Name:") and section == "groups":
            groups.append({"name": stripped[len("Name:"):].strip(), "lines": [stripped]})
            continue
        cm = _COND.fullmatch(line)
        if cm is None:
            continue
        kind, status, msg = cm.group(1), cm.group(2), cm.group(3)
        if section == "cluster":
            cluster[kind] = (status, msg)
            cluster_lines.append(stripped)
        elif section == "groups" and groups:
            groups[-1][kind] = (status, msg)
            groups[-1]["lines"].append(stripped)
    out: list[GroupStatus] = []
    for g in groups:
        health = g.get("Health")
        counts = _counts(health[1] if health else None)
        scale_up = g.get("ScaleUp")
        scale_down = g.get("ScaleDown")
        out.append(GroupStatus(
            name=g["name"], health=health[0] if health else None, counts=counts,
            cloud_provider_target=counts.get("cloudProviderTarget"),
            min_size=counts.get("minSize", counts.get("min")), max_size=counts.get("maxSize", counts.get("max")),
            scale_up=scale_up[0] if scale_up else None, scale_down=scale_down[0] if scale_down else None,
            text="\n".join(g["lines"]),
        ))
    ch = cluster.get("Health")
    initializing = "Initializing" if not cluster and "Initializing" in text else None
    return AutoscalerStatus(
        format="text", time=tm.group(1).strip() if tm else None, autoscaler_status=initializing,
        cluster_health=ch[0] if ch else None, cluster_counts=_counts(ch[1] if ch else None),
        cluster_scale_up=cluster.get("ScaleUp", (None, None))[0], groups=tuple(out),
        cluster_text="\n".join(cluster_lines),
    )


def _flat_counts(node_counts: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    if not isinstance(node_counts, dict):
        return out
    reg = node_counts.get("registered")
    if isinstance(reg, dict):
        for k in ("total", "ready", "notStarted", "beingDeleted", "suspended"):
            if isinstance(reg.get(k), int):
                out["registered" if k == "total" else k] = reg[k]
        unready = reg.get("unready")
        if isinstance(unready, dict):
            if isinstance(unready.get("total"), int):
                out["unready"] = unready["total"]
            if isinstance(unready.get("resourceUnready"), int):
                out["resourceUnready"] = unready["resourceUnready"]
    for k in ("longUnregistered", "unregistered"):
        if isinstance(node_counts.get(k), int):
            out[k] = node_counts[k]
    return out


def _yaml_group_text(text: str, name: str) -> str:
    """The lines of the YAML that describe one node group (from its `name:` line to the next item)."""
    lines = text.splitlines()
    start = None
    for i, line in enumerate(lines):
        s = line.strip().removeprefix("- ").strip()
        if s in (f"name: {name}", f'name: "{name}"', f"name: '{name}'"):
            start = i
            break
    if start is None:
        return f"name: {name}"
    indent = len(lines[start]) - len(lines[start].lstrip(" -"))
    out = [lines[start].strip().removeprefix("- ")]
    for line in lines[start + 1:]:
        if not line.strip():
            continue
        ind = len(line) - len(line.lstrip(" "))
        if ind < indent or (line.lstrip().startswith("- ") and ind <= indent - 2) or line.strip() == "-":
            break
        if line.strip().startswith(("lastProbeTime:", "lastTransitionTime:")):
            continue
        out.append(line[indent:] if len(line) > indent else line.strip())
    return "\n".join(out)


def _parse_status_yaml(doc: dict[str, Any], text: str) -> AutoscalerStatus:
    cw = doc.get("clusterWide") if isinstance(doc.get("clusterWide"), dict) else {}
    assert isinstance(cw, dict)
    health = cw.get("health") if isinstance(cw.get("health"), dict) else {}
    scale_up = cw.get("scaleUp") if isinstance(cw.get("scaleUp"), dict) else {}
    assert isinstance(health, dict) and isinstance(scale_up, dict)
    groups: list[GroupStatus] = []
    for g in doc.get("nodeGroups") or []:
        if not isinstance(g, dict) or not g.get("name"):
            continue
        gh = g.get("health") if isinstance(g.get("health"), dict) else {}
        gu = g.get("scaleUp") if isinstance(g.get("scaleUp"), dict) else {}
        gd = g.get("scaleDown") if isinstance(g.get("scaleDown"), dict) else {}
        assert isinstance(gh, dict) and isinstance(gu, dict) and isinstance(gd, dict)
        bo = gu.get("backoffInfo") if isinstance(gu.get("backoffInfo"), dict) else {}
        assert isinstance(bo, dict)
        name = str(g["name"])
        groups.append(GroupStatus(
            name=name, health=gh.get("status"), counts=_flat_counts(gh.get("nodeCounts")),
            cloud_provider_target=_int(gh.get("cloudProviderTarget")), min_size=_int(gh.get("minSize")),
            max_size=_int(gh.get("maxSize")), scale_up=gu.get("status"),
            backoff_code=bo.get("errorCode") or None, backoff_message=bo.get("errorMessage") or None,
            scale_down=gd.get("status"), text=_yaml_group_text(text, name),
        ))
    counts = _flat_counts(health.get("nodeCounts"))
    cluster_text = f"clusterWide: health={health.get('status')} " + " ".join(f"{k}={v}" for k, v in counts.items())
    return AutoscalerStatus(
        format="yaml", time=str(doc["time"]) if doc.get("time") else None,
        autoscaler_status=doc.get("autoscalerStatus"), cluster_health=health.get("status"),
        cluster_counts=counts, cluster_scale_up=scale_up.get("status"), groups=tuple(groups),
        cluster_text=cluster_text.strip(),
    )


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


# Events CA records on the status ConfigMap (LogRecorder).
_FAILED_GROUP = re.compile(r"Scale-up failed for group (\S+): (.+)", re.DOTALL)  # FailedToScaleUpGroup
_TIMED_OUT = re.compile(r"Nodes added to group (\S+) failed to register within (.+)")  # ScaleUpTimedOut


@dataclass
class _StatusMap:
    cm: ConfigMapInfo
    status: AutoscalerStatus | None
    events: list[Event]

    @property
    def ref(self) -> str:
        return f"ConfigMap/{self.cm.metadata.namespace}/{self.cm.metadata.name}"

    def group_failures(self, name: str) -> list[tuple[Event, str]]:
        out = []
        for e in self.events:
            if (m := _FAILED_GROUP.fullmatch(e.message.strip())) and m.group(1) == name:
                out.append((e, m.group(2).strip()))
            elif (m := _TIMED_OUT.fullmatch(e.message.strip())) and m.group(1) == name:
                out.append((e, f"nodes added to the group failed to register within {m.group(2)}"))
        return out


def _status_map(ctx: Context) -> _StatusMap | None:
    key = "autoscaler.status-map"
    if key in ctx.cache:
        cached = ctx.cache[key]
        return cached if isinstance(cached, _StatusMap) else None
    maps = [c for c in ctx.snapshot.config_maps if c.metadata.name == STATUS_CONFIGMAP]
    maps.sort(key=lambda c: c.metadata.namespace != "kube-system")
    found = None
    if maps:
        cm = maps[0]
        found = _StatusMap(cm, parse_status(cm.status_text or ""), ctx.snapshot.events_for(cm))
    ctx.cache[key] = found
    return found


# ---- findings ---------------------------------------------------------------------------------
def autoscaler_findings(ctx: Context, work: Work) -> list[Finding]:
    """Findings about the node autoscaler for a pod that is not bound to a node. Pure."""
    pod = work.pod
    if pod is None or not work.unscheduled:
        return []
    events = ctx.snapshot.events_for(pod)
    smap = _status_map(ctx)
    findings: list[Finding] = []
    ca = [e for e in events if e.reason in ("NotTriggerScaleUp", "TriggeredScaleUp")]
    if ca:
        latest = ca[-1]
        if latest.reason == "TriggeredScaleUp":
            findings.extend(_from_triggered(ctx, latest, smap))
        else:
            nt = parse_not_triggered(latest.message)
            if nt is not None:
                findings.extend(_from_not_triggered(ctx, work, latest, nt, smap))
    karpenter = [e for e in events if is_karpenter_event(e) or _is_karpenter_nomination(e)]
    if karpenter:
        latest_k = karpenter[-1]
        if _is_karpenter_nomination(latest_k):
            findings.extend(_from_karpenter_nomination(ctx, latest_k))
        else:
            findings.extend(_from_karpenter(ctx, latest_k))
    if not ca and not karpenter and smap is not None and smap.status is not None and _node_would_help(events):
        findings.extend(_from_status_only(smap))
    return findings


def _node_would_help(events: list[Event]) -> bool:
    """The scheduler's latest word is a per-node shortage a new node could cure (not a PVC or pod-level error)."""
    sched = [e for e in events if e.reason == "FailedScheduling" and not is_karpenter_event(e)]
    if not sched:
        return False
    parsed = parse_failed_scheduling(sched[-1].message)
    return parsed.pod_rejection is None and bool(parsed.codes) and not parsed.no_nodes


def _group_evidence(smap: _StatusMap | None, g: GroupStatus) -> Evidence:
    ref = smap.ref if smap else f"ConfigMap/kube-system/{STATUS_CONFIGMAP}"
    return Evidence(ref=ref, field=".data.status", observed=g.text or f"Name: {g.name}")


def _status_cmd(smap: _StatusMap | None) -> str:
    ns = smap.cm.metadata.namespace if smap else "kube-system"
    return f"kubectl -n {ns or 'kube-system'} get configmap {STATUS_CONFIGMAP} -o yaml"


def _raise_max_commands(g: GroupStatus) -> list[str]:
    new_max = (g.max_size or 0) + 1
    name = g.name
    if "googleapis.com/compute" in name:
        zone = re.search(r"/zones/([^/]+)/", name)
        return [f"gcloud container clusters update <cluster> --node-pool <pool> --enable-autoscaling "
                f"--max-nodes {new_max} --zone {zone.group(1) if zone else '<zone>'}"]
    if name.startswith("aks-") or "vmss" in name:
        pool = name.split("-")[1] if name.count("-") >= 2 else "<pool>"
        return [f"az aks nodepool update --resource-group <rg> --cluster-name <cluster> --name {pool} "
                f"--update-cluster-autoscaler --min-count {g.min_size or 0} --max-count {new_max}"]
    return [f"aws autoscaling update-auto-scaling-group --auto-scaling-group-name {name} --max-size {new_max}"]


def _not_triggered_findings_for_groups(
    ctx: Context, ev: Event, nt: NotTriggered, smap: _StatusMap | None,
) -> list[Finding]:
    status = smap.status if smap else None
    out: list[Finding] = []
    evid = from_event(ev)
    when = _when(ctx, ev)
    # Node groups at their max size.
    for r in nt.of_kind(SKIP_MAX_SIZE):
        at_max = [g for g in status.groups if g.at_max] if status else []
        if at_max:
            sure = len(at_max) == r.count
            for g in at_max:
                out.append(Finding(
                    code=NO_SCALE_UP, severity="error", confidence="certain" if sure else "likely",
                    cause=(f"cluster-autoscaler will not add a node{when}: node group {g.name} is at its maximum size "
                           f"({g.size_text()}), so it was skipped ({r.count} {r.reason})"),
                    evidence=[evid, _group_evidence(smap, g)],
                    fix=Fix(summary=f"Raise the maximum size of node group {g.name} above {g.max_size} "
                                    "(cloud node group / the --nodes=<min>:<max>:<name> flag of cluster-autoscaler)",
                            commands=[*_raise_max_commands(g), _status_cmd(smap)]),
                    details={"nodeGroup": g.name, "reason": r.reason, "groups": r.count,
                             "maxSize": g.max_size, "target": g.cloud_provider_target},
                    group_key=f"nodegroup={g.name}", rank=RANK,
                ))
        else:
            out.append(Finding(
                code=NO_SCALE_UP, severity="error", confidence="certain",
                cause=(f"cluster-autoscaler will not add a node{when}: {r.count} node group(s) are at their maximum "
                       "size (the status ConfigMap, which names them, is not in the snapshot)"
                       if status is None else
                       f"cluster-autoscaler will not add a node{when}: {r.count} node group(s) are at their maximum "
                       "size (the status ConfigMap shows none at max now: it may have changed since)"),
                evidence=[evid],
                fix=Fix(summary="Raise the maximum size of the node group(s) that can run this pod",
                        commands=[_status_cmd(smap)]),
                details={"reason": r.reason, "groups": r.count},
                group_key="autoscaler=max-node-group-size", rank=RANK,
            ))
    # Node groups in backoff after a failed scale-up.
    for r in nt.of_kind(SKIP_BACKOFF):
        backed = [g for g in status.groups if g.scale_up == "Backoff"] if status else []
        if not backed and smap is not None:
            named = {m.group(1) for e in smap.events if (m := _FAILED_GROUP.fullmatch(e.message.strip()))}
            backed = [g for g in (status.groups if status else ()) if g.name in named]
        if backed:
            for g in backed:
                failures = smap.group_failures(g.name) if smap else []
                err = (f"{g.backoff_code}: {g.backoff_message}" if g.backoff_code and g.backoff_message
                       else g.backoff_message or g.backoff_code or (failures[-1][1] if failures else None))
                ev_list = [evid, _group_evidence(smap, g)]
                if failures:
                    ev_list.append(from_event(failures[-1][0]))
                out.append(Finding(
                    code=NO_SCALE_UP, severity="error", confidence="certain" if len(backed) == r.count else "likely",
                    cause=(f"cluster-autoscaler will not add a node{when}: node group {g.name} is in backoff after a "
                           f"failed scale-up" + (f": {err}" if err else "")),
                    evidence=ev_list,
                    fix=_backoff_fix(g, err, smap),
                    details={"nodeGroup": g.name, "reason": r.reason, "groups": r.count,
                             "errorCode": g.backoff_code, "errorMessage": g.backoff_message or err},
                    group_key=f"nodegroup={g.name}", rank=RANK,
                ))
        else:
            out.append(Finding(
                code=NO_SCALE_UP, severity="error", confidence="certain",
                cause=(f"cluster-autoscaler will not add a node{when}: {r.count} node group(s) are in backoff after a "
                       "failed scale-up (cloud quota, instance stockout or nodes that never registered)"),
                evidence=[evid],
                fix=Fix(summary="Find the failed scale-up in the cluster-autoscaler status/logs and fix its cause "
                                "(quota, instance availability, node bootstrap); CA retries after the backoff",
                        commands=[_status_cmd(smap),
                                  "kubectl -n kube-system logs deploy/cluster-autoscaler | grep -i 'scale-up'"]),
                details={"reason": r.reason, "groups": r.count},
                group_key="autoscaler=backoff", rank=RANK,
            ))
    # Unhealthy node groups.
    for r in nt.of_kind(SKIP_NOT_READY):
        sick = [g for g in status.groups if g.health == "Unhealthy"] if status else []
        targets: list[GroupStatus | None] = list(sick) or [None]
        for tg in targets:
            counts = ""
            if tg is not None:
                counts = " ".join(f"{k}={tg.counts[k]}" for k in ("ready", "unready", "notStarted",
                                                                 "registered", "longUnregistered")
                                  if k in tg.counts)
            name = tg.name if tg else f"{r.count} node group(s)"
            out.append(Finding(
                code=NO_SCALE_UP, severity="error", confidence="certain" if tg is None or len(sick) == r.count
                else "likely",
                cause=(f"cluster-autoscaler will not add a node{when}: {name} is not ready for scale-up "
                       f"(unhealthy{': ' + counts if counts else ''}); CA does not grow a group whose nodes "
                       "fail to register or become Ready"),
                evidence=[evid] + ([_group_evidence(smap, tg)] if tg is not None else []),
                fix=Fix(summary="Find why the group's nodes are NotReady or never registered (node bootstrap, "
                                "kubelet, CNI, cloud instance errors) and fix or remove them",
                        commands=["kubectl get nodes -o wide", _status_cmd(smap)]),
                details={"nodeGroup": tg.name if tg else None, "reason": r.reason, "groups": r.count},
                group_key=f"nodegroup={tg.name}" if tg else "autoscaler=not-ready", rank=RANK,
            ))
    # Cluster-wide limits and quotas.
    for r in nt.of_kind(SKIP_CLUSTER_LIMIT) + nt.of_kind(SKIP_QUOTA):
        if r.kind == SKIP_QUOTA:
            summary = "Raise the capacity quota named in the message, or free capacity under it"
            cmds = [_status_cmd(smap)]
        elif "nodes" in r.reason or "node count" in r.reason:
            summary = "Raise cluster-autoscaler's --max-nodes-total (or remove nodes that are not needed)"
            cmds = ["kubectl -n kube-system get deploy cluster-autoscaler -o yaml | grep -e --max-nodes-total"]
        else:
            summary = ("Raise cluster-autoscaler's cluster resource limits (--cores-total / --memory-total, "
                       "or the node auto-provisioning limits)")
            cmds = ["kubectl -n kube-system get deploy cluster-autoscaler -o yaml | grep -e --cores-total "
                    "-e --memory-total"]
        out.append(Finding(
            code=NO_SCALE_UP, severity="error", confidence="certain",
            cause=f"cluster-autoscaler will not add a node{when}: {r.reason}" + (
                f" ({r.count} node group(s))" if r.count else ""),
            evidence=[evid], fix=Fix(summary=summary, commands=cmds),
            details={"reason": r.reason, "groups": r.count}, group_key="autoscaler=cluster-limit", rank=RANK,
        ))
    return out


def _backoff_fix(g: GroupStatus, err: str | None, smap: _StatusMap | None) -> Fix:
    low = (err or "").lower()
    if "quota" in low:
        summary = f"Raise the cloud quota that stopped node group {g.name} from growing (see the error), or use another region/instance type"
    elif any(s in low for s in ("stockout", "insufficientinstancecapacity", "resource_pool_exhausted",
                                "zone_resource_pool_exhausted", "not available", "capacity")):
        summary = f"The cloud has no capacity for node group {g.name}'s instance type: add another instance type or zone"
    elif "register" in low:
        summary = f"New nodes of {g.name} never became Ready: check the instance's bootstrap (kubelet, CNI, join token)"
    else:
        summary = f"Fix the error that made node group {g.name}'s scale-up fail; CA retries after the backoff (5m, doubling to 30m)"
    return Fix(summary=summary, commands=[_status_cmd(smap), f"kubectl get events -A --field-selector "
                                          f"involvedObject.name={STATUS_CONFIGMAP}"])


def _template_fix(work: Work, rejected: list[CAReason]) -> Fix:
    pod = work.pod
    by_code: dict[str, int] = {}
    for r in rejected:
        if r.info is not None and r.info.code:
            by_code[r.info.code] = by_code.get(r.info.code, 0) + r.count
    top = max(by_code, key=lambda c: by_code[c]) if by_code else None
    cmds = [f"kubectl get nodes -L {','.join(sorted(pod.spec.node_selector))}"
            if pod is not None and pod.spec.node_selector else "kubectl get nodes --show-labels"]
    if top == "sched.insufficient-resources":
        res = sorted({r.info.resource for r in rejected if r.info is not None and r.info.resource})
        return Fix(summary=(f"The node groups cluster-autoscaler tried offer no node with enough {', '.join(res)} "
                            "for the pod: add a node "
                            "group with a larger (or GPU) instance type, or lower the pod's requests; for groups "
                            "scaled to zero, make sure CA knows the template's capacity (e.g. ASG tag "
                            "k8s.io/cluster-autoscaler/node-template/resources/<resource>)"),
                   commands=[f"kubectl get pod -n {work.namespace} {work.name} -o jsonpath='{{.spec.containers[*].resources}}'"])
    if top in ("sched.node-affinity", "sched.nodes-not-ready"):
        sel = ""
        if pod is not None and pod.spec.node_selector:
            sel = " (" + ", ".join(f"{k}={v}" for k, v in sorted(pod.spec.node_selector.items())) + ")"
        return Fix(summary=("The node groups cluster-autoscaler tried do not carry the labels the pod selects" + sel
                            + ": add them to "
                            "a node group (for groups scaled to zero on AWS, tag the ASG "
                            "k8s.io/cluster-autoscaler/node-template/label/<key>=<value>), or fix the pod's "
                            "nodeSelector/affinity"), commands=cmds)
    if top == "sched.untolerated-taint":
        taints = sorted({f"{r.info.taint_key}={r.info.taint_value}" for r in rejected
                         if r.info is not None and r.info.taint_key})
        return Fix(summary=("The node groups cluster-autoscaler tried are tainted" + (f" ({', '.join(taints)})" if taints else "")
                            + ": add a matching toleration to the pod, or use a node group without the taint"),
                   commands=cmds)
    return Fix(summary="Make one node group's template satisfy the pod's scheduling constraints (see the reasons)",
               commands=cmds)


def _from_not_triggered(ctx: Context, work: Work, ev: Event, nt: NotTriggered,
                        smap: _StatusMap | None) -> list[Finding]:
    out = _not_triggered_findings_for_groups(ctx, ev, nt, smap)
    rejected = nt.of_kind("rejected")
    other = nt.of_kind(CA_OTHER)
    when = _when(ctx, ev)
    if rejected:
        parts = ", ".join(f"{r.count} {r.info.normalized if r.info is not None else r.reason}" for r in rejected)
        skipped = [r for r in nt.reasons if r.kind not in ("rejected", CA_OTHER)]
        if skipped:
            what = ("the template nodes of the node groups it could try do not fit the pod: " + parts
                    + "; the other groups were skipped (" + ", ".join(f"{r.count} {r.reason}" for r in skipped) + ")")
        else:
            what = f"no node group's template node fits the pod: {parts}"
        out.append(Finding(
            code=NO_SCALE_UP, severity="error", confidence="certain",
            cause=f"cluster-autoscaler will not add a node{when}: {what}",
            evidence=[from_event(ev)], fix=_template_fix(work, rejected),
            details={"rejected": {r.reason: r.count for r in rejected},
                     "codes": _codes(rejected), "wording": nt.wording},
            group_key="autoscaler=no-template-fits", rank=RANK + 1 if out else RANK,
        ))
    for r in other:
        out.append(Finding(
            code=NO_SCALE_UP, severity="warning", confidence="certain",
            cause=f"cluster-autoscaler will not add a node{when}: {r.count} node group(s): {r.reason}",
            evidence=[from_event(ev)],
            fix=Fix(summary="Read the cluster-autoscaler logs for this pod to see why the expansion was dropped",
                    commands=["kubectl -n kube-system logs deploy/cluster-autoscaler | grep -i "
                              f"{work.namespace}/{work.name}"]),
            details={"reason": r.reason, "groups": r.count}, group_key="autoscaler=expansion-failed",
            rank=RANK + 1 if out else RANK,
        ))
    if not nt.reasons:
        out.append(Finding(
            code=NO_SCALE_UP, severity="error", confidence="likely",
            cause=(f"cluster-autoscaler will not add a node{when} and names no node group: it considered none "
                   "for this pod (no node groups configured or discovered, or only node groups that do not exist yet)"),
            evidence=[from_event(ev)],
            fix=Fix(summary=("Check cluster-autoscaler's node group configuration (--nodes or "
                             "--node-group-auto-discovery tags) and that it can see the group that should run "
                             "this pod"),
                    commands=[_status_cmd(smap), "kubectl -n kube-system logs deploy/cluster-autoscaler | tail -50"]),
            details={"wording": nt.wording}, group_key="autoscaler=no-node-groups", rank=RANK,
        ))
    return out


def _codes(reasons: list[CAReason]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in reasons:
        if r.info is not None and r.info.code:
            out[r.info.code] = out.get(r.info.code, 0) + r.count
    return out


def _when(ctx: Context, ev: Event) -> str:
    a = age(ctx.now, ev.last_seen)
    return f" (said {human_duration(a)} ago)" if a is not None and a >= 0 else ""


def _from_triggered(ctx: Context, ev: Event, smap: _StatusMap | None) -> list[Finding]:
    ups = parse_triggered(ev.message) or ()
    a = age(ctx.now, ev.last_seen)
    groups = ", ".join(f"{u.group} {u.current}->{u.target} (max {u.max_size})" for u in ups) or "(groups not named)"
    key = f"nodegroup={ups[0].group}" if ups else "autoscaler=scale-up"
    if a is None or a <= PROVISION_WINDOW_S:
        ago = f" {human_duration(a)} ago" if a is not None and a >= 0 else ""
        return [Finding(
            code=SCALE_UP_IN_PROGRESS, severity="info", confidence="likely",
            cause=(f"cluster-autoscaler is adding capacity for this pod{ago}: {groups}; the pod should schedule "
                   "once the new node is Ready"),
            evidence=[from_event(ev)],
            fix=Fix(summary="Wait for the new node to register and become Ready (usually a few minutes)",
                    commands=["kubectl get nodes -w"]),
            details={"scaleUps": [{"group": u.group, "from": u.current, "to": u.target, "max": u.max_size}
                                  for u in ups]},
            group_key=key, rank=RANK_COMING,
        )]
    # Older than CA's own provisioning timeout and the pod is still pending: the scale-up did not deliver.
    evidence = [from_event(ev)]
    why: list[str] = []
    status = smap.status if smap else None
    for u in ups:
        g: GroupStatus | None = status.group(u.group) if status else None
        failures = smap.group_failures(u.group) if smap else []
        if g is not None:
            evidence.append(_group_evidence(smap, g))
            if g.scale_up == "Backoff":
                err = g.backoff_message or (failures[-1][1] if failures else "")
                why.append(f"{u.group} is in backoff" + (f": {err}" if err else ""))
            elif g.health == "Unhealthy" or g.counts.get("longUnregistered"):
                why.append(f"{u.group} has nodes that did not register or become Ready")
        if failures:
            evidence.append(from_event(failures[-1][0]))
            if g is None or g.scale_up != "Backoff":
                why.append(f"{u.group}: {failures[-1][1]}")
    cause = (f"cluster-autoscaler triggered a scale-up {human_duration(a)} ago ({groups}) but the pod is still "
             "pending" + (": " + "; ".join(why) if why else ": the new node never became usable for it"))
    return [Finding(
        code=NO_SCALE_UP, severity="warning", confidence="likely", cause=cause, evidence=evidence,
        fix=Fix(summary="Check whether the new instance was created and joined the cluster (cloud errors, node "
                        "bootstrap), and the scheduler's current reason for the pod",
                commands=["kubectl get nodes -o wide", _status_cmd(smap)]),
        details={"scaleUps": [{"group": u.group, "from": u.current, "to": u.target, "max": u.max_size}
                              for u in ups], "ageSeconds": int(a)},
        group_key=key, rank=RANK,
    )]


def _from_status_only(smap: _StatusMap) -> list[Finding]:
    """No autoscaler event for the pod (events expire after 1h): the map alone can still point at a cause."""
    status = smap.status
    assert status is not None
    out: list[Finding] = []
    ev_cluster = Evidence(ref=smap.ref, field=".data.status", observed=status.cluster_text)
    if status.cluster_health == "Unhealthy":
        out.append(Finding(
            code=NO_SCALE_UP, severity="warning", confidence="possible",
            cause=("cluster-autoscaler reports the cluster Unhealthy (too many unready nodes), and then it halts "
                   "all scale-ups"),
            evidence=[ev_cluster],
            fix=Fix(summary="Fix or remove the NotReady nodes so cluster-autoscaler resumes",
                    commands=["kubectl get nodes", _status_cmd(smap)]),
            group_key="autoscaler=cluster-unhealthy", rank=RANK,
        ))
    for g in status.groups:
        if g.scale_up == "Backoff":
            failures = smap.group_failures(g.name)
            err = g.backoff_message or (failures[-1][1] if failures else None)
            out.append(Finding(
                code=NO_SCALE_UP, severity="warning", confidence="possible",
                cause=(f"node group {g.name} is in backoff after a failed scale-up" + (f": {err}" if err else "")
                       + "; if this pod needs that group, no node will be added until the backoff ends"),
                evidence=[_group_evidence(smap, g)] + ([from_event(failures[-1][0])] if failures else []),
                fix=_backoff_fix(g, err, smap), group_key=f"nodegroup={g.name}", rank=RANK,
            ))
    if status.groups and all(g.at_max for g in status.groups):
        out.append(Finding(
            code=NO_SCALE_UP, severity="warning", confidence="possible",
            cause=("every node group is at its maximum size ("
                   + ", ".join(f"{g.name} {g.size_text()}" for g in status.groups)
                   + "): cluster-autoscaler cannot add a node for this pod"),
            evidence=[_group_evidence(smap, g) for g in status.groups],
            fix=Fix(summary="Raise the maximum size of the node group that should run this pod",
                    commands=[*_raise_max_commands(status.groups[0]), _status_cmd(smap)]),
            group_key="autoscaler=all-groups-at-max", rank=RANK,
        ))
    return out


# ---- Karpenter ----------------------------------------------------------------------------------
_KARPENTER_PREFIX = "Failed to schedule pod, "
_KARPENTER_POOL = re.compile(r'incompatible with (nodepool|provisioner) "([^"]+)", (.*)', re.DOTALL)


def is_karpenter_event(e: Event) -> bool:
    """Karpenter also writes FailedScheduling on pods: not the kube-scheduler's message."""
    return e.reason == "FailedScheduling" and (e.message.startswith(_KARPENTER_PREFIX)
                                               or e.component.startswith("karpenter"))


def _karpenter_reason(detail: str) -> str:
    low = detail.lower()
    if "did not tolerate" in low:
        return "taint"
    if "no instance type" in low or "exceed limits" in low:
        return "resources"
    if "incompatible requirements" in low or "label" in low:
        return "requirements"
    return "other"


def _from_karpenter(ctx: Context, ev: Event) -> list[Finding]:
    text = ev.message.removeprefix(_KARPENTER_PREFIX).strip()
    pools: list[tuple[str, str]] = []
    for part in text.split("; "):
        if m := _KARPENTER_POOL.fullmatch(part.strip()):
            pools.append((m.group(2), m.group(3)))
    kinds = {_karpenter_reason(d) for _p, d in pools} or {_karpenter_reason(text)}
    if kinds == {"taint"}:
        summary = "Every NodePool taints its nodes: add a matching toleration to the pod, or add a NodePool without the taint"
    elif "resources" in kinds:
        summary = ("No instance type of the matching NodePool(s) fits the pod's requests and requirements (or the "
                   "NodePool limits are reached): widen the NodePool's instance requirements/limits or lower the "
                   "requests")
    else:
        summary = "Make one NodePool's requirements, labels and taints compatible with the pod's scheduling constraints"
    detail = "; ".join(f'nodepool "{p}": {d}' for p, d in pools) or text
    return [Finding(
        code=NO_SCALE_UP, severity="error", confidence="certain",
        cause=f"Karpenter cannot launch a node for the pod{_when(ctx, ev)}: {detail}",
        evidence=[from_event(ev)],
        fix=Fix(summary=summary, commands=["kubectl get nodepools -o yaml"]),
        details={"nodePools": {p: d for p, d in pools}},
        group_key=f"nodepool={pools[0][0]}" if pools else "autoscaler=karpenter", rank=RANK,
    )]


_KARPENTER_NOMINATED = "Pod should schedule on: "


def _is_karpenter_nomination(e: Event) -> bool:
    return e.reason == "Nominated" and e.message.startswith(_KARPENTER_NOMINATED)


def _from_karpenter_nomination(ctx: Context, ev: Event) -> list[Finding]:
    target = ev.message.removeprefix(_KARPENTER_NOMINATED).strip()
    a = age(ctx.now, ev.last_seen)
    if a is not None and a > PROVISION_WINDOW_S:
        return [Finding(
            code=NO_SCALE_UP, severity="warning", confidence="likely",
            cause=(f"Karpenter nominated {target} for this pod {human_duration(a)} ago but the pod is still "
                   "pending: the node did not become usable for it"),
            evidence=[from_event(ev)],
            fix=Fix(summary="Check the NodeClaim's status and events (launch or registration errors)",
                    commands=["kubectl get nodeclaims -o wide", "kubectl describe nodeclaims"]),
            group_key="autoscaler=karpenter", rank=RANK,
        )]
    ago = f" {human_duration(a)} ago" if a is not None and a >= 0 else ""
    return [Finding(
        code=SCALE_UP_IN_PROGRESS, severity="info", confidence="likely",
        cause=f"Karpenter is launching capacity for this pod{ago}: {target}",
        evidence=[from_event(ev)],
        fix=Fix(summary="Wait for the new node to register and become Ready", commands=["kubectl get nodeclaims -w"]),
        group_key="autoscaler=karpenter", rank=RANK_COMING,
    )]
