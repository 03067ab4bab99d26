package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the kubelet API on port 10250 runs commands in containers (/exec, /run), streams their
// logs and lists every pod on the node. With anonymous authentication anyone who reaches the
// port is system:anonymous, and with the kubelet's AlwaysAllow default that is enough to run
// a shell in any pod on the node: the classic kubelet takeover.
var kubeletAnonymousAuth = factsCheck(check.Meta{
	ID:       "ST-0300",
	Slug:     "kubelet-anonymous-auth",
	Title:    "Kubelet accepts anonymous requests",
	Layer:    check.LayerNode,
	Severity: check.SeverityCritical,
	Description: "The kubelet serves requests without credentials as system:anonymous: --anonymous-auth or " +
		"authentication.anonymous.enabled is true, or the kubelet runs without a configuration file, where " +
		"--anonymous-auth defaults to true (CIS Kubernetes Benchmark 4.2.1). A command-line flag overrides the " +
		"configuration file.",
	Remediation: "Set authentication.anonymous.enabled: false in the kubelet configuration file (and remove --anonymous-auth=true from the kubelet's command line), then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("anonymous-auth", "authentication", "anonymous", "enabled")
	if !s.set {
		if k.fileInEffect {
			return nil, nil // KubeletConfiguration v1beta1 defaults to false
		}
		return one(s.path, "%s, so --anonymous-auth defaults to true: requests without credentials are served as system:anonymous (CIS 4.2.1)", s.name), nil
	}
	on, err := s.boolean()
	if err != nil || !on {
		return nil, err
	}
	return one(s.path, "%s is true: requests to the kubelet API without credentials are served as system:anonymous (CIS 4.2.1)", s.name), nil
})
