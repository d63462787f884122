// Command kubectl is the kubectl of Kubernetes 1.20 (k8s.io/kubectl v0.20.15, pinned in go.mod), built
// for podwhy's tests only: they read what this release's `kubectl describe` prints. Nothing here ships.
package main

import (
	"os"

	"k8s.io/component-base/logs"
	"k8s.io/kubectl/pkg/cmd"
)

func main() {
	// Importing component-base/logs registers klog's flags (-v) on the Go flag set, which kubectl
	// 1.20's root command adopts; kubectl's own packages do not import it.
	command := cmd.NewDefaultKubectlCommand()
	logs.InitLogs()
	err := command.Execute() // cobra printed the error already
	logs.FlushLogs()
	if err != nil {
		os.Exit(1)
	}
}
