"""Reading a live cluster whose API server pages, refuses, forgets continue tokens, throttles and drops.

Each case runs `podwhy scan -A -o json` against the fake API server (the real official client for the
kubeconfig and the HTTP pool) and asserts the stuck pods, the notes (what could not be checked and why)
and the backoff asked for. Backoff is recorded, not slept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .apiserver import FakeAPIServer, Fault, Rules, write_kubeconfig
from .harness import Run, run

NOW = "2026-11-20T10:00:00Z"
WEB = "registry.example.com/team-a/web:1.4.3"
BATCH = "private.example.com/team-b/batch:2.0"
PENDING = ("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
           "2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
           "2 No preemption victims found for incoming pod.")
TEAM_A = {
    "Pod/team-a/api-7b8c6d5f4-qp9rt": ("Pending", PENDING),
    "Pod/team-a/web-6f7c9d5b8-k7m2d": ("ImagePullBackOff", f'Back-off pulling image "{WEB}"'),
    "Pod/team-a/web-6f7c9d5b8-x2x9q": ("ImagePullBackOff", f'Back-off pulling image "{WEB}"'),
}
TEAM_B = {
    "Pod/team-b/batch-28391540-zv4l2": (
        "ErrImagePull",
        f'failed to pull and unpack image "{BATCH}": failed to resolve reference "{BATCH}": pull access denied, '
        "repository does not exist or may require authorization: server message: insufficient_scope: "
        "authorization failed"),
}
ALL = TEAM_A | TEAM_B

SECRETS_FORBIDDEN = ('secrets: forbidden, pull-secret checks skipped (secrets is forbidden: User "jane" cannot list '
                     'resource "secrets" in API group "" at the cluster scope)')


def scan(api: FakeAPIServer, tmp_path: Path, *args: str) -> Run:
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a")
    return run("scan", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json", *args)


@pytest.mark.parametrize(("rules", "notes", "sleeps"), [
    pytest.param(Rules(), [], [],
                 id="a healthy cluster is read page by page and leaves no note"),
    pytest.param(Rules(forbid=frozenset({"secrets"})), [SECRETS_FORBIDDEN], [],
                 id="secrets forbidden everywhere: the note says pull-secret checks were skipped and why"),
    pytest.param(Rules(missing=frozenset({"events.k8s.io/v1"})), [], [],
                 id="an old cluster without events.k8s.io/v1 still gives core events and needs no note"),
    pytest.param(Rules(missing=frozenset({"node.k8s.io/v1"})),
                 ["runtimeclasses: API node.k8s.io/v1 not served by this cluster (HTTP 404), not checked"], [],
                 id="an API the cluster does not serve is noted as not served"),
    pytest.param(Rules(faults=[Fault("expire", "/api/v1/pods", page="next")]), [], [],
                 id="an expired continue token restarts the pod list from scratch"),
    pytest.param(Rules(faults=[Fault("expire", "/api/v1/serviceaccounts", page="next", times=99)]),
                 ["serviceaccounts: could not be listed (its continue token kept expiring (HTTP 410 Expired); "
                  "restarted 3 times), ServiceAccount pull secrets unknown"], [],
                 id="a continue token that keeps expiring gives up after three restarts with a note"),
    pytest.param(Rules(faults=[Fault("too-many", "/api/v1/nodes", retry_after=2)]), [], [2.0],
                 id="429 Too Many Requests is retried after the Retry-After the server asked for"),
    pytest.param(Rules(faults=[Fault("too-many", "/api/v1/nodes", retry_after=120)]), [], [10.0],
                 id="a Retry-After longer than the cap is waited only up to the cap"),
    pytest.param(Rules(faults=[Fault("error", "/api/v1/pods", page="first")]), [], [0.25],
                 id="500 then success: the page is retried after a short backoff"),
    pytest.param(Rules(faults=[Fault("unavailable", "/api/v1/nodes", times=99)]),
                 ["nodes: could not be listed (HTTP 503 ServiceUnavailable (4 tries)), "
                  "scheduling recomputation skipped"], [0.25, 0.5, 1.0],
                 id="503 on every try gives up on nodes after bounded exponential backoff, with a note"),
    pytest.param(Rules(faults=[Fault("drop", "/api/v1/pods", page="next")]), [], [0.25],
                 id="a connection dropped in the middle of a page is retried for that page"),
    pytest.param(Rules(faults=[Fault("drop", "/api/v1/serviceaccounts", page="next", times=99)]),
                 ["serviceaccounts: could not be listed (a page kept failing mid-list: the connection dropped "
                  "(4 tries); restarted 3 times), ServiceAccount pull secrets unknown"], None,
                 id="a connection that drops on every later page restarts the list, then gives up with a note"),
    pytest.param(Rules(faults=[Fault("html", "/apis/storage.k8s.io/v1/storageclasses")]),
                 ["storageclasses: could not be listed (the answer is not a StorageClass list (JSON is malformed: "
                  "invalid character (byte 0))), StorageClass checks skipped"], [],
                 id="a proxy's HTML page instead of a list is noted, not a crash"),
])
def test_scan_all_namespaces(serve: Callable[..., FakeAPIServer], tmp_path: Path, live_env: list[float],
                             rules: Rules, notes: list[str], sleeps: list[float] | None) -> None:
    api = serve(rules)
    r = scan(api, tmp_path, "-A")
    assert r.code == 1, r.err
    assert r.err == ""
    assert r.pods() == ALL
    assert r.notes == notes
    assert r.report["source"] == {"kind": "live", "detail": f"kind-podwhy ({api.url})"}
    if sleeps is not None:
        assert live_env == sleeps


def test_pages_follow_continue_tokens(serve: Callable[..., FakeAPIServer], tmp_path: Path) -> None:
    api = serve()
    scan(api, tmp_path, "-A")
    pods = api.lists_of("/api/v1/pods")
    # 9 pods, 3 a page: three requests, the later ones with the token the previous page returned.
    assert [s.query.get("limit") for s in pods] == ["3", "3", "3"]
    assert [bool(s.query.get("continue")) for s in pods] == [False, True, True]
    assert all(s.authorization == "Bearer token-jane" for s in api.requests)
    assert all(s.accept == "application/json" for s in api.requests)


def test_expired_continue_token_restarts_from_the_first_page(serve: Callable[..., FakeAPIServer],
                                                             tmp_path: Path) -> None:
    api = serve(Rules(faults=[Fault("expire", "/api/v1/pods", page="next")]))
    r = scan(api, tmp_path, "-A")
    assert r.code == 1
    pages = [bool(s.query.get("continue")) for s in api.lists_of("/api/v1/pods")]
    # first page, expired second page, then the whole list again
    assert pages == [False, True, False, True, True]
    assert len(r.pods()) == 4


def test_a_response_slower_than_the_timeout_is_retried(serve: Callable[..., FakeAPIServer],
                                                       tmp_path: Path) -> None:
    api = serve(Rules(faults=[Fault("slow", "/api/v1/pods", page="first", delay=5.0)]))
    r = scan(api, tmp_path, "-A", "--request-timeout", "0.5")
    assert r.code == 1, r.err
    assert r.pods() == ALL
    assert r.notes == []
    assert [bool(s.query.get("continue")) for s in api.lists_of("/api/v1/pods")] == [False, False, True, True]


def test_a_kind_that_never_answers_in_time_is_noted(serve: Callable[..., FakeAPIServer], tmp_path: Path) -> None:
    api = serve(Rules(faults=[Fault("slow", "/api/v1/nodes", times=99, delay=5.0)]))
    r = scan(api, tmp_path, "-A", "--request-timeout", "0.5")
    assert r.code == 1, r.err
    assert r.pods() == ALL
    assert r.notes == ["nodes: could not be listed (no answer within 0.5s (4 tries)), scheduling recomputation "
                       "skipped"]


def test_gzip_compressed_lists_are_read(serve: Callable[..., FakeAPIServer], tmp_path: Path) -> None:
    api = serve(Rules(gzip_threshold=0))
    r = scan(api, tmp_path, "-A")
    assert r.code == 1, r.err
    assert r.pods() == ALL
    assert r.notes == []
    assert api.gzipped > 20
