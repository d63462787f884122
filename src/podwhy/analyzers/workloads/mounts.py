"""`start.mount-failed`: the kubelet / attach-detach controller cannot attach or mount a volume (and
`start.config-missing` when the volume's Secret/ConfigMap or key does not exist).

Event texts (Warning on the pod):
* `FailedMount` from the kubelet volume manager (pkg/volume/util/operationexecutor/operation_generator.go,
  1.14-1.35): `MountVolume.SetUp failed for volume %q : <plugin error>` (secret/configMap plugins:
  `secret "y" not found`, `configmap "y" not found`, `configmap references non-existent config key: %s`,
  `references non-existent secret key: %s`), `MountVolume.MountDevice failed for volume %q : ...`,
  `MountVolume.WaitForAttach failed ...`, `MountVolume.NewMounter initialization failed ...`; CSI
  (pkg/volume/csi/csi_plugin.go): `driver name %s not found in the list of registered CSI drivers`;
  the reconciler's summary (pkg/kubelet/volumemanager/volume_manager.go): 1.17+ `Unable to attach or mount
  volumes: unmounted volumes=[...], unattached volumes=[...]: timed out waiting for the condition`,
  earlier `Unable to mount volumes for pod "...": timeout expired waiting for volumes to attach or mount
  for pod "..". list of unmounted volumes=[...]`.
* `FailedAttachVolume` from the attach-detach controller (pkg/controller/volume/attachdetach/reconciler):
  `Multi-Attach error for volume %q Volume is already used by pod(s) %s` (pods in the same namespace) /
  `... Volume is already exclusively attached to one node and can't be attached to another`;
  `AttachVolume.Attach failed for volume %q : <cloud/CSI error>`.
"""

from __future__ import annotations

import re

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.findings import Confidence, Evidence, Finding, Fix
from podwhy.model import CSINode, Event, PersistentVolumeClaim, Pod

VOLUME = re.compile(r'for volume "(?P<vol>[^"]+)"')
SOURCE_MISSING = re.compile(r'(?P<kind>secret|configmap)s? "(?P<name>[^"]+)" not found', re.I)
# configmap/configmap.go and secret/secret.go: `configmap references non-existent config key: %s`,
# `references non-existent secret key: %s`; some builds: `volume %s items %s/%s references non-existent config
# key: %s`; very old ones without the key.
KEY_MISSING = re.compile(r"(?:(?P<kind>configmap|secret) |items (?P<ns>[^/\s]+)/(?P<name>\S+) )?references "
                         r"non-existent (?P<kind2>config|secret) key(?:: (?P<key>\S+))?", re.I)
MULTI_ATTACH = re.compile(r'Multi-Attach error for volume "(?P<vol>[^"]+)"')
USED_BY = re.compile(r"already used by pod\(s\) (?P<pods>.+?)\s*$")
CSI_MISSING = re.compile(r"driver name (?P<driver>\S+) not found in the list of registered CSI drivers")
# volume_manager.go / operation_generator.go on a pod whose claim is not usable (e.g. nodeName set by hand).
PVC_PROBLEM = re.compile(r'error processing PVC (?P<claim>\S+): (?P<err>[^:]+)|PVC (?P<claim2>\S+) has non-bound phase|'
                         r'persistentvolumeclaims? "(?P<claim3>[^"]+)" not found')
# local/hostPath volumes (pkg/volume/local, hostpath): `path %q does not exist`, `hostPath type check failed`.
PATH_MISSING = re.compile(r'path "(?P<path>[^"]+)" does not exist|hostPath type check failed: (?P<hp>.*)')
# Token controller naming of legacy ServiceAccount token secrets (<= 1.23 auto-created): `<sa>-token-<5 chars>`.
SA_TOKEN = re.compile(r"^[a-z0-9.-]+-token-[a-z0-9]{5}$")
TIMEOUT = re.compile(r"unmounted volumes=\[(?P<vols>[^\]]*)\]|list of unmounted volumes=\[(?P<vols2>[^\]]*)\]")

REASONS = ("FailedMount", "FailedAttachVolume", "FailedMapVolume")


def _pods_using_pv(ctx: Context, pv_name: str, me: Pod) -> list[Pod]:
    snap = ctx.snapshot
    claims = {(c.metadata.namespace, c.metadata.name) for c in snap.pvcs if c.spec.volume_name == pv_name}
    out = []
    for p in snap.pods:
        if p.metadata.name == me.metadata.name and p.metadata.namespace == me.metadata.namespace:
            continue
        if p.status.phase in ("Succeeded", "Failed"):
            continue
        for v in p.spec.volumes:
            pvc = v.persistent_volume_claim
            if pvc is not None and (p.metadata.namespace, pvc.claim_name) in claims:
                out.append(p)
                break
    return out


def _claim_of_pv(ctx: Context, pv_name: str) -> PersistentVolumeClaim | None:
    return next((c for c in ctx.snapshot.pvcs if c.spec.volume_name == pv_name), None)


def _multi_attach(ctx: Context, work: Work, e: Event, m: re.Match[str]) -> Finding:
    pod = work.pod
    assert pod is not None
    vol, ns = m.group("vol"), work.namespace
    holders = _pods_using_pv(ctx, vol, pod) if ctx.snapshot.has("Pod") else []
    named = USED_BY.search(e.message)
    named_pods = [p.strip() for p in named.group("pods").split(",")] if named else []
    if not holders and named_pods:
        holders = [p for p in ctx.snapshot.pods if p.metadata.namespace == ns and p.metadata.name in named_pods]
    claim = _claim_of_pv(ctx, vol)
    held = ", ".join(f"{p.metadata.name} on node {p.spec.node_name or '?'}"
                     + (" (terminating)" if p.metadata.deletion_timestamp else "") for p in holders) \
        or ", ".join(named_pods) or "a pod on another node (not in the input)"
    me_node = pod.spec.node_name or "?"
    cause = (f"Volume {vol!r}" + (f" (claim {claim.metadata.name!r}, {','.join(claim.spec.access_modes)})" if claim
                                   else "") +
             f" is ReadWriteOnce and still attached for {held}; it cannot also attach to node {me_node!r} for this pod.")
    cmds = [f"kubectl get volumeattachments | grep {vol}"]
    if holders:
        h = holders[0]
        cmds.insert(0, f"kubectl delete pod {h.metadata.name} -n {h.metadata.namespace}   # if it should not run")
    summary = ("Stop the pod that holds the volume (or wait for its node to detach it: ~6 min after a node dies), "
               "and for Deployments with RWO volumes use strategy Recreate so old and new pods never overlap.")
    return Finding(
        code="start.mount-failed", severity="error", confidence="certain" if holders or named_pods else "likely",
        rank=20, cause=cause, evidence=[from_event(e)], group_key=f"pv={vol}",
        details={"class": "multi-attach", "volume": vol,
                 "heldBy": [f"{p.metadata.namespace}/{p.metadata.name}@{p.spec.node_name}" for p in holders]
                 or named_pods},
        fix=Fix(summary=summary, commands=cmds))


def _csi_missing(ctx: Context, work: Work, e: Event, m: re.Match[str]) -> Finding:
    pod = work.pod
    assert pod is not None
    driver, node = m.group("driver"), pod.spec.node_name or (e.source.host or "?")
    ev = [from_event(e)]
    detail = ""
    snap = ctx.snapshot
    if snap.has("CSINode"):
        csin = snap.get("CSINode", "", node)
        if isinstance(csin, CSINode):
            have = [d.name for d in csin.spec.drivers]
            ev.append(Evidence(ref=f"CSINode/{node}", field=".spec.drivers[].name", observed=", ".join(have) or "(none)",
                               expected=driver))
            detail = f" (its CSINode lists: {', '.join(have) or 'none'})"
    nowhere = snap.has("CSIDriver") and not any(d.metadata.name == driver for d in snap.csi_drivers) and (
        not snap.has("CSINode") or not any(d.name == driver for c in snap.objects("CSINode") for d in c.spec.drivers))
    if snap.has("CSIDriver") and not any(d.metadata.name == driver for d in snap.csi_drivers):
        detail += f"; no CSIDriver {driver!r} exists cluster-wide either (installed: " \
                  f"{', '.join(d.metadata.name for d in snap.csi_drivers) or 'none'})"
    return Finding(
        code="start.mount-failed", severity="error", confidence="certain", rank=20,
        cause=(f"CSI driver {driver!r} is not registered with the kubelet on node {node!r}{detail}: its node plugin "
               "(usually a DaemonSet pod with a node-driver-registrar sidecar) is not running there, or the "
               "StorageClass/PV names a driver that does not match the installed one."),
        evidence=ev, group_key=f"csi-driver={driver}@{node}",
        details={"class": "csi-driver-not-registered", "driver": driver, "node": node},
        fix=Fix(summary=(f"Install the {driver!r} CSI driver (no node registers it and no CSIDriver object exists: "
                         "its controller and node DaemonSet were never deployed), or point the PV/StorageClass at an "
                         "installed driver." if nowhere else
                         f"Run the {driver!r} node plugin on {node!r} (check its DaemonSet's nodeSelector/"
                         "tolerations and the registrar's logs), or fix the driver name in the PV/StorageClass."),
                commands=[f"kubectl get csinode {node} -o yaml",
                          f"kubectl get pods -A -o wide --field-selector spec.nodeName={node} | grep -i csi",
                          "kubectl get csidrivers"]))


def _source_missing(ctx: Context, work: Work, e: Event, kind: str, name: str, key: str) -> Finding:
    ns = work.namespace
    title = "Secret" if kind.lower() == "secret" else "ConfigMap"
    snap = ctx.snapshot
    vol = VOLUME.search(e.message)
    pod = work.pod
    if not name and vol is not None and pod is not None:
        # `configmap references non-existent config key` does not name the map: the volume does.
        v = next((x for x in pod.spec.volumes if x.name == vol.group("vol")), None)
        if v is not None and v.config_map is not None and title == "ConfigMap":
            name = v.config_map.name
        elif v is not None and v.secret is not None and title == "Secret":
            name = v.secret.secret_name
    ev = [from_event(e)]
    conf: Confidence = "likely"
    tail = ""
    if snap.has(title):
        obj = snap.get(title, ns, name) if name else None
        if name and obj is None:
            conf = "certain"
            ev.append(Evidence(ref=f"{title}/{ns}/{name}", observed="not found", expected="exists"))
        elif obj is not None and key and key not in obj.keys:
            conf = "certain"
            ev.append(Evidence(ref=f"{title}/{ns}/{name}", field=".data (keys)", observed=", ".join(obj.keys),
                               expected=f"key {key!r}"))
        elif obj is not None:
            tail = " It exists now; the kubelet retries the mount."
            conf = "possible"
    what = f"key {key!r} of {title} {name!r}" if key and name else (f"key {key!r}" if key else f"{title} {name!r}")
    vname = vol.group("vol") if vol else "?"
    cmd = (f"kubectl create {'secret generic' if title == 'Secret' else 'configmap'} {name or '<name>'} -n {ns} "
           "--from-literal=<key>=<value>")
    summary = (f"Create the {title} (with the keys the volume's items list), fix its name in the pod's volumes, or "
               "set `optional: true` on the volume source.")
    cmds = [cmd, f"kubectl get {title.lower()}s -n {ns}"]
    if title == "Secret" and SA_TOKEN.match(name or ""):
        # A legacy ServiceAccount token secret (<sa>-token-xxxxx) that was deleted or rotated: the pod still names it.
        tail += (" It is a ServiceAccount token secret that was deleted or rotated after the pod was created.")
        summary = "Delete the pod so its controller recreates it with the ServiceAccount's current token."
        cmds = [f"kubectl delete pod {work.name} -n {ns}", f"kubectl get serviceaccounts -n {ns}"]
    # A volume whose Secret/ConfigMap (or key) is missing is the same cause as the container's env naming a
    # missing one (CreateContainerConfigError): the object is missing, not the mount machinery (issue 13).
    return Finding(
        code="start.config-missing", severity="error", confidence=conf, rank=20,
        cause=f"Volume {vname!r} cannot be mounted: {what} does not exist in namespace {ns!r}.{tail}",
        evidence=ev, group_key=f"{title.lower()}={ns}/{name or key}",
        details={"class": "volume-source-missing", "volume": vname, "kind": title, "name": name, "key": key or None},
        fix=Fix(summary=summary, commands=cmds))


def _generic(work: Work, e: Event, cls: str, why: str, summary: str, cmds: list[str], conf: Confidence = "likely") -> Finding:
    vol = VOLUME.search(e.message)
    return Finding(
        code="start.mount-failed", severity="error", confidence=conf, rank=20 if conf != "possible" else 40,
        cause=why, evidence=[from_event(e)], group_key=f"pod={work.namespace}/{work.name}" if not vol else
        f"volume={work.namespace}/{vol.group('vol')}",
        details={"class": cls, "volume": vol.group("vol") if vol else None},
        fix=Fix(summary=summary, commands=cmds))


def _timeout(ctx: Context, work: Work, e: Event, m: re.Match[str]) -> Finding:
    pod = work.pod
    assert pod is not None
    vols = (m.group("vols") or m.group("vols2") or "").replace(",", " ").split()
    ns = work.namespace
    kinds = []
    for v in pod.spec.volumes:
        if v.name in vols:
            if v.persistent_volume_claim is not None:
                kinds.append(f"{v.name} (PVC {v.persistent_volume_claim.claim_name})")
            elif v.csi is not None:
                kinds.append(f"{v.name} (CSI {v.csi.driver})")
            else:
                kinds.append(v.name)
    named = ", ".join(kinds or vols) or "?"
    return _generic(
        work, e, "timeout",
        (f"The kubelet timed out attaching/mounting volume(s) {named} for this pod; the more specific "
         "FailedMount/FailedAttachVolume events (or the CSI driver's logs) say why."),
        "Look at the other mount events and `kubectl get volumeattachments`; check the storage driver's node plugin.",
        [f"kubectl describe pod {work.name} -n {ns}", "kubectl get volumeattachments",
         *(f"kubectl describe pvc {v.persistent_volume_claim.claim_name} -n {ns}" for v in pod.spec.volumes
           if v.name in vols and v.persistent_volume_claim is not None)])


def classify(ctx: Context, work: Work, e: Event) -> Finding:
    msg = e.message
    m = MULTI_ATTACH.search(msg)
    if m:
        return _multi_attach(ctx, work, e, m)
    m = CSI_MISSING.search(msg)
    if m:
        return _csi_missing(ctx, work, e, m)
    mk = KEY_MISSING.search(msg)
    ms = SOURCE_MISSING.search(msg)
    if mk or (ms and "SetUp failed" in msg):
        kind = (mk.group("kind") or mk.group("kind2") or "") if mk else ms.group("kind")  # type: ignore[union-attr]
        key = (mk.group("key") or "") if mk else ""
        name = (mk.group("name") if mk else "") or (ms.group("name") if ms else "")
        kind = "secret" if kind.lower() == "secret" else "configmap"
        return _source_missing(ctx, work, e, kind, name, key)
    m = PVC_PROBLEM.search(msg)
    if m:
        claim = m.group("claim") or m.group("claim2") or m.group("claim3") or "?"
        return _generic(work, e, "pvc-unusable",
                        f"The kubelet cannot use PersistentVolumeClaim {claim!r} for this pod: {msg}",
                        "Bind the claim first (check its StorageClass/provisioner events), or fix the claim name; a pod "
                        "placed with spec.nodeName skips the scheduler's volume checks.",
                        [f"kubectl get pvc -n {work.namespace}", f"kubectl describe pod {work.name} -n {work.namespace}"],
                        "certain")
    m = PATH_MISSING.search(msg)
    if m:
        where = work.pod.spec.node_name if work.pod else "?"
        return _generic(work, e, "path-missing",
                        f"A local/hostPath volume's path is missing (or of the wrong type) on node {where!r}: {msg}",
                        "Create the directory on that node (local PVs need it pre-created), or fix the path / "
                        "hostPath.type.", [f"kubectl describe pod {work.name} -n {work.namespace}"], "certain")
    m = TIMEOUT.search(msg)
    if m:
        return _timeout(ctx, work, e, m)
    ns = work.namespace
    low = msg.lower()
    if "attachvolume.attach failed" in low:
        return _generic(work, e, "attach-failed",
                        f"Attaching the volume to node {work.pod.spec.node_name if work.pod else '?'!r} failed: {msg}",
                        "Fix what the cloud/CSI controller reports (quoted): disk in another zone, attach limit, "
                        "permissions, or a disk still attached elsewhere.",
                        ["kubectl get volumeattachments", f"kubectl describe pod {work.name} -n {ns}"])
    if "exit status 32" in low or "mount.nfs" in low or "access denied by server" in low:
        return _generic(work, e, "mount-command-failed", f"The node's mount command failed: {msg}",
                        "Check the server export/permissions and that the node has the client tools (nfs-common).",
                        [f"kubectl describe pod {work.name} -n {ns}"])
    return _generic(work, e, "other", f"A volume cannot be mounted: {msg}",
                    "Fix what the kubelet reports (quoted).", [f"kubectl describe pod {work.name} -n {ns}"], "possible")


def analyze(ctx: Context, work: Work) -> list[Finding]:
    pod = work.pod
    if pod is None:
        return []
    events = [e for e in ctx.snapshot.events_for(pod) if e.reason in REASONS]
    if not events:
        return []
    out: list[Finding] = []
    seen: set[str] = set()
    # Newest first; one finding per class+volume; the summary timeout ranks after specific errors.
    for e in reversed(events):
        f = classify(ctx, work, e)
        key = f"{(f.details or {}).get('class')}:{f.group_key}"
        if key in seen:
            continue
        seen.add(key)
        if (f.details or {}).get("class") == "timeout":
            f.rank += 5
        out.append(f)
    return out[:3]
