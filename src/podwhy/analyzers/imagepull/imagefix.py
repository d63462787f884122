"""Fixes that change a container's image: `kubectl set image` on the controller whose template holds it, a
JSON patch of a bare pod (a pod's image is one of its few mutable fields), and a note for a Job, whose
template is immutable."""

from __future__ import annotations

from podwhy.analyzers.imagepull.case import ContainerCase
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


def set_image(case: ContainerCase, image: str) -> tuple[list[str], list[str]]:
    ns, c = case.work.namespace, case.c
    owner = image_owner(case.snap, case.pod)
    if owner is not None and owner[0] != "Job":
        kind, name = owner
        return [f"kubectl set image {kind.lower()}/{name} {c.name}={image} -n {ns}"], []
    if owner is not None:
        return ([], [f"# Job templates are immutable: recreate Job {owner[1]} with {c.name}.image: {image}"])
    lst = {"container": "containers", "initContainer": "initContainers",
           "ephemeralContainer": "ephemeralContainers"}[c.role]
    specs = {"container": case.pod.spec.containers, "initContainer": case.pod.spec.init_containers,
             "ephemeralContainer": case.pod.spec.ephemeral_containers}[c.role]
    idx = next((i for i, s in enumerate(specs) if s.name == c.name), 0)
    patch = f'[{{"op":"replace","path":"/spec/{lst}/{idx}/image","value":"{image}"}}]'
    return [f"kubectl patch pod {case.work.name} -n {ns} --type=json -p '{patch}'"], []
