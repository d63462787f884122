"""TLS material and registry authentication kinds for the test registries.

A self-signed certificate made with openssl (SAN 127.0.0.1 and localhost, as in test-infra.md section 2),
and the auth kinds a registry can be started with. distribution v2.8 config: `auth:` takes exactly one of
`silly`, `htpasswd`, `token`. Only htpasswd is implemented; a token-auth registry (for the registry probe)
is added by writing another `RegistryAuth` (its `prepare` starts a token server on a loopback port and
`config_section` returns `{"token": {"realm": ..., "service": ..., "issuer": ..., "rootcertbundle": ...}}`);
the push client in `registry.py` already answers both Basic and Bearer challenges.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .binaries import require


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path


def make_self_signed_cert(directory: Path, common_name: str = "localhost") -> TlsFiles:
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "registry.crt", directory / "registry.key"
    subprocess.run(
        [
            require("openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "365",
            "-subj",
            f"/CN={common_name}",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return TlsFiles(cert=cert, key=key)


class RegistryAuth(Protocol):
    """How a test registry authenticates clients (one implementation per distribution `auth:` kind)."""

    @property
    def username(self) -> str: ...

    @property
    def password(self) -> str: ...

    def prepare(self, work: Path) -> None:
        """Write files / start helper processes; called once before the registry starts."""

    def config_section(self) -> dict[str, Any]:
        """The value of the registry config's top-level `auth:` key."""
        ...

    def close(self) -> None:
        """Stop whatever `prepare` started."""


@dataclass
class HtpasswdAuth:
    """Basic auth against a bcrypt htpasswd file (`htpasswd -B`), realm `probe-realm` as in test-infra.md."""

    username: str = "probeuser"
    password: str = "probepass"
    realm: str = "probe-realm"
    path: Path | None = None

    def prepare(self, work: Path) -> None:
        work.mkdir(parents=True, exist_ok=True)
        self.path = work / "htpasswd"
        line = subprocess.run(
            [require("htpasswd"), "-Bbn", self.username, self.password],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        self.path.write_text(line + "\n")

    def config_section(self) -> dict[str, Any]:
        assert self.path is not None, "prepare() first"
        return {"htpasswd": {"realm": self.realm, "path": str(self.path)}}

    def close(self) -> None:
        return None
