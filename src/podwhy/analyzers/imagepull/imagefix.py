"""Fixes that change a container's image: `kubectl set image` on the controller whose template holds it, a
JSON patch of a bare pod (a pod's image is one of its few mutable fields), and for a Job, whose template
is immutable, its re-creation (analyzers/jobtemplate.py) and the CronJob above it, if any."""

from __future__ import annotations

from podwhy.analyzers.base import StuckContainer
from podwhy.analyzers.imagepull.case import ContainerCase
from podwhy.analyzers.jobtemplate import generated_fields, recreate_json
from podwhy.analyzers.shellarg import json_arg
from podwhy.model import Pod
from podwhy.snapshot import Snapshot


def image_owner(snap: Snapshot, pod: Pod) -> tuple[str, str] | None:
    """(kind, name) of the controller whose template to change."""
    chain = snap.owner_chain(pod)
    if not chain:
        return None
    kinds = [k for k, _, _ in chain]
    if "Deployment" in kinds:
        return "Deployment", chain[kinds.index("Deployment")][1]
    kind, name, _ = chain[0]
    if kind in ("StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"):
        return kind, name
    return None


def image_commands(snap: Snapshot, pod: Pod, namespace: str, pod_name: str, c: StuckContainer,
                   image: str) -> list[str]:
    """The commands that make container `c` of `pod` use `image`, on what holds the container's spec."""
    owner = image_owner(snap, pod)
    if owner is not None and owner[0] != "Job":
        kind, name = owner
        return [f"kubectl set image {kind.lower()}/{name} {c.name}={image} -n {namespace}"]
    lst = {"container": "containers", "initContainer": "initContainers",
           "ephemeralContainer": "ephemeralContainers"}[c.role]
    specs = {"container": pod.spec.containers, "initContainer": pod.spec.init_containers,
             "ephemeralContainer": pod.spec.ephemeral_containers}[c.role]
    idx = next((i for i, s in enumerate(specs) if s.name == c.name), 0)
    if owner is not None:
        # A Job's template is immutable: re-create the Job; a CronJob above it gets the image for its next runs.
        job = snap.get("Job", namespace, owner[1])
        op = {"op": "replace", "path": f"/spec/template/spec/{lst}/{idx}/image", "value": image}
        cmds = [recreate_json(namespace, owner[1], [op], generated_fields(job))]
        cron = next((n for k, n, _ in snap.owner_chain(pod) if k == "CronJob"), None)
        if cron is not None:
            cmds.insert(0, f"kubectl set image cronjob/{cron} {c.name}={image} -n {namespace}   # its next Jobs")
        return cmds
    patch = json_arg([{"op": "replace", "path": f"/spec/{lst}/{idx}/image", "value": image}])
    return [f"kubectl patch pod {pod_name} -n {namespace} --type=json -p {patch}"]


def set_image(case: ContainerCase, image: str) -> tuple[list[str], list[str]]:
    return image_commands(case.snap, case.pod, case.work.namespace, case.work.name, case.c, image), []
