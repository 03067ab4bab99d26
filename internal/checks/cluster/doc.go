// Package cluster holds the cluster-layer checks: the Kubernetes version against its end of life
// and published CVEs, the control-plane components' flags (CIS Kubernetes Benchmark sections 1
// and 2), anonymous access, RBAC and the other cluster-wide components. Each check is one file;
// Checks lists them.
//
// Control-plane checks read the static (mirror) pods of kube-apiserver, kube-controller-manager,
// kube-scheduler and etcd. Where the control plane is not visible, as in managed clusters, they
// are not assessed rather than passed.
package cluster
