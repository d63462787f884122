"""End to end: `podwhy scan --from <snapshot> --probe-registry ... -o json` against the real loopback registries.

An ambiguous or event-less pull failure becomes a `certain` finding that quotes the registry's answer,
real tags are suggested, and credentials reach only the host they belong to (asserted on the registry's
own log and on the token server's log) and never the output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from registry.clusters import cluster, docker_secret, stuck_pod
from registry.conftest import Registries

from helpers import run_cli

SECRET_VALUES = ("tokenpass", "probepass", "wrong-password")


@dataclass
class Case:
    build: Any  # (Registries) -> (snapshot yaml, extra CLI args)
    code: str
    confidence: str
    cause: str  # formatted with tok/basic/plain/realm
    evidence: list[tuple[str, str, str]]  # (ref, field, observed) the finding must contain, in order
    # None: the image-pull analyzer's fix for the same code is kept (it has commands, the probe's has none).
    fix_summary: str | None
    fix_commands: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # selected keys of details
    no_auth_at: tuple[str, ...] = ()  # "token-server", "token-registry", "basic-registry"


def _hosts(r: Registries) -> dict[str, str]:
    return {"tok": r.token.host, "basic": r.basic.host, "plain": r.plain.host,
            "realm": r.tokens.realm.split("/")[2]}


WAIT = ".status.containerStatuses[?(@.name=='app')].state.waiting"
TOKEN_Q = "GET /token?scope=repository%3A{repo}%3Apull&service=podwhy-test-registry [http]"
PULL_DENIED = ('Failed to pull image "{img}": failed to pull and unpack image "{img}": failed to resolve reference '
               '"{img}": pull access denied, repository does not exist or may require authorization: server message: '
               'insufficient_scope: authorization failed')

CASES = [
    pytest.param(Case(
        build=lambda r: (cluster(stuck_pod(f"{r.token.host}/probe/hello:v2", secrets=("regcred",)),
                                 docker_secret("regcred", {r.token.host: ("tokenuser", "tokenpass")})), []),
        code="image.tag-not-found", confidence="certain",
        cause="The tag 'v2' does not exist in {tok}/probe/hello: the registry answered 404 MANIFEST_UNKNOWN and "
              "lists 5 tag(s) for the repository. Nearest existing: v1, docker-v1, arm64only.",
        evidence=[
            ("Pod/shop/web-1", WAIT, 'ImagePullBackOff: Back-off pulling image "{tok}/probe/hello:v2"'),
            ("Registry/{tok}/probe/hello", "GET /v2/",
             '401 Unauthorized (Bearer realm="http://{realm}/token",service="podwhy-test-registry")'),
            ("Registry/{realm}", TOKEN_Q.format(repo="probe%2Fhello"), "200 OK (token request with credentials)"),
            ("Registry/{tok}/probe/hello", "HEAD /v2/probe/hello/manifests/v2", "404 Not Found"),
            ("Registry/{tok}/probe/hello", "GET /v2/probe/hello/manifests/v2",
             "404 Not Found: MANIFEST_UNKNOWN manifest unknown (for the error code)"),
            ("Registry/{tok}/probe/hello", "GET /v2/probe/hello/tags/list?n=1000", "200 OK (5 tags)"),
            ("Registry/{tok}/probe/hello", "tags", "v1, multi, docker-v1, arm64only, docker-list"),
            ("Secret/shop/regcred", ".data[.dockerconfigjson].auths['{tok}']",
             "credentials accepted by the registry (values not shown)"),
        ],
        fix_summary="Use a tag that exists, e.g. '{tok}/probe/hello:v1' (nearest to 'v2'), or push 'v2'.",
        fix_commands=["kubectl patch pod web-1 -n shop --type=json -p "
                      "'[{{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"{tok}/probe/hello:v1\"}}]'"],
        details={"suggestedTags": ["v1", "docker-v1", "arm64only"]},
        no_auth_at=("token-registry",)),
        id="an event-less back-off becomes a certain missing tag with the registry's real tags suggested"),
    pytest.param(Case(
        build=lambda r: (cluster(stuck_pod(f"{r.token.host}/nope/none:v1", secrets=("regcred",),
                                           event=PULL_DENIED.format(img=f"{r.token.host}/nope/none:v1")),
                                 docker_secret("regcred", {r.token.host: ("tokenuser", "tokenpass")})), []),
        code="image.repository-not-found", confidence="certain",
        cause="The repository {tok}/nope/none does not exist: the registry answered 404 MANIFEST_UNKNOWN to the "
              "manifest and NAME_UNKNOWN to the tag list (asked with a Bearer token from the pod's pull secret).",
        evidence=[
            ("Event/shop/web-1.pull", ".message [Failed (x3, last 2026-11-20T09:59:00Z)]",
             PULL_DENIED.format(img="{tok}/nope/none:v1")),
            ("Registry/{tok}/nope/none", "GET /v2/nope/none/tags/list?n=1000",
             "404 Not Found: NAME_UNKNOWN repository name not known to registry"),
        ],
        fix_summary="Correct the repository name in '{tok}/nope/none:v1' or push the image to {tok}/nope/none.",
        details={"overturned": ["image.not-found-or-unauthorized"]},
        no_auth_at=("token-registry",)),
        id="the ambiguous pull-access-denied message is overturned into a missing repository"),
    pytest.param(Case(
        build=lambda r: (cluster(stuck_pod(f"{r.basic.host}/probe/hello:v1", secrets=("regcred",)),
                                 docker_secret("regcred", {r.basic.host: ("probeuser", "wrong-password")})), []),
        code="registry.auth-failed", confidence="certain",
        cause="{basic} rejected the credentials from secret shop/regcred (key '{basic}'): 401 authentication required.",
        evidence=[
            ("Registry/{basic}/probe/hello", "HEAD /v2/probe/hello/manifests/v1",
             '401 Unauthorized (Basic realm="probe-realm")'),
            ("Secret/shop/regcred", ".data[.dockerconfigjson].auths['{basic}']",
             "credentials rejected by the registry (values not shown)"),
        ],
        fix_summary="Renew the credentials in secret 'regcred' for {basic}.",
        fix_commands=["kubectl create secret docker-registry regcred -n shop --docker-server={basic} "
                      "--docker-username=<user> --docker-password=<password> --dry-run=client -o yaml | "
                      "kubectl apply -f -"]),
        id="a wrong password in the pull secret is a certain auth failure"),
    pytest.param(Case(
        build=lambda r: (cluster(stuck_pod(f"{r.basic.host}/probe/hello:v1")), []),
        code="secret.no-pull-secret", confidence="certain",
        cause="{basic} requires authentication for every request (401 UNAUTHORIZED) and the pod has no pull secret "
              "(neither on the pod nor on its ServiceAccount).",
        evidence=[("Registry/{basic}/probe/hello", "GET /v2/probe/hello/manifests/v1",
                   "401 Unauthorized: UNAUTHORIZED authentication required (for the error code)")],
        fix_summary="Create a docker-registry secret for {basic} and attach it to the pod's ServiceAccount (or the "
                    "pod's imagePullSecrets).",
        fix_commands=["kubectl create secret docker-registry regcred -n shop --docker-server={basic} "
                      "--docker-username=<user> --docker-password=<password>",
                      "kubectl patch serviceaccount default -n shop -p '{{\"imagePullSecrets\":[{{\"name\":\"regcred\"}}]}}'"],
        no_auth_at=("basic-registry",)),
        id="a registry that wants credentials from a pod without pull secrets"),
    pytest.param(Case(
        build=lambda r: (cluster(stuck_pod(
            f"{r.plain.host}/probe/hello:arm64only", reason="ErrImagePull",
            message=f'failed to pull and unpack image "{r.plain.host}/probe/hello:arm64only": no match for '
                    'platform in manifest: not found')), ["--insecure-registry", r.plain.host]),
        code="image.platform-mismatch", confidence="certain",
        cause="{plain}/probe/hello:arm64only is an index with builds for linux/arm64 only; the node needs "
              "linux/amd64 (registry answer, digest {digest}).",
        evidence=[("Node/node-1", ".metadata.labels[kubernetes.io/os,kubernetes.io/arch]", "linux/amd64")],
        fix_summary=None,
        details={"platforms": ["linux/arm64"], "nodePlatforms": ["linux/amd64"]}),
        id="an index without the node's platform lists the platforms that exist"),
    pytest.param(Case(
        build=lambda r: (cluster(stuck_pod(f"{r.token.host}/probe/hello:v1", secrets=("regcred",)),
                                 docker_secret("regcred", {r.basic.host: ("tokenuser", "tokenpass")})), []),
        code="secret.pull-secret-host-mismatch", confidence="likely",
        cause="{tok} requires authentication (401 UNAUTHORIZED), but none of the pod's pull secrets (shop/regcred) "
              "has a key that matches {tok}/probe/hello under the kubelet's rules, so no credentials were sent "
              "(needs a key for '{tok}'). (The registry gives the same answer for a repository that does not exist.)",
        evidence=[("Registry/{realm}", TOKEN_Q.format(repo="probe%2Fhello"),
                   "200 OK (token request without credentials)")],
        fix_summary=None,
        no_auth_at=("token-server", "token-registry")),
        id="credentials for another host are never sent to this registry or its token service"),
    pytest.param(Case(
        build=lambda r: (cluster(stuck_pod(f"{r.basic.host}/probe/hello:v1", secrets=("regcred",)),
                                 docker_secret("regcred", {r.token.host: ("probeuser", "probepass")})), []),
        code="secret.pull-secret-host-mismatch", confidence="certain",
        cause="{basic} requires authentication (401 UNAUTHORIZED), but none of the pod's pull secrets (shop/regcred) "
              "has a key that matches {basic}/probe/hello under the kubelet's rules, so no credentials were sent "
              "(needs a key for '{basic}').",
        evidence=[("Registry/{basic}/probe/hello", "GET /v2/", '401 Unauthorized (Basic realm="probe-realm")')],
        fix_summary=None,
        no_auth_at=("basic-registry",)),
        id="valid credentials keyed for another host never reach an htpasswd registry"),
    pytest.param(Case(
        build=lambda r: (cluster(stuck_pod(
            f"{r.plain.host}/probe/hello:v1", reason="ErrImagePull",
            message=f'failed to pull and unpack image "{r.plain.host}/probe/hello:v1": failed to resolve reference '
                    f'"{r.plain.host}/probe/hello:v1": failed to do request: Head "https://{r.plain.host}/v2/probe/'
                    'hello/manifests/v1": http: server gave HTTP response to HTTPS client')), []),
        code="registry.http-https-mismatch", confidence="certain",
        cause="{plain} serves plain HTTP, not HTTPS (TLS handshake with {plain} failed: WRONG_VERSION_NUMBER; GET "
              "http://{plain}/v2/ answered 200) (the node reported the same).",
        evidence=[("Registry/{plain}/probe/hello", "GET /v2/",
                   "no HTTP answer (TLS handshake with {plain} failed: WRONG_VERSION_NUMBER)")],
        fix_summary="{plain} serves plain HTTP: serve TLS, or configure the runtime for it (containerd hosts.toml "
                    "`server = \"http://{plain}\"`; CRI-O registries.conf `insecure = true`). For this probe: "
                    "--insecure-registry {plain}.",
        # The image-pull analyzer's command (read the node's runtime config) is kept with the probe's summary.
        fix_commands=("kubectl debug node/node-1 -it --image=busybox -- cat /host/etc/containerd/certs.d/{plain}/hosts.toml",)),
        id="HTTPS to a plain-HTTP registry is confirmed from here and by the node"),
]


def _auth_seen(r: Registries, where: str) -> list[str]:
    if where == "token-server":
        return [f"token request with Authorization ({req.user})" for req in r.tokens.snapshot() if req.had_authorization]
    log = r.log(r.token if where == "token-registry" else r.basic)
    bad = ("malformed token", "error authenticating user", "auth.user.name=probeuser")
    return [line[:200] for line in log.splitlines() if any(b in line for b in bad)]


@pytest.mark.parametrize("case", CASES)
def test_scan_with_probe(registries: Registries, tmp_path: Path, case: Case) -> None:
    text, extra = case.build(registries)
    snap = tmp_path / "cluster.yaml"
    snap.write_text(text)
    before = {w: len(_auth_seen(registries, w)) for w in case.no_auth_at}
    registries.tokens.clear()
    code, out, err = run_cli("scan", "--from", str(snap), "--probe-registry", "--registry-ca",
                             str(registries.tls.cert), "--now", "2026-11-20T10:00:00Z", "-o", "json", *extra)
    assert (code, err) == (1, "")
    for secret in SECRET_VALUES:
        assert secret not in out
    doc = json.loads(out)
    findings = [f for s in doc["subjects"] for f in s["findings"]]
    f = findings[0]
    h = _hosts(registries)
    h["digest"] = f.get("details", {}).get("registryProbe", {}).get("digest", "")
    assert (f["code"], f["confidence"], f["container"]) == (case.code, case.confidence, "app")
    assert f["cause"] == case.cause.format(**h)
    if case.fix_summary is not None:
        assert f["fix"]["summary"] == case.fix_summary.format(**h)
        assert f["fix"].get("commands", []) == [c.format(**h) for c in case.fix_commands]
    got = [(e["ref"], e["field"], e["observed"]) for e in f["evidence"]]
    want = [(a.format(**h), b.format(**h), c.format(**h)) for a, b, c in case.evidence]
    it = iter(got)
    assert all(any(w == g for g in it) for w in want), got
    for key, value in case.details.items():
        assert f["details"][key] == value
    assert [x["code"] for x in findings[1:]] == []  # the probe's finding replaced the event-based guesses
    for where in case.no_auth_at:
        assert len(_auth_seen(registries, where)) == before.get(where, 0) if where != "token-server" else \
            _auth_seen(registries, where) == []


def test_stale_not_found_event_is_weakened_when_the_tag_exists(registries: Registries, tmp_path: Path) -> None:
    img = f"{registries.plain.host}/probe/hello:v1"
    text = cluster(stuck_pod(img, reason="ErrImagePull", event=(
        f'Failed to pull image "{img}": rpc error: code = NotFound desc = failed to pull and unpack image "{img}": '
        f'failed to resolve reference "{img}": {img}: not found')))
    snap = tmp_path / "cluster.yaml"
    snap.write_text(text)
    _, out, _ = run_cli("scan", "--from", str(snap), "--probe-registry", "--insecure-registry",
                           registries.plain.host, "-o", "json")
    f = json.loads(out)["subjects"][0]["findings"][0]
    assert (f["code"], f["confidence"]) == ("image.tag-not-found", "possible")
    note = next(e for e in f["evidence"] if e["field"] == "registry probe")
    assert note["observed"].startswith("the image exists now (sha256:") and "credentials (anonymous)" in note["observed"]
