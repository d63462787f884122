"""`/api/v1/report?namespace=&code=&owner=`: a part of the served report. `namespace` keeps what
`podwhy scan -n NS` reports and `owner` what `podwhy pod --owner KIND/NAME` does (the subjects, their
groups and the pods examined); `code` keeps the subjects whose root cause (first finding) has that code,
or that family when given as a prefix (`image`, `sched`). Groups are recomputed from the kept subjects
exactly as the diagnosis groups them."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from podwhy.diagnose import _owned_by, group_subjects
from podwhy.findings import Report, Subject
from podwhy.snapshot import Snapshot


@dataclass(frozen=True)
class Filter:
    namespace: str | None = None
    code: str | None = None
    owner_kind: str | None = None  # lower-case kind as `--owner` takes it; None = any kind
    owner_name: str | None = None

    @property
    def empty(self) -> bool:
        return self.namespace is None and self.code is None and self.owner_name is None


def parse_owner(raw: str) -> tuple[str | None, str] | None:
    """`deployment/web`, `deploy/web`, `web` -> (kind, name); None when the kind is not one podwhy follows."""
    from podwhy.cli import owner_kind

    if "/" not in raw:
        return None, raw
    kind_raw, name = raw.split("/", 1)
    kind = owner_kind(kind_raw)
    if kind is None or not name:
        return None
    return kind, name


def _code_matches(code: str, want: str) -> bool:
    return code == want or code.startswith(want + ".")


def _owner_matches(s: Subject, f: Filter) -> bool:
    name, kind = f.owner_name, f.owner_kind
    if s.kind != "Pod" and s.name == name and (kind is None or s.kind.lower() == kind):
        return True
    for ref in s.owners:
        okind, _, rest = ref.partition("/")
        oname = rest.partition("/")[2]
        if oname == name and (kind is None or okind.lower() == kind):
            return True
    return False


def apply(report: Report, snap: Snapshot, f: Filter) -> Report:
    subjects = report.subjects
    examined = report.examined
    if f.namespace is not None:
        subjects = [s for s in subjects if s.namespace == f.namespace]
        examined = len(snap.pods_by_namespace.get(f.namespace, ()))
    if f.owner_name is not None:
        subjects = [s for s in subjects if _owner_matches(s, f)]
        pods = snap.pods if f.namespace is None else snap.pods_by_namespace.get(f.namespace, ())
        examined = sum(1 for p in pods if _owned_by(snap, p, f.owner_kind, f.owner_name))
    if f.code is not None:
        want = f.code
        subjects = [s for s in subjects if s.findings and _code_matches(s.findings[0].code, want)]
    return msgspec.structs.replace(report, subjects=subjects, groups=group_subjects(subjects), examined=examined)
