"""ResourceQuota rejections, re-derived from the quota objects and the pod template.

Message forms (semantics A5.2), from staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/
controller.go (1.14-1.35) and pkg/quota/v1/evaluator/core/pods.go:
  `exceeded quota: %s, requested: %s, used: %s, limited: %s`  (lists `name=qty` joined by `,`, sorted;
      capitalised `Exceeded quota:` in pre-1.9 Kubernetes and OpenShift 3.x)
  `failed quota: %s: must specify %s`  (<=1.23: `limits.cpu,limits.memory`;
      >=1.24, PR #107210: `limits.cpu for: app,sidecar; limits.memory for: app`)
  `status unknown for quota: %s`, `insufficient quota to consume: %v`
Usage of one pod (pods.go PodUsageFunc): `pods`/`count/pods` = 1; `cpu`/`requests.cpu`,
`memory`/`requests.memory`, `requests.<extended>` from the effective requests
(component-helpers resource.PodRequests, `podwhy.analyzers.resources`), `limits.*` from
PodLimits; after API defaulting and LimitRange defaults (limitrange.apply_defaults).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from podwhy.analyzers.resources import pod_limits, pod_requests
from podwhy.analyzers.shellarg import json_arg
from podwhy.analyzers.workloads.common import Failure, Target
from podwhy.analyzers.workloads.limitrange import apply_defaults
from podwhy.findings import Confidence, Evidence, Finding, Fix
from podwhy.model import LimitRange, PodSpec, ResourceQuota
from podwhy.quantity import format_resource, scheduler_units

EXCEEDED = re.compile(
    r"[Ee]xceeded quota: (?P<name>[^,]+), requested: (?P<req>.*?), used: (?P<used>.*?), limited: (?P<lim>[^\s]+?)"
    r"(?=$|\s|\.$|\])")
MUST_SPECIFY = re.compile(r"failed quota: (?P<name>[^:]+): must specify (?P<what>.+?)\.?$")
OTHER = re.compile(r"(status unknown for quota: \S+|insufficient quota to consume: .+|"
                   r"quota usage is negative for resource\(s\): .+)")

COMPUTE = ("cpu", "memory", "ephemeral-storage")


def base_resource(name: str) -> str:
    """`requests.cpu` -> cpu, `limits.memory` -> memory, `requests.nvidia.com/gpu` -> nvidia.com/gpu."""
    for p in ("requests.", "limits."):
        if name.startswith(p):
            return name[len(p):]
    return name


def units(name: str, q: object) -> int | None:
    if not isinstance(q, str | int | float | Fraction):
        return None  # not a quantity the API would accept
    try:
        return scheduler_units(base_resource(name), q)
    except (ValueError, TypeError):
        return None


def fmt(name: str, amount: int | Fraction) -> str:
    return format_resource(base_resource(name), amount)


def parse_list(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(","):
        k, sep, v = part.strip().partition("=")
        if sep:
            out[k] = v
    return out


def pod_usage(spec: PodSpec) -> dict[str, int]:
    """What one pod from this template charges to a quota, in scheduler units."""
    req, lim = pod_requests(spec), pod_limits(spec)
    out: dict[str, int] = {"pods": 1, "count/pods": 1}
    for k, v in req.items():
        out[f"requests.{k}"] = v
        if k in COMPUTE:
            out[k] = v
    for k, v in lim.items():
        out[f"limits.{k}"] = v
    return out


@dataclass
class Row:
    resource: str
    hard: int | None
    used: int | None
    requested: int | None
    message_requested: str = ""
    template: int | None = None

    @property
    def over(self) -> int | None:
        if None in (self.hard, self.used, self.requested):
            return None
        return self.used + self.requested - self.hard  # type: ignore[operator]

    @property
    def headroom(self) -> int | None:
        if self.hard is None or self.used is None:
            return None
        return self.hard - self.used

    def as_dict(self, missing: int) -> dict[str, object]:
        def f(v: int | None) -> str | None:
            return fmt(self.resource, v) if v is not None else None

        need_all = (self.used + self.requested * missing) if self.used is not None and self.requested is not None \
            else None
        return {"resource": self.resource, "hard": f(self.hard), "used": f(self.used),
                "requestedPerPod": f(self.requested), "headroom": f(self.headroom), "over": f(self.over),
                "missingPods": missing, "hardNeededForAll": f(need_all)}


def _quota_values(q: ResourceQuota, res: str) -> tuple[int | None, int | None]:
    hard_q = q.status.hard.get(res, q.spec.hard.get(res))
    used_q = q.status.used.get(res)
    return (units(res, hard_q) if hard_q is not None else None,
            units(res, used_q) if used_q is not None else None)


def exceeded(failure: Failure, tgt: Target, via: str, spec: PodSpec | None, quotas: list[ResourceQuota] | None,
             lrs: list[LimitRange], missing: int) -> Finding | None:
    m = EXCEEDED.search(failure.cause)
    if m is None:
        return None
    ns = tgt.namespace
    name = m.group("name").strip()
    req_m, used_m, lim_m = parse_list(m.group("req")), parse_list(m.group("used")), parse_list(m.group("lim"))
    quota = next((q for q in quotas or [] if q.metadata.name == name), None)
    usage = pod_usage(apply_defaults(spec, lrs)) if spec is not None else {}
    rows: list[Row] = []
    for res in lim_m:
        hard, used = units(res, lim_m[res]), units(res, used_m.get(res, "0"))
        if quota is not None:
            qh, qu = _quota_values(quota, res)
            hard = qh if qh is not None else hard
            used = qu if qu is not None else used
        # What the API server charged wins; the template's own usage is the fallback and a cross-check.
        requested = units(res, req_m[res]) if res in req_m else usage.get(res)
        rows.append(Row(res, hard, used, requested, req_m.get(res, ""), usage.get(res)))
    ev = [failure.evidence]
    if quota is not None:
        ev.append(Evidence(ref=f"ResourceQuota/{ns}/{name}", field=".status.used / .status.hard",
                           observed=", ".join(f"{r.resource}: used {fmt(r.resource, r.used or 0)} of "
                                              f"{fmt(r.resource, r.hard or 0)}" for r in rows)))
    one = "this claim" if failure.raw.lstrip().startswith("create Claim ") else "this pod"
    parts: list[str] = []
    cmds_template: list[str] = []
    lower_ok = True
    raise_to: list[str] = []
    for r in rows:
        if r.hard is None or r.used is None or r.requested is None:
            parts.append(f"{r.resource}: requested {r.message_requested}")
            continue
        over = r.over or 0
        need_all = r.used + r.requested * missing
        s = (f"{r.resource}: used {fmt(r.resource, r.used)} + {one} {fmt(r.resource, r.requested)} = "
             f"{fmt(r.resource, r.used + r.requested)} > hard {fmt(r.resource, r.hard)} "
             f"(over by {fmt(r.resource, over)}; {fmt(r.resource, max(r.headroom or 0, 0))} left)")
        parts.append(s)
        raise_to.append(f"{r.resource}={fmt(r.resource, max(need_all, r.hard))}")
        if (r.headroom or 0) // missing <= 0 or r.resource in ("pods", "count/pods") or \
                base_resource(r.resource) not in COMPUTE:
            lower_ok = False
    what = "the PersistentVolumeClaims" if failure.raw.lstrip().startswith("create Claim ") else "every new pod"
    cause = (f"ResourceQuota {name!r} rejects {what} of {via}: " + "; ".join(parts) +
             (f". {missing} pod(s) are missing." if missing > 1 else "."))
    conf: Confidence = "certain"
    known = [r for r in rows if r.over is not None]
    if quota is not None and known and all((r.over or 0) <= 0 for r in known):
        cause += (" Recomputed from the quota's current status the pod now fits (usage dropped since the event); "
                  "the controller retries on its own.")
        conf = "likely"
    for r in rows:
        if r.message_requested and r.template is not None and r.requested is not None and r.template != r.requested:
            cause += (f" (The API server counted {r.resource}={r.message_requested} per pod but the template gives "
                      f"{fmt(r.resource, r.template)}: LimitRange defaults or a mutating webhook change the pod.)")
    # The API server stops at the first quota that fails: say which others would reject the pod next.
    also = _also_exceeded(quotas or [], name, usage) if "pod" in what else []
    if also:
        cause += " Also over after that: " + "; ".join(f"ResourceQuota {q!r} {res}" for q, res, _ in also) + "."
    quota_ref = f"resourcequota/{name}"
    cmds = [f"kubectl describe {quota_ref} -n {ns}"]
    if raise_to:
        patch_hard = ",".join(f'"{kv.split("=")[0]}":"{kv.split("=")[1]}"' for kv in raise_to)
        cmds.append(f"kubectl patch {quota_ref} -n {ns} --type merge -p '{{\"spec\":{{\"hard\":{{{patch_hard}}}}}}}'")
    if lower_ok and rows and spec is not None:
        per = []
        for r in rows:
            base = base_resource(r.resource)
            if r.headroom is None or base not in COMPUTE or r.resource in ("pods", "count/pods"):
                continue
            kind = "--limits" if r.resource.startswith("limits.") else "--requests"
            # What fits: the headroom shared by the missing pods.
            per.append((kind, f"{base}={fmt(r.resource, r.headroom // missing)}"))
        if per and len(spec.containers) == 1:
            c = spec.containers[0].name
            if tgt.immutable:
                # `kubectl set resources` would patch the Job's immutable template: one re-creation instead.
                job_res = {kind.removeprefix("--"): dict(v.split("=", 1) for k, v in per if k == kind)
                       for kind in ("--requests", "--limits") if any(k == kind for k, _ in per)}
                body = {"spec": {"template": {"spec": {"containers": [{"name": c, "resources": job_res}]}}}}
                cmds_template.append(tgt.patch(f"--type strategic -p {json_arg(body)}"))
            for kind in ("--requests", "--limits"):
                vals = [v for k, v in per if k == kind]
                if vals and not tgt.immutable:
                    cmds_template.append(f"kubectl set resources {tgt.ref} -n {ns} -c {c} {kind}={','.join(vals)}")
    summary = (f"Raise ResourceQuota {name!r} (to fit all {missing} missing pod(s): " + ", ".join(raise_to) + ")"
               if raise_to else f"Raise ResourceQuota {name!r}")
    summary += (f", or lower the per-pod resources of {tgt.desc} so the missing pods fit the headroom left" if cmds_template else
                ", or free quota by scaling down/deleting other workloads in the namespace")
    summary += "."
    return Finding(
        code="create.quota-exceeded", severity="error", confidence=conf, rank=20, cause=cause, evidence=ev,
        group_key=f"quota={ns}/{name}",
        details={"quota": name, "recomputed": quota is not None and spec is not None,
                 "message": {"requested": req_m, "used": used_m, "limited": lim_m},
                 "resources": [r.as_dict(missing) for r in rows],
                 "alsoExceeded": [{"quota": q, "resource": res, "over": over} for q, res, over in also]},
        fix=Fix(summary=summary, commands=cmds + cmds_template))


def _split(res: str) -> tuple[str, str]:
    """`limits.cpu` -> (limits, cpu); a bare `cpu`/`memory` quota name means requests (pods.go)."""
    which, dot, base = res.partition(".")
    if not dot or which not in ("requests", "limits"):
        return "requests", res
    return which, base


def _also_exceeded(quotas: list[ResourceQuota], skip: str, usage: dict[str, int]) -> list[tuple[str, str, str]]:
    """(quota, resource, over-by) for the other scope-less quotas one more pod would exceed."""
    out = []
    for q in quotas:
        if q.metadata.name == skip or q.spec.scopes or q.spec.scope_selector is not None:
            continue
        for res in sorted(set(q.status.hard) | set(q.spec.hard)):
            if res not in usage:
                continue
            hard, used = _quota_values(q, res)
            if hard is not None and used is not None and used + usage[res] > hard:
                out.append((q.metadata.name, res, fmt(res, used + usage[res] - hard)))
    return out


def _placeholder(res: str) -> str:
    return {"cpu": "500m", "memory": "512Mi", "ephemeral-storage": "1Gi"}.get(res, "1")


def must_specify(failure: Failure, tgt: Target, via: str, spec: PodSpec | None, lrs: list[LimitRange]) -> Finding | None:
    m = MUST_SPECIFY.search(failure.cause)
    if m is None:
        return None
    ns, name, what = tgt.namespace, m.group("name").strip(), m.group("what").strip()
    needed: dict[str, list[str]] = {}  # resource name (limits.cpu) -> containers
    if " for: " in what:
        for part in what.split("; "):
            res, _, names = part.partition(" for: ")
            needed[res.strip()] = [n for n in names.split(",") if n]
    else:
        dspec = apply_defaults(spec, lrs) if spec is not None else None
        for res in (r.strip() for r in what.split(",") if r.strip()):
            lacking: list[str] = []
            if dspec is not None:
                which, base = _split(res)
                for ctr in (*dspec.init_containers, *dspec.containers):
                    rl = ctr.resources.limits if which == "limits" else ctr.resources.requests
                    if base not in rl:
                        lacking.append(ctr.name)
            needed[res] = lacking
    by_container: dict[str, dict[str, dict[str, str]]] = {}
    for res, cs in needed.items():
        which, base = _split(res)
        for cname in cs or ["<container>"]:
            value = _placeholder(base)
            if spec is not None:
                cont = next((x for x in (*spec.init_containers, *spec.containers) if x.name == cname), None)
                if cont is not None:
                    other = cont.resources.requests if which == "limits" else cont.resources.limits
                    if base in other:
                        value = str(other[base])
            by_container.setdefault(cname, {}).setdefault(which, {})[base] = value
    listing = "; ".join(f"{res} for {', '.join(repr(c) for c in cs) or 'its containers'}" for res, cs in needed.items())
    init_names = {c.name for c in spec.init_containers} if spec is not None else set()
    lines = ["spec:", "  template:", "    spec:"]
    cmds = []
    for key, pick in (("initContainers", True), ("containers", False)):
        chosen = [(n, k) for n, k in by_container.items() if (n in init_names) == pick]
        if chosen:
            lines.append(f"      {key}:")
        for cname, kinds in chosen:
            lines += [f"      - name: {cname}", "        resources:"]
            for which, vals in kinds.items():
                lines.append(f"          {which}:")
                lines += [f"            {k}: {v}" for k, v in vals.items()]
                flag = "--limits" if which == "limits" else "--requests"
                if pick or tgt.immutable:
                    continue  # init containers: the patch (older kubectl set resources skips them); a Job: re-created
                cmds.append(f"kubectl set resources {tgt.ref} -n {ns} -c {cname} {flag}="
                            + ",".join(f"{k}={v}" for k, v in vals.items()))
    cmds.append(tgt.patch("--type strategic --patch-file resources-fix.yaml",
                          "or: the patch below, saved as resources-fix.yaml"))
    cause = (f"ResourceQuota {name!r} tracks these resources, so every container must declare them, and "
             f"the pod template of {via} does not: missing {listing}.")
    return Finding(
        code="create.quota-exceeded", severity="error", confidence="certain", rank=20, cause=cause,
        evidence=[failure.evidence], group_key=f"quota={ns}/{name}",
        details={"quota": name, "mustSpecify": needed},
        fix=Fix(summary=(f"Declare the missing requests/limits in the containers of {tgt.desc} (values shown are "
                         "placeholders: pick real ones), or add a LimitRange with defaults in the namespace."),
                commands=cmds, patches=["\n".join(lines) + "\n"]))


def other(failure: Failure, tgt: Target, via: str) -> Finding | None:
    m = OTHER.search(failure.cause)
    if m is None:
        return None
    return Finding(
        code="create.quota-exceeded", severity="error", confidence="likely", rank=20,
        cause=f"The ResourceQuota admission plugin refused pods of {via}: {m.group(1)}.",
        evidence=[failure.evidence], group_key=f"quota={tgt.namespace}/?",
        fix=Fix(summary="Check the namespace's quotas (status is recomputed by kube-controller-manager).",
                commands=[f"kubectl describe resourcequota -n {tgt.namespace}"]))
