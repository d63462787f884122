"""The registry probe's answers as plain data: what `podwhy.registry` produces and `analyzers.probe` reads.

Defined on the analyzer side so the pure analyzer can type them without importing the I/O package (the
import-linter contract forbids analyzers -> podwhy.registry; the registry imports this module instead).
No httpx object, no credential value, ever: a result may be printed or serialised whole.

`Options.probe_results` maps `probe_key(image, secrets)` -> ProbeResult. The key is the normalised image
reference (`docker.io/library/nginx:1.27`, `:latest` added as the kubelet does, semantics.md B4.2) plus
the pod's effective pull-secret names, because the same image probed with different credentials can
answer differently. One request sequence is made per distinct key.
"""

from __future__ import annotations

from typing import Literal

import msgspec

# What the registry (or the network on the way to it) said, from the probe's vantage point.
Outcome = Literal[
    "found",                 # manifest HEAD 200
    "tag-not-found",         # manifest 404, tags list 200 without the tag
    "digest-not-found",      # manifest by digest 404, repository exists
    "repository-not-found",  # manifest 404 and tags list 404 NAME_UNKNOWN
    "manifest-not-found",    # manifest 404, tags list unavailable (cannot tell tag from repository)
    "auth-required",         # 401 and no credentials were sent (none matched the host)
    "auth-rejected",         # credentials were sent and rejected (registry 401, or token endpoint 401/403)
    "access-denied",         # credentials accepted, but no pull access to this repository (403, insufficient_scope)
    "rate-limited",          # 429 / TOOMANYREQUESTS
    "server-error",          # 5xx
    "not-a-registry",        # GET /v2/ answered, but not as a V2 registry
    "dns-failure",
    "unreachable",           # connection refused / reset / timeout / no route
    "tls-error",             # certificate not trusted, expired, wrong name
    "http-https-mismatch",   # HTTPS to a plain-HTTP server, or the reverse
    "error",                 # anything else (detail says what)
]

NETWORK_OUTCOMES = frozenset({"dns-failure", "unreachable", "tls-error", "http-https-mismatch"})


class Platform(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    os: str
    architecture: str
    variant: str = ""

    def __str__(self) -> str:
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


class Step(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """One request of the sequence, as evidence: `GET /v2/`, 401, UNAUTHORIZED ..."""

    method: str
    url: str  # scheme://host/path?query, never with userinfo or secrets
    status: int | None = None
    error_code: str = ""
    error_message: str = ""
    note: str = ""  # e.g. 'Bearer realm="..."' challenge, '12 tags', or the network error


class RateLimit(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    limit: str = ""
    remaining: str = ""
    source: str = ""


class CredentialUse(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """Which pull-secret entry was tried (names only) and how the registry took it."""

    secret: str  # namespace/name
    key: str  # the docker-config registry key that matched
    outcome: str  # "accepted" | "rejected" | "not-tried"


class ProbeResult(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    image: str  # normalised reference probed, e.g. 127.0.0.1:5000/probe/hello:nope
    registry: str  # domain as in the reference (docker.io)
    host: str  # API host[:port] actually contacted (registry-1.docker.io)
    repository: str  # path inside the registry (library/nginx)
    reference: str  # tag or digest
    outcome: Outcome
    scheme: str = ""  # https | http (the one that answered)
    status: int | None = None  # HTTP status of the decisive request
    error_code: str = ""
    error_message: str = ""
    digest: str = ""
    media_type: str = ""
    # Tags the registry listed (None: not listed); truncated when the page bound was hit.
    tags: tuple[str, ...] | None = None
    tags_truncated: bool = False
    # Platforms of an index (None: not an index, or not fetched).
    platforms: tuple[Platform, ...] | None = None
    rate_limit: RateLimit | None = None
    auth: str = "anonymous"  # anonymous | basic | bearer
    challenge: str = ""  # the WWW-Authenticate of the decisive 401/403 (no secrets in it)
    # The pod's effective pull secrets (namespace/name) and what became of their matching entries.
    pull_secrets: tuple[str, ...] = ()
    credentials: tuple[CredentialUse, ...] = ()
    # Secrets that could not be read (`shop/regcred: not found`), names only.
    secret_problems: tuple[str, ...] = ()
    missing_secrets: tuple[str, ...] = ()
    # Network / protocol error in plain words, scrubbed of anything secret.
    detail: str = ""
    # Registry that normally authenticates through the node's cloud credential provider.
    cloud_provider: str = ""
    steps: tuple[Step, ...] = ()


def probe_key(image: str, pull_secrets: tuple[str, ...]) -> str:
    """The key of `Options.probe_results`: normalised image, then the effective secrets in kubelet order."""
    return f"{image} secrets={','.join(pull_secrets)}" if pull_secrets else image
