"""The pull-error table: every row classifies its own real example, and the known traps come out right."""

from __future__ import annotations

import pytest

from podwhy.analyzers.imagepull.classify import RULES, UNKNOWN, classify
from podwhy.catalog import CODES


@pytest.mark.parametrize("rule", [pytest.param(r, id=f"row-{r.name}-classifies-its-own-example") for r in RULES])
def test_every_row_matches_its_real_example(rule):  # type: ignore[no-untyped-def]
    c = classify(rule.example)
    assert (c.rule, c.code, c.confidence) == (rule.name, rule.code, rule.confidence)
    assert c.code in CODES


def test_rows_have_unique_names_and_catalogued_codes():  # type: ignore[no-untyped-def]
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert all(r.code in CODES for r in RULES)


# (text, code, rule) — hand cases: traps, wording variants by runtime and version.
CASES = [
    # What the real kubelet tier wrote (kubelet v1.34.4, containerd v2.2.9: tests/realcluster/test_kubelet.py):
    # containerd 2.x no longer quotes the reference after "failed to resolve image".
    pytest.param('Failed to pull image "127.0.0.1:37940/podwhy/no-such-repo:1": rpc error: code = NotFound desc = '
                 'failed to pull and unpack image "127.0.0.1:37940/podwhy/no-such-repo:1": failed to resolve image: '
                 '127.0.0.1:37940/podwhy/no-such-repo:1: not found',
                 "image.tag-not-found", "containerd-ref-not-found", id="containerd-2-unquoted-resolve-image-not-found"),
    # A layer copy cancelled mid-transfer (containerd's pull progress timeout): the pull stalled.
    pytest.param('rpc error: code = Canceled desc = failed to pull and unpack image "docker.io/library/big:1": failed '
                 'to copy: httpReadSeeker: failed open: failed to do request: Get "https://production.cloudflare.'
                 'docker.com/registry-v2/docker/registry/v2/blobs/sha256/aa/aa/data": net/http: request canceled',
                 "image.pull-timeout", "copy-canceled", id="copy-cancelled-mid-transfer-is-a-stall"),
    pytest.param('Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: request canceled '
                 "while waiting for connection (Client.Timeout exceeded while awaiting headers)",
                 "registry.unreachable", "dial-timeout", id="cancelled-while-connecting-is-unreachable-not-a-stall"),
    pytest.param('no match for platform in manifest: not found', "image.platform-mismatch", "platform-containerd",
                 id="platform-not-found-is-platform-not-missing-tag"),
    pytest.param('Failed to pull image "registry.internal/app:1": rpc error: code = Unknown desc = failed to pull and '
                 'unpack image "registry.internal/app:1": failed to resolve reference "registry.internal/app:1": '
                 'failed to do request: Head "https://registry.internal/v2/app/manifests/1": dial tcp: lookup '
                 'registry.internal on 10.0.0.10:53: read udp 10.244.1.5:45678->10.0.0.10:53: i/o timeout',
                 "registry.dns-failure", "dns-lookup-via-resolver", id="dns-io-timeout-on-port-53-is-dns-not-network"),
    pytest.param("(HTTP code 500) server error - Get https://registry-1.docker.io/v2/: dial tcp: lookup "
                 "registry-1.docker.io on 10.0.2.3:53: read udp 10.0.2.15:46351->10.0.2.3:53: i/o timeout",
                 "registry.dns-failure", "dns-lookup-via-resolver", id="a-500-wrapping-a-dns-timeout-is-dns"),
    pytest.param('failed to do request: Head "https://r.example/v2/a/manifests/1": dial tcp: lookup r.example on '
                 '10.0.0.10:53: no such host (while checking x509: certificate signed by unknown authority)',
                 "registry.dns-failure", "dns-lookup-via-resolver", id="x509-inside-a-dns-message-is-dns"),
    pytest.param("Error response from daemon: pull access denied for tutum/curl, repository does not exist or may "
                 "require 'docker login': denied: requested access to the resource is denied",
                 "image.not-found-or-unauthorized", "pull-access-denied", id="docker-19-pull-access-denied-ambiguous"),
    pytest.param('failed to pull and unpack image "docker.io/acme/private:1": failed to resolve reference '
                 '"docker.io/acme/private:1": pull access denied, repository does not exist or may require '
                 "authorization: server message: insufficient_scope: authorization failed",
                 "image.not-found-or-unauthorized", "pull-access-denied",
                 id="containerd-insufficient-scope-is-ambiguous"),
    pytest.param('rpc error: code = Unknown desc = failed to pull and unpack image "127.0.0.1:5443/probe/hello:v1": '
                 'failed to resolve reference "127.0.0.1:5443/probe/hello:v1": pull access denied, repository does '
                 "not exist or may require authorization: authorization failed: no basic auth credentials",
                 "image.not-found-or-unauthorized", "pull-access-denied",
                 id="containerd-1-7-no-basic-auth-credentials-is-ambiguous"),
    pytest.param("[rpc error: code = Unknown desc = Error response from daemon: Get ******: received unexpected HTTP "
                 "status: 500 Internal Server Error, rpc error: code = Unknown desc = Error response from daemon: Get "
                 "**********: unauthorized: authentication required]",
                 "registry.auth-failed", "authentication-required", id="a-500-next-to-unauthorized-is-auth"),
    pytest.param('Failed to pull image "a.b.c/image-0.1": pull QPS exceeded', "registry.rate-limited",
                 "kubelet-pull-qps", id="kubelet-pull-qps-is-a-rate-limit-from-the-kubelet"),
    pytest.param('failed to pull and unpack image "docker.io/library/postgres:16": failed to copy: '
                 "httpReadSeeker: failed open: unexpected status code 429 Too Many Requests ... write "
                 "/var/lib/containerd/tmpmounts: no space left on device",
                 "node.disk-full", "disk-full", id="no-space-left-anywhere-wins"),
    pytest.param('rpc error: code = Unknown desc = failed to pull and unpack image "127.0.0.1:5443/probe/hello:v1": '
                 'failed to resolve reference "127.0.0.1:5443/probe/hello:v1": pulling from host 127.0.0.1:5443 '
                 "failed with status code [manifests v1]: 401 Unauthorized",
                 "registry.auth-failed", "authentication-required", id="containerd-1-6-bad-password-401"),
    pytest.param('rpc error: code = Unknown desc = failed to pull and unpack image "127.0.0.1:5443/probe/hello:v1": '
                 'failed to resolve reference "127.0.0.1:5443/probe/hello:v1": unexpected status from HEAD request to '
                 "https://127.0.0.1:5443/v2/probe/hello/manifests/v1: 401 Unauthorized",
                 "registry.auth-failed", "authentication-required", id="containerd-1-7-bad-password-401"),
    pytest.param('rpc error: code = NotFound desc = failed to pull and unpack image "127.0.0.1:5000/probe/hello@sha256:'
                 '0000000000000000000000000000000000000000000000000000000000000000": failed to resolve reference '
                 '"127.0.0.1:5000/probe/hello@sha256:0000000000000000000000000000000000000000000000000000000000000000":'
                 " 127.0.0.1:5000/probe/hello@sha256:0000000000000000000000000000000000000000000000000000000000000000:"
                 " not found", "image.tag-not-found", "containerd-ref-not-found", id="containerd-missing-digest"),
    pytest.param('rpc error: code = Unknown desc = failed to pull and unpack image "refused.probe.test/probe/hello:v1":'
                 ' failed to resolve reference "refused.probe.test/probe/hello:v1": failed to do request: Head '
                 '"http://127.0.0.1:5999/v2/probe/hello/manifests/v1?ns=refused.probe.test": dial tcp 127.0.0.1:5999: '
                 "connect: connection refused", "registry.unreachable", "connection-refused",
                 id="containerd-connection-refused"),
    pytest.param('rpc error: code = Unknown desc = failed to pull and unpack image "untrusted.probe.test/probe/hello:'
                 'v1": failed to resolve reference "untrusted.probe.test/probe/hello:v1": failed to do request: Head '
                 '"https://127.0.0.1:5443/v2/probe/hello/manifests/v1?ns=untrusted.probe.test": tls: failed to verify '
                 "certificate: x509: certificate signed by unknown authority", "registry.tls-error", "tls-certificate",
                 id="containerd-1-7-unknown-authority"),
    pytest.param("rpc error: code = Unknown desc = Error reading manifest latest in registry.mydomain/image: manifest "
                 "unknown: manifest unknown", "image.tag-not-found", "manifest-unknown",
                 id="cri-o-1-18-error-reading-manifest"),
    pytest.param("unable to pull image or OCI artifact: pull image err: reading manifest v9 in quay.io/team/app: "
                 "manifest unknown; artifact err: provided artifact is a container image",
                 "image.tag-not-found", "manifest-unknown", id="cri-o-1-33-artifact-wrapped-manifest-unknown"),
    pytest.param("rpc error: code = Unknown desc = Error reading manifest 1.0 in docker.io/acme/private: errors:\n"
                 "denied: requested access to the resource is denied\nunauthorized: authentication required\n",
                 "image.not-found-or-unauthorized", "requested-access-denied",
                 id="cri-o-1-24-multi-line-denied-is-ambiguous"),
    pytest.param('Back-off pulling image "nginx:nope": ErrImagePull: rpc error: code = NotFound desc = failed to pull '
                 'and unpack image "docker.io/library/nginx:nope": failed to resolve reference '
                 '"docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found',
                 "image.tag-not-found", "containerd-ref-not-found", id="kubelet-1-32-back-off-with-cause"),
    pytest.param('Back-off pulling image "nginx:nope"', UNKNOWN, "back-off-only",
                 id="kubelet-1-31-back-off-hides-the-cause"),
    pytest.param("Error: ErrImagePull", UNKNOWN, "error-reason-only", id="error-reason-event-has-no-cause"),
    pytest.param("Failed to apply default image tag \"Nginx\": couldn't parse image name \"Nginx\": invalid reference "
                 "format: repository name (library/Nginx) must be lowercase", "image.invalid-reference",
                 "invalid-reference", id="kubelet-1-29-uppercase-names-the-remote"),
    pytest.param('rpc error: code = Unknown desc = failed to pull and unpack image "gcr.io/p/app:1": failed to '
                 'resolve reference "gcr.io/p/app:1": failed to do request: Head "https://gcr.io/v2/p/app/manifests/1":'
                 " context deadline exceeded", "image.pull-timeout", "pull-deadline", id="context-deadline-is-timeout"),
    pytest.param("image pull failed for quay.io/team/app:1.0 because the registry is unavailable: pinging container "
                 'registry quay.io: Get "https://quay.io/v2/": dial tcp 34.1.2.3:443: connect: connection refused',
                 "registry.unreachable", "connection-refused", id="cri-o-registry-unavailable-refused"),
    pytest.param("rpc error: code = Unknown desc = Error response from daemon: Get https://123456789012.dkr.ecr."
                 "us-east-1.amazonaws.com/v2/app/manifests/1.0: no basic auth credentials",
                 "registry.auth-failed", "authentication-required", id="docker-ecr-no-basic-auth-credentials"),
    pytest.param('rpc error: code = Unknown desc = error pinging docker registry registry-1.docker.io: Get '
                 '"https://registry-1.docker.io/v2/": proxyconnect tcp: dial tcp: lookup http: Temporary failure in name '
                 "resolution", "registry.unreachable", "proxy-error",
                 id="cri-o-unresolvable-proxy-is-a-proxy-problem-not-registry-dns"),
    pytest.param('Failed to pull image "optaplanner/optaplanner-demo:snapshot-190326-101059-0997": rpc error: code = '
                 "Unknown desc = Error reading manifest snapshot-190326-101059-0997 in docker.io/optaplanner/optaplanner-"
                 "demo: errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication "
                 "required\n", "image.not-found-or-unauthorized", "requested-access-denied",
                 id="cri-o-old-multi-line-hub-denial-from-rhdemo-issue"),
    pytest.param('Failed to pull image "gcr.io/maloney-scratch/monolith:1.0.0": rpc error: code = Unknown desc = failed '
                 'to pull and unpack image "gcr.io/maloney-scratch/monolith:1.0.0": failed to resolve reference '
                 '"gcr.io/maloney-scratch/monolith:1.0.0": pulling from host gcr.io failed with status code [manifests '
                 "1.0.0]: 403 Forbidden", "registry.auth-failed", "forbidden", id="gke-gcr-403-from-codelab-issue"),
    pytest.param("failed to resolve image: unexpected status from HEAD request to https://gcr.io/v2/cloud-sql-connectors/"
                 "cloud-sql-proxy/manifests/2.14.1: 403 Forbidden", "registry.auth-failed", "forbidden",
                 id="containerd-2-transfer-service-resolve-image-wording"),
    pytest.param('Failed to pull image "ghcr.io/nloui/paperless-mcp:latest": failed to pull and unpack image '
                 '"ghcr.io/nloui/paperless-mcp:latest": failed to resolve reference "ghcr.io/nloui/paperless-mcp:latest":'
                 " failed to authorize: failed to fetch anonymous token: unexpected status from GET request to "
                 "https://ghcr.io/token?scope=repository%3Anloui%2Fpaperless-mcp%3Apull&service=ghcr.io: 403 Forbidden",
                 "image.not-found-or-unauthorized", "anonymous-token-refused", id="ghcr-anonymous-403-is-ambiguous"),
    pytest.param('Failed to pull image "xpkg.upbound.io/crossplane/crossplane:v1.19.1": rpc error: code = NotFound desc = '
                 'failed to pull and unpack image "xpkg.upbound.io/crossplane/crossplane:v1.19.1": failed to copy: '
                 "httpReadSeeker: failed open: could not fetch content descriptor sha256:8f38435637e72e821d5a5aca9e76bb"
                 "a94b3b4787fd6a30b51cf5a55b2d2b5913 (application/vnd.docker.container.image.v1+json) from remote: not "
                 "found", "registry.server-error", "blob-not-found", id="missing-blob-is-not-a-missing-tag"),
    pytest.param("time=\"2022-11-02T14:14:56Z\" level=fatal msg=\"Error initializing source docker://registry.xxx.com/ci/"
                 "xxx-services-predict-labels/main/predict-labels:1.0.0: Error reading manifest 1.0.0 in registry.xxx.com/"
                 "ci/xxx-services-predict-labels/main/predict-labels: unauthorized: unauthorized to access repository: "
                 "ci/xxx-services-predict-labels/main/predict-labels, action: pull: unauthorized to access repository: "
                 "ci/xxx-services-predict-labels/main/predict-labels, action: pull\"", "registry.auth-failed",
                 "harbor-unauthorized", id="harbor-via-containers-image"),
    pytest.param("Error response from daemon: pull access denied for gcr.io/slo-generator-ci-a2b4/slo-generator, "
                 "repository does not exist or may require 'docker login': denied: Permission denied for \"2.5.2\" from "
                 'request "/v2/slo-generator-ci-a2b4/slo-generator/manifests/2.5.2"',
                 "image.not-found-or-unauthorized", "pull-access-denied", id="gcr-permission-denied-for-tag-ambiguous"),
    pytest.param('Failed to pull image "noyandocker/productservice": rpc error: code = Unknown desc = Error response '
                 'from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on '
                 "192.168.65.2:53: read udp 192.168.49.2:59506->192.168.65.2:53: i/o timeout",
                 "registry.dns-failure", "dns-lookup-via-resolver", id="minikube-docker-dns-timeout"),
    pytest.param('Failed to pull image "gcr.io/istio-testing/prowbazel:0.5.14": rpc error: code = Unknown desc = '
                 "context canceled", "image.pull-timeout", "pull-deadline", id="large-image-context-canceled"),
    pytest.param("Error response from daemon: Get https://k8s.gcr.io:5000/v2/: net/http: request canceled while waiting "
                 "for connection (Client.Timeout exceeded while awaiting headers)", "registry.unreachable",
                 "dial-timeout", id="client-timeout-awaiting-headers"),
    pytest.param("Error response from daemon: no matching manifest for linux/arm64/v8 in the manifest list entries: no "
                 "match for platform in manifest: not found", "image.platform-mismatch", "platform-containerd",
                 id="docker-on-containerd-store-platform"),
    pytest.param('Failed to pull image "nginx:nope": rpc error: code = 2 desc = Tag nope not found in repository '
                 "docker.io/library/nginx", "image.tag-not-found", "manifest-unknown", id="docker-1-9-v1-tag-not-found"),
    pytest.param("", UNKNOWN, "empty", id="empty-text-is-unknown-never-none"),
    pytest.param("something the table has never seen", UNKNOWN, "no-match", id="unrecognised-text-is-unknown"),
]


@pytest.mark.parametrize(("text", "code", "rule"), CASES)
def test_hand_cases(text, code, rule):  # type: ignore[no-untyped-def]
    c = classify(text)
    assert (c.code, c.rule) == (code, rule)


def test_detail_names_host_status_and_runtime():  # type: ignore[no-untyped-def]
    c = classify(RULES[[r.name for r in RULES].index("rate-limited")].example)
    assert c.detail["host"] == "docker.io"
    assert c.detail["httpStatus"] == 429
    assert c.detail["runtime"] == "containerd"
    assert c.detail["image"] == "centos"
    assert c.detail["ref"] == "docker.io/library/centos:latest"


def test_dns_detail_names_resolver():  # type: ignore[no-untyped-def]
    c = classify("dial tcp: lookup my-registry.foo.bar on 192.168.64.1:53: no such host")
    assert c.detail["host"] == "my-registry.foo.bar"
    assert c.detail["resolver"] == "192.168.64.1:53"


def test_aggregate_of_several_credentials_is_counted():  # type: ignore[no-untyped-def]
    c = classify(next(p for p in CASES if p.id == "a-500-next-to-unauthorized-is-auth").values[0])
    assert c.detail["attempts"] == 2


@pytest.mark.parametrize("text", [
    pytest.param("a" * 100_000, id="100kb-of-one-letter"),
    pytest.param("lookup " * 15_000, id="100kb-of-lookup-prefixes"),
    pytest.param('failed to resolve reference "' + "a" * 100_000, id="100kb-unterminated-quote"),
    pytest.param("failed to fetch oauth token: unexpected status" + " x" * 50_000, id="100kb-after-oauth-prefix"),
    pytest.param("x509: " + "/" * 100_000 + " no space left on device", id="100kb-with-disk-full-at-the-end"),
])
def test_huge_inputs_return(text):  # type: ignore[no-untyped-def]
    c = classify(text)
    assert c.code is not None
    assert classify(text) == c  # deterministic
