// Command kubectl is the kubectl of Kubernetes 1.28 (k8s.io/kubectl v0.28.15, pinned in go.mod), built
// for podwhy's tests only: they read what this release's `kubectl describe` prints. Nothing here ships.
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	// From 1.24 on the root command leaves klog's flags (-v) to component-base/cli, which adds
	// them and starts klog after flag parsing; it prints no error itself, so CheckErr prints
	// kubectl's "error: ..." and exits non-zero.
	if err := cli.RunNoErrOutput(cmd.NewDefaultKubectlCommand()); err != nil {
		util.CheckErr(err)
	}
}
