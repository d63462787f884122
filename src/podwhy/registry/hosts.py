"""Where an image's registry API lives, and which registries authenticate through the node's cloud identity.

Host mapping as containerd and CRI-O apply it (semantics.md B5.1; containerd HEAD
`core/remotes/docker/config/hosts.go` + `resolver.go`, CRI-O's containers/image `docker/docker_client.go`):
the image domain `docker.io` is served by the API host `registry-1.docker.io`; every other domain is its own
API host (host[:port] exactly as written in the reference).

Registries that nodes usually reach with credentials the kubelet obtains itself (exec credential-provider
plugins, formerly in-tree cloud providers; semantics.md B2.1), which this probe cannot use:
- Amazon ECR `<account>.dkr.ecr.<region>.amazonaws.com` (and `.amazonaws.com.cn`): ecr-credential-provider;
- Google Artifact Registry `<region>-docker.pkg.dev` and Container Registry `gcr.io`, `*.gcr.io`:
  gcp-credential-provider / node service account;
- Azure Container Registry `<name>.azurecr.io` (and sovereign clouds): acr-credential-provider / managed
  identity.
When such a registry answers 401 to the probe, that says nothing about what the node's provider gets.
"""

from __future__ import annotations

from podwhy.analyzers.imagepull.pullsecrets import node_credential_registry

DOCKER_HUB_DOMAIN = "docker.io"
DOCKER_HUB_API_HOST = "registry-1.docker.io"

def api_host(domain: str) -> str:
    """The host[:port] that serves the registry API for an image domain."""
    return DOCKER_HUB_API_HOST if domain == DOCKER_HUB_DOMAIN else domain


def cloud_provider(host: str) -> str | None:
    """The registry and what the node authenticates with, for registries pulled with node credentials."""
    return node_credential_registry(host)


def host_port(netloc: str, scheme: str) -> str:
    """Canonical host[:port] for comparing origins (default ports dropped)."""
    netloc = netloc.lower()
    if scheme == "https" and netloc.endswith(":443"):
        return netloc[:-4]
    if scheme == "http" and netloc.endswith(":80"):
        return netloc[:-3]
    return netloc
