"""Nearest existing tag: which tags of the SAME normalised repository the cluster shows to exist.

Evidence, strongest first: node `status.images` names (pulled onto a node), other pods' container
statuses of running/started containers (`image` as the runtime reports it), other pods' specs,
and controller templates (ReplicaSets = Deployment revisions, Deployments, StatefulSets,
DaemonSets, Jobs). Repositories are compared after docker.io normalisation (semantics.md B4.2),
so `nginx`, `docker.io/nginx` and `docker.io/library/nginx` are the same repository.

Ranking: semantic-version proximity first (`1.0.` is closest to `1.0`, then `1.1`, then `2.0`),
then edit distance (rapidfuzz), then the tag string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from podwhy.analyzers.imagepull.reference import try_parse
from podwhy.snapshot import Snapshot

_NUM = re.compile(r"\d{1,9}")

# Strength of each kind of evidence (lower = stronger); a tag keeps its strongest.
NODE, RUNNING, POD_SPEC, TEMPLATE = 0, 1, 2, 3
_STRENGTH_TEXT = {NODE: "on a node", RUNNING: "running in a pod", POD_SPEC: "in a pod spec",
                  TEMPLATE: "in a controller template"}


@dataclass
class TagEvidence:
    tag: str
    strength: int
    where: list[str] = field(default_factory=list)

    @property
    def how(self) -> str:
        return _STRENGTH_TEXT[self.strength]


def _templates(snap: Snapshot) -> Iterator[tuple[str, Any]]:
    for kind in ("ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicationController"):
        for obj in snap.objects(kind):
            ref = f"{kind}/{obj.metadata.namespace}/{obj.metadata.name}"
            spec = obj.spec.template.spec
            for c in (*spec.init_containers, *spec.containers):
                yield ref, c.image


def tag_index(snap: Snapshot, cache: dict[str, Any] | None = None) -> dict[str, dict[str, TagEvidence]]:
    """repository -> tag -> evidence, for every tag the snapshot shows. Built once per snapshot."""
    if cache is not None and "imagepull.tags" in cache:
        idx: dict[str, dict[str, TagEvidence]] = cache["imagepull.tags"]
        return idx
    # One pass over the snapshot by image STRING (pods of a workload repeat the same few strings),
    # then each distinct string parsed once: the per-pod work is a dict lookup, not a parse.
    # image -> [strongest evidence, up to 5 referrers (objects, named when the index is merged)]
    raw: dict[str, list[Any]] = {}

    def note(image: str, strength: int, where: object) -> None:
        e = raw.get(image)
        if e is None:
            raw[image] = [strength, [where]]
            return
        if strength < e[0]:
            e[0] = strength
        w = e[1]
        # identity, not ==: comparing two pods field by field would be the expensive part
        if len(w) < 5 and all(x is not where for x in w):
            w.append(where)

    pull_failures = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName")
    for node in snap.nodes:
        where = f"Node/{node.metadata.name}"
        for img in node.status.images:
            for name in img.names:
                if "@" not in name:
                    note(name, NODE, where)
    for pod in snap.pods:
        status = pod.status
        failing: set[str] | None = None
        for statuses in (status.init_container_statuses, status.container_statuses,
                         status.ephemeral_container_statuses):
            for st in statuses:
                state = st.state
                w = state.waiting
                if w is not None and w.reason in pull_failures:
                    if failing is None:
                        failing = set()
                    failing.add(st.name)
                elif st.image_id or state.running is not None or state.terminated is not None:
                    note(st.image, RUNNING, pod)
        spec = pod.spec
        for containers in (spec.init_containers, spec.containers):
            for c in containers:
                if failing is None or c.name not in failing:
                    note(c.image, POD_SPEC, pod)
    for where, image in _templates(snap):
        note(image, TEMPLATE, where)

    out: dict[str, dict[str, TagEvidence]] = {}
    for image, (strength, referrers) in raw.items():
        ref = try_parse(image)
        if ref is None or ref.tag is None:
            continue
        wheres = [w if isinstance(w, str) else f"Pod/{w.metadata.namespace}/{w.metadata.name}" for w in referrers]
        tags = out.setdefault(ref.repository, {})
        ev = tags.get(ref.tag)
        if ev is None:
            tags[ref.tag] = TagEvidence(ref.tag, strength, wheres)
            continue
        ev.strength = min(ev.strength, strength)
        for referrer in wheres:
            if referrer not in ev.where and len(ev.where) < 5:
                ev.where.append(referrer)
    if cache is not None:
        cache["imagepull.tags"] = out
    return out


def _version_key(want: str, have: str) -> tuple[int, int, int, int]:
    a = [int(x) for x in _NUM.findall(want)][:6]
    b = [int(x) for x in _NUM.findall(have)][:6]
    if not a or not b:
        return (1, 0, 0, 0)
    k = 0
    while k < min(len(a), len(b)) and a[k] == b[k]:
        k += 1
    gap = abs(a[k] - b[k]) if k < min(len(a), len(b)) else 0
    return (0, -k, gap, abs(len(a) - len(b)))


def nearest_tags(snap: Snapshot, repository: str, tag: str, *, cache: dict[str, Any] | None = None,
                 limit: int = 3) -> list[TagEvidence]:
    """Tags of `repository` known to exist, nearest to `tag` first (never `tag` itself)."""
    tags = tag_index(snap, cache).get(repository, {})
    cands = [ev for t, ev in tags.items() if t != tag]
    from rapidfuzz.distance import Levenshtein  # imported when needed: it costs the cold start ~10 ms
    cands.sort(key=lambda ev: (_version_key(tag, ev.tag), Levenshtein.distance(tag, ev.tag), ev.strength, ev.tag))
    return cands[:limit]


def tag_seen(snap: Snapshot, repository: str, tag: str, *, cache: dict[str, Any] | None = None) -> TagEvidence | None:
    """Evidence that this exact tag exists (e.g. it runs elsewhere), or None."""
    ev = tag_index(snap, cache).get(repository, {}).get(tag)
    if ev is not None and ev.strength <= RUNNING:
        return ev
    return None


def replace_tag(original: str, new_tag: str) -> str:
    """The user's image string with its tag (and any digest) replaced, keeping how they wrote the name."""
    name = original.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name = name[:colon]
    return f"{name}:{new_tag}"
