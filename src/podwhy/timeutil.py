"""RFC 3339 timestamps as the API server writes them."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_time(s: str | None) -> datetime | None:
    if not s:
        return None
    try:
        t = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def age(now: datetime, s: str | None) -> float | None:
    """Seconds from `s` to `now`, or None when unknown."""
    t = parse_time(s)
    return None if t is None else (now - t).total_seconds()


def human_duration(seconds: float) -> str:
    s = int(max(seconds, 0))
    if s < 120:
        return f"{s}s"
    if s < 7200:
        return f"{s // 60}m"
    if s < 172800:
        return f"{s // 3600}h{(s % 3600) // 60}m"
    return f"{s // 86400}d"
