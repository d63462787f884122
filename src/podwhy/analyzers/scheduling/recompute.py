"""Recompute the scheduler's verdict for a pending pod, once per equivalence class.

Pods of one owner usually share a spec: the result is memoised in `ctx.cache` under a key made of
namespace, labels and the encoded spec (plus the pod's name when it has generic ephemeral volumes,
and its uid when it is itself nominated). Node-static plugin verdicts are shared between nodes with
identical labels/taints/unschedulable inside one cycle (framework.filter_node memo).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import msgspec

from podwhy.analyzers.base import Context
from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    CycleResult,
    PodCtx,
    new_pod_ctx,
    run_cycle,
)
from podwhy.analyzers.scheduling.plugins import FILTERS, PLUGINS
from podwhy.analyzers.scheduling.postfilter import Preemption, predict_postfilter, scheduler_message
from podwhy.findings import NodeFailure, NodeVerdict, Scheduling
from podwhy.model import Container, Pod, Volume

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
    # the histogram as schedulers of other versions count it (explain._variants), computed once
    variants: list[dict[str, int]] | None = None


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


def _filter_relevant(c: Container) -> Container:
    # What the filter plugins read of a container: its name, resources, host ports, sidecar policy.
    return Container(name=c.name, resources=c.resources, ports=c.ports, restart_policy=c.restart_policy)


def _namespaced_volume(v: Volume) -> bool:
    # Volumes the volume plugins resolve or count (claims, CSI and in-tree disks); secret, configMap,
    # projected and hostPath volumes are invisible to every filter.
    return any(x is not None for x in (v.persistent_volume_claim, v.ephemeral, v.csi, v.gce_persistent_disk,
                                       v.aws_elastic_block_store, v.iscsi, v.rbd))


def filter_key(cs: ClusterState, pod: Pod) -> str:
    """A key of everything the filter plugins, PreFilters and preemption read of the incoming pod:
    the spec without images/env (no filter looks at them), the namespace when a volume, claim or
    pod-affinity term is resolved in it, the labels only when a
    label-reading plugin runs (the pod's own spread/pod-affinity terms, or existing pods' required
    anti-affinity), the name/uid when they matter (generic ephemeral volumes, a nominated pod).
    Pods of different workloads with equal keys get the very same per-node verdicts."""
    spec = pod.spec
    reduced = msgspec.structs.replace(
        spec, containers=tuple(map(_filter_relevant, spec.containers)),
        init_containers=tuple(map(_filter_relevant, spec.init_containers)),
        ephemeral_containers=tuple(map(_filter_relevant, spec.ephemeral_containers)))
    h = hashlib.sha256()
    h.update(msgspec.json.encode(reduced))
    aff = spec.affinity
    label_sensitive = bool(spec.topology_spread_constraints or cs.anti_affinity_pods or (
        aff is not None and (aff.pod_affinity is not None or aff.pod_anti_affinity is not None)))
    if label_sensitive or spec.resource_claims or any(_namespaced_volume(v) for v in spec.volumes):
        # claims are looked up, and pod (anti-)affinity terms default to, the pod's namespace
        h.update(b"namespace/" + pod.metadata.namespace.encode())
    if label_sensitive:
        h.update(b"labels")
        h.update(msgspec.json.encode(sorted(pod.metadata.labels.items())))
    if any(v.ephemeral is not None for v in spec.volumes) or pod.status.nominated_node_name:
        h.update(f"{pod.metadata.uid}/{pod.metadata.name}/{pod.status.nominated_node_name}".encode())
    return h.hexdigest()


def verdicts_to_nodes(res: CycleResult) -> list[NodeVerdict]:
    # Node-static verdicts are one Status shared by a whole node class: converted once; nodes with
    # the very same statuses share one list (run_cycle interns them) and so one failure list.
    failures: dict[int, NodeFailure] = {}
    lists: dict[int, list[NodeFailure]] = {}
    out: list[NodeVerdict] = []
    for name, sts in res.verdicts.items():
        got = lists.get(id(sts))
        if got is None:
            got = []
            for st in sts:
                nf = failures.get(id(st))
                if nf is None:
                    nf = failures[id(st)] = NodeFailure(plugin=st.plugin, reasons=list(st.reasons), detail=st.detail)
                got.append(nf)
            lists[id(sts)] = got
        out.append(NodeVerdict(name=name, feasible=not sts, failures=got))
    return out


def evaluate(cs: ClusterState, pod: Pod) -> Recomputed:
    """One scheduling attempt of `pod` against `cs` (uncached)."""
    pc = new_pod_ctx(cs.snap, pod)
    res = run_cycle(cs, pc, PLUGINS)
    pre: Preemption | None = None
    if res.num_nodes and not res.feasible and not pod.spec.scheduling_gates:
        pre = predict_postfilter(cs, pc, res, FILTERS)
    # A gated pod never reaches the scheduler; the API server's PodScheduled message says so (A2.14).
    msg = GATED_MESSAGE if pod.spec.scheduling_gates else scheduler_message(res, pre)
    return Recomputed(pc, res, pre, Scheduling(message=msg, nodes=verdicts_to_nodes(res)))


def feasible_nodes(cs: ClusterState, pod: Pod, only: Iterable[str] | None = None) -> list[str]:
    """Just the filters (no preemption, no report) on `only` nodes (PreFilter still sees them all):
    fix verification."""
    names = None if only is None else tuple(only)
    key = (filter_key(cs, pod), names)
    got = cs.whatif.get(key)
    if got is None:
        # Pods with equal filter keys get equal verdicts: a patched pod of another workload with
        # the same filter inputs reuses the answer.
        pc = new_pod_ctx(cs.snap, pod)
        pc.explain = False
        got = cs.whatif[key] = run_cycle(cs, pc, PLUGINS, only=names).feasible
    return list(got)


def recompute(ctx: Context, pod: Pod) -> Recomputed:
    key = class_key(pod)
    got = ctx.cache.get(key)
    if isinstance(got, Recomputed):
        return got
    cs = cluster(ctx)
    shared_key = "scheduling.filter-class." + filter_key(cs, pod)
    base = ctx.cache.get(shared_key)
    if isinstance(base, Recomputed):
        # Another workload's pod with the same filter inputs: the same cycle, seen from this pod.
        rec = Recomputed(dataclasses.replace(base.pc, pod=pod), base.result, base.preemption, base.scheduling,
                         variants=base.variants)
    else:
        rec = evaluate(cs, pod)
        ctx.cache[shared_key] = rec
    rec.key = key
    ctx.cache[key] = rec
    return rec
