"""`podwhy serve` against a loopback API server with real HTTP watch streams: the report it serves equals
`podwhy scan -o json` for the same state, and stays equal through every way a watch can go: events,
bookmarks, a stream the server ends, a stream dropped mid-event, 410 Gone (as an ERROR event and as an
HTTP status), a burst of changes faster than diagnoses, and a kind RBAC forbids mid-run (then grants)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest

from live.apiserver import Fault

from .conftest import Cluster
from .harness import Served, subject_refs
from contract import check_report

NOW = "2026-12-01T00:00:00Z"


def pulling(name: str, ns: str = "default", image: str = "registry.example/app:nope") -> dict[str, Any]:
    """A pod the kubelet keeps failing to pull (what a rollout with a mistyped tag leaves)."""
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "uid": f"uid-{name}", "creationTimestamp": "2026-11-30T00:00:00Z"},
        "spec": {"nodeName": "worker-1", "containers": [{"name": "app", "image": image}]},
        "status": {"phase": "Pending", "containerStatuses": [{
            "name": "app", "image": image, "imageID": "", "ready": False, "restartCount": 0,
            "state": {"waiting": {"reason": "ImagePullBackOff",
                                  "message": f'Back-off pulling image "{image}"'}}}]},
    }


def scan(cluster: Cluster) -> bytes:
    out = subprocess.run([sys.executable, "-m", "podwhy", "scan", *cluster.args, "-A", "--now", NOW, "-o", "json"],
                         capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr
    return out.stdout


def served(cluster: Cluster, *extra: str) -> Served:
    return Served([*cluster.args, "-A", "--now", NOW, "--debounce", "0.05", *extra])


def same_as_scan(s: Served, cluster: Cluster) -> bool:
    body = s.get("/api/v1/report")[2]
    check_report(json.loads(body))
    return body == scan(cluster)


def metric(text: str, name: str, **labels: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for fam in text_string_to_metric_families(text):
        for sample in fam.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def watches(cluster: Cluster, path: str) -> list[dict[str, str]]:
    return [r.query for r in cluster.api.requests if r.path == path and r.query.get("watch") == "1"]


def test_one_namespace_is_the_scans_of_that_namespace(cluster: Cluster) -> None:
    with Served([*cluster.args, "-n", "team-a", "--now", NOW]) as s:
        s.ready()
        out = subprocess.run([sys.executable, "-m", "podwhy", "scan", *cluster.args, "-n", "team-a", "--now", NOW,
                              "-o", "json"], capture_output=True, check=False)
        body = s.get("/api/v1/report")[2]
        assert body == out.stdout
        assert {x["namespace"] for x in json.loads(body)["subjects"]} == {"team-a"}


def test_first_report_is_the_scans_and_only_gets_are_sent(cluster: Cluster) -> None:
    with served(cluster) as s:
        s.ready()
        assert same_as_scan(s, cluster)
        # Every kind a scan lists is watched, from its list's resourceVersion, with bookmarks.
        w = watches(cluster, "/api/v1/pods")
        assert w and w[0]["allowWatchBookmarks"] == "true" and w[0]["resourceVersion"]
        assert int(w[0]["timeoutSeconds"]) >= 300
    assert set(cluster.api.methods) == {"GET"}


CHANGES = [
    # name, (type, object) applied in order, the subjects expected afterwards (added / gone)
    ("a stuck pod appears", [("ADDED", pulling("injected"))], {"Pod/default/injected"}, set()),
    ("it is fixed", [("ADDED", pulling("injected")),
                     ("MODIFIED", {**pulling("injected"), "status": {"phase": "Running"}})], set(),
     {"Pod/default/injected"}),
    ("it is deleted", [("ADDED", pulling("gone")), ("DELETED", pulling("gone"))], set(), {"Pod/default/gone"}),
]


@pytest.mark.parametrize(("name", "events", "present", "absent"), CHANGES, ids=[c[0] for c in CHANGES])
def test_changes_are_reported_within_two_seconds(cluster: Cluster, name: str, events: list[Any],
                                                 present: set[str], absent: set[str]) -> None:
    with served(cluster) as s:
        s.ready()
        sent = time.time()
        for type_, obj in events:
            cluster.api.emit("v1/pods", type_, obj)

        pods = len(cluster.api.full_list(cluster.api._resources[("v1", "pods")])["items"])

        def shown() -> bool:
            # Every event applied (the pods held are the server's) and the report built after them.
            refs = set(subject_refs(s.report()))
            text = s.metrics()
            return (metric(text, "podwhy_objects", kind="pods") == pods and present <= refs and not (absent & refs)
                    and metric(text, "podwhy_last_sync_timestamp_seconds") > sent)

        assert s.wait_for(name, shown, timeout=5) < 2.0
        assert same_as_scan(s, cluster)
        # The metric moves with the report.
        in_default = [r for r in subject_refs(s.report()) if r.split("/")[1] == "default"]
        assert metric(s.metrics(), "podwhy_stuck_subjects", namespace="default") == len(in_default)


def test_reconnects_from_the_last_bookmark(cluster: Cluster) -> None:
    with served(cluster) as s:
        s.ready()
        cluster.api.emit("v1/configmaps", "ADDED", {"apiVersion": "v1", "kind": "ConfigMap",
                                                     "metadata": {"name": "unrelated", "namespace": "default"}})
        newest = cluster.api.history.rv
        # Bookmarks (every 0.2 s) carry the newest version to the pods watch, which saw no pod change.
        time.sleep(0.8)
        cluster.api.close_watches()  # a load balancer cuts every stream
        s.wait_for("re-watched", lambda: len(watches(cluster, "/api/v1/pods")) >= 2)
        again = watches(cluster, "/api/v1/pods")[1]
        assert int(again["resourceVersion"]) == newest
        assert not [r for r in cluster.api.requests if r.path == "/api/v1/pods" and "watch" not in r.query][1:], \
            "no relist after a plain reconnect"
        assert metric(s.metrics(), "podwhy_watch_restarts_total", kind="pods") >= 1


@pytest.mark.parametrize("as_status", [False, True], ids=["error-event", "http-410"])
def test_gone_relists_and_drops_what_was_deleted_meanwhile(cluster: Cluster, as_status: bool) -> None:
    cluster.api.rules.gone_as_status = as_status
    cluster.api.emit("v1/pods", "ADDED", pulling("doomed"))
    with served(cluster) as s:
        s.ready()
        assert "Pod/default/doomed" in subject_refs(s.report())
        lists_before = len([r for r in cluster.api.requests if r.path == "/api/v1/pods" and "watch" not in r.query])
        cluster.api.close_watches()
        # While disconnected: the pod is deleted and the history compacted, so the watch cannot resume.
        cluster.api.emit("v1/pods", "DELETED", pulling("doomed"))
        cluster.api.emit("v1/pods", "ADDED", pulling("newcomer"))
        cluster.api.compact()
        s.wait_for("relisted", lambda: "Pod/default/doomed" not in subject_refs(s.report())
                   and "Pod/default/newcomer" in subject_refs(s.report()))
        lists = [r for r in cluster.api.requests if r.path == "/api/v1/pods" and "watch" not in r.query]
        assert len(lists) > lists_before
        assert metric(s.metrics(), "podwhy_relists_total", kind="pods") >= 1
        assert metric(s.metrics(), "podwhy_watch_restarts_total", kind="pods", reason="gone") >= 1
        assert same_as_scan(s, cluster)


def test_stream_dropped_mid_event_resumes_without_losing_it(cluster: Cluster) -> None:
    cluster.api.rules.faults.append(Fault("watch-drop", "/api/v1/pods"))
    with served(cluster) as s:
        s.ready()
        # The first watch is the faulty one: the next pod event arrives cut in half, then the connection goes.
        cluster.api.emit("v1/pods", "ADDED", pulling("halfway"))
        s.wait_for("the event, after a reconnect", lambda: "Pod/default/halfway" in subject_refs(s.report()))
        assert len(watches(cluster, "/api/v1/pods")) >= 2
        assert metric(s.metrics(), "podwhy_watch_restarts_total", kind="pods", reason="dropped") >= 1
        assert same_as_scan(s, cluster)


def test_a_burst_faster_than_diagnoses_is_coalesced(cluster: Cluster) -> None:
    with served(cluster) as s:
        s.ready()
        before = metric(s.metrics(), "podwhy_diagnosis_duration_seconds_count")
        for i in range(300):
            cluster.api.emit("v1/pods", "ADDED", pulling(f"burst-{i:03d}", ns="team-a"))
        s.wait_for("all 300", lambda: sum(r.startswith("Pod/team-a/burst-") for r in subject_refs(s.report())) == 300)
        diagnoses = metric(s.metrics(), "podwhy_diagnosis_duration_seconds_count") - before
        assert 1 <= diagnoses <= 30, diagnoses
        assert same_as_scan(s, cluster)


def test_a_kind_forbidden_mid_run_is_unknown_then_read_again(cluster: Cluster) -> None:
    with served(cluster, "--forbidden-retry", "0.5") as s:
        s.ready()
        assert metric(s.metrics(), "podwhy_kind_readable", kind="secrets") == 1
        cluster.api.rules.forbid = frozenset({"secrets"})
        cluster.api.close_watches()
        s.wait_for("secrets unknown", lambda: metric(s.metrics(), "podwhy_kind_readable", kind="secrets") == 0)
        s.wait_for("the scan's note", lambda: same_as_scan(s, cluster))
        notes = s.report()["notes"]
        assert any(n.startswith("secrets: forbidden") or "secrets" in n for n in notes), notes
        cluster.api.rules.forbid = frozenset()
        s.wait_for("secrets readable again", lambda: metric(s.metrics(), "podwhy_kind_readable", kind="secrets") == 1)
        s.wait_for("the note gone", lambda: same_as_scan(s, cluster))
    assert set(cluster.api.methods) == {"GET"}


def test_metrics_parse_and_label_only_bounded_values(cluster: Cluster) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    with served(cluster) as s:
        s.ready()
        cluster.api.emit("v1/pods", "ADDED", pulling("injected"))
        s.wait_for("injected", lambda: "Pod/default/injected" in subject_refs(s.report()))
        text = s.metrics()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name in ("podwhy_stuck_subjects", "podwhy_diagnosis_duration_seconds", "podwhy_change_to_report_seconds",
                 "podwhy_watch_restarts", "podwhy_relists", "podwhy_objects", "podwhy_last_sync_timestamp_seconds",
                 "podwhy_ready", "podwhy_kind_readable", "podwhy_stuck_series_folded"):
        assert name in families, name
    stuck = families["podwhy_stuck_subjects"].samples
    assert {tuple(sorted(x.labels)) for x in stuck} == {("code", "family", "namespace", "owner", "owner_kind",
                                                          "severity")}
    # No pod names as label values: owners are controllers (or empty for a bare pod).
    assert not any(x.labels["owner"] == "injected" for x in stuck)
    assert sum(x.value for x in stuck if x.labels["namespace"] == "default") >= 1
    assert families["podwhy_ready"].samples[0].value == 1
