"""Why a pod's PersistentVolumeClaim is missing or not bound, and what to do.

Follows the PV controller (pkg/controller/volume/persistentvolume/pv_controller.go, 1.35):
syncUnboundClaim binds a matching PV (pvmatch.py), else provisions through the claim's StorageClass
(provisionClaim: in-tree `kubernetes.io/*` plugins itself, anything else by setting the
`volume.kubernetes.io/storage-provisioner` annotation and emitting `ExternalProvisioning`
"waiting for a volume to be created, either by the external provisioner %q or manually by the
system administrator..." for an external provisioner to act on), else emits `FailedBinding`
("no persistent volumes available for this claim and no storage class is set"). A
WaitForFirstConsumer claim is left alone until the scheduler picks a node and writes the
`volume.kubernetes.io/selected-node` annotation (event `WaitForFirstConsumer`).
"""

from __future__ import annotations

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.volumes import pvmatch
from podwhy.analyzers.volumes.common import (
    RANK_NOTE,
    RANK_ROOT,
    PodClaim,
    claim_evidence,
    event_list,
    scheduler_evidence,
)
from podwhy.analyzers.volumes.messages import SC_NOT_FOUND, SchedulerSays
from podwhy.analyzers.volumes.storageclass import (
    NO_PROVISIONER,
    PROVISIONER_ANNOTATIONS,
    SELECTED_NODE,
    binding_mode,
    claim_class,
    find_class,
    is_in_tree,
    nearest_classes,
)
from podwhy.findings import Confidence, Evidence, Finding, Fix
from podwhy.model import PersistentVolume, PersistentVolumeClaim, StorageClass

DEFAULT_ANN = "storageclass.kubernetes.io/is-default-class"
SHOWN_PVS = 10
DETAIL_PVS = 50


def _pvc_ref(pvc: PersistentVolumeClaim) -> str:
    return f"PersistentVolumeClaim/{pvc.metadata.namespace}/{pvc.metadata.name}"


def _describe(ns: str, claim: str) -> str:
    return f"kubectl describe pvc {claim} -n {ns}"


def missing_claim(ctx: Context, work: Work, pc: PodClaim, says: SchedulerSays) -> Finding:
    """The claim is not in the snapshot (PersistentVolumeClaims were loaded)."""
    snap, ns = ctx.snapshot, work.namespace
    ev = [claim_evidence(work, pc)]
    if pc.claim in says.missing_claims or pc.claim in says.ephemeral_waiting:
        ev += scheduler_evidence(work, says)
    if pc.ephemeral:
        return Finding(
            code="volume.pvc-not-found", severity="error", confidence="certain", rank=RANK_ROOT,
            cause=(f"Generic ephemeral volume {pc.volume!r} needs claim {pc.claim!r}, which the ephemeral volume "
                   f"controller (kube-controller-manager) has not created."),
            evidence=ev, group_key=f"pvc={ns}/{pc.claim}",
            fix=Fix(summary=("Check that kube-controller-manager runs the ephemeral-volume controller and read the "
                             "pod's events for why the claim was not created (e.g. a claim of that name owned by "
                             "another pod, or quota on persistentvolumeclaims)."),
                    commands=[f"kubectl get pvc {pc.claim} -n {ns}", f"kubectl get events -n {ns} "
                              f"--field-selector involvedObject.name={work.name}"]))
    names = [p.metadata.name for p in snap.pvcs if p.metadata.namespace == ns]
    from rapidfuzz import fuzz, process  # imported when needed: it costs the cold start ~10 ms
    near = [n for n, score, _ in process.extract(pc.claim, names, scorer=fuzz.WRatio, limit=3) if score >= 70]
    elsewhere = sorted(o.metadata.namespace for o in snap.by_name("PersistentVolumeClaim", pc.claim))
    ev.append(Evidence(ref=f"PersistentVolumeClaim/{ns}/{pc.claim}", field="", observed="not found in the snapshot",
                       expected=f"a PersistentVolumeClaim named {pc.claim!r} in namespace {ns!r}"))
    cause = f"Volume {pc.volume!r} uses PersistentVolumeClaim {pc.claim!r}, which does not exist in namespace {ns!r}"
    extra = []
    if near:
        extra.append(f"similar claims in {ns}: {', '.join(near)}")
    if elsewhere:
        extra.append(f"a claim of that name exists in namespace(s) {', '.join(elsewhere)} (claims are namespaced)")
    if extra:
        cause += " (" + "; ".join(extra) + ")"
    cause += "."
    cmds = [f"kubectl get pvc -n {ns}"]
    if near:
        cmds.append(f"# or point the volume at {near[0]!r} in the workload's pod template")
    patch = (f"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {pc.claim}\n  namespace: {ns}\n"
             "spec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n"
             "  # storageClassName: <class>  (omit to use the default StorageClass)\n")
    return Finding(
        code="volume.pvc-not-found", severity="error", confidence="certain", rank=RANK_ROOT, cause=cause,
        evidence=ev, group_key=f"pvc={ns}/{pc.claim}",
        details={"claim": pc.claim, "similar": near, "otherNamespaces": elsewhere},
        fix=Fix(summary=f"Create PersistentVolumeClaim {pc.claim!r} in {ns!r} (size/class to suit), or fix the "
                        "claim name in the pod template.", commands=cmds, patches=[patch]))


def deleting_claim(work: Work, pc: PodClaim, pvc: PersistentVolumeClaim, says: SchedulerSays) -> Finding:
    return Finding(
        code="volume.pvc-not-found", severity="error", confidence="certain", rank=RANK_ROOT,
        cause=(f"PersistentVolumeClaim {pc.claim!r} is being deleted (deletionTimestamp "
               f"{pvc.metadata.deletion_timestamp}); the scheduler will not place a pod on a terminating claim, and "
               "the kubernetes.io/pvc-protection finalizer keeps it until no pod uses it."),
        evidence=[claim_evidence(work, pc), Evidence(ref=_pvc_ref(pvc), field=".metadata.deletionTimestamp",
                                                     observed=str(pvc.metadata.deletion_timestamp)),
                  *scheduler_evidence(work, says)],
        group_key=f"pvc={work.namespace}/{pc.claim}",
        fix=Fix(summary="Let the deletion finish (delete the pods still using the claim), then recreate the claim.",
                commands=[f"kubectl get pods -n {work.namespace} -o wide", _describe(work.namespace, pc.claim)]))


def lost_claim(work: Work, pc: PodClaim, pvc: PersistentVolumeClaim) -> Finding:
    return Finding(
        code="volume.pvc-unbound", severity="error", confidence="certain", rank=RANK_ROOT,
        cause=(f"PersistentVolumeClaim {pc.claim!r} is bound to PersistentVolume {pvc.spec.volume_name!r}, which no "
               f"longer exists (claim phase {pvc.status.phase or '?'}): its data is gone or the PV object was "
               "deleted."),
        evidence=[claim_evidence(work, pc), Evidence(ref=_pvc_ref(pvc), field=".spec.volumeName",
                                                     observed=pvc.spec.volume_name, expected="an existing PV"),
                  Evidence(ref=_pvc_ref(pvc), field=".status.phase", observed=pvc.status.phase or "?")],
        group_key=f"pvc={work.namespace}/{pc.claim}",
        fix=Fix(summary="Recreate the PersistentVolume (same name, pointing at the same backing disk) or delete and "
                        "recreate the claim to provision a new, empty volume.",
                commands=[f"kubectl get pv {pvc.spec.volume_name}", _describe(work.namespace, pc.claim)]))


def _pv_table_details(verdicts: list[pvmatch.PVVerdict]) -> dict[str, object]:
    return {"persistentVolumes": [v.as_row() for v in verdicts]}


def _static_no_match(ctx: Context, work: Work, pc: PodClaim, pvc: PersistentVolumeClaim, cls: str,
                     why: str, ev: list[Evidence], rank: int = RANK_ROOT) -> Finding:
    snap = ctx.snapshot
    verdicts = pvmatch.compare_all(pvc, snap.pvs, cls, ctx.cache)
    want = (f"{pvc.spec.resources.requests.get('storage', '?')}, {','.join(pvc.spec.access_modes) or '-'}, "
            f"{pvc.spec.volume_mode or 'Filesystem'}, class {cls or '(none)'}")
    if not snap.has("PersistentVolume"):
        cause = f"PersistentVolumeClaim {pc.claim!r} ({want}) is not bound: {why}. PersistentVolumes were not in the input to compare."
        details: dict[str, object] = {}
        conf: Confidence = "likely"
    elif not verdicts:
        cause = f"PersistentVolumeClaim {pc.claim!r} ({want}) is not bound: {why}, and there are no PersistentVolumes at all."
        details = {"persistentVolumes": []}
        conf = "certain"
    else:
        # Nearest candidates first (same class, free, fewest mismatches); big clusters get a cut table.
        ranked = sorted(verdicts, key=lambda v: (v.storage_class != cls, bool(v.claim_ref) and v.phase == "Bound",
                                                 len(v.mismatches)))
        cause = (f"PersistentVolumeClaim {pc.claim!r} ({want}) is not bound: {why}, and none of the "
                 f"{len(verdicts)} PersistentVolume(s) matches: {pvmatch.summary(ranked)}.")
        ev = ev + pvmatch.evidence(ranked, want, SHOWN_PVS)
        details = _pv_table_details(ranked[:DETAIL_PVS])
        conf = "certain"
    ns = work.namespace
    return Finding(
        code="volume.pvc-unbound", severity="error", confidence=conf, rank=rank, cause=cause, evidence=ev,
        details={"claim": pc.claim, "requested": want, **details}, group_key=f"pvc={ns}/{pc.claim}",
        fix=Fix(summary=("Create a PersistentVolume that matches the claim (capacity >= request, the same "
                         "storageClassName, volumeMode and every access mode, labels matching any selector), or "
                         "change the claim to match an existing one (claims are immutable: recreate it)."),
                commands=[_describe(ns, pc.claim), "kubectl get pv -o wide"]))


def _class_missing(ctx: Context, work: Work, pc: PodClaim, pvc: PersistentVolumeClaim, name: str,
                   ev: list[Evidence]) -> Finding:
    near = nearest_classes(ctx.snapshot, name)
    ns = work.namespace
    cause = f"PersistentVolumeClaim {pc.claim!r} asks for StorageClass {name!r}, which does not exist"
    cause += f"; existing classes, nearest first: {', '.join(near)}." if near else "; the cluster has no StorageClass."
    cmds = ["kubectl get storageclass"]
    patches = []
    if near:
        cmds.append(f"kubectl get pvc {pc.claim} -n {ns} -o yaml > pvc.yaml   # set storageClassName: {near[0]}, "
                    f"then: kubectl delete pvc {pc.claim} -n {ns} && kubectl apply -f pvc.yaml")
        patches.append(f"spec:\n  storageClassName: {near[0]}\n")
    return Finding(
        code="volume.storageclass-not-found", severity="error", confidence="certain", rank=RANK_ROOT, cause=cause,
        evidence=ev, details={"claim": pc.claim, "storageClass": name, "suggestions": near},
        group_key=f"storageclass={name}",
        fix=Fix(summary=(f"Recreate the claim with an existing storageClassName ({near[0]!r}?)" if near else
                         f"Create StorageClass {name!r} (install the storage driver)") +
                " or create the missing StorageClass; storageClassName of an existing claim cannot be changed.",
                commands=cmds, patches=patches))


def _no_default(ctx: Context, work: Work, pc: PodClaim, pvc: PersistentVolumeClaim, ev: list[Evidence],
                events_text: list[Evidence]) -> Finding:
    snap, ns = ctx.snapshot, work.namespace
    defaults = snap.default_storage_classes
    names = [s.metadata.name for s in snap.storage_classes]
    ev = [*ev, Evidence(ref=_pvc_ref(pvc), field=".spec.storageClassName", observed="(not set)",
                        expected="a StorageClass name, or a default StorageClass in the cluster"), *events_text]
    if len(defaults) > 1:
        dn = ", ".join(d.metadata.name for d in defaults)
        cause = (f"PersistentVolumeClaim {pc.claim!r} names no StorageClass and {len(defaults)} StorageClasses are "
                 f"marked default ({dn}); before 1.26 admission rejects such claims, and a claim created while no "
                 "single default existed keeps no class.")
        conf: Confidence = "likely"
        summary = "Keep exactly one default StorageClass, or set storageClassName on the claim."
        cmds = [f"kubectl patch storageclass {d.metadata.name} -p "
                f"'{{\"metadata\":{{\"annotations\":{{\"{DEFAULT_ANN}\":\"false\"}}}}}}'" for d in defaults[1:]]
    elif defaults:
        d = defaults[0].metadata.name
        cause = (f"PersistentVolumeClaim {pc.claim!r} names no StorageClass: it was created before {d!r} became the "
                 "default, and Kubernetes before 1.28 never assigns a default to an existing claim.")
        conf = "likely"
        summary = f"Set storageClassName: {d} on the claim (1.28+ allows it on a Pending claim; older: recreate it)."
        cmds = [f"kubectl patch pvc {pc.claim} -n {ns} -p '{{\"spec\":{{\"storageClassName\":\"{d}\"}}}}'"]
    else:
        cause = (f"PersistentVolumeClaim {pc.claim!r} names no StorageClass and the cluster has no default "
                 f"StorageClass" + (f" (classes: {', '.join(names)})" if names else " (no StorageClass at all)") +
                 ", so nothing provisions it and only a pre-created PV without a class could bind it.")
        conf = "certain"
        if names:
            summary = f"Mark one StorageClass as default (e.g. {names[0]!r}) or set storageClassName on the claim."
            cmds = [f"kubectl patch storageclass {names[0]} -p "
                    f"'{{\"metadata\":{{\"annotations\":{{\"{DEFAULT_ANN}\":\"true\"}}}}}}'",
                    f"kubectl patch pvc {pc.claim} -n {ns} -p '{{\"spec\":{{\"storageClassName\":\"{names[0]}\"}}}}'"]
        else:
            summary = "Install a storage provisioner (CSI driver) with a default StorageClass, or create a matching PV."
            cmds = ["kubectl get storageclass", "kubectl get csidrivers"]
    return Finding(code="volume.storageclass-not-found", severity="error", confidence=conf, rank=RANK_ROOT,
                   cause=cause, evidence=ev, group_key="storageclass=(default)",
                   details={"claim": pc.claim, "defaults": [d.metadata.name for d in defaults], "classes": names},
                   fix=Fix(summary=summary, commands=cmds))


def _provisioner_events(ctx: Context, pvc: PersistentVolumeClaim) -> tuple[list, list, list, list]:  # type: ignore[type-arg]
    evs = ctx.snapshot.events_for(pvc)
    failed = [e for e in evs if e.reason == "ProvisioningFailed"]
    external = [e for e in evs if e.reason == "ExternalProvisioning"]
    started = [e for e in evs if e.reason in ("Provisioning", "ProvisioningSucceeded")]
    binding = [e for e in evs if e.reason == "FailedBinding"]
    return failed, external, started, binding


def _provisioning(ctx: Context, work: Work, pc: PodClaim, pvc: PersistentVolumeClaim, sc: StorageClass,
                  ev: list[Evidence], says: SchedulerSays) -> Finding | None:
    """An unbound claim whose class provisions dynamically: is the provisioner there and what did it say?"""
    snap, ns = ctx.snapshot, work.namespace
    prov = sc.provisioner
    failed, external, started, _ = _provisioner_events(ctx, pvc)
    sc_ev = Evidence(ref=f"StorageClass/{sc.metadata.name}", field=".provisioner", observed=prov)
    if failed:
        last = failed[-1]
        return Finding(
            code="volume.pvc-unbound", severity="error", confidence="certain", rank=RANK_ROOT,
            cause=(f"Provisioner {prov!r} (StorageClass {sc.metadata.name!r}) failed to create a volume for "
                   f"PersistentVolumeClaim {pc.claim!r}: {last.message}"),
            evidence=[*ev, sc_ev, *event_list(failed, 1)], group_key=f"storageclass={sc.metadata.name}",
            details={"claim": pc.claim, "storageClass": sc.metadata.name, "provisioner": prov},
            fix=Fix(summary=("Fix what the provisioner reports (quoted), e.g. cloud quota/permissions, invalid "
                             "StorageClass parameters, unsupported size or access mode; it retries on its own."),
                    commands=[_describe(ns, pc.claim), f"kubectl get storageclass {sc.metadata.name} -o yaml"]))
    if is_in_tree(prov):
        return None
    driver_known = snap.has("CSIDriver")
    has_driver = any(d.metadata.name == prov for d in snap.csi_drivers)
    if driver_known and not has_driver:
        conf: Confidence = "likely" if (external and not started) else "possible"
        installed = ", ".join(d.metadata.name for d in snap.csi_drivers) or "none"
        return Finding(
            code="volume.pvc-unbound", severity="error", confidence=conf, rank=RANK_ROOT,
            cause=(f"PersistentVolumeClaim {pc.claim!r} waits for provisioner {prov!r} (StorageClass "
                   f"{sc.metadata.name!r}), which does not appear to be installed: no CSIDriver {prov!r} is "
                   f"registered (installed: {installed})" +
                   (" and the provisioner never reported on the claim." if external and not started else
                    "; non-CSI external provisioners register no CSIDriver, so check its deployment.")),
            evidence=[*ev, sc_ev, Evidence(ref=f"CSIDriver/{prov}", observed="not found", expected="registered driver"),
                      *event_list(external, 1)],
            group_key=f"provisioner={prov}",
            details={"claim": pc.claim, "storageClass": sc.metadata.name, "provisioner": prov,
                     "csiDrivers": [d.metadata.name for d in snap.csi_drivers]},
            fix=Fix(summary=(f"Install (or repair) the storage driver that implements {prov!r}, or use a "
                             "StorageClass whose provisioner is installed."),
                    commands=["kubectl get csidrivers", "kubectl get storageclass",
                              "kubectl get pods -A | grep -i -e csi -e provisioner"]))
    if external and not started:
        return Finding(
            code="volume.pvc-unbound", severity="error", confidence="likely", rank=RANK_ROOT,
            cause=(f"PersistentVolumeClaim {pc.claim!r} waits for external provisioner {prov!r}, which has not "
                   "acted on it (only ExternalProvisioning events, no Provisioning/ProvisioningFailed from the "
                   "provisioner): it is probably not running or not watching this class."),
            evidence=[*ev, sc_ev, *event_list(external, 1)], group_key=f"provisioner={prov}",
            details={"claim": pc.claim, "storageClass": sc.metadata.name, "provisioner": prov},
            fix=Fix(summary=f"Check the {prov!r} provisioner's pods and logs (leader election, RBAC, crash loops).",
                    commands=["kubectl get pods -A | grep -i -e csi -e provisioner", _describe(ns, pc.claim)]))
    return None


def unbound_claim(ctx: Context, work: Work, pc: PodClaim, pvc: PersistentVolumeClaim,
                  says: SchedulerSays) -> Finding | None:
    """A Pending claim: name the reason it is not bound."""
    snap, ns = ctx.snapshot, work.namespace
    cc = claim_class(pvc)
    ev = [claim_evidence(work, pc),
          Evidence(ref=_pvc_ref(pvc), field=".status.phase", observed=pvc.status.phase or "Pending", expected="Bound")]
    if says.unbound_immediate or pc.claim in says.missing_claims:
        ev += scheduler_evidence(work, says)
    _, _, _, binding = _provisioner_events(ctx, pvc)
    if pvc.spec.volume_name:
        # Pre-bound to a named PV by the user.
        pv = snap.get("PersistentVolume", "", pvc.spec.volume_name)
        if snap.has("PersistentVolume") and pv is None:
            return Finding(
                code="volume.pvc-unbound", severity="error", confidence="certain", rank=RANK_ROOT,
                cause=(f"PersistentVolumeClaim {pc.claim!r} asks for PersistentVolume {pvc.spec.volume_name!r} "
                       "(spec.volumeName), which does not exist."),
                evidence=[*ev, Evidence(ref=_pvc_ref(pvc), field=".spec.volumeName", observed=pvc.spec.volume_name,
                                        expected="an existing PersistentVolume")],
                group_key=f"pvc={ns}/{pc.claim}",
                fix=Fix(summary="Create that PersistentVolume, or recreate the claim without spec.volumeName.",
                        commands=["kubectl get pv", _describe(ns, pc.claim)]))
        if isinstance(pv, PersistentVolume):
            v = pvmatch.compare(pvc, pv, cc.name or "")
            if v.mismatches:
                return Finding(
                    code="volume.pvc-unbound", severity="error", confidence="certain", rank=RANK_ROOT,
                    cause=(f"PersistentVolumeClaim {pc.claim!r} is pre-bound to PersistentVolume {pv.metadata.name!r}, "
                           f"which cannot bind it: {'; '.join(v.mismatches)}."),
                    evidence=[*ev, *pvmatch.evidence([v], f"bindable by {pc.claim}")],
                    details={"claim": pc.claim, "persistentVolumes": [v.as_row()]}, group_key=f"pvc={ns}/{pc.claim}",
                    fix=Fix(summary="Make the PV match the claim (or free it), or recreate the claim without volumeName.",
                            commands=[f"kubectl get pv {pv.metadata.name} -o yaml", _describe(ns, pc.claim)]))
        return None
    name = cc.name
    if name is None:
        if snap.has("StorageClass"):
            return _no_default(ctx, work, pc, pvc, ev, event_list(binding, 1))
        if binding:
            return Finding(
                code="volume.storageclass-not-found", severity="error", confidence="likely", rank=RANK_ROOT,
                cause=(f"PersistentVolumeClaim {pc.claim!r} names no StorageClass and the PV controller reports "
                       f"{binding[-1].message!r}: there is no default StorageClass."),
                evidence=[*ev, from_event(binding[-1])], group_key="storageclass=(default)",
                fix=Fix(summary="Mark a StorageClass as default or set storageClassName on the claim.",
                        commands=["kubectl get storageclass", _describe(ns, pc.claim)]))
        return _static_no_match(ctx, work, pc, pvc, "", "it names no StorageClass", ev, RANK_ROOT)
    if name == "":
        return _static_no_match(ctx, work, pc, pvc, "", 'storageClassName is "" (dynamic provisioning disabled)',
                                [*ev, Evidence(ref=_pvc_ref(pvc), field=cc.field, observed='""')])
    ev.append(Evidence(ref=_pvc_ref(pvc), field=cc.field, observed=name))
    sc = find_class(snap, name) if snap.has("StorageClass") else None
    if snap.has("StorageClass") and sc is None:
        if snap.has("PersistentVolume") and any(v.matches for v in pvmatch.compare_all(pvc, snap.pvs, name, ctx.cache)):
            return None  # a static PV of that class matches: the PV controller will bind it
        return _class_missing(ctx, work, pc, pvc, name, ev)
    if sc is None:
        # StorageClasses were not loaded: the claim's events and annotations are the evidence.
        failed, external, started, _ = _provisioner_events(ctx, pvc)
        miss = SC_NOT_FOUND.search(failed[-1].message) if failed else None
        if miss is not None:
            return Finding(
                code="volume.storageclass-not-found", severity="error", confidence="certain", rank=RANK_ROOT,
                cause=(f"PersistentVolumeClaim {pc.claim!r} asks for StorageClass {miss.group(1)!r}, which does not "
                       "exist (the PV controller says so); StorageClasses were not in the input to suggest others."),
                evidence=[*ev, from_event(failed[-1])], group_key=f"storageclass={miss.group(1)}",
                fix=Fix(summary="Recreate the claim with an existing storageClassName, or create that StorageClass.",
                        commands=["kubectl get storageclass", _describe(ns, pc.claim)]))
        if failed:
            return Finding(
                code="volume.pvc-unbound", severity="error", confidence="certain", rank=RANK_ROOT,
                cause=f"Provisioning PersistentVolumeClaim {pc.claim!r} (class {name!r}) failed: {failed[-1].message}",
                evidence=[*ev, from_event(failed[-1])], group_key=f"storageclass={name}",
                fix=Fix(summary="Fix what the provisioner reports; it retries on its own.",
                        commands=[_describe(ns, pc.claim), f"kubectl get storageclass {name} -o yaml"]))
        prov = next((pvc.metadata.annotations[a] for a in PROVISIONER_ANNOTATIONS if a in pvc.metadata.annotations), "")
        if external and not started:
            return Finding(
                code="volume.pvc-unbound", severity="error", confidence="likely", rank=RANK_ROOT,
                cause=(f"PersistentVolumeClaim {pc.claim!r} (class {name!r}) waits for an external provisioner"
                       + (f" {prov!r}" if prov else "") + " that has not acted on it: it is probably not installed "
                       "or not running."),
                evidence=[*ev, *event_list(external, 1)], group_key=f"storageclass={name}",
                fix=Fix(summary="Check that the provisioner/CSI driver of the StorageClass is installed and running.",
                        commands=[f"kubectl get storageclass {name} -o yaml", "kubectl get csidrivers",
                                  "kubectl get pods -A | grep -i -e csi -e provisioner"]))
        if says.unbound_immediate or work.unscheduled:
            return Finding(
                code="volume.pvc-unbound", severity="error", confidence="likely", rank=RANK_ROOT,
                cause=(f"PersistentVolumeClaim {pc.claim!r} (class {name!r}) is not bound and the pod cannot be "
                       "scheduled until it is; StorageClasses were not in the input to check the class and its "
                       "provisioner."),
                evidence=ev, group_key=f"pvc={ns}/{pc.claim}",
                fix=Fix(summary="Check that the StorageClass exists and its provisioner runs; read the claim's events.",
                        commands=[_describe(ns, pc.claim), f"kubectl get storageclass {name}"]))
        return None
    mode = binding_mode(sc)
    selected = pvc.metadata.annotations.get(SELECTED_NODE)
    mode_ev = Evidence(ref=f"StorageClass/{sc.metadata.name}", field=".volumeBindingMode", observed=mode)
    if mode == "WaitForFirstConsumer" and not selected:
        if sc.provisioner == NO_PROVISIONER:
            # Local volumes: only a pre-created PV can ever satisfy the claim.
            if not snap.has("PersistentVolume"):
                return _static_no_match(
                    ctx, work, pc, pvc, name,
                    f"StorageClass {name!r} has provisioner {NO_PROVISIONER}, so only a pre-created PV can bind it",
                    [*ev, mode_ev])
            if not any(v.matches for v in pvmatch.compare_all(pvc, snap.pvs, name, ctx.cache)):
                return _static_no_match(
                    ctx, work, pc, pvc, name,
                    f"StorageClass {name!r} has provisioner {NO_PROVISIONER} (local volumes are never provisioned)",
                    [*ev, mode_ev])
            return None  # a PV exists; whether its node affinity fits is the scheduler's per-node verdict
        if not says.message or says.no_pv or says.no_capacity or says.node_affinity or says.zone or says.limit:
            # The per-node VolumeBinding verdict (allowedTopologies, CSIStorageCapacity) belongs to the
            # scheduling analyzer, which stays silent on volumes once a volume.* finding exists: say nothing.
            return None
        return Finding(
            code="volume.pvc-unbound", severity="info", confidence="certain", rank=RANK_NOTE,
            cause=(f"PersistentVolumeClaim {pc.claim!r} is unbound by design: StorageClass {name!r} uses "
                   "volumeBindingMode WaitForFirstConsumer, so it is bound/provisioned only after the pod is "
                   "scheduled. It is not the blocker; the scheduling findings name what keeps the pod off the nodes."),
            evidence=[*ev, mode_ev], group_key=f"pvc={ns}/{pc.claim}",
            fix=Fix(summary="Nothing to do for the claim; fix the scheduling blocker."))
    found = _provisioning(ctx, work, pc, pvc, sc, [*ev, mode_ev], says)
    if found is not None:
        return found
    if sc.provisioner == NO_PROVISIONER:
        return _static_no_match(ctx, work, pc, pvc, name,
                                f"StorageClass {name!r} has provisioner {NO_PROVISIONER} (no dynamic provisioning)",
                                [*ev, mode_ev])
    if pvc.spec.selector is not None:
        return _static_no_match(ctx, work, pc, pvc, name,
                                "it has a spec.selector, which dynamic provisioners do not support", [*ev, mode_ev])
    if says.unbound_immediate or work.unscheduled:
        return Finding(
            code="volume.pvc-unbound", severity="error", confidence="likely", rank=RANK_ROOT,
            cause=(f"PersistentVolumeClaim {pc.claim!r} (StorageClass {name!r}, provisioner {sc.provisioner!r}, "
                   f"{mode}) is not bound yet and the pod cannot be scheduled until it is."),
            evidence=[*ev, mode_ev], group_key=f"pvc={ns}/{pc.claim}",
            fix=Fix(summary="Read the claim's events and the provisioner's logs.",
                    commands=[_describe(ns, pc.claim), "kubectl get pods -A | grep -i -e csi -e provisioner"]))
    return None
