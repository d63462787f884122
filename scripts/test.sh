#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what it needs, then lint, types, import contracts, tests.
# Usage: bash scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

# System parts for the real-registry/containerd tier and the kubectl checks (Debian, as root).
if [ "$(id -u)" = 0 ]; then
  bash .ci/install-realparts.sh
else
  echo "scripts/test.sh: not root; assuming docker-registry, containerd and kubectl are installed" >&2
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'

echo "== ruff";         .venv/bin/ruff check src tests benchmarks
echo "== mypy";         .venv/bin/mypy
echo "== import-linter"; .venv/bin/lint-imports
echo "== pytest";       .venv/bin/pytest -n 2 -q "$@"
