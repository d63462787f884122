"""Pod Security admission rejections: every failed check and the securityContext that fixes it.

Message form (semantics A5.2): `violates PodSecurity %q: %s` (1.23+; 1.22 alpha `pod violates ...`),
the policy as `level:version` and the failed checks as `<check> (<explanation>)` joined by `, `
(staging/src/k8s.io/pod-security-admission/admission/admission.go; check names and explanations
from pod-security-admission/policy/check_*.go, 1.25-1.35). Baseline checks: privileged, host
namespaces, hostPath volumes, hostPort, non-default capabilities, sysctls, procMount, seLinuxOptions,
appArmor profile. Restricted adds: allowPrivilegeEscalation != false, unrestricted capabilities,
runAsNonRoot != true, runAsUser=0, seccompProfile, restricted volume types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from podwhy.analyzers.workloads.common import Failure, Target
from podwhy.findings import Finding, Fix
from podwhy.model import PodSpec

VIOLATES = re.compile(r'violates PodSecurity "(?P<policy>[^"]+)": (?P<checks>.*)$', re.S)
CONTAINERS = re.compile(r'containers? ((?:"[^"]+"(?:, | and )?)+)')
QUOTED = re.compile(r'"([^"]+)"')

RESTRICTED_ONLY = frozenset({"allowPrivilegeEscalation != false", "unrestricted capabilities", "runAsNonRoot != true",
                             "runAsUser=0", "seccompProfile", "restricted volume types"})


@dataclass
class Check:
    name: str
    detail: str
    containers: list[str] = field(default_factory=list)


def split_checks(text: str) -> list[Check]:
    """Split `a (x, y), b (z)` at top-level commas."""
    items, depth, cur = [], 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        if depth == 0 and text.startswith(", ", i):
            items.append(cur)
            cur = ""
            i += 2
            continue
        cur += ch
        i += 1
    if cur.strip():
        items.append(cur)
    out = []
    for it in items:
        it = it.strip().rstrip(".")
        name, paren, rest = it.partition(" (")
        detail = rest[:-1] if paren and rest.endswith(")") else ""
        cs: list[str] = []
        for m in CONTAINERS.finditer(detail):
            cs += [c for c in QUOTED.findall(m.group(1)) if c not in cs]
        out.append(Check(name.strip(), detail, cs))
    return out


@dataclass
class Patch:
    pod: dict[str, str] = field(default_factory=dict)  # yaml lines under securityContext (pod level)
    pod_spec: dict[str, str] = field(default_factory=dict)  # e.g. hostNetwork: false
    containers: dict[str, dict[str, str]] = field(default_factory=dict)
    manual: list[str] = field(default_factory=list)

    def container(self, name: str) -> dict[str, str]:
        return self.containers.setdefault(name, {})


def _fix_for(c: Check, p: Patch) -> str:
    """Record the fields that fix check `c`; return the human text."""
    names = c.containers or ["<container>"]
    n = c.name
    if n == "allowPrivilegeEscalation != false":
        for x in names:
            p.container(x)["allowPrivilegeEscalation"] = "false"
        return "securityContext.allowPrivilegeEscalation: false on " + ", ".join(names)
    if n == "unrestricted capabilities":
        for x in names:
            p.container(x)["capabilities"] = 'drop: ["ALL"]'
        return 'securityContext.capabilities.drop: ["ALL"] (add back only NET_BIND_SERVICE) on ' + ", ".join(names)
    if n == "runAsNonRoot != true":
        p.pod["runAsNonRoot"] = "true"
        return "securityContext.runAsNonRoot: true (pod level; the image must run as a non-zero UID)"
    if n == "runAsUser=0":
        p.pod["runAsUser"] = "1000"
        return "a non-zero securityContext.runAsUser (e.g. 1000) instead of 0"
    if n == "seccompProfile":
        p.pod["seccompProfile"] = "type: RuntimeDefault"
        return "securityContext.seccompProfile.type: RuntimeDefault (pod level)"
    if n == "privileged":
        for x in names:
            p.container(x)["privileged"] = "false"
        return "securityContext.privileged: false on " + ", ".join(names)
    if n == "host namespaces":
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if key in c.detail:
                p.pod_spec[key] = "false"
        keys = [k for k in ("hostNetwork", "hostPID", "hostIPC") if k in c.detail] or ["hostNetwork"]
        return ", ".join(f"{k}: false" for k in keys) + " in the pod spec"
    if n in ("hostPath volumes", "restricted volume types"):
        p.manual.append(f"replace the volumes named in: {c.detail}")
        return f"replace those volumes ({c.detail}) with allowed types (configMap, secret, emptyDir, PVC, projected...)"
    if n == "hostPort":
        p.manual.append(f"remove hostPort from: {c.detail}")
        return f"remove the hostPort settings ({c.detail})"
    if n == "non-default capabilities":
        p.manual.append(f"drop the added capabilities: {c.detail}")
        return f"remove the capabilities.add entries ({c.detail})"
    p.manual.append(f"{n}: {c.detail}")
    return f"{n}: {c.detail}" if c.detail else n


def _container_lines(name: str, fields: dict[str, str]) -> list[str]:
    lines = [f"      - name: {name}", "        securityContext:"]
    for k, v in fields.items():
        if ":" in v:
            lines += [f"          {k}:", f"            {v}"]
        else:
            lines.append(f"          {k}: {v}")
    return lines


def _yaml(p: Patch, init_names: frozenset[str]) -> str:
    """A strategic-merge patch of the pod template (containers merge by name; init containers in their own list)."""
    lines = ["spec:", "  template:", "    spec:"]
    for k, v in p.pod_spec.items():
        lines.append(f"      {k}: {v}")
    if p.pod:
        lines.append("      securityContext:")
        for k, v in p.pod.items():
            if ":" in v:
                lines += [f"        {k}:", f"          {v}"]
            else:
                lines.append(f"        {k}: {v}")
    for key, pick in (("initContainers", True), ("containers", False)):
        chosen = {n: f for n, f in p.containers.items() if (n in init_names) == pick}
        if chosen:
            lines.append(f"      {key}:")
            for name, fields in chosen.items():
                lines += _container_lines(name, fields)
    return "\n".join(lines) + "\n"


def analyze(failure: Failure, tgt: Target, via: str, spec: PodSpec | None = None) -> Finding | None:
    m = VIOLATES.search(failure.cause)
    if m is None:
        return None
    policy = m.group("policy")
    checks = split_checks(m.group("checks"))
    p = Patch()
    init_names = frozenset(c.name for c in spec.init_containers) if spec is not None else frozenset()
    fixes = [(c, _fix_for(c, p)) for c in checks]
    level = policy.split(":", 1)[0]
    only_restricted = all(c.name in RESTRICTED_ONLY for c in checks)
    ns = tgt.namespace
    listing = "; ".join(f"{c.name}" + (f" ({c.detail})" if c.detail else "") for c in checks)
    cmds = [tgt.patch("--type strategic --patch-file podsecurity-fix.yaml",
                      "the patch below, saved as podsecurity-fix.yaml")]
    if level == "restricted":
        lower = "baseline" if only_restricted else "privileged"
        cmds.append(f"# or, if this workload needs it: kubectl label namespace {ns} "
                    f"pod-security.kubernetes.io/enforce={lower} --overwrite")
    cause = (f"Pod Security admission enforces {policy!r} on namespace {ns!r} and rejects every pod of {via}; "
             f"{len(checks)} check(s) fail: {listing}.")
    return Finding(
        code="create.admission-denied", severity="error", confidence="certain", rank=20, cause=cause,
        evidence=[failure.evidence], group_key=f"podsecurity={ns}/{policy}",
        details={"admission": "PodSecurity", "policy": policy,
                 "checks": [{"check": c.name, "detail": c.detail, "containers": c.containers, "fix": f}
                            for c, f in fixes]},
        fix=Fix(summary=(f"Set these securityContext fields in the pod template of {tgt.desc}: " +
                         "; ".join(f for _, f in fixes) + "."),
                commands=cmds, patches=[_yaml(p, init_names)]))
