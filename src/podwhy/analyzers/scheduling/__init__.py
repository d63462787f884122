"""Scheduling explainer (issue 4): recompute every filter plugin for every node, parse what the
scheduler said, propose verified fixes. Semantics: shared/spec/semantics.md part A."""

from __future__ import annotations

from podwhy.analyzers.base import Analyzer
from podwhy.analyzers.scheduling.explain import analyze

ANALYZER = Analyzer(name="scheduling", analyze=analyze)

__all__ = ["ANALYZER", "analyze"]
