"""LimitRange: the defaults it writes into a pod and the min/max/ratio checks that reject it.

Mirrors plugin/pkg/admission/limitranger/admission.go (1.14-1.35): mutating first
(defaultContainerResourceRequirements + mergeContainerResources: a missing limit gets `default`, a
missing request gets `defaultRequest`), after API defaulting (pkg/apis/core/v1/defaults.go
SetDefaults_Pod: a container's missing request per resource = its limit); then validation per
LimitRangeItem type Container/Pod:
  `minimum %s usage per %s is %s, but request is %s`
  `maximum %s usage per %s is %s, but limit is %s`
  `maximum %s usage per %s is %s.  No limit is specified` (two spaces)
  `minimum %s usage per %s is %s.  No request is specified`
  `%s max limit to request ratio per %s is %s, but provided ratio is %f`
Older servers end each with `.`; several violations aggregate (utilerrors) as `[a, b]`. Some old
servers compared requests to max (`maximum ... but request is ...`). LimitRange objects themselves
are defaulted at creation (SetDefaults_LimitRangeItem: default <- max, defaultRequest <- default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import msgspec

from podwhy.analyzers.shellarg import json_arg
from podwhy.analyzers.workloads.common import Failure, Target
from podwhy.findings import Evidence, Finding, Fix
from podwhy.model import Container, LimitRange, PodSpec
from podwhy.model.base import QuantityValue
from podwhy.model.policy import LimitRangeItem
from podwhy.quantity import format_cpu, format_resource, milli, try_parse, value

VIOLATION = re.compile(
    r"(?P<kind>minimum|maximum) (?P<res>\S+) usage per (?P<type>\w+) is (?P<bound>\S+?)"
    r"(?:, but (?P<which>request|limit) is (?P<actual>\S+?)|\.\s+No (?P<none>limit|request) is specified)\.?"
    r"(?=$|, (?:minimum|maximum|\S+ max limit)|\])"
    r"|(?P<rres>\S+) max limit to request ratio per (?P<rtype>\w+) is (?P<rbound>\S+?), but provided ratio is "
    r"(?P<ractual>[0-9.]+)\.?"
)


@dataclass
class Violation:
    kind: str  # "min" | "max" | "ratio"
    resource: str
    type: str  # Container | Pod | PersistentVolumeClaim
    bound: str
    actual: str  # "" when nothing was specified
    which: str  # "request" | "limit"
    text: str


def parse(text: str) -> list[Violation]:
    out = []
    for m in VIOLATION.finditer(text):
        if m.group("rres"):
            out.append(Violation("ratio", m.group("rres"), m.group("rtype"), m.group("rbound"), m.group("ractual"),
                                 "ratio", m.group(0)))
            continue
        kind = "min" if m.group("kind") == "minimum" else "max"
        which = m.group("which") or m.group("none") or ("request" if kind == "min" else "limit")
        out.append(Violation(kind, m.group("res"), m.group("type"), m.group("bound"), m.group("actual") or "",
                             which, m.group(0)))
    return out


def _items(lrs: list[LimitRange], kind: str) -> list[tuple[LimitRange, LimitRangeItem]]:
    return [(lr, it) for lr in lrs for it in lr.spec.limits if it.type == kind]


def _defaulted_item(it: LimitRangeItem) -> tuple[dict[str, QuantityValue], dict[str, QuantityValue]]:
    # SetDefaults_LimitRangeItem: default <- max; defaultRequest <- default, then <- min.
    default = {**it.max, **it.default}
    default_request = {**it.min, **default, **it.default_request}
    return default, default_request


def _with_defaults(c: Container, items: list[tuple[LimitRange, LimitRangeItem]]) -> Container:
    limits = dict(c.resources.limits)
    requests = dict(c.resources.requests)
    for k, v in limits.items():
        requests.setdefault(k, v)  # SetDefaults_Pod
    for _, it in items:
        default, default_request = _defaulted_item(it)
        for k, v in default.items():
            limits.setdefault(k, v)
        for k, v in default_request.items():
            requests.setdefault(k, v)
    res = msgspec.structs.replace(c.resources, limits=limits, requests=requests)
    return msgspec.structs.replace(c, resources=res)


def apply_defaults(spec: PodSpec, lrs: list[LimitRange]) -> PodSpec:
    """The pod the apiserver would validate: API defaulting plus LimitRanger's Container defaults."""
    items = _items(lrs, "Container")
    return msgspec.structs.replace(
        spec,
        containers=tuple(_with_defaults(c, items) for c in spec.containers),
        init_containers=tuple(_with_defaults(c, items) for c in spec.init_containers),
    )


def _q(v: object) -> Fraction | None:
    return try_parse(v) if isinstance(v, str | int | float) else None


def _offenders(v: Violation, spec: PodSpec) -> list[tuple[str, str]]:
    """(container, its value) that break the rule, from the defaulted template."""
    out = []
    bound = _q(v.bound)
    for c in (*spec.init_containers, *spec.containers):
        req = c.resources.requests.get(v.resource)
        lim = c.resources.limits.get(v.resource)
        if v.kind == "ratio":
            r, li = _q(req), _q(lim)
            if r and li and bound is not None and li / r > bound:
                out.append((c.name, f"limit {lim} / request {req} = {float(li / r):g}"))
            continue
        val = req if v.which == "request" else lim
        if val is None:
            if v.actual == "":
                out.append((c.name, "not set"))
            continue
        fv = _q(val)
        if fv is None or bound is None:
            continue
        if (v.kind == "max" and fv > bound) or (v.kind == "min" and fv < bound):
            out.append((c.name, f"{v.which} {val}"))
    return out


def _holder(v: Violation, lrs: list[LimitRange]) -> LimitRange | None:
    bound = _q(v.bound)
    field = {"min": "min", "max": "max", "ratio": "max_limit_request_ratio"}[v.kind]
    for lr, it in _items(lrs, v.type):
        got = _q(getattr(it, field).get(v.resource))
        if got is not None and got == bound:
            return lr
    for lr, it in _items(lrs, v.type):
        if v.resource in getattr(it, field):
            return lr
    return None


def analyze(failure: Failure, tgt: Target, spec: PodSpec | None, lrs: list[LimitRange] | None,
            via: str) -> Finding | None:
    violations = parse(failure.cause)
    if not violations:
        return None
    ns = tgt.namespace
    lr_list = lrs or []
    dspec = apply_defaults(spec, lr_list) if spec is not None else None
    parts: list[str] = []
    ev = [failure.evidence]
    set_limits: list[tuple[str, str, str]] = []
    set_requests: list[tuple[str, str, str]] = []
    rows: list[dict[str, object]] = []
    for v in violations:
        offenders = _offenders(v, dspec) if dspec is not None and v.type == "Container" else []
        holder = _holder(v, lr_list) if lrs is not None else None
        verb = {"min": "at least", "max": "at most", "ratio": "a limit/request ratio of at most"}[v.kind]
        bound_txt = v.bound
        desc = f"LimitRange{' ' + repr(holder.metadata.name) if holder else ''} requires {verb} {bound_txt} " \
               f"{v.resource} {v.which if v.kind != 'ratio' else ''} per {v.type}".replace("  ", " ")
        have = f"{v.which} {v.actual}" if v.actual and v.kind != "ratio" else (f"ratio {v.actual}" if v.actual
                                                                                 else f"no {v.which}")
        if offenders:
            parts.append(f"{desc}, but " + ", ".join(f"container {n!r} has {val}" for n, val in offenders))
        else:
            parts.append(f"{desc}, but the rejected pod has {have}")
        rows.append({"rule": v.kind, "resource": v.resource, "type": v.type, "bound": v.bound, "actual": v.actual,
                     "limitRange": holder.metadata.name if holder else None,
                     "containers": [n for n, _ in offenders]})
        if holder is not None:
            ev.append(Evidence(ref=f"LimitRange/{ns}/{holder.metadata.name}",
                               field=f".spec.limits[?(@.type=={v.type!r})]."
                                     f"{'maxLimitRequestRatio' if v.kind == 'ratio' else v.kind}.{v.resource}",
                               observed=v.bound))
        names = [n for n, _ in offenders] or [""]
        if v.type != "Container" and dspec is not None and len(dspec.containers) > 1:
            names = []  # a per-Pod bound is a sum: no single container value to suggest
        if v.kind == "ratio" and dspec is not None:
            # Smallest request that satisfies limit / request <= ratio.
            for n in names:
                ctr = next((x for x in (*dspec.init_containers, *dspec.containers) if x.name == n), None)
                lim, bound = _q(ctr.resources.limits.get(v.resource)) if ctr else None, _q(v.bound)
                if lim is not None and bound:
                    need = lim / bound
                    txt = format_cpu(milli(need)) if v.resource == "cpu" else format_resource(v.resource, value(need))
                    set_requests.append((n, v.resource, txt))
            continue
        for n in names:
            entry = (n, v.resource, v.bound)
            if v.which == "limit":
                set_limits.append(entry)
            else:
                set_requests.append(entry)
    cmds = []
    if tgt.immutable:
        # `kubectl set resources` patches the Job's immutable template: one re-creation with the named
        # containers' values; a violation that names no container says what to change in the re-created Job.
        cmds += _job_resources(tgt, spec, [e for e in set_limits if e[0]], [e for e in set_requests if e[0]])
        for which, entries in (("limits", set_limits), ("requests", set_requests)):
            vals = [f"{res}={amount}" for n, res, amount in entries if not n]
            if vals:
                cmds.append(f"kubectl -n {ns} get job {tgt.name} -o yaml > job.yaml   # set {which} {','.join(vals)} "
                            "on the container that breaks the LimitRange, delete spec.selector and the "
                            "controller-uid labels, then: kubectl replace --force -f job.yaml")
    else:
        for kind_flag, entries in (("--limits", set_limits), ("--requests", set_requests)):
            by_c: dict[str, list[str]] = {}
            for n, res, amount in entries:
                by_c.setdefault(n, []).append(f"{res}={amount}")
            for n, vals in by_c.items():
                cflag = f" -c {n}" if n else ""
                cmds.append(f"kubectl set resources {tgt.ref} -n {ns}{cflag} {kind_flag}={','.join(vals)}")
    holders = sorted({str(r["limitRange"]) for r in rows if r["limitRange"]})
    for h in holders:
        cmds.append(f"kubectl edit limitrange {h} -n {ns}   # or relax the rule")
    if not holders:
        cmds.append(f"kubectl get limitrange -n {ns} -o yaml")
    cause = f"The LimitRanger admission plugin rejects every pod of {via}: " + "; ".join(parts) + "."
    return Finding(
        code="create.admission-denied", severity="error", confidence="certain", rank=20, cause=cause,
        evidence=ev, group_key=f"limitrange={ns}/{','.join(holders) or '?'}",
        details={"admission": "LimitRanger", "violations": rows},
        fix=Fix(summary=(f"Bring the container resources of {tgt.desc} within the LimitRange (values below are the "
                         "bounds themselves), or change the LimitRange."), commands=cmds))


def _job_resources(tgt: Target, spec: PodSpec | None, limits: list[tuple[str, str, str]],
                   requests: list[tuple[str, str, str]]) -> list[str]:
    """`kubectl set resources` patches a Job's immutable template: the same values as one strategic patch of a
    re-created Job (containers merge by name; init containers are their own list)."""
    if not limits and not requests:
        return []
    init = {c.name for c in spec.init_containers} if spec is not None else set()
    by_c: dict[str, dict[str, dict[str, str]]] = {}
    for which, entries in (("limits", limits), ("requests", requests)):
        for n, res, amount in entries:
            by_c.setdefault(n, {}).setdefault(which, {})[res] = amount
    lists: dict[str, list[dict[str, object]]] = {}
    for n, res_by in by_c.items():
        lists.setdefault("initContainers" if n in init else "containers", []).append({"name": n, "resources": res_by})
    return [tgt.patch(f"--type strategic -p {json_arg({'spec': {'template': {'spec': lists}}})}")]
