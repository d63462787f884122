"""Random small clusters for the scheduler oracle: the real kube-scheduler's FailedScheduling message versus
the message podwhy recomputes from the same objects.

A world is a few fake nodes (resources, zones, pools, disks, taints, cordons, extended resources) with bound
pods (requests, labels, host ports) and a sequence of pending pods drawn from the features the filter
plugins read (requests, nodeSelector, required node affinity, tolerations, host ports, pod (anti-)affinity,
topology spread). Everything derives from one integer seed, so a disagreement is replayed by its seed and
kept as a named regression case.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]

ZONES = ("z1", "z2", "z3")
APPS = ("web", "db", "cache")
TAINTS = (
    {"key": "dedicated", "value": "infra", "effect": "NoSchedule"},
    {"key": "spot", "value": "true", "effect": "NoExecute"},
    {"key": "dedicated", "value": "batch", "effect": "PreferNoSchedule"},
    {"key": "gpu", "effect": "NoSchedule"},
)
EXT = "example.com/dongle"


@dataclass
class FakeNode:
    name: str
    cpu: str
    memory: str
    pods: str
    labels: dict[str, str]
    taints: list[Obj]
    unschedulable: bool
    extended: dict[str, str]


@dataclass
class World:
    seed: int
    nodes: list[FakeNode]
    bound: list[Obj]
    pending: list[Obj]
    namespace: str = field(default="")


def _cpu(r: random.Random, choices: tuple[str, ...]) -> str:
    return r.choice(choices)


def _container(r: random.Random, *, big: bool, host_port: bool, ext: bool) -> Obj:
    cpu = r.choice(("50m", "100m", "250m", "500m", "1", "1500m", "2", "3", "6") if big else
                   ("50m", "100m", "200m", "300m", "500m"))
    mem = r.choice(("64Mi", "256Mi", "512Mi", "1Gi", "2Gi", "3Gi", "6Gi", "12Gi") if big else
                   ("64Mi", "128Mi", "256Mi", "512Mi"))
    req: Obj = {}
    if r.random() < 0.85:
        req["cpu"] = cpu
    if r.random() < 0.85:
        req["memory"] = mem
    c: Obj = {"name": "app", "image": "registry.example.test/oracle/app:1"}
    limits: Obj = {}
    if ext:
        n = str(r.randint(1, 3))
        req[EXT] = n
        limits[EXT] = n
    res: Obj = {}
    if req:
        res["requests"] = req
    if limits:
        res["limits"] = limits
    if res:
        c["resources"] = res
    if host_port:
        c["ports"] = [{"containerPort": 8080, "hostPort": r.choice((8080, 9090))}]
    return c


def generate(seed: int, *, pending: int = 25) -> World:
    r = random.Random(seed)
    nodes: list[FakeNode] = []
    for i in range(r.randint(3, 7)):
        labels = {"zone": r.choice(ZONES)}
        if r.random() < 0.7:
            labels["pool"] = r.choice(("a", "b", "c"))
        if r.random() < 0.5:
            labels["disk"] = r.choice(("ssd", "hdd"))
        taints = [dict(t) for t in r.sample(TAINTS, k=r.choice((0, 0, 0, 1, 1, 2)))]
        ext = {EXT: str(r.randint(1, 4))} if r.random() < 0.3 else {}
        nodes.append(FakeNode(
            name=f"o{seed}-n{i}", cpu=r.choice(("1", "2", "4", "8")), memory=r.choice(("2Gi", "4Gi", "8Gi", "16Gi")),
            pods=r.choice(("2", "3", "5", "110", "110")), labels=labels, taints=taints,
            unschedulable=r.random() < 0.12, extended=ext))
    bound: list[Obj] = []
    for n in nodes:
        for j in range(r.randint(0, 3)):
            labels = {"app": r.choice(APPS)}
            spec: Obj = {"nodeName": n.name, "terminationGracePeriodSeconds": 0,
                         "containers": [_container(r, big=False, host_port=r.random() < 0.15,
                                                   ext=bool(n.extended) and r.random() < 0.3)],
                         "tolerations": [{"operator": "Exists"}]}
            bound.append({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": f"{n.name}-b{j}", "labels": labels}, "spec": spec})
    pend: list[Obj] = []
    for k in range(pending):
        app = r.choice(APPS)
        spec = {"terminationGracePeriodSeconds": 0,
                "containers": [_container(r, big=True, host_port=r.random() < 0.12, ext=r.random() < 0.15)]}
        if r.random() < 0.3:
            key = r.choice(("zone", "pool", "disk"))
            spec["nodeSelector"] = {key: r.choice({"zone": ZONES, "pool": ("a", "b", "c"),
                                                    "disk": ("ssd", "hdd")}[key])}
        affinity: Obj = {}
        if r.random() < 0.2:
            op = r.choice(("In", "NotIn", "Exists", "DoesNotExist"))
            expr: Obj = {"key": r.choice(("zone", "pool")), "operator": op}
            if op in ("In", "NotIn"):
                expr["values"] = r.sample(ZONES if expr["key"] == "zone" else ("a", "b", "c"), k=r.randint(1, 2))
            affinity["nodeAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [expr]}]}}
        if r.random() < 0.35:
            tolerations = []
            for t in r.sample(TAINTS, k=r.randint(1, 2)):
                if r.random() < 0.5:
                    tolerations.append({"key": t["key"], "operator": "Exists"})
                else:
                    tol = {"key": t["key"], "operator": "Equal", "value": t.get("value", ""), "effect": t["effect"]}
                    tolerations.append(tol)
            spec["tolerations"] = tolerations
        topo = r.choice(("kubernetes.io/hostname", "zone"))
        if r.random() < 0.15:
            affinity["podAntiAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": r.choice(APPS)}}, "topologyKey": topo}]}
        if r.random() < 0.12:
            affinity["podAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": r.choice(APPS)}}, "topologyKey": topo}]}
        if affinity:
            spec["affinity"] = affinity
        if r.random() < 0.15:
            c: Obj = {"maxSkew": r.choice((1, 1, 2)), "topologyKey": r.choice(("zone", "kubernetes.io/hostname")),
                      "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": app}}}
            if r.random() < 0.3:
                c["minDomains"] = r.randint(2, 4)
            spec["topologySpreadConstraints"] = [c]
        pend.append({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": f"o{seed}-p{k}", "labels": {"app": app}}, "spec": spec})
    return World(seed=seed, nodes=nodes, bound=bound, pending=pend)


def node_manifest(n: FakeNode) -> Obj:
    resources = {"cpu": n.cpu, "memory": n.memory, "pods": n.pods, "ephemeral-storage": "100Gi", **n.extended}
    spec: Obj = {}
    if n.taints:
        spec["taints"] = n.taints
    if n.unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": n.name, "labels": {"kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux",
                                                   "kubernetes.io/arch": "amd64", "type": "kwok", **n.labels},
                         "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"}},
            "spec": spec, "status": {"capacity": resources, "allocatable": resources}}


_DRA_TAIL = re.compile(r"\. (?:(?:no new claims to deallocate|still not schedulable),|not found)$")
_HEAD = re.compile(r"^0/(\d+) nodes are available(?:: (.*))?$", re.S)
_ITEM = re.compile(r"^(\d+) (.+)$", re.S)


def parse_message(message: str) -> tuple[int, dict[str, int], dict[str, int]]:
    """`0/N nodes are available: 2 A, 1 B. preemption: 0/N nodes are available: 3 C.` -> (N, {A: 2, B: 1},
    {C: 3}). Reasons never contain ', ' or '. ' (taints print as `{key: value}`), so plain splits suffice."""
    main, _, preemption = message.strip().partition(" preemption: ")
    # DynamicResources' PostFilter reason before the preemption tail, or its "not found" error after a
    # PreFilter rejection (plugins/dynamicresources/dynamicresources.go PostFilter, v1.34.4).
    main = _DRA_TAIL.sub(".", main)
    return (*_counts(main), _counts(preemption)[1] if preemption else {})  # type: ignore[return-value]


def _counts(part: str) -> tuple[int, dict[str, int]]:
    part = part.strip()
    if part.endswith("."):
        part = part[:-1]
    m = _HEAD.match(part)
    if not m:
        return -1, {"<unparsed>": 1, part: 1}
    out: dict[str, int] = {}
    for item in (m.group(2) or "").split(", "):
        if not item:
            continue
        im = _ITEM.match(item)
        if not im:
            out[item] = out.get(item, 0) + 1
            continue
        out[im.group(2)] = out.get(im.group(2), 0) + int(im.group(1))
    return int(m.group(1)), out
