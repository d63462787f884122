"""diagnose(snapshot, now, options) -> Report. Pure: no I/O, the clock passed in.

1. find the stuck subjects (stuck.py), 2. run every analyzer on each (a crashing analyzer becomes a
note for that subject, the rest of the report survives), 3. order each subject's findings root
cause first, 4. group subjects across the cluster by (code, key) of their first finding.
"""

from __future__ import annotations

import gc
import traceback
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from podwhy.analyzers.base import Analyzer, Context, Options, Work
from podwhy.catalog import CODES
from podwhy.findings import Finding, Group, Report, Source, Subject, sort_findings
from podwhy.snapshot import CONTROLLER_KINDS, Snapshot
from podwhy.stuck import controller_work, pod_work

SCHEMA_VERSION = "podwhy/v1"
# `scan` budget of node verdicts (scheduling.nodes entries) in one report; 0 = unlimited.
DEFAULT_MAX_NODE_VERDICTS = 250_000
MAX_FOLD_CANDIDATES = 8


@dataclass(frozen=True)
class Selection:
    """Which subjects to diagnose: the whole snapshot (scan), a namespace, one pod, or one owner's pods."""

    namespace: str | None = None  # None = all namespaces
    pod: str | None = None
    owner_kind: str | None = None
    owner_name: str | None = None


@dataclass
class Reuse:
    """Stuck decisions of an earlier pass that `select_works` may keep (`podwhy serve`): by id() of the object,
    the object itself (checked with `is`: an id can be reused once its object is gone) and its Work or None.
    An object in one of `namespaces`, or a pod on one of `nodes`, is decided again; `decided` is filled with
    this pass's decisions for the next one."""

    previous: dict[int, tuple[Any, Work | None]]
    namespaces: set[str]
    nodes: set[str]
    decided: dict[int, tuple[Any, Work | None]]


def select_works(snap: Snapshot, sel: Selection, now: datetime, opts: Options,
                 reuse: Reuse | None = None) -> tuple[list[Work], int]:
    works: list[Work] = []
    examined = 0
    pods = snap.pods if sel.namespace is None else tuple(snap.pods_by_namespace.get(sel.namespace, ()))
    if sel.pod is not None:
        pods = tuple(p for p in pods if p.metadata.name == sel.pod)
    elif sel.owner_name is not None:
        pods = tuple(p for p in pods if _owned_by(snap, p, sel.owner_kind, sel.owner_name))
    w: Work | None
    if reuse is None:
        for p in pods:
            examined += 1
            w = pod_work(snap, p, now, opts)
            if w is not None:
                works.append(w)
    else:
        # The loop of every pod of the cluster: plain lookups, no call unless the pod is decided again.
        prev, decided, dirty_ns, dirty_nodes = reuse.previous, reuse.decided, reuse.namespaces, reuse.nodes
        for p in pods:
            examined += 1
            e = prev.get(id(p))
            if e is not None and e[0] is p and p.metadata.namespace not in dirty_ns and p.spec.node_name not in dirty_nodes:
                w = e[1]
            else:
                w = pod_work(snap, p, now, opts)
            decided[id(p)] = (p, w)
            if w is not None:
                works.append(w)
    if sel.pod is None:
        for kind in CONTROLLER_KINDS:
            for obj in snap.objects(kind):
                if sel.namespace is not None and obj.metadata.namespace != sel.namespace:
                    continue
                if sel.owner_name is not None and not _controller_selected(snap, obj, sel):
                    continue
                if reuse is None:
                    w = controller_work(snap, obj, now)
                else:
                    e = reuse.previous.get(id(obj))
                    if e is not None and e[0] is obj and obj.metadata.namespace not in reuse.namespaces:
                        w = e[1]
                    else:
                        w = controller_work(snap, obj, now)
                    reuse.decided[id(obj)] = (obj, w)
                if w is not None:
                    works.append(w)
    return works, examined


def _owned_by(snap: Snapshot, pod: object, kind: str | None, name: str) -> bool:
    return any(n == name and (kind is None or k.lower() == kind.lower()) for k, n, _ in snap.owner_chain(pod))


def _controller_selected(snap: Snapshot, obj: object, sel: Selection) -> bool:
    meta = obj.metadata  # type: ignore[attr-defined]
    kind = obj.kind  # type: ignore[attr-defined]
    if meta.name == sel.owner_name and (sel.owner_kind is None or kind.lower() == sel.owner_kind.lower()):
        return True
    return _owned_by(snap, obj, sel.owner_kind, sel.owner_name or "")


def owner_namespaces(snap: Snapshot, kind: str | None, name: str) -> set[str]:
    """Namespaces in which an owner `kind`/`name` (kind lower-case, None = any) owns a pod or is a controller."""
    found: set[str] = set()
    for p in snap.pods:
        if p.metadata.namespace not in found and _owned_by(snap, p, kind, name):
            found.add(p.metadata.namespace)
    for k in CONTROLLER_KINDS:
        for obj in snap.objects(k):
            meta = obj.metadata
            if meta.namespace in found:
                continue
            if (meta.name == name and (kind is None or k.lower() == kind.lower())) or _owned_by(snap, obj, kind, name):
                found.add(meta.namespace)
    return found


def owners_known(snap: Snapshot, kind: str | None, namespace: str | None) -> list[tuple[str, str]]:
    """(Kind, name) of every owner of a pod or controller in `namespace` (None = all), of `kind` if given."""
    seen: set[tuple[str, str]] = set()
    pods = snap.pods if namespace is None else snap.pods_by_namespace.get(namespace, [])
    objs: list[object] = [*pods]
    for k in CONTROLLER_KINDS:
        objs.extend(o for o in snap.objects(k) if namespace is None or o.metadata.namespace == namespace)
        seen.update((k, o.metadata.name) for o in snap.objects(k)
                    if namespace is None or o.metadata.namespace == namespace)
    for o in objs:
        seen.update((k, n) for k, n, _ in snap.owner_chain(o))
    return sorted((k, n) for k, n in seen if kind is None or k.lower() == kind.lower())


def __getattr__(name: str) -> Any:
    # `podwhy.diagnose.ANALYZERS`, as before the analyzers were imported lazily (tests may patch it).
    if name == "ANALYZERS":
        from podwhy.analyzers import ANALYZERS

        return ANALYZERS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _analyzers_for(ctx: Context, work: Work) -> Iterator[Analyzer]:
    patched = globals().get("ANALYZERS")  # set only by a test's monkeypatch
    if patched is not None:
        yield from (a for a in patched if work.kind in a.kinds)
        return
    from podwhy.analyzers import REGISTRY  # each analyzer's module is imported when a subject needs it

    for entry in REGISTRY:
        if work.kind in entry.kinds and entry.may_apply(ctx, work):
            analyzer = entry.load()
            if work.kind in analyzer.kinds:
                yield analyzer


def run_analyzers(ctx: Context, works: Iterable[Work], notes: list[str]) -> None:
    for work in works:
        for analyzer in _analyzers_for(ctx, work):
            try:
                analyzer.analyze(ctx, work)
            except Exception as exc:
                where = traceback.extract_tb(exc.__traceback__)[-1]
                notes.append(
                    f"internal.analyzer-failed: the {analyzer.name} analyzer failed on {work.ref} "
                    f"({type(exc).__name__} at {where.filename.rsplit('/', 1)[-1]}:{where.lineno}); "
                    "other findings are unaffected"
                )
        for f in work.findings:
            if f.code not in CODES:
                # A bug, caught by the test suite (every emitted code must be catalogued); at run time the
                # finding survives as `unknown` rather than breaking the JSON contract.
                notes.append(f"internal.uncatalogued-code: {f.code!r} on {work.ref} reported as unknown")
                f.code = "unknown"
        work.findings = sort_findings(work.findings)


def group_subjects(subjects: list[Subject]) -> list[Group]:
    buckets: dict[tuple[str, str], list[tuple[Subject, Finding]]] = defaultdict(list)
    for s in subjects:
        if not s.findings:
            continue
        f = s.findings[0]
        key = f.group_key or (s.owners[-1] if s.owners else s.ref)
        buckets[(f.code, key)].append((s, f))
    groups: list[Group] = []
    for (code, key), members in buckets.items():
        first = members[0][1]
        pods = [s for s, _ in members if s.ref.startswith("Pod/")]
        owners = {s.owners[-1] for s, _ in members if s.owners}
        n = len(members)
        what = f"{len(pods)} pod(s)" if len(pods) == n else f"{n} subject(s)"
        if owners:
            what += f" of {len(owners)} workload(s)"
        groups.append(Group(code=code, key=key, subjects=[s.ref for s, _ in members],
                            summary=f"{what}: {first.cause}", fix=first.fix))
    groups.sort(key=lambda g: (-len(g.subjects), g.code, g.key))
    return groups


def unknown_kinds_note(snapshot: Snapshot) -> str | None:
    """Say which kinds were absent from the input (unknown, not empty) and what that leaves unchecked."""
    from podwhy.model.kinds import KINDS

    if snapshot.source.kind == "live":
        return None  # the live source writes its own notes (forbidden, missing API)
    parts = [f"{k.kind} ({k.consequence})" for k in KINDS if k.consequence and not snapshot.has(k.kind)]
    if not parts:
        return None
    return "not in the input, so unknown (not empty): " + "; ".join(parts)


def fold_node_verdicts(subjects: list[Subject], budget: int) -> str | None:
    """Keep a report's size bounded: when the subjects' `scheduling.nodes` lists hold more than
    `budget` node verdicts in all, a subject whose list is the very list of an earlier subject (one
    equivalence class: same spec, same verdicts), or equal to it, keeps its message but names that
    subject in `sameNodesAs` instead of repeating the list. Returns the note that says so (None: nothing folded)."""
    if budget <= 0:
        return None
    total = sum(len(s.scheduling.nodes or ()) for s in subjects if s.scheduling is not None)
    if total <= budget:
        return None
    # Pods of one equivalence class share one list object; lists of different classes (say, two
    # Deployments asking for the same resources with the same selector) may still be equal: compared
    # with ==, but only against earlier lists of the same length and the same sample of entries (every
    # 16th), at most MAX_FOLD_CANDIDATES of them (a list not folded is still a correct, longer report).
    by_id: dict[int, str] = {}
    candidates: dict[tuple[int, bytes], list[tuple[list[Any], str]]] = {}
    folded = 0
    for i, s in enumerate(subjects):
        sched = s.scheduling
        if sched is None or not sched.nodes:
            continue
        nodes = sched.nodes
        ref = by_id.get(id(nodes))
        if ref is None:
            head = (len(nodes), msgspec.json.encode(nodes[::max(1, len(nodes) // 16)]))
            same = candidates.setdefault(head, [])
            ref = next((r for other, r in same if other == nodes), None)
            if ref is None:
                ref = s.ref
                if len(same) < MAX_FOLD_CANDIDATES:
                    same.append((nodes, ref))
            by_id[id(nodes)] = ref
        if ref != s.ref:
            subjects[i] = msgspec.structs.replace(
                s, scheduling=msgspec.structs.replace(sched, nodes=None, same_nodes_as=ref))
            folded += 1
    if not folded:
        return None
    example = next(s for s in subjects if s.scheduling is not None and s.scheduling.same_nodes_as)
    return (f"scheduling: {folded} per-node verdict list(s) folded ({total} node verdicts in all exceed the budget "
            f"of {budget}): a subject with `sameNodesAs` has exactly the node verdicts of the pod it names; for "
            f"one pod's full list run `podwhy pod {example.name} -n {example.namespace}`, for every list "
            "`--max-node-verdicts 0`")


def diagnose(snapshot: Snapshot, *, now: datetime, options: Options | None = None,
             selection: Selection | None = None, max_node_verdicts: int = 0) -> Report:
    """`max_node_verdicts`: see fold_node_verdicts (0, the default, keeps every list)."""
    # A diagnosis allocates a few million short-lived objects and keeps most of them until the report
    # is written: the cyclic collector would traverse them again and again (1-2 s of a 150k-pod scan)
    # to find almost nothing, since what dies is freed by reference counting. Paused, then restored.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _diagnose(snapshot, now, options, selection, max_node_verdicts)
    finally:
        if paused:
            gc.enable()


def _diagnose(snapshot: Snapshot, now: datetime, options: Options | None, selection: Selection | None,
              max_node_verdicts: int) -> Report:
    opts = options or Options()
    sel = selection or Selection()
    ctx = Context(snapshot=snapshot, now=now, options=opts)
    works, examined = select_works(snapshot, sel, now, opts)
    notes: list[str] = []
    run_analyzers(ctx, works, notes)
    return assemble(snapshot, [subject_of(w) for w in works], notes, examined, max_node_verdicts)


def subject_of(w: Work) -> Subject:
    return Subject(ref=w.ref, state=w.state, findings=w.findings, scheduling=w.scheduling, owners=w.owners,
                   kind=w.kind, namespace=w.namespace, name=w.name, summary=w.summary)


def assemble(snapshot: Snapshot, subjects: list[Subject], analyzer_notes: list[str], examined: int,
             max_node_verdicts: int) -> Report:
    """The report of analysed subjects (in select_works order, their analyzers' notes in the same order):
    sorted, node lists folded to the budget, grouped. Also `podwhy serve`'s, for subjects analysed at
    different times."""
    notes = [*snapshot.notes, *analyzer_notes]
    subjects = sorted(subjects, key=lambda s: (s.namespace, s.kind != "Pod", s.name))
    folded = fold_node_verdicts(subjects, max_node_verdicts)
    if folded:
        notes.append(folded)
    missing = unknown_kinds_note(snapshot)
    if missing:
        notes.append(missing)
    return Report(
        schema_version=SCHEMA_VERSION,
        source=Source(kind=snapshot.source.kind, detail=snapshot.source.detail),
        subjects=subjects,
        groups=group_subjects(subjects),
        notes=notes,
        examined=examined,
    )
