"""Pull-secret findings and their fixes: what the kubelet's pull-secret resolution (pullsecrets.py, semantics.md
B4) says about a stuck pull, as secret.* findings, and the commands that create and attach a secret."""

from __future__ import annotations

import re
from typing import Any

from podwhy.analyzers import jobtemplate
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.imagepull import pullsecrets
from podwhy.analyzers.imagepull.case import (
    AUTHISH,
    RANK_SECONDARY,
    RANK_SECRET,
    RANK_SIDE,
    ContainerCase,
    Seen,
)
from podwhy.analyzers.imagepull.imagefix import image_owner
from podwhy.analyzers.shellarg import json_arg
from podwhy.findings import Confidence, Evidence, Finding, Fix, Severity


def create_secret_cmd(name: str, server: str, ns: str) -> str:
    return (f"kubectl create secret docker-registry {name} --docker-server={server} "
            f"--docker-username=<user> --docker-password=<password-or-token> -n {ns}")


def attach_cmds(case: ContainerCase, audit: pullsecrets.Audit, name: str) -> list[str]:
    """Give the pod's future replacement secret `name`, then make that replacement.

    The ServiceAccount admission plugin copies the ServiceAccount's imagePullSecrets into a pod only when
    the pod is created and names none itself (plugin/pkg/admission/serviceaccount/admission.go, v1.34), and a
    pod's imagePullSecrets cannot change: so a running pod is re-created, and a pod that names its own
    secrets gets the new one in its template. A ServiceAccount's imagePullSecrets is an atomic list: a merge
    patch would replace the secrets it already lists (checked on the real API server), so it is appended to.
    """
    ns = audit.namespace
    entry = {"name": name}
    owner = image_owner(case.snap, case.pod)
    if _names_its_own(case, audit, owner):
        path = "/spec/template/spec/imagePullSecrets/-"
        if owner is None:
            return [f"# {ns}/{case.work.name} is a bare pod that names its own imagePullSecrets (immutable): add "
                    f"{name!r} to them in its manifest and re-create it"]
        kind, oname = owner
        if kind == "Job":
            return [jobtemplate.recreate_json(ns, oname, [{"op": "add", "path": path, "value": entry}],
                                              jobtemplate.generated_fields(case.snap.get(kind, ns, oname)))]
        # A changed template rolls a Deployment/StatefulSet/DaemonSet out by itself.
        cmds = [f"kubectl -n {ns} patch {kind.lower()} {oname} --type=json -p "
                f"{json_arg([{'op': 'add', 'path': path, 'value': entry}])}"]
        if kind in ("ReplicaSet", "ReplicationController"):
            cmds.append(f"kubectl delete pod {case.work.name} -n {ns}   # the {kind} creates it again from the "
                        "new template")
        return cmds
    sa = audit.sa_name
    ops: list[dict[str, Any]]
    if audit.sa_secrets:
        ops = [{"op": "add", "path": "/imagePullSecrets/-", "value": entry}]
        note = ""
    else:
        ops = [{"op": "add", "path": "/imagePullSecrets", "value": [entry]}]
        note = ("" if audit.sa_known else "   # the ServiceAccount was not in the input: if it lists pull secrets "
                "already, use the path /imagePullSecrets/- (this one replaces the list)")
    cmds = [f"kubectl patch serviceaccount {sa} -n {ns} --type=json -p {json_arg(ops)}{note}"]
    return [*cmds, _recreate(case, owner)]


def _names_its_own(case: ContainerCase, audit: pullsecrets.Audit, owner: tuple[str, str] | None) -> bool:
    """Whether the pod's imagePullSecrets are its template's own (then the template gets the new secret) rather
    than the ServiceAccount's, copied in by admission (then the ServiceAccount does, and the pod is replaced)."""
    if not audit.pod_secrets:
        return False
    obj = case.snap.get(owner[0], case.work.namespace, owner[1]) if owner is not None else None
    template = getattr(getattr(getattr(obj, "spec", None), "template", None), "spec", None)
    if template is not None:
        return bool(template.image_pull_secrets)
    # Not in the input (or a bare pod): a list no longer than the ServiceAccount's, all of it, came from it.
    return not (audit.sa_secrets and set(audit.pod_secrets) <= set(audit.sa_secrets))


def _recreate(case: ContainerCase, owner: tuple[str, str] | None) -> str:
    """The command that replaces the pod by a new one, which admission gives the ServiceAccount's secrets."""
    ns, pod = case.work.namespace, case.work.name
    if owner is not None and owner[0] in ("Deployment", "StatefulSet", "DaemonSet"):
        return f"kubectl rollout restart {owner[0].lower()}/{owner[1]} -n {ns}   # new pods get the secret"
    if owner is not None:
        return f"kubectl delete pod {pod} -n {ns}   # the {owner[0]} creates it again, with the secret"
    # The copy keeps the list admission once copied in; without it, admission copies the ServiceAccount's anew.
    strip = (" | kubectl patch --local -f - --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/imagePullSecrets\"}]' "
             "-o json" if case.pod.spec.image_pull_secrets else "")
    return (f"kubectl get pod {pod} -n {ns} -o json{strip} | kubectl replace --force -f -   # re-creates the bare pod; "
            "admission gives it the ServiceAccount's pull secrets")


def server_key(case: ContainerCase) -> str:
    return pullsecrets.needed_key(case.ref) if case.ref else (case.host or "<registry>")


def secret_evidence(case: ContainerCase, audit: pullsecrets.Audit, name: str) -> list[Evidence]:
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


def secret_findings(case: ContainerCase, audit: pullsecrets.Audit, code: str | None) -> list[Finding]:
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
            cmds.append(create_secret_cmd(p.name, server_key(case), ns))
            f = Finding(code="secret.pull-secret-missing", severity=sev,
                        confidence="certain" if code in AUTHISH else conf,
                        cause=cause, evidence=secret_evidence(case, audit, p.name),
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
                        evidence=[*secret_evidence(case, audit, p.name),
                                  Evidence(ref=f"Secret/{ns}/{p.name}", field=".type/.data (keys only)",
                                           observed=p.detail, expected="type kubernetes.io/dockerconfigjson with "
                                           "data key .dockerconfigjson holding {\"auths\": {...}}")],
                        fix=Fix(summary=f"Recreate {p.name!r} as a kubernetes.io/dockerconfigjson secret.",
                                commands=[f"kubectl delete secret {p.name} -n {ns}",
                                          create_secret_cmd(p.name, server_key(case), ns)]),
                        container=case.c.name, details={"secret": p.name, "namespace": ns, "reason": p.detail},
                        group_key=f"secret={ns}/{p.name}", rank=rank)
        else:
            first = p.name.split(", ")[0]
            need = server_key(case)
            hub_hint = ""
            if case.ref is not None and case.ref.is_docker_hub and any("registry-1.docker.io" in k for k in p.keys):
                hub_hint = (" A key for registry-1.docker.io never matches Docker Hub images (3 host labels vs 2, and "
                            "not the index.docker.io fallback).")
            cause = (f"The pull secret(s) {p.name} have credentials, but none the kubelet would use for "
                     f"{case.ref.repository if case.ref else case.c.image!r}: {p.detail}.{hub_hint}{sa_note}")
            f = Finding(code="secret.pull-secret-host-mismatch", severity=sev, confidence=conf, cause=cause,
                        evidence=[*secret_evidence(case, audit, first),
                                  Evidence(ref=f"Secret/{ns}/{first}", field=".data[.dockerconfigjson].auths (keys)",
                                           observed=", ".join(p.keys) or "(none with credentials)", expected=need)],
                        fix=Fix(summary=f"Add credentials keyed {need!r} (the image's registry host).",
                                commands=[f"kubectl delete secret {first} -n {ns}",
                                          create_secret_cmd(first, need, ns)]),
                        container=case.c.name,
                        details={"secrets": p.name.split(", "), "keys": p.keys, "needed": need,
                                 "repository": case.ref.repository if case.ref else None},
                        group_key=f"secret={ns}/{first}", rank=rank)
        out.append(f)
    return out


def no_secret_finding(case: ContainerCase, audit: pullsecrets.Audit, primary: Seen | None, *,
                       rank: int, conf: Confidence, why: str) -> Finding:
    ns = audit.namespace
    server = server_key(case)
    name = "regcred"
    if not audit.pod_secrets_known:
        where = ("`kubectl describe pod` does not print them, so whether the pod names any is not known here: "
                 f"check with `kubectl get pod {case.work.name} -n {ns} -o jsonpath='{{.spec.imagePullSecrets}}'`")
        conf = "possible" if conf == "likely" else conf
        if primary is not None and NO_CREDENTIALS_SENT.search(primary.text):
            why += (f" A pull secret without credentials for {case.host or server} (keyed for another host) fails the "
                    "same way.")
    elif audit.sa_known:
        where = f"neither on the pod nor on ServiceAccount {audit.sa_name!r}"
    else:
        where = (f"ServiceAccount {audit.sa_name!r} was not in the input; the pod's own list is what the kubelet "
                 "uses, since the ServiceAccount's is copied only into new pods")
    has = "shows no" if not audit.pod_secrets_known else "has no"
    cause = (f"The registry {case.host or server} wants credentials for {case.c.image!r} and the pod {has} "
             f"imagePullSecrets ({where}).{why}")
    seen = "(none)" if audit.pod_secrets_known else "(not printed by kubectl describe)"
    ev = [Evidence(ref=case.work.ref, field=".spec.imagePullSecrets", observed=seen,
                   expected=f"a kubernetes.io/dockerconfigjson secret with a key for {server}")]
    if primary is not None:
        ev.append(primary.evidence)
    return Finding(code="secret.no-pull-secret", severity="error" if rank <= RANK_SECRET else "warning",
                   confidence=conf, cause=cause, evidence=ev,
                   fix=Fix(summary=f"Create a docker-registry secret for {server} and give it to the ServiceAccount "
                                   f"{audit.sa_name!r}, then recreate the pod.",
                           commands=[create_secret_cmd(name, server, ns), *attach_cmds(case, audit, name)]),
                   container=case.c.name, details={"registry": case.host, "serviceAccount": audit.sa_name},
                   group_key=f"registry={case.host}", rank=rank)


# Rows where the registry refused credentials that WERE sent (so the node has some).
_CREDENTIALS_SENT_RULES = frozenset({"oauth-token-rejected", "crio-invalid-credentials", "token-not-accepted",
                                     "ecr-token-expired"})


def no_secret_for_auth(case: ContainerCase, audit: pullsecrets.Audit, primary: Seen) -> Finding:
    """An auth-looking refusal and no pull secret anywhere: the root cause for a private registry."""
    host = case.host
    cloud = pullsecrets.node_credential_registry(host)
    if cloud:
        return no_secret_finding(case, audit, primary, rank=RANK_SECONDARY, conf="possible",
                                  why=f" {cloud} normally authenticates with the node's credentials, so a missing pull "
                                      "secret is not necessarily wrong there: check the node's credential provider / "
                                      "IAM role first.")
    if ("attempts" in primary.cls.detail or primary.cls.rule in _CREDENTIALS_SENT_RULES
            or (not audit.pod_secrets_known and CREDENTIALS_REFUSED.search(primary.text))):
        return no_secret_finding(case, audit, primary, rank=RANK_SECONDARY, conf="possible",
                                  why=" The registry refused credentials that were sent, so they came from "
                                      + ("a pull secret or " if not audit.pod_secrets_known else "")
                                      + "the node's configuration; a pull secret with valid credentials would "
                                      "override them.")
    if host in pullsecrets.PUBLIC_HOSTS:
        return no_secret_finding(case, audit, primary, rank=RANK_SECONDARY, conf="possible",
                                  why=f" {host} also hosts public images, so this only matters if the image is "
                                      "private; otherwise the name is wrong.")
    return no_secret_finding(case, audit, primary, rank=RANK_SECRET, conf="likely",
                              why=f" {host} is not a public registry, so credentials are the first thing to provide.")


def audit_sentence(audit: pullsecrets.Audit) -> str:
    if not audit.pod_secrets and not audit.pod_secrets_known:
        return " The pod's imagePullSecrets are not in `kubectl describe` text."
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


# The runtime says it sent no credentials at all (containerd's docker authorizer, `docker pull`).
NO_CREDENTIALS_SENT = re.compile(r"no basic auth credentials")
# containerd's resolver answers a 401 by asking its authorizer for credentials and retrying; without any it
# fails with "no basic auth credentials" (above), and only when the retry WITH credentials is refused again does
# it report the bare status (core/remotes/docker/resolver.go, v1.7-v2.2; both texts produced by the real
# kubelet + containerd in tests/realcluster/test_kubelet.py: no secret vs. a wrong password). Only read so
# when the pod's own pull secrets are unknown (describe text): a token registry that grants an anonymous token
# and then refuses it gives the same bare 401 with nothing configured.
CREDENTIALS_REFUSED = re.compile(r"unexpected status from (?:HEAD|GET) request to \S+: 401 Unauthorized")


def unusable_unseen_secret(case: ContainerCase, audit: pullsecrets.Audit, primary: Seen) -> Finding | None:
    """The pod names pull secrets, the kubelet found them (no FailedToRetrieveImagePullSecret), yet the
    runtime sent no credentials: none of them holds a key the kubelet matches to this registry
    (pkg/credentialprovider keyring lookup, v1.34). With the Secrets in the input the audit names the
    exact problem; without them this is the conclusion the pod and its events already support."""
    names = audit.effective
    if audit.secrets_loaded or not names or audit.reported_missing or not NO_CREDENTIALS_SENT.search(primary.text):
        return None
    ns = audit.namespace
    need = server_key(case)
    listed = ", ".join(repr(n) for n in names)
    where = "the pod names" if audit.source == "pod" else f"ServiceAccount {audit.sa_name!r} gives"
    cause = (f"{where.capitalize()} pull secret(s) {listed}, and the kubelet found them (no "
             "FailedToRetrieveImagePullSecret event), yet the runtime sent no credentials for "
             f"{case.host or need}: none of them has a key the kubelet matches to {need!r}. Most often the secret "
             "is keyed for another host (a typo, `https://`, a port, a mirror's name); otherwise it is not a "
             "kubernetes.io/dockerconfigjson secret (secret.pull-secret-invalid). Secrets were not in the input to "
             "tell which.")
    check = (f"kubectl get secret {names[0]} -n {ns} -o jsonpath='{{.type}}{{\"\\n\"}}{{.data.\\.dockerconfigjson}}'"
             " | tail -1 | base64 -d | jq '.auths | keys'   # the registry keys only, no credentials")
    return Finding(
        code="secret.pull-secret-host-mismatch", severity="error", confidence="likely", rank=RANK_SECRET,
        cause=cause,
        evidence=[Evidence(ref=case.work.ref, field=".spec.imagePullSecrets" if audit.source == "pod"
                           else f"ServiceAccount/{ns}/{audit.sa_name}.imagePullSecrets",
                           observed=", ".join(names), expected=f"a secret with a key for {need}"),
                  primary.evidence],
        fix=Fix(summary=f"Check which registries the secret is keyed for, then recreate it keyed {need!r}.",
                commands=[check, f"kubectl delete secret {names[0]} -n {ns}", create_secret_cmd(names[0], need, ns)]),
        container=case.c.name, details={"secrets": names, "needed": need, "secretsInInput": False},
        group_key=f"secret={ns}/{names[0]}")


def node_credential_commands(host: str) -> list[str]:
    """How to grant the nodes' own identity pull access to a cloud registry (the "not attached" fix), per
    cloud: AKS `--attach-acr` (AcrPull for the kubelet identity), the EKS node role's ECR read-only policy, the
    GKE node service account's Artifact Registry reader role. Placeholders in <> are the cluster's names."""
    h = host.lower()
    if h.endswith((".azurecr.io", ".azurecr.cn")):
        acr = h.split(".", 1)[0]
        return [f"az aks check-acr --name <cluster> --resource-group <resource-group> --acr {h}",
                f"az aks update --name <cluster> --resource-group <resource-group> --attach-acr {acr}"]
    if ".dkr.ecr." in h:
        return ["aws iam list-attached-role-policies --role-name <node-instance-role>",
                "aws iam attach-role-policy --role-name <node-instance-role> "
                "--policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"]
    return ["gcloud projects add-iam-policy-binding <project> --member=serviceAccount:<node-service-account> "
            "--role=roles/artifactregistry.reader"]


def not_attached(cloud: str, host: str) -> tuple[str, str, list[str]]:
    """(cause sentence, fix summary, commands) for an anonymous refusal by a cloud registry whose pulls
    authenticate with the node's identity: that identity has no pull access ("registry not attached"), unless
    the image is missing. Ranked before any missing pull secret: a secret is not how these registries work."""
    return (f" {cloud}: pulls normally authenticate with the node's identity, so an anonymous refusal means that "
            "identity has no pull access (the registry is not attached to the cluster), unless the image does "
            "not exist.",
            f"Grant the nodes' identity pull access to {host} (attach the registry), or fix the name and tag if "
            "the image does not exist.",
            node_credential_commands(host))
