"""Shared test helpers (import as `from helpers import ...`): build snapshots from YAML text and run the CLI in-process."""

from __future__ import annotations

import io
import json
import textwrap
from datetime import UTC, datetime

import pytest

from podwhy.analyzers import Options
from podwhy.cli import main
from podwhy.diagnose import Selection, diagnose
from podwhy.findings import Finding, Report
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


def docs(*parts: str) -> str:
    """Join YAML documents (each dedented) into one multi-document string."""
    return "\n---\n".join(textwrap.dedent(p).strip("\n") for p in parts if p) + "\n"


def empty_list(kind: str) -> str:
    """An empty `kubectl get <kind> -o yaml` list: the kind is loaded (known) and has no objects."""
    return f"apiVersion: v1\nkind: {kind}List\nitems: []\n"


def event_yaml(kind: str, name: str, reason: str, message: str, *, ns: str, n: int = 0, uid: str | None = None,
               component: str, type_: str = "Warning", count: int = 1) -> str:
    """A core/v1 Event about kind/ns/name as the API server serves it (timestamps 2026-03-01 11:NN)."""
    uid_line = f"\n  uid: {uid}" if uid else ""
    return f"""\
apiVersion: v1
kind: Event
metadata:
  name: {name}.{reason.lower()}{n}
  namespace: {ns}
involvedObject:
  kind: {kind}
  name: {name}
  namespace: {ns}{uid_line}
reason: {reason}
message: {json.dumps(message)}
type: {type_}
source:
  component: {component}
count: {count}
firstTimestamp: "2026-03-01T11:{n:02d}:00Z"
lastTimestamp: "2026-03-01T11:{n:02d}:00Z"
"""


def subject_findings(yaml_text: str, ref: str, *, now: datetime = NOW) -> list[Finding]:
    """Diagnose a YAML snapshot through the real pipeline and return the findings of one subject."""
    rep = diagnose_yaml(yaml_text, now=now)
    subj = {s.ref: s for s in rep.subjects}
    assert ref in subj, f"{ref} not a subject: {sorted(subj)}"
    return subj[ref].findings
