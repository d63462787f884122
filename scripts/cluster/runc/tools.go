//go:build tools

// Test infrastructure only: pins runc (built by scripts/cluster.sh from this module's requirement,
// with cgo and -tags seccomp against Debian's libseccomp-dev).
package tools

import _ "github.com/opencontainers/runc"
