"""`podwhy serve --from PATH`: the API serves exactly `scan -o json`'s bytes, its filters exactly what the
CLI's own selections report, and the HTTP side holds to its rules: read-only, loopback Host only when
bound to loopback, the bearer token on dashboard/API/events, CSP on the page, clear errors on bad options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import Served
from contract import check_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "cluster")
TOKEN = "s3cret-token-for-tests-0123456789"


def cli(*args: str) -> bytes:
    out = subprocess.run([sys.executable, "-m", "podwhy", *args, "--from", EXAMPLE, "-o", "json"],
                         capture_output=True, check=False, cwd=ROOT)
    assert out.returncode in (0, 1), out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def example() -> object:
    with Served(["--from", EXAMPLE]) as s:
        s.ready()
        yield s


FILTERS = [
    # name, query, the CLI command whose bytes it must equal
    ("everything", "", ("scan",)),
    ("a namespace", "?namespace=apps", ("scan", "-n", "apps")),
    ("another namespace", "?namespace=sessions", ("scan", "-n", "sessions")),
    ("an owner by kind and name", "?owner=deployment/checkout-web", ("pod", "--owner", "deployment/checkout-web")),
    ("an owner by short kind", "?owner=deploy/cart&namespace=shop", ("pod", "--owner", "deploy/cart", "-n", "shop")),
    ("a StatefulSet owner", "?owner=sts/redis", ("pod", "--owner", "statefulset/redis")),
    ("a Job", "?owner=job/invoice-export", ("pod", "--owner", "job/invoice-export")),
]


@pytest.mark.parametrize(("name", "query", "command"), FILTERS, ids=[f[0] for f in FILTERS])
def test_filters_are_the_clis_selections(example: Served, name: str, query: str, command: tuple[str, ...]) -> None:
    code, headers, body = example.get("/api/v1/report" + query)
    assert code == 200 and headers["Content-Type"] == "application/json"
    assert body == cli(*command)
    check_report(json.loads(body))


CODES = [("a code", "crash.oom-killed"), ("a family", "image"), ("a code with a namespace", "start.run-as-root")]


@pytest.mark.parametrize(("name", "code"), CODES, ids=[c[0] for c in CODES])
def test_code_filter_keeps_subjects_whose_root_cause_it_is(example: Served, name: str, code: str) -> None:
    full = json.loads(example.get("/api/v1/report")[2])
    part = example.report(f"?code={code}")
    want = [s for s in full["subjects"] if s["findings"][0]["code"] == code
            or s["findings"][0]["code"].startswith(code + ".")]
    assert want and part["subjects"] == want
    assert {g["code"] for g in part["groups"]} <= {s["findings"][0]["code"] for s in want}
    assert sum(len(g["subjects"]) for g in part["groups"]) == len(want)
    assert part["examined"] == full["examined"] and part["notes"] == full["notes"]
    check_report(part)


ANSWERS = [
    # name, method, path, headers, status, a header that must be there (name, value or None for any)
    ("health", "GET", "/healthz", {}, 200, None),
    ("ready", "GET", "/readyz", {}, 200, None),
    ("page with CSP", "GET", "/", {}, 200, ("Content-Security-Policy", "default-src 'none'")),
    ("nosniff", "GET", "/api/v1/report", {}, 200, ("X-Content-Type-Options", "nosniff")),
    ("script", "GET", "/static/dashboard.js", {}, 200, ("Content-Type", "text/javascript")),
    ("no directory walk", "GET", "/static/../http.py", {}, 404, None),
    ("no module source", "GET", "/static/http.py", {}, 404, None),
    ("unknown parameter", "GET", "/api/v1/report?pod=x", {}, 400, None),
    ("owner of an unknown kind", "GET", "/api/v1/report?owner=cronjob/x", {}, 400, None),
    ("unknown path", "GET", "/api/v2/report", {}, 404, None),
    ("one subject", "GET", "/api/v1/subject?ref=Pod/apps/checkout-web-6c9f7d8b4-x2x9q", {}, 404,
     ("X-Podwhy-Report-Version", "1")),
    ("subject: unknown parameter", "GET", "/api/v1/subject?ref=x&version=1", {}, 400, None),
    ("dashboard view", "GET", "/api/v1/dashboard?namespace=apps", {}, 200, ("Content-Type", "application/json")),
    ("POST refused", "POST", "/api/v1/report", {}, 405, None),
    ("DELETE refused", "DELETE", "/", {}, 405, None),
    ("DNS rebinding refused", "GET", "/api/v1/report", {"Host": "attacker.example:8080"}, 403, None),
    ("localhost is loopback", "GET", "/api/v1/report", {"Host": "localhost:1"}, 200, None),
]


@pytest.mark.parametrize(("name", "method", "path", "headers", "status", "header"), ANSWERS,
                         ids=[a[0] for a in ANSWERS])
def test_http_answers(example: Served, name: str, method: str, path: str, headers: dict[str, str], status: int,
                      header: tuple[str, str] | None) -> None:
    import http.client
    from urllib.parse import urlsplit

    u = urlsplit(example.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.putrequest(method, path, skip_host="Host" in headers)
    for k, v in headers.items():
        conn.putheader(k, v)
    conn.putheader("Content-Length", "0")
    conn.endheaders()
    resp = conn.getresponse()
    resp.read()
    assert resp.status == status
    if header is not None:
        assert header[1] in (resp.getheader(header[0]) or "")
    conn.close()


def test_events_stream_announces_the_report(example: Served) -> None:
    import urllib.request

    with urllib.request.urlopen(example.url + "/events", timeout=10) as resp:
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        lines = [resp.readline().decode() for _ in range(4)]
    assert lines[0] == "retry: 2000\n"
    assert lines[2] == "event: report\n" and lines[3].startswith('data: {"version": 1,')


def test_token_protects_dashboard_api_and_events(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    with Served(["--from", EXAMPLE, "--token-file", str(token_file)]) as s:
        s.ready()
        for path in ("/", "/api/v1/report", "/events", "/static/dashboard.js"):
            code, headers, _ = s.get(path)
            assert (code, headers.get("WWW-Authenticate")) == (401, 'Bearer realm="podwhy"'), path
        assert s.get("/api/v1/report", {"Authorization": "Bearer wrong-token-wrong-token"})[0] == 401
        assert s.get("/api/v1/report", {"Authorization": f"Bearer {TOKEN}"})[0] == 200
        # Probes and Prometheus need no token.
        assert [s.get(p)[0] for p in ("/healthz", "/readyz", "/metrics")] == [200, 200, 200]
        # Opening the dashboard once with ?token= sets an HttpOnly, SameSite=Strict cookie, then drops it from the URL.
        code, headers, _ = s.get(f"/?token={TOKEN}&namespace=apps")
        assert code == 303 and headers["Location"] == "/?namespace=apps"
        cookie = headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert s.get("/api/v1/report", {"Cookie": cookie.split(";")[0]})[0] == 200
        assert s.get("/?token=nope")[0] == 401


BAD = [
    ("listen without a port", ["--listen", "localhost"], "--listen 'localhost': give HOST:PORT"),
    ("a short token", ["--token-file", "{short}"], "the token must be at least 16 characters"),
    ("a missing token file", ["--token-file", "/nonexistent/token"], "cannot read it"),
    ("registry probes", ["--probe-registry"], "--probe-registry is not supported"),
]


@pytest.mark.parametrize(("name", "args", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_options_are_usage_errors(tmp_path: Path, name: str, args: list[str], message: str) -> None:
    short = tmp_path / "short"
    short.write_text("abc\n")
    argv = [a.replace("{short}", str(short)) for a in args]
    out = subprocess.run([sys.executable, "-m", "podwhy", "serve", "--from", EXAMPLE, *argv], capture_output=True,
                         text=True, timeout=60, check=False)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


def test_port_in_use_is_a_usage_error(example: Served) -> None:
    port = example.url.rsplit(":", 1)[1]
    out = subprocess.run([sys.executable, "-m", "podwhy", "serve", "--from", EXAMPLE, "--listen", f"127.0.0.1:{port}"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 2 and "Address already in use" in out.stderr


def test_dashboard_view_and_subjects_are_the_reports(example: Served) -> None:
    from urllib.parse import quote

    full = json.loads(example.get("/api/v1/report")[2])
    view = json.loads(example.get("/api/v1/dashboard")[2])
    assert view["groups"] == full["groups"] and view["notes"] == full["notes"]
    assert [s["ref"] for s in view["subjects"]] == [s["ref"] for s in full["subjects"]]
    for line, subject in zip(view["subjects"], full["subjects"], strict=True):
        assert (line["code"], line["cause"], line["findings"]) == (
            subject["findings"][0]["code"], subject["findings"][0]["cause"], len(subject["findings"]))
        nodes = (subject.get("scheduling") or {}).get("nodes")
        assert line.get("nodes") == (len(nodes) if nodes is not None else None)
    for subject in full["subjects"][:10]:
        code, _, body = example.get("/api/v1/subject?ref=" + quote(subject["ref"], safe=""))
        assert code == 200 and json.loads(body) == subject
