#!/usr/bin/env bash
# A real Kubernetes control plane on loopback for podwhy's tests (test infrastructure, not the product).
#
#   scripts/cluster.sh up [--kubelet]   build what is missing (cached), start etcd, kube-apiserver,
#                                       kube-controller-manager, kube-scheduler and KWOK on loopback,
#                                       wait until ready; the last line printed is the admin kubeconfig.
#                                       --kubelet also starts a loopback docker-registry, containerd 2.x
#                                       + runc and the real kubelet, registered as node 10.88.(PORT%256).1
#                                       (the name is in $STATE/kubelet/node); images in the registry
#                                       (127.0.0.1:PORT+1): podwhy/busybox:1.35, podwhy/pause:3.10; the same
#                                       images behind htpasswd basic auth on 127.0.0.1:PORT+4 (plain HTTP,
#                                       user:password in $STATE/registry-auth/credentials)
#   scripts/cluster.sh node NAME [--cpu N] [--memory Q] [--pods N] [--label k=v]... [--taint k=v:Effect]...
#                                       [--resource name=Q]...
#                                       add a fake node that KWOK keeps Ready (--resource: an extended
#                                       resource such as nvidia.com/gpu=2 in capacity and allocatable)
#   scripts/cluster.sh user NAME [--group G]...
#                                       a client-certificate user; prints its kubeconfig's path
#   scripts/cluster.sh down             stop everything `up` started (by PID) and remove its state
#   scripts/cluster.sh build [--kubelet]
#                                       only build (or check the cache of) the binaries, the older
#                                       kubectl releases included (--kubelet: and containerd, runc, pause)
#   scripts/cluster.sh status           what runs, and the admin kubeconfig
#
# Everything comes from the Go module proxy at one pinned release (scripts/cluster/*/go.mod); binaries
# are cached outside the repo in $PODWHY_CLUSTER_CACHE and rebuilt only when our Go sources change.
# Facts this follows: shared/spec/realcluster.md. Environment:
#   PODWHY_CLUSTER_CACHE  binaries (default /opt/podwhy-cluster)
#   PODWHY_CLUSTER_STATE  pki, etcd data, logs, pids, kubeconfigs (default /tmp/podwhy-cluster)
#   PODWHY_CLUSTER_PORT   kube-apiserver's secure port (default 16443); etcd uses PORT-4064 and PORT-4063,
#                         --kubelet PORT+1 (registry), PORT+2 (kubelet), PORT+3 (kubelet healthz),
#                         PORT+4 (the htpasswd registry)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GO_SRC="$ROOT/scripts/cluster"
CACHE="${PODWHY_CLUSTER_CACHE:-/opt/podwhy-cluster}"
STATE="${PODWHY_CLUSTER_STATE:-/tmp/podwhy-cluster}"
PORT="${PODWHY_CLUSTER_PORT:-16443}"
ETCD_PORT=$((PORT - 4064))
ETCD_PEER_PORT=$((PORT - 4063))
BIN="$CACHE/bin"
K8S_VERSION=v1.34.4      # keep in step with scripts/cluster/kubestack/go.mod
KWOK_VERSION=v0.7.0
CONTAINERD_VERSION=v2.2.9   # keep in step with scripts/cluster/containerd/go.mod (runc: scripts/cluster/runc)
SERVER="https://127.0.0.1:$PORT"

log() { echo "cluster.sh: $*" >&2; }
die() { echo "cluster.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------- build
src_hash() { (cd "$GO_SRC/$1" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-16); }

build_one() {  # build_one MODULE_DIR OUTPUT [ldflags] [package] [tags] [cgo 0|1]
  # package: a main package of the module's requirements (default: the module itself, ".").
  local dir="$1" out="$2" ldflags="${3:-}" pkg="${4:-.}" tags="${5:-}" cgo="${6:-0}" want
  want="$(src_hash "$dir")"
  [ "$pkg$tags$cgo" = ".0" ] || want="$want $pkg tags=$tags cgo=$cgo"
  if [ -x "$BIN/$out" ] && [ "$(cat "$BIN/$out.stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  log "building $out from $GO_SRC/$dir (cold: tens of minutes on 2 cores; cached afterwards)"
  local t0=$SECONDS
  mkdir -p "$BIN"
  (cd "$GO_SRC/$dir" && CGO_ENABLED="$cgo" go build -buildvcs=false -trimpath ${tags:+-tags "$tags"} \
     -ldflags "-s -w $ldflags" -o "$BIN/$out.new" "$pkg")
  mv "$BIN/$out.new" "$BIN/$out"
  echo "$want" >"$BIN/$out.stamp"
  log "built $out in $((SECONDS - t0)) s"
}

build() {
  command -v go >/dev/null || die "go is not installed (the project's machines have Go 1.26)"
  local p=k8s.io/component-base/version
  build_one kubestack kubestack "-X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=34 \
-X $p.gitTreeState=clean -X $p.buildDate=2026-01-01T00:00:00Z"
  build_one etcd etcd
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl; do
    ln -sf kubestack "$BIN/$c"
  done
  if [ ! -x "$BIN/kwok" ] || [ "$(cat "$BIN/kwok.stamp" 2>/dev/null)" != "$KWOK_VERSION" ]; then
    log "building kwok $KWOK_VERSION (sigs.k8s.io/kwok, from the module proxy)"
    local t0=$SECONDS
    GOBIN="$BIN" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
    echo "$KWOK_VERSION" >"$BIN/kwok.stamp"
    log "built kwok in $((SECONDS - t0)) s"
  fi
  build_old_kubectls
  [ "${1:-}" != --kubelet ] || build_kubelet_tier
}

# Older kubectl releases, for the tests that read what each release's `kubectl describe` prints
# (tests/describegen.py): $BIN/kubectl-1.20, -1.24, -1.28, each from its own small module
# (scripts/cluster/kubectl-old/v<release>: k8s.io/kubectl at the release's last patch, whose version
# names the binary's). Their Go build and module caches are kept beside the binaries, in $CACHE/go,
# unless the caller set GOCACHE/GOMODCACHE. Their go.mod files are complete (go.sum included), so the
# default -mod=readonly builds them as recorded; GOTOOLCHAIN=local: the machine's Go builds them, never
# a downloaded toolchain. Cold about 2 minutes each on 2 cores, seconds when cached.
build_old_kubectls() {
  local dir rel v p ld
  for dir in "$GO_SRC"/kubectl-old/v*/; do
    dir="${dir%/}"
    rel="${dir##*/v}"
    v="$(grep -m1 -o 'k8s.io/kubectl v0\.[0-9.]*' "$dir/go.mod" | sed 's/.* v0\./1./')"
    [ "${v%.*}" = "$rel" ] || die "$dir/go.mod requires k8s.io/kubectl of $v, not of $rel"
    ld=""
    # `kubectl version` reads component-base's version, the User-Agent client-go's.
    for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
      ld="$ld -X $p.gitVersion=v$v -X $p.gitMajor=1 -X $p.gitMinor=${rel#1.} -X $p.gitTreeState=clean \
-X $p.buildDate=2026-01-01T00:00:00Z"
    done
    GOTOOLCHAIN=local GOCACHE="${GOCACHE:-$CACHE/go/build}" GOMODCACHE="${GOMODCACHE:-$CACHE/go/mod}" \
      build_one "kubectl-old/v$rel" "kubectl-$rel" "$ld"
  done
}

# The real-kubelet tier's runtime: containerd 2.x (daemon, runc shim, ctr; pure Go, -tags no_btrfs),
# runc (cgo + libseccomp, -tags seccomp) and our pause program. Built only for `up --kubelet`.
build_kubelet_tier() {
  local v=github.com/containerd/containerd/v2/version
  local cver="-X $v.Version=$CONTAINERD_VERSION -X $v.Package=github.com/containerd/containerd/v2"
  local c=github.com/containerd/containerd/v2/cmd
  build_one containerd containerd "$cver" "$c/containerd" no_btrfs
  build_one containerd containerd-shim-runc-v2 "$cver" "$c/containerd-shim-runc-v2" no_btrfs
  build_one containerd ctr "$cver" "$c/ctr" no_btrfs
  [ -f /usr/include/seccomp.h ] || die "runc needs libseccomp-dev (and gcc): run .ci/install-realparts.sh as root"
  build_one runc runc "" github.com/opencontainers/runc seccomp 1
  build_one pause pause
}

# ------------------------------------------------------------------------------------------------ pki
cert() {  # cert NAME SUBJECT [SANS]
  local name="$1" subj="$2" sans="${3:-}" ext
  ext="$STATE/pki/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    [ -n "$sans" ] && echo "subjectAltName=$sans"
  } >"$ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$STATE/pki/$name.key" \
    -subj "$subj" -out "$STATE/pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$STATE/pki/$name.csr" -CA "$STATE/pki/ca.crt" -CAkey "$STATE/pki/ca.key" \
    -CAcreateserial -days 3650 -extfile "$ext" -out "$STATE/pki/$name.crt" 2>/dev/null
}

kubeconfig() {  # kubeconfig NAME CERT -> $STATE/NAME.kubeconfig
  local name="$1" c="$2" f="$STATE/$1.kubeconfig"
  cat >"$f" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: podwhy-test
  cluster:
    server: $SERVER
    certificate-authority-data: $(base64 -w0 "$STATE/pki/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$STATE/pki/$c.crt")
    client-key-data: $(base64 -w0 "$STATE/pki/$c.key")
contexts:
- name: $name@podwhy-test
  context: {cluster: podwhy-test, user: $name, namespace: default}
current-context: $name@podwhy-test
EOF
  chmod 600 "$f"
}

pki() {
  mkdir -p "$STATE/pki"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$STATE/pki/ca.key" \
    -subj "/CN=podwhy-test-ca" -days 3650 -out "$STATE/pki/ca.crt" 2>/dev/null
  cert apiserver "/CN=kube-apiserver" \
    "IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  cert admin "/O=system:masters/CN=podwhy-admin"
  cert controller-manager "/CN=system:kube-controller-manager"
  cert scheduler "/CN=system:kube-scheduler"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  openssl genrsa -out "$STATE/pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$STATE/pki/sa.key" -pubout -out "$STATE/pki/sa.pub" 2>/dev/null
  kubeconfig admin admin
  kubeconfig controller-manager controller-manager
  kubeconfig scheduler scheduler
}

# ------------------------------------------------------------------------------------------ processes
start_daemon() {  # start_daemon NAME ARGV... : own session (PID = process group), pid file, log file
  local name="$1"; shift
  mkdir -p "$STATE/pids" "$STATE/logs"
  # fd 9 is up's lock (see the dispatch below): a daemon must not inherit it, or `down` waits on it forever.
  setsid "$@" </dev/null >>"$STATE/logs/$name.log" 2>&1 9>&- &
  echo $! >"$STATE/pids/$name.pid"
}

alive() { local p; p="$(cat "$STATE/pids/$1.pid" 2>/dev/null)" && kill -0 "$p" 2>/dev/null; }

wait_for() {  # wait_for WHAT SECONDS DAEMON COMMAND...
  local what="$1" secs="$2" daemon="$3"; shift 3
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$daemon"; then
      tail -n 30 "$STATE/logs/$daemon.log" >&2 || true
      die "$daemon exited while waiting for $what (log: $STATE/logs/$daemon.log)"
    fi
    [ $SECONDS -lt $deadline ] || { tail -n 30 "$STATE/logs/$daemon.log" >&2; die "timed out waiting for $what"; }
    sleep 0.5
  done
}

kc() { "$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig" "$@"; }

api_ready() { kc get --raw /readyz; }

up() {
  local kubelet=0
  for a in "$@"; do
    case "$a" in
      --kubelet) kubelet=1 ;;
      *) die "up: unknown argument $a" ;;
    esac
  done
  if [ "$kubelet" = 1 ]; then kubelet_prereqs; build --kubelet; else build; fi
  if [ -f "$STATE/admin.kubeconfig" ] && alive kube-apiserver && api_ready >/dev/null 2>&1; then
    log "already up"
    [ "$kubelet" = 0 ] || up_kubelet
    echo "$STATE/admin.kubeconfig"
    return 0
  fi
  [ ! -d "$STATE" ] || down >/dev/null
  local t0=$SECONDS
  mkdir -p "$STATE"
  pki
  start_daemon etcd "$BIN/etcd" --name podwhy-test --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "podwhy-test=http://127.0.0.1:$ETCD_PEER_PORT" \
    --listen-metrics-urls "" --unsafe-no-fsync --quota-backend-bytes 8589934592 --log-level warn
  wait_for "etcd" 60 etcd curl -sf "http://127.0.0.1:$ETCD_PORT/health"
  # The default admission plugins stay on (LimitRanger, ResourceQuota, PodSecurity, ServiceAccount,
  # TaintNodesByCondition, Priority, DefaultStorageClass, ...): texts must be a default cluster's.
  start_daemon kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" --bind-address 127.0.0.1 --advertise-address 127.0.0.1 \
    --secure-port "$PORT" --tls-cert-file "$STATE/pki/apiserver.crt" \
    --tls-private-key-file "$STATE/pki/apiserver.key" --client-ca-file "$STATE/pki/ca.crt" \
    --kubelet-client-certificate "$STATE/pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$STATE/pki/apiserver-kubelet-client.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$STATE/pki/sa.pub" --service-account-signing-key-file "$STATE/pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --authorization-mode Node,RBAC --allow-privileged=true \
    --enable-admission-plugins NodeRestriction --endpoint-reconciler-type none \
    --max-requests-inflight 800 --max-mutating-requests-inflight 400 --profiling=false
  wait_for "kube-apiserver /readyz" 120 kube-apiserver api_ready
  start_daemon kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
    --service-account-private-key-file "$STATE/pki/sa.key" --root-ca-file "$STATE/pki/ca.crt" \
    --cluster-signing-cert-file "$STATE/pki/ca.crt" --cluster-signing-key-file "$STATE/pki/ca.key" \
    --use-service-account-credentials --controllers '*' \
    --kube-api-qps 200 --kube-api-burst 400 --concurrent-gc-syncs 20
  start_daemon kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig "$STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false --kube-api-qps 200 --kube-api-burst 400
  # KWOK keeps the fake nodes (annotation kwok.x-k8s.io/node=fake) Ready with leases, and plays the
  # kubelet for pods bound to them (they become Running); real nodes, if any, are left alone. Without
  # --node-lease-duration-seconds KWOK renews no Lease and posts status about every 50 s, the node
  # lifecycle controller's grace period (pkg/controller/nodelifecycle, v1.34.4): every fake node flaps
  # to Unknown and the whole cluster enters "master disruption mode". 40 s is the kubelet's default.
  start_daemon kwok "$BIN/kwok" --kubeconfig "$STATE/admin.kubeconfig" --manage-all-nodes=false \
    --node-lease-duration-seconds 40 \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --cidr 10.244.0.1/16 \
    --node-ip 10.0.0.1 --server-address ""
  # Ready for scenarios: the namespace controller made `default`'s ServiceAccount (controller-manager
  # runs), and the scheduler is alive.
  wait_for "the default ServiceAccount" 120 kube-controller-manager kc -n default get serviceaccount default
  alive kube-scheduler || { tail -n 30 "$STATE/logs/kube-scheduler.log" >&2; die "kube-scheduler exited"; }
  alive kwok || { tail -n 30 "$STATE/logs/kwok.log" >&2; die "kwok exited"; }
  log "control plane ready in $((SECONDS - t0)) s ($K8S_VERSION, $SERVER)"
  [ "$kubelet" = 0 ] || up_kubelet
  echo "$STATE/admin.kubeconfig"
}

# ------------------------------------------------------------------------------------ real kubelet
# `up --kubelet` and its teardown live in scripts/cluster/kubelet.sh.
# shellcheck source=cluster/kubelet.sh
. "$GO_SRC/kubelet.sh"

stop_pid() {  # stop_pid NAME: TERM its process group (its own session), then KILL; forget the pid file
  local f="$STATE/pids/$1.pid" p
  [ -f "$f" ] || return 0
  p="$(cat "$f")"
  kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$p" 2>/dev/null || true
  rm -f "$f"
}

down() {
  local name
  down_kubelet_tier
  for name in kubelet containerd registry-auth registry kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop_pid "$name"
  done
  rm -rf "$STATE"
  log "down"
}

# ------------------------------------------------------------------------------------------------ node
node() {
  [ $# -ge 1 ] || die "usage: node NAME [--cpu N] [--memory Q] [--pods N] [--label k=v]... [--taint k=v:Effect]..."
  local name="$1"; shift
  local cpu=4 memory=16Gi pods=110 labels=() taints=() resources=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --cpu) cpu="$2"; shift 2 ;;
      --memory) memory="$2"; shift 2 ;;
      --pods) pods="$2"; shift 2 ;;
      --label) labels+=("$2"); shift 2 ;;
      --taint) taints+=("$2"); shift 2 ;;
      --resource) resources+=("$2"); shift 2 ;;
      *) die "node: unknown argument $1" ;;
    esac
  done
  [ -f "$STATE/admin.kubeconfig" ] || die "node: the cluster is not up (scripts/cluster.sh up)"
  python3 "$ROOT/scripts/cluster/fakenode.py" "$name" "$cpu" "$memory" "$pods" \
    --labels "${labels[@]+"${labels[@]}"}" --taints "${taints[@]+"${taints[@]}"}" \
    --resources "${resources[@]+"${resources[@]}"}" | kc apply -f - >&2
  echo "$name"
}

user() {
  [ $# -ge 1 ] || die "usage: user NAME [--group G]..."
  local name="$1" subj; shift
  subj=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --group) subj="$subj/O=$2"; shift 2 ;;
      *) die "user: unknown argument $1" ;;
    esac
  done
  [ -f "$STATE/pki/ca.key" ] || die "user: the cluster is not up (scripts/cluster.sh up)"
  cert "user-$name" "$subj/CN=$name"
  kubeconfig "user-$name" "user-$name"
  echo "$STATE/user-$name.kubeconfig"
}

status() {
  local name
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler kwok registry registry-auth containerd kubelet; do
    if alive "$name"; then echo "$name running (pid $(cat "$STATE/pids/$name.pid"))"; fi
  done
  [ -f "$STATE/admin.kubeconfig" ] && echo "$STATE/admin.kubeconfig"
}

cmd="${1:-}"
[ $# -eq 0 ] || shift
case "$cmd" in
  up) exec 9>"${STATE%/}.lock"; flock 9; up "$@" ;;
  down) exec 9>"${STATE%/}.lock"; flock 9; down ;;
  node) node "$@" ;;
  user) user "$@" ;;
  build) [ $# -eq 0 ] || [ "$*" = --kubelet ] || die "build: unknown argument $*"; build "$@" ;;
  status) status ;;
  *) sed -n '2,32p' "$0" >&2; exit 2 ;;
esac
