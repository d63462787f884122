"""Re-diagnose only the subjects whose inputs changed: the analyzers are podwhy's own, run on the new
snapshot; what is new here is deciding, from the watch events since the last diagnosis, which subjects'
results can be kept. Every rule errs towards re-running:

- a change in a namespace (any object there: the pod itself, its events, its owners, Secrets,
  ServiceAccounts, ConfigMaps, claims, Services, quotas, LimitRanges, PDBs) re-runs that namespace's subjects;
- a Node's change, and a pod's on a node, re-run the subjects on that node (node conditions, pressure,
  attach limits count the node's pods);
- scheduling reads the whole cluster: every unscheduled pod's subject is re-run when a node changes, when
  a pod is added or removed on a node or changes anything but its container states, when an unscheduled
  pod changes, or when claims, PDBs or namespaces change (`sameNodesAs` folding compares node lists by
  content, so lists kept from an earlier pass fold exactly as lists of one pass do);
- image-pull evidence reads every pod (the tag index: images that run elsewhere; other pods' pull
  errors): every pull subject is re-run when a pod's images or pull state change, a pod with images is
  added or removed, a controller's template images change, a node's image list changes, or a pull event
  arrives;
- anything else cluster-wide (PVs, StorageClasses, CSI objects, PriorityClasses, RuntimeClasses, anything in
  kube-system, where cluster-autoscaler keeps its status), a kind listed again (410) or turning forbidden or
  readable, and every `resync` (ages in the texts move on, thresholds are crossed with no event at all) re-run
  everything.

Whether an object is stuck at all (select_works) is decided again for the objects of touched namespaces and
nodes; elsewhere the last decision stands until the next full pass, like the kept subjects' texts. With the
clock pinned (`--now`) the report is byte for byte the full diagnosis's; tests
and `PODWHY_SERVE_VERIFY=1` compare the two after every incremental pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from podwhy.analyzers import Options
from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.imagepull.case import CAUSE_EVENT_REASONS
from podwhy.analyzers.scheduling.recompute import CLUSTER_KEY
from podwhy.diagnose import Reuse, Selection, assemble, run_analyzers, select_works, subject_of
from podwhy.findings import Report, Subject
from podwhy.snapshot import CONTROLLER_KINDS, Snapshot
from podwhy.stuck import PULL_REASONS, controller_work, pod_work

from .store import Change, Changes

# Memos of the analyzers built from the whole cluster that a pass may take over from the previous one when
# their inputs did not change: the image-pull tag and peer indexes (imagepull/tags.py, peers.py: strings
# and evidence), whose inputs `Dirty.pulls` tracks, and the scheduler's ClusterState (NodeInfos of every
# node with its bound pods' requests: scheduling/framework.py), whose inputs `Dirty.scheduling` tracks.
# Per-class scheduling memos are not carried: they may name the pod that computed them.
CARRIED = {"imagepull.tags": "pulls", "imagepull.peers": "pulls", CLUSTER_KEY: "scheduling"}
WHOLE_CLUSTER_KINDS = frozenset({"PersistentVolume", "StorageClass", "CSINode", "CSIDriver", "PriorityClass",
                                 "RuntimeClass"})
SCHEDULING_KINDS = frozenset({"PersistentVolumeClaim", "PodDisruptionBudget", "Namespace"})


@dataclass
class Dirty:
    everything: bool = False
    namespaces: set[str] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)
    scheduling: bool = False
    pulls: bool = False


def _statuses(pod: Any) -> tuple[Any, ...]:
    st = pod.status
    return (*st.init_container_statuses, *st.container_statuses, *st.ephemeral_container_statuses)


def _images(pod: Any) -> tuple[str, ...]:
    spec = pod.spec
    return tuple(c.image for c in (*spec.init_containers, *spec.containers))


def _pull_view(pod: Any) -> tuple[Any, ...]:
    """What the tag index and the peer index read of a pod."""
    out = []
    for st in _statuses(pod):
        w = st.state.waiting
        pulling = w is not None and (w.reason in PULL_REASONS)
        out.append((st.name, st.image, bool(st.image_id or st.state.running or st.state.terminated),
                    w.reason if pulling else "", w.message if pulling else ""))
    return (_images(pod), tuple(out))


def _usage_view(pod: Any) -> tuple[Any, ...]:
    """What scheduling reads of a pod already on a node (its requests, labels, ports, volumes, phase)."""
    resources = tuple((st.name, st.allocated_resources, st.resources) for st in _statuses(pod))
    return (pod.spec, pod.metadata, pod.status.phase, pod.status.nominated_node_name, resources)


def classify(changes: Changes) -> Dirty:
    d = Dirty(everything=changes.whole)
    if d.everything:
        return d
    for c in changes.objects:
        _one(c, d)
        if d.everything:
            break
    return d


def _one(c: Change, d: Dirty) -> None:
    obj = c.new if c.new is not None else c.old
    kind = c.kind
    if kind in WHOLE_CLUSTER_KINDS:
        d.everything = True
        return
    if kind == "Node":
        d.nodes.add(obj.metadata.name)
        d.scheduling = True
        if c.old is None or c.new is None or c.old.status.images != c.new.status.images:
            d.pulls = True
        return
    if kind == "Namespace":
        d.namespaces.add(obj.metadata.name)
        d.scheduling = True
        return
    ns = obj.metadata.namespace
    if ns == "kube-system":
        d.everything = True  # cluster-autoscaler's status ConfigMap and events, system pods
        return
    d.namespaces.add(ns)
    if kind == "Pod":
        _pod(c, d)
    elif kind == "Event":
        ref = obj.involved_object
        if ref.kind == "Node":
            d.nodes.add(ref.name)
        if ref.kind == "Pod" and obj.reason in CAUSE_EVENT_REASONS:
            d.pulls = True
    elif kind in SCHEDULING_KINDS:
        d.scheduling = True
    elif kind in CONTROLLER_KINDS and c.old is not None and c.new is not None:
        if _template_images(c.old) != _template_images(c.new):
            d.pulls = True
    elif kind in CONTROLLER_KINDS:
        d.pulls = True


def _template_images(obj: Any) -> tuple[str, ...]:
    spec = obj.spec.template.spec
    return tuple(c.image for c in (*spec.init_containers, *spec.containers))


def _pod(c: Change, d: Dirty) -> None:
    old, new = c.old, c.new
    for p in (old, new):
        if p is not None and p.spec.node_name:
            d.nodes.add(p.spec.node_name)
    if old is None or new is None:
        d.pulls = True  # a pod's images are evidence for others (and its first five referrers are named)
        d.scheduling = True
        return
    if _pull_view(old) != _pull_view(new):
        d.pulls = True
    if not old.spec.node_name or not new.spec.node_name or _usage_view(old) != _usage_view(new):
        d.scheduling = True


def _unscheduled(w: Work) -> bool:
    return w.kind == "Pod" and not w.obj.spec.node_name


def _pulling(w: Work) -> bool:
    return w.kind == "Pod" and any(st.state.waiting is not None and st.state.waiting.reason in PULL_REASONS
                                   for st in _statuses(w.obj))


def _forget_unheld(cs: Any) -> None:
    """A ClusterState memoises pods' requests and priorities by id(): safe for one pass, whose snapshot keeps
    every pod alive, not across passes, where a pod object analysed once may be freed and its id reused. So
    only the request entries its constructor made (the pods it holds, alive as long as it is) survive a pass,
    and the priorities are asked again."""
    if cs is None:
        return
    n = len(cs.bound)  # its constructor's entries come first: one per bound pod
    for key in list(islice(cs._req_cache, n, None)):
        del cs._req_cache[key]
    cs._prio_cache = {}


@dataclass
class _Kept:
    subject: Subject
    notes: list[str]


class Incremental:
    def __init__(self, options: Options, selection: Selection, max_node_verdicts: int) -> None:
        self.options, self.selection, self.max_node_verdicts = options, selection, max_node_verdicts
        self._kept: dict[str, _Kept] = {}
        self._carried: dict[str, Any] = {}
        self._decided: dict[int, tuple[Any, Work | None]] = {}
        self.last_rerun = 0  # subjects analysed by the last pass (for tests and the benchmark)

    def forget(self) -> None:
        """Keep nothing: the next pass diagnoses every subject."""
        self._kept = {}
        self._carried = {}
        self._decided = {}

    def diagnose(self, snap: Snapshot, now: datetime, dirty: Dirty,
                 prepare: Callable[[list[Work]], None] | None = None) -> Report:
        """`prepare(works)` runs before the analyzers with the works they will analyse (serve reads their logs)."""
        full = dirty.everything or not self._kept
        # Whether an object is stuck is decided again where its subject's inputs may have moved (its namespace,
        # its node); elsewhere the last decision stands until the next full pass (time moves on too).
        reuse = Reuse({} if full else self._decided, dirty.namespaces, dirty.nodes, {})
        works, examined = select_works(snap, self.selection, now, self.options, reuse)
        self._decided = reuse.decided
        if full:
            rerun = works
        else:
            rerun = [w for w in works if w.ref not in self._kept or self._touched(w, dirty)]
            if rerun:
                works, rerun = self._fresh_works(snap, now, works, rerun, reuse.previous)
        if prepare is not None:
            prepare(rerun)
        ctx = Context(snapshot=snap, now=now, options=self.options)
        if self._kept and not dirty.everything:
            ctx.cache.update({k: v for k, v in self._carried.items() if not getattr(dirty, CARRIED[k])})
        fresh: dict[str, _Kept] = {}
        for w in rerun:
            notes: list[str] = []
            run_analyzers(ctx, [w], notes)
            fresh[w.ref] = _Kept(subject_of(w), notes)
        self._carried = {k: ctx.cache[k] for k in CARRIED if k in ctx.cache}
        _forget_unheld(self._carried.get(CLUSTER_KEY))
        kept = {w.ref: fresh.get(w.ref) or self._kept[w.ref] for w in works}
        self._kept = kept
        self.last_rerun = len(rerun)
        ordered = [kept[w.ref] for w in works]
        return assemble(snap, [k.subject for k in ordered], [n for k in ordered for n in k.notes], examined,
                        self.max_node_verdicts)

    def _fresh_works(self, snap: Snapshot, now: datetime, works: list[Work], rerun: list[Work],
                     previous: dict[int, tuple[Any, Work | None]]) -> tuple[list[Work], list[Work]]:
        """A Work kept from an earlier pass has its findings already: one to analyse again is made anew (and
        may no longer be stuck at this pass's time)."""
        again = {id(w) for w in rerun}
        out: list[Work] = []
        fresh: list[Work] = []
        for w in works:
            if id(w) in again:
                obj = w.obj
                before = previous.get(id(obj))
                if before is not None and before[1] is w:  # kept from the last pass, analysed then
                    nw = (pod_work(snap, obj, now, self.options) if w.kind == "Pod"
                          else controller_work(snap, obj, now))
                    self._decided[id(obj)] = (obj, nw)
                    if nw is None:
                        continue
                    w = nw
                fresh.append(w)
            out.append(w)
        return out, fresh

    def _touched(self, w: Work, d: Dirty) -> bool:
        if w.namespace in d.namespaces:
            return True
        if w.kind == "Pod" and w.obj.spec.node_name in d.nodes:
            return True
        if d.scheduling and _unscheduled(w):
            return True
        return d.pulls and _pulling(w)
