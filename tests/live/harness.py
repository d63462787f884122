"""Helpers of the live-mode tests: run the CLI in-process, a terminal-like stderr, an exec plugin."""

from __future__ import annotations

import io
import json
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podwhy.cli import main

# Small pages, so the recorded lists (9 pods, 6 events, 4 namespaces...) take several pages each.
PAGE = 3


class TTY(io.StringIO):
    """stderr as a terminal: the CLI shows progress only there."""

    def isatty(self) -> bool:
        return True


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def report(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.out)
        return doc

    @property
    def notes(self) -> list[str]:
        notes: list[str] = self.report["notes"]
        return notes

    def pods(self) -> dict[str, tuple[str, str]]:
        """Stuck pods of the JSON report: ref -> (state, summary), each with at least one finding."""
        out = {}
        for s in self.report["subjects"]:
            if s["kind"] == "Pod":
                assert s["findings"], f"{s['ref']} has no finding"
                out[s["ref"]] = (s["state"], s.get("summary", ""))
        return out


def run(*args: str, stderr: io.StringIO | None = None) -> Run:
    out = io.StringIO()
    err = stderr if stderr is not None else io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def exec_plugin(directory: Path, *, token: str, expires: str, fail: str | None = None) -> tuple[Path, Path]:
    """A tiny exec credential plugin (client.authentication.k8s.io/v1). Returns (script, its run log)."""
    log = directory / "plugin-runs"
    script = directory / "credential-plugin"
    if fail:
        body = f'echo run >> "{log}"\necho \'{fail}\' >&2\nexit 1\n'
    else:
        cred = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                "status": {"token": token, "expirationTimestamp": expires}}
        body = f"echo run >> \"{log}\"\ncat <<'EOF'\n{json.dumps(cred)}\nEOF\n"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return script, log


def runs_of(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0
