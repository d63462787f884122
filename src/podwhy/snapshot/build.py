"""Decoded objects -> Snapshot: de-duplication (with a note), ignored kinds noted, nothing dropped silently."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import msgspec

from podwhy.snapshot import ATTR, CLUSTER_SCOPED, Snapshot, SourceInfo, ref_of
from podwhy.snapshot.sources.decode import Decoded

# Longer event messages are cut (with a note): real ones are at most a few KB.
MAX_MESSAGE = 64 * 1024


def build_snapshot(decoded: Decoded, source: SourceInfo, *, scope_namespace: str | None = None,
                   extra_notes: list[str] | None = None) -> Snapshot:
    grouped: dict[str, list[Any]] = defaultdict(list)
    nameless: dict[str, int] = defaultdict(int)
    cut: list[str] = []
    for kind, obj in decoded.objects:
        if not obj.metadata.name and kind != "Event":
            nameless[kind] += 1  # not an object the API server could have served
            continue
        if kind == "Event" and len(obj.message) > MAX_MESSAGE:
            # Anyone who may create events can write megabytes; every parser would scan them all.
            cut.append(f"{obj.metadata.namespace}/{obj.metadata.name} ({len(obj.message):,} characters)")
            obj = msgspec.structs.replace(obj, message=obj.message[:MAX_MESSAGE] + " …[truncated by podwhy]")
        grouped[kind].append(obj)
    objects: dict[str, list[Any]] = {}
    dups: dict[str, int] = defaultdict(int)
    slow: list[tuple[str, Any]] = []
    for kind, objs in grouped.items():
        if kind == "Event":
            keys = {(o.metadata.namespace, o.metadata.name) for o in objs if o.metadata.name}
            unnamed = sum(1 for o in objs if not o.metadata.name)
            clean = len(keys) + unnamed == len(objs)
        else:
            ns_of = (lambda o: "") if kind in CLUSTER_SCOPED else (lambda o: o.metadata.namespace)
            clean = len({(ns_of(o), o.metadata.name) for o in objs}) == len(objs)
        if clean:
            objects[kind] = objs  # the common case: no duplicates, no per-object work
        else:
            slow.extend((kind, o) for o in objs)
    by_kind: dict[str, dict[Any, Any]] = defaultdict(dict)
    for kind, obj in slow:
        meta = obj.metadata
        ns = "" if kind in CLUSTER_SCOPED else meta.namespace
        if kind == "Event":
            key: Any = (ns, meta.name) if meta.name else id(obj)
        else:
            key = (ns, meta.name)
        seen = by_kind[kind]
        if key in seen:
            prev = seen[key]
            # Same object twice (e.g. two overlapping files): keep the newer resourceVersion, else the later one.
            if kind != "Event" and prev.metadata.uid == meta.uid:
                dups[kind] += 1
                prv, cur = getattr(prev.metadata, "resource_version", ""), getattr(meta, "resource_version", "")
                if prv and cur and prv.isdigit() and cur.isdigit() and int(prv) > int(cur):
                    continue
            elif kind != "Event":
                dups[kind] += 1
        seen[key] = obj
    notes = list(extra_notes or [])
    notes.extend(decoded.notes)
    if cut:
        more = f" and {len(cut) - 3} more" if len(cut) > 3 else ""
        notes.append(f"event message(s) longer than {MAX_MESSAGE:,} characters were cut to that length: "
                     f"{', '.join(cut[:3])}{more}")
    for kind, n in sorted(nameless.items()):
        notes.append(f"skipped {n} {kind} object(s) without metadata.name")
    for kind, n in sorted(dups.items()):
        notes.append(f"{n} duplicate {kind} object(s) in the input: the last one read of each was used")
    unknown = {k: v for k, v in decoded.ignored.items()}
    if unknown:
        parts = ", ".join(f"{k} ({v})" for k, v in sorted(unknown.items()))
        notes.append(f"not read (kinds podwhy does not use): {parts}")
    objects.update({kind: list(v.values()) for kind, v in by_kind.items()})
    objects = {k: v for k, v in objects.items() if k in ATTR}
    return Snapshot(objects, loaded=decoded.loaded, notes=notes, source=source, scope_namespace=scope_namespace,
                    described=decoded.described, logs=decoded.logs)


__all__ = ["build_snapshot", "ref_of"]
