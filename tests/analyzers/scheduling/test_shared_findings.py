"""Findings are built once per filter class (pods of different workloads, namespaces and target shapes
with equal filter inputs share one cycle) and personalised per pod: each pod's fix names its own
patch target and namespace, and no placeholder ever reaches the report."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from podwhy.findings import Finding
from podwhy.render import renderer

from .builders import node, pod, run


def _owned(p: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    p["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": f"uid-{name}",
                                         "controller": True}]
    return p


def _workload(kind: str, name: str, ns: str, owner: tuple[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": ns, "uid": f"uid-{name}"}
    if owner is not None:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1],
                                    "uid": f"uid-{owner[1]}", "controller": True}]
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta,
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"spec": {"containers": [{"name": "app", "image": "x"}]}}}}


def _cluster(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Three pods with the same filter inputs: a Deployment's in team-a, another Deployment's in team-b
    (other image), and a bare pod in team-c."""
    web = _owned(pod("web-1", ns="team-a", **spec), "ReplicaSet", "web-6d4f")
    api = _owned(pod("api-1", ns="team-b", **spec), "ReplicaSet", "api-7c9b")
    api["spec"]["containers"][0]["image"] = "registry.example/api:2"
    solo = pod("solo", ns="team-c", **spec)
    return [node("n1", cpu="2", labels={"zone": "a"}), node("n2", cpu="2", labels={"zone": "b"}),
            _workload("Deployment", "web", "team-a"), _workload("ReplicaSet", "web-6d4f", "team-a", ("Deployment", "web")),
            _workload("Deployment", "api", "team-b"), _workload("ReplicaSet", "api-7c9b", "team-b", ("Deployment", "api")),
            web, api, solo]


def _finding(objs: list[dict[str, Any]], ref: str, code: str) -> Finding:
    report = run(objs)
    subject = next(s for s in report.subjects if s.ref == ref)
    return next(f for f in subject.findings if f.code == code)


SELECTOR = {"nodeSelector": {"disk": "ssd"}}
BIG = {"requests": {"cpu": "3"}}
TAINTED = {"tolerations": [{"key": "other", "operator": "Exists", "effect": "NoSchedule"}]}

CASES = [
    pytest.param(SELECTOR, "Pod/team-a/web-1", "sched.node-affinity", [
        "kubectl label node n1 disk=ssd --overwrite",
        "kubectl label node n2 disk=ssd --overwrite",
        """kubectl -n team-a patch deployment web --type=json -p '[{"op":"remove","path":"/spec/template/spec/nodeSelector"}]'""",
    ], id="deployment-in-team-a-patches-its-own-deployment"),
    pytest.param(SELECTOR, "Pod/team-b/api-1", "sched.node-affinity", [
        "kubectl label node n1 disk=ssd --overwrite",
        "kubectl label node n2 disk=ssd --overwrite",
        """kubectl -n team-b patch deployment api --type=json -p '[{"op":"remove","path":"/spec/template/spec/nodeSelector"}]'""",
    ], id="other-deployment-same-class-patches-its-own"),
    pytest.param(SELECTOR, "Pod/team-c/solo", "sched.node-affinity", [
        "kubectl label node n1 disk=ssd --overwrite",
        "kubectl label node n2 disk=ssd --overwrite",
        "# team-c/solo is a bare pod and this field is immutable: edit its manifest and re-create it",
    ], id="bare-pod-same-class-is-told-to-recreate"),
    pytest.param(BIG, "Pod/team-b/api-1", "sched.insufficient-resources", [
        """kubectl -n team-b patch deployment api --type=json -p '[{"op":"replace","path":"""
        """"/spec/template/spec/containers/0/resources/requests/cpu","value":"2"}]'""",
    ], id="resources-patch-names-its-own-deployment"),
    pytest.param(BIG, "Pod/team-c/solo", "sched.insufficient-resources", [
        "# team-c/solo is a bare pod and this field is immutable: edit its manifest and re-create it",
    ], id="resources-bare-pod-is-told-to-recreate"),
]


@pytest.mark.parametrize(("spec", "ref", "code", "commands"), CASES)
def test_shared_class_findings_name_each_pods_own_target(spec: dict[str, Any], ref: str, code: str,
                                                         commands: list[str]) -> None:
    objs = _cluster(spec if "requests" not in spec else {})
    if "requests" in spec:
        for o in objs:
            if o["kind"] == "Pod":
                o["spec"]["containers"][0]["resources"] = spec
    f = _finding(objs, ref, code)
    assert f.fix is not None
    assert f.fix.commands == commands


@pytest.mark.parametrize("spec", [SELECTOR, TAINTED, {"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "x"}}]}],
                         ids=["selector", "tolerations", "claim"])
def test_no_placeholder_reaches_any_format(spec: dict[str, Any]) -> None:
    objs = _cluster(spec)
    objs[0]["spec"]["taints"] = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
    report = run(objs)
    assert report.subjects
    for fmt in ("json", "text", "markdown"):
        assert "@@podwhy" not in renderer(fmt)(report, color=False, width=120)
    assert b"@@podwhy" not in msgspec.json.encode(report)


def test_a_name_that_looks_like_a_placeholder_is_printed_as_it_is() -> None:
    from podwhy.analyzers.scheduling.target import POD_NAME, Target, fill_placeholders

    t = Target("Deployment", "@@podwhy-pod@@", "web", "/spec/template/spec")
    filled = fill_placeholders(f"kubectl -n @@podwhy-namespace@@ describe pod {POD_NAME}", "p-1", t)
    assert filled == "kubectl -n @@podwhy-pod@@ describe pod p-1"
