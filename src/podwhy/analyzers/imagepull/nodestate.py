"""The node side of a stuck pull: DiskPressure (the kubelet's image GC cannot make room) and a NotReady node,
from the node's conditions (semantics.md B1)."""

from __future__ import annotations

from podwhy.analyzers.imagepull.case import RANK_NODE, ContainerCase, Seen
from podwhy.findings import Confidence, Evidence, Finding, Fix
from podwhy.model import Node


def disk_pressure(node: Node | None) -> Evidence | None:
    if node is None:
        return None
    for cond in node.status.conditions:
        if cond.type == "DiskPressure" and cond.status == "True":
            return Evidence(ref=f"Node/{node.metadata.name}", field=".status.conditions[?(@.type=='DiskPressure')]",
                            observed=f"DiskPressure=True reason={cond.reason}: {cond.message}".rstrip(": "))
    for t in node.spec.taints:
        if t.key == "node.kubernetes.io/disk-pressure":
            return Evidence(ref=f"Node/{node.metadata.name}", field=".spec.taints",
                            observed=f"{t.key}:{t.effect}")
    return None


def not_ready(node: Node | None) -> Evidence | None:
    if node is None:
        return None
    for cond in node.status.conditions:
        if (cond.type == "Ready" and cond.status != "True") or (cond.type == "NetworkUnavailable"
                                                                 and cond.status == "True"):
            return Evidence(ref=f"Node/{node.metadata.name}", field=f".status.conditions[?(@.type=={cond.type!r})]",
                            observed=f"{cond.type}={cond.status} reason={cond.reason}: {cond.message}".rstrip(": "))
    return None


def disk_finding(case: ContainerCase, node: Node | None, cond: Evidence | None, s: Seen | None) -> Finding:
    name = case.pod.spec.node_name or "?"
    ev = [x for x in (s.evidence if s else None, cond) if x is not None]
    if s is not None:
        cause = (f"Pulling {case.c.image!r} failed because node {name} ran out of disk space while writing the image"
                 f" (`{s.cls.matched}`)" + ("; the node also reports DiskPressure." if cond else "."))
        conf: Confidence = "certain"
    else:
        cause = (f"Node {name} is under DiskPressure, so image pulls and image garbage collection compete for space; "
                 f"the pull of {case.c.image!r} may fail or be evicted for it.")
        conf = "likely"
    debug = f"kubectl debug node/{name} -it --image=busybox -- df -h /host/var/lib/containerd /host/var/lib/kubelet"
    return Finding(code="node.disk-full", severity="error", confidence=conf, cause=cause, evidence=ev,
                   fix=Fix(summary=f"Free disk space on node {name} (unused images, logs), or move the pod to "
                           "another node; check the kubelet's imageGCHighThresholdPercent.",
                           commands=[debug, f"kubectl describe node {name}",
                                     "crictl rmi --prune   # on the node: removes images no container uses"]),
                   container=case.c.name, details={"node": name}, group_key=f"node={name}", rank=RANK_NODE)
