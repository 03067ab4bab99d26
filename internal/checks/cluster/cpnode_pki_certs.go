package cluster

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: certificates are public, but whoever can replace one — the CA bundle above all — decides
// whom the API server, etcd and the kubelets trust. The PKI directory and its certificates must
// therefore be owned by root and writable by root alone.
var cpNodePKICerts = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0373",
		Slug:     "control-plane-pki-certificate-permissions",
		Title:    "Control-plane PKI directory or certificates are writable by other users or not owned by root",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "The Kubernetes PKI directory (/etc/kubernetes/pki) and its files must be owned by root:root " +
			"(CIS Kubernetes Benchmark 1.1.19), and its certificate files must be mode 644 or stricter (1.1.20). " +
			"A certificate others can write lets them swap the CA the control plane trusts.",
		Remediation: "Run chown -R root:root /etc/kubernetes/pki and chmod 644 (or stricter) on every *.crt file in it.",
		References: []string{
			"https://www.cisecurity.org/benchmark/kubernetes",
			"https://kubernetes.io/docs/setup/best-practices/certificates/",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		return assessFiles(f, "PKI directory and certificates", []fileRule{
			{role: nodefacts.RolePKIDir, owner: "root", group: "root", ownerItem: "1.1.19"},
			{role: nodefacts.RolePKICert, maxMode: 0o644, owner: "root", group: "root", modeItem: "1.1.20", ownerItem: "1.1.19"},
		})
	},
}
