"""The test suite's own token server for docker-registry's `auth: token:` mode (distribution v2.8).

What the registry checks (distribution v2.8 `registry/auth/token/token.go` Verify/VerifySigningKey, read via
the search index): `iss` must equal the configured `issuer`, `aud` the configured `service`, `exp`/`nbf`
within 60 s leeway, and the signing key must come from the JOSE header: `x5c` (a certificate chain that
verifies against `rootcertbundle`, any key usage), else `jwk`, else `kid` (a libtrust key id looked up among
the root certificates' keys). We use `x5c` with one self-signed certificate that is also the whole
`rootcertbundle`, and sign RS256 (PKCS#1 v1.5 + SHA-256) with the `openssl` binary, so the suite needs no
crypto package.

Protocol (distribution docs/spec/auth/token.md): `GET /token?service=S&scope=repository:NAME:pull[,push]`,
optionally with HTTP Basic credentials; 200 `{"token": ..., "access_token": ..., "expires_in": ...}`; wrong
credentials: 401. An anonymous request, or a user without access, gets a token WITHOUT the requested access,
as Docker Hub does, so the registry then answers `401 ... error="insufficient_scope"`.

Every request is logged (path, query, whether an Authorization header arrived, which user) so tests can
assert that credentials never reached this server when they should not have.
"""

from __future__ import annotations

import base64
import json
import subprocess
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class TokenRequest:
    path: str
    query: dict[str, list[str]]
    had_authorization: bool
    user: str | None
    status: int


@dataclass
class TokenServer:
    """A loopback HTTP token server. `grants` maps user -> repositories it may pull ("*" = all);
    `public` lists repositories anybody (also anonymous) may pull."""

    key: Path
    cert: Path
    issuer: str = "podwhy-test-issuer"
    service: str = "podwhy-test-registry"
    users: dict[str, str] = field(default_factory=lambda: {"tokenuser": "tokenpass"})
    grants: dict[str, set[str]] = field(default_factory=lambda: {"tokenuser": {"*"}})
    public: set[str] = field(default_factory=set)
    requests: list[TokenRequest] = field(default_factory=list)
    port: int = 0
    _httpd: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    def config_section(self) -> dict[str, Any]:
        """The registry config's `auth:` value."""
        return {"token": {"realm": self.realm, "service": self.service, "issuer": self.issuer,
                          "rootcertbundle": str(self.cert)}}

    # -- tokens --------------------------------------------------------------------------------------
    def _x5c(self) -> str:
        pem = self.cert.read_text()
        body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
        return "".join(body.split())  # standard base64 of the DER, as x5c wants

    def _sign(self, signing_input: bytes) -> bytes:
        return subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(self.key)], input=signing_input,
                              check=True, capture_output=True).stdout

    def issue(self, subject: str, access: list[dict[str, Any]]) -> str:
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self._x5c()]}
        claims = {"iss": self.issuer, "sub": subject, "aud": self.service, "exp": now + 300, "nbf": now - 10,
                  "iat": now, "jti": uuid.uuid4().hex, "access": access}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}".encode()
        return f"{signing_input.decode()}.{_b64url(self._sign(signing_input))}"

    def allowed(self, user: str | None, repository: str) -> bool:
        if repository in self.public:
            return True
        if user is None:
            return False
        repos = self.grants.get(user, set())
        return "*" in repos or repository in repos

    # -- server --------------------------------------------------------------------------------------
    def start(self) -> TokenServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None  # requests are recorded in server.requests instead

            def do_GET(self) -> None:
                parsed = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(parsed.query)
                auth = self.headers.get("Authorization")
                user: str | None = None
                status = 200
                if auth is not None:
                    scheme, _, value = auth.partition(" ")
                    try:
                        name, _, password = base64.b64decode(value).decode().partition(":")
                    except ValueError:
                        name, password = "", ""
                    if scheme.lower() != "basic" or server.users.get(name) != password or not name:
                        status = 401
                    else:
                        user = name
                if parsed.path != "/token":
                    status = 404
                with server._lock:
                    server.requests.append(TokenRequest(parsed.path, query, auth is not None, user, status))
                if status != 200:
                    body = json.dumps({"details": "incorrect username or password"} if status == 401
                                      else {"details": "not found"}).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                access: list[dict[str, Any]] = []
                for scope in query.get("scope", []):
                    kind, _, rest = scope.partition(":")
                    name, _, actions = rest.rpartition(":")
                    if kind == "repository" and server.allowed(user, name):
                        wanted = [a for a in actions.split(",") if a]
                        if user is None:
                            wanted = [a for a in wanted if a == "pull"]
                        access.append({"type": "repository", "name": name, "actions": wanted})
                token = server.issue(user or "", access)
                body = json.dumps({"token": token, "access_token": token, "expires_in": 300,
                                   "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._httpd.server_address[1])
        threading.Thread(target=self._httpd.serve_forever, name="token-server", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def snapshot(self) -> list[TokenRequest]:
        with self._lock:
            return list(self.requests)
