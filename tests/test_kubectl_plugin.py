"""`kubectl podwhy ...` works: the package installs a `kubectl-podwhy` executable that kubectl finds on PATH."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_kubectl_runs_podwhy_as_a_plugin(tmp_path: Path) -> None:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is required (scripts/test.sh installs kubernetes-client)"
    plugin = Path(sys.executable).parent / "kubectl-podwhy"
    assert plugin.is_file(), "kubectl-podwhy entry point is not installed (pip install -e .)"
    env = {"PATH": f"{plugin.parent}{os.pathsep}/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)}
    p = subprocess.run([kubectl, "podwhy", "pod", "myapp-7c5b9f8d6f-qct2v", "-n", "shop",
                        "--from", str(ROOT / "examples" / "cluster"), "-o", "json"],
                       capture_output=True, text=True, env=env, timeout=120, check=False)
    assert p.returncode == 1, p.stderr
    doc = json.loads(p.stdout)
    assert doc["subjects"][0]["ref"] == "Pod/shop/myapp-7c5b9f8d6f-qct2v"
    assert doc["subjects"][0]["findings"][0]["code"] == "image.tag-not-found"
