"""Older and vendor-specific wordings of the same failures still give the right code, confidence and cause."""

from __future__ import annotations

import pytest
from wlsnap import controller, deployment_rs, docs, empty_list, event, running_pod, subject_findings, waiting

RS = "ReplicaSet/shop/web-7d9f8c6b5"
POD = "Pod/shop/web-0"

PVC_VOL = """
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data-web-0}"""
LOCAL_VOL = """
  volumes:
  - name: cache
    hostPath: {path: /mnt/fast-ssd, type: Directory}"""


def rs(msg: str) -> str:
    return docs(deployment_rs(), event("ReplicaSet", "web-7d9f8c6b5", "FailedCreate", msg))


def kubelet(reason: str, msg: str) -> str:
    return event("Pod", "web-0", reason, msg, component="kubelet")


CASES = [
    pytest.param(rs('Error creating: pods "web-7d9f8c6b5-" is forbidden: failed quota: default: must specify cpu,memory'),
                 RS, "create.quota-exceeded", "certain", "missing cpu for", id="pre-1.8-quota-names-without-prefix"),
    pytest.param(rs('Error creating: pods "web-7d9f8c6b5-" is forbidden: PodSecurityPolicy: unable to admit pod: '
                    '[spec.securityContext.hostNetwork: Invalid value: true: Host network is not allowed to be used]'),
                 RS, "create.admission-denied", "certain", "No PodSecurityPolicy admits", id="psp-1.19-wording"),
    pytest.param(rs('Error creating: pods "web-7d9f8c6b5-" is forbidden: unable to validate against any security '
                    'context constraint: [provider "anyuid": Forbidden: not usable by user or serviceaccount]'),
                 RS, "create.admission-denied", "certain", "No SecurityContextConstraints admits",
                 id="openshift-scc"),
    pytest.param(rs('Error creating: Internal error occurred: failed calling admission webhook "vpod.kb.io": Post '
                    'https://webhook-svc.system.svc:443/validate?timeout=30s: net/http: request canceled while waiting '
                    'for connection (Client.Timeout exceeded while awaiting headers)'),
                 RS, "create.admission-denied", "certain", "did not answer in time", id="webhook-1.13-timeout"),
    pytest.param(rs('Error creating: Internal error occurred: failed calling webhook "validate.nginx.ingress.'
                    'kubernetes.io": failed to call webhook: Post "https://ingress-nginx-controller-admission.'
                    'ingress-nginx.svc:443/networking/v1/ingresses?timeout=10s": x509: certificate signed by unknown '
                    'authority'),
                 RS, "create.admission-denied", "certain", "TLS certificate is not trusted", id="webhook-x509"),
    pytest.param(rs('Error creating: pods "web-7d9f8c6b5-" is forbidden: no PriorityClass with name high-prio was '
                    'found'), RS, "create.admission-denied", "certain", "PriorityClass 'high-prio' does not exist",
                 id="priorityclass-missing"),
    pytest.param(rs('Error creating: pods "web-7d9f8c6b5-" is forbidden: pod rejected: RuntimeClass "gvisor" not '
                    'found'), RS, "create.admission-denied", "certain", "RuntimeClass 'gvisor' does not exist",
                 id="runtimeclass-missing"),
    pytest.param(rs("Error creating: pods \"web-7d9f8c6b5-\" is forbidden: unable to create new content in namespace "
                    "shop because it is being terminated"), RS, "create.admission-denied", "certain",
                 "Namespace 'shop' is being deleted", id="namespace-terminating"),
    pytest.param(docs(controller("ReplicaSet", "api"),
                      event("ReplicaSet", "api", "FailedCreate",
                            'Error creating: pods "api-" is forbidden: [minimum memory usage per Container is 100Mi, '
                            'but request is 50Mi., maximum cpu usage per Container is 1, but limit is 2.]')),
                 "ReplicaSet/shop/api", "create.admission-denied", "certain",
                 "requires at least 100Mi memory request per Container", id="limitrange-aggregated-with-periods"),
    pytest.param(docs(running_pod("web-0", status_containers=waiting("app", "CreateContainerConfigError",
                                                                      "Couldn't find key url in ConfigMap shop/db"))),
                 POD, "start.config-missing", "likely", "key 'url' of ConfigMap 'db'", id="pre-1.8-capitalised-key"),
    pytest.param(docs(running_pod("web-0", status_containers=waiting("app", "CreateContainerConfigError", "")),
                      kubelet("Failed", 'Error: configmaps "db" not found')),
                 POD, "start.config-missing", "likely", "ConfigMap 'db' does not exist",
                 id="waiting-message-missing-event-text-used"),
    pytest.param(docs(running_pod("web-0", spec_extra=PVC_VOL),
                      kubelet("FailedMount", "Unable to attach or mount volumes: unmounted volumes=[data], unattached "
                                             "volumes=[data kube-api-access-2kq]: error processing PVC shop/data-web-0: "
                                             "PVC is not bound")),
                 POD, "start.mount-failed", "certain", "cannot use PersistentVolumeClaim 'shop/data-web-0'",
                 id="mount-pvc-not-bound-on-a-pod-placed-by-nodename"),
    pytest.param(docs(running_pod("web-0", spec_extra=LOCAL_VOL),
                      kubelet("FailedMount", 'MountVolume.NewMounter initialization failed for volume "local-pv-1" : '
                                             'path "/mnt/disks/ssd1" does not exist')),
                 POD, "start.mount-failed", "certain", "path is missing (or of the wrong type) on node 'node-1'", id="local-pv-path-missing"),
    pytest.param(docs(running_pod("web-0", spec_extra=PVC_VOL),
                      kubelet("FailedMount", 'Unable to mount volumes for pod "web-0_shop(0d2c)": timeout expired '
                                             'waiting for volumes to attach or mount for pod "shop"/"web-0". list of '
                                             'unmounted volumes=[data]. list of unattached volumes=[data '
                                             'default-token-x7f]')),
                 POD, "start.mount-failed", "likely", "timed out attaching/mounting volume(s) data (PVC data-web-0)",
                 id="mount-timeout-1.16-wording"),
    pytest.param(docs(running_pod("web-0", spec_extra=PVC_VOL),
                      event("Pod", "web-0", "FailedAttachVolume",
                            'AttachVolume.Attach failed for volume "pvc-31a" : rpc error: code = Internal desc = Could '
                            'not attach volume "vol-0a1" to node "i-0b2": could not attach volume "vol-0a1" to node '
                            '"i-0b2": InvalidVolume.ZoneMismatch: The volume is not in the same availability zone as '
                            'the instance', component="attachdetach-controller")),
                 POD, "start.mount-failed", "likely", "InvalidVolume.ZoneMismatch", id="attach-failed-zone-mismatch"),
    pytest.param(docs(running_pod("web-0", spec_extra=PVC_VOL),
                      event("Pod", "web-0", "FailedAttachVolume",
                            'Multi-Attach error for volume "pvc-31a" Volume is already exclusively attached to one node '
                            "and can't be attached to another", component="attachdetach-controller")),
                 POD, "start.mount-failed", "likely", "is ReadWriteOnce and still attached for a pod on another node",
                 id="multi-attach-exclusive-without-holder-in-input"),
    pytest.param(docs(running_pod("web-0"),
                      kubelet("FailedCreatePodSandBox",
                              'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox '
                              'container "5f1" network for pod "web-0": networkPlugin cni failed to set up pod '
                              '"web-0_shop" network: add cmd: failed to assign an IP address to container')),
                 POD, "start.sandbox-failed", "certain", "IP pool for this node is exhausted", id="sandbox-aws-cni-ip"),
    pytest.param(docs(running_pod("web-0"),
                      kubelet("FailedCreatePodSandBox",
                              "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network "
                              'for sandbox "1ab": plugin type="cilium-cni" failed (add): unable to connect to Cilium '
                              "daemon: failed to create cilium agent client after 30.000000 seconds timeout")),
                 POD, "start.sandbox-failed", "certain", "Cilium CNI plugin cannot talk to the cilium agent",
                 id="sandbox-cilium-agent-down"),
    pytest.param(docs(running_pod("web-0"),
                      kubelet("FailedCreatePodSandBox",
                              "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create "
                              "containerd task: failed to create shim task: OCI runtime create failed: runc create "
                              "failed: unable to apply cgroup configuration")),
                 POD, "start.sandbox-failed", "certain", "OCI runtime / cgroup error", id="sandbox-runc-cgroup"),
    pytest.param(docs(running_pod("web-0"), empty_list("Secret"),
                      kubelet("FailedMount", 'MountVolume.SetUp failed for volume "default-token-x7f2q" : secret '
                                             '"default-token-x7f2q" not found')),
                 POD, "start.config-missing", "certain", "ServiceAccount token secret that was deleted or rotated",
                 id="deleted-serviceaccount-token-secret"),
    pytest.param(docs(running_pod("web-0"),
                      kubelet("NetworkNotReady",
                              "network is not ready: container runtime network not ready: NetworkReady=false "
                              "reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not "
                              "initialized")),
                 POD, "start.sandbox-failed", "certain", "no working CNI configuration", id="network-not-ready-event"),
    pytest.param(docs(running_pod("web-0"),
                      kubelet("FailedSync",
                              'Error syncing pod, skipping: failed to "CreatePodSandbox" for "web-0_shop(1f)" with '
                              'CreatePodSandboxError: "CreatePodSandbox for pod \\"web-0_shop(1f)\\" failed: rpc error: '
                              'code = 2 desc = NetworkPlugin cni failed to set up pod \\"web-0_shop\\" network: open '
                              '/run/flannel/subnet.env: no such file or directory"')),
                 POD, "start.sandbox-failed", "certain", "flannel has not configured this node",
                 id="pre-1.10-failedsync-create-pod-sandbox"),
]


@pytest.mark.parametrize(("snapshot", "ref", "code", "confidence", "cause"), CASES)
def test_variant(snapshot: str, ref: str, code: str, confidence: str, cause: str) -> None:
    f = subject_findings(snapshot, ref)[0]
    assert (f.code, f.confidence) == (code, confidence), f.cause
    assert cause in f.cause, f.cause
    assert f.evidence and f.fix is not None and f.fix.commands
