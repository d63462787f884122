"""deploy/serve renders with the real kubectl into a read-only, wired-up podwhy serve.

Everything is checked on `kubectl kustomize` output (what `kubectl apply -k` would send), not on the
source files: the base, the README's overlays, the RBAC copies against deploy/rbac.yaml, the alerts
against catalog.py's cause families and the server's metric names, and the Containerfile against the
Deployment. kubectl kustomize works offline: nothing here talks to a cluster or a network.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from podwhy.catalog import CODES

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "deploy" / "serve"
# The cluster tier's kubectl (v1.34, built by scripts/cluster.sh); Debian's kubernetes-client only
# when that one is absent.
KUBECTL = Path("/opt/podwhy-cluster/bin/kubectl")

ARGV = ["podwhy", "serve", "-A", "--listen", "0.0.0.0:8080"]
READ_VERBS = {"get", "list", "watch"}
FAMILIES = {code.split(".", 1)[0] for code in CODES}
# The server's metrics (its fixed interface) and their own labels. Histograms and counters as
# Prometheus stores them.
METRICS: dict[str, set[str]] = {
    "podwhy_stuck_subjects": {"namespace", "family", "code", "severity", "owner_kind", "owner"},
    "podwhy_diagnosis_duration_seconds_bucket": {"le"},
    "podwhy_diagnosis_duration_seconds_sum": set(),
    "podwhy_diagnosis_duration_seconds_count": set(),
    "podwhy_watch_restarts_total": {"kind", "reason"},
    "podwhy_relists_total": {"kind"},
    "podwhy_objects": {"kind"},
    "podwhy_last_sync_timestamp_seconds": set(),
    "podwhy_ready": set(),
    "podwhy_kind_readable": {"kind"},
}
# Label values a matcher may compare with: only values the server can emit.
LABEL_VALUES: dict[str, set[str]] = {
    "family": FAMILIES,
    "code": set(CODES),
    "severity": {c.severity for c in CODES.values()},
}
# One alert per cause family; the name says what is wrong in on-call words.
FAMILY_ALERTS = {
    "image": "PodwhyImagePullFailing",
    "registry": "PodwhyRegistryProblem",
    "secret": "PodwhyPullSecretProblem",
    "node": "PodwhyNodeProblem",
    "sched": "PodwhyUnschedulable",
    "autoscaler": "PodwhyAutoscalerCannotHelp",
    "volume": "PodwhyVolumeProblem",
    "create": "PodwhyControllerCannotCreatePods",
    "crash": "PodwhyCrashLooping",
    "start": "PodwhyContainerCannotStart",
    "probe": "PodwhyProbeFailing",
    "init": "PodwhyInitFailing",
    "terminating": "PodwhyStuckTerminating",
    "evicted": "PodwhyEvicted",
    "unknown": "PodwhyUnknownStuck",
}
DEFAULT_DASHBOARD = "http://podwhy.podwhy.svc:8080"
DASHBOARD_FILTER = "/?namespace={{ $labels.namespace }}&code={{ $labels.code }}"


# ---------------------------------------------------------------------------------------------
# Rendering


def _kubectl() -> str:
    if KUBECTL.is_file() and os.access(KUBECTL, os.X_OK):
        return str(KUBECTL)
    found = shutil.which("kubectl")
    if found:
        return found
    pytest.fail(f"no kubectl: neither {KUBECTL} (bash scripts/cluster.sh build) nor `kubectl` on PATH "
                "(apt-get install kubernetes-client); deploy/serve cannot be rendered")


def _kustomize(path: Path) -> list[dict[str, Any]]:
    # KUBECONFIG=/dev/null: kustomize reads no cluster; make sure no context is even loaded.
    env = {**os.environ, "KUBECONFIG": os.devnull}
    proc = subprocess.run([_kubectl(), "kustomize", str(path)], capture_output=True, text=True,
                          timeout=120, env=env, check=False)
    assert proc.returncode == 0, f"kubectl kustomize {path} failed:\n{proc.stderr}"
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


@functools.cache
def _base() -> tuple[dict[str, Any], ...]:
    return tuple(_kustomize(SERVE))


def _one(docs: Any, kind: str, name: str) -> dict[str, Any]:
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} in the render"
    return found[0]


def _container(docs: Any) -> dict[str, Any]:
    (c,) = _one(docs, "Deployment", "podwhy")["spec"]["template"]["spec"]["containers"]
    return c


def _rbac_yaml_role(name: str) -> dict[str, Any]:
    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "rbac.yaml").read_text()) if d]
    return _one(docs, "ClusterRole", name)


def _rules(docs: Any) -> list[dict[str, Any]]:
    rule = _one(docs, "PrometheusRule", "podwhy")
    return [r for g in rule["spec"]["groups"] for r in g["rules"]]


def _readme_overlays() -> dict[str, str]:
    """The README's overlay examples: yaml blocks whose first line is `# overlays/NAME/kustomization.yaml`."""
    text = (SERVE / "README.md").read_text()
    blocks = re.findall(r"```yaml\n# overlays/([\w-]+)/kustomization\.yaml\n(.*?)```", text, re.S)
    return dict(blocks)


def _render_overlay(tmp_path: Path, name: str) -> list[dict[str, Any]]:
    # Laid out as the README says: overlays/NAME next to the checkout's deploy/.
    (tmp_path / "deploy").symlink_to(ROOT / "deploy")
    d = tmp_path / "overlays" / name
    d.mkdir(parents=True)
    (d / "kustomization.yaml").write_text(_readme_overlays()[name])
    return _kustomize(d)


# ---------------------------------------------------------------------------------------------
# A tiny PromQL reader: enough of the grammar for alert rules (selectors, aggregations with by/
# without, function calls, binary operators), so the test sees every metric, matcher and grouping
# label an expression names. No pure-Python PromQL parser exists on PyPI (promql-parser is a Rust
# extension), so this stands in; it rejects anything it does not understand.

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<dur>\d+[smhdwy])\b
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<op>==|!=|=~|!~|>=|<=|[-+*/%^<>(){}\[\],=])
)""", re.X)
_AGGREGATIONS = {"sum", "min", "max", "avg", "count", "topk", "bottomk", "quantile", "group"}
_FUNCTIONS = {"absent", "absent_over_time", "time", "rate", "increase", "delta", "histogram_quantile",
              "max_over_time", "min_over_time", "changes", "resets", "clamp_min", "vector", "scalar"}
_KEYWORDS = {"and", "or", "unless", "bool", "on", "ignoring", "group_left", "group_right", "by", "without"}
_MATCH_OPS = {"=", "!=", "=~", "!~"}


def _tokens(expr: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(expr.rstrip()):
        m = _TOKEN.match(expr, pos)
        assert m and m.end() > pos, f"cannot read PromQL at {expr[pos:]!r} in {expr!r}"
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _promql(expr: str) -> dict[str, Any]:
    """{"metrics": {name: [(label, op, value)]}, "grouping": {labels}, "functions": {names}}."""
    toks = _tokens(expr)
    metrics: dict[str, list[tuple[str, str, str]]] = {}
    grouping: set[str] = set()
    functions: set[str] = set()
    depth = 0

    def label_list(i: int) -> int:  # at "(" of by (...)/on (...): returns the index after ")"
        assert toks[i] == ("op", "("), expr
        i += 1
        while toks[i] != ("op", ")"):
            kind, val = toks[i]
            assert kind == "ident", f"bad label list in {expr!r}"
            grouping.add(val)
            i += 1
            if toks[i] == ("op", ","):
                i += 1
        return i + 1

    i = 0
    while i < len(toks):
        kind, val = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else ("", "")
        if kind == "ident" and val in _AGGREGATIONS:
            functions.add(val)
            i += 1
            if toks[i][1] in ("by", "without"):
                i = label_list(i + 1)
            continue
        if kind == "ident" and val in ("on", "ignoring", "group_left", "group_right"):
            i = label_list(i + 1) if nxt == ("op", "(") else i + 1
            continue
        if kind == "ident" and val in _KEYWORDS:
            i += 1
            continue
        if kind == "ident" and nxt == ("op", "("):
            assert val in _FUNCTIONS, f"unknown function {val} in {expr!r}"
            functions.add(val)
            i += 1
            continue
        if kind == "ident":
            matchers = metrics.setdefault(val, [])
            i += 1
            if i < len(toks) and toks[i] == ("op", "{"):
                i += 1
                while toks[i] != ("op", "}"):
                    (lk, label), (_, op), (vk, value) = toks[i:i + 3]
                    assert lk == "ident" and op in _MATCH_OPS and vk == "str", f"bad matcher in {expr!r}"
                    matchers.append((label, op, json.loads(value)))
                    i += 3
                    if toks[i] == ("op", ","):
                        i += 1
                i += 1
            continue
        if val in ("(", "["):
            depth += 1
        elif val in (")", "]"):
            depth -= 1
            assert depth >= 0, f"unbalanced brackets in {expr!r}"
        else:
            assert kind in ("num", "dur", "op") and val not in ("{", "}"), f"unexpected {val!r} in {expr!r}"
        i += 1
    assert depth == 0, f"unbalanced brackets in {expr!r}"
    return {"metrics": metrics, "grouping": grouping, "functions": functions}


def test_promql_reader_reads_what_it_must() -> None:
    # The reader itself, on a whole expression: what it reports is what the checks below rely on.
    got = _promql('sum by (namespace, code) (podwhy_stuck_subjects{family="image", code!~"x.*"}) > 0 '
                  "or absent(podwhy_ready)")
    assert got == {"metrics": {"podwhy_stuck_subjects": [("family", "=", "image"), ("code", "!~", "x.*")],
                               "podwhy_ready": []},
                   "grouping": {"namespace", "code"}, "functions": {"sum", "absent"}}
    for bad in ["sum(podwhy_ready", 'podwhy_ready{family=}', "nosuchfunc(podwhy_ready)", "podwhy_ready $ 1"]:
        with pytest.raises(AssertionError):
            _promql(bad)


# ---------------------------------------------------------------------------------------------
# What the base renders


def test_base_renders_exactly_these_objects() -> None:
    got = {(d["apiVersion"], d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]) for d in _base()}
    assert got == {
        ("v1", "Namespace", None, "podwhy"),
        ("v1", "ServiceAccount", "podwhy", "podwhy"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole", None, "podwhy-serve-reader"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", None, "podwhy-serve-reader"),
        ("apps/v1", "Deployment", "podwhy", "podwhy"),
        ("v1", "Service", "podwhy", "podwhy"),
        ("monitoring.coreos.com/v1", "ServiceMonitor", "podwhy", "podwhy"),
        ("monitoring.coreos.com/v1", "PrometheusRule", "podwhy", "podwhy"),
    }
    assert len(_base()) == len(got), "an object is rendered twice"
    for d in _base():
        assert d["metadata"]["labels"]["app.kubernetes.io/name"] == "podwhy", d["kind"]


def test_namespace_enforces_restricted_pod_security() -> None:
    labels = _one(_base(), "Namespace", "podwhy")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


# ---------------------------------------------------------------------------------------------
# RBAC: read-only, and the same rules as deploy/rbac.yaml


@pytest.mark.parametrize(("render", "role", "reference"), [
    pytest.param("base", "podwhy-serve-reader", "podwhy-reader", id="reader"),
    pytest.param("secrets-reader", "podwhy-serve-secrets-reader", "podwhy-secrets-reader", id="secrets-reader"),
])
def test_cluster_role_is_deploy_rbac_yaml_role(render: str, role: str, reference: str, tmp_path: Path) -> None:
    docs = _base() if render == "base" else _render_overlay(tmp_path, "mycluster")
    got = _one(docs, "ClusterRole", role)["rules"]
    assert got == _rbac_yaml_role(reference)["rules"], f"deploy/serve's {role} differs from deploy/rbac.yaml's {reference}"


@pytest.mark.parametrize("render", ["base", "mycluster"])
def test_every_cluster_role_is_read_only(render: str, tmp_path: Path) -> None:
    docs = _base() if render == "base" else _render_overlay(tmp_path, render)
    roles = [d for d in docs if d["kind"] in ("ClusterRole", "Role")]
    assert roles
    for role in roles:
        for rule in role["rules"]:
            assert set(rule["verbs"]) <= READ_VERBS, (role["metadata"]["name"], rule)
            if "list" in rule["verbs"]:
                assert "watch" in rule["verbs"], (role["metadata"]["name"], rule)
            if "pods/log" in rule["resources"]:
                assert rule["verbs"] == ["get"], (role["metadata"]["name"], rule)


def test_base_grants_no_secrets() -> None:
    # Secrets only with the opt-in component.
    for d in _base():
        for rule in d.get("rules", []):
            assert "secrets" not in rule["resources"], d["metadata"]["name"]


@pytest.mark.parametrize("render", ["base", "mycluster"])
def test_bindings_give_their_role_to_the_deployments_service_account(render: str, tmp_path: Path) -> None:
    docs = _base() if render == "base" else _render_overlay(tmp_path, render)
    pod = _one(docs, "Deployment", "podwhy")["spec"]["template"]["spec"]
    sa = _one(docs, "ServiceAccount", pod["serviceAccountName"])
    bindings = [d for d in docs if d["kind"] == "ClusterRoleBinding"]
    assert {b["roleRef"]["name"] for b in bindings} == {d["metadata"]["name"] for d in docs if d["kind"] == "ClusterRole"}
    for b in bindings:
        assert b["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": b["metadata"]["name"]}
        assert b["subjects"] == [{"kind": "ServiceAccount", "name": sa["metadata"]["name"],
                                  "namespace": sa["metadata"]["namespace"]}]


# ---------------------------------------------------------------------------------------------
# The Deployment


@pytest.mark.parametrize(("field", "expected"), [
    pytest.param("image", "ghcr.io/podwhy/podwhy:0.1.0", id="image"),
    pytest.param("args", ARGV[1:], id="args"),
    pytest.param("ports", [{"name": "http", "containerPort": 8080, "protocol": "TCP"}], id="ports"),
    pytest.param("livenessProbe", {"httpGet": {"path": "/healthz", "port": "http"},
                                   "periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 6}, id="liveness"),
    pytest.param("readinessProbe", {"httpGet": {"path": "/readyz", "port": "http"},
                                    "periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3}, id="readiness"),
    pytest.param("securityContext", {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                     "capabilities": {"drop": ["ALL"]}}, id="security-context"),
    pytest.param("resources", {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "2560Mi"}},
                 id="resources"),
    pytest.param("volumeMounts", [{"name": "tmp", "mountPath": "/tmp"}], id="volume-mounts"),
])
def test_container(field: str, expected: Any) -> None:
    assert _container(_base())[field] == expected


@pytest.mark.parametrize(("field", "expected"), [
    pytest.param("serviceAccountName", "podwhy", id="service-account"),
    pytest.param("automountServiceAccountToken", True, id="token-mounted"),
    pytest.param("securityContext", {"runAsNonRoot": True, "runAsUser": 65532, "runAsGroup": 65532,
                                     "seccompProfile": {"type": "RuntimeDefault"}}, id="pod-security-context"),
    pytest.param("volumes", [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}], id="volumes"),
])
def test_pod_spec(field: str, expected: Any) -> None:
    assert _one(_base(), "Deployment", "podwhy")["spec"]["template"]["spec"][field] == expected


def test_deployment_runs_one_replica_recreated() -> None:
    spec = _one(_base(), "Deployment", "podwhy")["spec"]
    assert (spec["replicas"], spec["strategy"]) == (1, {"type": "Recreate"})


def test_probe_ports_are_container_ports() -> None:
    c = _container(_base())
    names = {p["name"] for p in c["ports"]}
    assert {c["livenessProbe"]["httpGet"]["port"], c["readinessProbe"]["httpGet"]["port"]} <= names


# ---------------------------------------------------------------------------------------------
# Service, ServiceMonitor and the dashboard URL line up


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def test_service_and_service_monitor_line_up() -> None:
    docs = _base()
    dep, svc, sm = _one(docs, "Deployment", "podwhy"), _one(docs, "Service", "podwhy"), _one(docs, "ServiceMonitor", "podwhy")
    pod_labels = dep["spec"]["template"]["metadata"]["labels"]
    assert _selects(dep["spec"]["selector"]["matchLabels"], pod_labels)
    assert _selects(svc["spec"]["selector"], pod_labels)
    assert _selects(sm["spec"]["selector"]["matchLabels"], svc["metadata"]["labels"])
    assert svc["spec"]["type"] == "ClusterIP"
    assert svc["spec"]["ports"] == [{"name": "http", "port": 8080, "targetPort": "http", "protocol": "TCP"}]
    assert svc["spec"]["ports"][0]["targetPort"] in {p["name"] for p in _container(docs)["ports"]}
    # honorLabels: podwhy_stuck_subjects' own `namespace` must not be overwritten by the target's.
    assert sm["spec"]["endpoints"] == [{"port": "http", "path": "/metrics", "interval": "30s", "honorLabels": True}]


def test_default_dashboard_url_is_the_service() -> None:
    svc = _one(_base(), "Service", "podwhy")
    meta, port = svc["metadata"], svc["spec"]["ports"][0]["port"]
    assert f"http://{meta['name']}.{meta['namespace']}.svc:{port}" == DEFAULT_DASHBOARD


# ---------------------------------------------------------------------------------------------
# Alerts


def test_alert_families_are_catalogs_families() -> None:
    assert set(FAMILY_ALERTS) == FAMILIES


def test_every_family_has_exactly_one_alert() -> None:
    covered = []
    for r in _rules(_base()):
        for matchers in _promql(r["expr"])["metrics"].values():
            covered += [v for (label, _op, v) in matchers if label == "family"]
    assert sorted(covered) == sorted(FAMILIES)


@pytest.mark.parametrize(("family", "alert"), sorted(FAMILY_ALERTS.items()), ids=sorted(FAMILY_ALERTS))
def test_family_alert(family: str, alert: str) -> None:
    (rule,) = [r for r in _rules(_base()) if r.get("alert") == alert]
    assert rule["expr"] == (f'sum by (namespace, code, owner_kind, owner) (podwhy_stuck_subjects{{family="{family}"}}) > 0')
    assert re.fullmatch(r"\d+[mh]", rule["for"]), rule["for"]
    assert rule["labels"] == {"severity": "info" if family == "evicted" else "warning"}
    ann = rule["annotations"]
    assert set(ann) == {"summary", "description", "dashboard"}
    for text in (ann["summary"], ann["description"]):
        for label in ("code", "namespace", "owner_kind", "owner"):
            assert f"{{{{ $labels.{label} }}}}" in text, (alert, label, text)
    assert ann["dashboard"] == DEFAULT_DASHBOARD + DASHBOARD_FILTER


@pytest.mark.parametrize(("alert", "metrics"), [
    pytest.param("PodwhyNotReady", {"podwhy_ready"}, id="not-ready"),
    pytest.param("PodwhyStale", {"podwhy_last_sync_timestamp_seconds", "podwhy_ready"}, id="stale"),
])
def test_self_alert(alert: str, metrics: set[str]) -> None:
    (rule,) = [r for r in _rules(_base()) if r.get("alert") == alert]
    assert set(_promql(rule["expr"])["metrics"]) == metrics
    assert rule["labels"] == {"severity": "warning"}
    assert {"summary", "description"} <= set(rule["annotations"])


def test_alert_names_are_unique_and_all_known() -> None:
    names = [r["alert"] for r in _rules(_base())]
    assert sorted(names) == sorted([*FAMILY_ALERTS.values(), "PodwhyNotReady", "PodwhyStale"])


@pytest.mark.parametrize("alert", [*FAMILY_ALERTS.values(), "PodwhyNotReady", "PodwhyStale"])
def test_expression_uses_only_existing_metrics_labels_and_values(alert: str) -> None:
    (rule,) = [r for r in _rules(_base()) if r["alert"] == alert]
    got = _promql(rule["expr"])
    assert set(got["metrics"]) <= set(METRICS), got["metrics"]
    labels = set().union(*(METRICS[m] for m in got["metrics"]))
    for metric, matchers in got["metrics"].items():
        for label, op, value in matchers:
            assert label in METRICS[metric], (metric, label)
            if op in ("=", "!=") and label in LABEL_VALUES:
                assert value in LABEL_VALUES[label], (label, value)
            elif op in ("=~", "!~"):
                re.compile(value)
    assert got["grouping"] <= labels, got["grouping"]
    # Templates may only name labels the alert keeps (the `by` labels; none after a bare comparison).
    kept = got["grouping"] if "sum" in got["functions"] else labels
    for text in rule["annotations"].values():
        for label in re.findall(r"\$labels\.(\w+)", text):
            assert label in kept, (alert, label)


# ---------------------------------------------------------------------------------------------
# The README's overlays render and do what the README says


def test_readme_has_the_overlays() -> None:
    assert set(_readme_overlays()) == {"mycluster", "no-prometheus-operator"}


def test_readme_overlay_mycluster(tmp_path: Path) -> None:
    docs = _render_overlay(tmp_path, "mycluster")
    c = _container(docs)
    pod = _one(docs, "Deployment", "podwhy")["spec"]["template"]["spec"]
    assert c["image"] == "registry.example.com/tools/podwhy:0.1.0"
    assert c["args"] == [*ARGV[1:], "--token-file", "/etc/podwhy/token/token"]
    assert c["volumeMounts"][-1] == {"name": "token", "mountPath": "/etc/podwhy/token", "readOnly": True}
    assert pod["volumes"][-1] == {"name": "token", "secret": {"secretName": "podwhy-token"}}
    links = [r["annotations"]["dashboard"] for r in _rules(docs) if "dashboard" in r["annotations"]]
    assert links == ["https://podwhy.example.com" + DASHBOARD_FILTER] * len(FAMILY_ALERTS)
    assert _one(docs, "ClusterRole", "podwhy-serve-secrets-reader")
    for d in docs:
        if d["apiVersion"].startswith("monitoring.coreos.com/"):
            assert d["metadata"]["labels"]["release"] == "kube-prometheus-stack", d["kind"]
    assert not [d for d in docs if d["kind"] == "ConfigMap"], "the dashboard URL is kustomize input only"


def test_readme_overlay_without_prometheus_operator(tmp_path: Path) -> None:
    kinds = sorted(d["kind"] for d in _render_overlay(tmp_path, "no-prometheus-operator"))
    assert kinds == sorted(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service", "Deployment"])


# ---------------------------------------------------------------------------------------------
# The Containerfile builds what the Deployment runs


def _containerfile() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (ROOT / "Containerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def _instr(keyword: str) -> list[str]:
    return [rest for k, rest in _containerfile() if k == keyword]


def test_containerfile_argv_is_the_deployments() -> None:
    (entrypoint,), (cmd,) = _instr("ENTRYPOINT"), _instr("CMD")
    entrypoint, cmd = json.loads(entrypoint), json.loads(cmd)
    assert [*entrypoint, *cmd] == ARGV
    # Kubernetes: `command` replaces ENTRYPOINT, `args` replaces CMD.
    c = _container(_base())
    assert "command" not in c, "the image's ENTRYPOINT is the command"
    assert [*c.get("command", entrypoint), *c.get("args", cmd)] == ARGV


def test_containerfile_user_is_numeric_non_root_and_the_pods() -> None:
    users = _instr("USER")
    assert len(users) == 1 and re.fullmatch(r"\d+(:\d+)?", users[0]), users
    uid, _, gid = users[0].partition(":")
    ctx = _one(_base(), "Deployment", "podwhy")["spec"]["template"]["spec"]["securityContext"]
    assert int(uid) != 0
    assert (int(uid), int(gid or uid)) == (ctx["runAsUser"], ctx["runAsGroup"])


@pytest.mark.parametrize(("keyword", "check"), [
    pytest.param("FROM", lambda vals, args: {v.split()[0].replace("${PYTHON_IMAGE}", args["PYTHON_IMAGE"]) for v in vals}
                 == {"python:3.11-slim"}, id="python-3.11-slim"),
    pytest.param("RUN", lambda vals, args: any("pip install --no-cache-dir ." in v for v in vals), id="pip-install"),
    pytest.param("EXPOSE", lambda vals, args: vals == ["8080"], id="expose"),
    pytest.param("LABEL", lambda vals, args: "org.opencontainers.image.title=" in " ".join(vals), id="oci-labels"),
])
def test_containerfile(keyword: str, check: Any) -> None:
    args = dict(a.split("=", 1) for a in _instr("ARG") if "=" in a)
    assert check(_instr(keyword), args), (keyword, _instr(keyword))


def test_containerfile_port_is_the_containers() -> None:
    assert [int(p) for p in _instr("EXPOSE")] == [p["containerPort"] for p in _container(_base())["ports"]]


def test_build_context_is_an_allowlist_of_what_copy_needs() -> None:
    lines = [ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines()]
    patterns = [ln for ln in lines if ln and not ln.startswith("#")]
    assert patterns[0] == "*", "everything (.venv, .git, tests, caches, build/) is excluded first"
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    copied = {src.rstrip("/") for rest in _instr("COPY") if not rest.startswith("--from")
              for src in rest.split()[:-1]}
    assert copied == allowed == {"pyproject.toml", "README.md", "src"}
