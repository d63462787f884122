"""A Job that failed because its pods did is diagnosed from its last failed pod (analyzers/lifecycle/jobs.py); a Job
that ended by its own deadline is not a subject. Texts: pkg/controller/job/job_controller.go (1.2x-1.35)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from helpers import diagnose_yaml

JOB = """
apiVersion: batch/v1
kind: Job
metadata: {{name: nightly, namespace: batch, uid: job-1}}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{{name: main, image: registry.example.com/nightly:4, resources: {{limits: {{memory: 64Mi}}}}}}]
status:
  failed: 2
  conditions:
  - {{type: Failed, status: "True", reason: {reason}, message: "{message}"}}
"""
POD = """---
apiVersion: v1
kind: Pod
metadata:
  name: nightly-{n}
  namespace: batch
  uid: pod-{n}
  creationTimestamp: "2026-11-20T09:{n}0:00Z"
  ownerReferences: [{{kind: Job, name: nightly, uid: job-1, controller: true}}]
spec:
  nodeName: node-1
  restartPolicy: Never
  containers: [{{name: main, image: registry.example.com/nightly:4, resources: {{limits: {{memory: 64Mi}}}}}}]
status:
  phase: Failed
  containerStatuses:
  - name: main
    image: registry.example.com/nightly:4
    state: {{terminated: {{reason: {term}, exitCode: {code}, startedAt: "2026-11-20T09:{n}0:01Z",
                          finishedAt: "2026-11-20T09:{n}0:09Z"}}}}
"""


@dataclass(frozen=True)
class Case:
    id: str
    reason: str
    message: str
    last: tuple[str, int]  # the last pod's termination (reason, exit code)
    subjects: list[tuple[str, str, str | None]]  # (ref, state, first code)
    fix_words: str = ""


CASES = [
    Case("backoff-limit-after-crashes", "BackoffLimitExceeded", "Job has reached the specified backoff limit",
         ("Error", 1), [("Job/batch/nightly", "Failed", "crash.exit-nonzero")], "kubectl logs nightly-2"),
    Case("backoff-limit-after-oom-kills", "BackoffLimitExceeded", "Job has reached the specified backoff limit",
         ("OOMKilled", 137), [("Job/batch/nightly", "Failed", "crash.oom-killed")],
         "a Job's pod template is immutable: this re-creates the Job"),
    Case("deadline-exceeded-is-the-jobs-own-end", "DeadlineExceeded", "Job was active longer than specified deadline",
         ("Error", 137), []),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_failed_job(case: Case) -> None:
    text = JOB.format(reason=case.reason, message=case.message) + POD.format(n=1, term="Error", code=1) \
        + POD.format(n=2, term=case.last[0], code=case.last[1])
    report = diagnose_yaml(text)
    got = [(s.ref, s.state, s.findings[0].code if s.findings else None) for s in report.subjects]
    assert got == case.subjects
    if case.subjects:
        first = report.subjects[0].findings[0]
        assert first.confidence == "certain"
        assert first.evidence[0].ref == "Job/batch/nightly"
        assert first.cause.startswith(f"Job nightly failed ({case.reason}) after 2 failed pod(s); in the last one, "
                                      "nightly-2: ")
        assert first.fix is not None and case.fix_words in " ".join([first.fix.summary, *first.fix.commands])


def test_the_text_headline_counts_a_failed_job_apart_from_controllers_failing_to_create_pods() -> None:
    from podwhy.render.text import render

    text = JOB.format(reason="BackoffLimitExceeded", message="Job has reached the specified backoff limit") \
        + POD.format(n=1, term="Error", code=1)
    head = render(diagnose_yaml(text), width=200).splitlines()[0]
    assert head == "podwhy: 0 stuck pod(s), 1 failed Job(s) (1 pod(s) examined)"
