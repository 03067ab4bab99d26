package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// defaultEventQPS is the KubeletConfiguration v1beta1 default of eventRecordQPS.
const defaultEventQPS = 50

// Why: events are the trail of what happened to pods: image pulls, failed mounts, killed
// containers. A kubelet that rate-limits event creation below the default drops them in a
// burst, which is exactly when an attacker churns pods. The item is manual in the benchmark:
// the right rate depends on the cluster.
var kubeletEventQPS = factsCheck(check.Meta{
	ID:       "ST-0308",
	Slug:     "kubelet-event-qps-low",
	Title:    "Kubelet rate-limits events below the default",
	Layer:    check.LayerNode,
	Severity: check.SeverityInfo,
	Description: "--event-qps or eventRecordQPS is set to a positive value below the default of 50 events per " +
		"second, so the kubelet drops events in bursts (CIS Kubernetes Benchmark 4.2.8, a manual item: review " +
		"the rate the cluster needs).",
	Remediation: "Remove eventRecordQPS from the kubelet configuration file, or raise it to a rate that captures the node's events, then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("event-qps", "eventRecordQPS")
	if !s.set {
		return nil, nil
	}
	qps, err := s.integer()
	if err != nil || qps <= 0 || qps >= defaultEventQPS {
		return nil, err
	}
	return one(s.path, "%s is %d, below the default of %d: events beyond that rate are dropped (CIS 4.2.8)", s.name, qps, defaultEventQPS), nil
})
