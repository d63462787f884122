"""Credentials never follow a redirect to another origin, and never leave in text or exceptions.

docker-registry itself does not redirect manifest requests, so this uses two tiny loopback servers: a
registry front that demands Basic auth and redirects the manifest to a second origin (as a CDN-backed
registry would), and that second origin, which records every header it receives.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import msgspec
import pytest

from podwhy.registry.credentials import Credential
from podwhy.registry.distribution import probe_target
from podwhy.registry.transport import Clients, TransportConfig
from registry.test_distribution import target

DIGEST = "sha256:" + "ab" * 32
GOOD = "Basic " + base64.b64encode(b"user:sup3r-s3cret").decode()


class Recorder:
    def __init__(self, handler: Any) -> None:
        self.seen: list[tuple[str, str, str | None]] = []
        rec = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _any(self) -> None:
                rec.seen.append((self.command, self.path, self.headers.get("Authorization")))
                status, headers, body = handler(self.command, self.path, self.headers.get("Authorization"))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = _any

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def pair() -> Iterator[tuple[Recorder, Recorder]]:
    def other(method: str, path: str, auth: str | None) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Docker-Content-Digest": DIGEST, "Content-Type": "application/vnd.oci.image.manifest.v1+json"}, b""

    elsewhere = Recorder(other)

    def front(method: str, path: str, auth: str | None) -> tuple[int, dict[str, str], bytes]:
        if auth != GOOD:
            body = json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}).encode()
            return 401, {"WWW-Authenticate": 'Basic realm="front"', "Content-Type": "application/json"}, body
        if path == "/v2/":
            return 200, {}, b"{}"
        return 307, {"Location": f"http://{elsewhere.host}{path}"}, b""

    registry = Recorder(front)
    yield registry, elsewhere
    registry.close()
    elsewhere.close()


def test_redirect_to_another_origin_drops_the_credentials(pair: tuple[Recorder, Recorder]) -> None:
    registry, elsewhere = pair
    clients = Clients(TransportConfig(insecure=(f"http://{registry.host}", f"http://{elsewhere.host}"),
                                      trust_env=False))
    try:
        result = probe_target(clients, target(f"{registry.host}/team/app:1.0"),
                              [Credential("shop/regcred", registry.host, "user", "sup3r-s3cret")])
    finally:
        clients.close()
    assert (result.outcome, result.digest) == ("found", DIGEST)
    assert registry.seen == [("GET", "/v2/", None), ("HEAD", "/v2/team/app/manifests/1.0", GOOD)]
    assert elsewhere.seen == [("HEAD", "/v2/team/app/manifests/1.0", None)]
    assert [s.note for s in result.steps if s.note.startswith("redirect")] == [
        f"redirect to http://{elsewhere.host}/v2/team/app/manifests/1.0"]
    text = msgspec.json.encode(result).decode()
    assert "sup3r-s3cret" not in text and GOOD.split()[1] not in text


def test_a_bad_password_never_appears_in_the_result(pair: tuple[Recorder, Recorder]) -> None:
    registry, _ = pair
    clients = Clients(TransportConfig(insecure=(f"http://{registry.host}",), trust_env=False))
    try:
        result = probe_target(clients, target(f"{registry.host}/team/app:1.0"),
                              [Credential("shop/regcred", registry.host, "user", "not-the-password")])
    finally:
        clients.close()
    assert result.outcome == "auth-rejected"
    text = msgspec.json.encode(result).decode()
    assert "not-the-password" not in text
    assert base64.b64encode(b"user:not-the-password").decode() not in text
