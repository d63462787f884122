"""podwhy live against the REAL kube-apiserver (scripts/cluster.sh), next to kubectl reading the same kinds.

    python benchmarks/realcluster.py [--nodes 2000] [--pods 50000] [--repeat 3]

Starts its own cluster (state /tmp/podwhy-bench-cluster, port 36443, so it does not disturb the test
suite's), stops its scheduler, controller-manager and KWOK once it is ready (the cluster then holds
still: pending pods stay pending, nothing is evicted or garbage-collected while we measure), creates the
benchmark cluster of benchmarks/generate.py through the API (namespaces, nodes with their status,
Deployments, ReplicaSets, pods, events; the stuck image-pull pods get their kubelet status through the
status subresource, as a kubelet writes it), then measures, medians of --repeat runs:

(a) `kubectl get <every kind podwhy reads> -A -o json`, to /dev/null, and (a') the pods alone;
(b) `podwhy scan -A -o json` live;
(c) `podwhy pod NAME -n NS -o json` on an image-pull pod: wall time and the requests it made.

Prints a Markdown table. The cluster is torn down at the end (`cluster.sh down`).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import urllib3
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

STATE = Path("/tmp/podwhy-bench-cluster")
PORT = "36443"
ENV = {**os.environ, "PODWHY_CLUSTER_STATE": str(STATE), "PODWHY_CLUSTER_PORT": PORT}
KUBECTL = "/opt/podwhy-cluster/bin/kubectl"
# The kinds podwhy's live mode lists (podwhy/model/kinds.py), as kubectl names them.
KINDS = ("pods,events,nodes,namespaces,serviceaccounts,secrets,configmaps,persistentvolumeclaims,persistentvolumes,"
         "storageclasses.storage.k8s.io,csinodes,csidrivers,replicasets,deployments,statefulsets,daemonsets,jobs,"
         "replicationcontrollers,resourcequotas,limitranges,priorityclasses,runtimeclasses,poddisruptionbudgets")
SERVER_SET = ("uid", "resourceVersion", "creationTimestamp", "managedFields", "generation", "selfLink")


class Api:
    """POST/PATCH as the admin of the benchmark cluster (client certificate from its kubeconfig)."""

    def __init__(self, kubeconfig: Path) -> None:
        cfg = yaml.safe_load(kubeconfig.read_text())
        cl, us = cfg["clusters"][0]["cluster"], cfg["users"][0]["user"]
        self.tmp = Path(tempfile.mkdtemp(prefix="podwhy-bench-"))
        files = {}
        for key, field in (("ca", "certificate-authority-data"), ("cert", "client-certificate-data"),
                           ("key", "client-key-data")):
            src = cl if key == "ca" else us
            p = self.tmp / key
            p.write_bytes(base64.b64decode(src[field]))
            files[key] = str(p)
        self.server = cl["server"]
        self.pool = urllib3.PoolManager(maxsize=32, ca_certs=files["ca"], cert_file=files["cert"],
                                        key_file=files["key"], retries=urllib3.Retry(5, backoff_factor=0.2))

    def send(self, method: str, path: str, body: Any, ctype: str = "application/json") -> None:
        r = self.pool.request(method, self.server + path, body=json.dumps(body).encode(),
                              headers={"Content-Type": ctype})
        if r.status >= 300 and r.status != 409:
            raise SystemExit(f"{method} {path}: {r.status} {r.data[:300]!r}")


def clean(obj: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in obj["metadata"].items() if k not in SERVER_SET}
    for ref in meta.get("ownerReferences", []):
        ref["uid"] = ref.get("uid") or "0"
    return {**obj, "metadata": meta}


def collection(kind: str, ns: str) -> str:
    return {"Node": "/api/v1/nodes", "Namespace": "/api/v1/namespaces",
            "Pod": f"/api/v1/namespaces/{ns}/pods", "Event": f"/api/v1/namespaces/{ns}/events",
            "ReplicaSet": f"/apis/apps/v1/namespaces/{ns}/replicasets",
            "Deployment": f"/apis/apps/v1/namespaces/{ns}/deployments"}[kind]


def make_namespaces(api: Api, dump: Path, kubeconfig: Path) -> None:
    """The namespaces, and their `default` ServiceAccounts made by the controller-manager (the ServiceAccount
    admission plugin rejects pods without one) before it is stopped."""
    for d in sorted(d.name for d in dump.iterdir() if d.is_dir()):
        api.send("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": d}})
        deadline = time.monotonic() + 60
        while subprocess.run([KUBECTL, "--kubeconfig", str(kubeconfig), "-n", d, "get", "serviceaccount", "default"],
                             capture_output=True, check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise SystemExit(f"no default ServiceAccount in {d} after 60 s")
            time.sleep(0.2)


def populate(api: Api, dump: Path) -> tuple[dict[str, int], tuple[str, str] | None]:
    def items(p: Path) -> list[dict[str, Any]]:
        return json.loads(p.read_bytes())["items"] if p.exists() else []

    nodes = items(dump / "nodes.json")
    namespaces = sorted(d.name for d in dump.iterdir() if d.is_dir())
    counts: dict[str, int] = {}
    pull_pod: tuple[str, str] | None = None
    with ThreadPoolExecutor(max_workers=24) as pool:
        list(pool.map(lambda n: api.send("POST", "/api/v1/nodes", {**clean(n), "kind": "Node", "apiVersion": "v1"}),
                      nodes))
        counts["nodes"] = len(nodes)
        statuses: list[tuple[str, str, dict[str, Any]]] = []
        for ns in namespaces:
            for fname, kind, av in (("deployments.json", "Deployment", "apps/v1"),
                                    ("replicasets.json", "ReplicaSet", "apps/v1"), ("pods.json", "Pod", "v1"),
                                    ("events.json", "Event", "v1")):
                objs = items(dump / ns / fname)
                counts[kind] = counts.get(kind, 0) + len(objs)
                path = collection(kind, ns)
                list(pool.map(lambda o, path=path, kind=kind, av=av: api.send(
                    "POST", path, {**clean(o), "kind": kind, "apiVersion": av}), objs))
                if kind == "Pod":
                    for o in objs:
                        sts = o.get("status", {}).get("containerStatuses", [])
                        if o["spec"].get("nodeName") and any(
                                s.get("state", {}).get("waiting", {}).get("reason") in ("ErrImagePull", "ImagePullBackOff")
                                for s in sts):
                            statuses.append((ns, o["metadata"]["name"], o["status"]))
        # What the kubelet would have written: the status subresource of the stuck image-pull pods.
        list(pool.map(lambda t: api.send("PATCH", f"/api/v1/namespaces/{t[0]}/pods/{t[1]}/status",
                                         {"status": t[2]}, "application/merge-patch+json"), statuses))
        counts["pull-stuck pods"] = len(statuses)
        if statuses:
            pull_pod = (statuses[0][0], statuses[0][1])
    return counts, pull_pod


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, check=False)
    dt = time.perf_counter() - t
    if p.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.decode()[-1500:]}")
    return dt, p.stdout.decode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--pods", type=int, default=50000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "podwhy-bench")
    a = ap.parse_args()
    dump = a.work / f"dump-{a.nodes}-{a.pods}"
    if not (dump / "nodes.json").exists():
        generate(dump, a.nodes, a.pods, seed=1)
    cluster = [str(ROOT / "scripts" / "cluster.sh")]
    up = subprocess.run([*cluster, "up"], env=ENV, capture_output=True, text=True, check=True)
    kubeconfig = Path(up.stdout.strip().splitlines()[-1])
    try:
        api = Api(kubeconfig)
        make_namespaces(api, dump, kubeconfig)
        for name in ("kube-scheduler", "kube-controller-manager", "kwok"):
            pid = int((STATE / "pids" / f"{name}.pid").read_text())
            os.killpg(pid, signal.SIGTERM)
        t = time.perf_counter()
        counts, pull_pod = populate(api, dump)
        made = time.perf_counter() - t
        print(f"created {counts} through the API in {made:.0f} s", flush=True)
        env = {**os.environ, "KUBECONFIG": str(kubeconfig)}
        podwhy = [sys.executable, "-m", "podwhy"]
        kube = statistics.median(timed([KUBECTL, "get", KINDS, "-A", "-o", "json"], env)[0] for _ in range(a.repeat))
        kpods = statistics.median(timed([KUBECTL, "get", "pods", "-A", "-o", "json"], env)[0] for _ in range(a.repeat))
        scan = statistics.median(timed([*podwhy, "scan", "-A", "-o", "json"], env)[0] for _ in range(a.repeat))
        one_t, one_req = [], ""
        if pull_pod is not None:
            for _ in range(a.repeat):
                dt, out = timed([*podwhy, "pod", pull_pod[1], "-n", pull_pod[0], "-o", "json"], env)
                one_t.append(dt)
                one_req = next((n for n in json.loads(out)["notes"] if n.startswith("read only what")), "(full read)")
        imp = statistics.median(timed([sys.executable, "-c", "import kubernetes.config"], env)[0]
                                for _ in range(a.repeat))
        print()
        print(f"Real kube-apiserver v1.34.4 + etcd on loopback, {os.cpu_count()} cores; {counts}; medians of "
              f"{a.repeat} runs. Reproduce: python benchmarks/realcluster.py --nodes {a.nodes} --pods {a.pods}")
        print()
        print("| what | time |")
        print("|---|---:|")
        print(f"| (a) `kubectl get <the {len(KINDS.split(','))} kinds podwhy reads> -A -o json` | {kube:.2f} s |")
        print(f"| (a') `kubectl get pods -A -o json` (pods alone) | {kpods:.2f} s |")
        print(f"| (b) `podwhy scan -A -o json` (live) | {scan:.2f} s ({scan / kube:.2f}x (a)) |")
        if one_t:
            print(f"| (c) `podwhy pod {pull_pod[1]} -n {pull_pod[0]} -o json` (image pull) | "
                  f"{statistics.median(one_t):.2f} s |")
            print(f"\n(c) {one_req}. Of its time, {imp:.2f} s is importing the official `kubernetes` client, "
                  "which reads the kubeconfig (`python -c 'import kubernetes.config'`).")
    finally:
        subprocess.run([*cluster, "down"], env=ENV, check=False)


if __name__ == "__main__":
    main()
