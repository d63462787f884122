"""Recorded runtime strings: tests/realparts/recorded/containerd-<minor>.json.

The JSON keeps, per scenario, the exact CRI error as Go renders it, the image as written in the pod spec and
the catalog codes it must classify as, so unit tests elsewhere can use real strings offline.

Ports: the registries and the refused port are picked at random per run; in the recorded file every
`127.0.0.1:<port>` of this run is rewritten to the canonical ports of shared/spec/test-infra.md
(plain registry 5000, TLS+htpasswd registry 5443, refused 5999), so the file is stable across runs. Digests
are stable because the images are built deterministically. Re-record with PODWHY_REALPARTS_RECORD=1.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from .harness.containerd import PullOutcome
from .scenarios import SCENARIOS, PullEnv

RECORDED_DIR = Path(__file__).parent / "recorded"
RECORD_ENV = "PODWHY_REALPARTS_RECORD"
CANONICAL_PORTS = {"plain": 5000, "tls": 5443, "refused": 5999}


def recorded_path(version: str) -> Path:
    return RECORDED_DIR / f"containerd-{version}.json"


def normalise_ports(text: str, env: PullEnv) -> str:
    mapping = {
        env.plain.port: CANONICAL_PORTS["plain"],
        env.auth.port: CANONICAL_PORTS["tls"],
        env.refused_port: CANONICAL_PORTS["refused"],
    }

    def repl(match: re.Match[str]) -> str:
        port = int(match.group(1))
        return f"127.0.0.1:{mapping.get(port, port)}"

    return re.sub(r"127\.0\.0\.1:(\d+)(?!\d)", repl, text)


def build_record(server_version: str, env: PullEnv, outcomes: dict[str, PullOutcome]) -> dict[str, Any]:
    scenarios: dict[str, Any] = {}
    for scenario in SCENARIOS:
        outcome = outcomes[scenario.id]
        entry: dict[str, Any] = {
            "image": normalise_ports(outcome.image, env),
            "grpc_code": outcome.code,
        }
        if outcome.ok:
            entry["image_ref"] = outcome.image_ref
        else:
            entry["error"] = normalise_ports(outcome.grpc_error, env)
            entry["expected_codes"] = list(scenario.expected_codes)
        if scenario.note:
            entry["note"] = scenario.note
        scenarios[scenario.id] = entry
    return {
        "runtime": "containerd",
        "containerd_version": server_version,
        "cri": "runtime.v1.ImageService/PullImage via the PyPI container-runtime-interface-api client",
        "error_format": "Go gRPC status text `rpc error: code = <Code> desc = <details>`; the kubelet event is "
        '`Failed to pull image "<image>": <error>` (>= 1.28: `rpc error: code = Unknown desc = ` stripped)',
        "ports": "127.0.0.1:<port> rewritten to the test-infra.md ports: plain registry 5000, "
        "TLS+htpasswd registry 5443, refused 5999",
        "generated_by": "tests/realparts (PODWHY_REALPARTS_RECORD=1 pytest -m realparts tests/realparts)",
        "scenarios": scenarios,
    }


def dump(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write_if_asked(version: str, record: dict[str, Any], scratch: Path) -> Path:
    """Always write to the scratch dir; also to the repo's recorded/ file when re-recording is asked for."""
    text = dump(record)
    scratch.mkdir(parents=True, exist_ok=True)
    out = scratch / recorded_path(version).name
    out.write_text(text)
    if os.environ.get(RECORD_ENV) == "1":
        target = recorded_path(version)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(text)
        tmp.replace(target)
    return out


def load(version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(recorded_path(version).read_text())
    return data
