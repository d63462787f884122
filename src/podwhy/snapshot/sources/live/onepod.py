"""`podwhy pod NAME` live for a pod stuck pulling its images, or one that started and then failed (crash loop,
start error, probes, Terminating, Evicted): only the objects that diagnosis reads.

A full live read lists every kind cluster-wide (the scheduling recomputation needs every node and every
pod). A pod bound to a node whose containers wait in a pull reason (ErrImagePull, ImagePullBackOff,
InvalidImageName, ...) needs none of that: its diagnosis reads the pod, the pod's own events, its node
(images present, platform, readiness), its ServiceAccount and the pull secrets the kubelet would use
(pod + ServiceAccount, pkg/kubelet/kuberuntime/kuberuntime_image.go + pkg/credentialprovider, 1.34),
and its owners (the object a fix patches, and the other ReplicaSets of a Deployment, whose templates
hold the tags that did exist). So this reads exactly those, by GET and by field/label-selected lists,
a dozen requests however big the cluster.

A pod that started and then failed needs no other pod either: its diagnosis (analyzers/lifecycle) reads the
pod, its events, its node and the node's events (SystemOOM, EvictionThresholdMet), its owners (fix targets,
the rollout), the namespace's Services (what a NotReady pod is missing from) and Secrets (so that a log line
holding a value is withheld), and the previous logs of its restarted containers.

A kind is marked loaded only when every object of it that the pod refers to was asked for (a 404 is
then a real absence: a missing pull secret stays `secret.pull-secret-missing`); kinds not read stay
unknown. Anything this path cannot serve (the pod not found, forbidden, not bound, not a pull failure)
returns None and the caller does the full read, which has the hints and the RBAC fallbacks.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from urllib.parse import quote

from podwhy.model import Pod
from podwhy.model.kinds import BY_KIND, EVENTS_V1, KindInfo
from podwhy.snapshot.sources.decode import Decoded, decode_list_page
from podwhy.snapshot.sources.live import podlogs
from podwhy.snapshot.sources.live.client import Client, Failed
from podwhy.snapshot.sources.live.lister import Lister
from podwhy.stuck import PULL_REASONS

# Owners whose objects a pull diagnosis uses (fix targets); a CronJob is named by its Job's ownerReference.
OWNER_KINDS = ("ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicationController")


def pull_stuck(pod: Pod) -> bool:
    """Bound to a node, and some container waits in a pull reason (stuck.PULL_REASONS)."""
    if not pod.spec.node_name:
        return False
    statuses = (*pod.status.init_container_statuses, *pod.status.container_statuses)
    return any(st.state.waiting is not None and st.state.waiting.reason in PULL_REASONS for st in statuses)


# Waiting reasons of a container that started or tried to (stuck.STUCK_REASONS minus the pulls).
_LIFECYCLE_WAITING = frozenset({"CrashLoopBackOff", "RunContainerError", "CreateContainerError",
                                "CreateContainerConfigError"})


def lifecycle_stuck(pod: Pod) -> bool:
    """Bound to a node and started (or tried to) and failing: a waiting reason of the runtime or kubelet, a
    terminated or restarted container, not Ready while Running, being deleted, or evicted. Any doubt (a pod that
    turns out healthy, or stuck in another way) only costs the caller its full read."""
    if not pod.spec.node_name:
        return False
    st = pod.status
    if pod.metadata.deletion_timestamp or (st.phase == "Failed" and st.reason == "Evicted"):
        return True
    if st.phase not in ("Running", "Pending"):
        return False
    for c in (*st.init_container_statuses, *st.container_statuses):
        w = c.state.waiting
        if w is not None and w.reason in PULL_REASONS:
            return False  # a pull: the pull path (or the full read) serves it
        if (w is not None and w.reason in _LIFECYCLE_WAITING) or c.state.terminated is not None or c.restart_count:
            return True
    return st.phase == "Running" and any(not c.ready for c in st.container_statuses)


def _path(info: KindInfo, namespace: str | None, name: str) -> str:
    scope = f"/namespaces/{quote(namespace, safe='')}" if namespace and info.namespaced else ""
    return f"/{info.api_path}{scope}/{info.plural}/{quote(name, safe='')}"


def _as_list(bodies: list[bytes]) -> bytes:
    """Single-object answers as the list document the list decoder reads."""
    return b'{"items":[' + b",".join(bodies) + b"]}"


class _Reads:
    """GETs of one kind's objects; the kind counts as loaded only if every one was answered or absent."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.requests = 0
        self.forbidden: list[str] = []

    def get(self, kind: str, namespace: str | None, names: list[str]) -> Decoded:
        info = BY_KIND[kind]
        bodies: list[bytes] = []
        complete = True
        for name in dict.fromkeys(n for n in names if n):
            self.requests += 1
            try:
                bodies.append(self.client.get(_path(info, namespace, name)))
            except Failed as exc:
                if exc.missing or exc.status == 404:
                    continue  # absent: with the kind loaded, analyzers see it as missing
                complete = False
                if exc.forbidden:
                    self.forbidden.append(f"{kind} {name}")
        out, _, _ = decode_list_page(info, _as_list(bodies), self.client.cluster.server + f"/{info.plural}")
        if not complete:
            out.loaded.discard(kind)
        return out


def _owners(obj: Any) -> list[tuple[str, str]]:
    return [(r.kind, r.name) for r in obj.metadata.owner_references if r.kind in OWNER_KINDS]


def read_pull_pod(client: Client, lister: Lister, name: str, namespace: str) -> tuple[Decoded, int, str] | None:
    """(what the diagnosis of pod `name` reads, the number of requests, "pull" or "lifecycle"), or None (do a
    full read)."""
    reads = _Reads(client)
    pods = reads.get("Pod", namespace, [name])
    if not pods.objects or "Pod" not in pods.loaded:
        return None
    pod: Pod = pods.objects[0][1]
    why = "pull" if pull_stuck(pod) else "lifecycle" if lifecycle_stuck(pod) else None
    if why is None:
        return None
    out = Decoded()
    out.extend(pods)
    sa_name = pod.spec.service_account_name or pod.spec.service_account or "default"
    # The pod's events (involvedObject.kind/name: the selector `kubectl describe pod` uses), its node, its
    # ServiceAccount, the pull secrets, its owners. One after the other on one kept-alive connection: a
    # dozen loopback-fast GETs cost less than the TLS handshakes of parallel connections.
    parts: list[Decoded] = []
    reads.requests += 1
    try:
        parts.append(lister.list_once(BY_KIND["Event"], namespace,
                                      {"fieldSelector": f"involvedObject.kind=Pod,involvedObject.name={name}"}))
    except Failed:
        reads.requests += 1
        try:
            parts.append(lister.list_once(EVENTS_V1, namespace,
                                          {"fieldSelector": f"regarding.kind=Pod,regarding.name={name}"}))
        except Failed as exc:
            out.notes.append(f"the pod's events could not be read ({exc.why}): no event evidence")
    parts.append(reads.get("Node", None, [pod.spec.node_name]))
    if why == "pull":
        sa = reads.get("ServiceAccount", namespace, [sa_name])
        parts.append(sa)
        secrets = [r.name for r in pod.spec.image_pull_secrets]
        for _, obj in sa.objects:
            secrets += [r.name for r in obj.image_pull_secrets]
        parts.append(reads.get("Secret", namespace, secrets))
    else:
        parts += _lifecycle_reads(reads, lister, namespace, pod)
    level: list[tuple[str, str]] = _owners(pod)
    for _ in range(2):  # the pod's owner, and its owner (the Deployment of a ReplicaSet)
        by_kind: dict[str, list[str]] = {}
        for kind, oname in level:
            by_kind.setdefault(kind, []).append(oname)
        level = []
        for kind, names in by_kind.items():
            got = reads.get(kind, namespace, names)
            parts.append(got)
            for _, obj in got.objects:
                level += _owners(obj)
                if kind != "Deployment" or obj.spec.selector is None or not obj.spec.selector.match_labels:
                    continue
                # The Deployment's other ReplicaSets: their templates hold the tags that did exist.
                reads.requests += 1
                with suppress(Failed):  # forbidden or failing: the pod's own ReplicaSet is still there
                    parts.append(lister.list_once(BY_KIND["ReplicaSet"], namespace, {"labelSelector": ",".join(
                        f"{k}={v}" for k, v in sorted(obj.spec.selector.match_labels.items()))}))
    seen: set[tuple[str, str, str]] = {("Pod", namespace, name)}
    for p in parts:
        # A Deployment's ReplicaSets come twice (the pod's owner by GET, all of them by label): once each.
        fresh = Decoded(loaded=p.loaded, notes=p.notes, ignored=p.ignored)
        for kind, obj in p.objects:
            key = (kind, obj.metadata.namespace, obj.metadata.name)
            if kind == "Event" or key not in seen:
                seen.add(key)
                fresh.objects.append((kind, obj))
        out.extend(fresh)
    if reads.forbidden:
        out.notes.append("forbidden by RBAC, so not checked: " + ", ".join(reads.forbidden))
    if why == "lifecycle":
        keys = podlogs.wanted([pod])
        reads.requests += len(keys)
        out.notes.extend(podlogs.read(client, keys, out.logs))
    return out, reads.requests + 1, why


def _lifecycle_reads(reads: _Reads, lister: Lister, namespace: str, pod: Pod) -> list[Decoded]:
    """The node's own events (in any namespace: the kubelet files them under `default`), the namespace's Services
    and Secrets. A list that is forbidden or fails leaves its kind unknown, with a note."""
    parts: list[Decoded] = []
    node = pod.spec.node_name
    for info, ns, selector, what in (
            (BY_KIND["Event"], None, {"fieldSelector": f"involvedObject.kind=Node,involvedObject.name={node}"},
             "the node's events"),
            (BY_KIND["Service"], namespace, None, "services"),
            (BY_KIND["Secret"], namespace, None, "secrets")):
        reads.requests += 1
        try:
            got = lister.list_once(info, ns, selector)
        except Failed as exc:
            parts.append(Decoded(notes=[f"{what} could not be read ({exc.why}): "
                                        + ("node pressure and OOM events unknown" if info.kind == "Event" else
                                           "Service endpoints unknown" if info.kind == "Service" else
                                           "log lines are withheld only by their look, not by the Secrets' values")]))
            continue
        if info.kind == "Event":
            got.loaded.discard("Event")  # the pod's events decide whether events are known
        parts.append(got)
    return parts
