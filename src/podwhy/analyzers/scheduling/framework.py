"""A small offline kube-scheduler framework: statuses, per-node NodeInfo, the filter cycle and the
FitError message.

Mirrors (v1.35): pkg/scheduler/framework/interface.go (Status codes), pkg/scheduler/framework/types.go
(NodeInfo: pods incl. terminating, Requested, UsedPorts; FitError.Error), framework/runtime/framework.go
(RunPreFilterPlugins: first rejecting PreFilter wins, PreFilterResults intersected; RunFilterPlugins),
schedule_one.go findNodesThatFitPod (absent-node status for nodes outside a PreFilterResult, >=1.32),
framework/preemption/preemption.go + defaultpreemption (the `preemption: ...` tail).
Unlike the scheduler we run EVERY filter on every node (the first failing one is what the scheduler
reports), so the explanation can show all obstacles at once.
"""

from __future__ import annotations

import copy
import functools
import operator
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from podwhy.analyzers.resources import (
    ResourceMap,
    container_requests,
    pod_requests,
    pod_requests_shared,
    to_units,
)
from podwhy.model import Container, Node, Pod, ResourceRequirements
from podwhy.quantity import scheduler_units
from podwhy.snapshot import Snapshot

# Status codes (pkg/scheduler/framework/interface.go, v1.35).
UNSCHEDULABLE = "Unschedulable"  # preemption may help
UNRESOLVABLE = "UnschedulableAndUnresolvable"  # preemption cannot help
ERROR = "Error"

# framework/types.go (v1.35) NoNodeAvailableMsg; scheduler.go ErrNoNodesAvailable.
NO_NODE_AVAILABLE = "0/{n} nodes are available"
NO_NODES_AVAILABLE = "no nodes available to schedule pods"
# preemption/preemption.go (v1.24+): absent/UU nodes, and dry-run nodes without lower-priority pods.
PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
# defaultpreemption/default_preemption.go PodEligibleToPreemptOthers (v1.35).
NOT_ELIGIBLE_NEVER = "not eligible due to preemptionPolicy=Never."
NOT_ELIGIBLE_TERMINATING = "not eligible due to a terminating pod on the nominated node."


@dataclass(frozen=True, slots=True)
class Status:
    """A plugin's verdict for one node (or the whole pod, at PreFilter)."""

    code: str
    reasons: tuple[str, ...]
    plugin: str
    detail: dict[str, Any] | None = None
    # What the catalogue cause of the status depends on (causes.codes_for): plugin and reasons, and
    # for TaintToleration the taints, i.e. the status itself (one object per taint class in a cycle).
    # Per-node statuses with different numbers but one shape count for the same cause.
    shape: Hashable = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", (self.plugin, self.reasons, id(self))
                           if self.plugin == "TaintToleration" else (self.plugin, self.reasons))

    @property
    def message(self) -> str:
        return ", ".join(self.reasons)


def unschedulable(plugin: str, *reasons: str, detail: dict[str, Any] | None = None) -> Status:
    return Status(UNSCHEDULABLE, tuple(reasons), plugin, detail)


def unresolvable(plugin: str, *reasons: str, detail: dict[str, Any] | None = None) -> Status:
    return Status(UNRESOLVABLE, tuple(reasons), plugin, detail)


# ---- existing pods -----------------------------------------------------------------------------

def pod_ref(p: Pod) -> str:
    return f"{p.metadata.namespace}/{p.metadata.name}"


def _resize_infeasible(p: Pod) -> bool:
    return any(c.type == "PodResizePending" and c.reason == "Infeasible" for c in p.status.conditions)


def existing_pod_requests(p: Pod) -> ResourceMap:
    """What a pod already on a node counts for (framework/types.go PodInfo.CalculateResource, v1.35):
    per container max(spec, allocated, actuated) while an in-place resize is in flight; if the resize
    is Infeasible, max(allocated, actuated). Regular init containers use the spec.
    The result is shared (memoised per ResourceList): read-only."""
    status = p.status
    for statuses in (status.container_statuses, status.init_container_statuses):
        for s in statuses:
            if s.allocated_resources or s.resources is not None:
                return _resized_pod_requests(p)
    return pod_requests_shared(p.spec)


def _resized_pod_requests(p: Pod) -> ResourceMap:
    statuses = {s.name: s for s in (*p.status.container_statuses, *p.status.init_container_statuses)}
    infeasible = _resize_infeasible(p)

    def patched(c: Container, regular_init: bool) -> Container:
        st = statuses.get(c.name)
        if st is None or regular_init:
            return c
        spec_req = container_requests(c)
        vals: list[ResourceMap] = [] if infeasible else [spec_req]
        vals.append(to_units(st.allocated_resources))
        if st.resources is not None:
            vals.append(to_units(st.resources.requests))
        merged: dict[str, int] = {}
        for m in vals:
            for k, v in m.items():
                merged[k] = max(merged.get(k, 0), v)
        if not merged:
            return c
        rl: dict[str, str | int | float] = {k: (f"{v}m" if k == "cpu" else v) for k, v in merged.items()}
        return msgspec.structs.replace(c, resources=ResourceRequirements(requests=rl, limits=c.resources.limits))

    spec = msgspec.structs.replace(
        p.spec,
        containers=tuple(patched(c, False) for c in p.spec.containers),
        init_containers=tuple(patched(c, c.restart_policy != "Always") for c in p.spec.init_containers),
    )
    return pod_requests(spec)


def host_ports(p: Pod) -> list[tuple[str, str, int]]:
    """(hostIP, protocol, hostPort) of a pod's host ports, sanitised like HostPortInfo (empty IP =
    0.0.0.0, empty protocol = TCP). >=1.34 also restartable (sidecar) init containers
    (pkg/scheduler/util/utils.go GetHostPorts, v1.35)."""
    out: list[tuple[str, str, int]] = []
    spec = p.spec
    for conts, sidecars_only in ((spec.init_containers, True), (spec.containers, False)):
        for c in conts:
            if sidecars_only and c.restart_policy != "Always":
                continue
            for port in c.ports:
                if port.host_port > 0:
                    out.append((port.host_ip or "0.0.0.0", port.protocol or "TCP", port.host_port))
    return out


def node_allocatable(node: Node) -> ResourceMap:
    out: ResourceMap = {}
    for name, q in node.status.allocatable.items():
        try:
            out[name] = scheduler_units(name, q)
        except ValueError:
            continue
    return out


@dataclass
class NodeInfo:
    """framework.NodeInfo: the node plus what the scheduler cache holds for it."""

    node: Node
    pods: list[Pod] = field(default_factory=list)
    requested: dict[str, int] = field(default_factory=dict)
    allocatable: ResourceMap = field(default_factory=dict)
    # Equivalence keys: nodes with equal labels (resp. taints + spec.unschedulable) get equal verdicts
    # from label-only (resp. taint-only) plugins.
    static_key: int = 0
    taint_key: int = 0
    # NodeResourcesFit verdicts by the incoming pod's checked requests: pods of many classes ask for
    # the same few amounts. Cleared whenever a pod is added (the only mutation).
    fit_memo: dict[Hashable, Status | None] = field(default_factory=dict)
    # (protocol, port) -> [(hostIP, holder pod ref)], built on first use (only pods asking for host
    # ports read it): see used_ports.
    _ports: dict[tuple[str, int], list[tuple[str, str]]] | None = None

    @property
    def name(self) -> str:
        return self.node.metadata.name

    @property
    def labels(self) -> dict[str, str]:
        return self.node.metadata.labels

    @property
    def used_ports(self) -> dict[tuple[str, int], list[tuple[str, str]]]:
        if self._ports is None:
            ports: dict[tuple[str, int], list[tuple[str, str]]] = {}
            for p in self.pods:
                for ip, proto, port in host_ports(p):
                    ports.setdefault((proto, port), []).append((ip, pod_ref(p)))
            self._ports = ports
        return self._ports

    def add_pod(self, p: Pod, requests: Mapping[str, int]) -> None:
        if self.fit_memo:
            self.fit_memo.clear()
        self.pods.append(p)
        req = self.requested
        for k, v in requests.items():
            req[k] = req.get(k, 0) + v
        if self._ports is not None:
            for ip, proto, port in host_ports(p):
                self._ports.setdefault((proto, port), []).append((ip, pod_ref(p)))

    def clone(self) -> NodeInfo:
        return NodeInfo(node=self.node, pods=list(self.pods), requested=dict(self.requested),
                        allocatable=self.allocatable, static_key=self.static_key, taint_key=self.taint_key,
                        _ports=None if self._ports is None else {k: list(v) for k, v in self._ports.items()})

    def without(self, victims: Iterable[Pod], requests: Callable[[Pod], Mapping[str, int]]) -> NodeInfo:
        gone = {id(v) for v in victims}
        ni = NodeInfo(node=self.node, allocatable=self.allocatable, static_key=self.static_key, taint_key=self.taint_key)
        for p in self.pods:
            if id(p) not in gone:
                ni.add_pod(p, requests(p))
        return ni


_TERMINAL = ("Succeeded", "Failed")


def is_terminal(p: Pod) -> bool:
    return p.status.phase in _TERMINAL


def pod_priority(snap: Snapshot, p: Pod) -> int:
    """corev1helpers.PodPriority: spec.priority (set by the Priority admission plugin from the
    PriorityClass); offline YAML may lack it, so resolve the class (or the global default) ourselves."""
    if p.spec.priority is not None:
        return p.spec.priority
    if p.spec.priority_class_name:
        pc = snap.get("PriorityClass", "", p.spec.priority_class_name)
        if pc is not None:
            return int(pc.value)
        return 0
    for pc in snap.priority_classes:
        if pc.global_default:
            return int(pc.value)
    return 0


class ClusterState:
    """The scheduler's snapshot built from ours: NodeInfos of every Node with the non-terminal pods
    bound to it (terminating included), and namespace labels for affinity namespaceSelectors."""

    def __init__(self, snap: Snapshot, nodes: Sequence[Node] | None = None) -> None:
        self.snap = snap
        # What-if verdicts (fix verification) by pod filter key and node list; per instance.
        self.whatif: dict[Hashable, list[str]] = {}
        self.nodes: list[Node] = list(snap.nodes if nodes is None else nodes)
        self._req_cache: dict[int, ResourceMap] = {}
        self._prio_cache: dict[int, int] = {}
        self.infos: dict[str, NodeInfo] = {}
        static_keys: dict[Hashable, int] = {}
        taint_keys: dict[Hashable, int] = {}
        for n in self.nodes:
            key = (tuple(sorted(n.metadata.labels.items())), n.spec.taints, n.spec.unschedulable)
            sk = static_keys.setdefault(key, len(static_keys))
            tk = taint_keys.setdefault((n.spec.taints, n.spec.unschedulable), len(taint_keys))
            self.infos[n.metadata.name] = NodeInfo(node=n, allocatable=node_allocatable(n), static_key=sk, taint_key=tk)
        bound: list[tuple[Pod, NodeInfo]] = []
        self._bound: list[tuple[Pod, NodeInfo]] | None = bound
        self.nominated: list[Pod] = []
        # The hot loop of a big cluster (every pod): NodeInfo.add_pod inlined.
        infos = self.infos
        req_cache = self._req_cache
        for p in snap.pods:
            node_name = p.spec.node_name
            if node_name:
                ni = infos.get(node_name)
                if ni is None or p.status.phase in _TERMINAL:
                    continue
                r = req_cache[id(p)] = existing_pod_requests(p)
                ni.pods.append(p)
                requested = ni.requested
                for k, v in r.items():
                    requested[k] = requested.get(k, 0) + v
                bound.append((p, ni))
            elif p.status.nominated_node_name and p.status.phase not in _TERMINAL:
                self.nominated.append(p)
        self.anti_affinity_pods: list[tuple[Pod, NodeInfo]] = [
            (p, ni) for p, ni in bound
            if p.spec.affinity is not None and p.spec.affinity.pod_anti_affinity is not None
            and p.spec.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution
        ]
        self.namespace_labels: dict[str, dict[str, str]] = {}
        for ns in snap.namespaces:
            labels = dict(ns.metadata.labels)
            labels.setdefault("kubernetes.io/metadata.name", ns.metadata.name)
            self.namespace_labels[ns.metadata.name] = labels
        if not snap.has("Namespace"):
            # The API server labels every namespace with its name (>=1.21); other labels are unknown.
            for p in snap.pods:
                pns = p.metadata.namespace
                self.namespace_labels.setdefault(pns, {"kubernetes.io/metadata.name": pns})

    @property
    def bound(self) -> list[tuple[Pod, NodeInfo]]:
        """Every (pod, NodeInfo) of a pod bound to a known node."""
        if self._bound is None:
            self._bound = [(p, ni) for ni in self.infos.values() for p in ni.pods]
        return self._bound

    def priority_of(self, p: Pod) -> int:
        key = id(p)
        v = self._prio_cache.get(key)
        if v is None:
            v = pod_priority(self.snap, p)
            self._prio_cache[key] = v
        return v

    def requests_of(self, p: Pod) -> ResourceMap:
        key = id(p)
        r = self._req_cache.get(key)
        if r is None:
            r = existing_pod_requests(p)
            self._req_cache[key] = r
        return r

    def ns_labels(self, ns: str) -> dict[str, str]:
        return self.namespace_labels.get(ns, {"kubernetes.io/metadata.name": ns})

    def replacing(self, patched: Mapping[str, Node] | None = None,
                  added: Sequence[tuple[Node, Sequence[Pod]]] = (),
                  removed_pods: Mapping[str, Sequence[Pod]] | None = None) -> ClusterState:
        """A cheap what-if copy for fix verification: some nodes patched (labels, taints, cordon),
        nodes added with the given pods (DaemonSet pods of a new node), or pods removed from nodes."""
        new = copy.copy(self)
        new.whatif = {}
        new.infos = dict(self.infos)
        next_key = max((ni.static_key for ni in self.infos.values()), default=0) + 1
        changed: set[str] = set()
        gone = {name: {id(p) for p in pods} for name, pods in (removed_pods or {}).items()}
        for name in set(patched or {}) | set(gone):
            old = self.infos.get(name)
            if old is None:
                continue
            node = (patched or {}).get(name, old.node)
            ni = NodeInfo(node=node, allocatable=node_allocatable(node), static_key=next_key, taint_key=-next_key)
            next_key += 1
            for p in old.pods:
                if id(p) not in gone.get(name, set()):
                    ni.add_pod(p, self.requests_of(p))
            new.infos[name] = ni
            changed.add(name)
        for node, pods in added:
            ni = NodeInfo(node=node, allocatable=node_allocatable(node), static_key=next_key, taint_key=-next_key)
            next_key += 1
            for p in pods:
                ni.add_pod(p, self.requests_of(p))
            new.infos[node.metadata.name] = ni
            changed.add(node.metadata.name)
        if changed:
            new.nodes = [ni.node for ni in new.infos.values()]
            # Most what-ifs never look at the bound pods: listed on first use (`bound`).
            new._bound = None
            new.anti_affinity_pods = [(p, new.infos[ni.name]) for p, ni in self.anti_affinity_pods
                                      if ni.name in new.infos and any(q is p for q in new.infos[ni.name].pods)]
        return new


# ---- the pod under test --------------------------------------------------------------------------

@dataclass
class PodCtx:
    """CycleState of one scheduling attempt: the pod, its computed inputs, plugin PreFilter states."""

    pod: Pod
    priority: int
    requests: ResourceMap
    state: dict[str, Any] = field(default_factory=dict)
    # framework._plan memo: (plugin list, skip set, memoised, plan)
    plans: list[tuple[Any, set[str], tuple[bool, bool], Any]] = field(default_factory=list)
    skip: set[str] = field(default_factory=set)
    # The filter result depends on the node's name (spec.nodeName, matchFields), not only its class.
    uses_node_name: bool = False
    # False in what-if runs (fix verification): plugins may skip building their `detail`.
    explain: bool = True

    @property
    def namespace(self) -> str:
        return self.pod.metadata.namespace

    @property
    def labels(self) -> dict[str, str]:
        return self.pod.metadata.labels


def new_pod_ctx(snap: Snapshot, pod: Pod) -> PodCtx:
    uses_name = bool(pod.spec.node_name)
    aff = pod.spec.affinity
    if aff is not None and aff.node_affinity is not None:
        sel = aff.node_affinity.required_during_scheduling_ignored_during_execution
        if sel is not None and any(t.match_fields for t in sel.node_selector_terms):
            uses_name = True
    return PodCtx(pod=pod, priority=pod_priority(snap, pod), requests=pod_requests(pod.spec), uses_node_name=uses_name)


@dataclass(frozen=True, slots=True)
class PreFilterOutcome:
    """What a PreFilter returned: a whole-pod rejection, a node-name narrowing, or Skip."""

    status: Status | None = None
    node_names: frozenset[str] | None = None
    skip: bool = False


class Plugin(Protocol):
    name: str
    # True when Filter depends only on the node's labels, taints and spec.unschedulable (shared per class).
    static: bool
    # True when Filter depends only on the node's taints and spec.unschedulable (a coarser class).
    taint_only: bool

    def pre_filter(self, cs: ClusterState, pc: PodCtx) -> PreFilterOutcome | None: ...

    def filter(self, cs: ClusterState, pc: PodCtx, ni: NodeInfo) -> Status | None: ...


@dataclass
class CycleResult:
    """Everything one recomputed scheduling attempt produced."""

    num_nodes: int
    prefilter: Status | None
    narrowed_by: tuple[str, ...]
    allowed: frozenset[str] | None
    # node name -> every failing status in filter order (empty = feasible).
    verdicts: dict[str, list[Status]]
    # node name -> the shapes of its statuses (Status.shape): nodes with equal shapes count for the
    # same causes (causes.group_causes works per shape, not per node).
    shapes: dict[str, tuple[Hashable, ...]] = field(default_factory=dict)
    # Derived lists memoised by their users (fix verification), shared by every pod of the class.
    memo: dict[Hashable, Any] = field(default_factory=dict)

    def nodes_where(self, pred: Callable[[tuple[Hashable, ...]], bool]) -> list[str]:
        """Nodes (in order) whose verdict shape satisfies `pred`, evaluated once per distinct shape.
        A shape is a tuple of Status.shape: (plugin, reasons) or (plugin, reasons, id) per failure."""
        memo: dict[tuple[Hashable, ...], bool] = {}
        out: list[str] = []
        for name, shape in self.shapes.items():
            ok = memo.get(shape)
            if ok is None:
                ok = memo[shape] = pred(shape)
            if ok:
                out.append(name)
        return out

    def first(self, node: str) -> Status | None:
        v = self.verdicts.get(node)
        return v[0] if v else None

    @functools.cached_property
    def feasible(self) -> list[str]:
        return [n for n, v in self.verdicts.items() if not v]

    @functools.cached_property
    def first_histogram(self) -> dict[str, int]:
        """histogram() of each node's first failing status (what the scheduler counts); computed once,
        every pod of the equivalence class asks for it."""
        return histogram(v[0] if v else None for v in self.verdicts.values())


def _absent_status(plugins: Sequence[str]) -> Status:
    # schedule_one.go findNodesThatFitPod (v1.32+): nodes outside the PreFilterResult.
    return unresolvable(plugins[0] if len(plugins) == 1 else ",".join(plugins),
                        f"node(s) didn't satisfy plugin(s) [{' '.join(sorted(plugins))}]")


def run_prefilters(cs: ClusterState, pc: PodCtx, plugins: Sequence[Plugin]) -> tuple[Status | None, frozenset[str] | None, tuple[str, ...]]:
    """RunPreFilterPlugins (framework/runtime/framework.go, v1.35). Unlike upstream, plugins after a
    rejecting one still compute their state so that their Filters can be explained too."""
    rejection: Status | None = None
    allowed: frozenset[str] | None = None
    narrowing: list[str] = []
    for pl in plugins:
        out = pl.pre_filter(cs, pc)
        if out is None:
            continue
        if out.skip:
            pc.skip.add(pl.name)
            continue
        if out.status is not None:
            pc.skip.add(pl.name)
            if rejection is None:
                rejection = out.status
            continue
        if out.node_names is not None and rejection is None:
            narrowing.append(pl.name)
            allowed = out.node_names if allowed is None else allowed & out.node_names
            if not allowed:
                msg = (f"node(s) didn't satisfy plugin {narrowing[0]}" if len(narrowing) == 1
                       else f"node(s) didn't satisfy plugin(s) [{' '.join(narrowing)}] simultaneously")
                rejection = unresolvable(pl.name, msg)
    return rejection, allowed, tuple(narrowing)


def filter_node(cs: ClusterState, pc: PodCtx, ni: NodeInfo, plugins: Sequence[Plugin]) -> list[Status]:
    """All failing filter statuses for one node, in plugin order (run_cycle shares verdicts between
    nodes instead: _column)."""
    return [st for pl, _mode, _narrow in _plan(pc, plugins, False) if (st := pl.filter(cs, pc, ni)) is not None]


def _column(cs: ClusterState, pc: PodCtx, nis: list[NodeInfo], pl: Plugin, mode: int,
            narrow: Callable[[PodCtx, NodeInfo], Hashable] | None,
            memo: dict[Hashable, Status | None]) -> list[Status | None]:
    """One plugin's verdict for every node, shared per node class as the plan says: called per node,
    or once per taint class / node name / node class (the first node of the class stands for it)."""
    if mode == _CALL:
        f = pl.filter
        return [f(cs, pc, ni) for ni in nis]
    keys: list[Hashable]
    if mode == _BY_TAINTS:
        keys = [ni.taint_key for ni in nis]
    elif mode == _BY_NAME:
        keys = [ni.node.metadata.name for ni in nis]
    elif narrow is not None:
        keys = [narrow(pc, ni) for ni in nis]
    else:
        keys = [ni.static_key for ni in nis]
    # key -> its first node (later duplicates are overwritten by earlier ones when built in reverse)
    first = dict(zip(reversed(keys), reversed(nis), strict=True))
    for k in dict.fromkeys(keys):
        if k not in memo:
            memo[k] = pl.filter(cs, pc, first[k])
    return list(map(memo.__getitem__, keys))


_CALL, _BY_TAINTS, _BY_NAME, _BY_CLASS = range(4)
_Plan = tuple[tuple["Plugin", int, "Callable[[PodCtx, NodeInfo], Hashable] | None"], ...]


def _plan(pc: PodCtx, plugins: Sequence[Plugin], memoised: bool) -> _Plan:
    """The plugins that run for this pod (not skipped at PreFilter) and how a verdict is shared:
    per call, per taint class, per node name, or per node class. Computed once per pod and plugin list."""
    flags = (memoised, pc.uses_node_name)
    for plugs, skip, memo_flags, got in pc.plans:
        if plugs is plugins and memo_flags == flags and skip == pc.skip:
            found: _Plan = got
            return found
    plan: list[tuple[Plugin, int, Callable[[PodCtx, NodeInfo], Hashable] | None]] = []
    for pl in plugins:
        if pl.name in pc.skip:
            continue
        if not (pl.static and memoised):
            plan.append((pl, _CALL, None))
        elif pl.taint_only:
            plan.append((pl, _BY_TAINTS, None))
        elif pc.uses_node_name:
            plan.append((pl, _BY_NAME, None))
        else:
            # A plugin may narrow the node class to what it reads for this pod (NodeAffinity: the
            # labels the pod's selectors name), so that per-node labels such as
            # kubernetes.io/hostname do not make every node a class of its own.
            plan.append((pl, _BY_CLASS, getattr(pl, "memo_key", None)))
    out = tuple(plan)
    pc.plans.append((plugins, set(pc.skip), flags, out))
    return out


def nominated_overlay(cs: ClusterState, pc: PodCtx) -> dict[str, NodeInfo]:
    """RunFilterPluginsWithNominatedPods: pods nominated to a node with priority >= ours count there."""
    out: dict[str, NodeInfo] = {}
    me = pc.pod.metadata
    for p in cs.nominated:
        if (p.metadata.uid and p.metadata.uid == me.uid) or (
                p.metadata.namespace == me.namespace and p.metadata.name == me.name):
            continue
        if cs.priority_of(p) < pc.priority:
            continue
        base = out.get(p.status.nominated_node_name) or cs.infos.get(p.status.nominated_node_name)
        if base is None:
            continue
        ni = base if p.status.nominated_node_name in out else base.clone()
        ni.add_pod(p, cs.requests_of(p))
        out[p.status.nominated_node_name] = ni
    return out


_SHAPE = operator.attrgetter("shape")


def run_cycle(cs: ClusterState, pc: PodCtx, plugins: Sequence[Plugin],
              only: Iterable[str] | None = None) -> CycleResult:
    rejection, allowed, narrowing = run_prefilters(cs, pc, plugins)
    overlay = nominated_overlay(cs, pc)
    plan = _plan(pc, plugins, True)
    memos: list[dict[Hashable, Status | None]] = [{} for _ in plan]
    verdicts: dict[str, list[Status]] = {}
    # Nodes failing with the very same statuses share one (read-only) list, so that what is derived
    # from a verdict (causes, report entries) is derived once per distinct list, keyed by its id.
    interned: dict[tuple[int, ...], list[Status]] = {}
    shapes: dict[str, tuple[Hashable, ...]] = {}
    absent = _absent_status(narrowing) if allowed is not None else None
    names = list(cs.infos) if only is None else [n for n in only if n in cs.infos]
    infos = cs.infos
    nis = [(overlay.get(n) or infos[n]) for n in names] if overlay else [infos[n] for n in names]
    # Plugin by plugin over all nodes (a column each), then node by node: the per-node work of a big
    # cluster stays in comprehensions and C-level map/zip.
    cols = [_column(cs, pc, nis, pl, mode, narrow, memo) for (pl, mode, narrow), memo in zip(plan, memos, strict=True)]
    rows = zip(*cols, strict=True) if cols else (() for _ in names)
    for name, row in zip(names, rows, strict=True):
        statuses = [st for st in row if st is not None]
        if rejection is not None:
            statuses.insert(0, rejection)
        elif absent is not None and name not in allowed:  # type: ignore[operator]
            statuses.insert(0, absent)
        verdicts[name] = interned.setdefault(tuple(map(id, statuses)), statuses)
        shapes[name] = tuple(map(_SHAPE, statuses))
    return CycleResult(num_nodes=len(cs.infos), prefilter=rejection, narrowed_by=narrowing,
                       allowed=allowed, verdicts=verdicts, shapes=shapes)


def histogram(statuses: Iterable[Status | None]) -> dict[str, int]:
    """reason -> number of nodes, each node contributing the reasons of its first failing plugin."""
    # Count the (mostly shared) reason tuples first, then expand: same counts, same first-seen key order.
    by_reasons: Counter[tuple[str, ...]] = Counter(st.reasons for st in statuses if st is not None)
    c: dict[str, int] = {}
    for reasons, n in by_reasons.items():
        for r in reasons:
            c[r] = c.get(r, 0) + n
    return c
