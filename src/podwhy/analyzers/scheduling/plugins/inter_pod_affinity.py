"""InterPodAffinity (required terms): the pod's podAffinity, its podAntiAffinity, and existing pods'
anti-affinity against it, counted per (topologyKey, value) over every pod bound to a node.
Mirrors pkg/scheduler/framework/plugins/interpodaffinity/{filtering,plugin}.go and
k8s.io/kube-scheduler framework AffinityTerm (v1.35); semantics A2.12."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    pod_ref,
    unresolvable,
    unschedulable,
)
from podwhy.analyzers.scheduling.plugins.labelsel import Selector, build
from podwhy.analyzers.selectors import label_selector_matches
from podwhy.model import LabelSelector, Pod, PodAffinityTerm

NAME = "InterPodAffinity"
# interpodaffinity/filtering.go (1.22+: single specific reason; <=1.21 also a generic one).
REASON_AFFINITY = "node(s) didn't match pod affinity rules"
REASON_ANTI = "node(s) didn't match pod anti-affinity rules"
REASON_EXISTING_ANTI = "node(s) didn't satisfy existing pods anti-affinity rules"


@dataclass(frozen=True)
class Term:
    """framework.AffinityTerm of one pod: namespaces, namespaceSelector, selector, topologyKey."""

    namespaces: frozenset[str]
    ns_selector: LabelSelector | None
    selector: Selector
    topology_key: str

    def matches(self, pod: Pod, ns_labels: Mapping[str, str]) -> bool:
        ns = pod.metadata.namespace
        if ns in self.namespaces or (self.ns_selector is not None and label_selector_matches(self.ns_selector, ns_labels)):
            return self.selector.matches(pod.metadata.labels)
        return False


def terms_of(owner: Pod, raw: tuple[PodAffinityTerm, ...]) -> list[Term]:
    out: list[Term] = []
    for t in raw:
        nss = frozenset(t.namespaces)
        if not nss and t.namespace_selector is None:
            nss = frozenset({owner.metadata.namespace})
        sel = build(t.label_selector, owner.metadata.labels, t.match_label_keys, t.mismatch_label_keys)
        out.append(Term(nss, t.namespace_selector, sel, t.topology_key))
    return out


def _required(pod: Pod, anti: bool) -> tuple[PodAffinityTerm, ...]:
    aff = pod.spec.affinity
    if aff is None:
        return ()
    pa = aff.pod_anti_affinity if anti else aff.pod_affinity
    return pa.required_during_scheduling_ignored_during_execution if pa is not None else ()


@dataclass
class _State:
    affinity: list[Term]
    anti: list[Term]
    affinity_counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    anti_counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    existing_anti: Counter[tuple[str, str]] = field(default_factory=Counter)
    # (key, value) -> pods that put it there (for the explanation)
    who: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    who_anti: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    self_match: bool = False


class InterPodAffinity:
    name = NAME
    static = False
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        pod = pc.pod
        aff_raw, anti_raw = _required(pod, False), _required(pod, True)
        if not aff_raw and not anti_raw and not cs.anti_affinity_pods:
            return PreFilterOutcome(skip=True)
        st = _State(terms_of(pod, aff_raw), terms_of(pod, anti_raw))
        my_ns_labels = cs.ns_labels(pod.metadata.namespace)
        # 3. existing pods' required anti-affinity terms that match us, at the existing pod's node.
        for p, ni in cs.anti_affinity_pods:
            for t in terms_of(p, _required(p, True)):
                if t.matches(pod, my_ns_labels):
                    v = ni.labels.get(t.topology_key)
                    if v is not None:
                        st.existing_anti[(t.topology_key, v)] += 1
                        st.who.setdefault((t.topology_key, v), []).append(pod_ref(p))
        # 1./2. our own terms against every pod bound to a node (terminating included).
        if st.affinity or st.anti:
            for p, ni in cs.bound:
                ns_labels = cs.ns_labels(p.metadata.namespace)
                if st.affinity and all(t.matches(p, ns_labels) for t in st.affinity):
                    for t in st.affinity:
                        v = ni.labels.get(t.topology_key)
                        if v is not None:
                            st.affinity_counts[(t.topology_key, v)] += 1
                for t in st.anti:
                    if t.matches(p, ns_labels):
                        v = ni.labels.get(t.topology_key)
                        if v is not None:
                            st.anti_counts[(t.topology_key, v)] += 1
                            st.who_anti.setdefault((t.topology_key, v), []).append(pod_ref(p))
        st.self_match = bool(st.affinity) and all(t.matches(pod, my_ns_labels) for t in st.affinity)
        pc.state[NAME] = st
        return None

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        st: _State | None = pc.state.get(NAME)
        if st is None:
            return None
        labels = ni.labels
        if st.affinity:
            exist = True
            for t in st.affinity:
                v = labels.get(t.topology_key)
                if v is None:
                    return unresolvable(NAME, REASON_AFFINITY, detail={
                        "topologyKey": t.topology_key, "summary": f"node has no {t.topology_key} label"})
                if st.affinity_counts[(t.topology_key, v)] <= 0:
                    exist = False
            if not exist and not (not st.affinity_counts and st.self_match):
                where = ", ".join(sorted({f"{k}={v}" for (k, v) in st.affinity_counts}))
                return unresolvable(NAME, REASON_AFFINITY, detail={
                    "domainsWithMatchingPods": sorted(f"{k}={v}" for (k, v) in st.affinity_counts),
                    "summary": ("no pod matching the required podAffinity in this node's domain"
                                + (f" (matching pods are in {where})" if where else " (no matching pod anywhere)"))})
        for t in st.anti:
            v = labels.get(t.topology_key)
            if v is not None and st.anti_counts[(t.topology_key, v)] > 0:
                who = st.who_anti.get((t.topology_key, v), [])
                return unschedulable(NAME, REASON_ANTI, detail={
                    "topologyKey": t.topology_key, "domain": v, "pods": who[:5],
                    "summary": f"{t.topology_key}={v} already runs {who[0] if who else 'a pod'} matching the pod's anti-affinity"})
        if st.existing_anti:
            for k, v in labels.items():
                if st.existing_anti[(k, v)] > 0:
                    who2 = st.who.get((k, v), [])
                    return unschedulable(NAME, REASON_EXISTING_ANTI, detail={
                        "topologyKey": k, "domain": v, "pods": who2[:5],
                        "summary": f"pod {who2[0] if who2 else '?'} has anti-affinity against this pod in {k}={v}"})
        return None
