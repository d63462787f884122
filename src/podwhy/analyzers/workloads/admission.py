"""Other admission rejections of a controller's pods: webhooks, ServiceAccount, legacy policies.

Texts (semantics A5.2):
* staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/errors/statuserror.go (1.14-1.35):
  `admission webhook %q denied the request: %s` / `admission webhook %q denied the request without explanation`
* .../util/webhook/error.go + validating/dispatcher.go: `Internal error occurred: failed calling webhook %q:
  failed to call webhook: Post "https://svc.ns.svc:443/...": <url.Error>` (older: without `failed to call webhook`
  and without quotes around the URL)
* plugin/pkg/admission/serviceaccount/admission.go: `error looking up service account %s/%s: %v`,
  `service account %s/%s was not found, retry after the service account is created`
* PodSecurityPolicy (<=1.24): `unable to validate against any pod security policy: [...]`; OpenShift SCC:
  `unable to validate against any security context constraint: [...]`
* plugin/pkg/admission/priority/admission.go: `no PriorityClass with name %v was found`
* plugin/pkg/admission/runtimeclass/admission.go: `pod rejected: RuntimeClass %q not found`
* NamespaceLifecycle: `unable to create new content in namespace %s because it is being terminated`
"""

from __future__ import annotations

import re

from podwhy.analyzers.base import Context
from podwhy.analyzers.workloads.common import Failure, Target
from podwhy.findings import Confidence, Evidence, Finding, Fix

DENIED = re.compile(r'admission webhook "(?P<hook>[^"]+)" denied the request(?::\s*(?P<msg>.*)| without explanation)',
                    re.S)
# 1.9-1.13 said `failed calling admission webhook %q`.
CALL_FAILED = re.compile(r'failed calling (?:admission )?webhook "(?P<hook>[^"]+)": (?P<err>.*)', re.S)
SVC_URL = re.compile(r"https://(?P<svc>[a-z0-9-]+)\.(?P<ns>[a-z0-9-]+)\.svc(?::\d+)?(?P<path>/[^\s\"?:]*)?")
SA_LOOKUP = re.compile(r"error looking up service account (?P<ns>[^/\s]+)/(?P<sa>[^:\s]+)(?:: (?P<err>.*))?")
SA_MISSING = re.compile(r"service account (?P<ns>[^/\s]+)/(?P<sa>\S+) was not found, retry after the service "
                        r"account is created")
# 1.19-1.24 wording: `PodSecurityPolicy: unable to admit pod: [...]`; earlier: `unable to validate against any
# pod security policy: [...]`; OpenShift: `unable to validate against any security context constraint: [...]`.
PSP = re.compile(r"(?:unable to validate against any (?P<what>pod security policy|security context constraint)|"
                 r"(?P<what2>PodSecurityPolicy): unable to admit pod): (?P<d>.*)", re.S)
PRIORITY = re.compile(r"no PriorityClass with name (?P<name>\S+) was found")
RUNTIMECLASS = re.compile(r'RuntimeClass "(?P<name>[^"]+)" not found')
# Admission plugins that reject a pod naming a cluster-scoped class that does not exist:
# (pattern, plugin, kind, pod field). plugin/pkg/admission/priority/admission.go and
# plugin/pkg/admission/runtimeclass/admission.go (v1.35).
_MISSING_CLASS = (
    (PRIORITY, "Priority", "PriorityClass", "priorityClassName"),
    (RUNTIMECLASS, "RuntimeClass", "RuntimeClass", "runtimeClassName"),
)
NS_TERMINATING = re.compile(r"unable to create new content in namespace (?P<ns>\S+) because it is being terminated")

_SLOW = "the webhook did not answer in time (pods overloaded, or a NetworkPolicy/firewall blocks the API server)"
# First match wins; matched against the error with the webhook URL cut out (it holds `?timeout=10s`).
_DOWN = (
    ("x509", "the webhook's TLS certificate is not trusted by its caBundle (expired or rotated certificate)"),
    ("connection refused", "nothing listens behind the webhook's Service (pods down or wrong port)"),
    ("no endpoints available", "the webhook's Service has no ready endpoints (webhook pods not running)"),
    ("no such host", "the webhook's Service name does not resolve from the API server"),
    ("not found", "the webhook's Service does not exist"),
    ("context deadline exceeded", _SLOW),
    ("Timeout exceeded", _SLOW),
    ("request canceled", _SLOW),
    ("i/o timeout", "the API server cannot reach the webhook (network policy, firewall, or control plane egress)"),
)
_URL = re.compile(r'"?https?://\S+')


def _hook_cmds(hook: str) -> list[str]:
    return ["kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations "
            f"-o custom-columns=NAME:.metadata.name,WEBHOOKS:.webhooks[*].name | grep -F {hook}"]


def webhook(failure: Failure, tgt: Target, via: str) -> Finding | None:
    text = failure.cause
    m = DENIED.search(text)
    ns = tgt.namespace
    if m is not None:
        hook, msg = m.group("hook"), (m.group("msg") or "").strip()
        said = f": {msg}" if msg else " without explanation"
        return Finding(
            code="create.admission-denied", severity="error", confidence="certain", rank=20,
            cause=f"Admission webhook {hook!r} rejects every pod of {via}{said}",
            evidence=[failure.evidence], group_key=f"webhook={hook}",
            details={"admission": "webhook", "webhook": hook, "message": msg},
            fix=Fix(summary=(f"Change the pod template of {tgt.desc} to satisfy the policy behind {hook!r} (quoted), "
                             "or ask its owners for an exception; the webhook configuration names the service."),
                    commands=[*_hook_cmds(hook), f"kubectl get events -n {ns} --field-selector reason=FailedCreate"]))
    m2 = CALL_FAILED.search(text)
    if m2 is None:
        return None
    hook, err = m2.group("hook"), m2.group("err")
    bare = _URL.sub("<url>", err)
    why = next((w for k, w in _DOWN if k in bare), "the API server could not call it")
    svc = SVC_URL.search(err)
    cmds = _hook_cmds(hook)
    ev = [failure.evidence]
    if svc is not None:
        cmds = [f"kubectl get service,endpoints {svc.group('svc')} -n {svc.group('ns')}",
                f"kubectl get pods -n {svc.group('ns')}", *cmds]
    return Finding(
        code="create.admission-denied", severity="error", confidence="certain", rank=20,
        cause=(f"Pods of {via} cannot be created because admission webhook {hook!r} is failing and its failurePolicy "
               f"is Fail: {why}" + (f" (service {svc.group('ns')}/{svc.group('svc')})" if svc else "") + "."),
        evidence=ev, group_key=f"webhook={hook}",
        details={"admission": "webhook-unavailable", "webhook": hook, "error": err,
                 "service": f"{svc.group('ns')}/{svc.group('svc')}" if svc else None},
        fix=Fix(summary=("Bring the webhook's pods/Service back (or fix its certificate); as a stop-gap an admin can "
                         "set its failurePolicy to Ignore or delete a stale webhook configuration of an "
                         "uninstalled tool."), commands=cmds))


def service_account(ctx: Context, failure: Failure, tgt: Target, via: str) -> Finding | None:
    text = failure.cause
    m = SA_MISSING.search(text) or SA_LOOKUP.search(text)
    if m is None:
        return None
    ns, sa = m.group("ns"), m.group("sa")
    snap = ctx.snapshot
    ev = [failure.evidence]
    conf: Confidence = "certain"
    note = ""
    if snap.has("ServiceAccount"):
        if snap.get("ServiceAccount", ns, sa) is None:
            ev.append(Evidence(ref=f"ServiceAccount/{ns}/{sa}", observed="not found",
                               expected="the ServiceAccount named by the pod template"))
        else:
            note = " (it exists now: the controller retries with back-off, so pods should appear shortly)"
            conf = "likely"
    return Finding(
        code="create.admission-denied", severity="error", confidence=conf, rank=20,
        cause=(f"The ServiceAccount admission plugin rejects pods of {via}: ServiceAccount {sa!r} does not exist in "
               f"namespace {ns!r}{note}."),
        evidence=ev, group_key=f"serviceaccount={ns}/{sa}",
        details={"admission": "ServiceAccount", "serviceAccount": f"{ns}/{sa}"},
        fix=Fix(summary=f"Create the ServiceAccount, or point serviceAccountName in {tgt.desc} at an existing one.",
                commands=[f"kubectl create serviceaccount {sa} -n {ns}",
                          f"kubectl get serviceaccounts -n {ns}"]))


def other(failure: Failure, tgt: Target, via: str) -> Finding | None:
    text = failure.cause
    ns = tgt.namespace
    m = PSP.search(text)
    if m is not None:
        what = m.group("what") or m.group("what2") or ""
        kind = "SecurityContextConstraints" if what.startswith("security") else "PodSecurityPolicy"
        cmd = ("kubectl get psp" if kind == "PodSecurityPolicy" else
               f"oc adm policy who-can use scc -n {ns}   # or: oc get scc")
        return Finding(
            code="create.admission-denied", severity="error", confidence="certain", rank=20,
            cause=f"No {kind} admits the pods of {via}: {m.group('d').strip()}",
            evidence=[failure.evidence], group_key=f"{kind.lower()}={ns}",
            details={"admission": kind},
            fix=Fix(summary=(f"Make the pod template satisfy a {kind} its ServiceAccount may use (the listed "
                             "fields), or grant the ServiceAccount a suitable one."), commands=[cmd]))
    for rx, plugin, kind, field in _MISSING_CLASS:
        m = rx.search(text)
        if m is not None:
            name = m.group("name")
            return Finding(
                code="create.admission-denied", severity="error", confidence="certain", rank=20,
                cause=f"The {plugin} admission plugin rejects pods of {via}: {kind} {name!r} does not exist.",
                evidence=[failure.evidence], group_key=f"{kind.lower()}={name}",
                fix=Fix(summary=f"Create the {kind} or fix {field} in the pod template.",
                        commands=[f"kubectl get {kind.lower()}es"]))
    m = NS_TERMINATING.search(text)
    if m is not None:
        return Finding(
            code="create.admission-denied", severity="error", confidence="certain", rank=20,
            cause=f"Namespace {m.group('ns')!r} is being deleted, so no new pods of {via} can be created.",
            evidence=[failure.evidence], group_key=f"namespace={m.group('ns')}",
            fix=Fix(summary="Wait for the namespace deletion to finish (check stuck finalizers), then recreate.",
                    commands=[f"kubectl get namespace {m.group('ns')} -o yaml"]))
    if failure.forbidden:
        return Finding(
            code="create.admission-denied", severity="error", confidence="likely", rank=20,
            cause=f"The API server forbids creating pods of {via}: {text}",
            evidence=[failure.evidence], group_key=f"forbidden={ns}/{tgt.name}",
            fix=Fix(summary="The quoted admission message names the rule; change the pod template to satisfy it.",
                    commands=[f"kubectl describe {tgt.ref} -n {ns}"]))
    return None
