#!/usr/bin/env bash
# A real Kubernetes control plane on loopback for podwhy's tests (test infrastructure, not the product).
#
#   scripts/cluster.sh up [--kubelet]   build what is missing (cached), start etcd, kube-apiserver,
#                                       kube-controller-manager, kube-scheduler and KWOK on loopback,
#                                       wait until ready; the last line printed is the admin kubeconfig.
#                                       --kubelet also starts a loopback docker-registry, containerd 2.x
#                                       + runc and the real kubelet, registered as node 10.88.(PORT%256).1
#                                       (the name is in $STATE/kubelet/node); images in the registry
#                                       (127.0.0.1:PORT+1): podwhy/busybox:1.35, podwhy/pause:3.10
#   scripts/cluster.sh node NAME [--cpu N] [--memory Q] [--pods N] [--label k=v]... [--taint k=v:Effect]...
#                                       [--resource name=Q]...
#                                       add a fake node that KWOK keeps Ready (--resource: an extended
#                                       resource such as nvidia.com/gpu=2 in capacity and allocatable)
#   scripts/cluster.sh user NAME [--group G]...
#                                       a client-certificate user; prints its kubeconfig's path
#   scripts/cluster.sh down             stop everything `up` started (by PID) and remove its state
#   scripts/cluster.sh build [--kubelet]
#                                       only build (or check the cache of) the binaries (--kubelet: and
#                                       containerd, runc, pause)
#   scripts/cluster.sh status           what runs, and the admin kubeconfig
#
# Everything comes from the Go module proxy at one pinned release (scripts/cluster/*/go.mod); binaries
# are cached outside the repo in $PODWHY_CLUSTER_CACHE and rebuilt only when our Go sources change.
# Facts this follows: shared/spec/realcluster.md. Environment:
#   PODWHY_CLUSTER_CACHE  binaries (default /opt/podwhy-cluster)
#   PODWHY_CLUSTER_STATE  pki, etcd data, logs, pids, kubeconfigs (default /tmp/podwhy-cluster)
#   PODWHY_CLUSTER_PORT   kube-apiserver's secure port (default 16443); etcd uses PORT-4064 and PORT-4063,
#                         --kubelet PORT+1 (registry), PORT+2 (kubelet), PORT+3 (kubelet healthz)
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
  [ "${1:-}" != --kubelet ] || build_kubelet_tier
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
# `up --kubelet`: a loopback docker-registry with our images, containerd 2.x + runc, and the pinned
# kubelet registered as node $NODE_IP (its name, see KUBELET_NODE). Every path lives under $STATE and
# every port, bridge, subnet and cgroup name derives from $PORT, so two clusters can coexist:
#   registry 127.0.0.1:PORT+1, kubelet healthz 127.0.0.1:PORT+3, cgroup /podwhy-PORT, bridge pwPORT
#   with pod subnet 10.88.(PORT % 256).0/24 and the node's address .1 (the kubelet serves on .1:PORT+2).
# The node address is on the bridge because the kubelet refuses a loopback node IP ("nodeIP can't be
# loopback address": no addresses, so no logs/exec). The bridge has no gateway role (isGateway false):
# the CNI plugin then leaves net.ipv4.ip_forward alone, pods get no default route, and nothing they
# send can leave the machine. Facts this follows: shared/spec/realcluster.md, "A real kubelet".
REGISTRY_PORT=$((PORT + 1))
KUBELET_PORT=$((PORT + 2))
KUBELET_HEALTHZ_PORT=$((PORT + 3))
CTRD="$STATE/containerd"
CTRD_SOCK="$CTRD/containerd.sock"
CGROUP_ROOT="/podwhy-$PORT"
BRIDGE="pw$PORT"
POD_SUBNET="10.88.$((PORT % 256)).0/24"
NODE_IP="10.88.$((PORT % 256)).1"
# The node's name is its IP: the kubelet always reports its name as the node's Hostname address, which
# kube-apiserver prefers for logs/exec (--kubelet-preferred-address-types starts with Hostname); a
# name would make it ask the machine's DNS resolver (seen: "dial tcp: lookup podwhy-kubelet on
# <resolver>:53: no such host"). An IP literal is dialled as is. The name is in $STATE/kubelet/node.
KUBELET_NODE="$NODE_IP"
CGROUP_V1=/sys/fs/cgroup
CNI_BIN=/usr/lib/cni

kubelet_prereqs() {
  local missing=() f
  command -v docker-registry >/dev/null || missing+=("docker-registry")
  { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || missing+=("busybox-static")
  for f in bridge host-local loopback; do
    [ -x "$CNI_BIN/$f" ] || missing+=("containernetworking-plugins ($CNI_BIN/$f)")
  done
  [ -f /usr/include/seccomp.h ] || missing+=("libseccomp-dev")
  command -v gcc >/dev/null || missing+=("gcc")
  command -v ip >/dev/null || missing+=("iproute2")
  [ "${#missing[@]}" = 0 ] || die "up --kubelet: missing ${missing[*]}: run .ci/install-realparts.sh as root"
  [ "$(id -u)" = 0 ] || die "up --kubelet: the kubelet and containerd must run as root"
  [ -d "$CGROUP_V1/memory" ] || die "up --kubelet: expected cgroup v1 controllers under $CGROUP_V1"
}

# The kubelet's --cgroup-root in every mounted hierarchy (made by up, removed by down), the hybrid
# layout's cgroup2 "unified" mount included: the kubelet and runc make the pods' cgroups there too.
cgroup_dirs() {
  local d
  for d in "$CGROUP_V1"/*/; do
    [ -f "$d/cgroup.procs" ] && echo "${d%/}$CGROUP_ROOT"
  done
  return 0
}

start_registry() {
  mkdir -p "$STATE/registry"
  cat >"$STATE/registry/config.yml" <<YAML
version: 0.1
log: {level: warn, formatter: text}
storage:
  filesystem: {rootdirectory: $STATE/registry/data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$REGISTRY_PORT
YAML
  start_daemon registry docker-registry serve "$STATE/registry/config.yml"
  wait_for "the registry on 127.0.0.1:$REGISTRY_PORT" 30 registry curl -sf "http://127.0.0.1:$REGISTRY_PORT/v2/"
  python3 "$GO_SRC/images.py" "127.0.0.1:$REGISTRY_PORT" "$BIN/pause" /bin/busybox >"$STATE/registry/images.txt"
  log "registry 127.0.0.1:$REGISTRY_PORT: $(tr '\n' ' ' <"$STATE/registry/images.txt")"
}

start_containerd() {
  mkdir -p "$CTRD"/{root,state,runc,opt,net.d,certs.d/_default,"certs.d/127.0.0.1:$REGISTRY_PORT"} "$STATE/cni"
  # Our registry is plain HTTP (one endpoint, no HTTPS attempt first). Every other registry name goes
  # to a closed loopback port, so an image from elsewhere never makes containerd look a name up or
  # leave the machine. `server` must be set in _default too: a [host] table alone is tried first, and
  # then the registry's own upstream (seen: "trying next host" ... "dial tcp: lookup
  # registry-1.docker.io on <resolver>:53"). Such pulls fail with: failed to do request: Head
  # "http://127.0.0.1:1/v2/...": dial tcp 127.0.0.1:1: connect: connection refused.
  cat >"$CTRD/certs.d/127.0.0.1:$REGISTRY_PORT/hosts.toml" <<TOML
server = "http://127.0.0.1:$REGISTRY_PORT"
TOML
  cat >"$CTRD/certs.d/_default/hosts.toml" <<TOML
server = "http://127.0.0.1:1"
TOML
  cat >"$CTRD/net.d/10-podwhy.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "podwhy-$PORT",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": false, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_SUBNET"}]], "dataDir": "$STATE/cni/networks"}}
  ]
}
JSON
  # The node's address, on the pods' bridge (made before the CNI plugin's first use, which keeps it).
  local other
  other="$(ip -o -4 addr show | awk -v ip="$NODE_IP" -v br="$BRIDGE" 'index($4, ip "/") == 1 && $2 != br {print $2}')"
  [ -z "$other" ] || die "up --kubelet: $NODE_IP (this cluster's node address, from PORT $PORT % 256) is \
already on $other, another cluster's bridge: choose a PODWHY_CLUSTER_PORT with another PORT % 256"
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip addr replace "$NODE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  cat >"$CTRD/config.toml" <<TOML
version = 3
root = "$CTRD/root"
state = "$CTRD/state"
[grpc]
  address = "$CTRD_SOCK"
[ttrpc]
  address = "$CTRD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins.'io.containerd.internal.v1.opt']
  path = "$CTRD/opt"
[plugins.'io.containerd.nri.v1.nri']
  disable = true
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "127.0.0.1:$REGISTRY_PORT/podwhy/pause:3.10"
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "$CTRD/certs.d"
[plugins.'io.containerd.cri.v1.runtime']
  # No CAP_SYS_RESOURCE here: a negative oom_score_adj (sandboxes ask for -998) makes runc fail.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_cdi = false
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "$BIN/runc"
        Root = "$CTRD/runc"
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$CNI_BIN"]
    conf_dir = "$CTRD/net.d"
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
TOML
  # The runc shim is found next to the containerd binary; runc itself is named in the config.
  start_daemon containerd env PATH="$BIN:/usr/sbin:/usr/bin:/sbin:/bin" "$BIN/containerd" --config "$CTRD/config.toml"
  wait_for "containerd's CRI plugin" 60 containerd cri_ready
}

cri_ready() {
  "$BIN/ctr" --address "$CTRD_SOCK" plugins ls 2>/dev/null | grep -Eq '^io\.containerd\.grpc\.v1[[:space:]]+cri[[:space:]].*ok'
}

start_kubelet() {
  local d k="$STATE/kubelet"
  mkdir -p "$k/root" "$k/logs" "$k/volume-plugins"
  echo "$KUBELET_NODE" >"$k/node"
  cert kubelet "/O=system:nodes/CN=system:node:$KUBELET_NODE" "IP:$NODE_IP,IP:127.0.0.1,DNS:localhost"
  kubeconfig kubelet kubelet
  # The kubelet requires its --cgroup-root in every controller; a cpuset child starts with no cpus/mems.
  for d in $(cgroup_dirs); do
    mkdir -p "$d"
    case "$d" in
      "$CGROUP_V1/cpuset/"*)
        cat "$CGROUP_V1/cpuset/cpuset.cpus" >"$d/cpuset.cpus"
        cat "$CGROUP_V1/cpuset/cpuset.mems" >"$d/cpuset.mems" ;;
    esac
  done
  echo "nameserver 127.0.0.1" >"$k/resolv.conf"   # pods never get the machine's resolver
  cat >"$k/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $STATE/pki/kubelet.crt
tlsPrivateKeyFile: $STATE/pki/kubelet.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $STATE/pki/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$CTRD_SOCK
imageServiceEndpoint: unix://$CTRD_SOCK
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
cgroupsPerQOS: true
failSwapOn: false
failCgroupV1: false
oomScoreAdj: 0
maxOpenFiles: 20000
makeIPTablesUtilChains: false
clusterDNS: [10.96.0.10]
clusterDomain: cluster.local
resolvConf: $k/resolv.conf
podLogsDir: $k/logs
volumePluginDir: $k/volume-plugins
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: "0%"
  nodefs.available: "0%"
  nodefs.inodesFree: "0%"
  imagefs.available: "0%"
  imagefs.inodesFree: "0%"
nodeLeaseDurationSeconds: 40
serializeImagePulls: false
YAML
  start_daemon kubelet "$BIN/kubelet" --config "$k/config.yaml" --kubeconfig "$STATE/kubelet.kubeconfig" \
    --root-dir "$k/root" --hostname-override "$KUBELET_NODE" --node-ip "$NODE_IP" --v 2
  wait_for "node $KUBELET_NODE Ready" 180 kubelet node_ready
}

node_ready() {
  [ "$(kc get node "$KUBELET_NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

up_kubelet() {
  if alive kubelet && node_ready >/dev/null 2>&1; then
    log "kubelet already up (node $KUBELET_NODE)"
    return 0
  fi
  kubelet_prereqs
  local t0=$SECONDS
  alive registry || start_registry
  alive containerd || start_containerd
  if alive kubelet; then wait_for "node $KUBELET_NODE Ready" 180 kubelet node_ready; else start_kubelet; fi
  log "kubelet ready in $((SECONDS - t0)) s: node $KUBELET_NODE, containerd $CONTAINERD_VERSION ($CTRD_SOCK),\
 registry 127.0.0.1:$REGISTRY_PORT"
}

stop_pid() {  # stop_pid NAME: TERM its process group (its own session), then KILL; forget the pid file
  local f="$STATE/pids/$1.pid" p
  [ -f "$f" ] || return 0
  p="$(cat "$f")"
  kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$p" 2>/dev/null || true
  rm -f "$f"
}

# What the kubelet tier leaves outside its daemons' process groups: pod processes (in our cgroup root),
# containerd's shims (started for our socket only) and their sockets in /run/containerd/s (a fixed
# path in containerd), mounts under $STATE, the cgroups, the bridge, and the files the kubelet and the
# CNI plugins keep at fixed paths for our pods: /var/log/containers links, /var/lib/cni/results
# (left because pods are killed, not torn down through CNI DEL).
down_kubelet_tier() {
  local d p m f id inodes=() pids=() socks=()
  [ -d "$CTRD" ] || [ -d "$STATE/kubelet" ] || return 0
  stop_pid kubelet
  for d in $(cgroup_dirs); do
    [ -d "$d" ] || continue
    find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  done
  stop_pid containerd
  for p in /proc/[0-9]*; do   # a shim of ours: containerd-shim-runc-v2 ... -address $CTRD_SOCK ...
    if tr '\0' '\n' <"$p/cmdline" 2>/dev/null | grep -qxF -- "$CTRD_SOCK"; then
      pids+=("${p#/proc/}")
      for f in "$p"/fd/*; do
        m="$(readlink "$f" 2>/dev/null)" || continue
        case "$m" in socket:*) inodes+=("${m//[^0-9]/}") ;; esac
      done
    fi
  done
  socks=()
  if [ "${#inodes[@]}" -gt 0 ]; then   # the shims' listening sockets, by inode (/proc/net/unix)
    mapfile -t socks < <(awk -v list=" ${inodes[*]} " \
      'index(list, " " $7 " ") && $8 ~ "^/run/containerd/s/" {print $8}' /proc/net/unix | sort -u)
  fi
  [ "${#pids[@]}" = 0 ] || kill -KILL "${pids[@]}" 2>/dev/null || true
  [ "${#socks[@]}" = 0 ] || rm -f "${socks[@]}"
  for d in "$CTRD"/state/io.containerd.grpc.v1.cri/sandboxes/*/; do
    [ -d "$d" ] || continue
    id="$(basename "$d")"
    rm -f "/var/lib/cni/results/cni-loopback-$id-lo" "/var/lib/cni/results/podwhy-$PORT-$id-eth0"
  done
  for f in /var/log/containers/*.log; do
    [ -L "$f" ] && case "$(readlink "$f")" in "$STATE/"*) rm -f "$f" ;; esac
  done
  # The device manager's socket is fixed too (not under --root-dir); remove it unless another
  # cluster's kubelet listens on it now.
  f=/var/lib/kubelet/device-plugins/kubelet.sock
  if [ -S "$f" ] && ! awk '{print $8}' /proc/net/unix | grep -qxF "$f"; then rm -f "$f"; fi
  rmdir /var/lib/kubelet/device-plugins /var/lib/kubelet /var/log/containers 2>/dev/null || true
  # mounts under $STATE (overlay rootfs, shm, netns, projected volumes), deepest first
  awk -v s="$STATE/" 'index($5, s) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  for d in $(cgroup_dirs); do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link delete "$BRIDGE" 2>/dev/null || true; fi
  stop_pid registry
}

down() {
  local name
  down_kubelet_tier
  for name in kubelet containerd registry kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
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
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler kwok registry containerd kubelet; do
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
  *) sed -n '2,29p' "$0" >&2; exit 2 ;;
esac
