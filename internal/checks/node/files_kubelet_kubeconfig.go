package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the kubelet kubeconfig names the client certificate and key the kubelet uses as
// system:node:<name>. Whoever reads it acts as the node: reads the secrets of every pod
// scheduled there and updates the node's status to attract or repel workloads.
var kubeletKubeconfigFile = factsCheck(check.Meta{
	ID:       "ST-0315",
	Slug:     "kubelet-kubeconfig-permissions",
	Title:    "Kubelet kubeconfig is readable or owned by others",
	Layer:    check.LayerNode,
	Severity: check.SeverityHigh,
	Description: "The kubeconfig the kubelet authenticates to the API server with (--kubeconfig, kubelet.conf on kubeadm " +
		"nodes) has permissions wider than 600, or is not owned by root:root (CIS Kubernetes Benchmark 4.1.5 and " +
		"4.1.6). When no such file is present the check is not assessed.",
	Remediation: "Run chmod 600 and chown root:root on the kubelet kubeconfig (/etc/kubernetes/kubelet.conf on kubeadm nodes).",
	References:  fileReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	return judgeFiles(f, fileRule{role: nodefacts.RoleKubeletKubeconfig, what: "kubelet kubeconfig", maxMode: 0o600, modeItem: "4.1.5", ownerItem: "4.1.6"})
})
