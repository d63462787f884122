"""cluster-autoscaler / Karpenter findings for pending pods (semantics.md A4), from small YAML snapshots.

Event texts are real CA/Karpenter wordings (pasted in kubernetes/autoscaler, 2i2c-org/infrastructure,
aws/karpenter-provider-aws issues); status maps follow CA's own formats (≤1.29 text, ≥1.30 YAML of
cluster-autoscaler/clusterstate/utils/status_test.yaml).
"""

from __future__ import annotations

from datetime import UTC, datetime
from textwrap import indent

import pytest

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.scheduling.autoscaler import (
    CAReason,
    GroupStatus,
    NotTriggered,
    ScaleUp,
    autoscaler_findings,
    parse_not_triggered,
    parse_status,
    parse_triggered,
)
from podwhy.analyzers.scheduling.reasons import classify_reason
from podwhy.catalog import CODES
from podwhy.findings import Evidence, Finding, Fix

from helpers import snapshot_from_yaml

NOW = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
STATUS_CMD = "kubectl -n kube-system get configmap cluster-autoscaler-status -o yaml"
CM = "ConfigMap/kube-system/cluster-autoscaler-status"


def pod(name: str = "trainer-0", ns: str = "ml", *, selector: str = "", node: str = "") -> str:
    sel = f"\n  nodeSelector: {{{selector}}}" if selector else ""
    bound = f"\n  nodeName: {node}" if node else ""
    return f"""apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {ns}, uid: u-{name}}}
spec:{sel}{bound}
  containers: [{{name: app, image: busybox}}]
status: {{phase: Pending}}
"""


def event(reason: str, message: str, ts: str, *, name: str = "trainer-0", ns: str = "ml", n: int = 1,
          kind: str = "Pod", component: str = "cluster-autoscaler", type_: str = "Normal", count: int = 1) -> str:
    uid = f", uid: u-{name}" if kind == "Pod" else ""
    quoted = message.replace("\\", "\\\\").replace('"', '\\"')
    return f"""---
apiVersion: v1
kind: Event
metadata: {{name: {name}.{n}, namespace: {ns}}}
involvedObject: {{kind: {kind}, name: {name}, namespace: {ns}{uid}}}
reason: {reason}
type: {type_}
source: {{component: {component}}}
message: "{quoted}"
count: {count}
lastTimestamp: "{ts}"
"""


def status_map(text: str) -> str:
    return f"""---
apiVersion: v1
kind: ConfigMap
metadata: {{name: cluster-autoscaler-status, namespace: kube-system}}
data:
  status: |+
{indent(text, "    ")}
"""


YAML_STATUS = """time: "2026-01-01 00:59:50.123 +0000 UTC"
autoscalerStatus: Running
clusterWide:
  health:
    status: Healthy
    nodeCounts:
      registered: {total: 13, ready: 13, notStarted: 0, unready: {total: 0, resourceUnready: 0}}
      longUnregistered: 0
      unregistered: 0
  scaleUp: {status: NoActivity}
nodeGroups:
- name: eks-gpu-20240101
  health:
    status: Healthy
    nodeCounts:
      registered: {total: 10, ready: 10}
    cloudProviderTarget: 10
    minSize: 0
    maxSize: 10
    lastProbeTime: "2026-01-01T00:59:50Z"
  scaleUp:
    status: NoActivity
    lastProbeTime: "2026-01-01T00:59:50Z"
- name: sample-node-group
  health:
    status: Healthy
    nodeCounts:
      registered: {total: 3, ready: 3}
    cloudProviderTarget: 3
    minSize: 2
    maxSize: 12
  scaleUp:
    status: Backoff
    backoffInfo:
      errorCode: "QUOTA_EXCEEDED"
      errorMessage: "Instance 'sample-node-group-40ce0341-t28s' creation failed: Quota 'CPUS' exceeded. Limit: 57.0 in region us-central1."
"""

GPU_BLOCK = """name: eks-gpu-20240101
health:
  status: Healthy
  nodeCounts:
    registered: {total: 10, ready: 10}
  cloudProviderTarget: 10
  minSize: 0
  maxSize: 10
scaleUp:
  status: NoActivity"""

SAMPLE_BLOCK = """name: sample-node-group
health:
  status: Healthy
  nodeCounts:
    registered: {total: 3, ready: 3}
  cloudProviderTarget: 3
  minSize: 2
  maxSize: 12
scaleUp:
  status: Backoff
  backoffInfo:
    errorCode: "QUOTA_EXCEEDED"
    errorMessage: "Instance 'sample-node-group-40ce0341-t28s' creation failed: Quota 'CPUS' exceeded. Limit: 57.0 in region us-central1.\""""
# What the findings quote of those blocks: the group's name and the lines they rest on (GroupStatus.excerpt).
GPU_SIZE_LINES = "name: eks-gpu-20240101\n  cloudProviderTarget: 10\n  minSize: 0\n  maxSize: 10"
SAMPLE_BACKOFF_LINES = """name: sample-node-group
  status: Healthy
scaleUp:
  status: Backoff
  backoffInfo:
    errorCode: "QUOTA_EXCEEDED"
    errorMessage: "Instance 'sample-node-group-40ce0341-t28s' creation failed: Quota 'CPUS' exceeded. Limit: 57.0 in region us-central1.\""""
QUOTA_ERR = ("QUOTA_EXCEEDED: Instance 'sample-node-group-40ce0341-t28s' creation failed: Quota 'CPUS' exceeded. "
             "Limit: 57.0 in region us-central1.")

TEXT_STATUS = """Cluster-autoscaler status at 2026-01-01 00:59:52.629229383 +0000 UTC:
Cluster-wide:
  Health:      Healthy (ready=2 unready=0 notStarted=0 longNotStarted=0 registered=2 longUnregistered=0)
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
               LastTransitionTime: 2026-01-01 00:16:22.870023446 +0000 UTC m=+30.308309484
  ScaleUp:     NoActivity (ready=2 registered=2)
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
               LastTransitionTime: 2026-01-01 00:40:12.110034101 +0000 UTC m=+1400.1
  ScaleDown:   NoCandidates (candidates=0)
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
               LastTransitionTime: 2026-01-01 00:16:22.870023446 +0000 UTC m=+30.308309484

NodeGroups:
  Name:        eks-worker-group-prod
  Health:      Unhealthy (ready=1 unready=2 notStarted=0 longNotStarted=0 registered=3 longUnregistered=1 cloudProviderTarget=4 (minSize=1, maxSize=5))
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
               LastTransitionTime: 2026-01-01 00:16:22.870023446 +0000 UTC m=+30.308309484
  ScaleUp:     NoActivity (ready=1 cloudProviderTarget=4)
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
               LastTransitionTime: 2026-01-01 00:16:22.870023446 +0000 UTC m=+30.308309484
  ScaleDown:   NoCandidates (candidates=0)
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
               LastTransitionTime: 2026-01-01 00:16:22.870023446 +0000 UTC m=+30.308309484

  Name:        eks-worker-group-staging
  Health:      Healthy (ready=0 unready=0 notStarted=0 longNotStarted=0 registered=0 longUnregistered=0 cloudProviderTarget=0 (minSize=0, maxSize=3))
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
               LastTransitionTime: 2026-01-01 00:16:22.870023446 +0000 UTC m=+30.308309484
  ScaleUp:     Backoff (ready=0 cloudProviderTarget=0)
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
               LastTransitionTime: 2026-01-01 00:40:12.110034101 +0000 UTC m=+1400.1
  ScaleDown:   NoCandidates (candidates=0)
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
               LastTransitionTime: 2026-01-01 00:16:22.870023446 +0000 UTC m=+30.308309484
"""
PROD_LINES = ("Name:        eks-worker-group-prod\n"
              "Health:      Unhealthy (ready=1 unready=2 notStarted=0 longNotStarted=0 registered=3 longUnregistered=1 "
              "cloudProviderTarget=4 (minSize=1, maxSize=5))\n"
              "ScaleUp:     NoActivity (ready=1 cloudProviderTarget=4)\n"
              "ScaleDown:   NoCandidates (candidates=0)")
STAGING_LINES = ("Name:        eks-worker-group-staging\n"
                 "Health:      Healthy (ready=0 unready=0 notStarted=0 longNotStarted=0 registered=0 longUnregistered=0 "
                 "cloudProviderTarget=0 (minSize=0, maxSize=3))\n"
                 "ScaleUp:     Backoff (ready=0 cloudProviderTarget=0)\n"
                 "ScaleDown:   NoCandidates (candidates=0)")
STOCKOUT = ("Could not launch On-Demand Instances. InsufficientInstanceCapacity - We currently do not have sufficient "
            "g4dn.xlarge capacity in the Availability Zone you requested (us-east-1a).")
CM_EVENT = event("FailedToScaleUpGroup", f"Scale-up failed for group eks-worker-group-staging: {STOCKOUT}",
                 "2026-01-01T00:40:00Z", name="cluster-autoscaler-status", ns="kube-system", kind="ConfigMap",
                 type_="Warning")
CM_EVENT_EVIDENCE = Evidence(ref="Event/kube-system/cluster-autoscaler-status.1", field=".message [FailedToScaleUpGroup]",
                             observed=f"Scale-up failed for group eks-worker-group-staging: {STOCKOUT}")

GKE_GROUP = ("https://www.googleapis.com/compute/v1/projects/two-eye-two-see/zones/us-central1-b/instanceGroups/"
             "gke-pilot-hubs-cluster-nb-user-0b3f-grp")
GKE_STATUS = f"""Cluster-autoscaler status at 2026-01-01 00:59:52.629229383 +0000 UTC:
Cluster-wide:
  Health:      Unhealthy (ready=2 unready=5 notStarted=0 longNotStarted=0 registered=7 longUnregistered=0)
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
  ScaleUp:     NoActivity (ready=2 registered=7)
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455

NodeGroups:
  Name:        {GKE_GROUP}
  Health:      Healthy (ready=2 unready=5 notStarted=0 longNotStarted=0 registered=7 longUnregistered=0 cloudProviderTarget=7 (minSize=0, maxSize=7))
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
  ScaleUp:     NoActivity (ready=2 cloudProviderTarget=7)
               LastProbeTime:      2026-01-01 00:59:52.627063558 +0000 UTC m=+11640.065349455
"""

MAX_SIZE_MSG = "pod didn't trigger scale-up: 2 node(s) didn't match Pod's node affinity/selector, 1 max node group size reached"
OLD_BACKOFF_MSG = ("pod didn't trigger scale-up (it wouldn't fit if a new node is added): 1 node(s) didn't match node "
                   "selector, 1 in backoff after failed scale-up")
GPU_MSG = "pod didn't trigger scale-up (it wouldn't fit if a new node is added): 6 Insufficient nvidia.com/gpu"
DASK_MSG = ("pod didn't trigger scale-up: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had taint "
            "{k8s.dask.org_dedicated: worker}, that the pod didn't tolerate, 1 in backoff after failed scale-up")
KARPENTER_MSG = ('Failed to schedule pod, incompatible with nodepool "bitbucket", daemonset overhead={"cpu":"655m",'
                 '"memory":"628000Ki","pods":"7"}, did not tolerate bitbucket=true:NoSchedule; incompatible with '
                 'nodepool "monitoring", daemonset overhead={"cpu":"655m","memory":"628000Ki","pods":"7"}, no instance '
                 'type satisfied resources {"cpu":"2655m","memory":"21599520Ki","pods":"8"} and requirements '
                 "karpenter.sh/capacity-type In [on-demand spot], kubernetes.io/arch In [amd64 arm64]")


def ev(name: str, reason: str, message: str, times: str = "", ns: str = "ml") -> Evidence:
    return Evidence(ref=f"Event/{ns}/{name}", field=f".message [{reason}{times}]", observed=message)


def run(text: str, *, unscheduled: bool = True) -> list[Finding]:
    snap = snapshot_from_yaml(text)
    p = snap.pods[0]
    ctx = Context(snapshot=snap, now=NOW)
    work = Work(kind="Pod", namespace=p.metadata.namespace, name=p.metadata.name, obj=p, state="Pending",
                unscheduled=unscheduled)
    return autoscaler_findings(ctx, work)


GPU_AT_MAX = {"nodeGroup": "eks-gpu-20240101", "reason": "max node group size reached", "groups": 1, "maxSize": 10,
              "target": 10, "newNode": {"verified": False, "why": "no Node objects in the input"}}

STAGING_BACKOFF = {"nodeGroup": "eks-worker-group-staging", "reason": "in backoff after failed scale-up",
                   "groups": 1, "errorCode": None, "errorMessage": STOCKOUT}

CASES = [
    pytest.param(
        pod(selector="pool: gpu")
        + event("NotTriggerScaleUp", MAX_SIZE_MSG, "2026-01-01T00:58:00Z", count=12) + status_map(YAML_STATUS),
        # No Node objects: whether a new node of the group would carry pool=gpu cannot be checked, so
        # "raise max-size" is likely, not certain, and says what to check.
        [Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="likely",
            cause=("cluster-autoscaler will not add a node (said 2m ago): node group eks-gpu-20240101 is at its "
                   "maximum size (10/10 nodes; minSize=0, maxSize=10), so it was skipped (1 max node group size "
                   "reached); the other node groups' template nodes do not fit the pod: 2 node(s) didn't match "
                   "Pod's node affinity/selector"),
            evidence=[ev("trainer-0.1", "NotTriggerScaleUp", MAX_SIZE_MSG, " (x12, last 2026-01-01T00:58:00Z)"),
                      Evidence(ref=CM, field=".data.status", observed=GPU_SIZE_LINES)],
            fix=Fix(summary=("Raise the maximum size of node group eks-gpu-20240101 above 10 (cloud node group / "
                             "the --nodes=<min>:<max>:<name> flag of cluster-autoscaler), once you have checked "
                             "that its nodes satisfy the pod's nodeSelector, affinity and tolerations (not verified: "
                             "no Node objects in the input). Otherwise: The node groups cluster-autoscaler tried do "
                             "not carry the labels the pod selects (pool=gpu): add them to a node group (for groups "
                             "scaled to zero on AWS, tag the ASG "
                             "k8s.io/cluster-autoscaler/node-template/label/<key>=<value>), or fix the pod's "
                             "nodeSelector/affinity"),
                    commands=["aws autoscaling update-auto-scaling-group --auto-scaling-group-name "
                              "eks-gpu-20240101 --max-size 11", STATUS_CMD]),
            details={**GPU_AT_MAX, "parts": [GPU_AT_MAX, {
                "rejected": {"node(s) didn't match Pod's node affinity/selector": 2},
                "codes": {"sched.node-affinity": 2}, "wording": ">=1.20"}]},
            group_key="nodegroup=eks-gpu-20240101", rank=40,
        )],
        id="max-node-group-size-fused-with-yaml-status-names-the-group-at-max",
    ),
    pytest.param(
        pod() + event("NotTriggerScaleUp", "pod didn't trigger scale-up: 1 in backoff after failed scale-up",
                      "2026-01-01T00:59:00Z") + status_map(YAML_STATUS),
        [Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="certain",
            cause=("cluster-autoscaler will not add a node (said 60s ago): node group sample-node-group is in backoff "
                   f"after a failed scale-up: {QUOTA_ERR}"),
            evidence=[ev("trainer-0.1", "NotTriggerScaleUp",
                         "pod didn't trigger scale-up: 1 in backoff after failed scale-up"),
                      Evidence(ref=CM, field=".data.status", observed=SAMPLE_BACKOFF_LINES)],
            fix=Fix(summary=("Raise the cloud quota that stopped node group sample-node-group from growing (see the "
                             "error), or use another region/instance type"),
                    commands=[STATUS_CMD,
                              "kubectl get events -A --field-selector involvedObject.name=cluster-autoscaler-status"]),
            details={"nodeGroup": "sample-node-group", "reason": "in backoff after failed scale-up", "groups": 1,
                     "errorCode": "QUOTA_EXCEEDED",
                     "errorMessage": ("Instance 'sample-node-group-40ce0341-t28s' creation failed: Quota 'CPUS' "
                                      "exceeded. Limit: 57.0 in region us-central1.")},
            group_key="nodegroup=sample-node-group", rank=40,
        )],
        id="backoff-with-yaml-status-quotes-the-cloud-error",
    ),
    pytest.param(
        pod("nginx-7474d8bb57-dxt2n", "test", selector="env: staging")
        + event("NotTriggerScaleUp", OLD_BACKOFF_MSG, "2026-01-01T00:55:00Z", name="nginx-7474d8bb57-dxt2n", ns="test")
        + CM_EVENT + status_map(TEXT_STATUS),
        [Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="certain",
            cause=("cluster-autoscaler will not add a node (said 5m ago): node group eks-worker-group-staging is "
                   f"in backoff after a failed scale-up: {STOCKOUT}; the other node groups' template nodes do not "
                   "fit the pod: 1 node(s) didn't match Pod's node affinity/selector"),
            evidence=[ev("nginx-7474d8bb57-dxt2n.1", "NotTriggerScaleUp", OLD_BACKOFF_MSG, ns="test"),
                      Evidence(ref=CM, field=".data.status", observed=STAGING_LINES), CM_EVENT_EVIDENCE],
            fix=Fix(summary=("The cloud has no capacity for node group eks-worker-group-staging's instance type: "
                             "add another instance type or zone"),
                    commands=[STATUS_CMD, "kubectl get events -A --field-selector "
                                          "involvedObject.name=cluster-autoscaler-status"]),
            details={**STAGING_BACKOFF, "parts": [STAGING_BACKOFF, {
                "rejected": {"node(s) didn't match node selector": 1}, "codes": {"sched.node-affinity": 1},
                "wording": "1.14-1.19"}]},
            group_key="nodegroup=eks-worker-group-staging", rank=40,
        )],
        id="ca-1.19-wording-backoff-fused-with-text-status-and-failed-scale-up-event",
    ),
    pytest.param(
        pod() + event("NotTriggerScaleUp", "pod didn't trigger scale-up: 1 not ready for scale-up",
                      "2026-01-01T00:50:00Z") + status_map(TEXT_STATUS),
        [Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="certain",
            cause=("cluster-autoscaler will not add a node (said 10m ago): eks-worker-group-prod is not ready for "
                   "scale-up (unhealthy: ready=1 unready=2 notStarted=0 registered=3 longUnregistered=1); CA does "
                   "not grow a group whose nodes fail to register or become Ready"),
            evidence=[ev("trainer-0.1", "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 not ready for scale-up"),
                      Evidence(ref=CM, field=".data.status", observed=PROD_LINES)],
            fix=Fix(summary=("Find why the group's nodes are NotReady or never registered (node bootstrap, kubelet, "
                             "CNI, cloud instance errors) and fix or remove them"),
                    commands=["kubectl get nodes -o wide", STATUS_CMD]),
            details={"nodeGroup": "eks-worker-group-prod", "reason": "not ready for scale-up", "groups": 1},
            group_key="nodegroup=eks-worker-group-prod", rank=40,
        )],
        id="not-ready-for-scale-up-names-the-unhealthy-group-from-text-status",
    ),
    pytest.param(
        pod() + event("NotTriggerScaleUp", GPU_MSG, "2026-01-01T00:30:00Z"),
        [Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="certain",
            cause=("cluster-autoscaler will not add a node (said 30m ago): no node group's template node fits the "
                   "pod: 6 Insufficient nvidia.com/gpu"),
            evidence=[ev("trainer-0.1", "NotTriggerScaleUp", GPU_MSG)],
            fix=Fix(summary=("The node groups cluster-autoscaler tried offer no node with enough nvidia.com/gpu for "
                             "the pod: add a node group with a larger (or GPU) instance type, or lower the pod's "
                             "requests; for groups scaled to zero, make sure CA knows the template's capacity (e.g. "
                             "ASG tag k8s.io/cluster-autoscaler/node-template/resources/<resource>)"),
                    commands=["kubectl get pod -n ml trainer-0 -o jsonpath='{.spec.containers[*].resources}'"]),
            details={"rejected": {"Insufficient nvidia.com/gpu": 6}, "codes": {"sched.insufficient-resources": 6},
                     "wording": "1.14-1.19"},
            group_key="autoscaler=no-template-fits", rank=40,
        )],
        id="no-template-has-the-gpu-real-kubernetes-autoscaler-2506-no-status-map",
    ),
    pytest.param(
        pod() + event("NotTriggerScaleUp", DASK_MSG, "2026-01-01T00:59:30Z"),
        [Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="certain",
            cause=("cluster-autoscaler will not add a node (said 30s ago): 1 node group(s) are in backoff after a "
                   "failed scale-up (cloud quota, instance stockout or nodes that never registered); the other node "
                   "groups' template nodes do not fit the pod: 1 node(s) didn't match Pod's node affinity/selector, "
                   "1 node(s) had untolerated taint {k8s.dask.org_dedicated: worker}"),
            evidence=[ev("trainer-0.1", "NotTriggerScaleUp", DASK_MSG)],
            fix=Fix(summary=("Find the failed scale-up in the cluster-autoscaler status/logs and fix its cause "
                             "(quota, instance availability, node bootstrap); CA retries after the backoff"),
                    commands=[STATUS_CMD, "kubectl -n kube-system logs deploy/cluster-autoscaler | grep -i "
                                          "'scale-up'"]),
            details={"reason": "in backoff after failed scale-up", "groups": 1, "parts": [
                {"reason": "in backoff after failed scale-up", "groups": 1},
                {"rejected": {"node(s) didn't match Pod's node affinity/selector": 1,
                              "node(s) had taint {k8s.dask.org_dedicated: worker}, that the pod didn't tolerate": 1},
                 "codes": {"sched.node-affinity": 1, "sched.untolerated-taint": 1}, "wording": ">=1.20"}]},
            group_key="autoscaler=backoff", rank=40,
        )],
        id="taint-reason-with-comma-and-backoff-without-status-real-2i2c-infrastructure-2185",
    ),
    pytest.param(
        pod() + event("NotTriggerScaleUp", "pod didn't trigger scale-up: max total nodes in cluster reached",
                      "2026-01-01T00:59:00Z"),
        [Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="certain",
            cause="cluster-autoscaler will not add a node (said 60s ago): max total nodes in cluster reached",
            evidence=[ev("trainer-0.1", "NotTriggerScaleUp",
                         "pod didn't trigger scale-up: max total nodes in cluster reached")],
            fix=Fix(summary="Raise cluster-autoscaler's --max-nodes-total (or remove nodes that are not needed)",
                    commands=["kubectl -n kube-system get deploy cluster-autoscaler -o yaml | grep -e "
                              "--max-nodes-total"]),
            details={"reason": "max total nodes in cluster reached", "groups": 0},
            group_key="autoscaler=cluster-limit", rank=40,
        )],
        id="max-total-nodes-replaces-the-whole-list",
    ),
    pytest.param(
        pod() + event("NotTriggerScaleUp", "pod didn't trigger scale-up: 2 max cluster cpu, memory limit reached",
                      "2026-01-01T00:59:00Z"),
        [Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="certain",
            cause=("cluster-autoscaler will not add a node (said 60s ago): max cluster cpu, memory limit reached "
                   "(2 node group(s))"),
            evidence=[ev("trainer-0.1", "NotTriggerScaleUp",
                         "pod didn't trigger scale-up: 2 max cluster cpu, memory limit reached")],
            fix=Fix(summary=("Raise cluster-autoscaler's cluster resource limits (--cores-total / --memory-total, or "
                             "the node auto-provisioning limits)"),
                    commands=["kubectl -n kube-system get deploy cluster-autoscaler -o yaml | grep -e --cores-total "
                              "-e --memory-total"]),
            details={"reason": "max cluster cpu, memory limit reached", "groups": 2},
            group_key="autoscaler=cluster-limit", rank=40,
        )],
        id="cluster-resource-limit-with-comma-inside-the-reason",
    ),
    pytest.param(
        pod() + event("NotTriggerScaleUp", "pod didn't trigger scale-up: ", "2026-01-01T00:59:00Z"),
        [Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="likely",
            cause=("cluster-autoscaler will not add a node (said 60s ago) and names no node group: it considered none "
                   "for this pod (no node groups configured or discovered, or only node groups that do not exist "
                   "yet)"),
            evidence=[ev("trainer-0.1", "NotTriggerScaleUp", "pod didn't trigger scale-up: ")],
            fix=Fix(summary=("Check cluster-autoscaler's node group configuration (--nodes or "
                             "--node-group-auto-discovery tags) and that it can see the group that should run this "
                             "pod"),
                    commands=[STATUS_CMD, "kubectl -n kube-system logs deploy/cluster-autoscaler | tail -50"]),
            details={"wording": ">=1.20"}, group_key="autoscaler=no-node-groups", rank=40,
        )],
        id="empty-reason-list-means-no-group-considered",
    ),
    pytest.param(
        pod() + event("NotTriggerScaleUp", GPU_MSG, "2026-01-01T00:10:00Z")
        + event("TriggeredScaleUp", "pod triggered scale-up: [{my-ng 3->4 (max: 10)}]", "2026-01-01T00:56:00Z", n=2),
        [Finding(
            code="autoscaler.scale-up-in-progress", severity="info", confidence="likely",
            cause=("cluster-autoscaler is adding capacity for this pod 4m ago: my-ng 3->4 (max 10); the pod should "
                   "schedule once the new node is Ready"),
            evidence=[ev("trainer-0.2", "TriggeredScaleUp", "pod triggered scale-up: [{my-ng 3->4 (max: 10)}]")],
            fix=Fix(summary="Wait for the new node to register and become Ready (usually a few minutes)",
                    commands=["kubectl get nodes -w"]),
            details={"scaleUps": [{"group": "my-ng", "from": 3, "to": 4, "max": 10}]},
            group_key="nodegroup=my-ng", rank=45,
        )],
        id="recent-triggered-scale-up-after-an-older-not-triggered-means-capacity-is-coming",
    ),
    pytest.param(
        pod() + event("TriggeredScaleUp", "pod triggered scale-up: [{eks-worker-group-staging 0->1 (max: 3)}]",
                      "2026-01-01T00:10:00Z") + CM_EVENT + status_map(TEXT_STATUS),
        [Finding(
            code="autoscaler.no-scale-up", severity="warning", confidence="likely",
            cause=("cluster-autoscaler triggered a scale-up 50m ago (eks-worker-group-staging 0->1 (max 3)) but the "
                   f"pod is still pending: eks-worker-group-staging is in backoff: {STOCKOUT}"),
            evidence=[ev("trainer-0.1", "TriggeredScaleUp",
                         "pod triggered scale-up: [{eks-worker-group-staging 0->1 (max: 3)}]"),
                      Evidence(ref=CM, field=".data.status", observed=STAGING_LINES), CM_EVENT_EVIDENCE],
            fix=Fix(summary=("Check whether the new instance was created and joined the cluster (cloud errors, node "
                             "bootstrap), and the scheduler's current reason for the pod"),
                    commands=["kubectl get nodes -o wide", STATUS_CMD]),
            details={"scaleUps": [{"group": "eks-worker-group-staging", "from": 0, "to": 1, "max": 3}],
                     "ageSeconds": 3000},
            group_key="nodegroup=eks-worker-group-staging", rank=40,
        )],
        id="stale-triggered-scale-up-explained-by-backoff-and-failed-scale-up-event",
    ),
    pytest.param(
        pod() + event("FailedScheduling", KARPENTER_MSG, "2026-01-01T00:58:00Z", component="karpenter",
                      type_="Warning"),
        [Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="certain",
            cause=('Karpenter cannot launch a node for the pod (said 2m ago): nodepool "bitbucket": daemonset '
                   'overhead={"cpu":"655m","memory":"628000Ki","pods":"7"}, did not tolerate bitbucket=true:NoSchedule; '
                   'nodepool "monitoring": daemonset overhead={"cpu":"655m","memory":"628000Ki","pods":"7"}, no '
                   'instance type satisfied resources {"cpu":"2655m","memory":"21599520Ki","pods":"8"} and '
                   "requirements karpenter.sh/capacity-type In [on-demand spot], kubernetes.io/arch In [amd64 arm64]"),
            evidence=[ev("trainer-0.1", "FailedScheduling", KARPENTER_MSG)],
            fix=Fix(summary=("No instance type of the matching NodePool(s) fits the pod's requests and requirements "
                             "(or the NodePool limits are reached): widen the NodePool's instance "
                             "requirements/limits or lower the requests"),
                    commands=["kubectl get nodepools -o yaml"]),
            details={"nodePools": {
                "bitbucket": ('daemonset overhead={"cpu":"655m","memory":"628000Ki","pods":"7"}, did not tolerate '
                              "bitbucket=true:NoSchedule"),
                "monitoring": ('daemonset overhead={"cpu":"655m","memory":"628000Ki","pods":"7"}, no instance type '
                               'satisfied resources {"cpu":"2655m","memory":"21599520Ki","pods":"8"} and requirements '
                               "karpenter.sh/capacity-type In [on-demand spot], kubernetes.io/arch In [amd64 "
                               "arm64]")}},
            group_key="nodepool=bitbucket", rank=40,
        )],
        id="karpenter-per-nodepool-reasons-real-aws-karpenter-provider-aws-4738",
    ),
    pytest.param(
        pod() + event("Nominated", "Pod should schedule on: nodeclaim/default-8x7kq", "2026-01-01T00:59:00Z",
                      component="karpenter"),
        [Finding(
            code="autoscaler.scale-up-in-progress", severity="info", confidence="likely",
            cause="Karpenter is launching capacity for this pod 60s ago: nodeclaim/default-8x7kq",
            evidence=[ev("trainer-0.1", "Nominated", "Pod should schedule on: nodeclaim/default-8x7kq")],
            fix=Fix(summary="Wait for the new node to register and become Ready",
                    commands=["kubectl get nodeclaims -w"]),
            group_key="autoscaler=karpenter", rank=45,
        )],
        id="karpenter-nomination-is-capacity-coming",
    ),
    pytest.param(
        pod() + event("FailedScheduling", "0/2 nodes are available: 2 Insufficient cpu.", "2026-01-01T00:59:00Z",
                      component="default-scheduler", type_="Warning", n=2) + CM_EVENT + status_map(TEXT_STATUS),
        [Finding(
            code="autoscaler.no-scale-up", severity="warning", confidence="possible",
            cause=(f"node group eks-worker-group-staging is in backoff after a failed scale-up: {STOCKOUT}; if this "
                   "pod needs that group, no node will be added until the backoff ends"),
            evidence=[Evidence(ref=CM, field=".data.status", observed=STAGING_LINES), CM_EVENT_EVIDENCE],
            fix=Fix(summary=("The cloud has no capacity for node group eks-worker-group-staging's instance type: add "
                             "another instance type or zone"),
                    commands=[STATUS_CMD, "kubectl get events -A --field-selector "
                                          "involvedObject.name=cluster-autoscaler-status"]),
            group_key="nodegroup=eks-worker-group-staging", rank=40,
        )],
        id="no-autoscaler-event-but-status-map-shows-a-group-in-backoff",
    ),
    pytest.param(
        pod() + event("FailedScheduling", "0/7 nodes are available: 7 Insufficient memory.", "2026-01-01T00:59:00Z",
                      component="default-scheduler", type_="Warning") + status_map(GKE_STATUS),
        [
            Finding(
                code="autoscaler.no-scale-up", severity="warning", confidence="possible",
                cause=("cluster-autoscaler reports the cluster Unhealthy (too many unready nodes), and then it halts "
                       "all scale-ups"),
                evidence=[Evidence(ref=CM, field=".data.status", observed=(
                    "Health:      Unhealthy (ready=2 unready=5 notStarted=0 longNotStarted=0 registered=7 "
                    "longUnregistered=0)\nScaleUp:     NoActivity (ready=2 registered=7)"))],
                fix=Fix(summary="Fix or remove the NotReady nodes so cluster-autoscaler resumes",
                        commands=["kubectl get nodes", STATUS_CMD]),
                group_key="autoscaler=cluster-unhealthy", rank=40,
            ),
            Finding(
                code="autoscaler.no-scale-up", severity="warning", confidence="possible",
                cause=(f"every node group is at its maximum size ({GKE_GROUP} 7/7 nodes; minSize=0, maxSize=7): "
                       "cluster-autoscaler cannot add a node for this pod"),
                evidence=[Evidence(ref=CM, field=".data.status", observed=(
                    f"Name:        {GKE_GROUP}\nHealth:      Healthy (ready=2 unready=5 notStarted=0 longNotStarted=0 "
                    "registered=7 longUnregistered=0 cloudProviderTarget=7 (minSize=0, maxSize=7))\n"
                    "ScaleUp:     NoActivity (ready=2 cloudProviderTarget=7)"))],
                fix=Fix(summary="Raise the maximum size of the node group that should run this pod",
                        commands=["gcloud container clusters update <cluster> --node-pool <pool> --enable-autoscaling "
                                  "--max-nodes 8 --zone us-central1-b", STATUS_CMD]),
                group_key="autoscaler=all-groups-at-max", rank=40,
            ),
        ],
        id="no-autoscaler-event-status-map-unhealthy-cluster-and-gke-group-at-max",
    ),
    pytest.param(
        pod() + event("FailedScheduling", 'persistentvolumeclaim "data" not found', "2026-01-01T00:59:00Z",
                      component="default-scheduler", type_="Warning") + CM_EVENT + status_map(TEXT_STATUS),
        [], id="group-in-backoff-is-not-blamed-when-the-scheduler-rejects-the-pod-itself"),
    pytest.param(pod() + CM_EVENT + status_map(TEXT_STATUS), [],
                 id="group-in-backoff-is-not-blamed-without-any-scheduler-event"),
    pytest.param(
        pod() + event("FailedScheduling", "0/2 nodes are available: 2 Insufficient cpu.", "2026-01-01T00:59:00Z",
                      component="default-scheduler", type_="Warning")
        + status_map(YAML_STATUS.replace("status: Backoff", "status: NoActivity")), [],
        id="healthy-status-map-and-no-autoscaler-event-says-nothing"),
]


@pytest.mark.parametrize(("snapshot", "expected"), CASES)
def test_autoscaler_findings(snapshot: str, expected: list[Finding]) -> None:
    findings = run(snapshot)
    assert findings == expected
    assert all(f.code in CODES for f in findings)


def test_bound_pod_gets_no_autoscaler_finding() -> None:
    text = pod(node="node-1") + event("NotTriggerScaleUp", GPU_MSG, "2026-01-01T00:30:00Z")
    assert run(text, unscheduled=False) == []


@pytest.mark.parametrize(("message", "expected"), [
    pytest.param("pod didn't trigger scale-up (it wouldn't fit if a new node is added): 1 max limit reached",
                 NotTriggered("pod didn't trigger scale-up (it wouldn't fit if a new node is added): 1 max limit "
                              "reached", "1.14-1.19", (CAReason("max limit reached", 1, "max-size"),)),
                 id="ca-1.15-max-limit-reached-real-kubernetes-autoscaler-3268"),
    pytest.param("pod didn't trigger scale-up: 12 node(s) didn't match Pod's node affinity/selector, 3 max node group "
                 "size reached",
                 NotTriggered("pod didn't trigger scale-up: 12 node(s) didn't match Pod's node affinity/selector, "
                              "3 max node group size reached", ">=1.20",
                              (CAReason("node(s) didn't match Pod's node affinity/selector", 12, "rejected",
                                        classify_reason("node(s) didn't match Pod's node affinity/selector")),
                               CAReason("max node group size reached", 3, "max-size"))),
                 id="unsorted-node-group-counts-real-kubernetes-autoscaler-5692"),
    pytest.param('pod didn\'t trigger scale-up: 1 exceeded quota: "gpu-quota", resources: nvidia.com/gpu',
                 NotTriggered('pod didn\'t trigger scale-up: 1 exceeded quota: "gpu-quota", resources: nvidia.com/gpu',
                              ">=1.20", (CAReason('exceeded quota: "gpu-quota", resources: nvidia.com/gpu', 1,
                                                  "quota"),)),
                 id="ca-1.35-capacity-quota"),
    pytest.param("pod didn't trigger scale-up: 1 can't schedule pod ml/trainer-0: couldn't find a matching Node with "
                 "passing predicates",
                 NotTriggered("pod didn't trigger scale-up: 1 can't schedule pod ml/trainer-0: couldn't find a "
                              "matching Node with passing predicates", ">=1.20",
                              (CAReason("can't schedule pod ml/trainer-0: couldn't find a matching Node with passing "
                                        "predicates", 1, "ca-other"),)),
                 id="ca-1.32-non-predicate-error-text"),
    pytest.param("0/3 nodes are available: 3 Insufficient cpu.", None, id="not-a-ca-message"),
])
def test_parse_not_triggered(message: str, expected: NotTriggered | None) -> None:
    assert parse_not_triggered(message) == expected


@pytest.mark.parametrize(("message", "expected"), [
    pytest.param("pod triggered scale-up: [{my-ng 3->4 (max: 10)}]", (ScaleUp("my-ng", 3, 4, 10),), id="one-group"),
    pytest.param("pod triggered scale-up: [{https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-b/"
                 "instanceGroups/gke-hub-user-pool-0b3f-grp 0->2 (max: 20)} {eu-ng 1->2 (max: 3)}]",
                 (ScaleUp("https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-b/instanceGroups/"
                          "gke-hub-user-pool-0b3f-grp", 0, 2, 20), ScaleUp("eu-ng", 1, 2, 3)),
                 id="balanced-scale-up-of-two-groups"),
    pytest.param("pod didn't trigger scale-up: ", None, id="not-a-triggered-message"),
])
def test_parse_triggered(message: str, expected: tuple[ScaleUp, ...] | None) -> None:
    assert parse_triggered(message) == expected


def test_parse_status_text_format() -> None:
    st = parse_status(TEXT_STATUS)
    assert st is not None
    assert (st.format, st.time, st.cluster_health, st.cluster_scale_up, st.cluster_counts) == (
        "text", "2026-01-01 00:59:52.629229383 +0000 UTC", "Healthy", "NoActivity",
        {"ready": 2, "unready": 0, "notStarted": 0, "longNotStarted": 0, "registered": 2, "longUnregistered": 0})
    assert st.groups == (
        GroupStatus(name="eks-worker-group-prod", health="Unhealthy",
                    counts={"ready": 1, "unready": 2, "notStarted": 0, "longNotStarted": 0, "registered": 3,
                            "longUnregistered": 1, "cloudProviderTarget": 4, "minSize": 1, "maxSize": 5},
                    cloud_provider_target=4, min_size=1, max_size=5, scale_up="NoActivity", scale_down="NoCandidates",
                    text=PROD_LINES),
        GroupStatus(name="eks-worker-group-staging", health="Healthy",
                    counts={"ready": 0, "unready": 0, "notStarted": 0, "longNotStarted": 0, "registered": 0,
                            "longUnregistered": 0, "cloudProviderTarget": 0, "minSize": 0, "maxSize": 3},
                    cloud_provider_target=0, min_size=0, max_size=3, scale_up="Backoff", scale_down="NoCandidates",
                    text=STAGING_LINES),
    )


def test_parse_status_yaml_format() -> None:
    st = parse_status(YAML_STATUS)
    assert st is not None
    assert (st.format, st.time, st.autoscaler_status, st.cluster_health, st.cluster_scale_up) == (
        "yaml", "2026-01-01 00:59:50.123 +0000 UTC", "Running", "Healthy", "NoActivity")
    assert st.groups == (
        GroupStatus(name="eks-gpu-20240101", health="Healthy", counts={"registered": 10, "ready": 10},
                    cloud_provider_target=10, min_size=0, max_size=10, scale_up="NoActivity", text=GPU_BLOCK),
        GroupStatus(name="sample-node-group", health="Healthy", counts={"registered": 3, "ready": 3},
                    cloud_provider_target=3, min_size=2, max_size=12, scale_up="Backoff",
                    backoff_code="QUOTA_EXCEEDED",
                    backoff_message=("Instance 'sample-node-group-40ce0341-t28s' creation failed: Quota 'CPUS' "
                                     "exceeded. Limit: 57.0 in region us-central1."),
                    text=SAMPLE_BLOCK),
    )
    assert st.groups[0].at_max and not st.groups[1].at_max


@pytest.mark.parametrize("text", [
    pytest.param("", id="empty"),
    pytest.param("just: [a, list", id="broken-yaml"),
    pytest.param("- a\n- b\n", id="yaml-of-another-shape"),
])
def test_parse_status_rejects_other_text(text: str) -> None:
    assert parse_status(text) is None


def test_initializing_text_status() -> None:
    st = parse_status("Cluster-autoscaler status at 2026-01-01 00:00:01.1 +0000 UTC:\nInitializing")
    assert st is not None
    assert (st.format, st.autoscaler_status, st.groups) == ("text", "Initializing", ())


def node(name: str, labels: dict[str, str], *, cpu: str = "4", memory: str = "16Gi") -> str:
    lab = ", ".join(f"{k}: {v}" for k, v in {"kubernetes.io/hostname": name, **labels}.items())
    return f"""---
apiVersion: v1
kind: Node
metadata: {{name: {name}, labels: {{{lab}}}}}
status:
  allocatable: {{cpu: "{cpu}", memory: {memory}, pods: "110"}}
  conditions: [{{type: Ready, status: "True"}}]
"""


GPU_NODE_POOL = {"eks.amazonaws.com/nodegroup": "gpu"}
AT_MAX_WITH_NODES = pod(selector="pool: gpu") + event("NotTriggerScaleUp", MAX_SIZE_MSG, "2026-01-01T00:58:00Z")
AT_MAX_EVIDENCE = [ev("trainer-0.1", "NotTriggerScaleUp", MAX_SIZE_MSG),
                   Evidence(ref=CM, field=".data.status", observed=GPU_SIZE_LINES)]
RAISE_GPU = ("Raise the maximum size of node group eks-gpu-20240101 above 10 (cloud node group / the "
             "--nodes=<min>:<max>:<name> flag of cluster-autoscaler)")
REJECTED_PART = {"rejected": {"node(s) didn't match Pod's node affinity/selector": 2},
                 "codes": {"sched.node-affinity": 2}, "wording": ">=1.20"}
SELECTOR_FIX = Fix(summary=("The node groups cluster-autoscaler tried do not carry the labels the pod selects "
                            "(pool=gpu): add them to a node group (for groups scaled to zero on AWS, tag the ASG "
                            "k8s.io/cluster-autoscaler/node-template/label/<key>=<value>), or fix the pod's "
                            "nodeSelector/affinity"),
                   commands=["kubectl get nodes -L pool"])


def at_max_details(new_node: dict[str, object]) -> dict[str, object]:
    part = {"nodeGroup": "eks-gpu-20240101", "reason": "max node group size reached", "groups": 1, "maxSize": 10,
            "target": 10, "newNode": new_node}
    return {**part, "parts": [part, REJECTED_PART]}


@pytest.mark.parametrize(("nodes", "expected"), [
    pytest.param(
        node("gpu-a", {**GPU_NODE_POOL, "pool": "gpu"}),
        Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="certain",
            cause=("cluster-autoscaler will not add a node (said 2m ago): node group eks-gpu-20240101 is at its "
                   "maximum size (10/10 nodes; minSize=0, maxSize=10), so it was skipped (1 max node group size "
                   "reached); the other node groups' template nodes do not fit the pod: 2 node(s) didn't match "
                   "Pod's node affinity/selector"),
            evidence=[*AT_MAX_EVIDENCE, Evidence(ref="Node/gpu-a", field=".metadata.labels",
                                                 observed="eks.amazonaws.com/nodegroup=gpu")],
            fix=Fix(summary=(RAISE_GPU + ": a new node like gpu-a (same labels and taints, only its DaemonSet pods) "
                             "would take the pod"),
                    commands=["aws autoscaling update-auto-scaling-group --auto-scaling-group-name "
                              "eks-gpu-20240101 --max-size 11", STATUS_CMD]),
            details=at_max_details({"verified": True, "template": "gpu-a", "poolLabel": "eks.amazonaws.com/nodegroup=gpu",
                                    "fits": True, "failures": []}),
            group_key="nodegroup=eks-gpu-20240101", rank=40,
        ),
        id="group-at-max-whose-new-node-takes-the-pod-raise-max-size-verified",
    ),
    pytest.param(
        node("gpu-a", {**GPU_NODE_POOL, "pool": "general"}),
        Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="certain",
            cause=("cluster-autoscaler will not add a node (said 2m ago): node group eks-gpu-20240101 is at its "
                   "maximum size (10/10 nodes; minSize=0, maxSize=10), so it was skipped (1 max node group size "
                   "reached); but a larger maximum would not help: a new node like gpu-a would reject the pod too "
                   "(NodeAffinity: node(s) didn't match Pod's node affinity/selector); the other node groups' "
                   "template nodes do not fit the pod: 2 node(s) didn't match Pod's node affinity/selector"),
            evidence=[*AT_MAX_EVIDENCE, Evidence(ref="Node/gpu-a", field=".metadata.labels",
                                                 observed="eks.amazonaws.com/nodegroup=gpu")],
            # No group can take the pod: the fix is the pod's selector (or a group carrying pool=gpu).
            fix=SELECTOR_FIX,
            details={**REJECTED_PART, "parts": at_max_details({
                "verified": True, "template": "gpu-a", "poolLabel": "eks.amazonaws.com/nodegroup=gpu", "fits": False,
                "failures": [{"plugin": "NodeAffinity",
                              "reasons": ["node(s) didn't match Pod's node affinity/selector"]}]})["parts"]},
            group_key="autoscaler=no-template-fits", rank=40,
        ),
        id="group-at-max-whose-new-node-misses-the-selector-raising-max-size-would-not-help",
    ),
    pytest.param(
        node("gpu-a", {"pool": "gpu"}),
        Finding(
            code="autoscaler.no-scale-up", severity="error", confidence="likely",
            cause=("cluster-autoscaler will not add a node (said 2m ago): node group eks-gpu-20240101 is at its "
                   "maximum size (10/10 nodes; minSize=0, maxSize=10), so it was skipped (1 max node group size "
                   "reached); the other node groups' template nodes do not fit the pod: 2 node(s) didn't match "
                   "Pod's node affinity/selector"),
            evidence=AT_MAX_EVIDENCE,
            fix=Fix(summary=(RAISE_GPU + ", once you have checked that its nodes satisfy the pod's nodeSelector, "
                             "affinity and tolerations (not verified: no node in the input has a node-pool label "
                             "(eks.amazonaws.com/nodegroup, ...) naming eks-gpu-20240101). Otherwise: "
                             + SELECTOR_FIX.summary),
                    commands=["aws autoscaling update-auto-scaling-group --auto-scaling-group-name "
                              "eks-gpu-20240101 --max-size 11", STATUS_CMD]),
            details=at_max_details({"verified": False, "why": "no node in the input has a node-pool label "
                                    "(eks.amazonaws.com/nodegroup, ...) naming eks-gpu-20240101"}),
            group_key="nodegroup=eks-gpu-20240101", rank=40,
        ),
        id="group-at-max-with-no-node-labelled-as-its-member-is-likely-and-says-what-to-check",
    ),
])
def test_raise_max_size_is_verified_on_a_new_node_of_the_group(nodes: str, expected: Finding) -> None:
    """CA skips a group at max before simulating its template, so its event cannot say whether a bigger
    group helps: podwhy checks a new node shaped like one of the group's nodes (issue 17)."""
    assert run(AT_MAX_WITH_NODES + nodes + status_map(YAML_STATUS)) == [expected]
