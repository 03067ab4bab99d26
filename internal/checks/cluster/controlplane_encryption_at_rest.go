package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: without an encryption configuration the API server stores Secrets in etcd as plain
// base64. Every etcd backup, snapshot and disk of a control-plane node then holds every
// credential of the cluster in clear text.
var cpEncryptionAtRest = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0117",
		Slug:     "api-server-no-encryption-at-rest",
		Title:    "API server does not encrypt Secrets at rest",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "kube-apiserver runs without --encryption-provider-config, so Secrets are stored in etcd " +
			"unencrypted (CIS Kubernetes Benchmark 1.2.27). Whether the configured providers are strong (1.2.28) " +
			"depends on the file's contents, which strata does not read.",
		Remediation: "Write an EncryptionConfiguration that encrypts secrets with a KMS v2 provider (or aescbc/secretbox), pass it with --encryption-provider-config, and rewrite existing Secrets so they are stored encrypted.",
		References: []string{
			"https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			return c.requireFlags("1.2.27", "Secrets are stored in etcd unencrypted", "encryption-provider-config"), ""
		}, apiServer)
	},
}
