"""The probe analyzer alone (pure): registry answers given as plain ProbeResults, no network.

The outcomes that need no real registry to produce (DNS, rate limits, 5xx, cloud registries, missing
secrets, ...) are asserted here; the real-registry ones in tests/registry/.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from podwhy.analyzers import Options
from podwhy.analyzers import probe as probe_analyzer
from podwhy.analyzers.probe.results import CredentialUse, ProbeResult, RateLimit, Step, probe_key
from podwhy.diagnose import diagnose

from helpers import NOW, snapshot_from_yaml

POD = """
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {{name: node-1, labels: {{kubernetes.io/os: linux, kubernetes.io/arch: amd64}}}}
- apiVersion: v1
  kind: ServiceAccount
  metadata: {{name: default, namespace: shop}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-1, namespace: shop, uid: uid-1}}
  spec:
    nodeName: node-1
    imagePullSecrets: {secrets}
    containers: [{{name: app, image: "{image}"}}]
  status:
    phase: Pending
    conditions: [{{type: PodScheduled, status: "True"}}]
    containerStatuses:
    - name: app
      image: "{image}"
      state: {{waiting: {{reason: ErrImagePull, message: "{message}"}}}}
"""


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    d = importlib.import_module("podwhy.diagnose")
    if not any(a.name == "probe" for a in d.ANALYZERS):
        names = [a.name for a in d.ANALYZERS]
        at = names.index("imagepull") + 1
        monkeypatch.setattr(d, "ANALYZERS", (*d.ANALYZERS[:at], probe_analyzer.ANALYZER, *d.ANALYZERS[at:]))


def result(image: str, outcome: str, **kw: Any) -> ProbeResult:
    host, _, rest = image.partition("/")
    repo, _, ref = rest.rpartition(":")
    api = "registry-1.docker.io" if host == "docker.io" else host
    return ProbeResult(image=image, registry=host, host=api, repository=repo, reference=ref,
                       outcome=outcome, **kw)  # type: ignore[arg-type]


def run(image: str, r: ProbeResult | None, *, message: str = "", secrets: str = "[]",
        key: str | None = None) -> list[dict[str, Any]]:
    snap = snapshot_from_yaml(POD.format(image=image, message=message, secrets=secrets))
    key_secrets = tuple(f"shop/{s.strip()}" for s in secrets.strip("[]").replace("{name:", "").replace("}", "")
                        .split(",") if s.strip())
    opts = Options(probe_results={key or probe_key(image, key_secrets): r} if r is not None else {})
    report = diagnose(snap, now=NOW, options=opts)
    import msgspec

    return [msgspec.to_builtins(f) for f in report.subjects[0].findings]


VANTAGE = "(seen from the machine running podwhy; the node's DNS, routes, proxy and trusted CAs may differ)"

CASES = [
    pytest.param(
        "registry.invalid/team/app:1.0",
        result("registry.invalid/team/app:1.0", "dns-failure", detail="cannot resolve registry.invalid: Name or "
               "service not known", steps=(Step("GET", "https://registry.invalid/v2/", None,
                                                note="cannot resolve registry.invalid"),)),
        "", "[]",
        {"code": "registry.dns-failure", "confidence": "likely",
         "cause": f"cannot resolve registry.invalid: Name or service not known {VANTAGE}.",
         "fix": {"summary": "Check the registry host name 'registry.invalid' in 'registry.invalid/team/app:1.0' "
                            "and the nodes' DNS."},
         "evidence_fields": ["GET /v2/"]},
        id="an event-less pull whose registry name does not resolve from here is a likely DNS failure"),
    pytest.param(
        "docker.io/library/nginx:1.27",
        result("docker.io/library/nginx:1.27", "rate-limited", status=429, error_code="TOOMANYREQUESTS",
               error_message="You have reached your pull rate limit.",
               rate_limit=RateLimit("100;w=21600", "0;w=21600", "203.0.113.7")),
        "", "[]",
        {"code": "registry.rate-limited", "confidence": "certain",
         "cause": "registry-1.docker.io refuses with 429 TOOMANYREQUESTS: pull rate limit reached. You have reached "
                  "your pull rate limit.",
         "fix": {"summary": "Authenticate pulls with a pull secret (higher limits), use a mirror or pull-through "
                            "cache, or wait for the window in the ratelimit headers to reset."},
         "evidence_fields": ["ratelimit headers"]},
        id="Docker Hub's 429 is a certain rate limit with its ratelimit headers quoted"),
    pytest.param(
        "r.example.com/team/app:1.0",
        result("r.example.com/team/app:1.0", "server-error", status=503),
        "", "[]",
        {"code": "registry.server-error", "confidence": "certain",
         "cause": "r.example.com answered 503 Service Unavailable.",
         "fix": {"summary": "Check the registry r.example.com (status page, logs); retry later."},
         "evidence_fields": []},
        id="a 5xx from the registry"),
    pytest.param(
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0",
        result("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0", "auth-required", status=401,
               error_code="UNAUTHORIZED", cloud_provider="Amazon ECR (node IAM role / ecr-credential-provider)"),
        "", "[]",
        {"code": "registry.auth-failed", "confidence": "possible",
         "cause": "123456789012.dkr.ecr.eu-west-1.amazonaws.com requires authentication (401 UNAUTHORIZED) and the "
                  "pod has no pull secret for it. Amazon ECR (node IAM role / ecr-credential-provider) usually "
                  "authenticates the node itself, which this probe cannot do. Check the node's credential provider / "
                  "IAM permissions.",
         "fix": {"summary": "Check the node's registry credentials (credential provider, instance role) or add a pull "
                            "secret."},
         "evidence_fields": []},
        id="a cloud registry's 401 to the probe says nothing certain about the node's own credentials"),
    pytest.param(
        "r.example.com/team/app:1.0",
        result("r.example.com/team/app:1.0", "auth-required", status=401, error_code="UNAUTHORIZED",
               pull_secrets=("shop/regcred",), missing_secrets=("shop/regcred: not found",)),
        "", "[{name: regcred}]",
        {"code": "secret.pull-secret-missing", "confidence": "certain",
         "cause": "r.example.com requires authentication (401 UNAUTHORIZED) and the pull secret shop/regcred does not "
                  "exist, so the kubelet pulled without credentials.",
         "fix": {"summary": "Create the secret 'regcred' in namespace shop.",
                 "commands": ["kubectl create secret docker-registry regcred -n shop --docker-server=r.example.com "
                              "--docker-username=<user> --docker-password=<password>"]},
         "evidence_fields": ["(read at probe time)"]},
        id="a registry that needs credentials and a pull secret that does not exist"),
    pytest.param(
        "r.example.com/team/app:1.0",
        result("r.example.com/team/app:1.0", "access-denied", status=403, error_code="DENIED", auth="bearer",
               pull_secrets=("shop/regcred",), credentials=(CredentialUse("shop/regcred", "r.example.com", "rejected"),)),
        "", "[{name: regcred}]",
        {"code": "registry.auth-failed", "confidence": "likely",
         "cause": "r.example.com accepted the login from secret shop/regcred (key 'r.example.com') but refused pull "
                  "access to team/app (403 DENIED); either that account may not read the repository or the "
                  "repository does not exist (the registry answers both alike).",
         "fix": {"summary": "Grant the account pull access to r.example.com/team/app, or use credentials that have "
                            "it; check that r.example.com/team/app exists."},
         "evidence_fields": [".data[.dockerconfigjson].auths['r.example.com']"]},
        id="credentials accepted but no pull access to the repository"),
    pytest.param(
        "docker.io/someorg/private:1.0",
        result("docker.io/someorg/private:1.0", "auth-required", status=401, error_code="UNAUTHORIZED", auth="bearer",
               challenge='Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
                         'scope="repository:someorg/private:pull",error="insufficient_scope"'),
        "", "[]",
        {"code": "image.not-found-or-unauthorized", "confidence": "certain",
         "cause": "registry-1.docker.io gave an anonymous token without pull access to someorg/private (401 "
                  "UNAUTHORIZED, error=\"insufficient_scope\"): the repository is private or does not exist, and "
                  "this registry answers both alike. The pod has no pull secret. To settle it, check the name (and "
                  "that the repository exists) with an account that can see it; if it is private, add a pull secret.",
         "fix": {"summary": "Check that docker.io/someorg/private exists; if it is private, give the pod a pull secret "
                            "for https://index.docker.io/v1/.",
                 "commands": ["kubectl create secret docker-registry regcred -n shop "
                              "--docker-server=https://index.docker.io/v1/ --docker-username=<user> "
                              "--docker-password=<password>",
                              "kubectl patch serviceaccount default -n shop "
                              "-p '{\"imagePullSecrets\":[{\"name\":\"regcred\"}]}'"]},
         "evidence_fields": []},
        id="Docker Hub's anonymous insufficient_scope stays ambiguous and says what would settle it"),
]


@pytest.mark.parametrize(("image", "r", "message", "secrets", "want"), CASES)
def test_probe_verdicts(image: str, r: ProbeResult, message: str, secrets: str, want: dict[str, Any]) -> None:
    f = run(image, r, message=message, secrets=secrets)[0]
    fields = [e["field"] for e in f.get("evidence", [])]
    assert (f["code"], f["confidence"], f["cause"], f["fix"], f["container"]) == (
        want["code"], want["confidence"], want["cause"], want["fix"], "app")
    assert all(x in fields for x in want["evidence_fields"]), fields
    assert f["details"]["registryProbe"]["outcome"] == r.outcome


def test_no_probe_results_changes_nothing() -> None:
    image = "r.example.com/team/app:nope"
    msg = f"failed to pull and unpack image \\\"{image}\\\": failed to resolve reference \\\"{image}\\\": {image}: not found"
    other = "r.example.com/team/app:other"
    assert run(image, None, message=msg) == run(image, result(other, "found"), message=msg, key=other)


def test_a_network_failure_from_here_does_not_override_what_the_node_saw() -> None:
    image = "r.example.com/team/app:nope"
    msg = (f"rpc error: code = NotFound desc = failed to pull and unpack image \\\"{image}\\\": failed to resolve "
           f"reference \\\"{image}\\\": {image}: not found")
    r = result(image, "unreachable", detail="connection to r.example.com refused")
    plain = run(image, None, message=msg)
    probed = run(image, r, message=msg)
    assert [f["code"] for f in probed] == [f["code"] for f in plain]
    assert probed[0]["confidence"] == plain[0]["confidence"]
    note = next(e for e in probed[0]["evidence"] if e["field"] == "registry probe")
    assert note == {"ref": "Registry/r.example.com/team/app", "field": "registry probe",
                    "observed": f"could not check from here: connection to r.example.com refused {VANTAGE}"}
