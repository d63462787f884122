"""Pods scheduled but not starting: missing Secrets/ConfigMaps and keys (CreateContainerConfigError),
volumes that will not mount or attach (FailedMount/FailedAttachVolume) and sandbox failures
(FailedCreatePodSandBox). Realistic snapshots; the pod's first finding asserted whole."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from wlsnap import configmap, docs, empty_list, event, running_pod, secret, subject_findings, waiting

POD = "Pod/shop/web-0"

ENV_APP = """\
- name: app
  image: registry.example.com/web:2.1
  env:
  - name: SMTP_PASSWORD
    valueFrom:
      secretKeyRef: {name: smtp-account, key: password}
  - name: SMTP_USER
    valueFrom:
      secretKeyRef: {name: smtp-account, key: user, optional: true}
  envFrom:
  - configMapRef: {name: web-config}
"""

INIT_SPEC = """
  initContainers:
  - name: wait-db
    image: registry.example.com/wait:1
    env:
    - name: DB_PASSWORD
      valueFrom:
        secretKeyRef: {name: my-password, key: password}"""

INIT_STATUS = """
  initContainerStatuses:
  - name: wait-db
    image: registry.example.com/wait:1
    state:
      waiting:
        reason: CreateContainerConfigError
        message: secrets "my-password" not found"""

CFG_VOL = """
  volumes:
  - name: config
    configMap: {name: web-config}
  - name: tls
    secret: {secretName: web-tls}"""

PVC_VOL = """
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data-web-0}"""


def kubelet(reason: str, message: str, n: int = 0, pod: str = "web-0") -> str:
    return event("Pod", pod, reason, message, n=n, component="kubelet")


@dataclass
class Want:
    code: str
    confidence: str
    cause: list[str]
    evidence: list[tuple[str, str]] = field(default_factory=list)
    commands: list[str] | None = None
    details: dict[str, object] = field(default_factory=dict)
    container: str | None = None


CASES = [
    pytest.param(
        docs(running_pod("web-0", containers=ENV_APP,
                         status_containers=waiting("app", "CreateContainerConfigError",
                                                   'secret "smtp-account" not found')),
             secret("smpt-account", ("password",)), configmap("web-config", ("LOG_LEVEL",)),
             kubelet("Failed", 'Error: secret "smtp-account" not found')),
        Want("start.config-missing", "certain",
             ["Container 'app' cannot start: Secret 'smtp-account' does not exist in namespace 'shop', referenced "
              "by container 'app' env SMTP_PASSWORD key 'password'.",
              "Optional references (container 'app' env SMTP_USER key 'user' (optional: true, harmless)) are skipped",
              "Similar Secrets in shop: smpt-account."],
             [("Pod/shop/web-0", 'CreateContainerConfigError: secret "smtp-account" not found'),
              ("Event/shop/web-0.failed0", 'Error: secret "smtp-account" not found'),
              ("Secret/shop/smtp-account", "not found")],
             ["kubectl create secret generic smtp-account -n shop --from-literal=password=<value>",
              "kubectl get secrets -n shop"],
             container="app"),
        id="secret-missing-names-the-env-var-and-marks-optional-refs-harmless"),
    pytest.param(
        docs(running_pod("web-0", containers=ENV_APP,
                         status_containers=waiting("app", "CreateContainerConfigError",
                                                   "couldn't find key password in Secret shop/smtp-account")),
             secret("smtp-account", ("username", "pass")), configmap("web-config", ("LOG_LEVEL",))),
        Want("start.config-missing", "certain",
             ["key 'password' of Secret 'smtp-account' does not exist", "env SMTP_PASSWORD"],
             [("Secret/shop/smtp-account", "pass, username")],
             ["kubectl patch secret smtp-account -n shop --type merge -p '{\"stringData\":{\"password\":\"<value>\"}}'",
              "kubectl get secrets -n shop"],
             details={"kind": "Secret", "name": "smtp-account", "key": "password"}),
        id="secret-key-missing-lists-the-keys-that-exist"),
    pytest.param(
        docs(running_pod("web-0", containers=ENV_APP,
                         status_containers=waiting("app", "CreateContainerConfigError", 'configmap "web-config" not found'))),
        Want("start.config-missing", "likely",
             ["ConfigMap 'web-config' does not exist in namespace 'shop', referenced by container 'app' envFrom"],
             commands=["kubectl create configmap web-config -n shop --from-literal=<key>=<value>",
                       "kubectl get configmaps -n shop"]),
        id="configmap-envfrom-missing-without-configmaps-loaded-is-likely"),
    pytest.param(
        docs(running_pod("web-0", containers=ENV_APP,
                         status_containers=waiting("app", "CreateContainerConfigError",
                                                   "couldn't find key LOG_LEVEL in ConfigMap shop/web-config")),
             configmap("web-config", ("log_level",)), secret("smtp-account", ("password",))),
        Want("start.config-missing", "certain", ["key 'LOG_LEVEL' of ConfigMap 'web-config'"],
             [("ConfigMap/shop/web-config", "log_level")]),
        id="configmap-key-missing"),
    pytest.param(
        docs(running_pod("web-0", spec_extra=INIT_SPEC, init_status=INIT_STATUS, phase="Pending",
                         status_containers=waiting("app", "PodInitializing", "")),
             empty_list("Secret")),
        Want("start.config-missing", "certain",
             ["InitContainer 'wait-db' cannot start: Secret 'my-password' does not exist in namespace 'shop', "
              "referenced by initContainer 'wait-db' env DB_PASSWORD key 'password'."],
             container="wait-db"),
        id="init-container-secret-missing-plural-secrets-wording"),
    pytest.param(
        docs(running_pod("web-0", spec_extra=CFG_VOL),
             kubelet("FailedMount", 'MountVolume.SetUp failed for volume "config" : configmap "web-config" not found')),
        # Pod and events only (what users paste): the volume's ConfigMap is missing, which is a missing object,
        # not the mount machinery; likely, since the ConfigMaps are not in the input to confirm it.
        Want("start.config-missing", "likely",
             ["Volume 'config' cannot be mounted: ConfigMap 'web-config' does not exist in namespace 'shop'."]),
        id="failedmount-configmap-missing-without-the-configmaps-in-the-input"),
    pytest.param(
        docs(running_pod("web-0", spec_extra=CFG_VOL), configmap("web-config", ("a",)), empty_list("Secret"),
             kubelet("FailedMount", 'MountVolume.SetUp failed for volume "tls" : secret "web-tls" not found')),
        Want("start.config-missing", "certain",
             ["Volume 'tls' cannot be mounted: Secret 'web-tls' does not exist in namespace 'shop'."],
             [("Secret/shop/web-tls", "not found")],
             details={"class": "volume-source-missing", "volume": "tls"}),
        id="failedmount-secret-volume-source-missing"),
    pytest.param(
        docs(running_pod("web-0", spec_extra=CFG_VOL), configmap("web-config", ("a",)),
             kubelet("FailedMount", 'MountVolume.SetUp failed for volume "config" : configmap references '
                                    'non-existent config key: app.yaml')),
        Want("start.config-missing", "certain", ["key 'app.yaml' of ConfigMap 'web-config'"],
             [("ConfigMap/shop/web-config", "a")]),
        id="failedmount-configmap-item-key-missing"),
    pytest.param(
        docs(running_pod("web-0", node="node-2", spec_extra=PVC_VOL),
             running_pod("web-old", node="node-1", spec_extra=PVC_VOL, phase="Running",
                         status_containers="  containerStatuses: []"),
             """\
             apiVersion: v1
             kind: PersistentVolumeClaim
             metadata: {name: data-web-0, namespace: shop}
             spec: {accessModes: [ReadWriteOnce], volumeName: pvc-5d1c, storageClassName: gp3,
                    resources: {requests: {storage: 10Gi}}}
             status: {phase: Bound}
             """,
             event("Pod", "web-0", "FailedAttachVolume",
                   'Multi-Attach error for volume "pvc-5d1c" Volume is already used by pod(s) web-old',
                   component="attachdetach-controller")),
        Want("start.mount-failed", "certain",
             ["Volume 'pvc-5d1c' (claim 'data-web-0', ReadWriteOnce) is ReadWriteOnce and still attached for "
              "web-old on node node-1; it cannot also attach to node 'node-2' for this pod."],
             commands=["kubectl delete pod web-old -n shop   # if it should not run",
                       "kubectl get volumeattachments | grep pvc-5d1c"],
             details={"class": "multi-attach", "heldBy": ["shop/web-old@node-1"]}),
        id="multi-attach-names-the-pod-and-node-holding-the-volume"),
    pytest.param(
        docs(running_pod("web-0", spec_extra=PVC_VOL),
             """\
             apiVersion: storage.k8s.io/v1
             kind: CSINode
             metadata: {name: node-1}
             spec:
               drivers:
               - {name: ebs.csi.aws.com, nodeID: i-0abc}
             """,
             kubelet("FailedMount", 'MountVolume.MountDevice failed for volume "pvc-4d70" : kubernetes.io/csi: '
                                    'attacher.MountDevice failed to create newCsiDriverClient: driver name '
                                    'hostpath.csi.k8s.io not found in the list of registered CSI drivers')),
        Want("start.mount-failed", "certain",
             ["CSI driver 'hostpath.csi.k8s.io' is not registered with the kubelet on node 'node-1' (its CSINode "
              "lists: ebs.csi.aws.com)"],
             [("CSINode/node-1", "ebs.csi.aws.com")],
             ["kubectl get csinode node-1 -o yaml",
              "kubectl get pods -A -o wide --field-selector spec.nodeName=node-1 | grep -i csi",
              "kubectl get csidrivers"]),
        id="csi-driver-not-registered-on-the-node"),
    pytest.param(
        docs(running_pod("web-0", spec_extra=PVC_VOL),
             kubelet("FailedMount", "Unable to attach or mount volumes: unmounted volumes=[data], unattached "
                                    "volumes=[data kube-api-access-8xk2p]: timed out waiting for the condition")),
        Want("start.mount-failed", "likely",
             ["The kubelet timed out attaching/mounting volume(s) data (PVC data-web-0)"],
             commands=["kubectl describe pod web-0 -n shop", "kubectl get volumeattachments",
                       "kubectl describe pvc data-web-0 -n shop"]),
        id="mount-timeout-names-the-unmounted-volumes"),
    pytest.param(
        docs(running_pod("web-0"),
             kubelet("FailedCreatePodSandBox",
                     'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for '
                     'sandbox "3f2a": plugin type="bridge" failed (add): failed to allocate for range 0: no IP '
                     'addresses available in range set: 10.244.1.1-10.244.1.254')),
        Want("start.sandbox-failed", "certain",
             ["The pod sandbox cannot be created on node 'node-1': the CNI plugin's IP pool for this node is "
              "exhausted"],
             commands=["kubectl get pods -A -o wide --field-selector spec.nodeName=node-1 | wc -l",
                       "kubectl get node node-1 -o jsonpath='{.spec.podCIDR}'"],
             details={"class": "ipam-exhausted", "node": "node-1"}),
        id="sandbox-ipam-exhausted"),
    pytest.param(
        docs(running_pod("web-0"),
             kubelet("FailedCreatePodSandBox",
                     'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for '
                     'sandbox "9c1e": plugin type="calico" failed (add): error getting ClusterInformation: '
                     'connection is unauthorized: Unauthorized')),
        Want("start.sandbox-failed", "certain", ["the Calico CNI plugin cannot reach the API server"],
             details={"class": "cni-calico"}),
        id="sandbox-calico-unauthorized"),
    pytest.param(
        docs(running_pod("web-0"),
             kubelet("FailedCreatePodSandBox",
                     "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no "
                     'runtime for "kata" is configured')),
        Want("start.sandbox-failed", "certain", ["RuntimeClass handler is not configured"],
             details={"class": "runtime-handler"}),
        id="sandbox-runtimeclass-handler-missing"),
    pytest.param(
        docs(running_pod("web-0"),
             kubelet("FailedCreatePodSandBox",
                     "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image "
                     '"registry.k8s.io/pause:3.9": failed to pull image "registry.k8s.io/pause:3.9": dial tcp: '
                     "lookup registry.k8s.io: no such host")),
        Want("start.sandbox-failed", "certain", ["cannot pull the sandbox (pause) image"],
             details={"class": "pause-image"}),
        id="sandbox-pause-image-pull"),
    pytest.param(
        docs(running_pod("web-0"),
             kubelet("FailedCreatePodSandBox",
                     "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for "
                     'sandbox "77aa": plugin type="flannel" failed (add): loadFlannelSubnetEnv failed: open '
                     "/run/flannel/subnet.env: no such file or directory")),
        Want("start.sandbox-failed", "certain", ["flannel has not configured this node"],
             details={"class": "cni-flannel"}),
        id="sandbox-flannel-subnet-env-missing"),
    pytest.param(
        docs(running_pod("web-0"),
             kubelet("FailedCreatePodSandBox",
                     "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create pod network "
                     "sandbox: cni plugin not initialized")),
        Want("start.sandbox-failed", "certain", ["the node has no working CNI configuration"],
             details={"class": "cni-not-ready"}),
        id="sandbox-cni-not-initialized"),
]


@pytest.mark.parametrize(("snapshot", "want"), CASES)
def test_first_finding(snapshot: str, want: Want) -> None:
    got = subject_findings(snapshot, POD)
    f = got[0]
    assert (f.code, f.confidence) == (want.code, want.confidence), f.cause
    for part in want.cause:
        assert part in f.cause, f"{part!r} not in {f.cause!r}"
    for r, observed in want.evidence:
        assert any(e.ref == r and observed in e.observed for e in f.evidence), \
            f"no evidence {r} ~ {observed!r} in {[(e.ref, e.observed) for e in f.evidence]}"
    assert f.fix is not None and f.fix.summary
    if want.commands is not None:
        assert f.fix.commands == want.commands
    for k, v in want.details.items():
        assert f.details is not None and f.details.get(k) == v, (k, f.details)
    if want.container is not None:
        assert f.container == want.container


@pytest.mark.parametrize(("event", "subjects"), [
    # The kubelet already said the Secret is missing: reported even without the Secrets in the input (a
    # `cluster-info dump` has none), as it is with them (tests/test_cli_gates.py), so every input agrees.
    pytest.param(kubelet("FailedMount", 'MountVolume.SetUp failed for volume "tls" : secret "web-tls" not found'),
                 ["Pod/shop/web-0"], id="young-pod-with-the-kubelets-secret-not-found-is-a-subject"),
    # A mount that is merely slow (a timeout the next retry may clear) waits out the threshold.
    pytest.param(kubelet("FailedMount", "Unable to attach or mount volumes: unmounted volumes=[tls], unattached "
                                        "volumes=[tls]: timed out waiting for the condition"),
                 [], id="young-pod-with-a-mount-timeout-is-not-a-subject-yet"),
])
def test_young_containercreating_pod(event: str, subjects: list[str]) -> None:
    snap = docs(running_pod("web-0").replace("2026-03-01T10:00:00Z", "2026-03-01T11:59:00Z"), event)
    from wlsnap import NOW

    from podwhy.diagnose import diagnose
    from podwhy.snapshot import SourceInfo
    from podwhy.snapshot.build import build_snapshot
    from podwhy.snapshot.sources.files import decode_bytes

    rep = diagnose(build_snapshot(decode_bytes(snap.encode(), "t"), SourceInfo("files", "t")), now=NOW)
    assert [s.ref for s in rep.subjects] == subjects


def test_config_secret_that_exists_now_is_only_possible() -> None:
    snap = docs(running_pod("web-0", containers=ENV_APP,
                            status_containers=waiting("app", "CreateContainerConfigError",
                                                      'secret "smtp-account" not found')),
                secret("smtp-account", ("password",)))
    f = subject_findings(snap, POD)[0]
    assert (f.code, f.confidence) == ("start.config-missing", "possible")
    assert "It exists now" in f.cause
