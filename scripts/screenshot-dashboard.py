#!/usr/bin/env python3
"""Screenshot of the `podwhy serve` dashboard for the docs: docs/dashboard.png (1280x900).

Starts `podwhy serve --from examples/cluster` on a free loopback port and opens the dashboard in the system's
headless Chromium (Debian: `apt-get install chromium`), narrowed to one namespace, with its first group and
that group's Pending subject open. An open subject is taller than a window (its findings, evidence and fixes
come before its node table), so the picture is two crops of the one page, one above the other with a marked
cut between them: the top of the page (the header with its counts, the filters, the open group and subject),
then the subject's scheduling section with its node table and the next group. The page is drawn at 90 %
(device scale 0.9) so that both fit. Usage: .venv/bin/python scripts/screenshot-dashboard.py [OUT.png]
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from serve.harness import Served  # noqa: E402  (the tests' way of running `podwhy serve`)

NAMESPACE = "analytics"  # three groups, the first of them a Pending pod with a node table
WIDTH, HEIGHT, SCALE = 1280, 900, 0.9
CUT = 22  # px of the marked cut between the two crops

# Where a node is on the page, in CSS px from the document's top: [top, bottom].
SPAN = "el => { const r = el.getBoundingClientRect(); return [r.top + scrollY, r.bottom + scrollY]; }"


def crop(page: Any, top: float, bottom: float) -> bytes:
    shot: bytes = page.screenshot(clip={"x": 0, "y": top, "width": WIDTH / SCALE, "height": bottom - top},
                                  full_page=True)
    return shot


def compose(browser: Any, parts: list[bytes], out: Path) -> None:
    """The crops one above the other, a marked cut between them, in a page of its own (no network)."""
    images = [f"data:image/png;base64,{base64.b64encode(b).decode()}" for b in parts]
    cut = (f'<div style="height:{CUT}px;display:flex;align-items:center;justify-content:center;gap:1em;'
           'background:repeating-linear-gradient(135deg,#eceff2 0 6px,#f6f7f9 6px 12px);color:#5b6670;'
           'font:italic 12px system-ui,sans-serif;border-top:1px dashed #b8c0c8;border-bottom:1px dashed #b8c0c8">'
           "&#8942; the subject&#8217;s findings, evidence and fixes &#8942;</div>")
    body = cut.join(f'<img style="display:block" src="{src}">' for src in images)
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.set_content(f'<!doctype html><body style="margin:0;background:#f6f7f9">{body}</body>')
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "dashboard.png"
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("screenshot-dashboard: no chromium on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with Served(["--from", str(ROOT / "examples" / "cluster")]) as served:
        url = served.url + "/"
        with sync_playwright() as p:
            args = ["--no-sandbox"] if os.geteuid() == 0 else []
            browser = p.chromium.launch(executable_path=chromium, args=args, headless=True)
            context = browser.new_context(viewport={"width": round(WIDTH / SCALE), "height": round(HEIGHT / SCALE)},
                                          device_scale_factor=SCALE)
            page = context.new_page()
            page.goto(f"{url}?namespace={NAMESPACE}")
            page.wait_for_selector("#app[data-status=ready]")
            page.wait_for_selector("#conn[data-conn=live]")
            # The first Pending subject with a node table (the dashboard's lines say which), and its group.
            board = json.loads(page.evaluate(f"fetch('api/v1/dashboard?namespace={NAMESPACE}').then(r => r.text())"))
            ref = next(s["ref"] for s in board["subjects"] if s["state"] == "Pending" and s.get("nodes"))
            group_at = next(i for i, g in enumerate(board["groups"]) if ref in g["subjects"])
            if group_at + 1 >= len(board["groups"]):
                sys.exit("screenshot-dashboard: the Pending subject's group is the last: no next group to show")
            groups = page.locator("section.group")
            group = groups.nth(group_at)
            group.locator("details.group-subjects > summary").click()
            subject = group.locator(f"details.subject[data-ref={json.dumps(ref)}]")
            subject.locator(":scope > summary").click()
            subject.locator(".scheduling table.node-table").wait_for()  # its body is fetched when it opens
            page.wait_for_function("() => [...document.querySelectorAll('#main details[open]')]"
                                   ".every(d => d.dataset.built === 'yes')")
            page.evaluate("document.activeElement && document.activeElement.blur()")
            # Top: the page down to the open subject's summary line. Then: its scheduling section and the
            # head of the next group.
            top_end = subject.locator(":scope > summary").evaluate(SPAN)[1] + 4
            sched_top = subject.locator(".scheduling").evaluate(SPAN)[0] - 4
            next_head = groups.nth(group_at + 1).locator("header.group-head").evaluate(SPAN)[1] + 6
            available = HEIGHT / SCALE - CUT / SCALE
            if top_end + (next_head - sched_top) > available:
                sys.exit(f"screenshot-dashboard: {top_end + next_head - sched_top:.0f} px do not fit in {available:.0f}")
            bottom_end = sched_top + (available - top_end)  # fill the window: a little more below the next head
            compose(browser, [crop(page, 0, top_end), crop(page, sched_top, bottom_end)], out)
            browser.close()
    print(f"screenshot-dashboard: wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
