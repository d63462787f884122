"""TaintToleration: every NoSchedule/NoExecute taint of the node must be tolerated.
Mirrors pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go and
plugins/helper/taint.go DoNotScheduleTaintsFilterFunc (v1.35)."""

from __future__ import annotations

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    unresolvable,
)
from podwhy.analyzers.selectors import untolerated
from podwhy.model import Taint

NAME = "TaintToleration"
# taint_toleration.go (v1.35) ErrReasonNotMatch: the taint is no longer named (1.24-1.34 said
# "node(s) had untolerated taint {key: value}"; 1.18-1.23 "node(s) had taint {k: v}, that the pod
# didn't tolerate"). The scheduler-dev corpus expects the 1.35 wording.
REASON = "node(s) had untolerated taint(s)"
NOT_READY_KEYS = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")


def taint_str(t: Taint) -> str:
    """kubectl's rendering: key=value:Effect (key:Effect when the value is empty)."""
    return f"{t.key}={t.value}:{t.effect}" if t.value else f"{t.key}:{t.effect}"


def toleration_yaml(t: Taint) -> str:
    """The toleration that tolerates exactly this taint, as a pod-spec YAML list item."""
    lines = [f"- key: {_q(t.key)}"]
    if t.value:
        lines += ["  operator: Equal", f"  value: {_q(t.value)}"]
    else:
        lines += ["  operator: Exists"]
    lines.append(f"  effect: {t.effect}")
    return "\n".join(lines)


def toleration_json(t: Taint) -> dict[str, str]:
    if t.value:
        return {"key": t.key, "operator": "Equal", "value": t.value, "effect": t.effect}
    return {"key": t.key, "operator": "Exists", "effect": t.effect}


def _q(s: str) -> str:
    if s == "" or not all(c.isalnum() or c in "-_./" for c in s) or s.lower() in ("true", "false", "null", "yes", "no", "on", "off") \
            or s[0].isdigit():
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


class TaintToleration:
    name = NAME
    static = True
    taint_only = True

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        return None

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        bad = untolerated(ni.node.spec.taints, pc.pod.spec.tolerations)
        if not bad:
            return None
        first = bad[0]
        return unresolvable(NAME, REASON, detail={
            "taints": [taint_str(t) for t in bad],
            "toleration": "\n".join(toleration_yaml(t) for t in bad),
            "summary": f"untolerated taint {taint_str(first)}" + (f" (+{len(bad) - 1} more)" if len(bad) > 1 else ""),
        })
