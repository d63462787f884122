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

_SECTION = re.compile(rb"^==== START logs for container (?P<c>\S+) of pod (?P<ns>[^/\s]+)/(?P<pod>\S+) ====\r?\n"
                      rb"(?P<body>.*?)^==== END logs for container (?P=c) of pod (?P=ns)/(?P=pod) ====[^\n]*(?:\n|$)",
                      re.M | re.S)
# A log file larger than this is read from its end only.
MAX_READ = 1 << 20
Key = tuple[str, str, str]


def sections(data: bytes) -> dict[Key, bytes]:
    return {(m["ns"].decode(errors="replace"), m["pod"].decode(errors="replace"), m["c"].decode(errors="replace")):
            m["body"] for m in _SECTION.finditer(data)}


class LogStore:
    """(namespace, pod, container) -> ContainerLog, each read on first `get`."""

    def __init__(self) -> None:
        self._logs: dict[Key, ContainerLog | None] = {}
        self._inline: dict[Key, tuple[str, bytes]] = {}
        self._pod_files: dict[tuple[str, str], Path] = {}
        # Directories whose per-container log files are looked for when asked (no walk of 150,000 files):
        # a dump's `<root>/<ns>/<pod>/logs.txt`; a support bundle's `<root>/cluster-resources/pods/logs/<ns>/<pod>/`;
        # a must-gather's `<root>/namespaces/<ns>/pods/<pod>/<c>/<c>/logs/`.
        self._dump_roots: list[Path] = []
        self._bundle_roots: list[Path] = []
        self._gather_roots: list[Path] = []
        self._files: dict[Key, tuple[Path, bool]] = {}

    def __bool__(self) -> bool:
        """True when the input carried any container log (then a missing one is worth saying)."""
        return any(v is not None for v in self._logs.values()) or bool(self._inline or self._pod_files or self._files
                                                                      or self._dump_roots or self._bundle_roots
                                                                      or self._gather_roots)

    def add(self, key: Key, log: ContainerLog) -> None:
        self._logs[key] = log

    def add_inline(self, data: bytes, where: str) -> None:
        for key, body in sections(data).items():
            self._inline[key] = (where, body)

    def add_pod_file(self, namespace: str, pod: str, path: Path) -> None:
        self._pod_files[(namespace, pod)] = path

    def add_dump_root(self, root: Path) -> None:
        self._dump_roots.append(root)

    def add_bundle_root(self, root: Path) -> None:
        if root not in self._bundle_roots:
            self._bundle_roots.append(root)

    def add_gather_root(self, root: Path) -> None:
        if root not in self._gather_roots:
            self._gather_roots.append(root)

    def add_file(self, key: Key, path: Path, *, previous: bool) -> None:
        # A must-gather's previous.log is the terminated run's: preferred to current.log for a crash.
        if previous or key not in self._files:
            self._files[key] = (path, previous)

    def update(self, other: LogStore) -> None:
        self._logs.update(other._logs)
        self._inline.update(other._inline)
        self._pod_files.update(other._pod_files)
        self._dump_roots.extend(other._dump_roots)
        for r in other._bundle_roots:
            self.add_bundle_root(r)
        for r in other._gather_roots:
            self.add_gather_root(r)
        for key, (path, prev) in other._files.items():
            self.add_file(key, path, previous=prev)

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
