"""Renderers: Report -> text (rich), JSON (the catalog.md contract), YAML (the same document) or Markdown.
Render last."""

from __future__ import annotations

from collections.abc import Callable

from podwhy.findings import Report


def renderer(name: str) -> Callable[..., str]:
    if name == "json":
        from podwhy.render.json import render
    elif name == "yaml":
        from podwhy.render.yamlout import render
    elif name == "markdown":
        from podwhy.render.markdown import render
    else:
        from podwhy.render.text import render
    return render


__all__ = ["Report", "renderer"]
