"""Real registries on loopback for the probe tests (one set per xdist worker, started once).

- `plain`: docker-registry 2.8, plain HTTP, no auth;
- `basic`: htpasswd (bcrypt) + self-signed TLS, user probeuser/probepass (test-infra.md section 2);
- `token`: TLS + `auth: token:` against this suite's own token server (tokenserver.py); tokenuser may pull
  everything, `public/hello` is anonymous-readable;
- `paging`: a spec-following front (distribution docs/spec/api.md "Pagination") before `plain`, because
  docker-registry 2.8 ignores `n`/`last` on tags/list and never sends `Link` (measured: 25 tags, `?n=10`
  -> all 25, no Link header).

Images are hand-built OCI/Docker manifests from the realparts harness (`realparts.harness.oci`, imported
read-only); the registries are started with its `start_registry`. Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from podwhy.analyzers import probe as probe_analyzer
from realparts.harness import oci
from realparts.harness.netutil import free_port
from realparts.harness.registry import Registry, start_registry
from realparts.harness.tlsauth import HtpasswdAuth, TlsFiles, make_self_signed_cert
from registry.tokenserver import TokenServer

HELLO = [oci.FileEntry("hello.txt", b"hello from the podwhy registry probe tests\n")]
MANY_TAGS = [f"1.{i}.0" for i in range(25)]


def standard(repository: str = "probe/hello") -> list[oci.Image]:
    return [
        oci.single(repository, "v1", HELLO),
        oci.indexed(repository, "multi", HELLO, ["amd64"]),
        oci.indexed(repository, "arm64only", HELLO, ["arm64"]),
        oci.single(repository, "docker-v1", HELLO, docker=True),
        oci.indexed(repository, "docker-list", HELLO, ["amd64"], docker=True),
    ]


def many(repository: str = "probe/many") -> list[oci.Image]:
    return [oci.single(repository, tag, HELLO) for tag in MANY_TAGS]


@dataclass
class TokenAuth:
    """realparts' RegistryAuth for distribution's `auth: token:` mode, backed by our TokenServer."""

    server: TokenServer
    username: str = "tokenuser"
    password: str = "tokenpass"

    def prepare(self, work: Path) -> None:
        return None

    def config_section(self) -> dict[str, Any]:
        return self.server.config_section()

    def close(self) -> None:
        self.server.stop()


@dataclass
class Registries:
    plain: Registry
    basic: Registry
    token: Registry
    tokens: TokenServer
    tls: TlsFiles
    paging: PagingFront
    work: Path

    def log(self, reg: Registry) -> str:
        return reg.process.log_path.read_text(errors="replace")


class PagingFront:
    """Forwards to an upstream registry; answers tags/list itself with `n`/`last` and `Link: rel="next"`."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.requests: list[tuple[str, str, bool]] = []  # method, path, had Authorization
        front = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _forward(self, method: str) -> None:
                front.requests.append((method, self.path, "Authorization" in self.headers))
                parsed = urllib.parse.urlsplit(self.path)
                conn = http.client.HTTPConnection("127.0.0.1", front.upstream_port, timeout=10)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(method, parsed.path if parsed.path.endswith("/tags/list") else self.path,
                             headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                if parsed.path.endswith("/tags/list") and resp.status == 200 and method == "GET":
                    self._page(parsed, json.loads(body))
                    return
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "date", "server"):
                        self.send_header(k, v)
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(body)

            def _page(self, parsed: urllib.parse.SplitResult, doc: dict[str, Any]) -> None:
                q = urllib.parse.parse_qs(parsed.query)
                tags = sorted(doc.get("tags") or [])
                last = q.get("last", [""])[0]
                if last:
                    tags = [t for t in tags if t > last]
                n = int(q.get("n", ["0"])[0] or 0) or len(tags)
                n = min(n, 10)  # this front serves at most 10 per page, like a registry with a page cap
                page, rest = tags[:n], tags[n:]
                body = json.dumps({"name": doc.get("name"), "tags": page}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Docker-Distribution-API-Version", "registry/2.0")
                if rest:
                    nxt = urllib.parse.urlencode({"n": n, "last": page[-1]})
                    self.send_header("Link", f'<{parsed.path}?{nxt}>; rel="next"')
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._forward("GET")

            def do_HEAD(self) -> None:
                self._forward("HEAD")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def registries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registries]:
    work = tmp_path_factory.mktemp("registries")
    tls = make_self_signed_cert(work / "tls")
    signer = make_self_signed_cert(work / "token-signer", common_name="podwhy-token-signer")
    tokens = TokenServer(key=signer.key, cert=signer.cert, public={"public/hello"}).start()
    started: list[Registry] = []
    paging: PagingFront | None = None
    try:
        plain = start_registry(work, "plain")
        started.append(plain)
        basic = start_registry(work, "basic", tls=tls, auth=HtpasswdAuth())
        started.append(basic)
        token = start_registry(work, "token", tls=tls, auth=TokenAuth(tokens))
        started.append(token)
        for reg in (plain, basic, token):
            reg.push(standard())
        plain.push(many())
        token.push(standard("public/hello"))
        paging = PagingFront(plain.port)
        tokens.clear()
        yield Registries(plain=plain, basic=basic, token=token, tokens=tokens, tls=tls, paging=paging, work=work)
    finally:
        if paging is not None:
            paging.stop()
        for reg in started:
            reg.stop()
        tokens.stop()


@pytest.fixture
def refused_port() -> int:
    """A loopback port nobody listens on."""
    return free_port()


@pytest.fixture(autouse=True)
def probe_analyzer_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the probe analyzer right after imagepull, as the lead registers it (no-op once registered)."""
    import importlib

    analyzers = importlib.import_module("podwhy.analyzers")
    diagnose = importlib.import_module("podwhy.diagnose")  # the package attribute is the function

    current = diagnose.ANALYZERS
    if any(a.name == probe_analyzer.ANALYZER.name for a in current):
        return
    names = [a.name for a in current]
    at = names.index("imagepull") + 1 if "imagepull" in names else 0
    patched = (*current[:at], probe_analyzer.ANALYZER, *current[at:])
    monkeypatch.setattr(diagnose, "ANALYZERS", patched)
    monkeypatch.setattr(analyzers, "ANALYZERS", patched)
