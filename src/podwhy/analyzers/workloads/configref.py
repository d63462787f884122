"""`CreateContainerConfigError`: a Secret/ConfigMap (or key) the container's environment needs is missing.

The kubelet builds the environment before creating the container (pkg/kubelet/kubelet_pods.go
makeEnvironmentVariables, 1.14-1.35) and puts the error verbatim into the waiting message:
  `secret "x" not found` / `configmap "x" not found` (cache/watch managers; an API GET says
  `secrets "x"` / `configmaps "x"`), `couldn't find key K in Secret ns/x`,
  `couldn't find key K in ConfigMap ns/x`; references with `optional: true` are skipped silently.
  `failed to sync secret cache: timed out waiting for the condition` / `object "ns"/"x" not registered`
  are the kubelet's own cache not (yet) holding the object.
The kubelet also emits Warning `Failed` "Error: <same text>" on the pod.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from podwhy.analyzers.base import Context, StuckContainer, Work
from podwhy.analyzers.evidence import from_event, from_waiting
from podwhy.findings import Confidence, Evidence, Finding, Fix
from podwhy.model import Container, Pod

NOT_FOUND = re.compile(r'(?P<kind>secret|configmap)s? "(?P<name>[^"]+)" not found', re.I)
# Capitalised `Couldn't find key` in kubelets before 1.8.
NO_KEY = re.compile(r"[Cc]ouldn't find key (?P<key>\S+) in (?P<kind>Secret|ConfigMap) (?P<ns>[^/\s]+)/(?P<name>\S+)")
# Some kubelets: `couldn't get configMap %v/%v: %v` / `couldn't get secret %v/%v: %v`.
GET_FAILED = re.compile(r"couldn't get (?P<kind>configMap|secret) (?P<ns>[^/\s]+)/(?P<name>[^\s:]+)", re.I)
CACHE = re.compile(r"failed to sync (?P<kind>secret|configmap) cache|object \"(?P<ns>[^\"]+)\"/\"(?P<name>[^\"]+)\" "
                   r"not registered")
SUBPATH = re.compile(r'failed to prepare subPath for volumeMount "(?P<vol>[^"]+)" of container "(?P<c>[^"]+)"')


@dataclass
class Ref:
    container: str
    role: str
    what: str  # "env DB_PASS" | "envFrom" | "volume cfg"
    key: str
    optional: bool

    def text(self) -> str:
        k = f" key {self.key!r}" if self.key else ""
        opt = " (optional: true, harmless)" if self.optional else ""
        where = f"{self.role} {self.container!r} " if self.container else ""
        return f"{where}{self.what}{k}{opt}"


def references(pod: Pod, kind: str, name: str) -> list[Ref]:
    """Every place the pod spec refers to Secret/ConfigMap `name` (kind 'secret' or 'configmap')."""
    out: list[Ref] = []
    roles: list[tuple[str, tuple[Container, ...]]] = [("initContainer", pod.spec.init_containers),
                                                       ("container", pod.spec.containers)]
    for role, cs in roles:
        for c in cs:
            for e in c.env:
                vf = e.value_from
                ref = None if vf is None else (vf.secret_key_ref if kind == "secret" else vf.config_map_key_ref)
                if ref is not None and ref.name == name:
                    out.append(Ref(c.name, role, f"env {e.name}", ref.key, bool(ref.optional)))
            for ef in c.env_from:
                r2 = ef.secret_ref if kind == "secret" else ef.config_map_ref
                if r2 is not None and r2.name == name:
                    out.append(Ref(c.name, role, "envFrom" + (f" (prefix {ef.prefix!r})" if ef.prefix else ""), "",
                                   bool(r2.optional)))
    for v in pod.spec.volumes:
        src = v.secret if kind == "secret" else v.config_map
        src_name = (getattr(src, "secret_name", "") if kind == "secret" else getattr(src, "name", "")) if src else ""
        if src is not None and src_name == name:
            out.append(Ref("", "", f"volume {v.name!r}", "", bool(src.optional)))
        if v.projected is not None:
            for p in v.projected.sources:
                ps = p.secret if kind == "secret" else p.config_map
                if ps is not None and ps.name == name:
                    out.append(Ref("", "", f"projected volume {v.name!r}", "", bool(ps.optional)))
    return out


def _create_cmd(kind: str, name: str, ns: str, keys: list[str]) -> str:
    lits = " ".join(f"--from-literal={k}=<value>" for k in keys) or "--from-literal=<key>=<value>"
    if kind == "secret":
        return f"kubectl create secret generic {name} -n {ns} {lits}"
    return f"kubectl create configmap {name} -n {ns} {lits}"


def analyze(ctx: Context, work: Work, c: StuckContainer) -> Finding | None:
    pod = work.pod
    if pod is None:
        return None
    snap, ns, msg = ctx.snapshot, work.namespace, c.message
    ev = [from_waiting(work, c)]
    failed = [e for e in snap.events_for(pod) if e.reason == "Failed" and e.message.startswith("Error: ")]
    kubelet = [e for e in failed if msg and msg in e.message]
    if not msg and failed:
        # A pasted status without the waiting message: the kubelet's `Failed` event carries the same text.
        kubelet = failed[-1:]
        msg = failed[-1].message.removeprefix("Error: ")
    ev += [from_event(e) for e in kubelet[-1:]]
    m_key = NO_KEY.search(msg)
    m_nf = NOT_FOUND.search(msg) or GET_FAILED.search(msg)
    m_cache = CACHE.search(msg)
    if m_key is not None:
        kind, name, key = m_key.group("kind").lower(), m_key.group("name"), m_key.group("key")
    elif m_nf is not None:
        kind, name, key = m_nf.group("kind").lower(), m_nf.group("name"), ""
    elif m_cache is not None:
        return Finding(
            code="start.config-missing", severity="warning", confidence="possible", rank=30, container=c.name,
            cause=(f"The kubelet could not read a Secret/ConfigMap that {c.role} {c.name!r} needs from its cache "
                   f"({msg}); usually transient right after the object or pod was created, persistent when the "
                   "object is missing or the node cannot watch it."),
            evidence=ev, group_key=f"pod={ns}/{work.name}",
            fix=Fix(summary="Check that every referenced Secret/ConfigMap exists; if they do, the kubelet retries.",
                    commands=[f"kubectl get secrets,configmaps -n {ns}", f"kubectl describe pod {work.name} -n {ns}"]))
    else:
        return None
    kind_title = "Secret" if kind == "secret" else "ConfigMap"
    refs = references(pod, kind, name)
    if key:
        refs = [r for r in refs if r.key == key or r.what.startswith(("envFrom", "volume", "projected"))] or refs
    mine = [r for r in refs if r.container == c.name] or refs
    blocking = [r for r in mine if not r.optional]
    harmless = [r for r in refs if r.optional]
    kind_known = snap.has(kind_title)
    obj = snap.get(kind_title, ns, name) if kind_known else None
    conf: Confidence = "likely"
    state = ""
    if kind_known:
        if obj is None:
            conf = "certain"
            ev.append(Evidence(ref=f"{kind_title}/{ns}/{name}", observed="not found",
                               expected=f"a {kind_title} named {name!r} in namespace {ns!r}"))
        elif key and key not in obj.keys:
            conf = "certain"
            ev.append(Evidence(ref=f"{kind_title}/{ns}/{name}", field=".data (keys)", observed=", ".join(obj.keys),
                               expected=f"key {key!r}"))
        else:
            state = f" It exists now{' with that key' if key else ''}; the kubelet retries, so the container should start."
            conf = "possible"
    what_missing = f"key {key!r} of {kind_title} {name!r}" if key else f"{kind_title} {name!r}"
    where = "; ".join(r.text() for r in blocking) or (
        f"{c.role} {c.name!r} (the reference is not in the pod spec that was read)")
    cause = f"{c.role[:1].upper()}{c.role[1:]} {c.name!r} cannot start: {what_missing} does not exist in namespace {ns!r}, " \
            f"referenced by {where}."
    if harmless:
        cause += f" Optional references ({'; '.join(r.text() for r in harmless)}) are skipped by the kubelet."
    cause += state
    similar: list[str] = []
    if kind_known and obj is None:
        names = [o.metadata.name for o in snap.objects(kind_title) if o.metadata.namespace == ns]
        from rapidfuzz import fuzz, process  # imported when needed: it costs the cold start ~10 ms
        similar = [n for n, s, _ in process.extract(name, names, scorer=fuzz.WRatio, limit=3) if s >= 70]
        if similar:
            cause += f" Similar {kind_title}s in {ns}: {', '.join(similar)}."
    keys = [key] if key else sorted({r.key for r in blocking if r.key})
    if key:
        cmd = (f"kubectl patch {kind} {name} -n {ns} --type merge -p '{{\"stringData\":{{\"{key}\":\"<value>\"}}}}'"
               if kind == "secret" else
               f"kubectl patch configmap {name} -n {ns} --type merge -p '{{\"data\":{{\"{key}\":\"<value>\"}}}}'")
        summary = f"Add key {key!r} to {kind_title} {name!r}, fix the key name in the reference, or mark it optional."
    else:
        cmd = _create_cmd(kind, name, ns, keys)
        summary = (f"Create {kind_title} {name!r} in {ns!r} (keys: {', '.join(keys) or 'as the app expects'}), fix "
                   "the name in the reference, or mark the reference `optional: true` if the app can run without it.")
    return Finding(
        code="start.config-missing", severity="error", confidence=conf, rank=20, container=c.name,
        cause=cause, evidence=ev, group_key=f"{kind}={ns}/{name}",
        details={"kind": kind_title, "name": name, "key": key or None,
                 "references": [r.text() for r in refs], "similar": similar},
        fix=Fix(summary=summary, commands=[cmd, f"kubectl get {kind}s -n {ns}"]))


def subpath(work: Work, c: StuckContainer) -> tuple[str, str] | None:
    m = SUBPATH.search(c.message)
    return (m.group("vol"), m.group("c")) if m else None
