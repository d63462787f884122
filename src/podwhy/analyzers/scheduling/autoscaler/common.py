"""Codes, ranks and wording shared by the cluster-autoscaler and Karpenter findings."""

from __future__ import annotations

from podwhy.analyzers.base import Context
from podwhy.model import Event
from podwhy.timeutil import age, human_duration

NO_SCALE_UP = "autoscaler.no-scale-up"
SCALE_UP_IN_PROGRESS = "autoscaler.scale-up-in-progress"
RANK = 40  # after the scheduler's own cause (~30)
RANK_COMING = 45
# CA's --max-node-provision-time default: a scale-up older than this that still has not produced a
# Ready node is treated by CA itself as failed (ScaleUpTimedOut, backoff).
PROVISION_WINDOW_S = 15 * 60


def when(ctx: Context, ev: Event) -> str:
    """` (said 5m ago)`: how old the autoscaler's word is."""
    a = age(ctx.now, ev.last_seen)
    return f" (said {human_duration(a)} ago)" if a is not None and a >= 0 else ""
