"""The kubelet's keyring matching (pkg/credentialprovider/keyring.go) and the pull-secret audit."""

from __future__ import annotations

import pytest

from podwhy.analyzers.imagepull.pullsecrets import matching_keys, node_credential_registry, normalise_key
from podwhy.model import DockerConfigEntry


@pytest.mark.parametrize(("key", "norm"), [
    pytest.param("https://index.docker.io/v1/", "index.docker.io", id="hub-v1-url"),
    pytest.param("https://registry.example.com/v2/team", "registry.example.com/team", id="v2-prefix-dropped"),
    pytest.param("registry.example.com:5000", "registry.example.com:5000", id="host-port"),
    pytest.param("http://r.io/", "r.io", id="http-scheme-root-path"),
    pytest.param("docker.io", "docker.io", id="bare-host"),
    pytest.param("https://r.io:abc/", None, id="unparsable-port-is-skipped"),
])
def test_key_normalisation(key, norm):  # type: ignore[no-untyped-def]
    assert normalise_key(key) == norm


def _e(*keys: str) -> list[DockerConfigEntry]:
    return [DockerConfigEntry(key=k, has_credentials=True) for k in keys]


@pytest.mark.parametrize(("image", "keys", "want"), [
    pytest.param("nginx", ["docker.io"], ["docker.io"], id="docker-io-key-matches-hub"),
    pytest.param("nginx", ["https://index.docker.io/v1/"], ["https://index.docker.io/v1/"],
                 id="index-docker-io-fallback-for-hub"),
    pytest.param("nginx", ["registry-1.docker.io"], [], id="registry-1-docker-io-never-matches-hub"),
    pytest.param("nginx", ["https://registry-1.docker.io/v2/"], [], id="registry-1-url-never-matches-hub"),
    pytest.param("quay.io/a/b", ["index.docker.io"], [], id="hub-fallback-only-for-hub-images"),
    pytest.param("r.io/team/app", ["r.io/team"], ["r.io/team"], id="path-prefix"),
    pytest.param("r.io/teamfoo/app", ["r.io/team"], ["r.io/team"], id="path-prefix-has-no-segment-boundary"),
    pytest.param("r.io/other/app", ["r.io/team"], [], id="other-path"),
    pytest.param("a.example.com/app", ["*.example.com"], ["*.example.com"], id="glob-one-label"),
    pytest.param("example.com/app", ["*.example.com"], [], id="glob-needs-same-label-count"),
    pytest.param("a.b.example.com/app", ["*.example.com"], [], id="glob-never-spans-two-labels"),
    pytest.param("r.io:5000/app", ["r.io"], [], id="key-without-port-vs-image-with-port"),
    pytest.param("r.io/app", ["r.io:5000"], [], id="key-with-port-vs-image-without"),
    pytest.param("r.io:5000/app", ["https://r.io:5000/v2/"], ["https://r.io:5000/v2/"], id="same-port"),
    pytest.param("r.io/team/app", ["r.io", "r.io/team"], ["r.io/team", "r.io"], id="reverse-lexical-order"),
    pytest.param("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app",
                 ["*.dkr.ecr.*.amazonaws.com"], ["*.dkr.ecr.*.amazonaws.com"], id="ecr-style-globs"),
])
def test_matching_keys(image, keys, want):  # type: ignore[no-untyped-def]
    assert matching_keys(image, _e(*keys)) == want


@pytest.mark.parametrize(("host", "cloud"), [
    pytest.param("123456789012.dkr.ecr.us-east-1.amazonaws.com", True, id="ecr"),
    pytest.param("gcr.io", True, id="gcr"),
    pytest.param("europe-west2-docker.pkg.dev", True, id="artifact-registry"),
    pytest.param("myacr.azurecr.io", True, id="acr"),
    pytest.param("docker.io", False, id="hub"),
    pytest.param("registry.example.com", False, id="private"),
])
def test_node_credential_registries(host, cloud):  # type: ignore[no-untyped-def]
    assert (node_credential_registry(host) is not None) == cloud


def _secret(type_: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    import base64

    from podwhy.model.config import SecretWire
    from podwhy.model.meta import ObjectMeta

    enc = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    return SecretWire(metadata=ObjectMeta(name="regcred", namespace="default"), type=type_, data=enc).summarise()


@pytest.mark.parametrize(("type_", "data", "reason"), [
    pytest.param("Opaque", {".dockerconfigjson": '{"auths": {}}'},
                 "secret 'regcred' has type 'Opaque'; the kubelet only reads 'kubernetes.io/dockerconfigjson' and "
                 "'kubernetes.io/dockercfg' (it has the docker config key, but the type must match)",
                 id="opaque-with-the-right-key"),
    pytest.param("kubernetes.io/dockerconfigjson", {"config.json": "{}"},
                 "secret 'regcred' of type 'kubernetes.io/dockerconfigjson' has no '.dockerconfigjson' data key "
                 "(keys: config.json)", id="wrong-data-key"),
    pytest.param("kubernetes.io/dockerconfigjson", {".dockerconfigjson": "{not json"},
                 "secret 'regcred': .dockerconfigjson is not valid JSON (Expecting property name enclosed in double "
                 "quotes)", id="undecodable-json"),
    pytest.param("kubernetes.io/dockerconfigjson", {".dockerconfigjson": '{"auths": {"r.io": {"auth": "bm9jb2xvbg=="}}}'},
                 "secret 'regcred': .dockerconfigjson: an \"auth\" field does not decode to user:password",
                 id="auth-without-colon"),
    pytest.param("kubernetes.io/dockerconfigjson", {".dockerconfigjson": '{"auths": {"r.io": {"auth": "dTpw"}}}'},
                 None, id="valid"),
])
def test_secrets_the_kubelet_ignores(type_, data, reason):  # type: ignore[no-untyped-def]
    from podwhy.analyzers.imagepull.pullsecrets import invalid_reason

    assert invalid_reason(_secret(type_, data)) == reason


def test_matching_keys_takes_a_secrets_docker_entries():  # type: ignore[no-untyped-def]
    sec = _secret("kubernetes.io/dockerconfigjson",
                  {".dockerconfigjson": '{"auths": {"https://index.docker.io/v1/": {"auth": "dTpw"}, '
                                        '"quay.io": {"auth": "dTpw"}}}'})
    assert matching_keys("nginx:1", sec.docker_entries) == ["https://index.docker.io/v1/"]
    assert matching_keys("quay.io/a/b:1", sec.docker_entries) == ["quay.io"]
