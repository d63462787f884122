"""What a live read could not see, said as notes (a forbidden or missing kind and what that leaves
unchecked), and the errors that stop it (unreachable, credentials refused, no pods readable)."""

from __future__ import annotations

from urllib.parse import urlsplit

from podwhy.errors import ClusterError
from podwhy.model.kinds import EVENTS_V1, KindInfo
from podwhy.snapshot.sources.live.client import Failed
from podwhy.snapshot.sources.live.config import Cluster
from podwhy.snapshot.sources.live.lister import KindResult, kind_label

# ---------------------------------------------------------------------------------------------
# Notes and errors
# ---------------------------------------------------------------------------------------------


def _consequence(info: KindInfo) -> str:
    return info.consequence or "not checked"


def _failure_note(info: KindInfo, f: Failed, *, quote: bool) -> str:
    label = kind_label(info)
    if f.forbidden:
        detail = f" ({f.message})" if quote and f.message else ""
        return f"{label}: forbidden, {_consequence(info)}{detail}"
    if f.missing:
        api = info.api_version
        return f"{label}: API {api} not served by this cluster (HTTP 404), {_consequence(info)}"
    return f"{label}: could not be listed ({f.why}), {_consequence(info)}"


def unreachable(cluster: Cluster, f: Failed, timeout: float) -> ClusterError:
    host = urlsplit(cluster.server).hostname or cluster.server
    head = f"cannot reach the cluster of context {cluster.context!r} at {cluster.server}"
    fixes = {
        "refused": "connection refused: the API server is down, or the kubeconfig's `server` address is wrong",
        "dns": f"the host name {host!r} does not resolve (DNS): check the kubeconfig's `server` address "
               "and your VPN/network",
        "tls": f"{f.why}: the kubeconfig's certificate-authority(-data) must be the CA that signed the server's "
               "certificate, and the `server` name must match that certificate",
        "timeout": f"{f.why}: check the network/VPN, or raise --request-timeout (now {timeout:g}s)",
        "proxy": f"{f.why}: check the kubeconfig's proxy-url and HTTPS_PROXY/NO_PROXY",
        "credentials": f"{f.why}: fix the kubeconfig's user entry (e.g. log in again with your provider's CLI)",
    }
    why = fixes.get(f.transport, f.why)
    return ClusterError(f"{head}: {why}. Check with `kubectl --context {cluster.context} cluster-info`; choose "
                        "another cluster with --context or --kubeconfig")


def unauthorised(cluster: Cluster, f: Failed) -> ClusterError:
    return ClusterError(
        f"the cluster at {cluster.server} rejected the credentials of context {cluster.context!r} "
        f"(user {cluster.user!r}): HTTP 401 Unauthorized. The token or client certificate is missing, wrong "
        "or expired: log in again (refresh the kubeconfig's credentials), or pick another context with --context")


def no_pods(cluster: Cluster, pods: KindResult, timeout: float, namespace: str) -> ClusterError:
    f = pods.failure
    assert f is not None
    if f.transport in ("refused", "dns", "tls", "timeout", "proxy", "credentials"):
        return unreachable(cluster, f, timeout)
    if f.status == 401:
        return unauthorised(cluster, f)
    if f.forbidden:
        detail = f": {f.message}" if f.message else ""
        return ClusterError(
            f"unauthorised: user {cluster.user!r} of context {cluster.context!r} may not list pods, cluster-wide "
            f"or in namespace {namespace!r}{detail}. Ask for read access (a Role/ClusterRole with "
            "`list` on pods, events, ...), use -n with a namespace you can read, or pick another context with "
            "--context")
    return ClusterError(f"could not list pods from {cluster.server} (context {cluster.context!r}): {f.why}")


def notes_for(results: list[KindResult], cluster: Cluster, scope: str | None) -> list[str]:
    notes: list[str] = []
    events_v1 = next(r for r in results if r.info is EVENTS_V1)
    fell_back = [r for r in results if r.fell_back and r.info.kind != "Pod"]
    pods = next(r for r in results if r.info.kind == "Pod")
    if pods.fell_back:
        if scope is None:
            notes.append(f"pods: listing across all namespaces is forbidden; only namespace {pods.namespace!r} "
                         "was read, so other namespaces' pods are unknown and node usage by them is not counted")
        else:
            notes.append("pods: listing across all namespaces is forbidden, so pods of other namespaces are "
                         "unknown: node usage by them is not counted (resource fit, pod (anti-)affinity and "
                         "host ports on nodes may look freer than they are)")
    if fell_back and scope is None:
        kinds = ", ".join(kind_label(r.info) for r in fell_back)
        notes.append(f"listing across all namespaces is forbidden for {kinds}: read namespace "
                     f"{cluster.namespace!r} only")
    failed = [r for r in results if r.failure is not None and r.info.kind != "Pod"
              # Both event APIs serve the same objects: one of them is enough, and one note when neither.
              and not (r.info.kind == "Event" and (r is events_v1 or events_v1.failure is None))]
    refusals = [r.failure.message for r in failed if r.failure is not None and r.failure.forbidden]
    # One refusal: quote the API server's words in its note. Several (a namespace-only user): short
    # notes, and the server's words once (they name the user as the server sees it).
    quote = len(refusals) == 1
    notes.extend(_failure_note(r.info, r.failure, quote=quote) for r in failed if r.failure is not None)
    if len(refusals) > 1 and refusals[0]:
        notes.append(f"{len(refusals)} lists were forbidden by the cluster's RBAC, e.g.: {refusals[0]}")
    return notes
