"""The lifecycle rules on the texts a REAL containerd (1.6 and 1.7, runc 1.1) wrote over CRI for containers that
exit 1, exit 0, are killed by signals or the OOM killer, or cannot be started (tests/realparts: recorded by
test_containerd_terminations.py, re-checked against the live runtimes there), rendered into the pod status, events
and log the kubelet shows (recorded `kubelet` entries). One named case per recorded container: the whole first
finding's key parts are asserted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from podwhy.analyzers.base import Options
from podwhy.diagnose import diagnose
from podwhy.model.logs import tail
from podwhy.snapshot import SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.sources.decode import Decoded, convert_python_document

RECORDED = Path(__file__).resolve().parents[2] / "realparts" / "recorded"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
UID = "4b480083-a010-4f81-8768-2946679fd577"


@dataclass(frozen=True)
class Case:
    name: str  # the recorded case
    code: str
    confidence: str
    details: dict[str, Any]  # a subset of the first finding's details
    fallback_to_logs: bool = False  # terminationMessagePolicy FallbackToLogsOnError
    with_log: bool = False  # the input carries the container's log (a dump), read from the recorded logTail


CASES = [
    Case("exit-1", "crash.exit-nonzero", "certain", {"exitCode": 1, "signal": None,
                                                     "logLines": ["Error: cannot connect to database at db:5432"]},
         with_log=True),
    Case("exit-1", "crash.exit-nonzero", "certain", {"exitCode": 1, "logLines": [],
                                                     "terminationMessage": "Error: cannot connect to database at db:5432"},
         fallback_to_logs=True),
    Case("exit-0", "crash.completed-restarting", "certain", {"restartPolicy": "Always"}),
    Case("segfault", "crash.exit-nonzero", "certain", {"exitCode": 139, "signal": 11}),
    Case("sigabrt", "crash.exit-nonzero", "certain", {"exitCode": 134, "signal": 6}),
    Case("sigterm", "crash.exit-nonzero", "certain", {"exitCode": 143, "signal": 15}),
    Case("sigkill", "crash.exit-nonzero", "certain", {"exitCode": 137, "signal": 9}),
    Case("oom", "crash.oom-killed", "certain", {"exitCode": 137, "memoryLimit": "16Mi", "suggestedLimit": "32Mi"}),
    Case("oom-pid1", "crash.oom-killed", "certain", {"exitCode": 137, "memoryLimit": "16Mi"}),
    Case("command-not-found", "start.command-not-found", "certain", {"program": "no-such-binary"}),
    Case("command-not-found-absolute", "start.command-not-found", "certain", {"program": "/app/missing"}),
    Case("permission-denied", "start.permission-denied", "certain", {"program": "/app/not-executable"}),
    Case("exec-format-error", "start.exec-format-error", "certain", {"program": "/app/arm64", "nodeArchitecture": "amd64"},
         with_log=True),
    Case("exec-format-error", "start.exec-format-error", "certain", {"program": "/app/arm64"}, fallback_to_logs=True),
]


def _recorded(minor: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDED / f"terminations-containerd-{minor}.json").read_text())
    return data


def _objects(rec: dict[str, Any], case: Case) -> list[dict[str, Any]]:
    kubelet = rec["kubelet"]
    term = dict(kubelet["terminatedFallbackToLogsOnError" if case.fallback_to_logs else "terminated"])
    term.update(startedAt="2026-11-20T09:58:00Z", finishedAt="2026-11-20T09:58:02Z", containerID="containerd://abc")
    waiting = kubelet.get("waiting") or {
        "reason": "CrashLoopBackOff",
        # pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff (1.24-1.35)
        "message": f"back-off 40s restarting failed container=app pod=web-0_shop({UID})"}
    limit = rec.get("memoryLimitBytes")
    resources = {"limits": {"memory": f"{limit // (1 << 20)}Mi"}, "requests": {"memory": f"{limit // (1 << 20)}Mi"}} \
        if limit else {}
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "web-0", "namespace": "shop", "uid": UID, "creationTimestamp": "2026-11-20T09:50:00Z"},
           "spec": {"nodeName": "node-1", "restartPolicy": "Always",
                    "containers": [{"name": "app", "image": "127.0.0.1:5000/probe/run:v1", "command": rec["command"],
                                    "resources": resources}]},
           "status": {"phase": "Running", "conditions": [{"type": "PodScheduled", "status": "True"}],
                      "containerStatuses": [{"name": "app", "image": "127.0.0.1:5000/probe/run:v1", "ready": False,
                                             "restartCount": 3, "state": {"waiting": waiting},
                                             "lastState": {"terminated": term}}]}}
    node = {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": "node-1", "labels": {"kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux"}},
            "status": {"conditions": [{"type": "Ready", "status": "True"}], "nodeInfo": {"architecture": "amd64"}}}
    objs = [node, pod]
    if "event" in kubelet:
        ev = kubelet["event"]
        objs.append({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web-0.1", "namespace": "shop"},
                     "involvedObject": {"kind": "Pod", "name": "web-0", "namespace": "shop", "uid": UID,
                                        "fieldPath": "spec.containers{app}"},
                     "type": ev["type"], "reason": ev["reason"], "message": ev["message"],
                     "lastTimestamp": "2026-11-20T09:58:02Z"})
    return objs


@pytest.mark.parametrize("minor", ["1.6", "1.7"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.name}{'-fallback' if c.fallback_to_logs else ''}"
                         f"{'-log' if c.with_log else ''}")
def test_first_finding_on_real_runtime_texts(case: Case, minor: str) -> None:
    rec = _recorded(minor)["cases"][case.name]
    decoded = Decoded()
    for i, obj in enumerate(_objects(rec, case)):
        decoded.extend(convert_python_document(obj, "recorded", i))
    decoded.loaded.add("Event")
    if case.with_log:
        decoded.logs.add(("shop", "web-0", "app"), tail("\n".join(rec["logTail"]), previous=True, source="recorded"))
    snap = build_snapshot(decoded, SourceInfo("files", "recorded"))
    report = diagnose(snap, now=NOW, options=Options())
    [subject] = report.subjects
    first = subject.findings[0]
    got = {k: (first.details or {}).get(k) for k in case.details}
    assert (first.code, first.confidence, first.container, got) == (case.code, case.confidence, "app", case.details)
