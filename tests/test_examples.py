"""The bundled example clusters are the acceptance test of every analyzer.

examples/cluster/ (and its `kubectl cluster-info dump` forms) and examples/maintenance/ hold one
stuck subject per cause of catalog.md; examples/expected.json and examples/expected-maintenance.json
name the cause code that must come FIRST for each subject. Healthy pods must never be reported.
"""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from podwhy.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CLUSTER, DUMP, MAINTENANCE = EXAMPLES / "cluster", EXAMPLES / "dump", EXAMPLES / "maintenance"
OUTAGE = EXAMPLES / "outage"
DUMP_STDOUT = ROOT / "tests" / "fixtures" / "dump-stdout.txt"
# `kubectl cluster-info dump` writes only these kinds (clusterinfo_dump.go); subjects of other kinds
# (a StatefulSet that cannot create its pods, a Job) cannot appear in a dump.
DUMP_KINDS = {"Pod", "ReplicaSet", "Deployment", "DaemonSet", "ReplicationController"}


@cache
def scan(*sources: str, stdin: bytes | None = None) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    argv = ["scan", "-A", "-o", "json"]
    for s in sources:
        argv += ["--from", s]
    if stdin is not None:
        saved = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
        try:
            code = main(argv, stdout=out, stderr=err)
        finally:
            sys.stdin = saved
    else:
        code = main(argv, stdout=out, stderr=err)
    assert err.getvalue() == "", err.getvalue()
    return code, json.loads(out.getvalue())


def refs(report: dict[str, Any]) -> set[str]:
    return {s["ref"] for s in report["subjects"]}


def expected(example: Path) -> dict[str, str]:
    # Kept beside, not inside, the example directories: `--from DIR` reads every .json/.yaml in DIR.
    path = EXAMPLES / ("expected.json" if example == CLUSTER else f"expected-{example.name}.json")
    data: dict[str, str] = json.loads(path.read_text())
    return data


def test_the_example_cluster_reports_exactly_the_stuck_subjects_and_no_healthy_pod() -> None:
    code, report = scan(str(CLUSTER))
    assert (code, report["source"], sorted(refs(report))) == (
        1, {"kind": "files", "detail": str(CLUSTER)}, sorted(expected(CLUSTER)))


@pytest.mark.parametrize("example", [MAINTENANCE, OUTAGE], ids=lambda p: p.name)
def test_the_small_clusters_report_exactly_their_stuck_pods(example: Path) -> None:
    code, report = scan(str(example))
    assert (code, sorted(refs(report))) == (1, sorted(expected(example)))


def test_the_dump_directory_gives_the_same_stuck_subjects_as_the_yaml() -> None:
    _, yaml_report = scan(str(CLUSTER))
    code, dump_report = scan(str(DUMP))
    assert (code, dump_report["source"]["kind"]) == (1, "dump")
    assert refs(dump_report) == {r for r in refs(yaml_report) if r.split("/", 1)[0] in DUMP_KINDS}


def test_the_dump_on_stdout_gives_the_same_stuck_subjects_as_the_dump_directory() -> None:
    code, report = scan("-", stdin=DUMP_STDOUT.read_bytes())
    _, dump_report = scan(str(DUMP))
    assert (code, report["source"]["kind"], refs(report)) == (1, "dump", refs(dump_report))


def _load_make_dump() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_dump", EXAMPLES / "make_dump.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_committed_dumps_are_what_make_dump_writes_from_the_yaml(tmp_path: Path) -> None:
    make_dump = _load_make_dump()
    assert make_dump.main(["--out", str(tmp_path / "dump")]) == 0
    assert make_dump.main(["--stdout", str(tmp_path / "stdout.txt")]) == 0
    written = sorted(p.relative_to(tmp_path / "dump") for p in (tmp_path / "dump").rglob("*") if p.is_file())
    committed = sorted(p.relative_to(DUMP) for p in DUMP.rglob("*") if p.is_file())
    assert written == committed
    stale = [str(p) for p in written if (tmp_path / "dump" / p).read_bytes() != (DUMP / p).read_bytes()]
    assert stale == [], "run: python examples/make_dump.py && python examples/make_dump.py --stdout " \
                        "tests/fixtures/dump-stdout.txt"
    assert (tmp_path / "stdout.txt").read_bytes() == DUMP_STDOUT.read_bytes()


def _cases() -> list[Any]:
    out = []
    for example in (CLUSTER, MAINTENANCE, OUTAGE):
        for ref, code in expected(example).items():
            out.append(pytest.param(example, ref, code, id=f"{example.name}:{ref}->{code}"))
    return out


@pytest.mark.parametrize(("example", "ref", "code"), _cases())
def test_the_expected_cause_comes_first(example: Path, ref: str, code: str) -> None:
    _, report = scan(str(example))
    subject = next((s for s in report["subjects"] if s["ref"] == ref), None)
    assert subject is not None, f"{ref} not reported"
    got = [f["code"] for f in subject["findings"]]
    assert got[:1] == [code], f"{ref}: findings {got}"


def _example_files() -> list[Any]:
    files = [*sorted(CLUSTER.glob("*.yaml")), MAINTENANCE / "cluster.yaml", OUTAGE / "cluster.yaml"]
    return [pytest.param(f, id=str(f.relative_to(EXAMPLES))) for f in files]


def _object_count(path: Path) -> int:
    n = 0
    for doc in yaml.safe_load_all(path.read_text()):
        if doc:
            n += len(doc["items"]) if doc.get("kind") == "List" else 1
    return n


@pytest.fixture(scope="module")
def kubectl_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., subprocess.CompletedProcess[str]]]:
    """kubectl pointed at the loopback fake API server of the live tests: `create --dry-run=client`
    needs discovery only, and no request leaves the machine."""
    from live.apiserver import FakeAPIServer, Rules, write_kubeconfig

    kubectl = shutil.which("kubectl")
    assert kubectl is not None, "kubectl is not installed: `apt-get install kubernetes-client` provides it"
    home = tmp_path_factory.mktemp("kubectl")
    with FakeAPIServer(Rules(tokens=None)) as api:
        kubeconfig = write_kubeconfig(home / "kubeconfig", api.url, token=None)
        argv = [kubectl, "--kubeconfig", str(kubeconfig), "--cache-dir", str(home / "cache")]
        env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin"}

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*argv, *args], capture_output=True, text=True, timeout=120, check=False, env=env)

        yield run


@pytest.mark.parametrize("path", _example_files())
def test_kubectl_accepts_every_object_of_the_examples(
        path: Path, kubectl_run: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    done = kubectl_run("create", "--dry-run=client", "--validate=false", "-f", str(path), "-o", "name")
    assert (done.returncode, done.stderr) == (0, "")
    assert len(done.stdout.splitlines()) == _object_count(path)
