"""The YAML patches podwhy prints are accepted by the real kubectl (client-side `patch --local`, no server)
and merge into the right containers by name, adding none."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from wlsnap import deployment_rs, docs, event, subject_findings

from podwhy.findings import Finding

KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: none, context: {cluster: none}}]
current-context: none
"""

TEMPLATE = """\
- name: app
  image: registry.example.com/web:2.1
  resources:
    requests: {cpu: 250m}
- name: proxy
  image: registry.example.com/proxy:1.0
"""


def _deployment_doc(snapshot: str) -> dict[str, object]:
    return next(d for d in yaml.safe_load_all(snapshot) if d and d.get("kind") == "Deployment")


def _apply(tmp_path: Path, obj: dict[str, object], patch: str) -> dict[str, object]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl (client) is part of the machine image (spec/test-infra.md)"
    (tmp_path / "kc").write_text(KUBECONFIG)
    (tmp_path / "obj.yaml").write_text(yaml.safe_dump(obj))
    (tmp_path / "patch.yaml").write_text(patch)
    out = subprocess.run([kubectl, "--kubeconfig", str(tmp_path / "kc"), "patch", "--local", "-f",
                          str(tmp_path / "obj.yaml"), "--type", "strategic", "--patch-file",
                          str(tmp_path / "patch.yaml"), "-o", "yaml"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    return yaml.safe_load(out.stdout)  # type: ignore[no-any-return]


def _first(snapshot: str) -> Finding:
    return subject_findings(snapshot, "ReplicaSet/shop/web-7d9f8c6b5")[0]


def _forbidden(cause: str) -> str:
    return event("ReplicaSet", "web-7d9f8c6b5", "FailedCreate",
                 f'Error creating: pods "web-7d9f8c6b5-" is forbidden: {cause}')


@pytest.mark.parametrize(("cause", "check"), [
    pytest.param('violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (containers "app", '
                 '"proxy" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or '
                 'containers "app", "proxy" must set securityContext.runAsNonRoot=true)',
                 lambda spec: spec["securityContext"]["runAsNonRoot"] is True and all(
                     c["securityContext"]["allowPrivilegeEscalation"] is False for c in spec["containers"]),
                 id="podsecurity-patch-merges-into-both-containers"),
    pytest.param("failed quota: compute: must specify limits.cpu for: app,proxy; limits.memory for: app,proxy",
                 lambda spec: [c["resources"]["limits"]["cpu"] for c in spec["containers"]] == ["250m", "500m"],
                 id="quota-must-specify-patch-keeps-requests-and-adds-limits"),
])
def test_patch_applies_with_real_kubectl(tmp_path: Path, cause: str, check) -> None:  # type: ignore[no-untyped-def]
    snap = docs(deployment_rs(containers=TEMPLATE), _forbidden(cause))
    f = _first(snap)
    assert f.fix is not None and len(f.fix.patches) == 1
    patched = _apply(tmp_path, _deployment_doc(snap), f.fix.patches[0])
    spec = patched["spec"]["template"]["spec"]  # type: ignore[index]
    assert [c["name"] for c in spec["containers"]] == ["app", "proxy"]  # merged by name, none added
    assert check(spec)
