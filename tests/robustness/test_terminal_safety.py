"""Cluster-sourced text cannot drive the terminal (kubectl CVE-2021-25743 class); JSON stays exact."""

from __future__ import annotations

import json

import pytest

from helpers import run_cli

PAYLOADS = {
    "title": "\x1b]0;owned\x07",
    "clear": "\x1b[2J\x1b[H",
    "color": "\x1b[31;1mFAKE OK\x1b[0m",
    "hyperlink": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "csi8bit": "\x9b6n",
    "cr": "all good\rOVERWRITE",
    "bidi": "\u202eevil",
}
BAD = "".join(PAYLOADS.values())

CLUSTER = f"""
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-1, namespace: shop, uid: p1, labels: {{app: web}}}}
  spec:
    nodeName: node-1
    containers: [{{name: app, image: "nginx:1.27"}}]
  status:
    phase: Pending
    containerStatuses:
    - name: app
      state: {{waiting: {{reason: ErrStrange, message: {json.dumps("weird " + BAD)}}}}}
- apiVersion: v1
  kind: Event
  metadata: {{name: web-1.1, namespace: shop}}
  involvedObject: {{kind: Pod, name: web-1, namespace: shop, uid: p1}}
  reason: Failed
  type: Warning
  message: {json.dumps("Error: " + BAD)}
  lastTimestamp: "2026-11-20T09:59:00Z"
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> str:
    p = tmp_path_factory.mktemp("esc") / "cluster.yaml"
    p.write_text(CLUSTER)
    return str(p)


@pytest.mark.parametrize("output", ["text", "markdown"])
def test_escape_sequences_are_neutralised(cluster: str, output: str) -> None:
    rc, out, err = run_cli("scan", "-A", "-o", output, "--from", cluster)
    assert rc == 1, err
    for ch in ("\x1b", "\x07", "\x9b", "\r", "\u202e"):
        assert ch not in out, f"{ch!r} reached the terminal"
    assert "weird" in out and "FAKE OK" in out  # the text itself is still shown


def test_json_keeps_the_exact_strings(cluster: str) -> None:
    rc, out, _ = run_cli("scan", "-A", "-o", "json", "--from", cluster)
    assert rc == 1
    assert "\x1b" not in out  # JSON escapes control characters
    doc = json.loads(out)
    observed = [e["observed"] for f in doc["subjects"][0]["findings"] for e in f["evidence"]]
    assert "Error: " + BAD in observed
