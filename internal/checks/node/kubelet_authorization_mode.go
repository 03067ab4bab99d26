package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: with AlwaysAllow the kubelet authorizes every authenticated request, so any client
// certificate the cluster CA signed, and with anonymous auth any caller at all, may exec into
// every pod on the node. Webhook mode asks the API server (SubjectAccessReview) instead, so
// RBAC decides who may use nodes/proxy.
var kubeletAuthorizationMode = factsCheck(check.Meta{
	ID:       "ST-0301",
	Slug:     "kubelet-authorization-always-allow",
	Title:    "Kubelet authorizes every request",
	Layer:    check.LayerNode,
	Severity: check.SeverityCritical,
	Description: "The kubelet's authorization mode is AlwaysAllow: --authorization-mode or authorization.mode " +
		"says so, or the kubelet runs without a configuration file, where --authorization-mode defaults to " +
		"AlwaysAllow (CIS Kubernetes Benchmark 4.2.2). Every request the kubelet authenticates may run " +
		"commands in the node's containers.",
	Remediation: "Set authorization.mode: Webhook in the kubelet configuration file (and remove --authorization-mode=AlwaysAllow from the kubelet's command line), then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("authorization-mode", "authorization", "mode")
	if !s.set {
		if k.fileInEffect {
			return nil, nil // KubeletConfiguration v1beta1 defaults to Webhook
		}
		return one(s.path, "%s, so --authorization-mode defaults to AlwaysAllow: every authenticated request may use the kubelet API (CIS 4.2.2)", s.name), nil
	}
	mode, err := s.str()
	if err != nil || mode != "AlwaysAllow" {
		return nil, err
	}
	return one(s.path, "%s is AlwaysAllow: every authenticated request may use the kubelet API (CIS 4.2.2)", s.name), nil
})
