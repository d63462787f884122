"""Where the input's container logs are, read only for the containers a finding quotes.

A `cluster-info dump` directory holds one `<ns>/<pod>/logs.txt` per pod and its stdout form the same sections
inline (staging/src/k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo_dump.go, 1.x-1.35: `==== START logs for
container %s of pod %s/%s ====` ... `==== END logs for container %s of pod %s/%s ====`); an OpenShift
must-gather `namespaces/<ns>/pods/<pod>/<c>/<c>/logs/{current,previous}.log` (openshift/must-gather
gather_core_pods). A 150,000-pod dump has as many log files: they are located while the input is read and
opened only when asked for (a crash-looping container's finding), so a scan does not pay for them.
"""

from __future__ import annotations

import re
from pathlib import Path

from podwhy.model.logs import ContainerLog, tail

# A whole section, whatever its header says (stripped from the JSON documents around it)...
_SECTION = re.compile(rb"^==== START logs for [^\n]*\n(?P<body>.*?)^==== END logs for [^\n]*(?:\n|$)", re.M | re.S)
# ... and the header that names the container (`==== START logs for container %s of pod %s/%s ====`).
_HEADER = re.compile(rb"==== START logs for container (?P<c>\S+) of pod (?P<ns>[^/\s]+)/(?P<pod>\S+) ====")
# A log file larger than this is read from its end only.
MAX_READ = 1 << 20
Key = tuple[str, str, str]


def split_sections(data: bytes) -> tuple[bytes, dict[Key, bytes]]:
    """(the data without its log sections, each section's body by container): one pass over a dump's stdout."""
    found: dict[Key, bytes] = {}

    def take(m: re.Match[bytes]) -> bytes:
        h = _HEADER.match(m.group(0))
        if h is not None:
            key = (h["ns"].decode(errors="replace"), h["pod"].decode(errors="replace"), h["c"].decode(errors="replace"))
            found[key] = m["body"]
        return b""

    return _SECTION.sub(take, data), found


def sections(data: bytes) -> dict[Key, bytes]:
    return split_sections(data)[1]


class LogStore:
    """(namespace, pod, container) -> ContainerLog, each read on first `get`."""

    def __init__(self) -> None:
        self._logs: dict[Key, ContainerLog | None] = {}
        self._inline: dict[Key, tuple[str, bytes]] = {}
        # Found on first use: a dump's logs.txt by (namespace, pod), another layout's file by container.
        self._pod_files: dict[tuple[str, str], Path] = {}
        # Directories whose per-container log files are looked for when asked (no walk of 150,000 files):
        # a dump's `<root>/<ns>/<pod>/logs.txt`; a support bundle's `<root>/cluster-resources/pods/logs/<ns>/<pod>/`;
        # a must-gather's `<root>/namespaces/<ns>/pods/<pod>/<c>/<c>/logs/`.
        self._dump_roots: list[Path] = []
        self._bundle_roots: list[Path] = []
        self._gather_roots: list[Path] = []
        self._files: dict[Key, tuple[Path, bool]] = {}  # path, and whether it is the previous run's

    def add(self, key: Key, log: ContainerLog) -> None:
        self._logs[key] = log

    def add_inline(self, found: dict[Key, bytes], where: str) -> None:
        """Sections already split from an input (split_sections)."""
        for key, body in found.items():
            self._inline[key] = (where, body)

    def add_dump_root(self, root: Path) -> None:
        self._dump_roots.append(root)

    def add_bundle_root(self, root: Path) -> None:
        if root not in self._bundle_roots:
            self._bundle_roots.append(root)

    def add_gather_root(self, root: Path) -> None:
        if root not in self._gather_roots:
            self._gather_roots.append(root)

    def update(self, other: LogStore) -> None:
        self._logs.update(other._logs)
        self._inline.update(other._inline)
        self._pod_files.update(other._pod_files)
        self._dump_roots.extend(other._dump_roots)
        for r in other._bundle_roots:
            self.add_bundle_root(r)
        for r in other._gather_roots:
            self.add_gather_root(r)
        self._files.update(other._files)

    def _find_file(self, key: Key) -> None:
        ns, pod, c = key
        if not (_safe_part(ns) and _safe_part(pod) and _safe_part(c)):
            return
        # The previous run's log first: for a crash it is the run that failed.
        for root in self._bundle_roots:
            d = root / "cluster-resources" / "pods" / "logs" / ns / pod
            for name, prev in ((f"{c}-previous.log", True), (f"{c}.log", False)):
                if (d / name).is_file():
                    self._files[key] = (d / name, prev)
                    return
        for root in self._gather_roots:
            d = root / "namespaces" / ns / "pods" / pod / c / c / "logs"
            for name, prev in (("previous.log", True), ("current.log", False)):
                if (d / name).is_file():
                    self._files[key] = (d / name, prev)
                    return

    def _in_dump(self, namespace: str, pod: str) -> bool:
        if not (_safe_part(namespace) and _safe_part(pod)):
            return False
        for root in self._dump_roots:
            f = root / namespace / pod / "logs.txt"
            if f.is_file():
                self._pod_files[(namespace, pod)] = f
                return True
        return False

    def get(self, key: Key) -> ContainerLog | None:
        if key in self._logs:
            return self._logs[key]
        if key not in self._files:
            self._find_file(key)
        log: ContainerLog | None = None
        if key in self._inline:
            where, body = self._inline[key]
            log = tail(body.decode("utf-8", "replace"), previous=False, source=f"{where} (cluster-info dump logs)")
        elif key in self._files:
            path, prev = self._files[key]
            log = _read(path, previous=prev)
        elif key[:2] in self._pod_files or self._in_dump(key[0], key[1]):
            path = self._pod_files[key[:2]]
            data = _read_bytes(path)
            for k, body in sections(data).items():
                self._logs.setdefault(k, tail(body.decode("utf-8", "replace"), previous=False,
                                              source=f"{path} (cluster-info dump logs)"))
            log = self._logs.get(key)
        self._logs[key] = log
        return log


def _safe_part(name: str) -> bool:
    """A namespace or pod name as a single path component (names come from the input: never `..` or `a/b`)."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\x00" not in name


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - MAX_READ))
            return f.read()
    except OSError:
        return b""


def _read(path: Path, *, previous: bool) -> ContainerLog | None:
    data = _read_bytes(path)
    if not data:
        return None
    return tail(data.decode("utf-8", "replace"), previous=previous, source=str(path))
