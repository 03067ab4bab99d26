package cluster

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: etcd's data directory is the cluster's whole state on disk, every Secret included
// (base64, or encrypted only if encryption at rest is configured). Read access to it is read
// access to everything the API server guards, without an API request or an audit event.
var cpNodeEtcdDataDir = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0371",
		Slug:     "etcd-data-directory-permissions",
		Title:    "etcd data directory is accessible to other users or not owned by etcd",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "etcd's data directory (--data-dir, /var/lib/etcd by default) must be mode 700 or stricter " +
			"(CIS Kubernetes Benchmark 1.1.11) and owned by etcd:etcd (1.1.12). It holds every object of the " +
			"cluster, Secrets included, so anyone who can read it reads all of them outside the API server's " +
			"authorization and audit.",
		Remediation: "Run chmod 700 on the etcd data directory and chown -R etcd:etcd on it, running etcd as the etcd user.",
		References: []string{
			"https://www.cisecurity.org/benchmark/kubernetes",
			"https://etcd.io/docs/latest/op-guide/security/",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		return assessFiles(f, "etcd data directory", []fileRule{{role: nodefacts.RoleEtcdDataDir,
			maxMode: 0o700, owner: "etcd", group: "etcd", modeItem: "1.1.11", ownerItem: "1.1.12"}})
	},
}
