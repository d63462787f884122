"""Where the real binaries live, and a loud failure (never a skip) when one is missing.

CI runs `.ci/install-realparts.sh` before the tests; a developer who has not run it gets a failure that
says so instead of a silently skipped tier.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

INSTALL_SCRIPT = ".ci/install-realparts.sh"

# containerd 1.7 is unpacked (not installed) from Debian trixie's .deb by the install script.
REALPARTS_DIR = Path(os.environ.get("PODWHY_REALPARTS_DIR", "/opt/podwhy-realparts"))
CONTAINERD_17_BIN_DIR = REALPARTS_DIR / "containerd-1.7" / "usr" / "bin"
CONTAINERD_16_BIN_DIR = Path("/usr/bin")


class MissingBinaryError(RuntimeError):
    """A tool this tier needs is not installed."""


def missing_message(what: str) -> str:
    return f"{what} is not installed: run `sudo bash {INSTALL_SCRIPT}` (it installs everything the realparts tier needs)"


def require(name: str) -> str:
    """Absolute path of an executable on PATH (also /usr/sbin, /sbin for root tools), or a loud error."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")
    if path is None:
        raise MissingBinaryError(missing_message(f"`{name}`"))
    return path


def require_file(path: Path, what: str) -> Path:
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise MissingBinaryError(missing_message(f"{what} ({path})"))
    return path


def containerd_bin_dir(version: str) -> Path:
    """Directory holding `containerd` and its runc shim for the given minor version ("1.6" or "1.7")."""
    if version == "1.6":
        bin_dir = CONTAINERD_16_BIN_DIR
    elif version == "1.7":
        bin_dir = CONTAINERD_17_BIN_DIR
    else:
        raise ValueError(f"no containerd {version} in this tier")
    require_file(bin_dir / "containerd", f"containerd {version}")
    require_file(bin_dir / "containerd-shim-runc-v2", f"containerd {version} runc shim")
    return bin_dir


def busybox_static() -> Path:
    """The statically linked busybox from Debian's busybox-static (runs inside a hand-built image)."""
    for candidate in (Path("/bin/busybox"), Path("/usr/bin/busybox")):
        if candidate.is_file():
            with candidate.open("rb") as fh:
                head = fh.read(4096)
            # A dynamic busybox would have a PT_INTERP path; the static one has none.
            if b"/lib64/ld-linux" not in head and b"/lib/ld-linux" not in head:
                return candidate
    raise MissingBinaryError(missing_message("busybox-static"))
