"""How podwhy orders findings when several causes are true: the rules, each with its reason and the code
that applies it. The first finding must be the cause whose removal lets the pod run, or, when no single
removal does, the one a person fixes first. Tests: tests/analyzers/test_ranking.py (one named case per rule).

The rules are applied where the evidence is (the scheduling recomputation, the image-pull analyzer); this
table is their written contract, so a change of order is a change here, reviewed with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    first: str  # the code that comes first
    over: str  # the code it is ranked above
    when: str
    reason: str
    where: str  # the module that applies it


RULES: tuple[Rule, ...] = (
    Rule("verified removal first", "(the verified cause)", "(the others)",
         "the filters are re-run with one cause removed and some node becomes feasible",
         "that change alone lets the pod run; a cause whose removal leaves every node rejected is reported "
         "with the cause behind it (fix that first)",
         "analyzers/scheduling/causes.py group_causes, explain.py _no_single_fix"),
    Rule("cordon over resources when uncordoning fits", "sched.node-unschedulable", "sched.insufficient-resources",
         "a nodeSelector-only pod: the matching nodes are one cordoned node with room and nodes without room",
         "uncordoning (when the maintenance is over) is the change that lets the pod run; when the cordoned node "
         "has no room either, resources come first and the cordon names Insufficient cpu/memory as what is "
         "behind it (its unschedulable taint is part of the cordon, not another cause)",
         "analyzers/scheduling/explain.py _part_of"),
    Rule("more nodes first among verified causes", "sched.topology-spread", "sched.pod-anti-affinity",
         "both reject nodes and relaxing either makes a node feasible",
         "the constraint that rejects more of the nodes the pod could use explains more of the failure; the other "
         "follows with its own verified fix",
         "analyzers/scheduling/causes.py group_causes"),
    Rule("taint over volume zone when tolerating fits", "sched.untolerated-taint", "volume.node-affinity-conflict",
         "the only nodes in the volume's zone are tainted",
         "the data cannot move cheaply, the pod can: tolerating the taint (or untainting) lets it run on the "
         "zone's node; the volume conflict explains why the other nodes are no use",
         "analyzers/scheduling/causes.py group_causes, fixes.py"),
    Rule("pinned DaemonSet pod: the node's resources", "sched.insufficient-resources", "sched.node-affinity",
         "a DaemonSet pod (pinned to its node by matchFields metadata.name) whose node has no room, e.g. after "
         "higher-priority pods preempted it",
         "the other nodes are excluded by design (one pod per node): the node's free resources are the cause",
         "analyzers/scheduling/causes.py (node affinity is an exclusion, not a blocker)"),
    Rule("cloud registry not attached over no pull secret", "image.not-found-or-unauthorized", "secret.no-pull-secret",
         "ECR/ACR/GAR refuse an anonymous pull and the pod names no pull secret",
         "those registries authenticate with the nodes' identity: the fix is to grant it (attach the registry), "
         "a pull secret is the exception; the missing secret is listed after, as possible",
         "analyzers/imagepull/secretfix.py no_secret_for_auth, not_attached"),
    Rule("the crash over the readiness it causes", "crash.oom-killed", "probe.readiness-failing",
         "a container is OOM-killed (or exits, or is killed by its liveness probe) and, between restarts, is not "
         "Ready",
         "a container that keeps dying cannot be Ready: the readiness failure is the consequence; raising the limit "
         "(fixing the exit) is the change that lets the pod run",
         "analyzers/lifecycle/analyzer.py container (rank 10-18) before health.readiness (rank 30)"),
    Rule("start error over the exit code it leaves", "start.command-not-found", "crash.exit-nonzero",
         "the runtime could not start the process: lastState.terminated StartError with exit 128",
         "128 is the runtime's code for a process that never ran; the runtime's own message names the cause",
         "analyzers/lifecycle/analyzer.py container (startfail before crash)"),
    Rule("probe kill over the exit code it leaves", "probe.liveness-failing", "crash.exit-nonzero",
         "the kubelet's Killing event says the liveness (or startup) probe failed; the container then exits 137/143",
         "the exit is the kubelet's stop, not the app's crash: the probe is what to fix",
         "analyzers/lifecycle/analyzer.py container (kill_probe before exit_nonzero)"),
    Rule("the init container that blocks the pod", "init.failing", "(the init container's own cause)",
         "an init container fails (crash loop, start error, OOM)",
         "no other container starts until it succeeds: the finding names it and carries its diagnosis "
         "(details.cause), which is not repeated as a second finding",
         "analyzers/lifecycle/analyzer.py init_failing"),
    Rule("lost node over finalizers", "terminating.node-lost", "terminating.finalizer",
         "a pod past its grace period on an unreachable node also has finalizers",
         "removing the finalizers does not remove the pod while no kubelet confirms its containers stopped; the "
         "node (or a force delete) decides",
         "analyzers/lifecycle/ending.py terminating"),
    Rule("unprinted inputs first from describe text", "(the scheduler's reason)", "(the recomputed causes)",
         "a pod read from kubectl describe text, whose recomputation disagrees with the scheduler",
         "describe does not print affinity rules and other fields: the reason the scheduler gives for more "
         "nodes than the recomputation is what rejects the otherwise usable nodes",
         "analyzers/scheduling/observed.py from_message_only"),
)
