"""The scheduler's volume texts in every version's wording (semantics A1.4, A2.0) parse to the same facts."""

from __future__ import annotations

import pytest

from podwhy.analyzers.volumes.messages import parse

CASES = [
    pytest.param('persistentvolumeclaim "data" not found', "missing_claims", ["data"], id="1.14-1.19-raw-not-found"),
    pytest.param('0/5 nodes are available: 5 persistentvolumeclaim "data" not found.', "missing_claims", ["data"],
                 id="1.20-1.25-counted-not-found"),
    pytest.param('0/11 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/11 nodes are '
                 'available: 11 Preemption is not helpful for scheduling.', "missing_claims", ["data"],
                 id="1.26+-uncounted-not-found-with-preemption-tail"),
    pytest.param('0/3 nodes are available: persistentvolumeclaim "data" is being deleted.', "deleting_claims", ["data"],
                 id="claim-being-deleted"),
    pytest.param("pod has unbound immediate PersistentVolumeClaims (repeated 3 times)", "unbound_immediate", True,
                 id="1.14-1.16-raw-with-repeat-suffix"),
    pytest.param('error while running "VolumeBinding" filter plugin for pod "web-0": pod has unbound immediate '
                 "PersistentVolumeClaims", "unbound_immediate", True, id="1.17-filter-plugin-wrapper"),
    pytest.param('running "VolumeBinding" filter plugin for pod "web-0": pod has unbound immediate '
                 "PersistentVolumeClaims", "unbound_immediate", True, id="1.18-filter-plugin-wrapper"),
    pytest.param("0/3 nodes are available: 3 pod has unbound immediate PersistentVolumeClaims.", "unbound_immediate",
                 True, id="1.19-1.25-counted-unbound"),
    pytest.param("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes "
                 "are available: 3 Preemption is not helpful for scheduling..", "unbound_immediate", True,
                 id="1.26-1.28-double-period"),
    pytest.param("pod has unbound PersistentVolumeClaims (repeated 4 times)", "unbound_immediate", True,
                 id="1.10-without-immediate"),
    # <=1.13 the VolumeZone / Max*VolumeCount predicates' own errors (predicates.go, 1.7-1.13), as the message.
    pytest.param('PersistentVolumeClaim is not bound: "data-0" (repeated 4 times)', "unbound_immediate", True,
                 id="1.7-1.13-predicate-error-claim-not-bound"),
    pytest.param('PersistentVolumeClaim was not found: "data-0"', "missing_claims", ["data-0"],
                 id="1.7-1.13-predicate-error-claim-was-not-found"),
    pytest.param('PersistentVolumeClaim not found: "data-1"', "missing_claims", ["data-1"],
                 id="1.11-1.13-predicate-error-claim-not-found"),
    pytest.param('0/2 nodes are available: waiting for ephemeral volume controller to create the '
                 'persistentvolumeclaim "web-0-scratch".', "ephemeral_waiting", ["web-0-scratch"],
                 id="1.23+-ephemeral-claim-not-created"),
    pytest.param('0/2 nodes are available: persistentvolumeclaim "data" bound to non-existent persistentvolume '
                 '"pv-9".', "lost_claims", [("data", "pv-9")], id="1.23+-lost-claim"),
    pytest.param("0/3 nodes are available: 1 Insufficient memory, 2 node(s) had volume node affinity conflict.",
                 "node_affinity", 2, id="1.14-1.32-volume-node-affinity-conflict"),
    pytest.param("0/4 nodes are available: 4 node(s) didn't match PersistentVolume's node affinity. preemption: 0/4 "
                 "nodes are available: 4 Preemption is not helpful for scheduling.", "node_affinity", 4,
                 id="1.33+-persistentvolume-node-affinity"),
    pytest.param("0/3 nodes are available: 3 node(s) had no available volume zone.", "zone", 3, id="volume-zone"),
    pytest.param("0/2 nodes are available: 2 node(s) exceed max volume count.", "limit", 2, id="volume-limits"),
    pytest.param("0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind.", "no_pv", 2,
                 id="wffc-no-pv"),
    pytest.param("0/2 nodes are available: 2 node(s) did not have enough free storage.", "no_capacity", 2,
                 id="csi-storage-capacity"),
    pytest.param("0/2 nodes are available: 2 node(s) unavailable due to one or more pvc(s) bound to non-existent "
                 "pv(s).", "missing_pv", 2, id="1.23+-pvc-bound-to-missing-pv"),
    pytest.param("0/2 nodes are available: 2 pvc(s) bound to non-existent pv(s).", "missing_pv", 2,
                 id="1.20-1.22-pvc-bound-to-missing-pv"),
    pytest.param('running PreBind plugin "VolumeBinding": binding volumes: timed out waiting for the condition',
                 "prebind", "timed out waiting for the condition", id="prebind-timeout"),
    pytest.param("0/3 nodes are available: 3 node(s) had untolerated taint {a: b}. preemption: 0/3 nodes are "
                 "available: 3 node(s) had volume node affinity conflict.", "node_affinity", 0,
                 id="reasons-inside-the-preemption-tail-do-not-count"),
]


@pytest.mark.parametrize(("message", "attr", "value"), CASES)
def test_parse(message: str, attr: str, value: object) -> None:
    assert getattr(parse(message), attr) == value
