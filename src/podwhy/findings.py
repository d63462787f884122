"""Findings are data: what an analyzer concluded, on what evidence, and how to fix it.

The JSON shape is the contract of `catalog.md` (schemaVersion podwhy/v1): camelCase keys, a
finding's `code` from `catalog.CODES`, evidence quoting the object, field and verbatim text.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

Severity = Literal["error", "warning", "info"]
Confidence = Literal["certain", "likely", "possible"]

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
CONFIDENCE_ORDER = {"certain": 0, "likely": 1, "possible": 2}


class Evidence(msgspec.Struct, rename="camel", omit_defaults=True):
    ref: str
    field: str = ""
    observed: str = ""
    expected: str | None = None


class Fix(msgspec.Struct, rename="camel", omit_defaults=True):
    summary: str
    commands: list[str] = msgspec.field(default_factory=list)
    # YAML/JSON snippets to paste (printed, never applied).
    patches: list[str] = msgspec.field(default_factory=list)


class Finding(msgspec.Struct, rename="camel", omit_defaults=True):
    code: str
    severity: Severity
    confidence: Confidence
    cause: str
    evidence: list[Evidence] = msgspec.field(default_factory=list)
    fix: Fix | None = None
    # Which container the finding is about, when it is about one.
    container: str | None = None
    # Structured detail for machines (suggested tags, quota arithmetic, ...).
    details: dict[str, Any] | None = None
    # Cluster-wide grouping key: subjects with the same (code, groupKey) share a root cause.
    group_key: str | None = None
    # Lower sorts first among a subject's findings (root causes before consequences).
    rank: int = 50


class NodeFailure(msgspec.Struct, rename="camel", omit_defaults=True):
    plugin: str
    reasons: list[str]
    detail: dict[str, Any] | None = None


class NodeVerdict(msgspec.Struct, rename="camel"):
    name: str
    feasible: bool
    failures: list[NodeFailure] = msgspec.field(default_factory=list)


class Scheduling(msgspec.Struct, rename="camel", omit_defaults=True):
    message: str
    # Every node, also when empty ([] for a cluster without nodes); None only when folded (sameNodesAs).
    nodes: list[NodeVerdict] | None = None
    # The latest FailedScheduling message the scheduler wrote, when there is one.
    observed_message: str | None = None
    # The parsed histogram of that message: reason -> node count.
    observed_histogram: dict[str, int] | None = None
    agrees: bool | None = None
    disagreement: str | None = None
    # Set instead of `nodes` when a scan's node-verdict budget folded this list: "Pod/ns/name" of an
    # earlier subject of the same equivalence class whose `nodes` are exactly this pod's.
    same_nodes_as: str | None = None


class Subject(msgspec.Struct, rename="camel", omit_defaults=True):
    ref: str
    state: str
    findings: list[Finding] = msgspec.field(default_factory=list)
    scheduling: Scheduling | None = None
    # Controllers above the subject, e.g. ["ReplicaSet/ns/web-7d9", "Deployment/ns/web"].
    owners: list[str] = msgspec.field(default_factory=list)
    kind: str = msgspec.field(default="")
    namespace: str = msgspec.field(default="")
    name: str = msgspec.field(default="")
    # The waiting/condition text that made the subject stuck.
    summary: str = ""


class Group(msgspec.Struct, rename="camel", omit_defaults=True):
    code: str
    subjects: list[str]
    summary: str
    key: str = ""
    fix: Fix | None = None


class Source(msgspec.Struct, rename="camel"):
    kind: str
    detail: str


class Report(msgspec.Struct, rename="camel"):
    schema_version: str
    source: Source
    subjects: list[Subject]
    groups: list[Group]
    notes: list[str]
    # Pods examined (healthy ones are counted, never listed).
    examined: int = 0


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (f.rank, SEVERITY_ORDER.get(f.severity, 9), CONFIDENCE_ORDER.get(f.confidence, 9)),
    )
