"""deploy/rbac.yaml is read-only and lets podwhy list and watch every kind it reads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from podwhy.model.kinds import EVENTS_V1, KINDS

RBAC = Path(__file__).resolve().parents[2] / "deploy" / "rbac.yaml"
# `watch` is for `podwhy serve`; nothing that creates, updates, patches or deletes.
READ_VERBS = {"get", "list", "watch"}


def _docs() -> list[dict]:
    return [d for d in yaml.safe_load_all(RBAC.read_text()) if d]


def _grants(kind: str, verb: str = "list") -> set[tuple[str, str]]:
    """(apiGroup, resource) pairs that roles of `kind` grant `verb` on."""
    out = set()
    for d in _docs():
        if d["kind"] != kind:
            continue
        for rule in d["rules"]:
            if verb not in rule["verbs"]:
                continue
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


@pytest.mark.parametrize("verb", ["list", "watch"])
def test_cluster_role_covers_every_kind_podwhy_lists(verb: str) -> None:
    granted = _grants("ClusterRole", verb)
    for k in (*KINDS, EVENTS_V1):
        assert (_group(k.api_path), k.plural) in granted, k.kind


@pytest.mark.parametrize("verb", ["list", "watch"])
def test_namespaced_role_covers_every_namespaced_kind(verb: str) -> None:
    granted = _grants("Role", verb)
    for k in (*KINDS, EVENTS_V1):
        if k.namespaced:
            assert (_group(k.api_path), k.plural) in granted, k.kind


def test_every_listable_resource_is_watchable() -> None:
    # serve watches what scan lists: a list grant without watch would leave serve relisting forever.
    for d in _docs():
        for rule in d.get("rules", []):
            if "list" in rule["verbs"]:
                assert "watch" in rule["verbs"], (d["metadata"]["name"], rule)
    for role_kind in ("ClusterRole", "Role"):
        assert _grants(role_kind, "list") == _grants(role_kind, "watch"), role_kind


def test_pod_logs_are_get_only() -> None:
    for d in _docs():
        for rule in d.get("rules", []):
            if "pods/log" in rule["resources"]:
                assert rule["verbs"] == ["get"], (d["metadata"]["name"], rule)
