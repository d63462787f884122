"""A real containerd (1.6 from bookworm, 1.7 unpacked from trixie) on a unix socket, pulled through CRI.

Config as in test-infra.md section 3: own root/state/socket, `restrict_oom_score_adj = true` (no
CAP_SYS_RESOURCE here), overlayfs, registry `config_path` -> our certs.d with one hosts.toml per alias.
containerd 1.6 needs a `[host."..."]` table (else "invalid `host` tree" and a fallback to
https://<alias>, i.e. a real DNS lookup), and also tries the top-level `server`, so that one only gets
`capabilities = ["push"]` and pulls use exactly one endpoint.

Every containerd runs in a private mount namespace whose /etc/resolv.conf names a loopback NXDOMAIN stub
(dnsstub.py): no lookup can ever reach the machine's resolver, and the stub's log shows any lookup made.
`private_network=True` additionally gives it its own network namespace (only `lo`): the DNS-failure
scenario runs there.

Pulls go through CRI `runtime.v1.ImageService/PullImage` (what the kubelet calls) with
`AuthConfig{username,password}` (what the kubelet sends from imagePullSecrets), using the generated v1
stubs of the PyPI package container-runtime-interface-api (module `cri_api.v1`).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from cri_api.v1 import api_pb2
from cri_api.v1.api_pb2_grpc import ImageServiceStub, RuntimeServiceStub

from . import dnsstub, procs
from .binaries import containerd_bin_dir, require
from .kubelet import go_code_name


@dataclass(frozen=True)
class HostAlias:
    """certs.d/<name>/hosts.toml: image refs whose registry host is `name` go to `server`."""

    name: str
    server: str
    ca: Path | None = None
    skip_verify: bool = False

    def hosts_toml(self) -> str:
        lines = [
            f'server = "{self.server}"',
            'capabilities = ["push"]',
            "",
            f'[host."{self.server}"]',
            '  capabilities = ["pull", "resolve"]',
        ]
        if self.ca is not None:
            lines.append(f'  ca = "{self.ca}"')
        if self.skip_verify:
            lines.append("  skip_verify = true")
        return "\n".join(lines) + "\n"


def containerd_config(work: Path, sandbox_image: str) -> str:
    return f"""version = 2
root = "{work}/root"
state = "{work}/state"
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
]

[grpc]
  address = "{work}/containerd.sock"

[plugins."io.containerd.internal.v1.opt"]
  path = "{work}/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{sandbox_image}"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "{work}/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "{work}/cni-bin"
    conf_dir = "{work}/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "{work}/certs.d"
"""


# Runs inside `unshare -m [-n]`: loopback up (private netns only), resolv.conf -> stub, stub, containerd.
_LAUNCHER = r"""
set -e
if [ "$PW_NETNS" = 1 ]; then ip link set lo up; fi
mount --bind "$PW_RESOLV" /etc/resolv.conf
"$PW_PYTHON" "$PW_STUB" "$PW_DNS_ADDR" "$PW_DNS_LOG" &
i=0
until grep -q '^ready' "$PW_DNS_LOG" 2>/dev/null; do
  i=$((i + 1)); if [ "$i" -gt 500 ]; then echo "dns stub did not start" >&2; exit 1; fi
  sleep 0.01
done
exec "$PW_BIN/containerd" --config "$PW_CONFIG"
"""


@dataclass(frozen=True)
class PullOutcome:
    """One CRI PullImage result, with the gRPC status as Go renders it."""

    image: str
    code: str  # Go codes.Code name: "OK", "NotFound", "Unknown", ...
    details: str  # status message (desc); the image ref on success
    image_ref: str = ""

    @property
    def ok(self) -> bool:
        return self.code == "OK"

    @property
    def grpc_error(self) -> str:
        """google.golang.org/grpc/internal/status: `rpc error: code = %s desc = %s`."""
        return f"rpc error: code = {self.code} desc = {self.details}"


@dataclass
class Containerd:
    version: str  # "1.6" / "1.7"
    work: Path
    process: procs.ManagedProcess
    dns_log: Path
    private_network: bool
    aliases: tuple[HostAlias, ...] = ()
    _channel: grpc.Channel | None = field(default=None, repr=False)

    @property
    def socket(self) -> Path:
        return self.work / "containerd.sock"

    def channel(self) -> grpc.Channel:
        if self._channel is None:
            self._channel = grpc.insecure_channel(f"unix://{self.socket}")
        return self._channel

    def server_version(self) -> str:
        resp = RuntimeServiceStub(self.channel()).Version(api_pb2.VersionRequest(version="v1"), timeout=2)
        return str(resp.runtime_version)

    def dns_queries(self) -> list[str]:
        try:
            lines = self.dns_log.read_text().splitlines()
        except OSError:
            return []
        return [line.split(" ", 1)[1] for line in lines if line.startswith("query ")]

    def pull(
        self, image: str, username: str | None = None, password: str | None = None, timeout: float = 60.0
    ) -> PullOutcome:
        request = api_pb2.PullImageRequest(image=api_pb2.ImageSpec(image=image))
        if username is not None:
            request.auth.CopyFrom(api_pb2.AuthConfig(username=username, password=password or ""))
        try:
            resp = ImageServiceStub(self.channel()).PullImage(request, timeout=timeout)
        except grpc.RpcError as err:
            return PullOutcome(image=image, code=go_code_name(err.code()), details=str(err.details()))
        return PullOutcome(image=image, code="OK", details="", image_ref=str(resp.image_ref))

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        self.process.stop()


def start_containerd(
    version: str,
    work: Path,
    *,
    sandbox_image: str,
    aliases: tuple[HostAlias, ...] = (),
    private_network: bool = False,
    pid_namespace: bool = False,
) -> Containerd:
    """`pid_namespace`: containerd as PID 1 of its own PID namespace, for a daemon that RUNS containers (their
    shims leave containerd's process group on purpose; when this containerd dies the kernel kills every shim and
    container of the namespace, so nothing outlives the test: harness/terminations.py)."""
    bin_dir = containerd_bin_dir(version)
    unshare, ip = require("unshare"), require("ip")
    work.mkdir(parents=True, exist_ok=True)
    for sub in ("root", "state", "opt", "runc", "net.d", "certs.d"):
        (work / sub).mkdir(exist_ok=True)
    for alias in aliases:
        host_dir = work / "certs.d" / alias.name
        host_dir.mkdir(parents=True, exist_ok=True)
        (host_dir / "hosts.toml").write_text(alias.hosts_toml())
    (work / "config.toml").write_text(containerd_config(work, sandbox_image))

    # In a private netns the stub takes 127.0.0.1; in the shared one a random 127/8 address (any of them
    # is local on Linux) keeps parallel test workers from colliding on port 53.
    dns_addr = (
        "127.0.0.1"
        if private_network
        else f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
    )
    resolv = work / "resolv.conf"
    resolv.write_text(f"nameserver {dns_addr}\n")
    dns_log = work / "dns.log"
    dns_log.unlink(missing_ok=True)
    empty_certs = work / "no-cert-dir"
    empty_certs.mkdir(exist_ok=True)
    env = {
        "PATH": f"{bin_dir}:{Path(ip).parent}:/usr/sbin:/usr/bin:/sbin:/bin",
        "PW_NETNS": "1" if private_network else "0",
        "PW_RESOLV": str(resolv),
        "PW_PYTHON": sys.executable,
        "PW_STUB": dnsstub.__file__,
        "PW_DNS_ADDR": dns_addr,
        "PW_DNS_LOG": str(dns_log),
        "PW_BIN": str(bin_dir),
        "PW_CONFIG": str(work / "config.toml"),
        # Go's root pool also reads every file in /etc/ssl/certs: with Debian's ssl-cert snakeoil
        # (CN=localhost) there, an unknown-authority error grows "(possibly because of ... candidate
        # authority certificate "localhost")". Only the bundle, so the recorded texts match on any machine.
        "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt",
        "SSL_CERT_DIR": str(empty_certs),
    }
    argv = [
        unshare,
        "-m",
        *(["-n"] if private_network else []),
        # --mount-proc: the shims and runc read /proc/<pid> with PIDs of the new namespace.
        *(["-p", "--fork", "--kill-child", "--mount-proc"] if pid_namespace else []),
        "--propagation",
        "private",
        "sh",
        "-c",
        _LAUNCHER,
    ]
    process = procs.start(f"containerd-{version}" + ("-runner" if pid_namespace else ""), argv,
                          work / "containerd.log", env=env)
    daemon = Containerd(
        version=version,
        work=work,
        process=process,
        dns_log=dns_log,
        private_network=private_network,
        aliases=aliases,
    )

    wait_serving(daemon, version, daemon.stop)
    return daemon


def wait_serving(daemon: Containerd, version: str, cleanup: Callable[[], None]) -> None:
    """Until the CRI socket answers Version with the expected release; `cleanup` runs if it never does."""

    def answers() -> bool:
        if not daemon.socket.exists():
            return False
        try:
            daemon.server_version()
        except grpc.RpcError:
            return False
        return True

    try:
        procs.wait_until("CRI Version answers", answers, daemon.process, timeout=30)
        served = daemon.server_version()
        if not served.startswith(version + "."):
            raise RuntimeError(f"expected containerd {version}, the socket serves {served}")
    except BaseException:
        cleanup()
        raise
