"""Which nodes belong to a cluster-autoscaler node group (autoscaler/groups.py): group names as each cloud
provider's CA reports them, node-pool labels as each managed offering writes them."""

from __future__ import annotations

import pytest

from podwhy.analyzers.scheduling.autoscaler.groups import group_nodes
from podwhy.model import Node, ObjectMeta


def n(name: str, **labels: str) -> Node:
    return Node(metadata=ObjectMeta(name=name, labels=labels))




@pytest.mark.parametrize(("group", "nodes", "expected"), [
    pytest.param("eks-ng-gpu-5ac5b5c0-1d2e-4f3a-9b8c-7d6e5f4a3b2c",
                 [n("a", **{"eks.amazonaws.com/nodegroup": "ng-gpu"}), n("b", **{"eks.amazonaws.com/nodegroup": "ng-cpu"})],
                 ("eks.amazonaws.com/nodegroup=ng-gpu", ["a"]), id="eks-managed-asg-name-holds-the-nodegroup"),
    pytest.param("eksctl-prod-nodegroup-workers-NodeGroup-1A2B3C4D5E6F",
                 [n("a", **{"alpha.eksctl.io/nodegroup-name": "workers"})],
                 ("alpha.eksctl.io/nodegroup-name=workers", ["a"]), id="eksctl-asg-case-insensitive-words"),
    pytest.param("https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-b/instanceGroups/"
                 "gke-prod-pool-1-3f2a9c1e-grp",
                 [n("a", **{"cloud.google.com/gke-nodepool": "pool-1"}), n("b", **{"cloud.google.com/gke-nodepool": "pool-2"})],
                 ("cloud.google.com/gke-nodepool=pool-1", ["a"]), id="gke-mig-url-holds-the-pool"),
    pytest.param("aks-nodepool1-12345678-vmss",
                 [n("a", **{"kubernetes.azure.com/agentpool": "nodepool1"}), n("b", agentpool="nodepool1")],
                 ("kubernetes.azure.com/agentpool=nodepool1", ["a"]), id="aks-vmss-first-label-found"),
    pytest.param("nodes-us-east-1a.prod.example.com",
                 [n("a", **{"kops.k8s.io/instancegroup": "nodes-us-east-1a"})],
                 ("kops.k8s.io/instancegroup=nodes-us-east-1a", ["a"]), id="kops-instancegroup-dot-cluster"),
    pytest.param("eks-gpu-large-20240101",
                 [n("a", **{"eks.amazonaws.com/nodegroup": "gpu"}), n("b", **{"eks.amazonaws.com/nodegroup": "gpu-large"})],
                 ("eks.amazonaws.com/nodegroup=gpu-large", ["b"]), id="longest-pool-name-wins"),
    pytest.param("k8s-prod-workers",
                 [n("a", **{"eks.amazonaws.com/nodegroup": "k8s-prod-workers"}),
                  n("b", **{"eks.amazonaws.com/nodegroup": "workers"})],
                 ("eks.amazonaws.com/nodegroup=k8s-prod-workers", ["a"]), id="exact-name-wins"),
    pytest.param("eks-a-b-1", [n("a", **{"eks.amazonaws.com/nodegroup": "a"}), n("b", **{"eks.amazonaws.com/nodegroup": "b"})],
                 None, id="two-equally-good-pools-is-unknown-not-a-guess"),
    pytest.param("eks-gpu-1", [n("a", pool="gpu")], None, id="no-pool-label-is-unknown"),
    pytest.param("eks-gpu-1", [n("a", **{"eks.amazonaws.com/nodegroup": "gp"})], None,
                 id="a-substring-that-is-not-a-whole-word-does-not-match"),
])
def test_group_nodes(group: str, nodes: list[Node], expected: tuple[str, list[str]] | None) -> None:
    got = group_nodes(nodes, group)
    assert (None if got is None else (got[0], [x.metadata.name for x in got[1]])) == expected
