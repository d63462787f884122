"""Start daemons in their own process group and stop them by PID, always.

Each daemon gets a new session (so its PID is also its process-group id) and a log file. `stop()` sends
SIGTERM to that group, then SIGKILL after a grace period. A module-level registry plus `atexit` makes sure
nothing is left running even when a fixture's teardown never runs (e.g. the interpreter is interrupted).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_RUNNING: dict[int, ManagedProcess] = {}


@dataclass
class ManagedProcess:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    stopped: bool = field(default=False)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, limit: int = 4000) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "<no log>"
        return text[-limit:]

    def stop(self, grace: float = 5.0) -> None:
        if self.stopped:
            return
        self.stopped = True
        _RUNNING.pop(self.pid, None)
        # The process group was created by us (start_new_session), its id is our child's PID.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, sig)
            try:
                self.popen.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        # Children that outlived the leader (same group) get a last SIGKILL.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)


def start(
    name: str, argv: Sequence[str], log_path: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> ManagedProcess:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # If the test process is SIGKILLed (no teardown, no atexit), the kernel kills the daemon too:
    # setpriv (util-linux) sets PR_SET_PDEATHSIG and execs, and the setting survives the exec chain.
    setpriv = shutil.which("setpriv")
    prefix = [setpriv, "--pdeathsig", "KILL"] if setpriv else []
    with log_path.open("ab") as log:
        popen = subprocess.Popen(
            [*prefix, *argv],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
    proc = ManagedProcess(name=name, popen=popen, log_path=log_path)
    _RUNNING[proc.pid] = proc
    return proc


def wait_until(what: str, ready: Callable[[], bool], proc: ManagedProcess, timeout: float = 20.0) -> None:
    """Poll `ready` until it is true; fail early with the daemon's log if the daemon died."""
    deadline = time.monotonic() + timeout
    while True:
        if ready():
            return
        if not proc.alive():
            raise RuntimeError(
                f"{proc.name} exited (rc={proc.popen.returncode}) before {what}:\n{proc.log_tail()}"
            )
        if time.monotonic() > deadline:
            raise RuntimeError(f"{proc.name}: {what} not reached within {timeout}s:\n{proc.log_tail()}")
        time.sleep(0.02)


def stop_all() -> None:
    for proc in list(_RUNNING.values()):
        proc.stop(grace=2.0)


atexit.register(stop_all)
