"""Offline sources: what `kubectl get -o yaml|json` and `kubectl cluster-info dump` write must load,
and anything else must fail with exit code 2 and a message naming file, document and field.

Mirrors the input forms of kubectl (cli-runtime printers, cmd/clusterinfo/clusterinfo_dump.go).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from podwhy.cli import main
from podwhy.model import Event, Pod
from podwhy.snapshot import Snapshot, SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.sources.files import decode_bytes, load_paths

ROOT = Path(__file__).resolve().parents[2]
DUMP_DIR = ROOT / "examples" / "dump"
DUMP_STDOUT = ROOT / "tests" / "fixtures" / "dump-stdout.txt"

POD_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2026-11-20T09:41:07Z"
  name: web-1
  namespace: shop
  resourceVersion: "100"
  uid: 1b7a0c9e-0000-4000-8000-000000000001
spec:
  containers:
  - image: registry.example.com/shop/web:2.0
    name: app
  nodeName: worker-1
status:
  containerStatuses:
  - image: registry.example.com/shop/web:2.0
    name: app
    state:
      waiting:
        reason: ImagePullBackOff
  phase: Pending
"""
POD_JSON = json.dumps({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web-1", "namespace": "shop", "uid": "1b7a0c9e-0000-4000-8000-000000000001"},
    "spec": {"containers": [{"name": "app", "image": "registry.example.com/shop/web:2.0"}]},
}, indent=4)
LIST_YAML = """\
apiVersion: v1
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: worker-1
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    replicas: 2
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: shop
kind: List
metadata:
  resourceVersion: ""
"""
# `kubectl get pods -o json` through a typed client and `cluster-info dump`: items carry no kind.
PODLIST_JSON = """{
    "kind": "PodList",
    "apiVersion": "v1",
    "metadata": {"resourceVersion": "48164894"},
    "items": [
        {"metadata": {"name": "a", "namespace": "shop"}, "spec": {"containers": [{"name": "app", "image": "x:1"}]}},
        {"metadata": {"name": "b", "namespace": "shop"}, "spec": {"containers": [{"name": "app", "image": "x:1"}]}}
    ]
}"""
MULTI_DOC = POD_YAML + """\
---
apiVersion: v1
kind: Event
involvedObject:
  kind: Pod
  name: web-1
  namespace: shop
  uid: 1b7a0c9e-0000-4000-8000-000000000001
message: Back-off pulling image "registry.example.com/shop/web:2.0"
metadata:
  name: web-1.18e9b77b83bbfce9
  namespace: shop
reason: BackOff
source:
  component: kubelet
  host: worker-1
type: Normal
---
# an empty document (a trailing separator) is not an object and not an error
"""
MIXED_JSON_LIST = json.dumps({
    "apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
    "items": [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns"}},
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
         "provisioner": "ebs.csi.aws.com"},
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "p", "namespace": "ns"}},
    ],
})
# `kubectl get events.v1.events.k8s.io -o yaml`: regarding/note/reportingController, no source.
EVENTS_V1 = """\
apiVersion: events.k8s.io/v1
kind: Event
action: Scheduling
eventTime: "2026-11-20T09:12:04.381827Z"
metadata:
  name: monthly-report-5cr7l.18e9b0f3a1c2d3e4
  namespace: analytics
note: '0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient memory.
  preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found
  for incoming pod.'
reason: FailedScheduling
regarding:
  apiVersion: v1
  kind: Pod
  name: monthly-report-5cr7l
  namespace: analytics
  uid: 5f0c8a2e-0000-4000-8000-000000000002
reportingController: default-scheduler
reportingInstance: default-scheduler-control-plane-1
series:
  count: 14
  lastObservedTime: "2026-11-20T09:56:12.001122Z"
type: Warning
"""


@dataclass(frozen=True)
class Loaded:
    """What a source yields, in the terms a test asserts on."""

    kinds: dict[str, int]
    loaded: frozenset[str]
    notes: tuple[str, ...]


def _summary(snap: Snapshot) -> Loaded:
    kinds: dict[str, int] = {}
    for k in ("Pod", "Event", "Node", "Deployment", "StorageClass", "ReplicaSet", "DaemonSet", "Secret", "Service"):
        n = len(snap.objects(k))
        if n:
            kinds[k] = n
    return Loaded(kinds, snap.loaded, snap.notes)


def _snap(data: str | bytes, where: str = "in.yaml") -> Snapshot:
    raw = data.encode() if isinstance(data, str) else data
    return build_snapshot(decode_bytes(raw, where), SourceInfo("files", where))


@pytest.mark.parametrize(("data", "expected"), [
    pytest.param(POD_YAML, Loaded({"Pod": 1}, frozenset({"Pod"}), ()), id="a-single-yaml-object-is-one-pod"),
    pytest.param(POD_JSON, Loaded({"Pod": 1}, frozenset({"Pod"}), ()), id="a-single-json-object-is-one-pod"),
    pytest.param(LIST_YAML, Loaded({"Node": 1, "Deployment": 1, "Service": 1}, frozenset({"Node", "Deployment", "Service"}),
                                   ()),
                 id="a-yaml-List-of-mixed-kinds-keeps-every-kind-podwhy-reads"),
    pytest.param(PODLIST_JSON, Loaded({"Pod": 2}, frozenset({"Pod"}), ()),
                 id="a-typed-PodList-whose-items-have-no-kind-is-read-as-pods"),
    pytest.param(MULTI_DOC, Loaded({"Pod": 1, "Event": 1}, frozenset({"Pod", "Event"}), ()),
                 id="multi-document-yaml-reads-every-document-and-skips-empty-ones"),
    pytest.param(MIXED_JSON_LIST, Loaded({"Pod": 1, "Node": 1, "StorageClass": 1},
                                         frozenset({"Pod", "Node", "StorageClass"}),
                                         ("not read (kinds podwhy does not use): Endpoints (1)",)),
                 id="a-json-List-of-mixed-kinds-keeps-known-kinds-and-notes-the-others"),
    pytest.param('{"kind": "SecretList", "apiVersion": "v1", "metadata": {}, "items": []}',
                 Loaded({}, frozenset({"Secret"}), ()),
                 id="an-empty-SecretList-means-secrets-were-read-and-there-are-none"),
])
def test_kubectl_get_output_forms_load(data: str, expected: Loaded) -> None:
    assert _summary(_snap(data)) == expected


def test_events_k8s_io_v1_events_are_normalised_to_core_events() -> None:
    snap = _snap(EVENTS_V1)
    (ev,) = snap.events
    assert isinstance(ev, Event)
    assert (ev.reason, ev.type, ev.component, ev.involved_object.kind, ev.involved_object.name,
            ev.involved_object.uid, ev.times, ev.last_seen) == (
        "FailedScheduling", "Warning", "default-scheduler", "Pod", "monthly-report-5cr7l",
        "5f0c8a2e-0000-4000-8000-000000000002", 14, "2026-11-20T09:56:12.001122Z")
    assert ev.message.startswith("0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, ")
    # and the snapshot finds it for the pod, by uid, as analyzers ask for it
    assert [e.reason for e in snap.events_for(_pod("analytics", "monthly-report-5cr7l",
                                                  "5f0c8a2e-0000-4000-8000-000000000002"))] == ["FailedScheduling"]


def _pod(ns: str, name: str, uid: str) -> Pod:
    snap = _snap(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}, uid: {uid}}}\n")
    return snap.pods[0]


def test_a_kind_absent_from_the_input_is_unknown_not_empty() -> None:
    snap = _snap(POD_YAML)
    assert (snap.has("Pod"), snap.has("Secret"), snap.has("Node"), snap.secrets) == (True, False, False, ())


def test_the_same_object_twice_is_kept_once_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(POD_YAML)
    (tmp_path / "b.yaml").write_text(POD_YAML.replace('resourceVersion: "100"', 'resourceVersion: "99"'))
    decoded, kind, _ = load_paths([str(tmp_path)])
    snap = build_snapshot(decoded, SourceInfo(kind, str(tmp_path)))
    assert (kind, len(snap.pods), snap.notes) == (
        "files", 1, ("1 duplicate Pod object(s) in the input: the last one read of each was used",))


def test_stdin_is_read_when_the_path_is_a_dash() -> None:
    decoded, kind, detail = load_paths(["-"], stdin=io.BytesIO(POD_YAML.encode()))
    assert (kind, detail, [k for k, _ in decoded.objects]) == ("files", "-", ["Pod"])


def _stuck_names(snap: Snapshot) -> set[str]:
    return {f"{p.metadata.namespace}/{p.metadata.name}" for p in snap.pods}


def test_a_cluster_info_dump_directory_is_read_as_a_dump_and_its_logs_are_located() -> None:
    decoded, kind, _ = load_paths([str(DUMP_DIR)])
    snap = build_snapshot(decoded, SourceInfo(kind, str(DUMP_DIR)))
    assert kind == "dump"
    assert {k for k in snap.loaded} == {"Node", "Event", "ReplicationController", "DaemonSet", "Deployment",
                                        "ReplicaSet", "Pod", "Service"}
    assert (len(snap.nodes), snap.has("Secret"), snap.notes) == (5, False, ())
    # Every pod's logs.txt is located; one is read only when a finding quotes it (snapshot/logs.py).
    log = snap.logs.get(("apps", "orders-api-vgpqbm2bgz-ffbmn", "api"))
    assert log is not None and (log.previous, log.lines[-1]) == (
        False, "Error: cannot connect to database at orders-db.apps.svc:5432: dial tcp 10.96.114.20:5432: connect: "
               "connection refused")
    assert snap.logs.get(("apps", "orders-api-vgpqbm2bgz-ffbmn", "no-such-container")) is None


def test_the_dump_printed_to_stdout_reads_the_same_as_the_directory() -> None:
    data = DUMP_STDOUT.read_bytes()
    assert b"==== START logs for container app of pod shop/" in data
    decoded, kind, _ = load_paths(["-"], stdin=io.BytesIO(data))
    from_stdout = build_snapshot(decoded, SourceInfo(kind, "-"))
    d2, _, _ = load_paths([str(DUMP_DIR)])
    from_dir = build_snapshot(d2, SourceInfo("dump", str(DUMP_DIR)))
    assert kind == "dump"
    assert (len(from_stdout.pods), len(from_stdout.events), _stuck_names(from_stdout)) == (
        len(from_dir.pods), len(from_dir.events), _stuck_names(from_dir))


def test_concatenated_json_documents_split_at_their_boundaries() -> None:
    data = b'{"kind":"Node","apiVersion":"v1","metadata":{"name":"a"}}{"kind":"Node","apiVersion":"v1",' \
           b'"metadata":{"name":"b"}}\n\n{"kind": "Node", "apiVersion": "v1", "metadata": {"name": "c"}}\n'
    assert sorted(n.metadata.name for n in _snap(data, "nodes.json").nodes) == ["a", "b", "c"]


# ---------------------------------------------------------------- bad input
def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["scan", *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("name", "content", "message"), [
    pytest.param("trunc.yaml", b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: [web\n",
                 "{path} (document 0) at line 5 column 1: invalid YAML: ",
                 id="truncated-yaml-names-file-document-and-line"),
    pytest.param("trunc.yaml", POD_YAML.encode() + b"---\nkind: Pod\nmetadata: {name: x\n",
                 "{path} (document 1) at line ",
                 id="truncated-second-yaml-document-names-document-1"),
    pytest.param("trunc.json", b'{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w',
                 "{path}: malformed JSON: ", id="truncated-json-says-malformed"),
    pytest.param("foo.json", b'{"foo": 1}', "{path} at $.kind: not a Kubernetes object: no `kind`",
                 id="a-json-object-without-kind-is-not-a-kubernetes-object"),
    pytest.param("array.json", b'[{"kind": "Pod"}]',
                 "{path}: a JSON array is not a Kubernetes object (expected an object or a List)",
                 id="a-json-array-is-refused"),
    pytest.param("latin1.yaml", b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n",
                 "{path}: not valid UTF-8 (byte 46)", id="invalid-utf8-names-the-byte"),
    pytest.param("scalar.yaml", b"just a sentence\n", "{path} (document 0) at kind: not a Kubernetes object (got str)",
                 id="a-yaml-scalar-is-not-a-kubernetes-object"),
])
def test_bad_input_exits_2_with_file_document_and_field(tmp_path: Path, name: str, content: bytes,
                                                         message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = _run("--from", str(path))
    assert (code, out) == (2, "")
    assert err.startswith("podwhy: " + message.format(path=path)), err
    assert "Traceback" not in err


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert _run("--from", str(missing)) == (2, "", f"podwhy: {missing}: no such file or directory\n")


def test_an_unreadable_file_exits_2_with_the_os_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(POD_YAML)
    real = Path.read_bytes

    def deny(self: Path) -> bytes:  # root ignores file modes, so refuse the read the way the OS would
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    assert _run("--from", str(path)) == (2, "", f"podwhy: {path}: cannot read: Permission denied\n")


def test_an_empty_directory_exits_2(tmp_path: Path) -> None:
    assert _run("--from", str(tmp_path)) == (2, "", f"podwhy: {tmp_path}: directory holds no .json/.yaml/.yml files\n")


def test_a_field_of_the_wrong_type_skips_that_object_with_a_note_and_the_report_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(POD_YAML + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
                               "  namespace: shop\nspec:\n  replicas: \"three\"\n")
    code, out, err = _run("--from", str(path), "-o", "json")
    report = json.loads(out)
    assert (code, err) == (1, "")
    assert [s["ref"] for s in report["subjects"]] == ["Pod/shop/web-1"]
    assert f"{path} document 1: skipped Deployment 'web' at $.spec.replicas: Expected `int | null`, got `str`" \
        in report["notes"]


def test_a_podlist_item_of_the_wrong_type_is_skipped_and_its_siblings_kept() -> None:
    data = PODLIST_JSON.replace('"name": "b"', '"name": 7')
    snap = _snap(data, "pods.json")
    assert ([p.metadata.name for p in snap.pods], snap.notes) == (
        ["a"], ("pods.json: skipped a Pod at $.items[1].metadata.name: Expected `str`, got `int`",))
