"""The `cluster-autoscaler-status` ConfigMap, parsed, and the events CA records on it.

Mirrors both formats (semantics.md A4.2): <=1.29 text of `clusterstate/api/utils.go` GetReadableString
+ `clusterstate/clusterstate.go` buildHealthStatusNodeGroup, >=1.30 YAML of `clusterstate/api/types.go`;
and the LogRecorder events (`core/scaleup/orchestrator/executor.go`, `clusterstate/clusterstate.go`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from podwhy.analyzers.base import Context
from podwhy.model import ConfigMapInfo, Event

STATUS_CONFIGMAP = "cluster-autoscaler-status"


# A group's block of at most this many lines is quoted whole.
_SHORT_BLOCK = 6
# What each kind of finding quotes from a group's block (GroupStatus.excerpt).
SIZE_KEYS = ("cloudProviderTarget", "minSize", "maxSize")
BACKOFF_KEYS = ("scaleUp", "status", "backoffInfo", "errorCode", "errorMessage")
HEALTH_KEYS = ("health", "status", "registered", "total", "ready", "unready", "notStarted", "longUnregistered",
               "unregistered", "cloudProviderTarget")


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

    def excerpt(self, *keys: str) -> str:
        """The group's lines of the map that hold `keys` (and its name), verbatim: the ≥1.30 YAML block of
        one group is ~20 lines, of which a finding needs three. The ≤1.29 text block is already short."""
        lines = self.text.splitlines()
        if len(lines) <= _SHORT_BLOCK or not keys:
            return self.text
        wanted = set(keys)
        kept = [ln for i, ln in enumerate(lines) if i == 0 or ln.strip().split(":", 1)[0].lstrip("- ") in wanted]
        return "\n".join(kept)

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
FAILED_GROUP = re.compile(r"Scale-up failed for group (\S+): (.+)", re.DOTALL)  # FailedToScaleUpGroup
_TIMED_OUT = re.compile(r"Nodes added to group (\S+) failed to register within (.+)")  # ScaleUpTimedOut


@dataclass
class StatusMap:
    cm: ConfigMapInfo
    status: AutoscalerStatus | None
    events: list[Event]

    @property
    def ref(self) -> str:
        return f"ConfigMap/{self.cm.metadata.namespace}/{self.cm.metadata.name}"

    def group_failures(self, name: str) -> list[tuple[Event, str]]:
        out = []
        for e in self.events:
            if (m := FAILED_GROUP.fullmatch(e.message.strip())) and m.group(1) == name:
                out.append((e, m.group(2).strip()))
            elif (m := _TIMED_OUT.fullmatch(e.message.strip())) and m.group(1) == name:
                out.append((e, f"nodes added to the group failed to register within {m.group(2)}"))
        return out


def status_map(ctx: Context) -> StatusMap | None:
    key = "autoscaler.status-map"
    if key in ctx.cache:
        cached = ctx.cache[key]
        return cached if isinstance(cached, StatusMap) else None
    maps = [c for c in ctx.snapshot.config_maps if c.metadata.name == STATUS_CONFIGMAP]
    maps.sort(key=lambda c: c.metadata.namespace != "kube-system")
    found = None
    if maps:
        cm = maps[0]
        found = StatusMap(cm, parse_status(cm.status_text or ""), ctx.snapshot.events_for(cm))
    ctx.cache[key] = found
    return found

