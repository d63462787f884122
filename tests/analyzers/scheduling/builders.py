"""Tiny builders of Kubernetes objects (as dicts) for scheduling tests; rendered as a YAML List."""

from __future__ import annotations

import json
from typing import Any

from podwhy.findings import Report, Subject

from helpers import diagnose_yaml


def node(name: str, *, cpu: str = "4", memory: str = "16Gi", pods: str = "110", labels: dict[str, str] | None = None,
         taints: list[dict[str, str]] | None = None, unschedulable: bool = False, ready: bool = True,
         extra: dict[str, str] | None = None) -> dict[str, Any]:
    alloc = {"cpu": cpu, "memory": memory, "pods": pods, **(extra or {})}
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
            "spec": spec,
            "status": {"allocatable": alloc, "capacity": alloc,
                       "conditions": [{"type": "Ready", "status": "True" if ready else "Unknown"}]}}


def pod(name: str, *, ns: str = "default", node_name: str = "", requests: dict[str, str] | None = None,
        labels: dict[str, str] | None = None, phase: str | None = None, **spec: Any) -> dict[str, Any]:
    c: dict[str, Any] = {"name": "app", "image": "registry.example/app:1"}
    if requests:
        c["resources"] = {"requests": requests}
    if "ports" in spec:
        c["ports"] = spec.pop("ports")
    body: dict[str, Any] = {"containers": [c], **spec}
    if node_name:
        body["nodeName"] = node_name
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-{ns}-{name}", "labels": labels or {}},
            "spec": body, "status": {"phase": phase or ("Running" if node_name else "Pending")}}


def failed_event(pod_name: str, message: str, *, ns: str = "default") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"{pod_name}.ev", "namespace": ns},
            "involvedObject": {"kind": "Pod", "namespace": ns, "name": pod_name, "uid": f"uid-{ns}-{pod_name}"},
            "reason": "FailedScheduling", "type": "Warning", "message": message,
            "source": {"component": "default-scheduler"}, "lastTimestamp": "2026-11-20T09:59:00Z"}


def to_yaml(objs: list[dict[str, Any]]) -> str:
    """Concatenated JSON documents (one per object), so `XList` documents with no items mark a kind loaded."""
    return "\n".join(json.dumps(o) for o in objs)


EMPTY_EVENTS: dict[str, Any] = {"apiVersion": "v1", "kind": "EventList", "items": []}
EMPTY_NODES: dict[str, Any] = {"apiVersion": "v1", "kind": "NodeList", "items": []}


def run(objs: list[dict[str, Any]]) -> Report:
    return diagnose_yaml(to_yaml(objs))


def subject(report: Report, name: str = "incoming", ns: str = "default") -> Subject:
    return next(s for s in report.subjects if s.ref == f"Pod/{ns}/{name}")


def first_reasons(s: Subject) -> dict[str, list[str]]:
    assert s.scheduling is not None
    return {n.name: (n.failures[0].reasons if n.failures else []) for n in s.scheduling.nodes}
