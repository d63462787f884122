"""Image-pull diagnosis (issue 3): classify pull errors, check the reference, audit pull secrets,
suggest the nearest tag. Semantics: shared/spec/semantics.md part B.

Modules: `classify` (table of runtime/registry texts), `reference` (distribution grammar),
`pullsecrets` (the kubelet's keyring rules), `tags` (nearest existing tag), `analyzer` (findings).
"""

from __future__ import annotations

from podwhy.analyzers.base import Analyzer
from podwhy.analyzers.imagepull.analyzer import analyze

ANALYZER = Analyzer(name="imagepull", analyze=analyze)

__all__ = ["ANALYZER", "analyze"]
