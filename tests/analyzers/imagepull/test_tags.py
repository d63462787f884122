"""Nearest existing tag from cluster evidence (same normalised repository)."""

from __future__ import annotations

from podwhy.analyzers.imagepull.tags import nearest_tags, replace_tag
from podwhy.snapshot import SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.sources.files import decode_bytes

SNAP = """
apiVersion: v1
kind: Node
metadata: {name: n1}
status:
  images:
  - names: ["docker.io/library/myapp@sha256:aaaa", "docker.io/library/myapp:2.0"]
---
apiVersion: v1
kind: Pod
metadata: {name: old, namespace: default}
spec: {containers: [{name: a, image: "myapp:1.1"}]}
status:
  containerStatuses:
  - {name: a, image: "docker.io/library/myapp:1.1", imageID: "docker.io/library/myapp@sha256:bbbb",
     state: {running: {}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-1, namespace: default}
spec: {template: {spec: {containers: [{name: a, image: "docker.io/myapp:1.0"}]}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: other}
spec: {template: {spec: {containers: [{name: a, image: "quay.io/myapp:1.0"}]}}}
"""


def _snap():  # type: ignore[no-untyped-def]
    return build_snapshot(decode_bytes(SNAP.encode(), "<t>"), SourceInfo("files", "<t>"))


def test_trailing_dot_suggests_the_same_version_first():  # type: ignore[no-untyped-def]
    got = [(e.tag, e.how) for e in nearest_tags(_snap(), "docker.io/library/myapp", "1.0.")]
    assert got == [("1.0", "in a controller template"), ("1.1", "running in a pod"), ("2.0", "on a node")]


def test_other_registry_with_the_same_name_is_not_evidence():  # type: ignore[no-untyped-def]
    got = [e.tag for e in nearest_tags(_snap(), "quay.io/library/myapp", "1.0.")]
    assert got == []


def test_version_proximity_beats_edit_distance():  # type: ignore[no-untyped-def]
    got = [e.tag for e in nearest_tags(_snap(), "docker.io/library/myapp", "2.1")]
    assert got[0] == "2.0"


def test_replace_tag_keeps_the_written_name():  # type: ignore[no-untyped-def]
    assert replace_tag("myapp:1.0.", "1.0") == "myapp:1.0"
    assert replace_tag("localhost:5000/app", "v2") == "localhost:5000/app:v2"
    assert replace_tag("r.io/app:1@sha256:" + "a" * 64, "2") == "r.io/app:2"
