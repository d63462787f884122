"""The FitError text and the PostFilter outcome the scheduler would print after the filters.

Mirrors framework/types.go FitError.Error (`0/N nodes are available: ...`), framework/runtime/framework.go
RunPostFilterPlugins (each PostFilter plugin in profile order, Unschedulable reasons joined with ", ",
an error ends the extension point), the DynamicResources PostFilter (on by default from 1.34: it runs
before DefaultPreemption) and DefaultPreemption (framework/preemption/preemption.go +
plugins/defaultpreemption), all at v1.34.4 / v1.35.4.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from podwhy.analyzers.scheduling.framework import (
    NO_NODE_AVAILABLE,
    NO_NODES_AVAILABLE,
    NO_VICTIMS,
    NOT_ELIGIBLE_NEVER,
    NOT_ELIGIBLE_TERMINATING,
    PREEMPTION_NOT_HELPFUL,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    ClusterState,
    CycleResult,
    Plugin,
    PodCtx,
    Status,
    filter_node,
    histogram,
    unresolvable,
)
from podwhy.analyzers.scheduling.reasons import DRA_NO_CLAIMS, DRA_NO_STATE, DRA_STILL_UNSCHEDULABLE
from podwhy.model import Pod


def render_histogram(hist: Mapping[str, int]) -> str:
    # framework/types.go FitError.Error: "<count> <reason>" sorted with Go sort.Strings (byte order).
    return ", ".join(sorted(f"{v} {k}" for k, v in hist.items()))


def fit_error_message(num_nodes: int, hist: Mapping[str, int], prefilter_msg: str | None,
                      postfilter_msg: str | None) -> str:
    """FitError.Error() >=1.29: `0/N nodes are available:` + ` <prefilter msg>.` (uncounted) or
    ` <histogram>.`, then ` <postfilter msg>` (which carries its own period)."""
    msg = NO_NODE_AVAILABLE.format(n=num_nodes) + ":"
    if prefilter_msg:
        msg += f" {prefilter_msg}."
    elif hist:
        msg += f" {render_histogram(hist)}."
    if postfilter_msg:
        msg += f" {postfilter_msg}"
    return msg


def _terminating_by_preemption(p: Pod) -> bool:
    return p.metadata.deletion_timestamp is not None and any(
        c.type == "DisruptionTarget" and c.status == "True" and c.reason == "PreemptionByScheduler"
        for c in p.status.conditions)


@dataclass(frozen=True, slots=True)
class Preemption:
    """Predicted PostFilter outcome. `message` is the tail (None when preemption would find a node)."""

    message: str | None
    candidates: tuple[str, ...] = ()
    # node -> why preemption cannot help there
    per_node: tuple[tuple[str, str], ...] = ()


# Shared by every node they describe (a Status is immutable).
_NOT_HELPFUL = unresolvable("DefaultPreemption", PREEMPTION_NOT_HELPFUL)
_NO_VICTIMS = unresolvable("DefaultPreemption", NO_VICTIMS)


# DynamicResources' PostFilter outcome (reasons.py names the texts): podwhy does not model claim
# allocation, so a pod with claims is predicted as having nothing to deallocate (a claim allocated to an
# unsuitable node would instead be deallocated: "deallocation of ResourceClaim completed").


def predict_postfilter(cs: ClusterState, pc: PodCtx, res: CycleResult, plugins: Sequence[Plugin]) -> Preemption:
    """RunPostFilterPlugins of the default profile (>=1.34): DynamicResources, then DefaultPreemption."""
    if res.prefilter is not None:
        return Preemption(message=DRA_NO_STATE)
    dra = DRA_STILL_UNSCHEDULABLE if pc.pod.spec.resource_claims else DRA_NO_CLAIMS
    pre = predict_preemption(cs, pc, res, plugins)
    if pre.message is None:
        return pre
    return Preemption(message=f"{dra}, {pre.message}", candidates=pre.candidates, per_node=pre.per_node)


def predict_preemption(cs: ClusterState, pc: PodCtx, res: CycleResult, plugins: Sequence[Plugin]) -> Preemption:
    """DefaultPreemption (v1.35): not eligible (preemptionPolicy Never, terminating victim on the
    nominated node); UU nodes are 'not helpful'; on U nodes remove every lower-priority pod and re-run
    the filters (SelectVictimsOnNode): no such pods -> 'No preemption victims', still failing -> those
    reasons, passing -> a candidate exists and preemption would nominate a node (no tail)."""
    pod = pc.pod
    if pod.spec.preemption_policy == "Never":
        return Preemption(message="preemption: " + NOT_ELIGIBLE_NEVER)
    nom = pod.status.nominated_node_name
    if nom:
        first = res.first(nom)
        ni = cs.infos.get(nom)
        if ni is not None and not (first is not None and first.code == UNRESOLVABLE):
            for p in ni.pods:
                if cs.priority_of(p) < pc.priority and _terminating_by_preemption(p):
                    return Preemption(message="preemption: " + NOT_ELIGIBLE_TERMINATING)
    per_node: list[tuple[str, str]] = []
    statuses: list[Status] = []
    candidates: list[str] = []
    for name, verdict in res.verdicts.items():
        first = verdict[0] if verdict else None
        if first is None:
            continue
        if first.code != UNSCHEDULABLE or (res.prefilter is not None and first is res.prefilter):
            st = _NOT_HELPFUL
        else:
            ni = cs.infos[name]
            victims = [p for p in ni.pods if cs.priority_of(p) < pc.priority]
            if not victims:
                st = _NO_VICTIMS
            else:
                after = filter_node(cs, pc, ni.without(victims, cs.requests_of), plugins)
                if not after:
                    candidates.append(name)
                    continue
                st = after[0]
        per_node.append((name, st.message))
        statuses.append(st)
    if candidates:
        return Preemption(message=None, candidates=tuple(candidates), per_node=tuple(per_node))
    inner = fit_error_message(res.num_nodes, histogram(statuses), None, None)
    return Preemption(message="preemption: " + inner, per_node=tuple(per_node))


def scheduler_message(res: CycleResult, preemption: Preemption | None) -> str:
    if res.num_nodes == 0:
        return NO_NODES_AVAILABLE
    feasible = res.feasible
    if feasible:
        # No FitError at all: the scheduler would pick one of these nodes (not a scheduler message).
        shown = ", ".join(feasible[:5]) + (f" (+{len(feasible) - 5} more)" if len(feasible) > 5 else "")
        return f"{len(feasible)}/{res.num_nodes} nodes are feasible: the scheduler would bind the pod to one of {shown}"
    hist = res.first_histogram
    pre = res.prefilter.message if res.prefilter is not None else None
    return fit_error_message(res.num_nodes, hist, pre, preemption.message if preemption else None)
