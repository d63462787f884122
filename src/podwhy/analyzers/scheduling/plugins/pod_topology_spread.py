"""PodTopologySpread (hard constraints): per DoNotSchedule constraint, the node's domain may not exceed
the least-loaded eligible domain by more than maxSkew.
Mirrors pkg/scheduler/framework/plugins/podtopologyspread/{filtering,common,plugin}.go (v1.35):
counts per constraint index, eligible nodes carry every constraint's topologyKey and pass the
constraint's nodeAffinityPolicy (default Honor) / nodeTaintsPolicy (default Ignore), terminating and
other-namespace pods never count, an empty selector counts nothing, minDomains forces min to 0."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    unresolvable,
    unschedulable,
)
from podwhy.analyzers.scheduling.plugins.labelsel import Selector, build
from podwhy.analyzers.scheduling.plugins.node_affinity import pod_matches_node_labels
from podwhy.analyzers.selectors import untolerated
from podwhy.model import TopologySpreadConstraint

NAME = "PodTopologySpread"
# podtopologyspread/filtering.go ErrReasonConstraintsNotMatch (1.16+) / ErrReasonNodeLabelNotMatch (1.20+).
REASON = "node(s) didn't match pod topology spread constraints"
REASON_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)"
MAX_INT32 = 2**31 - 1


@dataclass
class _Constraint:
    spec: TopologySpreadConstraint
    selector: Selector
    counts: dict[str, int]


class PodTopologySpread:
    name = NAME
    static = False
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        pod = pc.pod
        hard = [c for c in pod.spec.topology_spread_constraints if c.when_unsatisfiable == "DoNotSchedule"]
        if not hard:
            return PreFilterOutcome(skip=True)
        cons = [_Constraint(c, build(c.label_selector, pod.metadata.labels, c.match_label_keys), {}) for c in hard]
        keys = [c.topology_key for c in hard]
        ns = pod.metadata.namespace
        tolerations = pod.spec.tolerations
        for ni in cs.infos.values():
            labels = ni.labels
            if not all(k in labels for k in keys):
                continue
            for c in cons:
                if (c.spec.node_affinity_policy or "Honor") == "Honor" and not pod_matches_node_labels(pod, labels, ni.name):
                    continue
                if c.spec.node_taints_policy == "Honor" and untolerated(ni.node.spec.taints, tolerations):
                    continue
                n = 0
                if not c.selector.empty:
                    for p in ni.pods:
                        if p.metadata.deletion_timestamp is None and p.metadata.namespace == ns \
                                and c.selector.matches(p.metadata.labels):
                            n += 1
                v = labels[c.spec.topology_key]
                c.counts[v] = c.counts.get(v, 0) + n
        pc.state[NAME] = cons
        return None

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        cons: list[_Constraint] = pc.state.get(NAME, [])
        labels = ni.labels
        for i, c in enumerate(cons):
            key = c.spec.topology_key
            val = labels.get(key)
            if val is None:
                return unresolvable(NAME, REASON_MISSING_LABEL, detail={
                    "constraint": i, "topologyKey": key, "summary": f"node has no {key} label"})
            self_match = 1 if c.selector.matches(pc.labels) else 0
            min_match = min(c.counts.values()) if c.counts else MAX_INT32
            min_domains = c.spec.min_domains if c.spec.min_domains is not None else 1
            # minMatchNum: eligible domains of THIS constraint (len(TpValueToMatchNum[i])).
            domains = len(c.counts)
            if domains < min_domains:
                min_match = 0
            match = c.counts.get(val, 0)
            skew = match + self_match - min_match
            if skew > c.spec.max_skew:
                detail: dict[str, Any] = {
                    "constraint": i, "topologyKey": key, "domain": val, "matching": match, "self": self_match,
                    "min": min_match, "skew": skew, "maxSkew": c.spec.max_skew, "counts": dict(sorted(c.counts.items())),
                    "summary": (f"{key}={val} has {match} matching pod(s){' + this pod' if self_match else ''}, "
                                f"least-loaded domain has {min_match}"
                                f"{f' (only {domains} domain(s) < minDomains {min_domains})' if domains < min_domains else ''}"
                                f": skew {skew} > maxSkew {c.spec.max_skew}"),
                }
                return unschedulable(NAME, REASON, detail=detail)
        return None
