"""The curated public surface: a change here is a deliberate API change."""

import podwhy
from podwhy.catalog import CODES


def test_public_names_do_not_drift() -> None:
    assert sorted(podwhy.__all__) == sorted([
        "CODES", "ClusterError", "Evidence", "Finding", "Fix", "Group", "InputError", "Options", "PodwhyError",
        "Report", "Selection", "Snapshot", "SnapshotError", "Subject", "__version__", "diagnose",
    ])


def test_catalog_holds_every_code_of_the_contract() -> None:
    contract = {
        "image.tag-not-found", "image.repository-not-found", "image.not-found-or-unauthorized",
        "image.invalid-reference", "image.platform-mismatch", "image.never-pull-absent", "image.pull-timeout",
        "registry.auth-failed", "registry.dns-failure", "registry.unreachable", "registry.tls-error",
        "registry.http-https-mismatch", "registry.rate-limited", "registry.server-error",
        "secret.pull-secret-missing", "secret.pull-secret-invalid", "secret.pull-secret-host-mismatch",
        "secret.no-pull-secret", "node.disk-full",
        "sched.insufficient-resources", "sched.too-many-pods", "sched.untolerated-taint", "sched.nodes-not-ready",
        "sched.node-unschedulable", "sched.node-affinity", "sched.pod-affinity", "sched.pod-anti-affinity",
        "sched.topology-spread", "sched.host-port", "sched.node-name-not-found", "sched.no-nodes",
        "sched.scheduler-not-found", "sched.scheduling-gated", "sched.preemption-pending",
        "volume.pvc-not-found", "volume.pvc-unbound", "volume.storageclass-not-found",
        "volume.node-affinity-conflict", "volume.limit-exceeded", "autoscaler.no-scale-up",
        "create.quota-exceeded", "create.admission-denied", "start.mount-failed", "start.config-missing",
        "start.sandbox-failed", "unknown",
        # Pods that start and then fail (catalog.md, second table).
        "crash.oom-killed", "crash.exit-nonzero", "crash.completed-restarting", "start.command-not-found",
        "start.exec-format-error", "start.permission-denied", "start.run-as-root", "probe.liveness-failing",
        "probe.startup-failing", "probe.readiness-failing", "init.failing", "terminating.finalizer",
        "terminating.node-lost", "evicted.node-pressure", "evicted.ephemeral-storage",
    }
    # Codes added by the project after catalog.md (allowed by the contract: new cause, new code).
    added = {"autoscaler.scale-up-in-progress"}
    assert set(CODES) == contract | added
