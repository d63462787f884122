"""The pod's pull credentials, read at probe time and held in memory only for the probe's requests.

The Snapshot deliberately keeps no secret values, so this module re-reads them: offline from the Secret
objects in the user's `--from` files, live with a GET of each secret through the official kubernetes
client's configuration (raw JSON, never the client's model objects). Parsing follows the kubelet
(`pkg/credentialprovider/secrets/secrets.go`, `config.go` 1.31; semantics.md B2.1): only type
`kubernetes.io/dockerconfigjson` with key `.dockerconfigjson` (`{"auths": {...}}`) and
`kubernetes.io/dockercfg` with `.dockercfg`; an entry's `auth` (base64 `user:pass`, padded or not)
overrides `username`/`password`. Matching a key to an image is the image-pull analyzer's
`pullsecrets.matching_keys` (the kubelet's keyring rules, B2.2), applied per secret in the pod's order.

A Credential never shows its values in repr/str, and nothing here logs or raises with a value in it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from podwhy.analyzers.imagepull.pullsecrets import matching_keys
from podwhy.model.config import DockerConfigEntry

DOCKERCONFIGJSON = "kubernetes.io/dockerconfigjson"
DOCKERCFG = "kubernetes.io/dockercfg"
_DATA_KEY = {DOCKERCONFIGJSON: ".dockerconfigjson", DOCKERCFG: ".dockercfg"}


@dataclass(frozen=True)
class Credential:
    """One docker-config entry of one secret. Values stay out of repr, str and comparisons' output."""

    secret: str  # namespace/name
    key: str  # the docker-config key as written
    username: str = field(repr=False)
    password: str = field(repr=False)

    def __str__(self) -> str:
        return f"{self.secret} [{self.key}]"

    def basic(self) -> str:
        return "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()

    def secret_strings(self) -> tuple[str, ...]:
        """Strings that must never appear in any output (for scrubbing)."""
        b64 = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return tuple(s for s in (self.password, b64) if len(s) >= 4)


class SecretUnavailable(Exception):
    """A secret could not be read. `reason` is one of not-found | forbidden | error; no value inside."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(text)
        self.reason = reason
        self.text = text


@dataclass(frozen=True)
class RawSecret:
    type: str
    data: dict[str, str] = field(repr=False)  # base64 values, as the API serves them
    string_data: dict[str, str] = field(repr=False, default_factory=dict)


class SecretSource(Protocol):
    def get(self, namespace: str, name: str) -> RawSecret:
        """The secret, or raise SecretUnavailable."""
        ...


# ---- parsing -------------------------------------------------------------------------------------------
def docker_entries(secret: RawSecret, ref: str) -> tuple[list[Credential], str | None]:
    """The secret's credentials in JSON order, or ([], why the kubelet would ignore/fail it)."""
    want = _DATA_KEY.get(secret.type)
    if want is None:
        return [], f"type {secret.type or '(none)'!r} is not a docker-config type: the kubelet ignores it"
    if want in secret.string_data:
        raw = secret.string_data[want].encode()
    elif want in secret.data:
        try:
            raw = base64.b64decode(secret.data[want], validate=True)
        except (binascii.Error, ValueError):
            return [], f"data[{want}] is not valid base64"
    else:
        return [], f"no {want} key: the kubelet ignores it"
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return [], f"{want} is not valid JSON"
    if secret.type == DOCKERCONFIGJSON:
        doc = doc.get("auths") if isinstance(doc, dict) else None
    if not isinstance(doc, dict):
        return [], f"{want} has no registry entries"
    out: list[Credential] = []
    for key, entry in doc.items():
        if not isinstance(entry, dict):
            return [], f"{want}: the entry for {key!r} is not an object"
        user, password = str(entry.get("username") or ""), str(entry.get("password") or "")
        auth = entry.get("auth")
        if isinstance(auth, str) and auth:
            try:
                decoded = base64.b64decode(auth + "=" * (-len(auth) % 4), validate=True).decode()
            except (binascii.Error, ValueError, UnicodeDecodeError):
                return [], f"{want}: the \"auth\" of {key!r} is not base64 user:password"
            if ":" not in decoded:
                return [], f"{want}: the \"auth\" of {key!r} is not user:password"
            user, password = decoded.split(":", 1)
        out.append(Credential(secret=ref, key=str(key), username=user, password=password))
    return out, None


@dataclass
class Resolution:
    """The credentials the kubelet would try for one image, in order, plus what could not be read."""

    credentials: list[Credential]
    problems: list[str]  # "shop/regcred: forbidden" (names only)
    missing: list[str]  # secrets that do not exist


def resolve(source: SecretSource | None, namespace: str, secret_names: Sequence[str],
            image_repository: str) -> Resolution:
    creds: list[Credential] = []
    problems: list[str] = []
    missing: list[str] = []
    if source is None:
        if secret_names:
            problems.append("pull secrets were not read (no source for secret values): probed anonymously")
        return Resolution(creds, problems, missing)
    for name in secret_names:
        ref = f"{namespace}/{name}"
        try:
            secret = source.get(namespace, name)
        except SecretUnavailable as exc:
            (missing if exc.reason == "not-found" else problems).append(f"{ref}: {exc.text}")
            continue
        entries, why = docker_entries(secret, ref)
        if why is not None:
            problems.append(f"{ref}: {why}")
            continue
        by_key = {c.key: c for c in entries}
        keys = [DockerConfigEntry(key=k, has_credentials=True) for k in by_key]
        # UnionDockerKeyring: each secret's own keyring in the pod's order (secrets.go MakeDockerKeyring).
        creds.extend(by_key[k] for k in matching_keys(image_repository, keys))
    return Resolution(creds, problems, missing)


# ---- offline: the user's --from files --------------------------------------------------------------------
_SUFFIXES = {".json", ".yaml", ".yml"}


def _walk(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            p = Path(dirpath) / f
            if p.suffix.lower() in _SUFFIXES and not f.startswith("."):
                yield p


def _documents(path: Path) -> Iterator[Any]:
    import yaml

    from podwhy.snapshot.sources.files import iter_json_documents, looks_like_json

    data = path.read_bytes()
    if looks_like_json(data):
        for _, chunk in iter_json_documents(data, str(path)):
            yield json.loads(bytes(chunk))
        return
    loader = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader
    yield from yaml.load_all(data.decode("utf-8"), Loader=loader)


def _flatten(doc: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(doc, dict):
        return
    if isinstance(doc.get("items"), list) and str(doc.get("kind", "")).endswith("List"):
        for item in doc["items"]:
            yield from _flatten(item)
    else:
        yield doc


class FileSecretSource:
    """Secret objects from the same files the snapshot came from (stdin cannot be re-read)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self._paths = [p for p in paths if p != "-"]
        self.stdin_skipped = len(self._paths) != len(paths)
        self._secrets: dict[tuple[str, str], RawSecret] | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict[tuple[str, str], RawSecret]:
        with self._lock:
            if self._secrets is None:
                found: dict[tuple[str, str], RawSecret] = {}
                for raw in self._paths:
                    for path in _walk(Path(raw)):
                        try:
                            docs = list(_documents(path))
                        except Exception:  # the snapshot loader already reported bad files
                            continue
                        for doc in docs:
                            for obj in _flatten(doc):
                                if obj.get("kind") != "Secret":
                                    continue
                                meta = obj.get("metadata") or {}
                                found[(str(meta.get("namespace") or ""), str(meta.get("name") or ""))] = RawSecret(
                                    type=str(obj.get("type") or ""),
                                    data={str(k): str(v) for k, v in (obj.get("data") or {}).items()},
                                    string_data={str(k): str(v) for k, v in (obj.get("stringData") or {}).items()},
                                )
                self._secrets = found
            return self._secrets

    def get(self, namespace: str, name: str) -> RawSecret:
        secret = self._load().get((namespace, name))
        if secret is None:
            where = "stdin was not re-read; " if self.stdin_skipped else ""
            raise SecretUnavailable("not-found" if not self.stdin_skipped else "error",
                                    f"not in the --from files ({where}secret values are read only from files)")
        return secret


# ---- live: GET through the official client's configuration -----------------------------------------------
class LiveSecretSource:
    """GET /api/v1/namespaces/NS/secrets/NAME through the live source's own client (same kubeconfig,
    context, exec plugins and in-cluster fallback as the scan), as raw JSON: no client model objects."""

    def __init__(self, kubeconfig: str | None, context: str | None, timeout: float) -> None:
        from podwhy.snapshot.sources.live import ObjectReader

        self._reader = ObjectReader(kubeconfig, context, timeout)

    def get(self, namespace: str, name: str) -> RawSecret:
        from podwhy.snapshot.sources.live import ObjectUnavailable

        try:
            obj = json.loads(self._reader.get(f"/api/v1/namespaces/{quote(namespace, safe='')}/secrets/"
                                              f"{quote(name, safe='')}"))
        except ObjectUnavailable as exc:
            raise SecretUnavailable(exc.kind, exc.why) from None
        except ValueError:
            raise SecretUnavailable("error", "the API server's answer is not JSON") from None
        if not isinstance(obj, dict):
            raise SecretUnavailable("error", "the API server's answer is not an object")
        raw = obj.get("data")
        data: dict[Any, Any] = raw if isinstance(raw, dict) else {}
        return RawSecret(type=str(obj.get("type") or ""), data={str(k): str(v) for k, v in data.items()})

