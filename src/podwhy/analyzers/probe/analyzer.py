"""Turn the registry probe's answers into findings. Pure: it reads `ctx.options.probe_results` only.

Runs after the image-pull analyzer. For each stuck pull it finds the probe's answer (same key as the
probe used, targets.py) and, where the registry itself settles the cause, replaces that container's
event-based image/registry/secret findings with one `certain` finding that quotes the registry's own
answer (status, error code and message, Docker-Content-Digest, tags, platforms) and keeps what the node
saw (the event/waiting evidence) first. Where the probe only sees its own network (DNS, routes, proxies
and trusted CAs from where podwhy runs), it says so and never overrides what the node reported.

Outcome -> code (catalog.md): found + platform missing -> image.platform-mismatch; tag/digest missing ->
image.tag-not-found; NAME_UNKNOWN -> image.repository-not-found; credentials rejected ->
registry.auth-failed; registry demands credentials the pod does not have -> secret.no-pull-secret /
secret.pull-secret-host-mismatch / secret.pull-secret-missing; an anonymous token without access ->
image.not-found-or-unauthorized (the registry answers a missing and a private repository alike);
429 -> registry.rate-limited; 5xx -> registry.server-error; network -> registry.* network codes.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import msgspec

from podwhy.analyzers.base import Context, StuckContainer, Work
from podwhy.analyzers.evidence import from_waiting
from podwhy.analyzers.imagepull.imagefix import image_commands
from podwhy.analyzers.imagepull.pullsecrets import needed_key
from podwhy.analyzers.imagepull.tags import replace_tag
from podwhy.analyzers.probe.results import ProbeResult
from podwhy.analyzers.probe.targets import ProbeTarget, node_platforms, platform_matches, targets_of
from podwhy.findings import Confidence, Evidence, Finding, Fix

PULL_PREFIXES = ("image.", "registry.", "secret.")
# Codes about whether the image exists / may be read: what a registry answer settles.
EXISTENCE_AUTH = frozenset({
    "image.tag-not-found", "image.repository-not-found", "image.not-found-or-unauthorized",
    "image.platform-mismatch", "registry.auth-failed", "secret.no-pull-secret",
    "secret.pull-secret-host-mismatch", "registry.rate-limited", "registry.server-error",
})
# What only the node sees (its network, its disk): a probe from elsewhere cannot contradict it.
NODE_SIDE = frozenset({
    "registry.dns-failure", "registry.unreachable", "registry.tls-error", "registry.http-https-mismatch",
    "image.pull-timeout", "node.disk-full",
})
NETWORK_CODE = {"dns-failure": "registry.dns-failure", "unreachable": "registry.unreachable",
                "tls-error": "registry.tls-error", "http-https-mismatch": "registry.http-https-mismatch"}
VANTAGE = ("(seen from the machine running podwhy; the node's DNS, routes, proxy and trusted CAs may differ)")
MAX_TAGS_SHOWN = 30
# "Nothing fits": the image-pull analyzer's placeholder when no event carried the runtime's answer.
NO_CAUSE = frozenset({"unknown"})


def analyze(ctx: Context, work: Work) -> None:
    results = ctx.options.probe_results
    if not results or work.pod is None:
        return
    by_name = {c.name: c for c in work.containers}
    for t in targets_of(ctx.snapshot, work):
        r = results.get(t.key)
        if isinstance(r, ProbeResult):
            _apply(ctx, work, by_name[t.container], t, r)


# ---- evidence ----------------------------------------------------------------------------------------------
def registry_ref(r: ProbeResult) -> str:
    return f"Registry/{r.host}/{r.repository}"


def _phrase(status: int | None) -> str:
    if status is None:
        return "no HTTP answer"
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def registry_evidence(r: ProbeResult) -> list[Evidence]:
    """Each request of the sequence, quoted: `HEAD /v2/<repo>/manifests/<ref>` -> `404 Not Found ...`."""
    out: list[Evidence] = []
    decisive = next((s for s in r.steps if s.status == 200
                     and s.url.split("?")[0].endswith(f"/manifests/{r.reference}")), None)
    for s in r.steps:
        scheme, _, rest = s.url.partition("://")
        netloc, _, path = rest.partition("/")
        path = "/" + path
        ref = registry_ref(r) if netloc == r.host else f"Registry/{netloc}"
        observed = _phrase(s.status)
        if s.error_code:
            observed += f": {s.error_code}"
            if s.error_message:
                observed += f" {s.error_message}"
        elif s.error_message:
            observed += f": {s.error_message}"
        if s is decisive and r.digest:
            observed += f"; Docker-Content-Digest: {r.digest}; Content-Type: {r.media_type}"
        if s.note:
            observed += f" ({s.note})"
        out.append(Evidence(ref=ref, field=f"{s.method} {path}" + ("" if scheme == "https" else f" [{scheme}]"),
                            observed=observed))
    if r.tags is not None:
        shown = ", ".join(r.tags[:MAX_TAGS_SHOWN])
        more = f" ... ({len(r.tags)} in all{', more pages not read' if r.tags_truncated else ''})" \
            if len(r.tags) > MAX_TAGS_SHOWN or r.tags_truncated else ""
        out.append(Evidence(ref=registry_ref(r), field="tags", observed=(shown + more) or "(no tags)"))
    if r.rate_limit is not None:
        rl = r.rate_limit
        out.append(Evidence(ref=registry_ref(r), field="ratelimit headers",
                            observed=f"ratelimit-limit: {rl.limit or '-'}; ratelimit-remaining: {rl.remaining or '-'}; "
                                     f"docker-ratelimit-source: {rl.source or '-'}"))
    for c in r.credentials:
        out.append(Evidence(ref=f"Secret/{c.secret}", field=f".data[.dockerconfigjson].auths[{c.key!r}]",
                            observed=f"credentials {c.outcome} by the registry (values not shown)"))
    for p in (*r.missing_secrets, *r.secret_problems):
        name, _, why = p.partition(": ")
        out.append(Evidence(ref=f"Secret/{name}" if "/" in name else "Secret", field="(read at probe time)",
                            observed=why or p))
    return out


def _node_side_evidence(work: Work, c: StuckContainer, replaced: list[Finding]) -> list[Evidence]:
    if replaced:
        seen: list[Evidence] = []
        for f in replaced:
            for e in f.evidence:
                if e not in seen and not e.ref.startswith("Registry/"):
                    seen.append(e)
        return seen[:4]
    return [from_waiting(work, c)] if c.reason else []


def _probe_details(r: ProbeResult) -> dict[str, Any]:
    d: dict[str, Any] = msgspec.to_builtins(r)
    d.pop("steps", None)
    if r.tags is not None and len(r.tags) > 200:
        d["tags"] = list(r.tags[:200])
        d["tagsShown"] = 200
    return d


# ---- fixes -------------------------------------------------------------------------------------------------
def _owner(work: Work) -> str | None:
    for ref in reversed(work.owners):
        kind, _, rest = ref.partition("/")
        if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"):
            return f"{kind.lower()}/{rest.split('/', 1)[1]}"
    return None


def rank_tags(want: str, tags: tuple[str, ...], limit: int = 3) -> list[str]:
    """Nearest real tags: shared numeric prefix first (1.27.3 -> 1.27.x), then edit distance.
    (The ranking of imagepull/tags.py, applied to the registry's list instead of the snapshot's.)"""
    nums = re.compile(r"\d{1,9}")
    a = [int(x) for x in nums.findall(want)][:6]

    from rapidfuzz.distance import Levenshtein  # imported when needed: it costs the cold start ~10 ms

    def key(tag: str) -> tuple[int, int, int, int, str]:
        b = [int(x) for x in nums.findall(tag)][:6]
        if not a or not b:
            return (1, 0, 0, Levenshtein.distance(want, tag), tag)
        k = 0
        while k < min(len(a), len(b)) and a[k] == b[k]:
            k += 1
        gap = abs(a[k] - b[k]) if k < min(len(a), len(b)) else 0
        return (0, -k, gap, Levenshtein.distance(want, tag), tag)

    return sorted((t for t in tags if t != want), key=key)[:limit]


def _secret_cmds(t: ProbeTarget, work: Work, name: str = "regcred") -> list[str]:
    server = needed_key(t.ref)
    sa = "default"
    pod = work.pod
    if pod is not None:
        sa = pod.spec.service_account_name or pod.spec.service_account or "default"
    return [
        f"kubectl create secret docker-registry {name} -n {work.namespace} --docker-server={server} "
        "--docker-username=<user> --docker-password=<password>",
        f"kubectl patch serviceaccount {sa} -n {work.namespace} "
        f"-p '{{\"imagePullSecrets\":[{{\"name\":\"{name}\"}}]}}'",
    ]


# ---- verdicts ----------------------------------------------------------------------------------------------
def _verdict(ctx: Context, work: Work, c: StuckContainer, t: ProbeTarget, r: ProbeResult
             ) -> tuple[str, Confidence, str, Fix, list[Evidence], dict[str, Any]] | None:
    """(code, confidence, cause, fix, extra evidence, details) the registry's answer supports, or None."""
    repo = f"{r.registry}/{r.repository}"
    what = f"digest {r.reference}" if r.outcome == "digest-not-found" or ":" in r.reference else f"tag {r.reference!r}"
    extra: list[Evidence] = []
    details: dict[str, Any] = {}
    cloud = f" {r.cloud_provider} usually authenticates the node itself, which this probe cannot do." \
        if r.cloud_provider else ""
    o = r.outcome
    if o == "found":
        if not r.platforms or work.pod is None:
            return None
        nodes = node_platforms(ctx.snapshot, work.pod)
        if not nodes or any(platform_matches(p, np) for _, np in nodes for p in r.platforms):
            return None
        have = ", ".join(str(p) for p in r.platforms)
        need = sorted({str(np) for _, np in nodes})
        for name, np in nodes[:3]:
            extra.append(Evidence(ref=f"Node/{name}", field=".metadata.labels[kubernetes.io/os,kubernetes.io/arch]",
                                  observed=str(np), expected=f"one of: {have}"))
        cause = (f"{r.image} is an index with builds for {have} only; the node needs {' or '.join(need)} "
                 f"(registry answer, digest {r.digest}).")
        arch = r.platforms[0].architecture
        fix = Fix(summary=f"Publish {r.image} for {' and '.join(need)} (a multi-platform index), or run the pod on "
                          f"{have} nodes.",
                  commands=[f"kubectl patch {_owner(work) or 'pod/' + work.name} -n {work.namespace} --type=merge "
                            f"-p '{{\"spec\":{{\"template\":{{\"spec\":{{\"nodeSelector\":{{\"kubernetes.io/arch\":"
                            f"\"{arch}\"}}}}}}}}}}'"] if _owner(work) else [])
        details["platforms"] = [str(p) for p in r.platforms]
        details["nodePlatforms"] = need
        return "image.platform-mismatch", "certain", cause, fix, extra, details
    if o in ("tag-not-found", "digest-not-found"):
        tags = r.tags or ()
        near = rank_tags(r.reference, tags) if o == "tag-not-found" else []
        cause = (f"The {what} does not exist in {repo}: the registry answered {r.status} {r.error_code or ''} "
                 f"and lists {len(tags)}{'+' if r.tags_truncated else ''} tag(s) for the repository.")
        cause = cause.replace("  ", " ")
        if near:
            pod = work.pod
            assert pod is not None  # analyze() returns early without one
            best = replace_tag(t.image, near[0])
            cause += f" Nearest existing: {', '.join(near)}."
            fix = Fix(summary=f"Use a tag that exists, e.g. {best!r} (nearest to {r.reference!r}), or push "
                              f"{r.reference!r}.", commands=image_commands(ctx.snapshot, pod, work.namespace, work.name, c, best))
        elif tags:
            fix = Fix(summary=f"Use one of the repository's tags ({', '.join(tags[:5])}) or push the {what}.")
        else:
            fix = Fix(summary=f"The repository has no tags: push {r.image}.")
        details["suggestedTags"] = near
        details["suggestions"] = [{"image": replace_tag(t.image, tag), "tag": tag, "seen": "in the registry"}
                                  for tag in near]
        return "image.tag-not-found", "certain", cause, fix, extra, details
    if o == "repository-not-found":
        cause = (f"The repository {repo} does not exist: the registry answered {r.status} {r.error_code} to the "
                 f"manifest and NAME_UNKNOWN to the tag list ({_asked(r)}).")
        return ("image.repository-not-found", "certain", cause,
                Fix(summary=f"Correct the repository name in {t.image!r} or push the image to {repo}."),
                extra, details)
    if o == "manifest-not-found":
        cause = (f"The registry has no manifest for {r.image} ({r.status} {r.error_code}); it would not list the "
                 f"repository's tags, so a missing repository is also possible. {r.detail}").strip()
        return ("image.tag-not-found", "likely", cause,
                Fix(summary=f"Check the tag and repository of {t.image!r}; push the image if it is missing."),
                extra, details)
    if o == "auth-rejected":
        used = [u for u in r.credentials if u.outcome == "rejected"]
        who = ", ".join(f"secret {u.secret} (key {u.key!r})" for u in used) or "the pod's pull secret"
        cause = (f"{r.host} rejected the credentials from {who}: {r.status} "
                 f"{r.error_message or 'Unauthorized'}.{cloud}").strip()
        name = used[0].secret.split("/", 1)[1] if used else "regcred"
        fix = Fix(summary=f"Renew the credentials in secret {name!r} for {needed_key(t.ref)}.",
                  commands=[f"kubectl create secret docker-registry {name} -n {work.namespace} "
                            f"--docker-server={needed_key(t.ref)} --docker-username=<user> --docker-password=<password> "
                            "--dry-run=client -o yaml | kubectl apply -f -"])
        return "registry.auth-failed", ("likely" if r.cloud_provider else "certain"), cause, fix, extra, details
    if o == "access-denied":
        used = [u for u in r.credentials if u.outcome == "rejected"]
        who = ", ".join(f"secret {u.secret} (key {u.key!r})" for u in used) or "the pod's credentials"
        cause = (f"{r.host} accepted the login from {who} but refused pull access to {r.repository} "
                 f"({r.status}{' ' + r.error_code if r.error_code else ''}); either that account may not read the "
                 f"repository or the repository does not exist (the registry answers both alike).{cloud}")
        return ("registry.auth-failed", "likely", cause,
                Fix(summary=f"Grant the account pull access to {repo}, or use credentials that have it; check that "
                            f"{repo} exists."), extra, details)
    if o == "auth-required":
        return _auth_required(work, t, r, cloud, extra, details)
    if o == "rate-limited":
        cause = f"{r.host} refuses with 429 {r.error_code or 'Too Many Requests'}: pull rate limit reached. {r.error_message}"
        return ("registry.rate-limited", "certain", cause.strip(),
                Fix(summary="Authenticate pulls with a pull secret (higher limits), use a mirror or pull-through "
                            "cache, or wait for the window in the ratelimit headers to reset."), extra, details)
    if o == "server-error":
        return ("registry.server-error", "certain", f"{r.host} answered {_phrase(r.status)}. {r.detail}".strip(),
                Fix(summary=f"Check the registry {r.host} (status page, logs); retry later."), extra, details)
    if o in NETWORK_CODE:
        return _network(work, t, r, extra, details)
    if o == "not-a-registry":
        return ("registry.unreachable", "likely",
                f"{r.host} answered GET /v2/ with {_phrase(r.status)}: not a registry API endpoint {VANTAGE}.",
                Fix(summary=f"Check the registry host in {t.image!r} (a proxy or web server answers there)."),
                extra, details)
    return None


def _asked(r: ProbeResult) -> str:
    accepted = any(u.outcome == "accepted" for u in r.credentials)
    if r.auth == "anonymous":
        return "asked anonymously"
    how = "a Bearer token" if r.auth == "bearer" else "Basic authentication"
    return f"asked with {how}" + (" from the pod's pull secret" if accepted else " issued anonymously")


def _auth_required(work: Work, t: ProbeTarget, r: ProbeResult, cloud: str, extra: list[Evidence],
                   details: dict[str, Any]) -> tuple[str, Confidence, str, Fix, list[Evidence], dict[str, Any]]:
    repo = f"{r.registry}/{r.repository}"
    said = f"{r.status} {r.error_code or 'UNAUTHORIZED'}"
    insufficient = "insufficient_scope" in r.challenge
    if r.cloud_provider:
        cause = (f"{r.host} requires authentication ({said}) and the pod has no pull secret for it.{cloud} "
                 "Check the node's credential provider / IAM permissions.")
        return ("registry.auth-failed", "possible", cause,
                Fix(summary="Check the node's registry credentials (credential provider, instance role) or add a "
                            "pull secret."), extra, details)
    if r.missing_secrets:
        name = r.missing_secrets[0].split(":", 1)[0]
        cause = (f"{r.host} requires authentication ({said}) and the pull secret {name} does not exist, so the "
                 "kubelet pulled without credentials.")
        short = name.split("/", 1)[1]
        return ("secret.pull-secret-missing", "certain", cause,
                Fix(summary=f"Create the secret {short!r} in namespace {work.namespace}.",
                    commands=_secret_cmds(t, work, short)[:1]), extra, details)
    if r.pull_secrets and not r.secret_problems:
        cause = (f"{r.host} requires authentication ({said}), but none of the pod's pull secrets "
                 f"({', '.join(r.pull_secrets)}) has a key that matches {repo} under the kubelet's rules, so no "
                 f"credentials were sent (needs a key for {needed_key(t.ref)!r}).")
        if insufficient:
            cause += " (The registry gives the same answer for a repository that does not exist.)"
        return ("secret.pull-secret-host-mismatch", "likely" if insufficient else "certain", cause,
                Fix(summary=f"Add an entry for {needed_key(t.ref)} to the pull secret (kubectl create secret "
                            f"docker-registry ... --docker-server={needed_key(t.ref)})."), extra, details)
    if r.pull_secrets:
        cause = (f"{r.host} requires authentication ({said}); the pod's pull secrets could not be used by the "
                 f"probe ({'; '.join(r.secret_problems)}).")
        return "registry.auth-failed", "possible", cause, Fix(summary="Check the pod's pull secrets."), extra, details
    if insufficient:
        cause = (f"{r.host} gave an anonymous token without pull access to {r.repository} ({said}, "
                 "error=\"insufficient_scope\"): the repository is private or does not exist, and this registry "
                 "answers both alike. The pod has no pull secret. To settle it, check the name (and that the "
                 f"repository exists) with an account that can see it; if it is private, add a pull secret.")
        return ("image.not-found-or-unauthorized", "certain", cause,
                Fix(summary=f"Check that {repo} exists; if it is private, give the pod a pull secret for "
                            f"{needed_key(t.ref)}.", commands=_secret_cmds(t, work)), extra, details)
    cause = (f"{r.host} requires authentication for every request ({said}) and the pod has no pull secret "
             "(neither on the pod nor on its ServiceAccount).")
    return ("secret.no-pull-secret", "certain", cause,
            Fix(summary=f"Create a docker-registry secret for {needed_key(t.ref)} and attach it to the pod's "
                        "ServiceAccount (or the pod's imagePullSecrets).", commands=_secret_cmds(t, work)),
            extra, details)


def _network(work: Work, t: ProbeTarget, r: ProbeResult, extra: list[Evidence], details: dict[str, Any]
             ) -> tuple[str, Confidence, str, Fix, list[Evidence], dict[str, Any]]:
    code = NETWORK_CODE[r.outcome]
    host = r.host
    cause = f"{r.detail} {VANTAGE}."
    if r.outcome == "dns-failure":
        fix = Fix(summary=f"Check the registry host name {host.rsplit(':', 1)[0]!r} in {t.image!r} and the "
                          "nodes' DNS.")
    elif r.outcome == "unreachable":
        fix = Fix(summary=f"Check that {host} is up and reachable from the nodes (firewall, proxy, port).")
    elif r.outcome == "tls-error":
        fix = Fix(summary=f"Give {host} a certificate the nodes trust, or trust its CA on every node "
                          f"(containerd: /etc/containerd/certs.d/{host}/hosts.toml `ca = \"...\"`; CRI-O: "
                          f"/etc/containers/certs.d/{host}/ca.crt). For this probe: --registry-ca FILE.")
    elif "plain HTTP" in r.detail:
        fix = Fix(summary=f"{host} serves plain HTTP: serve TLS, or configure the runtime for it (containerd "
                          f"hosts.toml `server = \"http://{host}\"`; CRI-O registries.conf `insecure = true`). For "
                          f"this probe: --insecure-registry {host}.")
    else:
        fix = Fix(summary=f"{host} serves HTTPS: point the runtime at https://{host} (containerd hosts.toml "
                          "`server`), and trust its certificate.")
    return code, "likely", cause, fix, extra, details


# ---- merging with what the image-pull analyzer said --------------------------------------------------------
def _apply(ctx: Context, work: Work, c: StuckContainer, t: ProbeTarget, r: ProbeResult) -> None:
    mine = [f for f in work.findings if f.container == c.name and (f.code.startswith(PULL_PREFIXES)
                                                                  or f.code in NO_CAUSE)]
    verdict = _verdict(ctx, work, c, t, r)
    reg_ev = registry_evidence(r)
    node_side = [f for f in mine if f.code in NODE_SIDE]
    # Findings that rest on what the registry told the node (not guesses): the node reached the registry,
    # so a network failure seen from here is about this machine, not the pull.
    informed = [f for f in mine if f.code not in NODE_SIDE and f.code not in NO_CAUSE and f.confidence != "possible"]
    if verdict is None or (r.outcome in NETWORK_CODE and informed):
        _annotate(work, mine, r, reg_ev)
        return
    code, confidence, cause, fix, extra, details = verdict
    if r.outcome in NETWORK_CODE:
        replaced = [f for f in mine if f.code == code or f.code in NO_CAUSE]
        if replaced:
            confidence = "certain"  # the node and the probe see the same failure
            cause = cause.replace(VANTAGE, "(the node reported the same)")
    else:
        replaced = [f for f in mine if f.code in EXISTENCE_AUTH or f.code == code or f.code in NO_CAUSE]
    evidence = _node_side_evidence(work, c, replaced) + reg_ev + extra
    details = {**details, "registryProbe": _probe_details(r)}
    overturned = sorted({f.code for f in replaced if f.code != code and f.code not in NO_CAUSE})
    if overturned:
        details["overturned"] = overturned
    rank = min((f.rank for f in replaced), default=30)
    if r.outcome in NETWORK_CODE and not replaced:
        # Only guesses remain beside it: what the probe measured goes first, the guesses stay.
        rank = min((f.rank for f in mine), default=31) - 1
    if node_side and r.outcome not in NETWORK_CODE:
        rank = max(rank, max(f.rank for f in node_side) + 1)  # the node's own failure stays the root cause
    group = (f"registry={r.host}" if code.startswith("registry.") else
             f"secret={r.pull_secrets[0]}" if code.startswith("secret.") and r.pull_secrets else f"image={r.image}")
    keep_fix = next((f.fix for f in replaced if f.code == code and f.fix is not None), None)
    if keep_fix is not None and not fix.commands and (keep_fix.commands or keep_fix.patches):
        # The registry's answer words the summary; the image-pull analyzer's commands (secret to
        # create, image to set) are kept, since the probe has none of its own for this cause.
        fix = Fix(summary=fix.summary, commands=list(keep_fix.commands), patches=list(keep_fix.patches))
    finding = Finding(code=code, severity="error", confidence=confidence, cause=cause, evidence=evidence, fix=fix,
                      container=c.name, details=details, group_key=group, rank=rank)
    work.findings = [f for f in work.findings if not any(f is x for x in replaced)] + [finding]


def _annotate(work: Work, mine: list[Finding], r: ProbeResult, reg_ev: list[Evidence]) -> None:
    """No registry verdict: say what the probe saw on the existing findings, weakening what it contradicts."""
    if not mine:
        return
    if r.outcome == "found":
        note = Evidence(ref=registry_ref(r), field="registry probe",
                        observed=f"the image exists now ({r.digest or 'HEAD 200'}) and the pod's credentials "
                                 f"({r.auth}) can read it {VANTAGE}")
    else:
        note = Evidence(ref=registry_ref(r), field="registry probe",
                        observed=f"could not check from here: {r.detail or r.outcome} {VANTAGE}")
    # The decisive manifest request and any rate-limit headers (Docker Hub's remaining pulls).
    quoted = [e for e in reg_ev if e.field.startswith("HEAD ") or e.field == "ratelimit headers"][-2:]
    new: list[Finding] = []
    for f in work.findings:
        if not any(f is m for m in mine):
            new.append(f)
            continue
        evidence = [*f.evidence, note, *quoted]
        conf = f.confidence
        if r.outcome == "found" and f.code in EXISTENCE_AUTH:
            conf = "possible"  # the registry serves this image to these credentials right now
        new.append(msgspec.structs.replace(f, evidence=evidence, confidence=conf))
    work.findings = new
