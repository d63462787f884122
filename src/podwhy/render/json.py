"""`-o json`: the versioned machine contract of catalog.md. Strings are exact (not sanitised):
JSON escaping already makes control characters inert."""

from __future__ import annotations

from typing import Any

import msgspec

from podwhy.findings import Report


def render_bytes(report: Report) -> bytes:
    """The document as UTF-8 bytes, without the final newline (what the CLI writes to a binary stdout)."""
    return msgspec.json.format(msgspec.json.encode(report), indent=2)


def render(report: Report, **_: Any) -> str:
    return render_bytes(report).decode() + "\n"
