"""Which containers the registry probe asks about, with which pull secrets, for which node platforms. Pure.

Shared by the probe's orchestration (`podwhy.registry`, which decides what to request) and the probe
analyzer (which finds each container's answer again), so both compute the same key.

- Stuck pulls: containers waiting in a pull-failure reason (stuck.PULL_REASONS) except
  `InvalidImageName` (nothing to ask) and `ErrImageNeverPull` (no pull happens).
- Effective pull secrets (semantics.md B2.1): `pod.spec.imagePullSecrets` (empty names skipped, as the
  kubelet does), else the ServiceAccount's, which the ServiceAccount admission plugin copies into a pod
  that has none (plugin/pkg/admission/serviceaccount/admission.go).
- Node platform: the `kubernetes.io/os` / `kubernetes.io/arch` labels of `spec.nodeName` (the kubelet
  sets them from runtime.GOOS/GOARCH), else `status.nodeInfo`; for a pod not bound to a node, every node's.
"""

from __future__ import annotations

from dataclasses import dataclass

from podwhy.analyzers.base import StuckContainer, Work
from podwhy.analyzers.imagepull.reference import Reference, try_parse
from podwhy.analyzers.probe.results import Platform, probe_key
from podwhy.model import Node, Pod
from podwhy.snapshot import Snapshot
from podwhy.stuck import PULL_REASONS

NOT_PROBED_REASONS = frozenset({"InvalidImageName", "ErrImageNeverPull"})


@dataclass(frozen=True)
class ProbeTarget:
    container: str
    image: str  # as written in the spec
    ref: Reference
    normalised: str  # with :latest added when neither tag nor digest
    namespace: str
    pull_secrets: tuple[str, ...]  # namespace/name, kubelet order

    @property
    def key(self) -> str:
        return probe_key(self.normalised, self.pull_secrets)

    @property
    def reference(self) -> str:
        return self.ref.digest or self.ref.tag or "latest"


def effective_pull_secrets(snap: Snapshot, pod: Pod) -> tuple[str, ...]:
    ns = pod.metadata.namespace
    names = [s.name for s in pod.spec.image_pull_secrets if s.name]
    if not names and not pod.spec.image_pull_secrets:
        sa_name = pod.spec.service_account_name or pod.spec.service_account or "default"
        sa = snap.get("ServiceAccount", ns, sa_name)
        if sa is not None:
            names = [s.name for s in sa.image_pull_secrets if s.name]
    return tuple(f"{ns}/{n}" for n in dict.fromkeys(names))


def is_stuck_pull(c: StuckContainer) -> bool:
    reason = c.reason.removeprefix("Init:")
    return reason in PULL_REASONS and reason not in NOT_PROBED_REASONS


def targets_of(snap: Snapshot, work: Work) -> list[ProbeTarget]:
    pod = work.pod
    if pod is None:
        return []
    out: list[ProbeTarget] = []
    secrets: tuple[str, ...] | None = None
    for c in work.containers:
        if not is_stuck_pull(c) or not c.image:
            continue
        ref = try_parse(c.image)
        if ref is None:
            continue
        if secrets is None:
            secrets = effective_pull_secrets(snap, pod)
        out.append(ProbeTarget(container=c.name, image=c.image, ref=ref, normalised=ref.with_default_tag,
                               namespace=pod.metadata.namespace, pull_secrets=secrets))
    return out


def _node_platform(node: Node) -> Platform | None:
    labels = node.metadata.labels
    os_ = labels.get("kubernetes.io/os") or labels.get("beta.kubernetes.io/os") or node.status.node_info.operating_system
    arch = labels.get("kubernetes.io/arch") or labels.get("beta.kubernetes.io/arch") \
        or node.status.node_info.architecture
    if not os_ or not arch:
        return None
    return Platform(os=os_, architecture=arch)


def node_platforms(snap: Snapshot, pod: Pod) -> tuple[tuple[str, Platform], ...]:
    """(node name, platform) pairs the pod's image must serve: its node, else every node (unbound pod)."""
    if pod.spec.node_name:
        node = snap.node_by_name.get(pod.spec.node_name)
        p = _node_platform(node) if node is not None else None
        return ((pod.spec.node_name, p),) if p is not None else ()
    out = []
    for node in snap.nodes:
        p = _node_platform(node)
        if p is not None:
            out.append((node.metadata.name, p))
    return tuple(out)


def platform_matches(image: Platform, node: Platform) -> bool:
    """containerd's platforms.Only/Normalize, for what node labels tell (no variant label exists):
    same os and architecture; arm64 images with variant "" or v8 both run; amd64 variants (v2, v3)
    are accepted by containerd's default matcher for amd64; 32-bit arm variants cannot be checked
    from labels, so any arm variant counts as a match."""
    def norm_arch(a: str) -> str:
        return {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm",
                "i386": "386"}.get(a.lower(), a.lower())

    return image.os.lower() == node.os.lower() and norm_arch(image.architecture) == norm_arch(node.architecture)
