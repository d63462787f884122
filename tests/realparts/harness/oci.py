"""Hand-built OCI / Docker schema2 images with deterministic digests (stdlib only).

Mirrors the OCI image spec (image-spec v1.0: manifest, index, config with rootfs.diff_ids) and Docker's
schema2 media types. Layers are tar archives with fixed mtime/owner and gzip with mtime 0 and no file
name, so the same inputs always give the same digests on one machine.

Refs built by `standard_images()` (test-infra.md section 2b):
  probe/hello:v1          OCI manifest, linux/amd64, one tiny layer
  probe/hello:multi       OCI index with only linux/amd64
  probe/hello:arm64only   OCI index with only linux/arm64 (a platform mismatch for an amd64 node)
  probe/hello:docker-v1   Docker schema2 manifest
  probe/hello:docker-list Docker manifest list with only linux/amd64
  probe/pause:pause       busybox-static `sleep` image, usable as CRI sandbox_image
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"

# Every manifest type the harness pushes, for Accept headers.
ACCEPT_ALL = ", ".join((OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST, DOCKER_LIST))


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical_json(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Blob:
    media_type: str
    data: bytes

    @property
    def digest(self) -> str:
        return sha256_digest(self.data)

    def descriptor(self, **extra: object) -> dict[str, object]:
        return {"mediaType": self.media_type, "digest": self.digest, "size": len(self.data), **extra}


@dataclass(frozen=True)
class Image:
    """One pushable ref: blobs first, then child manifests (pushed by digest), then the tagged manifest."""

    repository: str
    tag: str
    manifest: Blob
    blobs: tuple[Blob, ...] = ()
    children: tuple[Blob, ...] = ()
    config_digest: str = ""  # image id (config digest) a linux/amd64 node gets; CRI PullImage's image_ref

    @property
    def digest(self) -> str:
        return self.manifest.digest


@dataclass(frozen=True)
class FileEntry:
    path: str
    data: bytes = b""
    mode: int = 0o644
    symlink_to: str | None = None
    is_dir: bool = False


def layer_tar(entries: list[FileEntry]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            info = tarfile.TarInfo(entry.path)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if entry.is_dir:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            elif entry.symlink_to is not None:
                info.type = tarfile.SYMTYPE
                info.linkname = entry.symlink_to
                info.mode = 0o777
                tar.addfile(info)
            else:
                info.size = len(entry.data)
                info.mode = entry.mode
                tar.addfile(info, io.BytesIO(entry.data))
    return buf.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(data)
    return buf.getvalue()


@dataclass
class _Built:
    config: Blob
    layers: list[Blob] = field(default_factory=list)


def _build(entries: list[FileEntry], arch: str, *, docker: bool, cmd: list[str] | None = None) -> _Built:
    tar = layer_tar(entries)
    layer = Blob(DOCKER_LAYER_GZIP if docker else OCI_LAYER_GZIP, gzip_bytes(tar))
    config_obj: dict[str, object] = {
        "architecture": arch,
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {"Cmd": cmd} if cmd else {},
        "rootfs": {"type": "layers", "diff_ids": [sha256_digest(tar)]},
    }
    config = Blob(DOCKER_CONFIG if docker else OCI_CONFIG, canonical_json(config_obj))
    return _Built(config=config, layers=[layer])


def _manifest(built: _Built, *, docker: bool) -> Blob:
    media_type = DOCKER_MANIFEST if docker else OCI_MANIFEST
    body = {
        "schemaVersion": 2,
        "mediaType": media_type,
        "config": built.config.descriptor(),
        "layers": [layer.descriptor() for layer in built.layers],
    }
    return Blob(media_type, canonical_json(body))


def _index(children: list[tuple[Blob, str]], *, docker: bool) -> Blob:
    media_type = DOCKER_LIST if docker else OCI_INDEX
    body = {
        "schemaVersion": 2,
        "mediaType": media_type,
        "manifests": [
            child.descriptor(platform={"architecture": arch, "os": "linux"}) for child, arch in children
        ],
    }
    return Blob(media_type, canonical_json(body))


def single(
    repository: str,
    tag: str,
    entries: list[FileEntry],
    arch: str = "amd64",
    *,
    docker: bool = False,
    cmd: list[str] | None = None,
) -> Image:
    built = _build(entries, arch, docker=docker, cmd=cmd)
    return Image(
        repository=repository,
        tag=tag,
        manifest=_manifest(built, docker=docker),
        blobs=(built.config, *built.layers),
        config_digest=built.config.digest,
    )


def indexed(
    repository: str, tag: str, entries: list[FileEntry], arches: list[str], *, docker: bool = False
) -> Image:
    blobs: list[Blob] = []
    children: list[tuple[Blob, str]] = []
    amd64_config = ""  # what a linux/amd64 node ends up with (the CRI image_ref)
    for arch in arches:
        built = _build([*entries, FileEntry("arch.txt", arch.encode())], arch, docker=docker)
        if arch == "amd64":
            amd64_config = built.config.digest
        blobs += [built.config, *built.layers]
        children.append((_manifest(built, docker=docker), arch))
    return Image(
        repository=repository,
        tag=tag,
        manifest=_index(children, docker=docker),
        blobs=tuple(blobs),
        children=tuple(child for child, _ in children),
        config_digest=amd64_config,
    )


def pause_image(busybox: Path, repository: str = "probe/pause", tag: str = "pause") -> Image:
    """busybox-static as /bin/busybox with sh/sleep links; runs `sleep` forever like registry.k8s.io/pause."""
    entries = [
        FileEntry("bin", is_dir=True),
        FileEntry("bin/busybox", busybox.read_bytes(), mode=0o755),
        FileEntry("bin/sh", symlink_to="busybox"),
        FileEntry("bin/sleep", symlink_to="busybox"),
    ]
    return single(repository, tag, entries, cmd=["/bin/sleep", "2147483647"])


HELLO_REPO = "probe/hello"


def standard_images(busybox: Path) -> list[Image]:
    hello = [FileEntry("hello.txt", b"hello from podwhy realparts\n")]
    return [
        single(HELLO_REPO, "v1", hello),
        indexed(HELLO_REPO, "multi", hello, ["amd64"]),
        indexed(HELLO_REPO, "arm64only", hello, ["arm64"]),
        single(HELLO_REPO, "docker-v1", hello, docker=True),
        indexed(HELLO_REPO, "docker-list", hello, ["amd64"], docker=True),
        pause_image(busybox),
    ]
