"""Session fixtures of the real-parts tier: two registries with hand-built images, containerd 1.6 and 1.7
(plus one of each in a private network namespace for the DNS scenario), and every scenario pulled once.

Every daemon is stopped by PID in the fixtures' teardown (and by an atexit hook as a last resort), even
when a test fails. Missing binaries make the tests fail (never skip) with a pointer to
.ci/install-realparts.sh.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .harness import binaries, oci
from .harness.containerd import Containerd, HostAlias, PullOutcome, start_containerd
from .harness.netutil import closed_port
from .harness.registry import RegistryPair, running_registries
from .recording import build_record, write_if_asked
from .scenarios import (
    AUTH_ALIAS,
    HTTP2HTTPS,
    HTTPS2HTTP,
    REFUSED,
    SCENARIOS,
    UNTRUSTED,
    PullEnv,
)

_UNIX_SOCKET_MAX = 100  # sun_path is 108 bytes; keep a margin


@pytest.fixture(scope="session")
def realparts_work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("rp")
    if len(str(work / "ctrd-dns-1.7" / "containerd.sock")) > _UNIX_SOCKET_MAX:
        work = Path(tempfile.mkdtemp(prefix="podwhy-rp-"))
    return work


@pytest.fixture(scope="session")
def images() -> list[oci.Image]:
    try:
        busybox = binaries.busybox_static()
    except binaries.MissingBinaryError as err:
        pytest.fail(str(err), pytrace=False)
    return oci.standard_images(busybox)


@pytest.fixture(scope="session")
def registries(realparts_work: Path, images: list[oci.Image]) -> Iterator[RegistryPair]:
    try:
        with running_registries(realparts_work, images) as pair:
            yield pair
    except binaries.MissingBinaryError as err:
        pytest.fail(str(err), pytrace=False)


@pytest.fixture(scope="session")
def pull_env(registries: RegistryPair) -> PullEnv:
    return PullEnv(plain=registries.plain, auth=registries.auth, refused_port=closed_port())


def host_aliases(env: PullEnv) -> tuple[HostAlias, ...]:
    tls = env.auth.tls
    assert tls is not None
    return (
        HostAlias(env.auth.host, f"https://{env.auth.host}", ca=tls.cert),  # trusted TLS + basic auth
        HostAlias(AUTH_ALIAS, f"https://{env.auth.host}", ca=tls.cert),
        HostAlias(UNTRUSTED, f"https://{env.auth.host}"),
        HostAlias(HTTP2HTTPS, f"http://{env.auth.host}"),
        HostAlias(HTTPS2HTTP, f"https://{env.plain.host}", skip_verify=True),
        HostAlias(REFUSED, f"http://{env.refused}"),
    )


@dataclass
class Daemons:
    """containerd daemons started on demand, keyed by (version, private_network); all stopped at the end."""

    work: Path
    env: PullEnv
    running: dict[tuple[str, bool], Containerd] = field(default_factory=dict)

    failed: dict[tuple[str, bool], str] = field(default_factory=dict)

    def get(self, version: str, private_network: bool = False) -> Containerd:
        key = (version, private_network)
        if key in self.failed:  # fail every dependent test at once instead of retrying a slow start
            pytest.fail(self.failed[key], pytrace=False)
        if key not in self.running:
            name = f"ctrd-{'dns-' if private_network else ''}{version}"
            try:
                self.running[key] = start_containerd(
                    version,
                    self.work / name,
                    sandbox_image=self.env.plain.ref("probe/pause", "pause"),
                    aliases=() if private_network else host_aliases(self.env),
                    private_network=private_network,
                )
            except (binaries.MissingBinaryError, RuntimeError) as err:
                self.failed[key] = f"containerd {version} did not start: {err}"
                pytest.fail(self.failed[key], pytrace=False)
        return self.running[key]

    def stop(self) -> None:
        for daemon in self.running.values():
            daemon.stop()


@pytest.fixture(scope="session")
def daemons(realparts_work: Path, pull_env: PullEnv) -> Iterator[Daemons]:
    started = Daemons(work=realparts_work, env=pull_env)
    try:
        yield started
    finally:
        started.stop()


@dataclass
class PullResults:
    """Every scenario pulled once per containerd version (on first use), then recorded."""

    daemons: Daemons
    env: PullEnv
    scratch: Path
    by_version: dict[str, dict[str, PullOutcome]] = field(default_factory=dict)

    def __call__(self, version: str) -> dict[str, PullOutcome]:
        if version not in self.by_version:
            outcomes: dict[str, PullOutcome] = {}
            for scenario in SCENARIOS:
                daemon = self.daemons.get(version, scenario.private_network)
                user = password = None
                if scenario.credentials is not None:
                    assert self.env.auth.auth is not None
                    user = self.env.auth.auth.username
                    password = (
                        self.env.auth.auth.password if scenario.credentials == "good" else "wrong-password"
                    )
                outcomes[scenario.id] = daemon.pull(self.env.fill(scenario.image), user, password)
            self.by_version[version] = outcomes
            served = self.daemons.get(version).server_version()
            write_if_asked(version, build_record(served, self.env, outcomes), self.scratch)
        return self.by_version[version]


@pytest.fixture(scope="session")
def pull_results(daemons: Daemons, pull_env: PullEnv, realparts_work: Path) -> PullResults:
    return PullResults(daemons=daemons, env=pull_env, scratch=realparts_work / "recorded")
