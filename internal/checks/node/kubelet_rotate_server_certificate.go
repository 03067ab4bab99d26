package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: with the RotateKubeletServerCertificate feature gate off, the kubelet never requests a
// new serving certificate, so a leaked serving key lets an attacker impersonate the kubelet to
// the API server until the certificate expires.
var kubeletRotateServerCertificate = factsCheck(check.Meta{
	ID:       "ST-0311",
	Slug:     "kubelet-server-cert-rotation-disabled",
	Title:    "Kubelet serving certificate rotation is disabled",
	Layer:    check.LayerNode,
	Severity: check.SeverityMedium,
	Description: "The kubelet's RotateKubeletServerCertificate feature gate is set to false in --feature-gates " +
		"or featureGates, so the kubelet does not renew its serving certificate (CIS Kubernetes Benchmark " +
		"4.2.11). The gate is on by default; a gate given on the command line overrides the configuration file.",
	Remediation: "Remove RotateKubeletServerCertificate=false from --feature-gates and the featureGates of the kubelet configuration file, then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.featureGate("RotateKubeletServerCertificate")
	if !s.set {
		return nil, nil
	}
	on, err := s.boolean()
	if err != nil || on {
		return nil, err
	}
	return one(s.path, "%s is false: the kubelet does not renew its serving certificate (CIS 4.2.11)", s.name), nil
})
