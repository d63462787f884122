"""Broken and hostile input: a clear error naming file/document/field (exit 2), or a report with a
note; never a traceback, never a hang, never data dropped without a note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run_cli

POD = """apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop, uid: p1}
spec:
  nodeName: node-1
  containers: [{name: app, image: "nginx:1.27"}]
status:
  phase: Pending
  containerStatuses: [{name: app, state: {waiting: {reason: ErrImagePull, message: boom}}}]
"""

BOMB = """apiVersion: v1
kind: Pod
metadata: {name: bomb, namespace: shop}
x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]
""" + "".join(f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)) + "spec: {containers: *a8}\n"


@pytest.mark.parametrize(
    ("content", "code", "needle"),
    [
        pytest.param(BOMB, 2, "YAML aliases expand to more than 5,000,000 nodes", id="yaml-alias-bomb-is-refused"),
        # Nothing usable left: an input error (exit 2) whose message says what was skipped.
        pytest.param("apiVersion: v1\nkind: Pod\n", 2, "skipped 1 Pod object(s) without metadata.name",
                     id="object-without-a-name-is-skipped-with-a-note"),
        pytest.param(POD + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", 1,
                     "not read (kinds podwhy does not use): Widget (1)", id="unknown-kind-is-noted"),
        pytest.param(POD + "---\n" + POD, 1, "1 duplicate Pod object(s) in the input", id="duplicate-object-is-noted"),
        pytest.param(POD + "---\napiVersion: v1\nkind: Event\nmetadata: {name: e1, namespace: shop}\n"
                     "involvedObject: {kind: Pod, name: ghost, namespace: shop}\nreason: Failed\nmessage: x\n",
                     1, "web-1", id="event-about-a-missing-object-is-harmless"),
        pytest.param("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
                     "spec: {replicas: three}\n", 2, "skipped Deployment 'web' at $.spec.replicas",
                     id="wrong-type-skips-the-object-with-a-note"),
        pytest.param("apiVersion: v1\nkind: Pod\nmetadata: {name: [x]}\n", 2, "skipped Pod at $.metadata.name",
                     id="name-of-the-wrong-type-is-noted"),
    ],
)
def test_broken_input(tmp_path: Path, content: str, code: int, needle: str) -> None:
    p = tmp_path / "in.yaml"
    p.write_text(content)
    rc, out, err = run_cli("scan", "-A", "-o", "json" if code != 2 else "text", "--from", str(p))
    assert rc == code, err
    assert needle in out + err
    assert "Traceback" not in out + err


def test_a_50mb_event_message_is_quoted_not_fatal(tmp_path: Path) -> None:
    huge = 'Failed to pull image "nginx:1.27": ' + "x" * 50_000_000
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop", "uid": "p1"},
           "spec": {"nodeName": "n1", "containers": [{"name": "app", "image": "nginx:1.27"}]},
           "status": {"phase": "Pending", "containerStatuses": [
               {"name": "app", "state": {"waiting": {"reason": "ErrImagePull", "message": "boom"}}}]}}
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e", "namespace": "shop"},
             "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop", "uid": "p1"},
             "reason": "Failed", "type": "Warning", "message": huge}
    p = tmp_path / "big.json"
    p.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [pod, event]}))
    rc, out, err = run_cli("scan", "-A", "-o", "json", "--from", str(p))
    assert (rc, err) == (1, "")
    doc = json.loads(out)
    assert doc["subjects"][0]["ref"] == "Pod/shop/web-1"
    assert "event message(s) longer than 65,536 characters were cut to that length: shop/e (50,000,035 characters)" \
        in doc["notes"]
