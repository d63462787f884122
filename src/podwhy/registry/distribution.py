"""The distribution (OCI registry) protocol steps the probe takes for one image, hand-written on httpx.

Sequence (semantics.md B5; distribution `docs/spec/api.md`, `docs/spec/auth/token.md`; containerd HEAD
`core/remotes/docker/resolver.go` + `authorizer.go`):
1. `GET /v2/` without credentials (API version check): 200 open, 401 + `WWW-Authenticate` challenge,
   anything else is not a V2 registry (or a server error / rate limit).
2. Authenticate as the challenge asks: `Basic` -> the pod's credential for this host; `Bearer` ->
   `GET <realm>?service=<service>&scope=repository:<name>:pull`, with HTTP Basic credentials when the pod
   has some, and send the token. Credentials go ONLY to the registry host they were matched for and to
   the realm that host's own challenge named (as docker and containerd do); never across a redirect to
   another origin, never downgraded to plain HTTP.
3. `HEAD /v2/<name>/manifests/<ref>` with containerd's Accept list; 405 -> GET. HEAD does not count as
   a Docker Hub pull. 200: digest, media type, rate-limit headers; for an index the body is fetched
   once (by digest) to list its platforms.
4. 404: `GET` the manifest for the error code (HEAD has no body), then `GET /v2/<name>/tags/list?n=N`
   following `Link: <...>; rel="next"` (same origin only, bounded pages): 200 -> the repository exists
   and the tag does not; 404 `NAME_UNKNOWN` -> the repository does not exist (docker-registry 2.8 says
   `MANIFEST_UNKNOWN` for a missing repository's manifest, test-infra.md section 2).

The kubelet tries each matching credential in turn until one works (B1.3 PullImage); so do we.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from podwhy.analyzers.probe.results import CredentialUse, Platform, ProbeResult, RateLimit, Step
from podwhy.registry.credentials import Credential
from podwhy.registry.transport import (
    MAX_REDIRECTS,
    REDIRECTS,
    Clients,
    NetworkFailure,
    Scrubber,
    classify,
    origin,
    strip_userinfo,
)

# containerd's Accept list and order (core/remotes/docker/resolver.go), semantics.md B5.1.
MANIFEST_ACCEPT = ", ".join((
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "*/*",
))
INDEX_TYPES = frozenset({"application/vnd.docker.distribution.manifest.list.v2+json",
                         "application/vnd.oci.image.index.v1+json"})
TAGS_PAGE = 1000
TAGS_MAX_PAGES = 10
_HTTP_TO_HTTPS_BODY = "Client sent an HTTP request to an HTTPS server"
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?', re.I)
_CHALLENGE_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s,]+))')


@dataclass(frozen=True)
class Target:
    image: str  # normalised reference
    registry: str  # domain as written (docker.io)
    host: str  # API host[:port]
    repository: str
    reference: str  # tag or digest
    want_platforms: bool = True


@dataclass(frozen=True)
class Challenge:
    scheme: str  # basic | bearer
    params: dict[str, str]
    raw: str


def parse_challenges(header: str) -> list[Challenge]:
    """WWW-Authenticate -> challenges (RFC 7235; values may hold commas inside quotes)."""
    out: list[Challenge] = []
    for m in re.finditer(r'(?i)\b(basic|bearer)\b((?:\s*,?\s*\w+=(?:"[^"]*"|[^\s,]+))*)', header):
        params = {k.lower(): (q if q else u) for k, q, u in _CHALLENGE_PARAM.findall(m.group(2))}
        out.append(Challenge(m.group(1).lower(), params, m.group(0).strip()))
    return out


def _error_body(resp: httpx.Response) -> tuple[str, str]:
    try:
        doc = resp.json()
        err = doc["errors"][0]
        return str(err.get("code") or ""), str(err.get("message") or "")
    except Exception:
        return "", ""


@dataclass
class _Auth:
    header: str | None = None  # the Authorization value for the registry origin
    kind: str = "anonymous"
    token_anonymous: bool = False  # a Bearer token obtained without credentials
    scope: str = ""  # the scope a Bearer token was asked for
    failed: ProbeResult | None = None


@dataclass
class Session:
    """One image's request sequence. Not shared between threads."""

    clients: Clients
    target: Target
    scrub: Scrubber
    steps: list[Step] = field(default_factory=list)
    base: str = ""  # scheme://host that answered the ping

    # -- plumbing ---------------------------------------------------------------------------------------
    def _step(self, method: str, url: str, resp: httpx.Response | None, note: str = "", *,
              code: str = "", message: str = "") -> None:
        self.steps.append(Step(method=method, url=self.scrub(strip_userinfo(url)),
                               status=resp.status_code if resp is not None else None,
                               error_code=code, error_message=self.scrub(message)[:300], note=self.scrub(note)[:300]))

    def send(self, method: str, url: str, *, authorization: str | None = None, auth_origin: tuple[str, str] | None = None,
             headers: dict[str, str] | None = None) -> httpx.Response:
        """One request, redirects followed by hand: Authorization only to `auth_origin`, never elsewhere."""
        for _ in range(MAX_REDIRECTS + 1):
            h = dict(headers or {})
            if authorization is not None and auth_origin is not None and origin(url) == auth_origin:
                h["Authorization"] = authorization
            resp = self.clients.for_url(url).request(method, url, headers=h)
            if resp.status_code in REDIRECTS and "location" in resp.headers:
                nxt = urllib.parse.urljoin(url, resp.headers["location"])
                self._step(method, url, resp, f"redirect to {strip_userinfo(nxt)}")
                resp.close()
                url = nxt
                continue
            return resp
        raise httpx.TooManyRedirects("too many redirects")

    def result(self, outcome: str, **kw: Any) -> ProbeResult:
        t = self.target
        return ProbeResult(image=t.image, registry=t.registry, host=t.host, repository=t.repository,
                           reference=t.reference, outcome=outcome,  # type: ignore[arg-type]
                           scheme=urllib.parse.urlsplit(self.base).scheme if self.base else "",
                           steps=tuple(self.steps), **kw)

    def network_result(self, fail: NetworkFailure) -> ProbeResult:
        return self.result(fail.outcome, detail=self.scrub(fail.detail))

    # -- 1. ping ------------------------------------------------------------------------------------------
    def ping(self) -> httpx.Response | ProbeResult:
        host = self.target.host
        mode = self.clients.config.mode(host)
        schemes = {"secure": ["https"], "insecure": ["https", "http"], "http": ["http"]}[mode]
        last: NetworkFailure | None = None
        for scheme in schemes:
            url = f"{scheme}://{host}/v2/"
            try:
                resp = self.send("GET", url)
            except httpx.HTTPError as exc:
                last = classify(exc, host, self.clients.config.timeout)
                self._step("GET", url, None, last.detail)
                if last.not_tls and scheme == "https" and mode == "secure":
                    return self._confirm_plain_http(host, last)
                continue
            if resp.status_code == 400 and _HTTP_TO_HTTPS_BODY in resp.text:
                self._step("GET", url, resp, resp.text.strip()[:120])
                last = NetworkFailure("http-https-mismatch",
                                      f"{host} serves HTTPS, but was asked in plain HTTP (400: {_HTTP_TO_HTTPS_BODY}.)")
                if scheme == "http" and mode == "insecure":
                    continue
                return self.result("http-https-mismatch", status=400, detail=last.detail)
            self.base = f"{scheme}://{host}"
            self._step("GET", url, resp, resp.headers.get("www-authenticate", ""))
            return resp
        assert last is not None
        return self.network_result(last)

    def _confirm_plain_http(self, host: str, fail: NetworkFailure) -> ProbeResult:
        """HTTPS failed because the server did not speak TLS: does it answer plain HTTP? (no credentials sent)"""
        url = f"http://{host}/v2/"
        try:
            resp = self.send("GET", url)
        except httpx.HTTPError:
            return self.network_result(fail)
        self._step("GET", url, resp, "checking whether the server speaks plain HTTP (no credentials sent)")
        if resp.status_code in (200, 401) or "docker-distribution-api-version" in resp.headers:
            return self.result("http-https-mismatch", status=resp.status_code,
                               detail=f"{host} serves plain HTTP, not HTTPS ({fail.detail}; "
                                      f"GET http://{host}/v2/ answered {resp.status_code})")
        return self.network_result(fail)

    # -- 2. authentication ----------------------------------------------------------------------------------
    def authenticate(self, challenge_header: str, cred: Credential | None, scope: str) -> _Auth:
        challenges = parse_challenges(challenge_header)
        bearer = next((c for c in challenges if c.scheme == "bearer"), None)
        basic = next((c for c in challenges if c.scheme == "basic"), None)
        if bearer is not None and bearer.params.get("realm"):
            return self._token(bearer, cred, scope)
        if basic is not None and cred is not None:
            return _Auth(header=cred.basic(), kind="basic")
        return _Auth()

    def _token(self, ch: Challenge, cred: Credential | None, scope: str) -> _Auth:
        realm = ch.params["realm"]
        if urllib.parse.urlsplit(realm).scheme not in ("http", "https"):
            return _Auth(failed=self.result("error", detail=f"unusable token realm in the challenge: {realm[:100]}"))
        query = {"scope": ch.params.get("scope") or scope}
        if ch.params.get("service"):
            query["service"] = ch.params["service"]
        url = realm + ("&" if "?" in realm else "?") + urllib.parse.urlencode(query)
        # The realm's own origin may receive the Basic credentials: the registry's challenge named it.
        try:
            resp = self.send("GET", url, authorization=cred.basic() if cred else None,
                             auth_origin=origin(url) if cred else None)
        except httpx.HTTPError as exc:
            fail = classify(exc, urllib.parse.urlsplit(realm).netloc, self.clients.config.timeout)
            self._step("GET", url, None, fail.detail)
            return _Auth(failed=self.result(fail.outcome, detail=f"token service {fail.detail}"))
        body = resp.text[:200] if resp.status_code != 200 else ""
        self._step("GET", url, resp, "token request " + ("with" if cred else "without") + " credentials",
                   message=body.strip())
        if resp.status_code in (401, 403):
            outcome = "auth-rejected" if cred else "auth-required"
            return _Auth(failed=self.result(outcome, status=resp.status_code, auth="bearer",
                                            error_message=self.scrub(body.strip()),
                                            challenge=ch.raw))
        if resp.status_code == 429:
            return _Auth(failed=self.result("rate-limited", status=429, auth="bearer"))
        if resp.status_code >= 500:
            return _Auth(failed=self.result("server-error", status=resp.status_code, auth="bearer",
                                            detail=f"token service answered {resp.status_code}"))
        try:
            doc = resp.json()
            token = str(doc.get("token") or doc.get("access_token") or "")
        except Exception:
            token = ""
        if resp.status_code != 200 or not token:
            return _Auth(failed=self.result("error", status=resp.status_code, auth="bearer",
                                            detail=f"token service answered {resp.status_code} without a token"))
        self.scrub.add(token)
        return _Auth(header=f"Bearer {token}", kind="bearer", token_anonymous=cred is None, scope=query["scope"])

    # -- 3./4. manifest and tags ------------------------------------------------------------------------------
    def attempt(self, ping: httpx.Response, cred: Credential | None) -> ProbeResult:
        t = self.target
        scope = f"repository:{t.repository}:pull"
        auth = _Auth()
        if ping.status_code == 401:
            auth = self.authenticate(ping.headers.get("www-authenticate", ""), cred, scope)
            if auth.failed is not None:
                return auth.failed
        reg_origin = origin(self.base)
        manifest_url = f"{self.base}/v2/{t.repository}/manifests/{t.reference}"
        accept = {"Accept": MANIFEST_ACCEPT}

        def call(method: str, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
            return self.send(method, url, authorization=auth.header, auth_origin=reg_origin, headers=headers)

        try:
            resp = call("HEAD", manifest_url, accept)
            self._step("HEAD", manifest_url, resp, resp.headers.get("www-authenticate", ""))
            if resp.status_code == 401 and self._should_retry(resp, auth):
                # The registry let the ping through but wants credentials for the repository (or another scope).
                again = self.authenticate(resp.headers.get("www-authenticate", ""), cred, scope)
                if again.failed is not None:
                    return again.failed
                if again.header is not None:
                    auth = again
                    resp = call("HEAD", manifest_url, accept)
                    self._step("HEAD", manifest_url, resp, resp.headers.get("www-authenticate", ""))
            if resp.status_code == 405:
                resp = call("GET", manifest_url, accept)
                self._step("GET", manifest_url, resp, "HEAD not allowed: GET instead")
        except httpx.HTTPError as exc:
            fail = classify(exc, t.host, self.clients.config.timeout)
            self._step("HEAD", manifest_url, None, fail.detail)
            return self.network_result(fail)

        common: dict[str, Any] = {"auth": auth.kind, "rate_limit": _rate_limit(resp)}
        status = resp.status_code
        if status == 200:
            return self._found(resp, call, common)
        if status in (401, 403):
            code, message = self._error_of(call, manifest_url, resp, accept)
            challenge = resp.headers.get("www-authenticate", "")
            if cred is None or auth.kind == "anonymous":
                outcome = "auth-required"
            elif auth.kind == "basic":
                outcome = "auth-rejected" if status == 401 else "access-denied"
            else:
                outcome = "access-denied"
            return self.result(outcome, status=status, error_code=code, error_message=message,
                               challenge=challenge, **common)
        if status == 404:
            code, message = self._error_of(call, manifest_url, resp, accept)
            return self._missing(call, code, message, common)
        if status == 429:
            code, message = self._error_of(call, manifest_url, resp, accept)
            return self.result("rate-limited", status=429, error_code=code, error_message=message, **common)
        if status >= 500:
            return self.result("server-error", status=status, **common)
        return self.result("error", status=status, detail=f"unexpected answer {status} to the manifest request",
                           **common)

    @staticmethod
    def _should_retry(resp: httpx.Response, auth: _Auth) -> bool:
        """Authenticate again only when it can change the answer: nothing was sent yet, or a Bearer
        challenge asks for a scope other than the one the token was issued for."""
        if auth.header is None:
            return True
        bearer = next((c for c in parse_challenges(resp.headers.get("www-authenticate", ""))
                       if c.scheme == "bearer"), None)
        wanted = bearer.params.get("scope", "") if bearer is not None else ""
        return auth.kind == "bearer" and bool(wanted) and wanted != auth.scope

    def _error_of(self, call: Any, url: str, head: httpx.Response, accept: dict[str, str]) -> tuple[str, str]:
        """The error code: HEAD has no body, so GET the manifest (a 4xx GET pulls nothing)."""
        if head.request.method != "HEAD":
            return _error_body(head)
        try:
            resp = call("GET", url, accept)
        except httpx.HTTPError:
            return "", ""
        code, message = _error_body(resp)
        self._step("GET", url, resp, "for the error code", code=code, message=message)
        return code, message

    def _found(self, resp: httpx.Response, call: Any, common: dict[str, Any]) -> ProbeResult:
        t = self.target
        digest = resp.headers.get("docker-content-digest", "")
        media_type = resp.headers.get("content-type", "").split(";")[0].strip()
        platforms: tuple[Platform, ...] | None = None
        if media_type in INDEX_TYPES and t.want_platforms:
            url = f"{self.base}/v2/{t.repository}/manifests/{digest or t.reference}"
            try:
                body = resp if resp.request.method == "GET" else call("GET", url, {"Accept": MANIFEST_ACCEPT})
                if body is not resp:
                    self._step("GET", url, body, "index body, for its platforms")
                platforms = _platforms(body.json())
            except (httpx.HTTPError, ValueError, KeyError, TypeError):
                platforms = None
        return self.result("found", status=200, digest=digest, media_type=media_type, platforms=platforms, **common)

    def _missing(self, call: Any, code: str, message: str, common: dict[str, Any]) -> ProbeResult:
        t = self.target
        tags, truncated, tag_status, tag_code = self._tags(call)
        is_digest = ":" in t.reference
        kw = dict(status=404, error_code=code, error_message=message, tags=tags, tags_truncated=truncated, **common)
        if tags is not None:
            if t.reference in tags:
                return self.result("manifest-not-found", detail="the tag is listed but its manifest answered 404", **kw)
            return self.result("digest-not-found" if is_digest else "tag-not-found", **kw)
        if tag_status == 404 and tag_code == "NAME_UNKNOWN":
            return self.result("repository-not-found", **kw)
        return self.result("manifest-not-found", **kw)

    def _tags(self, call: Any) -> tuple[tuple[str, ...] | None, bool, int | None, str]:
        t = self.target
        url = f"{self.base}/v2/{t.repository}/tags/list?n={TAGS_PAGE}"
        tags: list[str] = []
        for page in range(TAGS_MAX_PAGES):
            try:
                resp = call("GET", url)
            except httpx.HTTPError as exc:
                self._step("GET", url, None, classify(exc, t.host, self.clients.config.timeout).detail)
                return (tuple(tags) if page else None), bool(page), None, ""
            if resp.status_code != 200:
                code, message = _error_body(resp)
                self._step("GET", url, resp, code=code, message=message)
                return (tuple(tags) if page else None), bool(page), resp.status_code, code
            try:
                got = [str(x) for x in (resp.json().get("tags") or [])]
            except (ValueError, AttributeError):
                got = []
            tags.extend(got)
            nxt = _LINK_NEXT.search(resp.headers.get("link", ""))
            self._step("GET", url, resp, f"{len(got)} tags" + (" (next page linked)" if nxt else ""))
            if nxt is None:
                return tuple(tags), False, 200, ""
            candidate = urllib.parse.urljoin(url, nxt.group(1))
            if origin(candidate) != origin(self.base):
                return tuple(tags), True, 200, ""  # never follow a tags link to another origin
            url = candidate
        return tuple(tags), True, 200, ""


def _rate_limit(resp: httpx.Response) -> RateLimit | None:
    h = resp.headers
    if not any(k in h for k in ("ratelimit-limit", "ratelimit-remaining", "docker-ratelimit-source")):
        return None
    return RateLimit(limit=h.get("ratelimit-limit", ""), remaining=h.get("ratelimit-remaining", ""),
                     source=h.get("docker-ratelimit-source", ""))


def _platforms(doc: dict[str, Any]) -> tuple[Platform, ...]:
    out: list[Platform] = []
    for m in doc.get("manifests") or []:
        p = m.get("platform") or {}
        if not p:
            continue
        # Attestation manifests (buildx) are listed with platform unknown/unknown: not runnable images.
        if p.get("os") == "unknown" or (m.get("annotations") or {}).get("vnd.docker.reference.type"):
            continue
        out.append(Platform(os=str(p.get("os") or ""), architecture=str(p.get("architecture") or ""),
                            variant=str(p.get("variant") or "")))
    return tuple(dict.fromkeys(out))


def probe_target(clients: Clients, target: Target, credentials: Sequence[Credential], *,
                 pull_secrets: tuple[str, ...] = (), secret_problems: tuple[str, ...] = (),
                 missing_secrets: tuple[str, ...] = (), cloud_provider: str = "") -> ProbeResult:
    """The whole sequence for one image, trying each credential in the kubelet's order."""
    import msgspec

    scrub = Scrubber()
    for c in credentials:
        scrub.add(*c.secret_strings())
    session = Session(clients=clients, target=target, scrub=scrub)
    extra: dict[str, Any] = {"pull_secrets": pull_secrets, "secret_problems": secret_problems,
                             "missing_secrets": missing_secrets, "cloud_provider": cloud_provider}
    try:
        ping = session.ping()
    except Exception as exc:  # never let a surprise carry a URL or a value out
        return msgspec.structs.replace(session.result("error", detail=f"probe failed ({type(exc).__name__})"), **extra)
    if isinstance(ping, ProbeResult):
        return msgspec.structs.replace(ping, **extra)
    uses: list[CredentialUse] = []
    result: ProbeResult | None = None
    tries: list[Credential | None] = list(credentials) or [None]
    for i, cred in enumerate(tries):
        try:
            result = session.attempt(ping, cred)
        except Exception as exc:
            result = session.result("error", detail=f"probe failed ({type(exc).__name__})")
        if cred is not None:
            rejected = result.outcome in ("auth-rejected", "access-denied", "auth-required")
            uses.append(CredentialUse(secret=cred.secret, key=cred.key,
                                      outcome="rejected" if rejected else "accepted"))
            if rejected and i + 1 < len(tries):
                continue
        break
    assert result is not None
    for cred in tries[len(uses):]:
        if cred is not None:
            uses.append(CredentialUse(secret=cred.secret, key=cred.key, outcome="not-tried"))
    extra["credentials"] = tuple(uses)
    return msgspec.structs.replace(result, steps=tuple(session.steps), **extra)

