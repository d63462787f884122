"""The HTTP side of the fake API server: authentication, dispatch of GETs, refusal of writes, faults."""

from __future__ import annotations

import gzip
import json
import ssl
import uuid
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from . import watch
from .printing import table
from .resources import Resource, load
from .rules import Fault, Seen
from .status import EXPIRED_MESSAGE, status_body

if TYPE_CHECKING:
    from .server import FakeAPIServer


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
            self._send(200, load("version.json"))
            return
        if what == "discovery":
            self._send(200, api.discovery(detail))
            return
        if what == "notfound":
            self._send(404, status_body(404, "NotFound", "the server could not find the requested resource",
                                        {}))
            return
        if what == "log":
            self._log(*detail, query)
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
        if query.get("watch") in ("1", "true"):
            wfault = api.take_fault(path, False, watch=True)
            with api._lock:
                list_rv = api.list_version(res)
            watch.stream(self, (res.group_version, res.plural), ns, query, list_rv, wfault.do if wfault else "")
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

    def _log(self, ns: str, pod: str, query: dict[str, str]) -> None:
        """The pods/log subresource as kube-apiserver serves it (pkg/registry/core/pod/rest/log.go): text/plain,
        `tailLines` then `limitBytes` applied; the kubelet's 400 for a container without a previous run
        (pkg/kubelet/kubelet_pods.go validateContainerLogStatus)."""
        rules = self.api.rules
        container = query.get("container", "")
        if "pods/log" in rules.forbid:
            self._send(403, status_body(403, "Forbidden", f'pods "{pod}" is forbidden: User "{rules.user}" cannot get '
                                        f'resource "pods/log" in API group "" in the namespace "{ns}"',
                                        {"name": pod, "kind": "pods"}))
            return
        text = rules.logs.get(f"{ns}/{pod}/{container}")
        if text is None:
            self._send(400, status_body(400, "BadRequest", f'previous terminated container "{container}" in pod '
                                        f'"{pod}" not found', {}))
            return
        lines = text.splitlines(keepends=True)
        if query.get("tailLines", "").isdigit():
            lines = lines[-int(query["tailLines"]):]
        body = "".join(lines).encode()
        if query.get("limitBytes", "").isdigit():
            body = body[: int(query["limitBytes"])]
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

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
