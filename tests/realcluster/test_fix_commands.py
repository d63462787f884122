"""podwhy's fix commands for Jobs (and pull secrets, images), run with the real kubectl against the real API server.

A Job's pod template is immutable (`kubectl patch job` on it is rejected), so podwhy prints a re-creation
(podwhy/analyzers/jobtemplate.py). Each case makes a Job stuck for one cause, takes the fix podwhy prints
(live, as the read-only user), runs its re-creation pipeline as the admin, and asserts what a person
on call needs: the command succeeds, the new Job carries the fix, and its pod now exists and is
scheduled.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .harness import KUBECTL, Cluster, node_settled, wait_until

NS = "fixjobs"
NODE = "fix-node"


@dataclass(frozen=True)
class Case:
    name: str
    code: str                      # the finding whose fix is run
    job_spec: dict[str, Any]       # the Job's pod spec
    fixed: str                     # what the re-created Job's pod spec holds afterwards (a JSON key path)


def _job(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": NS},
            "spec": {"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never", **spec}}}}


_CONTAINER = {"name": "main", "image": "registry.example.test/batch:1"}

CASES = [
    Case("untolerated taint of the only node", "sched.untolerated-taint",
         {"containers": [{**_CONTAINER, "resources": {"requests": {"cpu": "100m"}}}]}, "tolerations"),
    Case("limit range max exceeded", "create.admission-denied",
         {"tolerations": [{"key": "dedicated", "operator": "Exists"}],
          "containers": [{**_CONTAINER, "resources": {"limits": {"cpu": "2"}, "requests": {"cpu": "100m"}}}]},
         "containers.0.resources.limits.cpu"),
]


@pytest.fixture(scope="module")
def namespace(cluster: Cluster) -> Iterator[str]:
    cluster.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}},
                   {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "cpu-max", "namespace": NS},
                    "spec": {"limits": [{"type": "Container", "max": {"cpu": "1"}}]}}])
    cluster.node(NODE, taints=["dedicated=batch:NoSchedule"])
    wait_until("fix node Ready", lambda: node_settled(cluster.get_json("node", NODE)), timeout=90)
    wait_until("default ServiceAccount", lambda: cluster.kubectl("-n", NS, "get", "sa", "default",
                                                                check=False).returncode == 0)
    yield NS
    cluster.kubectl("delete", "namespace", NS, "--wait=false", check=False)
    cluster.kubectl("delete", "node", NODE, check=False)


def _pods(cluster: Cluster, job: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = cluster.get_json("-n", NS, "pods", "-l", f"batch.kubernetes.io/job-name={job}")["items"]
    return items


def _dig(doc: Any, path: str) -> Any:
    for part in path.split("."):
        doc = doc[int(part)] if isinstance(doc, list) else doc.get(part)
        if doc is None:
            return None
    return doc


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_job_fix_recreates_the_job_with_the_fix(cluster: Cluster, namespace: str, reader_kubeconfig: Path,
                                                case: Case) -> None:
    name = "job-" + case.name.split()[0] + "-" + str(CASES.index(case))
    cluster.apply([_job(name, case.job_spec)])
    if case.code.startswith("sched."):
        wait_until("the Job's pod unschedulable", lambda: any(
            c.get("reason") == "Unschedulable" for p in _pods(cluster, name)
            for c in p.get("status", {}).get("conditions", [])), timeout=60)
    else:
        wait_until("the Job's FailedCreate", lambda: any(
            e["reason"] == "FailedCreate" and e["involvedObject"]["name"] == name
            for e in cluster.get_json("-n", NS, "events")["items"]), timeout=60)
    old_uid = cluster.get_json("-n", NS, "job", name)["metadata"]["uid"]

    out = cluster.podwhy("scan", "-n", NS, "-o", "json", kubeconfig=reader_kubeconfig)
    report = json.loads(out.stdout)
    findings = [f for s in report["subjects"] if name in s["name"] for f in s["findings"] if f["code"] == case.code]
    assert findings, out.stdout[-3000:]
    commands = findings[0]["fix"]["commands"]
    recreate = [c for c in commands if c.startswith(f"kubectl -n {NS} get job {name} -o json |")]
    assert recreate, commands
    # Nothing in the fix still patches the Job's template in place (the API server rejects that).
    assert not [c for c in commands if c.startswith(("kubectl patch job", "kubectl set resources job",
                                                     f"kubectl -n {NS} patch job"))], commands

    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig), "PATH": f"{KUBECTL.parent}:{os.environ['PATH']}"}
    run = subprocess.run(["bash", "-o", "pipefail", "-c", recreate[0]], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr

    job = cluster.get_json("-n", NS, "job", name)
    assert job["metadata"]["uid"] != old_uid
    assert _dig(job["spec"]["template"]["spec"], case.fixed) not in (None, _dig(case.job_spec, case.fixed)), \
        job["spec"]["template"]["spec"]
    wait_until("the re-created Job's pod scheduled", lambda: [p for p in _pods(cluster, name)
                                                              if p["spec"].get("nodeName") == NODE], timeout=60)
    # The old Job's pods went with it.
    wait_until("the old Job's pods gone", lambda: all(
        p["metadata"]["labels"].get("batch.kubernetes.io/controller-uid") != old_uid
        for p in _pods(cluster, name)), timeout=60)


# ---- pull-secret fixes ------------------------------------------------------------------------------------

_RATE_LIMITED = ('failed to pull and unpack image "docker.io/library/redis:7": failed to copy: httpReadSeeker: failed '
                 "open: unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:0123: "
                 "429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.")


def _as_pulling(pod: dict[str, Any], message: str = _RATE_LIMITED) -> dict[str, Any]:
    """The pod as the kubelet reports it when the pull fails with `message` (no kubelet runs here: KWOK's
    nodes report pods Running, so the waiting state is written into the offline copy only)."""
    c = pod["spec"]["containers"][0]
    pod["status"] = {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "True"}],
                     "containerStatuses": [{"name": c["name"], "image": c["image"], "ready": False, "restartCount": 0,
                                            "state": {"waiting": {"reason": "ErrImagePull",
                                                                  "message": message}}}]}
    return pod


@dataclass(frozen=True)
class SecretCase:
    name: str
    owner: str            # "deployment" or "" (a bare pod)
    sa_secrets: tuple[str, ...]


SECRET_CASES = [
    SecretCase("Deployment, ServiceAccount listing another secret", "deployment", ("other",)),
    SecretCase("bare pod, ServiceAccount without secrets", "", ()),
    SecretCase("bare pod that admission gave the ServiceAccount's secret", "", ("other",)),
]


@pytest.mark.parametrize("case", SECRET_CASES, ids=[c.name for c in SECRET_CASES])
def test_rate_limit_fix_gives_new_pods_the_secret(cluster: Cluster, namespace: str, tmp_path: Path,
                                                   case: SecretCase) -> None:
    """The fix creates the secret, adds it to the ServiceAccount without dropping the ones it lists, and
    replaces the pod by one that has it (the ServiceAccount's secrets reach only pods created after)."""
    sa = f"puller-{SECRET_CASES.index(case)}"
    app = f"redis-{SECRET_CASES.index(case)}"
    sa_doc: dict[str, Any] = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa, "namespace": NS}}
    if case.sa_secrets:
        sa_doc["imagePullSecrets"] = [{"name": s} for s in case.sa_secrets]
    spec = {"serviceAccountName": sa, "tolerations": [{"key": "dedicated", "operator": "Exists"}],
            "containers": [{"name": "redis", "image": "redis:7"}]}
    if case.owner == "deployment":
        workload = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": app, "namespace": NS},
                    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": app}},
                             "template": {"metadata": {"labels": {"app": app}}, "spec": spec}}}
    else:
        workload = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": app, "namespace": NS, "labels": {"app": app}},
                    "spec": spec}
    cluster.apply([sa_doc, workload])
    pods = wait_until("the pod", lambda: cluster.get_json("-n", NS, "pods", "-l", f"app={app}")["items"])
    old = pods[0]

    objects = [_as_pulling(old), cluster.get_json("-n", NS, "sa", sa)]
    if case.owner:
        objects += cluster.get_json("-n", NS, "replicasets,deployments", "-l", f"app={app}")["items"]
        objects.append(cluster.get_json("-n", NS, "deployment", app))
    dump = tmp_path / "pulling.json"
    dump.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
    out = cluster.podwhy("pod", old["metadata"]["name"], "-n", NS, "--from", str(dump), "-o", "json")
    found = [f for s in json.loads(out.stdout)["subjects"] for f in s["findings"] if f["code"] == "registry.rate-limited"]
    assert found, out.stdout[-3000:]
    commands = [c.replace("<user>", "robot").replace("<password-or-token>", "s3cret")
                for c in found[0]["fix"]["commands"]]

    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig), "PATH": f"{KUBECTL.parent}:{os.environ['PATH']}"}
    for cmd in commands:
        if cmd.startswith("kubectl create secret") and cluster.kubectl("-n", NS, "get", "secret", "regcred",
                                                                       check=False).returncode == 0:
            continue  # made by the case before: the command itself is the same
        run = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, (cmd, run.stderr)

    listed = [s["name"] for s in cluster.get_json("-n", NS, "sa", sa).get("imagePullSecrets", [])]
    assert listed == [*case.sa_secrets, "regcred"]
    old_uid = old["metadata"]["uid"]
    new = wait_until("a new pod with the secret", lambda: [
        p for p in cluster.get_json("-n", NS, "pods", "-l", f"app={app}")["items"]
        if p["metadata"]["uid"] != old_uid and p["metadata"].get("deletionTimestamp") is None
        and {"name": "regcred"} in p["spec"].get("imagePullSecrets", [])], timeout=60)
    assert [s["name"] for s in new[0]["spec"]["imagePullSecrets"]] == [*case.sa_secrets, "regcred"]


# ---- image fixes of a Job's pod ---------------------------------------------------------------------------

_BAD, _GOOD = "registry.example.test/batch:1.", "registry.example.test/batch:1"
_NOT_FOUND = (f'rpc error: code = NotFound desc = failed to pull and unpack image "{_BAD}": failed to resolve '
              f'reference "{_BAD}": {_BAD}: not found')


def test_image_fix_of_a_cronjobs_job_sets_the_cronjob_and_recreates_the_job(cluster: Cluster, namespace: str,
                                                                            tmp_path: Path) -> None:
    """`kubectl set image job/x` is rejected (the template is immutable): podwhy's fix sets the image on the
    CronJob, for its next runs, and re-creates the Job that is failing now."""
    spec = {"restartPolicy": "Never", "tolerations": [{"key": "dedicated", "operator": "Exists"}],
            "containers": [{"name": "main", "image": _BAD}]}
    peer = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "peer", "namespace": NS},
            "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "peer"}},
                     "template": {"metadata": {"labels": {"app": "peer"}},
                                  "spec": {"containers": [{"name": "main", "image": _GOOD}]}}}}
    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly", "namespace": NS},
            "spec": {"schedule": "0 0 1 1 *", "jobTemplate": {"spec": {"backoffLimit": 0, "template": {"spec": spec}}}}}
    cluster.apply([peer, cron])
    cluster.kubectl("-n", NS, "create", "job", "nightly-manual", "--from=cronjob/nightly")
    job = cluster.get_json("-n", NS, "job", "nightly-manual")
    assert [o["kind"] for o in job["metadata"].get("ownerReferences", [])] == ["CronJob"]
    pods = wait_until("the Job's pod", lambda: _pods(cluster, "nightly-manual"))

    objects = [_as_pulling(pods[0], _NOT_FOUND), job, cluster.get_json("-n", NS, "cronjob", "nightly"),
               cluster.get_json("-n", NS, "deployment", "peer")]
    dump = tmp_path / "pulling.json"
    dump.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
    out = cluster.podwhy("pod", pods[0]["metadata"]["name"], "-n", NS, "--from", str(dump), "-o", "json")
    found = [f for s in json.loads(out.stdout)["subjects"] for f in s["findings"] if f["code"] == "image.tag-not-found"]
    assert found, out.stdout[-3000:]
    commands = found[0]["fix"]["commands"]
    assert commands[0].startswith("kubectl set image cronjob/nightly main=" + _GOOD), commands

    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig), "PATH": f"{KUBECTL.parent}:{os.environ['PATH']}"}
    for cmd in commands:
        run = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, (cmd, run.stderr)
    new_job = cluster.get_json("-n", NS, "job", "nightly-manual")
    assert new_job["metadata"]["uid"] != job["metadata"]["uid"]
    assert new_job["spec"]["template"]["spec"]["containers"][0]["image"] == _GOOD
    cron_after = cluster.get_json("-n", NS, "cronjob", "nightly")
    assert cron_after["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["image"] == _GOOD
    wait_until("the re-created Job's pod with the image", lambda: [
        p for p in _pods(cluster, "nightly-manual") if p["spec"]["containers"][0]["image"] == _GOOD], timeout=60)
