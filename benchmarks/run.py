"""Measure podwhy at cluster scale, all figures from one run on one machine.

    python benchmarks/run.py [--sizes 500:15000,2000:60000,5000:150000] [--repeat 3] [--work DIR]

For each size it generates the cluster (benchmarks/generate.py, cached in --work), then measures
(a) the floor: reading the dump's JSON files and decoding them into podwhy's minimal typed structs
    with GC paused (nothing else);
(b) `podwhy scan --from DUMP -A -o json` end to end, as a user runs it (a subprocess);
(c) the same with `-o text`;
(d) peak RSS of (b);
(e) cold start of `podwhy pod NAME --from SMALL_FILE -o json`: an image-pull pod, and a Pending pod on
    three nodes (the scheduling recomputation and its fixes are imported and run).
`--sizes none` measures (e) alone. Medians of --repeat runs; prints a Markdown table and the ratio (b)/(a).
"""

from __future__ import annotations

import argparse
import compileall
import gc
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from podwhy.model.kinds import BY_KIND  # noqa: E402
from podwhy.snapshot.sources.decode import _decoder, list_type  # noqa: E402

FILES = {
    "nodes.json": "Node", "pods.json": "Pod", "events.json": "Event", "replicasets.json": "ReplicaSet",
    "deployments.json": "Deployment", "daemonsets.json": "DaemonSet",
    "replication-controllers.json": "ReplicationController",
}
SMALL = """apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default}
spec:
  nodeName: node-1  # a pod with container statuses has been scheduled (kubectl always shows it)
  containers: [{name: app, image: "myapp:1.0."}]
status:
  phase: Pending
  containerStatuses:
  - name: app
    state: {waiting: {reason: ImagePullBackOff, message: 'Back-off pulling image "myapp:1.0."'}}
"""

SMALL_PENDING = """apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: n1, labels: {kubernetes.io/hostname: n1}},
   status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: Node, metadata: {name: n2, labels: {kubernetes.io/hostname: n2}},
   status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: Node, metadata: {name: n3, labels: {kubernetes.io/hostname: n3}},
   spec: {taints: [{key: dedicated, value: gpu, effect: NoSchedule}]},
   status: {allocatable: {cpu: "8", memory: 32Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
- apiVersion: v1
  kind: Pod
  metadata: {name: big, namespace: default}
  spec:
    containers: [{name: app, image: "myapp:1.0", resources: {requests: {memory: 8Gi}}}]
  status:
    phase: Pending
    conditions: [{type: PodScheduled, status: "False", reason: Unschedulable}]
"""


def floor(dump: Path) -> float:
    # The decoded lists stay alive until the clock has stopped: freeing 150,000 pods takes ~0.9 s,
    # which is not decoding (and which podwhy, exiting with os._exit, never pays).
    kept = []
    gc.disable()
    try:
        t = time.perf_counter()
        for p in sorted(dump.rglob("*.json")):
            kind = FILES.get(p.name)
            if kind is None:
                continue
            kept.append(_decoder(list_type(BY_KIND[kind])).decode(p.read_bytes()))
        dt = time.perf_counter() - t
    finally:
        gc.enable()
    del kept
    return dt


def run(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of a subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    dt = time.perf_counter() - t
    if p.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()[-2000:]}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, max(rss, before)


def rss_of(cmd: list[str]) -> int:
    """Peak RSS in KiB, measured by a fresh child (RUSAGE_CHILDREN keeps the max of all children)."""
    code = ("import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="500:15000,2000:60000,5000:150000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "podwhy-bench")
    a = ap.parse_args()
    podwhy = [sys.executable, "-m", "podwhy"]
    # Measure what an installed package runs: its modules byte-compiled (pip does so at install time;
    # an editable checkout under PYTHONDONTWRITEBYTECODE would otherwise recompile on every run).
    compileall.compile_dir(str(HERE.parent / "src"), quiet=1)
    rows = []
    small = a.work / "small.yaml"
    a.work.mkdir(parents=True, exist_ok=True)
    small.write_text(SMALL)
    cold = statistics.median(run([*podwhy, "pod", "web", "--from", str(small), "-o", "json"])[0]
                             for _ in range(max(a.repeat, 9)))
    pending = a.work / "small-pending.yaml"
    pending.write_text(SMALL_PENDING)
    cold_pending = statistics.median(run([*podwhy, "pod", "big", "--from", str(pending), "-o", "json"])[0]
                                     for _ in range(max(a.repeat, 9)))
    for size in ([] if a.sizes == "none" else a.sizes.split(",")):
        n_nodes, n_pods = (int(x) for x in size.split(":"))
        dump = a.work / f"dump-{n_nodes}-{n_pods}"
        if not (dump / "nodes.json").exists():
            generate(dump, n_nodes, n_pods, seed=1)
        mb = sum(p.stat().st_size for p in dump.rglob("*.json")) / 1e6
        fl = statistics.median(floor(dump) for _ in range(a.repeat))
        js = statistics.median(run([*podwhy, "scan", "--from", str(dump), "-A", "-o", "json"])[0]
                               for _ in range(a.repeat))
        tx = statistics.median(run([*podwhy, "scan", "--from", str(dump), "-A", "-o", "text"])[0]
                               for _ in range(a.repeat))
        rss = rss_of([*podwhy, "scan", "--from", str(dump), "-A", "-o", "json"])
        rows.append((n_nodes, n_pods, mb, fl, js, tx, rss / 1024))
        print(f"{n_nodes} nodes / {n_pods} pods: floor {fl:.2f}s, json {js:.2f}s, text {tx:.2f}s, "
              f"ratio {js / fl:.2f}, peak RSS {rss / 1024:.0f} MiB", flush=True)
    print()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; medians of {a.repeat} runs.")
    print("Reproduce: python benchmarks/run.py " + " ".join(sys.argv[1:]))
    print()
    print("| nodes | pods | dump MB | (a) decode floor | (b) scan -o json | (c) scan -o text | (b)/(a) | (d) peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, p, mb, fl, js, tx, rss in rows:
        print(f"| {n} | {p} | {mb:.0f} | {fl:.2f} s | {js:.2f} s | {tx:.2f} s | {js / fl:.2f} | {rss:.0f} MiB |")
    print(f"\n(e) cold start, `podwhy pod web --from small.yaml -o json` (image pull): {cold:.3f} s; "
          f"`podwhy pod big --from small-pending.yaml -o json` (Pending, 3 nodes): {cold_pending:.3f} s")


if __name__ == "__main__":
    main()
