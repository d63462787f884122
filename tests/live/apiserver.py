"""A loopback Kubernetes API server for the live-mode tests: recorded responses, RBAC and faults.

It serves `recorded/` (the responses of a small 1.31 cluster: three nodes, four namespaces, a few
stuck pods) the way kube-apiserver does, so the real official client and the real `kubectl` can
talk to it:

- discovery (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`) and `/version`;
- lists cluster-wide and per namespace, paged with `limit`/`continue` (continue tokens shaped like
  k8s.io/apiserver/pkg/storage/etcd3's: base64 JSON {"v","rv","start"}), items in etcd key order,
  `remainingItemCount` set; kinds with no recorded file are served as empty lists;
- server-side printing: a meta.k8s.io Table when the client's Accept asks for one (kubectl get);
- metav1.Status bodies with the API server's own wording for 401, 403 (RBAC), 404, 410 Expired,
  429 (with Retry-After), 500 and 503;
- faults injected once (or n times): an expired continue token, 429, 500, 503, a connection dropped
  mid-body, a response slower than the client's timeout.

Listens on 127.0.0.1 only, plain HTTP or TLS (a self-signed certificate made with openssl).
"""

from __future__ import annotations

import base64
import gzip
import json
import ssl
import subprocess
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

RECORDED = Path(__file__).parent / "recorded"

# Status messages as kube-apiserver writes them (k8s.io/apimachinery/pkg/api/errors/errors.go and
# k8s.io/apiserver/pkg/storage/errors.go, 1.31).
EXPIRED_MESSAGE = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter, or use the continue token in this response to retrieve the remainder of the "
    "results. Continuing with the provided token results in an inconsistent list - objects that were created, "
    "modified, or deleted between the time the first chunk was returned and now may show up in the list."
)


@dataclass
class Fault:
    """Misbehaviour for requests to `path` (exact list path): applied `times` times, then normal answers.

    do: expire (410) | too-many (429) | error (500) | unavailable (503) | drop (close mid-body)
        | slow (answer after `delay` seconds) | unauthorized (401) | html (200 with a proxy's login page)
    page: first (no continue token) | next (with one) | any
    """

    do: str
    path: str
    page: str = "any"
    times: int = 1
    retry_after: int | None = None
    delay: float = 0.0
    hits: int = 0


@dataclass
class Rules:
    """Who may do what. `tokens`: bearer tokens accepted (None: any request, even without one)."""

    tokens: frozenset[str] | None = frozenset({"token-jane"})
    user: str = "jane"
    # Resources this user may not list anywhere (RBAC has no rule for them): a plural of any group
    # ("secrets") or of one group ("core/events", "events.k8s.io/events").
    forbid: frozenset[str] = frozenset()
    # Namespace-only user: may list namespaced resources in this namespace only, nothing cluster-scoped.
    namespace_only: str | None = None
    # Group-versions this server does not serve, e.g. "events.k8s.io/v1" (an old cluster).
    missing: frozenset[str] = frozenset()
    faults: list[Fault] = field(default_factory=list)
    # Items served instead of the recorded ones, by "<group-version>/<plural>" (e.g. "v1/pods").
    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Bodies larger than this are gzip-compressed when the client accepts it (kube-apiserver's
    # APIResponseCompression: k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/writers.go,
    # defaultGzipThresholdBytes = 128 KiB).
    gzip_threshold: int = 128 * 1024


@dataclass(frozen=True)
class Seen:
    path: str
    query: dict[str, str]
    authorization: str | None
    accept: str
    client_cert: str | None = None  # CN of a verified client certificate


@dataclass(frozen=True)
class Resource:
    group_version: str  # "v1" for core
    plural: str
    kind: str
    namespaced: bool

    @property
    def group(self) -> str:
        return self.group_version.split("/")[0] if "/" in self.group_version else ""

    @property
    def prefix(self) -> str:
        return "/api/v1" if self.group_version == "v1" else f"/apis/{self.group_version}"

    @property
    def list_kind(self) -> str:
        return self.kind + "List"


def _load(rel: str) -> Any:
    return json.loads((RECORDED / rel).read_text())


def _resources() -> dict[tuple[str, str], Resource]:
    out: dict[tuple[str, str], Resource] = {}
    docs = [_load("api/v1.json")] + [_load(f"apis/{g['preferredVersion']['groupVersion']}.json")
                                     for g in _load("apis.json")["groups"]]
    for doc in docs:
        for r in doc["resources"]:
            if "/" not in r["name"]:
                gv = doc["groupVersion"]
                out[(gv, r["name"])] = Resource(gv, r["name"], r["kind"], r["namespaced"])
    return out


def status_body(code: int, reason: str, message: str, details: dict[str, Any] | None = None,
                metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": metadata or {}, "status": "Failure",
                            "message": message, "reason": reason}
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def continue_token(rv: str, start: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": int(rv), "start": start + "\x00"}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _start_of(token: str) -> str | None:
    try:
        doc = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:
        return None
    start = doc.get("start") if isinstance(doc, dict) else None
    return start.rstrip("\x00") if isinstance(start, str) else None


def _age(ts: str | None) -> str:
    if not ts:
        return "<unknown>"
    seconds = int((datetime.now(UTC) - datetime.fromisoformat(ts.replace("Z", "+00:00"))).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{max(seconds, 0)}s"


def _pod_row(pod: dict[str, Any]) -> list[Any]:
    """The cells of kubectl get pods' columns (pkg/printers/internalversion/printers.go printPod)."""
    st = pod.get("status", {})
    statuses = st.get("containerStatuses", [])
    reason = st.get("reason") or st.get("phase", "")
    for cs in statuses:
        waiting = cs.get("state", {}).get("waiting")
        if waiting and waiting.get("reason"):
            reason = waiting["reason"]
    ready = sum(1 for cs in statuses if cs.get("ready"))
    total = len(pod.get("spec", {}).get("containers", []))
    return [pod["metadata"]["name"], f"{ready}/{total}", reason, "0", _age(pod["metadata"].get("creationTimestamp")),
            st.get("podIP") or "<none>", pod.get("spec", {}).get("nodeName") or "<none>", "<none>", "<none>"]


POD_COLUMNS = [
    ("Name", "string", "name", 0, "Name must be unique within a namespace."),
    ("Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting traffic."),
    ("Status", "string", "", 0, "The aggregate status of the containers in this pod."),
    ("Restarts", "string", "", 0, "The number of times the containers in this pod have been restarted and when "
                                   "the last container in this pod has restarted."),
    ("Age", "string", "", 0, "CreationTimestamp is a timestamp representing the server time when this object was "
                             "created."),
    ("IP", "string", "", 1, "podIP address allocated to the pod. Routable at least within the cluster."),
    ("Node", "string", "", 1, "NodeName indicates in which node this pod is scheduled."),
    ("Nominated Node", "string", "", 1, "nominatedNodeName is set when this pod preempts other pods on the node."),
    ("Readiness Gates", "string", "", 1, "If specified, all readiness gates will be evaluated for pod readiness."),
]
DEFAULT_COLUMNS = [
    ("Name", "string", "name", 0, "Name must be unique within a namespace."),
    ("Created At", "date", "", 0, "CreationTimestamp is a timestamp representing the server time when this "
                                  "object was created."),
]


def table(res: Resource, lst: dict[str, Any], api_version: str) -> dict[str, Any]:
    """Server-side printing (k8s.io/apiserver/pkg/endpoints/handlers/response.go asTable)."""
    cols = POD_COLUMNS if res.kind == "Pod" else DEFAULT_COLUMNS
    rows = []
    for item in lst["items"]:
        cells = _pod_row(item) if res.kind == "Pod" else [item["metadata"]["name"],
                                                             item["metadata"].get("creationTimestamp")]
        rows.append({"cells": cells, "object": {"kind": "PartialObjectMetadata", "apiVersion": api_version,
                                                "metadata": item["metadata"]}})
    return {
        "kind": "Table", "apiVersion": api_version, "metadata": lst["metadata"],
        "columnDefinitions": [{"name": n, "type": t, "format": f, "description": d, "priority": p}
                              for n, t, f, p, d in cols],
        "rows": rows,
    }


class FakeAPIServer:
    """`with FakeAPIServer(Rules(...)) as api:` then point a kubeconfig at `api.url`."""

    def __init__(self, rules: Rules | None = None, *, tls: Pki | None = None) -> None:
        self.rules = rules or Rules()
        self.tls = tls
        self.requests: list[Seen] = []
        # Every HTTP method received, writes included (podwhy must only ever GET).
        self.methods: list[str] = []
        self.gzipped = 0  # responses sent compressed
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._resources = _resources()
        self._lists: dict[tuple[str, str], dict[str, Any]] = {}
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> FakeAPIServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        server = self
        ctx: ssl.SSLContext | None = None
        if self.tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(self.tls.server_cert), str(self.tls.server_key))
            # Client certificates signed by the cluster CA authenticate as their CN (x509 authenticator).
            ctx.verify_mode = ssl.CERT_OPTIONAL
            ctx.load_verify_locations(str(self.tls.ca))

        class Handler(_Handler):
            api = server

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def get_request(self) -> tuple[Any, Any]:
                sock, addr = self.socket.accept()
                if ctx is not None:
                    # The handshake runs in the handler's thread, so a client that rejects our
                    # certificate cannot stall the accept loop.
                    sock = ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
                return sock, addr

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # clients that hang up (timeouts, TLS rejections) are part of the tests

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-apiserver", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def lists_of(self, path: str) -> list[Seen]:
        return [s for s in self.requests if s.path == path]

    # ---- data --------------------------------------------------------------------------------
    def full_list(self, res: Resource) -> dict[str, Any]:
        key = (res.group_version, res.plural)
        if key not in self._lists:
            file = RECORDED / res.prefix.lstrip("/") / f"{res.plural}.json"
            override = self.rules.objects.get(f"{res.group_version}/{res.plural}")
            if override is not None:
                lst = {"kind": res.list_kind, "apiVersion": res.group_version,
                       "metadata": {"resourceVersion": "48990"}, "items": [dict(o) for o in override]}
            elif file.is_file():
                lst = json.loads(file.read_text())
            else:
                lst = {"kind": res.list_kind, "apiVersion": res.group_version, "metadata": {"resourceVersion": "48990"},
                       "items": []}
            lst["items"].sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
            self._lists[key] = lst
        return self._lists[key]

    def take_fault(self, path: str, has_continue: bool) -> Fault | None:
        with self._lock:
            for f in self.rules.faults:
                if f.path != path or f.hits >= f.times:
                    continue
                if (f.page == "first" and has_continue) or (f.page == "next" and not has_continue):
                    continue
                f.hits += 1
                return f
        return None

    def route(self, path: str) -> tuple[str, Any]:
        """("version"|"discovery"|"list"|"notfound", detail)."""
        if path == "/version":
            return "version", None
        if path in ("/api", "/apis"):
            return "discovery", path
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["api"] and len(parts) >= 2:
            gv, rest = parts[1], parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            gv, rest = f"{parts[1]}/{parts[2]}", parts[3:]
        else:
            return "notfound", None
        if gv in self.rules.missing or not any(k[0] == gv for k in self._resources):
            return "notfound", None
        if not rest:
            return "discovery", gv
        ns = None
        if len(rest) in (3, 4) and rest[0] == "namespaces":
            ns, rest = rest[1], rest[2:]
        name = rest[1] if len(rest) == 2 else None
        if len(rest) not in (1, 2):
            return "notfound", None
        res = self._resources.get((gv, rest[0]))
        if res is None or (ns is not None and not res.namespaced):
            return "notfound", None
        if name is not None:
            return "object", (res, ns, name)
        return "list", (res, ns)

    def discovery(self, which: str) -> dict[str, Any]:
        if which == "/api":
            return dict(_load("api.json"))
        if which == "/apis":
            doc = dict(_load("apis.json"))
            doc["groups"] = [g for g in doc["groups"] if g["preferredVersion"]["groupVersion"] not in self.rules.missing]
            return doc
        return dict(_load("api/v1.json" if which == "v1" else f"apis/{which}.json"))

    def forbidden(self, res: Resource, ns: str | None) -> dict[str, Any] | None:
        r = self.rules
        denied = (res.plural in r.forbid or f"{res.group or 'core'}/{res.plural}" in r.forbid
                  or (r.namespace_only is not None and ns != r.namespace_only))
        if not denied:
            return None
        scope = f'in the namespace "{ns}"' if ns else "at the cluster scope"
        # k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go forbiddenMessage
        message = (f'{res.plural} is forbidden: User "{r.user}" cannot list resource "{res.plural}" '
                   f'in API group "{res.group}" {scope}')
        details: dict[str, Any] = {"kind": res.plural}
        if res.group:
            details = {"group": res.group, "kind": res.plural}
        return status_body(403, "Forbidden", message, details)

    def page(self, res: Resource, ns: str | None, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        full = self.full_list(res)
        items = [o for o in full["items"] if ns is None or o["metadata"].get("namespace") == ns]
        items = [o for o in items if _selected(o, query)]
        rv = full["metadata"]["resourceVersion"]
        token = query.get("continue", "")
        if token:
            start = _start_of(token)
            if start is None:
                return 400, status_body(400, "BadRequest", "continue key is not valid: illegal base64 data")
            begin = tuple(start.split("/", 1)) if "/" in start else ("", start)
            items = [o for o in items if (o["metadata"].get("namespace", ""), o["metadata"]["name"]) >= begin]
        limit = int(query.get("limit") or 0)
        meta: dict[str, Any] = {"resourceVersion": rv}
        if limit and len(items) > limit:
            nxt = items[limit]["metadata"]
            meta["continue"] = continue_token(rv, f"{nxt.get('namespace', '')}/{nxt['name']}".lstrip("/"))
            meta["remainingItemCount"] = len(items) - limit
            items = items[:limit]
        return 200, {"kind": full["kind"], "apiVersion": full["apiVersion"], "metadata": meta, "items": items}


def _field(obj: Any, path: str) -> str:
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return "" if obj is None else str(obj)


def _selected(obj: dict[str, Any], query: dict[str, str]) -> bool:
    """Equality-based fieldSelector (`involvedObject.name=x,metadata.namespace=y`: the fields kube-apiserver
    indexes for events and pods) and labelSelector (`k=v,...`), as the server filters a list."""
    for clause in filter(None, query.get("fieldSelector", "").split(",")):
        key, _, want = clause.partition("=")
        if _field(obj, key) != want.lstrip("="):
            return False
    labels = obj.get("metadata", {}).get("labels") or {}
    for clause in filter(None, query.get("labelSelector", "").split(",")):
        key, _, want = clause.partition("=")
        if labels.get(key) != want.lstrip("="):
            return False
    return True


class _Handler(BaseHTTPRequestHandler):
    api: FakeAPIServer
    protocol_version = "HTTP/1.1"
    server_version = "fake-kube-apiserver"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, code: int, doc: Any, headers: dict[str, str] | None = None, *, drop: bool = False) -> None:
        body = json.dumps(doc, separators=(",", ":")).encode()
        gzipped = (not drop and len(body) > self.api.rules.gzip_threshold
                   and "gzip" in self.headers.get("Accept-Encoding", ""))
        if gzipped:
            body = gzip.compress(body)
            with self.api._lock:
                self.api.gzipped += 1
        try:
            self.send_response(code)
            self.send_header("Audit-Id", str(uuid.uuid4()))
            self.send_header("Cache-Control", "no-cache, private")
            self.send_header("Content-Type", "application/json")
            if gzipped:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("X-Kubernetes-Pf-Flowschema-Uid", "5b1bf7b8-9a0c-4a3c-8f2e-5ad0c3b1e0a1")
            self.send_header("X-Kubernetes-Pf-Prioritylevel-Uid", "0b6c2d9e-1f4a-4c8b-9a6d-7e3f2b1c0d4e")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if drop:
                # Half the body, then the connection goes away (a load balancer resetting mid-list).
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.close()
                return
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True

    def _refuse_write(self) -> None:
        with self.api._lock:
            self.api.methods.append(self.command)
        self._send(405, status_body(405, "MethodNotAllowed", f"{self.command} is not allowed by this recording"))

    do_POST = do_PUT = do_PATCH = do_DELETE = _refuse_write

    def do_GET(self) -> None:
        api = self.api
        with api._lock:
            api.methods.append("GET")
        split = urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        auth = self.headers.get("Authorization")
        cn = self._client_cn()
        with api._lock:
            api.requests.append(Seen(path, query, auth, self.headers.get("Accept", ""), cn))
        tokens = api.rules.tokens
        if tokens is not None and cn is None and (not auth or auth.split(" ", 1)[-1] not in tokens):
            self._send(401, status_body(401, "Unauthorized", "Unauthorized"))
            return
        what, detail = api.route(path)
        if what == "version":
            self._send(200, _load("version.json"))
            return
        if what == "discovery":
            self._send(200, api.discovery(detail))
            return
        if what == "notfound":
            self._send(404, status_body(404, "NotFound", "the server could not find the requested resource",
                                        {}))
            return
        if what == "object":
            res, ns, name = detail
            denied = api.forbidden(res, ns)
            if denied is not None:
                self._send(403, denied)
                return
            found = next((o for o in api.full_list(res)["items"] if o["metadata"]["name"] == name
                          and o["metadata"].get("namespace") == ns), None)
            if found is None:
                self._send(404, status_body(404, "NotFound", f'{res.plural} "{name}" not found',
                                            {"name": name, "kind": res.plural}))
                return
            self._send(200, {"kind": res.kind, "apiVersion": res.group_version, **found})
            return
        res, ns = detail
        denied = api.forbidden(res, ns)
        if denied is not None:
            self._send(403, denied)
            return
        fault = api.take_fault(path, bool(query.get("continue")))
        if fault is not None and self._fault(fault, res, ns, query):
            return
        code, doc = api.page(res, ns, query)
        accept = self.headers.get("Accept", "")
        if code == 200 and "as=Table" in accept:
            version = "meta.k8s.io/v1" if "as=Table;v=v1;g=meta.k8s.io" in accept else "meta.k8s.io/v1beta1"
            doc = table(res, doc, version)
        self._send(code, doc)

    def _client_cn(self) -> str | None:
        getpeercert = getattr(self.connection, "getpeercert", None)
        cert = getpeercert() if getpeercert is not None else None
        for rdn in (cert or {}).get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    return str(value)
        return None

    def _fault(self, fault: Fault, res: Resource, ns: str | None, query: dict[str, str]) -> bool:
        """Apply a fault; True when the response was sent."""
        if fault.do == "expire":
            _, doc = self.api.page(res, ns, {k: v for k, v in query.items() if k != "continue"})
            meta = {"continue": doc["metadata"].get("continue", "")} if doc["metadata"].get("continue") else {}
            self._send(410, status_body(410, "Expired", EXPIRED_MESSAGE, metadata=meta))
        elif fault.do == "too-many":
            after = fault.retry_after if fault.retry_after is not None else 1
            self._send(429, status_body(429, "TooManyRequests", "Too many requests, please try again later.",
                                        {"retryAfterSeconds": after}), {"Retry-After": str(after)})
        elif fault.do == "error":
            self._send(500, status_body(500, "InternalError",
                                        "Internal error occurred: etcdserver: request timed out",
                                        {"causes": [{"message": "etcdserver: request timed out"}]}))
        elif fault.do == "unavailable":
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            self._send(503, status_body(503, "ServiceUnavailable", "the server is currently unable to handle "
                                        "the request"), headers)
        elif fault.do == "unauthorized":
            self._send(401, status_body(401, "Unauthorized", "Unauthorized"))
        elif fault.do == "html":
            page = b"<html><head><title>Sign in</title></head><body>corporate proxy</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
        elif fault.do == "drop":
            _, doc = self.api.page(res, ns, query)
            self._send(200, doc, drop=True)
        elif fault.do == "slow":
            # Answer only after the client gave up (or the server stops): it sees a read timeout.
            self.api.stopping.wait(fault.delay)
            return False
        else:
            raise AssertionError(f"unknown fault {fault.do!r}")
        return True


@dataclass(frozen=True)
class Pki:
    """A cluster CA (as kubeadm/kind make one) that signed the API server's certificate and a client's."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path  # CN=kubernetes-admin, O=system:masters: kind's admin user
    client_key: Path

    @property
    def server(self) -> tuple[Path, Path]:
        return self.server_cert, self.server_key


def make_pki(directory: Path) -> Pki:
    directory.mkdir(parents=True, exist_ok=True)

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=kubernetes")
    (directory / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                          "extendedKeyUsage=serverAuth\n")
    (directory / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for name, subject in (("server", "/CN=kube-apiserver"), ("client", "/O=system:masters/CN=kubernetes-admin")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", subject)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext")
    return Pki(directory / "ca.crt", directory / "server.crt", directory / "server.key", directory / "client.crt",
               directory / "client.key")


def write_kubeconfig(path: Path, server: str, *, token: str | None = "token-jane", namespace: str | None = None,
                     ca: Path | None = None, exec_command: str | None = None, context: str = "kind-podwhy",
                     extra_contexts: tuple[str, ...] = (), insecure: bool = False,
                     client_cert: tuple[Path, Path] | None = None) -> Path:
    """A kubeconfig as `kind`/kubeadm write them (JSON is valid YAML)."""
    cluster: dict[str, Any] = {"server": server}
    if ca is not None:
        cluster["certificate-authority-data"] = base64.b64encode(ca.read_bytes()).decode()
    if insecure:
        cluster["insecure-skip-tls-verify"] = True
    user: dict[str, Any] = {}
    if exec_command is not None:
        user["exec"] = {"apiVersion": "client.authentication.k8s.io/v1", "command": exec_command,
                        "interactiveMode": "Never"}
    elif client_cert is not None:
        user["client-certificate-data"] = base64.b64encode(client_cert[0].read_bytes()).decode()
        user["client-key-data"] = base64.b64encode(client_cert[1].read_bytes()).decode()
    elif token is not None:
        user["token"] = token
    ctx: dict[str, Any] = {"cluster": "podwhy", "user": "jane"}
    if namespace:
        ctx["namespace"] = namespace
    contexts = [{"name": context, "context": ctx}]
    contexts += [{"name": n, "context": {"cluster": "podwhy", "user": "jane", "namespace": n}} for n in extra_contexts]
    doc = {"apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": context,
           "clusters": [{"name": "podwhy", "cluster": cluster}], "contexts": contexts,
           "users": [{"name": "jane", "user": user}]}
    path.write_text(json.dumps(doc, indent=2))
    return path
