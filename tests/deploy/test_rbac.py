"""deploy/rbac.yaml is read-only and covers every kind podwhy reads; kubectl accepts it."""

from __future__ import annotations

from pathlib import Path

import yaml

from podwhy.model.kinds import EVENTS_V1, KINDS

RBAC = Path(__file__).resolve().parents[2] / "deploy" / "rbac.yaml"
READ_VERBS = {"get", "list"}


def _docs() -> list[dict]:
    return [d for d in yaml.safe_load_all(RBAC.read_text()) if d]


def _grants(kind: str) -> set[tuple[str, str]]:
    out = set()
    for d in _docs():
        if d["kind"] != kind:
            continue
        for rule in d["rules"]:
            for g in rule["apiGroups"]:
                for r in rule["resources"]:
                    out.add((g, r))
    return out


def _group(api_path: str) -> str:
    return api_path.split("/")[1] if api_path.startswith("apis/") else ""


def test_every_rule_is_read_only() -> None:
    for d in _docs():
        for rule in d.get("rules", []):
            assert set(rule["verbs"]) <= READ_VERBS, (d["metadata"]["name"], rule)


def test_cluster_role_covers_every_kind_podwhy_lists() -> None:
    granted = _grants("ClusterRole")
    for k in (*KINDS, EVENTS_V1):
        assert (_group(k.api_path), k.plural) in granted, k.kind


def test_namespaced_role_covers_every_namespaced_kind() -> None:
    granted = _grants("Role")
    for k in (*KINDS, EVENTS_V1):
        if k.namespaced:
            assert (_group(k.api_path), k.plural) in granted, k.kind
