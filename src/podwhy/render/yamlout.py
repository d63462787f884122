"""`-o yaml`: the very document of `-o json` (the podwhy/v1 contract), as YAML, keys in the same order."""

from __future__ import annotations

from typing import Any

import msgspec
import yaml

from podwhy.findings import Report

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def render_bytes(report: Report) -> bytes:
    """UTF-8 YAML (what the CLI writes to a binary stdout)."""
    data = msgspec.json.decode(msgspec.json.encode(report))
    out: bytes = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                           width=1_000_000, encoding="utf-8")
    return out


def render(report: Report, **_: Any) -> str:
    return render_bytes(report).decode("utf-8")
