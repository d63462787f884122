"""Namespace, ServiceAccount, Secret and ConfigMap (core/v1).

Secrets are decoded by `SecretWire` only long enough to be summarised into `SecretInfo`: type,
key names and, for docker-config secrets, the registry keys and whether each carries credentials,
parsed with the kubelet's rules (pkg/credentialprovider/secrets/secrets.go and config.go, 1.31).
No value ever leaves this module. ConfigMaps keep key names only, except the cluster-autoscaler
status map whose `status` text is kept whole.
"""

import base64
import binascii
import json

import msgspec

from podwhy.model.base import K8s
from podwhy.model.meta import ObjectMeta
from podwhy.model.pod import NameRef
from podwhy.secretvalues import value_digests

DOCKERCONFIGJSON = "kubernetes.io/dockerconfigjson"
DOCKERCFG = "kubernetes.io/dockercfg"
CA_STATUS_CONFIGMAP = "cluster-autoscaler-status"


class Namespace(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    kind: str = "Namespace"


class ServiceAccount(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    image_pull_secrets: tuple[NameRef, ...] = ()
    kind: str = "ServiceAccount"


class DockerConfigEntry(K8s, frozen=True, gc=False):
    """One registry key of a docker config, values dropped."""

    key: str = ""
    has_credentials: bool = False
    # An `auth` field that does not decode to "user:pass" makes the kubelet's keyring build fail.
    auth_invalid: bool = False


class SecretInfo(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    type: str = ""
    keys: tuple[str, ...] = ()
    # Only for docker-config types: the parsed registry keys (None when not a docker-config type
    # or the expected data key is missing).
    docker_entries: tuple[DockerConfigEntry, ...] | None = None
    # Why the kubelet could not parse the docker config (no values quoted).
    docker_error: str | None = None
    # Keyed digests of the values (podwhy.secretvalues): to withhold a log line that prints one.
    value_digests: frozenset[bytes] = frozenset()
    kind: str = "Secret"


class SecretWire(K8s, frozen=True, gc=False):
    """The wire form. Never stored: summarise() keeps names only."""

    metadata: ObjectMeta = ObjectMeta()
    type: str = ""
    data: dict[str, str] | None = None
    string_data: dict[str, str] | None = None

    def summarise(self) -> SecretInfo:
        data = dict(self.data or {})
        plain = dict(self.string_data or {})
        keys = tuple(sorted(set(data) | set(plain)))
        entries: tuple[DockerConfigEntry, ...] | None = None
        error: str | None = None
        want = {DOCKERCONFIGJSON: ".dockerconfigjson", DOCKERCFG: ".dockercfg"}.get(self.type)
        if want is not None and (want in data or want in plain):
            raw: bytes | None
            if want in plain:
                raw = plain[want].encode()
            else:
                try:
                    raw = base64.b64decode(data[want], validate=True)
                except (binascii.Error, ValueError):
                    raw, error = None, f"data[{want}] is not valid base64"
            if raw is not None:
                entries, error = _parse_docker_config(raw, nested=self.type == DOCKERCONFIGJSON, key=want)
        # Strip annotations: kubectl.kubernetes.io/last-applied-configuration holds the secret's data.
        meta = msgspec.structs.replace(self.metadata, annotations={})
        digests: set[bytes] = set()
        for v in data.values():
            try:
                digests |= value_digests(base64.b64decode(v, validate=True))
            except (binascii.Error, ValueError, TypeError):
                continue
        for v in plain.values():
            if isinstance(v, str):
                digests |= value_digests(v.encode())
        return SecretInfo(metadata=meta, type=self.type, keys=keys, docker_entries=entries, docker_error=error,
                          value_digests=frozenset(digests))


def _parse_docker_config(raw: bytes, *, nested: bool, key: str) -> tuple[tuple[DockerConfigEntry, ...] | None, str | None]:
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        # json's messages name a position, never the content.
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        return None, f"{key} is not valid JSON ({msg})"
    if nested:
        if not isinstance(doc, dict) or not isinstance(doc.get("auths"), dict):
            return (), f'{key} has no "auths" object'
        doc = doc["auths"]
    if not isinstance(doc, dict):
        return None, f"{key} is not a JSON object"
    out = []
    for reg, entry in doc.items():
        if not isinstance(entry, dict):
            out.append(DockerConfigEntry(key=str(reg), has_credentials=False, auth_invalid=True))
            continue
        auth = entry.get("auth")
        invalid = False
        has = bool(entry.get("username") or entry.get("password") or entry.get("identitytoken"))
        if isinstance(auth, str) and auth:
            try:
                padded = auth + "=" * (-len(auth) % 4)
                decoded = base64.b64decode(padded, validate=True).decode()
                invalid = ":" not in decoded
                has = not invalid
            except (binascii.Error, ValueError, UnicodeDecodeError):
                invalid = True
        out.append(DockerConfigEntry(key=str(reg), has_credentials=has, auth_invalid=invalid))
    err = None
    if any(e.auth_invalid for e in out):
        err = f"{key}: an \"auth\" field does not decode to user:password"
    return tuple(out), err


class ConfigMapInfo(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    keys: tuple[str, ...] = ()
    # The cluster-autoscaler status text, when this is that map.
    status_text: str | None = None
    kind: str = "ConfigMap"


class ConfigMapWire(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    data: dict[str, str] | None = None
    binary_data: dict[str, str] | None = None

    def summarise(self) -> ConfigMapInfo:
        keys = tuple(sorted(set(self.data or {}) | set(self.binary_data or {})))
        status = None
        if self.metadata.name == CA_STATUS_CONFIGMAP and self.data:
            status = self.data.get("status")
        return ConfigMapInfo(metadata=self.metadata, keys=keys, status_text=status)
