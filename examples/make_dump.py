#!/usr/bin/env python3
"""Write examples/cluster/ as `kubectl cluster-info dump` would have written it.

    python examples/make_dump.py                      # examples/dump/ (--output-directory form)
    python examples/make_dump.py --stdout FILE        # the same dump as kubectl prints it to stdout

Mirrors kubectl's staging/src/k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo_dump.go (Run): nodes.json
first, then per namespace (all namespaces, as listed: sorted by name) events, replication-controllers,
services, daemonsets, deployments, replicasets, pods, then `<ns>/<pod>/logs.txt` with one
`==== START logs for container C of pod NS/NAME ====` ... `==== END ... ====` section per init
container and container. Lists are the typed `<Kind>List` the client returns (items carry no
kind/apiVersion), printed by cli-runtime's JSON printer: json.MarshalIndent(obj, "", "    ") plus a
newline, so keys come in Go struct field order (map keys sorted) and `<`, `>`, `&` are escaped.
Kinds the dump does not carry (ConfigMap, Secret, PVC, PV, StatefulSet, Job, ...) are left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- Go struct field order
# type -> "field:childtype ..." in k8s.io/api struct order; childtype "" = scalar/list of scalars/map of scalars.
_SPEC = {
    "ObjectMeta": "name generateName namespace selfLink uid resourceVersion generation creationTimestamp "
                  "deletionTimestamp deletionGracePeriodSeconds labels annotations ownerReferences:OwnerReference "
                  "finalizers managedFields",
    "OwnerReference": "apiVersion kind name uid controller blockOwnerDeletion",
    "Pod": "kind apiVersion metadata:ObjectMeta spec:PodSpec status:PodStatus",
    "PodTemplateSpec": "metadata:ObjectMeta spec:PodSpec",
    "PodSpec": "volumes:Volume initContainers:Container containers:Container ephemeralContainers:Container "
               "restartPolicy terminationGracePeriodSeconds activeDeadlineSeconds dnsPolicy nodeSelector "
               "serviceAccountName serviceAccount automountServiceAccountToken nodeName hostNetwork hostPID hostIPC "
               "shareProcessNamespace securityContext:PodSecurityContext imagePullSecrets:LocalObjectReference hostname "
               "subdomain affinity:Affinity schedulerName tolerations:Toleration hostAliases priorityClassName priority "
               "dnsConfig readinessGates runtimeClassName enableServiceLinks preemptionPolicy overhead "
               "topologySpreadConstraints setHostnameAsFQDN os hostUsers schedulingGates:LocalObjectReference "
               "resourceClaims resources:ResourceRequirements",
    "LocalObjectReference": "name",
    "Container": "name image command args workingDir ports:ContainerPort envFrom env:EnvVar "
                 "resources:ResourceRequirements resizePolicy restartPolicy volumeMounts:VolumeMount volumeDevices "
                 "livenessProbe:Probe readinessProbe:Probe startupProbe:Probe lifecycle terminationMessagePath "
                 "terminationMessagePolicy imagePullPolicy securityContext:SecurityContext stdin stdinOnce tty",
    "ContainerPort": "name hostPort containerPort protocol hostIP",
    "EnvVar": "name value valueFrom:EnvVarSource",
    "EnvVarSource": "fieldRef:ObjectFieldSelector resourceFieldRef configMapKeyRef:KeySelector secretKeyRef:KeySelector",
    "KeySelector": "name key optional",
    "ObjectFieldSelector": "apiVersion fieldPath",
    "ResourceRequirements": "limits requests claims",
    "VolumeMount": "name readOnly recursiveReadOnly mountPath subPath mountPropagation subPathExpr",
    "Probe": "exec httpGet:HTTPGetAction tcpSocket grpc initialDelaySeconds timeoutSeconds periodSeconds "
             "successThreshold failureThreshold terminationGracePeriodSeconds",
    "HTTPGetAction": "path port host scheme httpHeaders",
    "SecurityContext": "capabilities:Capabilities privileged seLinuxOptions windowsOptions runAsUser runAsGroup "
                       "runAsNonRoot readOnlyRootFilesystem allowPrivilegeEscalation procMount seccompProfile "
                       "appArmorProfile",
    "Capabilities": "add drop",
    "PodSecurityContext": "seLinuxOptions windowsOptions runAsUser runAsGroup runAsNonRoot supplementalGroups "
                          "supplementalGroupsPolicy fsGroup sysctls fsGroupChangePolicy seccompProfile "
                          "appArmorProfile seLinuxChangePolicy",
    "Volume": "name hostPath:HostPathVolumeSource emptyDir secret:SecretVolumeSource nfs "
              "persistentVolumeClaim:PVCSource configMap:ConfigMapVolumeSource projected:ProjectedVolumeSource csi "
              "ephemeral",
    "HostPathVolumeSource": "path type",
    "SecretVolumeSource": "secretName items:KeyToPath defaultMode optional",
    "ConfigMapVolumeSource": "name items:KeyToPath defaultMode optional",
    "PVCSource": "claimName readOnly",
    "KeyToPath": "key path mode",
    "ProjectedVolumeSource": "sources:VolumeProjection defaultMode",
    "VolumeProjection": "secret downwardAPI:DownwardAPIProjection configMap:ConfigMapProjection "
                        "serviceAccountToken:ServiceAccountTokenProjection clusterTrustBundle",
    "DownwardAPIProjection": "items:DownwardAPIVolumeFile",
    "DownwardAPIVolumeFile": "path fieldRef:ObjectFieldSelector resourceFieldRef mode",
    "ConfigMapProjection": "name items:KeyToPath optional",
    "ServiceAccountTokenProjection": "audience expirationSeconds path",
    "Affinity": "nodeAffinity:NodeAffinity podAffinity podAntiAffinity",
    "NodeAffinity": "requiredDuringSchedulingIgnoredDuringExecution:NodeSelector "
                    "preferredDuringSchedulingIgnoredDuringExecution",
    "NodeSelector": "nodeSelectorTerms:NodeSelectorTerm",
    "NodeSelectorTerm": "matchExpressions:NodeSelectorRequirement matchFields:NodeSelectorRequirement",
    "NodeSelectorRequirement": "key operator values",
    "Toleration": "key operator value effect tolerationSeconds",
    "PodStatus": "observedGeneration phase conditions:PodCondition message reason nominatedNodeName hostIP "
                 "hostIPs:HostIP podIP podIPs:HostIP startTime initContainerStatuses:ContainerStatus "
                 "containerStatuses:ContainerStatus qosClass ephemeralContainerStatuses:ContainerStatus resize "
                 "resourceClaimStatuses",
    "HostIP": "ip",
    "PodCondition": "type observedGeneration status lastProbeTime lastTransitionTime reason message",
    "ContainerStatus": "name state:ContainerState lastState:ContainerState ready restartCount image imageID "
                       "containerID started allocatedResources resources volumeMounts:VolumeMountStatus user "
                       "allocatedResourcesStatus stopSignal",
    "VolumeMountStatus": "name mountPath readOnly recursiveReadOnly",
    "ContainerState": "waiting:Reasoned running terminated",
    "Reasoned": "reason message",
    "Event": "kind apiVersion metadata:ObjectMeta involvedObject:ObjectReference reason message source:EventSource "
             "firstTimestamp lastTimestamp count type eventTime series:EventSeries action related "
             "reportingComponent reportingInstance",
    "ObjectReference": "kind namespace name uid apiVersion resourceVersion fieldPath",
    "EventSource": "component host",
    "EventSeries": "count lastObservedTime",
    "Node": "kind apiVersion metadata:ObjectMeta spec:NodeSpec status:NodeStatus",
    "NodeSpec": "podCIDR podCIDRs providerID unschedulable taints:Taint configSource externalID",
    "Taint": "key value effect timeAdded",
    "NodeStatus": "capacity allocatable phase conditions:NodeCondition addresses:NodeAddress "
                  "daemonEndpoints nodeInfo:NodeSystemInfo images:ContainerImage volumesInUse "
                  "volumesAttached:AttachedVolume config runtimeHandlers:RuntimeHandler features",
    "NodeCondition": "type status lastHeartbeatTime lastTransitionTime reason message",
    "NodeAddress": "type address",
    "NodeSystemInfo": "machineID systemUUID bootID kernelVersion osImage containerRuntimeVersion kubeletVersion "
                      "kubeProxyVersion operatingSystem architecture swap",
    "ContainerImage": "names sizeBytes",
    "AttachedVolume": "name devicePath",
    "RuntimeHandler": "name features",
    "Service": "kind apiVersion metadata:ObjectMeta spec:ServiceSpec status",
    "ServiceSpec": "ports:ServicePort selector clusterIP clusterIPs type externalIPs sessionAffinity "
                   "loadBalancerIP loadBalancerSourceRanges externalName externalTrafficPolicy healthCheckNodePort "
                   "publishNotReadyAddresses sessionAffinityConfig ipFamilies ipFamilyPolicy "
                   "allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy trafficDistribution",
    "ServicePort": "name protocol appProtocol port targetPort nodePort",
    "Deployment": "kind apiVersion metadata:ObjectMeta spec:DeploymentSpec status:DeploymentStatus",
    "DeploymentSpec": "replicas selector:LabelSelector template:PodTemplateSpec strategy:DeploymentStrategy "
                      "minReadySeconds revisionHistoryLimit paused progressDeadlineSeconds",
    "DeploymentStrategy": "type rollingUpdate:RollingUpdate",
    "RollingUpdate": "maxUnavailable maxSurge partition",
    "DeploymentStatus": "observedGeneration replicas updatedReplicas readyReplicas availableReplicas "
                        "unavailableReplicas terminatingReplicas conditions:WorkloadCondition collisionCount",
    "WorkloadCondition": "type status lastUpdateTime lastTransitionTime reason message",
    "LabelSelector": "matchLabels matchExpressions",
    "ReplicaSet": "kind apiVersion metadata:ObjectMeta spec:ReplicaSetSpec status:ReplicaSetStatus",
    "ReplicaSetSpec": "replicas minReadySeconds selector:LabelSelector template:PodTemplateSpec",
    "ReplicaSetStatus": "replicas fullyLabeledReplicas readyReplicas availableReplicas terminatingReplicas "
                        "observedGeneration conditions:WorkloadCondition",
    "DaemonSet": "kind apiVersion metadata:ObjectMeta spec:DaemonSetSpec status:DaemonSetStatus",
    "DaemonSetSpec": "selector:LabelSelector template:PodTemplateSpec updateStrategy:DeploymentStrategy "
                     "minReadySeconds revisionHistoryLimit",
    "DaemonSetStatus": "currentNumberScheduled numberMisscheduled desiredNumberScheduled numberReady "
                       "observedGeneration updatedNumberScheduled numberAvailable numberUnavailable collisionCount "
                       "conditions",
}
FIELDS: dict[str, list[tuple[str, str]]] = {
    t: [tuple(f.split(":", 1)) if ":" in f else (f, "") for f in spec.split()] for t, spec in _SPEC.items()
}


def go_order(value: Any, typ: str) -> Any:
    """Reorder dict keys the way encoding/json writes the Go struct `typ` (maps: sorted keys)."""
    if isinstance(value, list):
        return [go_order(v, typ) for v in value]
    if not isinstance(value, dict):
        return value
    fields = FIELDS.get(typ)
    if fields is None:  # a map[string]... or a struct we do not model: Go sorts map keys
        return {k: go_order(value[k], "") for k in sorted(value)}
    out = {}
    for name, child in fields:
        if name in value:
            out[name] = go_order(value[name], child)
    for k in sorted(set(value) - set(out)):  # unknown field: keep it, at the end
        out[k] = go_order(value[k], "")
    return out


def go_json(obj: Any) -> str:
    text = json.dumps(obj, indent=4, ensure_ascii=False)
    # encoding/json escapes HTML-significant characters and U+2028/U+2029.
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text + "\n"


# ---------------------------------------------------------------- read the YAML cluster
class _Loader(yaml.SafeLoader):
    """Timestamps stay strings, as the API serves them."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_cluster(src: Path) -> list[dict[str, Any]]:
    objs: list[dict[str, Any]] = []
    for f in sorted(src.glob("*.yaml")):
        for doc in yaml.load_all(f.read_text(), Loader=_Loader):
            if doc is None:
                continue
            objs.extend(doc["items"] if doc.get("kind") == "List" else [doc])
    return objs


LISTS = (  # (file name, kind, list apiVersion), in clusterinfo_dump.go's order
    ("events", "Event", "v1"),
    ("replication-controllers", "ReplicationController", "v1"),
    ("services", "Service", "v1"),
    ("daemonsets", "DaemonSet", "apps/v1"),
    ("deployments", "Deployment", "apps/v1"),
    ("replicasets", "ReplicaSet", "apps/v1"),
    ("pods", "Pod", "v1"),
)


def typed_list(kind: str, api_version: str, items: list[dict[str, Any]], rv: str) -> str:
    stripped = []
    for o in items:
        o = {k: v for k, v in o.items() if k not in ("kind", "apiVersion")}  # typed clients drop item TypeMeta
        stripped.append(go_order(o, kind))
    return go_json({"kind": f"{kind}List", "apiVersion": api_version, "metadata": {"resourceVersion": rv},
                    "items": stripped})


def _log_error(pod: dict[str, Any], cname: str) -> str | None:
    """What the API server answers for a container without logs (kubelet validateContainerLogStatus)."""
    if not pod["spec"].get("nodeName"):
        return ""  # no node yet: the API server streams nothing
    for st in pod["status"].get("containerStatuses", []):
        if st["name"] != cname:
            continue
        w = st.get("state", {}).get("waiting")
        if w is None or st.get("lastState", {}).get("terminated", {}).get("containerID"):
            # Running, terminated, or waiting after a run (back-off): the last run's log is served.
            return None
        name = pod["metadata"]["name"]
        if w["reason"] == "ErrImagePull":
            why = "image can't be pulled"
        elif w["reason"] == "ImagePullBackOff":
            why = "trying and failing to pull image"
        else:
            why = w["reason"]
        return f'Request log error: container "{cname}" in pod "{name}" is waiting to start: {why}\n'
    return None


def _log_lines(pod: dict[str, Any], cname: str) -> str:
    # The story's own output of a container (examples/logs/<ns>/<pod>/<container>.log), else a generic start.
    own = HERE / "logs" / pod["metadata"]["namespace"] / pod["metadata"]["name"] / f"{cname}.log"
    if own.is_file():
        return own.read_text()
    start = pod["status"].get("startTime", "2026-11-20T09:00:00Z")
    return (f'{start[:-1]}.120Z INFO starting {cname} (pod {pod["metadata"]["name"]})\n'
            f'{start[:-1]}.388Z INFO ready\n')


def logs_section(pod: dict[str, Any]) -> str:
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    out = []
    for c in pod["spec"].get("initContainers", []) + pod["spec"]["containers"]:
        out.append(f"==== START logs for container {c['name']} of pod {ns}/{name} ====\n")
        err = _log_error(pod, c["name"])
        out.append(_log_lines(pod, c["name"]) if err is None else err)
        out.append(f"==== END logs for container {c['name']} of pod {ns}/{name} ====\n")
    return "".join(out)


def dump(objs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """[(relative path or '' for logs, text)] in the order kubectl writes them."""
    rv = max((int(o["metadata"].get("resourceVersion") or 0) for o in objs), default=1) + 17
    parts: list[tuple[str, str]] = []
    nodes = sorted((o for o in objs if o["kind"] == "Node"), key=lambda o: o["metadata"]["name"])
    parts.append(("nodes.json", typed_list("Node", "v1", nodes, str(rv))))
    namespaces = sorted(o["metadata"]["name"] for o in objs if o["kind"] == "Namespace")
    for ns in namespaces:
        for fname, kind, api in LISTS:
            items = [o for o in objs if o["kind"] == kind and o["metadata"].get("namespace") == ns]
            items.sort(key=lambda o: o["metadata"]["name"])  # the API server lists by name
            parts.append((f"{ns}/{fname}.json", typed_list(kind, api, items, str(rv))))
        pods = sorted((o for o in objs if o["kind"] == "Pod" and o["metadata"]["namespace"] == ns),
                      key=lambda o: o["metadata"]["name"])
        for p in pods:
            parts.append((f"{ns}/{p['metadata']['name']}/logs.txt", logs_section(p)))
    return parts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=HERE / "cluster")
    ap.add_argument("--out", type=Path, default=HERE / "dump")
    ap.add_argument("--stdout", type=Path, metavar="FILE", help="write the stdout form to FILE instead")
    args = ap.parse_args(argv)
    parts = dump(read_cluster(args.src))
    if args.stdout:
        args.stdout.parent.mkdir(parents=True, exist_ok=True)
        args.stdout.write_text("".join(text for _, text in parts))
        return 0
    for rel, text in parts:
        path = args.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"Cluster info dumped to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

