"""Pods that are scheduled but cannot start: missing config (CreateContainerConfigError), volumes
that will not attach/mount (FailedMount/FailedAttachVolume) and sandbox failures
(FailedCreatePodSandBox). Each rule lives in its own module; this one decides which apply.
"""

from __future__ import annotations

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_waiting
from podwhy.analyzers.workloads import configref, mounts, sandbox
from podwhy.findings import Finding, Fix

# Pod states in which kubelet volume/sandbox events explain the wait.
CREATING = frozenset({"ContainerCreating", "PodInitializing", "Pending"})


def analyze(ctx: Context, work: Work) -> None:
    pod = work.pod
    if pod is None or work.unscheduled or not pod.spec.node_name:
        return
    for c in work.containers:
        if c.reason != "CreateContainerConfigError":
            continue
        f = configref.analyze(ctx, work, c)
        if f is None:
            sp = configref.subpath(work, c)
            if sp is not None:
                f = Finding(
                    code="start.mount-failed", severity="error", confidence="likely", rank=20, container=c.name,
                    cause=(f"The kubelet cannot prepare the subPath of volumeMount {sp[0]!r} in container {sp[1]!r} "
                           "(the path is missing, a symlink escaping the volume, or the volume is not mounted)."),
                    evidence=[from_waiting(work, c)], group_key=f"pod={work.namespace}/{work.name}",
                    details={"class": "subpath", "volume": sp[0]},
                    fix=Fix(summary="Check the subPath exists inside the volume and is not a symlink out of it.",
                            commands=[f"kubectl describe pod {work.name} -n {work.namespace}"]))
        # Two containers that need the same missing object share one finding.
        if f is not None and not any(g.code == f.code and g.group_key == f.group_key for g in work.findings):
            work.add(f)
    if work.state in CREATING or not work.containers:
        for f in mounts.analyze(ctx, work):
            # A volume finding from the volumes analyzer (e.g. unbound claim) is the root cause.
            if work.has_code("volume."):
                f.rank = max(f.rank, 55)
            work.add(f)
        sb = sandbox.analyze(ctx, work)
        if sb is not None:
            work.add(sb)
