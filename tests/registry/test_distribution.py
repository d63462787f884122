"""The probe's request sequence against REAL docker-registry 2.8 instances (plain, htpasswd+TLS, token+TLS).

Each case asserts the whole answer: outcome, status, the registry's error code and message, the scheme
that answered, the auth kind, tags, platforms, what became of each credential, and every request made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from podwhy.analyzers.imagepull.reference import parse_normalized
from podwhy.analyzers.probe.results import ProbeResult, Step
from podwhy.registry.credentials import Credential
from podwhy.registry.distribution import Target, probe_target
from podwhy.registry.hosts import api_host
from podwhy.registry.transport import Clients, TransportConfig
from realparts.harness import oci
from registry.conftest import MANY_TAGS, Registries

ZERO = "sha256:" + "0" * 64
HELLO_TAGS = ["arm64only", "docker-list", "docker-v1", "multi", "v1"]


def target(image: str) -> Target:
    ref = parse_normalized(image)
    return Target(image=ref.with_default_tag, registry=ref.domain, host=api_host(ref.domain), repository=ref.path,
                  reference=ref.digest or ref.tag or "latest")


def summary(r: ProbeResult) -> dict[str, Any]:
    """Everything the analyzers read, with loopback ports replaced by the registry's role."""
    return {
        "outcome": r.outcome, "status": r.status, "errorCode": r.error_code, "errorMessage": r.error_message,
        "scheme": r.scheme, "auth": r.auth, "tags": sorted(r.tags) if r.tags is not None else None,
        "tagsTruncated": r.tags_truncated, "platforms": [str(p) for p in r.platforms] if r.platforms is not None else None,
        "mediaType": r.media_type, "hasDigest": bool(r.digest.startswith("sha256:")),
        "credentials": [u.outcome for u in r.credentials],
        "steps": [_step(s) for s in r.steps],
    }


def _step(s: Step) -> str:
    """`HEAD v2/probe/hello/manifests/v1 404 MANIFEST_UNKNOWN` (path without origin; pushed digests as `sha256`)."""
    path = re.sub(r"sha256:(?!0{64})[0-9a-f]{64}", "sha256", s.url.split("/", 3)[3])
    return f"{s.method} {path} {s.status}" + (f" {s.error_code}" if s.error_code else "")


@dataclass
class Expect:
    outcome: str
    status: int | None
    steps: list[str]
    error_code: str = ""
    error_message: str = ""
    scheme: str = "https"
    auth: str = "anonymous"
    tags: list[str] | None = None
    platforms: list[str] | None = None
    media_type: str = ""
    has_digest: bool = False
    credentials: list[str] = field(default_factory=list)
    tags_truncated: bool = False

    def as_summary(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "status": self.status, "errorCode": self.error_code,
                "errorMessage": self.error_message, "scheme": self.scheme, "auth": self.auth, "tags": self.tags,
                "tagsTruncated": self.tags_truncated, "platforms": self.platforms, "mediaType": self.media_type,
                "hasDigest": self.has_digest, "credentials": self.credentials, "steps": self.steps}


PLAIN_PING = ["GET v2/ None", "GET v2/ 200"]  # https refused by a plain-HTTP server, then http (--insecure-registry)
BASIC_PING = ["GET v2/ 401"]
TOKEN_PING = ["GET v2/ 401"]
TOKEN = "GET token?scope=repository%3A{repo}%3Apull&service=podwhy-test-registry 200"

CASES = [
    pytest.param("plain", "probe/hello:v1", None, Expect(
        "found", 200, [*PLAIN_PING, "HEAD v2/probe/hello/manifests/v1 200"], scheme="http",
        media_type=oci.OCI_MANIFEST, has_digest=True),
        id="an existing tag is found with its digest and media type by a HEAD alone"),
    pytest.param("plain", "probe/hello:multi", None, Expect(
        "found", 200, [*PLAIN_PING, "HEAD v2/probe/hello/manifests/multi 200", "GET v2/probe/hello/manifests/sha256 200"],
        scheme="http", media_type=oci.OCI_INDEX, has_digest=True, platforms=["linux/amd64"]),
        id="an OCI index is fetched once by digest to list its platforms"),
    pytest.param("plain", "probe/hello:arm64only", None, Expect(
        "found", 200, [*PLAIN_PING, "HEAD v2/probe/hello/manifests/arm64only 200",
                       "GET v2/probe/hello/manifests/sha256 200"],
        scheme="http", media_type=oci.OCI_INDEX, has_digest=True, platforms=["linux/arm64"]),
        id="an arm64-only index lists only linux/arm64"),
    pytest.param("plain", "probe/hello:docker-list", None, Expect(
        "found", 200, [*PLAIN_PING, "HEAD v2/probe/hello/manifests/docker-list 200",
                       "GET v2/probe/hello/manifests/sha256 200"],
        scheme="http", media_type=oci.DOCKER_LIST, has_digest=True, platforms=["linux/amd64"]),
        id="a Docker manifest list is an index too"),
    pytest.param("plain", "probe/hello:nope", None, Expect(
        "tag-not-found", 404, [*PLAIN_PING, "HEAD v2/probe/hello/manifests/nope 404",
                               "GET v2/probe/hello/manifests/nope 404 MANIFEST_UNKNOWN",
                               "GET v2/probe/hello/tags/list?n=1000 200"],
        scheme="http", error_code="MANIFEST_UNKNOWN", error_message="manifest unknown", tags=HELLO_TAGS),
        id="a missing tag gets the error code from a GET and the real tags from the tag list"),
    pytest.param("plain", "nope/none:v1", None, Expect(
        "repository-not-found", 404, [*PLAIN_PING, "HEAD v2/nope/none/manifests/v1 404",
                                      "GET v2/nope/none/manifests/v1 404 MANIFEST_UNKNOWN",
                                      "GET v2/nope/none/tags/list?n=1000 404 NAME_UNKNOWN"],
        scheme="http", error_code="MANIFEST_UNKNOWN", error_message="manifest unknown"),
        id="a missing repository says MANIFEST_UNKNOWN for the manifest but NAME_UNKNOWN for its tags"),
    pytest.param("plain", f"probe/hello@{ZERO}", None, Expect(
        "digest-not-found", 404, [*PLAIN_PING, f"HEAD v2/probe/hello/manifests/{ZERO} 404",
                                  f"GET v2/probe/hello/manifests/{ZERO} 404 MANIFEST_UNKNOWN",
                                  "GET v2/probe/hello/tags/list?n=1000 200"],
        scheme="http", error_code="MANIFEST_UNKNOWN", error_message="manifest unknown", tags=HELLO_TAGS),
        id="a missing digest in an existing repository"),
    pytest.param("basic", "probe/hello:v1", "good", Expect(
        "found", 200, [*BASIC_PING, "HEAD v2/probe/hello/manifests/v1 200"], auth="basic",
        media_type=oci.OCI_MANIFEST, has_digest=True, credentials=["accepted"]),
        id="htpasswd registry with good credentials answers 200"),
    pytest.param("basic", "probe/hello:v1", "bad", Expect(
        "auth-rejected", 401, [*BASIC_PING, "HEAD v2/probe/hello/manifests/v1 401",
                               "GET v2/probe/hello/manifests/v1 401 UNAUTHORIZED"],
        auth="basic", error_code="UNAUTHORIZED", error_message="authentication required", credentials=["rejected"]),
        id="htpasswd registry with a wrong password rejects the credentials"),
    pytest.param("basic", "probe/hello:v1", None, Expect(
        "auth-required", 401, [*BASIC_PING, "HEAD v2/probe/hello/manifests/v1 401",
                               "GET v2/probe/hello/manifests/v1 401 UNAUTHORIZED"],
        error_code="UNAUTHORIZED", error_message="authentication required"),
        id="htpasswd registry without credentials requires authentication"),
    pytest.param("basic", "probe/hello:nope", "bad,good", Expect(
        "tag-not-found", 404, [*BASIC_PING, "HEAD v2/probe/hello/manifests/nope 401",
                               "GET v2/probe/hello/manifests/nope 401 UNAUTHORIZED",
                               "HEAD v2/probe/hello/manifests/nope 404",
                               "GET v2/probe/hello/manifests/nope 404 MANIFEST_UNKNOWN",
                               "GET v2/probe/hello/tags/list?n=1000 200"],
        auth="basic", error_code="MANIFEST_UNKNOWN", error_message="manifest unknown", tags=HELLO_TAGS,
        credentials=["rejected", "accepted"]),
        id="like the kubelet, a rejected credential is followed by the next matching one"),
    pytest.param("token", "probe/hello:v1", "good", Expect(
        "found", 200, [*TOKEN_PING, TOKEN.format(repo="probe%2Fhello"), "HEAD v2/probe/hello/manifests/v1 200"],
        auth="bearer", media_type=oci.OCI_MANIFEST, has_digest=True, credentials=["accepted"]),
        id="token registry: a Bearer token from the realm with good credentials reads the manifest"),
    pytest.param("token", "probe/hello:v1", "bad", Expect(
        "auth-rejected", 401, [*TOKEN_PING, TOKEN.format(repo="probe%2Fhello").replace(" 200", " 401")],
        auth="bearer", error_message='{"details": "incorrect username or password"}', credentials=["rejected"]),
        id="token registry: the token service rejects a wrong password"),
    pytest.param("token", "probe/hello:v1", None, Expect(
        "auth-required", 401, [*TOKEN_PING, TOKEN.format(repo="probe%2Fhello"),
                               "HEAD v2/probe/hello/manifests/v1 401",
                               "GET v2/probe/hello/manifests/v1 401 UNAUTHORIZED"],
        auth="bearer", error_code="UNAUTHORIZED", error_message="authentication required"),
        id="token registry: an anonymous token without access gets insufficient_scope"),
    pytest.param("token", "public/hello:nope", None, Expect(
        "tag-not-found", 404, [*TOKEN_PING, TOKEN.format(repo="public%2Fhello"),
                               "HEAD v2/public/hello/manifests/nope 404",
                               "GET v2/public/hello/manifests/nope 404 MANIFEST_UNKNOWN",
                               "GET v2/public/hello/tags/list?n=1000 200"],
        auth="bearer", error_code="MANIFEST_UNKNOWN", error_message="manifest unknown", tags=HELLO_TAGS),
        id="token registry: an anonymous token for a public repository lists its tags"),
    pytest.param("token", "nope/none:v1", "good", Expect(
        "repository-not-found", 404, [*TOKEN_PING, TOKEN.format(repo="nope%2Fnone"),
                                      "HEAD v2/nope/none/manifests/v1 404",
                                      "GET v2/nope/none/manifests/v1 404 MANIFEST_UNKNOWN",
                                      "GET v2/nope/none/tags/list?n=1000 404 NAME_UNKNOWN"],
        auth="bearer", error_code="MANIFEST_UNKNOWN", error_message="manifest unknown", credentials=["accepted"]),
        id="token registry: with access, a missing repository is NAME_UNKNOWN"),
]


def _creds(regs: Registries, which: str, spec: str | None) -> list[Credential]:
    if not spec:
        return []
    reg = getattr(regs, which)
    user = "tokenuser" if which == "token" else "probeuser"
    good = "tokenpass" if which == "token" else "probepass"
    return [Credential("shop/regcred", reg.host, user, good if s == "good" else "wrong-password")
            for s in spec.split(",")]


@pytest.mark.parametrize(("which", "path", "creds", "expect"), CASES)
def test_probe_sequence(registries: Registries, which: str, path: str, creds: str | None, expect: Expect) -> None:
    reg = getattr(registries, which)
    clients = Clients(TransportConfig(insecure=(registries.plain.host,), ca_files=(str(registries.tls.cert),),
                                      trust_env=False))
    try:
        result = probe_target(clients, target(f"{reg.host}/{path}"), _creds(registries, which, creds))
    finally:
        clients.close()
    assert summary(result) == expect.as_summary()


def test_tags_pagination_follows_link_headers(registries: Registries) -> None:
    clients = Clients(TransportConfig(insecure=(registries.paging.host,), trust_env=False))
    try:
        result = probe_target(clients, target(f"{registries.paging.host}/probe/many:1.3"), [])
    finally:
        clients.close()
    assert result.outcome == "tag-not-found"
    assert result.tags == tuple(sorted(MANY_TAGS)) and not result.tags_truncated
    assert [(s.url.split("/", 3)[3], s.note) for s in result.steps if "tags/list" in s.url] == [
        ("v2/probe/many/tags/list?n=1000", "10 tags (next page linked)"),
        ("v2/probe/many/tags/list?n=10&last=1.17.0", "10 tags (next page linked)"),
        ("v2/probe/many/tags/list?n=10&last=1.4.0", "5 tags"),
    ]


def test_tags_pagination_is_bounded(registries: Registries, monkeypatch: pytest.MonkeyPatch) -> None:
    import podwhy.registry.distribution as distribution

    monkeypatch.setattr(distribution, "TAGS_MAX_PAGES", 2)
    clients = Clients(TransportConfig(insecure=(registries.paging.host,), trust_env=False))
    try:
        result = probe_target(clients, target(f"{registries.paging.host}/probe/many:1.3"), [])
    finally:
        clients.close()
    assert result.tags == tuple(sorted(MANY_TAGS)[:20]) and result.tags_truncated


def test_real_registry_ignores_tag_paging(registries: Registries) -> None:
    """docker-registry 2.8 answers every tag on one page without Link: one request suffices."""
    clients = Clients(TransportConfig(insecure=(registries.plain.host,), trust_env=False))
    try:
        result = probe_target(clients, target(f"{registries.plain.host}/probe/many:1.3"), [])
    finally:
        clients.close()
    assert sorted(result.tags or ()) == sorted(MANY_TAGS)
    assert [s.note for s in result.steps if "tags/list" in s.url] == ["25 tags"]
