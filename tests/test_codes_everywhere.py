"""Every cause code of the catalogue is reached offline, from each input layout people hand over.

One fixture per code (tests/fixtures/codes/<code>.yaml: `kubectl get -o yaml` documents; its header names the
scenario, `# subject: Kind/ns/name`, `# now: <RFC 3339>` and where every message text comes from). Each case
is run on the fixture itself and on the same objects laid out as a troubleshoot.sh support bundle (kind-less
arrays and typed lists), an OpenShift must-gather and a `kubectl cluster-info dump --output-directory` tree
(tests/bundlegen.py, each written the way its tool writes it: a kind the tool does not collect is absent).

The first finding of the subject is asserted by its key parts (code, severity, confidence, container, group
key and the evidence it cites); on a layout the case does not list in `expected_on`, the WHOLE finding (cause,
fix, details, rank) must also be the one the yaml layout gives. Where a layout cannot carry what the code needs,
`expected_on[layout]` says what podwhy says instead and why: nothing is skipped.

Another layout (e.g. `kubectl describe` text of the same objects) is one more entry of `layouts()`: every
case carries its objects (`Fixture.objects`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import bundlegen
import describegen
from podwhy.catalog import CODES

from contract import check_report
from helpers import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "codes"
_HEADER = re.compile(r"#\s*(scenario|subject|now|texts):\s*(.*)")


# ------------------------------------------------------------------------ fixtures
@dataclass(frozen=True)
class Fixture:
    code: str
    path: Path
    scenario: str
    subject: str  # Kind/ns/name
    now: str
    texts: str  # where the message texts come from (the header's `texts:` paragraph)
    objects: list[dict[str, Any]] = field(repr=False)  # the documents, as typed dicts (List items flattened)


@cache
def fixture(code: str) -> Fixture:
    path = FIXTURES / f"{code}.yaml"
    text = path.read_text()
    head: dict[str, str] = {}
    last = ""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            last = m.group(1)
            head[last] = m.group(2).strip()
        elif last:
            head[last] += " " + line.lstrip("# ").strip()
    return Fixture(code, path, head.get("scenario", ""), head.get("subject", ""), head.get("now", ""),
                   head.get("texts", ""), bundlegen.read_documents(text))


# ------------------------------------------------------------------------ layouts
@dataclass(frozen=True)
class Layout:
    name: str
    write: Callable[[Path, Fixture], Path]  # lays the fixture's objects out under a directory, returns --from
    source: str = "files"  # the report's source.kind


def layouts() -> list[Layout]:
    """The input layouts every case runs on. A new one (kubectl describe text of the same objects) goes here."""
    return [
        Layout("yaml", lambda tmp, fx: fx.path),
        Layout("troubleshoot-array", lambda tmp, fx: bundlegen.troubleshoot_bundle(
            tmp, bundlegen.kept("troubleshoot", fx.objects), "array")),
        Layout("troubleshoot-typed", lambda tmp, fx: bundlegen.troubleshoot_bundle(
            tmp, bundlegen.kept("troubleshoot", fx.objects), "typed")),
        Layout("must-gather", lambda tmp, fx: bundlegen.must_gather(tmp, bundlegen.kept("must-gather", fx.objects))),
        Layout("dump", lambda tmp, fx: bundlegen.cluster_info_dump(tmp, bundlegen.kept("dump", fx.objects)),
               source="dump"),
    ]


LAYOUTS = layouts()
YAML = LAYOUTS[0]


# ------------------------------------------------------------------------ the table
@dataclass(frozen=True)
class First:
    """The key parts of a first finding. Evidence: object refs; an event as `Event/<ns>/<object> [<reason>]`."""

    code: str
    confidence: str
    severity: str = ""  # "" = the catalogue's severity of the code
    container: str | None = None
    key: str | None = None  # groupKey
    evidence: tuple[str, ...] = ()

    def resolved(self) -> First:
        return First(self.code, self.confidence, self.severity or CODES[self.code].severity, self.container,
                     self.key, self.evidence)


@dataclass(frozen=True)
class Other:
    """What a layout gives instead, and why. first=None: the same key parts as the yaml layout, only the
    wording (cause, fix or details) differs."""

    why: str
    first: First | None = None


@dataclass(frozen=True)
class Case:
    code: str
    want: First  # on the yaml layout, and on every layout not in expected_on
    expected_on: dict[str, Other] = field(default_factory=dict)
    # A code that is by design never the first finding (it is context for another cause): why. The test keeps
    # the code among the subject's findings, after `want`.
    by_design: str = ""

    @property
    def fixture(self) -> Fixture:
        """The case's snapshot: its file and its objects, for any layout to lay out."""
        return fixture(self.code)

    @property
    def objects(self) -> list[dict[str, Any]]:
        return self.fixture.objects


def _troubleshoot(o: Other) -> dict[str, Other]:
    return {"troubleshoot-array": o, "troubleshoot-typed": o}


def _bundles(o: Other) -> dict[str, Other]:
    return {"troubleshoot-array": o, "troubleshoot-typed": o, "must-gather": o, "dump": o}


_SA_LISTED = Other("troubleshoot lists the namespace's ServiceAccounts (`default`, without pull secrets): the fix "
                   "patches it without the caveat the other layouts need (the ServiceAccount not in the input)")
_NO_SECRETS = Other(
    "no layout but the yaml paste shows the Secret's type: troubleshoot collects no Secrets (only a registry -> "
    "username map of dockerconfigjson ones), must-gather elides their values so podwhy does not read them, a dump "
    "has none. podwhy names the likely alternative for a found secret whose credentials were not sent",
    First("secret.pull-secret-host-mismatch", "likely", container="app", key="secret=shop/regcred",
          evidence=("Pod/shop/web-0", "Event/shop/web-0 [Failed]")))
_PVCS_LISTED = First("volume.pvc-not-found", "certain", key="pvc=sc-15/missing-claim",
                     evidence=("Pod/sc-15/db", "Event/sc-15/db [FailedScheduling]",
                               "PersistentVolumeClaim/sc-15/missing-claim"))
_NO_CSINODES = Other("troubleshoot and cluster-info dump collect no CSINodes: the attach limit cannot be recounted "
                     "per node, the scheduler's `exceed max volume count` is the only witness",
                     First("volume.limit-exceeded", "likely", key="limit=csi",
                           evidence=("Event/db/pg-3 [FailedScheduling]",)))
_EVENTS_LISTED = Other("the tool writes the namespace's event list even when it is empty, so `no scheduling event` "
                       "is known, not merely absent from a paste of the pod",
                       First("sched.scheduler-not-found", "likely", key="scheduler=my-scheduler",
                             evidence=("Pod/sc-14/custom",)))

_OOM = First("crash.oom-killed", "certain", container="app", key="oom=Deployment/shop/worker/app",
             evidence=("Pod/shop/worker-5f7d8c9b64-hx4kz", "Pod/shop/worker-5f7d8c9b64-hx4kz",
                       "Event/shop/worker-5f7d8c9b64-hx4kz [BackOff]", "Pod/shop/worker-5f7d8c9b64-hx4kz"))
_EXIT = First("crash.exit-nonzero", "certain", container="app", key="exit1=Deployment/shop/api/app",
              evidence=("Pod/shop/api-6b8f9c7d5d-q7x2m", "Pod/shop/api-6b8f9c7d5d-q7x2m",
                        "Event/shop/api-6b8f9c7d5d-q7x2m [BackOff]"))
_COMPLETED = First("crash.completed-restarting", "certain", container="app", key="completed=Deployment/shop/report/app",
                   evidence=("Pod/shop/report-7c5b9d8f46-wd9tn", "Pod/shop/report-7c5b9d8f46-wd9tn",
                             "Event/shop/report-7c5b9d8f46-wd9tn [BackOff]", "Pod/shop/report-7c5b9d8f46-wd9tn",
                             "Pod/shop/report-7c5b9d8f46-wd9tn"))
_INIT = First("init.failing", "certain", container="migrate", key="exit1=Deployment/shop/web/migrate",
              evidence=("Pod/shop/web-85d6b7c4f9-m2r8t", "Pod/shop/web-85d6b7c4f9-m2r8t",
                        "Event/shop/web-85d6b7c4f9-m2r8t [BackOff]"))


def _dump_log(want: First) -> dict[str, Other]:
    """A crashing container's log is in a cluster-info dump: the finding cites it after the rest."""
    log = f"{want.evidence[0]}/log/{want.container}"
    return {"dump": Other(
        "a cluster-info dump writes every container's log (`==== START logs for container ...`; for a container in "
        "back-off the kubelet serves the last run's, validateContainerLogStatus), so the finding quotes its last "
        "lines as one more piece of evidence (here the generic two lines examples/make_dump.py writes)",
        First(want.code, want.confidence, want.severity, want.container, want.key, (*want.evidence, log)))}


CASES = [
    Case("image.tag-not-found",
         First("image.tag-not-found", "likely", container="app", key="image=127.0.0.1:5000/probe/hello:nope",
               evidence=("Event/shop/web-0 [Failed]",))),
    Case("image.repository-not-found",
         First("image.repository-not-found", "certain", container="app", key="image=127.0.0.1:5000/nope/none:v1",
               evidence=("Event/shop/web-0 [Failed]",))),
    Case("image.not-found-or-unauthorized",
         First("image.not-found-or-unauthorized", "likely", container="app",
               key="image=docker.io/acme/private-tool:2", evidence=("Event/shop/tool-0 [Failed]",)),
         expected_on=_troubleshoot(_SA_LISTED)),
    Case("image.invalid-reference",
         First("image.invalid-reference", "certain", container="app", key="image=127.0.0.1:5000/Probe/Hello:v1",
               evidence=("Pod/shop/web-0", "Event/shop/web-0 [Failed]", "Pod/shop/web-0"))),
    Case("image.platform-mismatch",
         First("image.platform-mismatch", "certain", container="app", key="image=127.0.0.1:5000/probe/hello:arm64only",
               evidence=("Event/shop/web-0 [Failed]", "Node/node-1"))),
    Case("image.never-pull-absent",
         First("image.never-pull-absent", "certain", container="app", key="node=node-1",
               evidence=("Pod/shop/debug-0", "Event/shop/debug-0 [ErrImageNeverPull]", "Pod/shop/debug-0"))),
    Case("image.pull-timeout",
         First("image.pull-timeout", "likely", container="app", key="registry=127.0.0.1:5000",
               evidence=("Event/shop/web-0 [Failed]",))),
    Case("registry.auth-failed",
         First("registry.auth-failed", "likely", container="app", key="registry=127.0.0.1:5443",
               evidence=("Event/shop/web-0 [Failed]",))),
    Case("registry.dns-failure",
         First("registry.dns-failure", "certain", container="app", key="registry=registry.invalid",
               evidence=("Event/shop/web-0 [Failed]",))),
    Case("registry.unreachable",
         First("registry.unreachable", "certain", container="app", key="registry=refused.probe.test",
               evidence=("Event/shop/web-0 [Failed]",))),
    Case("registry.tls-error",
         First("registry.tls-error", "certain", container="app", key="registry=untrusted.probe.test",
               evidence=("Event/shop/web-0 [Failed]",))),
    Case("registry.http-https-mismatch",
         First("registry.http-https-mismatch", "certain", container="app", key="registry=https2http.probe.test",
               evidence=("Event/shop/web-0 [Failed]",))),
    Case("registry.rate-limited",
         First("registry.rate-limited", "certain", container="app", key="registry=registry.example.com",
               evidence=("Event/shop/web-0 [Failed]",)),
         expected_on=_troubleshoot(_SA_LISTED)),
    Case("registry.server-error",
         First("registry.server-error", "certain", container="app", key="registry=registry.example.com",
               evidence=("Event/shop/web-0 [Failed]",))),
    Case("secret.pull-secret-missing",
         First("secret.pull-secret-missing", "certain", container="app", key="secret=shop/regcred",
               evidence=("Pod/shop/web-0", "Event/shop/web-0 [FailedToRetrieveImagePullSecret]"))),
    Case("secret.pull-secret-invalid",
         First("secret.pull-secret-invalid", "likely", container="app", key="secret=shop/regcred",
               evidence=("Pod/shop/web-0", "Secret/shop/regcred")),
         expected_on=_bundles(_NO_SECRETS)),
    Case("secret.pull-secret-host-mismatch",
         First("secret.pull-secret-host-mismatch", "likely", container="app", key="secret=shop/regcred",
               evidence=("Pod/shop/web-0", "Event/shop/web-0 [Failed]"))),
    Case("secret.no-pull-secret",
         First("secret.no-pull-secret", "likely", container="app", key="registry=127.0.0.1:5443",
               evidence=("Pod/shop/web-0", "Event/shop/web-0 [Failed]")),
         expected_on=_troubleshoot(Other(
             "troubleshoot lists ServiceAccount `default` (no pull secrets): the cause says so instead of `not in the "
             "input`, and the fix patches it without that caveat"))),
    Case("node.disk-full",
         First("node.disk-full", "certain", container="app", key="node=node-1",
               evidence=("Event/shop/db-0 [Failed]", "Node/node-1"))),
    Case("sched.insufficient-resources",
         First("sched.insufficient-resources", "certain", key="resources=cpu",
               evidence=("Pod/sc-00/big", "Node/tiny-1", "Node/web-1", "Node/web-2", "Event/sc-00/big [FailedScheduling]"))),
    Case("sched.too-many-pods",
         First("sched.too-many-pods", "certain", key="pods",
               evidence=("Node/tiny-1", "Event/sc-12/one-more [FailedScheduling]"))),
    Case("sched.untolerated-taint",
         First("sched.untolerated-taint", "certain", key="taint=dedicated=gpu:NoSchedule",
               evidence=("Pod/sc-03/infer", "Node/gpu-1", "Event/sc-03/infer [FailedScheduling]"))),
    Case("sched.nodes-not-ready",
         First("sched.nodes-not-ready", "certain", key="not-ready",
               evidence=("Node/broken-1", "Event/sc-11/stranded [FailedScheduling]"))),
    Case("sched.node-unschedulable",
         First("sched.node-unschedulable", "certain", key="cordoned",
               evidence=("Node/maint-1", "Event/sc-10/maint [FailedScheduling]"))),
    Case("sched.node-affinity",
         First("sched.node-affinity", "certain", key="label=disk",
               evidence=("Pod/sc-04/fast", "Node/tiny-1", "Node/web-1", "Node/web-2",
                         "Event/sc-04/fast [FailedScheduling]"))),
    Case("sched.pod-affinity",
         First("sched.pod-affinity", "certain",
               evidence=("Node/web-1", "Node/web-2", "Event/sc-06/cache [FailedScheduling]"))),
    Case("sched.pod-anti-affinity",
         First("sched.pod-anti-affinity", "certain",
               evidence=("Node/web-1", "Node/web-2", "Event/sc-07/db-c [FailedScheduling]"))),
    Case("sched.topology-spread",
         First("sched.topology-spread", "certain",
               evidence=("Node/web-1", "Node/web-2", "Event/sc-08/s-c [FailedScheduling]"))),
    Case("sched.host-port",
         First("sched.host-port", "certain", key="port=8443/TCP",
               evidence=("Node/web-1", "Node/web-2", "Event/sc-09/lb-c [FailedScheduling]"))),
    Case("sched.node-name-not-found",
         First("sched.node-name-not-found", "certain", key="node=node-3", evidence=("Pod/shop/web-0",))),
    Case("sched.no-nodes",
         First("sched.no-nodes", "certain", key="no-nodes", evidence=("Node", "Event/shop/web-0 [FailedScheduling]")),
         expected_on={"must-gather": Other(
             "must-gather writes one file per node (cluster-scoped-resources/core/nodes/<name>.yaml): with no node "
             "there is no file, so Nodes are unknown and the scheduler's message is the only witness",
             First("sched.no-nodes", "likely", evidence=("Event/shop/web-0 [FailedScheduling]",)))}),
    Case("sched.scheduler-not-found",
         First("sched.scheduler-not-found", "possible", key="scheduler=my-scheduler", evidence=("Pod/sc-14/custom",)),
         expected_on={**_bundles(_EVENTS_LISTED)}),
    Case("sched.scheduling-gated",
         First("sched.scheduling-gated", "certain", key="gates=example.com/quota-check", evidence=("Pod/sc-13/gated",))),
    Case("sched.preemption-pending",
         First("sched.preemption-pending", "certain",
               evidence=("Pod/shop/checkout-0", "Event/shop/batch-7d4b9c-xk2lp [Preempted]"))),
    Case("volume.pvc-not-found",
         First("volume.pvc-not-found", "likely", key="pvc=sc-15/missing-claim",
               evidence=("Event/sc-15/db [FailedScheduling]",)),
         expected_on={**_troubleshoot(Other("the bundle lists the namespace's PVCs (none): the claim's absence is "
                                            "proven, where a paste of the pod and its events has only the "
                                            "scheduler's word", _PVCS_LISTED)),
                      "must-gather": Other("inspect lists the namespace's persistentvolumeclaims (none): the claim's "
                                           "absence is proven", _PVCS_LISTED)}),
    Case("volume.pvc-unbound",
         First("volume.pvc-unbound", "certain", key="storageclass=imm-sc-16",
               evidence=("Pod/sc-16/db", "PersistentVolumeClaim/sc-16/data", "Event/sc-16/db [FailedScheduling]",
                         "PersistentVolumeClaim/sc-16/data", "StorageClass/imm-sc-16", "StorageClass/imm-sc-16",
                         "Event/sc-16/data [ProvisioningFailed]")),
         expected_on={"dump": Other(
             "a cluster-info dump has no PVCs or StorageClasses: the unbound claim is read from the scheduler's "
             "`pod has unbound immediate PersistentVolumeClaims`",
             First("volume.pvc-unbound", "likely", key="pod-claims=sc-16/data",
                   evidence=("Event/sc-16/db [FailedScheduling]",)))}),
    Case("volume.storageclass-not-found",
         First("volume.storageclass-not-found", "certain", key="storageclass=no-such-class",
               evidence=("Pod/sc-18/db", "PersistentVolumeClaim/sc-18/data", "Event/sc-18/db [FailedScheduling]",
                         "PersistentVolumeClaim/sc-18/data", "Event/sc-18/data [ProvisioningFailed]")),
         expected_on={**_troubleshoot(Other(
             "the bundle lists the StorageClasses (none): their absence is the evidence, the PV controller's "
             "ProvisioningFailed event is not needed to prove it",
             First("volume.storageclass-not-found", "certain", key="storageclass=no-such-class",
                   evidence=("Pod/sc-18/db", "PersistentVolumeClaim/sc-18/data",
                             "Event/sc-18/db [FailedScheduling]", "PersistentVolumeClaim/sc-18/data")))),
             "dump": Other(
             "a cluster-info dump has no PVCs or StorageClasses: the claim's class is read from the events alone",
             First("volume.storageclass-not-found", "likely", key="storageclass=no-such-class",
                   evidence=("Event/sc-18/db [FailedScheduling]", "Event/sc-18/data [ProvisioningFailed]")))}),
    Case("volume.node-affinity-conflict",
         First("volume.node-affinity-conflict", "certain", key="pv=pv-sc-19", evidence=("PersistentVolume/pv-sc-19", "Pod/sc-19/db")),
         expected_on={"dump": Other(
             "a cluster-info dump has no PVs or PVCs: the volume's node affinity is read from the scheduler's "
             "`didn't match PersistentVolume's node affinity` alone",
             First("volume.node-affinity-conflict", "likely", key="pod=sc-19/db",
                   evidence=("Event/sc-19/db [FailedScheduling]",)))}),
    Case("volume.limit-exceeded",
         First("volume.limit-exceeded", "certain", key="limit=ebs.csi.aws.com",
               evidence=("CSINode/node-1", "CSINode/node-2", "Event/db/pg-3 [FailedScheduling]")),
         expected_on={**_troubleshoot(_NO_CSINODES), "dump": _NO_CSINODES}),
    Case("autoscaler.no-scale-up",
         First("autoscaler.no-scale-up", "likely", key="nodegroup=eks-compute-5ac7b1a2",
               evidence=("Event/ml/trainer-0 [NotTriggerScaleUp]", "ConfigMap/kube-system/cluster-autoscaler-status")),
         expected_on={"dump": Other(
             "a cluster-info dump has no ConfigMaps: without cluster-autoscaler-status the group at its maximum is "
             "not named; the event's `1 max node group size reached` is certain on its own (with the status, raising "
             "the named group's maximum is the fix, likely because no node of that group is in the input)",
             First("autoscaler.no-scale-up", "certain", key="autoscaler=max-node-group-size",
                   evidence=("Event/ml/trainer-0 [NotTriggerScaleUp]",)))}),
    Case("autoscaler.scale-up-in-progress",
         First("sched.insufficient-resources", "certain", key="resources=cpu",
               evidence=("Pod/ml/trainer-0", "Node/ip-10-0-1-17.eu-west-1.compute.internal",
                         "Event/ml/trainer-0 [FailedScheduling]")),
         by_design=(
             "a node being added is what happens about the cause, not the cause: the pod is Pending because no "
             "node has room (sched.insufficient-resources, with its numbers and fixes), and the scale-up in "
             "progress follows it as context (autoscaler/common.py RANK_COMING after the scheduler's causes); "
             "only a refused scale-up (autoscaler.no-scale-up) is a root cause that goes first")),
    Case("create.quota-exceeded",
         First("create.quota-exceeded", "certain", key="quota=sc-20/compute",
               evidence=("Event/sc-20/api-7cfc5c8b5c [FailedCreate]", "ResourceQuota/sc-20/compute")),
         expected_on={name: Other(
             f"{tool} carries no ResourceQuotas: the quota is named and its numbers are taken from the "
             "FailedCreate message (details.recomputed false, no ResourceQuota evidence)",
             First("create.quota-exceeded", "certain", key="quota=sc-20/compute",
                   evidence=("Event/sc-20/api-7cfc5c8b5c [FailedCreate]",)))
             for name, tool in (("must-gather", "`oc adm inspect ns/<ns>`"), ("dump", "a cluster-info dump"))}),
    Case("create.admission-denied",
         First("create.admission-denied", "certain", key="podsecurity=sc-23/restricted:latest",
               evidence=("Event/sc-23/agent-bc4946cf [FailedCreate]",))),
    Case("start.mount-failed",
         First("start.mount-failed", "certain", key="pv=pvc-5d1c0b7e-2f4a-4c1e-9b3d-8a6f2e1c0d4b",
               evidence=("Event/shop/search-new [FailedAttachVolume]",)),
         expected_on={"dump": Other("a cluster-info dump has no PVCs: the cause cannot name the claim and its "
                                    "access mode next to the volume")}),
    Case("start.config-missing",
         First("start.config-missing", "likely", container="app", key="secret=shop/smtp-account",
               evidence=("Pod/shop/web-0", "Event/shop/web-0 [Failed]"))),
    Case("start.sandbox-failed",
         First("start.sandbox-failed", "certain", key="sandbox=ipam-exhausted@node-1",
               evidence=("Event/shop/web-0 [FailedCreatePodSandBox]",))),
    Case("crash.oom-killed", _OOM, expected_on=_dump_log(_OOM)),
    Case("crash.exit-nonzero", _EXIT, expected_on=_dump_log(_EXIT)),
    Case("crash.completed-restarting", _COMPLETED, expected_on=_dump_log(_COMPLETED)),
    Case("start.command-not-found",
         First("start.command-not-found", "certain", container="app", key="image=registry.example.com/shop/api:3.5.0",
               evidence=("Pod/shop/api-58d4c7b9f6-z8p2r", "Pod/shop/api-58d4c7b9f6-z8p2r",
                         "Event/shop/api-58d4c7b9f6-z8p2r [Failed]", "Pod/shop/api-58d4c7b9f6-z8p2r"))),
    Case("start.exec-format-error",
         First("start.exec-format-error", "certain", container="app",
               key="image=registry.example.com/shop/server:1.8.0",
               evidence=("Pod/shop/server-84c6f5d9b7-t5m7q", "Pod/shop/server-84c6f5d9b7-t5m7q",
                         "Pod/shop/server-84c6f5d9b7-t5m7q", "Node/node-1"))),
    Case("start.permission-denied",
         First("start.permission-denied", "certain", container="app", key="image=registry.example.com/shop/batch:0.9.2",
               evidence=("Pod/shop/batch-6f9d8b7c55-k3v9x", "Pod/shop/batch-6f9d8b7c55-k3v9x",
                         "Event/shop/batch-6f9d8b7c55-k3v9x [Failed]", "Pod/shop/batch-6f9d8b7c55-k3v9x"))),
    Case("start.run-as-root",
         First("start.run-as-root", "certain", container="app", key="image=registry.example.com/shop/web:2.1",
               evidence=("Pod/shop/web-0", "Event/shop/web-0 [Failed]", "Pod/shop/web-0"))),
    Case("probe.liveness-failing",
         First("probe.liveness-failing", "certain", container="app", key="liveness-probe=Deployment/shop/web/app",
               evidence=("Pod/shop/web-6c9f8d7b5c-kq2zt", "Event/shop/web-6c9f8d7b5c-kq2zt [Unhealthy]",
                         "Event/shop/web-6c9f8d7b5c-kq2zt [Killing]", "Pod/shop/web-6c9f8d7b5c-kq2zt",
                         "Pod/shop/web-6c9f8d7b5c-kq2zt"))),
    Case("probe.startup-failing",
         First("probe.startup-failing", "certain", container="app", key="startup-probe=Deployment/shop/search/app",
               evidence=("Pod/shop/search-5d8c7f6b9a-r6j4w", "Event/shop/search-5d8c7f6b9a-r6j4w [Unhealthy]",
                         "Event/shop/search-5d8c7f6b9a-r6j4w [Killing]", "Pod/shop/search-5d8c7f6b9a-r6j4w"))),
    Case("probe.readiness-failing",
         First("probe.readiness-failing", "certain", container="app", key="readiness-probe=Deployment/shop/web/app",
               evidence=("Pod/shop/web-7d9c8b5f64-x2k4q", "Event/shop/web-7d9c8b5f64-x2k4q [Unhealthy]",
                         "Pod/shop/web-7d9c8b5f64-x2k4q", "Service/shop/web", "Deployment/shop/web"))),
    Case("init.failing", _INIT, expected_on=_dump_log(_INIT)),
    Case("terminating.finalizer",
         First("terminating.finalizer", "certain", key="finalizer=example.com/cleanup-hook",
               evidence=("Pod/shop/web-0", "Pod/shop/web-0", "Pod/shop/web-0"))),
    Case("terminating.node-lost",
         First("terminating.node-lost", "certain", key="node=node-2",
               evidence=("Pod/shop/db-0", "Node/node-2", "Event/shop/db-0 [TaintManagerEviction]"))),
    Case("evicted.node-pressure",
         First("evicted.node-pressure", "certain", container="app", key="node=node-1,pressure=memory",
               evidence=("Pod/shop/cache-58c9d6f7b8-2xqlw", "Event/shop/cache-58c9d6f7b8-2xqlw [Evicted]",
                         "Event/default/node-1 [EvictionThresholdMet]"))),
    Case("evicted.ephemeral-storage",
         First("evicted.ephemeral-storage", "certain", container="app", key="ephemeral=Deployment/shop/exporter",
               evidence=("Pod/shop/exporter-6d7f8c9b5d-v8n3s", "Event/shop/exporter-6d7f8c9b5d-v8n3s [Evicted]"))),
    Case("unknown",
         First("unknown", "possible", container="app", evidence=("Event/shop/web-0 [Failed]", "Pod/shop/web-0"))),
]
BY_CODE = {c.code: c for c in CASES}


# ------------------------------------------------------------------------ running
def _evidence(e: dict[str, Any]) -> str:
    ref: str = e["ref"]
    if ref.startswith("Event/"):
        m = re.match(r"\.message \[(\w+)", e.get("field") or "")
        return f"{ref.rsplit('.', 1)[0]} [{m.group(1) if m else '?'}]"
    return ref


def _key_parts(f: dict[str, Any]) -> First:
    return First(f["code"], f["confidence"], f["severity"], f.get("container"), f.get("groupKey"),
                 tuple(_evidence(e) for e in f["evidence"]))


def _diagnose(layout: Layout, fx: Fixture, tmp: Path) -> tuple[dict[str, Any], list[str]]:
    """(the subject's first finding with the --from path written `{from}`, the codes of all its findings)."""
    root = layout.write(tmp, fx)
    rc, out, err = run_cli("scan", "-A", "-o", "json", "--from", str(root), "--now", fx.now)
    assert (rc, err) == (1, ""), err
    doc = json.loads(out)
    check_report(doc)
    assert doc["source"]["kind"] == layout.source
    assert not [n for n in doc["notes"] if n.startswith("internal.")], doc["notes"]
    subjects = {s["ref"]: s for s in doc["subjects"]}
    assert fx.subject in subjects, f"{fx.subject} is not a subject on {layout.name}: {sorted(subjects)}"
    findings = subjects[fx.subject]["findings"]
    first = json.loads(json.dumps(findings[0]).replace(str(root), "{from}"))
    return first, [f["code"] for f in findings]


@cache
def _on_yaml(code: str) -> dict[str, Any]:
    first, _ = _diagnose(YAML, fixture(code), Path("/nonexistent"))  # the yaml layout writes nothing
    return first


@pytest.mark.parametrize("layout", LAYOUTS, ids=[lay.name for lay in LAYOUTS])
@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_first_finding_on_every_layout(tmp_path: Path, case: Case, layout: Layout) -> None:
    fx = case.fixture
    got, codes = _diagnose(layout, fx, tmp_path)
    other = case.expected_on.get(layout.name)
    want = other.first if other is not None and other.first is not None else case.want
    assert _key_parts(got) == want.resolved(), other.why if other else got["cause"]
    if layout is not YAML and other is None:
        assert got == _on_yaml(case.code), f"{layout.name} and yaml disagree on the finding"
    if layout is not YAML and other is not None and other.first is None:
        assert got != _on_yaml(case.code), f"{layout.name}: the wording now agrees with yaml, drop expected_on"
    if case.by_design:
        assert case.code in codes, codes


# ------------------------------------------------------------------------ the table is complete and sound
def test_every_catalog_code_has_a_case_and_a_fixture() -> None:
    assert len(BY_CODE) == len(CASES), "a code has two cases"
    assert set(BY_CODE) == set(CODES), (f"codes without a case: {sorted(set(CODES) - set(BY_CODE))}; cases of "
                                        f"codes not in the catalogue: {sorted(set(BY_CODE) - set(CODES))}")
    assert {p.stem for p in FIXTURES.glob("*.yaml")} == set(CODES)


@pytest.mark.parametrize("code", list(CODES))
def test_fixture_header_names_the_scenario_subject_time_and_text_sources(code: str) -> None:
    fx = fixture(code)
    assert fx.scenario and fx.texts, f"{fx.path}: a `# scenario:` and a `# texts:` line, please"
    kind, ns, name = fx.subject.split("/")
    assert any(o["kind"] == kind and o["metadata"].get("namespace") == ns and o["metadata"]["name"] == name
               for o in fx.objects), f"{fx.path}: no {fx.subject} among its objects"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fx.now), fx.now
    assert "shared/corpus" not in fx.path.read_text()


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_case_is_sound(case: Case) -> None:
    names = {lay.name for lay in LAYOUTS}
    assert set(case.expected_on) <= names - {"yaml"}, set(case.expected_on) - names
    for name, other in case.expected_on.items():
        assert other.why, name
        assert other.first != case.want, f"{name}: the same as the default, drop it"
    if case.by_design:
        assert case.want.code != case.code
    else:
        assert case.want.code == case.code, "the yaml layout must reach the case's code first"


# ------------------------------------------------------------------------ kubectl describe text of the same objects
# The fixture's objects served by the loopback API server and printed by the real kubectl of each release
# (tests/describegen.py), the outputs pasted together as a ticket carries them, then read by podwhy. kubectl
# prints ages against the wall clock, so the objects' times are moved to end now and --now is that moment.
DESCRIBED_KINDS = ("Pod", "Node", "PersistentVolumeClaim", "ReplicaSet", "Deployment", "ServiceAccount")
# What describe text cannot carry, per code (describe.go, v1.20-v1.34): the first finding podwhy gives instead,
# and the words of its cause that say so.
FROM_DESCRIBE = {
    "secret.pull-secret-invalid": ("secret.no-pull-secret", "does not print them"),  # no Secret data, no pod secrets
    "secret.pull-secret-host-mismatch": ("secret.no-pull-secret", "keyed for another host"),
    "sched.scheduler-not-found": ("unknown", "spec.schedulerName"),  # schedulerName is not printed
    "sched.scheduling-gated": ("unknown", "spec.schedulingGates"),  # neither gates nor the condition's reason
    # describePod prints no metadata.finalizers: with the node Ready, a finalizer is only the likeliest holder
    "terminating.finalizer": ("terminating.finalizer", "does not print finalizers"),
}
_RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$")


def _moved(obj: Any, by: timedelta) -> Any:
    if isinstance(obj, dict):
        return {k: _moved(v, by) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_moved(v, by) for v in obj]
    if isinstance(obj, str) and _RFC3339.match(obj):
        t = datetime.fromisoformat(obj.replace("Z", "+00:00")) + by
        # A MicroTime (an event's eventTime) keeps its six digits: kubectl refuses the list otherwise.
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if "." in obj else "%Y-%m-%dT%H:%M:%SZ")
    return obj


def _items(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`<Kind>List` documents as their items (an API server serves objects, not list documents)."""
    out: list[dict[str, Any]] = []
    for o in objects:
        if o.get("kind", "").endswith("List") and isinstance(o.get("items"), list):
            kind = o["kind"][:-4]  # `List` holds items of any kind, each with its own
            out += [{"kind": kind, "apiVersion": o.get("apiVersion", "v1"), **i} if kind else i for i in o["items"]]
        else:
            out.append(o)
    return out


def _describe_first(case: Case, kubectl: str, tmp: Path) -> tuple[dict[str, Any], list[str]]:
    fx = case.fixture
    now = datetime.now(UTC).replace(microsecond=0)
    objects = _moved(_items(fx.objects), now - datetime.fromisoformat(fx.now.replace("Z", "+00:00")))
    asked = [(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects
             if o["kind"] in DESCRIBED_KINDS]
    text = tmp / "describe.txt"
    text.write_text(describegen.describe(objects, asked, kubectl, tmp) if asked else "")
    rc, out, err = run_cli("scan", "-A", "-o", "json", "--from", str(text), "--now", now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert rc == 1, err
    doc = json.loads(out)
    check_report(doc)
    assert any("`kubectl describe` text" in n for n in doc["notes"]), doc["notes"]
    subjects = {s["ref"]: s for s in doc["subjects"]}
    assert fx.subject in subjects, f"{fx.subject} is not a subject from describe text: {sorted(subjects)}"
    findings = subjects[fx.subject]["findings"]
    return findings[0], [f["code"] for f in findings]


# Every code with the oldest and the newest kubectl; the releases between on one code per family.
_BETWEEN = ("image.tag-not-found", "registry.auth-failed", "sched.insufficient-resources", "volume.pvc-unbound",
            "create.quota-exceeded", "start.config-missing")
DESCRIBE_RUNS = [(c, k) for c in CASES for k in ("1.20", "1.34")] + [
    (BY_CODE[c], k) for c in _BETWEEN for k in ("1.24", "1.28", "1.32")]


@pytest.mark.parametrize(("case", "kubectl"), DESCRIBE_RUNS, ids=[f"{c.code}-kubectl{k}" for c, k in DESCRIBE_RUNS])
def test_first_finding_from_describe_text(tmp_path: Path, case: Case, kubectl: str) -> None:
    first, codes = _describe_first(case, kubectl, tmp_path)
    want, says = FROM_DESCRIBE.get(case.code, (case.want.code, ""))
    assert first["code"] == want, first["cause"]
    assert says in first["cause"]
    if case.by_design:
        assert case.code in codes, codes
