"""The registry harness on its own (what the registry-probe work builds on): real docker-registry answers,
deterministic images, and the kubelet's rendering of CRI errors."""

from __future__ import annotations

import json

import pytest

from .harness import binaries, oci
from .harness.kubelet import kubelet_forms
from .harness.registry import Registry
from .scenarios import PullEnv

pytestmark = pytest.mark.realparts


def test_images_are_deterministic() -> None:
    busybox = binaries.busybox_static()
    first = [(i.repository, i.tag, i.digest) for i in oci.standard_images(busybox)]
    second = [(i.repository, i.tag, i.digest) for i in oci.standard_images(busybox)]
    assert first == second
    assert [(r, t) for r, t, _ in first] == [
        ("probe/hello", "v1"),
        ("probe/hello", "multi"),
        ("probe/hello", "arm64only"),
        ("probe/hello", "docker-v1"),
        ("probe/hello", "docker-list"),
        ("probe/pause", "pause"),
    ]


@pytest.mark.parametrize(
    ("which", "credentials", "status"),
    [
        pytest.param("plain", False, 200, id="plain-registry-answers-v2-without-credentials"),
        pytest.param("auth", False, 401, id="auth-registry-rejects-v2-without-credentials"),
        pytest.param("auth", True, 200, id="auth-registry-accepts-v2-with-credentials"),
    ],
)
def test_registry_v2_endpoint(which: str, credentials: bool, status: int, pull_env: PullEnv) -> None:
    registry: Registry = getattr(pull_env, which)
    got, headers, _ = registry.client(with_credentials=credentials).request("GET", "/v2/")
    assert got == status
    assert headers["docker-distribution-api-version"] == "registry/2.0"
    if status == 401:
        assert headers["www-authenticate"] == 'Basic realm="probe-realm"'


@pytest.mark.parametrize(
    ("target", "status", "error_code"),
    [
        pytest.param(
            "/v2/probe/hello/manifests/nope", 404, "MANIFEST_UNKNOWN", id="missing-tag-is-manifest-unknown"
        ),
        # distribution 2.8 does not say NAME_UNKNOWN for a manifest of a missing repository (test-infra.md).
        pytest.param(
            "/v2/nope/none/manifests/v1",
            404,
            "MANIFEST_UNKNOWN",
            id="missing-repo-manifest-is-manifest-unknown",
        ),
        pytest.param("/v2/nope/none/tags/list", 404, "NAME_UNKNOWN", id="missing-repo-tags-is-name-unknown"),
    ],
)
def test_registry_not_found_bodies(target: str, status: int, error_code: str, pull_env: PullEnv) -> None:
    got, _, body = pull_env.plain.client().request("GET", target, headers={"Accept": oci.ACCEPT_ALL})
    assert got == status
    assert json.loads(body)["errors"][0]["code"] == error_code


@pytest.mark.parametrize("which", ["plain", "auth"])
def test_every_pushed_ref_resolves(which: str, pull_env: PullEnv) -> None:
    registry: Registry = getattr(pull_env, which)
    client = registry.client()
    for image in registry.images.values():
        assert client.manifest_status(image.repository, image.tag) == 200
        assert client.manifest_status(image.repository, image.digest) == 200


@pytest.mark.parametrize(
    ("err", "expected"),
    [
        pytest.param(
            'rpc error: code = Unknown desc = failed to pull and unpack image "r.io/a:1": boom',
            {
                "event-kubelet-1.27": 'Failed to pull image "r.io/a:1": rpc error: code = Unknown desc = failed to pull and unpack image "r.io/a:1": boom',
                "event-kubelet-1.28": 'Failed to pull image "r.io/a:1": failed to pull and unpack image "r.io/a:1": boom',
                "waiting-kubelet-1.28": 'failed to pull and unpack image "r.io/a:1": boom',
                "backoff-kubelet-1.32": 'Back-off pulling image "r.io/a:1": ErrImagePull: failed to pull and unpack image "r.io/a:1": boom',
            },
            id="unknown-code-loses-its-prefix-from-kubelet-1.28",
        ),
        pytest.param(
            "rpc error: code = NotFound desc = x: not found",
            {
                "event-kubelet-1.27": 'Failed to pull image "r.io/a:1": rpc error: code = NotFound desc = x: not found',
                "event-kubelet-1.28": 'Failed to pull image "r.io/a:1": rpc error: code = NotFound desc = x: not found',
                "waiting-kubelet-1.28": "rpc error: code = NotFound desc = x: not found",
                "backoff-kubelet-1.32": 'Back-off pulling image "r.io/a:1": ErrImagePull: rpc error: code = NotFound desc = x: not found',
            },
            id="not-found-code-keeps-its-prefix-on-every-kubelet",
        ),
    ],
)
def test_kubelet_renders_cri_errors(err: str, expected: dict[str, str]) -> None:
    assert kubelet_forms("r.io/a:1", err) == expected
