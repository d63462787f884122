"""List filtering by fieldSelector and labelSelector, as the API server does it.

Field selectors follow k8s.io/apimachinery/pkg/fields/selector.go (ParseSelector, 1.31): terms split on
unescaped commas, operators `!=`, `==`, `=`, values escaped with backslashes (fields.EscapeValue).
Label selectors follow k8s.io/apimachinery/pkg/labels/selector.go (Parse and Requirement.Matches, 1.31):
`k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>N`, `k<N`. What clients send them
for: kubectl describe node asks `spec.nodeName=X,status.phase!=Succeeded,status.phase!=Failed`, the
ReplicaSet and Deployment describers send their selector's String() (set-based for matchExpressions).
"""

from __future__ import annotations

import re
from typing import Any

_SET = re.compile(r"^(?P<key>[^\s!=<>(),]+)\s+(?P<op>in|notin)\s*\((?P<values>[^()]*)\)$")


def _field(obj: Any, path: str) -> str:
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return "" if obj is None else str(obj)


def _field_terms(selector: str) -> list[tuple[str, str, str]]:
    """(field, op, value) of each term; op is "=" or "!="."""
    terms: list[str] = []
    current, escaped = "", False
    for ch in selector:
        if escaped:
            current += "\\" + ch
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            terms.append(current)
            current = ""
        else:
            current += ch
    terms.append(current)
    out = []
    for term in filter(None, terms):
        for op in ("!=", "==", "="):
            # the first unescaped operator splits the term (fields.splitTerm)
            at = _unescaped_index(term, op)
            if at >= 0:
                out.append((term[:at], "!=" if op == "!=" else "=", _unescape(term[at + len(op):])))
                break
        else:
            raise ValueError(f"invalid field selector term {term!r}")
    return out


def _unescaped_index(term: str, op: str) -> int:
    i = 0
    while i < len(term):
        if term[i] == "\\":
            i += 2
            continue
        if term.startswith(op, i):
            return i
        i += 1
    return -1


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def _label_requirements(selector: str) -> list[str]:
    """The requirements of a label selector: split on the commas outside parentheses."""
    out, depth, current = [], 0, ""
    for ch in selector:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += ch
    out.append(current.strip())
    return [r for r in out if r]


def _label_matches(requirement: str, labels: dict[str, str]) -> bool:
    """labels.Requirement.Matches: the negative forms (!=, notin, !k) also match objects without the key."""
    if m := _SET.match(requirement):
        values = {v.strip() for v in m["values"].split(",") if v.strip()}
        key = m["key"]
        if m["op"] == "in":
            return key in labels and labels[key] in values
        return key not in labels or labels[key] not in values
    if requirement.startswith("!"):
        return requirement[1:].strip() not in labels
    for op in ("!=", "==", "=", ">", "<"):
        if op in requirement:
            key, _, value = (s.strip() for s in requirement.partition(op))
            if op == "!=":
                return labels.get(key) != value
            if op in ("==", "="):
                return labels.get(key) == value
            try:
                have, bound = int(labels[key]), int(value)
            except (KeyError, ValueError):
                return False
            return have > bound if op == ">" else have < bound
    return requirement in labels


def _selected(obj: dict[str, Any], query: dict[str, str]) -> bool:
    """fieldSelector (any field path of the object: kube-apiserver supports only the ones it indexes, such
    as involvedObject.* of events and spec.nodeName/status.phase of pods, the ones clients use) and
    labelSelector, as the server filters a list."""
    for key, op, want in _field_terms(query.get("fieldSelector", "")):
        if (_field(obj, key) == want) != (op == "="):
            return False
    labels = obj.get("metadata", {}).get("labels") or {}
    return all(_label_matches(r, labels) for r in _label_requirements(query.get("labelSelector", "")))
