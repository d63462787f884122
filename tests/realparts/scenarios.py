"""The image-pull scenarios of the real-parts tier: what is pulled, with which credentials, what the
runtime must say (test-infra.md section 3b, per containerd version) and which catalog code the classifier
must give (catalog.md; semantics.md B3.1).

Substrings are templates: `{plain}` = host:port of the plain-HTTP registry, `{tls}` = the TLS+htpasswd
registry, `{refused}` = 127.0.0.1:<a port nobody listens on>.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .harness.registry import Registry

MISSING_DIGEST = "sha256:" + "0" * 64
VERSIONS = ("1.6", "1.7")

# Aliases in containerd's certs.d (hosts.toml), all pointing at 127.0.0.1 (no DNS ever).
UNTRUSTED = "untrusted.probe.test"  # https to the TLS registry, no CA -> unknown authority
HTTP2HTTPS = "http2https.probe.test"  # plain http to the TLS port -> 400 Bad Request
HTTPS2HTTP = "https2http.probe.test"  # https to the plain port -> "server gave HTTP response to HTTPS client"
REFUSED = "refused.probe.test"  # http to a closed loopback port
AUTH_ALIAS = "auth.probe.test"  # https to the TLS registry WITH its CA (for the registry probe work)
UNRESOLVABLE = "registry.invalid"  # only pulled inside a private network namespace with an NXDOMAIN stub


@dataclass(frozen=True)
class PullEnv:
    plain: Registry
    auth: Registry
    refused_port: int

    @property
    def refused(self) -> str:
        return f"127.0.0.1:{self.refused_port}"

    def fill(self, template: str) -> str:
        return template.format(plain=self.plain.host, tls=self.auth.host, refused=self.refused)


@dataclass(frozen=True)
class Scenario:
    id: str
    image: str  # template, see module docstring
    expected_codes: tuple[str, ...]  # classifier codes accepted; () = the pull must succeed
    grpc_code: str  # Go codes name of the CRI error ("OK" on success)
    substrings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # containerd version -> substrings
    credentials: Literal["good", "bad"] | None = None
    private_network: bool = False  # run in the containerd that lives in its own network namespace
    repository: str = ""  # success: the pushed image whose config digest the CRI must report
    note: str = ""

    @property
    def succeeds(self) -> bool:
        return not self.expected_codes


def _same(*subs: str) -> dict[str, tuple[str, ...]]:
    return {version: subs for version in VERSIONS}


NOT_FOUND = ("image.tag-not-found",)

SCENARIOS: tuple[Scenario, ...] = (
    # ---- successes (the harness and the images are right) ----
    Scenario("existing-tag-oci-manifest", "{plain}/probe/hello:v1", (), "OK", repository="probe/hello:v1"),
    Scenario("existing-tag-oci-index", "{plain}/probe/hello:multi", (), "OK", repository="probe/hello:multi"),
    Scenario(
        "existing-tag-docker-manifest",
        "{plain}/probe/hello:docker-v1",
        (),
        "OK",
        repository="probe/hello:docker-v1",
    ),
    Scenario(
        "existing-tag-docker-list",
        "{plain}/probe/hello:docker-list",
        (),
        "OK",
        repository="probe/hello:docker-list",
    ),
    Scenario("existing-pause-image", "{plain}/probe/pause:pause", (), "OK", repository="probe/pause:pause"),
    Scenario(
        "auth-registry-good-credentials",
        "{tls}/probe/hello:v1",
        (),
        "OK",
        credentials="good",
        repository="probe/hello:v1",
    ),
    # ---- not found (gRPC NotFound: keeps its prefix on every kubelet) ----
    Scenario(
        "missing-tag",
        "{plain}/probe/hello:nope",
        NOT_FOUND,
        "NotFound",
        _same(
            'failed to pull and unpack image "{plain}/probe/hello:nope"',
            'failed to resolve reference "{plain}/probe/hello:nope": {plain}/probe/hello:nope: not found',
        ),
    ),
    Scenario(
        "missing-repository",
        "{plain}/nope/none:v1",
        # docker-registry 2.8 answers 404 MANIFEST_UNKNOWN (not NAME_UNKNOWN) for a manifest in a missing
        # repository, and containerd reduces any 404 on the manifest HEAD to "<ref>: not found": the text
        # cannot tell a missing repository from a missing tag. Either code is a truthful reading.
        ("image.tag-not-found", "image.repository-not-found"),
        "NotFound",
        _same('failed to resolve reference "{plain}/nope/none:v1": {plain}/nope/none:v1: not found'),
    ),
    Scenario(
        "missing-digest",
        "{plain}/probe/hello@" + MISSING_DIGEST,
        NOT_FOUND,
        "NotFound",
        _same(f"{{plain}}/probe/hello@{MISSING_DIGEST}: not found"),
    ),
    Scenario(
        "auth-registry-missing-tag",
        "{tls}/probe/hello:nope",
        NOT_FOUND,
        "NotFound",
        _same('failed to resolve reference "{tls}/probe/hello:nope": {tls}/probe/hello:nope: not found'),
        credentials="good",
    ),
    Scenario(
        "platform-mismatch",
        "{plain}/probe/hello:arm64only",
        ("image.platform-mismatch",),
        "NotFound",
        _same(
            'failed to pull and unpack image "{plain}/probe/hello:arm64only": no match for platform in manifest: not found'
        ),
    ),
    # ---- credentials ----
    Scenario(
        "bad-password",
        "{tls}/probe/hello:v1",
        ("registry.auth-failed",),
        "Unknown",
        {
            "1.6": (
                'failed to resolve reference "{tls}/probe/hello:v1": pulling from host {tls} failed with status code [manifests v1]: 401 Unauthorized',
            ),
            "1.7": (
                'failed to resolve reference "{tls}/probe/hello:v1": unexpected status from HEAD request to https://{tls}/v2/probe/hello/manifests/v1: 401 Unauthorized',
            ),
        },
        credentials="bad",
    ),
    Scenario(
        "no-credentials",
        "{tls}/probe/hello:v1",
        # 1.6 says only "401 Unauthorized"; 1.7 says "pull access denied, repository does not exist or may
        # require authorization: authorization failed: no basic auth credentials" (ambiguous by design).
        ("registry.auth-failed", "image.not-found-or-unauthorized"),
        "Unknown",
        {
            "1.6": ("pulling from host {tls} failed with status code [manifests v1]: 401 Unauthorized",),
            "1.7": (
                'failed to resolve reference "{tls}/probe/hello:v1": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials',
            ),
        },
    ),
    # ---- transport ----
    Scenario(
        "tls-unknown-authority",
        UNTRUSTED + "/probe/hello:v1",
        ("registry.tls-error",),
        "Unknown",
        {
            "1.6": (
                'failed to do request: Head "https://{tls}/v2/probe/hello/manifests/v1?ns=untrusted.probe.test": x509: certificate signed by unknown authority',
            ),
            "1.7": (
                'failed to do request: Head "https://{tls}/v2/probe/hello/manifests/v1?ns=untrusted.probe.test": tls: failed to verify certificate: x509: certificate signed by unknown authority',
            ),
        },
    ),
    Scenario(
        "http-to-https-port",
        HTTP2HTTPS + "/probe/hello:v1",
        ("registry.http-https-mismatch",),
        "Unknown",
        {
            "1.6": ("pulling from host {tls} failed with status code [manifests v1]: 400 Bad Request",),
            "1.7": (
                "unexpected status from HEAD request to http://{tls}/v2/probe/hello/manifests/v1?ns=http2https.probe.test: 400 Bad Request",
            ),
        },
        note="Go's TLS server answers plain HTTP with 400 'Client sent an HTTP request to an HTTPS server.'",
    ),
    Scenario(
        "https-to-http-port",
        HTTPS2HTTP + "/probe/hello:v1",
        ("registry.http-https-mismatch",),
        "Unknown",
        _same(
            'failed to do request: Head "https://{plain}/v2/probe/hello/manifests/v1?ns=https2http.probe.test": http: server gave HTTP response to HTTPS client'
        ),
    ),
    Scenario(
        "connection-refused",
        REFUSED + "/probe/hello:v1",
        ("registry.unreachable",),
        "Unknown",
        _same(
            'failed to do request: Head "http://{refused}/v2/probe/hello/manifests/v1?ns=refused.probe.test": dial tcp {refused}: connect: connection refused'
        ),
    ),
    Scenario(
        "dns-failure",
        UNRESOLVABLE + "/probe/hello:v1",
        ("registry.dns-failure",),
        "Unknown",
        _same(
            'failed to do request: Head "https://registry.invalid/v2/probe/hello/manifests/v1": dial tcp: lookup registry.invalid on 127.0.0.1:53: no such host'
        ),
        private_network=True,
        note="pulled by a containerd in its own network+mount namespace whose resolv.conf names a loopback NXDOMAIN stub",
    ),
    # ---- reference ----
    Scenario(
        "invalid-reference-uppercase",
        "{plain}/Probe/Hello:v1",
        ("image.invalid-reference",),
        "Unknown",
        {
            "1.6": (
                'failed to parse image reference "{plain}/Probe/Hello:v1": invalid reference format: repository name must be lowercase',
            ),
            "1.7": (
                'failed to parse image reference "{plain}/Probe/Hello:v1": invalid reference format: repository name (Probe/Hello) must be lowercase',
            ),
        },
        note="a real kubelet rejects this before calling the runtime (InvalidImageName, semantics.md B1.1); the runtime's own text is what is recorded here",
    ),
)

SCENARIO_BY_ID = {scenario.id: scenario for scenario in SCENARIOS}
FAILURES = tuple(s for s in SCENARIOS if not s.succeeds)
SUCCESSES = tuple(s for s in SCENARIOS if s.succeeds)
