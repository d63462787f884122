"""Every cause code podwhy can emit (the contract of catalog.md), with its title and default severity.

Codes are stable: once released, a code never changes meaning or spelling. A test asserts that
every code an analyzer emits is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cause:
    code: str
    title: str
    severity: str = "error"


_CAUSES = (
    # Image pulls
    Cause("image.tag-not-found", "Image tag or digest does not exist"),
    Cause("image.repository-not-found", "Image repository does not exist"),
    Cause("image.not-found-or-unauthorized", "Registry will not say whether the image is missing or private"),
    Cause("image.invalid-reference", "Image reference is not valid"),
    Cause("image.platform-mismatch", "Image has no build for the node's OS/architecture"),
    Cause("image.never-pull-absent", "imagePullPolicy: Never and the image is not on the node"),
    Cause("image.pull-timeout", "Image pull did not finish in time"),
    Cause("registry.auth-failed", "Registry rejected the credentials"),
    Cause("registry.dns-failure", "Node cannot resolve the registry host"),
    Cause("registry.unreachable", "Node cannot reach the registry"),
    Cause("registry.tls-error", "TLS certificate problem with the registry"),
    Cause("registry.http-https-mismatch", "HTTP/HTTPS mismatch with the registry"),
    Cause("registry.rate-limited", "Pulls are rate-limited"),
    Cause("registry.server-error", "Registry returned a server error"),
    Cause("secret.pull-secret-missing", "Image pull secret does not exist"),
    Cause("secret.pull-secret-invalid", "Image pull secret is ignored by the kubelet"),
    Cause("secret.pull-secret-host-mismatch", "Image pull secret has no credentials for this registry"),
    Cause("secret.no-pull-secret", "Private registry and no image pull secret"),
    Cause("node.disk-full", "Node disk is full"),
    # Scheduling
    Cause("sched.insufficient-resources", "Not enough free CPU/memory/resources on any node"),
    Cause("sched.too-many-pods", "Nodes are at their pod limit"),
    Cause("sched.untolerated-taint", "Node taints are not tolerated"),
    Cause("sched.nodes-not-ready", "Matching nodes are NotReady or unreachable"),
    Cause("sched.node-unschedulable", "Candidate nodes are cordoned"),
    Cause("sched.node-affinity", "nodeSelector / node affinity matches no usable node"),
    Cause("sched.pod-affinity", "Required pod affinity cannot be satisfied"),
    Cause("sched.pod-anti-affinity", "Pod anti-affinity excludes the nodes"),
    Cause("sched.topology-spread", "Topology spread constraint would exceed maxSkew"),
    Cause("sched.host-port", "Requested hostPort is already taken"),
    Cause("sched.node-name-not-found", "spec.nodeName names a node that does not exist"),
    Cause("sched.no-nodes", "No nodes the scheduler can consider"),
    Cause("sched.scheduler-not-found", "spec.schedulerName is served by no running scheduler"),
    Cause("sched.scheduling-gated", "Pod is held by scheduling gates", "warning"),
    Cause("sched.preemption-pending", "Waiting for preemption", "warning"),
    Cause("volume.pvc-not-found", "PersistentVolumeClaim does not exist"),
    Cause("volume.pvc-unbound", "PersistentVolumeClaim is not bound"),
    Cause("volume.storageclass-not-found", "StorageClass does not exist or there is no default"),
    Cause("volume.node-affinity-conflict", "Volume's node affinity / zone excludes the nodes"),
    Cause("volume.limit-exceeded", "Node attachable volume limit exceeded"),
    Cause("autoscaler.no-scale-up", "Cluster autoscaler will not add a node"),
    Cause("autoscaler.scale-up-in-progress", "Cluster autoscaler is adding a node for the pod", "info"),
    # Never created / cannot start
    Cause("create.quota-exceeded", "ResourceQuota rejects the pods"),
    Cause("create.admission-denied", "Admission rejects the pods"),
    Cause("start.mount-failed", "Volume cannot be mounted or attached"),
    Cause("start.config-missing", "Referenced Secret/ConfigMap or key does not exist"),
    Cause("start.sandbox-failed", "Pod sandbox cannot be created"),
    # Start and then fail
    Cause("crash.oom-killed", "Container is OOM-killed"),
    Cause("crash.exit-nonzero", "Container keeps exiting with an error"),
    Cause("crash.completed-restarting", "Container exits 0 and is restarted (restartPolicy Always)"),
    Cause("start.command-not-found", "Container's command does not exist in the image"),
    Cause("start.exec-format-error", "Container's binary is for another architecture"),
    Cause("start.permission-denied", "Container's entrypoint cannot be executed"),
    Cause("start.run-as-root", "runAsNonRoot and the image runs as root"),
    Cause("probe.liveness-failing", "Liveness probe fails: the kubelet restarts the container"),
    Cause("probe.startup-failing", "Startup probe fails: the kubelet restarts the container"),
    Cause("probe.readiness-failing", "Readiness probe fails: Running but never Ready"),
    Cause("init.failing", "An init container fails and blocks the pod"),
    Cause("terminating.finalizer", "Terminating past its grace period, held by finalizers"),
    Cause("terminating.node-lost", "Terminating past its grace period on a lost node"),
    Cause("evicted.node-pressure", "Evicted by the kubelet: node resource pressure", "warning"),
    Cause("evicted.ephemeral-storage", "Evicted by the kubelet: ephemeral-storage limit exceeded", "warning"),
    Cause("unknown", "No known cause matched; evidence quoted", "warning"),
)

CODES: dict[str, Cause] = {c.code: c for c in _CAUSES}


def title(code: str) -> str:
    return CODES[code].title
