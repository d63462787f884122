"""FailedScheduling message parsing across scheduler versions (semantics.md A1, A2.0, C).

Every example of semantics A1.2/A1.4/A1.5/A1.6 is here, plus real messages pasted in public issues
(the id names the thread) and the real-dev corpus messages. Each case asserts the whole parsed
structure (every non-default field).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from podwhy.analyzers.scheduling.message import ParsedMessage, parse_failed_scheduling, ranked_codes
from podwhy.analyzers.scheduling.reasons import ReasonInfo, classify_reason, render_minors
from podwhy.catalog import CODES

_DEFAULTS = ParsedMessage()


def shape(p: ParsedMessage) -> dict[str, Any]:
    """Every field that differs from its default, the nested preemption message shaped the same way."""
    out: dict[str, Any] = {}
    for f in fields(ParsedMessage):
        if f.name == "entries":
            continue  # the classification of each entry is asserted by test_classify_reason
        v = getattr(p, f.name)
        if v != getattr(_DEFAULTS, f.name):
            out[f.name] = shape(v) if isinstance(v, ParsedMessage) else v
    return out


TAINT_MASTER_18 = "node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate"
TAINT_CP = "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
AFFINITY = "node(s) didn't match Pod's node affinity/selector"


def tail(n: int, hist: dict[str, int], hint: str = ">=1.24") -> dict[str, Any]:
    return {"total_nodes": n, "histogram": hist, "normalized": hist, "grammar": "histogram", "version_hint": hint}


CASES = [
    # ---- semantics A1.2 examples (synthetic, format-exact) ----
    pytest.param(
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had taint {node-role.kubernetes.io/master: }, "
        "that the pod didn't tolerate.",
        {"total_nodes": 3, "histogram": {"Insufficient cpu": 1, TAINT_MASTER_18: 2},
         "normalized": {"Insufficient cpu": 1, "node(s) had untolerated taint {node-role.kubernetes.io/master: }": 2},
         "codes": {"sched.insufficient-resources": 1, "sched.untolerated-taint": 2},
         "grammar": "histogram", "version_hint": "1.18-1.23"},
        id="a1.2-1.23-taint-with-comma-inside-the-reason",
    ),
    pytest.param(
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 No preemption victims "
        "found for incoming pod, 2 Preemption is not helpful for scheduling..",
        {"total_nodes": 3, "histogram": {"Insufficient cpu": 1, TAINT_CP: 2},
         "normalized": {"Insufficient cpu": 1, TAINT_CP: 2},
         "codes": {"sched.insufficient-resources": 1, "sched.untolerated-taint": 2},
         "preemption": tail(3, {NO_VICTIMS: 1, NOT_HELPFUL: 2}), "double_period": True,
         "grammar": "histogram", "version_hint": "1.26-1.28"},
        id="a1.2-1.27-double-period-after-the-preemption-tail",
    ),
    pytest.param(
        '0/11 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/11 nodes are available: '
        "11 Preemption is not helpful for scheduling.",
        {"total_nodes": 11, "prefilter": 'persistentvolumeclaim "data" not found',
         "codes": {"volume.pvc-not-found": 11}, "preemption": tail(11, {NOT_HELPFUL: 11}),
         "grammar": "prefilter", "version_hint": ">=1.29"},
        id="a1.2-1.30-uncounted-prefilter-missing-pvc",
    ),
    pytest.param(
        "0/3 nodes are available: 3 node(s) had untolerated taint(s). preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling.",
        {"total_nodes": 3, "histogram": {"node(s) had untolerated taint(s)": 3},
         "normalized": {"node(s) had untolerated taint(s)": 3}, "codes": {"sched.untolerated-taint": 3},
         "preemption": tail(3, {NOT_HELPFUL: 3}), "grammar": "histogram", "version_hint": ">=1.34"},
        id="a1.2-1.35-taint-no-longer-named",
    ),
    # ---- the real v1.34.4 scheduler (tests/realcluster): DynamicResources' PostFilter reasons ----
    pytest.param(
        "0/6 nodes are available: 1 node(s) were unschedulable, 2 node(s) had untolerated taint(s), "
        "3 Insufficient cpu. no new claims to deallocate, preemption: 0/6 nodes are available: "
        "6 Preemption is not helpful for scheduling.",
        {"total_nodes": 6,
         "histogram": {"node(s) were unschedulable": 1, "node(s) had untolerated taint(s)": 2, "Insufficient cpu": 3},
         "normalized": {"node(s) were unschedulable": 1, "node(s) had untolerated taint(s)": 2,
                        "Insufficient cpu": 3},
         "codes": {"sched.node-unschedulable": 1, "sched.untolerated-taint": 2, "sched.insufficient-resources": 3},
         "postfilter": "no new claims to deallocate",
         "preemption": tail(6, {NOT_HELPFUL: 6}), "grammar": "histogram", "version_hint": ">=1.34"},
        id="real-1.34-dra-postfilter-before-preemption",
    ),
    pytest.param(
        '0/6 nodes are available: persistentvolumeclaim "missing-claim" not found. not found',
        {"total_nodes": 6, "prefilter": 'persistentvolumeclaim "missing-claim" not found',
         "postfilter": "not found", "codes": {"volume.pvc-not-found": 6}, "grammar": "prefilter",
         "version_hint": ">=1.26"},
        id="real-1.34-prefilter-rejection-then-dra-postfilter-error",
    ),
    # ---- A1.4 PVC situations per version ----
    pytest.param(
        'persistentvolumeclaim "data" not found',
        {"raw": 'persistentvolumeclaim "data" not found', "prefilter": 'persistentvolumeclaim "data" not found',
         "codes": {"volume.pvc-not-found": 1}, "grammar": "raw", "version_hint": "<=1.19"},
        id="a1.4-1.14-1.19-raw-missing-pvc",
    ),
    pytest.param(
        'persistentvolumeclaim "data" is being deleted',
        {"raw": 'persistentvolumeclaim "data" is being deleted',
         "prefilter": 'persistentvolumeclaim "data" is being deleted',
         "codes": {"volume.pvc-not-found": 1}, "grammar": "raw", "version_hint": "<=1.19"},
        id="a1.4-raw-pvc-being-deleted",
    ),
    pytest.param(
        '0/4 nodes are available: 4 persistentvolumeclaim "data" not found.',
        {"total_nodes": 4, "histogram": {'persistentvolumeclaim "data" not found': 4},
         "normalized": {'persistentvolumeclaim "data" not found': 4}, "codes": {"volume.pvc-not-found": 4},
         "grammar": "histogram", "version_hint": "1.19-1.25"},
        id="a1.4-1.20-1.25-counted-missing-pvc",
    ),
    pytest.param(
        "pod has unbound immediate PersistentVolumeClaims (repeated 3 times)",
        {"raw": "pod has unbound immediate PersistentVolumeClaims (repeated 3 times)",
         "prefilter": "pod has unbound immediate PersistentVolumeClaims", "repeated": 3,
         "codes": {"volume.pvc-unbound": 3}, "grammar": "raw", "version_hint": "1.14-1.16"},
        id="a1.4-1.14-1.16-unbound-immediate-repeated",
    ),
    pytest.param(
        'error while running "VolumeBinding" filter plugin for pod "web-0": pod has unbound immediate '
        "PersistentVolumeClaims",
        {"raw": 'error while running "VolumeBinding" filter plugin for pod "web-0": pod has unbound immediate '
                "PersistentVolumeClaims",
         "prefilter": "pod has unbound immediate PersistentVolumeClaims", "codes": {"volume.pvc-unbound": 1},
         "grammar": "raw", "version_hint": "1.17"},
        id="a1.4-1.17-filter-plugin-wrapper",
    ),
    pytest.param(
        'running "VolumeBinding" filter plugin for pod "rabbitmq-cluster-0": pod has unbound immediate '
        "PersistentVolumeClaims",
        {"raw": 'running "VolumeBinding" filter plugin for pod "rabbitmq-cluster-0": pod has unbound immediate '
                "PersistentVolumeClaims",
         "prefilter": "pod has unbound immediate PersistentVolumeClaims", "codes": {"volume.pvc-unbound": 1},
         "grammar": "raw", "version_hint": "1.18"},
        id="a1.4-1.18-real-jharting-openshift-rabbitmq-14",
    ),
    pytest.param(
        "0/3 nodes are available: 3 pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are "
        "available: 3 Preemption is not helpful for scheduling.",
        {"total_nodes": 3, "histogram": {"pod has unbound immediate PersistentVolumeClaims": 3},
         "normalized": {"pod has unbound immediate PersistentVolumeClaims": 3}, "codes": {"volume.pvc-unbound": 3},
         "preemption": tail(3, {NOT_HELPFUL: 3}), "grammar": "histogram", "version_hint": "1.24-1.25"},
        id="a1.4-1.24-1.25-counted-unbound-with-tail-real-apisix-helm-chart-346",
    ),
    pytest.param(
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are "
        "available: 3 No preemption victims found for incoming pod..",
        {"total_nodes": 3, "prefilter": "pod has unbound immediate PersistentVolumeClaims",
         "codes": {"volume.pvc-unbound": 3}, "preemption": tail(3, {NO_VICTIMS: 3}), "double_period": True,
         "grammar": "prefilter", "version_hint": "1.26-1.28"},
        id="a1.4-1.26-1.28-uncounted-unbound-real-odo-6982",
    ),
    pytest.param(
        "pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: "
        "2 Preemption is not helpful for scheduling",
        {"prefilter": "pod has unbound immediate PersistentVolumeClaims", "codes": {"volume.pvc-unbound": 2},
         "preemption": tail(2, {NOT_HELPFUL: 2}), "grammar": "prefilter", "version_hint": ">=1.29"},
        id="pasted-excerpt-without-its-0-of-n-head-real-openmetadata-helm-charts-417",
    ),
    pytest.param(
        '0/5 nodes are available: waiting for ephemeral volume controller to create the persistentvolumeclaim '
        '"web-0-scratch". preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
        {"total_nodes": 5,
         "prefilter": 'waiting for ephemeral volume controller to create the persistentvolumeclaim "web-0-scratch"',
         "codes": {"volume.pvc-not-found": 5}, "preemption": tail(5, {NOT_HELPFUL: 5}), "grammar": "prefilter",
         "version_hint": ">=1.29"},
        id="a1.4-generic-ephemeral-pvc-not-created-yet",
    ),
    pytest.param(
        '0/2 nodes are available: persistentvolumeclaim "data" bound to non-existent persistentvolume "pv-1". '
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
        {"total_nodes": 2, "prefilter": 'persistentvolumeclaim "data" bound to non-existent persistentvolume "pv-1"',
         "codes": {"volume.pvc-unbound": 2}, "preemption": tail(2, {NOT_HELPFUL: 2}), "grammar": "prefilter",
         "version_hint": ">=1.29"},
        id="a1.4-pvc-lost-bound-to-missing-pv",
    ),
    pytest.param(
        "0/3 nodes are available: pod affinity terms conflict. preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling.",
        {"total_nodes": 3, "prefilter": "pod affinity terms conflict", "codes": {"sched.node-affinity": 3},
         "preemption": tail(3, {NOT_HELPFUL: 3}), "grammar": "prefilter", "version_hint": ">=1.29"},
        id="a1.4-nodeaffinity-matchfields-conflict-prefilter",
    ),
    pytest.param(
        "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
        "preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, "
        "3 Preemption is not helpful for scheduling.",
        {"total_nodes": 4, "histogram": {"Insufficient cpu": 1, "node(s) didn't satisfy plugin(s) [NodeAffinity]": 3},
         "normalized": {"Insufficient cpu": 1, "node(s) didn't satisfy plugin(s) [NodeAffinity]": 3},
         "codes": {"sched.insufficient-resources": 1}, "preemption": tail(4, {NO_VICTIMS: 1, NOT_HELPFUL: 3}),
         "grammar": "histogram", "version_hint": ">=1.32"},
        id="a1.2-1.32-daemonset-pod-excluded-nodes-counted-but-not-a-cause",
    ),
    pytest.param(
        "0/5 nodes are available: 1 Insufficient cpu. preemption: 0/5 nodes are available: "
        "1 No preemption victims found for incoming pod.",
        {"total_nodes": 5, "histogram": {"Insufficient cpu": 1}, "normalized": {"Insufficient cpu": 1},
         "codes": {"sched.insufficient-resources": 1}, "preemption": tail(5, {NO_VICTIMS: 1}),
         "grammar": "histogram", "version_hint": "1.24-1.25, >=1.29"},
        id="c2-1.24-1.31-counts-below-n-are-kept-as-printed",
    ),
    # ---- A1.5 preemption tails ----
    pytest.param(
        "0/3 nodes are available: 3 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never.",
        {"total_nodes": 3, "histogram": {"Insufficient memory": 3}, "normalized": {"Insufficient memory": 3},
         "codes": {"sched.insufficient-resources": 3},
         "preemption_text": "not eligible due to preemptionPolicy=Never.", "grammar": "histogram",
         "version_hint": "1.24-1.25, >=1.29"},
        id="a1.5-not-eligible-preemption-policy-never",
    ),
    pytest.param(
        "0/3 nodes are available: 3 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never..",
        {"total_nodes": 3, "histogram": {"Insufficient memory": 3}, "normalized": {"Insufficient memory": 3},
         "codes": {"sched.insufficient-resources": 3},
         "preemption_text": "not eligible due to preemptionPolicy=Never.", "double_period": True,
         "grammar": "histogram", "version_hint": "1.26-1.28"},
        id="a1.5-not-eligible-double-period-1.26-1.28",
    ),
    pytest.param(
        "0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to a terminating pod on the "
        "nominated node.",
        {"total_nodes": 2, "histogram": {"Insufficient cpu": 2}, "normalized": {"Insufficient cpu": 2},
         "codes": {"sched.insufficient-resources": 2},
         "preemption_text": "not eligible due to a terminating pod on the nominated node.", "grammar": "histogram",
         "version_hint": "1.24-1.25, >=1.29"},
        id="a1.5-not-eligible-terminating-pod-on-nominated-node",
    ),
    pytest.param(
        "0/2 nodes are available: 2 Insufficient cpu. preemption: no candidate node for preemption",
        {"total_nodes": 2, "histogram": {"Insufficient cpu": 2}, "normalized": {"Insufficient cpu": 2},
         "codes": {"sched.insufficient-resources": 2}, "preemption_text": "no candidate node for preemption",
         "grammar": "histogram", "version_hint": ">=1.24"},
        id="a1.5-no-candidate-node-for-preemption",
    ),
    pytest.param(
        "0/2 nodes are available: 2 Insufficient cpu. preemption: no candidate node for preemption.",
        {"total_nodes": 2, "histogram": {"Insufficient cpu": 2}, "normalized": {"Insufficient cpu": 2},
         "codes": {"sched.insufficient-resources": 2}, "preemption_text": "no candidate node for preemption",
         "double_period": True, "grammar": "histogram", "version_hint": "1.26-1.28"},
        id="a1.5-no-candidate-with-the-1.26-1.28-separator-period",
    ),
    # ---- A1.6 other scheduler messages ----
    pytest.param(
        "no nodes available to schedule pods",
        {"no_nodes": True, "codes": {"sched.no-nodes": 0}, "grammar": "no-nodes", "version_hint": "any"},
        id="a1.6-no-nodes-at-all",
    ),
    pytest.param(
        "skip schedule deleting pod: default/web-0",
        {"raw": "skip schedule deleting pod: default/web-0", "grammar": "raw", "version_hint": "any"},
        id="a1.6-skip-schedule-deleting-pod",
    ),
    pytest.param(
        'running PreBind plugin "VolumeBinding": binding volumes: timed out waiting for the condition',
        {"raw": 'running PreBind plugin "VolumeBinding": binding volumes: timed out waiting for the condition',
         "codes": {"volume.pvc-unbound": 1}, "grammar": "raw", "version_hint": ">=1.19"},
        id="a1.6-scheduler-error-prebind-volume-binding-timeout",
    ),
    pytest.param(
        'running PreFilter plugin "VolumeBinding": error getting PVC "default/data": could not find v1.'
        'PersistentVolumeClaim "default/data"',
        {"raw": 'running PreFilter plugin "VolumeBinding": error getting PVC "default/data": could not find v1.'
                'PersistentVolumeClaim "default/data"',
         "grammar": "raw", "version_hint": ">=1.19"},
        id="a1.6-scheduler-error-prefilter-unknown-inner-text-kept-raw",
    ),
    pytest.param(
        'one or more plugins asked to wait and no plugin rejected pod "web-0"',
        {"raw": 'one or more plugins asked to wait and no plugin rejected pod "web-0"', "grammar": "raw",
         "version_hint": "any"},
        id="a1.6-permit-wait",
    ),
    # ---- A1.7 traps ----
    pytest.param(
        "(combined from similar events): 0/2 nodes are available: 2 node(s) didn't match node selector.",
        {"total_nodes": 2, "histogram": {"node(s) didn't match node selector": 2}, "normalized": {AFFINITY: 2},
         "codes": {"sched.node-affinity": 2}, "combined": True, "grammar": "histogram", "version_hint": "1.10-1.19"},
        id="a1.7-combined-from-similar-events-prefix",
    ),
    pytest.param(
        "0/3 nodes are available: 1 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate, "
        "2 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate.",
        {"total_nodes": 3,
         "histogram": {"node(s) had taint {dedicated: gpu}, that the pod didn't tolerate": 1,
                       "node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate": 2},
         "normalized": {"node(s) had untolerated taint {dedicated: gpu}": 1,
                        "node(s) had untolerated taint {node.kubernetes.io/not-ready: }": 2},
         "codes": {"sched.untolerated-taint": 1, "sched.nodes-not-ready": 2}, "grammar": "histogram",
         "version_hint": "1.18-1.23"},
        id="a1.7-two-taint-reasons-each-with-a-comma-and-not-ready-taint",
    ),
    pytest.param(
        "0/30 nodes are available: 10 Insufficient cpu, 2 Insufficient memory, 18 node(s) didn't match Pod's node "
        "affinity/selector, 3 node(s) had untolerated taint {team: a}, 4 node(s) had untolerated taint {team: b}, "
        "5 node(s) had untolerated taint {team: c}. preemption: 0/30 nodes are available: 12 No preemption victims "
        "found for incoming pod, 18 Preemption is not helpful for scheduling. Extra text that the 1024-byte cut ...",
        {"total_nodes": 30,
         "histogram": {"Insufficient cpu": 10, "Insufficient memory": 2, AFFINITY: 18,
                       "node(s) had untolerated taint {team: a}": 3, "node(s) had untolerated taint {team: b}": 4,
                       "node(s) had untolerated taint {team: c}": 5},
         "normalized": {"Insufficient cpu": 10, "Insufficient memory": 2, AFFINITY: 18,
                        "node(s) had untolerated taint {team: a}": 3, "node(s) had untolerated taint {team: b}": 4,
                        "node(s) had untolerated taint {team: c}": 5},
         "codes": {"sched.insufficient-resources": 12, "sched.node-affinity": 18, "sched.untolerated-taint": 12},
         "truncated": True,
         "preemption": {"total_nodes": 30, "histogram": {NO_VICTIMS: 12},
                        "normalized": {NO_VICTIMS: 12}, "truncated": True,
                        "partial": "18 Preemption is not helpful for scheduling. Extra text that the 1024-byte cut",
                        "grammar": "histogram", "version_hint": ">=1.24"},
         "grammar": "histogram", "version_hint": "1.24-1.34"},
        id="a1.7-truncated-in-the-tail-keeps-the-main-histogram",
    ),
    pytest.param(
        "0/40 nodes are available: 10 Insufficient cpu, 12 node(s) had untolerated taint {nvidia.com/gp ...",
        {"total_nodes": 40, "histogram": {"Insufficient cpu": 10}, "normalized": {"Insufficient cpu": 10},
         "codes": {"sched.insufficient-resources": 10}, "truncated": True,
         "partial": "12 node(s) had untolerated taint {nvidia.com/gp", "grammar": "histogram",
         "version_hint": ">=1.9"},
        id="a1.7-truncated-in-the-main-histogram-partial-entry-set-aside",
    ),
    pytest.param(
        "0/3 nodes are available: 1 node(s) didn't match pod affinity/anti-affinity, 1 node(s) didn't match pod "
        "anti-affinity rules, 2 node(s) didn't satisfy existing pods anti-affinity rules, 1 node(s) didn't match "
        "pod affinity/anti-affinity.",
        {"total_nodes": 3,
         "histogram": {"node(s) didn't match pod affinity/anti-affinity": 2,
                       "node(s) didn't match pod anti-affinity rules": 1,
                       "node(s) didn't satisfy existing pods anti-affinity rules": 2},
         "normalized": {"node(s) didn't match pod anti-affinity rules": 1,
                        "node(s) didn't satisfy existing pods anti-affinity rules": 2},
         "codes": {"sched.pod-anti-affinity": 3}, "grammar": "histogram", "version_hint": "1.10-1.20"},
        id="a2.0-generic-interpodaffinity-reason-dropped-and-duplicate-entries-summed",
    ),
    pytest.param(
        "0/2 nodes are available: 2 node(s) didn't match pod affinity/anti-affinity rules, 2 node(s) didn't match "
        "pod affinity rules.",
        {"total_nodes": 2,
         "histogram": {"node(s) didn't match pod affinity/anti-affinity rules": 2,
                       "node(s) didn't match pod affinity rules": 2},
         "normalized": {"node(s) didn't match pod affinity rules": 2}, "codes": {"sched.pod-affinity": 2},
         "grammar": "histogram", "version_hint": "1.21"},
        id="a2.0-1.21-generic-rules-reason-doubles-counts",
    ),
    pytest.param(
        "0/4 nodes are available: 1 Insufficient pods, 1 node(s) didn't match the requested hostname, "
        "2 node(s) had volume node affinity conflict.",
        {"total_nodes": 4,
         "histogram": {"Insufficient pods": 1, "node(s) didn't match the requested hostname": 1,
                       "node(s) had volume node affinity conflict": 2},
         "normalized": {"Too many pods": 1, "node(s) didn't match the requested node name": 1,
                        "node(s) didn't match PersistentVolume's node affinity": 2},
         "codes": {"sched.too-many-pods": 1, "sched.node-name-not-found": 1, "volume.node-affinity-conflict": 2},
         "grammar": "histogram", "version_hint": "1.10-1.17"},
        id="c5-renamed-reasons-normalised-to-current-wording",
    ),
    pytest.param(
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity.",
        {"total_nodes": 3, "histogram": {"node(s) didn't match Pod's node affinity": 3}, "normalized": {AFFINITY: 3},
         "codes": {"sched.node-affinity": 3}, "grammar": "histogram", "version_hint": "1.20"},
        id="a2.0-1.20-node-affinity-wording",
    ),
    pytest.param(
        "0/6 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod topology spread "
        "constraints, 3 node(s) didn't have free ports for the requested pod ports.",
        {"total_nodes": 6,
         "histogram": {"node(s) were unschedulable": 1,
                       "node(s) didn't match pod topology spread constraints": 2,
                       "node(s) didn't have free ports for the requested pod ports": 3},
         "normalized": {"node(s) were unschedulable": 1,
                        "node(s) didn't match pod topology spread constraints": 2,
                        "node(s) didn't have free ports for the requested pod ports": 3},
         "codes": {"sched.node-unschedulable": 1, "sched.topology-spread": 2, "sched.host-port": 3},
         "grammar": "histogram", "version_hint": ">=1.16"},
        id="a2.0-cordoned-topology-spread-and-host-ports",
    ),
    pytest.param(
        "0/3 nodes are available: 1 node(s) exceed max volume count, 1 node(s) had no available volume zone, "
        "1 node(s) did not have enough free storage, 1 node(s) didn't find available persistent volumes to bind.",
        {"total_nodes": 3,
         "histogram": {"node(s) exceed max volume count": 1, "node(s) had no available volume zone": 1,
                       "node(s) did not have enough free storage": 1,
                       "node(s) didn't find available persistent volumes to bind": 1},
         "normalized": {"node(s) exceed max volume count": 1, "node(s) had no available volume zone": 1,
                        "node(s) did not have enough free storage": 1,
                        "node(s) didn't find available persistent volumes to bind": 1},
         "codes": {"volume.limit-exceeded": 1, "volume.node-affinity-conflict": 1, "volume.pvc-unbound": 2},
         "grammar": "histogram", "version_hint": ">=1.19"},
        id="a2.0-volume-reasons-counts-over-n-kept",
    ),
    # ---- real messages pasted in public issues, by version range ----
    pytest.param(
        "0/6 nodes are available: 6 node(s) didn't match node selector.",
        {"total_nodes": 6, "histogram": {"node(s) didn't match node selector": 6}, "normalized": {AFFINITY: 6},
         "codes": {"sched.node-affinity": 6}, "grammar": "histogram", "version_hint": "1.10-1.19"},
        id="real-1.14-era-node-selector-liwenhe1993-charts-1",
    ),
    pytest.param(
        "0/4 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 NodeUnschedulable, 3 MatchNodeSelector.",
        {"total_nodes": 4,
         "histogram": {"Insufficient cpu": 1, "Insufficient memory": 1, "NodeUnschedulable": 1,
                       "MatchNodeSelector": 3},
         "normalized": {"Insufficient cpu": 1, "Insufficient memory": 1, "node(s) were unschedulable": 1,
                        AFFINITY: 3},
         "codes": {"sched.insufficient-resources": 2, "sched.node-unschedulable": 1, "sched.node-affinity": 3},
         "grammar": "histogram", "version_hint": "1.9-1.10"},
        id="real-1.10-alpha-predicate-names-kubernetes-57574",
    ),
    pytest.param(
        "No nodes are available that match all of the following predicates:: Insufficient cpu (9), Insufficient "
        "memory (15), MatchNodeSelector (18).",
        {"histogram": {"Insufficient cpu": 9, "Insufficient memory": 15, "MatchNodeSelector": 18},
         "normalized": {"Insufficient cpu": 9, "Insufficient memory": 15, AFFINITY: 18},
         "codes": {"sched.insufficient-resources": 24, "sched.node-affinity": 18}, "grammar": "legacy-summary",
         "version_hint": "1.6-1.8"},
        id="real-1.7-predicates-summary-argo-workflows-190",
    ),
    pytest.param(
        "No nodes are available that match all of the predicates: MatchNodeSelector (3).",
        {"histogram": {"MatchNodeSelector": 3}, "normalized": {AFFINITY: 3}, "codes": {"sched.node-affinity": 3},
         "grammar": "legacy-summary", "version_hint": "1.6-1.8"},
        id="real-1.8-predicates-summary-kubernetes-55623",
    ),
    pytest.param(
        "pod (redis-595045062-jv9wh) failed to fit in any node fit failure summary on nodes : "
        "NoVolumeZoneConflict (3), PodToleratesNodeTaints (1)",
        {"histogram": {"NoVolumeZoneConflict": 3, "PodToleratesNodeTaints": 1},
         "normalized": {"node(s) had no available volume zone": 3, "node(s) had untolerated taint(s)": 1},
         "codes": {"volume.node-affinity-conflict": 3, "sched.untolerated-taint": 1}, "grammar": "legacy-summary",
         "version_hint": "1.5-1.6"},
        id="real-1.5-fit-failure-summary-kubernetes-41070",
    ),
    pytest.param(
        "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: "
        "0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
        {"total_nodes": 1, "histogram": {"node(s) had untolerated taint {node.kubernetes.io/unreachable: }": 1},
         "normalized": {"node(s) had untolerated taint {node.kubernetes.io/unreachable: }": 1},
         "codes": {"sched.nodes-not-ready": 1}, "preemption": tail(1, {NOT_HELPFUL: 1}), "grammar": "histogram",
         "version_hint": "1.24-1.25, 1.29-1.34"},
        id="real-1.24-plus-unreachable-taint-hystax-optscale-568",
    ),
    pytest.param(
        "0/1 nodes are available: 1 node(s) had untolerated taint {gpu: }. preemption: 0/1 nodes are available: "
        "1 Preemption is not helpful for scheduling..",
        {"total_nodes": 1, "histogram": {"node(s) had untolerated taint {gpu: }": 1},
         "normalized": {"node(s) had untolerated taint {gpu: }": 1}, "codes": {"sched.untolerated-taint": 1},
         "preemption": tail(1, {NOT_HELPFUL: 1}), "double_period": True, "grammar": "histogram",
         "version_hint": "1.26-1.28"},
        id="real-1.26-1.28-double-period-nvidia-k8s-device-plugin-421",
    ),
    pytest.param(
        "0/4 nodes are available: 1 node(s) had untolerated taint {CriticalAddonsOnly: true}, 3 Insufficient cpu. "
        "preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims "
        "found for incoming pod.",
        {"total_nodes": 4, "histogram": {"node(s) had untolerated taint {CriticalAddonsOnly: true}": 1,
                                         "Insufficient cpu": 3},
         "normalized": {"node(s) had untolerated taint {CriticalAddonsOnly: true}": 1, "Insufficient cpu": 3},
         "codes": {"sched.untolerated-taint": 1, "sched.insufficient-resources": 3},
         "preemption": tail(4, {NOT_HELPFUL: 1, NO_VICTIMS: 3}), "grammar": "histogram",
         "version_hint": "1.24-1.25, 1.29-1.34"},
        id="real-1.29-plus-single-period-akash-network-support-253",
    ),
    pytest.param(
        "There are no nodes that your pod can schedule to - check your requests, tolerations, and node selectors "
        "(0/17 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/ci-builds-worker: "
        "ci-builds-worker}, 2 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector, 3 node(s) "
        "had untolerated taint {node-role.kubernetes.io/master: }. preemption: 0/17 nodes are available: "
        "15 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..)",
        {"total_nodes": 17,
         "histogram": {"node(s) had untolerated taint {node-role.kubernetes.io/ci-builds-worker: ci-builds-worker}": 1,
                       "Insufficient memory": 2, AFFINITY: 2,
                       "node(s) had untolerated taint {node-role.kubernetes.io/master: }": 3},
         "normalized": {"node(s) had untolerated taint {node-role.kubernetes.io/ci-builds-worker: ci-builds-worker}": 1,
                        "Insufficient memory": 2, AFFINITY: 2,
                        "node(s) had untolerated taint {node-role.kubernetes.io/master: }": 3},
         "codes": {"sched.untolerated-taint": 4, "sched.insufficient-resources": 2, "sched.node-affinity": 2},
         "preemption": tail(17, {NOT_HELPFUL: 15, NO_VICTIMS: 2}), "double_period": True, "grammar": "histogram",
         "version_hint": "1.26-1.28"},
        id="real-message-quoted-inside-a-tool-error-redhat-odo-7038",
    ),
    pytest.param(
        "0/2 nodes are available: 1 Insufficient cambricon.com/mlu370, 1 node(s) had taint "
        "{node-role.kubernetes.io/master: }, that the pod didn't tolerate.",
        {"total_nodes": 2, "histogram": {"Insufficient cambricon.com/mlu370": 1, TAINT_MASTER_18: 1},
         "normalized": {"Insufficient cambricon.com/mlu370": 1,
                        "node(s) had untolerated taint {node-role.kubernetes.io/master: }": 1},
         "codes": {"sched.insufficient-resources": 1, "sched.untolerated-taint": 1}, "grammar": "histogram",
         "version_hint": "1.18-1.23"},
        id="real-1.18-1.23-extended-resource-and-named-taint-cambricon-k8s-device-plugin-16",
    ),
    pytest.param(
        "0/8 nodes are available: 2 Insufficient cpu, 3 node(s) had taints that the pod didn't tolerate, "
        "5 node(s) didn't match node selector.",
        {"total_nodes": 8,
         "histogram": {"Insufficient cpu": 2, "node(s) had taints that the pod didn't tolerate": 3,
                       "node(s) didn't match node selector": 5},
         "normalized": {"Insufficient cpu": 2, "node(s) had untolerated taint(s)": 3, AFFINITY: 5},
         "codes": {"sched.insufficient-resources": 2, "sched.untolerated-taint": 3, "sched.node-affinity": 5},
         "grammar": "histogram", "version_hint": "1.10-1.17"},
        id="real-1.14-1.17-counts-sum-above-n-raffaelespazzoli-openshift-enablement-exam-22",
    ),
    pytest.param(
        "0/2 nodes are unavailable: 1 plugin NodeUnschedulable predicates failed node(s) were unschedulable, "
        "1 plugin NodeVolumeLimits predicates failed node(s) exceed max volume count.",
        {"total_nodes": 2,
         "histogram": {"plugin NodeUnschedulable predicates failed node(s) were unschedulable": 1,
                       "plugin NodeVolumeLimits predicates failed node(s) exceed max volume count": 1},
         "normalized": {"node(s) were unschedulable": 1, "node(s) exceed max volume count": 1},
         "codes": {"sched.node-unschedulable": 1, "volume.limit-exceeded": 1}, "grammar": "histogram",
         "version_hint": "volcano"},
        id="real-volcano-scheduler-wording-volcano-sh-3191",
    ),
    # ---- the real-dev corpus messages ----
    pytest.param(
        "pod has unbound PersistentVolumeClaims (repeated 4 times)",
        {"raw": "pod has unbound PersistentVolumeClaims (repeated 4 times)",
         "prefilter": "pod has unbound PersistentVolumeClaims", "repeated": 4, "codes": {"volume.pvc-unbound": 4},
         "grammar": "raw", "version_hint": "<=1.13"},
        id="corpus-cassandra-eks-no-storageclass",
    ),
    pytest.param(
        "0/36 nodes are available: 31 node(s) didn't have free ports for the requested pod ports, 5 Insufficient "
        "memory.",
        {"total_nodes": 36,
         "histogram": {"node(s) didn't have free ports for the requested pod ports": 31, "Insufficient memory": 5},
         "normalized": {"node(s) didn't have free ports for the requested pod ports": 31, "Insufficient memory": 5},
         "codes": {"sched.host-port": 31, "sched.insufficient-resources": 5}, "grammar": "histogram",
         "version_hint": ">=1.10"},
        id="corpus-daemonset-hostport-counts-mask-memory",
    ),
    pytest.param(
        "pod (jenkins-master-645022479-ov9ka) failed to fit in any node\n"
        "fit failure on node (gke-warpdrive-default-pool-eae1f3b0-spgr): Insufficient cpu\n"
        "fit failure on node (gke-warpdrive-default-pool-eae1f3b0-jitr): Insufficient cpu\n"
        "fit failure on node (gke-warpdrive-default-pool-eae1f3b0-3qqu): Insufficient cpu\n"
        "fit failure on node (gke-warpdrive-default-pool-eae1f3b0-530e): Insufficient cpu",
        {"total_nodes": 4, "histogram": {"Insufficient cpu": 4}, "normalized": {"Insufficient cpu": 4},
         "codes": {"sched.insufficient-resources": 4},
         "per_node": {"gke-warpdrive-default-pool-eae1f3b0-spgr": ("Insufficient cpu",),
                      "gke-warpdrive-default-pool-eae1f3b0-jitr": ("Insufficient cpu",),
                      "gke-warpdrive-default-pool-eae1f3b0-3qqu": ("Insufficient cpu",),
                      "gke-warpdrive-default-pool-eae1f3b0-530e": ("Insufficient cpu",)},
         "grammar": "legacy-per-node", "version_hint": "<=1.5"},
        id="corpus-fit-failure-per-node-format-1-4",
    ),
    pytest.param(
        "0/1 nodes are available: 1 node(s) had taints that the pod didn't tolerate.",
        {"total_nodes": 1, "histogram": {"node(s) had taints that the pod didn't tolerate": 1},
         "normalized": {"node(s) had untolerated taint(s)": 1}, "codes": {"sched.untolerated-taint": 1},
         "grammar": "histogram", "version_hint": "1.10-1.17"},
        id="corpus-k3d-image-gc-failed-generic-taints",
    ),
    pytest.param(
        "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.",
        {"total_nodes": 1, "histogram": {"node(s) didn't have free ports for the requested pod ports": 1},
         "normalized": {"node(s) didn't have free ports for the requested pod ports": 1},
         "codes": {"sched.host-port": 1}, "grammar": "histogram", "version_hint": ">=1.10"},
        id="corpus-k3d-servicelb-hostport-traefik",
    ),
    pytest.param(
        "0/3 nodes are available: 1 Insufficient memory, 1 Too many pods, 1 node(s) had volume node affinity "
        "conflict. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No "
        "preemption victims found for incoming pod.",
        {"total_nodes": 3,
         "histogram": {"Insufficient memory": 1, "Too many pods": 1, "node(s) had volume node affinity conflict": 1},
         "normalized": {"Insufficient memory": 1, "Too many pods": 1, "node(s) didn't match PersistentVolume's node "
                        "affinity": 1},
         "codes": {"sched.insufficient-resources": 1, "sched.too-many-pods": 1, "volume.node-affinity-conflict": 1},
         "preemption": tail(3, {NOT_HELPFUL: 1, NO_VICTIMS: 2}), "grammar": "histogram",
         "version_hint": "1.24-1.25, 1.29-1.32"},
        id="corpus-kubeflow-two-pvcs-different-azs",
    ),
    pytest.param(
        "0/23 nodes are available: 1 node(s) had taints that the pod didn't tolerate,\n  22 node(s) didn't match "
        "node selector.",
        {"total_nodes": 23,
         "histogram": {"node(s) had taints that the pod didn't tolerate": 1, "node(s) didn't match node selector": 22},
         "normalized": {"node(s) had untolerated taint(s)": 1, AFFINITY: 22},
         "codes": {"sched.untolerated-taint": 1, "sched.node-affinity": 22}, "grammar": "histogram",
         "version_hint": "1.10-1.17"},
        id="corpus-kubefunc-node-admin-master-taint-folded-line",
    ),
    pytest.param(
        "0/3 nodes are available: 1 ExistingPodsAntiAffinityRulesNotMatch, 1 MatchInterPodAffinity, 2 "
        "CheckServiceAffinity",
        {"total_nodes": 3,
         "histogram": {"ExistingPodsAntiAffinityRulesNotMatch": 1, "MatchInterPodAffinity": 1,
                       "CheckServiceAffinity": 2},
         "normalized": {"node(s) didn't satisfy existing pods anti-affinity rules": 1,
                        "node(s) didn't match service affinity": 2},
         "codes": {"sched.pod-anti-affinity": 1, "sched.node-affinity": 2}, "grammar": "histogram",
         "version_hint": "1.9-1.10"},
        id="corpus-openshift-serviceaffinity-region-label",
    ),
]


@pytest.mark.parametrize(("message", "expected"), CASES)
def test_parse_failed_scheduling(message: str, expected: dict[str, Any]) -> None:
    assert shape(parse_failed_scheduling(message)) == expected


def R(reason: str, normalized: str | None, code: str | None, plugin: str | None, lo: int, hi: int,
      **kw: Any) -> ReasonInfo:
    norm = normalized or reason
    return ReasonInfo(reason=reason, normalized=norm, canonical=kw.pop("canonical", norm), code=code, plugin=plugin,
                      first_minor=lo, last_minor=hi, **kw)


@pytest.mark.parametrize(("reason", "expected"), [
    pytest.param("node(s) had taint {dedicated: gpu}, that the pod didn't tolerate",
                 R("node(s) had taint {dedicated: gpu}, that the pod didn't tolerate",
                   "node(s) had untolerated taint {dedicated: gpu}", "sched.untolerated-taint", "TaintToleration",
                   18, 23, canonical="node(s) had untolerated taint(s)", taint_key="dedicated", taint_value="gpu"),
                 id="taint-1.18-1.23-with-value"),
    pytest.param("node(s) had untolerated taint {node.kubernetes.io/not-ready: }",
                 R("node(s) had untolerated taint {node.kubernetes.io/not-ready: }", None, "sched.nodes-not-ready",
                   "TaintToleration", 24, 34, canonical="node(s) had untolerated taint(s)",
                   taint_key="node.kubernetes.io/not-ready", taint_value=""),
                 id="not-ready-taint-is-nodes-not-ready-empty-value"),
    pytest.param("node(s) had untolerated taint {node.kubernetes.io/unschedulable: }",
                 R("node(s) had untolerated taint {node.kubernetes.io/unschedulable: }", None,
                   "sched.node-unschedulable", "TaintToleration", 24, 34,
                   canonical="node(s) had untolerated taint(s)", taint_key="node.kubernetes.io/unschedulable",
                   taint_value=""),
                 id="cordon-taint-is-node-unschedulable"),
    pytest.param("Insufficient nvidia.com/gpu",
                 R("Insufficient nvidia.com/gpu", None, "sched.insufficient-resources", "NodeResourcesFit", 4, 35,
                   resource="nvidia.com/gpu"), id="extended-resource"),
    pytest.param("Insufficient attachable-volumes-aws-ebs",
                 R("Insufficient attachable-volumes-aws-ebs", None, "volume.limit-exceeded", "NodeResourcesFit",
                   4, 35, resource="attachable-volumes-aws-ebs"), id="attachable-volumes-is-a-volume-limit"),
    pytest.param("Insufficient pods",
                 R("Insufficient pods", "Too many pods", "sched.too-many-pods", "NodeResourcesFit", 4, 17,
                   resource="pods"), id="insufficient-pods-became-too-many-pods"),
    pytest.param("node(s) didn\u2019t match node selector.",
                 R("node(s) didn't match node selector", "node(s) didn't match Pod's node affinity/selector",
                   "sched.node-affinity", "NodeAffinity", 10, 19),
                 id="typographic-apostrophe-and-trailing-period-tolerated"),
    pytest.param("node(s) didn't satisfy plugin(s) [NodeAffinity VolumeBinding] simultaneously",
                 R("node(s) didn't satisfy plugin(s) [NodeAffinity VolumeBinding] simultaneously", None,
                   "sched.node-affinity", "framework", 24, 35, pod_level=True),
                 id="prefilter-results-empty-intersection"),
    pytest.param("waiting for scheduling gates: [example.com/hold]",
                 R("waiting for scheduling gates: [example.com/hold]", None, "sched.scheduling-gated",
                   "SchedulingGates", 26, 35, pod_level=True), id="scheduling-gates"),
    pytest.param('storageclass.storage.k8s.io "fast" not found',
                 R('storageclass.storage.k8s.io "fast" not found', None, "volume.storageclass-not-found",
                   "VolumeBinding", 4, 35, pod_level=True), id="missing-storageclass-lister-text"),
    pytest.param("CheckNodeCondition",
                 R("CheckNodeCondition", "node(s) were not ready", "sched.nodes-not-ready", "CheckNodeCondition", 4, 13),
                 id="pre-1.14-predicate-name-check-node-condition"),
    pytest.param('PersistentVolumeClaim is not bound: "data-0"',
                 R('PersistentVolumeClaim is not bound: "data-0"', None, "volume.pvc-unbound", "VolumeZone", 4, 13,
                   pod_level=True), id="pre-1.14-volume-predicate-error-claim-not-bound"),
    pytest.param("cannot allocate all claims",
                 R("cannot allocate all claims", None, None, "DynamicResources", 31, 35), id="dra-known-no-code"),
    pytest.param("node(s) didn't match SomeCustomPlugin",
                 ReasonInfo(reason="node(s) didn't match SomeCustomPlugin",
                            normalized="node(s) didn't match SomeCustomPlugin",
                            canonical="node(s) didn't match SomeCustomPlugin", code=None, plugin=None, known=False),
                 id="out-of-tree-reason-kept-unknown"),
])
def test_classify_reason(reason: str, expected: ReasonInfo) -> None:
    assert classify_reason(reason) == expected


def test_every_code_is_catalogued() -> None:
    seen = {info.code for info in (classify_reason(r) for r in _all_case_reasons()) if info.code}
    seen |= {c for p in CASES for c in p.values[1].get("codes", {})}
    assert seen <= set(CODES)


def _all_case_reasons() -> list[str]:
    return [r for p in CASES for r in p.values[1].get("histogram", {})]


@pytest.mark.parametrize(("minors", "text"), [
    pytest.param(frozenset(range(18, 24)), "1.18-1.23", id="closed-range"),
    pytest.param(frozenset(range(29, 36)), ">=1.29", id="open-upper"),
    pytest.param(frozenset(range(4, 10)), "<=1.9", id="open-lower"),
    pytest.param(frozenset({24, 25, 29, 30}), "1.24-1.25, 1.29-1.30", id="two-runs"),
    pytest.param(frozenset({35}), "1.35", id="single"),
])
def test_render_minors(minors: frozenset[int], text: str) -> None:
    assert render_minors(minors) == text


@pytest.mark.parametrize("message", [
    pytest.param("0/100000 nodes are available: " + ", ".join(
        f"{i} node(s) had taint {{k{i}: " + "v" * 50 + "}, that the pod didn't tolerate" for i in range(1, 1500)) + ".",
        id="100kb-histogram"),
    pytest.param("0/3 nodes are available: " + "1 " * 50_000 + "x", id="100kb-of-counts"),
    pytest.param("0/3 nodes are available: " + ", " * 50_000, id="100kb-of-separators"),
    pytest.param("pod has unbound PersistentVolumeClaims" + " (repeated" * 10_000, id="100kb-repeated-suffixes"),
    pytest.param('running "X" filter plugin for pod "' + '"' * 100_000, id="100kb-of-quotes"),
    pytest.param("node(s) didn't satisfy plugin(s) [" + "A " * 50_000, id="100kb-plugin-list"),
])
def test_large_hostile_messages_return(message: str) -> None:
    # Every regex is anchored with bounded classes: these return at once instead of backtracking.
    parsed = parse_failed_scheduling(message)
    for _n, info in parsed.entries:
        assert classify_reason(info.reason).reason == info.reason
    assert parsed.grammar in ("histogram", "prefilter", "raw")


@pytest.mark.parametrize(("message", "expected"), [
    pytest.param("0/36 nodes are available: 31 node(s) didn't have free ports for the requested pod ports, "
                 "5 Insufficient memory.",
                 [("sched.insufficient-resources", 5), ("sched.host-port", 31)],
                 id="host-port-clashes-on-most-nodes-mask-the-memory-shortage-corpus"),
    pytest.param("0/23 nodes are available: 1 node(s) had taints that the pod didn't tolerate, 22 node(s) didn't "
                 "match node selector.",
                 [("sched.untolerated-taint", 1), ("sched.node-affinity", 22)],
                 id="own-selector-excludes-22-the-candidate-is-tainted-corpus"),
    pytest.param("0/3 nodes are available: 1 Insufficient memory, 1 Too many pods, 1 node(s) had volume node "
                 "affinity conflict. preemption: 0/3 nodes are available: 1 Preemption is not helpful for "
                 "scheduling, 2 No preemption victims found for incoming pod.",
                 [("volume.node-affinity-conflict", 1), ("sched.insufficient-resources", 1),
                  ("sched.too-many-pods", 1)],
                 id="tie-goes-to-the-unresolvable-reason-corpus"),
    pytest.param("0/3 nodes are available: 1 ExistingPodsAntiAffinityRulesNotMatch, 1 MatchInterPodAffinity, "
                 "2 CheckServiceAffinity",
                 [("sched.node-affinity", 2), ("sched.pod-anti-affinity", 1)],
                 id="generic-interpodaffinity-not-counted-corpus"),
    pytest.param("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint "
                 "{node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 No preemption "
                 "victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
                 [("sched.insufficient-resources", 1), ("sched.untolerated-taint", 2)],
                 id="control-plane-taint-ranks-last"),
    pytest.param("0/5 nodes are available: 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: "
                 "}, 2 node(s) didn't match Pod's node affinity/selector.",
                 [("sched.node-affinity", 2), ("sched.untolerated-taint", 3)],
                 id="selector-matching-no-worker-beats-control-plane-taint"),
    pytest.param('0/3 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/3 nodes are '
                 "available: 3 Preemption is not helpful for scheduling.",
                 [("volume.pvc-not-found", 3)], id="pod-level-rejection-first"),
    pytest.param("pod has unbound PersistentVolumeClaims (repeated 4 times)", [("volume.pvc-unbound", 4)],
                 id="raw-pvc-error-corpus"),
    pytest.param("no nodes available to schedule pods", [("sched.no-nodes", 0)], id="no-nodes"),
    pytest.param("skip schedule deleting pod: default/web-0", [], id="nothing-to-rank"),
])
def test_ranked_codes(message: str, expected: list[tuple[str, int]]) -> None:
    assert ranked_codes(parse_failed_scheduling(message)) == expected
