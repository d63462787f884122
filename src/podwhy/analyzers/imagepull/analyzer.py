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
from dataclasses import dataclass, field
from typing import Any

from podwhy.analyzers.base import Context, StuckContainer, Work
from podwhy.analyzers.evidence import from_event, from_waiting
from podwhy.analyzers.imagepull import pullsecrets, tags
from podwhy.analyzers.imagepull.classify import UNKNOWN, Classification, classify
from podwhy.analyzers.imagepull.reference import (
    Reference,
    ReferenceError,
    parse,
    parse_normalized,
    suggest_correction,
    suspicious_tag,
    try_parse,
)
from podwhy.findings import Confidence, Evidence, Finding, Fix, Severity
from podwhy.model import Event, Node, Pod
from podwhy.snapshot import Snapshot
from podwhy.stuck import PULL_REASONS

# Event reasons that can carry the runtime's answer (kubelet pkg/kubelet/events/event.go; B1.2). Pasted
# events also use the waiting reason as the event reason, with the raw runtime text as the message.
CAUSE_EVENT_REASONS = frozenset({
    "Failed", "ErrImagePull", "InspectFailed", "ErrImageNeverPull", "InvalidImageName", "ImagePullBackOff",
    "BackOff", "ImageInspectError", "RegistryUnavailable", "SignatureValidationFailed",
})
SECRET_EVENT = "FailedToRetrieveImagePullSecret"
_SECRET_NAMES = re.compile(r"Unable to retrieve some image pull secrets \(([^)\n]{0,2000})\)")
_QUOTED_IMAGE = re.compile(r"(?:pull(?:ing)? image|image tag|Container image|inspect image) \"([^\"\n]{0,512})\"", re.I)

AUTHISH = frozenset({"registry.auth-failed", "image.not-found-or-unauthorized"})
NETWORKISH = frozenset({"registry.dns-failure", "registry.unreachable", "registry.tls-error",
                        "registry.http-https-mismatch", "image.pull-timeout"})
IMAGE_CODES = frozenset({"image.tag-not-found", "image.repository-not-found", "image.not-found-or-unauthorized",
                         "image.platform-mismatch", "image.invalid-reference", "image.never-pull-absent"})

# Ranks: node and secret root causes before what the registry said about them (findings.py: lower first).
RANK_NODE = 15
RANK_SECRET = 20
RANK_INVALID = 25
RANK_PRIMARY = 30
RANK_SECONDARY = 35
RANK_SIDE = 45
RANK_UNKNOWN = 90

EXPIRED_NOTE = ("the events that carried the registry's answer have expired (kept 1 h by default) and, before "
                "Kubernetes 1.32, the waiting message `Back-off pulling image` does not repeat it")


@dataclass
class Seen:
    """One text that may carry the cause, with where it came from."""

    text: str
    evidence: Evidence
    cls: Classification
    when: str = ""


@dataclass
class ContainerCase:
    snap: Snapshot
    work: Work
    pod: Pod
    c: StuckContainer
    ref: Reference | None
    host: str
    seen: list[Seen] = field(default_factory=list)
    secret_events: list[Event] = field(default_factory=list)

    @property
    def image_field(self) -> str:
        return f".spec.{self.c.role}s[?(@.name=={self.c.name!r})].image"


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
    out = []
    for e in events:
        fp = e.involved_object.field_path
        if fp:
            if fp == c.field_path:
                out.append(e)
            continue
        m = _QUOTED_IMAGE.search(e.message)
        if m:
            img = m.group(1)
            if _same_image(img, c.image) or (len(pulls) == 1 and not any(_same_image(img, o.image) for o in pulls)):
                out.append(e)
            continue
        # No container named and no image quoted: take it only if it reads as a pull error (not, say,
        # `Back-off restarting failed container` of a sibling container).
        if len(pulls) == 1 and (e.reason == SECRET_EVENT or classify(e.message).code != UNKNOWN):
            out.append(e)
    return out


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
    invalid = _invalid_reference(case)
    if invalid is not None and (c.reason == "InvalidImageName" or not any(
            s.cls.code not in (UNKNOWN, "image.invalid-reference") for s in case.seen)):
        # If the runtime got as far as the registry, the kubelet accepted the reference: trust its answer.
        return [invalid]

    informative = [s for s in case.seen if s.cls.informative]
    known = [s for s in informative if s.cls.code != UNKNOWN]
    primary = known[-1] if known else None
    if c.reason == "ErrImageNeverPull" and (primary is None or primary.cls.code != "image.never-pull-absent"):
        primary = next((s for s in case.seen if s.cls.code == "image.never-pull-absent"), primary)

    reported_missing = [n.strip() for e in case.secret_events for m in [_SECRET_NAMES.search(e.message)] if m
                        for n in m.group(1).split(",")]
    audit = pullsecrets.audit(snap, case.pod, c.image, reported_missing=reported_missing)

    # 2. The node: a full disk explains any pull failure on it.
    disk = _disk_pressure(node)
    if primary is not None and primary.cls.code == "node.disk-full":
        out.append(_disk_finding(case, node, disk, primary))
        return out
    if disk is not None:
        f = _disk_finding(case, node, disk, None)
        if primary is not None and primary.cls.code not in ("image.pull-timeout", UNKNOWN):
            # The registry gave its own answer: the disk is worth knowing, not the cause.
            f.rank, f.severity, f.confidence = RANK_SIDE, "warning", "possible"
        out.append(f)

    if primary is None:
        noted = [s for s in informative if s.cls.note]
        if noted:
            # A cause podwhy recognises but the catalog has no code for (signature policy, schema 1, inspect).
            out.extend(f for f in _secret_findings(case, audit, "unknown") if f.rank > RANK_SECRET)
            out.append(_unknown_finding(case, noted[-1]))
            return out
        out.extend(_expired(ctx, case, audit, node, informative))
        return out

    code = primary.cls.code
    out.extend(_secret_findings(case, audit, code))
    if code in AUTHISH and not audit.has_any_secret:
        out.append(_no_secret_for_auth(case, audit, primary))
    out.append(_primary_finding(ctx, case, primary, audit, node))
    return out


# ---- invalid reference --------------------------------------------------------------------------------
def _pointer(image: str, index: int) -> str:
    """`quay.io/x/>>M<<iModD:1`: the image with the offending character marked, on one line."""
    if index >= len(image):
        return f"{image}>><<"
    return f"{image[:index]}>>{image[index]}<<{image[index + 1:]}"


def _invalid_reference(case: ContainerCase) -> Finding | None:
    c = case.c
    try:
        parse_normalized(c.image)
        if c.reason != "InvalidImageName":
            return None
        # The kubelet said invalid but our grammar accepts it (e.g. an older kubelet's stricter rules).
        err: ReferenceError | None = None
    except ReferenceError as exc:
        err = exc
    fixed = suggest_correction(c.image)
    # Observed stays verbatim; the offending character is named in the field (0-based index, as in Go).
    field = f"{case.image_field}[{err.index}] ({c.image[err.index:err.index + 1]!r})" if err and c.image \
        else case.image_field
    evidence = [Evidence(ref=case.work.ref, field=field, observed=c.image, expected=fixed)]
    for s in case.seen[-2:]:
        if s.cls.code == "image.invalid-reference" or c.reason == "InvalidImageName":
            evidence.append(s.evidence)
    if err is not None:
        cause = (f"The image {c.image!r} of container {c.name!r} is not a valid reference: {err.reason} "
                 f"(character {err.index + 1}: {_pointer(c.image, err.index)}); the kubelet cannot parse it ({err.message}).")
    else:
        cause = (f"The kubelet could not parse the image {c.image!r} of container {c.name!r} "
                 "(InvalidImageName), although current reference rules accept it.")
    cmds, patches = _set_image(case, fixed) if fixed else ([], [])
    summary = (f"Use {fixed!r} (a valid reference) for container {c.name!r}." if fixed
               else f"Rewrite the image of container {c.name!r} as [registry/]repository[:tag][@digest], "
                    "lower-case repository, no spaces or scheme.")
    return Finding(code="image.invalid-reference", severity="error", confidence="certain", cause=cause,
                   evidence=evidence, fix=Fix(summary=summary, commands=cmds, patches=patches), container=c.name,
                   details={"image": c.image, "index": err.index if err else None,
                            "error": err.message if err else None, "suggestion": fixed},
                   group_key=f"image={c.image}", rank=RANK_INVALID)


# ---- fixes that change the image ------------------------------------------------------------------------
def _owner(snap: Snapshot, pod: Pod) -> tuple[str, str] | None:
    """(kind, name) of the controller whose template to change."""
    chain = snap.owner_chain(pod)
    if not chain:
        return None
    kinds = [k for k, _, _ in chain]
    if "Deployment" in kinds:
        return "Deployment", chain[kinds.index("Deployment")][1]
    kind, name, _ = chain[0]
    if kind in ("StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"):
        return kind, name
    return None


def _set_image(case: ContainerCase, image: str) -> tuple[list[str], list[str]]:
    ns, c = case.work.namespace, case.c
    owner = _owner(case.snap, case.pod)
    if owner is not None and owner[0] != "Job":
        kind, name = owner
        return [f"kubectl set image {kind.lower()}/{name} {c.name}={image} -n {ns}"], []
    if owner is not None:
        return ([], [f"# Job templates are immutable: recreate Job {owner[1]} with {c.name}.image: {image}"])
    lst = {"container": "containers", "initContainer": "initContainers",
           "ephemeralContainer": "ephemeralContainers"}[c.role]
    specs = {"container": case.pod.spec.containers, "initContainer": case.pod.spec.init_containers,
             "ephemeralContainer": case.pod.spec.ephemeral_containers}[c.role]
    idx = next((i for i, s in enumerate(specs) if s.name == c.name), 0)
    patch = f'[{{"op":"replace","path":"/spec/{lst}/{idx}/image","value":"{image}"}}]'
    return [f"kubectl patch pod {case.work.name} -n {ns} --type=json -p '{patch}'"], []


# ---- node ------------------------------------------------------------------------------------------------
def _disk_pressure(node: Node | None) -> Evidence | None:
    if node is None:
        return None
    for cond in node.status.conditions:
        if cond.type == "DiskPressure" and cond.status == "True":
            return Evidence(ref=f"Node/{node.metadata.name}", field=".status.conditions[?(@.type=='DiskPressure')]",
                            observed=f"DiskPressure=True reason={cond.reason}: {cond.message}".rstrip(": "))
    for t in node.spec.taints:
        if t.key == "node.kubernetes.io/disk-pressure":
            return Evidence(ref=f"Node/{node.metadata.name}", field=".spec.taints",
                            observed=f"{t.key}:{t.effect}")
    return None


def _not_ready(node: Node | None) -> Evidence | None:
    if node is None:
        return None
    for cond in node.status.conditions:
        if (cond.type == "Ready" and cond.status != "True") or (cond.type == "NetworkUnavailable"
                                                                 and cond.status == "True"):
            return Evidence(ref=f"Node/{node.metadata.name}", field=f".status.conditions[?(@.type=={cond.type!r})]",
                            observed=f"{cond.type}={cond.status} reason={cond.reason}: {cond.message}".rstrip(": "))
    return None


def _disk_finding(case: ContainerCase, node: Node | None, cond: Evidence | None, s: Seen | None) -> Finding:
    name = case.pod.spec.node_name or "?"
    ev = [x for x in (s.evidence if s else None, cond) if x is not None]
    if s is not None:
        cause = (f"Pulling {case.c.image!r} failed because node {name} ran out of disk space while writing the image"
                 f" (`{s.cls.matched}`)" + ("; the node also reports DiskPressure." if cond else "."))
        conf: Confidence = "certain"
    else:
        cause = (f"Node {name} is under DiskPressure, so image pulls and image garbage collection compete for space; "
                 f"the pull of {case.c.image!r} may fail or be evicted for it.")
        conf = "likely"
    debug = f"kubectl debug node/{name} -it --image=busybox -- df -h /host/var/lib/containerd /host/var/lib/kubelet"
    return Finding(code="node.disk-full", severity="error", confidence=conf, cause=cause, evidence=ev,
                   fix=Fix(summary=f"Free disk space on node {name} (unused images, logs), or move the pod to "
                           "another node; check the kubelet's imageGCHighThresholdPercent.",
                           commands=[debug, f"kubectl describe node {name}",
                                     "crictl rmi --prune   # on the node: removes images no container uses"]),
                   container=case.c.name, details={"node": name}, group_key=f"node={name}", rank=RANK_NODE)


# ---- pull secrets --------------------------------------------------------------------------------------------
def _create_secret_cmd(name: str, server: str, ns: str) -> str:
    return (f"kubectl create secret docker-registry {name} --docker-server={server} "
            f"--docker-username=<user> --docker-password=<password-or-token> -n {ns}")


def _attach_cmds(audit: pullsecrets.Audit, name: str) -> list[str]:
    patch = f'{{"imagePullSecrets":[{{"name":"{name}"}}]}}'
    return [f"kubectl patch serviceaccount {audit.sa_name} -n {audit.namespace} -p '{patch}'"]


def _server(case: ContainerCase) -> str:
    return pullsecrets.needed_key(case.ref) if case.ref else (case.host or "<registry>")


def _secret_evidence(case: ContainerCase, audit: pullsecrets.Audit, name: str) -> list[Evidence]:
    ev: list[Evidence] = []
    if name in audit.pod_secrets:
        ev.append(Evidence(ref=case.work.ref, field=f".spec.imagePullSecrets[?(@.name=={name!r})]", observed=name))
    elif audit.sa_secrets and name in audit.sa_secrets:
        ev.append(Evidence(ref=f"ServiceAccount/{audit.namespace}/{audit.sa_name}",
                           field=f".imagePullSecrets[?(@.name=={name!r})]", observed=name))
    for e in case.secret_events:
        if name in e.message:
            ev.append(from_event(e))
            break
    return ev


def _secret_findings(case: ContainerCase, audit: pullsecrets.Audit, code: str | None) -> list[Finding]:
    """secret.* findings: root causes (rank 20) when the pull failed on auth (or we do not know why)."""
    auth = code is None or code in AUTHISH
    # The pull said "auth": the secret problem is the likely cause. Events gone (code None): still the
    # best-supported cause. Anything else: a side note.
    conf: Confidence = "likely" if (code in AUTHISH or code is None) else "possible"
    ns = audit.namespace
    out: list[Finding] = []
    sa_only = audit.source == "serviceaccount"
    sa_note = (f" The pod names no imagePullSecrets; its ServiceAccount {audit.sa_name!r} does, which is what a newly "
               "created pod would get." if sa_only else "")
    credential_ok = audit.credential_sent
    for p in audit.problems:
        if p.kind == "host-mismatch" and (not auth or credential_ok):
            continue
        rank = RANK_SECRET if (auth and not credential_ok) else RANK_SIDE
        sev: Severity = "error" if rank == RANK_SECRET else "warning"
        if p.kind == "missing":
            where = f"exists in {', '.join(repr(n) for n in p.other_namespaces)}, not here" if p.other_namespaces \
                else f"does not exist in namespace {ns!r}"
            if not audit.secrets_loaded:
                where = "was reported missing by the kubelet (FailedToRetrieveImagePullSecret)"
            cause = (f"Image pull secret {p.name!r} {where}; the kubelet skips it and pulls {case.c.image!r} without "
                     f"those credentials.{sa_note}")
            cmds = []
            if p.other_namespaces:
                src = p.other_namespaces[0]
                cmds.append(f"kubectl get secret {p.name} -n {src} -o json | jq 'del(.metadata.namespace,"
                            ".metadata.uid,.metadata.resourceVersion,.metadata.creationTimestamp,.metadata.ownerReferences)'"
                            f" | kubectl apply -n {ns} -f -")
            cmds.append(_create_secret_cmd(p.name, _server(case), ns))
            f = Finding(code="secret.pull-secret-missing", severity=sev,
                        confidence="certain" if code in AUTHISH else conf,
                        cause=cause, evidence=_secret_evidence(case, audit, p.name),
                        fix=Fix(summary=f"Create Secret {p.name!r} in namespace {ns!r} (copy it, or create it).",
                                commands=cmds),
                        container=case.c.name,
                        details={"secret": p.name, "namespace": ns, "otherNamespaces": p.other_namespaces,
                                 "source": audit.source}, group_key=f"secret={ns}/{p.name}", rank=rank)
        elif p.kind == "invalid":
            cause = (f"Image pull secret {p.name!r} is ignored by the kubelet: {p.detail}. The kubelet drops it "
                     f"without an event and pulls {case.c.image!r} without credentials.{sa_note}")
            f = Finding(code="secret.pull-secret-invalid", severity=sev, confidence=conf if auth else "possible",
                        cause=cause,
                        evidence=[*_secret_evidence(case, audit, p.name),
                                  Evidence(ref=f"Secret/{ns}/{p.name}", field=".type/.data (keys only)",
                                           observed=p.detail, expected="type kubernetes.io/dockerconfigjson with "
                                           "data key .dockerconfigjson holding {\"auths\": {...}}")],
                        fix=Fix(summary=f"Recreate {p.name!r} as a kubernetes.io/dockerconfigjson secret.",
                                commands=[f"kubectl delete secret {p.name} -n {ns}",
                                          _create_secret_cmd(p.name, _server(case), ns)]),
                        container=case.c.name, details={"secret": p.name, "namespace": ns, "reason": p.detail},
                        group_key=f"secret={ns}/{p.name}", rank=rank)
        else:
            first = p.name.split(", ")[0]
            need = _server(case)
            hub_hint = ""
            if case.ref is not None and case.ref.is_docker_hub and any("registry-1.docker.io" in k for k in p.keys):
                hub_hint = (" A key for registry-1.docker.io never matches Docker Hub images (3 host labels vs 2, and "
                            "not the index.docker.io fallback).")
            cause = (f"The pull secret(s) {p.name} have credentials, but none the kubelet would use for "
                     f"{case.ref.repository if case.ref else case.c.image!r}: {p.detail}.{hub_hint}{sa_note}")
            f = Finding(code="secret.pull-secret-host-mismatch", severity=sev, confidence=conf, cause=cause,
                        evidence=[*_secret_evidence(case, audit, first),
                                  Evidence(ref=f"Secret/{ns}/{first}", field=".data[.dockerconfigjson].auths (keys)",
                                           observed=", ".join(p.keys) or "(none with credentials)", expected=need)],
                        fix=Fix(summary=f"Add credentials keyed {need!r} (the image's registry host).",
                                commands=[f"kubectl delete secret {first} -n {ns}",
                                          _create_secret_cmd(first, need, ns)]),
                        container=case.c.name,
                        details={"secrets": p.name.split(", "), "keys": p.keys, "needed": need,
                                 "repository": case.ref.repository if case.ref else None},
                        group_key=f"secret={ns}/{first}", rank=rank)
        out.append(f)
    return out


def _no_secret_finding(case: ContainerCase, audit: pullsecrets.Audit, primary: Seen | None, *,
                       rank: int, conf: Confidence, why: str) -> Finding:
    ns = audit.namespace
    server = _server(case)
    name = "regcred"
    if audit.sa_known:
        where = f"neither on the pod nor on ServiceAccount {audit.sa_name!r}"
    else:
        where = (f"ServiceAccount {audit.sa_name!r} was not in the input; the pod's own list is what the kubelet "
                 "uses, since the ServiceAccount's is copied only into new pods")
    cause = (f"The registry {case.host or server} wants credentials for {case.c.image!r} and the pod has no "
             f"imagePullSecrets ({where}).{why}")
    ev = [Evidence(ref=case.work.ref, field=".spec.imagePullSecrets", observed="(none)",
                   expected=f"a kubernetes.io/dockerconfigjson secret with a key for {server}")]
    if primary is not None:
        ev.append(primary.evidence)
    return Finding(code="secret.no-pull-secret", severity="error" if rank <= RANK_SECRET else "warning",
                   confidence=conf, cause=cause, evidence=ev,
                   fix=Fix(summary=f"Create a docker-registry secret for {server} and give it to the ServiceAccount "
                                   f"{audit.sa_name!r}, then recreate the pod.",
                           commands=[_create_secret_cmd(name, server, ns), *_attach_cmds(audit, name),
                                     f"kubectl delete pod {case.work.name} -n {ns}"]),
                   container=case.c.name, details={"registry": case.host, "serviceAccount": audit.sa_name},
                   group_key=f"registry={case.host}", rank=rank)


# Rows where the registry refused credentials that WERE sent (so the node has some).
_CREDENTIALS_SENT_RULES = frozenset({"oauth-token-rejected", "crio-invalid-credentials", "token-not-accepted",
                                     "ecr-token-expired"})


def _no_secret_for_auth(case: ContainerCase, audit: pullsecrets.Audit, primary: Seen) -> Finding:
    """An auth-looking refusal and no pull secret anywhere: the root cause for a private registry."""
    host = case.host
    cloud = pullsecrets.node_credential_registry(host)
    if cloud:
        return _no_secret_finding(case, audit, primary, rank=RANK_SECONDARY, conf="possible",
                                  why=f" {cloud} normally authenticates with the node's credentials, so a missing pull "
                                      "secret is not necessarily wrong there: check the node's credential provider / "
                                      "IAM role first.")
    if "attempts" in primary.cls.detail or primary.cls.rule in _CREDENTIALS_SENT_RULES:
        return _no_secret_finding(case, audit, primary, rank=RANK_SECONDARY, conf="possible",
                                  why=" The registry refused credentials that were sent, so they came from the node's "
                                      "configuration; a pull secret with valid credentials would override them.")
    if host in pullsecrets.PUBLIC_HOSTS:
        return _no_secret_finding(case, audit, primary, rank=RANK_SECONDARY, conf="possible",
                                  why=f" {host} also hosts public images, so this only matters if the image is "
                                      "private; otherwise the name is wrong.")
    return _no_secret_finding(case, audit, primary, rank=RANK_SECRET, conf="likely",
                              why=f" {host} is not a public registry, so credentials are the first thing to provide.")


def _audit_sentence(audit: pullsecrets.Audit) -> str:
    if not audit.pod_secrets:
        sa = ""
        if audit.sa_secrets:
            sa = (f" Its ServiceAccount {audit.sa_name!r} lists {', '.join(audit.sa_secrets)}, added after the pod was "
                  "created: only a new pod gets them.")
        return f" The pod has no imagePullSecrets.{sa}"
    if not audit.secrets_loaded:
        return (f" Secrets were not in the input, so the pull-secret audit of {', '.join(audit.pod_secrets)} was "
                "skipped (type, key and registry match unchecked).")
    if audit.credential_sent:
        used = "; ".join(f"{n}: {', '.join(k)}" for n, k in audit.matched.items() if k)
        return f" The kubelet sent the credentials of {used}, and the registry refused them."
    return ""


# ---- the primary finding ---------------------------------------------------------------------------------------
def _primary_finding(ctx: Context, case: ContainerCase, s: Seen, audit: pullsecrets.Audit,
                     node: Node | None) -> Finding:
    cls = s.cls
    code = cls.code
    c = case.c
    ref = case.ref
    host = case.host or str(cls.detail.get("host", ""))
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
            cmds, patches = _set_image(case, _with_repo(c.image, ref, near[0]))
        else:
            cmds = [_probe_cmd(case)]
        group = image_key
    elif code == "image.not-found-or-unauthorized":
        cause = (f"Registry {host} will not say whether {repo} does not exist or is private: it refused the pull "
                 f"without naming which (`{cls.matched}`).{_audit_sentence(audit)}")
        settle = (f" What settles it: is there a credential for {host} (a pull secret keyed {_server(case)!r}, or "
                  f"node credentials)? Does {ref.familiar if ref else c.image} exist (check the registry's UI or "
                  "list its tags with your own login)?")
        cause += settle
        if cls.detail.get("runtime") == "containerd" and "no basic auth credentials" in s.text:
            cause += " containerd adds that no credentials were sent at all."
        summary = ("Check the name and tag; if the image is private, give the pod credentials for "
                   f"{_server(case)}.")
        cmds = [_probe_cmd(case)]
        if audit.problems:
            summary += f" First fix the pull secret ({', '.join(sorted({p.kind for p in audit.problems}))} above)."
        elif not audit.has_any_secret:
            cmds += [_create_secret_cmd("regcred", _server(case), audit.namespace), *_attach_cmds(audit, "regcred")]
        details["settle"] = {"credentialFor": _server(case), "repository": repo}
        group = image_key
    elif code == "registry.auth-failed":
        cause = f"Registry {host} rejected the pull of {c.image!r} as unauthorized (`{cls.matched}`)."
        cause += _audit_sentence(audit)
        if cls.note:
            cause += f" {cls.note[0].upper()}{cls.note[1:]}."
        if "attempts" in cls.detail:
            cause += (f" The kubelet tried {cls.detail['attempts']} credentials and all failed, so credentials do "
                      "exist (pod secrets or the node's).")
        cloud = pullsecrets.node_credential_registry(host)
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
            cmds = [f"kubectl delete secret {used} -n {audit.namespace}", _create_secret_cmd(used, _server(case),
                                                                                           audit.namespace)]
            group = f"secret={audit.namespace}/{used}"
        elif audit.sa_secrets and not audit.pod_secrets:
            summary = "Recreate the pod so the ServiceAccount's imagePullSecrets are copied into it."
            cmds = [f"kubectl delete pod {case.work.name} -n {audit.namespace}"]
        elif cloud:
            summary = f"Check the node's registry credentials for {host}."
            cmds = [f"kubectl get node {node_name} -o jsonpath='{{.spec.providerID}}'",
                    _create_secret_cmd("regcred", _server(case), audit.namespace)]
        else:
            summary = f"Give the pod valid credentials for {_server(case)}."
            cmds = [_create_secret_cmd("regcred", _server(case), audit.namespace), *_attach_cmds(audit, "regcred")]
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
            cmds = [_create_secret_cmd("regcred", _server(case), audit.namespace), *_attach_cmds(audit, "regcred")]
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
    nr = _not_ready(node) if code in NETWORKISH else None
    if nr is not None:
        ev.append(nr)
        cause += f" Node {node_name} itself is not healthy ({nr.observed}), so this is the node's problem."
        group = f"node={node_name}"
    if code in ("registry.auth-failed", "image.not-found-or-unauthorized") and not audit.pod_secrets:
        cloud = pullsecrets.node_credential_registry(host)
        if cloud:
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
        cmds, patches = _set_image(case, str(best["image"]))
        summary = f"Use an existing tag, e.g. {best['image']!r} (nearest to {ref.tag!r})."
    else:
        cmds = [_probe_cmd(case)]
        patches = []
        summary = "Point the image at a tag that exists in the registry, or push this tag."
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

    secret = _secret_findings(case, audit, None)
    for f in secret:
        f.cause += f" ({where}; this is the best-supported cause.)"
        f.evidence.extend(backoff)
    out.extend(secret)

    # Other pods pulling the same image, or from the same registry, that still show the registry's answer.
    peer = _peer_cause(ctx, case) if ref is not None else None
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
            out.append(_no_secret_finding(case, audit, None, rank=RANK_PRIMARY, conf="possible",
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
                 + _audit_sentence(audit))
        out.append(Finding(
            code=UNKNOWN, severity="warning", confidence="possible", cause=cause, evidence=ev_list,
            fix=Fix(summary="Re-trigger the pull and read the fresh event (or pull by hand on the node).",
                    commands=[f"kubectl delete pod {case.work.name} -n {case.work.namespace}",
                              f"kubectl get events -n {case.work.namespace} --field-selector "
                              f"involvedObject.name={case.work.name} -w",
                              f"crictl pull {c.image}   # on node {case.pod.spec.node_name or '<node>'}"]),
            container=c.name, details={"image": c.image, "eventsExpired": expired}, rank=RANK_UNKNOWN + 5))
    return out


_REGISTRY_CODES = frozenset({"registry.rate-limited", "registry.dns-failure", "registry.unreachable",
                             "registry.tls-error", "registry.http-https-mismatch", "registry.server-error"})

# (pod ref, classification, evidence)
_Peer = tuple[str, Classification, Evidence]


def _peer_index(ctx: Context) -> tuple[dict[str, list[_Peer]], dict[str, list[_Peer]]]:
    """Classified pull errors of every pod, by image (with default tag) and by registry host. Built once."""
    cached = ctx.cache.get("imagepull.peers")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    snap = ctx.snapshot
    by_image: dict[str, list[_Peer]] = {}
    by_host: dict[str, list[_Peer]] = {}
    for pod in snap.pods:
        pref = f"Pod/{pod.metadata.namespace}/{pod.metadata.name}"
        texts: list[tuple[str, Evidence]] = []
        for st in (*pod.status.init_container_statuses, *pod.status.container_statuses):
            w = st.state.waiting
            if w is not None and w.message and w.reason in PULL_REASONS:
                texts.append((w.message, Evidence(ref=pref, field=f".status.containerStatuses[?(@.name=={st.name!r})]"
                                                  ".state.waiting", observed=f"{w.reason}: {w.message}")))
        if not texts and not any(st.state.waiting is not None and st.state.waiting.reason in PULL_REASONS
                                 for st in (*pod.status.init_container_statuses, *pod.status.container_statuses)):
            continue
        texts.extend((e.message, from_event(e)) for e in snap.events_for(pod) if e.reason in CAUSE_EVENT_REASONS)
        for text, ev in texts:
            cls = classify(text)
            if cls.code == UNKNOWN or not cls.informative:
                continue
            img = cls.detail.get("ref") or cls.detail.get("image")
            r = try_parse(img) if isinstance(img, str) else None
            if r is not None:
                lst = by_image.setdefault(r.with_default_tag, [])
                if len(lst) < 3 and all(p[0] != pref for p in lst):
                    lst.append((pref, cls, ev))
            host = r.domain if r is not None else cls.detail.get("host")
            if host and cls.code in _REGISTRY_CODES:
                lst = by_host.setdefault(str(host), [])
                if len(lst) < 3 and all(p[0] != pref for p in lst):
                    lst.append((pref, cls, ev))
    ctx.cache["imagepull.peers"] = (by_image, by_host)
    return by_image, by_host


def _peer_cause(ctx: Context, case: ContainerCase) -> tuple[str, Classification, str, Evidence] | None:
    """A classified pull error of ANOTHER pod for the same image (preferred) or from the same registry."""
    ref = case.ref
    assert ref is not None
    me = case.work.ref
    by_image, by_host = _peer_index(ctx)
    for pref, cls, ev in by_image.get(ref.with_default_tag, []):
        if pref != me:
            return cls.code, cls, pref, ev
    for pref, cls, ev in by_host.get(ref.domain, []):
        if pref != me:
            return cls.code, cls, pref, ev
    return None
