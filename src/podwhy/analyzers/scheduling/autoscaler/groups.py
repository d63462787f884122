"""Which nodes of the snapshot belong to a cluster-autoscaler node group.

cluster-autoscaler knows a node's group from its cloud provider (the instance's ASG / MIG / VMSS), which
no Kubernetes object records. What the objects do record is the node-pool label each managed offering
puts on its nodes, and the cloud group's name is built from that pool's name:

| label | written by | group name CA reports |
|---|---|---|
| `eks.amazonaws.com/nodegroup` | EKS managed node groups | ASG `eks-<nodegroup>-<uuid>` |
| `alpha.eksctl.io/nodegroup-name` | eksctl | ASG `eksctl-<cluster>-nodegroup-<name>-NodeGroup-<id>` |
| `cloud.google.com/gke-nodepool` | GKE | MIG URL `.../instanceGroups/gke-<cluster>-<pool>-<hash>-grp` |
| `kubernetes.azure.com/agentpool`, `agentpool` | AKS | VMSS `aks-<pool>-<id>-vmss` |
| `kops.k8s.io/instancegroup` | kops | ASG `<instancegroup>.<cluster>` |

A node is in the group when that label's value equals the group's name or is a whole run of its
name's words (split at `-`, `.`, `_`, `/`); when several pool values match, the longest wins, and a
tie leaves the group unknown rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from podwhy.model import Node

POOL_LABELS = (
    "eks.amazonaws.com/nodegroup",
    "alpha.eksctl.io/nodegroup-name",
    "cloud.google.com/gke-nodepool",
    "kubernetes.azure.com/agentpool",
    "agentpool",
    "kops.k8s.io/instancegroup",
)
_WORDS = re.compile(r"[-._/]+")


def _words(s: str) -> list[str]:
    return [w for w in _WORDS.split(s.lower()) if w]


def _contains(hay: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


def group_nodes(nodes: Sequence[Node], group: str) -> tuple[str, list[Node]] | None:
    """(the matching `label=value`, the nodes carrying it) for node group `group`, or None when no node
    (or more than one equally good pool) matches."""
    hay = _words(group)
    best: dict[tuple[str, str], list[Node]] = {}
    for n in nodes:
        labels = n.metadata.labels
        for label in POOL_LABELS:
            v = labels.get(label)
            if v and (v == group or _contains(hay, _words(v))):
                best.setdefault((label, v), []).append(n)
                break
    if not best:
        return None
    exact = [k for k in best if k[1] == group]
    if exact:
        key = exact[0]
    else:
        top = max(len(_words(v)) for _, v in best)
        tops = {v for k, v in best if len(_words(v)) == top}
        if len(tops) > 1:
            return None
        key = next(k for k in best if k[1] in tops)
    return f"{key[0]}={key[1]}", best[key]
