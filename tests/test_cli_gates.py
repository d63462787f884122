"""A gate you can trust (issue 17): no false green, every documented form parses, the exit code survives
`| head`, any locale, concatenated inputs, young pods with a certain cause; plus --version, -o yaml,
"did you mean" hints, shell completion and a lazy cold start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import run_cli

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "cluster"
PODWHY = Path(sys.executable).parent / "podwhy"
NOW = ["--now", "2026-11-20T10:00:00Z"]


def _pod(name: str, ns: str, owner: tuple[str, str] | None = None, *, reason: str = "ImagePullBackOff",
         image: str = "registry.example.com/shop/web:2.0.") -> str:
    owner_ref = (f"\n    ownerReferences: [{{apiVersion: apps/v1, kind: {owner[0]}, name: {owner[1]}, "
                 f"uid: {owner[1]}-uid, controller: true}}]") if owner else ""
    return f"""\
- apiVersion: v1
  kind: Pod
  metadata:
    name: {name}
    namespace: {ns}
    uid: {name}-uid{owner_ref}
  spec:
    nodeName: node-1
    containers: [{{name: app, image: "{image}"}}]
  status:
    phase: Pending
    conditions: [{{type: PodScheduled, status: "True"}}]
    containerStatuses:
    - name: app
      image: "{image}"
      state: {{waiting: {{reason: {reason}, message: "Back-off pulling image"}}}}
"""


def _pull_event(pod: str, ns: str, tail: str = "") -> str:
    image = "registry.example.com/shop/web:2.0."
    msg = (f'Failed to pull image \\"{image}\\": rpc error: code = NotFound desc = failed to pull and unpack image '
           f'\\"{image}\\": failed to resolve reference \\"{image}\\": {image}: not found{tail}')
    return f"""\
- apiVersion: v1
  kind: Event
  metadata: {{name: {pod}.1, namespace: {ns}}}
  involvedObject: {{kind: Pod, name: {pod}, namespace: {ns}, uid: {pod}-uid, fieldPath: "spec.containers{{app}}"}}
  reason: Failed
  type: Warning
  message: "{msg}"
  lastTimestamp: "2026-11-20T09:59:00Z"
"""


HEALTHY = """\
- apiVersion: v1
  kind: Pod
  metadata: {name: api-1, namespace: staging, uid: api-1-uid}
  spec:
    nodeName: node-1
    containers: [{name: app, image: nginx:1.27}]
  status:
    phase: Running
    conditions: [{type: PodScheduled, status: "True"}]
    containerStatuses: [{name: app, ready: true, state: {running: {startedAt: "2026-11-20T09:00:00Z"}}}]
"""

CONTROLLERS = """\
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-7d9f8c6b5
    namespace: shop
    uid: web-7d9f8c6b5-uid
    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: web-uid, controller: true}]
  spec: {replicas: 1}
  status: {replicas: 1}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop, uid: web-uid}
  spec: {replicas: 1}
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: db, namespace: shop, uid: db-uid}
  spec: {replicas: 1}
  status: {replicas: 1}
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {name: agent, namespace: shop, uid: agent-uid}
  status: {desiredNumberScheduled: 1, currentNumberScheduled: 1}
- apiVersion: batch/v1
  kind: Job
  metadata: {name: migrate, namespace: shop, uid: migrate-uid}
  spec: {parallelism: 1, completions: 1}
  status: {active: 1}
"""

CLUSTER = (
    "apiVersion: v1\nkind: List\nitems:\n"
    + _pod("web-7d9f8c6b5-abcde", "shop", ("ReplicaSet", "web-7d9f8c6b5"))
    + _pod("db-0", "shop", ("StatefulSet", "db"))
    + _pod("agent-x7k2p", "shop", ("DaemonSet", "agent"))
    + _pod("migrate-q8d9z", "shop", ("Job", "migrate"))
    + HEALTHY + CONTROLLERS
    + "".join(_pull_event(p, "shop") for p in ("web-7d9f8c6b5-abcde", "db-0", "agent-x7k2p", "migrate-q8d9z"))
)
WEB = ["Pod/shop/web-7d9f8c6b5-abcde"]


@pytest.fixture
def cluster(tmp_path: Path) -> str:
    p = tmp_path / "cluster.yaml"
    p.write_text(CLUSTER)
    return str(p)


def _refs(out: str) -> list[str]:
    return [s["ref"] for s in json.loads(out)["subjects"]]


# ---- 1 + 3: every documented --owner form parses, plural/short kinds select, a missing owner is exit 2 ------
@pytest.mark.parametrize(
    ("args", "code", "subjects"),
    [
        pytest.param(["pod", "--owner", "deployment/web", "-n", "shop"], 1, WEB,
                     id="the-readme-gate-owner-kind-slash-name-parses-and-selects"),
        pytest.param(["pod", "web", "--owner", "deployment"], 1, WEB, id="name-then-owner-kind"),
        pytest.param(["pod", "deployment/web", "--owner"], 1, WEB, id="kind-slash-name-then-bare-owner"),
        pytest.param(["pod", "web", "--owner"], 1, WEB, id="name-then-bare-owner-matches-any-kind"),
        pytest.param(["pod", "--owner", "web", "-n", "shop"], 1, WEB, id="owner-value-that-is-no-kind-is-the-name"),
        pytest.param(["pod", "web", "--owner", "deployments", "-n", "shop"], 1, WEB,
                     id="plural-kind-is-normalised-not-silently-empty"),
        pytest.param(["pod", "web", "--owner", "deploy"], 1, WEB, id="short-kind-deploy"),
        pytest.param(["pod", "--owner", "deployments.apps/web"], 1, WEB, id="kind-with-api-group"),
        pytest.param(["pod", "web-7d9f8c6b5", "--owner", "rs"], 1, WEB, id="short-kind-rs"),
        pytest.param(["pod", "db", "--owner", "sts"], 1, ["Pod/shop/db-0"], id="short-kind-sts"),
        pytest.param(["pod", "--owner", "ds/agent"], 1, ["Pod/shop/agent-x7k2p"], id="short-kind-ds"),
        pytest.param(["pod", "migrate", "--owner", "jobs"], 1, ["Pod/shop/migrate-q8d9z"], id="plural-kind-jobs"),
    ],
)
def test_owner_forms_select_the_owners_pods(cluster: str, args: list[str], code: int, subjects: list[str]) -> None:
    rc, out, err = run_cli(*args, "--from", cluster, "-o", "json", *NOW)
    assert (rc, err, _refs(out)) == (code, "", subjects)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["pod", "--owner", "deployment/nope", "-n", "shop"],
                     "Deployment 'nope' not found in namespace 'shop': no pod of the input belongs to it, and it is "
                     "not itself in the input", id="owner-name-matching-nothing-is-exit-2-not-nothing-stuck"),
        pytest.param(["pod", "--owner", "deployment/web", "-n", "staging"],
                     "Deployment 'web' not found in namespace 'staging': no pod of the input belongs to it, and it "
                     "is not itself in the input; it exists in namespace 'shop' (use -n shop)",
                     id="owner-in-another-namespace-says-where-it-is"),
        pytest.param(["pod", "wbe", "--owner", "deployment", "-n", "shop"],
                     "Deployment 'wbe' not found in namespace 'shop': no pod of the input belongs to it, and it is "
                     "not itself in the input; did you mean deployment/web?", id="owner-typo-gets-did-you-mean"),
        pytest.param(["pod", "--owner", "deployment"],
                     "pod --owner deployment: which deployment? Give its name: --owner deployment/NAME or "
                     "`pod NAME --owner deployment`", id="owner-kind-without-a-name"),
        pytest.param(["pod", "deployment/web", "--owner", "sts"],
                     "pod deployment/web --owner sts: two different kinds given", id="two-different-owner-kinds"),
        pytest.param(["pod", "x", "--owner", "cronjobs"],
                     "--owner: unknown kind 'cronjobs' (one of deployment, replicaset, statefulset, job, daemonset, "
                     "replicationcontroller, or kubectl's plural/short names such as deployments, deploy, rs, sts, "
                     "ds, jobs)", id="unknown-owner-kind"),
        pytest.param(["pod"], "pod: NAME is required (or --owner [KIND/]NAME for every pod of an owner)",
                     id="pod-without-a-name"),
    ],
)
def test_owner_errors_exit_2_with_a_message(cluster: str, args: list[str], message: str) -> None:
    rc, out, err = run_cli(*args, "--from", cluster, "-o", "json", *NOW)
    assert (rc, out, err) == (2, "", f"podwhy: {message}\n")


def test_readme_gate_as_a_user_types_it(cluster: str) -> None:
    p = subprocess.run([str(PODWHY), "pod", "--owner", "deployment/web", "-n", "shop", "-o", "json", "--from",
                        cluster, *NOW], capture_output=True, text=True, check=False)
    assert (p.returncode, p.stderr, _refs(p.stdout)) == (1, "", WEB)


# ---- 2: nothing to judge is an input error, not "nothing stuck" ---------------------------------------------
EVENTS_ONLY = """\
apiVersion: v1
kind: Event
metadata: {name: x.1, namespace: shop}
involvedObject: {kind: Pod, name: x, namespace: shop}
reason: Failed
message: boom
"""


@pytest.mark.parametrize(
    ("stdin", "args", "message"),
    [
        pytest.param(b"", ["scan", "--from", "-"],
                     "nothing was read from <stdin>: the input is empty (did the command before the pipe fail?); "
                     "nothing to diagnose", id="empty-stdin-is-exit-2"),
        pytest.param(b"# kubectl printed nothing\n", ["scan", "--from", "-"],
                     "nothing was read from <stdin>: the input is empty (did the command before the pipe fail?); "
                     "nothing to diagnose", id="comment-only-stdin-is-exit-2"),
        pytest.param(EVENTS_ONLY.encode(), ["scan", "--from", "-"],
                     "no pods (and no controllers) in the input, nothing to diagnose: read 1 Event from <stdin>. "
                     "Include the pods, e.g. `kubectl get pods,events -A -o yaml`", id="events-only-input-is-exit-2"),
        pytest.param(b"apiVersion: v1\nkind: List\nitems: []\n", ["pod", "x", "--from", "-"],
                     "nothing was read from <stdin>: the input is empty (did the command before the pipe fail?); "
                     "nothing to diagnose", id="empty-list-for-pod-is-exit-2"),
    ],
)
def test_input_without_pods_is_an_input_error(monkeypatch: pytest.MonkeyPatch, stdin: bytes, args: list[str],
                                              message: str) -> None:
    rc, out, err = run_cli(*args, stdin=stdin, monkeypatch=monkeypatch)
    assert (rc, out, err) == (2, "", f"podwhy: {message}\n")


def test_a_failed_kubectl_pipe_is_exit_2_as_a_user_runs_it() -> None:
    p = subprocess.run(["bash", "-c", f": | {PODWHY} scan --from -"], capture_output=True, text=True, check=False)
    assert (p.returncode, p.stdout, p.stderr) == (
        2, "", "podwhy: nothing was read from <stdin>: the input is empty (did the command before the pipe fail?); "
               "nothing to diagnose\n")


def test_events_only_file_names_the_file(tmp_path: Path) -> None:
    f = tmp_path / "events.yaml"
    f.write_text(EVENTS_ONLY)
    rc, out, err = run_cli("scan", "--from", str(f))
    assert (rc, out, err) == (2, "", f"podwhy: no pods (and no controllers) in the input, nothing to diagnose: read "
                                     f"1 Event from {f}. Include the pods, e.g. `kubectl get pods,events -A -o yaml`\n")


def test_controllers_without_pods_are_still_diagnosed(tmp_path: Path) -> None:
    """A controller that never created its pods is a subject: such input is not 'nothing to judge'."""
    f = tmp_path / "rs.yaml"
    f.write_text("""\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-1, namespace: shop, uid: rs-1}
spec: {replicas: 2}
status:
  replicas: 0
  conditions: [{type: ReplicaFailure, status: "True", reason: FailedCreate, message: "pods \\"web-1-x\\" is forbidden"}]
""")
    rc, out, err = run_cli("scan", "--from", str(f), "-o", "json")
    assert (rc, err, _refs(out)) == (1, "", ["ReplicaSet/shop/web-1"])


@pytest.mark.parametrize(
    ("namespaces", "asked", "message"),
    [
        pytest.param(["shop", "staging"], "prod",
                     "namespace 'prod' is not in the input: no pods or controllers there (namespaces in the input: "
                     "shop, staging)", id="scan-namespace-absent-lists-those-present"),
        pytest.param([f"ns{i}" for i in range(10)], "prod",
                     "namespace 'prod' is not in the input: no pods or controllers there (namespaces in the input: "
                     "ns0, ns1, ns2, ns3, ns4, ns5, ns6, ns7 and 2 more)", id="scan-namespace-absent-lists-a-few"),
    ],
)
def test_scan_of_a_namespace_absent_from_the_input(tmp_path: Path, namespaces: list[str], asked: str,
                                                   message: str) -> None:
    f = tmp_path / "pods.yaml"
    f.write_text("apiVersion: v1\nkind: List\nitems:\n" + "".join(
        HEALTHY.replace("staging", ns).replace("api-1", f"api-{ns}") for ns in reversed(namespaces)))
    rc, out, err = run_cli("scan", "-n", asked, "--from", str(f))
    assert (rc, out, err) == (2, "", f"podwhy: {message}\n")


# ---- 10: pod not found: where it is, or what was meant -----------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["pod", "api-1", "-n", "shop"],
                     "pod 'api-1' not found in namespace 'shop'; it exists in namespace 'staging' (use -n staging)",
                     id="pod-in-another-namespace-says-which"),
        pytest.param(["pod", "web-7d9f8c6b5-abcdf", "-n", "shop"],
                     "pod 'web-7d9f8c6b5-abcdf' not found in namespace 'shop'; did you mean web-7d9f8c6b5-abcde?",
                     id="pod-name-typo-gets-the-nearest-name"),
        pytest.param(["pod", "migrate", "-n", "shop"],
                     "pod 'migrate' not found in namespace 'shop'; did you mean migrate-q8d9z?",
                     id="owner-name-given-as-pod-name-suggests-its-pods"),
        pytest.param(["pod", "zzzzzz", "-n", "shop"], "pod 'zzzzzz' not found in namespace 'shop'",
                     id="nothing-similar-no-hint"),
        pytest.param(["pod", "api-2", "-n", "prod"],
                     "pod 'api-2' not found in namespace 'prod'; the input has no pods in that namespace "
                     "(namespaces in the input: shop, staging)", id="pod-in-a-namespace-absent-from-the-input"),
    ],
)
def test_pod_not_found_hints(cluster: str, args: list[str], message: str) -> None:
    rc, out, err = run_cli(*args, "--from", cluster)
    assert (rc, out, err) == (2, "", f"podwhy: {message}\n")


def test_pod_in_several_other_namespaces(tmp_path: Path) -> None:
    f = tmp_path / "pods.yaml"
    f.write_text("apiVersion: v1\nkind: List\nitems:\n" + HEALTHY + HEALTHY.replace("staging", "prod")
                 + HEALTHY.replace("staging", "dev").replace("api-1", "web"))
    rc, out, err = run_cli("pod", "api-1", "-n", "dev", "--from", str(f))
    assert (rc, out, err) == (2, "", "podwhy: pod 'api-1' not found in namespace 'dev'; it exists in namespaces "
                                     "'prod', 'staging' (use -n NAMESPACE)\n")


# ---- 4: a reader that stops early does not turn "stuck" into success ----------------------------------------
@pytest.mark.parametrize(
    ("cmd", "output"),
    [
        pytest.param([str(PODWHY)], "json", id="json-into-head-keeps-exit-1"),
        pytest.param([str(PODWHY)], "text", id="text-into-head-keeps-exit-1"),
        pytest.param([str(PODWHY)], "yaml", id="yaml-into-head-keeps-exit-1"),
        pytest.param([sys.executable, "-m", "podwhy"], "json", id="python-m-json-into-head-keeps-exit-1"),
    ],
)
def test_broken_pipe_keeps_the_reports_exit_code(cmd: list[str], output: str) -> None:
    # The example cluster's report (77-200 KB) is larger than a pipe's buffer: the write really breaks.
    writer = subprocess.Popen([*cmd, "scan", "--from", str(EXAMPLES), "-o", output, "--no-color"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.Popen(["head", "-c", "10"], stdin=writer.stdout, stdout=subprocess.PIPE)
    assert writer.stdout is not None and writer.stderr is not None
    writer.stdout.close()  # head alone holds the read end
    first, _ = head.communicate(timeout=120)
    stderr = writer.stderr.read()
    writer.wait(timeout=120)
    assert (writer.returncode, stderr, len(first)) == (1, b"", 10)


# ---- 5: a locale that cannot encode the glyphs -----------------------------------------------------------
UNICODE_CLUSTER = ("apiVersion: v1\nkind: List\nitems:\n"
                   + _pod("web-7d9f8c6b5-abcde", "shop") + _pull_event("web-7d9f8c6b5-abcde", "shop", " (Störung 日本)"))


@pytest.mark.parametrize(
    ("env", "encoding", "output", "expected"),
    [
        pytest.param({"PYTHONIOENCODING": "latin-1"}, "latin-1", "text",
                     ["x image.tag-not-found  [certain]", "(Störung \\u65e5\\u672c)", '> Event/shop/'],
                     id="latin-1-text-falls-back-to-ascii-glyphs"),
        pytest.param({"PYTHONIOENCODING": "latin-1"}, "latin-1", "markdown",
                     ["### image.tag-not-found - error, certain", "(Störung \\u65e5\\u672c)"],
                     id="latin-1-markdown-falls-back-to-ascii-glyphs"),
        pytest.param({"LC_ALL": "C", "PYTHONUTF8": "0"}, "ascii", "text",
                     ["x image.tag-not-found  [certain]", "(St\\xf6rung \\u65e5\\u672c)"],
                     id="c-locale-text-falls-back-to-ascii-and-escapes"),
        pytest.param({"LC_ALL": "C", "PYTHONUTF8": "0"}, "ascii", "markdown",
                     ["## `Pod/shop/web-7d9f8c6b5-abcde` - ImagePullBackOff", "(St\\xf6rung \\u65e5\\u672c)"],
                     id="c-locale-markdown-falls-back-to-ascii-and-escapes"),
    ],
)
def test_non_utf8_output_never_crashes(tmp_path: Path, env: dict[str, str], encoding: str, output: str,
                                       expected: list[str]) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(UNICODE_CLUSTER, encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8", "LC_ALL", "LANG")}
    p = subprocess.run([sys.executable, "-m", "podwhy", "scan", "--from", str(f), "-o", output, *NOW],
                       capture_output=True, env={**base, **env}, check=False)
    text = p.stdout.decode(encoding)  # decodes: every byte is of that encoding
    assert (p.returncode, p.stderr) == (1, b"")
    assert [e for e in expected if e not in text] == []
    assert not any(g in text for g in "✗▸“”●…—")


def test_utf8_output_keeps_the_glyphs(tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(UNICODE_CLUSTER, encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "podwhy", "scan", "--from", str(f), *NOW], capture_output=True,
                       env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)
    text = p.stdout.decode()
    assert (p.returncode, p.stderr) == (1, b"")
    assert "✗ image.tag-not-found  [certain]" in text and "(Störung 日本)" in text


# ---- 6: concatenated kubectl outputs lose nothing -----------------------------------------------------------
def _list_yaml(*pods: str) -> str:
    """`kubectl get pods -o yaml` as kubectl writes it (keys sorted: apiVersion, items, kind, metadata)."""
    return ("apiVersion: v1\nitems:\n" + "".join(_pod(p, "shop") for p in pods)
            + 'kind: List\nmetadata:\n  resourceVersion: ""\n')


def _list_json(*pods: str) -> str:
    items = [yaml.safe_load(_pod(p, "shop"))[0] for p in pods]
    return json.dumps({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}},
                      indent=4) + "\n"


@pytest.mark.parametrize(
    ("stdin", "subjects", "notes"),
    [
        pytest.param(_list_yaml("a-1", "a-2") + _list_yaml("b-1"), ["Pod/shop/a-1", "Pod/shop/a-2", "Pod/shop/b-1"],
                     ["<stdin> document 0: 2 documents concatenated without `---` (each starts with 'apiVersion' "
                      "again): all were read"], id="two-yaml-lists-concatenated-without-separator-are-both-read"),
        pytest.param(_list_yaml("a-1") + _list_yaml("b-1") + "---\n" + _list_yaml("c-1") + _list_yaml("d-1"),
                     ["Pod/shop/a-1", "Pod/shop/b-1", "Pod/shop/c-1", "Pod/shop/d-1"],
                     [f"<stdin> document {i}: 2 documents concatenated without `---` (each starts with 'apiVersion' "
                      "again): all were read" for i in (0, 1)], id="concatenation-inside-a-multi-document-stream"),
        pytest.param(_list_json("a-1", "a-2") + _list_json("b-1"), ["Pod/shop/a-1", "Pod/shop/a-2", "Pod/shop/b-1"],
                     [], id="two-json-documents-concatenated-are-both-read"),
    ],
)
def test_concatenated_outputs_are_all_read(monkeypatch: pytest.MonkeyPatch, stdin: str, subjects: list[str],
                                           notes: list[str]) -> None:
    rc, out, err = run_cli("scan", "--from", "-", "-o", "json", *NOW, stdin=stdin.encode(), monkeypatch=monkeypatch)
    assert (rc, err, _refs(out)) == (1, "", subjects)
    assert [n for n in json.loads(out)["notes"] if "concatenated" in n] == notes


def test_concatenation_that_cannot_be_cut_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two hand-written objects whose first keys differ: no safe cut, so no silent loss either.
    text = ("kind: Pod\napiVersion: v1\nmetadata: {name: a, namespace: shop}\n"
            "apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: shop}\n")
    rc, out, err = run_cli("scan", "--from", "-", stdin=text.encode(), monkeypatch=monkeypatch)
    assert (rc, out, err) == (2, "", "podwhy: <stdin> (document 0): top-level key 'apiVersion' appears twice (again "
                                     "at line 4): several outputs concatenated without `---` between them? Their "
                                     "objects would overwrite each other; put a line `---` between the documents\n")


# ---- 7: a young ContainerCreating pod whose cause is already certain ----------------------------------------
def _creating(events: str, secrets: str = "[]") -> str:
    return f"""\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-1, namespace: shop, uid: web-1-uid, creationTimestamp: "2026-11-20T09:59:20Z"}}
  spec:
    nodeName: node-1
    containers: [{{name: app, image: nginx:1.27}}]
    volumes: [{{name: tls, secret: {{secretName: web-tls}}}}]
  status:
    phase: Pending
    startTime: "2026-11-20T09:59:20Z"
    conditions: [{{type: PodScheduled, status: "True", lastTransitionTime: "2026-11-20T09:59:20Z"}}]
    containerStatuses:
    - name: app
      image: nginx:1.27
      state: {{waiting: {{reason: ContainerCreating}}}}
{events}---
apiVersion: v1
kind: SecretList
items: {secrets}
"""


_MOUNT = """\
- apiVersion: v1
  kind: Event
  metadata: {name: web-1.m, namespace: shop}
  involvedObject: {kind: Pod, name: web-1, namespace: shop, uid: web-1-uid}
  reason: FailedMount
  type: Warning
  message: 'MountVolume.SetUp failed for volume "tls" : secret "web-tls" not found'
  lastTimestamp: "2026-11-20T09:59:40Z"
"""
_SANDBOX = """\
- apiVersion: v1
  kind: Event
  metadata: {name: web-1.s, namespace: shop}
  involvedObject: {kind: Pod, name: web-1, namespace: shop, uid: web-1-uid}
  reason: FailedCreatePodSandBox
  type: Warning
  message: 'Failed to create pod sandbox: plugin type="host-local" failed (add): failed to allocate for range 0: no IP addresses available in range set'
  lastTimestamp: "2026-11-20T09:59:40Z"
"""
_SECRET = "[{apiVersion: v1, kind: Secret, metadata: {name: web-tls, namespace: shop}, type: kubernetes.io/tls}]"


@pytest.mark.parametrize(
    ("yaml_text", "code", "finding"),
    [
        pytest.param(_creating(_MOUNT), 1, ("start.config-missing", "certain"),
                     id="young-creating-pod-with-missing-secret-mount-is-stuck"),
        pytest.param(_creating(_SANDBOX), 1, ("start.sandbox-failed", "certain"),
                     id="young-creating-pod-with-ipam-exhausted-sandbox-is-stuck"),
        pytest.param(_creating(""), 0, None, id="young-creating-pod-without-events-is-fine"),
        pytest.param(_creating(_MOUNT, _SECRET), 0, None,
                     id="young-creating-pod-whose-secret-exists-now-is-fine"),
    ],
)
def test_young_container_creating_with_a_certain_cause(tmp_path: Path, yaml_text: str, code: int,
                                                       finding: tuple[str, str] | None) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(yaml_text)
    rc, out, err = run_cli("pod", "web-1", "-n", "shop", "--from", str(f), "-o", "json", *NOW)
    subjects = json.loads(out)["subjects"]
    got = [(s["ref"], s["state"], s["findings"][0]["code"], s["findings"][0]["confidence"]) for s in subjects]
    assert (rc, err, got) == (code, "", [("Pod/shop/web-1", "ContainerCreating", *finding)] if finding else [])


# ---- 10: --version and -o yaml --------------------------------------------------------------------------
def test_version_prints_the_package_version() -> None:
    rc, out, err = run_cli("--version")
    assert (rc, out, err) == (0, f"podwhy {version('podwhy')}\n", "")


def _key_order(doc: Any) -> Any:
    if isinstance(doc, dict):
        return [(k, _key_order(v)) for k, v in doc.items()]
    if isinstance(doc, list):
        return [_key_order(v) for v in doc]
    return None


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["scan"], 1, id="yaml-scan-round-trips-to-the-json-document"),
        pytest.param(["pod", "api-1"], 0, id="yaml-of-a-healthy-pod-round-trips"),
    ],
)
def test_yaml_output_is_the_json_document(cluster: str, args: list[str], code: int) -> None:
    rc_j, out_j, _ = run_cli(*args, "--from", cluster, "-o", "json", *NOW)
    rc_y, out_y, err = run_cli(*args, "--from", cluster, "-o", "yaml", *NOW)
    as_json, as_yaml = json.loads(out_j), yaml.safe_load(out_y)
    assert (rc_j, rc_y, err) == (code, code, "")
    assert as_yaml == as_json
    assert _key_order(as_yaml) == _key_order(as_json)


def test_yaml_on_a_real_stdout(cluster: str) -> None:
    p = subprocess.run([sys.executable, "-m", "podwhy", "scan", "--from", cluster, "-o", "yaml", *NOW],
                       capture_output=True, check=False)
    _, out, _ = run_cli("scan", "--from", cluster, "-o", "yaml", *NOW)
    assert (p.returncode, p.stderr, p.stdout) == (1, b"", out.encode())


# ---- 11: shell completion through argcomplete's protocol ----------------------------------------------------
@pytest.mark.parametrize(
    ("cmd", "line", "words"),
    [
        pytest.param([str(PODWHY)], "podwhy sc", ["scan "], id="completes-sc-to-scan"),
        pytest.param([str(PODWHY)], "podwhy pod --ow", ["--owner "], id="completes-an-option"),
        pytest.param([str(PODWHY)], "podwhy scan -o ", ["text", "json", "yaml", "markdown"],
                     id="completes-the-output-formats"),
        pytest.param([sys.executable, "-m", "podwhy"], "podwhy sc", ["scan "], id="python-m-completes-too"),
    ],
)
def test_shell_completion(tmp_path: Path, cmd: list[str], line: str, words: list[str]) -> None:
    answer = tmp_path / "completions"
    env = {**os.environ, "_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)),
           "_ARGCOMPLETE_STDOUT_FILENAME": str(answer)}
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=60)
    assert (p.returncode, p.stdout, answer.read_text().split("\x0b")) == (0, "", words)


# ---- 9: cold start: importing the CLI imports no analyzer and no heavy library ------------------------------
HEAVY = ("podwhy.analyzers.", "podwhy.diagnose", "podwhy.snapshot", "podwhy.render", "msgspec", "yaml", "rich",
         "kubernetes", "httpx", "rapidfuzz", "argcomplete")


def _imported_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    p = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return p.stdout.split()


def test_importing_the_cli_is_cheap() -> None:
    mods = _imported_after("import podwhy.cli")
    assert [m for m in mods if m.startswith(HEAVY)] == []


def test_public_names_resolve_lazily_to_the_same_objects() -> None:
    mods = _imported_after("import podwhy")
    assert [m for m in mods if m.startswith(HEAVY)] == []
    import podwhy
    from podwhy.diagnose import Selection, diagnose
    from podwhy.findings import Report

    assert (podwhy.diagnose, podwhy.Selection, podwhy.Report) == (diagnose, Selection, Report)


def test_an_image_pull_diagnosis_does_not_import_the_scheduler(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text(_list_json("a-1"))
    mods = _imported_after(f"from podwhy.cli import main\nimport io\nassert main(['pod', 'a-1', '--from', '{f}', "
                           "'-o', 'json'], stdout=io.StringIO()) == 1")
    assert "podwhy.analyzers.imagepull" in mods
    assert [m for m in mods if m.startswith(("podwhy.analyzers.scheduling", "podwhy.analyzers.volumes", "yaml",
                                            "rich", "kubernetes", "httpx"))] == []


# ---- 8: .ci/install-realparts.sh installs exactly what it found missing -------------------------------------
def _stub(d: Path, name: str, body: str) -> None:
    p = d / name
    p.write_text(f"#!/bin/sh\n{body}\n")
    p.chmod(0o755)


@pytest.mark.parametrize(
    ("present", "installed"),
    [
        pytest.param([], "docker-registry apache2-utils containerd runc busybox-static openssl iproute2 util-linux "
                         "kubernetes-client gcc libseccomp-dev containernetworking-plugins chromium",
                     id="fresh-machine-installs-every-missing-package-incl-kubectl-the-kubelet-tier-and-chromium"),
        pytest.param(["docker-registry", "htpasswd", "containerd", "runc", "openssl", "ip", "unshare", "gcc",
                      "chromium"],
                     "busybox-static kubernetes-client libseccomp-dev containernetworking-plugins",
                     id="only-kubectl-busybox-and-the-package-only-parts-missing-installs-just-those"),
        pytest.param(["docker-registry", "htpasswd", "containerd", "runc", "openssl", "ip", "unshare", "gcc",
                      "kubectl"],
                     "busybox-static libseccomp-dev containernetworking-plugins chromium",
                     id="no-browser-yet-installs-chromium-for-the-dashboard-tests"),
    ],
)
def test_install_realparts_installs_the_missing_packages(tmp_path: Path, present: list[str], installed: str) -> None:
    bin_dir, cache, log = tmp_path / "bin", tmp_path / "cache", tmp_path / "apt.log"
    bin_dir.mkdir()
    _stub(bin_dir, "id", "echo 0")
    _stub(bin_dir, "dpkg-query", "exit 1")  # busybox-static, libseccomp-dev, containernetworking-plugins not installed
    _stub(bin_dir, "apt-get", f'echo "$*" >> {log}')
    _stub(bin_dir, "grep", 'exec /bin/grep "$@"')
    for b in present:
        _stub(bin_dir, b, "exit 0")
    # containerd 1.7 already unpacked: the script skips that step.
    ctrd = cache / "containerd-1.7" / "usr" / "bin"
    ctrd.mkdir(parents=True)
    _stub(ctrd, "containerd", "echo 'containerd github.com/containerd/containerd 1.7.24'")
    p = subprocess.run(["/bin/bash", str(REPO / ".ci" / "install-realparts.sh")], capture_output=True, text=True,
                       env={"PATH": str(bin_dir), "PODWHY_REALPARTS_DIR": str(cache)}, check=False)
    assert p.returncode == 0, p.stderr
    assert log.read_text().splitlines() == ["update", f"install -y --no-install-recommends {installed}"]


# ---- follow-up podwhy commands of an offline report read the same input (issue 17) ----
@pytest.mark.parametrize(("sources", "want"), [
    pytest.param([str(EXAMPLES)], f"--probe-registry --from {EXAMPLES}   # asks the registry",
                 id="one-directory"),
    pytest.param([str(EXAMPLES / "shop.yaml"), str(EXAMPLES / "billing.yaml")],
                 f"--probe-registry --from {EXAMPLES / 'shop.yaml'} --from {EXAMPLES / 'billing.yaml'}   # asks",
                 id="every-from-in-order"),
])
def test_offline_followup_commands_keep_the_input(sources: list[str], want: str) -> None:
    args = [a for s in sources for a in ("--from", s)]
    rc, out, err = run_cli("scan", *args, "-o", "json", *NOW)
    assert rc == 1, err
    report = json.loads(out)
    cmds = [c for s in report["subjects"] for f in s["findings"] for c in (f.get("fix") or {}).get("commands", [])
            if c.startswith("podwhy ")]
    assert cmds, "the example cluster has image-pull pods with a --probe-registry follow-up"
    assert all(want in c for c in cmds), cmds
    group_cmds = [c for g in report["groups"] for c in (g.get("fix") or {}).get("commands", [])
                  if c.startswith("podwhy ")]
    assert all(want in c for c in group_cmds), group_cmds
