"""YAML builders for the workload tests: controllers whose pods are never created (FailedCreate), pods
that cannot start, and the objects that explain them, diagnosed through the real pipeline."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime

from podwhy.findings import Finding

# docs and empty_list are re-exported for the tests of this folder.
from helpers import docs as docs
from helpers import empty_list as empty_list
from helpers import event_yaml
from helpers import subject_findings as _subject_findings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def containers_yaml(containers: str) -> str:
    return textwrap.indent(textwrap.dedent(containers).strip("\n"), "      ")


APP = """\
- name: app
  image: registry.example.com/web:2.1
  resources:
    requests: {cpu: 500m, memory: 256Mi}
    limits: {cpu: "1", memory: 512Mi}
"""


def deployment_rs(name: str = "web", rs: str = "web-7d9f8c6b5", *, replicas: int = 3, have: int = 0,
                  containers: str = APP, ns: str = "shop", condition: str = "") -> str:
    """A Deployment and its ReplicaSet (owner reference), the RS with `have` of `replicas` pods."""
    cond = ""
    if condition:
        cond = ("\n  conditions:\n  - type: ReplicaFailure\n    status: \"True\"\n    reason: FailedCreate\n"
                f"    message: {json.dumps(condition)}")
    body = containers_yaml(containers)
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}, uid: uid-{name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
{body}
status: {{replicas: {have}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: {rs}
  namespace: {ns}
  uid: uid-{rs}
  ownerReferences:
  - {{apiVersion: apps/v1, kind: Deployment, name: {name}, uid: uid-{name}, controller: true}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
{body}
status:
  replicas: {have}{cond}
"""


def controller(kind: str, name: str, *, containers: str = APP, ns: str = "shop", replicas: int = 1,
               init: str = "") -> str:
    api = {"StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Job": "batch/v1", "ReplicationController": "v1",
           "ReplicaSet": "apps/v1"}[kind]
    body = containers_yaml(containers)
    status = {"StatefulSet": "replicas: 0", "ReplicaSet": "replicas: 0", "ReplicationController": "replicas: 0",
              "DaemonSet": "desiredNumberScheduled: 3\n  currentNumberScheduled: 0", "Job": "active: 0"}[kind]
    spec_extra = {"StatefulSet": f"replicas: {replicas}\n  serviceName: {name}\n  ",
                  "ReplicaSet": f"replicas: {replicas}\n  ", "ReplicationController": f"replicas: {replicas}\n  ",
                  "DaemonSet": "", "Job": "parallelism: 1\n  "}[kind]
    restart = "\n      restartPolicy: Never" if kind == "Job" else ""
    if init:
        restart += "\n      initContainers:\n" + containers_yaml(init)
    return f"""\
apiVersion: {api}
kind: {kind}
metadata: {{name: {name}, namespace: {ns}, uid: uid-{name}}}
spec:
  {spec_extra}selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:{restart}
      containers:
{body}
status:
  {status}
"""


def event(kind: str, name: str, reason: str, message: str, *, ns: str = "shop", n: int = 0,
          component: str = "replicaset-controller", type_: str = "Warning", uid: bool = True,
          count: int = 1) -> str:
    return event_yaml(kind, name, reason, message, ns=ns, n=n, uid=f"uid-{name}" if uid else None,
                      component=component, type_=type_, count=count)


def quota(name: str, hard: dict[str, str], used: dict[str, str], ns: str = "shop") -> str:
    return f"""\
apiVersion: v1
kind: ResourceQuota
metadata: {{name: {name}, namespace: {ns}}}
spec:
  hard: {json.dumps(hard)}
status:
  hard: {json.dumps(hard)}
  used: {json.dumps(used)}
"""


def limitrange(name: str, items: str, ns: str = "shop") -> str:
    return f"""\
apiVersion: v1
kind: LimitRange
metadata: {{name: {name}, namespace: {ns}}}
spec:
  limits:
{textwrap.indent(textwrap.dedent(items).strip(chr(10)), "  ")}
"""


def running_pod(name: str, *, node: str = "node-1", ns: str = "shop", spec_extra: str = "",
                status_containers: str = "", init_status: str = "", phase: str = "Pending",
                containers: str = "- {name: app, image: registry.example.com/web:2.1}", owner: str = "") -> str:
    own = ""
    if owner:
        k, o = owner.split("/")
        own = f"\n  ownerReferences:\n  - {{kind: {k}, name: {o}, uid: uid-{o}, controller: true}}"
    cs = status_containers or """\
  containerStatuses:
  - name: app
    image: registry.example.com/web:2.1
    state:
      waiting: {reason: ContainerCreating}"""
    return f"""\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
  uid: uid-{name}
  creationTimestamp: "2026-03-01T10:00:00Z"{own}
spec:
  nodeName: {node}
  containers:
{textwrap.indent(textwrap.dedent(containers).strip(chr(10)), "  ")}{spec_extra}
status:
  phase: {phase}
  startTime: "2026-03-01T10:00:00Z"
  conditions:
  - {{type: PodScheduled, status: "True", lastTransitionTime: "2026-03-01T10:00:00Z"}}
{cs}{init_status}
"""


def waiting(container: str, reason: str, message: str) -> str:
    return f"""\
  containerStatuses:
  - name: {container}
    image: registry.example.com/web:2.1
    state:
      waiting:
        reason: {reason}
        message: {json.dumps(message)}"""


def secret(name: str, keys: tuple[str, ...], ns: str = "shop") -> str:
    data = ", ".join(f"{k}: c2VjcmV0" for k in keys)
    return f"apiVersion: v1\nkind: Secret\nmetadata: {{name: {name}, namespace: {ns}}}\ntype: Opaque\ndata: {{{data}}}\n"


def configmap(name: str, keys: tuple[str, ...], ns: str = "shop") -> str:
    data = ", ".join(f"{k}: x" for k in keys)
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, namespace: {ns}}}\ndata: {{{data}}}\n"


def subject_findings(yaml_text: str, ref: str) -> list[Finding]:
    return _subject_findings(yaml_text, ref, now=NOW)
