"""The `podwhy serve` dashboard in a real browser (the system Chromium through Playwright): what it shows is
exactly the served report (its lists from /api/v1/dashboard, each subject's body from /api/v1/subject when
opened; never the whole /api/v1/report), cluster text cannot become markup or script, nothing is fetched off
the server, and the filters narrow in place.

Each test starts `python -m podwhy serve --from ...` on a free loopback port and kills it afterwards.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Collection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from .browser import (
    CSP,
    DUMP_GROUPS,
    DUMP_SUBJECTS,
    ROOT,
    browser_page,
    detail_text,
    expand_all,
    open_dashboard,
    open_details,
    serve,
    shown,
    wait_for,
    wait_ready,
)
from helpers import run_cli

EXAMPLE = ROOT / "examples" / "cluster"
STATIC = ROOT / "src" / "podwhy" / "serve" / "static"
NODE_ROWS = 50  # dashboard.js: node rows shown before "show all N nodes"


def scan_json(source: Path | str, *extra: str) -> dict[str, Any]:
    rc, out, err = run_cli("scan", "--from", str(source), "-o", "json", *extra)
    assert rc in (0, 1), err
    doc: dict[str, Any] = json.loads(out)
    return doc


def api(origin: str, query: str = "", path: str = "/api/v1/report") -> dict[str, Any]:
    with urllib.request.urlopen(f"{origin}{path}{query}", timeout=10) as res:
        doc: dict[str, Any] = json.load(res)
    return doc


def fetched(requests: list[str], path: str) -> list[str]:
    """The page's requests of one path, as their query strings."""
    return [urlsplit(u).query for u in requests if urlsplit(u).path == path]


def subject_fetches(requests: list[str]) -> list[str]:
    """The refs of the page's /api/v1/subject requests, in order."""
    return [parse_qs(q)["ref"][0] for q in fetched(requests, "/api/v1/subject")]


def wait_built(page: Any, ref: str) -> None:
    """An open subject's body has been fetched and shown."""
    wait_for(page, f"(d => d && d.open && d.dataset.built === 'yes')(document.querySelector("
                   f"'details.subject[data-ref=\"{ref}\"]'))")


# ---- what the page should show, computed from the JSON --------------------------------------------------


def _fix(fix: dict[str, Any] | None, label: str) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {"summary": f"{label}: {shown(fix['summary'])}",
            "commands": [shown(c) for c in fix.get("commands", [])],
            "patches": [shown(p.rstrip("\n"), multiline=True) for p in fix.get("patches", [])]}


def _observed(text: str) -> tuple[str | None, bool]:
    stripped = text.strip("\n")
    if not stripped:
        return None, False
    multiline = bool(re.search(r"[\r\n]", stripped))
    return shown(stripped, multiline=multiline), multiline


def expected_groups(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for g in doc["groups"]:
        n = len(g["subjects"])
        out.append({"group": f"{g['code']}|{g.get('key', '')}", "code": shown(g["code"]),
                    "count": f"{n} subject" + ("" if n == 1 else "s"), "summary": shown(g["summary"]),
                    "fix": _fix(g.get("fix"), "Fix for all of them"), "subjects": g["subjects"]})
    return out


def expected_subjects(doc: dict[str, Any], *, all_nodes: Collection[str] = ()) -> list[dict[str, Any]]:
    """In the page's order: the groups' subjects (each once, in its first group), then the ungrouped."""
    by_ref = {s["ref"]: s for s in doc["subjects"]}
    order: list[str] = []
    for g in doc["groups"]:
        order += [r for r in g["subjects"] if r not in order]
    order += [s["ref"] for s in doc["subjects"] if s["ref"] not in order]
    out = []
    for ref in order:
        s = by_ref[ref]
        findings = []
        for f in s["findings"]:
            evidence = []
            for e in f.get("evidence", []):
                observed, multiline = _observed(e.get("observed", ""))
                evidence.append({"ref": shown(e["ref"]), "field": shown(e["field"]) if e.get("field") else None,
                                 "observed": observed, "multiline": multiline,
                                 "expected": shown(e["expected"]) if e.get("expected") else None})
            findings.append({"code": f["code"], "severity": f["severity"], "confidence": f"[{f['confidence']}]",
                             "container": shown(f["container"]) if f.get("container") else None,
                             "cause": shown(f["cause"]), "evidence": evidence, "fix": _fix(f.get("fix"), "Fix")})
        sched = s.get("scheduling")
        scheduling = None
        if sched is not None:
            nodes = sched.get("nodes") or []
            if ref not in all_nodes:
                nodes = nodes[:NODE_ROWS]
            agrees = sched.get("agrees")
            same = sched.get("sameNodesAs")
            scheduling = {
                "message": shown(sched["message"]) if sched.get("message") else None,
                "observed": shown(sched["observedMessage"]) if sched.get("observedMessage") else None,
                "agrees": None if agrees is None else "Agrees with the scheduler: " + ("yes" if agrees else "no"),
                "same": None if same is None else shown(same.removeprefix("Pod/")),
                "nodes": [[shown(n["name"]), "✓ yes" if n["feasible"] else "✗ no",
                           [f"{shown(fl['plugin'])}: {shown('; '.join(fl['reasons']))}"
                            + (f" ({shown(detail_text(fl.get('detail')))})" if detail_text(fl.get("detail")) else "")
                            for fl in n.get("failures", [])]]
                          for n in nodes],
            }
        out.append({"ref": ref, "state": shown(s["state"]), "findings": findings, "scheduling": scheduling})
    return out


def page_codes(page: Any) -> list[str]:
    return page.eval_on_selector_all("section.group", "gs => gs.map(g => g.dataset.code)")


def strings(value: Any) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


# ---- 1. the example cluster ------------------------------------------------------------------------------


def test_example_cluster_shows_exactly_the_scan_report() -> None:
    doc = scan_json(EXAMPLE)
    assert len(doc["groups"]) > 10 and any(s.get("scheduling", {}).get("nodes") for s in doc["subjects"])
    with serve(EXAMPLE) as srv, browser_page() as (page, rec):
        open_dashboard(page, srv.url)
        # Header: the source, the pods examined, the stuck count, the version shown, live.
        header = page.evaluate("""() => ({
            source: document.getElementById('source').textContent,
            examined: document.getElementById('examined').textContent,
            stuck: document.getElementById('stuck').textContent.split(' ')[0],
            version: document.getElementById('app').dataset.version,
            notes: document.getElementById('notes').hidden,
        })""")
        assert header == {"source": f"{doc['source']['kind']}: {doc['source']['detail']}",
                          "examined": f"{doc['examined']} pods", "stuck": str(len(doc["subjects"])),
                          "version": "1", "notes": not doc["notes"]}
        page.wait_for_selector("#conn[data-conn=live]")

        # Collapsed: every group, in report order, and no subject built yet (lists are built on expansion).
        collapsed = page.evaluate(DUMP_GROUPS)
        assert [(g["group"], g["count"]) for g in collapsed] == [(e["group"], e["count"])
                                                                for e in expected_groups(doc)]
        assert page.locator("details.subject").count() == 0
        assert subject_fetches(rec.requests) == [] and fetched(rec.requests, "/api/v1/report") == []

        # One group, then one subject in it: its findings' cause, evidence and fix commands.
        first = doc["groups"][0]
        group = page.locator("section.group").first
        open_details(page, group.locator("details.group-subjects"))
        assert group.locator("details.subject").count() == len(first["subjects"])
        subject = group.locator("details.subject").first
        open_details(page, subject)
        ref = first["subjects"][0]
        want = next(s for s in expected_subjects(doc) if s["ref"] == ref)
        assert subject_fetches(rec.requests) == [ref]
        f0 = subject.locator("li.finding").first
        assert f0.locator(".cause").inner_text() == want["findings"][0]["cause"]
        assert f0.locator(".ev-ref").all_text_contents() == [e["ref"] for e in want["findings"][0]["evidence"]]
        assert f0.locator(".copyable.command code").all_text_contents() == want["findings"][0]["fix"]["commands"]

        # Everything open: the whole page equals the whole report (each body fetched once, when opened).
        expand_all(page)
        assert page.evaluate(DUMP_GROUPS) == expected_groups(doc)
        assert page.evaluate(DUMP_SUBJECTS) == expected_subjects(doc)
        assert sorted(subject_fetches(rec.requests)) == sorted(s["ref"] for s in doc["subjects"])
        assert fetched(rec.requests, "/api/v1/report") == []
        # A Pending subject's node table, row by row.
        pending = next(s for s in doc["subjects"] if s["state"] == "Pending" and s.get("scheduling", {}).get("nodes"))
        rows = page.locator(f"details.subject[data-ref='{pending['ref']}'] table.node-table tbody tr")
        assert rows.count() == len(pending["scheduling"]["nodes"])
        assert [r.get_attribute("data-node") for r in rows.all()] == [n["name"] for n in pending["scheduling"]["nodes"]]
        rec.assert_clean(page)


def many_nodes(path: Path, pods: list[tuple[str, str]]) -> Path:
    """60 nodes of 2 CPUs, and (namespace, name) pods asking for 8: all Pending, one node table each."""
    alloc = {"cpu": "2", "memory": "4Gi", "pods": "110"}
    objs: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Node",
         "metadata": {"name": f"node-{i:03d}", "labels": {"kubernetes.io/hostname": f"node-{i:03d}"}},
         "status": {"allocatable": alloc, "capacity": alloc, "conditions": [{"type": "Ready", "status": "True"}]}}
        for i in range(60)]
    objs += [{"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": name, "namespace": ns, "uid": f"u-{ns}-{name}", "labels": {"app": "big"}},
              "spec": {"containers": [{"name": "app", "image": "registry.example.com/big:1",
                                       "resources": {"requests": {"cpu": "8"}}}]},
              "status": {"phase": "Pending"}} for ns, name in pods]
    path.write_text(yaml.safe_dump_all(objs))
    return path


def test_many_nodes_and_same_nodes_as(tmp_path: Path) -> None:
    """60 nodes: 50 rows, then "show all 60"; a folded pod links (by #fragment) to the pod with the list,
    whose body is fetched when the link opens it."""
    cluster = many_nodes(tmp_path / "many-nodes.yaml", [("batch", f"big-{i}") for i in range(3)])
    doc = scan_json(cluster, "--max-node-verdicts", "60")
    assert [s.get("scheduling", {}).get("sameNodesAs") for s in doc["subjects"]] == [
        None, "Pod/batch/big-0", "Pod/batch/big-0"]
    with serve(cluster, "--max-node-verdicts", "60") as srv, browser_page() as (page, rec):
        open_dashboard(page, srv.url)
        open_details(page, page.locator("section.group details.group-subjects"))
        # The folded subject: "same nodes as batch/big-0", an in-page link, no table.
        folded = page.locator("details.subject[data-ref='Pod/batch/big-2']")
        open_details(page, folded)
        link = folded.locator("a.same-nodes")
        assert (link.inner_text(), link.get_attribute("href")) == (
            "batch/big-0", "#s-Pod_2f_batch_2f_big-0")
        assert folded.locator("table").count() == 0
        assert subject_fetches(rec.requests) == ["Pod/batch/big-2"]
        link.click()
        target = page.locator("details.subject[data-ref='Pod/batch/big-0']")
        wait_built(page, "Pod/batch/big-0")  # the link opened the target, whose body was then fetched
        assert subject_fetches(rec.requests) == ["Pod/batch/big-2", "Pod/batch/big-0"]
        assert urlsplit(page.url).fragment == "s-Pod_2f_batch_2f_big-0"
        assert target.evaluate("el => { const r = el.getBoundingClientRect(); return r.top >= -1 && r.top < innerHeight; }")
        rows = target.locator("table.node-table tbody tr")
        assert rows.count() == NODE_ROWS
        target.get_by_role("button", name="show all 60 nodes").click()
        assert rows.count() == 60
        # Closed, then the link followed again (the same fragment): it opens once more, from the cache.
        target.locator(":scope > summary").click()
        wait_for(page, "!document.querySelector(\"details.subject[data-ref='Pod/batch/big-0']\").open")
        link.click()
        wait_built(page, "Pod/batch/big-0")
        assert rows.count() == 60
        assert subject_fetches(rec.requests) == ["Pod/batch/big-2", "Pod/batch/big-0"]
        expand_all(page)
        assert page.evaluate(DUMP_SUBJECTS) == expected_subjects(doc, all_nodes={"Pod/batch/big-0"})
        rec.assert_clean(page)


def test_same_nodes_as_a_subject_the_filters_leave_out(tmp_path: Path) -> None:
    """Folded onto a pod of another namespace: narrowed to its own namespace, the link fetches the pod it
    names and shows that pod's node table in place."""
    cluster = many_nodes(tmp_path / "two-namespaces.yaml", [("batch", "big-0"), ("other", "big-1")])
    doc = scan_json(cluster, "--max-node-verdicts", "60")
    assert [s.get("scheduling", {}).get("sameNodesAs") for s in doc["subjects"]] == [None, "Pod/batch/big-0"]
    with serve(cluster, "--max-node-verdicts", "60") as srv, browser_page() as (page, rec):
        open_dashboard(page, f"{srv.url}?namespace=other")
        open_details(page, page.locator("section.group details.group-subjects"))
        folded = page.locator("details.subject[data-ref='Pod/other/big-1']")
        open_details(page, folded)
        assert page.locator("details.subject[data-ref='Pod/batch/big-0']").count() == 0
        folded.locator("a.same-nodes").click()
        rows = folded.locator(".same-nodes-here table.node-table tbody tr")
        rows.first.wait_for()
        assert urlsplit(page.url).fragment == ""  # nothing to go to on this page: it came here instead
        assert subject_fetches(rec.requests) == ["Pod/other/big-1", "Pod/batch/big-0"]
        nodes = next(s for s in doc["subjects"] if s["ref"] == "Pod/batch/big-0")["scheduling"]["nodes"]
        assert [r.get_attribute("data-node") for r in rows.all()] == [n["name"] for n in nodes[:NODE_ROWS]]
        rec.assert_clean(page)


# ---- 2. hostile cluster text -----------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS = "javascript:alert(1)"
BIDI = "\u202eexe.txt"
ANSI = "\x1b[31mRED\x1b[0m"
INVISIBLE = "zero\u200bwidth\ufeffbom\u2066iso\u2069"
C1 = "\x9b6n"
HOSTILE = f"{SCRIPT} {IMG} {JS} {BIDI} {ANSI} {INVISIBLE} {C1}"
IMAGE = "registry.example.com/shop/web:1.0"


def hostile_cluster() -> list[dict[str, Any]]:
    def node(name: str) -> dict[str, Any]:
        alloc = {"cpu": "4", "memory": "16Gi", "pods": "110"}
        return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
                "status": {"allocatable": alloc, "capacity": alloc, "conditions": [{"type": "Ready", "status": "True"}]}}

    meta = {"labels": {"app": "web", "evil": SCRIPT}, "annotations": {"note": HOSTILE, "link": JS}}

    def waiting(reason: str, message: str, image: str) -> dict[str, Any]:
        return {"phase": "Pending", "containerStatuses": [{"name": "app", "image": image, "ready": False, "restartCount": 0,
                                                           "state": {"waiting": {"reason": reason, "message": message}}}]}

    return [
        node("worker-1"), node("worker-2"),
        # An image pull that fails with hostile registry text, in the waiting message and in an Event.
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop", "uid": "u-web-1", **meta},
         "spec": {"nodeName": "worker-1", "containers": [{"name": "app", "image": IMAGE}]},
         "status": waiting("ImagePullBackOff", f'Back-off pulling image "{IMAGE}": ErrImagePull: {HOSTILE}', IMAGE)},
        {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web-1.17f0a1", "namespace": "shop"},
         "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop", "uid": "u-web-1"},
         "reason": "Failed", "type": "Warning", "source": {"component": "kubelet", "host": "worker-1"}, "count": 4,
         "lastTimestamp": "2026-11-20T09:59:00Z",
         "message": (f'Failed to pull image "{IMAGE}": rpc error: code = NotFound desc = failed to pull and unpack '
                     f'image "{IMAGE}": failed to resolve reference "{IMAGE}": {IMAGE}: not found {HOSTILE}\n'
                     f"second line {SCRIPT}")},
        # An image reference that is itself markup.
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad-image", "namespace": "shop", "uid": "u-bad", **meta},
         "spec": {"nodeName": "worker-2", "containers": [{"name": "app", "image": f"{IMG}{BIDI}"}]},
         "status": waiting("InvalidImageName", f'Failed to apply default image tag "{IMG}{BIDI}": couldn\'t parse '
                                               "image name: invalid reference format", f"{IMG}{BIDI}")},
        # A nodeSelector whose values end up in the fix commands and the node table.
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "picky", "namespace": "shop", "uid": "u-picky", **meta},
         "spec": {"nodeSelector": {"disktype": JS, "zone": SCRIPT + IMG},
                  "containers": [{"name": "app", "image": IMAGE}]},
         "status": {"phase": "Pending", "conditions": [
             {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
              "message": f"0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. {ANSI}"}]}},
    ]


# Literal text the page must show (markup as text, control characters as visible escapes).
VISIBLE = {
    "script tag": SCRIPT,
    "img tag": IMG,
    "javascript url": JS,
    "bidi override": "\\u202eexe.txt",
    "ansi colour": "\\x1b[31mRED\\x1b[0m",
    "zero width and bom": "zero\\u200bwidth\\ufeffbom\\u2066iso\\u2069",
    "8-bit csi": "\\x9b6n",
    "event line break": f"\nsecond line {SCRIPT}",
}
# Characters that must never reach the page's text.
RAW = ["\x1b", "\x9b", "\u202e", "\u200b", "\ufeff", "\u2066", "\u2069"]

DOM_AUDIT = """
() => {
  const own = new Set(['static/dashboard.js']);
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (tag === 'script' && !(own.has(el.getAttribute('src')) && el.textContent === '')) bad.push('script ' + el.outerHTML);
    if (['img', 'iframe', 'object', 'embed', 'svg', 'math', 'form', 'base', 'meta', 'style'].includes(tag)
        && !(tag === 'meta' && el.parentElement === document.head)) bad.push(tag);
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value.trim().toLowerCase();
      if (name.startsWith('on')) bad.push('handler ' + name);
      if (['src', 'srcdoc', 'action', 'formaction', 'xlink:href', 'style'].includes(name)
          && !(tag === 'script' && name === 'src')) bad.push('attr ' + name);
      if (name === 'href') {
        const allowed = el.tagName === 'LINK' ? ['static/dashboard.css', 'data:,'].includes(a.value)
                                               : a.value.startsWith('#');
        if (!allowed || value.includes('javascript:')) bad.push('href ' + a.value);
      }
    }
  }
  const pres = [...document.querySelectorAll('#main pre')].filter(p => p.textContent.includes('\\n')).length;
  return {bad, multilinePre: pres, text: document.body.textContent};
}
"""


def test_hostile_cluster_text_stays_text(tmp_path: Path) -> None:
    cluster = tmp_path / "hostile.yaml"
    cluster.write_text(yaml.safe_dump_all(hostile_cluster(), sort_keys=False))
    doc = scan_json(cluster)
    dumped = "\n".join(strings(doc))
    for payload in (SCRIPT, IMG, JS, "\u202e", "\x1b[31m", "\u200b", f"\nsecond line {SCRIPT}"):
        assert payload in dumped, f"{payload!r} did not reach the report; the fixture no longer tests it"
    assert any(SCRIPT in c for s in doc["subjects"] for f in s["findings"] for c in (f.get("fix") or {}).get("commands", []))

    with serve(cluster) as srv, browser_page() as (page, rec):
        open_dashboard(page, srv.url)
        expand_all(page)
        audit = page.evaluate(DOM_AUDIT)
        assert audit["bad"] == []
        text = audit["text"]
        assert {name: payload in text for name, payload in VISIBLE.items()} == dict.fromkeys(VISIBLE, True)
        assert [ch for ch in RAW if ch in text] == []
        # The multi-line event message is the only text kept as lines, and only inside a <pre>.
        assert audit["multilinePre"] >= 1
        assert page.evaluate("""() => [...document.querySelectorAll('#main *')]
            .filter(e => e.closest('pre') === null)
            .some(e => [...e.childNodes].some(n => n.nodeType === 3 && n.data.includes('\\n')))""") is False
        # The whole page is still the report, escapes and all; the notes banner carries every note.
        assert page.evaluate(DUMP_SUBJECTS) == expected_subjects(doc)
        assert page.locator("#notes li.note").all_text_contents() == [shown(n) for n in doc["notes"]]
        # Clicking every button (copy, narrowing, chips) runs nothing hostile either.
        page.locator("button.copy").first.click()
        rec.assert_clean(page)


# ---- 3. nothing leaves the server --------------------------------------------------------------------------


def test_no_request_leaves_the_server_and_csp_holds() -> None:
    with serve(EXAMPLE) as srv, browser_page() as (page, rec):
        with page.expect_response(lambda r: urlsplit(r.url).path == "/api/v1/dashboard") as first:
            response = open_dashboard(page, srv.url)
        assert response.headers.get("content-security-policy") == CSP
        page.wait_for_selector("#conn[data-conn=live]")
        # Everything collapsed: the page read the dashboard's lists only, never the report, no subject yet.
        assert {urlsplit(u).path for u in rec.requests} == {
            "/", "/static/dashboard.css", "/static/dashboard.js", "/api/v1/dashboard", "/events"}
        dashboard = first.value.body()
        with urllib.request.urlopen(f"{srv.origin}/api/v1/report", timeout=10) as res:
            whole = res.read()
        assert len(dashboard) < len(whole), (len(dashboard), len(whole))
        assert json.loads(dashboard)["groups"] == json.loads(whole)["groups"]

        expand_all(page)
        page.locator("button.copy").first.click()
        page.locator("section.group .code-button").first.click()
        wait_ready(page)
        rec.assert_clean(page)
        offsite = [u for u in rec.requests if not u.startswith(srv.url)]
        assert offsite == []
        paths = {urlsplit(u).path for u in rec.requests}
        assert paths == {"/", "/static/dashboard.css", "/static/dashboard.js", "/api/v1/dashboard", "/events",
                         "/api/v1/subject"}
        # One request per opened subject (narrowing by a code re-uses the bodies of this version).
        opened = page.evaluate("() => [...new Set([...document.querySelectorAll('details.subject')]"
                               ".map(d => d.dataset.ref))]")
        refs = subject_fetches(rec.requests)
        assert sorted(refs) == sorted(set(refs)) and set(opened) <= set(refs)
        assert sorted(refs) == sorted(s["ref"] for s in json.loads(whole)["subjects"])
        assert fetched(rec.requests, "/api/v1/report") == []
    # The files themselves: no way to load anything else, nothing inline.
    html = (STATIC / "index.html").read_text()
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="static/dashboard.js" defer>']
    assert re.search(r"\sstyle\s*=|<style|\son\w+\s*=|https?:|//[a-z]", html, re.I) is None
    js = (STATIC / "dashboard.js").read_text()
    forbidden = ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "javascript:", ".style", "'style'", ".href =", "setAttribute('src'", "location.href ="]
    assert [w for w in forbidden if w in js] == []
    # The one link the page makes from data: an in-page fragment of the safe id encoding.
    assert re.findall(r"setAttribute\('href', [^)]*\)", js) == ["setAttribute('href', '#' + safeId('s-', sc.sameNodesAs)"]
    assert re.search(r"https?://|url\(", (STATIC / "dashboard.css").read_text()) is None


# ---- 4. filters --------------------------------------------------------------------------------------------


FILTERED = {
    "one code": "registry.rate-limited",
    "a code family": "sched",
}


@pytest.mark.parametrize("code", FILTERED.values(), ids=FILTERED.keys())
def test_code_from_the_url_shows_only_its_groups(code: str) -> None:
    full = scan_json(EXAMPLE)
    with serve(EXAMPLE) as srv, browser_page() as (page, rec):
        served = api(srv.origin, f"?code={code}")
        want = [g["code"] for g in full["groups"] if g["code"] == code or g["code"].startswith(code + ".")]
        assert sorted(g["code"] for g in served["groups"]) == sorted(want) and want
        open_dashboard(page, f"{srv.url}?code={code}")
        expand_all(page)
        assert page.evaluate(DUMP_GROUPS) == expected_groups(served)
        assert page.locator("#filters button.chip-active").all_text_contents() == [f"code {code} ✕"]
        rec.assert_clean(page)


def test_clicking_narrows_without_a_reload() -> None:
    full = scan_json(EXAMPLE)
    namespace = "billing"
    in_ns = [s["ref"] for s in full["subjects"] if s["namespace"] == namespace]
    assert in_ns
    with serve(EXAMPLE) as srv, browser_page() as (page, rec):
        narrowed = api(srv.origin, f"?namespace={namespace}")
        open_dashboard(page, srv.url)
        page.evaluate("window.__sameDocument = true")  # gone if the page reloaded
        rendered = page.locator("#app").get_attribute("data-version")

        # A namespace chip: the URL changes by pushState, the groups narrow, the page is the same document.
        page.locator(f"#filters button.chip-namespace[data-namespace='{namespace}']").click()
        wait_ready(page)
        assert parse_qs(urlsplit(page.url).query) == {"namespace": [namespace]}
        assert page.locator("#filters button.chip-active").all_text_contents() == [f"namespace {namespace} ✕"]
        expand_all(page)
        assert page.evaluate(DUMP_GROUPS) == expected_groups(narrowed)
        assert sorted(page.eval_on_selector_all("details.subject", "ds => ds.map(d => d.dataset.ref)")) == sorted(in_ns)

        # A code in the page narrows further; its chip appears beside the namespace's.
        code = page_codes(page)[0]
        page.locator("section.group .code-button").first.click()
        wait_ready(page)
        assert parse_qs(urlsplit(page.url).query) == {"namespace": [namespace], "code": [code]}
        assert page.locator("#filters button.chip-active").all_text_contents() == [
            f"namespace {namespace} ✕", f"code {code} ✕"]
        assert set(page_codes(page)) == {code}

        # Back goes back (popstate); removing a chip removes its filter.
        page.go_back()
        wait_for(page, "!new URLSearchParams(location.search).has('code')")
        wait_ready(page)
        assert page_codes(page) == [g["code"] for g in narrowed["groups"]]
        page.locator("#filters button.chip-active[data-filter='namespace']").click()
        wait_ready(page)
        assert urlsplit(page.url).query == ""
        assert page_codes(page) == [g["code"] for g in full["groups"]]
        assert (page.evaluate("window.__sameDocument"), page.locator("#app").get_attribute("data-version")) == (
            True, rendered)
        rec.assert_clean(page)


def test_owner_filter_from_the_page() -> None:
    full = scan_json(EXAMPLE)
    ref = "Pod/marketing/landing-5d8b7f9c6d-c8t66"
    owned = [s["ref"] for s in full["subjects"] if "Deployment/marketing/landing" in s.get("owners", [])]
    assert len(owned) == 3
    with serve(EXAMPLE) as srv, browser_page() as (page, rec):
        open_dashboard(page, srv.url)
        open_details(page, page.locator("section.group").first.locator("details.group-subjects"))
        open_details(page, page.locator(f"details.subject[data-ref='{ref}']"))
        page.get_by_role("button", name="only Deployment/marketing/landing", exact=True).click()
        wait_ready(page)
        assert parse_qs(urlsplit(page.url).query) == {"namespace": ["marketing"], "owner": ["Deployment/landing"]}
        expand_all(page)
        assert page.eval_on_selector_all("details.subject", "ds => ds.map(d => d.dataset.ref)") == owned
        assert page.locator("#examined").inner_text() == f"{len(owned)} pods"
        rec.assert_clean(page)


# ---- 5. behind a token --------------------------------------------------------------------------------------


def test_token_link_then_same_origin_cookie(tmp_path: Path) -> None:
    """Opened once as /?token=...: the page never keeps the token, and its fetch and EventSource work by the
    cookie alone (a 401 would be a console error and an error banner)."""
    token = "t0k3n-for-the-dashboard-test-0123456789"
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    full = scan_json(EXAMPLE, "-n", "billing")
    with serve(EXAMPLE, "--token-file", str(token_file)) as srv, browser_page() as (page, rec):
        with pytest.raises(urllib.error.HTTPError) as refused:
            api(srv.origin)
        assert refused.value.code == 401
        open_dashboard(page, f"{srv.url}?token={token}&namespace=billing")
        page.wait_for_selector("#conn[data-conn=live]")
        assert parse_qs(urlsplit(page.url).query) == {"namespace": ["billing"]}
        assert [g["code"] for g in page.evaluate(DUMP_GROUPS)] == [g["code"] for g in full["groups"]]
        assert page.locator("#error").is_hidden()
        assert [u for u in rec.requests if token in u] == [f"{srv.url}?token={token}&namespace=billing"]
        rec.assert_clean(page)
