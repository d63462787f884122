"""Small YAML snapshots for the image-pull tests, decoded and diagnosed through the real pipeline."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime

from podwhy.diagnose import Selection, diagnose
from podwhy.findings import Finding
from podwhy.snapshot import SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.sources.files import decode_bytes

NOW = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)


def pod(name: str, image: str, reason: str = "ErrImagePull", message: str = "", *, ns: str = "default",
        container: str = "app", secrets: tuple[str, ...] = (), owner: str = "", node: str = "node-1",
        sa: str = "default", policy: str = "", extra_containers: str = "", extra_statuses: str = "") -> str:
    """A pod whose container `container` waits in `reason` with `message`."""
    owner_yaml = ""
    if owner:
        kind, oname = owner.split("/")
        owner_yaml = f"\n  ownerReferences:\n  - {{kind: {kind}, name: {oname}, uid: uid-{oname}, controller: true}}"
    sec = "".join(f"\n  - name: {s}" for s in secrets)
    sec_yaml = f"\n  imagePullSecrets:{sec}" if secrets else ""
    pol = f"\n    imagePullPolicy: {policy}" if policy else ""
    return textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: {ns}
          uid: uid-{name}{owner_yaml}
        spec:
          nodeName: {node}
          serviceAccountName: {sa}{sec_yaml}
          containers:
          - name: {container}
            image: {image_q}{pol}{extra_containers}
        status:
          phase: Pending
          conditions:
          - {{type: PodScheduled, status: "True"}}
          containerStatuses:
          - name: {container}
            image: {image_q}
            state:
              waiting:
                reason: {reason}
                message: {message_q}{extra_statuses}
        """).format(name=name, ns=ns, owner_yaml=owner_yaml, node=node, sa=sa, sec_yaml=sec_yaml,
                    container=container, image_q=json.dumps(image), pol=pol, extra_containers=extra_containers,
                    reason=reason, message_q=json.dumps(message), extra_statuses=extra_statuses)


def event(pod_name: str, reason: str, message: str, *, ns: str = "default", field_path: str = "", n: int = 0,
          type_: str = "Warning", uid: bool = True) -> str:
    fp = f"\n  fieldPath: {field_path}" if field_path else ""
    uid_line = f"\n  uid: uid-{pod_name}" if uid else ""
    return textwrap.dedent("""\
        apiVersion: v1
        kind: Event
        metadata:
          name: {pod}.{n:04d}
          namespace: {ns}
        involvedObject:
          kind: Pod
          name: {pod}
          namespace: {ns}{uid}{fp}
        reason: {reason}
        message: {message}
        type: {type_}
        source: {{component: kubelet}}
        count: 1
        firstTimestamp: "2026-01-01T00:{n:02d}:00Z"
        lastTimestamp: "2026-01-01T00:{n:02d}:00Z"
        """).format(pod=pod_name, n=n, ns=ns, uid=uid_line, fp=fp, reason=reason, message=json.dumps(message),
                    type_=type_)


def docs(*parts: str) -> str:
    return "\n---\n".join(p.strip("\n") for p in parts) + "\n"


def run(yaml_text: str, *, pod_name: str | None = None, ns: str = "default") -> dict[str, list[Finding]]:
    """ref -> findings (root cause first) for every stuck subject."""
    snap = build_snapshot(decode_bytes(yaml_text.encode(), "<test>"), SourceInfo("files", "<test>"))
    rep = diagnose(snap, now=NOW, selection=Selection(namespace=None, pod=pod_name))
    return {s.ref: s.findings for s in rep.subjects}


def findings_of(yaml_text: str, pod_name: str, ns: str = "default") -> list[Finding]:
    return run(yaml_text)[f"Pod/{ns}/{pod_name}"]


def report(yaml_text: str):  # type: ignore[no-untyped-def]
    snap = build_snapshot(decode_bytes(yaml_text.encode(), "<test>"), SourceInfo("files", "<test>"))
    return diagnose(snap, now=NOW)
