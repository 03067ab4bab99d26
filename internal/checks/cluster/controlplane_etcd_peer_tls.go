package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: etcd members replicate every write to each other over the peer port. Without peer TLS
// and certificate authentication, anyone who reaches that port can read the replicated data or
// join the cluster as a member and rewrite it.
var cpEtcdPeerTLS = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0123",
		Slug:     "etcd-peer-tls",
		Title:    "etcd peers communicate without mutual TLS",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "etcd lacks --peer-cert-file or --peer-key-file, or listens on an http:// peer URL (CIS " +
			"Kubernetes Benchmark 2.4), does not require peer certificates (--peer-client-cert-auth, 2.5), or " +
			"uses self-signed peer certificates (--peer-auto-tls, 2.6). Settings given as ETCD_* environment " +
			"variables count; an etcd reading --config-file is not assessed.",
		Remediation: "Run etcd with --peer-cert-file, --peer-key-file, --peer-trusted-ca-file and --peer-client-cert-auth=true, without --peer-auto-tls, and with only https:// URLs in --listen-peer-urls.",
		References: []string{
			"https://etcd.io/docs/v3.5/op-guide/security/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			return etcdTLS(c, etcdTLSSpec{
				what: "peer", cert: "peer-cert-file", key: "peer-key-file", auth: "peer-client-cert-auth", auto: "peer-auto-tls",
				listen: "listen-peer-urls", cisCert: "2.4", cisAuth: "2.5", cisAuto: "2.6",
			})
		}, etcd)
	},
}
