"""`kubectl describe pvc|replicaset|deployment|serviceaccount` -> their API objects.

Mirrors k8s.io/kubectl/pkg/describe/describe.go (v1.20-v1.33): describePersistentVolumeClaim (StorageClass,
Status, Volume, Access Modes as RWO/ROX/RWX/RWOP, Used By), describeReplicaSet (`Replicas:  <current>
current / <desired> desired`, the Pod Template, Conditions as Type/Status/Reason), describeDeployment
(`Replicas:  <d> desired | <u> updated | <t> total | <a> available | <n> unavailable`, NewReplicaSet),
describeServiceAccount (`Image pull secrets:` one name per line) and DescribePodTemplate.
"""

from __future__ import annotations

import re
from typing import Any

from podwhy.snapshot.sources.describe.layout import Node, columns
from podwhy.snapshot.sources.describe.pod import container_specs, labels, object_meta, tolerations, volumes

Obj = dict[str, Any]

_MODES = {"RWO": "ReadWriteOnce", "ROX": "ReadOnlyMany", "RWX": "ReadWriteMany", "RWOP": "ReadWriteOncePod"}
_RS_REPLICAS = re.compile(r"^(?P<current>\d{1,10}) current / (?P<desired>\d{1,10}) desired")
_DEPLOY_REPLICAS = re.compile(r"^(?P<desired>\d{1,10}) desired \| (?P<updated>\d{1,10}) updated \| "
                              r"(?P<total>\d{1,10}) total \| (?P<available>\d{1,10}) available \| "
                              r"(?P<unavailable>\d{1,10}) unavailable")


def _selector(root: Node) -> Obj:
    """`Selector:  app=web,tier=front` (metav1.FormatLabelSelector): only `=` terms are match labels."""
    raw = root.text("Selector")
    if not raw or raw == "<none>":
        return {}
    out: dict[str, str] = {}
    for part in raw.split(","):
        k, sep, v = part.partition("=")
        if sep and not k.endswith("!"):
            out[k.strip()] = v.strip()
    return {"matchLabels": out}


def _conditions(root: Node) -> list[Obj]:
    conds = root.get("Conditions")
    if conds is None or not conds.table:
        return []
    _names, rows = columns(conds.table)
    out = []
    for r in rows:
        if not r or not r[0]:
            continue
        c = {"type": r[0], "status": r[1] if len(r) > 1 else ""}
        if len(r) > 2 and r[2]:
            c["reason"] = r[2]
        out.append(c)
    return out


def template(root: Node) -> Obj:
    """DescribePodTemplate: Labels, Service Account, Containers, Volumes, Node-Selectors, Tolerations."""
    t = root.get("Pod Template")
    if t is None:
        return {}
    spec: Obj = {}
    if (cs := t.get("Containers")) is not None:
        spec["containers"] = container_specs(cs)
    if (cs := t.get("Init Containers")) is not None:
        spec["initContainers"] = container_specs(cs)
    if (vs := t.get("Volumes")) is not None:
        spec["volumes"] = volumes(vs)
    if sel := labels(t.get("Node-Selectors")):
        spec["nodeSelector"] = sel
    if tol := tolerations(t.get("Tolerations")):
        spec["tolerations"] = tol
    if t.text("Service Account"):
        spec["serviceAccountName"] = t.text("Service Account")
    if t.text("Priority Class Name"):
        spec["priorityClassName"] = t.text("Priority Class Name")
    out: Obj = {"spec": spec}
    if lb := labels(t.get("Labels")):
        out["metadata"] = {"labels": lb}
    return out


def pvc(root: Node) -> Obj:
    spec: Obj = {}
    if root.text("StorageClass"):
        spec["storageClassName"] = root.text("StorageClass")
    if root.text("Volume"):
        spec["volumeName"] = root.text("Volume")
    modes = [_MODES.get(m.strip(), m.strip()) for m in root.text("Access Modes").split(",") if m.strip()]
    if modes:
        spec["accessModes"] = modes
    if root.text("VolumeMode"):
        spec["volumeMode"] = root.text("VolumeMode")
    status: Obj = {"phase": root.text("Status")}
    if root.text("Capacity"):
        status["capacity"] = {"storage": root.text("Capacity")}
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": object_meta(root), "spec": spec,
            "status": status}


def replicaset(root: Node) -> Obj:
    m = _RS_REPLICAS.match(root.text("Replicas"))
    spec: Obj = {"selector": _selector(root), "template": template(root)}
    status: Obj = {"conditions": _conditions(root)}
    if m is not None:
        spec["replicas"] = int(m["desired"])
        status["replicas"] = int(m["current"])
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": object_meta(root), "spec": spec, "status": status}


def deployment(root: Node) -> Obj:
    m = _DEPLOY_REPLICAS.match(root.text("Replicas"))
    spec: Obj = {"selector": _selector(root), "template": template(root)}
    status: Obj = {"conditions": _conditions(root)}
    if m is not None:
        spec["replicas"] = int(m["desired"])
        status.update({"updatedReplicas": int(m["updated"]), "replicas": int(m["total"]),
                       "availableReplicas": int(m["available"]), "unavailableReplicas": int(m["unavailable"])})
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": object_meta(root), "spec": spec, "status": status}


def serviceaccount(root: Node) -> Obj:
    secrets = root.get("Image pull secrets")
    names = secrets.values() if secrets is not None else []
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": object_meta(root),
            "imagePullSecrets": [{"name": n.split()[0]} for n in names if n.split()]}
