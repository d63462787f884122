"""Real containers run by a real containerd over CRI, and how the kubelet shows their end.

Mirrors upstream:
  * The kubelet's CRI call sequence for one pod (pkg/kubelet/kuberuntime/kuberuntime_sandbox.go,
    kuberuntime_container.go startContainer, 1.2x-1.35): RunPodSandbox, then per container CreateContainer
    (config + sandbox config), StartContainer, then ContainerStatus once the runtime reports it exited. Like
    the kubelet: host network (NamespaceMode NODE, no CNI), pid namespace per container (CONTAINER, the
    default without shareProcessNamespace), a cgroup parent per pod, log path `<container>/<restart>.log`
    under the pod's log directory, and an empty host file mounted at /dev/termination-log
    (makeMounts, the default terminationMessagePath).
  * The CRI log format `<RFC3339Nano> <stdout|stderr> <P|F> <message>` (kubelet
    pkg/kubelet/kuberuntime/logs/logs.go parseCRILog; containerd pkg/cri/io/logger.go).
  * What the kubelet makes of it (`kubelet_view`, rules cited there).

The containerd here runs in its own PID namespace (`unshare -p --fork --kill-child --mount-proc`) as its
PID 1: containerd's shims leave containerd's process group on purpose (they must survive a containerd
restart), so stopping containerd by PID would not stop them; a PID namespace does, because the kernel kills
every process of a namespace when its PID 1 dies, and `--kill-child` (PR_SET_PDEATHSIG in the child) ties
that PID 1 to the test process (procs.py's setpriv --pdeathsig chain). Nothing started here can outlive the
test process, even when it is SIGKILLed. Everything else (config, mount namespace, resolv.conf pointing at
the NXDOMAIN stub) is the same as containerd.py's daemons.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import random
import re
import struct
import subprocess
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc  # type: ignore[import-untyped]
from cri_api.v1 import api_pb2
from cri_api.v1.api_pb2_grpc import RuntimeServiceStub

from . import oci
from .binaries import containerd_bin_dir, require
from .containerd import Containerd, start_containerd
from .kubelet import go_code_name, grpc_error

# ---------------------------------------------------------------------------------------------------------
# The image: busybox-static plus hand-made entrypoints for the failure kinds
# ---------------------------------------------------------------------------------------------------------

RUN_REPO, RUN_TAG = "probe/run", "v1"
# What `docker build` puts into every image from a Debian/Alpine base; without it, PATH comes from
# containerd's default spec, and a PATH lookup would test containerd's default instead of the image's.
IMAGE_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BUSYBOX_APPLETS = ("sh", "head", "tail", "sleep", "cat")

EM_X86_64, EM_AARCH64 = 62, 183
# x86-64: xor eax,eax; mov byte [rax],42 (a write to address 0: a genuine SIGSEGV of PID 1, which the
# kernel delivers even to a namespace's init); then exit(0) in case the page were ever mapped.
_X86_64_NULL_WRITE = bytes.fromhex("31c0 c6002a b83c000000 31ff 0f05")
# aarch64: mov x0,#0; mov x8,#93 (exit); svc #0. Never runs on this amd64 node: the kernel's ELF loader
# rejects e_machine 183 with ENOEXEC (no binfmt_misc/qemu here), which is exactly the arm64-image case.
_AARCH64_EXIT0 = bytes.fromhex("000080d2 a80b80d2 010000d4")


def elf_executable(machine: int, code: bytes) -> bytes:
    """A minimal static ELF64 little-endian ET_EXEC: one PT_LOAD (R+X) mapping the whole file at 0x400000.

    Layout per the System V gABI: 64-byte header, one 56-byte program header, then the code (entry point).
    """
    base, ehsize, phsize = 0x400000, 64, 56
    size = ehsize + phsize + len(code)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)  # ELFCLASS64, ELFDATA2LSB, EV_CURRENT, SYSV ABI
    header = ident + struct.pack(
        "<HHIQQQIHHHHHH", 2, machine, 1, base + ehsize + phsize, ehsize, 0, 0, ehsize, phsize, 1, 0, 0, 0
    )
    program = struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, size, size, 0x1000)
    return header + program + code


def run_image(busybox: Path) -> oci.Image:
    """probe/run:v1 - busybox-static with applet links, and under /app: `segv` (amd64 binary that
    segfaults), `arm64` (an aarch64 binary), `not-executable` (a script without the execute bit)."""
    entries = [
        oci.FileEntry("bin", is_dir=True),
        oci.FileEntry("bin/busybox", busybox.read_bytes(), mode=0o755),
    ]
    entries += [oci.FileEntry(f"bin/{applet}", symlink_to="busybox") for applet in BUSYBOX_APPLETS]
    entries += [
        oci.FileEntry("app", is_dir=True),
        oci.FileEntry("app/segv", elf_executable(EM_X86_64, _X86_64_NULL_WRITE), mode=0o755),
        oci.FileEntry("app/arm64", elf_executable(EM_AARCH64, _AARCH64_EXIT0), mode=0o755),
        oci.FileEntry("app/not-executable", b"#!/bin/sh\necho never runs\n", mode=0o644),
    ]
    tar = oci.layer_tar(entries)
    layer = oci.Blob(oci.OCI_LAYER_GZIP, oci.gzip_bytes(tar))
    config = oci.Blob(
        oci.OCI_CONFIG,
        oci.canonical_json(
            {
                "architecture": "amd64",
                "os": "linux",
                "created": "1970-01-01T00:00:00Z",
                "config": {"Env": [IMAGE_PATH], "Cmd": ["/bin/sh"]},
                "rootfs": {"type": "layers", "diff_ids": [oci.sha256_digest(tar)]},
            }
        ),
    )
    manifest = oci.Blob(
        oci.OCI_MANIFEST,
        oci.canonical_json(
            {
                "schemaVersion": 2,
                "mediaType": oci.OCI_MANIFEST,
                "config": config.descriptor(),
                "layers": [layer.descriptor()],
            }
        ),
    )
    return oci.Image(RUN_REPO, RUN_TAG, manifest, blobs=(config, layer), config_digest=config.digest)


# ---------------------------------------------------------------------------------------------------------
# containerd in its own PID namespace
# ---------------------------------------------------------------------------------------------------------

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass
class Runner:
    """A containerd that may run containers; `stop()` ends it, every shim and container, and its cgroups."""

    daemon: Containerd
    cgroup_parent: str  # "/podwhy-rp-<hex>": the kubelet's pod cgroup stand-in, removed again by stop()

    @property
    def version(self) -> str:
        return self.daemon.version

    def stop(self) -> None:
        self.daemon.stop()
        remove_cgroup_tree(self.cgroup_parent)


def start_runner(version: str, work: Path, *, sandbox_image: str) -> Runner:
    daemon = start_containerd(version, work, sandbox_image=sandbox_image, pid_namespace=True)
    runner = Runner(daemon=daemon, cgroup_parent=f"/podwhy-rp-{uuid.uuid4().hex[:12]}")
    # Fixture teardown stops it; this covers an interpreter exit that skips the teardown.
    atexit.register(runner.stop)
    return runner


def remove_cgroup_tree(parent: str, wait: float = 2.0) -> None:
    """rmdir the pod cgroup (and any leaf runc left) in every hierarchy, deepest first. A cgroup whose
    processes are still being killed (the PID namespace just went away) is busy for a moment: retry."""
    deadline = time.monotonic() + wait
    while True:
        left = []
        for hierarchy in CGROUP_ROOT.glob("*"):
            top = hierarchy / parent.lstrip("/")
            if not top.is_dir():
                continue
            for path, _dirs, _files in sorted(os.walk(top), key=lambda entry: -len(entry[0])):
                try:
                    os.rmdir(path)
                except OSError:
                    left.append(path)
        if not left or time.monotonic() > deadline:
            return
        time.sleep(0.05)


def runc_version(runner: Runner) -> str:
    """First line of `runc --version` for the runc the shim runs (first on the daemon's PATH)."""
    runc = require("runc")
    for directory in (containerd_bin_dir(runner.version), Path("/usr/sbin"), Path("/usr/bin")):
        if (directory / "runc").is_file():
            runc = str(directory / "runc")
            break
    out = subprocess.run([runc, "--version"], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0]


def shim_pids(runner: Runner) -> list[int]:
    """PIDs of containerd-shim-runc-v2 processes serving this containerd (their argv names its socket)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if (
            argv
            and argv[0].endswith(b"containerd-shim-runc-v2")
            and str(runner.daemon.socket).encode() in argv
        ):
            found.append(int(entry.name))
    return found


# ---------------------------------------------------------------------------------------------------------
# One pod, many containers
# ---------------------------------------------------------------------------------------------------------

TERMINATION_MESSAGE_PATH = "/dev/termination-log"  # the API default of terminationMessagePath
_CRI_LOG_LINE = re.compile(r"^(\S+) (stdout|stderr) ([PF]) (.*)$")


@dataclass(frozen=True)
class ContainerRun:
    """What one container is asked to do."""

    name: str
    command: tuple[str, ...]
    memory_limit: int | None = None  # LinuxContainerResources.memory_limit_in_bytes (the pod's limit)


@dataclass
class Termination:
    """What the runtime said about one container: the failing call's error, the exited status, the log."""

    run: ContainerRun
    container_id: str = ""
    failed_call: str | None = None  # "CreateContainer" / "StartContainer" when that call failed
    grpc_code: str | None = None
    grpc_details: str | None = None
    state: str = ""
    first_reason: str = ""  # reason in the first ContainerStatus that said EXITED
    reason: str = ""
    exit_code: int | None = None
    message: str = ""
    log_path: Path | None = None
    log_messages: list[str] = field(default_factory=list)  # message parts of the CRI log, in order
    termination_log: Path | None = None  # host file behind /dev/termination-log
    mounts: list[tuple[str, str]] = field(default_factory=list)  # (container_path, host_path) per status

    @property
    def start_error(self) -> str | None:
        """The Go gRPC error text of the failing call, as the kubelet's CRI client receives it."""
        if self.grpc_code is None or self.grpc_details is None:
            return None
        return grpc_error(self.grpc_code, self.grpc_details)


@dataclass
class PodRun:
    """All containers of one pod, and proof of the cleanup afterwards."""

    sandbox_id: str
    terminations: dict[str, Termination]
    leftover_containers: list[str]
    leftover_sandboxes: list[str]
    leftover_shims: list[int]
    seconds: float


def _go_error(err: grpc.RpcError) -> tuple[str, str]:
    return go_code_name(err.code()), str(err.details())


class Pod:
    """A host-network pod sandbox on `runner`, configured the way the kubelet configures one."""

    def __init__(self, runner: Runner, work: Path, name: str) -> None:
        self.runner = runner
        self.stub = RuntimeServiceStub(runner.daemon.channel())  # type: ignore[no-untyped-call]
        self.uid = str(uuid.uuid4())
        self.dir = work / "pods" / self.uid  # kubelet: /var/lib/kubelet/pods/<uid>
        self.log_dir = work / "logs" / f"default_{name}_{self.uid}"  # kubelet: /var/log/pods/<ns>_<pod>_<uid>
        self.log_dir.mkdir(parents=True, exist_ok=True)
        namespaces = api_pb2.NamespaceOption(network=api_pb2.NODE, pid=api_pb2.CONTAINER, ipc=api_pb2.POD)
        self.namespaces = namespaces
        # No hostname: runc refuses one without a private UTS namespace (test-infra.md 3b).
        self.config = api_pb2.PodSandboxConfig(
            metadata=api_pb2.PodSandboxMetadata(name=name, uid=self.uid, namespace="default", attempt=0),
            log_directory=str(self.log_dir),
            linux=api_pb2.LinuxPodSandboxConfig(
                cgroup_parent=runner.cgroup_parent,
                security_context=api_pb2.LinuxSandboxSecurityContext(namespace_options=namespaces),
            ),
        )
        self.sandbox_id = ""
        self.container_ids: list[str] = []

    def __enter__(self) -> Pod:
        # 4 minutes like the kubelet would be far too long for a test; a sandbox takes ~0.3 s here.
        request = api_pb2.RunPodSandboxRequest(config=self.config)
        self.sandbox_id = str(self.stub.RunPodSandbox(request, timeout=60).pod_sandbox_id)
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def create_and_start(self, run: ContainerRun, image: str) -> Termination:
        result = Termination(run=run)
        # kubelet makeMounts: an empty host file per container instance, mounted at terminationMessagePath.
        container_dir = self.dir / "containers" / run.name
        container_dir.mkdir(parents=True, exist_ok=True)
        result.termination_log = container_dir / f"{random.getrandbits(32):08x}"
        result.termination_log.touch()
        resources = api_pb2.LinuxContainerResources(memory_limit_in_bytes=run.memory_limit or 0)
        config = api_pb2.ContainerConfig(
            metadata=api_pb2.ContainerMetadata(name=run.name, attempt=0),
            image=api_pb2.ImageSpec(image=image),
            command=list(run.command),
            log_path=f"{run.name}/0.log",
            mounts=[
                api_pb2.Mount(container_path=TERMINATION_MESSAGE_PATH, host_path=str(result.termination_log))
            ],
            linux=api_pb2.LinuxContainerConfig(
                resources=resources,
                security_context=api_pb2.LinuxContainerSecurityContext(namespace_options=self.namespaces),
            ),
        )
        result.log_path = self.log_dir / run.name / "0.log"
        request = api_pb2.CreateContainerRequest(
            pod_sandbox_id=self.sandbox_id, config=config, sandbox_config=self.config
        )
        try:
            result.container_id = str(self.stub.CreateContainer(request, timeout=60).container_id)
        except grpc.RpcError as err:
            result.failed_call = "CreateContainer"
            result.grpc_code, result.grpc_details = _go_error(err)
            return result
        self.container_ids.append(result.container_id)
        try:
            self.stub.StartContainer(
                api_pb2.StartContainerRequest(container_id=result.container_id), timeout=60
            )
        except grpc.RpcError as err:
            result.failed_call = "StartContainer"
            result.grpc_code, result.grpc_details = _go_error(err)
        return result

    def status(self, container_id: str) -> Any:
        request = api_pb2.ContainerStatusRequest(container_id=container_id)
        return self.stub.ContainerStatus(request, timeout=10).status

    def wait_exited(self, results: Iterable[Termination], timeout: float, settle: float) -> None:
        """Poll ContainerStatus until every container exited, then read every status once more after
        `settle` seconds: containerd applies the TaskOOM event (reason OOMKilled) whenever it arrives, which
        can be after the TaskExit event already made the container EXITED with reason Error."""
        results = [r for r in results if r.container_id]
        pending = {r.container_id: r for r in results}
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            for cid, result in list(pending.items()):
                status = self.status(cid)
                if status.state == api_pb2.CONTAINER_EXITED:
                    result.first_reason = str(status.reason)
                    del pending[cid]
            time.sleep(0.05)
        time.sleep(settle)
        for result in results:
            _fill_status(result, self.status(result.container_id))

    def remove(self) -> None:
        """Like the kubelet's pod cleanup: remove every container, then stop and remove the sandbox."""
        for cid in self.container_ids:
            with contextlib.suppress(grpc.RpcError):
                self.stub.RemoveContainer(api_pb2.RemoveContainerRequest(container_id=cid), timeout=60)
        self.container_ids.clear()
        if self.sandbox_id:
            with contextlib.suppress(grpc.RpcError):
                self.stub.StopPodSandbox(
                    api_pb2.StopPodSandboxRequest(pod_sandbox_id=self.sandbox_id), timeout=60
                )
            with contextlib.suppress(grpc.RpcError):
                request = api_pb2.RemovePodSandboxRequest(pod_sandbox_id=self.sandbox_id)
                self.stub.RemovePodSandbox(request, timeout=60)


def _fill_status(result: Termination, status: Any) -> None:
    result.state = str(api_pb2.ContainerState.Name(status.state))
    result.reason = str(status.reason)
    result.exit_code = int(status.exit_code)
    result.message = str(status.message)
    result.mounts = [(str(m.container_path), str(m.host_path)) for m in status.mounts]
    if status.log_path:
        result.log_path = Path(str(status.log_path))


def read_cri_log(path: Path) -> list[str]:
    """Message parts of a CRI log file; partial (P) lines are joined with what follows, like the kubelet."""
    try:
        raw = path.read_text(errors="replace")
    except FileNotFoundError:
        return []
    messages: list[str] = []
    partial = ""
    for line in raw.splitlines():
        match = _CRI_LOG_LINE.match(line)
        if match is None:
            continue
        partial += match.group(4)
        if match.group(3) == "F":
            messages.append(partial)
            partial = ""
    if partial:
        messages.append(partial)
    return messages


def run_pod(
    runner: Runner,
    work: Path,
    image: str,
    runs: Iterable[ContainerRun],
    timeout: float = 30.0,
    settle: float = 1.0,
) -> PodRun:
    """Run every container at once in one pod, wait until all exited, read their logs, clean up."""
    started = time.monotonic()
    runs = list(runs)
    terminations: dict[str, Termination] = {}
    with Pod(runner, work, "terminations") as pod:
        for run in runs:
            terminations[run.name] = pod.create_and_start(run, image)
        pod.wait_exited(terminations.values(), timeout, settle)
        sandbox_id = pod.sandbox_id
    for result in terminations.values():
        if result.log_path is not None:
            result.log_messages = read_cri_log(result.log_path)
    stub = RuntimeServiceStub(runner.daemon.channel())  # type: ignore[no-untyped-call]
    containers = stub.ListContainers(api_pb2.ListContainersRequest(), timeout=10).containers
    sandboxes = stub.ListPodSandbox(api_pb2.ListPodSandboxRequest(), timeout=10).items
    # A shim exits shortly after its last task is deleted; give it a moment before calling it a leftover.
    deadline = time.monotonic() + 5
    while shim_pids(runner) and time.monotonic() < deadline:
        time.sleep(0.05)
    return PodRun(
        sandbox_id=sandbox_id,
        terminations=terminations,
        leftover_containers=[str(c.id) for c in containers],
        leftover_sandboxes=[str(s.id) for s in sandboxes],
        leftover_shims=shim_pids(runner),
        seconds=time.monotonic() - started,
    )


# ---------------------------------------------------------------------------------------------------------
# What the kubelet shows
# ---------------------------------------------------------------------------------------------------------

# pkg/kubelet/container/runtime.go (1.2x-1.35): termination message file read at most 4096 bytes; the
# log fallback reads the last 80 lines, at most 2048 bytes.
MAX_TERMINATION_MESSAGE_LENGTH = 4096
MAX_TERMINATION_MESSAGE_LOG_LINES = 80
MAX_TERMINATION_MESSAGE_LOG_LENGTH = 2048


def _termination_message(t: Termination, fallback_to_logs: bool) -> tuple[str, bool]:
    """kuberuntime_container.go getTerminationMessage (1.2x-1.35): the file mounted at the termination
    message path (last 4096 bytes), and whether the logs are to be read instead (fallback asked, file empty
    or absent)."""
    for container_path, host_path in t.mounts:
        if container_path != TERMINATION_MESSAGE_PATH:
            continue
        try:
            data = Path(host_path).read_bytes()[-MAX_TERMINATION_MESSAGE_LENGTH:]
        except FileNotFoundError:
            return "", fallback_to_logs
        return data.decode(errors="replace"), fallback_to_logs and not data
    return "", fallback_to_logs


def _log_tail_message(t: Termination) -> str:
    """readLastStringFromContainerLogs: ReadLogs(TailLines=80) into a 2048-byte ring buffer; every full
    line is written with its newline."""
    lines = t.log_messages[-MAX_TERMINATION_MESSAGE_LOG_LINES:]
    data = "".join(line + "\n" for line in lines).encode()
    return data[-MAX_TERMINATION_MESSAGE_LOG_LENGTH:].decode(errors="replace")


def terminated_state(t: Termination, policy: str) -> dict[str, Any]:
    """containerStatuses[].state.terminated (lastState.terminated once restarted) for a
    terminationMessagePolicy: kuberuntime_container.go convertToKubeContainerStatus (1.2x-1.35; the
    `<runtime message>: <termination message>` join since kubernetes PR 81280, 1.16)."""
    fallback = (
        policy == "FallbackToLogsOnError" and (t.exit_code or 0) != 0 and t.reason != "ContainerCannotRun"
    )
    message, check_logs = _termination_message(t, fallback)
    if check_logs:
        message = _log_tail_message(t)
    full = t.message
    if message:
        full = f"{full}: {message}" if full else message
    return {"reason": t.reason, "exitCode": t.exit_code, "message": full}


def kubelet_view(t: Termination) -> dict[str, Any]:
    """What `kubectl describe pod` / the pod status show for this container.

    A failing CreateContainer/StartContainer (kuberuntime_container.go startContainer, 1.2x-1.35):
    `s, _ := grpcstatus.FromError(err)`, Warning event reason `Failed` (events.FailedToCreateContainer /
    events.FailedToStartContainer) with message `Error: <s.Message()>`, and the sync result's
    (ErrCreateContainer "CreateContainerError" / kubecontainer.ErrRunContainer "RunContainerError",
    s.Message()) goes into the kubelet's reasonCache, which pkg/kubelet/kubelet_pods.go
    convertToAPIContainerStatuses (1.2x-1.35) turns into state.waiting {reason, message} for a container
    that is to be restarted (restartPolicy Always/OnFailure), moving the runtime's exited status to
    lastState.terminated; the next sync's back-off replaces it with CrashLoopBackOff. `s.Message()` is
    the status desc alone, so no kubelet release shows `rpc error: code = ... desc = ` for these calls.
    kubelet >= 1.28 strips that prefix only from PullImage errors (kubernetes PR 117612:
    pkg/kubelet/cri/remote/remote_image.go pullImageV1, k8s.io/cri-client pkg/remote_image.go from 1.31);
    remote_runtime.go CreateContainer/StartContainer (same packages, 1.2x-1.35) return the gRPC error
    unchanged, and the kubelet's FromError(...).Message() above gives the same text on every release.
    The runtime's exited status (StartError/Error/OOMKilled/Completed) is the terminated state
    (lastState.terminated once the container is waiting to be restarted): `terminated_state`.
    """
    view: dict[str, Any] = {}
    if t.failed_call is not None and t.grpc_details is not None:
        create = t.failed_call == "CreateContainer"
        view["event"] = {"type": "Warning", "reason": "Failed", "message": f"Error: {t.grpc_details}"}
        view["waiting"] = {
            "reason": "CreateContainerError" if create else "RunContainerError",
            "message": t.grpc_details,
        }
    if t.state == "CONTAINER_EXITED":
        view["terminated"] = terminated_state(t, "File")
        view["terminatedFallbackToLogsOnError"] = terminated_state(t, "FallbackToLogsOnError")
    return view


# ---------------------------------------------------------------------------------------------------------
# Recording
# ---------------------------------------------------------------------------------------------------------

_ID = re.compile(r"\b[0-9a-f]{64}\b")
LOG_TAIL_LINES = 10


@dataclass(frozen=True)
class Normaliser:
    """Per-run values out of recorded text: ids -> `<id>`, the run's work dir -> `<dir>`, loopback ports of
    this run -> the canonical ports of recording.py."""

    work: Path
    ports: dict[int, int]

    def __call__(self, text: str) -> str:
        text = text.replace(str(self.work), "<dir>")
        text = _ID.sub("<id>", text)

        def port(match: re.Match[str]) -> str:
            number = int(match.group(1))
            return f"127.0.0.1:{self.ports.get(number, number)}"

        return re.sub(r"127\.0\.0\.1:(\d+)(?!\d)", port, text)

    def deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        return value


def case_record(t: Termination, normalise: Normaliser, note: str = "") -> dict[str, Any]:
    entry: dict[str, Any] = {
        "command": list(t.run.command),
        "memoryLimitBytes": t.run.memory_limit,
        "startError": normalise(t.start_error) if t.start_error is not None else None,
        "status": {"reason": t.reason, "exitCode": t.exit_code, "message": normalise(t.message)},
        "logTail": [normalise(line) for line in t.log_messages[-LOG_TAIL_LINES:]],
        "kubelet": normalise.deep(kubelet_view(t)),
    }
    if note:
        entry["note"] = note
    return entry
