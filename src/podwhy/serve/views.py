"""The dashboard's own reads, small enough for a browser however big the cluster: `/api/v1/dashboard` is the
report without its per-node verdict lists (a 5,000-node cluster's report is 100+ MB of them), every
subject reduced to what a group's list shows; `/api/v1/subject?ref=` is one subject exactly as the
report has it, node table included, fetched when the user opens it. Neither is part of the podwhy/v1
contract (that is /api/v1/report); both are derived from the same report, so they never disagree."""

from __future__ import annotations

from typing import Any

import msgspec

from podwhy.findings import Report, Subject


class SubjectLine(msgspec.Struct, rename="camel", omit_defaults=True):
    ref: str
    kind: str
    namespace: str
    name: str
    state: str
    summary: str = ""
    owners: list[str] = msgspec.field(default_factory=list)
    code: str = ""
    severity: str = ""
    cause: str = ""
    findings: int = 0
    nodes: int | None = None  # the node table's length, when the subject has one
    feasible: int | None = None


class Dashboard(msgspec.Struct, rename="camel"):
    version: int
    at: float
    schema_version: str
    source: Any
    examined: int
    notes: list[str]
    groups: list[Any]
    subjects: list[SubjectLine]


def _line(s: Subject) -> SubjectLine:
    first = s.findings[0] if s.findings else None
    nodes = feasible = None
    if s.scheduling is not None and s.scheduling.nodes is not None:
        nodes = len(s.scheduling.nodes)
        feasible = sum(1 for v in s.scheduling.nodes if v.feasible)
    return SubjectLine(ref=s.ref, kind=s.kind, namespace=s.namespace, name=s.name, state=s.state, summary=s.summary,
                       owners=s.owners, code=first.code if first else "", severity=first.severity if first else "",
                       cause=first.cause if first else "", findings=len(s.findings), nodes=nodes, feasible=feasible)


def dashboard(report: Report, version: int, at: float) -> bytes:
    doc = Dashboard(version=version, at=at, schema_version=report.schema_version, source=report.source,
                    examined=report.examined, notes=report.notes, groups=report.groups,
                    subjects=[_line(s) for s in report.subjects])
    return msgspec.json.encode(doc)


def subject(report: Report, ref: str) -> bytes | None:
    for s in report.subjects:
        if s.ref == ref:
            return msgspec.json.encode(s)
    return None
