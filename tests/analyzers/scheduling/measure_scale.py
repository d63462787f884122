"""Scale measurement (not a test): 5,000 pending pods (50 Deployments x 100) against 5,000 nodes and 20,000
bound pods. Run: .venv/bin/python tests/analyzers/scheduling/measure_scale.py"""
import time
from datetime import UTC, datetime

import msgspec

from podwhy.diagnose import diagnose
from podwhy.model import Node, Pod
from podwhy.snapshot import Snapshot

NODES, PENDING, OWNERS, BOUND = 5000, 5000, 50, 20000
nodes = [msgspec.convert({"metadata": {"name": f"n{i}", "labels": {"kubernetes.io/hostname": f"n{i}", "zone": f"z{i%3}", "pool": "gpu" if i % 10 == 0 else "cpu"}},
                          "spec": {"taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}] if i % 10 == 0 else []},
                          "status": {"allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110"}, "conditions": [{"type": "Ready", "status": "True"}]}}, Node)
         for i in range(NODES)]
pods = []
for j in range(BOUND):
    pods.append(msgspec.convert({"metadata": {"name": f"b{j}", "namespace": "default", "labels": {"app": f"b{j%7}"}},
                                 "spec": {"nodeName": f"n{j % NODES}", "containers": [{"name": "c", "resources": {"requests": {"cpu": "1500m", "memory": "7Gi"}}}]},
                                 "status": {"phase": "Running"}}, Pod))
for k in range(PENDING):
    o = k % OWNERS
    pods.append(msgspec.convert({"metadata": {"name": f"web{o}-{k}", "namespace": "shop", "uid": f"u{k}", "labels": {"app": f"web{o}"},
                                              "ownerReferences": [{"kind": "ReplicaSet", "name": f"web{o}-rs", "uid": f"rs{o}", "controller": True}]},
                                 "spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": "2", "memory": f"{20 + o % 5}Gi"}}}],
                                          "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": f"web{o}"}}}] if o % 2 else []},
                                 "status": {"phase": "Pending"}}, Pod))
snap = Snapshot({"Node": nodes, "Pod": pods}, loaded={"Node", "Pod"})
t0 = time.perf_counter()
rep = diagnose(snap, now=datetime(2026, 11, 20, tzinfo=UTC))
t1 = time.perf_counter()
print(f"{len(rep.subjects)} subjects, {NODES} nodes, {BOUND} bound pods: diagnose {t1 - t0:.1f}s")
s = rep.subjects[0]
print(s.scheduling.message[:200])
print([f.code for f in s.findings])
print(rep.notes[:3])
