"""The recording (`tests/live/recorded/`) and the resources its discovery documents declare."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).parent.parent / "recorded"


@dataclass(frozen=True)
class Resource:
    group_version: str  # "v1" for core
    plural: str
    kind: str
    namespaced: bool

    @property
    def group(self) -> str:
        return self.group_version.split("/")[0] if "/" in self.group_version else ""

    @property
    def prefix(self) -> str:
        return "/api/v1" if self.group_version == "v1" else f"/apis/{self.group_version}"

    @property
    def list_kind(self) -> str:
        return self.kind + "List"


# Served although the recording's discovery (kept as recorded) does not list them: kubectl describe
# node GETs the node's Lease with the typed coordination/v1 client, which consults no discovery
# (k8s.io/kubectl pkg/describe/describe.go NodeDescriber.Describe, 1.20-1.34).
UNADVERTISED = (Resource("coordination.k8s.io/v1", "leases", "Lease", True),)


def load(rel: str) -> Any:
    return json.loads((RECORDED / rel).read_text())


def resources() -> dict[tuple[str, str], Resource]:
    out: dict[tuple[str, str], Resource] = {}
    docs = [load("api/v1.json")] + [load(f"apis/{g['preferredVersion']['groupVersion']}.json")
                                    for g in load("apis.json")["groups"]]
    for doc in docs:
        for r in doc["resources"]:
            if "/" not in r["name"]:
                gv = doc["groupVersion"]
                out[(gv, r["name"])] = Resource(gv, r["name"], r["kind"], r["namespaced"])
    for res in UNADVERTISED:
        out[(res.group_version, res.plural)] = res
    return out


def advertised(group_version: str) -> bool:
    """Whether the recording has a discovery document for this group-version."""
    rel = "api/v1.json" if group_version == "v1" else f"apis/{group_version}.json"
    return (RECORDED / rel).is_file()
