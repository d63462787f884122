"""Fixing the pod template of a Job, which the API server will not patch.

A Job's `spec.template` is immutable once created (k8s.io/kubernetes pkg/apis/batch/validation/validation.go,
ValidateJobSpecUpdate, v1.34: only the scheduling directives of a suspended Job that never started may
change), so `kubectl patch job/x` on the template is rejected with "spec.template: ... field is immutable".
The fix is to re-create the Job with the patched template: read it, patch the copy locally, and
`kubectl replace --force` it (delete, then create; deleting the Job garbage-collects its pods).

The copy must lose what the API server generated for the old Job, or the create fails: unless
`spec.manualSelector` is true, the server generated `spec.selector` and put the old Job's UID into the
template labels `batch.kubernetes.io/controller-uid` and (legacy, still written) `controller-uid`
(pkg/registry/batch/job/strategy.go generateSelector, v1.34); the new Job gets its own. The
`job-name` labels name the Job, which keeps its name, so they stay. Checked against the real API
server (tests/realcluster/test_fix_commands.py).
"""

from __future__ import annotations

from typing import Any

from podwhy.analyzers.shellarg import json_arg

# Template labels that carry the old Job's UID (strategy.go generateSelector, v1.34; the second since 1.27).
UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")


def generated_fields(job: Any | None) -> list[str]:
    """JSON pointers of the fields the server generated for `job` (a Job struct, or None when the Job is not
    in the input: then what a 1.27+ server writes for a Job without a manual selector)."""
    if job is not None and job.spec.manual_selector:
        return []
    labels = job.spec.template.metadata.labels if job is not None else dict.fromkeys(UID_LABELS, "")
    pointers = ["/spec/selector"]
    pointers += [f"/spec/template/metadata/labels/{_escape(k)}" for k in UID_LABELS if k in labels]
    return pointers


def _escape(key: str) -> str:
    """A JSON-pointer reference token (RFC 6901: '~' then '/')."""
    return key.replace("~", "~0").replace("/", "~1")


def recreate(namespace: str, name: str, patch: str, generated: list[str], comment: str = "") -> str:
    """The pipeline that re-creates Job `name` with `patch` applied; `patch` is kubectl patch's arguments
    (`--type=json -p '...'` or `--type strategic --patch-file F`)."""
    strip = [{"op": "remove", "path": p} for p in generated]
    steps = [f"kubectl -n {namespace} get job {name} -o json", f"kubectl patch --local -f - {patch} -o json"]
    if strip:
        steps.append(f"kubectl patch --local -f - --type=json -p {json_arg(strip)} -o json")
    steps.append("kubectl replace --force -f -")
    return (" | ".join(steps) + "   # a Job's pod template is immutable: this re-creates the Job "
            "(its pods are deleted and made again)" + (f"; {comment}" if comment else ""))


def recreate_json(namespace: str, name: str, ops: list[dict[str, Any]], generated: list[str]) -> str:
    """`recreate` for a JSON patch: the fix's operations and the removals in one local patch."""
    strip = [{"op": "remove", "path": p} for p in generated]
    return recreate(namespace, name, f"--type=json -p {json_arg(ops + strip)}", [])
