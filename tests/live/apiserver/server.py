"""FakeAPIServer: lifecycle on loopback, the data it serves (recorded or a test's own items), routing,
discovery, RBAC refusals and list pages."""

from __future__ import annotations

import json
import ssl
import threading
from http.server import ThreadingHTTPServer
from typing import Any

from .handler import _Handler
from .pki import Pki
from .resources import RECORDED, Resource, advertised, load, resources
from .rules import Fault, Rules, Seen
from .selectors import _selected
from .status import _start_of, continue_token, status_body
from .watch import History


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
        self._resources = resources()
        self._lists: dict[tuple[str, str], dict[str, Any]] = {}
        self.history = History()
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
            lst: dict[str, Any]
            if override is not None:
                lst = {"kind": res.list_kind, "apiVersion": res.group_version,
                       "metadata": {"resourceVersion": "48990"}, "items": [dict(o) for o in override]}
            elif file.is_file():
                lst = json.loads(file.read_text())
            else:
                lst = {"kind": res.list_kind, "apiVersion": res.group_version, "metadata": {"resourceVersion": "48990"},
                       "items": []}
            lst["items"].sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
            if self.history.rv:  # loaded after changes were emitted: it is at the newest version
                lst["metadata"]["resourceVersion"] = str(max(int(lst["metadata"]["resourceVersion"]), self.history.rv))
            self._lists[key] = lst
        return self._lists[key]

    # ---- changes (watches) ----------------------------------------------------------------------
    def emit(self, resource: str, type_: str, obj: dict[str, Any]) -> int:
        """ADDED / MODIFIED / DELETED of `obj` in "<group-version>/<plural>" (e.g. "v1/pods"): the lists
        change and every open watch of that resource sees the event. Returns the new resourceVersion."""
        gv, plural = resource.rsplit("/", 1)
        res = self._resources[(gv, plural)]
        obj = json.loads(json.dumps(obj))
        meta = obj["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        with self._lock:
            lst = self.full_list(res)
            items = [o for o in lst["items"] if (o["metadata"].get("namespace", ""), o["metadata"]["name"]) != key]
            if type_ != "DELETED":
                items.append(obj)
                items.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
            lst["items"] = items
            floor = max(int(v["metadata"]["resourceVersion"]) for v in self._lists.values())
            rv = self.history.add((gv, plural), type_, obj, floor)
            for v in self._lists.values():
                v["metadata"]["resourceVersion"] = str(rv)  # one etcd: every list is at the newest version
        return rv

    def list_version(self, res: Resource) -> int:
        return max(int(self.full_list(res)["metadata"]["resourceVersion"]), self.history.rv)

    def close_watches(self) -> None:
        self.history.close_all()

    def compact(self) -> None:
        self.history.compact()

    def take_fault(self, path: str, has_continue: bool, *, watch: bool = False) -> Fault | None:
        with self._lock:
            for f in self.rules.faults:
                if f.path != path or f.hits >= f.times or f.do.startswith("watch-") != watch:
                    continue
                if (f.page == "first" and has_continue) or (f.page == "next" and not has_continue):
                    continue
                f.hits += 1
                return f
        return None

    def route(self, path: str) -> tuple[str, Any]:
        """("version"|"discovery"|"list"|"object"|"log"|"notfound", detail)."""
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
            return ("discovery", gv) if advertised(gv) else ("notfound", None)
        ns = None
        if len(rest) == 5 and rest[0] == "namespaces" and rest[2] == "pods" and rest[4] == "log":
            return "log", (rest[1], rest[3])
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
            return dict(load("api.json"))
        if which == "/apis":
            doc = dict(load("apis.json"))
            doc["groups"] = [g for g in doc["groups"] if g["preferredVersion"]["groupVersion"] not in self.rules.missing]
            return doc
        return dict(load("api/v1.json" if which == "v1" else f"apis/{which}.json"))

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
        try:
            items = [o for o in items if _selected(o, query)]
        except ValueError as e:
            return 400, status_body(400, "BadRequest", str(e))
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
