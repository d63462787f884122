"""R(pod) of semantics A2.6 and the API's request defaulting (pkg/apis/core/v1/defaults.go, v1.35)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from podwhy.analyzers.resources import container_requests, pod_requests, pod_requests_shared
from podwhy.model import PodSpec

GI = 2**30


def spec(containers: list[dict[str, Any]], **extra: Any) -> PodSpec:
    body = {"containers": [{"name": f"c{i}", **c} for i, c in enumerate(containers)], **extra}
    return msgspec.convert(body, PodSpec)


def res(requests: dict[str, str] | None = None, limits: dict[str, str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if requests is not None:
        out["requests"] = requests
    if limits is not None:
        out["limits"] = limits
    return {"resources": out}


CASES = [
    pytest.param(spec([res({"cpu": "500m", "memory": "1Gi"})]), {"cpu": 500, "memory": GI}, id="requests"),
    pytest.param(spec([res(None, {"cpu": "1", "memory": "2Gi"})]), {"cpu": 1000, "memory": 2 * GI},
                 id="limits-only-become-requests"),
    pytest.param(spec([res({"cpu": "100m"}, {"cpu": "200m", "memory": "1Gi"})]), {"cpu": 100, "memory": GI},
                 id="a-limit-without-its-request-defaults-that-resource-only"),
    pytest.param(spec([res({"cpu": "100m", "memory": "512Mi"}, {"memory": "1Gi"})]),
                 {"cpu": 100, "memory": 512 * 2**20}, id="explicit-request-wins-over-limit"),
    pytest.param(spec([res({"cpu": "1"}), res({"cpu": "250m", "memory": "1Gi"})]), {"cpu": 1250, "memory": GI},
                 id="containers-summed"),
    pytest.param(spec([res({"cpu": "1"})], initContainers=[{"name": "i", **res({"cpu": "2"})}]), {"cpu": 2000},
                 id="init-container-max"),
    pytest.param(spec([res({"cpu": "1"})], initContainers=[{"name": "s", "restartPolicy": "Always",
                                                            **res({"cpu": "500m"})}]), {"cpu": 1500},
                 id="sidecar-added"),
    pytest.param(spec([res({"cpu": "1"})], overhead={"cpu": "100m"}), {"cpu": 1100}, id="overhead-added"),
    pytest.param(spec([res({"cpu": "1", "memory": "1Gi"})], resources={"requests": {"cpu": "3"}}),
                 {"cpu": 3000, "memory": GI}, id="pod-level-cpu-replaces-aggregate"),
    pytest.param(spec([{}]), {}, id="best-effort"),
]


@pytest.mark.parametrize(("pod_spec", "want"), CASES)
def test_pod_requests(pod_spec: PodSpec, want: dict[str, int]) -> None:
    assert pod_requests(pod_spec) == want
    # the shared (read-only, memoised) variant the scheduler cache uses agrees with it
    assert pod_requests_shared(pod_spec) == want


def test_memoised_requests_are_not_corrupted_by_callers() -> None:
    s = spec([res({"cpu": "700m"})])
    got = pod_requests(s)
    got["cpu"] = 1
    assert pod_requests(s) == {"cpu": 700}
    assert container_requests(s.containers[0]) == {"cpu": 700}
