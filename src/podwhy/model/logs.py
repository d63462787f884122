"""Container logs that came with the input: `kubectl cluster-info dump` writes each container's log
(staging/src/k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo_dump.go: `==== START logs for container %s of pod
%s/%s ====`, the current instance, which for a container in back-off is the run that just exited), an
OpenShift must-gather `current.log` / `previous.log`, live mode `GET pods/<name>/log?previous=true` (bounded).

Only the tail is kept (MAX_LINES lines of at most MAX_LINE characters): a log is evidence, never the report.
"""

from __future__ import annotations

import msgspec

MAX_LINES = 200
MAX_LINE = 2000


class ContainerLog(msgspec.Struct, frozen=True, gc=False):
    lines: tuple[str, ...]
    # From the previous (terminated) instance of the container (`--previous`), not the current one.
    previous: bool
    # Where it was read, for the evidence: a file path or the API request.
    source: str
    # More lines existed than were kept.
    truncated: bool = False


def tail(text: str, *, previous: bool, source: str) -> ContainerLog:
    lines = text.splitlines()
    kept = lines[-MAX_LINES:]
    return ContainerLog(tuple(line[:MAX_LINE] for line in kept), previous, source, len(lines) > len(kept))
