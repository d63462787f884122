"""The order a person reads stuck subjects in: by impact, not by namespace.

Impact is, in turn: the severity of the subject's first finding (an error blocks, information does
not), how many subjects share that root cause (one missing pull secret behind 40 pods before one pod's
typo), then the report's own order (namespace, name), so that equal subjects keep a stable order.
"""

from __future__ import annotations

from podwhy.findings import SEVERITY_ORDER, Report, Subject


def shared_counts(report: Report) -> dict[str, int]:
    """Subject ref -> the size of the largest shared-cause group it is in (1 when alone)."""
    out: dict[str, int] = {}
    for g in report.groups:
        for ref in g.subjects:
            out[ref] = max(out.get(ref, 1), len(g.subjects))
    return out


def by_impact(report: Report) -> list[Subject]:
    shared = shared_counts(report)

    def key(item: tuple[int, Subject]) -> tuple[int, int, int]:
        i, s = item
        sev = SEVERITY_ORDER.get(s.findings[0].severity, 9) if s.findings else 9
        return sev, -shared.get(s.ref, 1), i

    return [s for _, s in sorted(enumerate(report.subjects), key=key)]
