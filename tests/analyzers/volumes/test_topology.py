"""Where a bound PV lets a pod run: VolumeZone label sets (`__`), GA/beta twins, node affinity, and whether two
PVs can ever share a node (semantics A2.9, A2.10)."""

from __future__ import annotations

import pytest

from podwhy.analyzers.volumes import topology
from podwhy.model import Node, ObjectMeta, PersistentVolume
from podwhy.model.pod import NodeSelector, NodeSelectorRequirement, NodeSelectorTerm
from podwhy.model.storage import PVSpec, VolumeNodeAffinity


def pv(labels: dict[str, str] | None = None, affinity: dict[str, list[str]] | None = None) -> PersistentVolume:
    aff = None
    if affinity:
        aff = VolumeNodeAffinity(required=NodeSelector(node_selector_terms=(NodeSelectorTerm(match_expressions=tuple(
            NodeSelectorRequirement(key=k, operator="In", values=tuple(v)) for k, v in affinity.items())),)))
    return PersistentVolume(metadata=ObjectMeta(name="pv", labels=labels or {}), spec=PVSpec(node_affinity=aff))


def node(labels: dict[str, str]) -> Node:
    return Node(metadata=ObjectMeta(name="n", labels=labels))


@pytest.mark.parametrize(("pv_", "node_", "allowed"), [
    pytest.param(pv({"topology.kubernetes.io/zone": "us-east-1a__us-east-1b"}),
                 node({"topology.kubernetes.io/zone": "us-east-1b"}), True, id="multi-zone-label-set-includes-node"),
    pytest.param(pv({"topology.kubernetes.io/zone": "us-east-1a__us-east-1b"}),
                 node({"topology.kubernetes.io/zone": "us-east-1c"}), False, id="multi-zone-label-set-excludes-node"),
    pytest.param(pv({"failure-domain.beta.kubernetes.io/zone": "eu-west-1a"}),
                 node({"topology.kubernetes.io/zone": "eu-west-1a"}), True, id="beta-pv-label-matches-ga-node-label"),
    pytest.param(pv({"topology.kubernetes.io/zone": "eu-west-1a"}), node({"kubernetes.io/hostname": "n"}), True,
                 id="node-without-any-zone-label-passes-volumezone"),
    pytest.param(pv(affinity={"topology.ebs.csi.aws.com/zone": ["us-east-1a"]}),
                 node({"topology.ebs.csi.aws.com/zone": "us-east-1b"}), False, id="csi-node-affinity-other-zone"),
    pytest.param(pv(affinity={"kubernetes.io/hostname": ["n"]}), node({"kubernetes.io/hostname": "n"}), True,
                 id="local-pv-pinned-to-this-node"),
])
def test_pv_allows(pv_: PersistentVolume, node_: Node, allowed: bool) -> None:
    assert topology.pv_allows(pv_, node_) is allowed


@pytest.mark.parametrize(("a", "b", "ok"), [
    pytest.param(pv(affinity={"topology.ebs.csi.aws.com/zone": ["us-east-1a"]}),
                 pv({"topology.kubernetes.io/zone": "us-east-1b"}), False,
                 id="csi-zone-key-and-ga-zone-label-are-the-same-dimension"),
    pytest.param(pv({"topology.kubernetes.io/zone": "a__b"}), pv({"topology.kubernetes.io/zone": "b"}), True,
                 id="overlapping-zone-sets"),
    pytest.param(pv(affinity={"kubernetes.io/hostname": ["n1"]}), pv(affinity={"kubernetes.io/hostname": ["n2"]}),
                 False, id="two-local-pvs-on-different-nodes"),
    pytest.param(pv(), pv({"topology.kubernetes.io/zone": "a"}), True, id="unconstrained-pv"),
])
def test_compatible(a: PersistentVolume, b: PersistentVolume, ok: bool) -> None:
    assert topology.compatible(topology.pv_constraints(a), topology.pv_constraints(b)) is ok
