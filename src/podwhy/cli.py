"""argv -> load -> diagnose -> render -> exit code. No diagnosis logic lives here.

Exit codes: 0 nothing stuck, 1 stuck subjects diagnosed, 2 usage or input error,
3 cluster unreachable or unauthorised.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from datetime import UTC, datetime
from typing import TextIO

from podwhy.errors import ClusterError, InputError, PodwhyError

EXIT_OK, EXIT_STUCK, EXIT_INPUT, EXIT_CLUSTER = 0, 1, 2, 3

# Large snapshots are kept alive until `entry` exits the process: freeing millions of objects one
# by one would cost more than the whole diagnosis.
_KEEPALIVE: list[object] = []

OWNER_KINDS = ("deployment", "replicaset", "statefulset", "job", "daemonset", "replicationcontroller")


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
    out.add_argument("-o", "--output", choices=("text", "json", "markdown"), default="text")
    out.add_argument("--no-color", action="store_true", help="never colour (default: colour only on a terminal)")
    out.add_argument("--now", metavar="RFC3339",
                     help="the time to judge ages against (default: now live; the newest timestamp in the input offline)")
    out.add_argument("--creating-threshold", type=float, default=300.0, metavar="SECONDS",
                     help="ContainerCreating longer than this counts as stuck (default 300)")

    p = argparse.ArgumentParser(
        prog="podwhy",
        description="Why is this Pod stuck? Diagnoses ImagePullBackOff/ErrImagePull, Pending and pods that "
                    "are never created, with evidence and the exact fix. Read-only.",
        epilog="exit codes: 0 nothing stuck, 1 stuck subjects diagnosed, 2 usage or input error, "
               "3 cluster unreachable or unauthorised",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="{pod,scan}")
    pod = sub.add_parser("pod", parents=[common], help="diagnose one pod (or every pod of an owner with --owner)")
    pod.add_argument("name", help="pod name, or with --owner the owner's name (KIND/NAME also accepted)")
    pod.add_argument("--owner", nargs="?", const="any", metavar="KIND",
                     help="NAME is an owner: every pod of that Deployment/ReplicaSet/StatefulSet/Job/DaemonSet")
    scan = sub.add_parser("scan", parents=[common], help="every stuck pod and failing controller")
    scan.add_argument("-A", "--all-namespaces", action="store_true", help="all namespaces")
    scan.add_argument("--max-node-verdicts", type=int, default=250_000, metavar="N",
                      help="above N per-node scheduling verdicts in all, pods of one equivalence class share one "
                           "node list (sameNodesAs); 0 = list every node for every pod (default 250000)")
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
    args = _parser().parse_args(argv)
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
        return EXIT_OK


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from podwhy.analyzers import Options
    from podwhy.diagnose import Selection, diagnose
    from podwhy.render import renderer

    namespace: str | None = args.namespace
    all_ns = bool(getattr(args, "all_namespaces", False))
    if all_ns and namespace:
        raise InputError("-n/--namespace and -A/--all-namespaces cannot be used together")
    pod_name = owner_kind = owner_name = None
    if args.command == "pod":
        name = args.name
        if args.owner is not None:
            owner_kind = None if args.owner == "any" else args.owner.lower()
            if "/" in name:
                owner_kind, name = name.split("/", 1)
                owner_kind = owner_kind.lower()
            if owner_kind is not None and owner_kind.rstrip("s") not in OWNER_KINDS and owner_kind not in OWNER_KINDS:
                raise InputError(f"--owner: unknown kind {owner_kind!r} (one of {', '.join(OWNER_KINDS)})")
            owner_name = name
        else:
            if "/" in name:
                kind, name = name.split("/", 1)
                if kind.lower() not in ("pod", "pods", "po"):
                    raise InputError(f"{args.name!r}: only pods here; use --owner for {kind}")
            pod_name = name

    if args.sources:
        from podwhy.snapshot import SourceInfo
        from podwhy.snapshot.build import build_snapshot
        from podwhy.snapshot.sources.files import load_paths

        decoded, kind, detail = load_paths(args.sources)
        snap = build_snapshot(decoded, SourceInfo(kind, detail))
        if pod_name is not None and namespace is None:
            matches = sorted({p.metadata.namespace for p in snap.pods if p.metadata.name == pod_name})
            if len(matches) > 1:
                raise InputError(f"pod {pod_name!r} exists in several namespaces ({', '.join(matches)}): use -n")
            namespace = matches[0] if matches else None
        if args.command == "scan" and not all_ns and namespace is None:
            all_ns = True  # offline input has no context namespace: scan what was given
    else:
        from podwhy.snapshot.sources.live import load_live

        snap, ctx_ns = load_live(
            kubeconfig=args.kubeconfig,
            context=args.context,
            namespace=None if all_ns else namespace,
            all_namespaces=all_ns,
            timeout=args.request_timeout,
            progress=err if err.isatty() else None,
        )
        if namespace is None and not all_ns:
            namespace = ctx_ns

    sel = Selection(namespace=None if all_ns else namespace, pod=pod_name, owner_kind=owner_kind,
                    owner_name=owner_name)
    if pod_name is not None and not any(p.metadata.name == pod_name and (sel.namespace is None or
                                                                        p.metadata.namespace == sel.namespace)
                                        for p in snap.pods):
        where = f" in namespace {sel.namespace!r}" if sel.namespace else ""
        raise InputError(f"pod {pod_name!r} not found{where}")
    now = _now(args.now, snap.latest_time if snap.source.kind != "live" else "")
    opts = Options(creating_threshold=args.creating_threshold)
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
    _KEEPALIVE[:] = [snap, report]

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
        if args.output == "json" and binary is not None:
            # The encoder's UTF-8 bytes go out as they are: no decode and re-encode of a report that
            # can be 100+ MB (JSON is UTF-8 whatever the locale says, RFC 8259).
            from podwhy.render.json import render_bytes

            data = render_bytes(report)
            out.flush()
            binary.write(data)
            binary.write(b"\n")
            binary.flush()
            return EXIT_STUCK if report.subjects else EXIT_OK
        text = renderer(args.output)(report, color=color, width=width)
    finally:
        if gc_was_on:
            gc.enable()
    if args.command == "pod" and pod_name is not None and not report.subjects and args.output == "text":
        text = text.replace("podwhy: nothing stuck", f"podwhy: pod {pod_name} is fine: nothing stuck", 1)
    out.write(text)
    out.flush()
    return EXIT_STUCK if report.subjects else EXIT_OK


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
