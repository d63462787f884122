"""Pods that start and then fail: crash loops, OOM kills, start errors, probes, stuck Terminating, evictions.
Semantics: the kubelet's and the runtime's texts, cited in each rule's module."""

from __future__ import annotations

from podwhy.analyzers.base import Analyzer, Context, Work


def analyze(ctx: Context, work: Work) -> None:
    from podwhy.analyzers.lifecycle import analyzer

    analyzer.analyze(ctx, work)


ANALYZER = Analyzer(name="lifecycle", analyze=analyze, kinds=("Pod", "Job"))
