"""What `load_live` hands the engine: every kind it could read, events of both APIs once, secrets summarised,
the namespace scope, and a progress line that is cleared at the end."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from podwhy.snapshot import Snapshot
from podwhy.snapshot.sources.live import load_live

from .apiserver import RECORDED, FakeAPIServer, Rules, write_kubeconfig
from .harness import TTY, run
from .test_live_lists import NOW

Serve = Callable[..., FakeAPIServer]


def load(api: FakeAPIServer, tmp_path: Path, **kw: object) -> tuple[Snapshot, str]:
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a")
    args: dict[str, object] = {"kubeconfig": str(kubeconfig), "timeout": 5.0, "all_namespaces": True}
    args.update(kw)
    return load_live(**args)  # type: ignore[arg-type]


def _names(objs: object) -> list[str]:
    return sorted(f"{o.metadata.namespace}/{o.metadata.name}".lstrip("/") for o in objs)  # type: ignore[attr-defined]


def _recorded_names(rel: str) -> list[str]:
    items = json.loads((RECORDED / rel).read_text())["items"]
    return sorted(f"{i['metadata'].get('namespace', '')}/{i['metadata']['name']}".lstrip("/") for i in items)


def test_every_kind_is_loaded_with_every_object(serve: Serve, tmp_path: Path) -> None:
    snap, namespace = load(serve(), tmp_path)
    assert namespace == "team-a"
    assert snap.scope_namespace is None
    assert snap.notes == ()
    assert {k for k in ("Pod", "Event", "Node", "Namespace", "Secret", "ServiceAccount", "ReplicaSet", "Deployment",
                        "Job", "StorageClass", "PriorityClass", "RuntimeClass", "CSINode") if snap.has(k)} == {
        "Pod", "Event", "Node", "Namespace", "Secret", "ServiceAccount", "ReplicaSet", "Deployment", "Job",
        "StorageClass", "PriorityClass", "RuntimeClass", "CSINode"}
    assert _names(snap.pods) == _recorded_names("api/v1/pods.json")
    assert _names(snap.nodes) == _recorded_names("api/v1/nodes.json")
    assert _names(snap.replica_sets) == _recorded_names("apis/apps/v1/replicasets.json")
    assert snap.storage_classes[0].metadata.name == "standard"


@pytest.mark.parametrize("rules", [
    pytest.param(Rules(), id="both event APIs serve the same events: each is kept once"),
    pytest.param(Rules(forbid=frozenset({"events"})), id="events of neither API readable: events unknown"),
    pytest.param(Rules(missing=frozenset({"events.k8s.io/v1"})), id="only core/v1 events on an old cluster"),
])
def test_events_of_both_apis_are_deduplicated(serve: Serve, tmp_path: Path, rules: Rules) -> None:
    snap, _ = load(serve(rules), tmp_path)
    if "events" in rules.forbid:
        assert not snap.has("Event")
        assert snap.notes == (
            'events: forbidden, no event evidence (events is forbidden: User "jane" cannot list resource "events" '
            'in API group "" at the cluster scope)',)
        return
    assert snap.has("Event")
    assert _names(snap.events) == _recorded_names("api/v1/events.json")
    failed = next(e for e in snap.events if e.metadata.name.startswith("web-6f7c9d5b8-k7m2d.") and e.reason == "Failed")
    assert failed.involved_object.name == "web-6f7c9d5b8-k7m2d"
    assert failed.times == 6
    assert "registry.example.com/team-a/web:1.4.3: not found" in failed.message
    assert snap.notes == ()


def test_events_from_events_k8s_io_alone_are_normalised(serve: Serve, tmp_path: Path) -> None:
    def seen(snap: Snapshot) -> list[tuple[object, ...]]:
        return [(e.metadata.name, e.reason, e.message, e.type, e.times, e.component, e.last_seen,
                 e.involved_object.uid, e.involved_object.field_path)
                for e in sorted(snap.events, key=lambda e: e.metadata.name)]

    core_only, _ = load(serve(Rules(missing=frozenset({"events.k8s.io/v1"}))), tmp_path)
    # A user who may read events.k8s.io events but not core ones gets the same evidence, and no note.
    v1_only, _ = load(serve(Rules(forbid=frozenset({"core/events"}))), tmp_path)
    assert v1_only.notes == ()
    assert seen(v1_only) == seen(core_only)
    assert len(seen(v1_only)) == 6


@pytest.mark.parametrize(("rules", "kw", "scope", "pods"), [
    pytest.param(Rules(), {"all_namespaces": True}, None, 9, id="all namespaces: no scope"),
    pytest.param(Rules(), {"all_namespaces": False, "namespace": "team-b"}, "team-b", 9,
                 id="one namespace: scoped, but pods of every namespace read for node usage"),
    pytest.param(Rules(namespace_only="team-a"), {"all_namespaces": True}, "team-a", 4,
                 id="namespace-only user: scoped to the context's namespace"),
])
def test_scope_namespace(serve: Serve, tmp_path: Path, rules: Rules, kw: dict[str, object], scope: str | None,
                         pods: int) -> None:
    snap, _ = load(serve(rules), tmp_path, **kw)
    assert snap.scope_namespace == scope
    assert len(snap.pods) == pods


SECRET_VALUES = ("not-a-real-password", base64.b64encode(b"not-a-real-password").decode(),
                 base64.b64encode(b"robot$team-b:not-a-real-password").decode(), "not a real key",
                 base64.b64encode(b"not a real key").decode())


def test_secrets_are_summarised_and_never_leak(serve: Serve, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api = serve()
    snap, _ = load(api, tmp_path)
    regcred = snap.get("Secret", "team-b", "regcred")
    assert regcred is not None
    assert (regcred.type, regcred.keys, [(d.key, d.has_credentials) for d in regcred.docker_entries or ()]) == (
        "kubernetes.io/dockerconfigjson", (".dockerconfigjson",), [("private.example.com", True)])
    kubeconfig = tmp_path / "kubeconfig"
    for output in ("json", "text", "markdown"):
        r = run("scan", "-A", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", output)
        assert r.code == 1
        for value in SECRET_VALUES:
            assert value not in r.out and value not in r.err
    for value in SECRET_VALUES:
        assert value not in caplog.text
    assert "token-jane" not in caplog.text


def test_progress_line_on_a_terminal_is_cleared_at_the_end(serve: Serve, tmp_path: Path) -> None:
    api = serve()
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url)
    err = TTY()
    r = run("scan", "-A", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json", stderr=err)
    assert r.code == 1
    assert r.err.startswith("\rlisting: ")
    assert "\n" not in r.err
    # The last write blanks the line and returns the cursor: nothing of the progress stays on screen.
    head, blank, tail = r.err.rsplit("\r", 2)
    assert head.startswith("\rlisting: ") and blank.strip() == "" and len(blank) > 0 and tail == ""


def test_no_progress_when_stderr_is_not_a_terminal(serve: Serve, tmp_path: Path) -> None:
    api = serve()
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url)
    r = run("scan", "-A", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json")
    assert (r.code, r.err) == (1, "")
