"""Real-parts test tier: real docker-registry and containerd on loopback (shared/spec/test-infra.md)."""
