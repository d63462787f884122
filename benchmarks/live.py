"""Live mode at cluster scale: `podwhy scan -A -o json` against the test suite's loopback API server
(tests/live/apiserver.py FakeAPIServer) serving a generated cluster (benchmarks/generate.py).

    python benchmarks/live.py [--dump /tmp/podwhy-bench/dump-5000-150000] [--repeat 3]

The server runs in its own process (so its JSON encoding does not share podwhy's GIL), serves every
list cluster-wide and paged (podwhy asks limit=500) without gzip, and answers what the dump lacks
with empty lists. Prints the median wall time of the scan, with the offline scan of the same dump
for comparison.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "live"))
sys.path.insert(0, str(HERE))

# dump file name -> (groupVersion, plural)
FILES = {"nodes.json": ("v1", "nodes"), "pods.json": ("v1", "pods"), "events.json": ("v1", "events"),
         "replicasets.json": ("apps/v1", "replicasets"), "deployments.json": ("apps/v1", "deployments"),
         "daemonsets.json": ("apps/v1", "daemonsets"),
         "replication-controllers.json": ("v1", "replicationcontrollers")}


def big_server(dump: Path) -> Any:
    """The FakeAPIServer of the test suite serving `dump`, its cluster-wide pages cut by bisection (not started)."""
    from apiserver import FakeAPIServer, Rules  # tests/live/apiserver

    lists: dict[tuple[str, str], dict[str, Any]] = {}
    for p in sorted(dump.rglob("*.json")):
        key = FILES.get(p.name)
        if key is None:
            continue
        doc = json.loads(p.read_bytes())
        lst = lists.setdefault(key, {"kind": doc["kind"], "apiVersion": doc["apiVersion"],
                                     "metadata": {"resourceVersion": "99999"}, "items": []})
        lst["items"].extend(doc["items"])
    keys: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key, lst in lists.items():
        lst["items"].sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        keys[key] = [(o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in lst["items"]]

    class Big(FakeAPIServer):
        def page(self, res: Any, ns: str | None, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
            k = (res.group_version, res.plural)
            token = query.get("continue", "")
            if ns is not None or k not in keys:
                return super().page(res, ns, query)
            from apiserver import _start_of, continue_token

            full, idx = self.full_list(res), keys[k]
            begin = 0
            if token:
                start = _start_of(token) or ""
                begin = bisect.bisect_left(idx, tuple(start.split("/", 1)) if "/" in start else ("", start))
            limit = int(query.get("limit") or 0) or len(idx)
            items = full["items"][begin:begin + limit]
            meta: dict[str, Any] = {"resourceVersion": "99999"}
            if begin + limit < len(idx):
                nns, nname = idx[begin + limit]
                meta["continue"] = continue_token("99999", f"{nns}/{nname}".lstrip("/"))
                meta["remainingItemCount"] = len(idx) - begin - limit
            return 200, {"kind": full["kind"], "apiVersion": full["apiVersion"], "metadata": meta, "items": items}

    api = Big(Rules(tokens=None, gzip_threshold=1 << 62))
    api._lists.update(lists)
    return api


def serve(dump: Path) -> None:
    """Child process: serve the dump until stdin closes."""
    api = big_server(dump)
    api.start()
    print(api.url, flush=True)
    sys.stdin.read()
    api.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "podwhy-bench"
                    / "dump-5000-150000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve is not None:
        serve(a.serve)
        return
    if not (a.dump / "nodes.json").exists():
        raise SystemExit(f"{a.dump}: no dump (run benchmarks/run.py or benchmarks/generate.py first)")
    from apiserver import write_kubeconfig

    server = subprocess.Popen([sys.executable, __file__, "--serve", str(a.dump)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp:
            kc = write_kubeconfig(Path(tmp) / "kubeconfig", url)
            podwhy = [sys.executable, "-m", "podwhy", "scan", "-A", "-o", "json"]
            times = []
            for _ in range(a.repeat):
                t = time.perf_counter()
                p = subprocess.run([*podwhy, "--kubeconfig", str(kc)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, check=False)
                times.append(time.perf_counter() - t)
                if p.returncode not in (0, 1):
                    raise SystemExit(f"live scan failed ({p.returncode}): {p.stderr.decode()[-2000:]}")
            offline = []
            for _ in range(a.repeat):
                t = time.perf_counter()
                subprocess.run([*podwhy, "--from", str(a.dump)], stdout=subprocess.DEVNULL, check=False)
                offline.append(time.perf_counter() - t)
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=30)
    print(f"{a.dump.name}: live scan (loopback API server, limit=500 pages) {statistics.median(times):.2f} s, "
          f"offline scan of the same dump {statistics.median(offline):.2f} s (medians of {a.repeat})")


if __name__ == "__main__":
    main()
