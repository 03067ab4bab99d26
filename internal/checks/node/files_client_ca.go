package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the kubelet trusts every client certificate signed by the CAs in its client CA file.
// Whoever can write the file adds their own CA and then authenticates to the kubelet API as
// any user, including one allowed to exec into every pod on the node.
var clientCAFile = factsCheck(check.Meta{
	ID:       "ST-0316",
	Slug:     "kubelet-client-ca-permissions",
	Title:    "Kubelet client CA file is writable or owned by others",
	Layer:    check.LayerNode,
	Severity: check.SeverityMedium,
	Description: "The certificate authorities file the kubelet verifies clients with (--client-ca-file, " +
		"authentication.x509.clientCAFile) has permissions wider than 600, or is not owned by root:root (CIS " +
		"Kubernetes Benchmark v1.10 4.1.7 and 4.1.8; earlier versions accepted 644). When no such file is " +
		"present the check is not assessed.",
	Remediation: "Run chmod 600 and chown root:root on the client CA file (/etc/kubernetes/pki/ca.crt on kubeadm nodes).",
	References:  fileReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	return judgeFiles(f, fileRule{role: nodefacts.RoleCAFile, what: "client CA file", maxMode: 0o600, modeItem: "4.1.7", ownerItem: "4.1.8"})
})
