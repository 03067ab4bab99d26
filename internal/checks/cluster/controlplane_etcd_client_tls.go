package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: etcd is the cluster's database, Secrets included, and has no authorization of its own
// by default: whoever can open a connection to its client port and is not asked for a
// certificate can read and rewrite every object, bypassing RBAC and admission entirely.
var cpEtcdClientTLS = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0122",
		Slug:     "etcd-client-tls",
		Title:    "etcd serves clients without mutual TLS",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "etcd lacks --cert-file or --key-file, or listens on an http:// client URL (CIS Kubernetes " +
			"Benchmark 2.1), does not require client certificates (--client-cert-auth, 2.2), or uses " +
			"self-signed certificates (--auto-tls, 2.3). Settings given as ETCD_* environment variables count; " +
			"an etcd reading --config-file is not assessed.",
		Remediation: "Run etcd with --cert-file, --key-file, --trusted-ca-file and --client-cert-auth=true, without --auto-tls, and with only https:// URLs in --listen-client-urls.",
		References: []string{
			"https://etcd.io/docs/v3.5/op-guide/security/",
			"https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			return etcdTLS(c, etcdTLSSpec{
				what: "client", cert: "cert-file", key: "key-file", auth: "client-cert-auth", auto: "auto-tls",
				listen: "listen-client-urls", cisCert: "2.1", cisAuth: "2.2", cisAuto: "2.3",
			})
		}, etcd)
	},
}
