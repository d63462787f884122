"""Server-side printing: the meta.k8s.io Table that `kubectl get` asks for."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .resources import Resource


def _age(ts: str | None) -> str:
    if not ts:
        return "<unknown>"
    seconds = int((datetime.now(UTC) - datetime.fromisoformat(ts.replace("Z", "+00:00"))).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{max(seconds, 0)}s"


def _pod_row(pod: dict[str, Any]) -> list[Any]:
    """The cells of kubectl get pods' columns (pkg/printers/internalversion/printers.go printPod)."""
    st = pod.get("status", {})
    statuses = st.get("containerStatuses", [])
    reason = st.get("reason") or st.get("phase", "")
    for cs in statuses:
        waiting = cs.get("state", {}).get("waiting")
        if waiting and waiting.get("reason"):
            reason = waiting["reason"]
    ready = sum(1 for cs in statuses if cs.get("ready"))
    total = len(pod.get("spec", {}).get("containers", []))
    return [pod["metadata"]["name"], f"{ready}/{total}", reason, "0", _age(pod["metadata"].get("creationTimestamp")),
            st.get("podIP") or "<none>", pod.get("spec", {}).get("nodeName") or "<none>", "<none>", "<none>"]


POD_COLUMNS = [
    ("Name", "string", "name", 0, "Name must be unique within a namespace."),
    ("Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting traffic."),
    ("Status", "string", "", 0, "The aggregate status of the containers in this pod."),
    ("Restarts", "string", "", 0, "The number of times the containers in this pod have been restarted and when "
                                   "the last container in this pod has restarted."),
    ("Age", "string", "", 0, "CreationTimestamp is a timestamp representing the server time when this object was "
                             "created."),
    ("IP", "string", "", 1, "podIP address allocated to the pod. Routable at least within the cluster."),
    ("Node", "string", "", 1, "NodeName indicates in which node this pod is scheduled."),
    ("Nominated Node", "string", "", 1, "nominatedNodeName is set when this pod preempts other pods on the node."),
    ("Readiness Gates", "string", "", 1, "If specified, all readiness gates will be evaluated for pod readiness."),
]
DEFAULT_COLUMNS = [
    ("Name", "string", "name", 0, "Name must be unique within a namespace."),
    ("Created At", "date", "", 0, "CreationTimestamp is a timestamp representing the server time when this "
                                  "object was created."),
]


def table(res: Resource, lst: dict[str, Any], api_version: str) -> dict[str, Any]:
    """Server-side printing (k8s.io/apiserver/pkg/endpoints/handlers/response.go asTable)."""
    cols = POD_COLUMNS if res.kind == "Pod" else DEFAULT_COLUMNS
    rows = []
    for item in lst["items"]:
        cells = _pod_row(item) if res.kind == "Pod" else [item["metadata"]["name"],
                                                             item["metadata"].get("creationTimestamp")]
        rows.append({"cells": cells, "object": {"kind": "PartialObjectMetadata", "apiVersion": api_version,
                                                "metadata": item["metadata"]}})
    return {
        "kind": "Table", "apiVersion": api_version, "metadata": lst["metadata"],
        "columnDefinitions": [{"name": n, "type": t, "format": f, "description": d, "priority": p}
                              for n, t, f, p, d in cols],
        "rows": rows,
    }
