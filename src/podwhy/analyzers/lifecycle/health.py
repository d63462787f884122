"""Probes: `probe.liveness-failing`, `probe.startup-failing` (the kubelet restarts the container) and
`probe.readiness-failing` (Running, never Ready).

Texts (kubelet, release beside each):
* Warning `Unhealthy` `%s probe failed: %s` / `%s probe errored: %v` with probe type `Liveness`, `Readiness`,
  `Startup` (pkg/kubelet/prober/prober.go probe, 1.16-1.35; `Startup` since 1.16).
* Normal `Killing` `Container %s failed liveness probe, will be restarted` / `... failed startup probe, will be
  restarted` (pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions, 1.16-1.35).
* Probe outputs: `HTTP probe failed with statuscode: %d` (pkg/probe/http/http.go), Go's `Get "%s": dial tcp
  %s: connect: connection refused`, `context deadline exceeded (Client.Timeout exceeded while awaiting
  headers)`, `dial tcp %s: i/o timeout` (pkg/probe/tcp/tcp.go), gRPC `service unhealthy (responded with %q)`,
  `timeout: failed to connect service %q within %v` (pkg/probe/grpc/grpc.go, 1.24-1.35).
* Defaults: initialDelaySeconds 0, periodSeconds 10, timeoutSeconds 1, failureThreshold 3
  (pkg/apis/core/v1/defaults.go SetDefaults_Probe).
* Deployment `Progressing` False reason `ProgressDeadlineExceeded` `ReplicaSet %q has timed out progressing.`
  (pkg/controller/deployment/util/deployment_util.go, 1.x-1.35).
"""

from __future__ import annotations

import re

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.lifecycle.common import View, group_key, owner, previous_logs_command, template_patch
from podwhy.findings import Confidence, Evidence, Finding, Fix
from podwhy.model import Event
from podwhy.model.pod import Pod, Probe

_KIND = {"liveness": "Liveness", "startup": "Startup", "readiness": "Readiness"}
_REFUSED = re.compile(r"connect: connection refused|connection refused")
_TIMEOUT = re.compile(r"Client\.Timeout exceeded|context deadline exceeded|i/o timeout|timed out|timeout: failed")
_STATUS = re.compile(r"HTTP probe failed with statuscode: (?P<code>\d+)")
_DIAL = re.compile(r"dial tcp (?P<addr>[^\s:]+|\[[^\]]+\]):(?P<port>\d+)")


def render(p: Probe) -> str:
    """As `kubectl describe` prints a probe (describe.go describeProbe)."""
    how = "unknown"
    if p.http_get is not None:
        h = p.http_get
        how = f"http-get {(h.scheme or 'HTTP').lower()}://{h.host}:{h.port}{h.path}"
    elif p.tcp_socket is not None:
        how = f"tcp-socket :{p.tcp_socket.port}"
    elif p.grpc is not None:
        how = f"grpc <pod>:{p.grpc.port} {p.grpc.service or ''}".rstrip()
    elif p.exec is not None:
        how = "exec [" + " ".join(p.exec.command) + "]"
    return (f"{how} delay={p.initial_delay_seconds}s timeout={p.timeout_seconds}s period={p.period_seconds}s "
            f"#success={p.success_threshold} #failure={p.failure_threshold}")


def _probe(v: View, kind: str) -> Probe | None:
    if v.spec is None:
        return None
    return {"liveness": v.spec.liveness_probe, "startup": v.spec.startup_probe,
            "readiness": v.spec.readiness_probe}[kind]


def _unhealthy(v: View, kind: str) -> list[Event]:
    prefix = _KIND[kind]
    return [e for e in v.reasons("Unhealthy") if e.message.startswith((f"{prefix} probe failed", f"{prefix} probe errored"))]


def _killed(v: View, kind: str) -> list[Event]:
    return [e for e in v.reasons("Killing") if f"failed {kind} probe" in e.message]


def _port(p: Probe) -> int | str | None:
    for a in (p.http_get, p.tcp_socket, p.grpc):
        if a is not None:
            return a.port
    return None


def port_check(v: View, p: Probe, output: str, work: Work, field: str) -> tuple[str, Evidence | None, int | None]:
    """Compare the probed port with the container's declared ports (a refused connection on an undeclared port is
    the classic wrong-port probe). Returns (sentence, evidence, the declared port to use)."""
    port = _port(p)
    declared = v.spec.ports if v.spec is not None else ()
    if port is None or not declared:
        return "", None, None
    numbers = [cp.container_port for cp in declared]
    if isinstance(port, str) and not port.isdigit():
        named = next((cp.container_port for cp in declared if cp.name == port), None)
        if named is None:
            return (f" The probe names port {port!r}, which the container does not declare.",
                    Evidence(ref=work.ref, field=f"{v.spec_field}.ports", observed=_ports(v),
                             expected=f"a port named {port!r}"), numbers[0])
        port = named
    port = int(port)
    if port in numbers or not _REFUSED.search(output):
        return "", None, None
    return (f" The probe checks port {port}, but the container declares {_ports(v)}: nothing listens where the "
            "probe knocks.",
            Evidence(ref=work.ref, field=f"{v.spec_field}.ports", observed=_ports(v), expected=f"port {port}"),
            numbers[0])


def _ports(v: View) -> str:
    return ", ".join(f"{cp.container_port}/{cp.protocol or 'TCP'}" + (f" ({cp.name})" if cp.name else "")
                     for cp in (v.spec.ports if v.spec is not None else ()))


def _why(output: str, p: Probe) -> str:
    m = _STATUS.search(output)
    if m is not None:
        code = int(m.group("code"))
        return (f" The endpoint answers HTTP {code}: the app runs and reports itself unhealthy"
                + (" (or the path does not exist)" if code == 404 else "") + ".")
    if _TIMEOUT.search(output):
        return (f" The check does not answer within timeoutSeconds={p.timeout_seconds}s: the app is slow or blocked "
                "(GC pauses, a dependency the health check waits on, CPU throttling).")
    if _REFUSED.search(output):
        return " Nothing accepts connections on the probed port yet: the app is still starting, or listens elsewhere."
    return ""


def kill_probe(ctx: Context, work: Work, v: View, kind: str) -> Finding | None:
    """Liveness or startup: the kubelet kills the container after failureThreshold failures."""
    p = _probe(v, kind)
    killed = _killed(v, kind)
    failed = _unhealthy(v, kind)
    if p is None or not (killed or (failed and v.restarts >= 1)):
        return None
    field = f"{v.spec_field}.{kind}Probe"
    ev: list[Evidence] = [Evidence(ref=work.ref, field=field, observed=render(p))]
    ev += [from_event(e) for e in failed[-1:]]
    ev += [from_event(e) for e in killed[-1:]]
    te = v.termination_evidence()
    if te is not None:
        ev.append(te)
    output = failed[-1].message.split(": ", 1)[-1] if failed else ""
    budget = (p.initial_delay_seconds if kind == "liveness" else 0) + p.period_seconds * p.failure_threshold
    ran = v.ran_seconds()
    port_sentence, port_ev, use_port = port_check(v, p, output, work, field)
    if port_ev is not None:
        ev.append(port_ev)
    cause = (f"The kubelet restarts {v.what} because its {kind} probe fails ({render(p)})"
             + (f", {v.restarts} restarts so far" if v.restarts else "") + ".")
    cause += port_sentence or _why(output, p)
    starting = (kind == "startup" or _REFUSED.search(output) or _TIMEOUT.search(output)) and not port_sentence
    if ran is not None and starting:
        cause += (f" Each run lasted about {int(ran)}s; the probe allows {budget}s "
                  f"({'initialDelaySeconds + ' if kind == 'liveness' else ''}periodSeconds x failureThreshold) before "
                  "the kill.")
    conf: Confidence = "certain" if killed else "likely"
    if use_port is not None:
        a = "httpGet" if p.http_get is not None else "tcpSocket" if p.tcp_socket is not None else "grpc"
        cmds = template_patch(ctx, work, v, {f"{kind}Probe": {a: {"port": use_port}}})
        summary = f"Point the {kind} probe at the port the app listens on ({use_port}), or make the app listen on the probed one."
    elif starting:
        need = max(int((ran or budget) * 2), budget * 2, 60)
        period = max(p.period_seconds, 1)
        cmds = template_patch(ctx, work, v, {"startupProbe": _startup_doc(p, need // period + 1)})
        budget_new = (need // period + 1) * period
        if kind == "startup":
            summary = (f"Give the app time to start: raise the startup probe's failureThreshold to {need // period + 1} "
                       f"({budget_new}s at periodSeconds={period}); the liveness probe waits until it succeeds.")
        else:
            summary = (f"Give the app time to start: a startupProbe (the same check, failureThreshold x periodSeconds = "
                       f"{budget_new}s) holds the liveness probe off until it succeeds; or raise initialDelaySeconds.")
    else:
        cmds = [previous_logs_command(work, v)]
        summary = (f"Find out why the app's health check fails (its log, the endpoint itself); a {kind} probe should "
                   "check only the process itself, never its dependencies (a database outage would restart every pod).")
    cmds.append(f"kubectl get events -n {work.namespace} --field-selector involvedObject.name={work.name},reason=Unhealthy")
    code = "probe.liveness-failing" if kind == "liveness" else "probe.startup-failing"
    return Finding(code=code, severity="error", confidence=conf, rank=14, container=v.name, cause=cause,
                   evidence=ev, group_key=group_key(work, v, f"{kind}-probe"),
                   details={"container": v.name, "probe": render(p), "output": output or None,
                            "restartCount": v.restarts, "budgetSeconds": budget,
                            "ranSeconds": int(ran) if ran is not None else None},
                   fix=Fix(summary=summary, commands=cmds))


def _startup_doc(p: Probe, failures: int) -> dict[str, object]:
    doc: dict[str, object] = {"periodSeconds": p.period_seconds, "failureThreshold": failures}
    if p.http_get is not None:
        doc["httpGet"] = {"path": p.http_get.path or "/", "port": p.http_get.port}
    elif p.tcp_socket is not None:
        doc["tcpSocket"] = {"port": p.tcp_socket.port}
    elif p.grpc is not None:
        doc["grpc"] = {"port": p.grpc.port}
    elif p.exec is not None:
        doc["exec"] = {"command": list(p.exec.command)}
    return doc


def _ready(pod: Pod) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions)


def _services(ctx: Context, work: Work, ev: list[Evidence]) -> str:
    """Which Services leave the pod out of their endpoints (selector match, as the EndpointSlice controller does),
    and how many Ready pods each still has."""
    snap, pod = ctx.snapshot, work.pod
    assert pod is not None
    generic = "it gets no traffic: the endpoints of every Service that selects it leave it out"
    if not snap.has("Service"):
        return generic
    labels = pod.metadata.labels
    mine = [s for s in snap.services if s.metadata.namespace == work.namespace and s.spec.selector
            and all(labels.get(k) == val for k, val in s.spec.selector.items())]
    if not mine:
        return "no Service selects it, so only its owner's rollout waits for it"
    parts = []
    for svc in mine[:3]:
        sel = svc.spec.selector or {}
        peers = [p for p in snap.pods_by_namespace.get(work.namespace, ())
                 if p.status.phase == "Running" and all(p.metadata.labels.get(k) == val for k, val in sel.items())]
        ready = sum(1 for p in peers if _ready(p))
        if svc.spec.publish_not_ready_addresses:
            parts.append(f"Service {svc.metadata.name} publishes not-ready addresses, so it still routes to it")
            continue
        # "No endpoint at all" only when the owner agrees: an input may hold some of the namespace's pods only.
        none = ready == 0 and _owner_ready(ctx, work) in (0, None) and snap.source.kind in ("live", "dump")
        parts.append(f"Service {svc.metadata.name} sends it no traffic ({ready} of the {len(peers)} selected pods in "
                     "the input Ready" + (": the Service has no endpoint at all" if none else "") + ")")
        ev.append(Evidence(ref=f"Service/{work.namespace}/{svc.metadata.name}", field=".spec.selector",
                           observed=", ".join(f"{k}={val}" for k, val in sorted(sel.items())),
                           expected=f"Ready pods: {ready} of {len(peers)}"))
    return "; ".join(parts)


def _owner_ready(ctx: Context, work: Work) -> int | None:
    """readyReplicas of the pod's Deployment (all its ReplicaSets), None when not known."""
    o = owner(work)
    dep = ctx.snapshot.get("Deployment", work.namespace, o[1]) if o is not None and o[0] == "Deployment" else None
    return None if dep is None else int(dep.status.ready_replicas)


def _rollout(ctx: Context, work: Work) -> str:
    """`2 of 3 pods of ReplicaSet web-7d9c Ready`: the pod's own ReplicaSet (the rollout's new one)."""
    rs_ref = next((r for r in work.owners if r.startswith("ReplicaSet/")), None)
    rs = ctx.snapshot.get("ReplicaSet", work.namespace, rs_ref.rsplit("/", 1)[1]) if rs_ref else None
    if rs is None:
        return ""
    want = rs.spec.replicas if rs.spec.replicas is not None else 1
    return f"{rs.status.ready_replicas} of {want} pods of its ReplicaSet {rs.metadata.name} Ready"


def readiness(ctx: Context, work: Work, v: View) -> Finding | None:
    p = _probe(v, "readiness")
    failed = _unhealthy(v, "readiness")
    st = v.status
    if st is None or st.ready or st.state.running is None:
        return None
    if p is None and not failed:
        return None
    field = f"{v.spec_field}.readinessProbe"
    ev: list[Evidence] = []
    if p is not None:
        ev.append(Evidence(ref=work.ref, field=field, observed=render(p)))
    ev += [from_event(e) for e in failed[-1:]]
    ready = next((c for c in v.pod.status.conditions if c.type == "Ready"), None)
    if ready is not None:
        ev.append(Evidence(ref=work.ref, field=".status.conditions[?(@.type=='Ready')]",
                           observed=f"Ready={ready.status} since {ready.last_transition_time or '?'}"
                                    + (f": {ready.message}" if ready.message else "")))
    output = failed[-1].message.split(": ", 1)[-1] if failed else ""
    blocks = [_services(ctx, work, ev)]
    o = owner(work)
    if o is not None and o[0] == "Deployment":
        dep = ctx.snapshot.get("Deployment", work.namespace, o[1])
        if dep is not None:
            stalled = next((c for c in dep.status.conditions
                            if c.type == "Progressing" and c.reason == "ProgressDeadlineExceeded"), None)
            progress = _rollout(ctx, work)
            progress = f"; {progress}" if progress else ""
            if stalled is not None:
                ev.append(Evidence(ref=f"Deployment/{work.namespace}/{o[1]}",
                                   field=".status.conditions[?(@.type=='Progressing')]",
                                   observed=f"False ProgressDeadlineExceeded: {stalled.message}"))
                blocks.append(f"Deployment {o[1]}'s rollout has stopped (ProgressDeadlineExceeded{progress})")
            else:
                blocks.append(f"Deployment {o[1]}'s rollout waits for it{f' ({progress[2:]})' if progress else ''}")
    port_sentence, port_ev, use_port = (port_check(v, p, output, work, field) if p is not None else ("", None, None))
    if port_ev is not None:
        ev.append(port_ev)
    how = f" ({render(p)})" if p is not None else ""
    cause = (f"{v.what[:1].upper()}{v.what[1:]} runs but never becomes Ready: its readiness probe fails{how}. "
             f"While it is not Ready, {'; '.join(blocks)}.")
    cause += port_sentence or (_why(output, p) if p is not None else "")
    if not failed:
        cause += " (The probe's Unhealthy events are not in the input: they may have expired.)"
    if use_port is not None and p is not None:
        a = "httpGet" if p.http_get is not None else "tcpSocket" if p.tcp_socket is not None else "grpc"
        cmds = template_patch(ctx, work, v, {"readinessProbe": {a: {"port": use_port}}})
        summary = f"Point the readiness probe at the port the app listens on ({use_port})."
    else:
        cmds = [f"kubectl logs {work.name} -n {work.namespace} -c {v.name} --tail=50",
                f"kubectl get events -n {work.namespace} --field-selector involvedObject.name={work.name},"
                "reason=Unhealthy"]
        summary = ("Find out why the readiness check fails (the app's log, the endpoint it checks: a dependency it "
                   "waits for, a wrong path or port).")
    return Finding(code="probe.readiness-failing", severity="error", confidence="certain" if failed else "likely",
                   rank=30, container=v.name, cause=cause, evidence=ev, group_key=group_key(work, v, "readiness-probe"),
                   details={"container": v.name, "probe": render(p) if p is not None else None,
                            "output": output or None},
                   fix=Fix(summary=summary, commands=cmds))
