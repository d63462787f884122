"""Every bundled snapshot yields a report that follows the JSON contract: every emitted code is
catalogued, no analyzer crashed (no `internal.` note), and each stuck subject has findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract import check_report
from helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = [ROOT / "examples" / "cluster", ROOT / "examples" / "maintenance", ROOT / "examples" / "dump",
             ROOT / "tests" / "fixtures" / "dump-stdout.txt"]


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_report_follows_the_contract(path: Path) -> None:
    rc, out, err = run_cli("scan", "-A", "-o", "json", "--from", str(path))
    assert (rc, err) == (1, "")
    doc = json.loads(out)
    check_report(doc)
    assert not [n for n in doc["notes"] if n.startswith("internal.")]


def test_a_cluster_without_nodes_lists_an_empty_node_list(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("apiVersion: v1\nkind: NodeList\nitems: []\n---\napiVersion: v1\nkind: Pod\n"
                 "metadata: {name: p, namespace: default}\nspec: {containers: [{name: c, image: nginx}]}\n"
                 "status: {phase: Pending}\n")
    rc, out, _ = run_cli("pod", "p", "-o", "json", "--from", str(p))
    doc = json.loads(out)
    check_report(doc)
    assert rc == 1
    assert doc["subjects"][0]["scheduling"] == {"message": "no nodes available to schedule pods", "nodes": []}
    assert doc["subjects"][0]["findings"][0]["code"] == "sched.no-nodes"
