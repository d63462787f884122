"""The dashboard follows a live cluster without a reload: `podwhy serve --kubeconfig` against the fake API
server with watches, the page in the system Chromium. A pod that gets stuck appears within two seconds of
its watch event, a deleted one disappears, an opened subject stays open (its body fetched again for the new
version), and hostile text arriving by a watch is shown as text."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .browser import browser_page, open_dashboard, open_details, wait_for
from .conftest import Cluster
from .harness import Served, subject_refs
from .test_live_watch import pulling

IMAGE = "registry.example/app:nope"
GROUP = "section.group[data-code='secret.no-pull-secret']"  # what pulling() pods share: one image registry
HOSTILE = '<img src=x onerror=alert(1)> \u202eexe.txt'
NOT_FOUND = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def served(cluster: Cluster) -> Served:
    return Served([*cluster.args, "-A", "--debounce", "0.05"])


def subject(ref: str) -> str:
    return f"details.subject[data-ref='{ref}']"


def version(page: Any) -> int:
    return int(page.locator("#app").get_attribute("data-version"))


def subject_fetches(requests: list[str]) -> list[str]:
    return [parse_qs(urlsplit(u).query)["ref"][0] for u in requests if urlsplit(u).path == "/api/v1/subject"]


def wait_open_and_built(page: Any, ref: str) -> None:
    wait_for(page, f"(d => d !== null && d.open && d.dataset.built === 'yes')(document.querySelector(\"{subject(ref)}\"))")


def test_an_injected_stuck_pod_appears_without_reload(cluster: Cluster) -> None:
    # A pod already failing to pull when the page opens: its group is opened, and the pod itself.
    cluster.api.emit("v1/pods", "ADDED", pulling("first", image=IMAGE))
    with served(cluster) as s, browser_page() as (page, rec):
        s.ready()
        assert "Pod/default/first" in subject_refs(s.report())
        documents: list[str] = []
        page.on("request", lambda r: documents.append(r.url) if r.resource_type == "document" else None)
        open_dashboard(page, s.url + "/")
        page.wait_for_selector("#conn[data-conn=live]")
        origin = page.evaluate("performance.timeOrigin")
        open_details(page, page.locator(f"{GROUP} details.group-subjects"))
        open_details(page, page.locator(subject("Pod/default/first")))
        before = version(page)
        assert subject_fetches(rec.requests) == ["Pod/default/first"]

        # ADDED: the new pod joins the open group, within 2 s, in the same document.
        sent = time.monotonic()
        cluster.api.emit("v1/pods", "ADDED", pulling("injected", image=IMAGE))
        page.wait_for_selector(f"{GROUP} {subject('Pod/default/injected')}", timeout=5_000)
        took = time.monotonic() - sent
        assert took < 2.0, took
        added = version(page)
        assert added > before
        # The opened subject stayed open, and its body was fetched again for the new version.
        wait_open_and_built(page, "Pod/default/first")
        assert subject_fetches(rec.requests) == ["Pod/default/first", "Pod/default/first"]
        assert "Pod/default/injected" not in subject_fetches(rec.requests)  # listed, not opened: not fetched

        # DELETED: gone from the page, still without a reload.
        cluster.api.emit("v1/pods", "DELETED", pulling("injected", image=IMAGE))
        page.wait_for_selector(subject("Pod/default/injected"), state="detached", timeout=5_000)
        deleted = version(page)
        assert deleted > added
        wait_open_and_built(page, "Pod/default/first")

        # MODIFIED: the open pod's waiting message turns hostile; its body shows the markup as text.
        hostile = pulling("first", image=IMAGE)
        hostile["status"]["containerStatuses"][0]["state"]["waiting"]["message"] = (
            f'Back-off pulling image "{IMAGE}": {HOSTILE}')
        cluster.api.emit("v1/pods", "MODIFIED", hostile)
        wait_for(page, f"Number(document.getElementById('app').dataset.version) > {deleted}")
        wait_open_and_built(page, "Pod/default/first")
        body = page.locator(f"{subject('Pod/default/first')} .subject-body")
        wait_for(page, f"document.querySelector(\"{subject('Pod/default/first')} .subject-body\")"
                       ".textContent.includes('<img src=x onerror=alert(1)>')")
        text = body.text_content()
        assert "\\u202eexe.txt" in text and "\u202e" not in text
        assert page.locator("#main img, #main [onerror]").count() == 0

        # Every change came by the event stream and a fetch: one document, the same since the start.
        assert page.evaluate("performance.timeOrigin") == origin
        assert documents == [s.url + "/"]
        assert subject_fetches(rec.requests).count("Pod/default/first") >= 4
        rec.assert_clean(page)


def test_a_subject_gone_since_the_list_was_loaded_says_so(cluster: Cluster) -> None:
    """Opened after the pod was deleted, but before the page heard of it (its event stream held back): the
    subject's body is a clear "no longer stuck", not an error."""
    cluster.api.emit("v1/pods", "ADDED", pulling("doomed", image=IMAGE))
    with served(cluster) as s, browser_page() as (page, rec):
        s.ready()
        # An event stream that never announces anything (the page loads the report once, by its timer).
        page.route("**/events", lambda route: route.fulfill(status=200, body="retry: 600000\n\n",
                                                            headers={"Content-Type": "text/event-stream"}))
        open_dashboard(page, s.url + "/")
        open_details(page, page.locator(f"{GROUP} details.group-subjects"))
        cluster.api.emit("v1/pods", "DELETED", pulling("doomed", image=IMAGE))
        s.wait_for("deleted", lambda: "Pod/default/doomed" not in subject_refs(s.report()))
        doomed = page.locator(subject("Pod/default/doomed"))
        open_details(page, doomed)
        assert doomed.get_attribute("data-load") == "gone"
        assert doomed.locator(".subject-gone").inner_text().startswith("default/doomed is no longer stuck")
        assert page.locator("#error").is_hidden()
        # The browser logs the 404 itself; nothing else may be logged.
        assert [m for m in rec.console_errors if NOT_FOUND not in m] == []
        rec.console_errors.clear()
        rec.assert_clean(page)
