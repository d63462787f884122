"""Recompute the scheduler's verdict for a pending pod, once per equivalence class.

Pods of one owner usually share a spec: the result is memoised in `ctx.cache` under a key made of
namespace, labels and the encoded spec (plus the pod's name when it has generic ephemeral volumes,
and its uid when it is itself nominated). Node-static plugin verdicts are shared between nodes with
identical labels/taints/unschedulable inside one cycle (framework.filter_node memo).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import msgspec

from podwhy.analyzers.base import Context
from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    CycleResult,
    PodCtx,
    Preemption,
    new_pod_ctx,
    predict_preemption,
    run_cycle,
    scheduler_message,
)
from podwhy.analyzers.scheduling.plugins import FILTERS, PLUGINS
from podwhy.findings import NodeFailure, NodeVerdict, Scheduling
from podwhy.model import Pod

CLUSTER_KEY = "scheduling.cluster"
# pkg/registry/core/pod/strategy.go applySchedulingGatedCondition (1.26+).
GATED_MESSAGE = "Scheduling is blocked due to non-empty scheduling gates"


@dataclass
class Recomputed:
    pc: PodCtx
    result: CycleResult
    preemption: Preemption | None
    scheduling: Scheduling
    # equivalence-class key (memo of fixes and findings shared by the class)
    key: str = ""


def cluster(ctx: Context) -> ClusterState:
    cs = ctx.cache.get(CLUSTER_KEY)
    if not isinstance(cs, ClusterState):
        cs = ClusterState(ctx.snapshot)
        ctx.cache[CLUSTER_KEY] = cs
    return cs


def class_key(pod: Pod) -> str:
    h = hashlib.sha256()
    h.update(pod.metadata.namespace.encode())
    h.update(msgspec.json.encode(sorted(pod.metadata.labels.items())))
    h.update(msgspec.json.encode(pod.spec))
    if any(v.ephemeral is not None for v in pod.spec.volumes):
        h.update(pod.metadata.name.encode())
    if pod.status.nominated_node_name:
        h.update(f"{pod.metadata.uid}/{pod.metadata.name}/{pod.status.nominated_node_name}".encode())
    return "scheduling.class." + h.hexdigest()


def verdicts_to_nodes(res: CycleResult) -> list[NodeVerdict]:
    return [
        NodeVerdict(name=name, feasible=not sts, failures=[
            NodeFailure(plugin=st.plugin, reasons=list(st.reasons), detail=st.detail) for st in sts])
        for name, sts in res.verdicts.items()
    ]


def evaluate(cs: ClusterState, pod: Pod) -> Recomputed:
    """One scheduling attempt of `pod` against `cs` (uncached)."""
    pc = new_pod_ctx(cs.snap, pod)
    res = run_cycle(cs, pc, PLUGINS)
    pre: Preemption | None = None
    if res.num_nodes and not res.feasible and not pod.spec.scheduling_gates:
        pre = predict_preemption(cs, pc, res, FILTERS)
    # A gated pod never reaches the scheduler; the API server's PodScheduled message says so (A2.14).
    msg = GATED_MESSAGE if pod.spec.scheduling_gates else scheduler_message(res, pre)
    return Recomputed(pc, res, pre, Scheduling(message=msg, nodes=verdicts_to_nodes(res)))


def feasible_nodes(cs: ClusterState, pod: Pod, only: Iterable[str] | None = None) -> list[str]:
    """Just the filters (no preemption, no report) on `only` nodes (PreFilter still sees them all):
    fix verification."""
    pc = new_pod_ctx(cs.snap, pod)
    pc.explain = False
    return run_cycle(cs, pc, PLUGINS, only=only).feasible


def recompute(ctx: Context, pod: Pod) -> Recomputed:
    key = class_key(pod)
    got = ctx.cache.get(key)
    if isinstance(got, Recomputed):
        return got
    rec = evaluate(cluster(ctx), pod)
    rec.key = key
    ctx.cache[key] = rec
    return rec
