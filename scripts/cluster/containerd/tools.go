//go:build tools

// Test infrastructure only: pins containerd's daemon and its runc shim (built by scripts/cluster.sh
// straight from this module's requirement: cmd/containerd, cmd/containerd-shim-runc-v2, cmd/ctr).
package tools

import (
	_ "github.com/containerd/containerd/v2/cmd/containerd"
	_ "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2"
	_ "github.com/containerd/containerd/v2/cmd/ctr"
)
