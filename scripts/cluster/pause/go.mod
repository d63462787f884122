// Test infrastructure only: the pod sandbox ("pause") program of the real-kubelet tier.
module podwhy.test/pause

go 1.26.0
