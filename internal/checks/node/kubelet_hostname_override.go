package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the kubelet's serving certificate and its Node object are tied to the node's name. An
// overridden hostname can break TLS verification between the API server and the kubelet,
// which then tends to be "fixed" by turning verification off. The item is manual in the
// benchmark because some cloud providers need the override.
var kubeletHostnameOverride = factsCheck(check.Meta{
	ID:       "ST-0307",
	Slug:     "kubelet-hostname-override",
	Title:    "Kubelet overrides the node's hostname",
	Layer:    check.LayerNode,
	Severity: check.SeverityInfo,
	Description: "The kubelet runs with --hostname-override, so the node's name differs from its hostname and " +
		"certificates issued for one may not match the other (CIS Kubernetes Benchmark 4.2.7, a manual item: " +
		"review whether the platform needs it).",
	Remediation: "Remove --hostname-override from the kubelet's command line unless the cloud provider requires it, then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("hostname-override")
	if !s.set {
		return nil, nil
	}
	name, err := s.str()
	if err != nil {
		return nil, err
	}
	return one(s.path, "--hostname-override is %q while the node's hostname is %q: review whether it is needed (CIS 4.2.7)", name, f.Hostname), nil
})
