package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the kubelet configuration file decides the kubelet's authentication, authorization and
// read-only port. Whoever can write it enables anonymous access with AlwaysAllow and owns
// every pod on the node at the kubelet's next restart.
var kubeletConfigFile = factsCheck(check.Meta{
	ID:       "ST-0317",
	Slug:     "kubelet-config-file-permissions",
	Title:    "Kubelet configuration file is writable or owned by others",
	Layer:    check.LayerNode,
	Severity: check.SeverityHigh,
	Description: "The kubelet configuration file (--config, /var/lib/kubelet/config.yaml on kubeadm nodes) has permissions " +
		"wider than 600, or is not owned by root:root (CIS Kubernetes Benchmark 4.1.9 and 4.1.10). When no such " +
		"file is present the check is not assessed.",
	Remediation: "Run chmod 600 and chown root:root on the kubelet configuration file (/var/lib/kubelet/config.yaml on kubeadm nodes).",
	References:  fileReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	return judgeFiles(f, fileRule{role: nodefacts.RoleKubeletConfig, what: "kubelet configuration file", maxMode: 0o600, modeItem: "4.1.9", ownerItem: "4.1.10"})
})
