"""Shared builders of Evidence entries, so every analyzer cites objects and fields the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from podwhy.analyzers.base import StuckContainer, Work
from podwhy.findings import Evidence
from podwhy.model import Event, PodCondition


def event_ref(e: Event) -> str:
    ns = e.metadata.namespace or e.involved_object.namespace
    return f"Event/{ns}/{e.metadata.name}" if ns else f"Event/{e.metadata.name}"


def from_event(e: Event, expected: str | None = None) -> Evidence:
    times = f" (x{e.times}, last {e.last_seen})" if e.times > 1 and e.last_seen else ""
    return Evidence(ref=event_ref(e), field=f".message [{e.reason}{times}]", observed=e.message, expected=expected)


def from_waiting(work: Work, c: StuckContainer, expected: str | None = None) -> Evidence:
    observed = f"{c.reason}: {c.message}" if c.message else c.reason
    return Evidence(ref=work.ref, field=c.status_field, observed=observed, expected=expected)


def from_condition(work: Work, cond: PodCondition) -> Evidence:
    text = f"{cond.type}={cond.status} reason={cond.reason}"
    if cond.message:
        text += f": {cond.message}"
    return Evidence(ref=work.ref, field=f".status.conditions[?(@.type=={cond.type!r})]", observed=text)


def from_field(ref: str, field: str, observed: Any, expected: str | None = None) -> Evidence:
    return Evidence(ref=ref, field=field, observed=str(observed), expected=expected)


def warning_events(ctx_snapshot: Any, obj: Any, *, reasons: tuple[str, ...] = ()) -> list[Event]:
    """Warning events about `obj`, newest last, optionally only the given reasons."""
    evs = [e for e in ctx_snapshot.events_for(obj) if e.type == "Warning" or e.reason in reasons]
    if reasons:
        evs = [e for e in evs if e.reason in reasons]
    return evs



def about_container(events: list[Event], field_path: str, unlabelled: Callable[[Event], bool]) -> list[Event]:
    """The events about one container, in their order: those whose involvedObject.fieldPath is `field_path` (the
    kubelet names the container it speaks of, `spec.containers{app}`: pkg/kubelet/container/ref.go), and those
    without a fieldPath (pasted or `kubectl describe` events) that `unlabelled` accepts from their message."""
    out = []
    for e in events:
        fp = e.involved_object.field_path
        if (fp == field_path) if fp else unlabelled(e):
            out.append(e)
    return out
