"""The analyzers, in the order they run. Each is a pure function of the snapshot and one subject.

Order matters only for ties: findings are sorted by rank/severity/confidence afterwards.
The fallback runs last and only speaks when nobody else did.

Cold start: nothing here imports an analyzer module. `REGISTRY` names each analyzer's module with a
cheap `may_apply` test, the very condition on which that analyzer returns early without a finding (it
must never be narrower), so a diagnosis imports only the analyzers its subjects need: a stuck image
pull never loads the scheduler's filter plugins. `ANALYZERS` (every analyzer, loaded) is built on
first access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

from podwhy.analyzers.base import Analyzer, Context, Options, StuckContainer, Work

if TYPE_CHECKING:
    ANALYZERS: tuple[Analyzer, ...]

CONTROLLERS = ("ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job", "Deployment")
# The waiting reasons of a pull (stuck.PULL_REASONS; repeated so this module stays import-free).
_PULL_REASONS = frozenset({
    "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "ImageInspectError",
    "RegistryUnavailable", "SignatureValidationFailed",
})
_CREATING = ("ContainerCreating", "PodInitializing", "Pending")  # volumes.CREATING


def _always(ctx: Context, work: Work) -> bool:
    return True


def _pulls(ctx: Context, work: Work) -> bool:  # imagepull.analyzer.analyze
    return work.pod is not None and any(c.reason in _PULL_REASONS for c in work.containers)


def _probed(ctx: Context, work: Work) -> bool:  # probe.analyzer.analyze
    return bool(ctx.options.probe_results) and work.pod is not None


def _volumes(ctx: Context, work: Work) -> bool:  # volumes._applies
    pod = work.pod
    return pod is not None and (work.unscheduled or (bool(pod.spec.node_name) and work.state in _CREATING))


def _scheduling(ctx: Context, work: Work) -> bool:  # scheduling.explain.analyze
    pod = work.pod
    if pod is None:
        return False
    node = pod.spec.node_name
    snap = ctx.snapshot
    return work.unscheduled or not node or (snap.has("Node") and node not in snap.node_by_name)


def _starting(ctx: Context, work: Work) -> bool:  # workloads.starting.analyze
    pod = work.pod
    return pod is not None and not work.unscheduled and bool(pod.spec.node_name)


# analyzers/lifecycle/analyzer.py REASONS and STATES (repeated so this module stays import-free).
_LIFECYCLE_REASONS = frozenset({"CrashLoopBackOff", "RunContainerError", "CreateContainerError", "Running", "Error",
                                "Completed", "OOMKilled", "StartError", "ContainerCannotRun",
                                "CreateContainerConfigError"})
_LIFECYCLE_STATES = frozenset({"Terminating", "Evicted", "NotReady"})


def _lifecycle(ctx: Context, work: Work) -> bool:  # lifecycle.analyzer.applies, and a Job that failed
    if work.kind == "Job":
        return work.state == "Failed"
    return work.pod is not None and (work.state in _LIFECYCLE_STATES
                                     or any(c.reason in _LIFECYCLE_REASONS for c in work.containers))


@dataclass
class Entry:
    """One analyzer, imported on first use."""

    name: str
    module: str
    attr: str
    kinds: tuple[str, ...]
    may_apply: Callable[[Context, Work], bool]
    _loaded: Analyzer | None = field(default=None, repr=False)

    def load(self) -> Analyzer:
        if self._loaded is None:
            self._loaded = getattr(import_module(self.module), self.attr)
        return self._loaded


REGISTRY: tuple[Entry, ...] = (
    Entry("imagepull", "podwhy.analyzers.imagepull", "ANALYZER", ("Pod",), _pulls),
    Entry("probe", "podwhy.analyzers.probe", "ANALYZER", ("Pod",), _probed),
    Entry("volumes", "podwhy.analyzers.volumes", "ANALYZER", ("Pod",), _volumes),
    Entry("scheduling", "podwhy.analyzers.scheduling", "ANALYZER", ("Pod",), _scheduling),
    Entry("starting", "podwhy.analyzers.workloads", "STARTING", ("Pod",), _starting),
    Entry("lifecycle", "podwhy.analyzers.lifecycle", "ANALYZER", ("Pod", "Job"), _lifecycle),
    Entry("failedcreate", "podwhy.analyzers.workloads", "FAILEDCREATE", CONTROLLERS, _always),
    Entry("fallback", "podwhy.analyzers.fallback", "ANALYZER", ("Pod", *CONTROLLERS), _always),
)


def __getattr__(name: str) -> Any:
    if name == "ANALYZERS":
        value = tuple(e.load() for e in REGISTRY)
        globals()["ANALYZERS"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ANALYZERS", "REGISTRY", "Analyzer", "Context", "Entry", "Options", "StuckContainer", "Work"]
