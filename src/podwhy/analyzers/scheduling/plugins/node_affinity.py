"""NodeAffinity: spec.nodeSelector AND required node affinity must match the node; a PreFilter turns
`matchFields metadata.name In` terms into a PreFilterResult (node-name narrowing).
Mirrors pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go and
k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go (v1.35)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from podwhy.analyzers.scheduling.framework import (
    ClusterState,
    NodeInfo,
    PodCtx,
    PreFilterOutcome,
    Status,
    unresolvable,
)
from podwhy.analyzers.selectors import (
    field_requirement_matches,
    node_requirement_matches,
    node_selector_matches,
)
from podwhy.model import NodeSelector, NodeSelectorRequirement, Pod

NAME = "NodeAffinity"
# node_affinity.go ErrReasonPod (1.21+; 1.20 "didn't match Pod's node affinity", <=1.19 "node selector").
REASON = "node(s) didn't match Pod's node affinity/selector"
# node_affinity.go errReasonConflict (1.24+): PreFilter, every term's metadata.name set is empty.
REASON_CONFLICT = "pod affinity terms conflict"
_KEYS = "NodeAffinity.labelKeys"


def required_selector(pod: Pod) -> NodeSelector | None:
    aff = pod.spec.affinity
    if aff is None or aff.node_affinity is None:
        return None
    return aff.node_affinity.required_during_scheduling_ignored_during_execution


def pod_matches_node_labels(pod: Pod, labels: dict[str, str], name: str) -> bool:
    """GetRequiredNodeAffinity(pod).Match(node): nodeSelector pairs AND required terms (ORed)."""
    for k, v in pod.spec.node_selector.items():
        if labels.get(k) != v:
            return False
    return node_selector_matches(required_selector(pod), labels, name)


def _req_text(r: NodeSelectorRequirement) -> str:
    vals = ",".join(r.values)
    return f"{r.key} {r.operator} [{vals}]" if r.values else f"{r.key} {r.operator}"


def explain(pod: Pod, labels: dict[str, str], name: str) -> dict[str, Any]:
    """Which label the node lacks: the nodeSelector pair, or per term its first failing requirement."""
    mism: list[dict[str, Any]] = []
    for k, v in pod.spec.node_selector.items():
        if labels.get(k) != v:
            mism.append({"source": "nodeSelector", "label": k, "wanted": [v], "node": labels.get(k)})
    if mism:
        m = mism[0]
        node_txt = "missing" if m["node"] is None else f"= {m['node']!r}"
        return {"mismatches": mism, "summary": f"nodeSelector {m['label']}={m['wanted'][0]}: node label {node_txt}"}
    sel = required_selector(pod)
    terms: list[dict[str, Any]] = []
    if sel is not None:
        for i, t in enumerate(sel.node_selector_terms):
            if not t.match_expressions and not t.match_fields:
                terms.append({"term": i, "requirement": "(empty term matches nothing)"})
                continue
            for r in t.match_expressions:
                if not node_requirement_matches(r, labels):
                    terms.append({"term": i, "source": "matchExpressions", "label": r.key, "operator": r.operator,
                                  "wanted": list(r.values), "node": labels.get(r.key), "requirement": _req_text(r)})
                    break
            else:
                for r in t.match_fields:
                    if not field_requirement_matches(r, name):
                        terms.append({"term": i, "source": "matchFields", "label": r.key, "operator": r.operator,
                                      "wanted": list(r.values), "node": name, "requirement": _req_text(r)})
                        break
    if not terms:
        return {"summary": "required node affinity does not match"}
    t0 = terms[0]
    have = t0.get("node")
    node_txt = "" if "label" not in t0 else (" (node label missing)" if have is None else f" (node has {have!r})")
    return {"terms": terms, "summary": f"required affinity {t0['requirement']}{node_txt}"}


class NodeAffinity:
    name = NAME
    static = True
    taint_only = False

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None:
        sel = required_selector(pc.pod)
        if sel is None and not pc.pod.spec.node_selector:
            return PreFilterOutcome(skip=True)
        if sel is None:
            return None
        names: set[str] | None = None
        for t in sel.node_selector_terms:
            term_names: set[str] | None = None
            for r in t.match_fields:
                if r.key == "metadata.name" and r.operator == "In":
                    s = set(r.values)
                    term_names = s if term_names is None else term_names & s
            if term_names is None:
                return None  # this term is not pinned by name: all nodes stay eligible (terms are ORed)
            names = term_names if names is None else names | term_names
        if names is not None and not names:
            return PreFilterOutcome(status=unresolvable(NAME, REASON_CONFLICT, detail={
                "summary": "the matchFields metadata.name sets of every term are empty"}))
        if names:
            return PreFilterOutcome(node_names=frozenset(names))
        return None

    def memo_key(self, pc: PodCtx, ni: NodeInfo) -> Hashable:
        """Filter and explain() read only the labels the pod's nodeSelector and required terms name
        (matchFields read the node name: the framework keys those pods by name): nodes equal on those
        labels get the same verdict."""
        keys = pc.state.get(_KEYS)
        if keys is None:
            names = list(pc.pod.spec.node_selector)
            sel = required_selector(pc.pod)
            if sel is not None:
                names.extend(r.key for t in sel.node_selector_terms for r in t.match_expressions)
            keys = pc.state[_KEYS] = tuple(dict.fromkeys(names))
        labels = ni.labels
        return (_KEYS, tuple(map(labels.get, keys)))

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None:
        if pod_matches_node_labels(pc.pod, ni.labels, ni.name):
            return None
        return unresolvable(NAME, REASON, detail=explain(pc.pod, ni.labels, ni.name))
