"""Drive the real control plane of `scripts/cluster.sh` from tests: start/stop, kubectl, objects, waits.

The cluster is real (etcd, kube-apiserver, kube-controller-manager, kube-scheduler of the pinned release,
KWOK for fake nodes). This module only starts it through the script's documented interface, runs the real
kubectl built from the same release, and waits for the real status and events the components write.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cluster.sh"
CACHE = Path(os.environ.get("PODWHY_CLUSTER_CACHE", "/opt/podwhy-cluster"))
KUBECTL = CACHE / "bin" / "kubectl"
PODWHY = ROOT / ".venv" / "bin" / "podwhy"


class ClusterError(RuntimeError):
    pass


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port_block(offsets: Iterable[int], accept: Callable[[int], bool] = lambda p: True) -> int:
    """A base port P with every P+offset free on loopback, below the kernel's ephemeral range: a port from
    that range can be handed to any outgoing connection between this check and the daemon's bind (a CI run
    lost its registry port that way). P-4064 and P-4063 are etcd's (cluster.sh), so P starts at 14100."""
    offs = sorted({0, *offsets})
    high = _ephemeral_low() - max(offs) - 1
    rng = random.Random()
    for _ in range(500):
        port = rng.randrange(14100, high)
        if accept(port) and all(_bindable(port + o) for o in offs):
            return port
    raise ClusterError("no free loopback port block for the test cluster")


def _free_base_port() -> int:
    """A port P with P, P-4064 and P-4063 free on loopback (apiserver, etcd client, etcd peer)."""
    return free_port_block((-4064, -4063))


@dataclass
class Cluster:
    state: Path
    port: int
    kubeconfig: Path
    env: dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def up(cls) -> Cluster:
        state = Path(tempfile.mkdtemp(prefix="podwhy-cluster-"))
        port = _free_base_port()
        env = {**os.environ, "PODWHY_CLUSTER_STATE": str(state / "s"), "PODWHY_CLUSTER_PORT": str(port)}
        proc = subprocess.run(["bash", str(SCRIPT), "up"], env=env, capture_output=True, text=True,
                              timeout=3600)
        if proc.returncode != 0:
            raise ClusterError(f"scripts/cluster.sh up failed (rc {proc.returncode}):\n{proc.stderr[-6000:]}")
        kubeconfig = Path(proc.stdout.strip().splitlines()[-1])
        if not kubeconfig.is_file():
            raise ClusterError(f"cluster.sh up printed {kubeconfig}, which is not a file")
        return cls(state=state / "s", port=port, kubeconfig=kubeconfig, env=env)

    def down(self) -> None:
        subprocess.run(["bash", str(SCRIPT), "down"], env=self.env, capture_output=True, timeout=120)
        # `down` removes the state; up's lock file sits beside it in the directory `up` made for it.
        if self.state.parent.name.startswith("podwhy-cluster-"):
            shutil.rmtree(self.state.parent, ignore_errors=True)

    def script(self, *args: str) -> str:
        proc = subprocess.run(["bash", str(SCRIPT), *args], env=self.env, capture_output=True, text=True,
                              timeout=300)
        if proc.returncode != 0:
            raise ClusterError(f"cluster.sh {' '.join(args)}: {proc.stderr[-3000:]}")
        return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""

    # ------------------------------------------------------------------ kubectl
    def kubectl(self, *args: str, stdin: str | None = None, kubeconfig: Path | None = None,
                check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([str(KUBECTL), "--kubeconfig", str(kubeconfig or self.kubeconfig), *args],
                              input=stdin, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise ClusterError(f"kubectl {' '.join(args)}: {proc.stderr.strip()}")
        return proc

    def apply(self, objects: Iterable[dict[str, Any]] | str) -> None:
        text = objects if isinstance(objects, str) else yaml.safe_dump_all(list(objects))
        self.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=text)

    def create(self, objects: Iterable[dict[str, Any]]) -> None:
        self.kubectl("create", "-f", "-", stdin=yaml.safe_dump_all(list(objects)))

    def get_json(self, *args: str) -> Any:
        return json.loads(self.kubectl("get", *args, "-o", "json").stdout)

    def user(self, name: str, *groups: str) -> Path:
        args = ["user", name]
        for g in groups:
            args += ["--group", g]
        return Path(self.script(*args))

    def node(self, name: str, *, cpu: str = "4", memory: str = "16Gi", pods: str = "110",
             labels: dict[str, str] | None = None, taints: Iterable[str] = (),
             resources: dict[str, str] | None = None) -> None:
        args = ["node", name, "--cpu", cpu, "--memory", memory, "--pods", pods]
        for k, v in (resources or {}).items():
            args += ["--resource", f"{k}={v}"]
        for k, v in (labels or {}).items():
            args += ["--label", f"{k}={v}"]
        for t in taints:
            args += ["--taint", t]
        self.script(*args)

    # ------------------------------------------------------------------ podwhy
    def podwhy(self, *args: str, kubeconfig: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG",)}
        env["HOME"] = str(self.state)
        cmd = [str(PODWHY), *args]
        if "--from" not in args:
            cmd += ["--kubeconfig", str(kubeconfig or self.kubeconfig)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)


def node_settled(node: dict[str, Any]) -> bool:
    """A fake node is Ready and the node lifecycle controller has removed TaintNodesByCondition's
    not-ready taint (a cordoned node keeps node.kubernetes.io/unschedulable)."""
    ready = [c for c in node.get("status", {}).get("conditions", []) if c["type"] == "Ready"]
    if not ready or ready[0]["status"] != "True":
        return False
    allowed = {"node.kubernetes.io/unschedulable"} if node["spec"].get("unschedulable") else set()
    return not any(t["key"].startswith("node.kubernetes.io/") and t["key"] not in allowed
                   for t in node["spec"].get("taints", []))


def wait_until(what: str, check: Callable[[], Any], timeout: float = 60, interval: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = check()
        except ClusterError as exc:
            last = exc
        else:
            if last:
                return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")
        time.sleep(interval)
