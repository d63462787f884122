"""Classify an image-pull error text into a catalog code: a TABLE of patterns, first match wins.

Input is whatever the cluster shows: a `Failed to pull image "x": ...` event, a container's waiting
message (incl. the >=1.32 `Back-off pulling image "x": ErrImagePull: ...` form), or a bare runtime
error. Wording covered (semantics.md B1, B3): the kubelet's own texts and gRPC prefixes
(pkg/kubelet/images/image_manager.go, helpers.go 1.14-1.35), containerd 1.2-2.x (resolve and
transfer paths: remotes/docker/resolver.go, authorizer.go, fetcher.go, core/unpack), CRI-O with
containers/image (docker/docker_image_src.go, docker_client.go, errors.go; the old multi-line and the
>=1.33 `unable to pull image or OCI artifact` forms), the Docker daemon behind dockershim
(moby distribution/errors.go, pull_v2.go), Go's net/http, net and crypto/tls texts, and the
registries' own bodies (Docker Hub, ECR, GCR/Artifact Registry, ACR, Quay, Harbor, ghcr).

Each row carries a REAL example message (from the issue threads or upstream sources named in
`source`); tests/analyzers/imagepull/test_classify.py asserts every row on its own example.

Order is precedence, and it encodes the known traps (semantics.md C and the issue):
- `no space left on device` anywhere is the node's disk, whatever else the text says;
- a DNS failure (`lookup x on 10.0.0.10:53: ... i/o timeout`, even inside a `500 server error`)
  is DNS, not a network timeout or a server error;
- `no match for platform in manifest: not found` is the platform, not a missing tag;
- an expired ECR token inside `pull access denied ...` is an auth failure, not ambiguous;
- `pull access denied, repository does not exist or may require authorization` is ambiguous;
- `unauthorized` next to a `500` is an auth failure;
- the kubelet's own `pull QPS exceeded` is a rate limit that no registry returned.
Every pattern is bounded (no unbounded `.*`), so a 100 KB message cannot backtrack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from podwhy.analyzers.imagepull.reference import try_parse
from podwhy.findings import Confidence

UNKNOWN = "unknown"

_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    code: str
    confidence: Confidence
    pattern: re.Pattern[str]
    # A real message this row must classify (asserted by the tests).
    example: str
    # Where the wording comes from (upstream file/version or the issue thread quoting it).
    source: str
    # What the finding should say about this row, beyond the code's title.
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def _r(pattern: str, flags: int = _I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# ---------------------------------------------------------------------------------------------
# THE TABLE. Keep examples verbatim (masking as the reporter left it).
# ---------------------------------------------------------------------------------------------
RULES: tuple[Rule, ...] = (
    # --- node-level: the pull wrote to a full disk -------------------------------------------
    Rule("disk-full", "node.disk-full", "certain", _r(r"no space left on device|disk quota exceeded"),
         'failed to extract layer (application/vnd.oci.image.layer.v1.tar+gzip sha256:0465d356eb1de54a583b42b392bd68ff4c6d'
         '0494ecaeb5a8b89c1001334829bf) to overlayfs as "extract-260106421-WDeK sha256:dc6b5af8281abf684b3e18b349680a24b4f0'
         '20bd3ee8c7254ddc3b128ec21162": write /var/lib/desktop-containerd/daemon/io.containerd.snapshotter.v1.overlayfs/'
         'snapshots/105/fs/home/pentester/.cache/go-build/27/27085a9d2a1990418db3f6435abc47c29c9144d86f99186ced0874f54616'
         'bc5e-d: no space left on device',
         "containerd 2.x core/unpack/unpacker.go `failed to extract layer (%s %s) to %s as %q: %w` (usestrix/strix#483); "
         "1.6/1.7 `failed to extract layer %s: %w`; Go syscall ENOSPC text",
         "the node's image filesystem (containerd/CRI-O root, usually /var/lib/containerd) is full"),
    # --- the kubelet's own verdicts ------------------------------------------------------------
    Rule("never-pull-absent", "image.never-pull-absent", "certain",
         _r(r"is not present with pull policy of Never"),
         'Container image "nginx:latest" is not present with pull policy of Never',
         "kubelet pkg/kubelet/images/image_manager.go 1.14-1.35 (ErrImageNeverPull)"),
    Rule("inspect-failed", UNKNOWN, "possible", _r(r"Failed to inspect image"),
         'Failed to inspect image "": rpc error: code = Unknown desc = failed to get image status: context deadline '
         "exceeded",
         "kubelet image_manager.go (ImageInspectError; >=1.32 quotes an empty name; example assembled from the format)",
         "the runtime could not report whether the image is present (runtime unhealthy or its store damaged)"),
    Rule("invalid-reference", "image.invalid-reference", "certain",
         _r(r"couldn't parse image (?:reference|name)|failed to parse image reference|invalid reference format"
            r"|cannot specify 64-byte hexadecimal strings|repository name must be lowercase"
            r"|repository name \([^)\n]{1,300}\) must be lowercase"),
         'Failed to apply default image tag "quay.io/biocontainers/Mimodd:0.1.9--py36_0": couldn\'t parse image '
         'reference "quay.io/biocontainers/MiModD:0.1.9--py36_0": invalid reference format: repository name must '
         'be lowercase',
         "kubelet image_manager.go applyDefaultImageTag (<=1.27 `couldn't parse image reference`, >=1.28 "
         "`couldn't parse image name`); distribution/reference normalize.go"),
    Rule("kubelet-pull-qps", "registry.rate-limited", "certain", _r(r"pull QPS exceeded"),
         'Failed to pull image "a.b.c/image-0.1": pull QPS exceeded',
         "kubelet pkg/kubelet/images/helpers.go throttleImagePulling (registryPullQPS, default 5 qps / burst 10)",
         "the kubelet's own pull throttle refused the pull; no registry answered at all",
         {"source": "kubelet"}),
    Rule("signature-validation", UNKNOWN, "certain",
         _r(r"SignatureValidationFailed|signature validation failed|Source image rejected"),
         "SignatureValidationFailed: Source image rejected: A signature was required, but no signature exists",
         "CRI-O >=1.27 server/image_pull.go WrapSignatureCRIErrorIfNeeded; kubelet >=1.28 cri-api errors.go "
         "(example assembled from those formats and the containers/image policy text; no thread quotes one)",
         "the node's signature policy (containers-policy.json / sigstore) rejected the image; podwhy has no "
         "catalog code for signature policy, so it is reported verbatim"),
    Rule("schema1-unsupported", UNKNOWN, "certain",
         _r(r"no longer supported since containerd v2|Pulling Schema 1 images have been deprecated"
            r"|manifest\.v1\+prettyjws"),
         'Back-off pulling image "registry.k8s.io/busybox": ErrImagePull: failed to pull and unpack image '
         '"registry.k8s.io/busybox:latest": failed to get converter for "registry.k8s.io/busybox:latest": Pulling Schema 1 '
         "images have been deprecated and disabled by default since containerd v2.0. As a workaround you may set an "
         "environment variable `CONTAINERD_ENABLE_DEPRECATED_PULL_SCHEMA_1_IMAGE=1`, but this will be completely removed in "
         "containerd v2.1.: ImagePullBackOff",
         "containerd 2.0 (kubernetes/k8s.io#8650, kubelet >=1.32 waiting message); 2.1+ `is no longer supported since "
         "containerd v2.1` (ovh/cds#7735)",
         "the image is in the Docker schema 1 format, which containerd 2.x refuses; rebuild or re-push it"),
    # --- a proxy between node and registry (its own name lookup is not the registry's DNS) ---------------
    Rule("proxy-error", "registry.unreachable", "certain",
         _r(r"proxyconnect tcp|Proxy Authentication Required|\b407\b"),
         "proxyconnect tcp: dial tcp 127.0.0.1:1082: connect: connection refused",
         "Go net/http transport.go `proxyconnect %s: %w` (ray-project/ray#46813)",
         "the HTTP(S) proxy configured for the runtime refused or failed the connection"),
    # --- DNS (before TLS, timeouts and 5xx: `x509`/`500` can wrap a lookup failure) ------------
    Rule("dns-lookup-via-resolver", "registry.dns-failure", "certain",
         _r(r"\blookup [^\s:]{1,255} on [^\s]{1,100}:53\b"),
         'Failed to pull image "redis": rpc error: code = Unknown desc = Error response from daemon: Get '
         "https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io on 10.0.2.3:53: read udp "
         "10.0.2.15:49031->10.0.2.3:53: i/o timeout",
         "Go net (dnsclient_unix.go) `lookup %s on %s: %s`; docker/kitematic#4315 (500 wrapping a DNS timeout)",
         "the node's DNS resolver did not resolve the registry host"),
    Rule("dns-no-such-host", "registry.dns-failure", "certain",
         _r(r"\blookup [^\s:]{1,255}: (?:no such host|server misbehaving|Temporary failure in name resolution"
            r"|Name or service not known|i/o timeout)|no such host|server misbehaving"
            r"|Temporary failure in name resolution|Name or service not known|:53: i/o timeout"),
         "Get https://registry-1.docker.io/v1/repositories/library/busybox/tags/latest: dial tcp: lookup "
         "registry-1.docker.io: Temporary failure in name resolution",
         "Go net DNSError texts (errNoSuchHost, `server misbehaving`), glibc EAI_AGAIN via cgo (coreos/bugs#481)"),
    # --- platform (before tag-not-found: it ends in `: not found`) ------------------------------
    Rule("platform-containerd", "image.platform-mismatch", "certain", _r(r"no match for platform in manifest"),
         'Failed to pull image "foundationdb/fdb-kubernetes-operator:v2.6.0": rpc error: code = NotFound desc = '
         'failed to pull and unpack image "docker.io/foundationdb/fdb-kubernetes-operator:v2.6.0": no match for '
         "platform in manifest: not found",
         "containerd >=1.4 images/handlers.go (core/images on 2.x)"),
    Rule("platform-docker", "image.platform-mismatch", "certain",
         _r(r"no matching manifest for [^\s]{1,100} in the manifest list entries"
            r"|does not match the specified platform"),
         'Failed to pull image "docker.io/cilium/startup-script:af2a99046eca96c0138551393b21a5c044c7fe79": rpc error: code = '
         "Unknown desc = no matching manifest for linux/arm/v7 in the manifest list entries",
         "moby >=18.09 distribution/pull_v2.go (cilium/image-tools#61)"),
    Rule("platform-crio", "image.platform-mismatch", "certain",
         _r(r"no image found in (?:manifest list|image index) for architecture"),
         "rpc error: code = Unknown desc = Error choosing image instance: no image found in manifest list for architecture "
         "arm, variant v8, OS linux",
         "containers/image docker_schema2_list.go; CRI-O <=1.21 `Error choosing image instance` (cri-o/cri-o#3626); "
         ">=1.31 quotes all three values"),
    # --- credentials that were sent and refused (before the ambiguous rows) ---------------------
    Rule("ecr-token-expired", "registry.auth-failed", "certain",
         _r(r"authorization token has expired"),
         "pull access denied for 123123.dkr.ecr.us-east-2.amazonaws.com/test, repository does not exist or may "
         "require 'docker login': denied: Your authorization token has expired. Reauthenticate and try again.",
         "Amazon ECR error body (portainer/portainer#6764)",
         "the ECR token (valid 12 h) has expired: whatever issues it (credential provider, a CronJob refreshing "
         "a pull secret) is not refreshing it"),
    Rule("oauth-token-rejected", "registry.auth-failed", "certain",
         _r(r"failed to fetch oauth token: unexpected status[^\n]{0,600}?\b40[13]\b"),
         'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/***/microservice:1.0.0": '
         'failed to resolve reference "docker.io/***/microservice:1.0.0": failed to authorize: failed to fetch '
         "oauth token: unexpected status: 401 Unauthorized",
         "containerd >=1.5 remotes/docker/authorizer.go + auth/fetch.go (token request WITH credentials)",
         "the registry's token endpoint rejected the username/password that were sent"),
    Rule("crio-invalid-credentials", "registry.auth-failed", "certain",
         _r(r"invalid username/password|incorrect username or password"),
         "rpc error: code = Unknown desc = initializing source docker://registry.example.com/team/app:1.2: "
         "unable to retrieve auth token: invalid username/password: unauthorized: incorrect username or password",
         "containers/image docker/errors.go (CRI-O) + Docker Hub token endpoint body (example assembled from those)"),
    Rule("token-not-accepted", "registry.auth-failed", "certain",
         _r(r"cannot be authenticated with the token provided|invalid_token|token (?:is )?expired"),
         'Failed to pull image "ghcr.io/banzaicloud/vault-env:1.15.0": rpc error: code = Unknown desc = failed to '
         'pull and unpack image "ghcr.io/banzaicloud/vault-env:1.15.0": failed to copy: httpReaderSeeker: failed '
         "open: unexpected status code https://ghcr.io/v2/banzaicloud/vault-env/blobs/sha256:766c52bc20840538b2aa1"
         "66e6f4ab30906ccb620ef58d7f49394eec61fbfe144: 401 Unauthorized - Server message: unauthorized: "
         "unauthenticated: User cannot be authenticated with the token provided.",
         "ghcr.io error body (bank-vaults/bank-vaults#1640); containerd <=2.0 remotes/docker/fetcher.go"),
    # --- rate limits (registry-side) --------------------------------------------------------------
    Rule("rate-limited", "registry.rate-limited", "certain",
         _r(r"toomanyrequests|too many requests|\b429\b|pull rate limit|rate limit exceeded|rate exceeded"),
         'Failed to pull image "centos": rpc error: code = Unknown desc = failed to pull and unpack image '
         '"docker.io/library/centos:latest": failed to copy: httpReaderSeeker: failed open: unexpected status code '
         "https://registry-1.docker.io/v2/library/centos/manifests/sha256:dbbacecc49b088458781c16f3775f2a2ec7521079"
         "034a7ba499c8b0bb7f86875: 429 Too Many Requests - Server message: toomanyrequests: You have reached your "
         "pull rate limit. You may increase the limit by authenticating and upgrading: "
         "https://www.docker.com/increase-rate-limit",
         "registry TOOMANYREQUESTS (distribution errcode); Docker Hub pull-limit body; CRI-O `too many requests "
         "to registry`"),
    # --- plain HTTP vs HTTPS (before TLS: `tls: first record ...`) --------------------------------
    Rule("http-response-to-https-client", "registry.http-https-mismatch", "certain",
         _r(r"server gave HTTP response to HTTPS client|Client sent an HTTP request to an HTTPS server"
            r"|first record does not look like a TLS handshake|malformed HTTP response"),
         'rpc error: code = Unknown desc = failed to pull and unpack image "https2http.probe.test/probe/hello:v1": '
         'failed to resolve reference "https2http.probe.test/probe/hello:v1": failed to do request: Head '
         '"https://127.0.0.1:5000/v2/probe/hello/manifests/v1?ns=https2http.probe.test": http: server gave HTTP '
         "response to HTTPS client",
         "Go net/http transport.go; recorded from containerd 1.6.20/1.7.24 CRI (test-infra.md 3b)",
         "the registry speaks plain HTTP and the runtime used HTTPS (or the reverse): the runtime has no "
         "insecure-registry / hosts.toml entry for it"),
    Rule("http-400-to-https-server", "registry.http-https-mismatch", "likely",
         _r(r"request to http://[^\s\"]{1,500}: 400 Bad Request"),
         'rpc error: code = Unknown desc = failed to pull and unpack image "http2https.probe.test/probe/hello:v1": '
         'failed to resolve reference "http2https.probe.test/probe/hello:v1": unexpected status from HEAD request '
         "to http://127.0.0.1:5443/v2/probe/hello/manifests/v1?ns=http2https.probe.test: 400 Bad Request",
         "containerd >=1.6 resolver.go; Go's TLS server answers plain HTTP with 400 (test-infra.md 3b, 1.7.24)",
         "the runtime sent plain HTTP to a TLS registry, which answered 400"),
    Rule("http-400-legacy", "registry.http-https-mismatch", "possible",
         _r(r"failed with status code \[manifests [^\]\n]{1,300}\]: 400 Bad Request"),
         'rpc error: code = Unknown desc = failed to pull and unpack image "http2https.probe.test/probe/hello:v1": '
         'failed to resolve reference "http2https.probe.test/probe/hello:v1": pulling from host 127.0.0.1:5443 '
         "failed with status code [manifests v1]: 400 Bad Request",
         "containerd 1.4-1.5 remotes/errors/errors.go, recorded from 1.6.20 CRI (test-infra.md 3b)",
         "a 400 on the manifest request usually means plain HTTP was sent to a TLS registry"),
    # --- TLS ----------------------------------------------------------------------------------------
    Rule("tls-handshake-timeout", "registry.unreachable", "likely", _r(r"TLS handshake timeout"),
         "Error response from daemon: Get https://k8s.gcr.io/v1/_ping: net/http: TLS handshake timeout",
         "Go net/http transport.go tlsHandshakeTimeoutError (kubernetes/kubeadm#1201)",
         "the TCP connection opened but the TLS handshake never completed (proxy, firewall, MTU)"),
    Rule("tls-certificate", "registry.tls-error", "certain",
         _r(r"x509: |tls: failed to verify certificate|certificate signed by unknown authority"
            r"|certificate has expired|certificate is not valid|remote error: tls: "),
         'Failed to pull image "selenium/hub": rpc error: code = Unknown desc = Error response from daemon: Get '
         '"https://registry-1.docker.io/v2/": x509: certificate signed by unknown authority',
         "Go crypto/x509 verify.go (UnknownAuthorityError), crypto/tls (>=1.20 `tls: failed to verify "
         "certificate: ` prefix)"),
    # --- the registry will not say whether the image is missing or private -------------------------
    Rule("artifact-registry-denied", "image.not-found-or-unauthorized", "likely",
         _r(r"artifactregistry\.repositories\.downloadArtifacts"),
         'Error response from daemon: Head "https://europe-west2-docker.pkg.dev/v2/<PROJECT_ID>/ml/app/manifests/'
         '4.19.5": denied: Permission "artifactregistry.repositories.downloadArtifacts" denied on resource '
         '"projects/<PROJECT_ID>/locations/europe-west2/repositories/ml" (or it may not exist)',
         "Google Artifact Registry body (terraform-google-kubernetes-engine#1779)",
         "Artifact Registry says the identity lacks roles/artifactregistry.reader on the repository, or the "
         "repository does not exist"),
    Rule("anonymous-token-refused", "image.not-found-or-unauthorized", "likely",
         _r(r"failed to fetch anonymous token: unexpected status[^\n]{0,600}?\b40[13]\b"),
         'Failed to pull image "ghcr.io/open-edge-platform/geti/notifier:2.13.1": failed to pull and unpack image '
         '"ghcr.io/open-edge-platform/geti/notifier:2.13.1": failed to resolve reference '
         '"ghcr.io/open-edge-platform/geti/notifier:2.13.1": failed to authorize: failed to fetch anonymous token: '
         "unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aopen-edge-platform%2Fgeti"
         "%2Fnotifier%3Apull&service=ghcr.io: 401 Unauthorized",
         "containerd >=1.6 authorizer.go (anonymous token request); ghcr.io refuses anonymous tokens for "
         "private and for missing packages alike",
         "no credentials were sent and the registry refused an anonymous token"),
    Rule("pull-access-denied", "image.not-found-or-unauthorized", "likely",
         _r(r"pull access denied|insufficient_scope|does not exist or no pull access"),
         "rpc error: code = Unknown desc = Error response from daemon: pull access denied for tutum/curl, "
         "repository does not exist or may require 'docker login'",
         "moby 18.09+ distribution/errors.go; containerd >=1.4 resolver.go (`pull access denied, repository does "
         "not exist or may require authorization: server message: insufficient_scope: authorization failed`)"),
    Rule("docker-legacy-image-not-found", "image.not-found-or-unauthorized", "possible",
         _r(r"Error: image [^\s]{1,300} not found"),
         'Failed to pull image "debiann": rpc error: code = Unknown desc = Error: image library/debiann:latest not found',
         "Docker 1.12/1.13 distribution/pull_v2.go via dockershim (kubelet <=1.8): the same text for a missing tag, "
         "a missing repository and a private one (kubernetes/website termination-demo transcript)",
         "old Docker daemons said `image ... not found` for a missing tag, a missing repository and a private one"),
    Rule("requested-access-denied", "image.not-found-or-unauthorized", "likely",
         _r(r"requested access to the resource is denied"),
         'Failed to pull image "docker.io/vectorim/ess-starter-edition-core-operator:2.11.9": rpc error: code = Unknown '
         "desc = reading manifest 2.11.9 in docker.io/vectorim/ess-starter-edition-core-operator: requested access to the "
         "resource is denied",
         "containers/image docker/errors.go, CRI-O >=1.25 (element-hq/ess-starter-edition-core#1; <=1.24 printed a "
         "multi-line `errors:` list); distribution errcode DENIED"),
    Rule("quay-not-authorized", "image.not-found-or-unauthorized", "likely",
         _r(r"access to the requested resource is not authorized"),
         'Failed to pull image "goharbor/harbor-db:v2.12.0": initializing source docker://quay.io/goharbor/'
         "harbor-db:v2.12.0: reading manifest v2.12.0 in quay.io/goharbor/harbor-db: unauthorized: access to the "
         "requested resource is not authorized",
         "Quay error body (goharbor/harbor-helm#1888: the repository did not exist)"),
    # --- auth, generic ----------------------------------------------------------------------------------
    Rule("gcr-permission", "registry.auth-failed", "likely",
         _r(r"you may have invalid credentials|Unauthenticated requests do not have permission"),
         'Failed to pull image "gcr.io/frasaja-1/watchpod:v1": rpc error: code = Unknown desc = Error response from daemon: '
         "unauthorized: You don't have the needed permissions to perform this operation, and you may have invalid "
         "credentials. To authenticate your request, follow the steps in: "
         "https://cloud.google.com/container-registry/docs/advanced-authentication",
         "Google Container Registry error body (MinikubeAddon/watchpod#4)"),
    Rule("harbor-unauthorized", "registry.auth-failed", "likely",
         _r(r"unauthorized to access repository"),
         "rpc error: code = Unknown desc = Error response from daemon: unauthorized: unauthorized to access "
         "repository: library/node-exp, action: pull: unauthorized to access repository: library/node-exp, "
         "action: pull",
         "Harbor error body (goharbor/harbor#15052)"),
    Rule("authentication-required", "registry.auth-failed", "likely",
         _r(r"authentication required|no basic auth credentials|\b401 Unauthorized|\bunauthorized\b|\b401\b"),
         'Failed to pull image "smartsitealfaacr.azurecr.io/aem6.5-authbaseimage:v2": rpc error: code = Unknown '
         'desc = Error response from daemon: Head "https://smartsitealfaacr.azurecr.io/v2/aem6.5-authbaseimage/'
         'manifests/v2": unauthorized: authentication required, visit https://aka.ms/acr/authorization for more '
         "information.",
         "distribution errcode UNAUTHORIZED (`authentication required`); ACR body (helm/helm#12189); containerd "
         "1.6/1.7 `... 401 Unauthorized`"),
    Rule("forbidden", "registry.auth-failed", "likely", _r(r"\b403 Forbidden|\b403\b|\bForbidden\b|\bdenied: ", 0),
         'Error response from daemon: failed to resolve reference "public.ecr.aws/lambda/provided:al2023": unexpected status '
         "from HEAD request to https://public.ecr.aws/v2/lambda/provided/manifests/al2023: 403 Forbidden",
         "containerd >=1.6 resolver.go `unexpected status from HEAD request to %s: %s` (aws/aws-lambda-base-images#220)",
         "the registry answered 403: the identity used has no pull permission on this repository"),
    # --- the repository does not exist -------------------------------------------------------------------
    Rule("repository-name-unknown", "image.repository-not-found", "certain",
         _r(r"name unknown|NAME_UNKNOWN|repository name not known to registry|The repository with name "
            r"'[^'\n]{1,300}' does not exist"),
         "Error response from daemon: repository public.ecr.aws/v2k0k1b1/yelb/yelb-ui not found: name unknown: The "
         "repository with name 'yelb/yelb-ui' does not exist in the registry with id 'v2k0k1b1'",
         "distribution errcode NAME_UNKNOWN; Amazon ECR body (aws-samples/eks-alb-istio-with-tls#7)"),
    # --- the tag (or digest) does not exist --------------------------------------------------------------
    Rule("manifest-unknown", "image.tag-not-found", "certain",
         _r(r"manifest unknown|MANIFEST_UNKNOWN|manifest for [^\s]{1,512} not found|manifest tagged by "
            r"\"[^\"\n]{1,200}\" is not found|artifact [^\s]{1,512} not found|Tag [^\s]{1,128} not found in "
            r"repository"),
         "rpc error: code = Unknown desc = Error response from daemon: manifest for drainnode/leader:v1.0-rc9 not "
         "found: manifest unknown: manifest unknown",
         "moby >=19.03 distribution/errors.go; distribution errcode MANIFEST_UNKNOWN; containers/image "
         "`reading manifest %s in %s: manifest unknown`; ACR/Harbor bodies"),
    Rule("containerd-ref-not-found", "image.tag-not-found", "likely",
         # containerd 2.x (client/pull.go, v2.2.9) wraps without quoting: `failed to resolve image: REF: not found`,
         # the text the real kubelet tier writes (tests/realcluster/test_kubelet.py).
         _r(r"failed to resolve (?:reference|image) \"[^\"\n]{1,512}\": [^\s]{1,512}: not found"
            r"|failed to resolve image: [^\s]{1,512}: not found"),
         'Failed to pull image "public.ecr.aws/v2k0k1b1/yelb/yelb-ui:latest": rpc error: code = NotFound desc = '
         'failed to pull and unpack image "public.ecr.aws/v2k0k1b1/yelb/yelb-ui:latest": failed to resolve '
         'reference "public.ecr.aws/v2k0k1b1/yelb/yelb-ui:latest": public.ecr.aws/v2k0k1b1/yelb/yelb-ui:latest: '
         "not found",
         "containerd remotes/docker/resolver.go (404 on the manifest HEAD, all versions); 2.x's unquoted form "
         "`failed to resolve image: %w` (client/pull.go, v2.2.9)",
         "containerd reports a missing repository the same way as a missing tag on registries that answer 404"),
    Rule("blob-not-found", "registry.server-error", "possible",
         _r(r"could not fetch content descriptor [^\s]{1,200} \([^)\n]{1,200}\) from remote: not found"
            r"|blob unknown|BLOB_UNKNOWN"),
         'failed to pull and unpack image "example.azurecr.io/docker-hub/esridocker/enterprise-admin:11.4.0.6285": '
         "failed to copy: httpReadSeeker: failed open: could not fetch content descriptor sha256:732cbede32a5c8b888"
         "62709b9e904092864ab820830e0f1ff344aaf2ecc7c69b (application/vnd.docker.image.rootfs.diff.tar.gzip) from "
         "remote: not found",
         "containerd >=1.7 remotes/docker/fetcher.go (Esri/arcgis-gitops#168)",
         "the manifest exists but the registry does not serve one of its layers (incomplete push, garbage "
         "collection, or a pull-through cache that lost the blob)"),
    # --- the network between node and registry -----------------------------------------------------------
    Rule("connection-refused", "registry.unreachable", "certain",
         _r(r"connection refused|no route to host|network is unreachable|connection reset by peer|broken pipe"),
         'Failed to pull image "summerwind/actions-runner-dind": rpc error: code = Unknown desc = failed to pull and '
         'unpack image "docker.io/summerwind/actions-runner-dind:latest": failed to copy: read tcp '
         "192.168.16.6:35464->104.18.122.25:443: read: connection reset by peer",
         "Go syscall ECONNREFUSED/EHOSTUNREACH/ENETUNREACH/ECONNRESET texts via net.OpError"),
    Rule("dial-timeout", "registry.unreachable", "certain",
         _r(r"dial tcp [^\s]{1,300}: i/o timeout|connection timed out|Client\.Timeout exceeded|request canceled while waiting for "
            r"connection|i/o timeout"),
         'rpc error: code = Unknown desc = failed to pull and unpack image "registry.k8s.io/kube-proxy:v1.28.2": failed to '
         'resolve reference "registry.k8s.io/kube-proxy:v1.28.2": failed to do request: Head "https://registry.k8s.io/v2/'
         'kube-proxy/manifests/v1.28.2": dial tcp 34.96.108.209:443: connect: connection timed out',
         "Go net dial timeouts (`dial tcp %s: i/o timeout`, ETIMEDOUT `connection timed out`: kubernetes/kubeadm#2936)",
         "TCP connections to the registry time out: firewall, egress policy, missing NAT or proxy"),
    # --- slow pulls -----------------------------------------------------------------------------------------
    Rule("pull-deadline", "image.pull-timeout", "likely",
         _r(r"context deadline exceeded|DeadlineExceeded|context canceled|no progress in|"
            r"image pull progress deadline|pulling image .{0,10}timed out"),
         'Failed to pull image "noyandocker/authservice": rpc error: code = Unknown desc = context deadline exceeded',
         "kubelet --runtime-request-timeout (2m) / containerd image_pull_progress_timeout (kubernetes/minikube#15626)",
         "the pull started but did not finish in time (large image, slow link); the kubelet retries"),
    Rule("copy-canceled", "image.pull-timeout", "likely",
         _r(r"failed to copy:.{0,600}?request canceled(?! while waiting for connection)"),
         'rpc error: code = Canceled desc = failed to pull and unpack image "docker.io/library/big:1": failed to copy: '
         'httpReadSeeker: failed open: failed to do request: Get "https://production.cloudflare.docker.com/registry-v2/'
         'docker/registry/v2/blobs/sha256/aa/aa/data": net/http: request canceled',
         "a layer download cancelled mid-copy: containerd's pull progress timeout cancels the transfer "
         "(internal/cri/server/images/image_pull.go, v2.0: image_pull_progress_timeout, default 5m; 1.7: "
         "pkg/cri/server/image_pull.go) and Go's net/http reports the cancelled body read as `request canceled` "
         "(net/http/transport.go errRequestCanceled)",
         "the pull started and stalled while copying layers (slow or stalled link to the blob store); the kubelet retries"),
    # --- registry 5xx ---------------------------------------------------------------------------------------
    Rule("server-error", "registry.server-error", "certain",
         _r(r"\b50[0-9] (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|Not Implemented)"
            r"|received unexpected HTTP status: 5\d\d|status code 5\d\d|service unavailable|(?-i:\bUNAVAILABLE\b)"),
         'Failed to pull image "registry.access.redhat.com/ubi8": initializing source docker://registry.access.redhat.com/'
         "ubi8:latest: reading manifest latest in registry.access.redhat.com/ubi8: received unexpected HTTP status: 503 "
         "Service Unavailable",
         "CRI-O containers/image `received unexpected HTTP status` (openshift/release#66406); containerd resolver.go; "
         "distribution errcode UNAVAILABLE"),
    Rule("registry-unavailable", "registry.unreachable", "likely",
         _r(r"RegistryUnavailable|because the registry is unavailable"),
         "image pull failed for quay.io/team/app:1.0 because the registry is unavailable: pinging container "
         "registry quay.io: Get \"https://quay.io/v2/\": EOF",
         "kubelet >=1.28 image_manager.go with CRI-O >=1.27 `RegistryUnavailable: <err>` (example assembled from "
         "that format and containers/image `pinging container registry`)"),
    Rule("unexpected-eof", "registry.unreachable", "likely",
         _r(r"unexpected EOF|: EOF\b"),
         'Failed to pull image "summerwind/actions-runner-dind": rpc error: code = Unknown desc = failed to pull and '
         'unpack image "docker.io/summerwind/actions-runner-dind:latest": failed to read expected number of bytes: '
         "unexpected EOF",
         "Go io.ErrUnexpectedEOF during a layer download",
         "the connection to the registry dropped in the middle of a transfer"),
)

# ---------------------------------------------------------------------------------------------
# Detail extraction: bounded patterns over the same text.
# ---------------------------------------------------------------------------------------------
_SPEC_IMAGE = re.compile(r"(?:Failed to pull image|Back-off pulling image|[Pp]ulling image|Failed to apply default "
                         r"image tag|Container image|Failed to inspect image) \"([^\"\n]{0,512})\"")
_RUNTIME_REF = re.compile(r"(?:failed to pull and unpack image|failed to resolve reference|failed to resolve image"
                          r"|pull access denied for|manifest for|couldn't parse image (?:reference|name)) "
                          r"\"?([^\s\",]{1,512})\"?")
_CRIO_REF = re.compile(r"(?:reading manifest|Error reading manifest) ([^\s]{1,200}) in ([^\s:]{1,300}(?::\d{1,5})?"
                       r"[^\s:]{0,300})")
_URL_HOST = re.compile(r"https?://([A-Za-z0-9.\-\[\]:]{1,255})/")
_LOOKUP = re.compile(r"\blookup ([^\s:]{1,255})(?: on ([^\s]{1,100}:53))?")
_HOST_WORDS = re.compile(r"(?:pulling from host|pinging (?:container|docker) registry) ([^\s:]{1,255}(?::\d{1,5})?)")
_STATUS = re.compile(r"\b([1-5]\d\d) (?:[A-Z][a-z]+)(?: [A-Z][A-Za-z-]+){0,3}|HTTP status: ([1-5]\d\d)"
                     r"|status code ([1-5]\d\d)|StatusCode: ([1-5]\d\d)|\(HTTP code ([1-5]\d\d)\)")
_GRPC = re.compile(r"rpc error: code = (\w{1,40})")
_BACKOFF_ONLY = re.compile(r"\s*Back-off pulling image \"[^\"\n]{0,512}\"\s*")
_ERROR_ONLY = re.compile(r"\s*Error: (\w{1,60})\s*")


@dataclass(frozen=True, slots=True)
class Classification:
    """What a pull error text says. `code` is a catalog code or "unknown" (never None)."""

    code: str
    confidence: Confidence
    rule: str
    detail: dict[str, Any]
    note: str = ""
    # The substring the rule matched (for quoting what decided it).
    matched: str = ""

    @property
    def informative(self) -> bool:
        """False for texts that carry no cause at all (`Back-off pulling image "x"`, `Error: ErrImagePull`)."""
        return self.rule not in ("back-off-only", "error-reason-only", "no-match", "empty")


def _runtime(text: str) -> str | None:
    if "failed to pull and unpack image" in text or "failed to resolve reference" in text \
            or "failed to resolve image" in text or "httpReadSeeker" in text or "httpReaderSeeker" in text:
        return "containerd"
    if "Error response from daemon" in text:
        return "docker"
    if "reading manifest" in text or "initializing source" in text or "pinging container registry" in text \
            or "unable to pull image" in text or "choosing image instance" in text or "pinging docker registry" in text:
        return "cri-o"
    return None


def extract_detail(text: str) -> dict[str, Any]:
    """Structured facts in a pull error text: image as written, runtime ref, host, HTTP status, gRPC code."""
    d: dict[str, Any] = {}
    m = _SPEC_IMAGE.search(text)
    if m:
        d["image"] = m.group(1)
    m = _RUNTIME_REF.search(text)
    if m:
        d["ref"] = m.group(1)
    else:
        mc = _CRIO_REF.search(text)
        if mc:
            tag = mc.group(1)
            sep = "@" if ":" in tag else ":"
            d["ref"] = f"{mc.group(2)}{sep}{tag}"
    host = None
    ml = _LOOKUP.search(text)
    if ml:
        host = ml.group(1)
        if ml.group(2):
            d["resolver"] = ml.group(2)
    if host is None:
        mh = _HOST_WORDS.search(text)
        if mh:
            host = mh.group(1)
    if host is None:
        for cand in (d.get("ref"), d.get("image")):
            if cand:
                ref = try_parse(cand)
                if ref is not None:
                    host = ref.domain
                    break
    if host is None:
        mu = _URL_HOST.search(text)
        if mu:
            host = mu.group(1)
    if host:
        d["host"] = host
    ms = _STATUS.search(text)
    if ms:
        d["httpStatus"] = int(next(g for g in ms.groups() if g))
    mg = _GRPC.search(text)
    if mg:
        d["grpcCode"] = mg.group(1)
    rt = _runtime(text)
    if rt:
        d["runtime"] = rt
    # The kubelet aggregates several credentials' failures as `[err1, err2]` (kuberuntime_image.go).
    body = text.split('": ', 1)[1] if text.startswith("Failed to pull image \"") and '": ' in text else text
    body = body.strip()
    if body.startswith("[") and body.endswith("]") and body.count("rpc error:") > 1:
        d["attempts"] = body.count("rpc error:")
    return d


_CLAUSE_END = re.compile(r", |\n| - |\]|\"|; ")


def _clause(text: str, m: re.Match[str]) -> str:
    """The matched words extended to the end of their clause (`429` -> `429 Too Many Requests`), for quoting."""
    stop = _CLAUSE_END.search(text, m.end(), min(len(text), m.end() + 160))
    end = stop.start() if stop else min(len(text), m.end() + 160)
    return text[m.start():end].rstrip(" :.")


def classify(text: str) -> Classification:
    """Classify one message. Deterministic; bounded regexes only. Results are memoised (a scan sees the
    same texts on many pods); treat the returned `detail` as read-only."""
    return _classify(text or "")


@lru_cache(maxsize=8192)
def _classify(text: str) -> Classification:
    if not text.strip():
        return Classification(UNKNOWN, "possible", "empty", {})
    if _BACKOFF_ONLY.fullmatch(text):
        return Classification(UNKNOWN, "possible", "back-off-only", extract_detail(text),
                              "the message names the image but not the cause (kubelet <=1.31 back-off text)")
    me = _ERROR_ONLY.fullmatch(text)
    if me:
        return Classification(UNKNOWN, "possible", "error-reason-only", {"reason": me.group(1)},
                              "the event repeats the waiting reason, not the cause")
    for rule in RULES:
        m = rule.pattern.search(text)
        if m:
            detail = extract_detail(text)
            detail.update(rule.detail)
            return Classification(rule.code, rule.confidence, rule.name, detail, rule.note, _clause(text, m))
    return Classification(UNKNOWN, "possible", "no-match", extract_detail(text))


RULES_BY_NAME = {r.name: r for r in RULES}
