#!/usr/bin/env bash
# The real-kubelet tier of scripts/cluster.sh (`up --kubelet`), sourced by it: test infrastructure, not
# the product. It uses cluster.sh's settings and helpers (STATE, PORT, BIN, GO_SRC, log, die, start_daemon,
# alive, wait_for, stop_pid, kc); see cluster.sh for the interface.
# shellcheck shell=bash disable=SC2034

# ------------------------------------------------------------------------------------ real kubelet
# `up --kubelet`: a loopback docker-registry with our images, containerd 2.x + runc, and the pinned
# kubelet registered as node $NODE_IP (its name, see KUBELET_NODE). Every path lives under $STATE and
# every port, bridge, subnet and cgroup name derives from $PORT, so two clusters can coexist:
#   registry 127.0.0.1:PORT+1, kubelet healthz 127.0.0.1:PORT+3, cgroup /podwhy-PORT, bridge pwPORT
#   the htpasswd registry 127.0.0.1:PORT+4 (the same storage as PORT+1, for the pull-secret scenarios)
#   with pod subnet 10.88.(PORT % 256).0/24 and the node's address .1 (the kubelet serves on .1:PORT+2).
# The node address is on the bridge because the kubelet refuses a loopback node IP ("nodeIP can't be
# loopback address": no addresses, so no logs/exec). The bridge has no gateway role (isGateway false):
# the CNI plugin then leaves net.ipv4.ip_forward alone, pods get no default route, and nothing they
# send can leave the machine. Facts this follows: shared/spec/realcluster.md, "A real kubelet".
REGISTRY_PORT=$((PORT + 1))
KUBELET_PORT=$((PORT + 2))
KUBELET_HEALTHZ_PORT=$((PORT + 3))
REGISTRY_AUTH_PORT=$((PORT + 4))
REGISTRY_AUTH_USER=podwhy
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
  command -v htpasswd >/dev/null || missing+=("apache2-utils (htpasswd)")
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

# A second docker-registry on PORT+4 with htpasswd basic auth (bcrypt, `htpasswd -Bbn`) over plain HTTP
# (distribution 2.8 accepts htpasswd without TLS; containerd sends Basic credentials over plain HTTP
# too), serving the open registry's storage read-only: the same images, no second push. The user and
# its random password are in $STATE/registry-auth/credentials (user:password) for the tests.
start_registry_auth() {
  local d="$STATE/registry-auth" password
  mkdir -p "$d"
  if [ ! -s "$d/credentials" ] || [ ! -s "$d/htpasswd" ]; then
    password="$(openssl rand -hex 12)"
    htpasswd -Bbn "$REGISTRY_AUTH_USER" "$password" >"$d/htpasswd"
    (umask 077; echo "$REGISTRY_AUTH_USER:$password" >"$d/credentials")
  fi
  cat >"$d/config.yml" <<YAML
version: 0.1
log: {level: warn, formatter: text}
storage:
  filesystem: {rootdirectory: $STATE/registry/data}
  maintenance:
    uploadpurging: {enabled: false}
    readonly: {enabled: true}
http:
  addr: 127.0.0.1:$REGISTRY_AUTH_PORT
auth:
  htpasswd: {realm: podwhy-registry-auth, path: $d/htpasswd}
YAML
  start_daemon registry-auth docker-registry serve "$d/config.yml"
  wait_for "the htpasswd registry on 127.0.0.1:$REGISTRY_AUTH_PORT" 30 registry-auth \
    curl -sf -u "$(cat "$d/credentials")" "http://127.0.0.1:$REGISTRY_AUTH_PORT/v2/podwhy/busybox/tags/list"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$REGISTRY_AUTH_PORT/v2/")" = 401 ] ||
    die "the registry on 127.0.0.1:$REGISTRY_AUTH_PORT answers /v2/ without credentials"
  log "htpasswd registry 127.0.0.1:$REGISTRY_AUTH_PORT (user $REGISTRY_AUTH_USER, $d/credentials)"
}

start_containerd() {
  mkdir -p "$CTRD"/{root,state,runc,opt,net.d,certs.d/_default,"certs.d/127.0.0.1:$REGISTRY_PORT"} "$STATE/cni"
  mkdir -p "$CTRD/certs.d/127.0.0.1:$REGISTRY_AUTH_PORT"
  # Our registry is plain HTTP (one endpoint, no HTTPS attempt first). Every other registry name goes
  # to a closed loopback port, so an image from elsewhere never makes containerd look a name up or
  # leave the machine. `server` must be set in _default too: a [host] table alone is tried first, and
  # then the registry's own upstream (seen: "trying next host" ... "dial tcp: lookup
  # registry-1.docker.io on <resolver>:53"). Such pulls fail with: failed to do request: Head
  # "http://127.0.0.1:1/v2/...": dial tcp 127.0.0.1:1: connect: connection refused.
  cat >"$CTRD/certs.d/127.0.0.1:$REGISTRY_PORT/hosts.toml" <<TOML
server = "http://127.0.0.1:$REGISTRY_PORT"
TOML
  # The htpasswd registry: plain HTTP as well; credentials come from the pods' imagePullSecrets only.
  cat >"$CTRD/certs.d/127.0.0.1:$REGISTRY_AUTH_PORT/hosts.toml" <<TOML
server = "http://127.0.0.1:$REGISTRY_AUTH_PORT"
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
  alive registry-auth || start_registry_auth
  alive containerd || start_containerd
  if alive kubelet; then wait_for "node $KUBELET_NODE Ready" 180 kubelet node_ready; else start_kubelet; fi
  log "kubelet ready in $((SECONDS - t0)) s: node $KUBELET_NODE, containerd $CONTAINERD_VERSION ($CTRD_SOCK),\
 registry 127.0.0.1:$REGISTRY_PORT (htpasswd: 127.0.0.1:$REGISTRY_AUTH_PORT)"
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
  stop_pid registry-auth
  stop_pid registry
}
