"""Label selectors, node selectors and tolerations, evaluated exactly as upstream does.

Mirrors k8s.io/apimachinery/pkg/labels/selector.go (LabelSelectorAsSelector: In/NotIn/Exists/
DoesNotExist), k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go
(NodeSelectorTerm matching, Gt/Lt as base-10 int64, matchFields metadata.name only) and
k8s.io/api/core/v1/toleration.go ToleratesTaint (v1.35). Shared by the scheduling, volume and
workload analyzers so that one rule has one implementation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from podwhy.model import (
    LabelSelector,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    Taint,
    Toleration,
)


def label_selector_matches(sel: LabelSelector | None, labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelector semantics: nil selects nothing, empty {} selects everything.

    An invalid requirement (unknown operator, In with no values) makes the selector match nothing,
    as LabelSelectorAsSelector returns an error and callers treat that as labels.Nothing().
    """
    if sel is None:
        return False
    for k, v in sel.match_labels.items():
        if labels.get(k) != v:
            return False
    for req in sel.match_expressions:
        op = req.operator
        present = req.key in labels
        if op == "In":
            if not req.values or not present or labels[req.key] not in req.values:
                return False
        elif op == "NotIn":
            if not req.values:
                return False
            if present and labels[req.key] in req.values:
                return False
        elif op == "Exists":
            if req.values or not present:
                return False
        elif op == "DoesNotExist":
            if req.values or present:
                return False
        else:
            return False
    return True


def _parse_int64(s: str) -> int | None:
    # strconv.ParseInt(s, 10, 64): optional sign, decimal digits only.
    t = s[1:] if s[:1] in "+-" else s
    if not t.isdigit() or not t.isascii():
        return None
    v = int(s)
    return v if -(2**63) <= v < 2**63 else None


def node_requirement_matches(req: NodeSelectorRequirement, labels: Mapping[str, str]) -> bool:
    op, key, values = req.operator, req.key, req.values
    present = key in labels
    if op == "In":
        return bool(values) and present and labels[key] in values
    if op == "NotIn":
        return bool(values) and (not present or labels[key] not in values)
    if op == "Exists":
        return not values and present
    if op == "DoesNotExist":
        return not values and not present
    if op in ("Gt", "Lt"):
        if len(values) != 1 or not present:
            return False
        want, have = _parse_int64(values[0]), _parse_int64(labels[key])
        if want is None or have is None:
            return False
        return have > want if op == "Gt" else have < want
    return False


def field_requirement_matches(req: NodeSelectorRequirement, node_name: str) -> bool:
    """matchFields: only metadata.name with In/NotIn and exactly one value; anything else fails the term."""
    if req.key != "metadata.name" or req.operator not in ("In", "NotIn") or len(req.values) != 1:
        return False
    return (node_name in req.values) == (req.operator == "In")


def term_matches(term: NodeSelectorTerm, labels: Mapping[str, str], node_name: str) -> bool:
    if not term.match_expressions and not term.match_fields:
        return False  # empty terms are dropped: they match nothing
    return all(node_requirement_matches(r, labels) for r in term.match_expressions) and all(
        field_requirement_matches(r, node_name) for r in term.match_fields
    )


def node_selector_matches(sel: NodeSelector | None, labels: Mapping[str, str], node_name: str) -> bool:
    """Terms are ORed; a selector with no usable term matches no node."""
    if sel is None:
        return True
    return any(term_matches(t, labels, node_name) for t in sel.node_selector_terms)


def tolerates(tol: Toleration, taint: Taint) -> bool:
    """ToleratesTaint (k8s.io/api/core/v1/toleration.go, v1.35; Lt/Gt are alpha-gated and left out)."""
    if tol.effect and tol.effect != taint.effect:
        return False
    if tol.key and tol.key != taint.key:
        return False
    op = tol.operator or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return tol.value == taint.value
    return False


def untolerated(taints: Sequence[Taint], tolerations: Sequence[Toleration],
                effects: tuple[str, ...] = ("NoSchedule", "NoExecute")) -> list[Taint]:
    """Taints with one of `effects` that no toleration tolerates, in node.spec.taints order."""
    return [t for t in taints if t.effect in effects and not any(tolerates(tol, t) for tol in tolerations)]
