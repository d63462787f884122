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


# Which of the reasons CA gives for one pod carries the fix, when it gives several (findings._fuse):
# the one whose removal adds a node that takes the pod first, a reason that is no fix at all last.
PRIO_FITS = 0  # a group at max whose new node is verified to take the pod: raise its maximum
PRIO_BACKOFF = 1  # a group that would grow once its cloud error is fixed
PRIO_NOT_READY = 2  # a group whose nodes do not register: fix them and CA grows it again
PRIO_LIMIT = 3  # a cluster-wide limit (max nodes, cores, memory, quota)
PRIO_UNVERIFIED = 4  # a group at max that could not be checked against the pod
PRIO_TEMPLATE = 5  # groups CA simulated and whose template rejects the pod
PRIO_OTHER = 6  # an expansion CA dropped for another reason (read its logs)
PRIO_WOULD_NOT_FIT = 7  # a group at max whose new node would reject the pod anyway: not a fix
