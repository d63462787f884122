"""YAML builders for the volume tests: pods, claims, PVs, StorageClasses, nodes and events as a user's
`kubectl get -o yaml` would show them, diagnosed through the real pipeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from podwhy.findings import Finding

# docs and empty_list are re-exported for the tests of this folder.
from helpers import docs as docs
from helpers import empty_list as empty_list
from helpers import event_yaml, subject_findings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def pending_pod(name: str = "web-0", *, claims: tuple[tuple[str, str], ...] = (("data", "data-web-0"),),
                ephemeral: tuple[str, ...] = (), message: str = "", node_selector: str = "",
                tolerations: str = "", ns: str = "default") -> str:
    vols = "".join(f"\n  - name: {v}\n    persistentVolumeClaim:\n      claimName: {c}" for v, c in claims)
    vols += "".join(f"\n  - name: {v}\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n"
                    f"          accessModes: [ReadWriteOnce]\n          resources:\n            requests:\n"
                    f"              storage: 1Gi" for v in ephemeral)
    sel = f"\n  nodeSelector:\n    {node_selector}" if node_selector else ""
    tol = f"\n  tolerations:\n{tolerations}" if tolerations else ""
    return f"""\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
  uid: uid-{name}
spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0{sel}{tol}
  volumes:{vols or ' []'}
status:
  phase: Pending
  conditions:
  - type: PodScheduled
    status: "False"
    reason: Unschedulable
    message: {json.dumps(message)}
"""


def event(obj_kind: str, obj_name: str, reason: str, message: str, *, ns: str = "default", n: int = 0,
          uid: str | None = None, component: str = "default-scheduler", type_: str = "Warning") -> str:
    return event_yaml(obj_kind, obj_name, reason, message, ns=ns, n=n, uid=uid, component=component, type_=type_)


def sched_event(pod: str, message: str, n: int = 1) -> str:
    return event("Pod", pod, "FailedScheduling", message, uid=f"uid-{pod}", n=n)


def pvc(name: str, *, sc: str | None = None, phase: str = "Pending", volume: str = "", size: str = "10Gi",
        modes: str = "[ReadWriteOnce]", annotations: str = "", ns: str = "default", extra: str = "",
        deleting: bool = False) -> str:
    scl = "" if sc is None else f"\n  storageClassName: {json.dumps(sc)}"
    vol = f"\n  volumeName: {volume}" if volume else ""
    ann = f"\n  annotations:\n{annotations}" if annotations else ""
    dl = '\n  deletionTimestamp: "2026-03-01T11:00:00Z"\n  finalizers: [kubernetes.io/pvc-protection]' if deleting \
        else ""
    return f"""\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {name}
  namespace: {ns}
  uid: uid-{name}{ann}{dl}
spec:
  accessModes: {modes}
  resources:
    requests:
      storage: {size}{scl}{vol}{extra}
status:
  phase: {phase}
"""


def pv(name: str, *, claim: str = "", sc: str = "", size: str = "10Gi", modes: str = "[ReadWriteOnce]",
       phase: str = "Available", zone: str = "", affinity_zone: str = "", csi: str = "", labels: str = "",
       reclaim: str = "Delete", ns: str = "default") -> str:
    ref = f"\n  claimRef:\n    namespace: {ns}\n    name: {claim}\n    uid: uid-{claim}" if claim else ""
    lab = ""
    if zone or labels:
        lab = "\n  labels:" + (f"\n    topology.kubernetes.io/zone: {zone}" if zone else "") + (
            f"\n{labels}" if labels else "")
    aff = ""
    if affinity_zone:
        aff = ("\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n"
               f"        - key: topology.ebs.csi.aws.com/zone\n          operator: In\n          values: [{affinity_zone}]")
    src = f"\n  csi:\n    driver: {csi}\n    volumeHandle: vol-{name}" if csi else "\n  hostPath:\n    path: /mnt/" + name
    return f"""\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: {name}{lab}
spec:
  capacity:
    storage: {size}
  accessModes: {modes}
  persistentVolumeReclaimPolicy: {reclaim}
  storageClassName: {json.dumps(sc)}{ref}{aff}{src}
status:
  phase: {phase}
"""


def storage_class(name: str, provisioner: str = "ebs.csi.aws.com", *, mode: str = "Immediate",
                  default: bool = False) -> str:
    ann = '\n  annotations:\n    storageclass.kubernetes.io/is-default-class: "true"' if default else ""
    return f"""\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {name}{ann}
provisioner: {provisioner}
volumeBindingMode: {mode}
"""


def csidriver(name: str) -> str:
    return f"""\
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata:
  name: {name}
spec:
  attachRequired: true
"""


def node(name: str, zone: str = "", *, taints: str = "") -> str:
    lab = f"\n    topology.kubernetes.io/zone: {zone}\n    topology.ebs.csi.aws.com/zone: {zone}" if zone else ""
    t = f"\n  taints:\n{taints}" if taints else ""
    return f"""\
apiVersion: v1
kind: Node
metadata:
  name: {name}
  labels:
    kubernetes.io/hostname: {name}{lab}
spec:{t or ' {}'}
status:
  allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}
  conditions:
  - {{type: Ready, status: "True"}}
"""


def findings(yaml_text: str, ref: str) -> list[Finding]:
    return subject_findings(yaml_text, ref, now=NOW)
