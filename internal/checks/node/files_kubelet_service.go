package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the kubelet service file (and its drop-ins) holds the kubelet's command line. Whoever
// can write it turns anonymous auth on, points the kubelet at another API server or adds
// --volume-plugin-dir with their own binary, and root runs it at the next restart.
var kubeletServiceFile = factsCheck(check.Meta{
	ID:       "ST-0314",
	Slug:     "kubelet-service-file-permissions",
	Title:    "Kubelet service file is writable or owned by others",
	Layer:    check.LayerNode,
	Severity: check.SeverityMedium,
	Description: "The kubelet's systemd unit file or a drop-in of it has permissions wider than 600, or is not owned by " +
		"root:root (CIS Kubernetes Benchmark 4.1.1 and 4.1.2). When no such file is present the check is not assessed.",
	Remediation: "Run chmod 600 and chown root:root on the kubelet service file and its drop-ins (such as /etc/systemd/system/kubelet.service.d/10-kubeadm.conf).",
	References:  fileReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	return judgeFiles(f, fileRule{role: nodefacts.RoleKubeletService, what: "kubelet service file", maxMode: 0o600, modeItem: "4.1.1", ownerItem: "4.1.2"})
})
