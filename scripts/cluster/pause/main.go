// Command pause is the real-kubelet tier's pod sandbox program (test infrastructure only): like
// registry.k8s.io/pause it sleeps until SIGINT or SIGTERM, and, as PID 1 of a pod's PID namespace,
// reaps the zombies it inherits. Built static (CGO_ENABLED=0) and packed into an OCI image by
// scripts/cluster/images.py, so the tier never contacts registry.k8s.io.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
