"""`podwhy serve` against the real kube-apiserver, kube-scheduler and kube-controller-manager, as the
read-only user of deploy/rbac.yaml (get/list/watch, no secrets): its first report is `podwhy scan`'s, and a
pod the real scheduler cannot place (created, then deleted, through the real API) appears in and leaves the
report, the metrics and the event stream, with the real watch streams of every kind podwhy reads."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from serve.harness import Served, subject_refs

from .harness import Cluster, wait_until

NS = "serve-watch"
NOW = "2026-12-01T00:00:00Z"


@pytest.fixture(scope="module")
def namespace(cluster: Cluster) -> Iterator[str]:
    cluster.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}])
    wait_until("default ServiceAccount", lambda: cluster.kubectl("-n", NS, "get", "sa", "default",
                                                                check=False).returncode == 0)
    yield NS
    cluster.kubectl("delete", "namespace", NS, "--wait=false", check=False)


def _unplaceable(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": NS},
            "spec": {"nodeSelector": {"podwhy.example/pool": "does-not-exist"},
                     "containers": [{"name": "app", "image": "registry.example.test/app:1"}]}}


def _env(cluster: Cluster) -> dict[str, str]:
    return {"HOME": str(cluster.state), "KUBECONFIG": ""}


def test_serve_follows_the_real_cluster(cluster: Cluster, namespace: str, reader_kubeconfig: Path) -> None:
    args = ["--kubeconfig", str(reader_kubeconfig), "-A", "--now", NOW, "--debounce", "0.1"]
    with Served(args, env=_env(cluster)) as s:
        s.ready(timeout=60)

        def same_as_scan() -> bool:
            scan = cluster.podwhy("scan", "-A", "--now", NOW, "-o", "json", kubeconfig=reader_kubeconfig)
            assert scan.returncode in (0, 1), scan.stderr
            return s.get("/api/v1/report")[2].decode() == scan.stdout

        # The real cluster moves on its own (leases, controllers): equal once nothing changed in between.
        wait_until("serve's report equals the scan's", same_as_scan, timeout=60, interval=1)
        notes = s.report()["notes"]
        assert any("secrets" in n for n in notes), notes  # the reader role cannot read secrets: as in the scan

        cluster.create([_unplaceable("never-placed")])
        ref = f"Pod/{NS}/never-placed"
        t0 = time.monotonic()
        wait_until("the pod in the report", lambda: ref in subject_refs(s.report()), timeout=30, interval=0.1)
        appeared = time.monotonic() - t0
        subject = next(x for x in s.report()["subjects"] if x["ref"] == ref)
        # (no-nodes when this module runs before any other made a node)
        assert subject["findings"][0]["code"] in ("sched.node-affinity", "sched.no-nodes"), subject["findings"][0]
        # The scheduler's own FailedScheduling event arrives through the events watch and is reconciled.
        wait_until("the scheduler's message", lambda: (next(x for x in s.report()["subjects"] if x["ref"] == ref)
                                                        .get("scheduling", {}).get("observedMessage")),
                   timeout=30, interval=0.2)
        metrics = s.metrics()
        assert f'namespace="{NS}"' in metrics and f'code="{subject["findings"][0]["code"]}"' in metrics
        wait_until("equal to the scan again", same_as_scan, timeout=60, interval=1)

        cluster.kubectl("-n", NS, "delete", "pod", "never-placed", "--wait=true")
        wait_until("the pod gone", lambda: ref not in subject_refs(s.report()), timeout=30, interval=0.1)
        assert f'namespace="{NS}"' not in s.metrics()
        # Every kind a scan lists is watched through the real watch API.
        restarts = [line for line in s.metrics().splitlines() if line.startswith("podwhy_kind_readable")]
        assert 'podwhy_kind_readable{kind="pods"} 1.0' in restarts
        assert 'podwhy_kind_readable{kind="secrets"} 0.0' in restarts
    assert appeared < 10, appeared
