"""`podwhy serve`: the dashboard in a real browser (browser.py: the server subprocess and Chromium)."""
