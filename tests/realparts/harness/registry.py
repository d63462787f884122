"""A real docker-registry (distribution v2.8) on a loopback port, and a raw distribution-API push client.

Usable alone (the registry probe builds on it): `start_registry(work, name)` gives a plain-HTTP registry,
`start_registry(work, name, tls=..., auth=HtpasswdAuth())` an authenticated TLS one. The push client speaks
the distribution HTTP API (distribution docs/spec/api.md, OCI distribution-spec "push"):
HEAD blob -> POST /v2/<name>/blobs/uploads/ (202 + Location) -> PUT <Location>&digest=... (201), then
PUT /v2/<name>/manifests/<ref> with Content-Type = the manifest's media type (201). 401 challenges are
answered for Basic and Bearer (token) auth.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import ssl
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import procs
from .binaries import require
from .netutil import LOOPBACK, connection, free_port
from .oci import ACCEPT_ALL, Blob, Image
from .tlsauth import HtpasswdAuth, RegistryAuth, TlsFiles, make_self_signed_cert


@dataclass
class Registry:
    name: str
    port: int
    tls: TlsFiles | None
    auth: RegistryAuth | None
    process: procs.ManagedProcess
    work: Path
    images: dict[str, Image] = field(default_factory=dict)

    @property
    def host(self) -> str:
        """host:port as it appears in an image reference."""
        return f"{LOOPBACK}:{self.port}"

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def ref(self, repository: str, tag_or_digest: str) -> str:
        sep = "@" if tag_or_digest.startswith("sha256:") else ":"
        return f"{self.host}/{repository}{sep}{tag_or_digest}"

    def tls_context(self) -> ssl.SSLContext | None:
        if self.tls is None:
            return None
        return ssl.create_default_context(cafile=str(self.tls.cert))

    def client(self, with_credentials: bool = True) -> RegistryClient:
        creds = None
        if with_credentials and self.auth is not None:
            creds = (self.auth.username, self.auth.password)
        return RegistryClient(self.port, self.tls_context(), creds)

    def push(self, images: Iterable[Image]) -> None:
        client = self.client()
        for image in images:
            client.push_image(image)
            self.images[f"{image.repository}:{image.tag}"] = image

    def stop(self) -> None:
        self.process.stop()
        if self.auth is not None:
            self.auth.close()


def registry_config(work: Path, port: int, tls: TlsFiles | None, auth: RegistryAuth | None) -> dict[str, Any]:
    http: dict[str, Any] = {"addr": f"{LOOPBACK}:{port}", "headers": {"X-Content-Type-Options": ["nosniff"]}}
    if tls is not None:
        http["tls"] = {"certificate": str(tls.cert), "key": str(tls.key)}
    config: dict[str, Any] = {
        "version": 0.1,
        "log": {"level": "info", "formatter": "text"},
        "storage": {
            "filesystem": {"rootdirectory": str(work / "data")},
            "delete": {"enabled": True},
            "cache": {"blobdescriptor": "inmemory"},
        },
        "http": http,
    }
    if auth is not None:
        config["auth"] = auth.config_section()
    return config


def start_registry(
    work: Path, name: str, *, tls: TlsFiles | None = None, auth: RegistryAuth | None = None
) -> Registry:
    """Start `docker-registry serve` with our own config (the packaged one is unusable) and wait for /v2/."""
    binary = require("docker-registry")
    reg_dir = work / name
    reg_dir.mkdir(parents=True, exist_ok=True)
    if auth is not None:
        auth.prepare(reg_dir / "auth")
    port = free_port()
    config_path = reg_dir / "config.yml"
    config_path.write_text(yaml.safe_dump(registry_config(reg_dir, port, tls, auth)))
    process = procs.start(
        f"docker-registry[{name}]", [binary, "serve", str(config_path)], reg_dir / "registry.log"
    )
    registry = Registry(name=name, port=port, tls=tls, auth=auth, process=process, work=reg_dir)
    try:
        procs.wait_until("GET /v2/ answers", lambda: _v2_answers(registry), process)
    except BaseException:
        registry.stop()
        raise
    return registry


def _v2_answers(registry: Registry) -> bool:
    try:
        status, _, _ = registry.client(with_credentials=False).request("GET", "/v2/")
    except OSError:
        return False
    # 200 without auth, 401 with auth: either way the registry is serving.
    return status in (200, 401)


class RegistryError(RuntimeError):
    pass


@dataclass
class RegistryClient:
    port: int
    tls_context: ssl.SSLContext | None
    credentials: tuple[str, str] | None
    authorization: str | None = None

    def request(
        self, method: str, target: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; on a 401 challenge, obtain an Authorization header once and retry."""
        for attempt in (1, 2):
            conn = connection(self.port, self.tls_context)
            try:
                hdrs = dict(headers or {})
                if self.authorization:
                    hdrs["Authorization"] = self.authorization
                conn.request(method, target, body=body, headers=hdrs)
                resp = conn.getresponse()
                data = resp.read()
                resp_headers = {k.lower(): v for k, v in resp.getheaders()}
            finally:
                conn.close()
            if resp.status == 401 and attempt == 1 and self.credentials is not None:
                self.authorization = self._answer_challenge(resp_headers.get("www-authenticate", ""))
                continue
            return resp.status, resp_headers, data
        raise AssertionError("unreachable")

    def _answer_challenge(self, challenge: str) -> str:
        assert self.credentials is not None
        user, password = self.credentials
        basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() == "basic":
            return basic
        if scheme.lower() == "bearer":
            # Token auth (distribution docs/spec/auth/token.md): GET realm?service=&scope= with Basic creds.
            fields = dict(_parse_challenge_params(params))
            realm = urllib.parse.urlsplit(fields["realm"])
            if realm.hostname not in (LOOPBACK, "localhost"):
                raise RegistryError(f"refusing a token realm off loopback: {fields['realm']}")
            query = urllib.parse.urlencode({k: v for k, v in fields.items() if k in ("service", "scope")})
            ctx = self.tls_context if realm.scheme == "https" else None
            conn = connection(realm.port or (443 if realm.scheme == "https" else 80), ctx)
            try:
                conn.request("GET", f"{realm.path}?{query}", headers={"Authorization": basic})
                resp = conn.getresponse()
                payload = json.loads(resp.read() or b"{}")
            finally:
                conn.close()
            token = payload.get("token") or payload.get("access_token")
            if resp.status != 200 or not token:
                raise RegistryError(f"token endpoint answered {resp.status}")
            return f"Bearer {token}"
        raise RegistryError(f"unsupported auth challenge {challenge!r}")

    def blob_exists(self, repository: str, digest: str) -> bool:
        status, _, _ = self.request("HEAD", f"/v2/{repository}/blobs/{digest}")
        return status == 200

    def push_blob(self, repository: str, blob: Blob) -> None:
        if self.blob_exists(repository, blob.digest):
            return
        status, headers, body = self.request("POST", f"/v2/{repository}/blobs/uploads/", body=b"")
        if status != 202:
            raise RegistryError(f"start upload {repository}: {status} {body!r}")
        location = urllib.parse.urlsplit(headers["location"])
        target = location.path + "?" + (location.query + "&" if location.query else "")
        target += urllib.parse.urlencode({"digest": blob.digest})
        status, _, body = self.request(
            "PUT", target, body=blob.data, headers={"Content-Type": "application/octet-stream"}
        )
        if status != 201:
            raise RegistryError(f"upload {blob.digest} to {repository}: {status} {body!r}")

    def put_manifest(self, repository: str, reference: str, manifest: Blob) -> str:
        status, headers, body = self.request(
            "PUT",
            f"/v2/{repository}/manifests/{reference}",
            body=manifest.data,
            headers={"Content-Type": manifest.media_type},
        )
        if status != 201:
            raise RegistryError(f"put manifest {repository}:{reference}: {status} {body!r}")
        return headers.get("docker-content-digest", "")

    def push_image(self, image: Image) -> None:
        for blob in image.blobs:
            self.push_blob(image.repository, blob)
        for child in image.children:
            self.put_manifest(image.repository, child.digest, child)
        pushed = self.put_manifest(image.repository, image.tag, image.manifest)
        if pushed != image.digest:
            raise RegistryError(
                f"{image.repository}:{image.tag}: registry says {pushed}, we built {image.digest}"
            )

    def manifest_status(self, repository: str, reference: str) -> int:
        status, _, _ = self.request(
            "HEAD", f"/v2/{repository}/manifests/{reference}", headers={"Accept": ACCEPT_ALL}
        )
        return status


def _parse_challenge_params(params: str) -> Iterable[tuple[str, str]]:
    # key="value" pairs; values may contain commas (scope="repository:x:pull,push").
    for match in re.finditer(r'(\w+)="([^"]*)"', params):
        yield match.group(1), match.group(2)


@dataclass(frozen=True)
class RegistryPair:
    """The two registries of test-infra.md: plain HTTP, and TLS (self-signed) + htpasswd basic auth."""

    plain: Registry
    auth: Registry


@contextlib.contextmanager
def running_registries(work: Path, images: Iterable[Image]) -> Iterator[RegistryPair]:
    """Start both registries, push `images` to each, and stop them (by PID) however the block ends."""
    started: list[Registry] = []
    try:
        tls = make_self_signed_cert(work / "tls")
        started.append(start_registry(work, "reg-plain"))
        started.append(start_registry(work, "reg-auth", tls=tls, auth=HtpasswdAuth()))
        pushed = list(images)
        for registry in started:
            registry.push(pushed)
        yield RegistryPair(plain=started[0], auth=started[1])
    finally:
        for registry in started:
            registry.stop()
