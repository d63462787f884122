"""The image-pull analyzer: one finding per cause per stuck container, root cause first.

For every container waiting in a pull reason (semantics.md B1.1) it gathers the texts that may carry
the cause, the waiting message and the pod's events matched to the container by `fieldPath`
(`spec.containers{name}`), else by the quoted image, classifies them (classify.py), checks the
reference grammar (reference.py), audits the pull secrets the way the kubelet resolves them
(pullsecrets.py), looks at the node (DiskPressure, NotReady) and suggests the nearest existing
tag (tags.py). When the events that carried the runtime's answer have expired and the kubelet
(<=1.31) hid it in `Back-off pulling image "x"`, it says so and gives the best-supported cause with
a lower confidence: grammar, pull-secret audit, node state, other pods pulling the same image or
from the same registry.
"""

from __future__ import annotations

import re
from typing import Any

from podwhy.analyzers.base import Context, StuckContainer, Work
from podwhy.analyzers.evidence import about_container, from_event, from_waiting
from podwhy.analyzers.imagepull import pullsecrets, tags
from podwhy.analyzers.imagepull.case import (
    AUTHISH,
    CAUSE_EVENT_REASONS,
    EXPIRED_NOTE,
    IMAGE_CODES,
    NETWORKISH,
    RANK_PRIMARY,
    RANK_SECRET,
    RANK_SIDE,
    RANK_UNKNOWN,
    ContainerCase,
    Seen,
)
from podwhy.analyzers.imagepull.classify import UNKNOWN, Classification, classify
from podwhy.analyzers.imagepull.imagefix import set_image
from podwhy.analyzers.imagepull.invalid import invalid_reference
from podwhy.analyzers.imagepull.nodestate import disk_finding, disk_pressure, not_ready
from podwhy.analyzers.imagepull.peers import peer_cause
from podwhy.analyzers.imagepull.reference import (
    Reference,
    ReferenceError,
    parse,
    suspicious_tag,
    try_parse,
)
from podwhy.analyzers.imagepull.secretfix import (
    NO_CREDENTIALS_SENT,
    attach_cmds,
    audit_sentence,
    create_secret_cmd,
    no_secret_finding,
    no_secret_for_auth,
    node_credential_commands,
    not_attached,
    secret_findings,
    server_key,
    unusable_unseen_secret,
)
from podwhy.findings import Confidence, Evidence, Finding, Fix
from podwhy.model import Event, Node
from podwhy.snapshot import Snapshot
from podwhy.stuck import PULL_REASONS
from podwhy.timeutil import parse_time

SECRET_EVENT = "FailedToRetrieveImagePullSecret"
_SECRET_NAMES = re.compile(r"Unable to retrieve some image pull secrets \(([^)\n]{0,2000})\)")
_QUOTED_IMAGE = re.compile(r"(?:pull(?:ing)? image|image tag|Container image|inspect image) \"([^\"\n]{0,512})\"", re.I)

# ------------------------------------------------------------------------------------------------------
def analyze(ctx: Context, work: Work) -> None:
    pod = work.pod
    if pod is None:
        return
    pulls = [c for c in work.containers if c.reason in PULL_REASONS]
    if not pulls:
        return
    snap = ctx.snapshot
    events = snap.events_for(pod)
    for c in pulls:
        ref = try_parse(c.image)
        case = ContainerCase(snap=snap, work=work, pod=pod, c=c, ref=ref, host=ref.domain if ref else "")
        mine = _events_for_container(c, events, pulls)
        for e in mine:
            if e.reason == SECRET_EVENT:
                case.secret_events.append(e)
            elif e.reason in CAUSE_EVENT_REASONS:
                case.seen.append(Seen(e.message, from_event(e), classify(e.message), e.last_seen))
        if c.message:
            case.seen.append(Seen(c.message, from_waiting(work, c), classify(c.message), "~"))
        for f in _diagnose(ctx, case):
            work.add(f)


def _same_image(a: str, b: str) -> bool:
    if a == b:
        return True
    ra, rb = try_parse(a), try_parse(b)
    return ra is not None and rb is not None and ra.with_default_tag == rb.with_default_tag


def _events_for_container(c: StuckContainer, events: list[Event], pulls: list[StuckContainer]) -> list[Event]:
    def unlabelled(e: Event) -> bool:
        m = _QUOTED_IMAGE.search(e.message)
        if m:
            img = m.group(1)
            return _same_image(img, c.image) or (len(pulls) == 1 and not any(_same_image(img, o.image) for o in pulls))
        # No container named and no image quoted: take it only if it reads as a pull error (not, say,
        # `Back-off restarting failed container` of a sibling container).
        return len(pulls) == 1 and (e.reason == SECRET_EVENT or classify(e.message).code != UNKNOWN)

    return about_container(events, c.field_path, unlabelled)


# ------------------------------------------------------------------------------------------------------
def _probe_cmd(case: ContainerCase) -> str:
    """podwhy's own registry probe settles what the events cannot (tag, repository, credentials)."""
    w = case.work
    return f"podwhy pod {w.name} -n {w.namespace} --probe-registry   # asks the registry, with the pod's pull secrets"


def _diagnose(ctx: Context, case: ContainerCase) -> list[Finding]:
    snap = ctx.snapshot
    c = case.c
    out: list[Finding] = []
    node = snap.node_by_name.get(case.pod.spec.node_name) if case.pod.spec.node_name else None

    # 1. The grammar, whatever the events say (InvalidImageName never reaches the runtime).
    invalid = invalid_reference(case)
    if invalid is not None and (c.reason == "InvalidImageName" or not any(
            s.cls.code not in (UNKNOWN, "image.invalid-reference") for s in case.seen)):
        # If the runtime got as far as the registry, the kubelet accepted the reference: trust its answer.
        return [invalid]

    informative = [s for s in case.seen if s.cls.informative]
    known = [s for s in informative if s.cls.code != UNKNOWN]
    primary = known[-1] if known else None
    if c.reason == "ErrImageNeverPull" and (primary is None or primary.cls.code != "image.never-pull-absent"):
        primary = next((s for s in case.seen if s.cls.code == "image.never-pull-absent"), primary)

    reported_missing = [n.strip() for e in _current_secret_events(case) for m in [_SECRET_NAMES.search(e.message)]
                        if m for n in m.group(1).split(",")]
    audit = pullsecrets.audit(snap, case.pod, c.image, reported_missing=reported_missing)

    # 2. The node: a full disk explains any pull failure on it.
    disk = disk_pressure(node)
    if primary is not None and primary.cls.code == "node.disk-full":
        out.append(disk_finding(case, node, disk, primary))
        return out
    if disk is not None:
        f = disk_finding(case, node, disk, None)
        if primary is not None and primary.cls.code not in ("image.pull-timeout", UNKNOWN):
            # The registry gave its own answer: the disk is worth knowing, not the cause.
            f.rank, f.severity, f.confidence = RANK_SIDE, "warning", "possible"
        out.append(f)

    if primary is None:
        noted = [s for s in informative if s.cls.note]
        if noted:
            # A cause podwhy recognises but the catalog has no code for (signature policy, schema 1, inspect).
            out.extend(f for f in secret_findings(case, audit, "unknown") if f.rank > RANK_SECRET)
            out.append(_unknown_finding(case, noted[-1]))
            return out
        out.extend(_expired(ctx, case, audit, node, informative))
        return out

    code = primary.cls.code
    out.extend(secret_findings(case, audit, code))
    if code in AUTHISH and not audit.has_any_secret:
        out.append(no_secret_for_auth(case, audit, primary))
    elif code in AUTHISH and (unseen := unusable_unseen_secret(case, audit, primary)) is not None:
        out.append(unseen)
    out.append(_primary_finding(ctx, case, primary, audit, node))
    return out


# The kubelet looks its pull secrets up on every sync of the pod, right before that sync's pull
# (pkg/kubelet/kubelet_pods.go getPullSecretsForPod, v1.34), and records FailedToRetrieveImagePullSecret
# each time one is missing. A pull that failed well after the last such event ran with the secret found:
# the event is stale (seen on the real kubelet when a pod is created in the same breath as its secret).
STALE_SECRET_EVENT_S = 5.0


def _current_secret_events(case: ContainerCase) -> list[Event]:
    pulls = [t for s in case.seen if s.when and s.when != "~" and (t := parse_time(s.when)) is not None]
    if not pulls:
        return list(case.secret_events)
    latest = max(pulls)
    out = []
    for e in case.secret_events:
        t = parse_time(e.last_seen)
        if t is None or (latest - t).total_seconds() < STALE_SECRET_EVENT_S:
            out.append(e)
    return out


# ---- the primary finding ---------------------------------------------------------------------------------------
def _primary_finding(ctx: Context, case: ContainerCase, s: Seen, audit: pullsecrets.Audit,
                     node: Node | None) -> Finding:
    cls = s.cls
    code = cls.code
    c = case.c
    ref = case.ref
    host = case.host or str(cls.detail.get("host", ""))
    cloud = pullsecrets.node_credential_registry(host)  # a registry whose pulls use the node's identity
    ev = [s.evidence]
    # The waiting message and the matching event usually both quote the answer: cite both once.
    other = next((x for x in reversed(case.seen) if x is not s and x.cls.code == code and x.cls.informative), None)
    if other is not None:
        ev.append(other.evidence)
    conf: Confidence = cls.confidence
    rank = RANK_PRIMARY
    details: dict[str, Any] = {"image": c.image, "rule": cls.rule, **{k: v for k, v in cls.detail.items()
                                                                     if k not in ("image",)}}
    group = f"registry={host}" if host else None
    summary = ""
    cmds: list[str] = []
    patches: list[str] = []
    repo = ref.repository if ref else c.image
    image_key = f"image={ref.with_default_tag}" if ref else f"image={c.image}"
    node_name = case.pod.spec.node_name or "<node>"

    if code == "image.tag-not-found":
        cause, summary, cmds, patches, conf = _tag_not_found(ctx, case, cls, details)
        group = image_key
    elif code == "image.repository-not-found":
        near = _near_repositories(ctx, ref)
        details["similarRepositories"] = near
        cause = f"The repository {repo} does not exist in registry {host}."
        if near:
            cause += f" Repositories the cluster does use on that registry: {', '.join(near)}."
        summary = "Fix the repository name (or push the image to it)."
        if near:
            cmds, patches = set_image(case, _with_repo(c.image, ref, near[0]))
        else:
            cmds = [_probe_cmd(case)]
        group = image_key
    elif code == "image.not-found-or-unauthorized":
        cause = (f"Registry {host} will not say whether {repo} does not exist or is private: it refused the pull "
                 f"without naming which (`{cls.matched}`).{audit_sentence(audit)}")
        settle = (f" What settles it: is there a credential for {host} (a pull secret keyed {server_key(case)!r}, or "
                  f"node credentials)? Does {ref.familiar if ref else c.image} exist (check the registry's UI or "
                  "list its tags with your own login)?")
        cause += settle
        if cls.detail.get("runtime") == "containerd" and NO_CREDENTIALS_SENT.search(s.text):
            cause += " containerd adds that no credentials were sent at all."
        summary = ("Check the name and tag; if the image is private, give the pod credentials for "
                   f"{server_key(case)}.")
        cmds = [_probe_cmd(case)]
        if audit.problems:
            summary += f" First fix the pull secret ({', '.join(sorted({p.kind for p in audit.problems}))} above)."
        elif cloud and not audit.pod_secrets:
            more, summary, extra = not_attached(cloud, host)
            cause, cmds = cause + more, cmds + extra
        elif not audit.has_any_secret:
            cmds += [create_secret_cmd("regcred", server_key(case), audit.namespace), *attach_cmds(case, audit, "regcred")]
        details["settle"] = {"credentialFor": server_key(case), "repository": repo}
        group = image_key
    elif code == "registry.auth-failed":
        cause = f"Registry {host} rejected the pull of {c.image!r} as unauthorized (`{cls.matched}`)."
        cause += audit_sentence(audit)
        if cls.note:
            cause += f" {cls.note[0].upper()}{cls.note[1:]}."
        if "attempts" in cls.detail:
            cause += (f" The kubelet tried {cls.detail['attempts']} credentials and all failed, so credentials do "
                      "exist (pod secrets or the node's).")
        if cloud and not audit.pod_secrets:
            cause += f" {cloud}: check the node's credentials (IAM role / identity / credential provider)."
        if cls.detail.get("httpStatus", 0) >= 500:
            cause += " The 5xx next to it is a consequence: the registry's auth service failed the request."
        used = next((n for n, k in audit.matched.items() if k), None)
        broken = [p for p in audit.problems if p.kind != "host-mismatch" or not used]
        if broken and not used:
            summary = (f"Fix the pull secret ({', '.join(sorted({p.kind for p in broken}))} above); the registry then "
                       "gets valid credentials.")
            cmds = []
        elif used:
            summary = f"Renew the credentials in secret {used!r} (wrong or expired password/token)."
            cmds = [f"kubectl delete secret {used} -n {audit.namespace}", create_secret_cmd(used, server_key(case),
                                                                                           audit.namespace)]
            group = f"secret={audit.namespace}/{used}"
        elif audit.sa_secrets and not audit.pod_secrets:
            summary = "Recreate the pod so the ServiceAccount's imagePullSecrets are copied into it."
            cmds = [f"kubectl delete pod {case.work.name} -n {audit.namespace}"]
        elif cloud:
            summary = f"Grant the nodes' identity pull access to {host} (attach the registry to the cluster)."
            cmds = [f"kubectl get node {node_name} -o jsonpath='{{.spec.providerID}}'",
                    *node_credential_commands(host)]
        else:
            summary = f"Give the pod valid credentials for {server_key(case)}."
            cmds = [create_secret_cmd("regcred", server_key(case), audit.namespace), *attach_cmds(case, audit, "regcred")]
    elif code == "registry.rate-limited":
        if cls.detail.get("source") == "kubelet":
            cause = (f"The kubelet on {node_name} throttled its own pulls (`pull QPS exceeded`): no registry was asked, "
                     "so this is not a registry rate limit. Too many pulls started at once for registryPullQPS "
                     "(default 5/s, burst 10).")
            summary = ("Raise the kubelet's registryPullQPS/registryBurst (KubeletConfiguration), or start fewer "
                       "pods at once; the kubelet retries by itself.")
            cmds = [f"kubectl get --raw /api/v1/nodes/{node_name}/proxy/configz | jq '.kubeletconfig | "
                    "{registryPullQPS, registryBurst, serializeImagePulls}'"]
            group = f"node={node_name}"
        else:
            cause = f"Registry {host} rate-limited the pulls (`{cls.matched}`)."
            if host == "docker.io":
                cause += " Docker Hub counts anonymous pulls per source IP (every node behind one NAT shares it)."
            summary = ("Pull with an authenticated account (a pull secret on the ServiceAccount), or through a "
                       "pull-through mirror/cache; fewer simultaneous pulls.")
            cmds = [create_secret_cmd("regcred", server_key(case), audit.namespace), *attach_cmds(case, audit, "regcred")]
    elif code == "registry.dns-failure":
        resolver = cls.detail.get("resolver")
        cause = (f"Node {node_name} cannot resolve the registry host {cls.detail.get('host', host)}"
                 + (f" (resolver {resolver})" if resolver else "") + f": `{cls.matched}`.")
        summary = "Fix the host name in the image, or the node's DNS (resolv.conf, upstream DNS, search domains)."
        cmds = [f"kubectl debug node/{node_name} -it --image=busybox -- nslookup {cls.detail.get('host', host)}"]
    elif code == "registry.unreachable":
        cause = f"Node {node_name} cannot reach registry {host}: `{cls.matched}`."
        if cls.note:
            cause += f" ({cls.note})"
        summary = "Open the path from the node to the registry (firewall, egress policy, proxy settings, NAT)."
        cmds = [f"kubectl debug node/{node_name} -it --image=curlimages/curl -- curl -sSIv https://{host}/v2/"]
    elif code == "registry.tls-error":
        cause = f"TLS to registry {host} failed: `{cls.matched}`."
        if host in pullsecrets.PUBLIC_HOSTS:
            cause += " For a public registry this usually means a TLS-intercepting proxy whose CA the node does not trust."
        summary = ("Make the node's runtime trust the registry's CA (containerd hosts.toml `ca`, CRI-O "
                   "/etc/containers/certs.d), or fix the registry's certificate.")
        cmds = [f"kubectl debug node/{node_name} -it --image=alpine -- sh -c "
                f"'apk add -q openssl && openssl s_client -connect {host}:443 -servername {host} </dev/null'"]
    elif code == "registry.http-https-mismatch":
        cause = f"The runtime and registry {host} disagree on HTTP vs HTTPS: `{cls.matched}`."
        if cls.note:
            cause += f" ({cls.note})"
        summary = ("Configure the registry as insecure/plain-HTTP on the nodes (containerd "
                   f"/etc/containerd/certs.d/{host}/hosts.toml, CRI-O registries.conf `insecure = true`), or serve it "
                   "over HTTPS.")
        cmds = [f"kubectl debug node/{node_name} -it --image=busybox -- cat /host/etc/containerd/certs.d/{host}/hosts.toml"]
        patches = [f'# /etc/containerd/certs.d/{host}/hosts.toml on every node (containerd config_path)\n'
                   f'server = "http://{host}"\n\n[host."http://{host}"]\n  capabilities = ["pull", "resolve"]\n']
    elif code == "registry.server-error":
        cause = f"Registry {host} answered with a server error: `{cls.matched}`."
        if cls.note:
            cause += f" ({cls.note})"
        summary = "Retry later or check the registry's health/status page; the kubelet keeps retrying."
        cmds = [f"kubectl debug node/{node_name} -it --image=curlimages/curl -- curl -sSI https://{host}/v2/"]
    elif code == "image.platform-mismatch":
        arch = ""
        if node is not None and node.status.node_info.architecture:
            arch = f"{node.status.node_info.operating_system or 'linux'}/{node.status.node_info.architecture}"
            ev.append(Evidence(ref=f"Node/{node.metadata.name}", field=".status.nodeInfo",
                               observed=f"operatingSystem={node.status.node_info.operating_system} "
                                        f"architecture={node.status.node_info.architecture}"))
        cause = (f"The image {c.image!r} has no build for the node's platform{f' ({arch})' if arch else ''}: "
                 f"`{cls.matched}`; this `not found` is about the platform, not the tag.")
        summary = ("Use a tag built for the node's OS/architecture (multi-arch), or schedule the pod on matching "
                   "nodes (nodeSelector kubernetes.io/arch).")
        cmds = [f"docker buildx imagetools inspect {ref.with_default_tag if ref else c.image}"]
        group = image_key
    elif code == "image.never-pull-absent":
        cause = (f"imagePullPolicy is Never and {c.image!r} is not on node {node_name}, so the kubelet will not "
                 "pull it.")
        if c.spec is not None:
            ev.append(Evidence(ref=case.work.ref,
                               field=f".spec.{c.role}s[?(@.name=={c.name!r})].imagePullPolicy",
                               observed=c.spec.image_pull_policy or "Never"))
        holders = _nodes_with_image(ctx.snapshot, ref)
        if holders:
            cause += f" Nodes that have it: {', '.join(holders)}."
        elif ref is not None:
            here = [ev.tag for ev in tags.nearest_tags(ctx.snapshot, ref.repository, ref.tag or "latest",
                                                       cache=ctx.cache, limit=10)
                    if ev.strength == tags.NODE and f"Node/{node_name}" in ev.where][:3]
            if here:
                cause += f" Node {node_name} has other tags of {ref.repository}: {', '.join(here)}."
                details["nodeTags"] = here
        summary = ("Load the image into the node's runtime (containerd/CRI-O, not the Docker daemon), or use "
                   "imagePullPolicy IfNotPresent with a registry that has it.")
        cmds = [f"docker save {c.image} | ctr -n k8s.io images import -   # on {node_name}; kind: "
                f"`kind load docker-image {c.image}`; k3s: `k3s ctr images import`"]
        group = f"node={node_name}"
    elif code == "image.pull-timeout":
        cause = f"The pull of {c.image!r} did not finish in time: `{cls.matched}`."
        if cls.note:
            cause += f" ({cls.note})"
        summary = ("Let it retry; for large images raise the kubelet's runtimeRequestTimeout / containerd "
                   "image_pull_progress_timeout, or pre-pull the image.")
        cmds = [f"kubectl get --raw /api/v1/nodes/{node_name}/proxy/configz | jq '.kubeletconfig.runtimeRequestTimeout'",
                f"crictl pull {c.image}   # on node {node_name}, to pre-pull it"]
    else:  # pragma: no cover - every classified code is handled above
        cause = f"{code}: `{cls.matched}`."

    # CRI-O resolves a short name through registries.conf and reports the LAST candidate's error (semantics C.14).
    said = try_parse(str(cls.detail.get("ref", ""))) if cls.detail.get("runtime") == "cri-o" else None
    if said is not None and ref is not None and said.domain != ref.domain and _is_short_name(c.image):
        cause += (f" Note: CRI-O tried the short name against its unqualified-search-registries and this error is from "
                  f"the last one it tried ({said.domain}); use a fully qualified image name.")
        details["triedRegistry"] = said.domain
    # Node-level attribution for network failures.
    nr = not_ready(node) if code in NETWORKISH else None
    if nr is not None:
        ev.append(nr)
        cause += f" Node {node_name} itself is not healthy ({nr.observed}), so this is the node's problem."
        group = f"node={node_name}"
    if code in ("registry.auth-failed", "image.not-found-or-unauthorized") and not audit.pod_secrets and cloud:
        details["nodeCredentials"] = cloud
    return Finding(code=code, severity="error", confidence=conf, cause=cause, evidence=ev,
                   fix=Fix(summary=summary or "See the cause.", commands=cmds, patches=patches),
                   container=c.name, details=details, group_key=group, rank=rank)


def _is_short_name(image: str) -> bool:
    try:
        return parse(image).domain == ""
    except ReferenceError:
        return False


def _tag_not_found(ctx: Context, case: ContainerCase, cls: Classification,
                   details: dict[str, Any]) -> tuple[str, str, list[str], list[str], Confidence]:
    c, ref = case.c, case.ref
    conf: Confidence = cls.confidence
    if ref is None:
        return f"The image {c.image!r} was not found.", "Fix the image reference.", [], [], conf
    what = f"digest {ref.digest}" if ref.digest and not ref.tag else f"tag {ref.tag or 'latest'!r}"
    cause = f"The {what} of {ref.repository} does not exist in registry {ref.domain} (`{cls.matched}`)."
    odd = suspicious_tag(ref.tag)
    if odd:
        cause += f" Note: {odd}."
        details["suspiciousTag"] = odd
        conf = "certain"
    if ref.tag is None and ref.digest is None:
        cause += " No tag was given, so the kubelet asked for `latest`, which this repository does not publish."
    near = tags.nearest_tags(ctx.snapshot, ref.repository, ref.tag or "latest", cache=ctx.cache)
    seen_same = tags.tag_seen(ctx.snapshot, ref.repository, ref.tag or "latest", cache=ctx.cache)
    if near:
        conf = "certain" if cls.confidence != "possible" else "likely"
    if seen_same is not None:
        cause += (f" Yet this tag is {seen_same.how} ({', '.join(seen_same.where[:2])}): it was deleted from the "
                  "registry since, or another node has it cached.")
        conf = "likely"
    suggestions = [{"image": tags.replace_tag(c.image, ev.tag), "tag": ev.tag, "seen": ev.how, "where": ev.where[:3]}
                   for ev in near]
    details["suggestions"] = suggestions
    details["repository"] = ref.repository
    if suggestions:
        best = suggestions[0]
        cause += (" Tags of this repository that do exist in the cluster: "
                  + ", ".join(f"{s['tag']} ({s['seen']})" for s in suggestions) + ".")
        cmds, patches = set_image(case, str(best["image"]))
        summary = f"Use an existing tag, e.g. {best['image']!r} (nearest to {ref.tag!r})."
    else:
        cmds = [_probe_cmd(case)]
        patches = []
        summary = "Point the image at a tag that exists in the registry, or push this tag."
        if cls.rule == "containerd-ref-not-found" and seen_same is None:
            # containerd answers a 404 on the manifest the same for a missing repository (distribution's
            # NAME_UNKNOWN) as for a missing tag, and no other tag of this repository is in use here.
            cause += (" containerd says the same when the repository itself does not exist, and no other tag of "
                      f"{ref.repository} is in use in the cluster: check the repository name too.")
            summary = ("Point the image at a repository and tag that exist in the registry (--probe-registry asks "
                       "it which), or push this tag.")
    return cause, summary, cmds, patches, conf


def _with_repo(original: str, ref: Reference | None, repo: str) -> str:
    if ref is None:
        return repo
    suffix = f":{ref.tag}" if ref.tag else ""
    return repo + suffix


def _near_repositories(ctx: Context, ref: Reference | None) -> list[str]:
    if ref is None:
        return []
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    idx = tags.tag_index(ctx.snapshot, ctx.cache)
    cands = [r for r in idx if r != ref.repository and r.split("/", 1)[0] == ref.domain]
    best = process.extract(ref.repository, cands, scorer=Levenshtein.normalized_distance, limit=3)
    return [str(m[0]) for m in best if m[1] <= 0.35]


def _nodes_with_image(snap: Snapshot, ref: Reference | None) -> list[str]:
    if ref is None or not snap.has("Node"):
        return []
    want = ref.with_default_tag
    out = []
    for n in snap.nodes:
        if any(try_parse(name) is not None and (r := try_parse(name)) is not None and r.with_default_tag == want
               for img in n.status.images for name in img.names):
            out.append(n.metadata.name)
    return out


def _unknown_finding(case: ContainerCase, s: Seen) -> Finding:
    return Finding(code=UNKNOWN, severity="warning", confidence=s.cls.confidence,
                   cause=f"The pull of {case.c.image!r} failed: {s.cls.note}.", evidence=[s.evidence],
                   fix=Fix(summary="Read the quoted runtime message; podwhy has no cause code for it.",
                           commands=[f"kubectl describe pod {case.work.name} -n {case.work.namespace}"]),
                   container=case.c.name, details={"rule": s.cls.rule}, rank=RANK_UNKNOWN)


# ---- events expired: best-supported cause ----------------------------------------------------------------------
def _expired(ctx: Context, case: ContainerCase, audit: pullsecrets.Audit, node: Node | None,
             informative: list[Seen]) -> list[Finding]:
    snap = ctx.snapshot
    c, ref = case.c, case.ref
    out: list[Finding] = []
    # Texts that quote an error podwhy cannot classify: leave them to the unknown finding below.
    unclassified = [s for s in informative if s.cls.code == UNKNOWN]
    expired = not unclassified and snap.has("Event")
    if unclassified:
        where = "the runtime's message is not one podwhy recognises"
    elif not snap.has("Event"):
        where = ("no events were in the input, and before Kubernetes 1.32 the waiting message `Back-off pulling "
                 "image` does not carry the registry's answer")
    else:
        where = EXPIRED_NOTE
    backoff = [s.evidence for s in case.seen if not s.cls.informative][-2:]

    secret = secret_findings(case, audit, None)
    for f in secret:
        f.cause += f" ({where}; this is the best-supported cause.)"
        f.evidence.extend(backoff)
    out.extend(secret)

    # Other pods pulling the same image, or from the same registry, that still show the registry's answer.
    peer = peer_cause(ctx, case) if ref is not None else None
    if peer is not None:
        code, cls, pref, ev = peer
        same_image = ref is not None and code in IMAGE_CODES
        conf: Confidence = "likely" if same_image or code in ("registry.rate-limited", "registry.dns-failure",
                                                              "registry.tls-error") else "possible"
        out.append(Finding(
            code=code, severity="error", confidence=conf,
            cause=(f"The pull of {c.image!r} fails, and {where}. {pref} pulling "
                   f"{'the same image' if same_image else 'from the same registry'} shows `{cls.matched}`, so the "
                   f"same cause is the best-supported one here."),
            evidence=[*backoff, ev],
            fix=Fix(summary="Confirm by re-triggering the pull and reading the new event.",
                    commands=[f"kubectl delete pod {case.work.name} -n {case.work.namespace}",
                              f"kubectl get events -n {case.work.namespace} --field-selector "
                              f"involvedObject.name={case.work.name} -w"]),
            container=c.name, details={"image": c.image, "peer": pref, "rule": cls.rule, "eventsExpired": expired},
            group_key=(f"image={ref.with_default_tag}" if same_image and ref else f"registry={case.host}"),
            rank=RANK_PRIMARY))

    odd = suspicious_tag(ref.tag) if ref else None
    if ref is not None and odd and peer is None:
        cls = Classification("image.tag-not-found", "possible", "suspicious-tag", {}, "", ref.tag or "")
        cause, summary, cmds, patches, _ = _tag_not_found(ctx, case, cls, {})
        near = tags.nearest_tags(snap, ref.repository, ref.tag or "latest", cache=ctx.cache)
        conf2: Confidence = "likely" if near else "possible"
        out.append(Finding(
            code="image.tag-not-found", severity="error", confidence=conf2,
            cause=(f"The pull of {c.image!r} fails and {where}; {odd}, so a missing tag is the best-supported cause. "
                   + cause.split(") ", 1)[-1]),
            evidence=[Evidence(ref=case.work.ref, field=case.image_field, observed=c.image), *backoff],
            fix=Fix(summary=summary, commands=cmds, patches=patches), container=c.name,
            details={"image": c.image, "suspiciousTag": odd, "eventsExpired": expired,
                     "suggestions": [{"image": tags.replace_tag(c.image, e.tag), "tag": e.tag, "seen": e.how}
                                     for e in near]},
            group_key=f"image={ref.with_default_tag}", rank=RANK_PRIMARY))

    if not audit.has_any_secret and ref is not None and not secret and peer is None and not odd:
        private = case.host not in pullsecrets.PUBLIC_HOSTS and pullsecrets.node_credential_registry(case.host) is None
        seen = tags.tag_seen(snap, ref.repository, ref.tag or "latest", cache=ctx.cache)
        if private and seen is None:
            out.append(no_secret_finding(case, audit, None, rank=RANK_PRIMARY, conf="possible",
                                          why=f" The cause itself is not visible: {where}. A private registry without "
                                              "credentials is the most common reason."))

    if not out or (unclassified and not any(f.rank <= RANK_PRIMARY for f in out)):
        ev_list = [s.evidence for s in unclassified][-2:] or backoff
        extra = ""
        seen = tags.tag_seen(snap, ref.repository, ref.tag or "latest", cache=ctx.cache) if ref else None
        if seen is not None:
            extra = (f" The image itself exists ({seen.how}: {', '.join(seen.where[:2])}), which rules out a missing "
                     "tag or repository.")
        cause = (f"The pull of {c.image!r} fails and {where}; the snapshot supports no cause.{extra}"
                 + audit_sentence(audit))
        out.append(Finding(
            code=UNKNOWN, severity="warning", confidence="possible", cause=cause, evidence=ev_list,
            fix=Fix(summary="Re-trigger the pull and read the fresh event (or pull by hand on the node).",
                    commands=[f"kubectl delete pod {case.work.name} -n {case.work.namespace}",
                              f"kubectl get events -n {case.work.namespace} --field-selector "
                              f"involvedObject.name={case.work.name} -w",
                              f"crictl pull {c.image}   # on node {case.pod.spec.node_name or '<node>'}"]),
            container=c.name, details={"image": c.image, "eventsExpired": expired}, rank=RANK_UNKNOWN + 5))
    return out
