"""Live mode reads the previous run's log of crash-looping containers: `GET pods/<name>/log?previous=true`
(tailLines, limitBytes), a GET like every other request, at most MAX_CONTAINERS of them, and quotes the lines that
look like the error. A line that holds a Secret's value is withheld; pods/log forbidden is a note, not a failure."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from podwhy.snapshot.sources.live import podlogs

from .apiserver import FakeAPIServer, Rules, write_kubeconfig
from .harness import run

Serve = Callable[..., FakeAPIServer]
NOW = "2026-11-20T10:00:00Z"
UID = "0c9b5e1a-6f3d-4b2a-8e7c-1d2f3a4b5c6d"


def _pod(name: str, restarts: int) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": "team-a", "uid": f"{UID[:-2]}{restarts:02d}",
                         "creationTimestamp": "2026-11-20T09:00:00Z"},
            "spec": {"nodeName": "worker-1", "restartPolicy": "Always",
                     "containers": [{"name": "app", "image": "registry.example.com/team-a/api:3.1"}]},
            "status": {"phase": "Running", "conditions": [{"type": "PodScheduled", "status": "True"}],
                       "containerStatuses": [{
                           "name": "app", "image": "registry.example.com/team-a/api:3.1", "restartCount": restarts,
                           "state": {"waiting": {"reason": "CrashLoopBackOff",
                                                 "message": f"back-off 5m0s restarting failed container=app pod={name}"}},
                           "lastState": {"terminated": {"reason": "Error", "exitCode": 1,
                                                        "startedAt": "2026-11-20T09:58:00Z",
                                                        "finishedAt": "2026-11-20T09:58:02Z",
                                                        "containerID": "containerd://abc"}}}]}}


SECRET = {"metadata": {"name": "db", "namespace": "team-a"}, "type": "Opaque",
          "data": {"password": base64.b64encode(b"s3cr3t-Hunter2!").decode()}}
LOG = ("2026-11-20T09:58:00Z starting api 3.1\n"
       "2026-11-20T09:58:01Z connecting as api with s3cr3t-Hunter2!\n"
       "2026-11-20T09:58:02Z ERROR pq: password authentication failed for user \"api\"\n")


@dataclass(frozen=True)
class Case:
    id: str
    rules: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)  # the first finding's details.logLines
    note: str | None = None


CASES = [
    Case("the-error-line-is-quoted-the-secret-line-is-not",
         lines=['2026-11-20T09:58:02Z ERROR pq: password authentication failed for user "api"']),
    Case("pods-log-forbidden-is-a-note", {"forbid": frozenset({"pods/log"})},
         note="pods/log: forbidden, so crash-looping containers' previous logs were not read (grant `get` on "
              "pods/log to quote their error lines)"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_previous_logs_of_crash_loops(serve: Serve, tmp_path: Path, case: Case) -> None:
    rules = Rules(objects={"v1/pods": [_pod("api-1", 7)], "v1/secrets": [SECRET]},
                  logs={"team-a/api-1/app": LOG}, **case.rules)
    api = serve(rules)
    kubeconfig = str(write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a"))
    got = run("scan", "-n", "team-a", "--kubeconfig", kubeconfig, "-o", "json", "--now", NOW)
    [subject] = got.report["subjects"]
    first = subject["findings"][0]
    assert (first["code"], first["details"]["logLines"]) == ("crash.exit-nonzero", case.lines)
    assert (case.note in got.notes) if case.note else not any("pods/log" in n for n in got.notes)
    assert "s3cr3t-Hunter2!" not in got.out
    logs = [r for r in api.requests if r.path.endswith("/log")]
    assert [(r.path, r.query) for r in logs] == [("/api/v1/namespaces/team-a/pods/api-1/log", {
        "container": "app", "previous": "true", "tailLines": "200", "limitBytes": "65536"})]
    assert set(api.methods) == {"GET"}


def test_at_most_max_containers_logs_are_read_most_restarted_first(serve: Serve, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(podlogs, "MAX_CONTAINERS", 2)
    pods = [_pod(f"api-{n}", n) for n in (3, 9, 5, 1)]
    api = serve(Rules(objects={"v1/pods": pods}, logs={f"team-a/api-{n}/app": "Error: boom\n" for n in (3, 9, 5, 1)}))
    kubeconfig = str(write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a"))
    got = run("scan", "-n", "team-a", "--kubeconfig", kubeconfig, "-o", "json", "--now", NOW)
    assert [r.path for r in api.requests if r.path.endswith("/log")] == [
        "/api/v1/namespaces/team-a/pods/api-9/log", "/api/v1/namespaces/team-a/pods/api-5/log"]
    quoted = {s["name"]: s["findings"][0]["details"]["logLines"] for s in got.report["subjects"]}
    assert quoted == {"api-1": [], "api-3": [], "api-5": ["Error: boom"], "api-9": ["Error: boom"]}
