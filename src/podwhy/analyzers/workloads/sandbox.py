"""`start.sandbox-failed`: the runtime cannot create the pod sandbox (network namespace, pause container).

The kubelet (pkg/kubelet/kuberuntime/kuberuntime_manager.go SyncPod, 1.14-1.35) emits Warning
`FailedCreatePodSandBox` "Failed to create pod sandbox: <CRI error>" (`rpc error: code = Unknown desc =`
stripped by kubelets >=1.28). What follows comes from the runtime and its CNI plugin:
* containerd (pkg/cri/server/sandbox_run.go): `failed to setup network for sandbox %q: plugin type=%q
  failed (add): ...`, `failed to get sandbox image %q: failed to pull image ...`,
  `failed to get sandbox runtime: no runtime for %q is configured`; CRI-O: `error creating pod sandbox
  with name ...`, `failed to find runtime handler %s from runtime list` / `RuntimeHandler %q not supported`;
  dockershim: `NetworkPlugin cni failed to set up pod ... network: ...`.
* CNI plugins: host-local `failed to allocate for range 0: no IP addresses available in range set`;
  Calico `error getting ClusterInformation: ... connection is unauthorized` / `dial tcp 10.96.0.1:443: i/o
  timeout`; Cilium `Unable to create endpoint: ... Cannot connect to cilium agent`, `unable to allocate IP
  via local cilium agent ... range is full`; AWS VPC CNI `add cmd: failed to assign an IP address to
  container`, `failed to connect to IPAMD`; flannel `open /run/flannel/subnet.env: no such file or directory`;
  runtime without a CNI config: `cni plugin not initialized`, `network plugin is not ready: cni config
  uninitialized`, `no network config found in /etc/cni/net.d`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.findings import Finding, Fix


@dataclass(frozen=True)
class SandboxClass:
    name: str
    pattern: re.Pattern[str]
    why: str
    fix: str
    cmds: tuple[str, ...]


def _c(name: str, rx: str, why: str, fix: str, *cmds: str) -> SandboxClass:
    return SandboxClass(name, re.compile(rx, re.I), why, fix, cmds)


# First match wins: specific classes before generic ones.
CLASSES = (
    _c("ipam-exhausted",
       r"no IP addresses available|no more (?:free )?(?:IPs|addresses)|failed to assign an IP address|"
       r"range is full|IP pool .* exhausted|ipam.*exhausted|No available addresses|"
       r"InsufficientFreeAddressesInSubnet|failed to allocate for range|out of IP addresses",
       "the CNI plugin's IP pool for this node is exhausted (IPAM has no free address)",
       "Free addresses (leaked host-local allocations under /var/lib/cni/networks after unclean restarts, ENI/"
       "subnet limits on AWS, pods-per-node beyond the node's CIDR), or enlarge the pod CIDR / subnet.",
       "kubectl get pods -A -o wide --field-selector spec.nodeName={node} | wc -l",
       "kubectl get node {node} -o jsonpath='{{.spec.podCIDR}}'"),
    _c("runtime-handler",
       r"no runtime for \S+ is configured|runtime handler \S+ (?:is )?not supported|RuntimeHandler \S+ not supported|"
       r"failed to find runtime handler|failed to get sandbox runtime",
       "the pod's RuntimeClass handler is not configured in the node's container runtime",
       "Configure the handler in containerd/CRI-O on the node, or schedule the pod only to nodes that have it "
       "(RuntimeClass.scheduling.nodeSelector), or drop runtimeClassName.",
       "kubectl get runtimeclass -o wide"),
    _c("pause-image",
       r"failed to get sandbox image|failed pulling image \S*pause|pause:\S+.*(?:not found|pull|unauthorized)|"
       r"sandbox image",
       "the runtime cannot pull the sandbox (pause) image",
       "Make the node able to pull the pause image (mirror it to a reachable registry and set sandbox_image / "
       "pause_image in the runtime config, or fix the proxy/credentials).",
       "kubectl get node {node} -o wide"),
    _c("cni-not-ready",
       r"cni plugin not initialized|cni config uninitialized|no network config found|network plugin is not ready|"
       r"failed to find plugin \S+ in path|NetworkPluginNotReady",
       "the node has no working CNI configuration (network plugin not installed or its DaemonSet pod not running "
       "on this node yet)",
       "Install the CNI plugin or check its DaemonSet pod on this node (it writes /etc/cni/net.d and /opt/cni/bin).",
       "kubectl get pods -n kube-system -o wide --field-selector spec.nodeName={node}"),
    _c("cni-calico",
       r"calico|ClusterInformation|calico-node|ipam.*calico",
       "the Calico CNI plugin cannot reach the API server or calico-node on this node (expired token, blocked "
       "service IP, calico-node not ready)",
       "Check calico-node on this node (kubectl logs), its access to the kubernetes Service IP, and restart it to "
       "refresh its token.",
       "kubectl get pods -n kube-system -l k8s-app=calico-node -o wide",
       "kubectl get pods -n calico-system -o wide"),
    _c("cni-cilium",
       r"cilium",
       "the Cilium CNI plugin cannot talk to the cilium agent on this node",
       "Check the cilium agent pod on this node (kubectl logs, cilium status).",
       "kubectl get pods -n kube-system -l k8s-app=cilium -o wide"),
    _c("cni-aws",
       r"ipamd|aws-node|aws-cni|vpc-cni|AddNetwork gRPC",
       "the AWS VPC CNI (aws-node / ipamd) on this node is not serving IP requests",
       "Check the aws-node pod on this node and its IAM permissions / ENI limits.",
       "kubectl get pods -n kube-system -l k8s-app=aws-node -o wide"),
    _c("cni-flannel",
       r"flannel|subnet\.env",
       "flannel has not configured this node (no /run/flannel/subnet.env: kube-flannel pod not running, or the node "
       "has no podCIDR)",
       "Check the kube-flannel pod on this node and that the node has spec.podCIDR (--allocate-node-cidrs).",
       "kubectl get pods -A -l app=flannel -o wide",
       "kubectl get node {node} -o jsonpath='{{.spec.podCIDR}}'"),
    _c("cni-other",
       r"failed to setup network|failed to set up sandbox container .* network|NetworkPlugin cni failed|"
       r"plugin type=|networkPlugin cni failed|CNI",
       "the CNI plugin failed to set up the pod's network",
       "Read the quoted CNI error and the CNI plugin's pod logs on this node.",
       "kubectl get pods -n kube-system -o wide --field-selector spec.nodeName={node}"),
    _c("runtime",
       r"OCI runtime|runc|cgroup|failed to create containerd task|failed to start sandbox|seccomp|apparmor",
       "the container runtime could not start the sandbox (OCI runtime / cgroup error)",
       "Check the runtime (containerd/CRI-O) logs on the node: journalctl -u containerd.",
       "kubectl describe node {node}"),
)


def classify(msg: str) -> SandboxClass | None:
    return next((c for c in CLASSES if c.pattern.search(msg)), None)


def analyze(ctx: Context, work: Work) -> Finding | None:
    pod = work.pod
    if pod is None:
        return None
    # `NetworkNotReady` (pkg/kubelet/kubelet.go, network not ready for a non-hostNetwork pod) and the pre-1.10
    # `FailedSync` "CreatePodSandbox for pod ... failed" carry the same runtime/CNI texts.
    events = [e for e in ctx.snapshot.events_for(pod)
              if e.reason in ("FailedCreatePodSandBox", "NetworkNotReady")
              or (e.reason == "FailedSync" and "CreatePodSandbox" in e.message)]
    if not events:
        return None
    e = events[-1]
    node = pod.spec.node_name or e.source.host or "<node>"
    cls = classify(e.message)
    if cls is None:
        return Finding(
            code="start.sandbox-failed", severity="error", confidence="possible", rank=20,
            cause=f"The container runtime on node {node!r} cannot create the pod sandbox: {e.message}",
            evidence=[from_event(e)], group_key=f"sandbox=unknown@{node}",
            details={"class": "unknown", "node": node},
            fix=Fix(summary="Read the quoted runtime error; check the runtime and CNI logs on the node.",
                    commands=[f"kubectl describe node {node}"]))
    extra = ""
    if cls.name == "runtime-handler" and pod.spec.runtime_class_name:
        extra = f" (runtimeClassName {pod.spec.runtime_class_name!r})"
    return Finding(
        code="start.sandbox-failed", severity="error", confidence="certain" if cls.name != "cni-other" else "likely",
        rank=20,
        cause=f"The pod sandbox cannot be created on node {node!r}: {cls.why}{extra}.",
        evidence=[from_event(e)],
        # Sandbox failures are per node: pods on one node share the cause.
        group_key=f"sandbox={cls.name}@{node}",
        details={"class": cls.name, "node": node},
        fix=Fix(summary=cls.fix, commands=[c.format(node=node) for c in cls.cmds]))
