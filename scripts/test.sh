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
# (pip's warnings about this machine's extra index locations are noise: keep them out of the log)
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]' 2> >(grep -v "^WARNING: Location" >&2)

# Every gate runs, so one report shows every problem; the script fails if any gate failed.
failed=()
echo "== ruff";          .venv/bin/ruff check src tests benchmarks || failed+=(ruff)
echo "== mypy";          .venv/bin/mypy || failed+=(mypy)
echo "== import-linter"; .venv/bin/lint-imports || failed+=(import-linter)
# The real control plane's binaries (kube-apiserver & co. v1.34.4, etcd, KWOK) are built from the Go
# module proxy once and cached outside the repo (/opt/podwhy-cluster): cold about 20 min on 2 cores,
# then seconds. Built here so no test's timeout pays for it.
echo "== cluster build"; bash scripts/cluster.sh build --kubelet || failed+=(cluster-build)
# --dist loadgroup: the real-cluster tier (xdist_group "realcluster") shares one cluster on one worker.
echo "== pytest";        .venv/bin/pytest -n 2 --dist loadgroup -q "$@" || failed+=(pytest)
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
