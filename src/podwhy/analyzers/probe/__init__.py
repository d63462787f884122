"""Registry-probe analyzer (issue 6): findings from what the registry itself answered (`--probe-registry`).

Pure, like every analyzer: the probe's I/O happens in `podwhy.registry` before diagnose; this package
reads its plain results from `ctx.options.probe_results`. Runs right after the image-pull analyzer and
upgrades, replaces or weakens that analyzer's findings for the same container.

Modules: `results` (the data contract, also imported by podwhy.registry), `targets` (which containers,
which secrets, which node platforms), `analyzer` (outcome -> finding, merging).
"""

from __future__ import annotations

from podwhy.analyzers.base import Analyzer
from podwhy.analyzers.probe.analyzer import analyze

ANALYZER = Analyzer(name="probe", analyze=analyze)

__all__ = ["ANALYZER", "analyze"]
