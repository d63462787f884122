"""What a test configures on the fake API server (who may do what, faults, served items) and what it records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    """Misbehaviour for requests to `path` (exact list path): applied `times` times, then normal answers.

    do: expire (410) | too-many (429) | error (500) | unavailable (503) | drop (close mid-body)
        | slow (answer after `delay` seconds) | unauthorized (401) | html (200 with a proxy's login page)
        and, for watches only (`?watch=1`): watch-drop (half of the next event, then the connection goes)
        | watch-gone (410 "too old resource version")
    page: first (no continue token) | next (with one) | any
    """

    do: str
    path: str
    page: str = "any"
    times: int = 1
    retry_after: int | None = None
    delay: float = 0.0
    hits: int = 0


@dataclass
class Rules:
    """Who may do what. `tokens`: bearer tokens accepted (None: any request, even without one)."""

    tokens: frozenset[str] | None = frozenset({"token-jane"})
    user: str = "jane"
    # Resources this user may not list anywhere (RBAC has no rule for them): a plural of any group
    # ("secrets") or of one group ("core/events", "events.k8s.io/events").
    forbid: frozenset[str] = frozenset()
    # Namespace-only user: may list namespaced resources in this namespace only, nothing cluster-scoped.
    namespace_only: str | None = None
    # Group-versions this server does not serve, e.g. "events.k8s.io/v1" (an old cluster).
    missing: frozenset[str] = frozenset()
    faults: list[Fault] = field(default_factory=list)
    # Items served instead of the recorded ones, by "<group-version>/<plural>" (e.g. "v1/pods").
    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # `GET pods/<name>/log?previous=true`: the previous run's log by "<ns>/<pod>/<container>" (forbid
    # "pods/log" to refuse it); a container not listed answers 400 as the kubelet does without a previous run.
    logs: dict[str, str] = field(default_factory=dict)
    # Bodies larger than this are gzip-compressed when the client accepts it (kube-apiserver's
    # APIResponseCompression: k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/writers.go,
    # defaultGzipThresholdBytes = 128 KiB).
    gzip_threshold: int = 128 * 1024
    # Watches: a BOOKMARK this often when the client allows them; a too-old resourceVersion answered with
    # an HTTP 410 (etcd-backed watch) instead of an ERROR event in a 200 stream (the watch cache).
    bookmark_every: float = 1.0
    gone_as_status: bool = False


@dataclass(frozen=True)
class Seen:
    path: str
    query: dict[str, str]
    authorization: str | None
    accept: str
    client_cert: str | None = None  # CN of a verified client certificate
