package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: exec, attach and port-forward sessions are streamed through the kubelet. Without an idle
// timeout a forgotten or hijacked session stays open forever, and many idle streams exhaust
// the kubelet's connections, a cheap denial of service against the node.
var kubeletStreamingTimeout = factsCheck(check.Meta{
	ID:       "ST-0304",
	Slug:     "kubelet-streaming-idle-timeout-disabled",
	Title:    "Kubelet streaming connections never time out",
	Layer:    check.LayerNode,
	Severity: check.SeverityLow,
	Description: "--streaming-connection-idle-timeout or streamingConnectionIdleTimeout is 0, so idle exec, " +
		"attach and port-forward connections are never closed (CIS Kubernetes Benchmark 4.2.5). The default " +
		"is 4h.",
	Remediation: "Remove the zero value, or set streamingConnectionIdleTimeout in the kubelet configuration file to a duration such as 5m, then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("streaming-connection-idle-timeout", "streamingConnectionIdleTimeout")
	if !s.set {
		return nil, nil
	}
	d, err := s.duration()
	if err != nil || d != 0 {
		return nil, err
	}
	return one(s.path, "%s is 0: idle streaming connections are never closed (CIS 4.2.5)", s.name), nil
})
