"""Image-pull diagnosis (issue 3): classify pull errors, check the reference, audit pull secrets,
suggest the nearest tag. Semantics: shared/spec/semantics.md part B."""

from __future__ import annotations

from podwhy.analyzers.base import Analyzer, Context, Work


def analyze(ctx: Context, work: Work) -> None:
    """Filled in by the image-pull work."""


ANALYZER = Analyzer(name="imagepull", analyze=analyze)
