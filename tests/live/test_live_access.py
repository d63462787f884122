"""Who podwhy is on the cluster: kubeconfig rules, contexts, exec plugins, in-cluster, TLS, partial RBAC,
and exit code 3 (with a message that says what to fix) when the cluster cannot be reached or refuses us."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .apiserver import FakeAPIServer, Pki, Rules, write_kubeconfig
from .harness import exec_plugin, free_port, run, runs_of
from .test_live_lists import ALL, NOW, TEAM_A, TEAM_B

Serve = Callable[..., FakeAPIServer]


CLUSTER_SCOPED_FORBIDDEN = [
    "nodes: forbidden, scheduling recomputation skipped",
    "namespaces: forbidden, namespaceSelector terms cannot be evaluated",
    "persistentvolumes: forbidden, PV matching and zone checks skipped",
    "storageclasses: forbidden, StorageClass checks skipped",
    "csinodes: forbidden, CSI volume limits unchecked",
    "csidrivers: forbidden, CSI driver registration unchecked",
    "priorityclasses: forbidden, preemption analysis uses pod priority only",
    "runtimeclasses: forbidden, not checked",
    '8 lists were forbidden by the cluster\'s RBAC, e.g.: nodes is forbidden: User "jane" cannot list resource '
    '"nodes" in API group "" at the cluster scope',
]
PODS_OF_ONE_NAMESPACE = (
    "pods: listing across all namespaces is forbidden, so pods of other namespaces are unknown: node usage by "
    "them is not counted (resource fit, pod (anti-)affinity and host ports on nodes may look freer than they are)")


# ---- partial RBAC ------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "pods", "notes"), [
    pytest.param(
        (), TEAM_A, [PODS_OF_ONE_NAMESPACE, *CLUSTER_SCOPED_FORBIDDEN],
        id="a namespace-only user gets the report of the context's namespace, with what was not readable"),
    pytest.param(
        ("-A",), TEAM_A, [
            "pods: listing across all namespaces is forbidden; only namespace 'team-a' was read, so other "
            "namespaces' pods are unknown and node usage by them is not counted",
            "listing across all namespaces is forbidden for events, serviceaccounts, secrets, configmaps, "
            "persistentvolumeclaims, replicasets, deployments, statefulsets, daemonsets, jobs, "
            "replicationcontrollers, resourcequotas, limitranges, poddisruptionbudgets, services, events (events.k8s.io/v1): "
            "read namespace 'team-a' only",
            *CLUSTER_SCOPED_FORBIDDEN],
        id="a namespace-only user asking for all namespaces falls back to the context's namespace and says so"),
])
def test_namespace_only_user(serve: Serve, tmp_path: Path, args: tuple[str, ...],
                             pods: dict[str, tuple[str, str]], notes: list[str]) -> None:
    api = serve(Rules(namespace_only="team-a"))
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a")
    r = run("scan", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json", *args)
    assert r.code == 1, r.err
    assert r.pods() == pods
    assert r.notes == notes


def test_namespace_only_user_diagnoses_one_pod(serve: Serve, tmp_path: Path) -> None:
    api = serve(Rules(namespace_only="team-a"))
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a")
    r = run("pod", "web-6f7c9d5b8-x2x9q", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json")
    assert r.code == 1, r.err
    assert r.pods() == {"Pod/team-a/web-6f7c9d5b8-x2x9q": TEAM_A["Pod/team-a/web-6f7c9d5b8-x2x9q"]}


def test_one_namespace_lists_pods_cluster_wide_and_the_rest_in_the_namespace(serve: Serve, tmp_path: Path) -> None:
    api = serve()
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a")
    r = run("scan", "-n", "team-b", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json")
    assert r.code == 1, r.err
    assert r.pods() == TEAM_B
    assert r.notes == []
    lists = {s.path for s in api.requests if s.query.get("limit")}
    # Pods of every namespace count on the nodes; cluster-scoped kinds are cluster-wide; the rest in team-b.
    assert {"/api/v1/pods", "/api/v1/nodes", "/apis/storage.k8s.io/v1/storageclasses",
            "/api/v1/namespaces/team-b/events", "/apis/events.k8s.io/v1/namespaces/team-b/events",
            "/api/v1/namespaces/team-b/secrets"} <= lists
    assert "/api/v1/events" not in lists and "/api/v1/namespaces/team-b/pods" not in lists


# ---- exit code 3 -------------------------------------------------------------------------------


@pytest.mark.parametrize(("rules", "message"), [
    pytest.param(Rules(namespace_only="team-z"),
                 "unauthorised: user 'jane' of context 'kind-podwhy' may not list pods, cluster-wide or in "
                 "namespace 'team-a': pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group "
                 "\"\" at the cluster scope. Ask for read access",
                 id="every kind forbidden, even in the context's namespace: exit 3, unauthorised"),
    pytest.param(Rules(forbid=frozenset({"pods"})), "may not list pods, cluster-wide or in namespace 'team-a'",
                 id="pods forbidden: nothing to diagnose, exit 3"),
    pytest.param(Rules(tokens=frozenset({"another-token"})),
                 "rejected the credentials of context 'kind-podwhy' (user 'jane'): HTTP 401 Unauthorized. The "
                 "token or client certificate is missing, wrong or expired",
                 id="401 on everything: exit 3, the credentials were rejected"),
])
def test_refused(serve: Serve, tmp_path: Path, rules: Rules, message: str) -> None:
    api = serve(rules)
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, namespace="team-a")
    r = run("scan", "--kubeconfig", str(kubeconfig), "-o", "json")
    assert r.code == 3
    assert r.out == ""
    assert r.err.startswith("podwhy: ") and message in r.err, r.err
    assert "token-jane" not in r.err


def test_connection_refused_exits_3(tmp_path: Path) -> None:
    port = free_port()
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", f"http://127.0.0.1:{port}")
    r = run("scan", "--kubeconfig", str(kubeconfig))
    assert r.code == 3
    assert r.err == (f"podwhy: cannot reach the cluster of context 'kind-podwhy' at http://127.0.0.1:{port}: "
                     "connection refused: the API server is down, or the kubeconfig's `server` address is wrong. "
                     "Check with `kubectl --context kind-podwhy cluster-info`; choose another cluster with "
                     "--context or --kubeconfig\n")


@pytest.mark.usefixtures("no_dns")
def test_unresolvable_server_exits_3(tmp_path: Path) -> None:
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", "https://kube.podwhy.invalid:6443")
    r = run("scan", "--kubeconfig", str(kubeconfig))
    assert r.code == 3
    assert "the host name 'kube.podwhy.invalid' does not resolve (DNS)" in r.err, r.err


def test_untrusted_certificate_exits_3(serve: Serve, tmp_path: Path, pki: Pki) -> None:
    api = serve(tls=pki)
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url)  # no certificate-authority-data
    r = run("scan", "--kubeconfig", str(kubeconfig))
    assert r.code == 3
    assert "TLS failure" in r.err and "CERTIFICATE_VERIFY_FAILED" in r.err, r.err
    assert "certificate-authority(-data) must be the CA that signed the server's certificate" in r.err


@pytest.mark.parametrize(("setup", "message"), [
    pytest.param("none", "no kubeconfig found (~/.kube/config does not exist) and not running inside a cluster",
                 id="no kubeconfig and not in a cluster"),
    pytest.param("missing-file", "--kubeconfig {tmp}/nope: no such file", id="a --kubeconfig that does not exist"),
    pytest.param("unknown-context", "context 'staging' is not in kubeconfig {tmp}/kubeconfig (contexts: "
                 "kind-podwhy): pick one with --context", id="an unknown --context"),
])
def test_configuration_errors_exit_3(tmp_path: Path, setup: str, message: str) -> None:
    write_kubeconfig(tmp_path / "kubeconfig", "http://127.0.0.1:1")
    args = {"none": [], "missing-file": ["--kubeconfig", f"{tmp_path}/nope"],
            "unknown-context": ["--kubeconfig", f"{tmp_path}/kubeconfig", "--context", "staging"]}[setup]
    r = run("scan", *args)
    assert r.code == 3
    assert message.format(tmp=tmp_path) in r.err, r.err


# ---- where the configuration comes from ---------------------------------------------------------


def test_kubeconfig_from_home(serve: Serve, tmp_path: Path) -> None:
    api = serve()
    home = Path.home()
    (home / ".kube").mkdir()
    write_kubeconfig(home / ".kube" / "config", api.url, namespace="team-b")
    r = run("scan", "--now", NOW, "-o", "json")
    assert r.code == 1, r.err
    assert r.pods() == TEAM_B  # the context's namespace


def test_kubeconfig_list_in_env_and_context_flag(serve: Serve, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    api = serve()
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, extra_contexts=("team-b",))
    # Files of $KUBECONFIG that do not exist are skipped, as kubectl does.
    monkeypatch.setenv("KUBECONFIG", f"{tmp_path}/missing:{kubeconfig}")
    r = run("scan", "--context", "team-b", "--now", NOW, "-o", "json")
    assert r.code == 1, r.err
    assert r.pods() == TEAM_B
    assert r.report["source"]["detail"] == f"team-b ({api.url})"
    r = run("scan", "--now", NOW, "-o", "json")  # current-context: no namespace, so "default": nothing stuck
    assert (r.code, r.pods()) == (0, {})


def test_tls_with_the_kubeconfig_ca(serve: Serve, tmp_path: Path, pki: Pki) -> None:
    api = serve(tls=pki)
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, ca=pki.ca)
    r = run("scan", "-A", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json")
    assert r.code == 1, r.err
    assert r.pods() == ALL
    assert api.url.startswith("https://")


def test_client_certificate_of_the_kubeconfig(serve: Serve, tmp_path: Path, pki: Pki) -> None:
    # kind, kubeadm, minikube and k3s write admin kubeconfigs with a client certificate, no token.
    api = serve(Rules(tokens=frozenset()), tls=pki)
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, ca=pki.ca, token=None,
                                  client_cert=(pki.client_cert, pki.client_key))
    r = run("scan", "-A", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json")
    assert r.code == 1, r.err
    assert r.pods() == ALL
    assert {(s.client_cert, s.authorization) for s in api.requests} == {("kubernetes-admin", None)}


def test_insecure_skip_tls_verify_is_accepted_and_noted(serve: Serve, tmp_path: Path,
                                                        pki: Pki) -> None:
    api = serve(tls=pki)
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, insecure=True)
    r = run("scan", "-A", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json")
    assert (r.code, r.err) == (1, "")
    assert r.pods() == ALL
    assert r.notes == [f"TLS verification of {api.url} is disabled by the kubeconfig (insecure-skip-tls-verify): "
                       "the answers could come from anyone on the path"]


def _rfc3339(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_exec_credential_plugin(serve: Serve, tmp_path: Path) -> None:
    api = serve(Rules(tokens=frozenset({"token-from-plugin"})))
    plugin, log = exec_plugin(tmp_path, token="token-from-plugin", expires=_rfc3339(timedelta(hours=1)))
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, exec_command=str(plugin))
    r = run("scan", "-A", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json")
    assert r.code == 1, r.err
    assert r.pods() == ALL
    assert runs_of(log) == 1  # a token valid for an hour is reused
    assert {s.authorization for s in api.requests} == {"Bearer token-from-plugin"}


def test_exec_credential_plugin_token_is_refreshed_when_it_expires(serve: Serve, tmp_path: Path) -> None:
    api = serve(Rules(tokens=frozenset({"short-lived"})))
    # Expiring within the client's 5-minute skew: every request asks the plugin again.
    plugin, log = exec_plugin(tmp_path, token="short-lived", expires=_rfc3339(timedelta(minutes=1)))
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, exec_command=str(plugin))
    r = run("scan", "-A", "--kubeconfig", str(kubeconfig), "--now", NOW, "-o", "json")
    assert r.code == 1, r.err
    assert runs_of(log) > 1


def test_exec_credential_plugin_failure_exits_3(serve: Serve, tmp_path: Path) -> None:
    api = serve()
    plugin, _ = exec_plugin(tmp_path, token="", expires="", fail="error: not logged in, run `acme login`")
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", api.url, exec_command=str(plugin))
    r = run("scan", "--kubeconfig", str(kubeconfig))
    assert r.code == 3
    assert ("podwhy: context 'kind-podwhy': the credentials of user 'jane' could not be obtained: exec: process "
            "returned 1. error: not logged in, run `acme login`.") in r.err, r.err
    assert api.requests == []


def test_in_cluster_service_account(serve: Serve, tmp_path: Path, pki: Pki,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from podwhy.snapshot.sources import live

    api = serve(tls=pki)
    sa = tmp_path / "serviceaccount"
    sa.mkdir()
    (sa / "token").write_text("token-jane")
    shutil.copy(pki.ca, sa / "ca.crt")
    (sa / "namespace").write_text("team-a")
    monkeypatch.setattr(live.config, "SERVICE_ACCOUNT_DIR", str(sa))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(api.port))
    r = run("scan", "--now", NOW, "-o", "json")
    assert r.code == 1, r.err
    assert r.pods() == TEAM_A  # the service account's namespace
    assert r.report["source"]["detail"] == f"in-cluster (https://127.0.0.1:{api.port})"
    assert {s.authorization for s in api.requests} == {"bearer token-jane"}
