"""A Job's fix is a re-creation without the server-generated fields (podwhy/analyzers/jobtemplate.py); the
pipeline itself is run against the real API server in tests/realcluster/test_fix_commands.py."""

from __future__ import annotations

import msgspec
import pytest

from podwhy.analyzers import jobtemplate
from podwhy.model.workloads import Job


def _job(spec: dict[str, object]) -> Job:
    return msgspec.convert({"metadata": {"name": "j", "namespace": "ns"}, "spec": spec}, Job)


UID = "8ceb913e-3a79-42ec-b145-b31dfb2fbe9b"
GENERATED = [
    ("not in the input: what a 1.27+ server writes", None,
     ["/spec/selector", "/spec/template/metadata/labels/controller-uid",
      "/spec/template/metadata/labels/batch.kubernetes.io~1controller-uid"]),
    ("1.34 Job: both uid labels", _job({"template": {"metadata": {"labels": {
        "batch.kubernetes.io/controller-uid": UID, "batch.kubernetes.io/job-name": "j", "controller-uid": UID,
        "job-name": "j"}}}}),
     ["/spec/selector", "/spec/template/metadata/labels/controller-uid",
      "/spec/template/metadata/labels/batch.kubernetes.io~1controller-uid"]),
    ("pre-1.27 Job: legacy label only", _job({"template": {"metadata": {"labels": {"controller-uid": UID}}}}),
     ["/spec/selector", "/spec/template/metadata/labels/controller-uid"]),
    ("manual selector: the user's own, kept", _job({"manualSelector": True, "template": {"metadata": {
        "labels": {"app": "x"}}}}), []),
]


@pytest.mark.parametrize(("name", "job", "expected"), GENERATED, ids=[g[0] for g in GENERATED])
def test_generated_fields(name: str, job: Job | None, expected: list[str]) -> None:
    assert jobtemplate.generated_fields(job) == expected


RECREATE = [
    ("json patch and removals in one local patch",
     jobtemplate.recreate_json("ns", "j", [{"op": "remove", "path": "/spec/template/spec/nodeSelector"}],
                               ["/spec/selector"]),
     "kubectl -n ns get job j -o json | kubectl patch --local -f - --type=json -p "
     "'[{\"op\":\"remove\",\"path\":\"/spec/template/spec/nodeSelector\"},{\"op\":\"remove\",\"path\":"
     "\"/spec/selector\"}]' -o json | kubectl replace --force -f -   # a Job's pod template is immutable: "
     "this re-creates the Job (its pods are deleted and made again)"),
    ("strategic patch file, then removals, with the caller's comment",
     jobtemplate.recreate("ns", "j", "--type strategic --patch-file fix.yaml", ["/spec/selector"],
                          "the patch below, saved as fix.yaml"),
     "kubectl -n ns get job j -o json | kubectl patch --local -f - --type strategic --patch-file fix.yaml -o json"
     " | kubectl patch --local -f - --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/selector\"}]' -o json"
     " | kubectl replace --force -f -   # a Job's pod template is immutable: this re-creates the Job (its pods "
     "are deleted and made again); the patch below, saved as fix.yaml"),
    ("manual selector: nothing to strip",
     jobtemplate.recreate("ns", "j", "--type strategic -p '{}'", []),
     "kubectl -n ns get job j -o json | kubectl patch --local -f - --type strategic -p '{}' -o json | "
     "kubectl replace --force -f -   # a Job's pod template is immutable: this re-creates the Job (its pods are "
     "deleted and made again)"),
]


@pytest.mark.parametrize(("name", "got", "expected"), RECREATE, ids=[r[0] for r in RECREATE])
def test_recreate_command(name: str, got: str, expected: str) -> None:
    assert got == expected
