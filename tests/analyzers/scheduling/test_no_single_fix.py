"""When no change to one cause alone makes a node feasible, the fix says what else stops the pod there."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "cluster"


def test_taint_on_nodes_that_also_lack_memory_points_at_the_memory() -> None:
    rc, out, _ = run_cli("pod", "monthly-report-5cr7l", "-n", "analytics", "--from", str(EXAMPLES), "-o", "json")
    assert rc == 1
    findings = {f["code"]: f for f in json.loads(out)["subjects"][0]["findings"]}
    assert findings["sched.untolerated-taint"]["fix"] == {
        "summary": "Removing this cause alone would not let the pod schedule: gpu-1, gpu-2 would still be rejected "
                   "by NodeResourcesFit: Insufficient memory. Fix that first; this cause may well be intended "
                   "(e.g. dedicated nodes)."}
    assert findings["sched.insufficient-resources"]["fix"]["commands"]  # the verified fix of the real blocker
