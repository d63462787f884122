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
