package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the read-only port serves the kubelet's pod list, specs and metrics over plain HTTP
// with no authentication at all. An attacker in the pod network maps every workload on the
// node, its images, environment variable names and service account names from it.
var kubeletReadOnlyPort = factsCheck(check.Meta{
	ID:       "ST-0303",
	Slug:     "kubelet-read-only-port",
	Title:    "Kubelet serves its unauthenticated read-only port",
	Layer:    check.LayerNode,
	Severity: check.SeverityHigh,
	Description: "The kubelet's read-only port is not 0: --read-only-port or readOnlyPort is set to a port, or " +
		"the kubelet runs without a configuration file, where --read-only-port defaults to 10255 (CIS " +
		"Kubernetes Benchmark 4.2.4). The port serves pod specs and metrics over HTTP without authentication.",
	Remediation: "Set readOnlyPort: 0 in the kubelet configuration file (and remove --read-only-port from the kubelet's command line), then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("read-only-port", "readOnlyPort")
	if !s.set {
		if k.fileInEffect {
			return nil, nil // KubeletConfiguration v1beta1 defaults to 0
		}
		return one(s.path, "%s, so --read-only-port defaults to 10255: pod specs are served over HTTP without authentication (CIS 4.2.4)", s.name), nil
	}
	port, err := s.integer()
	if err != nil || port == 0 {
		return nil, err
	}
	return one(s.path, "%s is %d: pod specs are served over HTTP without authentication (CIS 4.2.4)", s.name, port), nil
})
