"""`kubectl describe node` -> a core/v1 Node, and the node's pod table -> the requests of its pods.

Mirrors k8s.io/kubectl/pkg/describe/describe.go describeNode and describeNodeResource (v1.20-v1.33):
Taints as `key[=value]:Effect` lines, `Unschedulable:  true|false`, the Conditions table (Type, Status,
LastHeartbeatTime, LastTransitionTime, Reason, Message), Capacity/Allocatable as `name: quantity`, System
Info, and `Non-terminated Pods: (N in total)` with one row per pod: Namespace, Name, CPU Requests, CPU
Limits, Memory Requests, Memory Limits (each `<quantity> (<percent>%)`), Age.
"""

from __future__ import annotations

from typing import Any

from podwhy.snapshot.sources.describe.layout import Node, columns
from podwhy.snapshot.sources.describe.pod import object_meta

Obj = dict[str, Any]

_INFO = {"Architecture": "architecture", "Operating System": "operatingSystem",
         "Container Runtime Version": "containerRuntimeVersion", "Kubelet Version": "kubeletVersion"}
# Resources the per-pod table prints; any other resource the pods request shows only in the totals.
_TABLE_RESOURCES = frozenset({"cpu", "memory"})


def taints(node: Node | None) -> list[Obj]:
    out: list[Obj] = []
    for v in node.values() if node is not None else ():
        head, _, effect = v.rpartition(":")
        if not head or not effect:
            continue
        key, _, value = head.partition("=")
        t: Obj = {"key": key, "effect": effect}
        if value:
            t["value"] = value
        out.append(t)
    return out


def _quantity(cell: str) -> str:
    """`100m (2%)` -> `100m`; `0 (0%)` -> `0`."""
    return cell.split(" ", 1)[0] if cell else "0"


def node(root: Node) -> tuple[Obj, list[Obj], list[str]]:
    """(the Node, a Pod per row of its pod table holding that pod's requests and limits, notes)."""
    name = root.text("Name")
    meta = object_meta(root, namespaced=False)
    spec: Obj = {}
    if root.text("Unschedulable") == "true":
        spec["unschedulable"] = True
    if tt := taints(root.get("Taints")):
        spec["taints"] = tt
    status: Obj = {}
    for key, fld in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        sec = root.get(key)
        if sec is not None:
            status[fld] = {c.key: c.value for c in sec.children}
    conds = root.get("Conditions")
    if conds is not None and conds.table:
        names, rows = columns(conds.table)
        status["conditions"] = [
            {k: v for k, v in (("type", r[0]), ("status", _at(r, names, "Status")),
                               ("reason", _at(r, names, "Reason")), ("message", _at(r, names, "Message"))) if v}
            for r in rows if r and r[0]]
    info = root.get("System Info")
    if info is not None:
        status["nodeInfo"] = {fld: info.text(key) for key, fld in _INFO.items() if info.text(key)}
    addresses = root.get("Addresses")
    if addresses is not None:
        status["addresses"] = [{"type": c.key, "address": c.value} for c in addresses.children]
    pods, notes = _pods(root, name)
    return {"apiVersion": "v1", "kind": "Node", "metadata": meta, "spec": spec, "status": status}, pods, notes


def _at(row: list[str], names: list[str], name: str) -> str:
    return row[names.index(name)] if name in names and names.index(name) < len(row) else ""


def _pods(root: Node, node_name: str) -> tuple[list[Obj], list[str]]:
    table = root.get("Non-terminated Pods")
    out: list[Obj] = []
    notes: list[str] = []
    if table is None or not table.table:
        return out, notes
    names, rows = columns(table.table)
    for r in rows:
        ns, pod = _at(r, names, "Namespace"), _at(r, names, "Name")
        if not ns or not pod:
            continue
        res: Obj = {}
        for fld, cpu, mem in (("requests", "CPU Requests", "Memory Requests"), ("limits", "CPU Limits",
                                                                                 "Memory Limits")):
            q = {k: _quantity(_at(r, names, col)) for k, col in (("cpu", cpu), ("memory", mem))}
            q = {k: v for k, v in q.items() if v not in ("0", "")}
            if q:
                res[fld] = q
        out.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": pod, "namespace": ns},
                    "spec": {"nodeName": node_name, "containers": [{"name": "(requests from node describe)",
                                                                    **({"resources": res} if res else {})}]},
                    "status": {"phase": "Running"}})
    alloc = root.get("Allocated resources")
    if alloc is not None and alloc.table:
        names, rows = columns(alloc.table)
        other = [r[0] for r in rows if r and r[0] not in _TABLE_RESOURCES and _quantity(_at(r, names, "Requests"))
                 not in ("0", "")]
        if other:
            notes.append(f"node {node_name}: its pods' requests of {', '.join(other)} are only totals in describe "
                         "text (not per pod): not counted as used")
    return out, notes
