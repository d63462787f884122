"""Reading pull-secret values at probe time (files and live API) and choosing them with the kubelet's rules."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from podwhy.registry.credentials import (
    Credential,
    FileSecretSource,
    LiveSecretSource,
    RawSecret,
    SecretUnavailable,
    resolve,
)


def dockerconfigjson(auths: dict[str, dict[str, str]]) -> RawSecret:
    raw = json.dumps({"auths": auths}).encode()
    return RawSecret(type="kubernetes.io/dockerconfigjson", data={".dockerconfigjson": base64.b64encode(raw).decode()})


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


class DictSource:
    def __init__(self, secrets: dict[tuple[str, str], RawSecret]) -> None:
        self.secrets = secrets

    def get(self, namespace: str, name: str) -> RawSecret:
        try:
            return self.secrets[(namespace, name)]
        except KeyError:
            raise SecretUnavailable("not-found", "not found") from None


SECRETS = {
    ("shop", "local"): dockerconfigjson({"127.0.0.1:5443": {"username": "u1", "password": "p1"}}),
    ("shop", "other-port"): dockerconfigjson({"127.0.0.1:5000": {"username": "u2", "password": "p2"}}),
    ("shop", "hub"): dockerconfigjson({"https://index.docker.io/v1/": {"auth": b64("hubuser:hubpass")}}),
    ("shop", "hub-api-host"): dockerconfigjson({"registry-1.docker.io": {"username": "u3", "password": "p3"}}),
    ("shop", "team-path"): dockerconfigjson({"https://r.example.com/v2/team": {"username": "u4", "password": "p4"},
                                             "r.example.com": {"username": "u5", "password": "p5"}}),
    ("shop", "opaque"): RawSecret(type="Opaque", data={".dockerconfigjson": b64("{}")}),
    ("shop", "bad-auth"): dockerconfigjson({"127.0.0.1:5443": {"auth": b64("no-colon")}}),
    ("shop", "legacy"): RawSecret(type="kubernetes.io/dockercfg",
                                  data={".dockercfg": b64(json.dumps({"127.0.0.1:5443": {"username": "u6",
                                                                                          "password": "p6"}}))}),
}


@pytest.mark.parametrize(("names", "repo", "want_creds", "want_problems", "want_missing"), [
    pytest.param(["local"], "127.0.0.1:5443/probe/hello", [("shop/local", "127.0.0.1:5443", "u1")], [], [],
                 id="a key equal to the image host matches"),
    pytest.param(["other-port"], "127.0.0.1:5443/probe/hello", [], [], [],
                 id="a key with another port never matches"),
    pytest.param(["hub"], "docker.io/library/nginx", [("shop/hub", "https://index.docker.io/v1/", "hubuser")], [], [],
                 id="the index.docker.io key serves Docker Hub images, auth overriding username"),
    pytest.param(["hub-api-host"], "docker.io/library/nginx", [], [], [],
                 id="a registry-1.docker.io key does not match Docker Hub images"),
    pytest.param(["team-path"], "r.example.com/teamfoo/app",
                 [("shop/team-path", "https://r.example.com/v2/team", "u4"),
                  ("shop/team-path", "r.example.com", "u5")], [], [],
                 id="keys are tried longest path first and the path is a raw string prefix"),
    pytest.param(["local", "legacy"], "127.0.0.1:5443/probe/hello",
                 [("shop/local", "127.0.0.1:5443", "u1"), ("shop/legacy", "127.0.0.1:5443", "u6")], [], [],
                 id="secrets are tried in the pod's order, dockercfg too"),
    pytest.param(["opaque", "gone", "bad-auth"], "127.0.0.1:5443/probe/hello", [],
                 ["shop/opaque: type 'Opaque' is not a docker-config type: the kubelet ignores it",
                  "shop/bad-auth: .dockerconfigjson: the \"auth\" of '127.0.0.1:5443' is not user:password"],
                 ["shop/gone: not found"],
                 id="ignored, undecodable and missing secrets are reported by name only"),
])
def test_resolve(names: list[str], repo: str, want_creds: list[tuple[str, str, str]], want_problems: list[str],
                 want_missing: list[str]) -> None:
    res = resolve(DictSource(SECRETS), "shop", names, repo)
    assert [(c.secret, c.key, c.username) for c in res.credentials] == want_creds
    assert res.problems == want_problems
    assert res.missing == want_missing


def test_credential_values_never_show() -> None:
    c = Credential("shop/regcred", "r.example.com", "someuser", "s3cr3t-value")
    assert "s3cr3t-value" not in repr(c) and "s3cr3t-value" not in str(c)
    assert str(c) == "shop/regcred [r.example.com]"


def test_file_source_reads_lists_json_and_yaml(tmp_path: Path) -> None:
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred", "namespace": "shop"},
              "type": "kubernetes.io/dockerconfigjson",
              "data": {".dockerconfigjson": b64(json.dumps({"auths": {"r.io": {"username": "a", "password": "b"}}}))}}
    (tmp_path / "list.json").write_text(json.dumps({"kind": "List", "items": [secret]}))
    (tmp_path / "s.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: plain, namespace: shop}\n"
        "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\": {\"r.io\": "
        "{\"username\": \"c\", \"password\": \"d\"}}}'\n")
    src = FileSecretSource([str(tmp_path)])
    assert [c.username for c in resolve(src, "shop", ["regcred", "plain"], "r.io/x").credentials] == ["a", "c"]
    with pytest.raises(SecretUnavailable) as exc:
        src.get("shop", "absent")
    assert exc.value.reason == "not-found"


class _FakeAPI:
    """A loopback stand-in for the API server: serves two secrets' raw JSON, 403 for one, 404 otherwise."""

    def __init__(self, secrets: dict[str, dict[str, Any]]) -> None:
        self.paths: list[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                api.paths.append(self.path)
                name = self.path.rsplit("/", 1)[-1].split("?")[0]
                status, body = (200, secrets[name]) if name in secrets else \
                    (403, {"kind": "Status", "code": 403, "reason": "Forbidden"}) if name == "forbidden" else \
                    (404, {"kind": "Status", "code": 404, "reason": "NotFound"})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def fake_api() -> Iterator[_FakeAPI]:
    api = _FakeAPI({"regcred": {"kind": "Secret", "type": "kubernetes.io/dockerconfigjson", "data": {
        ".dockerconfigjson": b64(json.dumps({"auths": {"r.io": {"username": "live", "password": "pw"}}}))}}})
    yield api
    api.httpd.shutdown()
    api.httpd.server_close()


def test_live_source_gets_secrets_through_the_kubeconfig(fake_api: _FakeAPI, tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "test",
        "clusters": [{"name": "c", "cluster": {"server": fake_api.url}}],
        "users": [{"name": "u", "user": {"token": "api-token"}}],
        "contexts": [{"name": "test", "context": {"cluster": "c", "user": "u"}}],
    }))
    src = LiveSecretSource(str(kubeconfig), None, 5.0)
    res = resolve(src, "shop", ["regcred", "forbidden", "gone"], "r.io/app")
    assert [(c.secret, c.username) for c in res.credentials] == [("shop/regcred", "live")]
    assert res.problems == ["shop/forbidden: cannot read it (HTTP 403 Forbidden)"]
    assert res.missing == ["shop/gone: not found"]
    assert fake_api.paths == ["/api/v1/namespaces/shop/secrets/regcred", "/api/v1/namespaces/shop/secrets/forbidden",
                              "/api/v1/namespaces/shop/secrets/gone"]
