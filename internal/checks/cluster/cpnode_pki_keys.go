package cluster

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the private keys in the PKI directory sign the cluster's identities. With ca.key anyone
// can mint a client certificate in system:masters; with sa.key, a token for any service account;
// with etcd's keys, talk to etcd directly. Only root may read them.
var cpNodePKIKeys = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0374",
		Slug:     "control-plane-pki-key-permissions",
		Title:    "Control-plane private keys are readable by other users or not owned by root",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "The private key files in the Kubernetes PKI directory (/etc/kubernetes/pki/*.key) must be " +
			"mode 600 or stricter (CIS Kubernetes Benchmark 1.1.21) and owned by root:root (1.1.19). A readable " +
			"CA or service-account signing key lets a local user impersonate anyone in the cluster.",
		Remediation: "Run chmod 600 and chown root:root on every *.key file under /etc/kubernetes/pki.",
		References: []string{
			"https://www.cisecurity.org/benchmark/kubernetes",
			"https://kubernetes.io/docs/setup/best-practices/certificates/",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		return assessFiles(f, "PKI private keys", []fileRule{
			{role: nodefacts.RolePKIKey, maxMode: 0o600, owner: "root", group: "root", modeItem: "1.1.21", ownerItem: "1.1.19"},
		})
	},
}
