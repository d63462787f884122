"""`kubectl describe pod` -> a core/v1 Pod (as the API would serve it, as far as describe prints it).

Mirrors k8s.io/kubectl/pkg/describe/describe.go describePod, describeContainers, describeVolumes,
printTolerationsMultiline and printTopologySpreadConstraints (v1.20-v1.33): what each line means and how
kubectl formats it. Describe does not print affinity, imagePullSecrets, the scheduler name, condition
reasons/messages or exact event times; the caller says so in a note.

The lifecycle lines (describeContainerState, describeStatus, describeContainerCommand, describeContainerProbe,
DescribeProbe; read in v1.20.15, v1.24.17, v1.28.15 and v1.34.4, and checked against the output of those
kubectl binaries and Debian's 1.32) are read too. Describe prints none of: a container's `started` flag, a
waiting state's message, metadata.finalizers, security contexts, spec.terminationGracePeriodSeconds (only a
deletion's grace period, while Terminating), restart policies, a probe's httpHeaders and
terminationGracePeriodSeconds, nor where an exec probe's arguments hold spaces; those stay unset.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from podwhy.snapshot.sources.describe.events import age_seconds, rfc3339, time_before
from podwhy.snapshot.sources.describe.layout import Node, columns

Obj = dict[str, Any]

# describe.go describePod: Controlled By prints `<Kind>/<name>` of the controller reference.
_API_VERSIONS = {"ReplicaSet": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Deployment": "apps/v1",
                 "Job": "batch/v1", "CronJob": "batch/v1", "ReplicationController": "v1", "Node": "v1"}
_TERMINATING = re.compile(r"^Terminating \(lasts (?P<age>[^)]+)\)$")
_PORT = re.compile(r"^(?P<port>\d{1,10})/(?P<proto>[A-Z]+)(?: \((?P<name>[^)]*)\))?$")
_TOLERATION = re.compile(r"^(?P<key>[^=:\s]*)(?:=(?P<value>[^:\s]*))?(?::(?P<effect>\w+))?"
                         r"(?: op=(?P<op>Exists|Equal))?(?: for (?P<secs>\d{1,18})s)?$")
_SPREAD = re.compile(r"^(?P<key>\S+):(?P<when>\w+) when max skew (?P<skew>\d{1,10}) is exceeded for selector "
                     r"(?P<selector>.*)$")
_ENV_REF = re.compile(r"<set to the key '(?P<key>[^']*)' (?:of config map|in secret) '(?P<name>[^']*)'>\s*"
                      r"(?:Optional: (?P<optional>true|false))?")
_ENV_FROM = re.compile(r"^(?P<name>\S+)\s+(?P<kind>ConfigMap|Secret)(?: with prefix '[^']*')?\s+"
                       r"Optional: (?P<optional>true|false)$")
_HAS_STATUS = ("Container ID", "State", "Ready", "Restart Count", "Image ID")
_INT = re.compile(r"^-?[0-9]{1,19}$")


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


def _int(text: str, lo: int = -(2**31), hi: int = 2**31 - 1) -> int | None:
    """An integer as Go's %d prints it (an int32 field unless told), else None: a malformed or out-of-range value
    (`--5`, `²`, five thousand digits) is skipped, never a traceback."""
    m = _INT.match(text)
    if m is None:
        return None
    n = int(m[0])
    return n if lo <= n <= hi else None


def _state(node: Node | None) -> Obj:
    """State / Last State (describe.go describeStatus, identical in v1.20.15, v1.24.17, v1.28.15 and v1.34.4):
    `Running` + `Started:` (StartedAt, time.RFC1123Z); `Waiting` + `Reason:` (the waiting message is not printed);
    `Terminated` + `Reason:`, `Message:` (when set), `Exit Code:` (always), `Signal:` (only when > 0), `Started:`
    and `Finished:` (time.RFC1123Z, always: a zero time prints as year 1). `Last State:` is printed only when
    lastState.terminated is set (describeContainerState)."""
    if node is None or not node.value:
        return {}
    kind = node.value.split()[0].lower()
    if kind == "waiting":
        return {"waiting": {k: v for k, v in (("reason", node.text("Reason")), ("message", node.text("Message")))
                            if v}}
    if kind == "running":
        return {"running": {"startedAt": _when(node.text("Started"))}}
    if kind == "terminated":
        t: Obj = {"exitCode": _int(node.text("Exit Code")) or 0}
        for key, fld in (("Reason", "reason"), ("Message", "message")):
            if node.text(key):
                t[fld] = node.text(key)
        if (signal := _int(node.text("Signal"), 0)) is not None:
            t["signal"] = signal
        for key, fld in (("Started", "startedAt"), ("Finished", "finishedAt")):
            if (at := _when(node.text(key))) is not None:
                t[fld] = at
        return {"terminated": t}
    return {}


def _when(text: str) -> str | None:
    """describe's absolute times (`Fri, 20 Nov 2026 09:31:07 +0000`, time.RFC1123Z: describe.go describePod
    Start Time, describeStatus Started/Finished, v1.20-v1.34) as RFC 3339 UTC; None for Go's zero time
    (`Mon, 01 Jan 0001 00:00:00 +0000`: the field was unset) or anything that is not such a time."""
    text = text.strip()
    if len(text) > 64:
        return None
    try:
        t = datetime.strptime(text, "%a, %d %b %Y %H:%M:%S %z")
        return None if t.year == 1 else rfc3339(t.astimezone(UTC))
    except (ValueError, OverflowError):
        return None


# describe.go DescribeProbe (v1.20.15, v1.24.17, v1.28.15, v1.34.4): `<action> delay=%ds timeout=%ds period=%ds
# #success=%d #failure=%d`, the action one of `exec %v` (the command as Go prints a []string: `[cat /tmp/ok]`),
# `http-get <url>` (url.URL{Scheme: lower(scheme), Host: net.JoinHostPort(host, port), Path}.String(), e.g.
# `http://:8080/healthz`), `tcp-socket <host>:<port>`, `grpc <pod>:<port> <service>` (v1.24+; v1.20 prints a gRPC
# probe as `unknown`) or `unknown` (no handler kubectl knows).
_PROBE_TIMING = re.compile(r"delay=(?P<initialDelaySeconds>[0-9]{1,10})s timeout=(?P<timeoutSeconds>[0-9]{1,10})s "
                           r"period=(?P<periodSeconds>[0-9]{1,10})s #success=(?P<successThreshold>[0-9]{1,10}) "
                           r"#failure=(?P<failureThreshold>[0-9]{1,10})")


def _probe(text: str) -> Obj | None:
    """A `Liveness:` / `Readiness:` / `Startup:` value -> a core/v1 Probe; None when it is not of that form."""
    at = text.rfind("delay=")  # the timings end the line: what comes before is the action, whatever it holds
    timing = _PROBE_TIMING.fullmatch(text, at) if at >= 0 else None
    if timing is None or (at and text[at - 1] != " "):
        return None
    probe: Obj = {}
    for fld, value in timing.groupdict().items():
        if (n := _int(value)) is None:
            return None
        probe[fld] = n
    kind, _, rest = text[:at].strip().partition(" ")
    if kind == "exec" and rest.startswith("[") and rest.endswith("]"):
        # %v of a []string joins the items with single spaces: an item holding a space reads as two.
        probe["exec"] = {"command": rest[1:-1].split(" ") if rest != "[]" else []}
    elif kind == "http-get" and (action := _http_get(rest)) is not None:
        probe["httpGet"] = action
    elif kind == "tcp-socket" and ":" in rest:
        host, _, port = rest.rpartition(":")
        probe["tcpSocket"] = {"port": _port(port), **({"host": host} if host else {})}
    elif kind == "grpc" and rest.startswith("<pod>:"):
        port, _, service = rest[len("<pod>:"):].partition(" ")
        if (number := _int(port, 0, 65535)) is None:
            return None
        # Service is a *string the API server defaults to "" (kubectl dereferences it).
        probe["grpc"] = {"port": number, "service": service.strip()}
    elif kind != "unknown":
        return None
    return probe


def _port(text: str) -> int | str:
    """An IntOrString port as printed: a number, or the name of one of the container's ports."""
    n = _int(text, 0, 65535)
    return n if n is not None else text


def _http_get(url: str) -> Obj | None:
    """The URL describe prints for an httpGet probe -> its scheme, host, port and path. Go's url.URL.String writes
    `<scheme>://<host>:<port><escaped path>` (`//...` without a scheme; a host with `:` in brackets)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        if not url.startswith("//"):
            return None
        scheme, rest = "", url[2:]
    netloc, slash, path = rest.partition("/")
    host, port = netloc, ""
    if netloc.startswith("["):
        host, bracket, after = netloc[1:].partition("]")
        if not bracket:
            return None
        port = after[1:] if after.startswith(":") else ""
    elif ":" in netloc:
        host, _, port = netloc.rpartition(":")
    action: Obj = {"path": unquote(slash + path), "port": _port(unquote(port)) if port else 0,
                   "scheme": scheme.upper()}
    if host:
        action["host"] = unquote(host)
    return action


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
    # describe.go describeContainerCommand (v1.20-v1.34): `Command:` / `Args:`, then one item per line (an item's
    # own newlines split it over lines; an empty item prints as a blank line, which is not read back).
    for key, fld in (("Command", "command"), ("Args", "args")):
        node = c.get(key)
        if node is not None and node.values():
            spec[fld] = node.values()
    # describe.go describeContainerProbe (v1.20-v1.34): `Liveness:`, `Readiness:`, `Startup:` (DescribeProbe).
    for key, fld in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"), ("Startup", "startupProbe")):
        if (probe := _probe(c.text(key))) is not None:
            spec[fld] = probe
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
    # describe.go describeContainerState (v1.20.15-v1.34.4): State, Last State, `Ready:  True|False` (printBool),
    # `Restart Count:  %d`. The container's `started` flag (1.16+) is printed by no release: it stays unset.
    status: Obj = {"name": c.key, "image": spec["image"], "imageID": c.text("Image ID"),
                   "ready": c.text("Ready") == "True", "state": _state(c.get("State")),
                   "lastState": _state(c.get("Last State"))}
    status["restartCount"] = _int(c.text("Restart Count"), 0) or 0
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
        # describe.go describePod: `Terminating (lasts <HumanDuration(now - deletionTimestamp)>)` and `Termination
        # Grace Period:  <deletionGracePeriodSeconds>s`, for any pod with a deletionTimestamp in v1.20.15, v1.24.17
        # and v1.28.15; v1.34.4 (and Debian's 1.32) only while the phase is neither Failed nor Succeeded (a deleted
        # Failed pod prints `Status:  Failed` and no deletion at all). The deletionTimestamp is when the grace
        # period ends: within it, now - deletionTimestamp < -1s prints `<invalid>` (apimachinery
        # util/duration.HumanDuration): the deletion is then no older than the anchor, and taken as the anchor.
        at = rfc3339(anchor) if m["age"] == "<invalid>" else time_before(anchor, m["age"])
        if at is not None:
            meta["deletionTimestamp"] = at
        grace = age_seconds(root.text("Termination Grace Period"))
        if grace is not None and grace < 2**63:
            meta["deletionGracePeriodSeconds"] = grace
        # describe prints Terminating instead of the phase; the pod was past Pending. The kubelet's eviction fails
        # the pod (phase Failed, reason Evicted: pkg/kubelet/eviction/eviction_manager.go evictPod, 1.20-1.34),
        # and a deleted evicted pod prints Terminating before v1.31.
        phase = "Failed" if root.text("Reason") == "Evicted" else "Running"
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
    if (priority := _int(root.text("Priority"))) is not None:
        spec["priority"] = priority
    # describe.go describePod (v1.20-v1.34): `Reason:` and `Message:` when status.reason/message are set (an
    # evicted pod: `Status: Failed`, `Reason: Evicted`, `Message: The node was low on resource: ...`).
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
