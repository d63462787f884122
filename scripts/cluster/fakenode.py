"""Print the Node manifest of a KWOK fake node (`scripts/cluster.sh node`): test infrastructure only.

KWOK manages nodes annotated `kwok.x-k8s.io/node: fake`: it keeps their Ready condition and Lease fresh
(so the node lifecycle controller never taints them not-ready/unreachable) and runs their pods. The
status given here is kept: capacity and allocatable are what the scheduler's NodeResourcesFit reads.
"""

from __future__ import annotations

import argparse
import json
import sys


def manifest(name: str, cpu: str, memory: str, pods: str, labels: list[str], taints: list[str],
             extended: list[str] = ()) -> dict:
    meta_labels = {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "type": "kwok",
    }
    for item in labels:
        key, sep, value = item.partition("=")
        if not key:
            raise SystemExit(f"fakenode: bad --label {item!r} (k=v)")
        meta_labels[key] = value if sep else ""
    spec_taints = []
    for item in taints:
        kv, sep, effect = item.rpartition(":")
        if not sep or effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            raise SystemExit(f"fakenode: bad --taint {item!r} (k=v:NoSchedule|PreferNoSchedule|NoExecute)")
        key, has_value, value = kv.partition("=")
        taint = {"key": key, "effect": effect}
        if has_value:
            taint["value"] = value
        spec_taints.append(taint)
    resources = {"cpu": cpu, "memory": memory, "pods": pods, "ephemeral-storage": "100Gi"}
    for item in extended:
        rname, sep, qty = item.partition("=")
        if not sep or not rname or not qty:
            raise SystemExit(f"fakenode: bad --resource {item!r} (name=quantity)")
        resources[rname] = qty
    node: dict = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": meta_labels,
            "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
        },
        "spec": {},
        "status": {
            "capacity": resources,
            "allocatable": resources,
            "nodeInfo": {"architecture": "amd64", "operatingSystem": "linux", "kubeletVersion": "fake"},
        },
    }
    if spec_taints:
        node["spec"]["taints"] = spec_taints
    return node


def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="fakenode")
    p.add_argument("name")
    p.add_argument("cpu")
    p.add_argument("memory")
    p.add_argument("pods")
    p.add_argument("--labels", nargs="*", default=[])
    p.add_argument("--taints", nargs="*", default=[])
    p.add_argument("--resources", nargs="*", default=[])
    a = p.parse_args(argv)
    json.dump(manifest(a.name, a.cpu, a.memory, a.pods, [x for x in a.labels if x], [x for x in a.taints if x],
                       [x for x in a.resources if x]),
              sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
