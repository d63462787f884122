"""podwhy_stuck_subjects' series: one per (namespace, family, code, severity, owner_kind, owner), the owner
being the top of the owner chain, and a ceiling: above it the smallest series fold into owner="(other)",
then namespace="(other)", the counts preserved."""

from __future__ import annotations

import pytest

from podwhy.findings import Finding, Report, Source, Subject
from podwhy.serve.metrics import OTHER, stuck_series


def _subject(ns: str, name: str, code: str, owners: tuple[str, ...] = (), kind: str = "Pod") -> Subject:
    return Subject(ref=f"{kind}/{ns}/{name}", state="x", kind=kind, namespace=ns, name=name, owners=list(owners),
                   findings=[Finding(code=code, severity="error", confidence="certain", cause="c")])


def _report(subjects: list[Subject]) -> Report:
    return Report(schema_version="podwhy/v1", source=Source("live", "t"), subjects=subjects, groups=[], notes=[])


CASES = [
    ("a Deployment's pods count under the Deployment",
     [_subject("shop", "web-1", "image.tag-not-found", ("ReplicaSet/shop/web-7d", "Deployment/shop/web")),
      _subject("shop", "web-2", "image.tag-not-found", ("ReplicaSet/shop/web-7d", "Deployment/shop/web"))],
     {("shop", "image", "image.tag-not-found", "error", "Deployment", "web"): 2}, 0),
    ("a bare pod has no owner",
     [_subject("default", "debug", "crash.oom-killed")],
     {("default", "crash", "crash.oom-killed", "error", "", ""): 1}, 0),
    ("a controller is its own owner",
     [_subject("shop", "web-7d", "create.quota-exceeded", kind="ReplicaSet")],
     {("shop", "create", "create.quota-exceeded", "error", "ReplicaSet", "web-7d"): 1}, 0),
]


@pytest.mark.parametrize(("name", "subjects", "series", "folded"), CASES, ids=[c[0] for c in CASES])
def test_series(name: str, subjects: list[Subject], series: dict[tuple[str, ...], int], folded: int) -> None:
    assert stuck_series(_report(subjects)) == (series, folded)


def test_ceiling_folds_owners_then_namespaces_and_keeps_the_counts() -> None:
    # 30 namespaces x 10 Deployments, one stuck pod each, plus one big Deployment: 301 series for a ceiling of 40.
    subjects = [_subject(f"ns-{i}", f"d{j}-x", "image.tag-not-found", (f"Deployment/ns-{i}/d{j}",))
                for i in range(30) for j in range(10)]
    subjects += [_subject("ns-0", f"big-{k}", "crash.exit-nonzero", ("Deployment/ns-0/big",)) for k in range(50)]
    series, folded = stuck_series(_report(subjects), ceiling=40)
    assert len(series) <= 40 and folded == 301 - len(series)
    assert sum(series.values()) == 350
    # The biggest series keeps its labels; the rest lost their owner first.
    assert series[("ns-0", "crash", "crash.exit-nonzero", "error", "Deployment", "big")] == 50
    assert any(k[5] == OTHER for k in series)
