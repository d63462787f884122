"""Volume findings for Pending pods: missing and unbound claims, StorageClasses, provisioners, PV
matching, zones/node affinity and attach limits. Each case is a small realistic snapshot; the first
finding of the pod is asserted whole (code, severity, confidence, cause, key evidence, fix)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from volsnap import (
    csidriver,
    docs,
    empty_list,
    event,
    findings,
    node,
    pending_pod,
    pv,
    pvc,
    sched_event,
    storage_class,
)

MSG_130_MISSING = ('0/3 nodes are available: persistentvolumeclaim "data-web-0" not found. preemption: 0/3 nodes '
                   'are available: 3 Preemption is not helpful for scheduling.')
MSG_116_MISSING = 'persistentvolumeclaim "data-web-0" not found'
MSG_UNBOUND_130 = ("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 "
                   "nodes are available: 3 Preemption is not helpful for scheduling.")
MSG_UNBOUND_118 = 'running "VolumeBinding" filter plugin for pod "web-0": pod has unbound immediate PersistentVolumeClaims'
MSG_AFFINITY_127 = ("0/3 nodes are available: 1 Insufficient memory, 2 node(s) had volume node affinity conflict. "
                    "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 "
                    "Preemption is not helpful for scheduling..")
MSG_AFFINITY_133 = ("0/4 nodes are available: 4 node(s) didn't match PersistentVolume's node affinity. preemption: "
                    "0/4 nodes are available: 4 Preemption is not helpful for scheduling.")
MSG_LIMIT = ("0/2 nodes are available: 2 node(s) exceed max volume count. preemption: 0/2 nodes are available: 2 No "
             "preemption victims found for incoming pod.")
MSG_TAINT = ("0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are "
             "available: 2 Preemption is not helpful for scheduling.")

ANN_BETA_CLASS = "    volume.beta.kubernetes.io/storage-class: fast-ssd"


@dataclass
class Want:
    code: str
    confidence: str
    cause: list[str]  # substrings, in order of importance
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (ref, observed substring)
    commands: list[str] | None = None
    severity: str = "error"
    details: dict[str, object] | None = None  # keys that must equal


CASES = [
    pytest.param(
        docs(pending_pod(message=MSG_130_MISSING), pvc("data-web0", sc="gp3"), pvc("data-web-0", ns="staging"),
             sched_event("web-0", MSG_130_MISSING)),
        Want("volume.pvc-not-found", "certain",
             ["Volume 'data' uses PersistentVolumeClaim 'data-web-0', which does not exist in namespace 'default'",
              "similar claims in default: data-web0", "exists in namespace(s) staging"],
             [("Pod/default/web-0", "data-web-0"), ("Event/default/web-0.failedscheduling1", "not found"),
              ("PersistentVolumeClaim/default/data-web-0", "not found in the snapshot")],
             ["kubectl get pvc -n default", "# or point the volume at 'data-web0' in the workload's pod template"],
             details={"claim": "data-web-0", "similar": ["data-web0"], "otherNamespaces": ["staging"]}),
        id="missing-claim-with-pvcs-loaded-names-the-near-miss-and-the-other-namespace"),
    pytest.param(
        docs(pending_pod(message=MSG_116_MISSING), sched_event("web-0", MSG_116_MISSING)),
        Want("volume.pvc-not-found", "likely",
             ["The scheduler cannot find PersistentVolumeClaim 'data-web-0' in namespace 'default'",
              "claims were not in the input to confirm"],
             [("Event/default/web-0.failedscheduling1", 'persistentvolumeclaim "data-web-0" not found')],
             ["kubectl get pvc -n default", "kubectl describe pod web-0 -n default"]),
        id="missing-claim-raw-1.16-scheduler-text-without-pvcs-is-likely"),
    pytest.param(
        # `kubectl cluster-info dump` holds no claims, but their events: the PV controller's NotFound
        docs(pending_pod(message=MSG_UNBOUND_130), sched_event("web-0", MSG_UNBOUND_130),
             event("PersistentVolumeClaim", "data-web-0", "ProvisioningFailed",
                   'storageclass.storage.k8s.io "no-such-class" not found',
                   component="persistentvolume-controller")),
        Want("volume.storageclass-not-found", "likely",
             ["PersistentVolumeClaim 'data-web-0' asks for StorageClass 'no-such-class', which does not exist",
              "newest ProvisioningFailed event"],
             [("Event/default/web-0.failedscheduling1", "pod has unbound immediate PersistentVolumeClaims"),
              ("Event/default/data-web-0.provisioningfailed0", 'storageclass.storage.k8s.io "no-such-class" not found')],
             ["kubectl get storageclass", "kubectl describe pvc data-web-0 -n default"]),
        id="unbound-claims-not-in-the-input-whose-event-says-the-class-is-missing"),
    pytest.param(
        docs(pending_pod(claims=(), ephemeral=("scratch",),
                         message='0/2 nodes are available: waiting for ephemeral volume controller to create the '
                                 'persistentvolumeclaim "web-0-scratch".'),
             empty_list("PersistentVolumeClaim")),
        Want("volume.pvc-not-found", "certain",
             ["Generic ephemeral volume 'scratch' needs claim 'web-0-scratch'", "ephemeral volume controller"],
             [("Pod/default/web-0", "generic ephemeral volume (claim web-0-scratch)"),
              ("Pod/default/web-0", "waiting for ephemeral volume controller")],
             ["kubectl get pvc web-0-scratch -n default",
              "kubectl get events -n default --field-selector involvedObject.name=web-0"]),
        id="generic-ephemeral-claim-not-created-yet"),
    pytest.param(
        docs(pending_pod(message=MSG_UNBOUND_130), pvc("data-web-0", sc="gp3-encrypted"),
             storage_class("gp3"), storage_class("gp2", default=True), storage_class("standard-rwo"),
             sched_event("web-0", MSG_UNBOUND_130)),
        Want("volume.storageclass-not-found", "certain",
             ["PersistentVolumeClaim 'data-web-0' asks for StorageClass 'gp3-encrypted', which does not exist",
              "existing classes, nearest first: gp3, gp2"],
             [("PersistentVolumeClaim/default/data-web-0", "gp3-encrypted"),
              ("Event/default/web-0.failedscheduling1", "pod has unbound immediate PersistentVolumeClaims")],
             ["kubectl get storageclass",
              "kubectl get pvc data-web-0 -n default -o yaml > pvc.yaml   # set storageClassName: gp3, then: "
              "kubectl delete pvc data-web-0 -n default && kubectl apply -f pvc.yaml"],
             details={"storageClass": "gp3-encrypted", "suggestions": ["gp3", "gp2"]}),
        id="named-storageclass-missing-suggests-nearest-existing-first"),
    pytest.param(
        docs(pending_pod(message=MSG_UNBOUND_118), pvc("data-web-0", annotations=ANN_BETA_CLASS),
             storage_class("fast"), sched_event("web-0", MSG_UNBOUND_118)),
        Want("volume.storageclass-not-found", "certain",
             ["asks for StorageClass 'fast-ssd', which does not exist", "nearest first: fast"],
             [("PersistentVolumeClaim/default/data-web-0", "fast-ssd")]),
        id="legacy-beta-annotation-names-a-missing-class-1.18-wording"),
    pytest.param(
        docs(pending_pod(message="pod has unbound immediate PersistentVolumeClaims (repeated 3 times)"),
             pvc("data-web-0"), storage_class("gp2"), empty_list("PersistentVolume"),
             event("PersistentVolumeClaim", "data-web-0", "FailedBinding",
                   "no persistent volumes available for this claim and no storage class is set",
                   component="persistentvolume-controller", type_="Normal")),
        Want("volume.storageclass-not-found", "certain",
             ["PersistentVolumeClaim 'data-web-0' names no StorageClass and the cluster has no default StorageClass "
              "(classes: gp2)"],
             [("PersistentVolumeClaim/default/data-web-0", "(not set)"),
              ("Event/default/data-web-0.failedbinding0", "no storage class is set")],
             ["kubectl patch storageclass gp2 -p "
              "'{\"metadata\":{\"annotations\":{\"storageclass.kubernetes.io/is-default-class\":\"true\"}}}'",
              "kubectl patch pvc data-web-0 -n default -p '{\"spec\":{\"storageClassName\":\"gp2\"}}'"]),
        id="no-class-and-no-default-storageclass-eks-1.14"),
    pytest.param(
        docs(pending_pod(message=MSG_UNBOUND_130), pvc("data-web-0", sc="nfs-client"),
             storage_class("nfs-client", "cluster.local/nfs-subdir-external-provisioner"), csidriver("ebs.csi.aws.com"),
             event("PersistentVolumeClaim", "data-web-0", "ExternalProvisioning",
                   "waiting for a volume to be created, either by external provisioner "
                   "\"cluster.local/nfs-subdir-external-provisioner\" or manually created by system administrator",
                   component="persistentvolume-controller", type_="Normal")),
        Want("volume.pvc-unbound", "likely",
             ["waits for provisioner 'cluster.local/nfs-subdir-external-provisioner' (StorageClass 'nfs-client'), "
              "which does not appear to be installed", "installed: ebs.csi.aws.com",
              "the provisioner never reported on the claim"],
             [("StorageClass/nfs-client", "cluster.local/nfs-subdir-external-provisioner"),
              ("CSIDriver/cluster.local/nfs-subdir-external-provisioner", "not found")],
             ["kubectl get csidrivers", "kubectl get storageclass",
              "kubectl get pods -A | grep -i -e csi -e provisioner"]),
        id="external-provisioner-not-installed"),
    pytest.param(
        docs(pending_pod(message=MSG_UNBOUND_130), pvc("data-web-0", sc="gp3"), storage_class("gp3"),
             csidriver("ebs.csi.aws.com"),
             event("PersistentVolumeClaim", "data-web-0", "ProvisioningFailed",
                   'failed to provision volume with StorageClass "gp3": rpc error: code = Internal desc = Could not '
                   'create volume "pvc-1a2b": could not create volume in EC2: UnauthorizedOperation: You are not '
                   'authorized to perform this operation.', component="ebs.csi.aws.com"),
             sched_event("web-0", MSG_UNBOUND_130)),
        Want("volume.pvc-unbound", "certain",
             ["Provisioner 'ebs.csi.aws.com' (StorageClass 'gp3') failed to create a volume for "
              "PersistentVolumeClaim 'data-web-0'", "UnauthorizedOperation"],
             [("Event/default/data-web-0.provisioningfailed0", "could not create volume in EC2")],
             ["kubectl describe pvc data-web-0 -n default", "kubectl get storageclass gp3 -o yaml"]),
        id="provisioning-failed-event-is-quoted"),
    pytest.param(
        docs(pending_pod(message=MSG_UNBOUND_130), pvc("data-web-0", sc="local", size="50Gi",
                                                       modes="[ReadWriteMany]"),
             storage_class("local", "kubernetes.io/no-provisioner"),
             pv("pv-small", sc="local", size="20Gi", modes="[ReadWriteMany]"),
             pv("pv-rwo", sc="local", size="100Gi"),
             pv("pv-released", sc="local", size="100Gi", modes="[ReadWriteMany]", claim="old-data", phase="Released",
                reclaim="Retain"),
             pv("pv-other-class", sc="slow", size="100Gi", modes="[ReadWriteMany]")),
        Want("volume.pvc-unbound", "certain",
             ["PersistentVolumeClaim 'data-web-0' (50Gi, ReadWriteMany, Filesystem, class local) is not bound: "
              "StorageClass 'local' has provisioner kubernetes.io/no-provisioner (no dynamic provisioning), and none "
              "of the 4 PersistentVolume(s) matches: pv-small (capacity 20Gi < requested 50Gi), pv-rwo (accessModes "
              "['ReadWriteOnce'] lack ['ReadWriteMany']), pv-released (Released: claimRef still names the deleted "
              "claim default/old-data (reclaimPolicy Retain); remove spec.claimRef to reuse it), pv-other-class "
              "(storageClassName slow != requested local)."],
             [("StorageClass/local", "Immediate"),
              ("PersistentVolume/pv-small",
               "Available, class local, 20Gi, ReadWriteMany, Filesystem: capacity 20Gi < requested 50Gi"),
              ("PersistentVolume/pv-released", "Released, class local, 100Gi, ReadWriteMany, Filesystem: Released")],
             ["kubectl describe pvc data-web-0 -n default", "kubectl get pv -o wide"]),
        id="static-pvs-compared-field-by-field-one-evidence-row-each"),
    pytest.param(
        docs(pending_pod(message=MSG_TAINT), pvc("data-web-0", sc="gp3"),
             storage_class("gp3", mode="WaitForFirstConsumer"), sched_event("web-0", MSG_TAINT)),
        Want("volume.pvc-unbound", "certain",
             ["is unbound by design: StorageClass 'gp3' uses volumeBindingMode WaitForFirstConsumer",
              "It is not the blocker"],
             [("StorageClass/gp3", "WaitForFirstConsumer")], [], severity="info"),
        id="wait-for-first-consumer-is-only-an-info-note"),
    pytest.param(
        docs(pending_pod(claims=(("data", "data-web-0"), ("logs", "logs-web-0")), message=MSG_AFFINITY_127),
             pvc("data-web-0", sc="gp3", phase="Bound", volume="pv-a"),
             pvc("logs-web-0", sc="gp3", phase="Bound", volume="pv-b"),
             pv("pv-a", claim="data-web-0", sc="gp3", phase="Bound", affinity_zone="us-east-1a", csi="ebs.csi.aws.com"),
             pv("pv-b", claim="logs-web-0", sc="gp3", phase="Bound", affinity_zone="us-east-1b", csi="ebs.csi.aws.com"),
             sched_event("web-0", MSG_AFFINITY_127)),
        Want("volume.node-affinity-conflict", "certain",
             ["no single node can reach: claim 'data-web-0' -> PV 'pv-a' (zone us-east-1a) and claim 'logs-web-0' -> "
              "PV 'pv-b' (zone us-east-1b)"],
             [("PersistentVolume/pv-a", "zone in ['us-east-1a']"), ("PersistentVolume/pv-b", "zone in ['us-east-1b']"),
              ("Event/default/web-0.failedscheduling1", "volume node affinity conflict")],
             ["kubectl get pv pv-a pv-b -L topology.kubernetes.io/zone -o wide",
              "kubectl get nodes -L topology.kubernetes.io/zone",
              "kubectl get storageclass -o custom-columns=NAME:.metadata.name,MODE:.volumeBindingMode"]),
        id="two-claims-bound-in-different-zones-without-nodes"),
    pytest.param(
        docs(pending_pod(message=MSG_AFFINITY_133, node_selector="pool: batch"),
             pvc("data-web-0", sc="gp3", phase="Bound", volume="pv-a"),
             pv("pv-a", claim="data-web-0", sc="gp3", phase="Bound", zone="us-east-1a", csi="ebs.csi.aws.com"),
             node("a-1", "us-east-1a"), node("b-1", "us-east-1b").replace("kubernetes.io/hostname: b-1",
                                                                          "kubernetes.io/hostname: b-1\n    pool: batch"),
             node("c-1", "us-east-1c").replace("kubernetes.io/hostname: c-1",
                                               "kubernetes.io/hostname: c-1\n    pool: batch"),
             sched_event("web-0", MSG_AFFINITY_133)),
        Want("volume.node-affinity-conflict", "certain",
             ["The pod's volumes exclude every node it could otherwise use: claim 'data-web-0' -> PV 'pv-a' (zone "
              "us-east-1a); the 2 node(s) that pass its nodeSelector/affinity/taints are in zone(s) us-east-1b, "
              "us-east-1c"],
             [("PersistentVolume/pv-a", "zone in ['us-east-1a']"), ("Pod/default/web-0", "b-1 (us-east-1b)")],
             details={"usableNodes": ["b-1", "c-1"]}),
        id="pv-zone-excludes-every-node-the-pod-selects-recomputed-from-nodes"),
    pytest.param(
        docs(pending_pod(message=MSG_AFFINITY_133), sched_event("web-0", MSG_AFFINITY_133)),
        Want("volume.node-affinity-conflict", "likely",
             ["The scheduler rejected 4 node(s) because a bound PersistentVolume's node affinity or zone does not "
              "include them"],
             [("Event/default/web-0.failedscheduling1", "didn't match PersistentVolume's node affinity")]),
        id="node-affinity-1.33-wording-from-text-only"),
    pytest.param(
        docs(pending_pod(message=MSG_LIMIT), pvc("data-web-0", sc="gp3", phase="Bound", volume="pv-new"),
             pv("pv-new", claim="data-web-0", sc="gp3", phase="Bound", csi="ebs.csi.aws.com"),
             node("n1"), node("n2"),
             *[p for i in (1, 2) for p in (
                 pvc(f"old-{i}", sc="gp3", phase="Bound", volume=f"pv-old-{i}"),
                 pv(f"pv-old-{i}", claim=f"old-{i}", sc="gp3", phase="Bound", csi="ebs.csi.aws.com"),
                 f"""\
                 apiVersion: v1
                 kind: Pod
                 metadata: {{name: db-{i}, namespace: default, uid: uid-db-{i}}}
                 spec:
                   nodeName: n{i}
                   containers: [{{name: db, image: postgres:16}}]
                   volumes: [{{name: d, persistentVolumeClaim: {{claimName: old-{i}}}}}]
                 status: {{phase: Running}}
                 """,
                 f"""\
                 apiVersion: storage.k8s.io/v1
                 kind: CSINode
                 metadata: {{name: n{i}}}
                 spec:
                   drivers:
                   - {{name: ebs.csi.aws.com, nodeID: i-{i}, allocatable: {{count: 1}}}}
                 """)],
             sched_event("web-0", MSG_LIMIT)),
        Want("volume.limit-exceeded", "certain",
             ["Every node the pod could use is at its CSI attach limit",
              "n1: ebs.csi.aws.com 1+1 > 1; n2: ebs.csi.aws.com 1+1 > 1"],
             [("CSINode/n1", "1"), ("Event/default/web-0.failedscheduling1", "exceed max volume count")],
             ["kubectl get volumeattachments", "kubectl get csinodes -o yaml"]),
        id="csi-attach-limit-recounted-per-node"),
    pytest.param(
        docs(pending_pod(message=MSG_UNBOUND_130),
             pvc("data-web-0", sc="longhorn",
                 annotations="    volume.kubernetes.io/storage-provisioner: driver.longhorn.io"),
             event("PersistentVolumeClaim", "data-web-0", "ExternalProvisioning",
                   "Waiting for a volume to be created either by the external provisioner 'driver.longhorn.io' or "
                   "manually by the system administrator. If volume creation is delayed, please verify that the "
                   "provisioner is running and correctly registered.", component="persistentvolume-controller",
                   type_="Normal")),
        Want("volume.pvc-unbound", "likely",
             ["PersistentVolumeClaim 'data-web-0' (class 'longhorn') waits for an external provisioner "
              "'driver.longhorn.io' that has not acted on it"],
             [("Event/default/data-web-0.externalprovisioning0", "driver.longhorn.io")]),
        id="external-provisioning-1.30-wording-without-storageclasses-loaded"),
    pytest.param(
        docs(pending_pod(message='running PreBind plugin "VolumeBinding": binding volumes: provisioning failed for '
                                 'PVC "data-web-0"'),),
        Want("volume.pvc-unbound", "likely",
             ["binding/provisioning the pod's WaitForFirstConsumer volume(s) failed: provisioning failed for PVC "
              '"data-web-0"']),
        id="prebind-volume-binding-failure-from-the-condition-text"),
    pytest.param(
        docs(pending_pod(message=MSG_UNBOUND_130), pvc("data-web-0"), storage_class("gp2", default=True),
             storage_class("gp3", default=True)),
        Want("volume.storageclass-not-found", "likely",
             ["names no StorageClass and 2 StorageClasses are marked default (gp2, gp3)"],
             commands=["kubectl patch storageclass gp3 -p "
                       "'{\"metadata\":{\"annotations\":{\"storageclass.kubernetes.io/is-default-class\":\"false\"}}}'"]),
        id="two-default-storageclasses"),
    pytest.param(
        docs(pending_pod(message=MSG_UNBOUND_130), pvc("data-web-0"), storage_class("gp3", default=True)),
        Want("volume.storageclass-not-found", "likely",
             ["names no StorageClass: it was created before 'gp3' became the default"],
             commands=["kubectl patch pvc data-web-0 -n default -p '{\"spec\":{\"storageClassName\":\"gp3\"}}'"]),
        id="claim-created-before-the-default-storageclass-existed"),
    pytest.param(
        docs(pending_pod(message=MSG_UNBOUND_130), pvc("data-web-0", sc="", volume="pv-gone"),
             empty_list("PersistentVolume")),
        Want("volume.pvc-unbound", "certain",
             ["asks for PersistentVolume 'pv-gone' (spec.volumeName), which does not exist"]),
        id="claim-pre-bound-to-a-missing-pv"),
    pytest.param(
        docs(pending_pod(message="0/2 nodes are available: persistentvolumeclaim \"data-web-0\" bound to "
                                 "non-existent persistentvolume \"pv-a\"."),
             pvc("data-web-0", sc="gp3", phase="Lost", volume="pv-a")),
        Want("volume.pvc-unbound", "certain", ["is bound to PersistentVolume 'pv-a', which no longer exists (claim phase Lost)"]),
        id="lost-claim"),
    pytest.param(
        docs(pending_pod(message='0/3 nodes are available: persistentvolumeclaim "data-web-0" is being deleted.'),
             pvc("data-web-0", sc="gp3", phase="Bound", volume="pv-a", deleting=True)),
        Want("volume.pvc-not-found", "certain",
             ["PersistentVolumeClaim 'data-web-0' is being deleted", "pvc-protection finalizer"],
             [("PersistentVolumeClaim/default/data-web-0", "2026-03-01T11:00:00Z")]),
        id="claim-being-deleted"),
]


@pytest.mark.parametrize(("snapshot", "want"), CASES)
def test_first_finding(snapshot: str, want: Want) -> None:
    got = findings(snapshot, "Pod/default/web-0")
    assert got, "no findings"
    # An info note is never the root cause: it is found where it ranks, after the blocker.
    f = got[0] if want.severity != "info" else next(x for x in got if x.code == want.code)
    assert (f.code, f.severity, f.confidence) == (want.code, want.severity, want.confidence), f.cause
    for part in want.cause:
        assert part in f.cause, f"{part!r} not in {f.cause!r}"
    for ref, observed in want.evidence:
        assert any(e.ref == ref and observed in e.observed for e in f.evidence), \
            f"no evidence {ref} ~ {observed!r} in {[(e.ref, e.observed) for e in f.evidence]}"
    assert f.fix is not None and f.fix.summary
    if want.commands is not None:
        assert f.fix.commands == want.commands
    for k, v in (want.details or {}).items():
        assert f.details is not None and f.details.get(k) == v, (k, f.details)


def test_wait_for_first_consumer_note_ranks_after_the_real_blocker() -> None:
    got = findings(docs(pending_pod(message=MSG_TAINT), pvc("data-web-0", sc="gp3"),
                        storage_class("gp3", mode="WaitForFirstConsumer"), sched_event("web-0", MSG_TAINT)),
                   "Pod/default/web-0")
    note = next(f for f in got if f.code == "volume.pvc-unbound")
    assert note.severity == "info" and note.rank == 90
    assert got[-1] is note or got.index(note) > 0
    assert [f.code for f in got if f.rank < note.rank and f.code.startswith("volume.")] == []


def test_pv_table_is_in_details_for_machines() -> None:
    got = findings(docs(pending_pod(message=MSG_UNBOUND_130), pvc("data-web-0", sc="", size="5Gi"),
                        pv("pv-1", size="1Gi"), pv("pv-2", size="5Gi", modes="[ReadOnlyMany]")),
                   "Pod/default/web-0")
    f = got[0]
    assert f.code == "volume.pvc-unbound"
    assert f.details is not None
    assert f.details["persistentVolumes"] == [
        {"pv": "pv-1", "phase": "Available", "storageClass": "", "capacity": "1Gi", "accessModes": ["ReadWriteOnce"],
         "volumeMode": "Filesystem", "claimRef": "", "mismatches": ["capacity 1Gi < requested 5Gi"]},
        {"pv": "pv-2", "phase": "Available", "storageClass": "", "capacity": "5Gi", "accessModes": ["ReadOnlyMany"],
         "volumeMode": "Filesystem", "claimRef": "",
         "mismatches": ["accessModes ['ReadOnlyMany'] lack ['ReadWriteOnce']"]},
    ]
    assert 'storageClassName is "" (dynamic provisioning disabled)' in f.cause


def test_healthy_bound_claim_gives_no_volume_finding() -> None:
    got = findings(docs(pending_pod(message=MSG_TAINT), pvc("data-web-0", sc="gp3", phase="Bound", volume="pv-a"),
                        pv("pv-a", claim="data-web-0", sc="gp3", phase="Bound", zone="us-east-1a"),
                        node("a-1", "us-east-1a"), sched_event("web-0", MSG_TAINT)),
                   "Pod/default/web-0")
    assert not [f for f in got if f.code.startswith("volume.")]


def test_local_volume_class_without_any_pv_is_the_blocker() -> None:
    msg = ("0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind. preemption: 0/2 "
           "nodes are available: 2 Preemption is not helpful for scheduling.")
    got = findings(docs(pending_pod(message=msg), pvc("data-web-0", sc="local-storage"),
                        storage_class("local-storage", "kubernetes.io/no-provisioner", mode="WaitForFirstConsumer"),
                        empty_list("PersistentVolume"), sched_event("web-0", msg)), "Pod/default/web-0")
    f = got[0]
    assert (f.code, f.severity, f.confidence, f.rank) == ("volume.pvc-unbound", "error", "certain", 20)
    assert "kubernetes.io/no-provisioner (local volumes are never provisioned), and there are no " \
           "PersistentVolumes at all" in f.cause


def test_wait_for_first_consumer_stays_silent_when_the_scheduler_blames_volumes() -> None:
    """The per-node VolumeBinding verdict (allowedTopologies, storage capacity) is the scheduling analyzer's."""
    msg = ("0/2 nodes are available: 2 node(s) did not have enough free storage. preemption: 0/2 nodes are "
           "available: 2 Preemption is not helpful for scheduling.")
    got = findings(docs(pending_pod(message=msg), pvc("data-web-0", sc="topolvm"),
                        storage_class("topolvm", "topolvm.io", mode="WaitForFirstConsumer"),
                        sched_event("web-0", msg)), "Pod/default/web-0")
    assert not [f for f in got if f.code == "volume.pvc-unbound" and f.severity == "info"]
