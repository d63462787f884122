"""Property tests: hostile bytes never crash the loaders, the quantity parser or the secret summariser.

Properties: only our own error types escape (no traceback reaches a user), nothing hangs (bounded
input, bounded regexes), and the same input always gives the same result. A longer run for
maintainers: `HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/robustness` (see conftest).
"""

from __future__ import annotations

import base64
import contextlib
import json

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from podwhy.errors import QuantityError, SnapshotError
from podwhy.model.config import SecretWire
from podwhy.quantity import parse
from podwhy.render.sanitize import clean
from podwhy.snapshot.sources.files import decode_bytes

# JSON-ish and YAML-ish fragments make the fuzzer reach past the first syntax error.
FRAGMENTS = st.sampled_from([
    b"{", b"}", b"[", b"]", b'"kind"', b":", b",", b'"Pod"', b'"PodList"', b'"items"', b'"metadata"',
    b'"name"', b"null", b"1e999", b"-", b"\n", b"kind: Pod\n", b"items:\n", b"- ", b"metadata: {name: x}\n",
    b"&a ", b"*a", b"---\n", b"\xff", b"\x00", b'"\\u0000"', b"apiVersion: v1\n", b"spec:\n  containers: 3\n",
])
DOCS = st.one_of(st.binary(max_size=400), st.lists(FRAGMENTS, max_size=40).map(b"".join))


def _summary(data: bytes) -> object:
    try:
        d = decode_bytes(data, "<fuzz>")
    except SnapshotError as exc:
        return ("error", str(exc))
    return ("ok", [(k, msgspec.json.encode(o)) for k, o in d.objects], sorted(d.loaded), d.notes)


@given(DOCS)
def test_decode_bytes_only_raises_snapshot_errors_and_is_deterministic(data: bytes) -> None:
    assert _summary(data) == _summary(data)


OBJECTS = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=30,
)
KINDS = st.sampled_from(["Pod", "Node", "Event", "Secret", "ConfigMap", "PersistentVolumeClaim", "ReplicaSet",
                         "List", "PodList", "Unknown"])


@given(KINDS, OBJECTS, OBJECTS)
def test_well_formed_json_with_wrong_shapes_is_skipped_with_a_note_never_a_crash(kind: str, meta: object,
                                                                                spec: object) -> None:
    doc = {"apiVersion": "v1", "kind": kind, "metadata": meta, "spec": spec, "items": [spec, meta]}
    for data in (json.dumps(doc).encode(), msgspec.yaml.encode(doc) if hasattr(msgspec, "yaml") else b""):
        if data:
            _summary(data)


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True)))
def test_quantity_parse_returns_or_raises_quantity_error(q: str | int | float) -> None:
    with contextlib.suppress(QuantityError):
        parse(q)


@given(st.dictionaries(st.sampled_from([".dockerconfigjson", ".dockercfg", "token", "x"]),
                       st.one_of(st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()),
                                 st.text(max_size=50),
                                 OBJECTS.map(lambda o: base64.b64encode(json.dumps(o).encode()).decode())),
                       max_size=3),
       st.sampled_from(["kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg", "Opaque", ""]))
def test_secret_summary_never_crashes(data: dict[str, str], typ: str) -> None:
    info = SecretWire(type=typ, data=data).summarise()
    assert info.keys == tuple(sorted(data))


@given(st.text(max_size=300))
def test_sanitised_text_has_no_control_characters(s: str) -> None:
    out = clean(s)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in out)
