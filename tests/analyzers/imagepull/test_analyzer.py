"""Whole findings from realistic snapshots: one scenario per cause code of the image/registry/secret families,
plus the traps (events expired, secrets not loaded, several containers, node-level causes)."""

from __future__ import annotations

import textwrap

import pytest

from podwhy.findings import Finding

from ._snap import docs, event, findings_of, pod, report

CTRD = 'rpc error: code = Unknown desc = failed to pull and unpack image "{ref}": failed to resolve reference "{ref}": '
NOTFOUND = ('rpc error: code = NotFound desc = failed to pull and unpack image "{ref}": failed to resolve reference '
            '"{ref}": {ref}: not found')

SECRETS_NONE = "apiVersion: v1\nkind: SecretList\nitems: []\n"
SA_DEFAULT = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: default}\n"

DEPLOY_MYAPP = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-7d9, namespace: default, uid: uid-web-7d9,
           ownerReferences: [{kind: Deployment, name: web, uid: uid-web, controller: true}]}
spec: {replicas: 1, template: {spec: {containers: [{name: app, image: "myapp:1.0."}]}}}
status: {replicas: 1}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-5c4, namespace: default, uid: uid-web-5c4,
           ownerReferences: [{kind: Deployment, name: web, uid: uid-web, controller: true}]}
spec: {replicas: 0, template: {spec: {containers: [{name: app, image: "myapp:1.0"}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default, uid: uid-web}
spec: {replicas: 1, template: {spec: {containers: [{name: app, image: "myapp:1.0."}]}}}
"""


def dockercfg_secret(name: str, ns: str, key: str, *, type_: str = "kubernetes.io/dockerconfigjson") -> str:
    import base64
    import json

    auth = base64.b64encode(b"user:pass").decode()
    data = base64.b64encode(json.dumps({"auths": {key: {"auth": auth}}}).encode()).decode()
    return textwrap.dedent(f"""\
        apiVersion: v1
        kind: Secret
        metadata: {{name: {name}, namespace: {ns}}}
        type: {type_}
        data:
          .dockerconfigjson: {data}
        """)


def node(name: str = "node-1", *, ready: str = "True", disk: str = "False", arch: str = "amd64",
         images: str = "") -> str:
    imgs = f"\n  images:\n{images}" if images else ""
    return textwrap.dedent(f"""\
        apiVersion: v1
        kind: Node
        metadata: {{name: {name}}}
        status:
          nodeInfo: {{architecture: {arch}, operatingSystem: linux}}
          conditions:
          - {{type: Ready, status: "{ready}", reason: KubeletReady, message: kubelet is posting ready status}}
          - {{type: DiskPressure, status: "{disk}", reason: KubeletHasDiskPressure, message: kubelet has disk pressure}}
        """).rstrip("\n") + imgs + "\n"


def first(fs: list[Finding]) -> Finding:
    return fs[0]


def codes(fs: list[Finding]) -> list[str]:
    return [f.code for f in fs]


# ---------------------------------------------------------------------------------------------------------------
def test_seed_trailing_dot_tag_suggests_the_deployments_previous_tag():  # type: ignore[no-untyped-def]
    ref = "docker.io/library/myapp:1.0."
    y = docs(pod("web-7d9-abcde", "myapp:1.0.", "ImagePullBackOff", 'Back-off pulling image "myapp:1.0."',
                 owner="ReplicaSet/web-7d9"),
             event("web-7d9-abcde", "Failed", 'Failed to pull image "myapp:1.0.": ' + NOTFOUND.format(ref=ref),
                   field_path="spec.containers{app}", n=1),
             event("web-7d9-abcde", "BackOff", 'Back-off pulling image "myapp:1.0."', field_path="spec.containers{app}",
                   n=2, type_="Normal"),
             DEPLOY_MYAPP)
    f = first(findings_of(y, "web-7d9-abcde"))
    assert (f.code, f.confidence, f.container, f.group_key) == (
        "image.tag-not-found", "certain", "app", "image=docker.io/library/myapp:1.0.")
    assert f.evidence[0].observed.startswith('Failed to pull image "myapp:1.0.": rpc error: code = NotFound')
    assert f.evidence[0].ref == "Event/default/web-7d9-abcde.0001"
    assert "ends with '.'" in f.cause and "1.0 (in a controller template)" in f.cause
    assert f.fix is not None and f.fix.commands == ["kubectl set image deployment/web app=myapp:1.0 -n default"]
    assert f.details is not None and f.details["suggestions"][0]["image"] == "myapp:1.0"


def test_tag_not_found_on_a_bare_pod_patches_the_pod_with_a_running_tag():  # type: ignore[no-untyped-def]
    running = textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: other, namespace: default, uid: uid-other}
        spec: {containers: [{name: a, image: "registry.example.com/team/api:2.3.1"}]}
        status:
          phase: Running
          containerStatuses:
          - {name: a, image: "registry.example.com/team/api:2.3.1", imageID: "registry.example.com/team/api@sha256:ab",
             state: {running: {}}}
        """)
    msg = ("rpc error: code = Unknown desc = reading manifest 2.3.2 in registry.example.com/team/api: manifest unknown")
    y = docs(pod("api", "registry.example.com/team/api:2.3.2", "ErrImagePull", msg), running)
    f = first(findings_of(y, "api"))
    assert (f.code, f.confidence) == ("image.tag-not-found", "certain")
    assert f.evidence[0].observed == "ErrImagePull: " + msg
    assert f.fix is not None and f.fix.commands == [
        "kubectl patch pod api -n default --type=json -p "
        '\'[{"op":"replace","path":"/spec/containers/0/image","value":"registry.example.com/team/api:2.3.1"}]\'']
    assert "2.3.1 (running in a pod)" in f.cause


def test_docker_hub_ambiguous_denial_says_what_settles_it():  # type: ignore[no-untyped-def]
    msg = ("rpc error: code = Unknown desc = Error response from daemon: pull access denied for tutum/curl, "
           "repository does not exist or may require 'docker login'")
    y = docs(pod("curl", "tutum/curl", "ErrImagePull", msg), SECRETS_NONE, SA_DEFAULT)
    fs = findings_of(y, "curl")
    assert codes(fs) == ["image.not-found-or-unauthorized", "secret.no-pull-secret"]
    f = fs[0]
    assert f.confidence == "likely"
    assert "What settles it: is there a credential for docker.io" in f.cause
    assert "Does tutum/curl exist" in f.cause
    assert fs[1].confidence == "possible" and "also hosts public images" in fs[1].cause
    assert f.group_key == "image=docker.io/tutum/curl:latest"


def test_repository_not_found_on_ecr():  # type: ignore[no-untyped-def]
    msg = ("Error response from daemon: repository 123456789012.dkr.ecr.eu-west-1.amazonaws.com/paymnts not found: "
           "name unknown: The repository with name 'paymnts' does not exist in the registry with id '123456789012'")
    other = pod("pay-ok", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments:1", "ErrImagePull", "x")
    other = other.replace("waiting:\n        reason: ErrImagePull\n        message: \"x\"", "running: {}")
    y = docs(pod("pay", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/paymnts:1", "ErrImagePull", msg), other)
    f = first(findings_of(y, "pay"))
    assert (f.code, f.confidence) == ("image.repository-not-found", "certain")
    assert "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments" in f.cause
    assert f.fix is not None and f.fix.commands == [
        "kubectl patch pod pay -n default --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\","
        "\"value\":\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments:1\"}]'"]


def test_rejected_credentials_of_a_matching_secret_name_the_secret():  # type: ignore[no-untyped-def]
    msg = CTRD.format(ref="registry.example.com/team/app:1") + (
        "failed to authorize: failed to fetch oauth token: unexpected status from GET request to "
        "https://registry.example.com/token?scope=repository%3Ateam%2Fapp%3Apull: 401 Unauthorized")
    y = docs(pod("app", "registry.example.com/team/app:1", "ErrImagePull", msg, secrets=("regcred",)),
             dockercfg_secret("regcred", "default", "https://registry.example.com"))
    fs = findings_of(y, "app")
    assert codes(fs) == ["registry.auth-failed"]
    f = fs[0]
    assert f.confidence == "certain"
    assert "The kubelet sent the credentials of regcred: https://registry.example.com" in f.cause
    assert f.group_key == "secret=default/regcred"
    assert f.fix is not None and f.fix.commands == [
        "kubectl delete secret regcred -n default",
        "kubectl create secret docker-registry regcred --docker-server=registry.example.com "
        "--docker-username=<user> --docker-password=<password-or-token> -n default"]


def test_missing_secret_that_exists_in_another_namespace_comes_first():  # type: ignore[no-untyped-def]
    msg = CTRD.format(ref="registry.example.com/team/app:1") + (
        "unexpected status from HEAD request to https://registry.example.com/v2/team/app/manifests/1: 401 Unauthorized")
    y = docs(pod("app", "registry.example.com/team/app:1", "ErrImagePull", msg, secrets=("regcred",)),
             event("app", "FailedToRetrieveImagePullSecret",
                   "Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not "
                   "succeed.", n=1),
             dockercfg_secret("regcred", "build", "registry.example.com"))
    fs = findings_of(y, "app")
    assert codes(fs) == ["secret.pull-secret-missing", "registry.auth-failed"]
    f = fs[0]
    assert (f.confidence, f.group_key, f.rank) == ("certain", "secret=default/regcred", 20)
    assert "exists in 'build', not here" in f.cause
    assert [e.field for e in f.evidence] == [".spec.imagePullSecrets[?(@.name=='regcred')]",
                                              ".message [FailedToRetrieveImagePullSecret]"]
    assert f.fix is not None and f.fix.commands[0].startswith("kubectl get secret regcred -n build -o json | jq")
    assert f.fix.commands[0].endswith("| kubectl apply -n default -f -")


def test_secret_named_only_by_the_serviceaccount_and_missing():  # type: ignore[no-untyped-def]
    msg = CTRD.format(ref="registry.example.com/team/app:1") + "pulling from host registry.example.com failed with " \
        "status code [manifests 1]: 401 Unauthorized"
    sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, namespace: default}\n" \
         "imagePullSecrets: [{name: regcred}]\n"
    y = docs(pod("app", "registry.example.com/team/app:1", "ErrImagePull", msg, sa="builder"), SECRETS_NONE, sa)
    f = first(findings_of(y, "app"))
    assert (f.code, f.confidence) == ("secret.pull-secret-missing", "certain")
    assert "does not exist in namespace 'default'" in f.cause
    assert "its ServiceAccount 'builder' does, which is what a newly created pod would get" in f.cause
    assert f.evidence[0].ref == "ServiceAccount/default/builder"


def test_opaque_secret_is_ignored_silently():  # type: ignore[no-untyped-def]
    msg = CTRD.format(ref="registry.example.com/team/app:1") + "pull access denied, repository does not exist or " \
        "may require authorization: authorization failed: no basic auth credentials"
    y = docs(pod("app", "registry.example.com/team/app:1", "ErrImagePull", msg, secrets=("regcred",)),
             dockercfg_secret("regcred", "default", "registry.example.com", type_="Opaque"))
    fs = findings_of(y, "app")
    assert codes(fs) == ["secret.pull-secret-invalid", "image.not-found-or-unauthorized"]
    assert "has type 'Opaque'; the kubelet only reads 'kubernetes.io/dockerconfigjson'" in fs[0].cause
    assert "it has the docker config key, but the type must match" in fs[0].cause
    assert fs[0].group_key == "secret=default/regcred"


def test_registry_1_docker_io_key_does_not_match_hub():  # type: ignore[no-untyped-def]
    msg = CTRD.format(ref="docker.io/acme/private:1") + "pull access denied, repository does not exist or may " \
        "require authorization: server message: insufficient_scope: authorization failed"
    y = docs(pod("app", "acme/private:1", "ErrImagePull", msg, secrets=("hub",)),
             dockercfg_secret("hub", "default", "https://registry-1.docker.io/v2/"))
    fs = findings_of(y, "app")
    assert codes(fs) == ["secret.pull-secret-host-mismatch", "image.not-found-or-unauthorized"]
    f = fs[0]
    assert "registry-1.docker.io never matches Docker Hub images" in f.cause
    assert f.evidence[-1].observed == "https://registry-1.docker.io/v2/"
    assert f.evidence[-1].expected == "https://index.docker.io/v1/"
    assert f.fix is not None and f.fix.commands[-1] == (
        "kubectl create secret docker-registry hub --docker-server=https://index.docker.io/v1/ "
        "--docker-username=<user> --docker-password=<password-or-token> -n default")


def test_private_registry_without_any_secret():  # type: ignore[no-untyped-def]
    msg = CTRD.format(ref="registry.example.com/team/app:1") + (
        "unexpected status from HEAD request to https://registry.example.com/v2/team/app/manifests/1: 401 Unauthorized")
    y = docs(pod("app", "registry.example.com/team/app:1", "ErrImagePull", msg), SECRETS_NONE, SA_DEFAULT)
    fs = findings_of(y, "app")
    assert codes(fs) == ["secret.no-pull-secret", "registry.auth-failed"]
    f = fs[0]
    assert f.confidence == "likely"
    assert f.fix is not None and f.fix.commands == [
        "kubectl create secret docker-registry regcred --docker-server=registry.example.com "
        "--docker-username=<user> --docker-password=<password-or-token> -n default",
        "kubectl patch serviceaccount default -n default --type=json -p "
        "'[{\"op\":\"add\",\"path\":\"/imagePullSecrets\",\"value\":[{\"name\":\"regcred\"}]}]'",
        "kubectl get pod app -n default -o json | kubectl replace --force -f -   # re-creates the bare pod; admission "
        "gives it the ServiceAccount's pull secrets"]


def test_ecr_without_secret_points_at_node_credentials():  # type: ignore[no-untyped-def]
    ref = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:2.0"
    msg = CTRD.format(ref=ref) + ("unexpected status from HEAD request to https://123456789012.dkr.ecr.eu-west-1."
                                  "amazonaws.com/v2/app/manifests/2.0: 403 Forbidden")
    y = docs(pod("app", ref, "ErrImagePull", msg), SECRETS_NONE)
    fs = findings_of(y, "app")
    assert codes(fs) == ["registry.auth-failed", "secret.no-pull-secret"]
    assert "Amazon ECR" in fs[0].cause and "IAM role" in fs[0].cause
    assert fs[1].confidence == "possible" and "not necessarily wrong" in fs[1].cause


def test_secrets_not_loaded_skips_the_audit_without_claiming_missing():  # type: ignore[no-untyped-def]
    msg = CTRD.format(ref="registry.example.com/team/app:1") + (
        "unexpected status from HEAD request to https://registry.example.com/v2/team/app/manifests/1: 401 Unauthorized")
    y = pod("app", "registry.example.com/team/app:1", "ErrImagePull", msg, secrets=("regcred",))
    fs = findings_of(y, "app")
    assert codes(fs) == ["registry.auth-failed"]
    assert "Secrets were not in the input, so the pull-secret audit of regcred was skipped" in fs[0].cause


def test_rate_limit_across_pods_groups_by_registry():  # type: ignore[no-untyped-def]
    msg = ('failed to pull and unpack image "docker.io/library/redis:7": failed to copy: httpReadSeeker: failed open: '
           "unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:0123: 429 Too Many "
           "Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the "
           "limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit")
    y = docs(pod("a", "redis:7", "ErrImagePull", msg), pod("b", "redis:7", "ErrImagePull", msg, ns="team"))
    rep = report(y)
    f = rep.subjects[0].findings[0]
    assert (f.code, f.confidence, f.group_key) == ("registry.rate-limited", "certain", "registry=docker.io")
    assert "Docker Hub counts anonymous pulls per source IP" in f.cause
    grp = [g for g in rep.groups if g.code == "registry.rate-limited"]
    assert len(grp) == 1 and sorted(grp[0].subjects) == ["Pod/default/a", "Pod/team/b"]


RATE_MSG = ('failed to pull and unpack image "docker.io/library/redis:7": failed to copy: httpReadSeeker: failed open: '
            "unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:0123: 429 Too Many "
            "Requests - Server message: toomanyrequests: You have reached your pull rate limit.")
_SA_WITH = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: default}\nimagePullSecrets: [{name: other}]\n"
_SA_WITHOUT = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: default}\n"
_CREATE = ("kubectl create secret docker-registry regcred --docker-server=https://index.docker.io/v1/ "
           "--docker-username=<user> --docker-password=<password-or-token> -n default")
_ADD_TO_SA = ("kubectl patch serviceaccount default -n default --type=json -p "
              "'[{\"op\":\"add\",\"path\":\"/imagePullSecrets/-\",\"value\":{\"name\":\"regcred\"}}]'")
_NEW_SA_LIST = ("kubectl patch serviceaccount default -n default --type=json -p "
                "'[{\"op\":\"add\",\"path\":\"/imagePullSecrets\",\"value\":[{\"name\":\"regcred\"}]}]'")
RATE_LIMIT_FIXES = [
    # The ServiceAccount's list is atomic: appended to, never merged over (that drops `other`).
    ("Deployment pod, SA with a secret: append, then roll out", pod("a", "redis:7", "ErrImagePull", RATE_MSG,
     owner="ReplicaSet/web-7d9") + "---\n" + DEPLOY_MYAPP + "---\n" + _SA_WITH,
     [_CREATE, _ADD_TO_SA, "kubectl rollout restart deployment/web -n default   # new pods get the secret"]),
    ("bare pod, SA without secrets: new list, then re-create the pod", pod("a", "redis:7", "ErrImagePull", RATE_MSG)
     + "---\n" + _SA_WITHOUT,
     [_CREATE, _NEW_SA_LIST, "kubectl get pod a -n default -o json | kubectl replace --force -f -   # re-creates the "
      "bare pod; admission gives it the ServiceAccount's pull secrets"]),
    ("SA not in the input: the list form, with its caveat", pod("a", "redis:7", "ErrImagePull", RATE_MSG,
     owner="ReplicaSet/solo"),
     [_CREATE, _NEW_SA_LIST + "   # the ServiceAccount was not in the input: if it lists pull secrets already, use "
      "the path /imagePullSecrets/- (this one replaces the list)",
      "kubectl delete pod a -n default   # the ReplicaSet creates it again, with the secret"]),
    # A pod whose template names secrets never gets the ServiceAccount's: the template gets the new one. (A pod
    # whose secrets admission copied from the ServiceAccount is the first case: tests/realcluster proves both.)
    ("Deployment pod with its template's own secrets: the template", pod("a", "redis:7", "ErrImagePull", RATE_MSG,
     owner="ReplicaSet/web-7d9", secrets=("mine",)) + "---\n" + DEPLOY_MYAPP.replace(
         "spec: {replicas: 1, template: {spec: {containers:",
         "spec: {replicas: 1, template: {spec: {imagePullSecrets: [{name: mine}], containers:") + "---\n" + _SA_WITHOUT,
     [_CREATE, "kubectl -n default patch deployment web --type=json -p '[{\"op\":\"add\",\"path\":"
      "\"/spec/template/spec/imagePullSecrets/-\",\"value\":{\"name\":\"regcred\"}}]'"]),
]


@pytest.mark.parametrize(("name", "y", "commands"), RATE_LIMIT_FIXES, ids=[c[0] for c in RATE_LIMIT_FIXES])
def test_rate_limit_fix_gives_the_secret_to_the_pods_that_pull(name, y, commands):  # type: ignore[no-untyped-def]
    f = next(f for f in findings_of(y, "a") if f.code == "registry.rate-limited")
    assert f.fix is not None and f.fix.commands == commands


def test_kubelet_pull_qps_is_not_the_registry():  # type: ignore[no-untyped-def]
    y = docs(pod("a", "a.b.c/image-0.1", "ImagePullBackOff", 'Back-off pulling image "a.b.c/image-0.1"'),
             event("a", "Failed", 'Failed to pull image "a.b.c/image-0.1": pull QPS exceeded', n=1))
    f = first(findings_of(y, "a"))
    assert (f.code, f.group_key) == ("registry.rate-limited", "node=node-1")
    assert "no registry was asked" in f.cause
    assert "registryPullQPS" in f.fix.summary  # type: ignore[union-attr]


@pytest.mark.parametrize(("image", "msg", "code", "cause_part", "cmd_part"), [
    pytest.param("registry.internal/app:1",
                 CTRD.format(ref="registry.internal/app:1") + 'failed to do request: Head "https://registry.internal/v2/'
                 'app/manifests/1": dial tcp: lookup registry.internal on 10.96.0.10:53: read udp '
                 "10.244.0.7:53211->10.96.0.10:53: i/o timeout",
                 "registry.dns-failure", "cannot resolve the registry host registry.internal (resolver 10.96.0.10:53)",
                 "nslookup registry.internal", id="dns-timeout-on-port-53"),
    pytest.param("registry.internal/app:1",
                 CTRD.format(ref="registry.internal/app:1") + 'failed to do request: Head "https://registry.internal/v2/'
                 'app/manifests/1": dial tcp 10.1.2.3:443: connect: connection refused',
                 "registry.unreachable", "cannot reach registry registry.internal", "curl -sSIv https://registry.internal/v2/",
                 id="connection-refused"),
    pytest.param("registry.internal/app:1",
                 CTRD.format(ref="registry.internal/app:1") + 'failed to do request: Head "https://registry.internal/v2/'
                 'app/manifests/1": tls: failed to verify certificate: x509: certificate signed by unknown authority',
                 "registry.tls-error", "TLS to registry registry.internal failed", "openssl s_client -connect "
                 "registry.internal:443", id="unknown-authority"),
    pytest.param("registry.internal:5000/app:1",
                 CTRD.format(ref="registry.internal:5000/app:1") + 'failed to do request: Head "https://registry.'
                 'internal:5000/v2/app/manifests/1": http: server gave HTTP response to HTTPS client',
                 "registry.http-https-mismatch", "disagree on HTTP vs HTTPS", None, id="http-registry-over-https"),
    pytest.param("registry.internal/app:1",
                 CTRD.format(ref="registry.internal/app:1") + "unexpected status from HEAD request to https://"
                 "registry.internal/v2/app/manifests/1: 503 Service Unavailable",
                 "registry.server-error", "answered with a server error: `503 Service Unavailable`", None,
                 id="503"),
    pytest.param("nvcr.io/nvidia/pytorch:24.01-py3",
                 "rpc error: code = DeadlineExceeded desc = context deadline exceeded", "image.pull-timeout",
                 "did not finish in time", None, id="deadline-exceeded"),
])
def test_registry_side_causes(image, msg, code, cause_part, cmd_part):  # type: ignore[no-untyped-def]
    y = docs(pod("app", image, "ErrImagePull", msg), node())
    f = first(findings_of(y, "app"))
    assert f.code == code
    assert cause_part in f.cause
    assert f.evidence[0].observed == f"ErrImagePull: {msg}"
    if cmd_part:
        assert f.fix is not None and any(cmd_part in c for c in f.fix.commands)


def test_unreachable_from_a_notready_node_is_the_nodes_problem():  # type: ignore[no-untyped-def]
    msg = CTRD.format(ref="registry.internal/app:1") + 'failed to do request: Head "https://registry.internal/v2/app/' \
        'manifests/1": dial tcp 10.1.2.3:443: i/o timeout'
    y = docs(pod("app", "registry.internal/app:1", "ErrImagePull", msg), node(ready="False"))
    f = first(findings_of(y, "app"))
    assert (f.code, f.group_key) == ("registry.unreachable", "node=node-1")
    assert f.evidence[-1].ref == "Node/node-1" and f.evidence[-1].observed.startswith("Ready=False")


def test_platform_mismatch_cites_the_node_architecture():  # type: ignore[no-untyped-def]
    msg = ('rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/foundationdb/fdb-kubernetes-'
           'operator:v2.6.0": no match for platform in manifest: not found')
    y = docs(pod("fdb", "foundationdb/fdb-kubernetes-operator:v2.6.0", "ErrImagePull", msg), node(arch="arm64"))
    f = first(findings_of(y, "fdb"))
    assert (f.code, f.confidence) == ("image.platform-mismatch", "certain")
    assert "(linux/arm64)" in f.cause and "not the tag" in f.cause
    assert f.evidence[-1].observed == "operatingSystem=linux architecture=arm64"


def test_never_pull_names_nodes_that_have_the_image():  # type: ignore[no-untyped-def]
    imgs = '  - names: ["docker.io/library/nginx:latest"]\n'
    y = docs(pod("web", "nginx:latest", "ErrImageNeverPull",
                 'Container image "nginx:latest" is not present with pull policy of Never', policy="Never"),
             node(), node("node-2", images=imgs))
    f = first(findings_of(y, "web"))
    assert (f.code, f.group_key) == ("image.never-pull-absent", "node=node-1")
    assert "Nodes that have it: node-2" in f.cause
    assert f.evidence[-1].observed == "Never"


def test_invalid_name_points_at_the_character_and_proposes_the_fix():  # type: ignore[no-untyped-def]
    img = "quay.io/biocontainers/MiModD:0.1.9--py36_0"
    msg = (f'Failed to apply default image tag "{img}": couldn\'t parse image reference "{img}": invalid reference '
           "format: repository name must be lowercase")
    y = docs(pod("bio", img, "InvalidImageName", msg, owner="ReplicaSet/bio-1"),
             "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: bio-1, namespace: default, uid: uid-bio-1}\n"
             "spec: {replicas: 1, template: {spec: {containers: [{name: app, image: x}]}}}\nstatus: {replicas: 1}\n")
    f = first(findings_of(y, "bio"))
    assert (f.code, f.confidence) == ("image.invalid-reference", "certain")
    assert f.evidence[0].observed == img
    assert f.evidence[0].field == ".spec.containers[?(@.name=='app')].image[22] ('M')"
    assert f.evidence[0].expected == "quay.io/biocontainers/mimodd:0.1.9--py36_0"
    assert "(character 23: quay.io/biocontainers/>>M<<iModD:0.1.9--py36_0)" in f.cause
    assert f.fix is not None and f.fix.commands == [
        "kubectl set image replicaset/bio-1 app=quay.io/biocontainers/mimodd:0.1.9--py36_0 -n default"]


def test_disk_full_from_the_runtime_text_and_the_node_condition():  # type: ignore[no-untyped-def]
    msg = CTRD.format(ref="docker.io/library/postgres:16").replace("failed to resolve reference "
                                                                   '"docker.io/library/postgres:16": ', "") + \
        "failed to extract layer sha256:1f2d: write /var/lib/containerd/x: no space left on device: unknown"
    y = docs(pod("pg", "postgres:16", "ErrImagePull", msg), node(disk="True"))
    f = first(findings_of(y, "pg"))
    assert (f.code, f.confidence, f.group_key) == ("node.disk-full", "certain", "node=node-1")
    assert [e.ref for e in f.evidence] == ["Pod/default/pg", "Node/node-1"]
    assert f.evidence[1].observed.startswith("DiskPressure=True")


def test_disk_pressure_alone_is_a_likely_node_cause_when_events_expired():  # type: ignore[no-untyped-def]
    y = docs(pod("pg", "postgres:16", "ImagePullBackOff", 'Back-off pulling image "postgres:16"'), node(disk="True"))
    f = first(findings_of(y, "pg"))
    assert (f.code, f.confidence) == ("node.disk-full", "likely")


def test_expired_events_borrow_the_cause_of_another_pod_pulling_the_same_image():  # type: ignore[no-untyped-def]
    msg = ('failed to pull and unpack image "docker.io/library/redis:7": failed to copy: httpReadSeeker: failed open: '
           "unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:0123: 429 Too Many "
           "Requests - Server message: toomanyrequests: You have reached your pull rate limit.")
    y = docs(pod("old", "redis:7", "ImagePullBackOff", 'Back-off pulling image "redis:7"'),
             event("old", "BackOff", 'Back-off pulling image "redis:7"', n=5, type_="Normal"),
             pod("new", "redis:7", "ErrImagePull", msg))
    f = first(findings_of(y, "old"))
    assert (f.code, f.confidence) == ("registry.rate-limited", "likely")
    assert "have expired" in f.cause and "Pod/default/new" in f.cause
    assert f.evidence[-1].ref == "Pod/default/new"


def test_expired_events_with_a_lastest_tag():  # type: ignore[no-untyped-def]
    y = docs(pod("w", "nginx:lastest", "ImagePullBackOff", 'Back-off pulling image "nginx:lastest"'),
             event("w", "BackOff", 'Back-off pulling image "nginx:lastest"', n=3, type_="Normal"))
    f = first(findings_of(y, "w"))
    assert (f.code, f.confidence) == ("image.tag-not-found", "possible")
    assert "misspelling of 'latest'" in f.cause and "have expired" in f.cause


def test_expired_events_and_nothing_else_say_so():  # type: ignore[no-untyped-def]
    y = docs(pod("w", "nginx:1.25", "ImagePullBackOff", 'Back-off pulling image "nginx:1.25"'), SECRETS_NONE,
             event("w", "Failed", "Error: ImagePullBackOff", n=7))
    f = first(findings_of(y, "w"))
    assert (f.code, f.confidence) == ("unknown", "possible")
    assert "have expired" in f.cause
    assert f.fix is not None and "crictl pull nginx:1.25   # on node node-1" in f.fix.commands


def test_no_events_in_the_input_is_not_called_expired():  # type: ignore[no-untyped-def]
    f = first(findings_of(pod("w", "nginx:1.25", "ImagePullBackOff", 'Back-off pulling image "nginx:1.25"'), "w"))
    assert f.code == "unknown"
    assert "no events were in the input" in f.cause and "expired" not in f.cause


def test_signature_policy_rejection_is_quoted_with_its_reason():  # type: ignore[no-untyped-def]
    msg = ("image pull failed for quay.io/team/app:1.0 because the signature validation failed: Source image "
           "rejected: A signature was required, but no signature exists")
    f = first(findings_of(pod("s", "quay.io/team/app:1.0", "SignatureValidationFailed", msg), "s"))
    assert (f.code, f.confidence) == ("unknown", "certain")
    assert "signature policy" in f.cause
    assert f.evidence[0].observed == "SignatureValidationFailed: " + msg


def test_other_warning_events_are_not_read_as_pull_errors():  # type: ignore[no-untyped-def]
    y = docs(pod("w", "nginx:1.25", "ImagePullBackOff", 'Back-off pulling image "nginx:1.25"'),
             event("w", "FailedMount", "MountVolume.SetUp failed for volume \"data\" : no space left on device", n=2),
             event("w", "BackOff", 'Back-off pulling image "nginx:1.25"', n=3, type_="Normal"))
    assert codes(findings_of(y, "w")) == ["unknown"]


def test_several_containers_fail_for_different_reasons():  # type: ignore[no-untyped-def]
    init_ref = "docker.io/library/busybox:1.36.9"
    y = docs(pod("multi", "registry.internal/app:1", "ErrImagePull",
                 CTRD.format(ref="registry.internal/app:1") + "unexpected status from HEAD request to https://registry."
                 "internal/v2/app/manifests/1: 503 Service Unavailable").replace(
                     "  containers:\n", "  initContainers:\n  - {name: init, image: \"busybox:1.36.9\"}\n  containers:\n"
                 ).replace("  containerStatuses:\n", "  initContainerStatuses:\n  - name: init\n    image: "
                           "busybox:1.36.9\n    state: {waiting: {reason: ImagePullBackOff, message: \"Back-off pulling "
                           "image \\\"busybox:1.36.9\\\"\"}}\n  containerStatuses:\n"),
             event("multi", "Failed", 'Failed to pull image "busybox:1.36.9": ' + NOTFOUND.format(ref=init_ref),
                   field_path="spec.initContainers{init}", n=1))
    fs = findings_of(y, "multi")
    assert sorted((f.container, f.code) for f in fs) == [("app", "registry.server-error"),
                                                         ("init", "image.tag-not-found")]


def test_kubelet_1_32_waiting_message_alone_is_enough():  # type: ignore[no-untyped-def]
    msg = ('Back-off pulling image "nginx:nope": ErrImagePull: ' + NOTFOUND.format(ref="docker.io/library/nginx:nope"))
    f = first(findings_of(pod("n", "nginx:nope", "ImagePullBackOff", msg), "n"))
    assert (f.code, f.confidence) == ("image.tag-not-found", "likely")
    assert f.evidence[0].observed == "ImagePullBackOff: " + msg


def test_cri_o_short_name_error_from_another_registry_is_explained():  # type: ignore[no-untyped-def]
    msg = ("rpc error: code = Unknown desc = Error reading manifest latest in quay.io/tusc/ntopng-udm: unauthorized: "
           "access to the requested resource is not authorized")
    f = first(findings_of(docs(pod("n", "tusc/ntopng-udm", "ErrImagePull", msg), SECRETS_NONE), "n"))
    assert f.code == "image.not-found-or-unauthorized"
    assert "this error is from the last one it tried (quay.io)" in f.cause
    assert f.details is not None and f.details["triedRegistry"] == "quay.io"


def test_unattributed_events_that_are_not_pull_errors_are_ignored():  # type: ignore[no-untyped-def]
    ref = "docker.io/library/myapp:2"
    y = docs(pod("p", "myapp:2", "ErrImagePull", NOTFOUND.format(ref=ref)),
             event("p", "BackOff", "Back-off restarting failed container sidecar in pod p_default(uid-p)", n=9))
    fs = findings_of(y, "p")
    assert codes(fs) == ["image.tag-not-found"]
    assert all("restarting" not in e.observed for e in fs[0].evidence)


def test_never_pull_names_other_tags_on_the_same_node():  # type: ignore[no-untyped-def]
    imgs = '  - names: ["docker.io/library/busybox:1.36", "docker.io/library/busybox@sha256:ab"]\n'
    y = docs(pod("dbg", "busybox:1.37", "ErrImageNeverPull",
                 'Container image "busybox:1.37" is not present with pull policy of Never', policy="Never"),
             node(images=imgs))
    f = first(findings_of(y, "dbg"))
    assert f.code == "image.never-pull-absent"
    assert "Node node-1 has other tags of docker.io/library/busybox: 1.36." in f.cause


def test_disk_pressure_does_not_outrank_the_registrys_own_answer():  # type: ignore[no-untyped-def]
    ref = "docker.io/library/postgres:99"
    y = docs(pod("pg", "postgres:99", "ErrImagePull", NOTFOUND.format(ref=ref)), node(disk="True"))
    fs = findings_of(y, "pg")
    assert [(f.code, f.rank) for f in fs] == [("image.tag-not-found", 30), ("node.disk-full", 45)]


def test_expired_events_and_a_missing_secret_make_the_secret_the_likely_cause():  # type: ignore[no-untyped-def]
    y = docs(pod("app", "registry.example.com/team/app:1", "ImagePullBackOff",
                 'Back-off pulling image "registry.example.com/team/app:1"', secrets=("regcred",)),
             event("app", "BackOff", 'Back-off pulling image "registry.example.com/team/app:1"', n=4, type_="Normal"),
             SECRETS_NONE)
    f = first(findings_of(y, "app"))
    assert (f.code, f.confidence, f.rank) == ("secret.pull-secret-missing", "likely", 20)
    assert "have expired" in f.cause and "best-supported cause" in f.cause


@pytest.mark.parametrize(("make", "code", "key"), [
    pytest.param(lambda n: pod(n, "registry.example.com/team/app:1", "ErrImagePull",
                               CTRD.format(ref="registry.example.com/team/app:1") + "unexpected status from HEAD request "
                               "to https://registry.example.com/v2/team/app/manifests/1: 401 Unauthorized",
                               secrets=("regcred",)),
                 "secret.pull-secret-missing", "secret=default/regcred", id="same-missing-secret"),
    pytest.param(lambda n: pod(n, "myapp:9.9", "ErrImagePull", NOTFOUND.format(ref="docker.io/library/myapp:9.9")),
                 "image.tag-not-found", "image=docker.io/library/myapp:9.9", id="same-missing-tag"),
    pytest.param(lambda n: pod(n, "registy.example.com/a:1", "ErrImagePull",
                               "dial tcp: lookup registy.example.com on 10.0.0.2:53: no such host"),
                 "registry.dns-failure", "registry=registy.example.com", id="same-unresolvable-registry"),
])
def test_many_pods_with_one_root_cause_group_together(make, code, key):  # type: ignore[no-untyped-def]
    rep = report(docs(make("a"), make("b"), make("c"), SECRETS_NONE))
    groups = [(g.code, g.key, len(g.subjects)) for g in rep.groups]
    assert groups == [(code, key, 3)]


def test_legacy_dockercfg_secret_is_read():  # type: ignore[no-untyped-def]
    import base64
    import json

    cfg = base64.b64encode(json.dumps({"https://registry.example.com": {"auth": "dTpw"}}).encode()).decode()
    sec = ("apiVersion: v1\nkind: Secret\nmetadata: {name: old, namespace: default}\n"
           f"type: kubernetes.io/dockercfg\ndata:\n  .dockercfg: {cfg}\n")
    msg = CTRD.format(ref="registry.example.com/team/app:1") + ("unexpected status from HEAD request to "
                                                                "https://registry.example.com/v2/team/app/manifests/1: 403 Forbidden")
    fs = findings_of(docs(pod("app", "registry.example.com/team/app:1", "ErrImagePull", msg, secrets=("old",)), sec),
                     "app")
    assert codes(fs) == ["registry.auth-failed"]
    assert "The kubelet sent the credentials of old: https://registry.example.com" in fs[0].cause


def test_ambiguous_pull_points_at_the_registry_probe_to_settle_it() -> None:
    from helpers import diagnose_yaml

    report = diagnose_yaml("""
apiVersion: v1
kind: Pod
metadata: {name: tool-1, namespace: ops, uid: t1}
spec:
  nodeName: node-1
  containers: [{name: app, image: acme/private-tool:2}]
status:
  phase: Pending
  containerStatuses:
  - name: app
    state: {waiting: {reason: ErrImagePull, message: 'failed to pull and unpack image "docker.io/acme/private-tool:2": failed to resolve reference "docker.io/acme/private-tool:2": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed'}}
""")
    f = report.subjects[0].findings[0]
    assert f.code == "image.not-found-or-unauthorized"
    assert f.fix is not None
    assert f.fix.commands[0] == ("podwhy pod tool-1 -n ops --probe-registry   "
                                 "# asks the registry, with the pod's pull secrets")


_JOB = """
apiVersion: batch/v1
kind: Job
metadata: {{name: report, namespace: default, uid: uid-report{owner}}}
spec:
  selector: {{matchLabels: {{batch.kubernetes.io/controller-uid: uid-report}}}}
  template:
    metadata: {{labels: {{batch.kubernetes.io/controller-uid: uid-report, controller-uid: uid-report,
                          batch.kubernetes.io/job-name: report, job-name: report}}}}
    spec: {{restartPolicy: Never, containers: [{{name: app, image: "myapp:1.0."}}]}}
"""
_CRON = """
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: default, uid: uid-nightly}
spec: {schedule: "@daily", jobTemplate: {spec: {template: {spec: {containers: [{name: app, image: "myapp:1.0."}]}}}}}
"""
_RUNNING_1_0 = DEPLOY_MYAPP.split("---")[1]  # a ReplicaSet template with myapp:1.0: the tag that exists
_RECREATE_REPORT = (
    "kubectl -n default get job report -o json | kubectl patch --local -f - --type=json -p "
    "'[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"myapp:1.0\"},"
    "{\"op\":\"remove\",\"path\":\"/spec/selector\"},"
    "{\"op\":\"remove\",\"path\":\"/spec/template/metadata/labels/controller-uid\"},"
    "{\"op\":\"remove\",\"path\":\"/spec/template/metadata/labels/batch.kubernetes.io~1controller-uid\"}]' -o json"
    " | kubectl replace --force -f -   # a Job's pod template is immutable: this re-creates the Job (its pods are "
    "deleted and made again)")
JOB_IMAGE_FIXES = [
    ("Job: re-created with the image (its template is immutable)", _JOB.format(owner=""), [_RECREATE_REPORT]),
    ("Job of a CronJob: the CronJob for its next runs, and this Job re-created",
     _JOB.format(owner=", ownerReferences: [{kind: CronJob, name: nightly, uid: uid-nightly, controller: true}]")
     + "---\n" + _CRON,
     ["kubectl set image cronjob/nightly app=myapp:1.0 -n default   # its next Jobs", _RECREATE_REPORT]),
]


@pytest.mark.parametrize(("name", "objects", "commands"), JOB_IMAGE_FIXES, ids=[c[0] for c in JOB_IMAGE_FIXES])
def test_image_fix_of_a_job_pod_recreates_the_job(name, objects, commands):  # type: ignore[no-untyped-def]
    """`kubectl set image job/x` is rejected like any change of a Job's template (issue 17)."""
    ref = "docker.io/library/myapp:1.0."
    y = docs(pod("report-x7k2p", "myapp:1.0.", "ErrImagePull", NOTFOUND.format(ref=ref), owner="Job/report"),
             objects, _RUNNING_1_0)
    f = first(findings_of(y, "report-x7k2p"))
    assert f.code == "image.tag-not-found"
    assert f.fix is not None and f.fix.commands == commands


_CTRD2 = ('rpc error: code = NotFound desc = failed to pull and unpack image "{ref}": failed to resolve image: {ref}: '
          "not found")  # containerd v2.2.9 on the real kubelet tier (tests/realcluster/test_kubelet.py)


@pytest.mark.parametrize(("others", "says_repository"), [
    pytest.param("", True, id="no-other-tag-of-the-repository-in-use-says-check-the-repository"),
    pytest.param(DEPLOY_MYAPP.replace("myapp:1.0.", "registry.local/team/app:2").replace("myapp:1.0",
                                                                                         "registry.local/team/app:1"),
                 False, id="another-tag-of-the-repository-in-use-is-about-the-tag"),
])
def test_containerd_not_found_names_the_repository_when_nothing_else_of_it_is_known(others, says_repository):  # type: ignore[no-untyped-def]
    ref = "registry.local/team/app:3"
    y = docs(pod("a", ref, "ErrImagePull", _CTRD2.format(ref=ref)), *([others] if others else []))
    f = first(findings_of(y, "a"))
    assert f.code == "image.tag-not-found"
    assert ("check the repository name too" in f.cause) is says_repository, f.cause


_NO_CREDS = ('failed to pull and unpack image "{ref}": failed to resolve image: pull access denied, repository does not '
             "exist or may require authorization: authorization failed: no basic auth credentials")  # containerd 2.2.9


@pytest.mark.parametrize(("secrets", "extra", "pull_at", "code"), [
    # The pod names a secret, the kubelet found it (no FailedToRetrieveImagePullSecret), containerd sent nothing:
    # the secret has no key for this host. Secrets not in the input: likely, with the invalid-type alternative.
    pytest.param(("other-host",), "", 0, "secret.pull-secret-host-mismatch",
                 id="named-secret-found-but-no-credentials-sent-is-a-host-mismatch"),
    # The kubelet said the secret is missing: that is the cause, not the keys.
    pytest.param(("gone",), "FailedToRetrieveImagePullSecret", 0, "secret.pull-secret-missing",
                 id="named-secret-reported-missing-is-missing"),
    # ... unless pulls kept failing minutes after its last such event: those syncs found the secret (a pod made
    # in the same breath as its secret, seen on the real kubelet), so the keys are the problem.
    pytest.param(("gone",), "FailedToRetrieveImagePullSecret", 3, "secret.pull-secret-host-mismatch",
                 id="stale-secret-missing-event-before-later-pulls-is-not-the-cause"),
    # No secret anywhere: the registry wants one.
    pytest.param((), "", 0, "secret.no-pull-secret", id="no-secret-named-is-no-pull-secret"),
])
def test_no_credentials_sent_with_secrets_not_in_the_input(secrets, extra, pull_at, code):  # type: ignore[no-untyped-def]
    ref = "127.0.0.1:5004/podwhy/busybox:1.35"
    parts = [pod("a", ref, "ErrImagePull", _NO_CREDS.format(ref=ref), secrets=secrets)]
    if extra:
        parts.append(event("a", extra, "Unable to retrieve some image pull secrets (gone); attempting to pull the "
                           "image may not succeed.", n=1, type_="Warning"))
    if pull_at:
        parts.append(event("a", "Failed", f'Failed to pull image "{ref}": ' + _NO_CREDS.format(ref=ref), n=pull_at))
    f = first(findings_of(docs(*parts), "a"))
    assert f.code == code, f.cause
