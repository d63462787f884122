"""`podwhy serve` at cluster scale: the loopback API server of benchmarks/live.py streams a generated cluster
(benchmarks/generate.py), then changes pods at a fixed rate while podwhy serves.

    python benchmarks/serve.py [--dump DIR] [--rate 100] [--seconds 60] [--soak 0]

Measured, each from outside podwhy's process:
- time to ready: from starting `podwhy serve -A` to /readyz answering 200 (lists + first diagnosis);
- change -> report: for each pod change, from the moment the API server sent its watch event to the moment
  a report showing it was published (the `at` of the /events announcement after which
  /api/v1/dashboard?namespace=NS first shows the pod in its new state); p50 and p99;
- CPU: podwhy's user+system time over the churn, divided by its wall time (cores);
- peak RSS (VmHWM), and RSS at the start and end of the churn (growth, with --soak SECONDS for a long run).

The churn flips CHURN_PODS healthy pods (all in one namespace) between Running and a crash loop
(CrashLoopBackOff, exit 1, restartCount 5): status-only changes, which is what most of a real cluster's watch
traffic is. The API server runs in its own process, so its work is not counted as podwhy's.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "live"))
sys.path.insert(0, str(HERE))

CHURN_PODS = 1000


def with_image_ids(pod: dict[str, Any]) -> dict[str, Any]:
    """The kubelet keeps a container's imageID through its crash loop (the generator writes none)."""
    p = copy.deepcopy(pod)
    for cs in p.get("status", {}).get("containerStatuses") or []:
        cs.setdefault("imageID", f"docker.io/library/app@sha256:{abs(hash(cs.get('image', ''))):064x}"[:90])
    return p


def crashing(pod: dict[str, Any]) -> dict[str, Any]:
    p = copy.deepcopy(pod)
    statuses = p.get("status", {}).get("containerStatuses") or []
    for cs in statuses:
        cs["ready"] = False
        cs["restartCount"] = 5
        cs["state"] = {"waiting": {"reason": "CrashLoopBackOff",
                                   "message": f"back-off 2m40s restarting failed container={cs['name']} "
                                              f"pod={p['metadata']['name']}_{p['metadata']['namespace']}"}}
        cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2026-11-20T09:58:00Z",
                                          "finishedAt": "2026-11-20T09:58:02Z"}}
    return p


def serve_child(dump: Path, log: Path) -> None:
    """Child process: the API server; on stdin `churn RATE SECONDS` changes pods, logging each change."""
    from apiserver import FakeAPIServer

    import live as bench_live  # benchmarks/live.py: the paged big-list server

    server = bench_live.big_server(dump)
    api: FakeAPIServer = server
    api.start()
    pods = api.full_list(api._resources[("v1", "pods")])["items"]
    running = [i for i, p in enumerate(pods) if p.get("status", {}).get("phase") == "Running"
               and all(cs.get("ready") for cs in p["status"].get("containerStatuses") or [{}])]
    ns = pods[running[0]]["metadata"]["namespace"]
    chosen = [i for i in running if pods[i]["metadata"]["namespace"] == ns][:CHURN_PODS]
    print(json.dumps({"url": api.url, "namespace": ns, "churn": len(chosen)}), flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] != "churn":
            continue
        rate, seconds = float(parts[1]), float(parts[2])
        healthy = {i: with_image_ids(pods[i]) for i in chosen}
        state = dict.fromkeys(chosen, False)
        n = int(rate * seconds)
        start = time.monotonic()
        with log.open("w") as out:
            for k in range(n):
                due = start + k / rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                i = chosen[k % len(chosen)]
                state[i] = not state[i]
                obj = crashing(healthy[i]) if state[i] else copy.deepcopy(healthy[i])
                api.history.add(("v1", "pods"), "MODIFIED", obj, 99999)
                pods[i] = obj
                out.write(f"{time.time()} {obj['metadata']['name']} {int(state[i])}\n")
        print("done", flush=True)
    api.stop()


def _proc(pid: int) -> tuple[float, int, int]:
    """(cpu seconds, VmRSS KiB, VmHWM KiB) of a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return cpu, rss, hwm


class Watcher(threading.Thread):
    """Follows /events; after each announcement reads the churn namespace's dashboard view and records, per
    pod, when (the report's publish time) it was first shown stuck or fine."""

    def __init__(self, url: str, namespace: str) -> None:
        super().__init__(daemon=True)
        self.url, self.namespace = url, namespace
        self.seen: list[tuple[float, set[str]]] = []  # (published at, stuck pod names in the namespace)
        self.stop = False

    def run(self) -> None:
        with urllib.request.urlopen(self.url + "/events", timeout=600) as resp:
            for raw in resp:
                if self.stop:
                    return
                line = raw.decode().strip()
                if not line.startswith("data: "):
                    continue
                with urllib.request.urlopen(f"{self.url}/api/v1/dashboard?namespace={self.namespace}",
                                            timeout=60) as r:
                    doc = json.loads(r.read())
                # The version read may be newer than the one announced: its own publish time is what counts.
                if not self.seen or doc["at"] > self.seen[-1][0]:
                    self.seen.append((doc["at"], {s["name"] for s in doc["subjects"] if s["kind"] == "Pod"}))


def latencies(log: Path, seen: list[tuple[float, set[str]]]) -> list[float]:
    out = []
    changes = [line.split() for line in log.read_text().splitlines()]
    for t, name, stuck in changes:
        t_sent = float(t)
        for at, names in seen:
            if at >= t_sent and ((name in names) == (stuck == "1")):
                out.append(at - t_sent)
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "podwhy-bench"
                    / "dump-5000-150000")
    ap.add_argument("--rate", type=float, default=100.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--soak", type=float, default=0.0, help="churn this long instead (RSS growth), e.g. 600")
    ap.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child is not None:
        serve_child(*a.child)
        return
    if not (a.dump / "nodes.json").exists():
        raise SystemExit(f"{a.dump}: no dump (run benchmarks/run.py or benchmarks/generate.py first)")
    from apiserver import write_kubeconfig

    seconds = a.soak or a.seconds
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "changes.log"
        api = subprocess.Popen([sys.executable, __file__, "--child", str(a.dump), str(log)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
        assert api.stdout is not None and api.stdin is not None
        info = json.loads(api.stdout.readline())
        kc = write_kubeconfig(Path(tmp) / "kubeconfig", info["url"])
        t0 = time.monotonic()
        podwhy = subprocess.Popen([sys.executable, "-m", "podwhy", "serve", "-A", "--kubeconfig", str(kc),
                                   "--listen", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
        try:
            assert podwhy.stderr is not None
            url = podwhy.stderr.readline().split("listening on ", 1)[1].strip().rstrip("/")
            threading.Thread(target=lambda: [None for _ in podwhy.stderr], daemon=True).start()  # type: ignore[union-attr]
            while True:
                try:
                    with urllib.request.urlopen(url + "/readyz", timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                time.sleep(0.1)
            ready = time.monotonic() - t0
            watcher = Watcher(url, info["namespace"])
            watcher.start()
            time.sleep(2)
            cpu0, rss0, _ = _proc(podwhy.pid)
            w0 = time.monotonic()
            api.stdin.write(f"churn {a.rate} {seconds}\n")
            api.stdin.flush()
            rss_series: list[tuple[float, int]] = []
            sampler_stop = threading.Event()

            def sample() -> None:
                while not sampler_stop.wait(15):
                    rss_series.append((time.monotonic() - w0, _proc(podwhy.pid)[1]))

            threading.Thread(target=sample, daemon=True).start()
            while True:
                line = api.stdout.readline()
                if line.strip() == "done" or not line:
                    break
            sampler_stop.set()
            time.sleep(3)  # the last changes' reports
            if os.environ.get("PODWHY_BENCH_METRICS"):
                with urllib.request.urlopen(url + "/metrics", timeout=30) as r:
                    print("\n".join(x for x in r.read().decode().splitlines()
                                    if x.startswith(("podwhy_diagnosis", "podwhy_change", "podwhy_subjects"))
                                    and ("_sum" in x or "_count" in x or "rediagnosed " in x)))
            cpu1, rss1, hwm = _proc(podwhy.pid)
            wall = time.monotonic() - w0
            watcher.stop = True
            lat = sorted(latencies(log, watcher.seen))
            n = int(a.rate * seconds)
        finally:
            podwhy.terminate()
            podwhy.wait(timeout=60)
            api.stdin.close()
            try:
                api.wait(timeout=120)
            except subprocess.TimeoutExpired:
                api.kill()
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [float("nan")] * 99
    if rss_series:
        # RSS every 15 s of the churn: a plateau is fragmentation settling, a slope is a leak.
        print("RSS MiB over the churn: " + ", ".join(f"{t:.0f}s {kb / 1024:,.0f}" for t, kb in rss_series))
    print(f"| {a.dump.name} | {ready:.1f} s | {q[49]:.2f} s | {q[98]:.2f} s | {len(lat)}/{n} | "
          f"{(cpu1 - cpu0) / wall:.2f} | {hwm / 1024:,.0f} MiB | {rss0 / 1024:,.0f} → {rss1 / 1024:,.0f} MiB |")


if __name__ == "__main__":
    main()
