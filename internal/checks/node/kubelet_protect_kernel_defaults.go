package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the kubelet tunes kernel parameters (vm.overcommit_memory, kernel.panic...) to the
// values it needs. With protectKernelDefaults it refuses to start when they differ instead, so
// a node whose kernel settings were changed, by an operator or by someone who got root on
// it, does not silently join the cluster with them.
var kubeletProtectKernelDefaults = factsCheck(check.Meta{
	ID:       "ST-0305",
	Slug:     "kubelet-protect-kernel-defaults",
	Title:    "Kubelet does not protect kernel defaults",
	Layer:    check.LayerNode,
	Severity: check.SeverityLow,
	Description: "--protect-kernel-defaults or protectKernelDefaults is false or unset (the default is false), so " +
		"the kubelet modifies kernel parameters that differ from its expectations instead of failing (CIS " +
		"Kubernetes Benchmark 4.2.6 in versions before v1.10, which no longer lists it).",
	Remediation: "Set the kernel parameters the kubelet expects in /etc/sysctl.d, then set protectKernelDefaults: true in the kubelet configuration file and restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("protect-kernel-defaults", "protectKernelDefaults")
	if !s.set {
		return one(s.path, "%s, so protectKernelDefaults defaults to false (CIS Kubernetes Benchmark 4.2.6 in versions before v1.10, which no longer lists it)", s.name), nil
	}
	on, err := s.boolean()
	if err != nil || on {
		return nil, err
	}
	return one(s.path, "%s is false: the kubelet overrides kernel parameters instead of refusing to start (CIS Kubernetes Benchmark 4.2.6 in versions before v1.10, which no longer lists it)", s.name), nil
})
