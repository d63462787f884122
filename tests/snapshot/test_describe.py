"""`kubectl describe` text as input (snapshot/sources/describe).

The describe texts here were printed by the real kubectl v1.34.4 against the real control plane and the real
kubelet of tests/realcluster (recorded by those tiers: tests/fixtures/realcluster/describe*.txt; the tiers
re-run the same check on a fresh cluster, in their `describe` mode). The pasted forms are the same texts put
through what tickets and terminals do to them. Re-record: PODWHY_REALCLUSTER_RECORD=1 .venv/bin/pytest
tests/realcluster/test_scenarios.py tests/realcluster/test_kubelet.py
"""

from __future__ import annotations

import json
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

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
