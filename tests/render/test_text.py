"""`-o text` readable at a glance (issue 17): a one-line-per-subject overview by impact, an error quoted
once, multi-line texts as lines, every failing plugin of a node, wrapped lines indented under their start.
Each case renders a small hand-made report and asserts the whole text."""

from __future__ import annotations

import pytest

from podwhy.findings import (
    Evidence,
    Finding,
    Fix,
    Group,
    NodeFailure,
    NodeVerdict,
    Report,
    Scheduling,
    Source,
    Subject,
)
from podwhy.render import text

PULL_ERR = ('failed to pull and unpack image "docker.io/library/httpd:2.4.62": failed to resolve reference '
            '"docker.io/library/httpd:2.4.62": not found')


def report(*subjects: Subject, groups: tuple[Group, ...] = ()) -> Report:
    return Report(schema_version="podwhy/v1", source=Source(kind="files", detail="x.yaml"), subjects=list(subjects),
                  groups=list(groups), notes=[], examined=9)


def pod(name: str, state: str, *findings: Finding, ns: str = "shop", scheduling: Scheduling | None = None) -> Subject:
    return Subject(ref=f"Pod/{ns}/{name}", state=state, kind="Pod", namespace=ns, name=name, findings=list(findings),
                   scheduling=scheduling)


def finding(code: str, severity: str = "error", *evidence: Evidence, cause: str = "why.", fix: Fix | None = None) -> Finding:
    return Finding(code=code, severity=severity, confidence="certain", cause=cause,  # type: ignore[arg-type]
                   evidence=list(evidence), fix=fix)


CASES = [
    pytest.param(
        report(pod("web-1", "ImagePullBackOff", finding(
            "image.tag-not-found", "error",
            Evidence(ref="Pod/shop/web-1", field=".status.containerStatuses[0].state.waiting",
                     observed=f'ImagePullBackOff: Back-off pulling image "httpd:2.4.62": ErrImagePull: {PULL_ERR}'),
            Evidence(ref="Event/shop/web-1.1", field=".message [Failed]",
                     observed=f'Failed to pull image "httpd:2.4.62": {PULL_ERR}')))),
        """\
podwhy: 1 stuck pod(s) (9 pod(s) examined)
source: files x.yaml

shop/web-1  ImagePullBackOff
  ✗ image.tag-not-found  [certain]
    why.
    ▸ Pod/shop/web-1 .status.containerStatuses[0].state.waiting
      “ImagePullBackOff: Back-off pulling image "httpd:2.4.62": ErrImagePull:
       failed to pull and unpack image "docker.io/library/httpd:2.4.62": failed
       to resolve reference "docker.io/library/httpd:2.4.62": not found”
    ▸ Event/shop/web-1.1 .message [Failed]
      (the same text as quoted above)
""",
        id="the-kubelet-state-and-its-event-quote-one-error-once",
    ),
    pytest.param(
        report(pod("big-1", "Pending", finding(
            "sched.insufficient-resources", "error",
            Evidence(ref="Node/a", field=".status.allocatable", observed="Insufficient memory: needs 14Gi, 5.6Gi free of 29.9Gi"),
            Evidence(ref="Node/b", field=".status.allocatable", observed="Insufficient memory: needs 14Gi, 7.6Gi free of 29.9Gi"),
            Evidence(ref="Node/c", field=".status.allocatable", observed="Insufficient memory: needs 14Gi, 7.6Gi free of 29.9Gi")))),
        """\
podwhy: 1 stuck pod(s) (9 pod(s) examined)
source: files x.yaml

shop/big-1  Pending
  ✗ sched.insufficient-resources  [certain]
    why.
    ▸ Node/a .status.allocatable
      “Insufficient memory: needs 14Gi, 5.6Gi free of 29.9Gi”
    ▸ Node/b .status.allocatable
      “Insufficient memory: needs 14Gi, 7.6Gi free of 29.9Gi”
    ▸ Node/c .status.allocatable
      (the same text as quoted above)
""",
        id="texts-that-differ-in-a-number-are-both-quoted",
    ),
    pytest.param(
        report(
            pod("gated", "SchedulingGated", finding("sched.scheduling-gated", "warning"), ns="a"),
            pod("typo", "InvalidImageName", finding("image.invalid-reference"), ns="b"),
            pod("web-1", "ImagePullBackOff", finding("registry.rate-limited"), ns="c"),
            pod("web-2", "ImagePullBackOff", finding("registry.rate-limited"), ns="c"),
            groups=(Group(code="registry.rate-limited", subjects=["Pod/c/web-1", "Pod/c/web-2"], summary="429."),)),
        """\
podwhy: 4 stuck pod(s) (9 pod(s) examined)
source: files x.yaml

Stuck, by impact
  ✗ registry.rate-limited    c/web-1  ×2
  ✗ image.invalid-reference  b/typo
  ! sched.scheduling-gated   a/gated

Shared root causes
● registry.rate-limited  ×2
    429.
    c/web-1, c/web-2

c/web-1  ImagePullBackOff
  ✗ registry.rate-limited  [certain]
    why.
    (one of 2 subjects with this cause; see Shared root causes)

b/typo  InvalidImageName
  ✗ image.invalid-reference  [certain]
    why.

a/gated  SchedulingGated
  ! sched.scheduling-gated  [certain]
    why.
""",
        id="overview-and-details-by-impact-errors-and-shared-causes-first-not-by-namespace",
    ),
    pytest.param(
        report(pod("sizing", "Pending", finding(
            "autoscaler.no-scale-up", "error",
            Evidence(ref="ConfigMap/kube-system/cluster-autoscaler-status", field=".data.status",
                     observed="name: workers\n  cloudProviderTarget: 3\n  minSize: 3\n  maxSize: 3")))),
        """\
podwhy: 1 stuck pod(s) (9 pod(s) examined)
source: files x.yaml

shop/sizing  Pending
  ✗ autoscaler.no-scale-up  [certain]
    why.
    ▸ ConfigMap/kube-system/cluster-autoscaler-status .data.status
      │ name: workers
      │   cloudProviderTarget: 3
      │   minSize: 3
      │   maxSize: 3
""",
        id="a-configmap-text-is-quoted-as-its-lines-not-one-string",
    ),
    pytest.param(
        report(pod("gpu-job", "Pending", finding(
            "sched.insufficient-resources", "error",
            cause=("3 of 5 node(s) do not have enough free memory for the pod's request (14Gi memory); e.g. "
                   "worker-1: needs 14Gi memory, 5.6Gi free of 29.9Gi"),
            fix=Fix(summary=("lower app memory request 14Gi -> 9866Mi: then it fits worker-3 (best node worker-3); "
                             "or add capacity: a node like worker-1 would take the pod"),
                    commands=["kubectl -n shop patch deployment gpu-job --type=json -p '[]'"])),
            scheduling=Scheduling(message="0/2 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint(s).",
                                  nodes=[
                NodeVerdict(name="gpu-1", feasible=False, failures=[
                    NodeFailure(plugin="TaintToleration", reasons=["node(s) had untolerated taint(s)"]),
                    NodeFailure(plugin="NodeResourcesFit", reasons=["Insufficient memory"],
                                detail={"summary": "needs 14Gi memory, 6.3Gi free of 14.5Gi"})]),
                NodeVerdict(name="worker-1", feasible=False, failures=[
                    NodeFailure(plugin="NodeResourcesFit", reasons=["Insufficient memory"],
                                detail={"summary": "needs 14Gi memory, 5.6Gi free of 29.9Gi"})])]))),
        """\
podwhy: 1 stuck pod(s) (9 pod(s) examined)
source: files x.yaml

shop/gpu-job  Pending
  ✗ sched.insufficient-resources  [certain]
    3 of 5 node(s) do not have enough free memory for the pod's request (14Gi
    memory); e.g. worker-1: needs 14Gi memory, 5.6Gi free of 29.9Gi
    fix: lower app memory request 14Gi -> 9866Mi: then it fits worker-3 (best
         node worker-3); or add capacity: a node like worker-1 would take the
         pod
      $ kubectl -n shop patch deployment gpu-job --type=json -p '[]'
    scheduling (recomputed):
      0/2 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated
      taint(s).
      ✗ gpu-1  TaintToleration: node(s) had untolerated taint(s)
                 NodeResourcesFit: Insufficient memory (needs 14Gi memory, 6.3Gi
                 free of 14.5Gi)
      ✗ worker-1  NodeResourcesFit: Insufficient memory (needs 14Gi memory,
                    5.6Gi free of 29.9Gi)
""",
        id="node-table-shows-every-failing-plugin-and-wrapped-lines-stay-indented",
    ),
]


@pytest.mark.parametrize(("rep", "expected"), CASES)
def test_text_report(rep: Report, expected: str) -> None:
    assert text.render(rep) == expected
