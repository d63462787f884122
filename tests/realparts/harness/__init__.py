"""Harness for the real-parts tier: registries, hand-built OCI images, containerd daemons, CRI pulls.

Modules: `binaries` (locate installed tools, fail loudly), `procs` (start/stop by PID), `netutil` (loopback
ports), `tlsauth` (self-signed cert, htpasswd, registry auth kinds), `oci` (deterministic images),
`registry` (docker-registry + raw distribution push), `containerd` (daemon, hosts.toml, CRI pull),
`dnsstub` (NXDOMAIN resolver for the private-namespace DNS scenario), `kubelet` (how the kubelet renders
the runtime's gRPC error). Everything listens on 127.0.0.1 only.
"""
