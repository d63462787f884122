"""Karpenter's pod events: why it cannot launch a node, or which node it nominated.

Mirrors kubernetes-sigs/karpenter `pkg/controllers/provisioning/scheduling/events.go`.
"""

from __future__ import annotations

import re

from podwhy.analyzers.base import Context
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.scheduling.autoscaler.common import (
    NO_SCALE_UP,
    PROVISION_WINDOW_S,
    RANK,
    RANK_COMING,
    SCALE_UP_IN_PROGRESS,
    when,
)
from podwhy.findings import Finding, Fix
from podwhy.model import Event
from podwhy.timeutil import age, human_duration

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


def from_karpenter(ctx: Context, ev: Event) -> list[Finding]:
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
        cause=f"Karpenter cannot launch a node for the pod{when(ctx, ev)}: {detail}",
        evidence=[from_event(ev)],
        fix=Fix(summary=summary, commands=["kubectl get nodepools -o yaml"]),
        details={"nodePools": {p: d for p, d in pools}},
        group_key=f"nodepool={pools[0][0]}" if pools else "autoscaler=karpenter", rank=RANK,
    )]


_KARPENTER_NOMINATED = "Pod should schedule on: "


def is_karpenter_nomination(e: Event) -> bool:
    return e.reason == "Nominated" and e.message.startswith(_KARPENTER_NOMINATED)


def from_karpenter_nomination(ctx: Context, ev: Event) -> list[Finding]:
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
