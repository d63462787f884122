#!/usr/bin/env python3
"""Screenshot of the `podwhy serve` dashboard for the docs: docs/dashboard.png.

Starts `podwhy serve --from examples/cluster` on a free loopback port, opens the dashboard in the system's
headless Chromium (Debian: `apt-get install chromium`) at 1280x900, expands the first group and one
Pending subject, and saves the window. Usage: .venv/bin/python scripts/screenshot-dashboard.py [OUT.png]
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LISTENING = re.compile(r"podwhy serve: listening on (http://127\.0\.0\.1:\d+/)")


def start_server() -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "podwhy", "serve", "--from", "examples/cluster", "--listen", "127.0.0.1:0"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    found: queue.Queue[str | None] = queue.Queue()

    def drain() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            sys.stderr.write(line)
            m = LISTENING.search(line)
            if m:
                found.put(m.group(1))
        found.put(None)

    threading.Thread(target=drain, daemon=True).start()
    try:
        url = found.get(timeout=60)
    except queue.Empty:
        url = None
    if url is None:
        proc.kill()
        sys.exit("screenshot-dashboard: podwhy serve did not start")
    return proc, url


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "dashboard.png"
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("screenshot-dashboard: no chromium on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    proc, url = start_server()
    try:
        with sync_playwright() as p:
            args = ["--no-sandbox"] if os.geteuid() == 0 else []
            browser = p.chromium.launch(executable_path=chromium, args=args, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.wait_for_selector("#app[data-status=ready]")
            page.wait_for_selector("#conn[data-conn=live]")
            page.locator("section.group").first.locator("details.group-subjects > summary").click()
            # One Pending subject (the first in report order): open its group, then the subject.
            report = json.loads(page.evaluate("fetch('api/v1/report').then(r => r.text())"))
            ref = next(s["ref"] for s in report["subjects"] if s["state"] == "Pending" and s.get("scheduling"))
            group_at = next(i for i, g in enumerate(report["groups"]) if ref in g["subjects"])
            group = page.locator("section.group").nth(group_at)
            if not group.locator("details.group-subjects").evaluate("d => d.open"):
                group.locator("details.group-subjects > summary").click()
            subject = group.locator(f"details.subject[data-ref={json.dumps(ref)}]")
            subject.locator("summary").click()
            subject.locator(".scheduling").wait_for()
            # From the first group down: its subjects, then the Pending subject, as far as 900 px go.
            page.locator("section.group").first.evaluate("el => el.scrollIntoView({block: 'start'})")
            page.evaluate("window.scrollBy(0, -8)")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            browser.close()
    finally:
        proc.kill()
        proc.wait(timeout=10)
    print(f"screenshot-dashboard: wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
