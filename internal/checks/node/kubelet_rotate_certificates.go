package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: a kubelet that does not rotate its client certificate keeps one long-lived credential
// for the node. When it leaks (a node backup, a compromised node later rebuilt), it stays
// valid as system:node:<name> until it expires, typically a year later.
var kubeletRotateCertificates = factsCheck(check.Meta{
	ID:       "ST-0310",
	Slug:     "kubelet-client-cert-rotation-disabled",
	Title:    "Kubelet does not rotate its client certificate",
	Layer:    check.LayerNode,
	Severity: check.SeverityMedium,
	Description: "--rotate-certificates or rotateCertificates is false, or unset (its default is false), so the " +
		"kubelet keeps its client certificate until it expires instead of renewing it through the " +
		"certificates API (CIS Kubernetes Benchmark 4.2.10).",
	Remediation: "Set rotateCertificates: true in the kubelet configuration file (and remove --rotate-certificates=false), then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("rotate-certificates", "rotateCertificates")
	if !s.set {
		return one(s.path, "%s, so rotateCertificates defaults to false: the kubelet's client certificate is never renewed (CIS 4.2.10)", s.name), nil
	}
	on, err := s.boolean()
	if err != nil || on {
		return nil, err
	}
	return one(s.path, "%s is false: the kubelet's client certificate is never renewed (CIS 4.2.10)", s.name), nil
})
