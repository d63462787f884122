"""Shared pieces of the volume analyzer: the pod's claims, ranks, evidence builders."""

from __future__ import annotations

from dataclasses import dataclass

from podwhy.analyzers.base import Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.volumes.messages import SchedulerSays
from podwhy.findings import Evidence
from podwhy.model import Event, Pod

# Root causes (a claim that blocks the whole pod) sort before the scheduling analyzer's findings
# (default rank 50); a volume reason read only from the scheduler's text sorts just after them;
# an explanatory note (WaitForFirstConsumer) comes last, before the fallback.
RANK_ROOT = 20
RANK_TEXT = 28
RANK_PARTIAL = 60
RANK_NOTE = 90


@dataclass(frozen=True)
class PodClaim:
    volume: str
    claim: str
    ephemeral: bool

    def field(self) -> str:
        if self.ephemeral:
            return f".spec.volumes[?(@.name=={self.volume!r})].ephemeral"
        return f".spec.volumes[?(@.name=={self.volume!r})].persistentVolumeClaim.claimName"


def pod_claims(pod: Pod) -> list[PodClaim]:
    """Claims a pod uses; a generic ephemeral volume's claim is `<pod>-<volume>`
    (k8s.io/component-helpers/storage/ephemeral/ephemeral.go VolumeClaimName)."""
    out = []
    for v in pod.spec.volumes:
        if v.persistent_volume_claim is not None and v.persistent_volume_claim.claim_name:
            out.append(PodClaim(v.name, v.persistent_volume_claim.claim_name, False))
        elif v.ephemeral is not None:
            out.append(PodClaim(v.name, f"{pod.metadata.name}-{v.name}", True))
    return out


def claim_evidence(work: Work, pc: PodClaim) -> Evidence:
    return Evidence(ref=work.ref, field=pc.field(), observed=pc.claim if not pc.ephemeral else
                    f"generic ephemeral volume (claim {pc.claim})")


def scheduler_evidence(work: Work, says: SchedulerSays) -> list[Evidence]:
    if says.evidence_event is not None:
        return [from_event(says.evidence_event)]
    if says.message:
        return [Evidence(ref=work.ref, field=".status.conditions[?(@.type=='PodScheduled')].message",
                         observed=says.message)]
    return []


def event_list(events: list[Event], limit: int = 2) -> list[Evidence]:
    return [from_event(e) for e in events[-limit:]]
