"""Pull-secret audit with the kubelet's own rules (semantics.md B2).

Mirrors kubernetes pkg/credentialprovider/keyring.go (BasicDockerKeyring.Add/Lookup, URLsMatch,
isDefaultRegistryMatch; unchanged 1.14 -> 1.35), pkg/credentialprovider/secrets/secrets.go
(which secret types are read), pkg/kubelet/kubelet_pods.go getPullSecretsForPod (missing secrets are
skipped, >=1.28 with a FailedToRetrieveImagePullSecret event) and the ServiceAccount admission plugin
(plugin/pkg/admission/serviceaccount/admission.go: the SA's imagePullSecrets are copied into a pod
only when the pod names none).

`matching_keys(image, entries)` is the reusable piece (the registry probe uses it): which docker
config keys the kubelet would use for an image, in the order it would try them.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from podwhy.analyzers.imagepull.reference import Reference, try_parse
from podwhy.model import Pod, SecretInfo
from podwhy.model.config import DOCKERCFG, DOCKERCONFIGJSON, DockerConfigEntry
from podwhy.snapshot import Snapshot, ref_of

DEFAULT_REGISTRY_KEY = "index.docker.io"
DATA_KEY = {DOCKERCONFIGJSON: ".dockerconfigjson", DOCKERCFG: ".dockercfg"}


# ---- keyring matching (pkg/credentialprovider/keyring.go) ----------------------------------------
def normalise_key(key: str) -> str | None:
    """A docker config key as BasicDockerKeyring.Add stores it: scheme dropped, `/v1/` `/v2/` dropped.

    `https://index.docker.io/v1/` -> `index.docker.io`; `https://r.io/v2/team` -> `r.io/team`.
    None when url.Parse would fail (the kubelet skips such keys).
    """
    value = key if key.startswith(("https://", "http://")) else "https://" + key
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises on a non-numeric port, as url.Parse does
    except ValueError:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    path = parts.path
    if path.startswith(("/v2/", "/v1/")):
        path = path[3:]
    return host + path if path and path != "/" else host


def _split_url(schemeless: str) -> tuple[list[str], str, str] | None:
    """(host labels, port, path) of a schemeless URL, like splitURL + url.Parse."""
    try:
        parts = urlsplit("https://" + schemeless)
        port = str(parts.port) if parts.port is not None else ""
    except ValueError:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    if host.startswith("["):
        h = host[: host.find("]") + 1] if "]" in host else host
    else:
        h = host.rsplit(":", 1)[0] if port else host
    return h.split("."), port, parts.path


def _label_match(pattern: str, label: str) -> bool:
    # filepath.Match per label: '*' never crosses a '.', because labels were split on '.' first.
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(label, pattern)
    return pattern == label


def urls_match(key: str, image_repo: str) -> bool:
    """URLsMatchStr(glob key, image repository): same port, same label count, glob per label, path prefix."""
    g = _split_url(key)
    t = _split_url(image_repo)
    if g is None or t is None:
        return False
    g_labels, g_port, g_path = g
    t_labels, t_port, t_path = t
    if g_port != t_port or len(g_labels) != len(t_labels):
        return False
    if not all(_label_match(p, lbl) for p, lbl in zip(g_labels, t_labels, strict=True)):
        return False
    # A raw string prefix, no segment boundary: key `r.io/team` also matches `r.io/teamfoo/x`.
    return t_path.startswith(g_path)


def _is_default_registry_match(image_repo: str) -> bool:
    parts = image_repo.split("/", 1)
    if not parts[0]:
        return False
    if len(parts) == 1:
        return True
    if parts[0] in ("docker.io", "index.docker.io"):
        return True
    return not any(c in parts[0] for c in ".:")


def matching_keys(image: str | Reference, entries: Iterable[DockerConfigEntry]) -> list[str]:
    """The config keys (as written in the secret) whose credentials the kubelet would try for `image`.

    Order is the kubelet's: normalised keys in reverse lexical order; only when none matches and the
    image is a Docker Hub image, the `index.docker.io` key. Entries without credentials still match
    (the kubelet would send empty credentials); callers check `has_credentials`.
    """
    ref = image if isinstance(image, Reference) else try_parse(image)
    if ref is None:
        return []
    repo = ref.repository  # lookup uses the normalised repository without tag or digest
    by_norm: dict[str, list[str]] = {}
    for e in entries:
        norm = normalise_key(e.key)
        if norm is not None:
            by_norm.setdefault(norm, []).append(e.key)
    out: list[str] = []
    for norm in sorted(by_norm, reverse=True):
        if urls_match(norm, repo):
            out.extend(by_norm[norm])
    if not out and _is_default_registry_match(repo) and DEFAULT_REGISTRY_KEY in by_norm:
        out.extend(by_norm[DEFAULT_REGISTRY_KEY])
    return out


def needed_key(ref: Reference) -> str:
    """The key a person should put in a secret for this image (`docker.io` form for Hub)."""
    return "https://index.docker.io/v1/" if ref.is_docker_hub else ref.domain


# ---- which registries authenticate through the node -----------------------------------------------
def node_credential_registry(host: str) -> str | None:
    """Name of the cloud registry whose pulls normally authenticate with node credentials, or None."""
    h = host.lower()
    if ".dkr.ecr." in h and h.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        return "Amazon ECR (node IAM role / ecr-credential-provider)"
    if h in ("gcr.io", "eu.gcr.io", "us.gcr.io", "asia.gcr.io", "marketplace.gcr.io") or h.endswith("-docker.pkg.dev"):
        return "Google Artifact Registry / GCR (node service account / gcp credential provider)"
    if h.endswith(".azurecr.io") or h.endswith(".azurecr.cn"):
        return "Azure Container Registry (kubelet identity with AcrPull / acr-credential-provider)"
    return None


# Registries that host public images: an auth-looking answer there is often "does not exist".
PUBLIC_HOSTS = frozenset({
    "docker.io", "quay.io", "ghcr.io", "registry.k8s.io", "k8s.gcr.io", "gcr.io", "public.ecr.aws",
    "mcr.microsoft.com", "registry.gitlab.com", "nvcr.io", "docker.elastic.co", "cgr.dev",
})


# ---- the audit -----------------------------------------------------------------------------------------
@dataclass
class SecretProblem:
    kind: str  # "missing" | "invalid" | "host-mismatch"
    name: str
    detail: str
    other_namespaces: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


@dataclass
class Audit:
    """What the kubelet would do with this pod's pull secrets for one image."""

    namespace: str
    image: str
    ref: Reference | None
    # Names on the pod spec (what the kubelet uses) and on the ServiceAccount.
    pod_secrets: list[str]
    sa_name: str
    sa_secrets: list[str] | None  # None: ServiceAccount not loaded / not found
    sa_known: bool
    # "pod" when the pod names secrets, "serviceaccount" when only the SA does, "" when none.
    source: str
    secrets_loaded: bool
    problems: list[SecretProblem] = field(default_factory=list)
    # secret name -> matching keys with credentials (the ones the kubelet would send).
    matched: dict[str, list[str]] = field(default_factory=dict)
    # Secret names the kubelet reported missing in FailedToRetrieveImagePullSecret events.
    reported_missing: list[str] = field(default_factory=list)
    # False for a pod read from `kubectl describe` text, which does not print spec.imagePullSecrets: then
    # `pod_secrets` holds only the names the kubelet reported missing, and "none" is not known.
    pod_secrets_known: bool = True

    @property
    def effective(self) -> list[str]:
        return self.pod_secrets if self.source == "pod" else (self.sa_secrets or [])

    @property
    def has_any_secret(self) -> bool:
        return bool(self.pod_secrets) or bool(self.sa_secrets)

    @property
    def credential_sent(self) -> bool:
        """True when a pod secret would give the kubelet credentials for this image."""
        return self.source == "pod" and any(self.matched.values())


def _names(refs: Sequence[object]) -> list[str]:
    out = []
    for r in refs:
        name = getattr(r, "name", "")
        if name and name not in out:
            out.append(name)
    return out


def audit(snap: Snapshot, pod: Pod, image: str, *, reported_missing: Iterable[str] = ()) -> Audit:
    ns = pod.metadata.namespace
    ref = try_parse(image)
    sa_name = pod.spec.service_account_name or pod.spec.service_account or "default"
    sa = snap.get("ServiceAccount", ns, sa_name) if snap.has("ServiceAccount") else None
    pod_secrets = _names(pod.spec.image_pull_secrets)
    known = ref_of("Pod", ns, pod.metadata.name) not in snap.described
    if not known:
        # The kubelet names the pull secrets it could not fetch: those are on the pod (or its SA, copied in).
        pod_secrets = [n for n in dict.fromkeys(reported_missing) if n]
    sa_secrets = _names(sa.image_pull_secrets) if sa is not None else None
    source = "pod" if pod_secrets else ("serviceaccount" if sa_secrets else "")
    a = Audit(namespace=ns, image=image, ref=ref, pod_secrets=pod_secrets, sa_name=sa_name, sa_secrets=sa_secrets,
              sa_known=sa is not None, source=source, secrets_loaded=snap.has("Secret"),
              reported_missing=[n for n in reported_missing if n], pod_secrets_known=known)
    names = a.effective
    valid: list[SecretInfo] = []
    for name in names:
        if not a.secrets_loaded:
            if name in a.reported_missing:
                a.problems.append(SecretProblem("missing", name, "reported missing by the kubelet"))
            continue
        sec: SecretInfo | None = snap.get("Secret", ns, name)
        if sec is None:
            others = sorted({s.metadata.namespace for s in snap.by_name("Secret", name) if s.metadata.namespace != ns})
            a.problems.append(SecretProblem("missing", name, f"no Secret {name!r} in namespace {ns!r}", others))
            continue
        why = invalid_reason(sec)
        if why is not None:
            a.problems.append(SecretProblem("invalid", name, why))
            continue
        valid.append(sec)
    if ref is not None:
        for sec in valid:
            entries = [e for e in (sec.docker_entries or ()) if e.has_credentials]
            keys = matching_keys(ref, entries)
            a.matched[sec.metadata.name] = keys
        if valid and not any(a.matched.values()):
            have = [e.key for s in valid for e in (s.docker_entries or ()) if e.has_credentials]
            names_txt = ", ".join(s.metadata.name for s in valid)
            if have:
                detail = (f"secret(s) {names_txt} hold credentials for {', '.join(repr(k) for k in have)}; "
                          f"none matches {ref.repository!r} under the kubelet's rules (needs a key for "
                          f"{needed_key(ref)!r})")
            else:
                detail = f"secret(s) {names_txt} hold no registry entry with a username/password or auth"
            a.problems.append(SecretProblem("host-mismatch", names_txt, detail, keys=have))
    return a


def invalid_reason(sec: SecretInfo) -> str | None:
    """Why the kubelet silently ignores this secret for pulls, or None when it would read it."""
    want = DATA_KEY.get(sec.type)
    name = sec.metadata.name
    if want is None:
        hint = ""
        if ".dockerconfigjson" in sec.keys or ".dockercfg" in sec.keys:
            hint = " (it has the docker config key, but the type must match)"
        return (f"secret {name!r} has type {sec.type or 'Opaque'!r}; the kubelet only reads "
                f"{DOCKERCONFIGJSON!r} and {DOCKERCFG!r}{hint}")
    if want not in sec.keys:
        return f"secret {name!r} of type {sec.type!r} has no {want!r} data key (keys: {', '.join(sec.keys) or 'none'})"
    if sec.docker_error:
        return f"secret {name!r}: {sec.docker_error}"
    if sec.docker_entries is None:
        return f"secret {name!r}: {want} could not be decoded"
    return None
