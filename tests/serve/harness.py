"""`podwhy serve` as a user runs it: a subprocess on a free loopback port, stopped with SIGTERM, and small
HTTP helpers (the standard library's urllib, loopback only)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

START_TIMEOUT = 60.0


class Served:
    def __init__(self, args: list[str], *, env: dict[str, str] | None = None) -> None:
        self.args = args
        # PODWHY_SERVE_VERIFY: after every incremental pass the server diagnoses in full and says so on stderr
        # if the two differ; __exit__ fails the test then.
        self.env = {**os.environ, "NO_COLOR": "1", "PODWHY_SERVE_VERIFY": "1", **(env or {})}
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.stderr: list[str] = []

    def __enter__(self) -> Served:
        self.proc = subprocess.Popen([sys.executable, "-m", "podwhy", "serve", "--listen", "127.0.0.1:0", *self.args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        assert self.proc.stderr is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.stderr.append(line)
            if "listening on " in line:
                self.url = line.split("listening on ", 1)[1].strip().rstrip("/")
                break
        if not self.url:
            self.proc.kill()
            out = self.proc.communicate(timeout=10)
            raise AssertionError(f"podwhy serve did not start: {''.join(self.stderr)}{out[1]}")
        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def _drain(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        time.sleep(0.1)  # the drain thread's last lines
        err = "".join(self.stderr)
        assert "VERIFY:" not in err and "Traceback" not in err, err[-4000:]

    @property
    def exit_code(self) -> int | None:
        assert self.proc is not None
        return self.proc.poll()

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(self.url + path, headers=headers or {})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(req, timeout=30) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def report(self, query: str = "") -> dict[str, Any]:
        code, _, body = self.get("/api/v1/report" + query)
        assert code == 200, body
        return dict(json.loads(body))

    def metrics(self) -> str:
        code, _, body = self.get("/metrics")
        assert code == 200
        return body.decode()

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float = 15.0) -> float:
        """Seconds until `check()` holds; fails naming `what` (and the server's stderr) after `timeout`."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            try:
                if check():
                    return time.monotonic() - start
            except (AssertionError, urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.05)
        raise AssertionError(f"{what}: not within {timeout}s; server stderr: {''.join(self.stderr)[-2000:]}")

    def ready(self, timeout: float = 30.0) -> None:
        self.wait_for("ready", lambda: self.get("/readyz")[0] == 200, timeout)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def subject_refs(report: dict[str, Any]) -> list[str]:
    return [s["ref"] for s in report["subjects"]]


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
