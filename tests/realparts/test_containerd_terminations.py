"""Real containerd 1.6 and 1.7 running real containers over CRI: how they end (exit codes, signals, OOM,
start errors) as the runtime reports them, and as the kubelet shows them (harness/terminations.py).

Every case runs in one host-network pod per containerd (the kubelet's call sequence: RunPodSandbox,
CreateContainer, StartContainer, ContainerStatus); the observed texts are recorded in
recorded/terminations-containerd-<minor>.json (PODWHY_REALPARTS_RECORD=1 rewrites them).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .harness import binaries
from .harness.registry import RegistryPair
from .harness.terminations import (
    CGROUP_ROOT,
    ContainerRun,
    Normaliser,
    PodRun,
    Runner,
    case_record,
    kubelet_view,
    run_image,
    run_pod,
    runc_version,
    start_runner,
)
from .recording import CANONICAL_PORTS, RECORD_ENV, RECORDED_DIR, dump
from .scenarios import VERSIONS

pytestmark = pytest.mark.realparts

MIB = 1024 * 1024
# containerd's CRI creates the task (`runc create`) in StartContainer, not in CreateContainer: an entrypoint
# that cannot be found or executed fails StartContainer, wrapped by containerd, the shim and runc like this.
RUNC_CREATE = "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: "


@dataclass(frozen=True)
class Case:
    id: str
    command: tuple[str, ...]
    reason: str  # CRI ContainerStatus.reason once exited
    exit_code: int
    memory_limit: int | None = None
    start_error: str | None = None  # StartContainer fails with exactly this desc; None: it starts
    log: str | None = None  # the last CRI log line
    note: str = ""

    @property
    def run(self) -> ContainerRun:
        return ContainerRun(name=self.id, command=self.command, memory_limit=self.memory_limit)


# A child shell kills itself so that the dying process is not PID 1 (see segfault-kill-self-pid1); the
# outer shell then exits 128+N itself, as `sh -c` entrypoints do in real images.
def _child_killed_by(signal: str) -> tuple[str, ...]:
    return ("sh", "-c", f'sh -c "kill -{signal} \\$\\$"; exit $?')


CASES: tuple[Case, ...] = (
    Case(
        "exit-1",
        ("sh", "-c", 'echo "Error: cannot connect to database at db:5432" >&2; exit 1'),
        "Error",
        1,
        log="Error: cannot connect to database at db:5432",
    ),
    Case("exit-0", ("sh", "-c", "echo done; exit 0"), "Completed", 0, log="done"),
    Case(
        "segfault",
        ("/app/segv",),
        "Error",
        139,
        note="a hand-made amd64 ELF that writes to address 0: PID 1 itself dies of SIGSEGV (128+11)",
    ),
    Case(
        "segfault-kill-self-pid1",
        ("sh", "-c", "kill -SEGV $$"),
        "Completed",
        0,
        note="sh is PID 1 of the container's own PID namespace (the kubelet's default without "
        "shareProcessNamespace); the kernel drops a signal a namespace's init sends itself when it has no "
        "handler for it, so the shell goes on and exits 0",
    ),
    Case("sigabrt", _child_killed_by("ABRT"), "Error", 134, log="Aborted"),
    Case("sigterm", _child_killed_by("TERM"), "Error", 143, log="Terminated"),
    Case(
        "sigkill",
        _child_killed_by("KILL"),
        "Error",
        137,
        log="Killed",
        note="137 without an OOM kill: the reason stays Error",
    ),
    Case(
        "oom",
        ("sh", "-c", "tail /dev/zero; exit $?"),
        "OOMKilled",
        137,
        memory_limit=16 * MIB,
        log="Killed",
        note="tail (buffering one endless line) is OOM-killed, the shell reports it and exits 137; the reason "
        "comes from the cgroup's OOM event, not from the exit code. Not `head -c 100m /dev/zero | tail`: "
        "there head keeps allocating pipe buffers after tail's kill, and the kernel then sometimes OOM-kills "
        "the shell (PID 1) as well, so the log line comes and goes",
    ),
    Case(
        "oom-pid1",
        ("tail", "/dev/zero"),
        "OOMKilled",
        137,
        memory_limit=16 * MIB,
        note="the container's PID 1 itself is OOM-killed: no log line at all",
    ),
    Case(
        "command-not-found",
        ("no-such-binary",),
        "StartError",
        128,
        start_error=RUNC_CREATE + 'exec: "no-such-binary": executable file not found in $PATH: unknown',
    ),
    Case(
        "command-not-found-absolute",
        ("/app/missing",),
        "StartError",
        128,
        start_error=RUNC_CREATE
        + 'exec: "/app/missing": stat /app/missing: no such file or directory: unknown',
    ),
    Case(
        "exec-format-error",
        ("/app/arm64",),
        "Error",
        1,
        log="exec /app/arm64: exec format error",
        note="an aarch64 ELF on this amd64 node: runc checks the entrypoint (LookPath) when the task is "
        "created, but execve()s it only after StartContainer returned, so ENOEXEC is no StartError: runc's "
        "init prints it to the container's stderr and exits 1",
    ),
    Case(
        "permission-denied",
        ("/app/not-executable",),
        "StartError",
        128,
        start_error=RUNC_CREATE + 'exec: "/app/not-executable": permission denied: unknown',
    ),
    Case(
        "termination-message",
        (
            "sh",
            "-c",
            'echo "config key DATABASE_URL is missing" > /dev/termination-log; echo starting; exit 2',
        ),
        "Error",
        2,
        log="starting",
        note="CRI never reads /dev/termination-log (status.message stays empty); the kubelet reads the host "
        "file it mounted there and puts it into terminated.message",
    ),
)
CASES_BY_ID = {case.id: case for case in CASES}
TERMINATION_MESSAGE = "config key DATABASE_URL is missing\n"


def recorded_path(version: str) -> Path:
    return RECORDED_DIR / f"terminations-containerd-{version}.json"


@dataclass
class Observed:
    runner: Runner
    pod: PodRun
    record: dict[str, Any]


@dataclass
class Terminations:
    """Every case run once per containerd version (on first use), then recorded; all stopped at the end."""

    work: Path
    registries: RegistryPair
    by_version: dict[str, Observed] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def __call__(self, version: str) -> Observed:
        if version in self.failed:
            pytest.fail(self.failed[version], pytrace=False)
        if version not in self.by_version:
            try:
                self.by_version[version] = self._run(version)
            except (binaries.MissingBinaryError, RuntimeError) as err:
                self.failed[version] = f"containerd {version} could not run the cases: {err}"
                pytest.fail(self.failed[version], pytrace=False)
        return self.by_version[version]

    def _run(self, version: str) -> Observed:
        plain = self.registries.plain
        image = plain.ref("probe/run", "v1")
        work = self.work / f"term-{version}"
        runner = start_runner(version, work, sandbox_image=plain.ref("probe/pause", "pause"))
        try:
            pulled = runner.daemon.pull(image)
            if not pulled.ok:
                raise RuntimeError(f"pull {image}: {pulled.grpc_error}")
            pod = run_pod(runner, work, image, (case.run for case in CASES))
            normalise = Normaliser(work=work, ports={plain.port: CANONICAL_PORTS["plain"]})
            record = {
                "containerd": runner.daemon.server_version(),
                "runc": runc_version(runner),
                "about": {
                    "cri": "one host-network pod (NamespaceMode NODE, pid CONTAINER), RunPodSandbox / "
                    "CreateContainer / StartContainer / ContainerStatus via the PyPI "
                    "container-runtime-interface-api client; image: harness/terminations.py run_image",
                    "startError": "Go gRPC status text of the failing CRI call, as the kubelet receives it",
                    "status": "CRI ContainerStatus once exited (read again 1 s later, when the OOM event is in)",
                    "logTail": "message part of the last lines of the container's CRI log file",
                    "kubelet": "rendered with the kubelet's rules (harness/terminations.py kubelet_view): event "
                    "and waiting state of a failed start, terminated state for terminationMessagePolicy File "
                    "(the default) and FallbackToLogsOnError",
                    "normalised": "container/sandbox ids -> <id>, the run's work directory -> <dir>, registry "
                    "port -> 5000",
                    "generated_by": "PODWHY_REALPARTS_RECORD=1 pytest -m realparts "
                    "tests/realparts/test_containerd_terminations.py",
                },
                "cases": {
                    case.id: case_record(pod.terminations[case.id], normalise, case.note) for case in CASES
                },
            }
        except BaseException:
            runner.stop()
            raise
        self._write(version, record)
        return Observed(runner=runner, pod=pod, record=record)

    def _write(self, version: str, record: dict[str, Any]) -> None:
        """Always into the scratch dir; into the repo's recorded/ only when re-recording (as recording.py)."""
        text = dump(record)
        scratch = self.work / "recorded"
        scratch.mkdir(parents=True, exist_ok=True)
        (scratch / recorded_path(version).name).write_text(text)
        if os.environ.get(RECORD_ENV) == "1":
            target = recorded_path(version)
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(text)
            tmp.replace(target)

    def stop(self) -> None:
        for observed in self.by_version.values():
            observed.runner.stop()


@pytest.fixture(scope="module")
def terminations(realparts_work: Path, registries: RegistryPair) -> Iterator[Terminations]:
    try:
        busybox = binaries.busybox_static()
    except binaries.MissingBinaryError as err:
        pytest.fail(str(err), pytrace=False)
    registries.plain.push([run_image(busybox)])
    runs = Terminations(work=realparts_work, registries=registries)
    try:
        yield runs
    finally:
        runs.stop()


def _params() -> list[object]:
    return [
        pytest.param(version, case, id=f"containerd-{version}-{case.id}")
        for version in VERSIONS
        for case in CASES
    ]


VERSION_PARAMS = [pytest.param(v, id=f"containerd-{v}") for v in VERSIONS]


@pytest.mark.parametrize(("version", "case"), _params())
def test_container_ends_as_the_runtime_says(version: str, case: Case, terminations: Terminations) -> None:
    t = terminations(version).pod.terminations[case.id]
    assert t.state == "CONTAINER_EXITED", (t.state, t.reason, t.start_error)
    assert (t.reason, t.exit_code) == (case.reason, case.exit_code), t.log_messages
    if case.start_error is None:
        assert t.start_error is None
        assert t.message == ""
    else:
        assert t.failed_call == "StartContainer"
        assert t.start_error == f"rpc error: code = Unknown desc = {case.start_error}"
        # containerd keeps the failed start as the exited status's message, without the gRPC prefix.
        assert t.message == case.start_error
    if case.log is None:
        assert t.log_messages == []
    else:
        assert t.log_messages[-1:] == [case.log]
    # The kubelet reads the CRI log file the runtime wrote; it exists even for a container that never ran.
    assert t.log_path is not None
    assert t.log_path.is_file()


@pytest.mark.parametrize(("version", "case"), _params())
def test_kubelet_view_follows_the_kubelet_rules(version: str, case: Case, terminations: Terminations) -> None:
    t = terminations(version).pod.terminations[case.id]
    view = kubelet_view(t)
    if case.start_error is not None:
        assert view["event"] == {
            "type": "Warning",
            "reason": "Failed",
            "message": f"Error: {case.start_error}",
        }
        assert view["waiting"] == {"reason": "RunContainerError", "message": case.start_error}
    else:
        assert "event" not in view
        assert "waiting" not in view
    file_message = TERMINATION_MESSAGE if case.id == "termination-message" else ""
    assert view["terminated"] == {
        "reason": case.reason,
        "exitCode": case.exit_code,
        "message": (case.start_error or "")
        + (": " if case.start_error and file_message else "")
        + file_message,
    }
    fallback = view["terminatedFallbackToLogsOnError"]
    if case.exit_code == 0 or file_message or case.start_error:
        # exit 0: no fallback; a written termination file wins; a failed start wrote an empty log.
        assert fallback == view["terminated"]
    else:
        assert fallback["message"] == "".join(line + "\n" for line in t.log_messages)


@pytest.mark.parametrize("version", VERSION_PARAMS)
def test_the_pod_is_cleaned_up_completely(version: str, terminations: Terminations) -> None:
    observed = terminations(version)
    assert observed.pod.leftover_containers == []
    assert observed.pod.leftover_sandboxes == []
    assert observed.pod.leftover_shims == []
    # runc removed every container's cgroup; only the (empty) pod cgroup is left until the runner stops.
    parent = observed.runner.cgroup_parent.lstrip("/")
    assert [p for h in CGROUP_ROOT.glob("*") for p in (h / parent).glob("*") if p.is_dir()] == []
    # The whole run stays well inside the tier's budget.
    assert observed.pod.seconds < 30


@pytest.mark.parametrize("version", VERSION_PARAMS)
def test_nothing_is_looked_up_in_dns(version: str, terminations: Terminations) -> None:
    assert terminations(version).runner.daemon.dns_queries() == []


@pytest.mark.parametrize("version", VERSION_PARAMS)
def test_recorded_terminations_match_this_run(version: str, terminations: Terminations) -> None:
    observed = terminations(version).record
    recorded = json.loads(recorded_path(version).read_text())
    assert sorted(recorded["cases"]) == sorted(CASES_BY_ID)
    if (recorded["containerd"], recorded["runc"]) == (observed["containerd"], observed["runc"]):
        assert recorded["cases"] == observed["cases"], (
            f"{recorded_path(version)} is stale: re-record with {RECORD_ENV}=1"
        )
    text = recorded_path(version).read_text()
    assert str(terminations(version).runner.daemon.work) not in text
