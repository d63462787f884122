"""Pods that should be gone: `terminating.finalizer`, `terminating.node-lost`; and pods the kubelet evicted:
`evicted.node-pressure`, `evicted.ephemeral-storage`.

Texts and rules (upstream, release beside each):
* metadata.deletionTimestamp is the end of the grace period; the kubelet confirms the containers stopped by
  deleting with grace 0, then the API server removes the object once metadata.finalizers is empty
  (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go, 1.x-1.35). A node that is gone or not
  reporting (Ready Unknown: `Kubelet stopped posting node status.`, pkg/controller/nodelifecycle, 1.x-1.35) never
  confirms: the pod stays Terminating until the node returns, is deleted, or the pod is force-deleted.
* Pod finalizers of Kubernetes itself: `batch.kubernetes.io/job-tracking` (the Job controller, 1.26-1.35,
  pkg/controller/job), `foregroundDeletion` / `orphan` (the garbage collector).
* Eviction (pkg/kubelet/eviction/helpers.go, 1.2x-1.35), status.phase Failed, reason `Evicted` and Warning event
  `Evicted` with: `The node was low on resource: %v. ` + `Threshold quantity: %v, available: %v. ` +
  `Container %s was using %s, request is %s, has larger consumption of %v. `; local storage limits:
  `Pod ephemeral local storage usage exceeds the total limit of containers %s. `, `Container %s exceeded its
  local ephemeral storage limit %q. `, `Usage of EmptyDir volume %q exceeds the limit %q. `; admission
  (pkg/kubelet/lifecycle/predicate.go, older kubelets): `The node had condition: %v. `.
"""

from __future__ import annotations

import re

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.lifecycle.common import owner, owner_ref
from podwhy.findings import Evidence, Finding, Fix
from podwhy.model import Pod
from podwhy.quantity import format_bytes, try_parse
from podwhy.timeutil import age, human_duration

_KNOWN_FINALIZERS = {
    "batch.kubernetes.io/job-tracking": "the Job controller (kube-controller-manager), once it has counted the pod",
    "foregroundDeletion": "the garbage collector, once the pod's dependents are deleted",
    "orphan": "the garbage collector, once the pod's dependents are orphaned",
}
_LOW = re.compile(r"The node was low on resource: (?P<res>[\w./-]+)\.")
_THRESHOLD = re.compile(r"Threshold quantity: (?P<q>\S+), available: (?P<a>\S+)\.")
_USING = re.compile(r"Container (?P<c>\S+) was using (?P<use>\S+), request is (?P<req>\S+), has larger consumption of "
                    r"(?P<res>[\w./-]+)\.")
_POD_STORAGE = re.compile(r"Pod ephemeral local storage usage exceeds the total limit of containers (?P<limit>\S+)\.")
_C_STORAGE = re.compile(r"Container (?P<c>\S+) exceeded its local ephemeral storage limit \"(?P<limit>[^\"]+)\"\.")
_EMPTYDIR = re.compile(r"Usage of EmptyDir volume \"(?P<v>[^\"]+)\" exceeds the limit \"(?P<limit>[^\"]+)\"\.")
_CONDITION = re.compile(r"The node had condition: \[?(?P<cond>[\w, ]+)\]?\.")


def _finalizer_owner(name: str) -> str:
    known = _KNOWN_FINALIZERS.get(name)
    if known:
        return known
    domain = name.split("/", 1)[0] if "/" in name else ""
    return f"the controller that owns {domain!r} (not Kubernetes itself)" if domain else "an unknown controller"


def _node_lost(ctx: Context, pod: Pod) -> tuple[str, Evidence] | None:
    name = pod.spec.node_name
    if not name:
        return None
    snap = ctx.snapshot
    node = snap.node_by_name.get(name)
    if node is None:
        if snap.has("Node"):
            return (f"its node {name} no longer exists",
                    Evidence(ref=f"Node/{name}", observed="not found", expected="the node the pod is bound to"))
        return None
    ready = next((c for c in node.status.conditions if c.type == "Ready"), None)
    if ready is None or ready.status == "True":
        return None
    taints = [f"{t.key}:{t.effect}" for t in node.spec.taints if t.key in ("node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready")]
    state = "unreachable" if ready.status == "Unknown" else "NotReady"
    since = age(ctx.now, ready.last_transition_time)
    return (f"its node {name} is {state}" + (f" (for {human_duration(since)})" if since is not None else ""),
            Evidence(ref=f"Node/{name}", field=".status.conditions[?(@.type=='Ready')]",
                     observed=f"{ready.status} {ready.reason}: {ready.message}" + (f"; taints {', '.join(taints)}"
                                                                                   if taints else "")))


def terminating(ctx: Context, work: Work) -> list[Finding]:
    pod = work.pod
    assert pod is not None
    meta = pod.metadata
    ns, name = work.namespace, work.name
    past = age(ctx.now, meta.deletion_timestamp)
    grace = meta.deletion_grace_period_seconds
    base = Evidence(ref=work.ref, field=".metadata.deletionTimestamp",
                    observed=f"{meta.deletion_timestamp} (grace period {grace if grace is not None else '?'}s; "
                             f"{human_duration(past or 0)} ago)")
    out: list[Finding] = []
    lost = _node_lost(ctx, pod)
    o = owner(work)
    if lost is not None:
        sentence, node_ev = lost
        sts = o is not None and o[0] == "StatefulSet"
        warn = ("a StatefulSet pod: force-deleting lets its replacement start while the old one may still run on the "
                "partitioned node, two pods with one identity writing one volume. Do it only when the node is "
                "certainly down (powered off, or `kubectl delete node`)." if sts else
                "force deletion removes the object without the kubelet's confirmation: if the node is in fact up, "
                "the old container keeps running until the node returns.")
        evicted_by = [e for e in ctx.snapshot.events_for(pod) if e.reason == "TaintManagerEviction"][-1:]
        out.append(Finding(
            code="terminating.node-lost", severity="error", confidence="certain", rank=10,
            cause=(f"Pod {name} was deleted {human_duration(past or 0)} past its grace period and stays Terminating "
                   f"because {sentence}: only that node's kubelet can confirm its containers stopped, and it does not "
                   "answer. The pod will not go until the node returns, the Node object is deleted, or the pod is "
                   "force-deleted."),
            evidence=[base, node_ev, *(from_event(e) for e in evicted_by)], group_key=f"node={pod.spec.node_name}",
            details={"node": pod.spec.node_name, "statefulSet": sts},
            fix=Fix(summary=("Bring the node back (or delete the Node if it is gone for good: its pods go with it); "
                             f"force-delete only with care: {warn}"),
                    commands=[f"kubectl get node {pod.spec.node_name} -o wide",
                              f"kubectl delete pod {name} -n {ns} --grace-period=0 --force"
                              "   # WARNING: read the fix summary first"])))
    if not meta.finalizers and lost is None and work.ref in ctx.snapshot.described:
        # `kubectl describe` prints no finalizers (describe.go describePod, 1.20-1.34): the usual holder of a pod
        # whose node is fine, but not known from this input.
        out.append(Finding(
            code="terminating.finalizer", severity="error", confidence="possible", rank=12,
            cause=(f"Pod {name} was deleted {human_duration(past or 0)} past its grace period and its node is Ready. "
                   "The usual reason is a finalizer no controller removes; `kubectl describe` does not print "
                   "finalizers, so they are not known from this input. Otherwise the kubelet cannot stop a container "
                   "(a stuck process or volume unmount: see the node's kubelet log)."),
            evidence=[base], group_key=f"pod={ns}/{name}", details={"finalizers": None, "controllers": None},
            fix=Fix(summary="Read the pod's finalizers; then see the controller that owns each.",
                    commands=[f"kubectl get pod {name} -n {ns} -o jsonpath='{{.metadata.finalizers}}'"])))
    if meta.finalizers:
        listed = "; ".join(f"{f} (removed by {_finalizer_owner(f)})" for f in meta.finalizers)
        ev = [base, Evidence(ref=work.ref, field=".metadata.finalizers", observed=", ".join(meta.finalizers))]
        running = [s.name for s in pod.status.container_statuses if s.state.running is not None]
        stopped = not running
        if stopped:
            ev.append(Evidence(ref=work.ref, field=".status.containerStatuses[*].state",
                               observed="no container running"))
        first = meta.finalizers[0]
        cmds = [f"kubectl get pod {name} -n {ns} -o jsonpath='{{.metadata.finalizers}}'"]
        if first in _KNOWN_FINALIZERS and first == "batch.kubernetes.io/job-tracking":
            cmds.append("kubectl get pods -n kube-system -l component=kube-controller-manager")
        cmds.append(f"kubectl patch pod {name} -n {ns} --type json -p "
                    "'[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]'"
                    "   # only once the controller is known to be gone: it skips the cleanup the finalizer guards")
        out.append(Finding(
            code="terminating.finalizer", severity="error", confidence="certain" if lost is None else "likely",
            rank=12 if lost is None else 40,
            cause=(f"Pod {name} was deleted {human_duration(past or 0)} past its grace period"
                   + (" and its containers have stopped" if stopped else "")
                   + f", but the API server keeps it while finalizers remain: {listed}. The controller that should "
                   "remove them has not (it is down, lacks permission, or is stuck on its cleanup)."),
            evidence=ev, group_key=f"finalizer={first}",
            details={"finalizers": list(meta.finalizers),
                     "controllers": {f: _finalizer_owner(f) for f in meta.finalizers}},
            fix=Fix(summary=("Make the controller that owns the finalizer finish (check it runs and its log); remove "
                             "the finalizer by hand only if that controller is gone for good."),
                    commands=cmds)))
    return out


def evicted(ctx: Context, work: Work) -> Finding | None:
    pod = work.pod
    assert pod is not None
    msg = pod.status.message
    ns, name = work.namespace, work.name
    node = pod.spec.node_name
    ev = [Evidence(ref=work.ref, field=".status", observed=f"phase=Failed reason=Evicted: {msg}")]
    ev += [from_event(e) for e in ctx.snapshot.events_for(pod) if e.reason == "Evicted"][-1:]
    cleanup = f"kubectl delete pod {name} -n {ns}   # an evicted pod stays listed until deleted or garbage-collected"
    storage = _C_STORAGE.search(msg) or _EMPTYDIR.search(msg) or _POD_STORAGE.search(msg)
    if storage is not None:
        gd = storage.groupdict()
        if gd.get("c"):
            what = f"container {gd['c']!r} wrote more than its ephemeral-storage limit {gd['limit']}"
        elif gd.get("v"):
            what = f"emptyDir volume {gd['v']!r} grew past its sizeLimit {gd['limit']}"
        else:
            what = f"the pod's local storage use exceeded its containers' total ephemeral-storage limit {gd['limit']}"
        return Finding(
            code="evicted.ephemeral-storage", severity="warning", confidence="certain", rank=10,
            container=gd.get("c"),
            cause=(f"The kubelet on {node or 'its node'} evicted pod {name}: {what} (logs, temp files and the "
                   "container's writable layer all count)."),
            evidence=ev, group_key=f"ephemeral={owner_ref(work)}",
            details={"node": node or None, "container": gd.get("c"), "volume": gd.get("v"), "limit": gd["limit"]},
            fix=Fix(summary=("Raise the ephemeral-storage limit (or the emptyDir sizeLimit), or write the data to a "
                             "volume meant for it; make the app rotate its logs and clean its temp files."),
                    commands=[f"kubectl get pod {name} -n {ns} -o jsonpath='{{.spec.containers[*].resources}}'",
                              cleanup]))
    low = _LOW.search(msg)
    cond = _CONDITION.search(msg)
    if low is None and cond is None:
        return None
    res = low.group("res") if low is not None else cond.group("cond") if cond is not None else ""
    th = _THRESHOLD.search(msg)
    users = [m.groupdict() for m in _USING.finditer(msg)]
    parts = [f"node {node or '(unknown)'} ran low on {res}"]
    if th is not None:
        parts.append(f"(eviction threshold {th.group('q')}, {th.group('a')} available)")
    cause = f"The kubelet evicted pod {name}: " + " ".join(parts) + "."
    if users:
        use = "; ".join(f"container {u['c']} used {_amount(u['use'])} against a request of {_amount(u['req'])}"
                        for u in users)
        cause += (f" {use}: pods using more than they request are evicted first, so an unset or low request "
                  "makes a pod the first to go.")
    if node:
        node_obj = ctx.snapshot.node_by_name.get(node)
        if node_obj is not None:
            ev += [from_event(e) for e in ctx.snapshot.events_for(node_obj)
                   if e.reason in ("EvictionThresholdMet", "FreeDiskSpaceFailed", "SystemOOM")][-1:]
    mem = "memory" in res
    summary = ("Set requests to what the pods really use (so the scheduler does not overpack the node) and find "
               f"what fills the node's {res}; delete the evicted pods once understood.")
    if not mem and res:
        summary = (f"Free the node's {res} (images, logs, emptyDirs; the kubelet's image GC thresholds), and give "
                   "pods ephemeral-storage requests; delete the evicted pods once understood.")
    return Finding(
        code="evicted.node-pressure", severity="warning", confidence="certain", rank=10,
        container=users[0]["c"] if len(users) == 1 else None,
        cause=cause, evidence=ev, group_key=f"node={node},pressure={res}",
        details={"node": node or None, "resource": res, "threshold": th.group("q") if th else None,
                 "available": th.group("a") if th else None, "containers": users},
        fix=Fix(summary=summary,
                commands=[f"kubectl describe node {node}" if node else "kubectl describe nodes",
                          f"kubectl get pods -A --field-selector spec.nodeName={node},status.phase=Failed" if node
                          else "kubectl get pods -A --field-selector status.phase=Failed",
                          cleanup]))


def _amount(q: str) -> str:
    """The kubelet prints usage in Ki (`3512264Ki`): as the nearest binary unit a person reads (`3.3Gi`)."""
    v = try_parse(q)
    binary = q.isdigit() or q[-2:] in ("Ki", "Mi", "Gi")
    return format_bytes(v) if v and binary else q
