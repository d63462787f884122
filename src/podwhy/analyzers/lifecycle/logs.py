"""The lines of a container's log that look like the error, never all of it, never a line with a credential.

What counts as an error line is what people grep for: Go `panic:` / `fatal error:`, a Python `Traceback` and
its last line (the exception), Java `Exception`/`Caused by:`, Node `Error:` with its stack's first frame,
`FATAL`/`ERROR`/`level=error` of structured loggers, `exec format error`, `Killed`, `out of memory`. A line
that holds the value of a Secret in the input (podwhy.secretvalues) or looks like a credential assignment is
withheld, with a marker saying so; control characters are shown escaped (a log is attacker-controlled text).
"""

from __future__ import annotations

import re

from podwhy.model.logs import ContainerLog
from podwhy.secretvalues import holds_value

MAX_QUOTED = 6
MAX_QUOTE_LEN = 300
_ERROR = re.compile(
    r"panic:|fatal error:|Traceback \(most recent call last\)|^\s*(?:[\w.]+\.)?\w*(?:Error|Exception)\b(?::|$)|"
    r"\b\w+(?:Exception|Error)\b:|Exception in thread|"
    r"Caused by:|\bError:|\bERROR\b|\bFATAL\b|\bFatal\b|\bCRITICAL\b|\blevel=(?:error|fatal|panic)\b|"
    r"\"level\":\s*\"(?:error|fatal|panic|critical)\"|exec format error|segmentation fault|\bKilled\b|"
    r"out of memory|OutOfMemory|cannot allocate memory|No such file or directory|permission denied|"
    r"connection refused|address already in use|\bexit(?:ed)? (?:status|code) [1-9]",
    re.I)
_CREDENTIAL = re.compile(
    r"(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization|bearer|"
    r"credential)s?\s*[:=]\s*\S|\bBearer\s+[A-Za-z0-9._~+/-]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|"
    r"\bAKIA[0-9A-Z]{16}\b|\b(?:ghp|gho|github_pat|glpat|xox[abp])_[A-Za-z0-9_]{10,}|://[^/\s:@]+:[^/\s@]+@",
    re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
WITHHELD = "[line withheld by podwhy: it may hold a credential]"


def clean(line: str) -> str:
    """Escape control and bidi characters; cut to MAX_QUOTE_LEN."""
    out = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                       line.rstrip())
    return out if len(out) <= MAX_QUOTE_LEN else out[:MAX_QUOTE_LEN] + "…"


def safe(line: str, digests: frozenset[bytes]) -> str:
    if _CREDENTIAL.search(line) or holds_value(line, digests):
        return WITHHELD
    return clean(line)


# What the kubelet or API server answers instead of a log that is gone (they are not the app's words):
# pkg/kubelet/kuberuntime/kuberuntime_container.go ReadLogs `unable to retrieve container logs for %s`,
# pkg/kubelet/kuberuntime/logs `failed to try resolving symlinks in path %q`, a dump's `Request log error:`.
_NOT_THE_APP = re.compile(r"^(?:unable to retrieve container logs for |failed to try resolving symlinks in path |"
                          r"Request log error: |Error from server)")


def error_lines(log: ContainerLog, digests: frozenset[bytes]) -> list[str]:
    """The error-looking lines of the log's tail (a traceback: its header and its last line), newest kept
    when there are more than MAX_QUOTED; the last non-empty line when nothing looks like an error."""
    lines = [ln for ln in log.lines if ln.strip() and not _NOT_THE_APP.match(ln)]
    picked: list[int] = []
    for i, ln in enumerate(lines):
        if _ERROR.search(ln):
            picked.append(i)
            if ln.lstrip().startswith("Traceback"):
                # The exception is the first unindented line after the frames.
                j = next((k for k in range(i + 1, len(lines)) if not lines[k].startswith((" ", "\t"))), None)
                if j is not None:
                    picked.append(j)
    if not picked and lines:
        picked = [len(lines) - 1]
    keep = sorted(set(picked))[-MAX_QUOTED:]
    return [safe(lines[i], digests) for i in keep]


def secret_digests(snapshot: object, namespace: str) -> frozenset[bytes]:
    """Digests of every value of every Secret in the namespace (the pod can read only those)."""
    out: set[bytes] = set()
    for s in getattr(snapshot, "secrets", ()):
        if s.metadata.namespace == namespace:
            out |= s.value_digests
    return frozenset(out)
