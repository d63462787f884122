"""What the image-pull analyzer knows of one stuck container (the texts that may carry the cause, the
parsed reference, the registry host) and the ranks and code families its findings use."""

from __future__ import annotations

from dataclasses import dataclass, field

from podwhy.analyzers.base import StuckContainer, Work
from podwhy.analyzers.imagepull.classify import Classification
from podwhy.analyzers.imagepull.reference import Reference
from podwhy.findings import Evidence
from podwhy.model import Event, Pod
from podwhy.snapshot import Snapshot

# Event reasons that can carry the runtime's answer (kubelet pkg/kubelet/events/event.go; B1.2). Pasted
# events also use the waiting reason as the event reason, with the raw runtime text as the message.
CAUSE_EVENT_REASONS = frozenset({
    "Failed", "ErrImagePull", "InspectFailed", "ErrImageNeverPull", "InvalidImageName", "ImagePullBackOff",
    "BackOff", "ImageInspectError", "RegistryUnavailable", "SignatureValidationFailed",
})

AUTHISH = frozenset({"registry.auth-failed", "image.not-found-or-unauthorized"})
NETWORKISH = frozenset({"registry.dns-failure", "registry.unreachable", "registry.tls-error",
                        "registry.http-https-mismatch", "image.pull-timeout"})
IMAGE_CODES = frozenset({"image.tag-not-found", "image.repository-not-found", "image.not-found-or-unauthorized",
                         "image.platform-mismatch", "image.invalid-reference", "image.never-pull-absent"})

# Ranks: node and secret root causes before what the registry said about them (findings.py: lower first).
RANK_NODE = 15
RANK_SECRET = 20
RANK_INVALID = 25
RANK_PRIMARY = 30
RANK_SECONDARY = 35
RANK_SIDE = 45
RANK_UNKNOWN = 90

EXPIRED_NOTE = ("the events that carried the registry's answer have expired (kept 1 h by default) and, before "
                "Kubernetes 1.32, the waiting message `Back-off pulling image` does not repeat it")


@dataclass
class Seen:
    """One text that may carry the cause, with where it came from."""

    text: str
    evidence: Evidence
    cls: Classification
    when: str = ""


@dataclass
class ContainerCase:
    snap: Snapshot
    work: Work
    pod: Pod
    c: StuckContainer
    ref: Reference | None
    host: str
    seen: list[Seen] = field(default_factory=list)
    secret_events: list[Event] = field(default_factory=list)

    @property
    def image_field(self) -> str:
        return f".spec.{self.c.role}s[?(@.name=={self.c.name!r})].image"
