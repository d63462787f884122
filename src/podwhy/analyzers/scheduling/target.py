"""Where a scheduling fix's patch goes: the pod itself or the pod template of its top controller (the
owner chain, `metadata.ownerReferences`), and the placeholders that let one fix serve every pod of a
filter class."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from podwhy.analyzers import jobtemplate
from podwhy.analyzers.shellarg import json_arg
from podwhy.model import Pod
from podwhy.snapshot import Snapshot


@dataclass(frozen=True)
class Target:
    """The object whose pod template (or the pod itself) a fix patches."""

    kind: str
    namespace: str
    name: str
    spec_path: str  # JSON-pointer of the PodSpec inside the object
    # A Job's fields that the API server generated (jobtemplate.generated_fields): its template is
    # immutable, so a Job is re-created instead of patched, without these.
    generated: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"/{self.kind}/{self.namespace}/{self.name}" + "".join(self.generated)

    @property
    def is_pod(self) -> bool:
        return self.kind == "Pod"

    def json_patch(self, ops: list[dict[str, Any]]) -> str:
        if self.kind == "Job":
            return jobtemplate.recreate_json(self.namespace, self.name, ops, list(self.generated))
        return f"kubectl -n {self.namespace} patch {self.kind.lower()} {self.name} --type=json -p {json_arg(ops)}"


TEMPLATE_PATHS = {
    "Deployment": "/spec/template/spec", "StatefulSet": "/spec/template/spec", "DaemonSet": "/spec/template/spec",
    "ReplicaSet": "/spec/template/spec", "ReplicationController": "/spec/template/spec", "Job": "/spec/template/spec",
    "CronJob": "/spec/jobTemplate/spec/template/spec",
}


# Placeholders in the findings and fixes shared by every pod of a filter class (computed once, with
# the placeholder target below); explain._personalise puts each pod's own names in. '@' cannot occur
# in Kubernetes names, so a placeholder never collides with real text.
POD_NAMESPACE = "@@podwhy-namespace@@"
POD_NAME = "@@podwhy-pod@@"
TARGET_NAME = "@@podwhy-target@@"
TARGET_KIND = "@@podwhy-kind@@"
TARGET_PATH = "@@podwhy-path@@"


def placeholder_target(t: Target) -> Target:
    """A target of the same shape (bare pod or template) whose names are placeholders."""
    if t.is_pod:
        return Target("Pod", POD_NAMESPACE, TARGET_NAME, t.spec_path)
    if t.kind == "Job":  # re-created, not patched: a shape of its own
        return Target("Job", POD_NAMESPACE, TARGET_NAME, t.spec_path, t.generated)
    return Target(TARGET_KIND, POD_NAMESPACE, TARGET_NAME, TARGET_PATH)


_PLACEHOLDER = re.compile(r"@@podwhy-(namespace|pod|target|kind|path)@@")


def fill_placeholders(text: str, pod_name: str, t: Target) -> str:
    """One pass, so that a (hostile, offline) name that looks like a placeholder is not expanded again."""
    if "@@podwhy-" not in text:
        return text
    # json_patch prints the kind lower-cased, the only place a target's kind appears.
    values = {"namespace": t.namespace, "pod": pod_name, "target": t.name, "kind": t.kind.lower(),
              "path": t.spec_path}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def target_of(snap: Snapshot, pod: Pod) -> Target:
    best = Target("Pod", pod.metadata.namespace, pod.metadata.name, "/spec")
    for kind, name, obj in snap.owner_chain(pod):
        if kind in TEMPLATE_PATHS:
            generated = tuple(jobtemplate.generated_fields(obj)) if kind == "Job" else ()
            best = Target(kind, pod.metadata.namespace, name, TEMPLATE_PATHS[kind], generated)
    return best
