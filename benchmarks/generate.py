"""Write a realistic large cluster as a `kubectl cluster-info dump --output-directory` tree.

    python benchmarks/generate.py OUT_DIR --nodes 5000 --pods 150000 [--seed 1]

Node pools of different shapes, labels, taints and zones; pods owned by ReplicaSets/Deployments
with realistic object sizes (managedFields, env, probes, projected service-account token volumes:
about 3 KB per pod as JSON); a few percent stuck for a mix of reasons (unschedulable for
resources, taints, selectors, ports, volumes; image pulls failing for tag, auth, rate limit, DNS)
with the events a real cluster would hold for them. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import msgspec

ENC = msgspec.json.Encoder()
T0 = "2026-11-20T08:00:00Z"
NOW = "2026-11-20T10:00:00Z"

POOLS = [
    # name, share, cpu, memory Gi, pods, extra labels, taints, arch
    ("general", 0.55, "8", 32, 110, {}, [], "amd64"),
    ("memory", 0.20, "16", 128, 110, {"workload": "memory"}, [], "amd64"),
    ("gpu", 0.08, "32", 256, 110, {"accelerator": "nvidia-a100"},
     [{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}], "amd64"),
    ("arm", 0.12, "16", 64, 110, {}, [{"key": "arch", "value": "arm64", "effect": "NoSchedule"}], "arm64"),
    ("infra", 0.05, "4", 16, 58, {"role": "infra"},
     [{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}], "amd64"),
]
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
STUCK_MIX = [
    # kind, weight
    ("insufficient-cpu", 3), ("untolerated-gpu", 2), ("selector", 2), ("hostport", 1), ("pvc-missing", 1),
    ("tag-not-found", 3), ("auth", 2), ("rate-limit", 2), ("dns", 1),
]


def uid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def node(i: int, pool: tuple[Any, ...], rng: random.Random) -> dict[str, Any]:
    name, _, cpu, mem, pods, labels, taints, arch = pool
    zone = ZONES[i % 3]
    nname = f"ip-10-{i // 250}-{i % 250}-{pool[0][:3]}.ec2.internal"
    alloc_cpu = f"{int(cpu) * 1000 - 90}m"
    alloc_mem = f"{mem * 1024 - 1024}Mi"
    return {
        "metadata": {
            "name": nname, "uid": uid(rng), "resourceVersion": str(1000 + i), "creationTimestamp": T0,
            "labels": {"kubernetes.io/hostname": nname, "kubernetes.io/os": "linux", "kubernetes.io/arch": arch,
                       "topology.kubernetes.io/zone": zone, "topology.kubernetes.io/region": "us-east-1",
                       "node.kubernetes.io/instance-type": f"{name}.2xlarge", "eks.amazonaws.com/nodegroup": name,
                       **labels},
            "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                            "volumes.kubernetes.io/controller-managed-attach-detach": "true"},
        },
        "spec": {"providerID": f"aws:///{zone}/i-{rng.getrandbits(60):015x}", "taints": taints},
        "status": {
            "capacity": {"cpu": cpu, "memory": f"{mem}Gi", "pods": str(pods), "ephemeral-storage": "104845292Ki",
                         **({"nvidia.com/gpu": "8"} if name == "gpu" else {})},
            "allocatable": {"cpu": alloc_cpu, "memory": alloc_mem, "pods": str(pods),
                            "ephemeral-storage": "95551679124", **({"nvidia.com/gpu": "8"} if name == "gpu" else {})},
            "conditions": [
                {"type": t, "status": "False", "reason": f"KubeletHas{r}", "message": m,
                 "lastHeartbeatTime": NOW, "lastTransitionTime": T0}
                for t, r, m in (("MemoryPressure", "SufficientMemory", "kubelet has sufficient memory available"),
                                ("DiskPressure", "NoDiskPressure", "kubelet has no disk pressure"),
                                ("PIDPressure", "SufficientPID", "kubelet has sufficient PID available"))
            ] + [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                  "message": "kubelet is posting ready status", "lastHeartbeatTime": NOW, "lastTransitionTime": T0}],
            "nodeInfo": {"architecture": arch, "operatingSystem": "linux", "kubeletVersion": "v1.31.4",
                         "containerRuntimeVersion": "containerd://1.7.24", "osImage": "Amazon Linux 2023",
                         "kernelVersion": "6.1.115"},
            "images": [{"names": [f"registry.example.com/team{k}/svc@sha256:{k:064x}",
                                  f"registry.example.com/team{k}/svc:1.{k}.0"], "sizeBytes": 50_000_000 + k}
                       for k in range(rng.randint(5, 15))],
            "addresses": [{"type": "InternalIP", "address": f"10.{i // 250}.{i % 250}.10"},
                          {"type": "Hostname", "address": nname}],
        },
    }


def container(name: str, image: str, cpu: str, mem: str, rng: random.Random, host_port: int = 0) -> dict[str, Any]:
    c: dict[str, Any] = {
        "name": name, "image": image, "imagePullPolicy": "IfNotPresent",
        "resources": {"requests": {"cpu": cpu, "memory": mem}, "limits": {"memory": mem}},
        "env": [{"name": f"APP_SETTING_{k}", "value": f"value-{rng.getrandbits(32):08x}"} for k in range(5)]
        + [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP",
                   **({"hostPort": host_port} if host_port else {})}],
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10,
                          "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 5,
                           "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
        "volumeMounts": [{"name": "kube-api-access", "readOnly": True,
                          "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
    }
    return c


MANAGED = [{"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1", "time": T0,
            "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {
                ".": {}, "f:app": {}, "f:pod-template-hash": {}}, "f:ownerReferences": {".": {}}},
                "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:env": {}, "f:image": {},
                                                                       "f:resources": {}}}}}},
           {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": NOW, "fieldsType": "FieldsV1",
            "fieldsV1": {"f:status": {"f:conditions": {}, "f:containerStatuses": {}, "f:podIP": {}}},
            "subresource": "status"}]


def generate(out: Path, n_nodes: int, n_pods: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    nodes: list[dict[str, Any]] = []
    pool_nodes: dict[str, list[str]] = defaultdict(list)
    i = 0
    for pool in POOLS:
        for _ in range(int(n_nodes * pool[1])):
            nd = node(i, pool, rng)
            nodes.append(nd)
            pool_nodes[pool[0]].append(nd["metadata"]["name"])
            i += 1
    while len(nodes) < n_nodes:
        nd = node(i, POOLS[0], rng)
        nodes.append(nd)
        pool_nodes["general"].append(nd["metadata"]["name"])
        i += 1
    (out / "nodes.json").write_bytes(ENC.encode({"kind": "NodeList", "apiVersion": "v1",
                                                 "metadata": {"resourceVersion": "99999"}, "items": nodes}))
    n_ns = max(5, n_pods // 3000)
    per_ns = n_pods // n_ns
    stuck_weights = [w for _, w in STUCK_MIX]
    counts: dict[str, int] = defaultdict(int)
    general = pool_nodes["general"] + pool_nodes["memory"]
    cursor = 0
    for ns_i in range(n_ns):
        ns = f"team-{ns_i:03d}"
        pods: list[dict[str, Any]] = []
        rss: list[dict[str, Any]] = []
        deps: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        made = 0
        d = 0
        while made < per_ns:
            replicas = min(rng.choice((2, 3, 5, 10, 20, 40)), per_ns - made)
            dname = f"svc-{d:03d}"
            d += 1
            stuck = rng.random() < 0.03  # ~3% of deployments (and so of pods) stuck
            reason = rng.choices([k for k, _ in STUCK_MIX], weights=stuck_weights)[0] if stuck else ""
            h = f"{rng.getrandbits(40):010x}"[:10]
            rsname = f"{dname}-{h}"
            dep_uid, rs_uid = uid(rng), uid(rng)
            image = f"registry.example.com/{ns}/{dname}:1.{d}.0"
            cpu, mem = rng.choice((("100m", "128Mi"), ("250m", "256Mi"), ("500m", "512Mi"), ("1", "1Gi")))
            spec_extra: dict[str, Any] = {}
            host_port = 0
            if reason == "insufficient-cpu":
                cpu = "64"
            elif reason == "untolerated-gpu":
                spec_extra["nodeSelector"] = {"accelerator": "nvidia-a100"}
            elif reason == "selector":
                spec_extra["nodeSelector"] = {"workload": "batch-xl"}
            elif reason == "hostport":
                host_port = 9100
            elif reason == "tag-not-found":
                image = f"registry.example.com/{ns}/{dname}:1.{d}.0."
            elif reason == "auth":
                image = f"private.registry.example.com/{ns}/{dname}:1.{d}.0"
            elif reason == "rate-limit":
                image = f"docker.io/library/nginx:1.{d}"
            elif reason == "dns":
                image = f"registry.internal.example/{ns}/{dname}:1.{d}.0"
            volumes: list[dict[str, Any]] = [{"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1",
                                                                              "fieldPath": "metadata.namespace"}}]}}]}}]
            if reason == "pvc-missing":
                volumes.append({"name": "data", "persistentVolumeClaim": {"claimName": f"{dname}-data"}})
            template = {"metadata": {"labels": {"app": dname, "pod-template-hash": h}},
                        "spec": {"containers": [container("app", image, cpu, mem, rng, host_port)],
                                 "volumes": volumes, "serviceAccountName": "default", **spec_extra}}
            deps.append({"metadata": {"name": dname, "namespace": ns, "uid": dep_uid, "generation": 3,
                                      "resourceVersion": str(rng.getrandbits(24)), "creationTimestamp": T0,
                                      "annotations": {"deployment.kubernetes.io/revision": "3"},
                                      "labels": {"app": dname}},
                         "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": dname}},
                                  "template": template},
                         "status": {"replicas": replicas, "updatedReplicas": replicas,
                                    "readyReplicas": 0 if stuck else replicas,
                                    "availableReplicas": 0 if stuck else replicas}})
            rss.append({"metadata": {"name": rsname, "namespace": ns, "uid": rs_uid, "creationTimestamp": T0,
                                     "annotations": {"deployment.kubernetes.io/revision": "3"},
                                     "labels": {"app": dname, "pod-template-hash": h},
                                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                                          "name": dname, "uid": dep_uid, "controller": True,
                                                          "blockOwnerDeletion": True}]},
                        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": dname,
                                                                                   "pod-template-hash": h}},
                                 "template": template},
                        "status": {"replicas": replicas, "readyReplicas": 0 if stuck else replicas}})
            for r in range(replicas):
                pname = f"{rsname}-{rng.getrandbits(25):05x}"
                puid = uid(rng)
                pspec = dict(template["spec"])
                status: dict[str, Any]
                unsched = reason in ("insufficient-cpu", "untolerated-gpu", "selector", "pvc-missing") or (
                    reason == "hostport" and r >= 1)
                if unsched:
                    n_gpu, n_arm, n_infra = len(pool_nodes["gpu"]), len(pool_nodes["arm"]), len(pool_nodes["infra"])
                    n_plain = n_nodes - n_gpu - n_arm - n_infra
                    tail = f" preemption: 0/{n_nodes} nodes are available: {n_nodes} Preemption is not helpful for scheduling."
                    taints = (f"{n_arm} node(s) had untolerated taint {{arch: arm64}}, "
                              f"{n_infra} node(s) had untolerated taint {{dedicated: infra}}, "
                              f"{n_gpu} node(s) had untolerated taint {{nvidia.com/gpu: present}}")
                    msg = {
                        "insufficient-cpu": f"0/{n_nodes} nodes are available: {n_plain} Insufficient cpu, {taints}.{tail}",
                        "untolerated-gpu": f"0/{n_nodes} nodes are available: {n_gpu} node(s) had untolerated taint {{nvidia.com/gpu: present}}, {n_nodes - n_gpu} node(s) didn't match Pod's node affinity/selector.{tail}",
                        "selector": f"0/{n_nodes} nodes are available: {n_nodes} node(s) didn't match Pod's node affinity/selector.{tail}",
                        "pvc-missing": f'0/{n_nodes} nodes are available: persistentvolumeclaim "{dname}-data" not found. preemption: 0/{n_nodes} nodes are available: {n_nodes} Preemption is not helpful for scheduling.',
                        "hostport": f"0/{n_nodes} nodes are available: {n_plain} node(s) didn't have free ports for the requested pod ports, {taints}.{tail}",
                    }[reason]
                    status = {"phase": "Pending", "qosClass": "Burstable", "conditions": [
                        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": msg,
                         "lastTransitionTime": T0, "lastProbeTime": None}]}
                    events.append({"metadata": {"name": f"{pname}.{rng.getrandbits(40):x}", "namespace": ns,
                                                "creationTimestamp": NOW},
                                   "involvedObject": {"kind": "Pod", "namespace": ns, "name": pname, "uid": puid,
                                                      "apiVersion": "v1"},
                                   "reason": "FailedScheduling", "message": msg, "type": "Warning",
                                   "source": {"component": "default-scheduler"}, "count": 12,
                                   "firstTimestamp": T0, "lastTimestamp": NOW,
                                   "reportingComponent": "default-scheduler"})
                    counts[reason] += 1
                else:
                    nname = general[cursor % len(general)]
                    cursor += 1
                    pspec["nodeName"] = nname
                    if reason in ("tag-not-found", "auth", "rate-limit", "dns"):
                        err = {
                            "tag-not-found": f'rpc error: code = NotFound desc = failed to pull and unpack image "{image}": failed to resolve reference "{image}": {image}: not found',
                            "auth": f'failed to pull and unpack image "{image}": failed to resolve reference "{image}": unexpected status from HEAD request to https://private.registry.example.com/v2/{ns}/{dname}/manifests/1.{d}.0: 401 Unauthorized',
                            "rate-limit": f'failed to pull and unpack image "{image}": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:{rng.getrandbits(64):064x}: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
                            "dns": f'failed to pull and unpack image "{image}": failed to resolve reference "{image}": failed to do request: Head "https://registry.internal.example/v2/{ns}/{dname}/manifests/1.{d}.0": dial tcp: lookup registry.internal.example on 172.20.0.10:53: no such host',
                        }[reason]
                        status = {"phase": "Pending", "qosClass": "Burstable", "startTime": T0, "conditions": [
                            {"type": "PodScheduled", "status": "True", "lastTransitionTime": T0}],
                            "containerStatuses": [{"name": "app", "image": image, "imageID": "", "ready": False,
                                                   "restartCount": 0, "started": False, "state": {"waiting": {
                                                       "reason": "ImagePullBackOff",
                                                       "message": f'Back-off pulling image "{image}": ErrImagePull: {err}'}}}]}
                        for reason_e, message in (("Failed", f'Failed to pull image "{image}": {err}'),
                                                  ("BackOff", f'Back-off pulling image "{image}"')):
                            events.append({"metadata": {"name": f"{pname}.{rng.getrandbits(40):x}", "namespace": ns,
                                                        "creationTimestamp": NOW},
                                           "involvedObject": {"kind": "Pod", "namespace": ns, "name": pname,
                                                              "uid": puid, "apiVersion": "v1",
                                                              "fieldPath": "spec.containers{app}"},
                                           "reason": reason_e, "message": message,
                                           "type": "Warning" if reason_e == "Failed" else "Normal",
                                           "source": {"component": "kubelet", "host": nname}, "count": 30,
                                           "firstTimestamp": T0, "lastTimestamp": NOW,
                                           "reportingComponent": "kubelet", "reportingInstance": nname})
                        counts[reason] += 1
                    else:
                        status = {"phase": "Running", "qosClass": "Burstable", "startTime": T0,
                                  "hostIP": "10.0.0.1", "podIP": f"10.1.{rng.randint(0, 255)}.{rng.randint(0, 255)}",
                                  "conditions": [{"type": t, "status": "True", "lastTransitionTime": T0}
                                                 for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
                                  "containerStatuses": [{"name": "app", "image": image,
                                                         "imageID": f"{image.split(':')[0]}@sha256:{d:064x}",
                                                         "ready": True, "restartCount": 0, "started": True,
                                                         "containerID": f"containerd://{rng.getrandbits(128):032x}",
                                                         "state": {"running": {"startedAt": T0}}}]}
                pods.append({"metadata": {"name": pname, "generateName": f"{rsname}-", "namespace": ns, "uid": puid,
                                          "resourceVersion": str(rng.getrandbits(24)), "creationTimestamp": T0,
                                          "labels": {"app": dname, "pod-template-hash": h},
                                          "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                                               "name": rsname, "uid": rs_uid, "controller": True,
                                                               "blockOwnerDeletion": True}],
                                          "managedFields": MANAGED},
                             "spec": {**pspec, "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
                                      "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler",
                                      "securityContext": {}, "priority": 0, "enableServiceLinks": True,
                                      "preemptionPolicy": "PreemptLowerPriority",
                                      "tolerations": [
                                          {"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                                           "effect": "NoExecute", "tolerationSeconds": 300},
                                          {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                                           "effect": "NoExecute", "tolerationSeconds": 300}]},
                             "status": status})
                made += 1
        nsdir = out / ns
        nsdir.mkdir(exist_ok=True)
        for fname, kind, items in (("pods.json", "PodList", pods), ("replicasets.json", "ReplicaSetList", rss),
                                   ("deployments.json", "DeploymentList", deps), ("events.json", "EventList", events),
                                   ("daemonsets.json", "DaemonSetList", []), ("services.json", "ServiceList", []),
                                   ("replication-controllers.json", "ReplicationControllerList", [])):
            av = "v1" if kind in ("PodList", "EventList", "ServiceList", "ReplicationControllerList") else "apps/v1"
            (nsdir / fname).write_bytes(ENC.encode({"kind": kind, "apiVersion": av,
                                                    "metadata": {"resourceVersion": "12345"}, "items": items}))
        counts["pods"] += len(pods)
    counts["nodes"] = len(nodes)
    counts["namespaces"] = n_ns
    return dict(counts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--pods", type=int, default=150_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    t = time.perf_counter()
    counts = generate(a.out, a.nodes, a.pods, a.seed)
    size = sum(p.stat().st_size for p in a.out.rglob("*.json"))
    print(f"wrote {a.out}: {counts} ({size / 1e6:.0f} MB JSON, {size / max(counts['pods'], 1):.0f} B/pod incl. "
          f"events) in {time.perf_counter() - t:.1f}s")


if __name__ == "__main__":
    main()
