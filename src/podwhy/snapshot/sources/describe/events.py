"""The Events table of `kubectl describe` -> core/v1 Event objects, and describe's human ages -> times.

k8s.io/kubectl/pkg/describe/describe.go DescribeEvents (v1.20-v1.33): columns Type, Reason, Age, From,
Message; Age is `<last> (x<count> over <first>)` when the event repeated, else `<first>` (or the event
time of an events.k8s.io event); From is `formatEventSource`: the component, then `, <host>` before v1.21
printed the kubelet's node. Ages are k8s.io/apimachinery/pkg/util/duration.HumanDuration strings
(`45s`, `3m20s`, `5h`, `2d4h`, `13d`, `2y30d`), relative to when kubectl ran: times are rebuilt against
an anchor (the run's `--now`, or now).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from podwhy.snapshot.sources.describe.layout import Node, columns

_AGE_PART = re.compile(r"(\d+)([smhdy])")
# At most 12 digits a part (a number of 5,000 digits is not an age, and int() refuses it).
_AGE = re.compile(r"^(?:\d{1,12}[smhdy])+$")
_REPEAT = re.compile(r"^(?P<last>\S+) \(x(?P<count>\d{1,12}) over (?P<first>\S+)\)$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "y": 365 * 86400}
_ROW = re.compile(r"^(?P<type>Normal|Warning)\s+(?P<reason>\S+)\s+(?P<age>\S+(?: \(x\d+ over \S+\))?)\s+"
                  r"(?P<source>\S+?(?:, \S+)?)\s+(?P<message>.*)$")


def age_seconds(text: str) -> int | None:
    """`3m20s` -> 200; None for `<unknown>`, `<invalid>` or anything else."""
    if not _AGE.match(text):
        return None
    return sum(int(n) * _UNIT[u] for n, u in _AGE_PART.findall(text))


def rfc3339(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def time_before(anchor: datetime, age: str) -> str | None:
    """The time `age` before the anchor; None for no age, or one that goes past year 1."""
    s = age_seconds(age)
    try:
        return None if s is None else rfc3339(anchor - timedelta(seconds=s))
    except OverflowError:
        return None


def events(section: Node | None, involved: dict[str, Any], anchor: datetime) -> list[dict[str, Any]]:
    """The Events table of one described object as Event objects about it (`Events:  <none>`: none)."""
    if section is None or not section.table:
        return []
    names, rows = columns(section.table, section.wrap)
    out: list[dict[str, Any]] = []
    for cells in rows:
        # The cells are the row's text in order: re-split it by what each column can hold, which also holds
        # when a re-spaced paste moved the header's columns away from the rows'.
        m = _ROW.match(" ".join(c for c in cells if c))
        if m is not None:
            row = {"Type": m["type"], "Reason": m["reason"], "Age": m["age"], "From": m["source"],
                   "Message": m["message"]}
        else:
            row = dict(zip(names, cells, strict=False))
            if row.get("Type") not in ("Normal", "Warning") or not row.get("Reason"):
                continue  # a header repeated by a paste, or prose: not an event
        # Describe prints no event names: a stable one per row (`<object>.<kind>-event-<row>`, row from 1).
        name = f"{involved['name']}.{involved['kind'].lower()}-event-{len(out) + 1}"
        out.append(_event(row, involved, anchor, name))
    return out


def _event(row: dict[str, str], involved: dict[str, Any], anchor: datetime, name: str) -> dict[str, Any]:
    age = row.get("Age", "")
    count = 1
    first = last = age
    m = _REPEAT.match(age)
    if m is not None:
        count, first, last = int(m["count"]), m["first"], m["last"]
    component, _, host = row.get("From", "").partition(", ")
    ev: dict[str, Any] = {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": involved.get("namespace") or "default"},
        "involvedObject": involved, "type": row.get("Type", ""), "reason": row.get("Reason", ""),
        "message": row.get("Message", ""), "count": count,
        "source": {"component": component, **({"host": host} if host else {})},
    }
    t_first, t_last = time_before(anchor, first), time_before(anchor, last)
    if t_first is not None:
        ev["firstTimestamp"] = t_first
    if t_last is not None:
        ev["lastTimestamp"] = t_last
    return ev
