"""Volume texts from other versions and partial inputs (no claims, no classes) still name the cause."""

from __future__ import annotations

import pytest
from volsnap import docs, event, findings, pending_pod, pvc, sched_event

CASES = [
    pytest.param(
        docs(pending_pod(message='0/3 nodes are available: 3 storageclass.storage.k8s.io "fast" not found.'),
             sched_event("web-0", '0/3 nodes are available: 3 storageclass.storage.k8s.io "fast" not found.')),
        "volume.storageclass-not-found", "likely", "asks for StorageClass 'fast', which does not exist",
        id="scheduler-prefilter-storageclass-not-found-without-claims"),
    pytest.param(
        docs(pending_pod(message="0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims."),
             pvc("data-web-0", sc="fast"),
             event("PersistentVolumeClaim", "data-web-0", "ProvisioningFailed",
                   'storageclass.storage.k8s.io "fast" not found', component="persistentvolume-controller")),
        "volume.storageclass-not-found", "certain", "the PV controller says so",
        id="provisioningfailed-storageclass-not-found-without-storageclasses-loaded"),
    pytest.param(
        docs(pending_pod(message="0/2 nodes are available: 2 node(s) didn't find available persistent volumes to "
                                 "bind."),),
        "volume.pvc-unbound", "possible", "no matching available PV",
        id="wffc-no-pv-text-only"),
    pytest.param(
        docs(pending_pod(message="0/2 nodes are available: 2 node(s) unavailable due to one or more pvc(s) bound to "
                                 "non-existent pv(s)."),),
        "volume.pvc-unbound", "likely", "bound to PersistentVolume(s) that no longer exist",
        id="pvc-bound-to-missing-pv-text-only"),
    pytest.param(
        docs(pending_pod(message="0/6 nodes are available: 3 node(s) had taint {node-role.kubernetes.io/master: }, "
                                 "that the pod didn't tolerate, 3 node(s) had no available volume zone.")),
        "volume.node-affinity-conflict", "likely", "The scheduler rejected 3 node(s)",
        id="volume-zone-1.18-with-master-taints"),
]


@pytest.mark.parametrize(("snapshot", "code", "confidence", "cause"), CASES)
def test_variant(snapshot: str, code: str, confidence: str, cause: str) -> None:
    f = findings(snapshot, "Pod/default/web-0")[0]
    assert (f.code, f.confidence) == (code, confidence), f.cause
    assert cause in f.cause, f.cause
    assert f.evidence and f.fix is not None and f.fix.commands
