"""Pods never created (FailedCreate: quota, LimitRange, PodSecurity, webhooks) and pods that cannot
start (mounts, missing config, sandbox). Semantics A5."""

from __future__ import annotations

from podwhy.analyzers.base import Analyzer, Context, Work

# Each half is imported on its first subject (cold start: a stuck pod never loads the FailedCreate rules).


def analyze_failedcreate(ctx: Context, work: Work) -> None:
    from podwhy.analyzers.workloads import failedcreate

    failedcreate.analyze(ctx, work)


def analyze_starting(ctx: Context, work: Work) -> None:
    from podwhy.analyzers.workloads import starting

    starting.analyze(ctx, work)


CONTROLLERS = ("ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job", "Deployment")
FAILEDCREATE = Analyzer(name="failedcreate", analyze=analyze_failedcreate, kinds=CONTROLLERS)
STARTING = Analyzer(name="starting", analyze=analyze_starting)
