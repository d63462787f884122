"""Planning (one request sequence per distinct image and credentials), Docker Hub host mapping, progress,
HEAD 405 -> GET, rate-limit headers, and the CLI's handling of probe options."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from podwhy.analyzers import Options
from podwhy.diagnose import Selection, select_works
from podwhy.registry import ProbeConfig, TransportConfig, probe_works
from podwhy.registry.distribution import Target, probe_target
from podwhy.registry.orchestrate import plan
from podwhy.registry.transport import Clients
from registry.clusters import cluster, stuck_pod
from registry.conftest import Registries
from registry.test_distribution import target
from registry.test_redirects import Recorder

from helpers import NOW, run_cli, snapshot_from_yaml


def _works(text: str) -> tuple[object, list[object]]:
    snap = snapshot_from_yaml(text)
    works, _ = select_works(snap, Selection(), NOW, Options())
    return snap, list(works)


def test_plan_maps_docker_hub_and_deduplicates() -> None:
    text = cluster(
        stuck_pod("nginx:1.27", name="a"), stuck_pod("docker.io/library/nginx:1.27", name="b"),
        stuck_pod("nginx:1.27", name="c", secrets=("hub",)),
        stuck_pod("nginx", name="d", reason="ErrImagePull",
                  message='failed to pull and unpack image "docker.io/library/nginx:latest": no match for platform '
                          'in manifest: not found'),
        stuck_pod("quay.io/team/app@sha256:" + "1" * 64, name="e"),
    )
    snap, works = _works(text)
    jobs = plan(snap, works)  # type: ignore[arg-type]
    assert {k: (j.target, j.pull_secrets) for k, j in jobs.items()} == {
        "docker.io/library/nginx:1.27": (Target(
            image="docker.io/library/nginx:1.27", registry="docker.io", host="registry-1.docker.io",
            repository="library/nginx", reference="1.27", want_platforms=False), ()),
        "docker.io/library/nginx:1.27 secrets=shop/hub": (Target(
            image="docker.io/library/nginx:1.27", registry="docker.io", host="registry-1.docker.io",
            repository="library/nginx", reference="1.27", want_platforms=False), ("shop/hub",)),
        "docker.io/library/nginx:latest": (Target(
            image="docker.io/library/nginx:latest", registry="docker.io", host="registry-1.docker.io",
            repository="library/nginx", reference="latest", want_platforms=True), ()),
        "quay.io/team/app@sha256:" + "1" * 64: (Target(
            image="quay.io/team/app@sha256:" + "1" * 64, registry="quay.io", host="quay.io", repository="team/app",
            reference="sha256:" + "1" * 64, want_platforms=True), ()),
    }


def test_one_request_sequence_per_distinct_image_with_progress(registries: Registries) -> None:
    front = registries.paging
    text = cluster(*(stuck_pod(f"{front.host}/probe/hello:{tag}", name=f"p{i}")
                     for i, tag in enumerate(["v1", "v1", "nope", "v1"])))
    snap, works = _works(text)
    before = len(front.requests)
    progress = io.StringIO()
    results = probe_works(snap, works, source=None,  # type: ignore[arg-type]
                          config=ProbeConfig(TransportConfig(insecure=(front.host,), trust_env=False), concurrency=2),
                          progress=progress)
    assert {k: r.outcome for k, r in results.items()} == {f"{front.host}/probe/hello:v1": "found",
                                                          f"{front.host}/probe/hello:nope": "tag-not-found"}
    heads = [p for m, p, _ in front.requests[before:] if m == "HEAD"]
    assert sorted(heads) == ["/v2/probe/hello/manifests/nope", "/v2/probe/hello/manifests/v1"]
    assert progress.getvalue() == "\rpodwhy: probing registries 1/2\rpodwhy: probing registries 2/2\n"


def test_head_not_allowed_falls_back_to_get_and_rate_limit_headers_are_kept() -> None:
    def handler(method: str, path: str, auth: str | None) -> tuple[int, dict[str, str], bytes]:
        if path == "/v2/":
            return 200, {}, b"{}"
        if method == "HEAD":
            return 405, {}, b""
        body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json"}).encode()
        return 200, {"Content-Type": "application/vnd.oci.image.manifest.v1+json",
                     "Docker-Content-Digest": "sha256:" + "c" * 64, "ratelimit-limit": "100;w=21600",
                     "ratelimit-remaining": "97;w=21600", "docker-ratelimit-source": "203.0.113.7"}, body

    rec = Recorder(handler)
    clients = Clients(TransportConfig(insecure=(f"http://{rec.host}",), trust_env=False))
    try:
        r = probe_target(clients, target(f"{rec.host}/team/app:1.0"), [])
    finally:
        clients.close()
        rec.close()
    assert (r.outcome, r.digest, r.rate_limit) == ("found", "sha256:" + "c" * 64, r.rate_limit)
    assert r.rate_limit is not None and (r.rate_limit.limit, r.rate_limit.remaining, r.rate_limit.source) == (
        "100;w=21600", "97;w=21600", "203.0.113.7")
    assert [(s.method, s.status, s.note) for s in r.steps] == [
        ("GET", 200, ""), ("HEAD", 405, ""), ("GET", 200, "HEAD not allowed: GET instead")]


def test_unreadable_registry_ca_is_a_usage_error(tmp_path: Path) -> None:
    snap = tmp_path / "c.yaml"
    snap.write_text(cluster(stuck_pod("r.invalid/team/app:1.0")))
    bad = tmp_path / "not-a-cert.pem"
    bad.write_text("nonsense")
    code, out, err = run_cli("scan", "--from", str(snap), "--probe-registry", "--registry-ca", str(bad))
    assert (code, out) == (2, "")
    assert err == f"podwhy: --registry-ca {bad}: cannot load a CA certificate from it (SSLError)\n"


def test_pod_command_probes_only_that_pod(registries: Registries, tmp_path: Path) -> None:
    front = registries.paging
    snap = tmp_path / "c.yaml"
    snap.write_text(cluster(stuck_pod(f"{front.host}/probe/hello:onlythis", name="one"),
                            stuck_pod(f"{front.host}/probe/hello:notthis", name="two")))
    before = len(front.requests)
    code, out, _ = run_cli("pod", "one", "-n", "shop", "--from", str(snap), "--probe-registry",
                           "--insecure-registry", front.host, "-o", "json")
    assert code == 1
    heads = [p for m, p, _ in front.requests[before:] if m == "HEAD"]
    assert heads == ["/v2/probe/hello/manifests/onlythis"]
    f = json.loads(out)["subjects"][0]["findings"][0]
    assert (f["code"], f["confidence"]) == ("image.tag-not-found", "certain")


@pytest.mark.parametrize("output", ["text", "markdown"])
def test_probe_findings_render(registries: Registries, tmp_path: Path, output: str) -> None:
    front = registries.paging
    snap = tmp_path / "c.yaml"
    snap.write_text(cluster(stuck_pod(f"{front.host}/probe/many:1.3")))
    code, out, _ = run_cli("scan", "--from", str(snap), "--probe-registry", "--insecure-registry", front.host,
                           "-o", output, "--no-color")
    assert code == 1
    assert "image.tag-not-found" in out and "1.3.0" in out
