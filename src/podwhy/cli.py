# PYTHON_ARGCOMPLETE_OK
"""argv -> load -> diagnose -> render -> exit code. No diagnosis logic lives here.

Exit codes: 0 nothing stuck, 1 stuck subjects diagnosed, 2 usage or input error,
3 cluster unreachable or unauthorised.

Imports are kept to the standard library until a command runs (cold start): the analyzers, the
renderers, YAML and the Kubernetes client are imported only by the paths that use them, and
argcomplete only when the shell asks for completions (`_ARGCOMPLETE` set).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from podwhy.errors import ClusterError, InputError, PodwhyError

if TYPE_CHECKING:
    from podwhy.analyzers import Options
    from podwhy.diagnose import Selection
    from podwhy.findings import Report
    from podwhy.snapshot import Snapshot

EXIT_OK, EXIT_STUCK, EXIT_INPUT, EXIT_CLUSTER = 0, 1, 2, 3

# Large snapshots are kept alive until `entry` exits the process: freeing millions of objects one
# by one would cost more than the whole diagnosis.
_KEEPALIVE: list[object] = []

OWNER_KINDS = ("deployment", "replicaset", "statefulset", "job", "daemonset", "replicationcontroller")
# kubectl's names for them (plural, short, with the API group), normalised to the kind the matcher compares.
OWNER_ALIASES = {
    "deployment": ("deployment", "deployments", "deploy"),
    "replicaset": ("replicaset", "replicasets", "rs"),
    "statefulset": ("statefulset", "statefulsets", "sts"),
    "job": ("job", "jobs"),
    "daemonset": ("daemonset", "daemonsets", "ds"),
    "replicationcontroller": ("replicationcontroller", "replicationcontrollers", "rc"),
}
_OWNER_KIND_OF = {alias: kind for kind, aliases in OWNER_ALIASES.items() for alias in aliases}
_OWNER_GROUPS = {"deployment": "apps", "replicaset": "apps", "statefulset": "apps", "daemonset": "apps",
                 "job": "batch", "replicationcontroller": ""}
KIND_TITLE = {"deployment": "Deployment", "replicaset": "ReplicaSet", "statefulset": "StatefulSet", "job": "Job",
              "daemonset": "DaemonSet", "replicationcontroller": "ReplicationController"}
_ANY_KIND = "\0any"  # `--owner` given without a KIND
MAX_LISTED = 8  # namespaces / names listed in a hint


def owner_kind(raw: str) -> str | None:
    """`deployments`, `deploy`, `Deployment`, `deployment.apps`, `deployments.v1.apps` -> 'deployment'; None if
    not a kind of owner podwhy follows."""
    base, _, group = raw.strip().lower().partition(".")
    kind = _OWNER_KIND_OF.get(base)
    if kind is None:
        return None
    if group and group not in (_OWNER_GROUPS[kind], f"v1.{_OWNER_GROUPS[kind]}".rstrip(".")):
        return None
    return kind


class _VersionRequested(Exception):
    pass


class _VersionAction(argparse.Action):
    """`--version`: resolved from the package metadata only when asked (no cost at start-up)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print podwhy's version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        raise _VersionRequested


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("podwhy")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
        from podwhy import __version__

        return __version__


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    src = common.add_argument_group("source (offline with --from, else the live cluster)")
    src.add_argument("--from", dest="sources", action="append", metavar="PATH",
                     help="file, directory (incl. a `kubectl cluster-info dump` tree) or - for stdin; repeatable")
    src.add_argument("--kubeconfig", help="kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    src.add_argument("--context", help="kubeconfig context to use")
    src.add_argument("--request-timeout", type=float, default=30.0, metavar="SECONDS",
                     help="live mode: timeout of each API request (default 30)")
    common.add_argument("-n", "--namespace", help="namespace (default: the context's, or all namespaces offline)")
    reg = common.add_argument_group("registry probe (opt-in: asks the image's registry, with the pod's pull secrets)")
    reg.add_argument("--probe-registry", action="store_true",
                     help="for each stuck pull, ask the registry (HEAD manifest, tags) with the pod's credentials")
    reg.add_argument("--insecure-registry", action="append", default=[], metavar="HOST[:PORT]",
                     help="allow unverified TLS, then plain HTTP, for this host (http://HOST[:PORT]: plain HTTP "
                          "only); repeatable")
    reg.add_argument("--registry-ca", action="append", default=[], metavar="FILE",
                     help="extra trusted CA certificate (PEM) for registries; repeatable")
    reg.add_argument("--probe-timeout", type=float, default=10.0, metavar="SECONDS",
                     help="timeout of each registry request (default 10)")
    out = common.add_argument_group("output")
    out.add_argument("-o", "--output", choices=("text", "json", "yaml", "markdown"), default="text",
                     help="human report (default), the JSON contract, the same document as YAML, or Markdown")
    out.add_argument("--no-color", action="store_true", help="never colour (default: colour only on a terminal)")
    out.add_argument("--now", metavar="RFC3339",
                     help="the time to judge ages against (default: now live; the newest timestamp in the input offline)")
    out.add_argument("--creating-threshold", type=float, default=300.0, metavar="SECONDS",
                     help="ContainerCreating longer than this counts as stuck (default 300)")
    out.add_argument("--restart-threshold", type=int, default=3, metavar="N",
                     help="a Running container that restarted at least N times, the last time within "
                          "--restart-window, counts as crash-looping (CrashLoopBackOff always does; default 3)")
    out.add_argument("--restart-window", type=float, default=3600.0, metavar="SECONDS",
                     help="how recent that last restart must be (default 3600)")
    out.add_argument("--not-ready-threshold", type=float, default=300.0, metavar="SECONDS",
                     help="a Running pod not Ready for longer than this counts as stuck (default 300)")
    out.add_argument("--terminating-threshold", type=float, default=300.0, metavar="SECONDS",
                     help="a pod still Terminating this long after its grace period ended counts as stuck "
                          "(default 300)")

    p = argparse.ArgumentParser(
        prog="podwhy",
        description="Why is this Pod stuck? Diagnoses ImagePullBackOff/ErrImagePull, Pending, pods that "
                    "are never created, and pods that start and then fail (CrashLoopBackOff, OOMKilled, probes, "
                    "Terminating, Evicted), with evidence and the exact fix. Read-only.",
        epilog="exit codes: 0 nothing stuck, 1 stuck subjects diagnosed, 2 usage or input error, "
               "3 cluster unreachable or unauthorised",
    )
    p.add_argument("--version", action=_VersionAction)
    sub = p.add_subparsers(dest="command", required=True, metavar="{pod,scan,serve}")
    pod = sub.add_parser("pod", parents=[common], help="diagnose one pod (or every pod of an owner with --owner)",
                         usage="%(prog)s NAME [options]\n       %(prog)s --owner [KIND/]NAME [options]\n"
                               "       %(prog)s [KIND/]NAME --owner [KIND] [options]")
    pod.add_argument("name", nargs="?", metavar="NAME",
                     help="pod name, or with --owner the owner's name (KIND/NAME also accepted)")
    pod.add_argument("--owner", nargs="?", const=_ANY_KIND, metavar="KIND[/NAME]",
                     help="NAME is an owner: every pod of that Deployment/ReplicaSet/StatefulSet/Job/DaemonSet "
                          "(KIND as kubectl spells it: deployment, deploy, rs, sts, ds, job, ...); "
                          "`--owner deployment/web` names kind and owner at once")
    scan = sub.add_parser("scan", parents=[common], help="every stuck pod and failing controller")
    scan.add_argument("-A", "--all-namespaces", action="store_true", help="all namespaces")
    scan.add_argument("--max-node-verdicts", type=int, default=250_000, metavar="N",
                      help="above N per-node scheduling verdicts in all, pods of one equivalence class share one "
                           "node list (sameNodesAs); 0 = list every node for every pod (default 250000)")
    from podwhy.serve.options import add_arguments

    serve = sub.add_parser("serve", parents=[common], help="serve the report over HTTP: a live dashboard, a JSON API "
                           "and Prometheus metrics, kept current by watching the cluster (or of a snapshot with --from)")
    add_arguments(serve)
    return p


def _now(arg: str | None, latest: str) -> datetime:
    from podwhy.timeutil import parse_time

    if arg:
        t = parse_time(arg)
        if t is None:
            raise InputError(f"--now: not an RFC 3339 time: {arg!r}")
        return t
    t = parse_time(latest) if latest else None
    return t or datetime.now(UTC)


def main(argv: list[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser()
    if "_ARGCOMPLETE" in os.environ:
        # Shell completion (argcomplete's protocol): answers on fd 8 and exits; imported only here.
        import argcomplete

        argcomplete.autocomplete(parser)
    try:
        args = parser.parse_args(argv)
    except _VersionRequested:
        out.write(f"podwhy {version()}\n")
        out.flush()
        return EXIT_OK
    try:
        return _run(args, out, err)
    except ClusterError as exc:
        print(f"podwhy: {exc}", file=err)
        return EXIT_CLUSTER
    except PodwhyError as exc:
        print(f"podwhy: {exc}", file=err)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("podwhy: interrupted", file=err)
        return 130
    except BrokenPipeError:
        # The report's own writes handle a closed pipe (and keep its exit code); this is any other write.
        _silence(out)
        return EXIT_INPUT


def _silence(stream: TextIO) -> None:
    """After a broken pipe: point the stream's descriptor at /dev/null, so that flushing what is still buffered
    (at exit) neither fails nor prints 'Exception ignored' (Python's documented SIGPIPE recipe)."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


def _pod_target(args: argparse.Namespace) -> tuple[str | None, str | None, str | None]:
    """(pod name, owner kind, owner name) from `pod NAME`, `pod NAME --owner [KIND]`, `pod KIND/NAME --owner`,
    `pod --owner KIND/NAME` (the README's CI gate) and `pod --owner NAME`."""
    name: str | None = args.name
    raw_owner: str | None = args.owner
    if raw_owner is None:
        if name is None:
            raise InputError("pod: NAME is required (or --owner [KIND/]NAME for every pod of an owner)")
        if "/" in name:
            prefix, name = name.split("/", 1)
            if prefix.lower() not in ("pod", "pods", "po"):
                raise InputError(f"{args.name!r}: only pods here; use --owner for {prefix}")
        if not name:
            raise InputError(f"{args.name!r}: no pod name")
        return name, None, None
    raw_kind: str | None = None if raw_owner == _ANY_KIND else raw_owner
    if name is None:
        # `--owner KIND/NAME` or `--owner NAME`: argparse gave the whole value to --owner.
        if raw_kind is None:
            raise InputError("pod --owner: name the owner (NAME, KIND/NAME, or --owner KIND/NAME)")
        if "/" in raw_kind:
            raw_kind, name = raw_kind.split("/", 1)
        elif owner_kind(raw_kind) is None:
            raw_kind, name = None, raw_kind
        else:
            raise InputError(f"pod --owner {raw_kind}: which {raw_kind}? Give its name: --owner {raw_kind}/NAME "
                             f"or `pod NAME --owner {raw_kind}`")
    elif "/" in name:
        named_kind, name = name.split("/", 1)
        if raw_kind is not None and owner_kind(raw_kind) != owner_kind(named_kind):
            raise InputError(f"pod {args.name} --owner {raw_kind}: two different kinds given")
        raw_kind = named_kind
    kind = None
    if raw_kind is not None:
        kind = owner_kind(raw_kind)
        if kind is None:
            raise InputError(f"--owner: unknown kind {raw_kind!r} (one of {', '.join(OWNER_KINDS)}, or kubectl's "
                             "plural/short names such as deployments, deploy, rs, sts, ds, jobs)")
    if not name:
        raise InputError("pod --owner: no owner name")
    return None, kind, name


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def _nearest(query: str, names: list[str], limit: int = 3) -> list[str]:
    """Names close to `query`: those it starts (a Deployment's name for one of its pods) first, then by edit
    similarity (rapidfuzz)."""
    uniq = sorted(set(names) - {query})
    if not uniq:
        return []
    from rapidfuzz import fuzz, process

    out = [n for n in uniq if n.startswith(query)][:limit]
    for cand, _score, _i in process.extract(query, uniq, scorer=fuzz.ratio, limit=limit + len(out),
                                           score_cutoff=60):
        if cand not in out:
            out.append(cand)
    return out[:limit]


def _input_namespaces(snap: Snapshot) -> list[str]:
    """Namespaces that hold a pod or a controller of the input."""
    from podwhy.snapshot import CONTROLLER_KINDS

    found = set(snap.pods_by_namespace)
    for kind in CONTROLLER_KINDS:
        found.update(o.metadata.namespace for o in snap.objects(kind))
    return sorted(found)


def _nothing_to_diagnose(snap: Snapshot, ignored: dict[str, int], sources: list[str]) -> str:
    from podwhy.snapshot import ATTR

    where = ", ".join("<stdin>" if s == "-" else s for s in sources)
    read = [(k, len(snap.objects(k))) for k in ATTR if snap.objects(k)] + sorted(ignored.items())
    # What was skipped (objects without a name, fields of the wrong type) is the reason as often as not.
    skipped = [n for n in snap.notes if not n.startswith("not read (kinds")]
    why = f" ({'; '.join(skipped)})" if skipped else ""
    if not read:
        if skipped:
            return f"no usable Kubernetes objects in {where}{why}: nothing to diagnose"
        if "-" in sources:
            return (f"nothing was read from {where}: the input is empty (did the command before the pipe fail?); "
                    "nothing to diagnose")
        return f"no Kubernetes objects in {where}: nothing to diagnose"
    what = ", ".join(f"{n} {k}" for k, n in read)
    return (f"no pods (and no controllers) in the input, nothing to diagnose: read {what} from {where}{why}. "
            "Include the pods, e.g. `kubectl get pods,events -A -o yaml`")


def _pod_not_found(snap: Snapshot, name: str, namespace: str | None, offline: bool) -> str:
    msg = f"pod {name!r} not found" + (f" in namespace {namespace!r}" if namespace else "")
    elsewhere = sorted({p.metadata.namespace for p in snap.pods
                        if p.metadata.name == name and p.metadata.namespace != namespace})
    if len(elsewhere) == 1:
        return msg + f"; it exists in namespace {elsewhere[0]!r} (use -n {elsewhere[0]})"
    if elsewhere:
        return msg + f"; it exists in namespaces {_listed([repr(n) for n in elsewhere])} (use -n NAMESPACE)"
    pods = snap.pods if namespace is None else snap.pods_by_namespace.get(namespace, [])
    near = _nearest(name, [p.metadata.name for p in pods])
    if near:
        return msg + f"; did you mean {' or '.join(near)}?"
    if offline and namespace is not None and namespace not in snap.pods_by_namespace:
        present = _input_namespaces(snap)
        return msg + f"; the input has no pods in that namespace (namespaces in the input: {_listed(present)})"
    return msg


def _owner_not_found(snap: Snapshot, sel: Selection) -> str | None:
    """None when the owner of `sel` owns a pod or is a controller of the snapshot; else the error message."""
    from podwhy.diagnose import owner_namespaces, owners_known

    kind, name = sel.owner_kind, sel.owner_name or ""
    found = owner_namespaces(snap, kind, name)
    if (sel.namespace is None and found) or sel.namespace in found:
        return None
    what = f"{KIND_TITLE[kind]} {name!r}" if kind else f"owner {name!r}"
    msg = f"{what} not found" + (f" in namespace {sel.namespace!r}" if sel.namespace else "")
    where = "cluster" if snap.source.kind == "live" else "input"
    msg += f": no pod of the {where} belongs to it, and it is not itself in the {where}"
    others = sorted(found)
    if len(others) == 1:
        return msg + f"; it exists in namespace {others[0]!r} (use -n {others[0]})"
    if others:
        return msg + f"; it exists in namespaces {_listed([repr(n) for n in others])} (use -n NAMESPACE)"
    known = owners_known(snap, kind, sel.namespace)
    near = _nearest(name, [n for _k, n in known])
    if near:
        by_name = {n: k for k, n in known}
        return msg + "; did you mean " + " or ".join(f"{by_name[n].lower()}/{n}" for n in near) + "?"
    if kind == "deployment" and not snap.has("ReplicaSet"):
        msg += " (ReplicaSets were not in the input, so pods cannot be traced to their Deployment: include them)"
    return msg


def _options(args: argparse.Namespace) -> Options:
    from podwhy.analyzers import Options

    return Options(creating_threshold=args.creating_threshold, restart_threshold=args.restart_threshold,
                   restart_window=args.restart_window, not_ready_threshold=args.not_ready_threshold,
                   terminating_threshold=args.terminating_threshold)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from podwhy.diagnose import Selection, diagnose

    namespace: str | None = args.namespace
    all_ns = bool(getattr(args, "all_namespaces", False))
    if all_ns and namespace:
        raise InputError("-n/--namespace and -A/--all-namespaces cannot be used together")
    pod_name = owner_kind_ = owner_name = None
    if args.command == "pod":
        pod_name, owner_kind_, owner_name = _pod_target(args)

    offline = bool(args.sources)
    if args.sources:
        from podwhy.snapshot import CONTROLLER_KINDS, SourceInfo
        from podwhy.snapshot.build import build_snapshot
        from podwhy.snapshot.sources.files import load_paths

        # `kubectl describe` text prints ages, not times: they count back from --now (or now).
        decoded, kind, detail = load_paths(args.sources, now=_now(args.now, ""))
        snap = build_snapshot(decoded, SourceInfo(kind, detail))
        if not snap.pods and not any(snap.objects(k) for k in CONTROLLER_KINDS):
            # Exit 0 would say "nothing stuck" about an input that held nothing to judge (an empty pipe from a
            # failed kubectl, an events-only file): an input error.
            raise InputError(_nothing_to_diagnose(snap, decoded.ignored, args.sources))
        if pod_name is not None and namespace is None:
            matches = sorted({p.metadata.namespace for p in snap.pods if p.metadata.name == pod_name})
            if len(matches) > 1:
                raise InputError(f"pod {pod_name!r} exists in several namespaces ({', '.join(matches)}): use -n")
            namespace = matches[0] if matches else None
        if args.command in ("scan", "serve") and namespace is not None:
            present = _input_namespaces(snap)
            if namespace not in present:
                raise InputError(f"namespace {namespace!r} is not in the input: no pods or controllers there "
                                 f"(namespaces in the input: {_listed(present)})")
        if args.command in ("scan", "serve") and not all_ns and namespace is None:
            all_ns = True  # offline input has no context namespace: scan what was given
    elif args.command == "serve":
        from podwhy.serve.command import run as serve

        return serve(args, _options(args), err)
    else:
        from podwhy.snapshot.sources.live import load_live, load_live_pod

        # One pod stuck pulling its images: only what its diagnosis reads (a dozen requests however big
        # the cluster); anything else (or any doubt) reads the cluster as a scan does.
        one = (load_live_pod(pod_name, kubeconfig=args.kubeconfig, context=args.context, namespace=namespace,
                             timeout=args.request_timeout)
               if pod_name is not None and owner_name is None and not args.probe_registry else None)
        snap, ctx_ns = one if one is not None else load_live(
            kubeconfig=args.kubeconfig,
            context=args.context,
            namespace=None if all_ns else namespace,
            all_namespaces=all_ns,
            timeout=args.request_timeout,
            progress=err if err.isatty() else None,
        )
        if namespace is None and not all_ns:
            namespace = ctx_ns

    sel = Selection(namespace=None if all_ns else namespace, pod=pod_name, owner_kind=owner_kind_,
                    owner_name=owner_name)
    if pod_name is not None and not any(p.metadata.name == pod_name and (sel.namespace is None or
                                                                        p.metadata.namespace == sel.namespace)
                                        for p in snap.pods):
        raise InputError(_pod_not_found(snap, pod_name, sel.namespace, offline))
    if owner_name is not None and (offline or snap.has("Pod")):
        missing = _owner_not_found(snap, sel)
        if missing is not None:
            raise InputError(missing)
    now = _now(args.now, snap.latest_time if snap.source.kind != "live" else "")
    opts = _options(args)
    if args.probe_registry:
        from podwhy.registry import ProbeConfig, TransportConfig, probe_cluster

        opts.probe_results = probe_cluster(
            snap, selection=sel, now=now, options=opts, sources=args.sources, kubeconfig=args.kubeconfig,
            context=args.context, api_timeout=args.request_timeout,
            config=ProbeConfig(TransportConfig(insecure=tuple(args.insecure_registry),
                                               ca_files=tuple(args.registry_ca), timeout=args.probe_timeout)),
            progress=err if err.isatty() else None,
        )
    report = diagnose(snap, now=now, options=opts, selection=sel,
                      max_node_verdicts=getattr(args, "max_node_verdicts", 0))
    if offline:
        from podwhy.followups import offline_followups

        report = offline_followups(report, args.sources)
    if args.command == "serve":
        from podwhy.serve.command import run as serve

        served = report
        return serve(args, opts, err, offline_report=lambda: (served, snap))
    _KEEPALIVE[:] = [snap, report]
    # The exit code is the report's, decided before a byte is written: a reader that stops early
    # (`| head`) must not turn "stuck" into success.
    code = EXIT_STUCK if report.subjects else EXIT_OK
    try:
        _write(args, report, out, pod_name)
    except BrokenPipeError:
        _silence(out)
    return code


def _write(args: argparse.Namespace, report: Report, out: TextIO, pod_name: str | None) -> None:
    from podwhy.render import renderer
    from podwhy.render.ascii import encoding_of, for_stream

    color = (not args.no_color) and out.isatty() and "NO_COLOR" not in os.environ
    width = 80
    if out.isatty():
        try:
            width = max(80, min(os.get_terminal_size(out.fileno()).columns, 160))
        except OSError:
            width = 80
    # Rendering a big report allocates as much as the diagnosis did: no cyclic GC meanwhile (see diagnose).
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        binary = getattr(out, "buffer", None)
        if args.output in ("json", "yaml") and binary is not None:
            # The encoder's UTF-8 bytes go out as they are: no decode and re-encode of a report that
            # can be 100+ MB (JSON is UTF-8 whatever the locale says, RFC 8259; YAML too here).
            if args.output == "json":
                from podwhy.render.json import render_bytes

                data, tail = render_bytes(report), b"\n"  # two writes: no copy of a 100+ MB document
            else:
                from podwhy.render.yamlout import render_bytes as render_yaml

                data, tail = render_yaml(report), b""
            out.flush()
            binary.write(data)
            binary.write(tail)
            binary.flush()
            return
        text = renderer(args.output)(report, color=color, width=width)
    finally:
        if gc_was_on:
            gc.enable()
    if args.command == "pod" and pod_name is not None and not report.subjects and args.output == "text":
        text = text.replace("podwhy: nothing stuck", f"podwhy: pod {pod_name} is fine: nothing stuck", 1)
    if args.output in ("text", "markdown"):
        # A stream that cannot encode the glyphs (LC_ALL=C, latin-1) gets ASCII ones, and escapes for the rest.
        text = for_stream(text, encoding_of(out))
    out.write(text)
    out.flush()

def entry() -> None:
    """Console-script entry: exit without tearing down a possibly huge snapshot object by object."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
