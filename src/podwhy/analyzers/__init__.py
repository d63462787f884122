"""The analyzers, in the order they run. Each is a pure function of the snapshot and one subject.

Order matters only for ties: findings are sorted by rank/severity/confidence afterwards.
The fallback runs last and only speaks when nobody else did.
"""

from __future__ import annotations

from podwhy.analyzers import fallback, imagepull, probe, scheduling, volumes, workloads
from podwhy.analyzers.base import Analyzer, Context, Options, StuckContainer, Work

ANALYZERS: tuple[Analyzer, ...] = (
    imagepull.ANALYZER,
    probe.ANALYZER,
    volumes.ANALYZER,
    scheduling.ANALYZER,
    workloads.STARTING,
    workloads.FAILEDCREATE,
    fallback.ANALYZER,
)

__all__ = ["ANALYZERS", "Analyzer", "Context", "Options", "StuckContainer", "Work"]
