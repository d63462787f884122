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

from rapidfuzz.distance import Levenshtein

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
    out: dict[str, dict[str, TagEvidence]] = {}

    def add(image: str, strength: int, where: str) -> None:
        ref = try_parse(image)
        if ref is None or ref.tag is None:
            return
        tags = out.setdefault(ref.repository, {})
        ev = tags.get(ref.tag)
        if ev is None:
            tags[ref.tag] = TagEvidence(ref.tag, strength, [where])
        else:
            ev.strength = min(ev.strength, strength)
            if where not in ev.where and len(ev.where) < 5:
                ev.where.append(where)

    for node in snap.nodes:
        for img in node.status.images:
            for name in img.names:
                if "@" not in name:
                    add(name, NODE, f"Node/{node.metadata.name}")
    for pod in snap.pods:
        pref = f"Pod/{pod.metadata.namespace}/{pod.metadata.name}"
        failing = set()
        for st in (*pod.status.init_container_statuses, *pod.status.container_statuses,
                   *pod.status.ephemeral_container_statuses):
            w = st.state.waiting
            if w is not None and w.reason in ("ErrImagePull", "ImagePullBackOff", "InvalidImageName"):
                failing.add(st.name)
                continue
            if st.image_id or st.state.running is not None or st.state.terminated is not None:
                add(st.image, RUNNING, pref)
        for c in (*pod.spec.init_containers, *pod.spec.containers):
            if c.name not in failing:
                add(c.image, POD_SPEC, pref)
    for where, image in _templates(snap):
        add(image, TEMPLATE, where)
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
