"""Other pods' pull errors as evidence: when a pod's own events have expired, a classified error of another pod
for the same image (preferred) or from the same registry host is the best-supported cause."""

from __future__ import annotations

from podwhy.analyzers.base import Context
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.imagepull.case import CAUSE_EVENT_REASONS, ContainerCase
from podwhy.analyzers.imagepull.classify import UNKNOWN, Classification, classify
from podwhy.analyzers.imagepull.reference import try_parse
from podwhy.findings import Evidence
from podwhy.stuck import PULL_REASONS

REGISTRY_CODES = frozenset({"registry.rate-limited", "registry.dns-failure", "registry.unreachable",
                             "registry.tls-error", "registry.http-https-mismatch", "registry.server-error"})

# (pod ref, classification, evidence)
Peer = tuple[str, Classification, Evidence]


def peer_index(ctx: Context) -> tuple[dict[str, list[Peer]], dict[str, list[Peer]]]:
    """Classified pull errors of every pod, by image (with default tag) and by registry host. Built once."""
    cached = ctx.cache.get("imagepull.peers")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    snap = ctx.snapshot
    by_image: dict[str, list[Peer]] = {}
    by_host: dict[str, list[Peer]] = {}
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
            if host and cls.code in REGISTRY_CODES:
                lst = by_host.setdefault(str(host), [])
                if len(lst) < 3 and all(p[0] != pref for p in lst):
                    lst.append((pref, cls, ev))
    ctx.cache["imagepull.peers"] = (by_image, by_host)
    return by_image, by_host


def peer_cause(ctx: Context, case: ContainerCase) -> tuple[str, Classification, str, Evidence] | None:
    """A classified pull error of ANOTHER pod for the same image (preferred) or from the same registry."""
    ref = case.ref
    assert ref is not None
    me = case.work.ref
    by_image, by_host = peer_index(ctx)
    for pref, cls, ev in by_image.get(ref.with_default_tag, []):
        if pref != me:
            return cls.code, cls, pref, ev
    for pref, cls, ev in by_host.get(ref.domain, []):
        if pref != me:
            return cls.code, cls, pref, ev
    return None
