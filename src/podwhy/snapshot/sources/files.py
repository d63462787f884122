"""Offline sources: YAML/JSON files, directories, stdin, and `kubectl cluster-info dump` output.

What kubectl writes is what we read: `kubectl get ... -o yaml|json` (single objects, `List`,
`<Kind>List`), multi-document YAML, `kubectl cluster-info dump --output-directory=DIR` trees
(nodes.json at the top, one folder per namespace; logs ignored) and the same dump on stdout
(concatenated JSON documents with `==== START logs ... ==== END logs ...` sections between them).
Directories may also be troubleshoot.sh support bundles or OpenShift must-gathers (their layouts: bundles.py);
a well-formed file in a directory that holds no Kubernetes object is skipped with a note, a broken one is an error.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import msgspec

from podwhy.errors import SnapshotError
from podwhy.snapshot.logs import split_sections
from podwhy.snapshot.sources import bundles, describe
from podwhy.snapshot.sources.decode import (
    Decoded,
    NotKubernetesError,
    convert_python_document,
    decode_json_as,
    decode_json_document,
    gc_paused,
)

if TYPE_CHECKING:
    import yaml

_SUFFIXES = {".json", ".yaml", ".yml"}
_TRAILING = re.compile(r"trailing characters \(byte (\d+)\)")


@cache
def _loader() -> Any:
    """Safe loader (the C one when built) that keeps timestamps as strings (the API serves RFC 3339 strings).
    PyYAML is imported on the first YAML input: JSON input (dumps, `-o json` lists) never pays for it."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Loader(base):  # type: ignore[misc,valid-type]
        pass

    _Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return _Loader


# Column-0 lines of a YAML text: document markers and top-level mapping keys (plain or quoted). Matched
# after a newline (a literal prefix the regex engine scans for quickly, 3-4x faster than `^` with re.M).
_TOP_LINE = re.compile(r"""\n(?:(?P<marker>---|\.\.\.)(?=[ \t\r\n]|$)|(?P<key>[A-Za-z_$][^:#\n]*?|"[^"\n]*"|'[^'\n]*'):(?=[ \t\r\n]|$))""")


def split_concatenated(text: str, where: str) -> tuple[str, list[str]]:
    """Documents concatenated without `---` (`kubectl get a -o yaml; kubectl get b -o yaml` into one file or
    pipe) parse as ONE mapping whose repeated top-level keys (`apiVersion`, `items`, `kind`, `metadata`)
    silently overwrite each other: every object of the earlier lists would be lost. Such a document is cut
    where its first key comes again, if that leaves documents without a repeated key; else it is refused.

    Returns (text, notes): the text with `---` inserted at the cuts (unchanged when no key repeats)."""
    docs: list[list[tuple[str, int]]] = [[]]
    # In "\n" + text, a match starts at the newline: m.start() is the line's offset in `text`.
    for m in _TOP_LINE.finditer("\n" + text):
        if m.group("marker") is not None:
            if docs[-1]:
                docs.append([])
            continue
        key = m.group("key").strip()
        if key[:1] in "\"'":
            key = key[1:-1]
        docs[-1].append((key, m.start()))
    cuts: list[int] = []
    notes: list[str] = []
    for doc, keys in enumerate(d for d in docs if d):
        names = [k for k, _ in keys]
        if len(set(names)) == len(names):
            continue
        first = names[0]
        starts = {pos for k, pos in keys[1:] if k == first}
        seen: set[str] = set()
        for k, pos in keys:
            if pos in starts:
                seen = set()
            if k in seen:
                line = text.count("\n", 0, pos) + 1
                raise SnapshotError(
                    f"top-level key {k!r} appears twice (again at line {line}): several outputs concatenated "
                    "without `---` between them? Their objects would overwrite each other; put a line `---` "
                    "between the documents", path=where, document=doc)
            seen.add(k)
        cuts.extend(sorted(starts))
        notes.append(f"{where} document {doc}: {len(starts) + 1} documents concatenated without `---` (each "
                     f"starts with {first!r} again): all were read")
    if not cuts:
        return text, []
    parts: list[str] = []
    prev = 0
    for c in sorted(cuts):
        parts += [text[prev:c], "---\n"]
        prev = c
    parts.append(text[prev:])
    return "".join(parts), notes


def looks_like_json(data: bytes) -> bool:
    head = data.lstrip()[:1]
    return head in (b"{", b"[")


def iter_json_documents(data: bytes, where: str) -> Iterator[tuple[int, bytes | memoryview]]:
    """Split concatenated JSON documents (the dump's stdout form), skipping log sections.

    Boundaries come from msgspec's own 'trailing characters (byte N)' error on a Raw decode,
    which scans without building objects; a single document is yielded as is.
    """
    if b"==== START logs for " in data:
        data = split_sections(data)[0]
    view = memoryview(data)
    pos, doc, n = 0, 0, len(data)
    while pos < n:
        # Skip whitespace between documents.
        while pos < n and data[pos] in b" \t\r\n":
            pos += 1
        if pos >= n:
            break
        if data[pos : pos + 1] not in (b"{", b"["):
            nl = data.find(b"\n", pos)
            line = bytes(data[pos : nl if nl >= 0 else n][:80]).decode("utf-8", "replace")
            raise SnapshotError(f"unexpected text between JSON documents: {line!r}", path=where, document=doc)
        chunk = view[pos:]
        try:
            msgspec.json.decode(chunk, type=msgspec.Raw)
            yield doc, chunk
            return
        except msgspec.DecodeError as exc:
            m = _TRAILING.search(str(exc))
            if m is None:
                raise SnapshotError(f"malformed JSON: {exc}", path=where, document=doc) from None
            end = int(m.group(1))
            # msgspec (0.22 checked) reports the offset just PAST the first trailing character (`{"a":1}{` ->
            # byte 8): step back to the end of the first document (its `}`/`]` or the whitespace after it).
            while end > 0 and chunk[end - 1] not in b"}] \t\r\n":
                end -= 1
            yield doc, chunk[:end]
            pos += end
            doc += 1


def _not_kubernetes(exc: NotKubernetesError, first_bad: NotKubernetesError | None, good: bool,
                    lenient: bool) -> NotKubernetesError:
    """A document that is not a Kubernetes object. Strict: the error, now. Lenient (a directory walk): go on,
    to learn whether the whole file is something else (then skipped) or mixes both (then an error)."""
    if not lenient:
        raise exc
    if good:
        raise exc.hard() from None
    return first_bad or exc


def _good(first_bad: NotKubernetesError | None) -> bool:
    """A Kubernetes document: after one that was not, the file mixes both, an error."""
    if first_bad is not None:
        raise first_bad.hard()
    return True


def decode_bytes(data: bytes, where: str, *, lenient: bool = False, now: datetime | None = None) -> Decoded:
    """One input's bytes. A document that is not a Kubernetes object raises NotKubernetesError; `lenient`
    (a file found in a directory) raises it only when no document of the file is one. `kubectl describe`
    text is read too (describe/); `now` is the time its ages count back from (default: now). The log sections of a
    `cluster-info dump` on stdout are split off once and kept (snapshot/logs.py)."""
    if b"==== START logs for " in data:
        data, found = split_sections(data)
        out = _decode_bytes(data, where, lenient=lenient, now=now)
        out.logs.add_inline(found, where)
        return out
    return _decode_bytes(data, where, lenient=lenient, now=now)


def _decode_bytes(data: bytes, where: str, *, lenient: bool, now: datetime | None) -> Decoded:
    out = Decoded()
    first_bad: NotKubernetesError | None = None
    good = False
    if looks_like_json(data):
        if data.lstrip()[:1] == b"{" and b"==== START logs for " not in data:
            # The common case, one document: no separate split pass.
            try:
                return decode_json_document(data, where)
            except SnapshotError as exc:
                if "trailing characters" not in str(exc):
                    raise
        docs = list(iter_json_documents(data, where))
        single = len(docs) == 1
        for i, chunk in docs:
            try:
                if bytes(chunk[:64]).lstrip()[:1] == b"[":
                    raise NotKubernetesError("a JSON array is not a Kubernetes object (expected an object or a "
                                             "List)", path=where, document=None if single else i)
                part = decode_json_document(chunk, where, None if single else i)
            except NotKubernetesError as exc:
                first_bad = _not_kubernetes(exc, first_bad, good, lenient)
                continue
            good = _good(first_bad)
            out.extend(part)
        if first_bad is not None:
            raise first_bad
        return out
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"not valid UTF-8 (byte {exc.start})", path=where) from None
    if "\x00" in text:
        raise SnapshotError("binary data (NUL byte), not YAML or JSON", path=where)
    if describe.looks_like_describe(text):
        return describe.decode_describe(text, where, now)
    import yaml

    doc = 0
    text, concat_notes = split_concatenated(text, where)
    out.notes.extend(concat_notes)
    try:
        if _ANCHOR.search(text):
            _check_alias_expansion(text, where)
        # Count documents ourselves: a parse error is raised before the next document is yielded,
        # so enumerate() would still hold the index of the previous, good one.
        for obj in yaml.load_all(text, Loader=_loader()):
            try:
                part = convert_python_document(obj, where, doc)
            except NotKubernetesError as exc:
                first_bad = _not_kubernetes(exc, first_bad, good, lenient)
            else:
                good = _good(first_bad) if obj is not None else good
                out.extend(part)
            doc += 1
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        fld = f"line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SnapshotError(f"invalid YAML: {problem}", path=where, document=doc, field=fld) from None
    except RecursionError:
        raise SnapshotError("YAML nested too deeply", path=where, document=doc) from None
    if first_bad is not None:
        raise first_bad
    return out


# kubectl never writes anchors; hand-written YAML may. Only then is the alias check run.
_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s\[\]{},]+")
MAX_EXPANDED_NODES = 5_000_000


def _check_alias_expansion(text: str, where: str) -> None:
    """Refuse YAML whose aliases expand to an absurd size (the 'billion laughs' bomb).

    PyYAML shares aliased nodes, so loading is cheap, but converting the result would walk every
    expansion. Count the expanded size on the composed node graph, memoised per node (linear).
    """
    import yaml

    for doc, root in enumerate(yaml.compose_all(text, Loader=_loader())):
        if root is None:
            continue
        memo: dict[int, int] = {}
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if key in memo:
                continue
            children: list[yaml.Node] = []
            if isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            elif isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            if done or not children:
                memo[key] = 1 + sum(memo.get(id(c), 1) for c in children)
                if memo[key] > MAX_EXPANDED_NODES:
                    raise SnapshotError(
                        f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (a YAML bomb?); refusing",
                        path=where, document=doc)
                continue
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in memo)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SnapshotError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None


def _walk(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        # troubleshoot writes each custom-resources/[<crd>/]<name>.json again as a `.yaml` symlink to it: read once.
        links = "custom-resources" in dirpath
        for f in sorted(filenames):
            p = Path(dirpath) / f
            if p.suffix.lower() in _SUFFIXES and not f.startswith("."):
                if links and p.is_symlink() and p.resolve().parent == p.parent.resolve():
                    continue
                yield p


def is_dump_dir(path: Path) -> bool:
    return path.is_dir() and (path / "nodes.json").is_file()


def _decode_file(f: Path, data: bytes, where: str, parts: tuple[str, ...], *, lenient: bool,
                 now: datetime | None = None) -> Decoded:
    if f.suffix.lower() == ".json":
        kind = bundles.troubleshoot_kind(parts)
        if kind is not None:  # a support bundle's list, maybe without `kind`: the path says what it holds
            return decode_json_as(kind, data, where)
    return decode_bytes(data, where, lenient=lenient, now=now)


def _skipped_note(skipped: list[str]) -> str:
    shown = ", ".join(skipped[:3]) + (f" and {len(skipped) - 3} more" if len(skipped) > 3 else "")
    if len(skipped) == 1:
        return f"skipped 1 file that is not a Kubernetes object: {shown}"
    return f"skipped {len(skipped)} files that are not Kubernetes objects: {shown}"


def _load_dir(files: list[Path]) -> Decoded:
    """Every file of a directory. Well-formed files that hold no Kubernetes object (a bundle's version or
    analysis file, a config) are skipped with one note; broken ones stay errors. Support bundles and
    must-gathers are recognised by their paths (bundles.py)."""
    out, again = Decoded(), Decoded()
    skipped: list[str] = []
    elided: list[str] = []
    for f in files:
        where = str(f)
        parts = Path(os.path.abspath(f)).parts
        if f.name.endswith(".yaml") and bundles.elided_secrets(parts):
            elided.append(where)
            continue
        data = _read(f)
        if f.name.endswith("-errors.json"):
            note = bundles.troubleshoot_errors(parts, data, where)
            if note is not None:  # "" : a bundle's errors file about a kind podwhy does not read
                if note:
                    out.notes.append(note)
                continue
        try:
            part = _decode_file(f, data, where, parts, lenient=True)
        except NotKubernetesError:
            skipped.append(where)
            continue
        (again if bundles.repeats_a_list(parts) else out).extend(part)
    if again.objects or again.notes or again.loaded or again.ignored:
        out.extend(bundles.drop_repeats(out, again))
    if skipped:
        out.notes.append(_skipped_note(skipped))
    if elided:
        more = f" and {len(elided) - 1} more" if len(elided) > 1 else ""
        out.notes.append(f"Secrets not read: a must-gather replaces their values with their lengths "
                         f"({elided[0]}{more})")
    return out


def _locate_logs(root: Path, files: list[Path], out: Decoded) -> None:
    """Where a directory's container logs are (snapshot/logs.py reads one only when a finding quotes it): a dump's
    `<ns>/<pod>/logs.txt`; a support bundle's `cluster-resources/pods/logs/<ns>/<pod>/<c>[-previous].log`
    (replicatedhq/troubleshoot pkg/collect/cluster_resources.go, for the pods it finds unhealthy); a must-gather's
    `namespaces/<ns>/pods/<pod>/<c>/<c>/logs/{current,previous}.log` (openshift/must-gather gather_core_pods). The
    roots come from the files already walked: no second walk of the tree."""
    if is_dump_dir(root):
        out.logs.add_dump_root(root)
        return
    for f in files:
        parts = f.parts
        if "cluster-resources" in parts:
            i = len(parts) - 1 - parts[::-1].index("cluster-resources")
            out.logs.add_bundle_root(Path(*parts[:i]))
        elif "namespaces" in parts:
            i = len(parts) - 1 - parts[::-1].index("namespaces")
            out.logs.add_gather_root(Path(*parts[:i]))


def load_paths(paths: list[str], stdin: BinaryIO | None = None,
               now: datetime | None = None) -> tuple[Decoded, str, str]:
    """Read every path ('-' = stdin). Returns (decoded, source kind 'files'|'dump', detail).

    A file named on its own must be Kubernetes objects; in a directory, other files are skipped with a note."""
    out = Decoded()
    kinds: set[str] = set()
    with gc_paused():
        for raw in paths:
            if raw == "-":
                stream = stdin or sys.stdin.buffer
                data = stream.read()
                part = decode_bytes(data, "<stdin>", now=now)
                kinds.add("dump" if b"==== START logs for " in data else "files")
                out.extend(part)
                continue
            p = Path(raw)
            if not p.exists():
                raise SnapshotError("no such file or directory", path=raw)
            if p.is_dir():
                files = list(_walk(p))
                if not files:
                    raise SnapshotError("directory holds no .json/.yaml/.yml files", path=raw)
                kinds.add("dump" if is_dump_dir(p) else "files")
                out.extend(_load_dir(files))
                _locate_logs(p, files, out)
            else:
                kinds.add("files")
                out.extend(_decode_file(p, _read(p), raw, Path(os.path.abspath(p)).parts, lenient=False, now=now))
    kind = "dump" if kinds == {"dump"} else "files"
    return out, kind, ", ".join(paths)
