"""Session fixture of the real-cluster tier: one control plane from `scripts/cluster.sh up`, stopped by
`scripts/cluster.sh down` at the end (and by atexit if the session is interrupted).

The tier is marked `realcluster` and kept on one xdist worker (`xdist_group`), since its modules take turns
with the cluster's nodes. A build or start failure fails the tests (never skips): CI installs the parts.
"""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .harness import ROOT, Cluster, ClusterError


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.realcluster)
            item.add_marker(pytest.mark.xdist_group("realcluster"))


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    try:
        c = Cluster.up()
    except ClusterError as exc:
        pytest.fail(str(exc), pytrace=False)
    atexit.register(c.down)
    try:
        yield c
    finally:
        c.down()


@pytest.fixture(scope="session")
def reader_kubeconfig(cluster: Cluster) -> Path:
    """A user with only the read-only ClusterRoles of deploy/rbac.yaml (podwhy-reader, no secrets)."""
    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "rbac.yaml").read_text())
            if d and d.get("kind") == "ClusterRole"]
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": "podwhy-reader-test"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "podwhy-reader"},
               "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "podwhy-reader"}]}
    cluster.apply([*docs, binding])
    return cluster.user("podwhy-reader")
