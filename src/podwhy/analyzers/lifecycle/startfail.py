"""The runtime cannot start the container's process: `start.command-not-found`, `start.exec-format-error`,
`start.permission-denied`, and the kubelet refusing a root image: `start.run-as-root`.

Texts:
* The runtime's StartContainer error, which the kubelet puts verbatim into the waiting message of
  `RunContainerError` and into Warning `Failed` `Error: %v` (pkg/kubelet/kuberuntime/kuberuntime_container.go
  startContainer, 1.2x-1.35); the container then shows lastState.terminated reason `StartError` exit 128 with the
  same message (containerd CRI, recorded for real: tests/realparts/recorded/terminations-*.json). runc's own
  words (libcontainer/standard_init_linux.go, runc 1.1-1.3): `exec: "%s": executable file not found in $PATH`,
  `exec: "%s": stat %s: no such file or directory`, `exec %s: exec format error`, `exec: "%s": permission
  denied` (wrapped by containerd as `failed to create containerd task: failed to create shim task: OCI runtime
  create failed: runc create failed: unable to start container process: ...: unknown`); docker's shim:
  `starting container process caused: exec: ...`.
* The kubelet's non-root check, waiting reason `CreateContainerConfigError`
  (pkg/kubelet/kuberuntime/security_context_others.go verifyRunAsNonRoot, 1.14-1.35):
  `container has runAsNonRoot and image will run as root (pod: %q, container: %s)`,
  `container has runAsNonRoot and image has non-numeric user (%s), cannot verify user is non-root (pod: %q,
  container: %s)`, `container's runAsUser breaks non-root policy (pod: %q, container: %s)`.
"""

from __future__ import annotations

import re

from podwhy.analyzers.base import Context, Work
from podwhy.analyzers.evidence import from_event
from podwhy.analyzers.lifecycle.common import View, owner, template_patch
from podwhy.analyzers.shellarg import json_arg
from podwhy.findings import Evidence, Finding, Fix

_NOT_IN_PATH = re.compile(r'exec: "(?P<cmd>[^"]*)": executable file not found in \$PATH')
_NO_FILE = re.compile(r'exec: "(?P<cmd>[^"]*)": stat (?P<path>\S+): no such file or directory'
                      r'|exec (?P<cmd2>\S+): no such file or directory')
_FORMAT = re.compile(r"exec (?:\"(?P<q>[^\"]+)\"|(?P<cmd>\S+?)):? (?:exec )?format error|exec format error")
_DENIED = re.compile(r'exec: "(?P<cmd>[^"]*)": permission denied|exec (?P<cmd2>\S+): permission denied')
_ROOT = re.compile(r"container has runAsNonRoot and image will run as root")
_NON_NUMERIC = re.compile(r"container has runAsNonRoot and image has non-numeric user \((?P<user>[^)]*)\)")
_BREAKS = re.compile(r"container's runAsUser breaks non-root policy")


def texts(v: View) -> list[tuple[str, Evidence]]:
    """Every place the start error is written: the waiting message, the last termination, `Failed` events."""
    out: list[tuple[str, Evidence]] = []
    w = v.waiting_evidence()
    if w is not None and v.stuck.message:
        out.append((v.stuck.message, w))
    t = v.last
    if t is not None and t.message and t.reason in ("StartError", "ContainerCannotRun", "Error", ""):
        te = v.termination_evidence()
        if te is not None:
            out.append((t.message, te))
    for e in v.reasons("Failed")[-1:]:
        out.append((e.message, from_event(e)))
    return out


def log_texts(ctx: Context, v: View) -> list[tuple[str, Evidence]]:
    """runc execs the process after the container started: `exec %s: exec format error` is then the process's
    last words on stderr, with exit status 1 (runc 1.1, recorded for real: tests/realparts/recorded/terminations-*.json)
    or 255 (runc 1.3 under kubelet v1.34.4, tests/realcluster/test_kubelet_lifecycle.py), in the log or, with
    terminationMessagePolicy FallbackToLogsOnError, in lastState.terminated.message."""
    log = v.log(ctx)
    if log is None:
        return []
    lines = [ln for ln in log.lines[-5:] if "exec " in ln and ("format error" in ln or "permission denied" in ln
                                                              or "no such file" in ln)]
    return [(ln, Evidence(ref=f"{v.work.ref}/log/{v.name}", field=f"log ({log.source})", observed=ln))
            for ln in lines[-1:]]


def _command(v: View) -> str:
    spec = v.spec
    if spec is None or not (spec.command or spec.args):
        return "(the image's ENTRYPOINT/CMD)"
    return " ".join([*(spec.command or ()), *(spec.args or ())])


def _node_arch(ctx: Context, v: View) -> tuple[str, Evidence | None]:
    """The architecture of the pod's node, read as the image-platform check reads it (labels, then nodeInfo)."""
    from podwhy.analyzers.probe.targets import node_platforms

    found = node_platforms(ctx.snapshot, v.pod) if v.pod.spec.node_name else ()
    if not found:
        return "", None
    name, platform = found[0]
    return platform.architecture, Evidence(ref=f"Node/{name}", field=".metadata.labels['kubernetes.io/arch']",
                                           observed=platform.architecture)


def start_error(ctx: Context, work: Work, v: View) -> Finding | None:
    found = texts(v)
    t = v.last
    if t is not None and t.exit_code != 0:
        found += log_texts(ctx, v)
    for text, _ev in found:
        f = _classify(ctx, work, v, text, [e for _, e in found])
        if f is not None:
            return f
    return None


def _classify(ctx: Context, work: Work, v: View, text: str, ev: list[Evidence]) -> Finding | None:
    cmd_ev = Evidence(ref=work.ref, field=f"{v.spec_field}.command/args", observed=_command(v))
    group = f"image={v.stuck.image}"
    m = _NOT_IN_PATH.search(text) or _NO_FILE.search(text)
    if m is not None:
        prog = m.group("cmd") or (m.groupdict().get("cmd2") or "")
        interp = m.re is _NO_FILE and m.group("cmd2") is not None
        cause = (f"The runtime cannot start {v.what}: the program {prog!r} does not exist in image {v.stuck.image}"
                 + (" or is not on its PATH" if m.re is _NOT_IN_PATH else "") + ".")
        if interp:
            cause += (" When the file does exist, `no such file or directory` names its ELF interpreter instead: a "
                      "binary linked against glibc in an image without it (alpine, distroless/static).")
        return Finding(
            code="start.command-not-found", severity="error", confidence="certain", rank=12, container=v.name,
            cause=cause, evidence=[*ev, cmd_ev], group_key=group,
            details={"container": v.name, "program": prog, "command": _command(v)},
            fix=Fix(summary=(f"Fix the container's command (or the image): {prog!r} must exist in the image; list "
                             "what the image has, and use the full path."),
                    commands=[f"kubectl get pod {work.name} -n {work.namespace} -o jsonpath='{{{v.spec_jsonpath}.command}}"
                              f" {{{v.spec_jsonpath}.args}}'",
                              f"docker run --rm --entrypoint sh {v.stuck.image} -c 'command -v {prog.split('/')[-1]}; "
                              "echo $PATH'"]))
    m = _FORMAT.search(text)
    if m is not None:
        prog = m.group("q") or m.group("cmd") or _command(v)
        arch, node_ev = _node_arch(ctx, v)
        evs = [*ev, cmd_ev] + ([node_ev] if node_ev is not None else [])
        on = f" ({arch})" if arch else ""
        cause = (f"The kernel refuses to execute {prog!r} in {v.what}: `exec format error` means the binary is built "
                 f"for another CPU architecture than the node's{on} (an amd64/arm64 mix-up, an image built on an "
                 "Apple-silicon laptop), or it is a script without a `#!` line.")
        cmds = [f"docker buildx build --platform linux/{arch or 'amd64'},linux/arm64 -t {v.stuck.image} --push ."]
        o = owner(work)
        if o is not None and arch and o[0] != "Job":
            other = "arm64" if arch == "amd64" else "amd64"
            doc = {"spec": {"template": {"spec": {"nodeSelector": {"kubernetes.io/arch": other}}}}}
            cmds.append(f"kubectl patch {o[0].lower()} {o[1]} -n {work.namespace} --type merge -p {json_arg(doc)}"
                        f"   # only if the image is {other}-only and such nodes exist")
        return Finding(
            code="start.exec-format-error", severity="error", confidence="certain", rank=12, container=v.name,
            cause=cause, evidence=evs, group_key=group,
            details={"container": v.name, "program": prog, "nodeArchitecture": arch or None},
            fix=Fix(summary=(f"Publish {v.stuck.image} for the node's architecture{on} (a multi-platform image), or "
                             "run it on nodes of the architecture it was built for."),
                    commands=cmds))
    m = _DENIED.search(text)
    if m is not None:
        prog = m.group("cmd") or m.group("cmd2") or _command(v)
        cause = (f"The runtime cannot execute {prog!r} in {v.what}: permission denied. The file lacks the execute "
                 "bit (COPY of a script without `chmod +x`), the user the container runs as cannot read it, or it "
                 "lives on a volume mounted noexec.")
        return Finding(
            code="start.permission-denied", severity="error", confidence="certain", rank=12, container=v.name,
            cause=cause, evidence=[*ev, cmd_ev], group_key=group,
            details={"container": v.name, "program": prog},
            fix=Fix(summary=(f"Make {prog!r} executable in the image (`RUN chmod +x {prog}` in the Dockerfile), or run it "
                             f"through its interpreter (command: [\"sh\", \"{prog}\"])."),
                    commands=[f"docker run --rm --entrypoint ls {v.stuck.image} -l {prog}"]))
    return None


def run_as_root(ctx: Context, work: Work, v: View) -> Finding | None:
    failed = v.reasons("Failed")[-1:]
    # `kubectl describe` prints the waiting reason without its message: the kubelet's `Failed` event has the text.
    msg = v.stuck.message or (failed[0].message.removeprefix("Error: ") if failed else "")
    if v.stuck.reason != "CreateContainerConfigError" or not (_ROOT.search(msg) or _NON_NUMERIC.search(msg)
                                                               or _BREAKS.search(msg)):
        return None
    ev = [e for e in (v.waiting_evidence(),) if e is not None]
    ev += [from_event(e) for e in failed]
    sc = v.spec.security_context if v.spec is not None else None
    psc = v.pod.spec.security_context
    ev.append(Evidence(ref=work.ref, field=f"{v.spec_field}.securityContext / .spec.securityContext",
                       observed=(f"container runAsNonRoot={_b(sc.run_as_non_root if sc else None)} "
                                 f"runAsUser={_b(sc.run_as_user if sc else None)}; pod runAsNonRoot="
                                 f"{_b(psc.run_as_non_root if psc else None)} runAsUser="
                                 f"{_b(psc.run_as_user if psc else None)}")))
    nn = _NON_NUMERIC.search(msg)
    if nn is not None:
        cause = (f"The kubelet refuses to start {v.what}: runAsNonRoot is set and the image's USER is the name "
                 f"{nn.group('user')!r}, not a number, so the kubelet cannot verify it is not root.")
        summary = ("Set a numeric runAsUser (the uid of that user in the image), or change the image to `USER <uid>` "
                   "(e.g. USER 10001).")
    elif _BREAKS.search(msg):
        cause = f"The kubelet refuses to start {v.what}: runAsNonRoot is set and runAsUser is 0 (root)."
        summary = "Set runAsUser to a non-zero uid, or drop runAsNonRoot if the container really must run as root."
    else:
        cause = (f"The kubelet refuses to start {v.what}: runAsNonRoot is set (pod or container securityContext, "
                 "often required by PodSecurity `restricted`), and the image runs as root (no USER, or USER 0) with "
                 "no runAsUser to override it.")
        summary = ("Run as a non-root uid: set securityContext.runAsUser (and runAsGroup) on the container, or "
                   "rebuild the image with `USER <uid>`; make sure the app can run unprivileged (ports >= 1024, "
                   "writable paths).")
    cmds = template_patch(ctx, work, v, {"securityContext": {"runAsNonRoot": True, "runAsUser": 10001,
                                                             "runAsGroup": 10001}})
    return Finding(code="start.run-as-root", severity="error", confidence="certain", rank=12, container=v.name,
                   cause=cause, evidence=ev, group_key=f"image={v.stuck.image}",
                   details={"container": v.name, "user": nn.group("user") if nn else None},
                   fix=Fix(summary=summary, commands=cmds))


def _b(x: object) -> str:
    return "(unset)" if x is None else str(x).lower()
