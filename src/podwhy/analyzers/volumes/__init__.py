"""Volume diagnosis (issue 5): why a claim is not bound, and what to do. Semantics A2 (volume parts)."""

from __future__ import annotations

from podwhy.analyzers.base import Analyzer, Context, Work


def analyze(ctx: Context, work: Work) -> None:
    """Filled in by the volumes work."""


ANALYZER = Analyzer(name="volumes", analyze=analyze)
