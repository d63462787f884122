"""`kubectl describe pod|node|pvc|replicaset|deployment|serviceaccount` text as input.

What people paste into tickets is describe output, not YAML. Each described object is rebuilt as the API
object it was printed from (as far as describe prints it: pod.py, node.py, workloads.py), its Events table
as Event objects (events.py), then decoded like any YAML document, so every analyzer reads it unchanged.
The layout (layout.py) follows k8s.io/kubectl/pkg/describe/describe.go, v1.20-v1.33.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from podwhy.snapshot import ref_of
from podwhy.snapshot.sources.decode import Decoded, convert_python_document
from podwhy.snapshot.sources.describe import events, layout
from podwhy.snapshot.sources.describe.node import node
from podwhy.snapshot.sources.describe.pod import pod
from podwhy.snapshot.sources.describe.workloads import deployment, pvc, replicaset, serviceaccount

looks_like_describe = layout.looks_like_describe

# What describe output does not print (describe.go), said once per input so nobody trusts a silence.
CANNOT_CARRY = ("affinity and anti-affinity rules, a pod's imagePullSecrets, schedulerName and schedulingGates, "
                "condition reasons and messages, containers' waiting messages, Secret and ConfigMap contents")


def _kind(root: layout.Node, lines: list[str]) -> str | None:
    has = {c.key for c in root.children}
    if any(ln.strip() == "====" for ln in lines[:40]) or ("Data" in has and "Type" in has and "Containers" not in has):
        return "Secret"
    replicas = root.text("Replicas")
    if "Pod Template" in has:
        if " current / " in replicas:
            return "ReplicaSet"
        if "StrategyType" in has or " updated | " in replicas:
            return "Deployment"
        return None  # a StatefulSet, DaemonSet, Job or CronJob: not read from describe text
    if "Containers" in has and ("Node" in has or "Status" in has):
        return "Pod"
    if has & {"Taints", "Unschedulable", "Non-terminated Pods", "System Info", "Roles"}:
        return "Node"
    if "Claim" in has or "Reclaim Policy" in has:
        return None  # a PersistentVolume
    if "Access Modes" in has or "Used By" in has:
        return "PersistentVolumeClaim"
    if has & {"Mountable secrets", "Image pull secrets", "Tokens"}:
        return "ServiceAccount"
    return None


def _kind_word(root: layout.Node) -> str:
    has = {c.key for c in root.children}
    for key, word in (("Claim", "PersistentVolume"), ("Completions", "Job"), ("Schedule", "CronJob"),
                      ("Desired Number of Nodes Scheduled", "DaemonSet"), ("Update Strategy", "StatefulSet")):
        if key in has:
            return word
    return "object"


def decode_describe(text: str, where: str, anchor: datetime | None = None) -> Decoded:
    """Every object of a describe text, decoded; notes say what was read, skipped and cannot be known."""
    out = Decoded()
    now = anchor or datetime.now(UTC)
    text, notes = layout.unquote(text)
    blocks, lead_notes = layout.split_objects(text)
    notes += lead_notes
    objs: dict[tuple[str, str, str], dict[str, Any]] = {}
    from_tables: dict[tuple[str, str, str], dict[str, Any]] = {}
    # Events by the object they are about: an object described twice keeps the later text's table.
    evs: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    skipped: list[str] = []
    for _i, lines in enumerate(blocks):
        root = layout.parse_tree(lines)
        kind = _kind(root, lines)
        name = root.text("Name")
        if kind is None or kind == "Secret":
            word = kind or _kind_word(root)
            skipped.append(f"{word} {name}" + (" (describe prints no values)" if kind == "Secret" else ""))
            continue
        if kind == "Pod":
            obj = pod(root, now)
        elif kind == "Node":
            obj, pods, node_notes = node(root)
            notes += node_notes
            for p in pods:
                from_tables[("Pod", p["metadata"]["namespace"], p["metadata"]["name"])] = p
        elif kind == "PersistentVolumeClaim":
            obj = pvc(root)
        elif kind == "ReplicaSet":
            obj = replicaset(root)
        elif kind == "Deployment":
            obj = deployment(root)
        else:
            obj = serviceaccount(root)
        meta = obj["metadata"]
        key = (kind, meta.get("namespace", ""), meta["name"])
        objs[key] = obj
        involved = {"apiVersion": obj["apiVersion"], "kind": kind, "name": meta["name"],
                    **({"namespace": meta["namespace"]} if "namespace" in meta else {})}
        evs[key] = events.events(root.get("Events"), involved, now)
        if kind == "Pod":
            out.described.add(ref_of("Pod", meta["namespace"], meta["name"]))
    for key, p in from_tables.items():
        objs.setdefault(key, p)
    for n, obj in enumerate([*objs.values(), *(e for table in evs.values() for e in table)]):
        out.extend(convert_python_document(obj, where, n))
    kinds: dict[str, int] = {}
    for kind, _ns, _name in objs:
        kinds[kind] = kinds.get(kind, 0) + 1
    read = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    tables = sum(1 for k, p in from_tables.items() if objs[k] is p)
    notes.append(
        f"{where}: `kubectl describe` text ({read or 'nothing'} read"
        + (f"; {tables} of the pods only as rows of a node's pod table, with their CPU/memory requests" if tables
           else "")
        + f"). Describe text does not carry {CANNOT_CARRY}; event and deletion times are rebuilt from the ages "
        f"it prints, taken relative to {events.rfc3339(now)} (give --now the time kubectl ran)")
    if skipped:
        notes.append(f"{where}: not read from describe text: {', '.join(skipped)}")
    out.notes = notes + out.notes
    return out
