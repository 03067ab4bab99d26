package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: terminated pods are kept until 12500 of them exist. Each holds its spec, status and
// events in etcd, and a workload that fails in a loop can pile them up until the API server
// and etcd slow down. The benchmark item is manual: the right threshold depends on how long
// finished pods are needed for debugging.
var cpPodGCThreshold = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0120",
		Slug:     "controller-manager-terminated-pod-gc-threshold",
		Title:    "Controller manager keeps up to 12500 terminated pods",
		Layer:    check.LayerCluster,
		Severity: check.SeverityInfo,
		Description: "kube-controller-manager runs without --terminated-pod-gc-threshold, so terminated pods are " +
			"garbage collected only beyond 12500 (CIS Kubernetes Benchmark 1.3.1, a manual item). Reported as " +
			"information.",
		Remediation: "Set --terminated-pod-gc-threshold on kube-controller-manager to the number of finished pods the cluster needs to keep, for example 1000.",
		References: []string{
			"https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-garbage-collection",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			return c.requireFlags("1.3.1, manual",
				"terminated pods are kept until 12500 of them exist", "terminated-pod-gc-threshold"), ""
		}, controllerManager)
	},
}
