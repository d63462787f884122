#!/usr/bin/env python3
"""Build the real-kubelet tier's images and push them to its loopback registry (test infrastructure).

    images.py REGISTRY_HOST:PORT PAUSE_BINARY BUSYBOX_STATIC

Pushes (OCI image manifests, linux/amd64, one gzip layer each, deterministic digests):
  podwhy/pause:3.10     our static pause program as /pause (containerd's pinned_images.sandbox)
  podwhy/busybox:1.35   Debian's busybox-static as /bin/busybox plus applet links (/bin/sh, sleep, ...)

Stdlib only; speaks the distribution HTTP API: HEAD blob -> POST /v2/<name>/blobs/uploads/ (202 +
Location) -> PUT <Location>&digest=... (201), then PUT /v2/<name>/manifests/<tag> (201).
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import json
import sys
import tarfile
import urllib.parse
from pathlib import Path

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
BUSYBOX_APPLETS = ("sh", "sleep", "echo", "cat", "ls", "true", "false", "env", "id", "ps", "nc")


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def layer(entries: list[tuple[str, bytes | None, int, str | None]]) -> tuple[bytes, bytes]:
    """(tar, tar.gz) of (path, data or None for a directory, mode, symlink target)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, data, mode, link in entries:
            info = tarfile.TarInfo(path)
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "root", "root"
            info.mode = mode
            if link is not None:
                info.type, info.linkname = tarfile.SYMTYPE, link
                tar.addfile(info)
            elif data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    gz = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=gz, mtime=0) as f:
        f.write(raw)
    return raw, gz.getvalue()


def image(entries: list[tuple[str, bytes | None, int, str | None]], config: dict[str, object]) -> list[
        tuple[str, bytes]]:
    """[(media type, bytes)]: layer, config, manifest (last)."""
    raw, gz = layer(entries)
    cfg = canonical({"architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
                     "config": config, "rootfs": {"type": "layers", "diff_ids": [digest(raw)]}})
    manifest = canonical({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": digest(cfg), "size": len(cfg)},
        "layers": [{"mediaType": OCI_LAYER_GZIP, "digest": digest(gz), "size": len(gz)}],
    })
    return [(OCI_LAYER_GZIP, gz), (OCI_CONFIG, cfg), (OCI_MANIFEST, manifest)]


def request(host: str, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    hostname, port = host.rsplit(":", 1)
    conn = http.client.HTTPConnection(hostname, int(port), timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def push(host: str, repo: str, tag: str, parts: list[tuple[str, bytes]]) -> str:
    *blobs, (manifest_type, manifest) = parts
    for _, data in blobs:
        d = digest(data)
        if request(host, "HEAD", f"/v2/{repo}/blobs/{d}").status == 200:
            continue
        resp = request(host, "POST", f"/v2/{repo}/blobs/uploads/")
        if resp.status != 202:
            raise SystemExit(f"images.py: POST upload for {repo}: HTTP {resp.status}")
        loc = urllib.parse.urlsplit(resp.getheader("Location") or "")
        sep = "&" if loc.query else "?"
        path = f"{loc.path}{'?' + loc.query if loc.query else ''}{sep}digest={urllib.parse.quote(d)}"
        resp = request(host, "PUT", path, data, {"Content-Type": "application/octet-stream",
                                                 "Content-Length": str(len(data))})
        if resp.status != 201:
            raise SystemExit(f"images.py: PUT blob {d} for {repo}: HTTP {resp.status}")
    resp = request(host, "PUT", f"/v2/{repo}/manifests/{tag}", manifest, {"Content-Type": manifest_type})
    if resp.status != 201:
        raise SystemExit(f"images.py: PUT manifest {repo}:{tag}: HTTP {resp.status}")
    return f"{host}/{repo}:{tag}@{digest(manifest)}"


def main() -> None:
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    host, pause_bin, busybox = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    pause = image([("pause", pause_bin.read_bytes(), 0o755, None)], {"Entrypoint": ["/pause"]})
    bb = [("bin", None, 0o755, None), ("bin/busybox", busybox.read_bytes(), 0o755, None),
          ("tmp", None, 0o1777, None)]
    bb += [(f"bin/{a}", None, 0o777, "busybox") for a in BUSYBOX_APPLETS]
    app = image(bb, {"Cmd": ["/bin/sh"], "Env": ["PATH=/bin"]})
    for repo, tag, parts in (("podwhy/pause", "3.10", pause), ("podwhy/busybox", "1.35", app)):
        print(push(host, repo, tag, parts))


if __name__ == "__main__":
    main()
