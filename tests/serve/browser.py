"""Real-browser helpers for the dashboard tests: `podwhy serve` as a subprocess, and the system Chromium
driven by Playwright's sync API with every dialog, console error, page error, request and CSP violation
recorded.

The browser is Debian's `chromium` package (never a downloaded one): the tests fail, not skip, without it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from podwhy.render.text import node_detail

from .harness import Served

ROOT = Path(__file__).resolve().parents[2]

# The contract's Content-Security-Policy of the dashboard, exactly.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

# Same set as the dashboard's CONTROL_RE (dashboard.js): C0 but tab/newline, DEL, C1, bidi and invisible
# formatting characters. Python's mirror of what the page shows for a cluster string.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e"
                       "\u2060-\u2064\u2066-\u2069\ufeff]")


def shown(text: object, *, multiline: bool = False) -> str:
    """What the dashboard displays for a cluster string (dashboard.js `clean`)."""
    s = str(text).replace("\r\n", "\n")
    if not multiline:
        s = s.replace("\n", "⏎").replace("\t", " ")
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                         else f"\\u{ord(m.group()):04x}", s)


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("the dashboard tests need the system Chromium: apt-get install chromium "
                    "(Debian's package; Playwright's own browser download is not used)")
    return path


# ---- the server --------------------------------------------------------------------------------------


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT/
    proc: subprocess.Popen[str]
    stderr: list[str]

    @property
    def origin(self) -> str:
        return self.url.rstrip("/")


@contextmanager
def serve(source: str | Path, *extra: str) -> Iterator[Server]:
    """`python -m podwhy serve --from SOURCE --listen 127.0.0.1:0` (harness.Served), until it stops."""
    with Served(["--from", str(source), *extra]) as s:
        assert s.proc is not None
        yield Server(s.url + "/", s.proc, s.stderr)


# ---- the browser ---------------------------------------------------------------------------------------


# Runs in the page before its own scripts: counts CSP violations (the console reports them too).
_RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@dataclass
class Recorder:
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def assert_clean(self, page: Any) -> None:
        violations = page.evaluate("window.__cspViolations")
        assert (self.dialogs, self.page_errors, self.console_errors, violations) == ([], [], [], [])


@contextmanager
def browser_page(width: int = 1280, height: int = 900) -> Iterator[tuple[Any, Recorder]]:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=args, headless=True)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
            context.add_init_script(_RECORD_CSP)
            page = context.new_page()
            page.set_default_timeout(15_000)
            rec = Recorder()
            rec.attach(page)
            yield page, rec
        finally:
            browser.close()


def open_dashboard(page: Any, url: str) -> Any:
    """Load the page and wait until a report is rendered; returns the response of the document."""
    response = page.goto(url)
    page.wait_for_selector("#app[data-status=ready]")
    return response


def wait_for(page: Any, condition: str) -> None:
    """Wait until a JS expression holds. Given as a function: the page's CSP forbids eval, which
    Playwright uses for a bare expression."""
    page.wait_for_function(f"() => ({condition})")


def wait_ready(page: Any) -> None:
    """The page sets data-status=loading synchronously when a fetch starts (a click on a filter, an event)."""
    wait_for(page, "document.getElementById('app').dataset.status === 'ready'")


# Every open <details> of the page has its content built (the page builds it on the `toggle` event, which
# runs after the click that opened it).
_ALL_BUILT = "[...document.querySelectorAll('#main details[open]')].every(d => d.dataset.built === 'yes')"


def open_details(page: Any, details: Any) -> None:
    """Open one closed <details> (a group's subject list or a subject) by a click on its summary, and wait
    for its content."""
    details.locator(":scope > summary").click()
    wait_for(page, _ALL_BUILT)
    assert details.get_attribute("data-built") == "yes"


def expand_all(page: Any) -> None:
    """Open every group and every subject the way a person does: a click on each closed <summary>."""
    for _ in range(10):
        wait_for(page, _ALL_BUILT)
        closed = page.locator("#main details:not([open]) > summary")
        n = closed.count()
        if n == 0:
            return
        for _i in range(n):
            closed.first.click()
    raise AssertionError("details kept closing or appearing")


# Reads the rendered groups / subjects / findings back out of the DOM, as plain data to compare whole.
DUMP_GROUPS = """
() => [...document.querySelectorAll('section.group')].map(g => ({
  group: g.dataset.group,
  code: g.querySelector('.group-code').textContent,
  count: g.querySelector('.count').textContent,
  summary: g.querySelector('.group-summary').textContent,
  fix: g.querySelector(':scope > .fix') ? {
    summary: g.querySelector(':scope > .fix .fix-summary').textContent,
    commands: [...g.querySelectorAll(':scope > .fix .copyable.command code')].map(c => c.textContent),
    patches: [...g.querySelectorAll(':scope > .fix .copyable.patch code')].map(c => c.textContent),
  } : null,
  subjects: [...g.querySelectorAll('details.subject')].map(s => s.dataset.ref),
}))
"""

DUMP_SUBJECTS = """
() => {
  const text = (root, sel) => { const n = root.querySelector(sel); return n ? n.textContent : null; };
  const seen = new Set();
  const out = [];
  for (const s of document.querySelectorAll('details.subject')) {
    if (seen.has(s.dataset.ref)) continue;
    seen.add(s.dataset.ref);
    const sc = s.querySelector('.scheduling');
    out.push({
      ref: s.dataset.ref,
      state: text(s, ':scope > summary .state'),
      findings: [...s.querySelectorAll('li.finding')].map(f => ({
        code: f.dataset.code,
        severity: text(f, '.finding-head .sev-word'),
        confidence: text(f, '.confidence'),
        container: text(f, '.container .mono'),
        cause: text(f, '.cause'),
        evidence: [...f.querySelectorAll('li.ev')].map(e => ({
          ref: text(e, '.ev-ref'),
          field: text(e, '.ev-field'),
          observed: text(e, '.ev-observed'),
          multiline: e.querySelector('pre.ev-observed') !== null,
          expected: text(e, '.ev-expected .mono'),
        })),
        fix: f.querySelector('.fix') ? {
          summary: text(f, '.fix-summary'),
          commands: [...f.querySelectorAll('.copyable.command code')].map(c => c.textContent),
          patches: [...f.querySelectorAll('.copyable.patch code')].map(c => c.textContent),
        } : null,
      })),
      scheduling: sc ? {
        message: text(sc, '.sched-message'),
        observed: text(sc, '.sched-observed .mono'),
        agrees: text(sc, '.sched-agrees'),
        same: text(sc, '.same-nodes'),
        nodes: [...sc.querySelectorAll('tbody tr')].map(tr => [
          tr.querySelector('th').textContent,
          tr.querySelector('.node-feasible').textContent,
          [...tr.querySelectorAll('li.failure')].map(li => li.textContent),
        ]),
      } : null,
    });
  }
  return out;
}
"""


def detail_text(detail: dict[str, Any] | None) -> str:
    """dashboard.js `detailText`: a node failure's detail in brackets after its reasons, as the text report."""
    return node_detail(detail)
