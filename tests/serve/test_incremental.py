"""Incremental re-diagnosis (`podwhy serve`) against the full diagnosis: random sequences of watch-like
changes to the example cluster (pods deleted, re-added, flipped between crash loops, pull errors and health,
relabelled; events added and removed; nodes tainted, drained of capacity, made NotReady; Secrets, Services,
claims removed; templates re-imaged), each batch diagnosed both ways with the clock pinned: the reports must
be byte for byte equal, and the incremental pass must re-run fewer subjects when the change is local."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podwhy.analyzers import Options
from podwhy.diagnose import Selection, diagnose
from podwhy.model import Node, Taint
from podwhy.model.pod import ContainerState, RunningState, TerminatedState, WaitingState
from podwhy.render.json import render_bytes
from podwhy.serve.incremental import Incremental, classify
from podwhy.serve.store import Change, Changes, key_of
from podwhy.snapshot import SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.sources.decode import Decoded
from podwhy.snapshot.sources.files import load_paths

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
MAX_VERDICTS = 40  # small, so `sameNodesAs` folding is exercised too


@pytest.fixture(scope="module")
def example() -> dict[str, dict[tuple[str, str], Any]]:
    decoded, _, _ = load_paths([str(ROOT / "examples" / "cluster")], now=NOW)
    state: dict[str, dict[tuple[str, str], Any]] = {}
    for kind, obj in decoded.objects:
        state.setdefault(kind, {})[key_of(obj)] = obj
    return state


def _snapshot(state: dict[str, dict[tuple[str, str], Any]]) -> Any:
    objects = [(kind, o) for kind, objs in state.items() for _, o in sorted(objs.items())]
    return build_snapshot(Decoded(objects=objects, loaded=set(state)), SourceInfo("live", "test"))


def _flip(pod: Any, rng: random.Random) -> Any:
    """One of its containers into a crash loop, a pull error, or healthy and running."""
    statuses = list(pod.status.container_statuses)
    if not statuses:
        return pod
    i = rng.randrange(len(statuses))
    cs = statuses[i]
    choice = rng.choice(["crash", "pull", "healthy"])
    if choice == "crash":
        state = ContainerState(waiting=WaitingState("CrashLoopBackOff", f"back-off 5m0s restarting {cs.name}"))
        cs = msgspec.structs.replace(cs, state=state, ready=False, restart_count=cs.restart_count + 4,
                                     last_state=ContainerState(terminated=TerminatedState(
                                         reason="Error", exit_code=1, started_at="2026-11-20T09:58:00Z",
                                         finished_at="2026-11-20T09:58:02Z")))
    elif choice == "pull":
        msg = f'Back-off pulling image "{cs.image or "app:1"}"'
        cs = msgspec.structs.replace(cs, state=ContainerState(waiting=WaitingState("ImagePullBackOff", msg)),
                                     ready=False, image_id="")
    else:
        cs = msgspec.structs.replace(cs, state=ContainerState(running=RunningState("2026-11-20T08:00:00Z")),
                                     ready=True, restart_count=0, image_id=cs.image_id or "sha256:feed")
    statuses[i] = cs
    return msgspec.structs.replace(pod, status=msgspec.structs.replace(pod.status, container_statuses=tuple(statuses)))


def _mutations(state: dict[str, dict[tuple[str, str], Any]], gone: dict[str, dict[tuple[str, str], Any]],
               rng: random.Random) -> list[Change]:
    """A few watch events' worth of changes, applied to `state`."""
    out: list[Change] = []

    def put(kind: str, old: Any, new: Any) -> None:
        objs = state.setdefault(kind, {})
        if new is None:
            del objs[key_of(old)]
            gone.setdefault(kind, {})[key_of(old)] = old
        else:
            objs[key_of(new)] = new
        out.append(Change(kind, old, new))

    for _ in range(rng.randint(1, 4)):
        what = rng.choice(["pod-flip", "pod-flip", "pod-delete", "pod-readd", "pod-label", "event-delete",
                           "event-add", "node-taint", "node-capacity", "node-notready", "config-delete",
                           "template-image", "image-elsewhere"])
        if what.startswith("pod-") and what != "pod-readd":
            pod = rng.choice(list(state["Pod"].values()))
            if what == "pod-flip":
                put("Pod", pod, _flip(pod, rng))
            elif what == "pod-delete":
                put("Pod", pod, None)
            else:
                meta = msgspec.structs.replace(pod.metadata, labels={**pod.metadata.labels, "churn": str(rng.random())})
                put("Pod", pod, msgspec.structs.replace(pod, metadata=meta))
        elif what == "pod-readd" and gone.get("Pod"):
            key = rng.choice(list(gone["Pod"]))
            put("Pod", None, gone["Pod"].pop(key))
        elif what == "event-delete" and state.get("Event"):
            put("Event", rng.choice(list(state["Event"].values())), None)
        elif what == "event-add" and state.get("Event"):
            ev = rng.choice(list(state["Event"].values()))
            meta = msgspec.structs.replace(ev.metadata, name=f"{ev.metadata.name}.{rng.randrange(10**6)}")
            put("Event", None, msgspec.structs.replace(ev, metadata=meta, message=ev.message + " (again)"))
        elif what.startswith("node-") and state.get("Node"):
            node: Node = rng.choice(list(state["Node"].values()))
            if what == "node-taint":
                spec = msgspec.structs.replace(node.spec, taints=(*node.spec.taints,
                                                                  Taint(key="churn", value="x", effect="NoSchedule")))
                put("Node", node, msgspec.structs.replace(node, spec=spec))
            elif what == "node-capacity":
                status = msgspec.structs.replace(node.status, allocatable={**node.status.allocatable, "cpu": "1"})
                put("Node", node, msgspec.structs.replace(node, status=status))
            else:
                conds = tuple(msgspec.structs.replace(c, status="Unknown", reason="NodeStatusUnknown")
                              if c.type == "Ready" else c for c in node.status.conditions)
                status = msgspec.structs.replace(node.status, conditions=conds)
                put("Node", node, msgspec.structs.replace(node, status=status))
        elif what == "config-delete":
            kinds = [k for k in ("Secret", "Service", "PersistentVolumeClaim", "ConfigMap", "ServiceAccount")
                     if state.get(k)]
            if kinds:
                kind = rng.choice(kinds)
                put(kind, rng.choice(list(state[kind].values())), None)
        elif what == "image-elsewhere":
            # A pod of another namespace now runs a tag of an image that fails to pull here (tag evidence).
            failing = [p for p in state["Pod"].values() if any(
                cs.state.waiting is not None and cs.state.waiting.reason in ("ImagePullBackOff", "ErrImagePull")
                for cs in p.status.container_statuses)]
            if failing:
                bad = rng.choice(failing)
                image = bad.spec.containers[0].image.rsplit(":", 1)[0] + rng.choice([":1.0.0", ":v2", ":latest"])
                others = [p for p in state["Pod"].values() if p.metadata.namespace != bad.metadata.namespace
                          and p.spec.containers and p.status.container_statuses]
                if others:
                    pod = rng.choice(others)
                    c0 = msgspec.structs.replace(pod.spec.containers[0], image=image)
                    spec = msgspec.structs.replace(pod.spec, containers=(c0, *pod.spec.containers[1:]))
                    cs0 = msgspec.structs.replace(pod.status.container_statuses[0], image=image,
                                                  image_id="sha256:beef",
                                                  state=ContainerState(running=RunningState("2026-11-20T08:00:00Z")))
                    status = msgspec.structs.replace(pod.status, container_statuses=(
                        cs0, *pod.status.container_statuses[1:]))
                    put("Pod", pod, msgspec.structs.replace(pod, spec=spec, status=status))
        elif what == "template-image":
            kinds = [k for k in ("Deployment", "ReplicaSet") if state.get(k)]
            if kinds:
                kind = rng.choice(kinds)
                obj = rng.choice(list(state[kind].values()))
                tspec = obj.spec.template.spec
                if tspec.containers:
                    c0 = msgspec.structs.replace(tspec.containers[0], image=tspec.containers[0].image + "-next")
                    tspec = msgspec.structs.replace(tspec, containers=(c0, *tspec.containers[1:]))
                    template = msgspec.structs.replace(obj.spec.template, spec=tspec)
                    put(kind, obj, msgspec.structs.replace(obj, spec=msgspec.structs.replace(obj.spec,
                                                                                            template=template)))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_incremental_equals_full(example: dict[str, dict[tuple[str, str], Any]], seed: int) -> None:
    rng = random.Random(seed)
    state = {k: dict(v) for k, v in example.items()}
    gone: dict[str, dict[tuple[str, str], Any]] = {}
    opts, sel = Options(), Selection()
    inc = Incremental(opts, sel, MAX_VERDICTS)
    inc.diagnose(_snapshot(state), NOW, classify(Changes(whole=True)))
    for _ in range(6):
        changes = _mutations(state, gone, rng)
        snap = _snapshot(state)
        got = inc.diagnose(snap, NOW, classify(Changes(objects=changes, whole=False)))
        want = diagnose(snap, now=NOW, options=opts, selection=sel, max_node_verdicts=MAX_VERDICTS)
        assert render_bytes(got) == render_bytes(want), [(c.kind, key_of(c.new or c.old)) for c in changes]


def test_a_local_change_reruns_only_its_namespace(example: dict[str, dict[tuple[str, str], Any]]) -> None:
    state = {k: dict(v) for k, v in example.items()}
    inc = Incremental(Options(), Selection(), MAX_VERDICTS)
    first = inc.diagnose(_snapshot(state), NOW, classify(Changes(whole=True)))
    everyone = inc.last_rerun
    assert everyone == len(first.subjects)
    # A crash-looping pod of one namespace flips to healthy: its status only, on a node.
    subject = next(s for s in first.subjects if s.findings[0].code.startswith("crash.") and s.kind == "Pod")
    pod = state["Pod"][(subject.namespace, subject.name)]
    healthy = _flip(pod, random.Random(3))
    state["Pod"][key_of(pod)] = healthy
    inc.diagnose(_snapshot(state), NOW, classify(Changes(objects=[Change("Pod", pod, healthy)], whole=False)))
    in_namespace = sum(1 for s in first.subjects if s.namespace == subject.namespace)
    assert 0 < inc.last_rerun < everyone
    assert inc.last_rerun <= in_namespace + sum(1 for s in first.subjects if s.kind == "Pod"
                                                and not state["Pod"][(s.namespace, s.name)].spec.node_name) + 5
