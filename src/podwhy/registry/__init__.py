"""Opt-in registry probe (`--probe-registry`): ask the registry itself, with the pod's own credentials.

The only network I/O besides the live cluster source. Public surface:
- `probe_cluster(...)`: what the CLI calls between loading the snapshot and diagnose; returns
  `{probe_key: ProbeResult}` for `Options.probe_results` (plain data, see `analyzers/probe/results.py`);
- `ProbeConfig`, `TransportConfig`: concurrency, timeout, `--insecure-registry`, `--registry-ca`;
- `FileSecretSource`, `LiveSecretSource`: where pull-secret values come from at probe time.

Modules: `hosts` (image domain -> API host; cloud registries), `keyring` (kubelet key matching),
`credentials` (secret values, in memory only), `transport` (httpx, TLS, redirects, error names),
`distribution` (the protocol steps), `orchestrate` (targets, de-duplication, thread pool, progress).

What the probe cannot see: credentials the node obtains itself. Amazon ECR (`*.dkr.ecr.*.amazonaws.com`),
Google Artifact Registry / GCR (`*-docker.pkg.dev`, `gcr.io`) and Azure Container Registry (`*.azurecr.io`)
are usually pulled with the node's cloud identity through kubelet credential-provider plugins (or the
old in-tree cloud providers), plus any `config.json` on the node. For those, a 401 to the probe says
nothing about the node, and the findings say so. The probe also sees the network from where podwhy runs,
not from the node: DNS, routes, proxies and trusted CAs can differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from podwhy.registry.credentials import FileSecretSource, LiveSecretSource, SecretSource
from podwhy.registry.orchestrate import ProbeConfig, probe_works
from podwhy.registry.transport import TransportConfig

if TYPE_CHECKING:
    from podwhy.analyzers.base import Options
    from podwhy.analyzers.probe.results import ProbeResult
    from podwhy.diagnose import Selection
    from podwhy.snapshot import Snapshot


def probe_cluster(snapshot: Snapshot, *, selection: Selection, now: datetime, options: Options,
                  sources: Sequence[str] | None, kubeconfig: str | None = None, context: str | None = None,
                  api_timeout: float = 30.0, config: ProbeConfig | None = None,
                  progress: TextIO | None = None) -> dict[str, ProbeResult]:
    """Probe every stuck pull of the selected subjects. Offline (`sources` given) the secret values are
    re-read from those files; live they are fetched from the cluster with the kubeconfig's identity."""
    from podwhy.diagnose import select_works

    works, _ = select_works(snapshot, selection, now, options)
    source: SecretSource = FileSecretSource(list(sources)) if sources else LiveSecretSource(
        kubeconfig, context, api_timeout)
    return probe_works(snapshot, works, source=source, config=config or ProbeConfig(), progress=progress)


__all__ = ["FileSecretSource", "LiveSecretSource", "ProbeConfig", "SecretSource", "TransportConfig",
           "probe_cluster", "probe_works"]
