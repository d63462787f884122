"""Controllers whose pods are never created: quota arithmetic, LimitRange, Pod Security, webhooks,
ServiceAccount. Every message form of semantics A5 appears in at least one case; the first finding of
the controller is asserted whole."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import yaml
from wlsnap import (
    controller,
    deployment_rs,
    docs,
    empty_list,
    event,
    limitrange,
    quota,
    subject_findings,
)

RS = "ReplicaSet/shop/web-7d9f8c6b5"


def rs_event(msg: str, n: int = 0) -> str:
    return event("ReplicaSet", "web-7d9f8c6b5", "FailedCreate", msg, n=n)


def forbidden(cause: str) -> str:
    return f'Error creating: pods "web-7d9f8c6b5-" is forbidden: {cause}'


TWO = """\
- name: app
  image: registry.example.com/web:2.1
  resources:
    requests: {cpu: 250m, memory: 128Mi}
    limits: {cpu: 500m, memory: 256Mi}
- name: sidecar
  image: registry.example.com/proxy:1.0
  resources:
    requests: {cpu: 100m}
"""
GPU = """\
- name: train
  image: registry.example.com/train:5
  resources:
    limits: {nvidia.com/gpu: 2}
"""
BARE = """\
- name: app
  image: registry.example.com/web:2.1
"""
BIG = """\
- name: app
  image: registry.example.com/web:2.1
  resources:
    requests: {cpu: "1", memory: 32Mi}
    limits: {cpu: "4", memory: 2Gi}
"""

APP_WITH_INIT = """\
- name: app
  image: registry.example.com/db:16
"""
INIT = """\
- name: init
  image: registry.example.com/db-init:16
"""


@dataclass
class Want:
    code: str
    confidence: str
    cause: list[str]
    evidence: list[tuple[str, str]] = field(default_factory=list)
    commands: list[str] | None = None
    patch: str | None = None
    details: dict[str, object] = field(default_factory=dict)


CASES = [
    pytest.param(
        docs(deployment_rs(have=1),
             quota("compute", {"requests.cpu": "2", "limits.memory": "8Gi"},
                   {"requests.cpu": "1800m", "limits.memory": "3Gi"}),
             rs_event(forbidden("exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=1800m, "
                                "limited: requests.cpu=2"))),
        RS,
        Want("create.quota-exceeded", "certain",
             ["ResourceQuota 'compute' rejects every new pod of ReplicaSet 'web-7d9f8c6b5' (Deployment 'web'): "
              "requests.cpu: used 1800m + this pod 500m = 2300m > hard 2 (over by 300m; 200m left). 2 pod(s) are "
              "missing."],
             [("Event/shop/web-7d9f8c6b5.failedcreate0", "exceeded quota: compute"),
              ("ResourceQuota/shop/compute", "requests.cpu: used 1800m of 2")],
             ["kubectl describe resourcequota/compute -n shop",
              "kubectl patch resourcequota/compute -n shop --type merge -p "
              "'{\"spec\":{\"hard\":{\"requests.cpu\":\"2800m\"}}}'",
              "kubectl set resources deployment/web -n shop -c app --requests=cpu=100m"],
             details={"resources": [{"resource": "requests.cpu", "hard": "2", "used": "1800m",
                                     "requestedPerPod": "500m", "headroom": "200m", "over": "300m", "missingPods": 2,
                                     "hardNeededForAll": "2800m"}], "recomputed": True}),
        id="quota-exceeded-recomputed-from-the-quota-and-the-deployment-template"),
    pytest.param(
        docs(controller("ReplicationController", "test-1"),
             event("ReplicationController", "test-1", "FailedCreate",
                   'Error creating: pods "test-1-" is forbidden: Exceeded quota: compute-resources, requested: '
                   'limits.cpu=384m,limits.memory=512Mi, used: limits.cpu=384m,limits.memory=512Mi, limited: '
                   'limits.cpu=384m,limits.memory=512Mi')),
        "ReplicationController/shop/test-1",
        Want("create.quota-exceeded", "certain",
             ["limits.cpu: used 384m + this pod 384m = 768m > hard 384m (over by 384m; 0 left)",
              "limits.memory: used 512Mi + this pod 512Mi = 1Gi > hard 512Mi (over by 512Mi; 0 left)"],
             commands=["kubectl describe resourcequota/compute-resources -n shop",
                       "kubectl patch resourcequota/compute-resources -n shop --type merge -p "
                       "'{\"spec\":{\"hard\":{\"limits.cpu\":\"768m\",\"limits.memory\":\"1Gi\"}}}'"],
             details={"recomputed": False}),
        id="capitalised-exceeded-quota-of-openshift-3-without-quota-objects"),
    pytest.param(
        docs(controller("Job", "train", containers=GPU),
             quota("gpus", {"requests.nvidia.com/gpu": "4"}, {"requests.nvidia.com/gpu": "3"}),
             event("Job", "train", "FailedCreate",
                   'Error creating: pods "train-" is forbidden: exceeded quota: gpus, requested: '
                   'requests.nvidia.com/gpu=2, used: requests.nvidia.com/gpu=3, limited: requests.nvidia.com/gpu=4',
                   component="job-controller")),
        "Job/shop/train",
        Want("create.quota-exceeded", "certain",
             ["requests.nvidia.com/gpu: used 3 + this pod 2 = 5 > hard 4 (over by 1; 1 left)"],
             details={"resources": [{"resource": "requests.nvidia.com/gpu", "hard": "4", "used": "3",
                                     "requestedPerPod": "2", "headroom": "1", "over": "1", "missingPods": 1,
                                     "hardNeededForAll": "5"}]}),
        id="extended-resource-gpu-quota-on-a-job"),
    pytest.param(
        docs(controller("DaemonSet", "node-agent"),
             event("DaemonSet", "node-agent", "FailedCreate",
                   'Error creating: pods "node-agent-" is forbidden: exceeded quota: object-counts, requested: '
                   'pods=1, used: pods=10, limited: pods=10', component="daemonset-controller")),
        "DaemonSet/shop/node-agent",
        Want("create.quota-exceeded", "certain",
             ["pods: used 10 + this pod 1 = 11 > hard 10 (over by 1; 0 left). 3 pod(s) are missing."],
             commands=["kubectl describe resourcequota/object-counts -n shop",
                       "kubectl patch resourcequota/object-counts -n shop --type merge -p "
                       "'{\"spec\":{\"hard\":{\"pods\":\"13\"}}}'"]),
        id="pod-count-quota-on-a-daemonset"),
    pytest.param(
        docs(deployment_rs(containers=TWO),
             rs_event(forbidden("failed quota: compute: must specify limits.cpu for: sidecar; limits.memory for: "
                                "sidecar"))),
        RS,
        Want("create.quota-exceeded", "certain",
             ["ResourceQuota 'compute' tracks these resources, so every container must declare them, and the pod "
              "template of ReplicaSet 'web-7d9f8c6b5' (Deployment 'web') does not: missing limits.cpu for "
              "'sidecar'; limits.memory for 'sidecar'."],
             commands=["kubectl set resources deployment/web -n shop -c sidecar --limits=cpu=100m,memory=512Mi",
                       "kubectl patch deployment/web -n shop --type strategic --patch-file resources-fix.yaml   "
                       "# or: the patch below, saved as resources-fix.yaml"],
             patch=("spec:\n  template:\n    spec:\n      containers:\n      - name: sidecar\n        resources:\n"
                    "          limits:\n            cpu: 100m\n            memory: 512Mi\n"),
             details={"mustSpecify": {"limits.cpu": ["sidecar"], "limits.memory": ["sidecar"]}}),
        id="quota-must-specify-1.24-form-names-the-containers"),
    pytest.param(
        docs(deployment_rs(containers=TWO),
             rs_event(forbidden("failed quota: compute: must specify limits.cpu,limits.memory"))),
        RS,
        Want("create.quota-exceeded", "certain",
             ["missing limits.cpu for 'sidecar'; limits.memory for 'sidecar'"],
             details={"mustSpecify": {"limits.cpu": ["sidecar"], "limits.memory": ["sidecar"]}}),
        id="quota-must-specify-1.23-form-recomputed-from-the-template"),
    pytest.param(
        docs(deployment_rs(containers=BIG),
             limitrange("limits", """\
                 - type: Container
                   max: {cpu: "2", memory: 1Gi}
                   default: {cpu: 500m, memory: 512Mi}
                 """),
             rs_event(forbidden("[maximum cpu usage per Container is 2, but limit is 4, maximum memory usage per "
                                "Container is 1Gi, but limit is 2Gi]"))),
        RS,
        Want("create.admission-denied", "certain",
             ["The LimitRanger admission plugin rejects every pod of ReplicaSet 'web-7d9f8c6b5' (Deployment 'web'): "
              "LimitRange 'limits' requires at most 2 cpu limit per Container, but container 'app' has limit 4; "
              "LimitRange 'limits' requires at most 1Gi memory limit per Container, but container 'app' has limit "
              "2Gi."],
             [("LimitRange/shop/limits", "2")],
             ["kubectl set resources deployment/web -n shop -c app --limits=cpu=2,memory=1Gi",
              "kubectl edit limitrange limits -n shop   # or relax the rule"]),
        id="limitrange-max-aggregated-without-periods"),
    pytest.param(
        docs(deployment_rs(containers=BIG),
             limitrange("mins", """\
                 - type: Container
                   min: {memory: 64Mi}
                 """),
             rs_event(forbidden("minimum memory usage per Container is 64Mi, but request is 32Mi."))),
        RS,
        Want("create.admission-denied", "certain",
             ["LimitRange 'mins' requires at least 64Mi memory request per Container, but container 'app' has "
              "request 32Mi"],
             commands=["kubectl set resources deployment/web -n shop -c app --requests=memory=64Mi",
                       "kubectl edit limitrange mins -n shop   # or relax the rule"]),
        id="limitrange-min-with-trailing-period"),
    pytest.param(
        docs(deployment_rs(containers=BIG),
             limitrange("ratio", """\
                 - type: Container
                   maxLimitRequestRatio: {cpu: "2"}
                 """),
             rs_event(forbidden("cpu max limit to request ratio per Container is 2, but provided ratio is "
                                "4.000000"))),
        RS,
        Want("create.admission-denied", "certain",
             ["LimitRange 'ratio' requires a limit/request ratio of at most 2 cpu per Container, but container "
              "'app' has limit 4 / request 1 = 4"],
             commands=["kubectl set resources deployment/web -n shop -c app --requests=cpu=2",
                       "kubectl edit limitrange ratio -n shop   # or relax the rule"]),
        id="limitrange-limit-to-request-ratio-suggests-the-request-that-fits"),
    pytest.param(
        docs(deployment_rs(containers=BARE),
             rs_event(forbidden("maximum memory usage per Pod is 1Gi.  No limit is specified."))),
        RS,
        Want("create.admission-denied", "certain",
             ["LimitRange requires at most 1Gi memory limit per Pod, but the rejected pod has no limit"]),
        id="limitrange-no-limit-specified-two-spaces"),
    pytest.param(
        docs(controller("StatefulSet", "db", containers=APP_WITH_INIT, init=INIT),
             event("StatefulSet", "db", "FailedCreate",
                   'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: violates PodSecurity '
                   '"restricted:latest": allowPrivilegeEscalation != false (containers "app", "init" must set '
                   'securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must '
                   'set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must '
                   'set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set '
                   'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
                   component="statefulset-controller")),
        "StatefulSet/shop/db",
        Want("create.admission-denied", "certain",
             ["Pod Security admission enforces 'restricted:latest' on namespace 'shop' and rejects every pod of "
              "StatefulSet 'db'; 4 check(s) fail"],
             commands=["kubectl patch statefulset/db -n shop --type strategic --patch-file podsecurity-fix.yaml   "
                       "# the patch below, saved as podsecurity-fix.yaml",
                       "# or, if this workload needs it: kubectl label namespace shop "
                       "pod-security.kubernetes.io/enforce=baseline --overwrite"],
             patch=("spec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n"
                    "        seccompProfile:\n          type: RuntimeDefault\n      initContainers:\n      - name: init\n"
                    "        securityContext:\n          allowPrivilegeEscalation: false\n      containers:\n"
                    "      - name: app\n        securityContext:\n          allowPrivilegeEscalation: false\n"
                    "          capabilities:\n            drop: [\"ALL\"]\n")),
        id="podsecurity-restricted-every-check-and-its-securitycontext-patch"),
    pytest.param(
        docs(deployment_rs(),
             rs_event(forbidden('violates PodSecurity "baseline:v1.29": host namespaces (hostNetwork=true), '
                                'privileged (container "app" must not set securityContext.privileged=true)'))),
        RS,
        Want("create.admission-denied", "certain",
             ["enforces 'baseline:v1.29'", "2 check(s) fail: host namespaces (hostNetwork=true); privileged"],
             patch=("spec:\n  template:\n    spec:\n      hostNetwork: false\n      containers:\n      - name: app\n"
                    "        securityContext:\n          privileged: false\n"),
             details={"policy": "baseline:v1.29"}),
        id="podsecurity-baseline-host-network-and-privileged"),
    pytest.param(
        docs(deployment_rs(),
             rs_event(forbidden('admission webhook "validation.gatekeeper.sh" denied the request: '
                                '[require-team-label] you must provide labels: {"team"}'))),
        RS,
        Want("create.admission-denied", "certain",
             ["Admission webhook 'validation.gatekeeper.sh' rejects every pod of ReplicaSet 'web-7d9f8c6b5' "
              "(Deployment 'web'): [require-team-label] you must provide labels: {\"team\"}"],
             details={"webhook": "validation.gatekeeper.sh"}),
        id="webhook-denial-quoted"),
    pytest.param(
        docs(deployment_rs(),
             rs_event(forbidden('admission webhook "deny-all.example.com" denied the request without explanation'))),
        RS,
        Want("create.admission-denied", "certain",
             ["Admission webhook 'deny-all.example.com' rejects every pod of", "without explanation"]),
        id="webhook-denial-without-explanation"),
    pytest.param(
        docs(deployment_rs(),
             rs_event('Error creating: Internal error occurred: failed calling webhook "mutate.kyverno.svc-fail": '
                      'failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": '
                      'dial tcp 10.96.12.7:443: connect: connection refused')),
        RS,
        Want("create.admission-denied", "certain",
             ["admission webhook 'mutate.kyverno.svc-fail' is failing and its failurePolicy is Fail: nothing listens "
              "behind the webhook's Service", "(service kyverno/kyverno-svc)"],
             commands=["kubectl get service,endpoints kyverno-svc -n kyverno", "kubectl get pods -n kyverno",
                       "kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations -o "
                       "custom-columns=NAME:.metadata.name,WEBHOOKS:.webhooks[*].name | grep -F "
                       "mutate.kyverno.svc-fail"]),
        id="webhook-down-connection-refused-names-the-service"),
    pytest.param(
        docs(deployment_rs(), empty_list("ServiceAccount"),
             rs_event(forbidden("error looking up service account shop/web-sa: serviceaccount \"web-sa\" not found"))),
        RS,
        Want("create.admission-denied", "certain",
             ["ServiceAccount 'web-sa' does not exist in namespace 'shop'"],
             [("ServiceAccount/shop/web-sa", "not found")],
             ["kubectl create serviceaccount web-sa -n shop", "kubectl get serviceaccounts -n shop"]),
        id="serviceaccount-lookup-error-verified-against-the-snapshot"),
    pytest.param(
        docs(controller("Job", "migrate"),
             event("Job", "migrate", "FailedCreate",
                   'Error creating: pods "migrate-" is forbidden: service account shop/migrator was not found, retry '
                   'after the service account is created', component="job-controller")),
        "Job/shop/migrate",
        Want("create.admission-denied", "certain", ["ServiceAccount 'migrator' does not exist in namespace 'shop'"]),
        id="serviceaccount-retry-after-created-form-on-a-job"),
    pytest.param(
        docs(controller("Job", "etl"), event("Job", "etl", "FailedCreate",
                   'Error creating: pods "etl-" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
                   component="job-controller")),
        "Job/shop/etl",
        # Neither the Job's containers nor the LimitRange in the input: no container to name, and `kubectl set resources
        # job/etl` would patch the Job's immutable template (rejected): what to change in the re-created Job.
        Want("create.admission-denied", "certain", ["requires at most 1 cpu limit per Container, but the rejected pod has limit 2"],
             commands=["kubectl -n shop get job etl -o yaml > job.yaml   # set limits cpu=1 on the container that "
                       "breaks the LimitRange, delete spec.selector and the controller-uid labels, then: kubectl "
                       "replace --force -f job.yaml", "kubectl get limitrange -n shop -o yaml"]),
        id="limitrange-on-a-job-not-in-the-input-no-rejected-set-resources"),
    pytest.param(
        docs(controller("StatefulSet", "db"),
             quota("storage", {"requests.storage": "100Gi"}, {"requests.storage": "80Gi"}),
             event("StatefulSet", "db", "FailedCreate",
                   'create Claim data-db-0 for Pod db-0 in StatefulSet db failed error: persistentvolumeclaims '
                   '"data-db-0" is forbidden: exceeded quota: storage, requested: requests.storage=50Gi, used: '
                   'requests.storage=80Gi, limited: requests.storage=100Gi', component="statefulset-controller")),
        "StatefulSet/shop/db",
        Want("create.quota-exceeded", "certain",
             ["ResourceQuota 'storage' rejects the PersistentVolumeClaims of StatefulSet 'db': requests.storage: "
              "used 80Gi + this claim 50Gi = 130Gi > hard 100Gi (over by 30Gi; 20Gi left)."]),
        id="statefulset-claim-template-over-storage-quota"),
    pytest.param(
        docs(deployment_rs(),
             rs_event("(combined from similar events): " + forbidden(
                 "unable to validate against any pod security policy: [spec.containers[0].securityContext.privileged: "
                 "Invalid value: true: Privileged containers are not allowed]"))),
        RS,
        Want("create.admission-denied", "certain",
             ["No PodSecurityPolicy admits the pods of", "Privileged containers are not allowed"]),
        id="pod-security-policy-1.21-with-combined-events-prefix"),
]


@pytest.mark.parametrize(("snapshot", "ref", "want"), CASES)
def test_first_finding(snapshot: str, ref: str, want: Want) -> None:
    got = subject_findings(snapshot, ref)
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
    if want.patch is not None:
        assert f.fix.patches == [want.patch]
    for p in f.fix.patches:
        assert isinstance(yaml.safe_load(p), dict)  # every patch is pasteable YAML
    for k, v in want.details.items():
        assert f.details is not None and f.details.get(k) == v, (k, f.details)


def test_the_replicafailure_condition_alone_is_enough() -> None:
    snap = docs(deployment_rs(condition=forbidden("exceeded quota: compute, requested: limits.memory=512Mi, used: "
                                                  "limits.memory=2Gi, limited: limits.memory=2Gi")))
    f = subject_findings(snap, RS)[0]
    assert f.code == "create.quota-exceeded"
    assert f.evidence[0].field == ".status.conditions[?(@.type=='ReplicaFailure')].message"
    assert "limits.memory: used 2Gi + this pod 512Mi = 2.5Gi > hard 2Gi (over by 512Mi; 0 left)" in f.cause


def test_newest_of_two_distinct_failures_ranks_first() -> None:
    snap = docs(deployment_rs(),
                rs_event(forbidden("exceeded quota: compute, requested: pods=1, used: pods=5, limited: pods=5"), n=1),
                rs_event(forbidden('admission webhook "policy.example.com" denied the request: no latest tags'), n=2))
    got = subject_findings(snap, RS)
    assert [f.code for f in got] == ["create.admission-denied", "create.quota-exceeded"]
    assert got[0].rank < got[1].rank


def test_other_quotas_that_would_reject_next_are_named() -> None:
    snap = docs(deployment_rs(have=1),
                quota("compute", {"requests.cpu": "2"}, {"requests.cpu": "1800m"}),
                quota("memory", {"limits.memory": "1Gi"}, {"limits.memory": "768Mi"}),
                quota("best-effort", {"pods": "0"}, {"pods": "0"}).replace("spec:\n", "spec:\n  scopes: [BestEffort]\n"),
                rs_event(forbidden("exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=1800m, "
                                   "limited: requests.cpu=2")))
    f = subject_findings(snap, RS)[0]
    assert "Also over after that: ResourceQuota 'memory' limits.memory." in f.cause
    assert f.details is not None
    assert f.details["alsoExceeded"] == [{"quota": "memory", "resource": "limits.memory", "over": "256Mi"}]


def test_quota_that_fits_again_is_only_likely() -> None:
    snap = docs(deployment_rs(have=2),
                quota("compute", {"requests.cpu": "4"}, {"requests.cpu": "1"}),
                rs_event(forbidden("exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=3800m, "
                                   "limited: requests.cpu=4")))
    f = subject_findings(snap, RS)[0]
    assert (f.code, f.confidence) == ("create.quota-exceeded", "likely")
    assert "the pod now fits" in f.cause
