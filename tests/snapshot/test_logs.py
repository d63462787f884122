"""Container logs that come with an input (snapshot/logs.py): where each layout keeps them, read only when asked,
the previous run's log preferred, bounded, and never a path outside the input built from a name in it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from podwhy.model.logs import MAX_LINE, MAX_LINES
from podwhy.snapshot.logs import LogStore, sections
from podwhy.snapshot.sources.files import load_paths

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop"},
       "spec": {"containers": [{"name": "app", "image": "nginx"}]}}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _dump(tmp: Path) -> Path:
    root = tmp / "dump"
    _write(root / "nodes.json", json.dumps({"kind": "NodeList", "apiVersion": "v1", "items": []}))
    _write(root / "shop" / "pods.json", json.dumps({"kind": "PodList", "apiVersion": "v1", "items": [POD]}))
    _write(root / "shop" / "web-1" / "logs.txt",
           "==== START logs for container app of pod shop/web-1 ====\nstarting\nError: boom\n"
           "==== END logs for container app of pod shop/web-1 ====\n")
    return root


def _troubleshoot(tmp: Path) -> Path:
    root = tmp / "support-bundle"
    _write(root / "cluster-resources" / "pods" / "shop.json", json.dumps([POD]))
    _write(root / "cluster-resources" / "pods" / "logs" / "shop" / "web-1" / "app.log", "current run\n")
    _write(root / "cluster-resources" / "pods" / "logs" / "shop" / "web-1" / "app-previous.log", "Error: boom\n")
    return root


def _must_gather(tmp: Path) -> Path:
    root = tmp / "must-gather"
    pod_dir = root / "quay-io-openshift-must-gather" / "namespaces" / "shop" / "pods" / "web-1"
    _write(pod_dir / "web-1.yaml", json.dumps(POD))
    _write(pod_dir / "app" / "app" / "logs" / "current.log", "current run\n")
    _write(pod_dir / "app" / "app" / "logs" / "previous.log", "Error: boom\n")
    return root


def _stdout(tmp: Path) -> Path:
    f = tmp / "dump.txt"
    _write(f, json.dumps({"kind": "PodList", "apiVersion": "v1", "items": [POD]}) + "\n"
           "==== START logs for container app of pod shop/web-1 ====\nError: boom\n"
           "==== END logs for container app of pod shop/web-1 ====\n")
    return f


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], Path]
    previous: bool
    last: str


CASES = [
    Case("cluster-info-dump-directory", _dump, False, "Error: boom"),
    Case("troubleshoot-bundle-previous-log-preferred", _troubleshoot, True, "Error: boom"),
    Case("must-gather-previous-log-preferred", _must_gather, True, "Error: boom"),
    Case("cluster-info-dump-on-stdout-saved-to-a-file", _stdout, False, "Error: boom"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_layout_gives_the_containers_log(tmp_path: Path, case: Case) -> None:
    decoded, _, _ = load_paths([str(case.build(tmp_path))])
    log = decoded.logs.get(("shop", "web-1", "app"))
    assert log is not None and (log.previous, log.lines[-1]) == (case.previous, case.last)
    assert decoded.logs.get(("shop", "web-1", "sidecar")) is None
    assert decoded.logs.get(("shop", "web-2", "app")) is None


@pytest.mark.parametrize("name", ["..", ".", "a/b", "x\x00y", ""])
def test_a_name_from_the_input_never_leaves_the_directory(tmp_path: Path, name: str) -> None:
    root = _dump(tmp_path)
    _write(tmp_path / "logs.txt", "==== START logs for container app of pod ../.. ====\nsecret\n")
    decoded, _, _ = load_paths([str(root)])
    assert decoded.logs.get((name, name, "app")) is None
    assert decoded.logs.get(("shop", name, "app")) is None


def test_only_the_tail_is_kept_and_lines_are_bounded() -> None:
    store = LogStore()
    body = "".join(f"line {i}\n" for i in range(MAX_LINES + 50)) + "x" * (MAX_LINE * 3) + "\n"
    store.add_inline(sections(f"==== START logs for container app of pod shop/web-1 ====\n{body}"
                              "==== END logs for container app of pod shop/web-1 ====\n".encode()), "<stdin>")
    log = store.get(("shop", "web-1", "app"))
    assert log is not None
    assert (len(log.lines), log.truncated, len(log.lines[-1]), log.lines[0]) == (MAX_LINES, True, MAX_LINE, "line 51")


def test_sections_of_two_containers_do_not_swallow_each_other() -> None:
    data = (b"==== START logs for container a of pod ns/p ====\none\n==== END logs for container a of pod ns/p ====\n"
            b"==== START logs for container b of pod ns/p ====\ntwo\n==== END logs for container b of pod ns/p ====\n")
    assert sections(data) == {("ns", "p", "a"): b"one\n", ("ns", "p", "b"): b"two\n"}
