"""Containers that run and exit: `crash.oom-killed`, `crash.exit-nonzero`, `crash.completed-restarting`.

Texts (upstream, release beside each):
* lastState.terminated.reason `OOMKilled`: containerd's CRI plugin when the task's cgroup saw an OOM kill
  (containerd internal/cri/server/events.go handleContainerExit / pkg/cri/server 1.6-2.2: `OOMKilled`; recorded
  for real in tests/realparts/recorded/terminations-*.json), `Error` for a non-zero exit, `Completed` for 0.
* exit code 128+N for a process killed by signal N (exitcodes.py).
* The kubelet's back-off: waiting reason `CrashLoopBackOff`, message `back-off %s restarting failed
  container=%s pod=%s` and Warning event `BackOff` `Back-off restarting failed container %s in pod %s`
  (pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff, 1.24-1.35), initial 10s doubling to 5m
  (pkg/kubelet/kubelet.go backOffPeriod/MaxContainerBackOff).
* Node `SystemOOM` `System OOM encountered, victim process: %s, pid: %d` (pkg/kubelet/oom/oom_watcher_linux.go,
  1.17-1.35): the node itself ran out of memory, not the container's cgroup limit.
* terminationMessagePath: the kubelet copies the file (or, with FallbackToLogsOnError, the log tail) into
  lastState.terminated.message (pkg/kubelet/kuberuntime/kuberuntime_container.go getTerminationMessage).
"""

from __future__ import annotations

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.lifecycle import logs as logsel
from podwhy.analyzers.lifecycle.common import View, group_key, owner, previous_logs_command, template_patch
from podwhy.analyzers.lifecycle.exitcodes import meaning, signal_of
from podwhy.findings import Confidence, Evidence, Finding, Fix
from podwhy.quantity import format_bytes, try_parse
from podwhy.timeutil import age, parse_time


def backoff_evidence(v: View) -> list[Evidence]:
    out = []
    w = v.waiting_evidence()
    if w is not None:
        out.append(w)
    back = v.reasons("BackOff")
    if back:
        out.append(from_event(back[-1]))
    return out


def log_evidence(ctx: Context, v: View) -> tuple[list[Evidence], list[str]]:
    """Evidence of the log's error lines (when the input has the log) and the lines quoted."""
    log = v.log(ctx)
    if log is None:
        return [], []
    lines = logsel.error_lines(log, logsel.secret_digests(ctx.snapshot, v.work.namespace))
    if not lines:
        return [], []
    which = "previous run" if log.previous else "log"
    return [Evidence(ref=f"{v.work.ref}/log/{v.name}", field=f"{which} ({log.source})",
                     observed="\n".join(lines))], lines


def oom(ctx: Context, work: Work, v: View) -> Finding | None:
    t = v.last
    if t is None:
        return None
    node_name = v.pod.spec.node_name
    node = ctx.snapshot.node_by_name.get(node_name) if node_name else None
    system_oom = [e for e in ctx.snapshot.events_for(node) if e.reason == "SystemOOM"] if node is not None else []
    if t.reason != "OOMKilled" and not (t.exit_code == 137 and (system_oom or v.reasons("OOMKilling"))):
        return None
    spec = v.spec
    limit = spec.resources.limits.get("memory") if spec is not None else None
    request = spec.resources.requests.get("memory") if spec is not None else None
    ev: list[Evidence] = [e for e in (v.termination_evidence(),) if e is not None]
    ev += backoff_evidence(v)
    ev.append(Evidence(ref=work.ref, field=f"{v.spec_field}.resources",
                       observed=f"limits.memory={limit or '(none)'}, requests.memory={request or '(none)'}"))
    pressure = None
    if node is not None:
        pressure = next((c for c in node.status.conditions if c.type == "MemoryPressure" and c.status == "True"), None)
        if pressure is not None:
            ev.append(Evidence(ref=f"Node/{node_name}", field=".status.conditions[?(@.type=='MemoryPressure')]",
                               observed=f"True: {pressure.message}"))
        near = [e for e in system_oom if _near(e.last_seen, t.finished_at)]
        ev += [from_event(e) for e in (near or system_oom)[-1:]]
    node_side = pressure is not None or bool(system_oom)
    log_ev, _ = log_evidence(ctx, v)
    ev += log_ev
    restarts = f", {v.restarts} restarts so far" if v.restarts else ""
    conf: Confidence = "certain" if t.reason == "OOMKilled" else "likely"
    details: dict[str, object] = {"container": v.name, "memoryLimit": limit, "memoryRequest": request,
                                  "exitCode": t.exit_code, "restartCount": v.restarts,
                                  "nodeMemoryPressure": pressure is not None, "systemOOM": bool(system_oom)}
    if limit and not node_side:
        new = _double(limit)
        cause = (f"The kernel OOM killer stopped {v.what} (exit 137) when it reached its memory limit of {limit}"
                 f"{restarts}: the process needs more memory than the limit, or leaks.")
        # A request equal to the limit (Guaranteed QoS, or the API server's default for a limit without a request)
        # moves with it; a lower request is the scheduler's reservation and stays.
        res: dict[str, dict[str, str]] = {"limits": {"memory": new}}
        if request is None or try_parse(request) == try_parse(limit):
            res["requests"] = {"memory": new}
        cmds = template_patch(ctx, work, v, {"resources": res})
        summary = (f"Raise the memory limit of {v.name} (to {new} as a start, and the request with it) or reduce "
                   "the app's memory (heap size flags such as -Xmx / GOMEMLIMIT must stay below the limit).")
        details["suggestedLimit"] = new
    elif not limit:
        cause = (f"{v.what[:1].upper()}{v.what[1:]} was OOM-killed (exit 137){restarts} and has no memory limit: "
                 f"node {node_name or '(unknown)'} ran out of memory and the kernel chose it"
                 + (" (the node reports MemoryPressure)" if pressure is not None else "")
                 + ". Without a request the scheduler placed it with no memory reserved.")
        summary = (f"Give {v.name} a memory request (what it really uses) and a limit, so it is scheduled where "
                   "the memory exists; look at what else fills the node.")
        cmds = template_patch(ctx, work, v, {"resources": {"requests": {"memory": request or "<usage>"},
                                                          "limits": {"memory": "<usage plus headroom>"}}})
        cmds.append(f"kubectl describe node {node_name}" if node_name else "kubectl top nodes")
    else:
        cause = (f"{v.what[:1].upper()}{v.what[1:]} was OOM-killed (exit 137){restarts}, but node {node_name} itself "
                 f"ran out of memory (system OOM{', MemoryPressure' if pressure is not None else ''}): the kernel "
                 f"killed it before it reached its {limit} limit. The node is overcommitted (limits above "
                 "allocatable, pods without requests).")
        summary = (f"Relieve node {node_name}: set memory requests equal to real usage on its pods (the kubelet and "
                   "scheduler count requests, not limits), or move work off it.")
        cmds = [f"kubectl describe node {node_name}",
                f"kubectl get pods -A --field-selector spec.nodeName={node_name} -o wide"]
    cmds.append(previous_logs_command(work, v))
    return Finding(code="crash.oom-killed", severity="error", confidence=conf, rank=10, container=v.name,
                   cause=cause, evidence=ev, group_key=group_key(work, v, "oom"), details=details,
                   fix=Fix(summary=summary, commands=cmds))


def _near(a: str, b: str | None, window: float = 600.0) -> bool:
    ta = parse_time(a)
    if ta is None or not b:
        return False
    d = age(ta, b)
    return d is not None and abs(d) <= window


def _double(limit: str | int | float) -> str:
    q = try_parse(limit)
    if q is None or q <= 0:
        return "<higher limit>"
    return format_bytes(int(q * 2))


def completed(ctx: Context, work: Work, v: View) -> Finding | None:
    t = v.last
    policy = v.pod.spec.restart_policy or "Always"
    if t is None or t.exit_code != 0 or v.restarts < 1:
        return None
    sidecar = v.role == "initContainer" and v.spec is not None and v.spec.restart_policy == "Always"
    if v.role == "initContainer" and not sidecar:
        return None
    if policy != "Always" and not sidecar:
        return None
    ev: list[Evidence] = [e for e in (v.termination_evidence(),) if e is not None]
    ev += backoff_evidence(v)
    ev.append(Evidence(ref=work.ref, field=".spec.restartPolicy", observed=policy))
    spec = v.spec
    if spec is not None and (spec.command or spec.args):
        cmd = " ".join([*(spec.command or ()), *(spec.args or ())])
        ev.append(Evidence(ref=work.ref, field=f"{v.spec_field}.command/args", observed=cmd))
    log_ev, _ = log_evidence(ctx, v)
    ev += log_ev
    o = owner(work)
    kind = o[0] if o else "Pod"
    cause = (f"{v.what[:1].upper()}{v.what[1:]} exits successfully (exit 0) and is restarted because the pod's "
             f"restartPolicy is Always ({kind}), {v.restarts} times so far: its command finishes instead of "
             "running a long-lived process (a one-off task written as a Deployment, a script that starts the "
             "server in the background and returns, or a `command:` that replaces the image's entrypoint).")
    return Finding(code="crash.completed-restarting", severity="error", confidence="certain", rank=16,
                   container=v.name, cause=cause, evidence=ev, group_key=group_key(work, v, "completed"),
                   details={"container": v.name, "restartCount": v.restarts, "restartPolicy": policy},
                   fix=Fix(summary=("Run a task that ends as a Job (or CronJob); for a server, make the container's "
                                    "command stay in the foreground (exec the server, no `&`)."),
                           commands=[previous_logs_command(work, v),
                                     f"kubectl get pod {work.name} -n {work.namespace} -o "
                                     f"jsonpath='{{{v.spec_jsonpath}.command}} {{{v.spec_jsonpath}.args}}'"]))


def exit_nonzero(ctx: Context, work: Work, v: View) -> Finding | None:
    t = v.last
    if t is None or t.exit_code == 0:
        return None
    ev: list[Evidence] = [e for e in (v.termination_evidence(),) if e is not None]
    ev += backoff_evidence(v)
    log_ev, lines = log_evidence(ctx, v)
    ev += log_ev
    sig = signal_of(t.exit_code, t.signal)
    what = meaning(t.exit_code, t.signal)
    d = v.ran_seconds()
    ran = f" after running {int(d)}s" if d is not None else ""
    restarts = f"; it has restarted {v.restarts} times" if v.restarts else ""
    if v.backoff:
        restarts += f" and the kubelet now waits {v.backoff} before each restart (back-off)"
    cause = f"{v.what[:1].upper()}{v.what[1:]} keeps exiting with code {what}{ran}{restarts}."
    if t.message:
        cause += f" Its termination message: {logsel.clean(t.message.strip().splitlines()[-1])!r}."
    if lines:
        cause += f" Its log ends with: {lines[-1]!r}."
    conf: Confidence = "certain" if v.restarts >= 1 or v.stuck.reason == "CrashLoopBackOff" else "likely"
    cmds = [previous_logs_command(work, v), f"kubectl describe pod {work.name} -n {work.namespace}"]
    if sig == 9:
        summary = ("Find what killed it: not an OOM kill (the runtime would say OOMKilled); a liveness probe, a "
                   "preStop/termination deadline or an external kill. Read the previous run's log and the events.")
    elif sig == 15:
        summary = "Something asked it to stop (SIGTERM): check the events for Killing (probes) and the app's supervisor."
    elif sig:
        summary = "The process crashed (native code, runtime abort): read the previous run's log and fix the crash."
    elif t.exit_code in (126, 127):
        summary = "Fix the command: the program it runs is missing from the image or not executable."
    else:
        summary = ("The application exits with an error: read the previous run's log (quoted above when the input "
                   "has it) and fix what it reports (configuration, a dependency it cannot reach, a bad flag).")
    return Finding(code="crash.exit-nonzero", severity="error", confidence=conf, rank=18, container=v.name,
                   cause=cause, evidence=ev, group_key=group_key(work, v, f"exit{t.exit_code}"),
                   details={"container": v.name, "exitCode": t.exit_code, "signal": sig or None,
                            "meaning": what, "restartCount": v.restarts, "logLines": lines,
                            "terminationMessage": logsel.clean(t.message) if t.message else None},
                   fix=Fix(summary=summary, commands=cmds))
