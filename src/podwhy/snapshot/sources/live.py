"""Live cluster source (placeholder until the live issue work lands)."""

from __future__ import annotations

from typing import Any

from podwhy.errors import ClusterError


def load_live(**_: Any) -> Any:
    raise ClusterError("live mode is not available yet")
