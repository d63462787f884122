"""What every analyzer gets and gives: the read-only context and the subject being diagnosed.

An analyzer is a pure function `analyze(ctx, work) -> None` that appends Findings to
`work.findings` (and may fill `work.scheduling`). It never does I/O; the clock is `ctx.now`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from podwhy.findings import Finding, Scheduling
from podwhy.model import Container, Pod
from podwhy.snapshot import Snapshot


@dataclass
class Options:
    """Diagnosis options that analyzers may read."""

    # Seconds a container may sit in ContainerCreating/PodInitializing before it counts as stuck.
    creating_threshold: float = 300.0
    # A Running container that restarted at least this many times, the last time within `restart_window`
    # seconds, counts as crash-looping between back-offs (CrashLoopBackOff itself always counts).
    restart_threshold: int = 3
    restart_window: float = 3600.0
    # Seconds a Running pod may stay not Ready (Ready=False since the condition's lastTransitionTime).
    not_ready_threshold: float = 300.0
    # Seconds past metadata.deletionTimestamp (the end of the grace period) a pod may still exist.
    terminating_threshold: float = 300.0
    # Results of the opt-in registry probe, keyed by image reference (filled by the CLI before diagnose).
    probe_results: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    snapshot: Snapshot
    now: datetime
    options: Options = field(default_factory=Options)
    # Memo shared by analyzers across subjects (per-class results, parsed events, ...).
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class StuckContainer:
    name: str
    role: str  # "container" | "initContainer" | "ephemeralContainer"
    image: str
    reason: str  # waiting reason, e.g. ImagePullBackOff
    message: str  # waiting message, verbatim
    spec: Container | None

    @property
    def field_path(self) -> str:
        """The kubelet's fieldPath for this container, e.g. spec.containers{app}."""
        return f"spec.{self.role}s{{{self.name}}}"

    @property
    def status_field(self) -> str:
        lst = {"container": "containerStatuses", "initContainer": "initContainerStatuses",
               "ephemeralContainer": "ephemeralContainerStatuses"}[self.role]
        return f".status.{lst}[?(@.name=={self.name!r})].state.waiting"


@dataclass
class Work:
    """One stuck subject under diagnosis."""

    kind: str
    namespace: str
    name: str
    obj: Any
    state: str
    summary: str = ""
    # Pods: containers waiting in a stuck reason, init containers first.
    containers: list[StuckContainer] = field(default_factory=list)
    # Pods: not bound to a node yet (PodScheduled False or absent).
    unscheduled: bool = False
    findings: list[Finding] = field(default_factory=list)
    scheduling: Scheduling | None = None
    owners: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}" if self.namespace else f"{self.kind}/{self.name}"

    @property
    def pod(self) -> Pod | None:
        return self.obj if self.kind == "Pod" else None

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def has_code(self, prefix: str) -> bool:
        return any(f.code.startswith(prefix) for f in self.findings)


AnalyzeFn = Callable[[Context, Work], None]


@dataclass(frozen=True)
class Analyzer:
    name: str
    analyze: AnalyzeFn
    # Kinds of subject it looks at.
    kinds: tuple[str, ...] = ("Pod",)
