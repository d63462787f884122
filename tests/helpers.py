"""Shared test helpers (import as `from helpers import ...`): build snapshots from YAML text and run the CLI in-process."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from podwhy.analyzers import Options
from podwhy.cli import main
from podwhy.diagnose import Selection, diagnose
from podwhy.findings import Report
from podwhy.snapshot import Snapshot, SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.sources.files import decode_bytes

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def snapshot_from_yaml(text: str) -> Snapshot:
    decoded = decode_bytes(text.encode(), "<test>")
    return build_snapshot(decoded, SourceInfo("files", "<test>"))


def diagnose_yaml(text: str, *, now: datetime = NOW, selection: Selection | None = None,
                  options: Options | None = None) -> Report:
    return diagnose(snapshot_from_yaml(text), now=now, selection=selection, options=options)


def run_cli(*args: str, stdin: bytes | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        assert monkeypatch is not None, "pass monkeypatch to feed stdin"
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()
