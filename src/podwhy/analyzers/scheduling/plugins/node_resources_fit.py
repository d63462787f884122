"""NodeResourcesFit: the pod's effective requests must fit in allocatable minus what the node's pods
already request, and the node must have a free pod slot.
Mirrors pkg/scheduler/framework/plugins/noderesources/fit.go fitsRequest/Filter (v1.35) and
pkg/scheduler/util/utils.go IsScalarResourceName; arithmetic per semantics A2.6."""

from __future__ import annotations

import functools
from typing import Any

from podwhy.analyzers.scheduling.framework import (
    UNRESOLVABLE,
    UNSCHEDULABLE,
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
)
from podwhy.quantity import format_resource as _format_resource

NAME = "NodeResourcesFit"
# fit.go (1.18+; "Insufficient pods" before): the pod-count limit.
REASON_PODS = "Too many pods"
BASIC = ("cpu", "memory", "ephemeral-storage")


@functools.lru_cache(maxsize=65536)
def format_resource(name: str, amount: int) -> str:
    # Exact Fraction formatting is slow and the same few numbers repeat across thousands of nodes.
    return _format_resource(name, amount)


def insufficient(name: str) -> str:
    # fit.go: fmt.Sprintf("Insufficient %v", resourceName) (1.14 -> 1.35).
    return f"Insufficient {name}"


def is_prefixed_native(name: str) -> bool:
    # k8s.io/api/core/v1/helper IsPrefixedNativeResource: contains "kubernetes.io/".
    return "kubernetes.io/" in name


def is_extended(name: str) -> bool:
    # IsExtendedResourceName: not native (native = no "/" or kubernetes.io/-prefixed), not "requests.*".
    return "/" in name and not is_prefixed_native(name) and not name.startswith("requests.")


def is_scalar(name: str) -> bool:
    """schedutil.IsScalarResourceName: extended, hugepages-*, kubernetes.io/ native, attachable-volumes-*.
    Anything else the pod requests (e.g. `pods`, `storage`, an unqualified name) is ignored by the scheduler."""
    return (is_extended(name) or name.startswith("hugepages-") or is_prefixed_native(name)
            or name.startswith("attachable-volumes-"))


def checked_resources(requests: dict[str, int]) -> dict[str, int]:
    """The resources Filter compares: cpu/memory/ephemeral-storage with R > 0 (>=1.28) and non-zero scalars."""
    return {k: v for k, v in requests.items() if v > 0 and (k in BASIC or is_scalar(k))}


def numbers(name: str, req: int, used: int, alloc: int) -> dict[str, str]:
    free = alloc - used
    return {"requested": format_resource(name, req), "used": format_resource(name, used),
            "allocatable": format_resource(name, alloc), "free": format_resource(name, max(free, 0))
            if free >= 0 else "-" + format_resource(name, -free)}


def check_order(requests: dict[str, int]) -> list[tuple[str, int]]:
    """(resource, request) in fit.go's order: cpu, memory, ephemeral-storage, then scalars (sorted here;
    Go iterates a map)."""
    checked = checked_resources(requests)
    names = [n for n in BASIC if n in checked] + sorted(n for n in checked if n not in BASIC)
    return [(n, checked[n]) for n in names]


def fit_failures(requests: dict[str, int] | list[tuple[str, int]], ni: NodeInfo,
                 pods_on_node: int) -> list[tuple[str, str, int, int, int, bool]]:
    """(reason, resource, requested, used, allocatable, unresolvable) for every failing check, in fit.go order."""
    out: list[tuple[str, str, int, int, int, bool]] = []
    allowed = ni.allocatable.get("pods", 0)
    if pods_on_node + 1 > allowed:
        out.append((REASON_PODS, "pods", 1, pods_on_node, allowed, False))
    order = check_order(requests) if isinstance(requests, dict) else requests
    # Nothing requested (BestEffort-like): only the pod count is compared.
    for n, r in order:
        alloc = ni.allocatable.get(n, 0)
        used = ni.requested.get(n, 0)
        if r > alloc - used:
            # >=1.34: a request above the node's whole allocatable is UnschedulableAndUnresolvable.
            out.append((insufficient(n), n, r, used, alloc, r > alloc))
    return out


def summary_line(name: str, req: int, used: int, alloc: int) -> str:
    if name == "pods":
        return f"{used} of {alloc} pod slots used"
    free = alloc - used
    free_txt = format_resource(name, free) if free >= 0 else f"-{format_resource(name, -free)} (over-committed)"
    return f"needs {format_resource(name, req)} {name}, {free_txt} free of {format_resource(name, alloc)}"


class NodeResourcesFit:
    name = NAME
    static = False
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        return None

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        order = pc.state.get(NAME)
        if order is None:
            order = pc.state[NAME] = tuple(check_order(pc.requests))
        # The verdict depends on the checked requests and the node's usage only: shared by every
        # pod asking for the same amounts (the memo lives on the NodeInfo, cleared when it changes).
        key = (order, pc.explain)
        memo = ni.fit_memo
        if key in memo:
            return memo[key]
        st = memo[key] = self._filter(order, ni, pc.explain)
        return st

    def _filter(self, order: tuple[tuple[str, int], ...], ni: NodeInfo, explain: bool) -> Status | None:
        fails = fit_failures(list(order), ni, len(ni.pods))
        if not fails:
            return None
        code = UNRESOLVABLE if any(f[5] for f in fails) else UNSCHEDULABLE
        if not explain:
            return Status(code, tuple(f[0] for f in fails), NAME, None)
        detail: dict[str, Any] = {}
        for _, n, r, used, alloc, _uu in fails:
            detail[n] = numbers(n, r, used, alloc)
        detail["summary"] = "; ".join(summary_line(n, r, used, alloc) for _, n, r, used, alloc, _ in fails)
        return Status(code, tuple(f[0] for f in fails), NAME, detail)
