package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: process IDs are a node-wide resource. Without a per-pod limit one pod's fork bomb, by
// a bug or an attacker with code execution, exhausts the node's PIDs and the kubelet, the
// runtime and every other pod on the node can no longer start processes.
var kubeletPodPidsLimit = factsCheck(check.Meta{
	ID:       "ST-0313",
	Slug:     "kubelet-no-pod-pids-limit",
	Title:    "Kubelet does not limit process IDs per pod",
	Layer:    check.LayerNode,
	Severity: check.SeverityLow,
	Description: "--pod-max-pids or podPidsLimit is unset, or 0 or less (the default, -1, is unlimited), so a " +
		"single pod can exhaust the node's process IDs (CIS Kubernetes Benchmark 4.2.13).",
	Remediation: "Set podPidsLimit in the kubelet configuration file to a bound above what the node's pods need, such as 4096, then restart the kubelet.",
	References: append([]string{
		"https://kubernetes.io/docs/concepts/policy/pid-limiting/",
	}, kubeletReferences...),
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("pod-max-pids", "podPidsLimit")
	if !s.set {
		return one(s.path, "%s, so pods may start any number of processes (CIS 4.2.13)", s.name), nil
	}
	n, err := s.integer()
	if err != nil || n > 0 {
		return nil, err
	}
	return one(s.path, "%s is %d: pods may start any number of processes (CIS 4.2.13)", s.name, n), nil
})
