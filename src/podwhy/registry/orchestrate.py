"""Run the probe for a snapshot: collect the stuck pulls, resolve each pod's credentials, ask each distinct
(image, credentials) once, concurrently and bounded, and hand back plain results for the analyzers.

Called by the CLI between loading the snapshot and diagnose; everything that does I/O for the probe
starts here. Credentials are resolved in this thread, held in memory only while their image's requests
run, and dropped with the worker's frame.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TextIO

from podwhy.analyzers.base import Work
from podwhy.analyzers.probe.results import ProbeResult
from podwhy.analyzers.probe.targets import ProbeTarget, targets_of
from podwhy.registry import credentials as creds_mod
from podwhy.registry.distribution import Target, probe_target
from podwhy.registry.hosts import DOCKER_HUB_DOMAIN, api_host, cloud_provider
from podwhy.registry.transport import Clients, TransportConfig
from podwhy.snapshot import Snapshot

# Docker Hub counts a manifest GET as a pull; fetch an index body there only when the failure is about
# the platform (HEAD alone never counts).
_PLATFORM_TEXT = re.compile(r"platform|matching manifest|manifest list entries|no image found in manifest", re.I)


@dataclass(frozen=True)
class ProbeConfig:
    transport: TransportConfig = field(default_factory=TransportConfig)
    concurrency: int = 8


@dataclass
class _Job:
    target: Target
    namespace: str
    pull_secrets: tuple[str, ...]


def plan(snapshot: Snapshot, works: Iterable[Work]) -> dict[str, _Job]:
    """One job per distinct probe key, in first-seen order."""
    jobs: dict[str, _Job] = {}
    for work in works:
        messages = {c.name: c.message for c in work.containers}
        for t in targets_of(snapshot, work):
            job = jobs.get(t.key)
            mentions_platform = bool(_PLATFORM_TEXT.search(messages.get(t.container, "")))
            if job is None:
                jobs[t.key] = _Job(target=_target(t, mentions_platform), namespace=t.namespace,
                                   pull_secrets=t.pull_secrets)
            elif mentions_platform and not job.target.want_platforms:
                job.target = _target(t, True)
    return jobs


def _target(t: ProbeTarget, mentions_platform: bool) -> Target:
    domain = t.ref.domain
    return Target(image=t.normalised, registry=domain, host=api_host(domain), repository=t.ref.path,
                  reference=t.reference, want_platforms=domain != DOCKER_HUB_DOMAIN or mentions_platform)


def probe_works(snapshot: Snapshot, works: Iterable[Work], *, source: creds_mod.SecretSource | None,
                config: ProbeConfig, progress: TextIO | None = None) -> dict[str, ProbeResult]:
    jobs = plan(snapshot, works)
    if not jobs:
        return {}
    clients = Clients(config.transport)
    results: dict[str, ProbeResult] = {}
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(config.concurrency, len(jobs))),
                                thread_name_prefix="podwhy-probe") as pool:
            futures = {pool.submit(_run_one, clients, source, job): key for key, job in jobs.items()}
            for done, fut in enumerate(as_completed(futures), start=1):
                results[futures[fut]] = fut.result()
                if progress is not None and len(jobs) > 1:
                    progress.write(f"\rpodwhy: probing registries {done}/{len(jobs)}")
                    progress.flush()
        if progress is not None and len(jobs) > 1:
            progress.write("\n")
    finally:
        clients.close()
    return {key: results[key] for key in jobs}


def _run_one(clients: Clients, source: creds_mod.SecretSource | None, job: _Job) -> ProbeResult:
    t = job.target
    names = [s.split("/", 1)[1] for s in job.pull_secrets]
    resolution = creds_mod.resolve(source, job.namespace, names, f"{t.registry}/{t.repository}")
    cloud = cloud_provider(t.host)
    return probe_target(clients, t, resolution.credentials, pull_secrets=job.pull_secrets,
                        secret_problems=tuple(resolution.problems), missing_secrets=tuple(resolution.missing),
                        cloud_provider=cloud or "")
