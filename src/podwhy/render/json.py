"""`-o json`: the versioned machine contract of catalog.md. Strings are exact (not sanitised):
JSON escaping already makes control characters inert."""

from __future__ import annotations

from typing import Any

import msgspec

from podwhy.findings import Report


def render(report: Report, **_: Any) -> str:
    return msgspec.json.format(msgspec.json.encode(report), indent=2).decode() + "\n"
