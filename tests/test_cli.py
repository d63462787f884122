"""The command line as a user runs it: subcommands, selection, output formats, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract import check_report
from helpers import run_cli

CLUSTER = """
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-7d9f8c6b5-abcde
    namespace: shop
    uid: pod-1
    ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f8c6b5, uid: rs-1, controller: true}]
  spec:
    nodeName: node-1
    containers: [{name: app, image: registry.example.com/shop/web:2.0}]
  status:
    phase: Pending
    conditions: [{type: PodScheduled, status: "True"}]
    containerStatuses:
    - name: app
      image: registry.example.com/shop/web:2.0
      state: {waiting: {reason: ErrWeirdRuntimeThing, message: "something odd happened"}}
- apiVersion: v1
  kind: Pod
  metadata: {name: healthy, namespace: shop, uid: pod-2}
  spec:
    nodeName: node-1
    containers: [{name: app, image: nginx:1.27}]
  status:
    phase: Running
    conditions: [{type: PodScheduled, status: "True"}]
    containerStatuses: [{name: app, ready: true, state: {running: {startedAt: "2026-11-20T09:00:00Z"}}}]
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-7d9f8c6b5
    namespace: shop
    uid: rs-1
    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: dep-1, controller: true}]
  spec: {replicas: 1}
  status: {replicas: 1}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop, uid: dep-1}
  spec: {replicas: 1}
- apiVersion: v1
  kind: Event
  metadata: {name: web-7d9f8c6b5-abcde.1, namespace: shop}
  involvedObject: {kind: Pod, name: web-7d9f8c6b5-abcde, namespace: shop, uid: pod-1}
  reason: Failed
  type: Warning
  message: "Error: ErrWeirdRuntimeThing"
  lastTimestamp: "2026-11-20T09:59:00Z"
"""


@pytest.fixture
def cluster(tmp_path: Path) -> str:
    p = tmp_path / "cluster.yaml"
    p.write_text(CLUSTER)
    return str(p)


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        pytest.param(["scan", "-A"], 1, "default/" if False else "shop/web-7d9f8c6b5-abcde", id="scan-finds-the-stuck-pod"),
        pytest.param(["scan", "-n", "shop"], 1, "ErrWeirdRuntimeThing", id="scan-one-namespace"),
        pytest.param(["scan", "-n", "other"], 2, "namespace 'other' is not in the input",
                     id="scan-namespace-absent-from-the-input-is-an-input-error"),
        pytest.param(["pod", "healthy", "-n", "shop"], 0, "pod healthy is fine", id="healthy-pod-says-so-and-exits-0"),
        pytest.param(["pod", "healthy"], 0, "is fine", id="pod-namespace-found-offline-when-unique"),
        pytest.param(["pod", "web-7d9f8c6b5-abcde", "-n", "shop"], 1, "something odd happened",
                     id="stuck-pod-quotes-its-waiting-message"),
        pytest.param(["pod", "web", "--owner", "-n", "shop"], 1, "web-7d9f8c6b5-abcde", id="owner-selects-its-pods"),
        pytest.param(["pod", "deployment/web", "--owner", "-n", "shop"], 1, "web-7d9f8c6b5-abcde",
                     id="owner-kind-slash-name"),
        pytest.param(["pod", "nope", "-n", "shop"], 2, "pod 'nope' not found", id="missing-pod-is-an-input-error"),
        pytest.param(["scan", "-A", "-n", "shop"], 2, "cannot be used together", id="namespace-and-all-conflict"),
        pytest.param(["scan", "--now", "yesterday"], 2, "not an RFC 3339 time", id="bad-now"),
        pytest.param(["pod", "x", "--owner", "cronjob"], 2, "unknown kind", id="unknown-owner-kind"),
    ],
)
def test_cli_cases(cluster: str, args: list[str], code: int, needle: str) -> None:
    rc, out, err = run_cli(*args, "--from", cluster)
    assert rc == code, (out, err)
    assert needle in out + err
    assert "Traceback" not in out + err


def test_json_output_follows_the_contract(cluster: str) -> None:
    rc, out, _ = run_cli("scan", "-A", "-o", "json", "--from", cluster)
    assert rc == 1
    doc = json.loads(out)
    check_report(doc)
    subj = doc["subjects"][0]
    assert subj["ref"] == "Pod/shop/web-7d9f8c6b5-abcde"
    assert subj["state"] == "ErrWeirdRuntimeThing"
    assert subj["owners"] == ["ReplicaSet/shop/web-7d9f8c6b5", "Deployment/shop/web"]
    assert subj["findings"][0]["code"] == "unknown"
    assert {"ref": "Event/shop/web-7d9f8c6b5-abcde.1", "field": ".message [Failed]",
            "observed": "Error: ErrWeirdRuntimeThing"} in subj["findings"][0]["evidence"]
    assert doc["groups"][0]["subjects"] == ["Pod/shop/web-7d9f8c6b5-abcde"]


def test_markdown_output(cluster: str) -> None:
    rc, out, _ = run_cli("scan", "-A", "-o", "markdown", "--from", cluster)
    assert rc == 1
    assert out.startswith("# podwhy report")
    assert "## `Pod/shop/web-7d9f8c6b5-abcde` — ErrWeirdRuntimeThing" in out
    assert "```text" in out


def test_text_output_fits_80_columns_except_commands(cluster: str) -> None:
    rc, out, _ = run_cli("scan", "-A", "--from", cluster)
    assert rc == 1
    for line in out.splitlines():
        assert len(line) <= 80 or line.lstrip().startswith("$ "), line


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli("frobnicate")
    assert exc.value.code == 2


def test_stdin_source(monkeypatch: pytest.MonkeyPatch) -> None:
    rc, out, _ = run_cli("scan", "-A", "-o", "json", "--from", "-", stdin=CLUSTER.encode(), monkeypatch=monkeypatch)
    assert rc == 1
    assert json.loads(out)["subjects"][0]["ref"] == "Pod/shop/web-7d9f8c6b5-abcde"


def test_python_dash_m_and_console_script_agree(cluster: str) -> None:
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "podwhy", "scan", "-A", "-o", "json", "--from", cluster],
                       capture_output=True, text=True, check=False)
    assert p.returncode == 1
    assert json.loads(p.stdout)["subjects"][0]["ref"] == "Pod/shop/web-7d9f8c6b5-abcde"


def test_json_on_a_real_stdout_is_byte_identical_to_the_text_path(cluster: str) -> None:
    """A real stdout gets the encoder's UTF-8 bytes directly; an in-memory stream the str rendering."""
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "podwhy", "scan", "-A", "-o", "json", "--from", cluster,
                        "--now", "2026-11-20T10:00:00Z"], capture_output=True, check=False)
    rc, out, _ = run_cli("scan", "-A", "-o", "json", "--from", cluster, "--now", "2026-11-20T10:00:00Z")
    assert (p.returncode, rc) == (1, 1)
    assert p.stdout == out.encode()
    assert p.stdout.endswith(b"}\n")
