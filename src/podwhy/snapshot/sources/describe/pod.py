"""`kubectl describe pod` -> a core/v1 Pod (as the API would serve it, as far as describe prints it).

Mirrors k8s.io/kubectl/pkg/describe/describe.go describePod, describeContainers, describeVolumes,
printTolerationsMultiline and printTopologySpreadConstraints (v1.20-v1.33): what each line means and how
kubectl formats it. Describe does not print affinity, imagePullSecrets, the scheduler name, condition
reasons/messages or exact event times; the caller says so in a note.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from podwhy.snapshot.sources.describe.events import age_seconds, rfc3339
from podwhy.snapshot.sources.describe.layout import Node, columns

Obj = dict[str, Any]

# describe.go describePod: Controlled By prints `<Kind>/<name>` of the controller reference.
_API_VERSIONS = {"ReplicaSet": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Deployment": "apps/v1",
                 "Job": "batch/v1", "CronJob": "batch/v1", "ReplicationController": "v1", "Node": "v1"}
_TERMINATING = re.compile(r"^Terminating \(lasts (?P<age>[^)]+)\)$")
_PORT = re.compile(r"^(?P<port>\d+)/(?P<proto>[A-Z]+)(?: \((?P<name>[^)]*)\))?$")
_TOLERATION = re.compile(r"^(?P<key>[^=:\s]*)(?:=(?P<value>[^:\s]*))?(?::(?P<effect>\w+))?"
                         r"(?: op=(?P<op>Exists|Equal))?(?: for (?P<secs>\d+)s)?$")
_SPREAD = re.compile(r"^(?P<key>\S+):(?P<when>\w+) when max skew (?P<skew>\d+) is exceeded for selector "
                     r"(?P<selector>.*)$")
_ENV_REF = re.compile(r"<set to the key '(?P<key>[^']*)' (?:of config map|in secret) '(?P<name>[^']*)'>\s*"
                      r"(?:Optional: (?P<optional>true|false))?")
_ENV_FROM = re.compile(r"^(?P<name>\S+)\s+(?P<kind>ConfigMap|Secret)(?: with prefix '[^']*')?\s+"
                       r"Optional: (?P<optional>true|false)$")
_HAS_STATUS = ("Container ID", "State", "Ready", "Restart Count", "Image ID")


def labels(node: Node | None) -> dict[str, str]:
    """`k=v` per line (printLabelsMultiline); `<none>` for none."""
    out: dict[str, str] = {}
    for v in node.values() if node is not None else ():
        k, _, val = v.partition("=")
        out[k.strip()] = val.strip()
    return out


def annotation_map(node: Node | None) -> dict[str, str]:
    """`k: v` per line; long values are cut by kubectl (printAnnotationsMultiline), kept as printed."""
    out: dict[str, str] = {}
    for v in node.values() if node is not None else ():
        k, _, val = v.partition(":")
        out[k.strip()] = val.strip()
    return out


def owner(value: str) -> list[Obj]:
    kind, _, name = value.partition("/")
    if not name:
        return []
    return [{"apiVersion": _API_VERSIONS.get(kind, "v1"), "kind": kind, "name": name, "controller": True}]


def tolerations(node: Node | None) -> list[Obj]:
    """printTolerationsMultiline: `key[=value][:effect][ op=Exists][ for Ns]`."""
    out: list[Obj] = []
    for v in node.values() if node is not None else ():
        m = _TOLERATION.match(v)
        if m is None:
            continue
        t: Obj = {"key": m["key"], "operator": m["op"] or "Equal"}
        if m["value"]:
            t["value"] = m["value"]
        if m["effect"]:
            t["effect"] = m["effect"]
        if m["secs"]:
            t["tolerationSeconds"] = int(m["secs"])
        if not m["key"] and not m["op"]:
            t["operator"] = "Exists"  # a bare `op=Exists` tolerates everything; kubectl prints it as ` op=Exists`
        out.append(t)
    return out


def resources(node: Node | None) -> dict[str, str]:
    return {c.key: c.value for c in node.children} if node is not None else {}


def _ports(c: Node, single: str, plural: str) -> list[tuple[int, str, str]]:
    out = []
    for key in (single, plural):
        raw = c.text(key)
        for part in (p.strip() for p in raw.split(",")):
            m = _PORT.match(part)
            if m is not None:
                out.append((int(m["port"]), m["proto"], m["name"] or ""))
    return out


def _state(node: Node | None) -> Obj:
    """State / Last State: `Waiting|Running|Terminated` with Reason, Message, Exit Code, Started, Finished."""
    if node is None or not node.value:
        return {}
    kind = node.value.split()[0].lower()
    if kind == "waiting":
        return {"waiting": {k: v for k, v in (("reason", node.text("Reason")), ("message", node.text("Message")))
                            if v}}
    if kind == "running":
        return {"running": {"startedAt": _when(node.text("Started"))}}
    if kind == "terminated":
        code = node.text("Exit Code")
        t: Obj = {"exitCode": int(code) if code.lstrip("-").isdigit() else 0}
        for key, fld in (("Reason", "reason"), ("Message", "message")):
            if node.text(key):
                t[fld] = node.text(key)
        return {"terminated": t}
    return {}


def _when(text: str) -> str | None:
    """describe's absolute times (`Fri, 20 Nov 2026 09:31:07 +0000`, RFC 1123 with numeric zone)."""
    try:
        return rfc3339(datetime.strptime(text.strip(), "%a, %d %b %Y %H:%M:%S %z"))
    except ValueError:
        return None


def _container(c: Node) -> tuple[Obj, Obj | None]:
    spec: Obj = {"name": c.key, "image": c.text("Image")}
    ports = []
    hosts = [p for p, _, _ in _ports(c, "Host Port", "Host Ports")]
    for i, (port, proto, name) in enumerate(_ports(c, "Port", "Ports")):
        p: Obj = {"containerPort": port, "protocol": proto}
        if name:
            p["name"] = name
        if i < len(hosts) and hosts[i]:
            p["hostPort"] = hosts[i]
        ports.append(p)
    if ports:
        spec["ports"] = ports
    res = {k: v for k, v in (("limits", resources(c.get("Limits"))), ("requests", resources(c.get("Requests"))))
           if v}
    if res:
        spec["resources"] = res
    for key, fld in (("Command", "command"), ("Args", "args")):
        node = c.get(key)
        if node is not None and node.values():
            spec[fld] = node.values()
    env = []
    section = c.get("Environment")
    for e in section.children if section is not None else []:
        m = _ENV_REF.search(e.value)
        if m is None:
            continue  # a plain value: never modelled (it may be a credential)
        ref = "configMapKeyRef" if "of config map" in e.value else "secretKeyRef"
        env.append({"name": e.key, "valueFrom": {ref: {"name": m["name"], "key": m["key"],
                                                       "optional": m["optional"] == "true"}}})
    if env:
        spec["env"] = env
    env_from = []
    source = c.get("Environment Variables from")
    for row in source.values() if source is not None else []:
        m = _ENV_FROM.match(row)
        if m is not None:
            ref = "configMapRef" if m["kind"] == "ConfigMap" else "secretRef"
            env_from.append({ref: {"name": m["name"], "optional": m["optional"] == "true"}})
    if env_from:
        spec["envFrom"] = env_from
    if not any(c.get(k) is not None for k in _HAS_STATUS):
        return spec, None
    status: Obj = {"name": c.key, "image": spec["image"], "imageID": c.text("Image ID"),
                   "ready": c.text("Ready") == "True", "state": _state(c.get("State")),
                   "lastState": _state(c.get("Last State"))}
    rc = c.text("Restart Count")
    status["restartCount"] = int(rc) if rc.isdigit() else 0
    return spec, status


def container_specs(section: Node) -> list[Obj]:
    return [_container(c)[0] for c in section.children]


def volumes(section: Node) -> list[Obj]:
    return [_volume(v) for v in section.children]


def _volume(v: Node) -> Obj:
    """describeVolumes: `Type:  <Source> (<explanation>)` then the source's fields."""
    kind = v.text("Type").split(" ", 1)[0]
    out: Obj = {"name": v.key}
    optional = v.text("Optional") == "true"
    if kind == "PersistentVolumeClaim":
        out["persistentVolumeClaim"] = {"claimName": v.text("ClaimName"), "readOnly": v.text("ReadOnly") == "true"}
    elif kind == "ConfigMap":
        out["configMap"] = {"name": v.text("Name"), "optional": optional}
    elif kind == "Secret":
        out["secret"] = {"secretName": v.text("SecretName"), "optional": optional}
    elif kind == "Projected":
        sources = []
        for c in v.children:
            if c.key == "ConfigMapName" and c.value:
                sources.append({"configMap": {"name": c.value}})
            elif c.key == "SecretName" and c.value:
                sources.append({"secret": {"name": c.value}})
        out["projected"] = {"sources": sources}
    elif kind == "EphemeralVolume":
        out["ephemeral"] = {"volumeClaimTemplate": {}}
    elif kind == "CSI":
        out["csi"] = {"driver": v.text("Driver")}
    elif kind == "HostPath":
        out["hostPath"] = {"path": v.text("Path")}
    elif kind == "EmptyDir":
        out["emptyDir"] = {}
    elif kind == "GCEPersistentDisk":
        out["gcePersistentDisk"] = {"pdName": v.text("PDName")}
    elif kind == "AWSElasticBlockStore":
        out["awsElasticBlockStore"] = {"volumeID": v.text("VolumeID")}
    return out


def _spread(node: Node | None) -> list[Obj]:
    out: list[Obj] = []
    for v in node.values() if node is not None else ():
        m = _SPREAD.match(v)
        if m is None:
            continue
        sel = {k: val for k, _, val in (p.partition("=") for p in m["selector"].split(",") if "=" in p)}
        out.append({"topologyKey": m["key"], "whenUnsatisfiable": m["when"], "maxSkew": int(m["skew"]),
                    "labelSelector": {"matchLabels": sel}})
    return out


def object_meta(root: Node, *, namespaced: bool = True) -> Obj:
    """Name, Namespace, Labels, Annotations and Controlled By, as every describer prints them."""
    meta: Obj = {"name": root.text("Name")}
    if namespaced:
        meta["namespace"] = root.text("Namespace") or "default"
    if lb := labels(root.get("Labels")):
        meta["labels"] = lb
    if an := annotation_map(root.get("Annotations")):
        meta["annotations"] = an
    if refs := owner(root.text("Controlled By")):
        meta["ownerReferences"] = refs
    return meta


def pod(root: Node, anchor: datetime) -> Obj:
    meta = object_meta(root)
    spec: Obj = {}
    status: Obj = {}
    phase = root.text("Status")
    m = _TERMINATING.match(phase)
    if m is not None:
        secs = age_seconds(m["age"])
        if secs is not None:
            meta["deletionTimestamp"] = rfc3339(anchor - timedelta(seconds=secs))
        grace = age_seconds(root.text("Termination Grace Period"))
        if grace is not None:
            meta["deletionGracePeriodSeconds"] = grace
        phase = "Running"  # describe prints Terminating instead of the phase; the pod was past Pending
    status["phase"] = phase
    node_name, _, host_ip = root.text("Node").partition("/")
    if node_name and node_name != "<none>":
        spec["nodeName"] = node_name
        if host_ip:
            status["hostIP"] = host_ip
    for key, fld in (("Priority Class Name", "priorityClassName"), ("Service Account", "serviceAccountName"),
                     ("Runtime Class Name", "runtimeClassName")):
        if root.text(key):
            spec[fld] = root.text(key)
    if root.text("Priority").lstrip("-").isdigit():
        spec["priority"] = int(root.text("Priority"))
    for key, fld in (("Reason", "reason"), ("Message", "message"), ("NominatedNodeName", "nominatedNodeName"),
                     ("QoS Class", "qosClass"), ("IP", "podIP")):
        if root.text(key):
            status[fld] = root.text(key)
    if (start := _when(root.text("Start Time"))) is not None:
        status["startTime"] = start
    for section, spec_key, status_key in (("Init Containers", "initContainers", "initContainerStatuses"),
                                          ("Containers", "containers", "containerStatuses"),
                                          ("Ephemeral Containers", "ephemeralContainers",
                                           "ephemeralContainerStatuses")):
        node = root.get(section)
        if node is None:
            continue
        specs, statuses = [], []
        for c in node.children:
            s, st = _container(c)
            specs.append(s)
            if st is not None:
                statuses.append(st)
        spec[spec_key] = specs
        if statuses:
            status[status_key] = statuses
    if (vols := root.get("Volumes")) is not None:
        spec["volumes"] = volumes(vols)
    if sel := labels(root.get("Node-Selectors")):
        spec["nodeSelector"] = sel
    if tol := tolerations(root.get("Tolerations")):
        spec["tolerations"] = tol
    if spread := _spread(root.get("Topology Spread Constraints")):
        spec["topologySpreadConstraints"] = spread
    if (gates := root.get("Scheduling Gates")) is not None and gates.values():
        spec["schedulingGates"] = [{"name": g} for g in gates.values()]
    conds = root.get("Conditions")
    if conds is not None and conds.table:
        _names, rows = columns(conds.table)
        status["conditions"] = [{"type": r[0], "status": r[1] if len(r) > 1 else ""} for r in rows if r and r[0]]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}
