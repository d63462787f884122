"""Bytes and YAML documents -> typed model objects, with errors that name file, document and field.

JSON goes straight from bytes into the partial structs (msgspec), a `<Kind>List` in one pass.
YAML goes through PyYAML's C loader (timestamps left as strings, as the API serves them), then
`msgspec.convert`. An object of a known kind whose fields have the wrong type is skipped with a
note naming where; a document that is not a Kubernetes object at all is an error (NotKubernetesError,
which a directory walk turns into a note about the file).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import msgspec

from podwhy.errors import SnapshotError
from podwhy.model.kinds import BY_KIND, EVENTS_V1, IGNORED_KINDS, KindInfo
from podwhy.snapshot.logs import LogStore


@contextmanager
def gc_paused(*, freeze: bool = True) -> Iterator[None]:
    """Pause the cyclic GC during bulk decodes: it would otherwise rescan millions of new objects.

    On the way out the survivors are frozen (gc.freeze): a snapshot lives as long as the process,
    so later collections need not traverse it again. `freeze=False` for a process that replaces its
    snapshots (`podwhy serve`): frozen objects would never be collected.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()


class NotKubernetesError(SnapshotError):
    """A well-formed document that is not a Kubernetes object (a config file, a bundle's `analysis.json`).

    Named on its own an input error like any other; found while walking a directory, its file is skipped
    with a note. Syntax errors are never this class: a broken dump must not be dropped quietly."""

    def __init__(self, message: str, *, path: str = "", document: int | None = None, field: str = "") -> None:
        super().__init__(message, path=path, document=document, field=field)
        self.reason = message

    def hard(self) -> SnapshotError:
        """The same error as a plain SnapshotError (a file that mixes Kubernetes objects with other documents)."""
        return SnapshotError(self.reason, path=self.path, document=self.document, field=self.field)


class Header(msgspec.Struct, rename="camel"):
    kind: str = ""
    api_version: str = ""
    items: list[msgspec.Raw] | None = None


class ItemHeader(msgspec.Struct, rename="camel"):
    kind: str = ""
    api_version: str = ""


class _ListMeta(msgspec.Struct, rename="camel"):
    # `continue` is a Python keyword: named explicitly.
    continue_: str = msgspec.field(default="", name="continue")
    resource_version: str = ""


def kind_info(kind: str, api_version: str) -> KindInfo | None:
    if kind == "Event" and api_version.startswith("events.k8s.io/"):
        return EVENTS_V1
    return BY_KIND.get(kind)


@cache
def list_type(info: KindInfo) -> Any:
    items_type: Any = tuple[info.wire, ...]  # type: ignore[name-defined]
    return msgspec.defstruct(
        f"{info.kind}List",
        [("items", items_type, ()), ("metadata", _ListMeta, msgspec.field(default_factory=_ListMeta))],
        rename="camel",
        gc=False,
    )


_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def _decoder(t: Any) -> msgspec.json.Decoder[Any]:
    dec = _DECODERS.get(t)
    if dec is None:
        dec = _DECODERS[t] = msgspec.json.Decoder(t)
    return dec


@dataclass
class Decoded:
    """Objects read from one source unit, by kind, plus what was learnt along the way."""

    objects: list[tuple[str, Any]] = field(default_factory=list)
    loaded: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)
    # Refs (Kind/ns/name) of pods rebuilt from `kubectl describe` text: fields describe does not print
    # (imagePullSecrets, affinity, schedulerName) are unknown for them, not empty.
    described: set[str] = field(default_factory=set)
    # (namespace, pod, container) -> log, read when a finding quotes it (snapshot/logs.py).
    logs: LogStore = field(default_factory=LogStore)
    # A live list's resourceVersion (its last page's): where a watch of that kind starts (`podwhy serve`).
    resource_version: str = ""

    def extend(self, other: Decoded) -> None:
        self.objects.extend(other.objects)
        self.described |= other.described
        self.logs.update(other.logs)
        self.loaded |= other.loaded
        self.notes.extend(other.notes)
        for k, v in other.ignored.items():
            self.ignored[k] = self.ignored.get(k, 0) + v


def _store(info: KindInfo, obj: Any) -> Any:
    return info.store(obj) if info.store is not None else obj


def _field_of(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    i = text.rfind(" - at `")
    return text[i + 7 : -1] if i >= 0 else ""


def _reason_of(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    i = text.rfind(" - at `")
    return text[:i] if i >= 0 else text


def decode_list_page(info: KindInfo, data: bytes, where: str) -> tuple[Decoded, str, str]:
    """Decode one API list response (live mode). Returns (objects, continue token, resourceVersion)."""
    out = Decoded(loaded={info.kind})
    try:
        lst = _decoder(list_type(info)).decode(data)
    except msgspec.ValidationError:
        # One bad item must not lose the page: fall back to item by item.
        hdr = _decoder(Header).decode(data)
        meta = msgspec.json.decode(data, type=_ListEnvelope).metadata
        _decode_items(info, hdr.items or [], where, out)
        return out, meta.continue_, meta.resource_version
    except msgspec.DecodeError as exc:
        raise SnapshotError(f"malformed JSON: {exc}", path=where) from None
    out.objects.extend((info.kind, _store(info, o)) for o in lst.items)
    return out, lst.metadata.continue_, lst.metadata.resource_version


class _ListEnvelope(msgspec.Struct, rename="camel"):
    metadata: _ListMeta = msgspec.field(default_factory=_ListMeta)


def _decode_items(info: KindInfo, items: list[msgspec.Raw], where: str, out: Decoded, doc: int | None = None,
                  prefix: str = "$.items") -> None:
    dec = _decoder(info.wire)
    for i, raw in enumerate(items):
        try:
            out.objects.append((info.kind, _store(info, dec.decode(raw))))
        except msgspec.ValidationError as exc:
            out.notes.append(_skip_note(where, doc, f"{prefix}[{i}]", info.kind, exc))


def _skip_note(where: str, doc: int | None, prefix: str, kind: str, exc: msgspec.ValidationError) -> str:
    fld = _field_of(exc)
    path = prefix + fld[1:] if fld.startswith("$") else prefix
    d = f" document {doc}" if doc is not None else ""
    return f"{where}{d}: skipped a {kind} at {path}: {_reason_of(exc)}"


# The top-level "kind" of a document, found without parsing it: first key (API server order) or last
# keys before the closing brace (kubectl sorts keys: ..., "kind", "metadata": {...}}).
_KIND_HEAD = re.compile(rb'\A\s*\{\s*"kind"\s*:\s*"([A-Za-z0-9]{1,64})"')
_KIND_TAIL = re.compile(rb'"kind"\s*:\s*"([A-Za-z0-9]{1,64})"\s*,\s*"metadata"\s*:\s*\{[^{}]{0,400}\}\s*\}\s*\Z')


# A core/v1 list: `"apiVersion": "v1"` as the first key (kubectl's sorted keys) or right after
# `"kind"` (API server order). Anything else (events.k8s.io/v1, no apiVersion) takes the careful path.
_CORE_V1_HEAD = re.compile(rb'\A\s*\{\s*(?:"kind"\s*:\s*"[A-Za-z0-9]{1,64}"\s*,\s*)?"apiVersion"\s*:\s*"v1"\s*,')


def _peek_list_kind(data: bytes | memoryview) -> KindInfo | None:
    head = bytes(data[:200])
    m = _KIND_HEAD.match(head) or _KIND_TAIL.search(bytes(data[-600:]))
    if m is None or not m.group(1).endswith(b"List"):
        return None
    info = BY_KIND.get(m.group(1)[:-4].decode())
    if info is not None and info.kind == "Event" and _CORE_V1_HEAD.match(head) is None:
        return None  # maybe events.k8s.io: the careful path reads the apiVersion
    return info


def decode_json_document(data: bytes | memoryview, where: str, doc: int | None = None) -> Decoded:
    """One JSON document: a single object, a typed `<Kind>List`, or a mixed `List`."""
    out = Decoded()
    info = _peek_list_kind(data)
    if info is not None:  # an EventList only when it is core/v1 (_peek_list_kind)
        # Fast path: one typed pass for `<Kind>List` documents (dumps, API responses).
        try:
            lst = _decoder(list_type(info)).decode(data)
            out.loaded.add(info.kind)
            out.objects.extend((info.kind, _store(info, o)) for o in lst.items)
            return out
        except msgspec.DecodeError:
            pass  # fall through to the careful path, which names what is wrong
    try:
        hdr = _decoder(Header).decode(data)
    except msgspec.ValidationError as exc:
        raise NotKubernetesError(f"not a Kubernetes object: {_reason_of(exc)}", path=where, document=doc,
                                 field=_field_of(exc)) from None
    except msgspec.DecodeError as exc:
        raise SnapshotError(f"malformed JSON: {exc}", path=where, document=doc) from None
    if not hdr.kind:
        raise NotKubernetesError("not a Kubernetes object: no `kind`", path=where, document=doc, field="$.kind")
    if hdr.items is not None and hdr.kind.endswith("List"):
        item_kind = hdr.kind[: -len("List")]
        info = kind_info(item_kind, hdr.api_version) if item_kind else None
        if info is not None:
            out.loaded.add(info.kind)
            try:
                lst = _decoder(list_type(info)).decode(data)
                out.objects.extend((info.kind, _store(info, o)) for o in lst.items)
            except msgspec.ValidationError:
                _decode_items(info, hdr.items, where, out, doc)
            return out
        if item_kind and (item_kind in IGNORED_KINDS or not hdr.items):
            out.ignored[item_kind] = out.ignored.get(item_kind, 0) + len(hdr.items)
            return out
        for i, raw in enumerate(hdr.items):
            try:
                ih = _decoder(ItemHeader).decode(raw)
            except msgspec.ValidationError as exc:
                out.notes.append(_skip_note(where, doc, f"$.items[{i}]", "object", exc))
                continue
            kind = ih.kind or item_kind
            info = kind_info(kind, ih.api_version)
            if info is None:
                out.ignored[kind or "<no kind>"] = out.ignored.get(kind or "<no kind>", 0) + 1
                continue
            out.loaded.add(info.kind)
            try:
                out.objects.append((info.kind, _store(info, _decoder(info.wire).decode(raw))))
            except msgspec.ValidationError as exc:
                out.notes.append(_skip_note(where, doc, f"$.items[{i}]", info.kind, exc))
        return out
    info = kind_info(hdr.kind, hdr.api_version)
    if info is None:
        out.ignored[hdr.kind] = 1
        return out
    out.loaded.add(info.kind)
    try:
        out.objects.append((info.kind, _store(info, _decoder(info.wire).decode(data))))
    except msgspec.ValidationError as exc:
        out.notes.append(_skip_note(where, doc, "$", info.kind, exc))
    return out


def decode_json_as(kind: str, data: bytes, where: str) -> Decoded:
    """One JSON document whose kind is known from where it was found (a troubleshoot.sh bundle's
    `cluster-resources/pods/<ns>.json`): a list or a bare array of items, or one object, each with or
    without `kind`/`apiVersion` (client-go's typed lists carry none). A document naming its kind is read as
    it says; an empty file or `null` (what troubleshoot writes when the list call failed) holds nothing.
    `kind="List"`: an array whose items name their own kinds (troubleshoot's custom resources)."""
    head = data.lstrip()[:1]
    if not head or (head == b"n" and data.strip() == b"null"):
        return Decoded()
    if head == b"{" and (_KIND_HEAD.match(bytes(data[:200])) or _KIND_TAIL.search(bytes(data[-600:]))):
        return decode_json_document(data, where)  # modern bundles: typed lists with kinds, the fast path
    if kind == "List" and head == b"[":  # an array of objects that name their kinds: read as a `List` of them
        return decode_json_document(b'{"apiVersion":"v1","kind":"List","items":' + bytes(data) + b"}", where)
    info = BY_KIND.get(kind)
    out = Decoded()
    try:
        if head == b"[":
            items: list[msgspec.Raw] | None = _decoder(list[msgspec.Raw]).decode(data)
        else:
            hdr = _decoder(Header).decode(data)
            if hdr.kind:
                return decode_json_document(data, where)
            items = hdr.items
    except msgspec.ValidationError as exc:
        raise NotKubernetesError(f"not a Kubernetes object: {_reason_of(exc)}", path=where,
                                 field=_field_of(exc)) from None
    except msgspec.DecodeError as exc:
        raise SnapshotError(f"malformed JSON: {exc}", path=where) from None
    if info is None:  # a kind podwhy does not use (Service, Role, ...): counted, as in any other input
        out.ignored[kind] = len(items) if items is not None else 1
        return out
    out.loaded.add(info.kind)
    if items is None:
        try:
            out.objects.append((info.kind, _store(info, _decoder(info.wire).decode(data))))
        except msgspec.ValidationError as exc:
            out.notes.append(_skip_note(where, None, "$", info.kind, exc))
        return out
    try:
        objs = _decoder(tuple[info.wire, ...]).decode(data) if head == b"[" else (  # type: ignore[name-defined]
            _decoder(list_type(info)).decode(data).items)
        out.objects.extend((info.kind, _store(info, o)) for o in objs)
    except msgspec.ValidationError:
        _decode_items(info, items, where, out, prefix="$" if head == b"[" else "$.items")  # keep the good items
    return out


def convert_python_document(obj: Any, where: str, doc: int | None = None) -> Decoded:
    """One YAML (already parsed) document."""
    out = Decoded()
    if obj is None:
        return out
    if not isinstance(obj, dict) or not isinstance(obj.get("kind"), str) or not obj.get("kind"):
        got = type(obj).__name__ if not isinstance(obj, dict) else "a mapping without `kind`"
        raise NotKubernetesError(f"not a Kubernetes object (got {got})", path=where, document=doc, field="kind")
    kind = obj["kind"]
    api_version = str(obj.get("apiVersion") or "")
    items = obj.get("items")
    if kind.endswith("List") and isinstance(items, list):
        item_kind = kind[: -len("List")]
        list_info = kind_info(item_kind, api_version) if item_kind else None
        if list_info is not None:
            out.loaded.add(list_info.kind)
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                out.notes.append(f"{where}{_doc(doc)}: skipped items[{i}]: not a mapping")
                continue
            ik = item.get("kind") or item_kind
            info = kind_info(str(ik), str(item.get("apiVersion") or api_version))
            if info is None:
                out.ignored[str(ik) or "<no kind>"] = out.ignored.get(str(ik) or "<no kind>", 0) + 1
                continue
            out.loaded.add(info.kind)
            _convert_one(info, item, where, doc, f"items[{i}]", out)
        return out
    info = kind_info(kind, api_version)
    if info is None:
        out.ignored[kind] = out.ignored.get(kind, 0) + 1
        return out
    out.loaded.add(info.kind)
    _convert_one(info, obj, where, doc, "", out)
    return out


def _doc(doc: int | None) -> str:
    return f" document {doc}" if doc is not None else ""


def _convert_one(info: KindInfo, obj: dict[str, Any], where: str, doc: int | None, prefix: str, out: Decoded) -> None:
    try:
        out.objects.append((info.kind, _store(info, msgspec.convert(obj, info.wire, strict=False))))
    except msgspec.ValidationError as exc:
        fld = _field_of(exc)
        path = (prefix + fld[1:]) if prefix else fld
        name = ""
        meta = obj.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("name"), str):
            name = f" {meta['name']!r}"
        out.notes.append(f"{where}{_doc(doc)}: skipped {info.kind}{name} at {path or '$'}: {_reason_of(exc)}")
