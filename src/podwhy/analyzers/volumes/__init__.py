"""Volume diagnosis (issue 5): why a pod's claim is missing or not bound, where its volumes pin it,
and whether attach limits are used up. Semantics A1.4, A2.7-A2.10.

Runs before the scheduling analyzer, which leaves `volume.*` findings to this one. Recomputes from
PVC/PV/StorageClass/CSINode/Node objects when they were loaded; otherwise the scheduler's own text
(every version's wording, messages.py) is the evidence, with lower confidence.
"""

from __future__ import annotations

from podwhy.analyzers.base import Analyzer, Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.volumes import affinity, limits, pvc
from podwhy.analyzers.volumes.common import RANK_ROOT, RANK_TEXT, pod_claims, scheduler_evidence
from podwhy.analyzers.volumes.messages import SC_NOT_FOUND, SchedulerSays, scheduler_says
from podwhy.findings import Evidence, Finding, Fix
from podwhy.model import PersistentVolume, PersistentVolumeClaim

CREATING = ("ContainerCreating", "PodInitializing", "Pending")


def _applies(work: Work) -> bool:
    pod = work.pod
    if pod is None:
        return False
    return work.unscheduled or (bool(pod.spec.node_name) and work.state in CREATING)


def analyze(ctx: Context, work: Work) -> None:
    if not _applies(work):
        return
    pod = work.pod
    assert pod is not None
    snap = ctx.snapshot
    says = scheduler_says(ctx, work) if work.unscheduled else SchedulerSays()
    claims = pod_claims(pod)
    found: list[Finding] = []
    bound: list[tuple[PersistentVolumeClaim, PersistentVolume]] = []
    if snap.has("PersistentVolumeClaim"):
        for pc in claims:
            obj = snap.get("PersistentVolumeClaim", work.namespace, pc.claim)
            if not isinstance(obj, PersistentVolumeClaim):
                found.append(pvc.missing_claim(ctx, work, pc, says))
                continue
            if obj.metadata.deletion_timestamp:
                found.append(pvc.deleting_claim(work, pc, obj, says))
                continue
            phase = obj.status.phase
            if phase == "Lost":
                found.append(pvc.lost_claim(work, pc, obj))
                continue
            if phase == "Bound" and obj.spec.volume_name:
                pv = snap.get("PersistentVolume", "", obj.spec.volume_name)
                if isinstance(pv, PersistentVolume):
                    bound.append((obj, pv))
                elif snap.has("PersistentVolume"):
                    found.append(pvc.lost_claim(work, pc, obj))
                continue
            f = pvc.unbound_claim(ctx, work, pc, obj, says)
            if f is not None:
                found.append(f)
    else:
        found.extend(_text_claims(ctx, work, says, [pc.claim for pc in claims]))
    if work.unscheduled:
        if bound:
            f = affinity.analyze(ctx, work, bound, says)
            if f is not None:
                found.append(f)
        elif says.node_affinity or says.zone:
            found.append(affinity.from_text_only(work, says))
        lf = limits.analyze(ctx, work, says)
        if lf is not None:
            found.append(lf)
    for f in found:
        work.add(f)


def _text_claims(ctx: Context, work: Work, says: SchedulerSays, claims: list[str]) -> list[Finding]:
    """PersistentVolumeClaims were not loaded: the scheduler's words, and the claims' own events (which a
    `kubectl cluster-info dump` keeps), are all we have."""
    out: list[Finding] = []
    ns = work.namespace
    ev = scheduler_evidence(work, says)
    if says.unbound_immediate:
        out.extend(_classes_missing_by_events(ctx, work, claims, ev))
    for name in says.missing_claims + says.ephemeral_waiting:
        eph = name in says.ephemeral_waiting
        out.append(Finding(
            code="volume.pvc-not-found", severity="error", confidence="likely", rank=RANK_ROOT,
            cause=(f"The scheduler cannot find PersistentVolumeClaim {name!r} in namespace {ns!r}" +
                   (" (the ephemeral volume controller has not created it yet)" if eph else "") +
                   "; claims were not in the input to confirm."),
            evidence=ev, group_key=f"pvc={ns}/{name}",
            fix=Fix(summary=f"Create claim {name!r} in {ns!r} or fix the claim name in the pod template.",
                    commands=[f"kubectl get pvc -n {ns}", f"kubectl describe pod {work.name} -n {ns}"])))
    for name in says.missing_classes:
        out.append(Finding(
            code="volume.storageclass-not-found", severity="error", confidence="likely", rank=RANK_ROOT,
            cause=(f"The pod's claim asks for StorageClass {name!r}, which does not exist (the scheduler could not "
                   "find it); claims/StorageClasses were not in the input to name alternatives."),
            evidence=ev, group_key=f"storageclass={name}",
            fix=Fix(summary="Recreate the claim with an existing storageClassName, or create that StorageClass.",
                    commands=["kubectl get storageclass", f"kubectl get pvc -n {ns}"])))
    for name in says.deleting_claims:
        out.append(Finding(
            code="volume.pvc-not-found", severity="error", confidence="likely", rank=RANK_ROOT,
            cause=f"PersistentVolumeClaim {name!r} is being deleted, so the scheduler will not place the pod.",
            evidence=ev, group_key=f"pvc={ns}/{name}",
            fix=Fix(summary="Let the deletion finish, then recreate the claim.",
                    commands=[f"kubectl describe pvc {name} -n {ns}"])))
    for name, pv in says.lost_claims:
        out.append(Finding(
            code="volume.pvc-unbound", severity="error", confidence="likely", rank=RANK_ROOT,
            cause=f"PersistentVolumeClaim {name!r} is bound to PersistentVolume {pv!r}, which no longer exists.",
            evidence=ev, group_key=f"pvc={ns}/{name}",
            fix=Fix(summary="Recreate the PV for the same disk, or recreate the claim.",
                    commands=[f"kubectl get pv {pv}", f"kubectl describe pvc {name} -n {ns}"])))
    if says.unbound_immediate and not out:
        named = ("PersistentVolumeClaim(s) " + ", ".join(repr(c) for c in claims)) if claims else "claims"
        cmds = [f"kubectl describe pvc {c} -n {ns}" for c in claims[:3]] or [f"kubectl get pvc -n {ns}"]
        out.append(Finding(
            code="volume.pvc-unbound", severity="error", confidence="likely", rank=RANK_ROOT,
            cause=(f"The pod uses {named} that are not bound (Immediate binding), so "
                   "the scheduler will not place it. Usual reasons: no StorageClass named and no default "
                   "StorageClass, a provisioner that is not installed or failing, or no matching PV; claims were "
                   "not in the input to tell which."),
            evidence=ev, group_key=f"pod-claims={ns}/{','.join(claims) or work.name}",
            fix=Fix(summary=("Read the claim's events (ProvisioningFailed / FailedBinding / ExternalProvisioning) "
                             "and check that a default StorageClass exists."),
                    commands=[*cmds, "kubectl get storageclass"])))
    if says.prebind and not out:
        out.append(Finding(
            code="volume.pvc-unbound", severity="error", confidence="likely", rank=RANK_ROOT,
            cause=("The scheduler chose a node but binding/provisioning the pod's WaitForFirstConsumer volume(s) "
                   f"failed: {says.prebind}"),
            evidence=ev, group_key=f"pod={ns}/{work.name}",
            fix=Fix(summary="Read the claims' ProvisioningFailed events and the provisioner's logs.",
                    commands=[*(f"kubectl describe pvc {c} -n {ns}" for c in claims[:3]), "kubectl get storageclass"])))
    if says.missing_pv and not out:
        out.append(Finding(
            code="volume.pvc-unbound", severity="error", confidence="likely", rank=RANK_ROOT,
            cause=("The scheduler reports the pod's claim(s) bound to PersistentVolume(s) that no longer exist; "
                   "claims/PVs were not in the input to name them."),
            evidence=ev, group_key=f"pod={ns}/{work.name}",
            fix=Fix(summary="Recreate the missing PV for the same disk, or recreate the claim.",
                    commands=[f"kubectl get pvc -n {ns} -o wide", "kubectl get pv"])))
    if (says.no_pv or says.no_capacity) and not out:
        out.append(Finding(
            code="volume.pvc-unbound", severity="error", confidence="possible", rank=RANK_TEXT,
            cause=("The scheduler found no node where the pod's WaitForFirstConsumer claim can be satisfied "
                   "(no matching available PV, or not enough CSI storage capacity); claims were not in the input."),
            evidence=ev, group_key=f"pod={ns}/{work.name}",
            fix=Fix(summary="Create matching PVs (local volumes) on usable nodes, or free storage capacity.",
                    commands=[f"kubectl get pvc -n {ns}", "kubectl get pv", "kubectl get csistoragecapacities -A"])))
    return out


ANALYZER = Analyzer(name="volumes", analyze=analyze)


def _classes_missing_by_events(ctx: Context, work: Work, claims: list[str], ev: list[Evidence]) -> list[Finding]:
    """An Immediate claim whose newest ProvisioningFailed event is the PV controller's StorageClass
    NotFound (pkg/controller/volume/persistentvolume/pv_controller.go provisionClaim, v1.34.4)."""
    out: list[Finding] = []
    ns = work.namespace
    for claim in claims:
        failed = [e for e in ctx.snapshot.events_named("PersistentVolumeClaim", ns, claim)
                  if e.reason == "ProvisioningFailed"]
        m = SC_NOT_FOUND.search(failed[-1].message) if failed else None
        if m is None:
            continue
        name = m.group(1)
        out.append(Finding(
            code="volume.storageclass-not-found", severity="error", confidence="likely", rank=RANK_ROOT,
            cause=(f"PersistentVolumeClaim {claim!r} asks for StorageClass {name!r}, which does not exist (its "
                   "newest ProvisioningFailed event); claims/StorageClasses were not in the input to confirm."),
            evidence=[*ev, from_event(failed[-1])], group_key=f"storageclass={name}",
            fix=Fix(summary="Recreate the claim with an existing storageClassName, or create that StorageClass.",
                    commands=["kubectl get storageclass", f"kubectl describe pvc {claim} -n {ns}"])))
    return out
