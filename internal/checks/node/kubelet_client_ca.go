package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: without a client CA the kubelet cannot authenticate the API server (or anyone else) by
// certificate. Callers then fall through to token webhook or anonymous authentication, and
// the API server's own connections to the kubelet for exec and logs carry no identity the
// kubelet can check.
var kubeletClientCA = factsCheck(check.Meta{
	ID:       "ST-0302",
	Slug:     "kubelet-no-client-ca",
	Title:    "Kubelet does not verify client certificates",
	Layer:    check.LayerNode,
	Severity: check.SeverityHigh,
	Description: "Neither --client-ca-file nor authentication.x509.clientCAFile is set, so the kubelet does not " +
		"authenticate clients by certificate (CIS Kubernetes Benchmark 4.2.3).",
	Remediation: "Set authentication.x509.clientCAFile in the kubelet configuration file to the cluster CA (kubeadm uses /etc/kubernetes/pki/ca.crt), then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("client-ca-file", "authentication", "x509", "clientCAFile")
	if !s.set {
		return one(s.path, "%s: the kubelet does not authenticate clients by certificate (CIS 4.2.3)", s.name), nil
	}
	file, err := s.str()
	if err != nil || file != "" {
		return nil, err
	}
	return one(s.path, "%s is empty: the kubelet does not authenticate clients by certificate (CIS 4.2.3)", s.name), nil
})
