"""cluster-autoscaler's pod events, parsed: NotTriggerScaleUp and TriggeredScaleUp.

Mirrors `cluster-autoscaler/processors/status/eventing_scale_up_processor.go` ReasonsMessage and
`processors/nodegroupset/nodegroup_set_processor.go` ScaleUpInfo.String (semantics.md A4.1), and the
skipped/rejected reason strings (`core/scale_up.go` <=1.24,
`core/scaleup/orchestrator/{skippedreasons,rejectedreasons}.go` >=1.28).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from podwhy.analyzers.scheduling.reasons import ReasonInfo, classify_reason

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


