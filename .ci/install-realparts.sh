#!/usr/bin/env bash
# Installs everything the "real parts" test tier (tests/realparts/) needs on a fresh Debian bookworm
# machine, as root. Idempotent: work already done is skipped, so CI can run it before every test run.
#
#   * bookworm packages: chromium (the dashboard's real-browser tests drive it headless through Playwright,
#     which then downloads no browser of its own), docker-registry (distribution 2.8), apache2-utils (htpasswd -B), containerd 1.6
#     + runc, busybox-static (the hand-built test/pause images), openssl (self-signed cert), iproute2.
#     For `scripts/cluster.sh up --kubelet` (tests/realcluster/test_kubelet.py) also: gcc and
#     libseccomp-dev (runc is built with cgo and -tags seccomp), containernetworking-plugins (the
#     bridge/host-local/loopback CNI plugins in /usr/lib/cni).
#   * containerd 1.7 from Debian trixie, UNPACKED (not installed) under $PODWHY_REALPARTS_DIR/containerd-1.7
#     with `apt-get download` + `dpkg -x`. The trixie index lives in a private apt state/sources
#     directory, so the system's apt sources, lists and dpkg database are never touched.
#
# Facts and timings: shared/spec/test-infra.md sections 1 and 3.
set -euo pipefail

CACHE="${PODWHY_REALPARTS_DIR:-/opt/podwhy-realparts}"
CTRD17="$CACHE/containerd-1.7"
APTDIR="$CACHE/apt-trixie"
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" != 0 ]; then
  echo "install-realparts: must run as root" >&2
  exit 1
fi

need_pkgs=()
for bin_pkg in docker-registry:docker-registry htpasswd:apache2-utils containerd:containerd runc:runc \
               busybox:busybox-static openssl:openssl ip:iproute2 unshare:util-linux \
               kubectl:kubernetes-client gcc:gcc -:libseccomp-dev -:containernetworking-plugins \
               chromium:chromium; do
  bin="${bin_pkg%%:*}"; pkg="${bin_pkg#*:}"
  # busybox-static installs /bin/busybox; check the package itself for it (a dynamic busybox would not do).
  # libseccomp-dev (runc's cgo build) and containernetworking-plugins (/usr/lib/cni) have no command.
  if [ "$pkg" = busybox-static ] || [ "$bin" = - ]; then
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need_pkgs+=("$pkg")
  elif ! command -v "$bin" >/dev/null 2>&1; then
    need_pkgs+=("$pkg")
  fi
done

if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "install-realparts: installing ${need_pkgs[*]}"
  apt-get update
  # Exactly the packages found missing above (kubernetes-client for kubectl included).
  apt-get install -y --no-install-recommends "${need_pkgs[@]}"
else
  echo "install-realparts: bookworm packages already installed"
fi

if [ -x "$CTRD17/usr/bin/containerd" ] && "$CTRD17/usr/bin/containerd" --version | grep -q ' 1\.7\.'; then
  echo "install-realparts: containerd 1.7 already unpacked in $CTRD17"
else
  echo "install-realparts: unpacking containerd 1.7 from Debian trixie into $CTRD17"
  mkdir -p "$APTDIR/etc/sources.list.d" "$APTDIR/etc/preferences.d" "$APTDIR/lists/partial" \
    "$APTDIR/cache/archives/partial" "$APTDIR/debs"
  cat >"$APTDIR/etc/sources.list" <<'EOF'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
EOF
  : >"$APTDIR/status"
  # Private index: only sources, lists, cache and the dpkg status file are redirected; apt.conf.d stays
  # the system's (it may carry proxy settings this machine needs).
  apt_opts=(
    -o "Dir::Etc::sourcelist=$APTDIR/etc/sources.list"
    -o "Dir::Etc::sourceparts=$APTDIR/etc/sources.list.d"
    -o "Dir::Etc::preferencesparts=$APTDIR/etc/preferences.d"
    -o "Dir::State::lists=$APTDIR/lists"
    -o "Dir::State::status=$APTDIR/status"
    -o "Dir::Cache=$APTDIR/cache"
    -o "Dir::Cache::archives=$APTDIR/cache/archives"
    -o "APT::Get::List-Cleanup=false"
    -o "APT::Sandbox::User=root"
  )
  apt-get "${apt_opts[@]}" update
  (cd "$APTDIR/debs" && rm -f containerd_*.deb && apt-get "${apt_opts[@]}" download containerd)
  rm -rf "$CTRD17.tmp"
  dpkg -x "$APTDIR"/debs/containerd_*.deb "$CTRD17.tmp"
  "$CTRD17.tmp/usr/bin/containerd" --version | grep -q ' 1\.7\.' || {
    echo "install-realparts: the trixie containerd is not 1.7: $("$CTRD17.tmp/usr/bin/containerd" --version)" >&2
    exit 1
  }
  rm -rf "$CTRD17"
  mv "$CTRD17.tmp" "$CTRD17"
  rm -f "$APTDIR"/debs/*.deb
fi

echo "install-realparts: containerd 1.6: $(/usr/bin/containerd --version)"
echo "install-realparts: containerd 1.7: $("$CTRD17/usr/bin/containerd" --version)"
echo "install-realparts: docker-registry: $(docker-registry --version)"
