"""`podwhy serve`'s own options. Standard library only: the CLI builds its parser from this at every start."""

from __future__ import annotations

import argparse

DEFAULT_LISTEN = "127.0.0.1:8080"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-A", "--all-namespaces", action="store_true", help="all namespaces")
    p.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                   help=f"address to serve on (default {DEFAULT_LISTEN}: loopback only; port 0 picks a free one)")
    p.add_argument("--token-file", metavar="FILE",
                   help="require this bearer token (the file's first line) for the dashboard, the API and /events")
    p.add_argument("--debounce", type=float, default=0.1, metavar="SECONDS",
                   help="live: diagnose again once changes have been quiet this long (default 0.1)")
    p.add_argument("--max-delay", type=float, default=0.25, metavar="SECONDS",
                   help="live: ... or this long after the first change, however busy the cluster (default 0.25)")
    p.add_argument("--resync", type=float, default=30.0, metavar="SECONDS",
                   help="live: diagnose again at least this often, since ages move on (default 30)")
    p.add_argument("--forbidden-retry", type=float, default=60.0, metavar="SECONDS",
                   help="live: ask again this often for a kind RBAC refused (a grant can come later; default 60)")
    p.add_argument("--max-node-verdicts", type=int, default=250_000, metavar="N",
                   help="as for scan (default 250000)")
