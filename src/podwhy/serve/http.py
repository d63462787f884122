"""The HTTP side of `podwhy serve` on the standard library's ThreadingHTTPServer (no web framework: six
GET routes do not need one, and the package stays small to install in a cluster).

Read-only: GET and HEAD only, anything else is 405. Bound to loopback by default; when it is, requests
whose Host is not a loopback name are refused (a DNS-rebinding page could otherwise read the report).
An optional bearer token protects the dashboard, the API and the event stream (`Authorization: Bearer`,
or the cookie set when the dashboard is opened once as `/?token=...`); /metrics, /healthz and /readyz
stay open for probes and Prometheus. Every answer carries nosniff and no-referrer; the dashboard a
strict Content-Security-Policy (its own scripts and styles only: no inline code, nothing off the server).
"""

from __future__ import annotations

import hmac
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from . import views
from .board import Board, Published
from .filters import Filter, apply, parse_owner
from .metrics import Metrics

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".html": "text/html; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml"}
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
MAX_STREAMS = 64  # open /events streams (each holds a thread)
KEEPALIVE_SECONDS = 15.0
COOKIE = "podwhy_token"
CACHED_VIEWS = 32
FILTER_KEYS = frozenset({"namespace", "code", "owner"})


def _static(name: str) -> bytes | None:
    if "/" in name or name.startswith(".") or not any(name.endswith(ext) for ext in STATIC_TYPES):
        return None
    ref = resources.files("podwhy.serve").joinpath("static", name)
    try:
        return ref.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


class ServeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], board: Board, metrics: Metrics, *, token: str | None,
                 ready: Callable[[], bool]) -> None:
        self.board, self.metrics, self.token, self.ready = board, metrics, token, ready
        self.loopback = address[0] in ("127.0.0.1", "::1", "localhost") or address[0].startswith("127.")
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)
        self._cache: OrderedDict[tuple[int, Filter, str], bytes] = OrderedDict()
        self._cache_lock = threading.Lock()
        super().__init__(address, Handler)

    def _filter(self, cur: Published, f: Filter, view: str) -> bytes:
        from podwhy.render.json import render_bytes

        report = cur.report if f.empty else apply(cur.report, cur.snapshot, f)
        if view == "dashboard":
            return views.dashboard(report, cur.version, cur.at)
        return render_bytes(report) + b"\n"

    def _filtered(self, cur: Published, f: Filter, view: str) -> bytes:
        """Views of one version are computed once (a dashboard refreshing on every event asks for the same)."""
        key = (cur.version, f, view)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        body = self._filter(cur, f, view)
        with self._cache_lock:
            self._cache[key] = body
            while len(self._cache) > CACHED_VIEWS:
                self._cache.popitem(last=False)
        return body

    def report_bytes(self, cur: Published, f: Filter) -> bytes:
        return cur.body if f.empty else self._filtered(cur, f, "report")

    def dashboard_bytes(self, cur: Published, f: Filter) -> bytes:
        return self._filtered(cur, f, "dashboard")


class Handler(BaseHTTPRequestHandler):
    server: ServeServer
    protocol_version = "HTTP/1.1"
    server_version = "podwhy"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the report is the output
        pass

    # ---- plumbing --------------------------------------------------------------------------------
    def _send(self, code: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, code: int, text: str) -> None:
        self._send(code, (text + "\n").encode())

    def _refuse(self) -> None:
        self._text(405, "podwhy serve is read-only: GET and HEAD only")

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _refuse

    def do_HEAD(self) -> None:
        self.do_GET()

    def _host_ok(self) -> bool:
        if not self.server.loopback:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        return name in LOOPBACK_HOSTS

    def _authorised(self) -> bool:
        token = self.server.token
        if token is None:
            return True
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("Bearer ") and hmac.compare_digest(auth[7:].strip().encode(), token.encode()):
            return True
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and hmac.compare_digest(value.encode(), token.encode()):
                return True
        return False

    # ---- routes ----------------------------------------------------------------------------------
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path
        query = parse_qs(url.query, keep_blank_values=True)
        if not self._host_ok():
            self._text(403, "podwhy serve: Host must be a loopback name when bound to loopback")
            return
        if path == "/healthz":
            self._text(200, "ok")
            return
        if path == "/readyz":
            ready = self.server.ready()
            self._text(200 if ready else 503, "ready" if ready else "not ready: the first list is not diagnosed yet")
            return
        if path == "/metrics":
            body, ctype = self.server.metrics.exposition(self.headers.get("Accept") or "")
            self._send(200, body, ctype)
            return
        if path == "/" and "token" in query and self.server.token is not None:
            self._login(url.query, query)
            return
        if not self._authorised():
            self._send(401, b"podwhy serve: a bearer token is required\n",
                       headers={"WWW-Authenticate": 'Bearer realm="podwhy"'})
            return
        if path in ("/", "/index.html"):
            self._page("index.html")
        elif path.startswith("/static/"):
            self._page(path.removeprefix("/static/"))
        elif path == "/api/v1/report":
            self._report(query)
        elif path == "/api/v1/dashboard":
            self._report(query, view="dashboard")
        elif path == "/api/v1/subject":
            self._subject(query)
        elif path == "/events":
            self._events()
        else:
            self._text(404, "not found")

    def _login(self, raw_query: str, query: dict[str, list[str]]) -> None:
        token = self.server.token
        assert token is not None
        given = query.get("token", [""])[0]
        if not hmac.compare_digest(given.encode(), token.encode()):
            self._text(401, "podwhy serve: wrong token")
            return
        rest = urlencode([(k, v) for k, vs in query.items() if k != "token" for v in vs])
        self._send(303, b"", headers={
            "Location": "/" + (f"?{rest}" if rest else ""),
            "Set-Cookie": f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict",
        })

    def _page(self, name: str) -> None:
        body = _static(name)
        if body is None:
            self._text(404, "not found")
            return
        ext = name[name.rfind("."):]
        headers = {"Content-Security-Policy": CSP, "X-Frame-Options": "DENY"}
        self._send(200, body, STATIC_TYPES[ext], headers)

    def _subject(self, query: dict[str, list[str]]) -> None:
        unknown = sorted(set(query) - {"ref"})
        if unknown:
            self._text(400, f"unknown parameter(s) {', '.join(unknown)}: give ref=KIND/NAMESPACE/NAME")
            return
        ref = (query.get("ref") or [""])[-1]
        cur = self.server.board.current
        if cur is None:
            self._text(503, "podwhy serve: no report yet (the cluster is still being listed)")
            return
        version = {"X-Podwhy-Report-Version": str(cur.version)}
        body = views.subject(cur.report, ref) if ref else None
        if body is None:
            self._send(404, b"no such stuck subject in the current report\n", headers=version)
            return
        self._send(200, body, "application/json", version)

    def _report(self, query: dict[str, list[str]], view: str = "report") -> None:
        unknown = sorted(set(query) - FILTER_KEYS)
        if unknown:
            self._text(400, f"unknown parameter(s) {', '.join(unknown)}: filter by namespace, code or owner")
            return
        one = {k: v[-1] for k, v in query.items() if v and v[-1]}
        owner_kind = owner_name = None
        if "owner" in one:
            owner = parse_owner(one["owner"])
            if owner is None:
                self._text(400, f"owner={one['owner']!r}: give NAME or KIND/NAME (deployment, replicaset, "
                                "statefulset, job, daemonset, replicationcontroller)")
                return
            owner_kind, owner_name = owner
        f = Filter(namespace=one.get("namespace"), code=one.get("code"), owner_kind=owner_kind,
                   owner_name=owner_name)
        cur = self.server.board.current
        if cur is None:
            self._text(503, "podwhy serve: no report yet (the cluster is still being listed)")
            return
        body = self.server.report_bytes(cur, f) if view == "report" else self.server.dashboard_bytes(cur, f)
        self._send(200, body, "application/json", {"X-Podwhy-Report-Version": str(cur.version)})

    def _events(self) -> None:
        if not self.server.streams.acquire(blocking=False):
            self._text(503, f"podwhy serve: too many open event streams (at most {MAX_STREAMS})")
            return
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("X-Accel-Buffering", "no")  # nginx-style proxies: do not buffer the stream
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            board = self.server.board
            cur = board.current
            seen = 0
            self.wfile.write(b"retry: 2000\n\n")
            while not board.closing:
                if cur is not None and cur.version > seen:
                    seen = cur.version
                    data = json.dumps({"version": cur.version, "at": cur.at, "stuck": len(cur.report.subjects)})
                    self.wfile.write(f"event: report\ndata: {data}\n\n".encode())
                else:
                    self.wfile.write(b": keepalive\n\n")
                self.wfile.flush()
                cur = board.wait_newer(seen, KEEPALIVE_SECONDS)
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            pass  # the page went away
        finally:
            self.server.streams.release()
