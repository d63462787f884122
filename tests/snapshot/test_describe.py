"""`kubectl describe` text as input (snapshot/sources/describe).

The describe texts here were printed by the real kubectl v1.34.4 against the real control plane and the real
kubelet of tests/realcluster (recorded by those tiers: tests/fixtures/realcluster/describe*.txt; the tiers
re-run the same check on a fresh cluster, in their `describe` mode). The pasted forms are the same texts put
through what tickets and terminals do to them. Re-record: PODWHY_REALCLUSTER_RECORD=1 .venv/bin/pytest
tests/realcluster/test_scenarios.py tests/realcluster/test_kubelet.py
"""

from __future__ import annotations

import json
import re
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from describegen import describe
from podwhy.model.pod import (
    ContainerState,
    ContainerStatus,
    ExecAction,
    HTTPGetAction,
    PortAction,
    Probe,
    RunningState,
    TerminatedState,
    WaitingState,
)
from podwhy.snapshot.sources.describe import decode_describe, looks_like_describe
from realcluster.scenarios import SCENARIOS

from helpers import run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "realcluster"
SCENARIOS_TEXT = FIXTURES / "describe.txt"
KUBELET_TEXT = FIXTURES / "describe-kubelet.txt"
NOW = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)

# The kubelet tier's scenarios (tests/realcluster/test_kubelet.py KUBELET_SCENARIOS): pod -> first finding
# from describe text. Describe prints no pull secrets and no Secret data: the secret keyed for another host
# reads as no secret (the cause says a secret for another host fails the same way).
KUBELET_CODES = {
    "tag-missing": "image.tag-not-found", "repo-missing": "image.tag-not-found",
    "bad-name": "image.invalid-reference", "auth-none": "secret.no-pull-secret",
    "auth-wrong": "registry.auth-failed", "auth-other-host": "secret.no-pull-secret",
    "auth-secret-missing": "secret.pull-secret-missing", "cm-volume": "start.config-missing",
    "cm-key": "start.config-missing", "secret-missing": "start.config-missing",
}
# Causes describe text cannot show (describe.go v1.34.4 prints neither spec.schedulingGates nor
# spec.schedulerName nor the PodScheduled reason): `unknown`, naming the field to look at.
UNPRINTED = {"sched.scheduling-gated": "spec.schedulingGates", "sched.scheduler-not-found": "spec.schedulerName"}


def scan(path: str, *args: str, stdin: str | None = None) -> dict[str, Any]:
    """podwhy's report on a describe file, or on a pasted text (written to a file as a user saves a paste)."""
    if stdin is not None:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, newline="") as f:
            f.write(stdin)
        path = f.name
    rc, out, err = run_cli("scan", "-A", "-o", "json", "--now", "2026-12-03T17:00:00Z", "--from", path, *args)
    assert rc in (0, 1), err
    doc: dict[str, Any] = json.loads(out.replace(json.dumps(path)[1:-1], "<paste>"))  # fix commands name the file
    return doc


@pytest.fixture(scope="module")
def scenarios_report() -> dict[str, Any]:
    return scan(str(SCENARIOS_TEXT))


@pytest.mark.parametrize("index", range(len(SCENARIOS)), ids=[s.name for s in SCENARIOS])
def test_real_control_plane_describe_text(scenarios_report: dict[str, Any], index: int) -> None:
    s, ns = SCENARIOS[index], f"sc-{index:02d}"
    subjects = [x for x in scenarios_report["subjects"] if x["ref"].split("/")[1] == ns]
    got = {(x["ref"].split("/")[0], x["findings"][0]["code"]) for x in subjects}
    if s.code in UNPRINTED:
        assert got == {(s.subject_kind, "unknown")}
        assert all(UNPRINTED[s.code] in x["findings"][0]["cause"] for x in subjects)
    else:
        assert got == {(s.subject_kind, s.code)}, json.dumps(subjects, indent=1)[:4000]


def test_real_kubelet_describe_text() -> None:
    report = scan(str(KUBELET_TEXT))
    got = {x["ref"].split("/")[2]: x["findings"][0]["code"] for x in report["subjects"]}
    assert got == KUBELET_CODES
    host = next(x for x in report["subjects"] if x["ref"].endswith("/auth-other-host"))["findings"][0]
    assert host["confidence"] == "possible"
    assert "does not print them" in host["cause"] and "keyed for another host" in host["cause"]
    assert host["evidence"][0]["observed"] == "(not printed by kubectl describe)"


# ---- what people paste -----------------------------------------------------------------------------------

def _block(text: str, name: str) -> str:
    """One object's describe output out of a text of several."""
    starts = [i for i, ln in enumerate(text.split("\n")) if ln.startswith("Name:")]
    lines = text.split("\n")
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
        if lines[a].split()[1] == name:
            return "\n".join(lines[a:b]).rstrip() + "\n"
    raise AssertionError(name)


def _hard_wrap(text: str, width: int = 80) -> str:
    return "\n".join(ln[i : i + width] for ln in text.split("\n") for i in range(0, max(len(ln), 1), width))


def _word_wrap(text: str, width: int = 72) -> str:
    return "\n".join(textwrap.fill(ln, width) if len(ln) > width else ln for ln in text.split("\n"))


@dataclass(frozen=True)
class Form:
    name: str
    paste: Callable[[str], str]


FORMS = (
    Form("as printed", lambda t: t),
    Form("quoted in a ticket with '> '", lambda t: "\n".join(f"> {ln}" if ln else ">" for ln in t.split("\n"))),
    Form("runs of spaces turned into tabs", lambda t: t.replace("        ", "\t")),
    Form("CRLF line ends", lambda t: t.replace("\n", "\r\n")),
    Form("hard-wrapped by an 80-column terminal", _hard_wrap),
    Form("word-wrapped at 72 by a ticket system", _word_wrap),
    Form("with the shell prompt that ran it", lambda t: f"$ kubectl describe pod x -n y\n{t}"),
    Form("two objects pasted one after the other", lambda t: t + "\n\n" + t.replace("Name:", "Name:", 1)),
)
PASTED = (("kubelet", KUBELET_TEXT, "tag-missing"), ("kubelet", KUBELET_TEXT, "cm-key"),
          ("scheduler", SCENARIOS_TEXT, "big"))


def _messages(text: str) -> list[tuple[str, str, int]]:
    d = decode_describe(text, "<paste>", NOW)
    return [(o.reason, o.message, o.count) for k, o in d.objects if k == "Event"]


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
@pytest.mark.parametrize(("tier", "path", "pod"), PASTED, ids=[f"{t}-{p}" for t, _, p in PASTED])
def test_pasted_forms_read_the_same(form: Form, tier: str, path: Path, pod: str) -> None:
    plain = _block(path.read_text(), pod)
    pasted = form.paste(plain)
    assert looks_like_describe(pasted)
    assert _messages(pasted)[: len(_messages(plain))] == _messages(plain)
    want, got = scan("-", stdin=plain), scan("-", stdin=pasted)
    assert [s["findings"][0] for s in got["subjects"]] == [s["findings"][0] for s in want["subjects"]]
    assert want["subjects"], "the pod is stuck"


# ---- the objects rebuilt ---------------------------------------------------------------------------------

def _objects(text: str) -> dict[str, Any]:
    d = decode_describe(text, "<paste>", NOW)
    return {f"{k}/{getattr(o.metadata, 'namespace', '')}/{o.metadata.name}": o for k, o in d.objects}


def test_pod_fields() -> None:
    objs = _objects(_block(KUBELET_TEXT.read_text(), "cm-key"))
    pod = objs["Pod/kubelet-scenarios/cm-key"]
    assert pod.spec.node_name.startswith("10.88.")
    assert [(c.name, c.image) for c in pod.spec.containers] == [("app", "127.0.0.1:25939/podwhy/busybox:1.35")]
    env = pod.spec.containers[0].env
    assert [(e.name, e.value_from.config_map_key_ref.name, e.value_from.config_map_key_ref.key) for e in env] == [
        ("LEVEL", "settings", "level")]
    st = pod.status.container_statuses[0]
    assert st.state.waiting is not None and st.state.waiting.reason == "CreateContainerConfigError"
    assert st.state.waiting.message == ""  # describe prints a waiting state's reason, not its message
    assert [(t.key, t.effect, t.toleration_seconds) for t in pod.spec.tolerations] == [
        ("node.kubernetes.io/not-ready", "NoExecute", 300), ("node.kubernetes.io/unreachable", "NoExecute", 300)]
    assert {c.type: c.status for c in pod.status.conditions}["Ready"] == "False"


def test_node_fields_and_its_pod_table() -> None:
    objs = _objects(_block(SCENARIOS_TEXT.read_text(), "maint-1") + "\n" + _block(SCENARIOS_TEXT.read_text(),
                                                                                       "gpu-1"))
    maint, gpu = objs["Node//maint-1"], objs["Node//gpu-1"]
    assert maint.spec.unschedulable is True
    assert [(t.key, t.value, t.effect) for t in gpu.spec.taints] == [("dedicated", "gpu", "NoSchedule")]
    assert gpu.status.allocatable["nvidia.com/gpu"] == "1" and gpu.status.allocatable["cpu"] == "4"
    assert {c.type: c.status for c in gpu.status.conditions}["Ready"] == "True"
    assert gpu.metadata.labels["accel"] == "gpu"


def test_tiny_node_pod_table_counts_its_pod() -> None:
    objs = _objects(_block(SCENARIOS_TEXT.read_text(), "tiny-1"))
    pods = [o for k, o in objs.items() if k.startswith("Pod/")]
    assert [(p.metadata.namespace, p.spec.node_name, p.status.phase) for p in pods] == [
        (pods[0].metadata.namespace, "tiny-1", "Running")]


def test_controllers_and_claims() -> None:
    objs = _objects(SCENARIOS_TEXT.read_text())
    rs = [o for k, o in objs.items() if k.startswith("ReplicaSet/")]
    failed = [r for r in rs if any(c.type == "ReplicaFailure" and c.status == "True" for c in r.status.conditions)]
    assert failed and all(r.spec.template.spec.containers for r in failed)
    assert all(r.metadata.owner_references[0].kind == "Deployment" for r in rs)
    deps = [o for k, o in objs.items() if k.startswith("Deployment/")]
    assert deps and all(d.spec.replicas is not None for d in deps)
    pvcs = [o for k, o in objs.items() if k.startswith("PersistentVolumeClaim/")]
    assert {p.status.phase for p in pvcs} <= {"Pending", "Bound"} and pvcs
    events = [o for k, o in objs.items() if k.startswith("Event/")]
    repeated = [e for e in events if e.count > 1]
    assert repeated and all(e.first_timestamp and e.last_timestamp and e.first_timestamp <= e.last_timestamp
                            for e in repeated)


# ---- notes and what cannot be read -----------------------------------------------------------------------

JOB = """Name:             nightly
Namespace:        batch
Selector:         batch.kubernetes.io/controller-uid=0b1c
Parallelism:      1
Completions:      1
Pod Template:
  Containers:
   app:
    Image:  busybox
Events:  <none>
"""
SECRET = """Name:         regcred
Namespace:    shop
Labels:       <none>
Annotations:  <none>

Type:  kubernetes.io/dockerconfigjson

Data
====
.dockerconfigjson:  118 bytes
"""


def test_notes_say_what_describe_cannot_carry() -> None:
    plain = _block(KUBELET_TEXT.read_text(), "tag-missing")
    report = scan("-", stdin=plain + "\n" + JOB + "\n" + SECRET)
    notes = " ".join(report["notes"])
    assert "does not carry affinity and anti-affinity rules, a pod's imagePullSecrets, schedulerName" in notes
    assert "relative to 2026-12-03T17:00:00Z" in notes
    assert "not read from describe text: Job nightly, Secret regcred (describe prints no values)" in notes
    assert "118" not in json.dumps(report)


def test_escape_sequences_in_a_pasted_event_stay_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read from stdin (`kubectl describe pod x | podwhy scan --from -`), hostile bytes in a message."""
    plain = _block(KUBELET_TEXT.read_text(), "tag-missing").replace(
        "failed to resolve image", "failed to resolve \x1b]8;;http://x\x07image\x1b[2J")
    rc, out, err = run_cli("scan", "-A", "--from", "-", stdin=plain.encode(), monkeypatch=monkeypatch)
    assert rc == 1 and err == ""
    assert "\x1b" not in out


@pytest.mark.parametrize("text", [
    "Name:  only-a-name\nNamespace:  x\n",
    "Name:  web\nNamespace:  shop\nContainers:\n  app:\n    State:  Waiting\n      Reason:\n",
    "Name:  web\nNamespace:  shop\nStatus:  Pending\nContainers:\nEvents:\n  Type  Reason  Age  From  Message\n"
    "  ----  ------  ---  ----  -------\n  Warning  Failed  <unknown>  kubelet\n",
], ids=["name only", "cut mid-container", "event row without message"])
def test_broken_describe_text_never_crashes(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rc, out, err = run_cli("scan", "-A", "--from", "-", stdin=text.encode(), monkeypatch=monkeypatch)
    assert rc in (0, 1, 2), err
    assert "Traceback" not in err + out


@pytest.mark.parametrize("hostile", [
    "Message:  x" + " " * 1_000_000 + "y",
    "a" + ":b" * 500_000,
    "  Warning  Failed  3s  kubelet  " + "x " * 500_000,
    "  Warning  Failed  3s" + " " * 1_000_000 + "kubelet  x",
], ids=["a million spaces in a value", "half a million colons", "a megabyte event row", "a million spaces in a row"])
def test_hostile_lines_do_not_hang(hostile: str) -> None:
    """Event messages are written by anyone who may create events: a megabyte line is read in linear time
    (a lazy regex before `[ \\t]*$` once took minutes on a run of spaces). The alarm turns a hang into a failure."""
    import signal

    def _hung(_signum: int, _frame: object) -> None:
        raise AssertionError("describe text of one hostile megabyte line took more than 20 s")

    text = _block(KUBELET_TEXT.read_text(), "tag-missing").replace("Events:", hostile + "\nEvents:", 1)
    old = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(20)
    try:
        d = decode_describe(text, "<paste>", NOW)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert any(k == "Pod" for k, _ in d.objects)


# ---- the lifecycle fields, from what each kubectl release prints -------------------------------------------
# Each case's pod is served by the loopback API server and described by the real kubectl of every release
# (tests/describegen.py); the rebuilt fields are asserted whole. kubectl prints ages against the wall clock, so
# the objects' times are taken from now and the text is read with that same now.

def _ts(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _lc_pod(name: str, containers: list[dict[str, Any]], statuses: list[dict[str, Any]], *,
            meta: dict[str, Any] | None = None, status: dict[str, Any] | None = None,
            init: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"nodeName": "node-1", "containers": containers, "terminationGracePeriodSeconds": 45,
                            "securityContext": {"runAsNonRoot": True, "runAsUser": 1000}}
    st: dict[str, Any] = {"phase": "Running", "containerStatuses": statuses, **(status or {})}
    if init is not None:
        spec["initContainers"], st["initContainerStatuses"] = init
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": name, "namespace": "shop", "creationTimestamp": "2026-01-01T00:00:00Z",
                         **(meta or {})},
            "spec": spec, "status": st}


def _cstatus(name: str, state: dict[str, Any], last: dict[str, Any] | None = None, *, ready: bool = False,
             restarts: int = 0) -> dict[str, Any]:
    return {"name": name, "image": "registry.example.com/shop/web:2.4.0", "imageID": "", "started": ready,
            "containerID": "containerd://0f3e", "ready": ready, "restartCount": restarts, "state": state,
            "lastState": last or {}}


_HTTP = {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "initialDelaySeconds": 10,
         "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}


@dataclass(frozen=True)
class Lifecycle:
    name: str
    pod: Callable[[datetime], dict[str, Any]]  # the pod as the API serves it, its times from now
    want: Callable[[datetime, str], dict[str, Any]]  # (now, release) -> attribute path of the rebuilt Pod -> value


def _oom(now: datetime) -> dict[str, Any]:
    return _lc_pod("oom", [{"name": "app", "image": "registry.example.com/shop/web:2.4.0"}], [_cstatus(
        "app", {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=app"}},
        {"terminated": {"reason": "OOMKilled", "exitCode": 137, "startedAt": _ts(now - timedelta(minutes=5)),
                        "finishedAt": _ts(now - timedelta(minutes=4, seconds=12)), "containerID": "containerd://0e"}},
        restarts=6)])


def _running(now: datetime) -> dict[str, Any]:
    return _lc_pod("steady", [{"name": "app", "image": "registry.example.com/shop/web:2.4.0"}], [_cstatus(
        "app", {"running": {"startedAt": _ts(now - timedelta(hours=2))}},
        {"terminated": {"reason": "Error", "message": "panic: lost the database\n", "exitCode": 2, "signal": 9,
                        "startedAt": _ts(now - timedelta(hours=3)), "finishedAt": _ts(now - timedelta(hours=2))}},
        ready=True, restarts=1)])


def _init_failed(now: datetime) -> dict[str, Any]:
    init = ([{"name": "migrate", "image": "registry.example.com/shop/migrate:7", "command": ["/migrate"],
              "args": ["--dsn=postgres://db:5432/shop", "--timeout", "30s"]}],
            [_cstatus("migrate", {"terminated": {"reason": "Error", "exitCode": 1,
                                                 "startedAt": _ts(now - timedelta(seconds=40)),
                                                 "finishedAt": _ts(now - timedelta(seconds=38))}}, restarts=3)])
    return _lc_pod("migrating", [{"name": "app", "image": "registry.example.com/shop/web:2.4.0"}],
                   [_cstatus("app", {"waiting": {"reason": "PodInitializing"}})], init=init,
                   status={"phase": "Pending"})


def _commands(now: datetime) -> dict[str, Any]:
    return _lc_pod("cmd", [{"name": "app", "image": "registry.example.com/shop/web:2.4.0",
                            "command": ["/bin/sh", "-c"], "args": ["exec /app --listen=:8080 --config /etc/app.yaml"]}],
                   [_cstatus("app", {"waiting": {"reason": "RunContainerError"}})])


def _probes(now: datetime) -> dict[str, Any]:
    app = {"name": "app", "image": "registry.example.com/shop/web:2.4.0", "livenessProbe": _HTTP,
           "readinessProbe": {"tcpSocket": {"port": 5432}, "initialDelaySeconds": 0, "timeoutSeconds": 2,
                              "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 6},
           "startupProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5,
                            "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 30}}
    side = {"name": "proxy", "image": "registry.example.com/shop/proxy:1",
            "livenessProbe": {"httpGet": {"path": "/ready?full=1", "port": "admin", "host": "10.0.0.7",
                                          "scheme": "HTTPS"},
                              "initialDelaySeconds": 3, "timeoutSeconds": 5, "periodSeconds": 20,
                              "successThreshold": 1, "failureThreshold": 2},
            "readinessProbe": {"tcpSocket": {"port": "admin", "host": "localhost"}, "timeoutSeconds": 1,
                               "periodSeconds": 10, "successThreshold": 2, "failureThreshold": 3}}
    return _lc_pod("probed", [app, side], [_cstatus("app", {"running": {"startedAt": _ts(now)}}),
                                          _cstatus("proxy", {"running": {"startedAt": _ts(now)}})])


def _grpc(now: datetime) -> dict[str, Any]:
    app = {"name": "app", "image": "registry.example.com/shop/api:3",
           "livenessProbe": {"grpc": {"port": 9000, "service": ""}, "initialDelaySeconds": 1, "timeoutSeconds": 1,
                             "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3},
           "startupProbe": {"grpc": {"port": 9001, "service": "health.v1"}, "timeoutSeconds": 1,
                            "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}}
    return _lc_pod("grpc", [app], [_cstatus("app", {"running": {"startedAt": _ts(now)}})])


def _deleted(now: datetime) -> dict[str, Any]:
    return _lc_pod("stuck", [{"name": "app", "image": "registry.example.com/shop/web:2.4.0"}],
                   [_cstatus("app", {"running": {"startedAt": _ts(now - timedelta(hours=1))}})],
                   meta={"deletionTimestamp": _ts(now - timedelta(minutes=13, seconds=20)),
                         "deletionGracePeriodSeconds": 30, "finalizers": ["example.com/cleanup"]})


def _in_grace(now: datetime) -> dict[str, Any]:
    return _lc_pod("leaving", [{"name": "app", "image": "registry.example.com/shop/web:2.4.0"}],
                   [_cstatus("app", {"running": {"startedAt": _ts(now - timedelta(hours=1))}})],
                   meta={"deletionTimestamp": _ts(now + timedelta(seconds=25)), "deletionGracePeriodSeconds": 30})


_EVICTION = ("The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. Container app "
             "was using 612Mi, request is 256Mi, has larger consumption of request. ")


def _evicted(now: datetime, deleted: bool = False) -> dict[str, Any]:
    meta = {"deletionTimestamp": _ts(now - timedelta(hours=2, seconds=20)), "deletionGracePeriodSeconds": 0}
    return _lc_pod("evicted-deleted" if deleted else "evicted",
                   [{"name": "app", "image": "registry.example.com/shop/web:2.4.0"}],
                   [_cstatus("app", {"terminated": {"reason": "ContainerStatusUnknown", "exitCode": 137,
                                                    "message": "The container could not be located when the pod "
                                                               "was terminated"}})],
                   meta=meta if deleted else None,
                   status={"phase": "Failed", "reason": "Evicted", "message": _EVICTION})


def _st(now: datetime, **delta: int) -> str:
    return _ts(now - timedelta(**delta))


LIFECYCLE = (
    Lifecycle("OOMKilled last state, waiting in CrashLoopBackOff", _oom, lambda now, _r: {
        "status.container_statuses[0]": ContainerStatus(
            name="app", image="registry.example.com/shop/web:2.4.0", ready=False, started=None, restart_count=6,
            state=ContainerState(waiting=WaitingState(reason="CrashLoopBackOff")),  # the message is not printed
            last_state=ContainerState(terminated=TerminatedState(
                reason="OOMKilled", exit_code=137, started_at=_st(now, minutes=5),
                finished_at=_st(now, minutes=4, seconds=12))))}),
    Lifecycle("running and ready after a killed run (signal, message)", _running, lambda now, _r: {
        "status.container_statuses[0]": ContainerStatus(
            name="app", image="registry.example.com/shop/web:2.4.0", ready=True, started=None, restart_count=1,
            state=ContainerState(running=RunningState(started_at=_st(now, hours=2))),
            last_state=ContainerState(terminated=TerminatedState(
                reason="Error", message="panic: lost the database", exit_code=2, signal=9,
                started_at=_st(now, hours=3), finished_at=_st(now, hours=2))))}),
    Lifecycle("failed init container with command and args", _init_failed, lambda now, _r: {
        "spec.init_containers[0].command": ("/migrate",),
        "spec.init_containers[0].args": ("--dsn=postgres://db:5432/shop", "--timeout", "30s"),
        "status.init_container_statuses[0].state": ContainerState(terminated=TerminatedState(
            reason="Error", exit_code=1, started_at=_st(now, seconds=40), finished_at=_st(now, seconds=38))),
        "status.init_container_statuses[0].restart_count": 3,
        "status.container_statuses[0].state": ContainerState(waiting=WaitingState(reason="PodInitializing")),
        "status.phase": "Pending"}),
    Lifecycle("command and args", _commands, lambda _n, _r: {
        "spec.containers[0].command": ("/bin/sh", "-c"),
        "spec.containers[0].args": ("exec /app --listen=:8080 --config /etc/app.yaml",)}),
    Lifecycle("http-get, tcp-socket and exec probes", _probes, lambda _n, _r: {
        "spec.containers[0].liveness_probe": Probe(
            http_get=HTTPGetAction(path="/healthz", port=8080, scheme="HTTP"), initial_delay_seconds=10),
        "spec.containers[0].readiness_probe": Probe(tcp_socket=PortAction(port=5432), timeout_seconds=2,
                                                    period_seconds=5, failure_threshold=6),
        "spec.containers[0].startup_probe": Probe(exec=ExecAction(command=("cat", "/tmp/healthy")),
                                                  initial_delay_seconds=5, failure_threshold=30),
        "spec.containers[1].liveness_probe": Probe(
            http_get=HTTPGetAction(path="/ready?full=1", port="admin", host="10.0.0.7", scheme="HTTPS"),
            initial_delay_seconds=3, timeout_seconds=5, period_seconds=20, failure_threshold=2),
        "spec.containers[1].readiness_probe": Probe(tcp_socket=PortAction(port="admin"), success_threshold=2),
        "spec.containers[1].startup_probe": None}),
    # describe.go DescribeProbe: kubectl v1.20.15 has no gRPC case and prints `unknown <timings>`.
    Lifecycle("grpc probes", _grpc, lambda _n, release: {
        "spec.containers[0].liveness_probe": Probe(
            grpc=None if release == "1.20" else PortAction(port=9000, service=""), initial_delay_seconds=1),
        "spec.containers[0].startup_probe": Probe(
            grpc=None if release == "1.20" else PortAction(port=9001, service="health.v1"))}),
    Lifecycle("Terminating for 13m, grace period 30s", _deleted, lambda now, _r: {
        "metadata.deletion_timestamp": _st(now, minutes=13), "metadata.deletion_grace_period_seconds": 30,
        "metadata.finalizers": (),  # describe does not print them
        "spec.termination_grace_period_seconds": None, "spec.security_context": None,  # nor these
        "status.phase": "Running"}),
    Lifecycle("Terminating within its grace period (lasts <invalid>)", _in_grace, lambda now, _r: {
        "metadata.deletion_timestamp": _ts(now), "metadata.deletion_grace_period_seconds": 30,
        "status.phase": "Running"}),
    Lifecycle("Failed, Evicted", _evicted, lambda _n, _r: {
        "metadata.deletion_timestamp": None, "status.phase": "Failed", "status.reason": "Evicted",
        "status.message": _EVICTION.strip(),
        "status.container_statuses[0].state": ContainerState(terminated=TerminatedState(
            reason="ContainerStatusUnknown", exit_code=137,  # zero start/finish times print as year 1
            message="The container could not be located when the pod was terminated"))}),
    # describe.go describePod: v1.20-v1.28 print `Terminating` for any deleted pod; v1.32 and v1.34 print a
    # Failed or Succeeded pod's phase and nothing of its deletion.
    Lifecycle("Evicted, then deleted", lambda now: _evicted(now, deleted=True), lambda now, release: {
        "metadata.deletion_timestamp": None if release in ("1.32", "1.34") else _st(now, minutes=120),
        "metadata.deletion_grace_period_seconds": None if release in ("1.32", "1.34") else 0,
        "status.phase": "Failed", "status.reason": "Evicted", "status.message": _EVICTION.strip()}),
)
RELEASES = ("1.20", "1.24", "1.28", "1.32", "1.34")


def _field(obj: Any, path: str) -> Any:
    for part in path.split("."):
        name, _, index = part.partition("[")
        obj = getattr(obj, name)
        if index:
            obj = obj[int(index[:-1])]
    return obj


def _described_pod(case: Lifecycle, release: str, tmp: Path) -> tuple[Any, datetime, str]:
    now = datetime.now(UTC).replace(microsecond=0)
    obj = case.pod(now)
    text = describe([obj], None, release, tmp)
    d = decode_describe(text, "<paste>", now)
    pods = [o for k, o in d.objects if k == "Pod"]
    assert [p.metadata.name for p in pods] == [obj["metadata"]["name"]], text
    return pods[0], now, text


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("case", LIFECYCLE, ids=[c.name for c in LIFECYCLE])
def test_lifecycle_fields_from_every_release(case: Lifecycle, release: str, tmp_path: Path) -> None:
    pod, now, text = _described_pod(case, release, tmp_path)
    got = {path: _field(pod, path) for path in case.want(now, release)}
    assert got == case.want(now, release), text


@pytest.fixture(scope="module")
def lifecycle_text(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, datetime]:
    """kubectl 1.34's describe of every lifecycle case, one pod after another."""
    now = datetime.now(UTC).replace(microsecond=0)
    text = describe([c.pod(now) for c in LIFECYCLE], None, "1.34", tmp_path_factory.mktemp("lifecycle"))
    return text, now


def _pods(text: str, now: datetime) -> dict[str, Any]:
    return {o.metadata.name: o for k, o in decode_describe(text, "<paste>", now).objects if k == "Pod"}


@pytest.mark.parametrize("form", FORMS[:-1], ids=[f.name for f in FORMS[:-1]])
def test_pasted_lifecycle_text_rebuilds_the_same_pods(form: Form, lifecycle_text: tuple[str, datetime]) -> None:
    text, now = lifecycle_text
    want = _pods(text, now)
    assert len(want) == len(LIFECYCLE)
    got = _pods(form.paste(text), now)
    assert got == want


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """The alarm turns a hang (a regex quadratic in a run of spaces) into a failure."""
    import signal

    def _hung(_signum: int, _frame: object) -> None:
        raise AssertionError(f"reading one hostile line took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# Changes to real describe text: what another time zone prints, and values no kubectl prints.
def _in_zone(text: str) -> str:
    """The times as kubectl prints them in a +05:30 zone (time.RFC1123Z of a local time)."""
    def local(m: re.Match[str]) -> str:
        t = datetime.strptime(m[0], "%a, %d %b %Y %H:%M:%S %z").astimezone(timezone(timedelta(hours=5, minutes=30)))
        return t.strftime("%a, %d %b %Y %H:%M:%S %z")
    return re.sub(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000", local, text)


def test_times_of_another_zone_read_as_utc(tmp_path: Path) -> None:
    pod, now, text = _described_pod(LIFECYCLE[1], "1.34", tmp_path)
    assert "+0530" in _in_zone(text)
    zoned = _pods(_in_zone(text), now)["steady"]
    assert zoned.status.container_statuses == pod.status.container_statuses
    assert zoned.status.container_statuses[0].last_state.terminated.finished_at == _st(now, hours=2)


_LAST = "status.container_statuses[0].last_state.terminated"
MALFORMED = (  # (key, value put in its first line, field, the field's default)
    ("Exit Code", "--2", f"{_LAST}.exit_code", 0),
    ("Exit Code", "9" * 5000, f"{_LAST}.exit_code", 0),
    ("Exit Code", "99999999999", f"{_LAST}.exit_code", 0),
    ("Signal", "²", f"{_LAST}.signal", 0),
    ("Restart Count", "²", "status.container_statuses[0].restart_count", 0),
    ("Restart Count", "-1", "status.container_statuses[0].restart_count", 0),
    ("Finished", "Fri, 32 Foo 2026 25:61:00 +0000", f"{_LAST}.finished_at", None),
    ("Finished", "Mon, 01 Jan 0001 00:00:00 +0100", f"{_LAST}.finished_at", None),
    ("Started", " " * 20_000 + "x", "status.container_statuses[0].state.running.started_at", None),
    ("Priority", "--5", "spec.priority", None),
)


@pytest.mark.parametrize(("key", "value", "path", "want"), MALFORMED,
                         ids=[f"{m[0]}: {m[1][:20].strip()}" for m in MALFORMED])
def test_malformed_values_are_skipped(key: str, value: str, path: str, want: Any,
                                      lifecycle_text: tuple[str, datetime]) -> None:
    text, now = lifecycle_text
    lines = _block(text, "steady").replace("Namespace:", "Priority:  0\nNamespace:", 1).split("\n")
    assert _field(_pods("\n".join(lines), now)["steady"], path) != want  # as printed, the field is read
    n = next(i for i, ln in enumerate(lines) if ln.strip().startswith(f"{key}:"))
    lines[n] = f"{lines[n][: len(lines[n]) - len(lines[n].lstrip())]}{key}:  {value}"
    with _deadline(10):
        pod = _pods("\n".join(lines), now)["steady"]
    assert _field(pod, path) == want


PROBE_VALUES = (
    "http-get http://:8080/healthz delay=xs timeout=1s period=10s #success=1 #failure=3",
    "http-get http://:8080/healthz delay=99999999999s timeout=1s period=10s #success=1 #failure=3",
    "grpc <pod>:99999  delay=1s timeout=1s period=10s #success=1 #failure=3",
    "exec cat /tmp/healthy delay=5s timeout=1s period=10s #success=1 #failure=30",
    "mystery delay=5s timeout=1s period=10s #success=1 #failure=30",
    "http-get " + " " * 20_000 + " delay=5s timeout=1s period=10s #success=1 #failure=30",
    "delay=" * 20_000,
    "http-get http://[::1 delay=5s timeout=1s period=10s #success=1 #failure=30",
)


@pytest.mark.parametrize("value", PROBE_VALUES, ids=[v[:40] for v in PROBE_VALUES])
def test_unreadable_probe_lines_are_no_probe(value: str, lifecycle_text: tuple[str, datetime]) -> None:
    text, now = lifecycle_text
    block = _block(text, "probed")
    line = next(ln for ln in block.split("\n") if ln.strip().startswith("Liveness:"))
    with _deadline(10):
        pod = _pods(block.replace(line, "    Liveness:       " + value, 1), now)["probed"]
    assert pod.spec.containers[0].liveness_probe is None
    assert pod.spec.containers[0].readiness_probe is not None


@pytest.mark.parametrize("status", ["Terminating (lasts 99999999y)", "Terminating (lasts " + "9" * 5000 + "s)",
                                    "Terminating (lasts " + " " * 20_000 + ")", "Terminating (lasts <unknown>)"])
def test_unreadable_deletion_ages_are_no_timestamp(status: str, lifecycle_text: tuple[str, datetime]) -> None:
    text, now = lifecycle_text
    block = _block(text, "stuck")
    line = next(ln for ln in block.split("\n") if ln.startswith("Status:"))
    block = block.replace(line, "Status:  " + status, 1).replace("Grace Period:  30s", f"Grace Period:  {'9' * 5000}s")
    with _deadline(10):
        pod = _pods(block, now)["stuck"]
    assert (pod.metadata.deletion_timestamp, pod.metadata.deletion_grace_period_seconds) == (None, None)
    assert pod.status.phase == "Running"
